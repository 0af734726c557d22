//! Browser sessions (stored by the hash of the cookie), and purging what has expired.

use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;

use crate::users::{ROLES_JOIN, USER_COLUMNS, UserRoleRow, user_of_rows};
use crate::{Db, Result, UserRecord, from_micros, to_micros};

/// How long the record of a delivered (or abandoned) e-mail is kept for admins.
pub const MAIL_RECORD_DAYS: i64 = 90;

/// A session about to be stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: Vec<u8>,
    pub user_id: UserId,
    pub org_id: OrgId,
    pub csrf_token: String,
    pub two_factor_passed: bool,
    /// The identity provider vouched for a second factor (single sign-on).
    pub second_factor_by_provider: bool,
    pub expires_at: OffsetDateTime,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub csrf_token: String,
    pub two_factor_passed: bool,
    /// The identity provider vouched for a second factor (single sign-on).
    pub second_factor_by_provider: bool,
    pub expires_at: OffsetDateTime,
    pub user: UserRecord,
}

/// A live session's row.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRoleRow,
    csrf_token: String,
    two_factor_passed: bool,
    second_factor_by_provider: bool,
    expires_at: i64,
}

impl Db {
    /// # Errors
    /// The database failed.
    pub async fn create_session(&self, s: &NewSession, now: OffsetDateTime) -> Result<()> {
        exec!(
            self,
            "INSERT INTO sessions (id_hash, user_id, org_id, csrf_token, two_factor_passed, second_factor_by_provider, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &s.id_hash,
            s.user_id.as_uuid(),
            s.org_id.as_uuid(),
            &s.csrf_token,
            s.two_factor_passed,
            s.second_factor_by_provider,
            to_micros(now),
            to_micros(s.expires_at)
        );
        Ok(())
    }

    /// The live session with this id hash, with its (active) user.
    ///
    /// # Errors
    /// The database failed.
    pub async fn session(&self, id_hash: &[u8], now: OffsetDateTime) -> Result<Option<SessionRecord>> {
        // The session, its user and the user's roles in one query (one row per role).
        let sql = format!(
            "SELECT {USER_COLUMNS}, r.role, s.csrf_token, s.two_factor_passed, s.second_factor_by_provider, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id {ROLES_JOIN} \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active"
        );
        let rows: Vec<SessionRow> = fetch!(self, query_as.fetch_all, &sql, id_hash, to_micros(now));
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let (csrf_token, two_factor_passed, expires_at) =
            (first.csrf_token.clone(), first.two_factor_passed, from_micros(first.expires_at));
        let second_factor_by_provider = first.second_factor_by_provider;
        let Some(user) = user_of_rows(rows.into_iter().map(|r| r.user).collect())? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord { csrf_token, two_factor_passed, second_factor_by_provider, expires_at, user }))
    }

    /// Mark a session as having passed the second factor.
    ///
    /// # Errors
    /// The database failed.
    pub async fn pass_two_factor(&self, id_hash: &[u8]) -> Result<()> {
        exec!(self, "UPDATE sessions SET two_factor_passed = TRUE WHERE id_hash = $1", id_hash);
        Ok(())
    }

    /// # Errors
    /// The database failed.
    pub async fn delete_session(&self, id_hash: &[u8]) -> Result<()> {
        exec!(self, "DELETE FROM sessions WHERE id_hash = $1", id_hash);
        Ok(())
    }

    /// Remove expired sessions, old sign-in attempts, the record of e-mails
    /// delivered or given up more than 90 days ago, and spent tip challenges past
    /// their expiry. Returns rows removed.
    ///
    /// # Errors
    /// The database failed.
    pub async fn purge_expired(&self, now: OffsetDateTime, attempts_before: OffsetDateTime) -> Result<u64> {
        let mail_before = to_micros(now - time::Duration::days(MAIL_RECORD_DAYS));
        db_run!(self, |p| {
            let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(to_micros(now)).execute(p).await?;
            let b = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
                .bind(to_micros(attempts_before))
                .execute(p)
                .await?;
            sqlx::query("DELETE FROM login_throttle_locks WHERE at < $1")
                .bind(to_micros(attempts_before))
                .execute(p)
                .await?;
            let c = sqlx::query("DELETE FROM mail_outbox WHERE COALESCE(sent_at, gave_up_at) < $1")
                .bind(mail_before)
                .execute(p)
                .await?;
            let d = sqlx::query("DELETE FROM spent_challenges WHERE expires_at <= $1")
                .bind(now.unix_timestamp())
                .execute(p)
                .await?;
            Ok(a.rows_affected() + b.rows_affected() + c.rows_affected() + d.rows_affected())
        })
    }
}
