-- Issue 14: the compliance dashboard counts people from one summary row each
-- (domain `StandingSummary`: overdue from, not started, due soon from), not from
-- their certificates, so an organisation of 50,000 is counted in milliseconds.
-- The rows are made by the application; the triggers below only say what to make
-- again, so no write path (roster import, sign-on, certificates, revocation,
-- retention) can leave a stale row unmarked.
CREATE TABLE training_standing (
    org_id        BLOB NOT NULL REFERENCES organisations(id),
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position      TEXT NOT NULL,
    base          TEXT,
    overdue_from  INTEGER NOT NULL,
    not_started   BOOLEAN NOT NULL,
    soon_from     INTEGER,
    recheck_at    INTEGER,
    PRIMARY KEY (org_id, user_id)
);
-- The counts walk this in group order; the drill-down walks the next in due order,
-- one standing at a time, and stops after the people it lists.
CREATE INDEX training_standing_tally ON training_standing (org_id, position, base, not_started, overdue_from);
CREATE INDEX training_standing_due ON training_standing (org_id, overdue_from, user_id, not_started, position, base);
CREATE INDEX training_standing_recheck ON training_standing (org_id, recheck_at) WHERE recheck_at IS NOT NULL;

-- People whose row must be made again (a mark per change; a refresh deletes the
-- marks it read, so a change made while it worked keeps its own).
CREATE TABLE training_standing_marks (
    id       INTEGER PRIMARY KEY NOT NULL,
    org_id   BLOB NOT NULL REFERENCES organisations(id),
    user_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX training_standing_marks_org ON training_standing_marks (org_id, id);
CREATE INDEX training_standing_marks_user ON training_standing_marks (user_id);

-- Per organisation: the rows hold for `built` = `generation`; a change of an
-- assignment moves `generation` on and every row is made again (a page at a time,
-- `cursor` the last person done). No row: never built.
CREATE TABLE training_standing_orgs (
    org_id      BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    generation  INTEGER NOT NULL,
    built       INTEGER NOT NULL,
    cursor      BLOB
);

CREATE TRIGGER training_standing_user_new AFTER INSERT ON users
BEGIN INSERT INTO training_standing_marks (org_id, user_id) VALUES (NEW.org_id, NEW.id); END;
CREATE TRIGGER training_standing_user_changed AFTER UPDATE OF position, base, active, tip_line, created_at ON users
BEGIN INSERT INTO training_standing_marks (org_id, user_id) VALUES (NEW.org_id, NEW.id); END;
CREATE TRIGGER training_standing_certificate_new AFTER INSERT ON certificates
WHEN NEW.org_id IS NOT NULL AND NEW.user_id IS NOT NULL
BEGIN INSERT INTO training_standing_marks (org_id, user_id) VALUES (NEW.org_id, NEW.user_id); END;
CREATE TRIGGER training_standing_certificate_changed
AFTER UPDATE OF org_id, user_id, course_id, issued_at, revoked_at ON certificates
BEGIN
    INSERT INTO training_standing_marks (org_id, user_id)
    SELECT OLD.org_id, OLD.user_id WHERE OLD.org_id IS NOT NULL AND OLD.user_id IS NOT NULL;
    INSERT INTO training_standing_marks (org_id, user_id)
    SELECT NEW.org_id, NEW.user_id WHERE NEW.org_id IS NOT NULL AND NEW.user_id IS NOT NULL;
END;
CREATE TRIGGER training_standing_certificate_gone AFTER DELETE ON certificates
WHEN OLD.org_id IS NOT NULL AND OLD.user_id IS NOT NULL
BEGIN INSERT INTO training_standing_marks (org_id, user_id) VALUES (OLD.org_id, OLD.user_id); END;
CREATE TRIGGER training_standing_assignment_new AFTER INSERT ON training_assignments
BEGIN UPDATE training_standing_orgs SET generation = generation + 1 WHERE org_id = NEW.org_id; END;
CREATE TRIGGER training_standing_assignment_changed AFTER UPDATE ON training_assignments
BEGIN UPDATE training_standing_orgs SET generation = generation + 1 WHERE org_id IN (OLD.org_id, NEW.org_id); END;
CREATE TRIGGER training_standing_assignment_gone AFTER DELETE ON training_assignments
BEGIN UPDATE training_standing_orgs SET generation = generation + 1 WHERE org_id = OLD.org_id; END;
