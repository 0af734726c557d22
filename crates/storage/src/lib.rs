//! Sightline's one storage seam.
//!
//! [`Db`] holds either a SQLite pool (the embedded default) or a PostgreSQL pool
//! (production). Every query is written once, in the SQL subset both engines accept
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`), and the crate's `db_run!` macro
//! expands it once per engine so each expansion is type-checked against its driver. Each
//! engine has its own migration folder. Nothing outside this crate sees `sqlx`.
//!
//! Conventions:
//! - ids are UUIDv7 made by the application; timestamps are unix microseconds (`i64`);
//! - every function that touches an organisation's data takes its [`OrgId`];
//! - an action and its audit entry are written in one transaction.

#[macro_use]
mod macros;
// Before the modules that use its in-transaction counting macros.
#[macro_use]
mod stats;
mod alerts;
mod assign;
mod audit;
mod auth;
mod backup;
mod directory;
mod error;
mod keys;
// Before the modules whose writes add rows to the live queue's change feed.
#[macro_use]
mod live;
// Before `learn`, whose lesson and check writes queue statements in its outbox.
#[macro_use]
mod xapi;
mod learn;
mod mail;
mod operations;
mod orgs;
mod partners;
// Before `triage`, whose referral writes put deliveries into its outbox.
#[macro_use]
mod referral_hooks;
mod reports;
mod sso;
#[cfg(feature = "testing")]
pub mod testing;
mod time_conv;
// Before `retention`, whose purge files a crew report under the tip-line account.
#[macro_use]
mod tips;
mod retention;
mod retention_records;
mod standing;
mod triage;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use alerts::{AlertChange, AlertChannel, AlertTarget, DueAlert};
pub use assign::{
    AdminContact, Assignment, MAX_ASSIGNMENTS, OverduePerson, ReminderClaim, Tally, TallyFilter, TallyGroup,
    TrainedPerson, TrainingSettings,
};
pub use audit::AuditPage;
pub use auth::{ApiTokenRecord, Invitation, LoginFailures, NewSession, PasswordReset, SessionRecord};
pub use backup::{DataCounts, SealedSample};
pub use directory::{DirectoryChange, StoredEntry};
pub use error::{BoxError, StorageError};
pub use keys::{KeyRotation, Rewrap, SEALED_COLUMNS, SealedColumn, SealedForm, SealedOwner, SealedRow, SealedValue};
pub use learn::{Attempt, Certificate, Learner, NewCertificate, ReminderDue};
pub use live::{QueueChange, QueueChangeKind, QueueChanges, QueueHook, QueueListener, QueueWake};
pub use mail::{MailKind, MailStatus, NewMail, OutgoingMail};
pub use operations::{Operations, OutboxCounts, PoolUse};
pub use orgs::{Organisation, Owned};
pub use partners::{MAX_PARTNERS, PartnerCounts, PartnerPage};
pub use referral_hooks::{DeadLetter, DeliveryCounts, HookDelivery, MAX_DEAD_LETTERS};
pub use reports::{Ingest, NewReport, ReportSummary};
pub use retention::{DuePurge, PURGE_LEASE, PurgeRun};
pub use retention_records::{CertificateTombstone, DueCounts};
pub use sightline_domain::ids::OrgId;
pub use sso::{SsoConfig, SsoLogin, SsoLoginSpend};
pub use standing::{StandingMark, StandingRefresh, StandingRow, StandingState};
pub use stats::{REFERRAL_OUTCOMES, ReferralCount, ReportCount, SignCount, StatsRows, StatsScope, TrainingCount};
pub use time_conv::{from_micros, to_micros};
pub use tips::{MAX_AIRPORTS, NewTip, NewTipMessage, PUBLIC_DESK_NAME, TipKey, TipMessage};
pub use triage::{
    CaseEvent, CaseRecord, Contact, FirstNotification, LegalHold, MAX_REFERRAL_ROWS, NewReferral, NewReferralMessage,
    QueueFilter, Recipient, ReferralMessage, ReferralRecord, ReferralStep, Tombstone,
};
pub use users::{NewUser, UserRecord, WelcomeLink};
pub use xapi::{NewStatement, XapiBacklog, XapiBatch, XapiDeadLetter, XapiSettings};

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

/// SQLite's page cache per pooled connection, in KiB (SQLite's default is 2,000).
///
/// SQLite keeps its cache in our process, one per connection, and every pooled
/// connection stays open (the pool hands them out in turn, so the periodic jobs keep
/// all of them in use): with the default, a server idling on 1,000,000 reports held
/// 8 × 2 MB of cached pages that its jobs had read once (BENCHMARKS.md, "Idle memory
/// of `sightline serve` with 1,000,000 reports"). The pages a query reads again come
/// from the operating system's file cache instead, a system call each; the queue page
/// and the case view at 1,000,000 reports stayed within their targets.
pub const SQLITE_CACHE_KIB: u32 = 128;
/// The report writer's own connection keeps SQLite's default page cache: the pages it
/// touches on every batch (the indexes' right edges, the audit chain's tip) stay in
/// memory. One connection; it fills only while reports arrive.
const WRITER_CACHE_KIB: u32 = 2000;

/// Dirty pages a SQLite write transaction may hold before it spills them to the WAL
/// ahead of its commit: about what SQLite's default 2,000 KiB cache allowed (4 KiB
/// pages), so a group commit of many reports writes as it did before the cache was
/// made small ([`SQLITE_CACHE_KIB`]). Pages past the cache size are freed again as the
/// transaction releases them.
pub const SQLITE_SPILL_PAGES: u32 = 500;

/// A connection pool on one of the two engines. Which one is private: callers only
/// see the methods, each written once for both.
#[derive(Debug, Clone)]
pub struct Db(Inner, live::Hooks);

#[derive(Debug, Clone)]
enum Inner {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Connections in a PostgreSQL server's pool.
const PG_POOL_SIZE: u32 = 16;

/// Every PostgreSQL pool's options: `size` connections, and a request that cannot
/// get one within 5 s fails as busy instead of waiting on.
fn pg_pool(size: u32) -> PgPoolOptions {
    PgPoolOptions::new().max_connections(size).acquire_timeout(Duration::from_secs(5))
}

impl Db {
    /// Open (creating if needed) the SQLite database at `path`, in WAL mode with
    /// foreign keys on, each pooled connection with a page cache of
    /// [`SQLITE_CACHE_KIB`] and spilling a write's dirty pages only past
    /// [`SQLITE_SPILL_PAGES`].
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
            .busy_timeout(Duration::from_secs(10))
            // A negative size is in KiB.
            .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
            .pragma("cache_spill", SQLITE_SPILL_PAGES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(StorageError::connect)?;
        Ok(Self(Inner::Sqlite(pool), live::Hooks::default()))
    }

    /// Connect to PostgreSQL at `url` (`postgres://…`).
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached.
    pub async fn open_postgres(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(StorageError::connect)?;
        let pool = pg_pool(PG_POOL_SIZE).connect_with(options).await.map_err(StorageError::connect)?;
        Ok(Self(Inner::Pg(pool), live::Hooks::default()))
    }

    /// A second handle on the same database for one long-lived writer (the report
    /// group commit): a pool of its own — one connection on SQLite, two on PostgreSQL —
    /// opened in the caller's runtime, sharing this handle's live-queue hooks. A writer
    /// on its own thread with its own connection never waits for the request workers
    /// between its statements, and its PostgreSQL sockets belong to its runtime.
    ///
    /// # Errors
    /// The database cannot be opened or reached.
    pub async fn dedicated(&self) -> Result<Self> {
        let inner = match &self.0 {
            Inner::Sqlite(p) => Inner::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .connect_with((*p.connect_options()).clone().pragma("cache_size", format!("-{WRITER_CACHE_KIB}")))
                    .await
                    .map_err(StorageError::connect)?,
            ),
            Inner::Pg(p) => {
                Inner::Pg(pg_pool(2).connect_with((*p.connect_options()).clone()).await.map_err(StorageError::connect)?)
            }
        };
        Ok(Self(inner, self.1.clone()))
    }

    #[must_use]
    pub const fn engine(&self) -> Engine {
        match self.0 {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Pg(_) => Engine::Postgres,
        }
    }

    /// Apply this engine's pending migrations.
    ///
    /// # Errors
    /// A migration failed or the applied ones were changed.
    pub async fn migrate(&self) -> Result<()> {
        match &self.0 {
            Inner::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Inner::Pg(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
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
