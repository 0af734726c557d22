-- The routing directory, kept current by platform administrators. Platform-wide
-- (not an organisation's data). `body` is the entry as JSON (the same shape as an
-- entry of content/directory.toml); `seed_key` names entries that came from that
-- file, so an entry edited or removed here is never seeded again. `version` guards
-- against two administrators overwriting each other.
CREATE TABLE directory_entries (
    id          BLOB PRIMARY KEY NOT NULL,
    seed_key    TEXT UNIQUE,
    country     TEXT NOT NULL,
    airport     TEXT,
    body        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  BLOB REFERENCES users(id),
    removed_at  INTEGER
);
CREATE INDEX directory_entries_country ON directory_entries (country, airport);

-- Every version of every entry: who changed it, when, and what it said afterwards.
CREATE TABLE directory_history (
    id          BLOB PRIMARY KEY NOT NULL,
    entry_id    BLOB NOT NULL REFERENCES directory_entries(id),
    version     INTEGER NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('seeded', 'created', 'updated', 'removed', 'restored')),
    body        TEXT NOT NULL,
    reason      TEXT,
    actor_id    BLOB REFERENCES users(id),
    at          INTEGER NOT NULL,
    UNIQUE (entry_id, version)
);
CREATE INDEX directory_history_at ON directory_history (at);
CREATE TRIGGER directory_history_no_update BEFORE UPDATE ON directory_history
BEGIN SELECT RAISE(ABORT, 'directory_history is append-only'); END;
CREATE TRIGGER directory_history_no_delete BEFORE DELETE ON directory_history
BEGIN SELECT RAISE(ABORT, 'directory_history is append-only'); END;
