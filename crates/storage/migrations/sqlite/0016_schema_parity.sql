-- Schema parity with PostgreSQL (checked by crates/storage/tests/parity.rs).
--
-- Integers: SQLite's are all 64-bit already; PostgreSQL's migration 0016 widens its
-- INTEGER columns (reports.version among them) to BIGINT to match.
--
-- Primary keys: SQLite lets a PRIMARY KEY column that is not INTEGER hold NULL
-- unless it is also declared NOT NULL, and these four were declared without it
-- (PostgreSQL's never allow NULL). Each is rebuilt with NOT NULL; none is referenced
-- by another table or has an index of its own. A row with a NULL key could never be
-- read (every query matches the key), so none is carried over.
CREATE TABLE org_alerts_0016 (
    org_id          BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    webhook_url     TEXT NOT NULL,
    -- the signing secret, sealed under the master key like report text
    webhook_secret  TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);
INSERT INTO org_alerts_0016 (org_id, webhook_url, webhook_secret, updated_at)
    SELECT org_id, webhook_url, webhook_secret, updated_at FROM org_alerts WHERE org_id IS NOT NULL;
DROP TABLE org_alerts;
ALTER TABLE org_alerts_0016 RENAME TO org_alerts;

CREATE TABLE org_alert_emails_0016 (
    org_id      BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    email       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO org_alert_emails_0016 (org_id, email, updated_at)
    SELECT org_id, email, updated_at FROM org_alert_emails WHERE org_id IS NOT NULL;
DROP TABLE org_alert_emails;
ALTER TABLE org_alert_emails_0016 RENAME TO org_alert_emails;

CREATE TABLE org_desk_settings_0016 (
    org_id                    BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    escalate_before_landing   INTEGER NOT NULL CHECK (escalate_before_landing BETWEEN 5 AND 240),
    updated_at                INTEGER NOT NULL
);
INSERT INTO org_desk_settings_0016 (org_id, escalate_before_landing, updated_at)
    SELECT org_id, escalate_before_landing, updated_at FROM org_desk_settings WHERE org_id IS NOT NULL;
DROP TABLE org_desk_settings;
ALTER TABLE org_desk_settings_0016 RENAME TO org_desk_settings;

CREATE TABLE login_throttle_locks_0016 (
    key  TEXT PRIMARY KEY NOT NULL,
    at   INTEGER NOT NULL
);
INSERT INTO login_throttle_locks_0016 (key, at) SELECT key, at FROM login_throttle_locks WHERE key IS NOT NULL;
DROP TABLE login_throttle_locks;
ALTER TABLE login_throttle_locks_0016 RENAME TO login_throttle_locks;
