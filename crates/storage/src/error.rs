use sightline_domain::audit::ChainError;

/// The one error type of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database could not be opened or reached.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// No such record (in this organisation).
    #[error("not found")]
    NotFound,
    /// A unique value is taken; `field` names it.
    #[error("{field} is already in use")]
    Conflict { field: &'static str },
    /// A one-time link was already used or has expired.
    #[error("this link has expired or was already used")]
    LinkUsedOrExpired,
    /// Roster rows whose e-mail already has an account: (line, email).
    #[error("{} roster rows name e-mail addresses that already have accounts", .0.len())]
    RosterConflicts(Vec<(usize, String)>),
    #[error("audit chain broken: {0}")]
    AuditChain(#[from] ChainError),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A grouped write failed as a whole; nothing of it was written.
    #[error("the grouped write failed: {0}")]
    Batch(String),
    /// The database refused the work for contention, not for its content: a
    /// deadlock or serialization failure (PostgreSQL 40P01, 40001), a busy or locked
    /// SQLite database, or no free connection in time. Nothing was written; the same
    /// work may succeed if tried again.
    #[error("the database is busy, try again: {0}")]
    Busy(String),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut => Self::Busy("no database connection was free in time".into()),
            sqlx::Error::Database(d) if is_contention(d.code().as_deref()) => Self::Busy(d.message().to_owned()),
            other => Self::Database(other),
        }
    }
}

/// Is this database error code a deadlock, a serialization failure or a busy/locked
/// database? PostgreSQL gives a SQLSTATE; SQLite its (extended) result code, whose
/// low byte is the primary code (5 busy, 6 locked).
fn is_contention(code: Option<&str>) -> bool {
    match code {
        Some("40P01" | "40001") => true,
        Some(c) => c.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
        None => false,
    }
}

impl StorageError {
    /// Worth trying again unchanged: see [`StorageError::Busy`].
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        matches!(self, Self::Busy(_))
    }

    /// Map a unique-constraint violation to [`StorageError::Conflict`] on `field`.
    pub(crate) fn unique(field: &'static str) -> impl Fn(sqlx::Error) -> Self {
        move |e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => Self::Conflict { field },
            _ => Self::from(e),
        }
    }
}
