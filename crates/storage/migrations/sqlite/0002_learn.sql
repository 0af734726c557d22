-- Learn: job position (course audience), lesson progress, scenario-check attempts,
-- certificates.

ALTER TABLE users ADD COLUMN position TEXT
    CHECK (position IN ('cabin_crew', 'flight_deck', 'ground', 'security', 'public'));

CREATE TABLE lesson_progress (
    org_id        BLOB NOT NULL REFERENCES organisations(id),
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id     TEXT NOT NULL,
    lesson_slug   TEXT NOT NULL,
    completed_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, course_id, lesson_slug)
);
CREATE INDEX lesson_progress_org ON lesson_progress (org_id, course_id);

-- An attempt belongs to a user, or (the public course) to an anonymous browser
-- identified only by the hash of a random cookie.
CREATE TABLE check_attempts (
    id            BLOB PRIMARY KEY NOT NULL,
    org_id        BLOB REFERENCES organisations(id),
    user_id       BLOB REFERENCES users(id) ON DELETE CASCADE,
    anon_hash     BLOB,
    course_id     TEXT NOT NULL,
    lang          TEXT NOT NULL,
    drawn         TEXT NOT NULL,
    graded        TEXT,
    percent       INTEGER,
    passed        BOOLEAN,
    started_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    CHECK ((user_id IS NOT NULL AND org_id IS NOT NULL) OR anon_hash IS NOT NULL)
);
CREATE INDEX check_attempts_user ON check_attempts (user_id, course_id, started_at);
CREATE INDEX check_attempts_anon ON check_attempts (anon_hash);

CREATE TABLE certificates (
    id             BLOB PRIMARY KEY NOT NULL,
    code           TEXT NOT NULL UNIQUE,
    attempt_id     BLOB NOT NULL UNIQUE REFERENCES check_attempts(id),
    org_id         BLOB REFERENCES organisations(id),
    user_id        BLOB REFERENCES users(id),
    name           TEXT NOT NULL,
    course_id      TEXT NOT NULL,
    lang           TEXT NOT NULL,
    issued_at      INTEGER NOT NULL,
    valid_until    INTEGER NOT NULL,
    revoked_at     INTEGER,
    revoked_by     BLOB REFERENCES users(id),
    revoke_reason  TEXT
);
CREATE INDEX certificates_org ON certificates (org_id, user_id, course_id);
