//! The mail outbox: e-mails to people (invitation and password links) are written in
//! the same transaction as the link they carry, and the server delivers them later
//! (`claim_mail` → send → `mail_sent` / `mail_failed`), so none is lost while the
//! relay is down and none goes out twice. Bodies are sealed by the web layer and
//! wiped once delivered or given up.

use sightline_domain::ids::OrgId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// What an e-mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// An invitation link to create an account.
    Invitation,
    /// A link for someone imported from a roster to set their first password.
    Welcome,
    /// A password reset link issued by an administrator.
    Reset,
    /// A staff certificate expires soon: take the course's check again.
    Reminder,
}

impl MailKind {
    pub const ALL: [Self; 4] = [Self::Invitation, Self::Welcome, Self::Reset, Self::Reminder];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Welcome => "welcome",
            Self::Reset => "reset",
            Self::Reminder => "reminder",
        }
    }
}

impl std::str::FromStr for MailKind {
    type Err = StorageError;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| StorageError::corrupt("mail kind", s))
    }
}

impl std::fmt::Display for MailKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail to queue. `id` is also the sealing record id of `sealed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub id: Uuid,
    pub to: String,
    pub kind: MailKind,
    pub subject: String,
    /// (sealed body, wrapped key).
    pub sealed: (Vec<u8>, Vec<u8>),
    /// When the link inside stops working: an e-mail not sent by then is given up.
    pub expires_at: OffsetDateTime,
}

/// An e-mail due for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: Uuid,
    pub org_id: OrgId,
    pub to: String,
    pub subject: String,
    pub sealed: (Vec<u8>, Vec<u8>),
    /// Attempts before this one.
    pub attempts: i64,
    pub expires_at: OffsetDateTime,
}

/// Where one of an organisation's e-mails stands (no body, no link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailStatus {
    pub to: String,
    pub kind: MailKind,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub gave_up_at: Option<OffsetDateTime>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A `mail_outbox` row due for delivery.
#[derive(sqlx::FromRow)]
struct OutgoingRow {
    id: Uuid,
    org_id: Uuid,
    to_addr: String,
    subject: String,
    sealed_body: Option<Vec<u8>>,
    wrapped_key: Option<Vec<u8>>,
    attempts: i64,
    expires_at: i64,
}

/// A `mail_outbox` row as an administrator sees it.
#[derive(sqlx::FromRow)]
struct StatusRow {
    to_addr: String,
    kind: String,
    created_at: i64,
    sent_at: Option<i64>,
    gave_up_at: Option<i64>,
    attempts: i64,
    last_error: Option<String>,
}

impl Db {
    /// E-mails whose next attempt is due, oldest due first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn due_mail(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<OutgoingMail>> {
        let rows: Vec<OutgoingRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, org_id, to_addr, subject, sealed_body, wrapped_key, attempts, expires_at FROM mail_outbox \
             WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2",
            to_micros(now),
            limit
        );
        Ok(rows
            .into_iter()
            .map(|r| OutgoingMail {
                id: r.id,
                org_id: OrgId::from_uuid(r.org_id),
                to: r.to_addr,
                subject: r.subject,
                sealed: (r.sealed_body.unwrap_or_default(), r.wrapped_key.unwrap_or_default()),
                attempts: r.attempts,
                expires_at: from_micros(r.expires_at),
            })
            .collect())
    }

    /// Take an e-mail for one attempt: it is not due again before `lease_until`.
    /// Returns false if another sender took it first (or it is done).
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_mail(&self, id: Uuid, now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<bool> {
        let n = exec!(
            self,
            "UPDATE mail_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND next_attempt_at <= $3 AND sent_at IS NULL AND gave_up_at IS NULL",
            to_micros(lease_until),
            id,
            to_micros(now)
        );
        Ok(n == 1)
    }

    /// Delivered: record it and wipe the body (the link is no one's business now).
    ///
    /// # Errors
    /// The database failed.
    pub async fn mail_sent(&self, id: Uuid, now: OffsetDateTime) -> Result<()> {
        db_run!(self, |p| {
            sqlx::query(
            "UPDATE mail_outbox SET sent_at = $1, sealed_body = NULL, wrapped_key = NULL, last_error = NULL WHERE id = $2"
        )
        .bind(to_micros(now))
        .bind(id)
        .execute(p)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    /// Not delivered: try again at `retry_at`, or give up (wiping the body) when none.
    ///
    /// # Errors
    /// The database failed.
    pub async fn mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let error: String = error.chars().take(300).collect();
        match retry_at {
            Some(at) => exec!(
                self,
                "UPDATE mail_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3",
                to_micros(at),
                &error,
                id
            ),
            None => exec!(
                self,
                "UPDATE mail_outbox SET gave_up_at = $1, last_error = $2, sealed_body = NULL, wrapped_key = NULL \
                 WHERE id = $3",
                to_micros(now),
                &error,
                id
            ),
        };
        Ok(())
    }

    /// The organisation's latest e-mails and where each stands.
    ///
    /// # Errors
    /// The database failed.
    pub async fn mail_status(&self, org: OrgId, limit: i64) -> Result<Vec<MailStatus>> {
        let rows: Vec<StatusRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT to_addr, kind, created_at, sent_at, gave_up_at, attempts, last_error FROM mail_outbox \
             WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            org.as_uuid(),
            limit
        );
        rows.into_iter()
            .map(|r| {
                Ok(MailStatus {
                    to: r.to_addr,
                    kind: stored("mail kind", &r.kind)?,
                    created_at: from_micros(r.created_at),
                    sent_at: r.sent_at.map(from_micros),
                    gave_up_at: r.gave_up_at.map(from_micros),
                    attempts: r.attempts,
                    last_error: r.last_error,
                })
            })
            .collect()
    }
}
