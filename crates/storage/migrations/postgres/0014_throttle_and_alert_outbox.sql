-- Sign-in throttling that holds under concurrency: an attempt is reserved (it counts
-- as a failure until it succeeds) while this row's lock is held for its account and
-- for its address, so simultaneous attempts are counted one after another.
CREATE TABLE login_throttle_locks (
    key  TEXT PRIMARY KEY,
    at   BIGINT NOT NULL
);

-- Desk alerts go through an outbox with a lease, as mail does: a row is 'pending'
-- until delivered; a sender leases it (lease_until) before sending, so a crash
-- between claim and send only delays the alert until the lease ends. Rows written
-- before this migration were delivered.
ALTER TABLE alerts_sent ADD COLUMN state TEXT NOT NULL DEFAULT 'sent' CHECK (state IN ('pending', 'sent'));
ALTER TABLE alerts_sent ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts_sent ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX alerts_sent_due ON alerts_sent (lease_until) WHERE state = 'pending';

ALTER TABLE alerts_emailed ADD COLUMN state TEXT NOT NULL DEFAULT 'sent' CHECK (state IN ('pending', 'sent'));
ALTER TABLE alerts_emailed ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts_emailed ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX alerts_emailed_due ON alerts_emailed (lease_until) WHERE state = 'pending';
