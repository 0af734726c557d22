//! Credentials: the setup link, sessions, API tokens, invitations, password resets,
//! two-factor secrets and recovery codes, sign-in attempts.
//!
//! Secrets handed to people (links, cookies, tokens) are never stored: only their
//! SHA-256 hashes are, made by the caller.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{ApiTokenId, InvitationId, OrgId, PasswordResetId, UserId};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, PersonName, Role, Roles, Scopes};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::orgs::insert_org_in_tx;
use crate::users::insert_user_in_tx;
use crate::{Db, NewMail, NewUser, Result, StorageError, UserRecord, from_micros, to_micros};

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
    pub expires_at: OffsetDateTime,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub csrf_token: String,
    pub two_factor_passed: bool,
    pub expires_at: OffsetDateTime,
    pub user: UserRecord,
}

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

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: InvitationId,
    pub org_id: OrgId,
    pub org_name: String,
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub id: PasswordResetId,
    pub user: UserRecord,
    pub expires_at: OffsetDateTime,
}

/// Failed sign-ins in a window, counted per account and per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_account: i64,
    pub from_address: i64,
}

type TokenRow = (Uuid, String, i64, Option<i64>, Option<i64>, String);
type InvitationRow = (Uuid, Uuid, String, String, String, String, i64, i64, Option<i64>);

impl Db {
    // ----- first-run setup -------------------------------------------------------

    /// Store a setup token (hash) valid until `expires_at`.
    ///
    /// # Errors
    /// The database failed.
    pub async fn create_setup_token(&self, hash: &[u8], now: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query(
            "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)"
        )
        .bind(hash)
        .bind(to_micros(now))
        .bind(to_micros(expires_at))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Is this setup token unused and unexpired, and is there still no platform admin?
    ///
    /// # Errors
    /// The database failed.
    pub async fn setup_token_valid(&self, hash: &[u8], now: OffsetDateTime) -> Result<bool> {
        let row: Option<(i64,)> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT expires_at FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
        )
        .bind(hash)
        .bind(to_micros(now))
        .fetch_optional(p)
        .await?);
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
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let used = sqlx::query(
                "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(to_micros(now))
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
            let (admins,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM user_roles WHERE role = 'platform_admin'")
                .fetch_one(&mut *tx)
                .await?;
            if used.rows_affected() != 1 || admins > 0 {
                tx.rollback().await?;
                return Err(StorageError::LinkUsedOrExpired);
            }
            insert_org_in_tx!(tx, org, org_name, org_kind, now);
            insert_user_in_tx!(tx, user, org, admin, now);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok((org, user))
    }

    // ----- sessions -----------------------------------------------------------

    /// # Errors
    /// The database failed.
    pub async fn create_session(&self, s: &NewSession, now: OffsetDateTime) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, org_id, csrf_token, two_factor_passed, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(&s.id_hash)
        .bind(s.user_id.as_uuid())
        .bind(s.org_id.as_uuid())
        .bind(&s.csrf_token)
        .bind(s.two_factor_passed)
        .bind(to_micros(now))
        .bind(to_micros(s.expires_at))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The live session with this id hash, with its (active) user.
    ///
    /// # Errors
    /// The database failed.
    pub async fn session(&self, id_hash: &[u8], now: OffsetDateTime) -> Result<Option<SessionRecord>> {
        type Row = (Uuid, String, bool, i64);
        let row: Option<Row> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT s.user_id, s.csrf_token, s.two_factor_passed, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active"
        )
        .bind(id_hash)
        .bind(to_micros(now))
        .fetch_optional(p)
        .await?);
        let Some((user_id, csrf_token, two_factor_passed, expires_at)) = row else {
            return Ok(None);
        };
        let user = self.get_user_by_id(UserId::from_uuid(user_id)).await?;
        Ok(Some(SessionRecord { csrf_token, two_factor_passed, expires_at: from_micros(expires_at), user }))
    }

    /// Mark a session as having passed the second factor.
    ///
    /// # Errors
    /// The database failed.
    pub async fn pass_two_factor(&self, id_hash: &[u8]) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query("UPDATE sessions SET two_factor_passed = TRUE WHERE id_hash = $1")
            .bind(id_hash)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// # Errors
    /// The database failed.
    pub async fn delete_session(&self, id_hash: &[u8]) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Remove expired sessions, old sign-in attempts, and the record of e-mails
    /// delivered or given up more than 90 days ago. Returns rows removed.
    ///
    /// # Errors
    /// The database failed.
    pub async fn purge_expired(&self, now: OffsetDateTime, attempts_before: OffsetDateTime) -> Result<u64> {
        let mail_before = to_micros(now - time::Duration::days(MAIL_RECORD_DAYS));
        crate::db_run!(self, |p| {
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
            Ok(a.rows_affected() + b.rows_affected() + c.rows_affected())
        })
    }

    // ----- sign-in attempts ---------------------------------------------------

    /// Reserve a sign-in attempt before checking the secret, atomically: with the
    /// account's and the address's lock rows held, count the failures since `since`
    /// (reserved attempts count as failures until [`Db::finish_login_attempt`]
    /// records a success), and either refuse (`None`, when `throttled` says so) or
    /// record this attempt as a failure and return its id. Concurrent attempts are
    /// counted one after another, so a burst never checks more than the limit.
    ///
    /// # Errors
    /// The database failed; nothing was reserved.
    pub async fn reserve_login_attempt(
        &self,
        email: &str,
        ip: &str,
        since: OffsetDateTime,
        now: OffsetDateTime,
        throttled: fn(LoginFailures) -> bool,
    ) -> Result<Option<Uuid>> {
        let id = Uuid::now_v7();
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            // Always the account's lock first, then the address's: one order, no deadlock.
            for key in [format!("account:{email}"), format!("address:{ip}")] {
                sqlx::query(
                    "INSERT INTO login_throttle_locks (key, at) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET at = excluded.at",
                )
                .bind(key)
                .bind(to_micros(now))
                .execute(&mut *tx)
                .await?;
            }
            let (a, b): (i64, i64) = sqlx::query_as(
                "SELECT \
                   (SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $3 AND NOT succeeded), \
                   (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND at > $3 AND NOT succeeded)",
            )
            .bind(email)
            .bind(ip)
            .bind(to_micros(since))
            .fetch_one(&mut *tx)
            .await?;
            if throttled(LoginFailures { for_account: a, from_address: b }) {
                tx.rollback().await?;
                return Ok(None);
            }
            sqlx::query("INSERT INTO login_attempts (id, email, ip, at, succeeded) VALUES ($1, $2, $3, $4, FALSE)")
                .bind(id)
                .bind(email)
                .bind(ip)
                .bind(to_micros(now))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(Some(id))
    }

    /// Record how a reserved attempt ended (a reserved attempt counts as a failure
    /// until this marks it a success).
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish_login_attempt(&self, attempt: Uuid, succeeded: bool) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query("UPDATE login_attempts SET succeeded = $2 WHERE id = $1")
            .bind(attempt)
            .bind(succeeded)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Failed (and still reserved) attempts since `since` for this account and from
    /// this address.
    ///
    /// # Errors
    /// The database failed.
    pub async fn login_failures(&self, email: &str, ip: &str, since: OffsetDateTime) -> Result<LoginFailures> {
        let (a, b): (i64, i64) = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $3 AND NOT succeeded), \
               (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND at > $3 AND NOT succeeded)"
        )
        .bind(email)
        .bind(ip)
        .bind(to_micros(since))
        .fetch_one(p)
        .await?);
        Ok(LoginFailures { for_account: a, from_address: b })
    }

    // ----- two-factor ---------------------------------------------------------

    /// Keep a secret the user is enrolling with until they confirm a code.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_pending_totp(&self, org: OrgId, user: UserId, secret_b32: &str) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query(
            "UPDATE users SET totp_pending_secret = $1 WHERE org_id = $2 AND id = $3"
        )
        .bind(secret_b32)
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Turn two-factor on with the confirmed secret and store the recovery code
    /// hashes, replacing any earlier ones.
    ///
    /// # Errors
    /// The database failed.
    pub async fn enable_totp(
        &self,
        user: &UserRecord,
        secret_b32: &str,
        step: i64,
        recovery_hashes: &[Vec<u8>],
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let audit = NewAuditEntry::new(AuditAction::TwoFactorEnabled)
            .org(user.org_id)
            .actor(user.id)
            .target("user", user.id)
            .ip(ip);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2 \
                 WHERE org_id = $3 AND id = $4",
            )
            .bind(secret_b32)
            .bind(step)
            .bind(user.org_id.as_uuid())
            .bind(user.id.as_uuid())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user.id.as_uuid())
                .execute(&mut *tx)
                .await?;
            for h in recovery_hashes {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user.id.as_uuid())
                    .bind(h)
                    .execute(&mut *tx)
                    .await?;
            }
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record that a TOTP step was used. Returns false if that step (or a later one)
    /// was already used: a replayed code.
    ///
    /// # Errors
    /// The database failed.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let done = crate::db_run!(self, |p| sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)"
        )
        .bind(step)
        .bind(user.as_uuid())
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Spend a recovery code. Returns false if no unused code has this hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn use_recovery_code(&self, user: &UserRecord, hash: &[u8], now: OffsetDateTime) -> Result<bool> {
        let audit =
            NewAuditEntry::new(AuditAction::RecoveryCodeUsed).org(user.org_id).actor(user.id).target("user", user.id);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(to_micros(now))
            .bind(user.id.as_uuid())
            .bind(hash)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// How many unused recovery codes a user has left.
    ///
    /// # Errors
    /// The database failed.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"
        )
        .bind(user.as_uuid())
        .fetch_one(p)
        .await?);
        Ok(n)
    }

    // ----- API tokens ---------------------------------------------------------

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
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, created_at, expires_at, scopes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id.as_uuid())
            .bind(user.org_id.as_uuid())
            .bind(user.id.as_uuid())
            .bind(name)
            .bind(hash)
            .bind(to_micros(now))
            .bind(expires_at.map(to_micros))
            .bind(scopes.to_string())
            .execute(&mut *tx)
            .await?;
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The active user a live API token belongs to, and the token's scopes.
    ///
    /// # Errors
    /// The database failed.
    pub async fn user_by_api_token(&self, hash: &[u8], now: OffsetDateTime) -> Result<Option<(UserRecord, Scopes)>> {
        let row: Option<(Uuid, String)> = crate::db_run!(self, |p| {
            sqlx::query_as(
            "SELECT t.user_id, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.org_id = t.org_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active"
        )
        .bind(hash)
        .bind(to_micros(now))
        .fetch_optional(p)
        .await?
        });
        match row {
            None => Ok(None),
            Some((id, scopes)) => Ok(Some((self.get_user_by_id(UserId::from_uuid(id)).await?, stored_scopes(&scopes)))),
        }
    }

    /// A user's API tokens, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_api_tokens(&self, org: OrgId, user: UserId) -> Result<Vec<ApiTokenRecord>> {
        let rows: Vec<TokenRow> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT id, name, created_at, expires_at, revoked_at, scopes FROM api_tokens \
             WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC"
        )
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .fetch_all(p)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenRecord {
                id: ApiTokenId::from_uuid(r.0),
                name: r.1,
                created_at: from_micros(r.2),
                expires_at: r.3.map(from_micros),
                revoked_at: r.4.map(from_micros),
                scopes: stored_scopes(&r.5),
            })
            .collect())
    }

    /// Revoke one of a user's tokens.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the token is not this user's or already revoked.
    pub async fn revoke_api_token(&self, user: &UserRecord, id: ApiTokenId, now: OffsetDateTime) -> Result<()> {
        let audit =
            NewAuditEntry::new(AuditAction::ApiTokenRevoked).org(user.org_id).actor(user.id).target("api_token", id);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL",
            )
            .bind(to_micros(now))
            .bind(user.org_id.as_uuid())
            .bind(user.id.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Err(StorageError::NotFound);
            }
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    // ----- invitations --------------------------------------------------------

    /// Store an invitation (its token hash) and audit it.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `email` if the address already has an account.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        &self,
        org: OrgId,
        by: UserId,
        email: &Email,
        name: &PersonName,
        roles: &Roles,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
        mail: Option<&NewMail>,
        now: OffsetDateTime,
    ) -> Result<InvitationId> {
        if self.user_by_email(email).await?.is_some() {
            return Err(StorageError::Conflict { field: "email" });
        }
        let id = InvitationId::new();
        let role_list = roles.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
        let audit = NewAuditEntry::new(AuditAction::InvitationCreated)
            .org(org)
            .actor(by)
            .target("invitation", id)
            .detail(format!("roles: {role_list}"));
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO invitations (id, org_id, email, name, roles, token_hash, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id.as_uuid())
            .bind(org.as_uuid())
            .bind(email.as_str())
            .bind(name.as_str())
            .bind(&role_list)
            .bind(token_hash)
            .bind(by.as_uuid())
            .bind(to_micros(now))
            .bind(to_micros(expires_at))
            .execute(&mut *tx)
            .await?;
            if let Some(m) = mail {
                mail_in_tx!(tx, org, m, now);
            }
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(id)
    }

    /// An open (unused, unexpired) invitation by token hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_invitation(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<Option<Invitation>> {
        let row: Option<InvitationRow> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT i.id, i.org_id, o.name, i.email, i.name, i.roles, i.created_at, i.expires_at, i.accepted_at \
             FROM invitations i JOIN organisations o ON o.id = i.org_id \
             WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2"
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(p)
        .await?);
        row.map(to_invitation).transpose()
    }

    /// The organisation's invitations, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_invitations(&self, org: OrgId) -> Result<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT i.id, i.org_id, o.name, i.email, i.name, i.roles, i.created_at, i.expires_at, i.accepted_at \
             FROM invitations i JOIN organisations o ON o.id = i.org_id \
             WHERE i.org_id = $1 ORDER BY i.created_at DESC LIMIT 200"
        )
        .bind(org.as_uuid())
        .fetch_all(p)
        .await?);
        rows.into_iter().map(to_invitation).collect()
    }

    /// Accept an invitation: create the user with the invited roles, in one
    /// transaction with marking the invitation used.
    ///
    /// # Errors
    /// [`StorageError::LinkUsedOrExpired`], or [`StorageError::Conflict`] on `email`.
    pub async fn accept_invitation(
        &self,
        token_hash: &[u8],
        name: &PersonName,
        password_hash: &str,
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<UserRecord> {
        let inv = self.open_invitation(token_hash, now).await?.ok_or(StorageError::LinkUsedOrExpired)?;
        let email = Email::parse(&inv.email).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let user_id = UserId::new();
        let new = NewUser {
            name: name.clone(),
            email,
            roles: inv.roles.clone(),
            base: None,
            employee_id: None,
            password_hash: Some(password_hash.to_owned()),
            position: None,
        };
        let audit = NewAuditEntry::new(AuditAction::InvitationAccepted)
            .org(inv.org_id)
            .actor(user_id)
            .target("invitation", inv.id)
            .ip(ip);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1",
            )
            .bind(to_micros(now))
            .bind(inv.id.as_uuid())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Err(StorageError::LinkUsedOrExpired);
            }
            insert_user_in_tx!(tx, user_id, inv.org_id, &new, now);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        self.get_user(inv.org_id, user_id).await
    }

    // ----- password resets ----------------------------------------------------

    /// Issue a reset link for a user of `org` (by an admin) and audit it; `mail`, the
    /// e-mail carrying the link, is queued in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the user is not in `org`.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_password_reset(
        &self,
        org: OrgId,
        user: UserId,
        by: UserId,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
        mail: Option<&NewMail>,
        now: OffsetDateTime,
    ) -> Result<PasswordResetId> {
        self.get_user(org, user).await?;
        let id = PasswordResetId::new();
        let audit = NewAuditEntry::new(AuditAction::PasswordResetIssued).org(org).actor(by).target("user", user);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO password_resets (id, org_id, user_id, token_hash, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.as_uuid())
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .bind(token_hash)
            .bind(by.as_uuid())
            .bind(to_micros(now))
            .bind(to_micros(expires_at))
            .execute(&mut *tx)
            .await?;
            if let Some(m) = mail {
                mail_in_tx!(tx, org, m, now);
            }
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(id)
    }

    /// An open reset link by token hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_password_reset(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<Option<PasswordReset>> {
        let row: Option<(Uuid, Uuid, i64)> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT id, user_id, expires_at FROM password_resets \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(p)
        .await?);
        match row {
            None => Ok(None),
            Some((id, user, expires)) => Ok(Some(PasswordReset {
                id: PasswordResetId::from_uuid(id),
                user: self.get_user_by_id(UserId::from_uuid(user)).await?,
                expires_at: from_micros(expires),
            })),
        }
    }

    /// Use a reset link: set the password, end the user's sessions, mark the link
    /// used, audit — one transaction.
    ///
    /// # Errors
    /// [`StorageError::LinkUsedOrExpired`].
    pub async fn complete_password_reset(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        ip: Option<String>,
        now: OffsetDateTime,
    ) -> Result<UserRecord> {
        let reset = self.open_password_reset(token_hash, now).await?.ok_or(StorageError::LinkUsedOrExpired)?;
        let user = reset.user;
        let audit = NewAuditEntry::new(AuditAction::PasswordResetCompleted)
            .org(user.org_id)
            .actor(user.id)
            .target("user", user.id)
            .ip(ip);
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(to_micros(now))
            .bind(reset.id.as_uuid())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Err(StorageError::LinkUsedOrExpired);
            }
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND org_id = $3")
                .bind(password_hash)
                .bind(user.id.as_uuid())
                .bind(user.org_id.as_uuid())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.id.as_uuid()).execute(&mut *tx).await?;
            revoke_tokens_in_tx!(tx, user.org_id, user.id, Some(user.id), "password reset", now);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(user)
    }
}

/// Scopes as stored; an empty or unreadable value grants nothing.
fn stored_scopes(s: &str) -> Scopes {
    Scopes::parse_list(s).unwrap_or_default()
}

fn to_invitation(r: InvitationRow) -> Result<Invitation> {
    Ok(Invitation {
        id: InvitationId::from_uuid(r.0),
        org_id: OrgId::from_uuid(r.1),
        org_name: r.2,
        email: r.3,
        name: r.4,
        roles: Roles::parse_list(&r.5).map_err(|e| StorageError::Corrupt(e.to_string()))?,
        created_at: from_micros(r.6),
        expires_at: from_micros(r.7),
        accepted_at: r.8.map(from_micros),
    })
}
