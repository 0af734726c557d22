-- Crew reports. Triage fields are plain so the desk can sort and filter; the
-- descriptions and free text are sealed (XChaCha20-Poly1305, per-report data key
-- wrapped by the organisation's key, which never enters the database).
-- The id is the device's UUID: PUT is idempotent on it.

CREATE TABLE reports (
    id                 BLOB PRIMARY KEY NOT NULL,
    org_id             BLOB NOT NULL REFERENCES organisations(id),
    reporter_id        BLOB NOT NULL REFERENCES users(id),
    reference          TEXT NOT NULL,
    content_hash       BLOB NOT NULL,
    received_at        INTEGER NOT NULL,
    client_created_at  TEXT,
    status             TEXT NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'acknowledged', 'escalated', 'handed_over', 'closed')),
    reporter_role      TEXT NOT NULL,
    phase              TEXT NOT NULL,
    flight             TEXT NOT NULL,
    flight_date        TEXT NOT NULL,
    origin             TEXT NOT NULL,
    destination        TEXT NOT NULL,
    scheduled_arrival  INTEGER,
    seats              TEXT NOT NULL,
    potential_victims  INTEGER NOT NULL,
    companions         INTEGER NOT NULL,
    indicators         TEXT NOT NULL,
    disclosed          BOOLEAN NOT NULL,
    companion_aware    TEXT NOT NULL,
    immediate_danger   BOOLEAN NOT NULL,
    gate_passed        BOOLEAN NOT NULL,
    relay_message      TEXT NOT NULL,
    sealed             BLOB NOT NULL,
    wrapped_key        BLOB NOT NULL
);
CREATE INDEX reports_org_received ON reports (org_id, received_at);
CREATE INDEX reports_reporter ON reports (org_id, reporter_id, received_at);
CREATE INDEX reports_flight ON reports (org_id, flight, flight_date);
