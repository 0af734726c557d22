-- The routing directory, kept current by platform administrators. Platform-wide
-- (not an organisation's data). `body` is the entry as JSON (the same shape as an
-- entry of content/directory.toml); `seed_key` names entries that came from that
-- file, so an entry edited or removed here is never seeded again. `version` guards
-- against two administrators overwriting each other.
CREATE TABLE directory_entries (
    id          UUID PRIMARY KEY,
    seed_key    TEXT UNIQUE,
    country     TEXT NOT NULL,
    airport     TEXT,
    body        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  UUID REFERENCES users(id),
    removed_at  BIGINT
);
CREATE INDEX directory_entries_country ON directory_entries (country, airport);

-- Every version of every entry: who changed it, when, and what it said afterwards.
CREATE TABLE directory_history (
    id          UUID PRIMARY KEY,
    entry_id    UUID NOT NULL REFERENCES directory_entries(id),
    version     BIGINT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('seeded', 'created', 'updated', 'removed', 'restored')),
    body        TEXT NOT NULL,
    reason      TEXT,
    actor_id    UUID REFERENCES users(id),
    at          BIGINT NOT NULL,
    UNIQUE (entry_id, version)
);
CREATE INDEX directory_history_at ON directory_history (at);
CREATE FUNCTION directory_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'directory_history is append-only'; END; $$;
CREATE TRIGGER directory_history_no_update_delete BEFORE UPDATE OR DELETE ON directory_history
FOR EACH ROW EXECUTE FUNCTION directory_history_append_only();
