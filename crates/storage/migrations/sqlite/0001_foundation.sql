-- Sightline foundation schema (SQLite). Timestamps are unix microseconds (INTEGER),
-- ids are UUIDv7 made by the application (BLOB on SQLite, UUID on PostgreSQL).
-- Never edit an applied migration: add a new one.

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('airline', 'airport', 'ngo', 'authority')),
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id                  BLOB PRIMARY KEY NOT NULL,
    org_id              BLOB NOT NULL REFERENCES organisations(id),
    name                TEXT NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT,
    base                TEXT,
    employee_id         TEXT,
    locale              TEXT,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    totp_secret         TEXT,
    totp_pending_secret TEXT,
    totp_last_step      INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id, name);

CREATE TABLE user_roles (
    user_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('learner', 'reporter', 'desk_analyst', 'org_admin', 'platform_admin')),
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role);

CREATE TABLE recovery_codes (
    user_id    BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  BLOB NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id_hash           BLOB PRIMARY KEY NOT NULL,
    user_id           BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id            BLOB NOT NULL REFERENCES organisations(id),
    csrf_token        TEXT NOT NULL,
    two_factor_passed BOOLEAN NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL REFERENCES organisations(id),
    user_id      BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);

CREATE TABLE invitations (
    id           BLOB PRIMARY KEY NOT NULL,
    org_id       BLOB NOT NULL REFERENCES organisations(id),
    email        TEXT NOT NULL,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_by   BLOB REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER
);
CREATE INDEX invitations_org ON invitations (org_id, created_at);

CREATE TABLE password_resets (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES organisations(id),
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  BLOB NOT NULL UNIQUE,
    created_by  BLOB REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE setup_tokens (
    token_hash  BLOB PRIMARY KEY NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE login_attempts (
    id         BLOB PRIMARY KEY NOT NULL,
    email      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    at         INTEGER NOT NULL,
    succeeded  BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Append-only, hash-chained audit log. audit_head holds the chain's tip and is the
-- lock that serialises appends.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY NOT NULL,
    at           INTEGER NOT NULL,
    org_id       BLOB,
    actor_id     BLOB,
    action       TEXT NOT NULL,
    target_kind  TEXT,
    target_id    TEXT,
    detail       TEXT NOT NULL,
    ip           TEXT,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq        INTEGER NOT NULL,
    last_hash  BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, zeroblob(32));

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
