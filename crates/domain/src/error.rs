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

/// Every field error of one input, in the order the fields were checked (never
/// empty when returned as an error). Multi-field inputs check every field and return
/// all that are wrong, so a client can mark each at once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    #[must_use]
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The value of `r`, or `None` after noting its error.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error found, if any.
    #[must_use]
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }

    /// `value()` when no error was noted, otherwise every error.
    ///
    /// # Errors
    /// At least one field was invalid.
    pub fn or_value<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Self> {
        match (self.is_empty(), value()) {
            (true, Some(v)) => Ok(v),
            // A `None` with no error noted cannot happen when every `None` came from
            // `check`; still, never claim success without the value.
            (true, None) => Err(Self(vec![FieldError::new("input", "invalid")])),
            (false, _) => Err(self),
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl From<Vec<FieldError>> for FieldErrors {
    fn from(v: Vec<FieldError>) -> Self {
        Self(v)
    }
}

impl IntoIterator for FieldErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::{FieldError, FieldErrors};

    #[test]
    fn every_error_is_kept_in_order() {
        let mut errors = FieldErrors::new();
        let a: Option<u8> = errors.check(Err(FieldError::new("a", "bad")));
        let b = errors.check(Ok(2_u8));
        let c: Option<u8> = errors.check(Err(FieldError::new("c", "worse")));
        assert_eq!((a, b, c), (None, Some(2), None));
        assert_eq!(errors.to_string(), "a: bad, c: worse");
        assert_eq!(errors.clone().or_value(|| b), Err(errors));
        assert_eq!(FieldErrors::new().or_value(|| Some(1)), Ok(1));
    }
}
