-- Issue 13 (hand over): referrals of a case to a partner — an organisation in
-- Sightline (NGO or authority) or a directory entry outside it — with the consent, the
-- lawful basis and the minimisation profile recorded. What is shared (the HTCDS record)
-- is sealed at rest under the referring organisation's key, like report text.

CREATE TABLE referrals (
    id                  BLOB PRIMARY KEY NOT NULL,
    -- the referring organisation (its desk) and its case
    org_id              BLOB NOT NULL REFERENCES organisations(id),
    report_id           BLOB NOT NULL REFERENCES reports(id),
    -- the recipient: a partner organisation in Sightline, or a directory entry outside it
    recipient_org_id    BLOB REFERENCES organisations(id),
    recipient_entry_id  BLOB REFERENCES directory_entries(id),
    recipient_name      TEXT NOT NULL,
    recipient_kind      TEXT NOT NULL,
    consent             TEXT NOT NULL,
    lawful_basis        TEXT NOT NULL,
    reason              TEXT NOT NULL,
    profile             TEXT NOT NULL,
    -- why it was sent although the report did not pass the decision gate
    gate_override       TEXT,
    sealed              BLOB NOT NULL,
    wrapped_key         BLOB NOT NULL,
    status              TEXT NOT NULL,
    -- support the partner recorded, space-separated codes
    support             TEXT NOT NULL DEFAULT '',
    created_by          BLOB NOT NULL REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    acknowledged_at     INTEGER,
    decided_at          INTEGER,
    -- when the desk was alerted that the partner had not acknowledged it in time
    overdue_alerted_at  INTEGER,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK ((recipient_org_id IS NULL) <> (recipient_entry_id IS NULL))
);
CREATE INDEX referrals_case ON referrals (org_id, report_id, created_at);
CREATE INDEX referrals_inbox ON referrals (recipient_org_id, created_at);
CREATE INDEX referrals_waiting ON referrals (status, created_at);

-- Messages between the desk and the partner on a referral, sealed under the
-- referring organisation's key.
CREATE TABLE referral_messages (
    id            BLOB PRIMARY KEY NOT NULL,
    referral_id   BLOB NOT NULL REFERENCES referrals(id),
    at            INTEGER NOT NULL,
    from_partner  BOOLEAN NOT NULL,
    actor_id      BLOB REFERENCES users(id),
    sealed        BLOB NOT NULL,
    wrapped_key   BLOB NOT NULL
);
CREATE INDEX referral_messages_referral ON referral_messages (referral_id, at);

-- A new role for partner organisations' people, and the case events of referrals.
-- SQLite cannot change a CHECK constraint: both tables are rebuilt (neither is
-- referenced by another table) with every row and their indexes.
CREATE TABLE user_roles_0021 (
    user_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL
        CHECK (role IN ('learner', 'reporter', 'desk_analyst', 'org_admin', 'platform_admin', 'caseworker')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_0021 (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_0021 RENAME TO user_roles;
CREATE INDEX user_roles_role ON user_roles (role);

CREATE TABLE case_events_0021 (
    id                 BLOB PRIMARY KEY NOT NULL,
    org_id             BLOB NOT NULL REFERENCES organisations(id),
    report_id          BLOB NOT NULL REFERENCES reports(id),
    at                 INTEGER NOT NULL,
    actor_id           BLOB REFERENCES users(id),
    kind               TEXT NOT NULL
        CHECK (kind IN ('transition', 'note', 'assignment', 'contact', 'referral', 'referral_update')),
    from_status        TEXT,
    to_status          TEXT,
    reason             TEXT,
    -- notes are sealed like report text
    sealed             BLOB,
    wrapped_key        BLOB,
    -- contacts with authorities (escalation)
    contact_org        TEXT,
    contact_kind       TEXT,
    contact_method     TEXT,
    contact_reference  TEXT
);
INSERT INTO case_events_0021 SELECT id, org_id, report_id, at, actor_id, kind, from_status, to_status, reason,
    sealed, wrapped_key, contact_org, contact_kind, contact_method, contact_reference FROM case_events;
DROP TABLE case_events;
ALTER TABLE case_events_0021 RENAME TO case_events;
CREATE INDEX case_events_report ON case_events (org_id, report_id, at);
