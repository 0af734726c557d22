//! The application layer's one error type. The web layer maps it to HTTP in one place.

use sightline_domain::FieldError;
use sightline_storage::StorageError;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The caller's roles do not allow it.
    #[error("your roles do not allow this")]
    Forbidden,
    /// No such record in the caller's organisation (another organisation's records
    /// do not exist for them; the attempt is audited, see [`crate::access`]).
    #[error("not found")]
    NotFound,
    /// The input broke the domain's rules: every field at fault.
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    Invalid(Vec<FieldError>),
    /// A unique value is taken, or (`field` = `version`) someone else changed the
    /// record first: nothing was overwritten.
    #[error("{field} conflicts")]
    Conflict { field: &'static str },
    /// A one-time link was already used or has expired.
    #[error("this link has expired or was already used")]
    LinkUsedOrExpired,
    /// The caller has too many of something at once (`code`: what, e.g.
    /// `live-streams`); later, with fewer, it may succeed.
    #[error("too many: {0}")]
    TooMany(&'static str),
    /// The server has as many of something as it serves (`code`: what, e.g.
    /// `live-streams`); another node, or later, may.
    #[error("the server is full: {0}")]
    Full(&'static str),
    /// The database is busy: nothing was written; the same request may succeed later.
    #[error("busy: {0}")]
    Busy(String),
    /// Our fault (a database failure, a record that cannot be opened with this
    /// server's key). Logged; the person never sees the detail.
    #[error("internal: {0}")]
    Internal(String),
    /// A storage error the web layer answers as it always has (roster conflicts …).
    #[error(transparent)]
    Storage(StorageError),
}

impl AppError {
    /// One field at fault.
    #[must_use]
    pub fn field(field: &'static str, code: &'static str) -> Self {
        Self::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        Self::Invalid(e)
    }
}

impl From<sightline_domain::FieldErrors> for AppError {
    fn from(e: sightline_domain::FieldErrors) -> Self {
        Self::Invalid(e.0)
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Self::NotFound,
            StorageError::Conflict { field } => Self::Conflict { field },
            StorageError::LinkUsedOrExpired => Self::LinkUsedOrExpired,
            StorageError::Busy(m) => Self::Busy(m),
            other @ StorageError::RosterConflicts(_) => Self::Storage(other),
            other => Self::Internal(other.to_string()),
        }
    }
}
