-- Issue 14, item 5: single sign-on with OpenID Connect. Each organisation may name
-- its identity provider (issuer, client id, the client secret sealed under the master
-- key like the webhook secrets), the e-mail domain people type to find it, which
-- claim values grant which roles, the `acr` that counts as a second factor, and
-- whether its people may still sign in with a password.
CREATE TABLE org_sso (
    org_id            BLOB PRIMARY KEY NOT NULL REFERENCES organisations(id),
    issuer            TEXT NOT NULL,
    client_id         TEXT NOT NULL,
    -- sealed (`sealed:v1:…`)
    client_secret     TEXT NOT NULL,
    -- lower-case, e.g. example.com; people type it (or their address) to find the provider
    email_domain      TEXT,
    -- one rule a line: `claim = value -> role`
    role_mapping      TEXT NOT NULL DEFAULT '',
    -- an `acr` value that counts as a second factor (besides `amr`)
    mfa_acr           TEXT,
    password_sign_in  BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX org_sso_email_domain ON org_sso (email_domain);
-- A sign-in started here and not yet finished: the `state` (stored hashed) names it,
-- the `nonce` the ID token must carry and the PKCE verifier go with it. Spent once
-- (`used_at`); a replayed or expired state is refused. Rows live minutes.
CREATE TABLE sso_logins (
    state_hash     BLOB PRIMARY KEY NOT NULL,
    org_id         BLOB NOT NULL REFERENCES organisations(id),
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);
CREATE INDEX sso_logins_expiry ON sso_logins (expires_at);
-- A session whose identity provider vouched for a second factor (`amr`/`acr`): it
-- counts as enrolled and passed, so Sightline's own second step is not asked for.
ALTER TABLE sessions ADD COLUMN second_factor_by_provider BOOLEAN NOT NULL DEFAULT FALSE;
