-- Issue 15, item 1 (continued): retention of training records, certificates and
-- audit entries.
--
-- Three more periods per organisation, in days; NULL keeps for ever (the default).
--   training_days:     a person's lesson progress and check attempts, from the day they left;
--   certificates_days: a certificate, from the day it expired, then a tombstone with no
--                      link to its holder;
--   audit_days:        an audit entry's detail, address and actor, from the day it was
--                      written (at least 365: the trigger below refuses shorter).
ALTER TABLE org_retention ADD COLUMN training_days INTEGER;
ALTER TABLE org_retention ADD COLUMN certificates_days INTEGER;
ALTER TABLE org_retention ADD COLUMN audit_days INTEGER;

-- When a person left (was deactivated). People who had left before this migration
-- are counted from now: their records are kept longer, never shorter.
ALTER TABLE users ADD COLUMN left_at INTEGER;
UPDATE users SET left_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
    WHERE active = FALSE AND tip_line = FALSE;
CREATE INDEX users_left ON users (org_id, left_at) WHERE left_at IS NOT NULL;

-- A certificate tombstone keeps no link to its holder: no user, name, attempt (the
-- attempt names the person) or revoker. SQLite cannot drop NOT NULL from attempt_id:
-- the table is rebuilt (no table references it) with every row and its indexes.
CREATE TABLE certificates_0032 (
    id               BLOB PRIMARY KEY NOT NULL,
    code             TEXT NOT NULL UNIQUE,
    attempt_id       BLOB UNIQUE REFERENCES check_attempts(id),
    org_id           BLOB REFERENCES organisations(id),
    user_id          BLOB REFERENCES users(id),
    name             TEXT NOT NULL,
    course_id        TEXT NOT NULL,
    lang             TEXT NOT NULL,
    issued_at        INTEGER NOT NULL,
    valid_until      INTEGER NOT NULL,
    revoked_at       INTEGER,
    revoked_by       BLOB REFERENCES users(id),
    revoke_reason    TEXT,
    reminded_at      INTEGER,
    holder_position  TEXT,
    purged_at        INTEGER
);
INSERT INTO certificates_0032 (id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until,
    revoked_at, revoked_by, revoke_reason, reminded_at, holder_position)
    SELECT id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until,
    revoked_at, revoked_by, revoke_reason, reminded_at, holder_position FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_0032 RENAME TO certificates;
CREATE INDEX certificates_org ON certificates (org_id, user_id, course_id, issued_at, revoked_at);
CREATE INDEX certificates_reminder_due ON certificates (valid_until) WHERE reminded_at IS NULL AND revoked_at IS NULL;
CREATE INDEX certificates_expiry ON certificates (org_id, valid_until) WHERE purged_at IS NULL;

-- A past fiscal year's compliance figures, frozen before the purge first removes a
-- certificate they count (figures: JSON written by the application).
CREATE TABLE compliance_years (
    org_id       BLOB NOT NULL REFERENCES organisations(id),
    fiscal_year  INTEGER NOT NULL,
    figures      TEXT NOT NULL,
    frozen_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, fiscal_year)
);

-- Audit redaction: an entry older than its organisation's audit period loses its
-- detail, address and actor; seq, time, organisation, action, target and both hashes
-- stay, so each entry still links to the one before it. The guard allows exactly
-- that update and nothing else: only once, only on a row older than the period by
-- the database's clock, never an `audit.redacted` entry (it records what was
-- redacted). Deletes stay refused.
ALTER TABLE audit_log ADD COLUMN redacted_at INTEGER;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT COALESCE((
    OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
    AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.org_id IS OLD.org_id AND NEW.action = OLD.action
    AND NEW.target_kind IS OLD.target_kind AND NEW.target_id IS OLD.target_id
    AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
    AND NEW.detail = '' AND NEW.ip IS NULL AND NEW.actor_id IS NULL
    AND OLD.org_id IS NOT NULL AND OLD.action <> 'audit.redacted'
    AND OLD.at < CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
        - 86400000000 * (SELECT MAX(audit_days, 365) FROM org_retention WHERE org_id = OLD.org_id)
), FALSE)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
