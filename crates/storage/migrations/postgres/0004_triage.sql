-- Triage: the desk's workflow on reports. `version` guards against two analysts
-- overwriting each other; every change is also a case_event (and an audit entry).

ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN assigned_to UUID REFERENCES users(id);
ALTER TABLE reports ADD COLUMN acknowledged_at BIGINT;
ALTER TABLE reports ADD COLUMN escalated_at BIGINT;
ALTER TABLE reports ADD COLUMN handed_over_at BIGINT;
ALTER TABLE reports ADD COLUMN closed_at BIGINT;
ALTER TABLE reports ADD COLUMN outcome TEXT;
CREATE INDEX reports_queue ON reports (org_id, status, immediate_danger, scheduled_arrival);

CREATE TABLE case_events (
    id                 UUID PRIMARY KEY,
    org_id             UUID NOT NULL REFERENCES organisations(id),
    report_id          UUID NOT NULL REFERENCES reports(id),
    at                 BIGINT NOT NULL,
    actor_id           UUID REFERENCES users(id),
    kind               TEXT NOT NULL CHECK (kind IN ('transition', 'note', 'assignment', 'contact')),
    from_status        TEXT,
    to_status          TEXT,
    reason             TEXT,
    -- notes are sealed like report text
    sealed             BYTEA,
    wrapped_key        BYTEA,
    -- contacts with authorities (escalation)
    contact_org        TEXT,
    contact_kind       TEXT,
    contact_method     TEXT,
    contact_reference  TEXT
);
CREATE INDEX case_events_report ON case_events (org_id, report_id, at);
