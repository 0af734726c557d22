-- Issue 16, item 2: the live queue's change feed.
--
-- One row per change that alters an organisation's desk queue (a report or tip
-- filed, a case transitioned, assigned, escalated, merged or closed), written in the
-- change's own transaction, after its audit entry: the audit chain's lock is held
-- from there to the commit, so ids commit in order on both engines and a reader
-- that has seen id N has seen every id below it. Ids and kinds only, never a
-- report's text. AUTOINCREMENT: an id is never reused after the rows are pruned
-- (the prune job deletes rows older than an hour).
CREATE TABLE queue_changes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    org_id   BLOB NOT NULL,
    case_id  BLOB NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('new', 'updated', 'removed')),
    at       INTEGER NOT NULL
);
CREATE INDEX queue_changes_org ON queue_changes (org_id, id);
CREATE INDEX queue_changes_at ON queue_changes (at);
