-- Issue 15, item 1: retention, tombstones and legal hold.
--
-- org_retention: how long a closed case keeps its sealed text, in days from closing,
-- by outcome, and public tips (whatever the outcome) when set; NULL keeps for ever
-- (the default: an organisation without a row keeps everything).
CREATE TABLE org_retention (
    org_id                         BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    met_on_arrival_days            INTEGER,
    referred_to_ngo_days           INTEGER,
    no_action_innocent_days        INTEGER,
    insufficient_information_days  INTEGER,
    other_days                     INTEGER,
    tips_days                      INTEGER,
    updated_at                     INTEGER NOT NULL
);

-- A purged case is a tombstone: the row stays (id, dates, status, outcome, route,
-- signs and counts, so statistics and the audit chain stay whole); its sealed text,
-- wrapped key, seats, place, flags and relay message are emptied, its reporter link
-- moved to the organisation's tip-line account, its notes' text and reasons removed,
-- and a tip's receipt and messages deleted. purged_notes and purged_messages count
-- what was removed.
ALTER TABLE reports ADD COLUMN purged_at INTEGER;
ALTER TABLE reports ADD COLUMN purged_notes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN purged_messages INTEGER NOT NULL DEFAULT 0;

-- A legal hold: nothing under hold is purged. Who placed it, when and why (the
-- reason is required by the application; placing and lifting are audited).
ALTER TABLE reports ADD COLUMN hold_reason TEXT;
ALTER TABLE reports ADD COLUMN hold_by BLOB REFERENCES users(id);
ALTER TABLE reports ADD COLUMN hold_at INTEGER;

CREATE INDEX reports_retention ON reports (org_id, closed_at) WHERE status = 'closed' AND purged_at IS NULL;
CREATE INDEX reports_purged ON reports (purged_at) WHERE purged_at IS NOT NULL;

-- Work that runs once across nodes: whoever holds the row's lease until
-- lease_until does it (`sightline purge` and the purge job).
CREATE TABLE job_leases (
    name         TEXT PRIMARY KEY NOT NULL,
    holder       BLOB NOT NULL,
    lease_until  INTEGER NOT NULL
);
