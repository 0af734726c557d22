-- Issue 12 (public tips): anonymous tips from travellers, the airports each
-- organisation covers (tips are routed by airport), and the platform's public desk.
--
-- A tip is a report (public_tip = TRUE), so it is worked with the desk's workflow.
-- Its "reporter" is the receiving organisation's inactive tip-line account (made on
-- the organisation's first tip; it cannot sign in). The tipster's receipt is never
-- stored: only a 24-bit keyed lookup (HMAC under a key derived from the master key,
-- which is not in the database) and an Argon2id hash. No address, user agent or
-- other metadata of the sender is stored.

-- The one organisation that receives tips no covering organisation takes.
ALTER TABLE organisations ADD COLUMN public_desk BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX organisations_public_desk ON organisations (public_desk) WHERE public_desk;

-- An organisation's inactive account that public tips are filed under.
ALTER TABLE users ADD COLUMN tip_line BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE reports ADD COLUMN public_tip BOOLEAN NOT NULL DEFAULT FALSE;

-- Which organisation's desk takes tips about an airport (at most one per airport),
-- set by platform admins.
CREATE TABLE org_airports (
    airport     TEXT PRIMARY KEY NOT NULL,
    org_id      UUID NOT NULL REFERENCES organisations(id),
    updated_at  BIGINT NOT NULL
);
CREATE INDEX org_airports_org ON org_airports (org_id, airport);

CREATE TABLE tips (
    report_id     UUID PRIMARY KEY REFERENCES reports(id),
    org_id        UUID NOT NULL REFERENCES organisations(id),
    -- the first 24 bits of HMAC-SHA256(pepper, receipt): narrows the search, never unique
    lookup        BIGINT NOT NULL,
    -- Argon2id PHC string of the receipt
    receipt_hash  TEXT NOT NULL,
    -- when it was seen, as the tipster gave it (local date and time)
    seen          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX tips_lookup ON tips (lookup);
CREATE INDEX tips_org ON tips (org_id, report_id);

-- The two-way thread between the tipster and the desk, sealed like report text.
CREATE TABLE tip_messages (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organisations(id),
    report_id    UUID NOT NULL REFERENCES reports(id),
    at           BIGINT NOT NULL,
    from_desk    BOOLEAN NOT NULL,
    -- the analyst who wrote it; NULL for the tipster
    actor_id     UUID REFERENCES users(id),
    sealed       BYTEA NOT NULL,
    wrapped_key  BYTEA NOT NULL
);
CREATE INDEX tip_messages_report ON tip_messages (org_id, report_id, at);
