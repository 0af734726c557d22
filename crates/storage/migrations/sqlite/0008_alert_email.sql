-- Desk alerts by e-mail: the desk's address per organisation, and which e-mail
-- alerts went out (each once).
CREATE TABLE org_alert_emails (
    org_id      BLOB PRIMARY KEY REFERENCES organisations(id),
    email       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE alerts_emailed (
    report_id  BLOB NOT NULL REFERENCES reports(id),
    kind       TEXT NOT NULL CHECK (kind IN ('new', 'unacknowledged')),
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (report_id, kind)
);
