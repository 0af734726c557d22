-- Issue 14, item 4: xAPI 1.0.3 statements to the organisation's Learning Record Store.
-- Where its LRS is (an https endpoint; Basic auth key and secret, the secret sealed
-- under the master key like the webhook secrets), how people are named in it
-- (`account`: an opaque id under the organisation's home page; `mbox`: their e-mail)
-- and the activity ids' base. An outbox of statements, each built when the learning
-- event is recorded (same transaction) and sent as written: its id is the statement
-- id, so a retry is idempotent at the LRS. Sent in batches under a lease
-- (`lease_token`, `lease_until`), retried with back-off, dead letters kept for an
-- administrator to send again.
CREATE TABLE org_xapi (
    org_id         BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    enabled        BOOLEAN NOT NULL,
    endpoint       TEXT NOT NULL,
    auth_key       TEXT NOT NULL,
    -- the Basic auth secret, sealed
    auth_secret    TEXT NOT NULL,
    actor_form     TEXT NOT NULL CHECK (actor_form IN ('account', 'mbox')),
    home_page      TEXT NOT NULL,
    activity_base  TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE TABLE xapi_statements (
    -- the statement id, fixed when queued
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL REFERENCES organisations(id),
    verb         TEXT NOT NULL,
    -- the statement as sent (JSON)
    body         TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    created_at   INTEGER NOT NULL,
    -- a pending statement is due from then: a sender's lease, or the retry time
    lease_until  INTEGER NOT NULL,
    lease_token  BLOB,
    attempts     INTEGER NOT NULL DEFAULT 0,
    sent_at      INTEGER,
    dead_at      INTEGER,
    last_error   TEXT
);
CREATE INDEX xapi_statements_due ON xapi_statements (lease_until) WHERE state = 'pending';
CREATE INDEX xapi_statements_org ON xapi_statements (org_id, state, created_at);
CREATE INDEX xapi_statements_lease ON xapi_statements (lease_token);
