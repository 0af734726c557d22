-- Issue 16, item 3 (a million reports): the desk-alert job (every 15 s, per channel
-- and alert kind) looks for reports still waiting for acknowledgement, not merged.
-- It walked every report of an alerted organisation through reports_org_received
-- (0.6-0.8 s per statement on SQLite with 1,000,000 reports, 1,000 of them waiting);
-- this index holds only the waiting ones, so the job reads what it may alert about.
-- Its condition is spelled as the job's query spells it (`enqueue_alerts`).
CREATE INDEX reports_unacknowledged ON reports (org_id, received_at)
    WHERE status = 'received' AND merged_into IS NULL;
