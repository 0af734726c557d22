-- Learn: job position (course audience), lesson progress, scenario-check attempts,
-- certificates.

ALTER TABLE users ADD COLUMN position TEXT
    CHECK (position IN ('cabin_crew', 'flight_deck', 'ground', 'security', 'public'));

CREATE TABLE lesson_progress (
    org_id        UUID NOT NULL REFERENCES organisations(id),
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id     TEXT NOT NULL,
    lesson_slug   TEXT NOT NULL,
    completed_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, course_id, lesson_slug)
);
CREATE INDEX lesson_progress_org ON lesson_progress (org_id, course_id);

CREATE TABLE check_attempts (
    id            UUID PRIMARY KEY,
    org_id        UUID REFERENCES organisations(id),
    user_id       UUID REFERENCES users(id) ON DELETE CASCADE,
    anon_hash     BYTEA,
    course_id     TEXT NOT NULL,
    lang          TEXT NOT NULL,
    drawn         TEXT NOT NULL,
    graded        TEXT,
    percent       INTEGER,
    passed        BOOLEAN,
    started_at    BIGINT NOT NULL,
    submitted_at  BIGINT,
    CHECK ((user_id IS NOT NULL AND org_id IS NOT NULL) OR anon_hash IS NOT NULL)
);
CREATE INDEX check_attempts_user ON check_attempts (user_id, course_id, started_at);
CREATE INDEX check_attempts_anon ON check_attempts (anon_hash);

CREATE TABLE certificates (
    id             UUID PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    attempt_id     UUID NOT NULL UNIQUE REFERENCES check_attempts(id),
    org_id         UUID REFERENCES organisations(id),
    user_id        UUID REFERENCES users(id),
    name           TEXT NOT NULL,
    course_id      TEXT NOT NULL,
    lang           TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    valid_until    BIGINT NOT NULL,
    revoked_at     BIGINT,
    revoked_by     UUID REFERENCES users(id),
    revoke_reason  TEXT
);
CREATE INDEX certificates_org ON certificates (org_id, user_id, course_id);
