//! Personal API tokens (stored by hash), with their scopes.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{ApiTokenId, OrgId, UserId};
use sightline_domain::user::Scopes;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::users::{ROLES_JOIN, USER_COLUMNS, UserRoleRow, user_of_rows};
use crate::{Db, Result, UserRecord, from_micros, to_micros};

#[derive(Debug, Clone)]
pub struct ApiTokenRecord {
    pub id: ApiTokenId,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    /// What the token may be used for.
    pub scopes: Scopes,
}

/// An `api_tokens` row as a list of tokens reads it.
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    name: String,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    scopes: String,
}

/// The owner and scopes of a live token.
#[derive(sqlx::FromRow)]
struct LiveToken {
    #[sqlx(flatten)]
    user: UserRoleRow,
    scopes: String,
}

impl Db {
    /// Store a new personal API token (its hash) with its scopes, and audit it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn create_api_token(
        &self,
        user: &UserRecord,
        name: &str,
        scopes: &Scopes,
        hash: &[u8],
        expires_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<ApiTokenId> {
        let id = ApiTokenId::new();
        let audit = NewAuditEntry::new(AuditAction::ApiTokenCreated)
            .org(user.org_id)
            .actor(user.id)
            .target("api_token", id)
            .detail(format!("{name} ({scopes})"));
        audited_exec!(
            self,
            &audit,
            now,
            "INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, created_at, expires_at, scopes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            id.as_uuid(),
            user.org_id.as_uuid(),
            user.id.as_uuid(),
            name,
            hash,
            to_micros(now),
            expires_at.map(to_micros),
            scopes.to_string()
        );
        Ok(id)
    }

    /// The active user a live API token belongs to, and the token's scopes.
    ///
    /// # Errors
    /// The database failed.
    pub async fn user_by_api_token(&self, hash: &[u8], now: OffsetDateTime) -> Result<Option<(UserRecord, Scopes)>> {
        // The token, its user and the user's roles in one query (one row per role).
        let sql = format!(
            "SELECT {USER_COLUMNS}, r.role, t.scopes FROM api_tokens t \
             JOIN users u ON u.id = t.user_id AND u.org_id = t.org_id {ROLES_JOIN} \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active"
        );
        let rows: Vec<LiveToken> = fetch!(self, query_as.fetch_all, &sql, hash, to_micros(now));
        let Some(scopes) = rows.first().map(|t| stored_scopes(&t.scopes)) else {
            return Ok(None);
        };
        Ok(user_of_rows(rows.into_iter().map(|t| t.user).collect())?.map(|u| (u, scopes)))
    }

    /// A user's API tokens, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_api_tokens(&self, org: OrgId, user: UserId) -> Result<Vec<ApiTokenRecord>> {
        let rows: Vec<TokenRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, name, created_at, expires_at, revoked_at, scopes FROM api_tokens \
             WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC",
            org.as_uuid(),
            user.as_uuid()
        );
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenRecord {
                id: ApiTokenId::from_uuid(r.id),
                name: r.name,
                created_at: from_micros(r.created_at),
                expires_at: r.expires_at.map(from_micros),
                revoked_at: r.revoked_at.map(from_micros),
                scopes: stored_scopes(&r.scopes),
            })
            .collect())
    }

    /// Revoke one of a user's tokens.
    ///
    /// # Errors
    /// [`crate::StorageError::NotFound`] if the token is not this user's or already revoked.
    pub async fn revoke_api_token(&self, user: &UserRecord, id: ApiTokenId, now: OffsetDateTime) -> Result<()> {
        let audit =
            NewAuditEntry::new(AuditAction::ApiTokenRevoked).org(user.org_id).actor(user.id).target("api_token", id);
        audited_one_row!(
            self,
            &audit,
            now,
            "UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL",
            to_micros(now),
            user.org_id.as_uuid(),
            user.id.as_uuid(),
            id.as_uuid()
        );
        Ok(())
    }
}

/// Scopes as stored; an empty or unreadable value grants nothing (deliberately not
/// [`crate::StorageError::Corrupt`]: a token whose scopes cannot be read must not work, and
/// must not stop its owner from listing and revoking it).
fn stored_scopes(s: &str) -> Scopes {
    Scopes::parse_list(s).unwrap_or_default()
}
