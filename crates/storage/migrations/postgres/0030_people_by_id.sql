-- Issue 14: the compliance dashboard and the reminder job read an organisation's
-- people a page at a time in id order (`WHERE org_id = ? AND id > ? ORDER BY id`),
-- each with their certificates. With only (org_id, name) to go on, each page sorted
-- every person of the organisation again (50 pages × 50,000 people for a large
-- airline); (org_id, id) hands each page over in order. The certificates' index now
-- also covers what that read needs (course, issued, revoked), so a person's
-- certificates come from the index alone, without a visit to each row.
CREATE INDEX users_org_id ON users (org_id, id);
DROP INDEX certificates_org;
CREATE INDEX certificates_org ON certificates (org_id, user_id, course_id, issued_at, revoked_at);
