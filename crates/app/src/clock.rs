//! The clock, as a value: the system clock in production, a settable one in tests.

use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    /// A clock that stands still until moved (tests).
    Fixed(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    #[must_use]
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self::Fixed(Arc::new(Mutex::new(at)))
    }

    #[must_use]
    #[allow(clippy::disallowed_methods)] // the one place that reads the system clock
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Self::System => OffsetDateTime::now_utc(),
            Self::Fixed(t) => t.lock().map_or(OffsetDateTime::UNIX_EPOCH, |t| *t),
        }
    }

    /// Move a fixed clock forward (no effect on the system clock).
    pub fn advance(&self, by: time::Duration) {
        if let Self::Fixed(t) = self
            && let Ok(mut t) = t.lock()
        {
            *t += by;
        }
    }
}
