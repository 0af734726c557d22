-- Issue 15, item 2: key rotation. Each organisation's key generation (its key is
-- HMAC(master key, organisation, generation); 0 is the derivation from before
-- generations). One row per rotation (of the master key, or of one organisation's
-- generation) with a cursor per sealed column, so `sightline keys rotate` resumes where
-- a crash left it. The keys themselves are never stored: only their public ids.
-- Secrets derived from the master key that must outlive a rotation (the tips'
-- receipt-lookup pepper and proof-of-work key) are kept here sealed, like the
-- webhook secrets, and re-wrapped by a rotation like everything else.
ALTER TABLE organisations ADD COLUMN key_generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE key_rotations (
    id            BLOB PRIMARY KEY NOT NULL,
    -- NULL: the master key; otherwise this organisation's generation alone
    org_id        BLOB REFERENCES organisations(id),
    -- the new master key's id (hex), or the master key's at an organisation's rotation
    new_key_id    TEXT NOT NULL,
    -- an organisation's rotation: the generation it moves to
    generation    INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    rewrapped     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE key_rotation_cursors (
    rotation_id   BLOB NOT NULL REFERENCES key_rotations(id),
    -- `table.column`, one of the sealed columns the storage layer lists
    sealed_column TEXT NOT NULL,
    -- the last row id re-wrapped (rows are visited in id order)
    after_id      BLOB NOT NULL,
    done          BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (rotation_id, sealed_column)
);

CREATE TABLE derived_secrets (
    id          BLOB PRIMARY KEY NOT NULL,
    label       TEXT NOT NULL UNIQUE,
    -- `sealed:v1:…` under the platform (the nil organisation id), record = id
    sealed      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
