//! One job runner: every job has a name, an interval and a pass; one loop starts each
//! pass when it is due, never two passes of the same job at once. A failing pass is
//! logged and counted, and the job runs again on its next interval. On stop, no new
//! pass starts and the passes in flight may finish, up to a timeout.
//!
//! Scheduling uses tokio's monotonic timer; the jobs themselves read the time only
//! through the application's clock ([`crate::Context::now`]).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

type Pass = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A named piece of background work, run every `every`.
pub struct Job {
    name: &'static str,
    every: Duration,
    pass: Box<dyn Fn() -> Pass + Send + Sync>,
}

impl Job {
    /// A job whose pass is `pass()`; its error is logged, its result dropped.
    pub fn new<F, Fut, T, E>(name: &'static str, every: Duration, pass: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let pass = move || -> Pass {
            let fut = pass();
            Box::pin(async move { fut.await.map(|_| ()).map_err(|e| e.to_string()) })
        };
        Self { name, every, pass: Box::new(pass) }
    }
}

/// How a job has fared since the runner started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobStats {
    pub name: &'static str,
    /// Passes finished, failed ones included.
    pub passes: u64,
    pub failures: u64,
    pub last_error: Option<String>,
}

/// The jobs to run.
#[derive(Default)]
pub struct Runner {
    jobs: Vec<Job>,
}

/// A running runner: see how the jobs fare, and stop it.
pub struct Running {
    stop: watch::Sender<Option<Duration>>,
    task: tokio::task::JoinHandle<bool>,
    stats: Arc<Mutex<Vec<JobStats>>>,
}

impl Runner {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a job.
    #[must_use]
    pub fn job(mut self, job: Job) -> Self {
        self.jobs.push(job);
        self
    }

    /// Start the loop (needs a tokio runtime). Every job's first pass starts at once.
    #[must_use]
    pub fn start(self) -> Running {
        let (stop, stopped) = watch::channel(None);
        let stats = self.jobs.iter().map(|j| JobStats { name: j.name, ..JobStats::default() }).collect();
        let stats = Arc::new(Mutex::new(stats));
        let task = tokio::spawn(run(self.jobs, stopped, stats.clone()));
        Running { stop, task, stats }
    }
}

impl Running {
    /// How each job has fared so far, in the order they were added.
    #[must_use]
    pub fn stats(&self) -> Vec<JobStats> {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Start no new pass, and wait up to `grace` for the passes in flight; any still
    /// running then are cancelled. Returns whether every pass finished in time.
    pub async fn stop(self, grace: Duration) -> bool {
        let _ = self.stop.send(Some(grace));
        self.task.await.unwrap_or(false)
    }
}

/// The one loop: start each job's pass when due, collect the passes that end, and on
/// stop wait for the passes in flight (up to the grace period). Returns whether they
/// all finished.
async fn run(jobs: Vec<Job>, mut stopped: watch::Receiver<Option<Duration>>, stats: Arc<Mutex<Vec<JobStats>>>) -> bool {
    let mut next: Vec<Instant> = vec![Instant::now(); jobs.len()];
    let mut busy = vec![false; jobs.len()];
    let mut in_flight: JoinSet<(usize, Result<(), String>)> = JoinSet::new();
    let mut which: HashMap<tokio::task::Id, usize> = HashMap::new();
    let grace = loop {
        let due = (0..jobs.len()).filter(|&i| !busy[i]).min_by_key(|&i| next[i]);
        let at = due.map_or_else(|| Instant::now() + Duration::from_secs(3600), |i| next[i]);
        tokio::select! {
            biased;
            changed = stopped.changed() => {
                // A dropped handle stops the runner at once.
                break if changed.is_ok() { (*stopped.borrow()).unwrap_or(Duration::ZERO) } else { Duration::ZERO };
            }
            Some(done) = in_flight.join_next_with_id(), if !in_flight.is_empty() => {
                let (i, outcome) = match done {
                    Ok((id, (i, outcome))) => { which.remove(&id); (i, outcome) }
                    Err(e) => {
                        let Some(i) = which.remove(&e.id()) else { continue };
                        (i, Err(format!("the pass stopped: {e}")))
                    }
                };
                busy[i] = false;
                record(&stats, &jobs[i], i, outcome);
            }
            () = tokio::time::sleep_until(at), if due.is_some() => {
                let Some(i) = due else { continue };
                busy[i] = true;
                // The next pass is due one interval after this one started; if a pass
                // overruns its interval, the next starts as soon as it ends.
                next[i] = (at + jobs[i].every).max(Instant::now());
                let pass = (jobs[i].pass)();
                let handle = in_flight.spawn(async move { (i, pass.await) });
                which.insert(handle.id(), i);
            }
        }
    };
    let drained = tokio::time::timeout(grace, async {
        while let Some(done) = in_flight.join_next().await {
            if let Ok((i, outcome)) = done {
                record(&stats, &jobs[i], i, outcome);
            }
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(passes = in_flight.len(), "stopping: passes still running after the grace period are cancelled");
        in_flight.abort_all();
        return false;
    }
    true
}

fn record(stats: &Mutex<Vec<JobStats>>, job: &Job, i: usize, outcome: Result<(), String>) {
    if let Err(e) = &outcome {
        tracing::warn!(job = job.name, error = %e, "job pass failed; it runs again on its next interval");
    }
    if let Ok(mut s) = stats.lock()
        && let Some(s) = s.get_mut(i)
    {
        s.passes += 1;
        if let Err(e) = outcome {
            s.failures += 1;
            s.last_error = Some(e);
        }
    }
}
