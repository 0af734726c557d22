-- Alerts to the desk on duty: where an organisation wants them (a signed webhook),
-- and which alerts went out, so each is sent once.
CREATE TABLE org_alerts (
    org_id          BLOB PRIMARY KEY REFERENCES organisations(id),
    webhook_url     TEXT NOT NULL,
    -- the signing secret, sealed under the master key like report text
    webhook_secret  TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE TABLE alerts_sent (
    report_id  BLOB NOT NULL REFERENCES reports(id),
    kind       TEXT NOT NULL CHECK (kind IN ('new', 'unacknowledged')),
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (report_id, kind)
);
