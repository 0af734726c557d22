//! Single sign-on with OpenID Connect (issue 14, item 5; migration 0026): each
//! organisation's identity provider (`org_sso`, the client secret sealed), and the
//! sign-ins started and not yet finished (`sso_logins`: the `state`, hashed, names
//! one; spent once, so a replayed or expired state is refused).

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::OrgId;
use sightline_domain::oidc::{IssuerUrl, RoleMapping};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StorageError, from_micros, to_micros};

/// An organisation's identity provider, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConfig {
    pub org_id: OrgId,
    pub issuer: IssuerUrl,
    pub client_id: String,
    /// Sealed (`sealed:v1:…`); the app opens it to call the token endpoint.
    pub sealed_secret: String,
    /// Lower-case (`example.com`); people type it, or their address, to find the provider.
    pub email_domain: Option<String>,
    pub role_mapping: RoleMapping,
    /// An `acr` value that counts as a second factor.
    pub mfa_acr: Option<String>,
    /// Whether the organisation's people may still sign in with a password.
    pub password_sign_in: bool,
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct ConfigRow {
    org_id: Uuid,
    issuer: String,
    client_id: String,
    client_secret: String,
    email_domain: Option<String>,
    role_mapping: String,
    mfa_acr: Option<String>,
    password_sign_in: bool,
    updated_at: i64,
}

impl TryFrom<ConfigRow> for SsoConfig {
    type Error = StorageError;
    fn try_from(r: ConfigRow) -> Result<Self> {
        Ok(Self {
            org_id: OrgId::from_uuid(r.org_id),
            issuer: IssuerUrl::stored(r.issuer),
            client_id: r.client_id,
            sealed_secret: r.client_secret,
            email_domain: r.email_domain,
            role_mapping: RoleMapping::parse(&r.role_mapping)
                .map_err(|_| StorageError::corrupt("role_mapping", &r.role_mapping))?,
            mfa_acr: r.mfa_acr,
            password_sign_in: r.password_sign_in,
            updated_at: from_micros(r.updated_at),
        })
    }
}

const CONFIG_COLUMNS: &str = "org_id, issuer, client_id, client_secret, email_domain, role_mapping, mfa_acr, \
                              password_sign_in, updated_at";

/// A sign-in started here: what its answer must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoLogin {
    pub org_id: OrgId,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What spending a `state` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoLoginSpend {
    /// Unspent and in time: now spent.
    Fresh(SsoLogin),
    /// Spent before: a replay.
    Used(OrgId),
    Expired(OrgId),
    /// Never started here (or long purged).
    Unknown,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    org_id: Uuid,
    nonce: String,
    pkce_verifier: String,
}

#[derive(sqlx::FromRow)]
struct SpentRow {
    org_id: Uuid,
    used_at: Option<i64>,
}

impl Db {
    /// The organisation's identity provider, if it has one.
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn sso_config(&self, org: OrgId) -> Result<Option<SsoConfig>> {
        let sql = format!("SELECT {CONFIG_COLUMNS} FROM org_sso WHERE org_id = $1");
        let row: Option<ConfigRow> = fetch!(self, query_as.fetch_optional, &sql, org.as_uuid());
        row.map(SsoConfig::try_from).transpose()
    }

    /// The identity provider of the organisation whose e-mail domain is `domain`
    /// (lower-case). One of the few reads across organisations: sign-in starts here.
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn sso_config_by_domain(&self, domain: &str) -> Result<Option<SsoConfig>> {
        let sql = format!("SELECT {CONFIG_COLUMNS} FROM org_sso WHERE email_domain = $1");
        let row: Option<ConfigRow> = fetch!(self, query_as.fetch_optional, &sql, domain);
        row.map(SsoConfig::try_from).transpose()
    }

    /// Set or replace the organisation's identity provider, audited in the same
    /// transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `email_domain` when another organisation has it;
    /// the database failed (nothing written).
    pub async fn put_sso_config(&self, c: &SsoConfig, audit: &NewAuditEntry, now: OffsetDateTime) -> Result<()> {
        audited_tx!(self, audit, now, |tx| {
            sqlx::query(
                "INSERT INTO org_sso (org_id, issuer, client_id, client_secret, email_domain, role_mapping, mfa_acr, \
                 password_sign_in, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (org_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, \
                 client_secret = excluded.client_secret, email_domain = excluded.email_domain, \
                 role_mapping = excluded.role_mapping, mfa_acr = excluded.mfa_acr, \
                 password_sign_in = excluded.password_sign_in, updated_at = excluded.updated_at",
            )
            .bind(c.org_id.as_uuid())
            .bind(c.issuer.as_str())
            .bind(&c.client_id)
            .bind(&c.sealed_secret)
            .bind(c.email_domain.as_deref())
            .bind(c.role_mapping.to_text())
            .bind(c.mfa_acr.as_deref())
            .bind(c.password_sign_in)
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await
            .map_err(StorageError::unique("email_domain"))?;
        });
        Ok(())
    }

    /// Remove the organisation's identity provider (password sign-in works again),
    /// audited in the same transaction.
    ///
    /// # Errors
    /// The database failed.
    pub async fn remove_sso_config(&self, org: OrgId, audit: &NewAuditEntry, now: OffsetDateTime) -> Result<()> {
        audited_exec!(self, audit, now, "DELETE FROM org_sso WHERE org_id = $1", org.as_uuid());
        Ok(())
    }

    /// Whether the organisation's people may sign in with a password (yes without SSO).
    ///
    /// # Errors
    /// The database failed.
    pub async fn password_sign_in_allowed(&self, org: OrgId) -> Result<bool> {
        let off: Option<bool> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT password_sign_in FROM org_sso WHERE org_id = $1",
            org.as_uuid()
        );
        Ok(off.unwrap_or(true))
    }

    /// Record a sign-in sent to the provider (and forget those expired over a day ago).
    ///
    /// # Errors
    /// The database failed.
    pub async fn start_sso_login(
        &self,
        state_hash: &[u8],
        login: &SsoLogin,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(tx, "DELETE FROM sso_logins WHERE expires_at < $1", to_micros(now - time::Duration::days(1)));
            exec_in_tx!(
                tx,
                "INSERT INTO sso_logins (state_hash, org_id, nonce, pkce_verifier, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                state_hash,
                login.org_id.as_uuid(),
                &login.nonce,
                &login.pkce_verifier,
                to_micros(now),
                to_micros(expires_at)
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Spend the sign-in `state_hash` names: once, and only before it expires.
    ///
    /// # Errors
    /// The database failed.
    pub async fn spend_sso_login(&self, state_hash: &[u8], now: OffsetDateTime) -> Result<SsoLoginSpend> {
        let fresh: Option<LoginRow> = fetch!(
            self,
            query_as.fetch_optional,
            "UPDATE sso_logins SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING org_id, nonce, pkce_verifier",
            to_micros(now),
            state_hash
        );
        if let Some(r) = fresh {
            let org_id = OrgId::from_uuid(r.org_id);
            return Ok(SsoLoginSpend::Fresh(SsoLogin { org_id, nonce: r.nonce, pkce_verifier: r.pkce_verifier }));
        }
        let spent: Option<SpentRow> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT org_id, used_at FROM sso_logins WHERE state_hash = $1",
            state_hash
        );
        Ok(match spent {
            None => SsoLoginSpend::Unknown,
            Some(r) if r.used_at.is_some() => SsoLoginSpend::Used(OrgId::from_uuid(r.org_id)),
            Some(r) => SsoLoginSpend::Expired(OrgId::from_uuid(r.org_id)),
        })
    }
}
