-- Public tips' proof-of-work challenges already spent, for every node: a challenge
-- is good once until it expires (unix seconds). Kept in memory per process before,
-- so with several nodes a replayed challenge could pass once on each. Holds no
-- personal data; rows past their expiry are purged with the expired sessions.
CREATE TABLE spent_challenges (
    nonce      TEXT PRIMARY KEY NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX spent_challenges_expiry ON spent_challenges (expires_at);
