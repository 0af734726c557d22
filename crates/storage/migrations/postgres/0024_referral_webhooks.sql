-- Issue 13, item 4 (machine to machine): a partner organisation whose own systems
-- integrate receives its referrals by signed webhook. Where it wants them (the signing
-- secret sealed under the master key, like the desk-alert webhook's), and an outbox of
-- deliveries written in the same transaction as the referral (or the desk's message)
-- they announce. A delivery is leased before it is sent (`lease_until`), retried with
-- back-off, and after too many failures kept as a dead letter (`state = 'dead'`) that
-- an administrator may send again. The notification carries no personal data: the
-- partner reads the referral itself through the API.
CREATE TABLE org_referral_hooks (
    org_id          UUID PRIMARY KEY REFERENCES organisations(id),
    webhook_url     TEXT NOT NULL,
    -- the signing secret, sealed
    webhook_secret  TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE TABLE referral_deliveries (
    -- also the delivery id receivers see (`X-Sightline-Delivery`), the same on every attempt
    id           UUID PRIMARY KEY,
    -- the partner organisation it goes to
    org_id       UUID NOT NULL REFERENCES organisations(id),
    referral_id  UUID NOT NULL REFERENCES referrals(id),
    event        TEXT NOT NULL CHECK (event IN ('referral.created', 'referral.message')),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    created_at   BIGINT NOT NULL,
    -- a pending delivery is due from then: a sender's lease, or the retry time
    lease_until  BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    sent_at      BIGINT,
    dead_at      BIGINT,
    last_error   TEXT
);
CREATE INDEX referral_deliveries_due ON referral_deliveries (lease_until) WHERE state = 'pending';
CREATE INDEX referral_deliveries_org ON referral_deliveries (org_id, state, created_at);
