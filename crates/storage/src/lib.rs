//! Sightline's one storage seam.
//!
//! [`Db`] holds either a SQLite pool (the embedded default) or a PostgreSQL pool
//! (production). Every query is written once, in the SQL subset both engines accept
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`), and the [`db_run!`] macro expands
//! it once per engine so each expansion is type-checked against its driver. Each
//! engine has its own migration folder. Nothing outside this crate sees `sqlx`.
//!
//! Conventions:
//! - ids are UUIDv7 made by the application; timestamps are unix microseconds (`i64`);
//! - every function that touches an organisation's data takes its [`OrgId`];
//! - an action and its audit entry are written in one transaction.

/// Run the same body against whichever pool `db` holds. The body is expanded once
/// per engine, so it is type-checked against both drivers.
#[macro_export]
macro_rules! db_run {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Pg($pool) => $body,
        }
    };
}

/// Append an audit entry inside an open transaction `$tx` (either engine): take the
/// chain's tip (locking it), hash the entry onto it, insert it, move the tip.
macro_rules! audit_in_tx {
    ($tx:expr, $entry:expr, $now:expr) => {{
        let entry: &sightline_domain::audit::NewAuditEntry = $entry;
        let at = sightline_domain::audit::audit_time($now);
        let (seq, last_hash): (i64, Vec<u8>) = sqlx::query_as(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash",
        )
        .fetch_one(&mut *$tx)
        .await?;
        let hash = sightline_domain::audit::entry_hash(
            &last_hash,
            seq,
            at,
            entry.org_id,
            entry.actor,
            entry.action.as_str(),
            entry.target_kind,
            entry.target_id.as_deref(),
            &entry.detail,
            entry.ip.as_deref(),
        );
        sqlx::query(
            "INSERT INTO audit_log (seq, at, org_id, actor_id, action, target_kind, target_id, detail, ip, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind($crate::to_micros(at))
        .bind(entry.org_id.map(|o| o.as_uuid()))
        .bind(entry.actor.map(|a| a.as_uuid()))
        .bind(entry.action.as_str())
        .bind(entry.target_kind)
        .bind(entry.target_id.as_deref())
        .bind(&entry.detail)
        .bind(entry.ip.as_deref())
        .bind(&last_hash)
        .bind(&hash[..])
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(&hash[..])
            .execute(&mut *$tx)
            .await?;
        seq
    }};
}

/// Run a version-guarded `UPDATE … WHERE … AND version = $n` inside the open
/// transaction `$tx`. If it changed no row, someone else saved first: roll back and
/// return [`StorageError::Conflict`] on `version`, so nothing is overwritten.
macro_rules! update_if_version {
    ($tx:ident, $query:expr) => {{
        let done = $query.execute(&mut *$tx).await?.rows_affected();
        if done != 1 {
            $tx.rollback().await?;
            return Err($crate::StorageError::Conflict { field: "version" });
        }
    }};
}

/// Queue an e-mail inside an open transaction (the link it carries commits with it).
macro_rules! mail_in_tx {
    ($tx:expr, $org:expr, $mail:expr, $now:expr) => {{
        let m: &$crate::NewMail = $mail;
        sqlx::query(
            "INSERT INTO mail_outbox (id, org_id, to_addr, kind, subject, sealed_body, wrapped_key, created_at, \
             expires_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)",
        )
        .bind(m.id)
        .bind($org.as_uuid())
        .bind(&m.to)
        .bind(m.kind.as_str())
        .bind(&m.subject)
        .bind(&m.sealed.0)
        .bind(&m.sealed.1)
        .bind($crate::to_micros($now))
        .bind($crate::to_micros(m.expires_at))
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Revoke every live API token of `$user` inside an open transaction `$tx`, and, when
/// there were any, audit it once with the count and the reason (`$actor` did it).
/// Used where a person's credentials or rights change: a password reset, a role change.
macro_rules! revoke_tokens_in_tx {
    ($tx:expr, $org:expr, $user:expr, $actor:expr, $reason:expr, $now:expr) => {{
        let org: sightline_domain::ids::OrgId = $org;
        let user: sightline_domain::ids::UserId = $user;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind($crate::to_micros($now))
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n > 0 {
            let mut entry =
                sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::ApiTokenRevoked)
                    .org(org)
                    .target("user", user)
                    .detail(format!("{n} token{}: {}", if n == 1 { "" } else { "s" }, $reason));
            if let Some(actor) = $actor {
                entry = entry.actor(actor);
            }
            audit_in_tx!($tx, &entry, $now);
        }
    }};
}

/// Insert a certificate inside an open transaction.
macro_rules! insert_cert {
    ($tx:expr, $c:expr, $org:expr, $user:expr) => {{
        let c: &$crate::NewCertificate = $c;
        sqlx::query(
            "INSERT INTO certificates (id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(&c.code)
        .bind(c.attempt_id)
        .bind($org)
        .bind($user)
        .bind(&c.name)
        .bind(&c.course_id)
        .bind(&c.lang)
        .bind($crate::to_micros(c.issued_at))
        .bind($crate::to_micros(c.valid_until))
        .execute(&mut *$tx)
        .await
        .map_err(StorageError::unique("certificate"))?;
    }};
}

mod alerts;
mod audit;
mod auth;
mod directory;
mod error;
mod learn;
mod mail;
mod orgs;
mod reports;
pub mod testing;
mod time_conv;
mod triage;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use alerts::{AlertChange, AlertChannel, AlertTarget, DueAlert};
pub use audit::AuditPage;
pub use auth::{ApiTokenRecord, Invitation, LoginFailures, NewSession, PasswordReset, SessionRecord};
pub use directory::{DirectoryChange, StoredEntry};
pub use error::StorageError;
pub use learn::{Attempt, Certificate, Learner, NewCertificate, ReminderDue};
pub use mail::{MailKind, MailStatus, NewMail, OutgoingMail};
pub use orgs::{Organisation, Owned};
pub use reports::{Ingest, NewReport, ReportSummary};
pub use sightline_domain::ids::OrgId;
pub use time_conv::{from_micros, to_micros};
pub use triage::{CaseEvent, CaseRecord, Contact, QueueFilter};
pub use users::{NewUser, UserRecord, WelcomeLink};

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Which engine a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A connection pool on one of the two engines.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

impl Db {
    /// Open (creating if needed) the SQLite database at `path`, in WAL mode with
    /// foreign keys on.
    ///
    /// # Errors
    /// The file cannot be created or opened.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(StorageError::Connect)?;
        Ok(Self::Sqlite(pool))
    }

    /// Connect to PostgreSQL at `url` (`postgres://…`).
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached.
    pub async fn open_postgres(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(StorageError::Connect)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(StorageError::Connect)?;
        Ok(Self::Pg(pool))
    }

    #[must_use]
    pub const fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Pg(_) => Engine::Postgres,
        }
    }

    /// Apply this engine's pending migrations.
    ///
    /// # Errors
    /// A migration failed or the applied ones were changed.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Self::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Self::Pg(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// A round trip to the database (for `/readyz`).
    ///
    /// # Errors
    /// The database did not answer.
    pub async fn ping(&self) -> Result<()> {
        db_run!(self, |p| {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Close the pool, waiting for connections to be returned (SQLite checkpoints its
    /// WAL on the last close).
    pub async fn close(&self) {
        db_run!(self, |p| p.close().await);
    }
}
