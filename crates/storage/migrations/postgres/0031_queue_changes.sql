-- Issue 16, item 2: the live queue's change feed.
--
-- One row per change that alters an organisation's desk queue (a report or tip
-- filed, a case transitioned, assigned, escalated, merged or closed), written in the
-- change's own transaction, after its audit entry: the audit chain's lock is held
-- from there to the commit, so ids commit in order on both engines and a reader
-- that has seen id N has seen every id below it. Ids and kinds only, never a
-- report's text. The prune job deletes rows older than an hour.
CREATE TABLE queue_changes (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id   UUID NOT NULL,
    case_id  UUID NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('new', 'updated', 'removed')),
    at       BIGINT NOT NULL
);
CREATE INDEX queue_changes_org ON queue_changes (org_id, id);
CREATE INDEX queue_changes_at ON queue_changes (at);

-- Every node's feed LISTENs on `sightline_queue` (`--live-feed notify`). One NOTIFY
-- per organisation per statement (a group-commit batch is one statement), sent by
-- PostgreSQL when the inserting transaction commits. The payload is the
-- organisation's id and the highest change id, nothing else. A node in
-- `--live-feed poll` mode ignores it and reads the table every 250 ms.
CREATE FUNCTION queue_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT org_id, max(id) AS id FROM queued GROUP BY org_id LOOP
        PERFORM pg_notify('sightline_queue', r.org_id::text || ' ' || r.id::text);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER queue_changes_notify AFTER INSERT ON queue_changes
    REFERENCING NEW TABLE AS queued FOR EACH STATEMENT EXECUTE FUNCTION queue_changes_notify();
