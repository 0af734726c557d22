-- Per-organisation desk settings: how long before scheduled landing escalation is
-- flagged (default 30 minutes when there is no row).
CREATE TABLE org_desk_settings (
    org_id                    BLOB PRIMARY KEY REFERENCES organisations(id),
    escalate_before_landing   INTEGER NOT NULL CHECK (escalate_before_landing BETWEEN 5 AND 240),
    updated_at                INTEGER NOT NULL
);
