use sightline_domain::audit::ChainError;

/// A lower-level error kept as the source of a [`StorageError`], without naming the
/// driver's types (so nothing outside this crate depends on them).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The one error type of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database could not be opened or reached.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] BoxError),
    #[error("migration failed: {0}")]
    Migrate(#[source] BoxError),
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
    Database(#[source] BoxError),
    /// A grouped write failed as a whole; nothing of it was written.
    #[error("the grouped write failed: {0}")]
    Batch(String),
    /// The database refused the work for contention, not for its content: a
    /// deadlock or serialization failure (PostgreSQL 40P01, 40001), a busy or locked
    /// SQLite database, or no free connection in time. Nothing was written; the same
    /// work may succeed if tried again.
    #[error("the database is busy, try again: {0}")]
    Busy(String),
    /// Not something this engine (or this input) can do; the text says what to do instead.
    #[error("{0}")]
    Unsupported(&'static str),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut => Self::Busy("no database connection was free in time".into()),
            sqlx::Error::Database(d) if is_contention(d.as_ref()) => Self::Busy(d.message().to_owned()),
            other => Self::Database(Box::new(other)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self::Migrate(Box::new(e))
    }
}

/// Is this database error a deadlock, a serialization failure or a busy/locked
/// database? PostgreSQL gives a SQLSTATE (some of which are all digits, e.g. 22021
/// for a NUL in text, so it must not be read as SQLite's); SQLite its (extended)
/// result code, whose low byte is the primary code (5 busy, 6 locked).
fn is_contention(e: &dyn sqlx::error::DatabaseError) -> bool {
    let code = e.code();
    if e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
        return matches!(code.as_deref(), Some("40P01" | "40001"));
    }
    code.and_then(|c| c.parse::<i32>().ok()).is_some_and(|n| matches!(n & 0xff, 5 | 6))
}

impl StorageError {
    /// Worth trying again unchanged: see [`StorageError::Busy`].
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        matches!(self, Self::Busy(_))
    }

    /// The database could not be reached or opened (keeps the driver's error as the source).
    pub(crate) fn connect(e: sqlx::Error) -> Self {
        Self::Connect(Box::new(e))
    }

    /// A stored value that does not read back as its type: `what` names the column,
    /// `value` is what was found.
    pub(crate) fn corrupt(what: &str, value: &str) -> Self {
        Self::Corrupt(format!("{what} {value:?}"))
    }

    /// Map a unique-constraint violation to [`StorageError::Conflict`] on `field`.
    pub(crate) fn unique(field: &'static str) -> impl Fn(sqlx::Error) -> Self {
        move |e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => Self::Conflict { field },
            _ => Self::from(e),
        }
    }
}

/// Read a stored string back as its domain type; a value that does not parse is
/// [`StorageError::Corrupt`] (never a silent default).
pub(crate) fn stored<T: std::str::FromStr>(what: &str, value: &str) -> Result<T, StorageError> {
    value.parse().map_err(|_| StorageError::corrupt(what, value))
}
