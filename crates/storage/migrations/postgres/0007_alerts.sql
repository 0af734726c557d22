-- Alerts to the desk on duty: where an organisation wants them (a signed webhook),
-- and which alerts went out, so each is sent once.
CREATE TABLE org_alerts (
    org_id          UUID PRIMARY KEY REFERENCES organisations(id),
    webhook_url     TEXT NOT NULL,
    -- the signing secret, sealed under the master key like report text
    webhook_secret  TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE TABLE alerts_sent (
    report_id  UUID NOT NULL REFERENCES reports(id),
    kind       TEXT NOT NULL CHECK (kind IN ('new', 'unacknowledged')),
    sent_at    BIGINT NOT NULL,
    PRIMARY KEY (report_id, kind)
);
