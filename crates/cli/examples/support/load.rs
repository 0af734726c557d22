//! What the load examples share: the ingest generators' arguments and report, gathering
//! the senders' latencies and errors, and reading percentiles off them.

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

    /// The line an ingest generator ends with (`how`: how its reporters run, if said).
    pub fn report(&self, rate: f64, reporters: usize, how: &str, seconds: u64) -> String {
        format!(
            "offered {rate:.0} req/s from {reporters} reporters{how} for {seconds} s: {} stored ({:.0}/s), {} errors; \
             latency p50 {:?} p99 {:?} max {:?}",
            self.latencies.len(),
            self.rate(seconds),
            self.errors,
            self.quantile(0.5),
            self.quantile(0.99),
            self.max()
        )
    }

    /// How many succeeded per second over `seconds`.
    pub fn rate(&self, seconds: u64) -> f64 {
        self.latencies.len() as f64 / seconds as f64
    }
}

/// The ingest generators' command line (`URL TOKEN RATE REPORTERS SECONDS`) and the
/// report they send (`examples/report.json` without its id: each request takes a new one).
pub struct IngestArgs {
    pub url: String,
    pub token: String,
    pub rate: f64,
    pub reporters: usize,
    pub seconds: u64,
    pub report: String,
}

impl IngestArgs {
    pub fn from_command_line() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let body = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/report.json")).unwrap();
        let mut report: serde_json::Value = serde_json::from_str(&body).unwrap();
        report.as_object_mut().unwrap().remove("id");
        Self {
            url: args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:8080".into()),
            token: args.get(2).cloned().expect("token"),
            rate: args.get(3).map_or(1000.0, |s| s.parse().unwrap()),
            reporters: args.get(4).map_or(200, |s| s.parse().unwrap()),
            seconds: args.get(5).map_or(15, |s| s.parse().unwrap()),
            report: serde_json::to_string(&report).unwrap(),
        }
    }
}
