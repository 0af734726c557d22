-- Issue 13 (hand over): referrals of a case to a partner — an organisation in
-- Sightline (NGO or authority) or a directory entry outside it — with the consent, the
-- lawful basis and the minimisation profile recorded. What is shared (the HTCDS record)
-- is sealed at rest under the referring organisation's key, like report text.

CREATE TABLE referrals (
    id                  UUID PRIMARY KEY,
    -- the referring organisation (its desk) and its case
    org_id              UUID NOT NULL REFERENCES organisations(id),
    report_id           UUID NOT NULL REFERENCES reports(id),
    -- the recipient: a partner organisation in Sightline, or a directory entry outside it
    recipient_org_id    UUID REFERENCES organisations(id),
    recipient_entry_id  UUID REFERENCES directory_entries(id),
    recipient_name      TEXT NOT NULL,
    recipient_kind      TEXT NOT NULL,
    consent             TEXT NOT NULL,
    lawful_basis        TEXT NOT NULL,
    reason              TEXT NOT NULL,
    profile             TEXT NOT NULL,
    -- why it was sent although the report did not pass the decision gate
    gate_override       TEXT,
    sealed              BYTEA NOT NULL,
    wrapped_key         BYTEA NOT NULL,
    status              TEXT NOT NULL,
    -- support the partner recorded, space-separated codes
    support             TEXT NOT NULL DEFAULT '',
    created_by          UUID NOT NULL REFERENCES users(id),
    created_at          BIGINT NOT NULL,
    acknowledged_at     BIGINT,
    decided_at          BIGINT,
    -- when the desk was alerted that the partner had not acknowledged it in time
    overdue_alerted_at  BIGINT,
    version             BIGINT NOT NULL DEFAULT 1,
    CHECK ((recipient_org_id IS NULL) <> (recipient_entry_id IS NULL))
);
CREATE INDEX referrals_case ON referrals (org_id, report_id, created_at);
CREATE INDEX referrals_inbox ON referrals (recipient_org_id, created_at);
CREATE INDEX referrals_waiting ON referrals (status, created_at);

-- Messages between the desk and the partner on a referral, sealed under the
-- referring organisation's key.
CREATE TABLE referral_messages (
    id            UUID PRIMARY KEY,
    referral_id   UUID NOT NULL REFERENCES referrals(id),
    at            BIGINT NOT NULL,
    from_partner  BOOLEAN NOT NULL,
    actor_id      UUID REFERENCES users(id),
    sealed        BYTEA NOT NULL,
    wrapped_key   BYTEA NOT NULL
);
CREATE INDEX referral_messages_referral ON referral_messages (referral_id, at);

-- A new role for partner organisations' people, and the case events of referrals.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('learner', 'reporter', 'desk_analyst', 'org_admin', 'platform_admin', 'caseworker'));
ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
    CHECK (kind IN ('transition', 'note', 'assignment', 'contact', 'referral', 'referral_update'));
