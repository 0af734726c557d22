//! The one error type of the domain layer: a rule that input broke.

use std::fmt;

/// A value that failed to parse. `field` names the input field; `code` is a stable,
/// machine-readable reason that the web layer maps to a localised message
/// (Fluent key `error-<code>`) and to the API envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

impl FieldError {
    #[must_use]
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

impl std::error::Error for FieldError {}
