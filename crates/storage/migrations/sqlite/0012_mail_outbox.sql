-- E-mails Sightline sends people (invitations, password links), written in the same
-- transaction as the link they carry and delivered later by the server, so none is
-- lost when the mail relay is down. The body holds a one-time link, so it is sealed
-- under the master key like report text, and wiped once delivered.
CREATE TABLE mail_outbox (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL REFERENCES organisations(id),
    to_addr          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('invitation', 'welcome', 'reset', 'reminder')),
    subject          TEXT NOT NULL,
    sealed_body      BLOB,
    wrapped_key      BLOB,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER,
    gave_up_at       INTEGER,
    last_error       TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, created_at);
