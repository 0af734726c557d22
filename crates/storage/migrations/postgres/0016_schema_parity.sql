-- Every integer column is BIGINT, as on SQLite (whose integers are all 64-bit):
-- `reports.version` was INTEGER while `directory_entries.version` was BIGINT, and
-- the storage code read the two differently. The counts and the audit head's id go
-- the same way, so both engines have one integer type (checked by the parity test).
ALTER TABLE reports
    ALTER COLUMN version TYPE BIGINT,
    ALTER COLUMN potential_victims TYPE BIGINT,
    ALTER COLUMN companions TYPE BIGINT;
ALTER TABLE check_attempts ALTER COLUMN percent TYPE BIGINT;
ALTER TABLE audit_head ALTER COLUMN id TYPE BIGINT;
