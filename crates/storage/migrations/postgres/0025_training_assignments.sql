-- Issue 14, items 1 and 2: training assignments and recurrence. An organisation's
-- admin requires a course of everyone in a position (optionally at one base): a new
-- joiner within `due_days` of joining (users.created_at), then again every
-- `recur_months` after their last completion (a certificate not revoked).
CREATE TABLE training_assignments (
    id            UUID PRIMARY KEY,
    org_id        UUID NOT NULL REFERENCES organisations(id),
    course_id     TEXT NOT NULL,
    position      TEXT NOT NULL CHECK (position IN ('cabin_crew', 'flight_deck', 'ground', 'security')),
    base          TEXT,
    due_days      BIGINT NOT NULL CHECK (due_days >= 0 AND due_days <= 365),
    recur_months  BIGINT NOT NULL CHECK (recur_months >= 1 AND recur_months <= 60),
    created_by    UUID REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX training_assignments_org ON training_assignments (org_id, position);

-- Per organisation: the reminder offsets (days before the due date, 0 = the day it is
-- overdue; comma-separated) and the month its fiscal year starts. No row: the defaults.
CREATE TABLE training_settings (
    org_id              UUID PRIMARY KEY REFERENCES organisations(id),
    reminder_offsets    TEXT NOT NULL,
    fiscal_start_month  BIGINT NOT NULL CHECK (fiscal_start_month >= 1 AND fiscal_start_month <= 12),
    updated_at          BIGINT NOT NULL
);

-- One row per reminder e-mail queued: the primary key is the claim (INSERT … ON
-- CONFLICT DO NOTHING), so each reminder goes out once on any number of nodes. The
-- rows with offset 0 (the day a person became overdue) wait for the admins' digest;
-- `digest_id` is set by the digest that names them (again a claim).
CREATE TABLE training_reminders (
    org_id         UUID NOT NULL REFERENCES organisations(id),
    user_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assignment_id  UUID NOT NULL REFERENCES training_assignments(id) ON DELETE CASCADE,
    due_at         BIGINT NOT NULL,
    offset_days    BIGINT NOT NULL,
    sent_at        BIGINT NOT NULL,
    digest_id      UUID,
    PRIMARY KEY (user_id, assignment_id, due_at, offset_days)
);
CREATE INDEX training_reminders_digest ON training_reminders (org_id) WHERE offset_days = 0 AND digest_id IS NULL;
CREATE INDEX training_reminders_assignment ON training_reminders (assignment_id);
