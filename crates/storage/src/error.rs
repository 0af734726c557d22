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
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => Self::Database(other),
        }
    }
}

impl StorageError {
    /// Map a unique-constraint violation to [`StorageError::Conflict`] on `field`.
    pub(crate) fn unique(field: &'static str) -> impl Fn(sqlx::Error) -> Self {
        move |e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => Self::Conflict { field },
            _ => Self::from(e),
        }
    }
}
