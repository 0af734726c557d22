//! What the load examples share: gathering the senders' latencies and errors, and
//! reading percentiles off them.

use std::thread::JoinHandle;
use std::time::Duration;

/// Every sender's latencies (sorted) and the sum of their errors.
pub struct Gathered {
    pub latencies: Vec<Duration>,
    pub errors: u64,
}

impl Gathered {
    /// Wait for every sender and pool what they measured.
    pub fn join(handles: Vec<JoinHandle<(Vec<Duration>, u64)>>) -> Self {
        Self::pool(handles.into_iter().map(|h| h.join().expect("a sender panicked")).collect())
    }

    /// Pool what every sender measured: its latencies and its errors.
    pub fn pool(senders: Vec<(Vec<Duration>, u64)>) -> Self {
        let mut latencies = Vec::new();
        let mut errors = 0;
        for (l, e) in senders {
            latencies.extend(l);
            errors += e;
        }
        latencies.sort();
        Self { latencies, errors }
    }

    /// The `q` quantile (0.0..=1.0) of the latencies, zero when none.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn quantile(&self, q: f64) -> Duration {
        let n = self.latencies.len();
        let at = ((n.saturating_sub(1)) as f64 * q).round() as usize;
        self.latencies.get(at.min(n.saturating_sub(1))).copied().unwrap_or_default()
    }

    /// The slowest, zero when none.
    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }

    /// How many succeeded per second over `seconds`.
    pub fn rate(&self, seconds: u64) -> f64 {
        self.latencies.len() as f64 / seconds as f64
    }
}
