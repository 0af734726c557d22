//! The first-run setup link: it creates the operator's organisation and first
//! platform administrator, once.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::org::{OrgKind, OrgName};
use time::OffsetDateTime;

use crate::orgs::insert_org_in_tx;
use crate::users::insert_user_in_tx;
use crate::{Db, NewUser, Result, StorageError, to_micros};

impl Db {
    /// Store a setup token (hash) valid until `expires_at`.
    ///
    /// # Errors
    /// The database failed.
    pub async fn create_setup_token(&self, hash: &[u8], now: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
        exec!(
            self,
            "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)",
            hash,
            to_micros(now),
            to_micros(expires_at)
        );
        Ok(())
    }

    /// Is this setup token unused and unexpired, and is there still no platform admin?
    ///
    /// # Errors
    /// The database failed.
    pub async fn setup_token_valid(&self, hash: &[u8], now: OffsetDateTime) -> Result<bool> {
        let row: Option<i64> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT expires_at FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
            hash,
            to_micros(now)
        );
        Ok(row.is_some() && self.count_platform_admins().await? == 0)
    }

    /// Use the setup token: create the operator's organisation and its first platform
    /// administrator, in one transaction.
    ///
    /// # Errors
    /// [`StorageError::LinkUsedOrExpired`] if the token is not valid (or an admin
    /// exists), [`StorageError::Conflict`] on a taken name or e-mail.
    #[allow(clippy::too_many_arguments)]
    pub async fn complete_setup(
        &self,
        token_hash: &[u8],
        org_name: &OrgName,
        org_kind: OrgKind,
        admin: &NewUser,
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(OrgId, UserId)> {
        let org = OrgId::new();
        let user = UserId::new();
        let audit = NewAuditEntry::new(AuditAction::SetupCompleted)
            .org(org)
            .actor(user)
            .target("user", user)
            .detail(format!("organisation {} ({org_kind})", org_name.as_str()))
            .ip(ip);
        audited_tx!(self, &audit, now, |tx| {
            let used = sqlx::query(
                "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(to_micros(now))
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
            let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE role = 'platform_admin'")
                .fetch_one(&mut *tx)
                .await?;
            if used.rows_affected() != 1 || admins > 0 {
                tx.rollback().await?;
                return Err(StorageError::LinkUsedOrExpired);
            }
            insert_org_in_tx!(tx, org, org_name, org_kind, now);
            insert_user_in_tx!(tx, user, org, admin, now);
        });
        Ok((org, user))
    }
}
