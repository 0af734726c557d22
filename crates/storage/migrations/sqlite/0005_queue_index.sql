-- The desk's queue, ordered by danger, then time to landing (unknown last), then age,
-- served straight from an index of the open cases: the queue reads only the rows it
-- shows, however many closed reports the organisation keeps.
ALTER TABLE reports ADD COLUMN arrival_key BIGINT NOT NULL DEFAULT 9223372036854775807;
UPDATE reports SET arrival_key = scheduled_arrival WHERE scheduled_arrival IS NOT NULL;
CREATE INDEX reports_open_queue ON reports (org_id, immediate_danger DESC, arrival_key, received_at, id)
    WHERE status <> 'closed';
