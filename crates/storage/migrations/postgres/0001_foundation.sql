-- Sightline foundation schema (PostgreSQL). Timestamps are unix microseconds (BIGINT)
-- so that the same SQL and the same values work on SQLite; ids are UUIDv7 made by the
-- application. Never edit an applied migration: add a new one.

CREATE TABLE organisations (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('airline', 'airport', 'ngo', 'authority')),
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id                  UUID PRIMARY KEY,
    org_id              UUID NOT NULL REFERENCES organisations(id),
    name                TEXT NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT,
    base                TEXT,
    employee_id         TEXT,
    locale              TEXT,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    totp_secret         TEXT,
    totp_pending_secret TEXT,
    totp_last_step      BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id, name);

CREATE TABLE user_roles (
    user_id  UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('learner', 'reporter', 'desk_analyst', 'org_admin', 'platform_admin')),
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role);

CREATE TABLE recovery_codes (
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  BYTEA NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id_hash           BYTEA PRIMARY KEY,
    user_id           UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id            UUID NOT NULL REFERENCES organisations(id),
    csrf_token        TEXT NOT NULL,
    two_factor_passed BOOLEAN NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organisations(id),
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);

CREATE TABLE invitations (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL REFERENCES organisations(id),
    email        TEXT NOT NULL,
    name         TEXT NOT NULL,
    roles        TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_by   UUID REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT
);
CREATE INDEX invitations_org ON invitations (org_id, created_at);

CREATE TABLE password_resets (
    id          UUID PRIMARY KEY,
    org_id      UUID NOT NULL REFERENCES organisations(id),
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  BYTEA NOT NULL UNIQUE,
    created_by  UUID REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE setup_tokens (
    token_hash  BYTEA PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE login_attempts (
    id         UUID PRIMARY KEY,
    email      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    at         BIGINT NOT NULL,
    succeeded  BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Append-only, hash-chained audit log. audit_head holds the chain's tip; its row lock
-- serialises appends.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    org_id       UUID,
    actor_id     UUID,
    action       TEXT NOT NULL,
    target_kind  TEXT,
    target_id    TEXT,
    detail       TEXT NOT NULL,
    ip           TEXT,
    prev_hash    BYTEA NOT NULL,
    hash         BYTEA NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        BIGINT NOT NULL,
    last_hash  BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
