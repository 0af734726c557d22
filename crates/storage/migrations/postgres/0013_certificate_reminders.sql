-- Holders of a staff certificate are reminded by e-mail once, about a month before it
-- expires (unless they already hold a newer one for the course).
ALTER TABLE certificates ADD COLUMN reminded_at BIGINT;
CREATE INDEX certificates_reminder_due ON certificates (valid_until) WHERE reminded_at IS NULL AND revoked_at IS NULL;
