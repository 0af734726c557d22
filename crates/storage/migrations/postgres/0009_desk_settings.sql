-- Per-organisation desk settings: how long before scheduled landing escalation is
-- flagged (default 30 minutes when there is no row).
CREATE TABLE org_desk_settings (
    org_id                    UUID PRIMARY KEY REFERENCES organisations(id),
    escalate_before_landing   BIGINT NOT NULL CHECK (escalate_before_landing BETWEEN 5 AND 240),
    updated_at                BIGINT NOT NULL
);
