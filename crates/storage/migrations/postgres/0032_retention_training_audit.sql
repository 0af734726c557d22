-- Issue 15, item 1 (continued): retention of training records, certificates and
-- audit entries.
--
-- Three more periods per organisation, in days; NULL keeps for ever (the default).
--   training_days:     a person's lesson progress and check attempts, from the day they left;
--   certificates_days: a certificate, from the day it expired, then a tombstone with no
--                      link to its holder;
--   audit_days:        an audit entry's detail, address and actor, from the day it was
--                      written (at least 365: the trigger below refuses shorter).
ALTER TABLE org_retention ADD COLUMN training_days BIGINT;
ALTER TABLE org_retention ADD COLUMN certificates_days BIGINT;
ALTER TABLE org_retention ADD COLUMN audit_days BIGINT;

-- When a person left (was deactivated). People who had left before this migration
-- are counted from now: their records are kept longer, never shorter.
ALTER TABLE users ADD COLUMN left_at BIGINT;
UPDATE users SET left_at = (extract(epoch FROM now()) * 1000000)::bigint WHERE active = FALSE AND tip_line = FALSE;
CREATE INDEX users_left ON users (org_id, left_at) WHERE left_at IS NOT NULL;

-- A certificate tombstone keeps no link to its holder: no user, name, attempt (the
-- attempt names the person) or revoker.
ALTER TABLE certificates ALTER COLUMN attempt_id DROP NOT NULL;
ALTER TABLE certificates ADD COLUMN purged_at BIGINT;
CREATE INDEX certificates_expiry ON certificates (org_id, valid_until) WHERE purged_at IS NULL;

-- A past fiscal year's compliance figures, frozen before the purge first removes a
-- certificate they count (figures: JSON written by the application).
CREATE TABLE compliance_years (
    org_id       UUID NOT NULL REFERENCES organisations(id),
    fiscal_year  BIGINT NOT NULL,
    figures      TEXT NOT NULL,
    frozen_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, fiscal_year)
);

-- Audit redaction: an entry older than its organisation's audit period loses its
-- detail, address and actor; seq, time, organisation, action, target and both hashes
-- stay, so each entry still links to the one before it. The guard allows exactly
-- that update and nothing else: only once, only on a row older than the period by
-- the database's clock, never an `audit.redacted` entry (it records what was
-- redacted). Deletes stay refused.
ALTER TABLE audit_log ADD COLUMN redacted_at BIGINT;
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keep_days BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
           AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.org_id IS NOT DISTINCT FROM OLD.org_id
           AND NEW.action = OLD.action AND NEW.target_kind IS NOT DISTINCT FROM OLD.target_kind
           AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
           AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
           AND NEW.detail = '' AND NEW.ip IS NULL AND NEW.actor_id IS NULL
           AND OLD.org_id IS NOT NULL AND OLD.action <> 'audit.redacted' THEN
            SELECT CASE WHEN audit_days IS NULL THEN NULL ELSE GREATEST(audit_days, 365) END INTO keep_days FROM org_retention WHERE org_id = OLD.org_id;
            IF keep_days IS NOT NULL
               AND OLD.at < (extract(epoch FROM clock_timestamp()) * 1000000)::bigint - 86400000000 * keep_days THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END; $$;
