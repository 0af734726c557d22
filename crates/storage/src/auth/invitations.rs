//! One-time links: invitations to create an account, and password resets (issued by
//! an administrator). Each link's e-mail is queued in the transaction that makes it.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{InvitationId, OrgId, PasswordResetId, UserId};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::users::insert_user_in_tx;
use crate::{Db, NewMail, NewUser, Result, StorageError, UserRecord, from_micros, to_micros};

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

/// An `invitations` row with its organisation's name.
#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: Uuid,
    org_id: Uuid,
    org_name: String,
    email: String,
    name: String,
    roles: String,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
}

/// An open `password_resets` row.
#[derive(sqlx::FromRow)]
struct ResetRow {
    id: Uuid,
    user_id: Uuid,
    expires_at: i64,
}

const INVITATION_COLUMNS: &str = "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.name, i.roles, \
     i.created_at, i.expires_at, i.accepted_at FROM invitations i JOIN organisations o ON o.id = i.org_id";

impl Db {
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
        write_with_mail!(self, org, mail, &audit, now,
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
        );
        Ok(id)
    }

    /// An open (unused, unexpired) invitation by token hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_invitation(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<Option<Invitation>> {
        let sql =
            format!("{INVITATION_COLUMNS} WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2");
        let row: Option<InvitationRow> = fetch!(self, query_as.fetch_optional, &sql, token_hash, to_micros(now));
        row.map(to_invitation).transpose()
    }

    /// The organisation's invitations, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_invitations(&self, org: OrgId) -> Result<Vec<Invitation>> {
        let sql = format!("{INVITATION_COLUMNS} WHERE i.org_id = $1 ORDER BY i.created_at DESC LIMIT 200");
        let rows: Vec<InvitationRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid());
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
        audited_tx!(self, &audit, now, |tx| {
            spend_once_in_tx!(
                tx,
                Err(StorageError::LinkUsedOrExpired),
                "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1",
                to_micros(now),
                inv.id.as_uuid()
            );
            insert_user_in_tx!(tx, user_id, inv.org_id, &new, now);
        });
        self.get_user(inv.org_id, user_id).await
    }

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
        write_with_mail!(
            self,
            org,
            mail,
            &audit,
            now,
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
        );
        Ok(id)
    }

    /// An open reset link by token hash.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_password_reset(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<Option<PasswordReset>> {
        let row: Option<ResetRow> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT id, user_id, expires_at FROM password_resets \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
            token_hash,
            to_micros(now)
        );
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(PasswordReset {
                id: PasswordResetId::from_uuid(r.id),
                user: self.get_user_by_id(UserId::from_uuid(r.user_id)).await?,
                expires_at: from_micros(r.expires_at),
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
        let audit = user.own_audit(AuditAction::PasswordResetCompleted, ip);
        audited_tx!(self, &audit, now, |tx| {
            spend_once_in_tx!(
                tx,
                Err(StorageError::LinkUsedOrExpired),
                "UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
                to_micros(now),
                reset.id.as_uuid()
            );
            exec_in_tx!(
                tx,
                "UPDATE users SET password_hash = $1 WHERE id = $2 AND org_id = $3",
                password_hash,
                user.id.as_uuid(),
                user.org_id.as_uuid()
            );
            exec_in_tx!(tx, "DELETE FROM sessions WHERE user_id = $1", user.id.as_uuid());
            revoke_tokens_in_tx!(tx, user.org_id, user.id, Some(user.id), "password reset", now);
        });
        Ok(user)
    }
}

fn to_invitation(r: InvitationRow) -> Result<Invitation> {
    Ok(Invitation {
        id: InvitationId::from_uuid(r.id),
        org_id: OrgId::from_uuid(r.org_id),
        org_name: r.org_name,
        email: r.email,
        name: r.name,
        roles: Roles::parse_list(&r.roles).map_err(|e| StorageError::Corrupt(e.to_string()))?,
        created_at: from_micros(r.created_at),
        expires_at: from_micros(r.expires_at),
        accepted_at: r.accepted_at.map(from_micros),
    })
}
