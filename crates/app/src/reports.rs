//! Ingesting a crew report: parse, run the decision gate, build the relay message,
//! seal the sensitive text, store once. Shared by the API (`PUT /api/v1/reports/{id}`,
//! used by the offline outbox and the reference client) and the plain form.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sightline_domain::report::{self, ReportInput};
use sightline_domain::triage::ReporterStatus;
use sightline_domain::user::Role;
use sightline_storage::{Ingest, NewReport, Owned, ReportSummary, StorageError, UserRecord};
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::access::{self, Asker};
use crate::security::random_bytes;
use crate::{App, AppError, Caller, Clock, Result};

/// Group commit for reports: one task takes every report waiting at that moment and
/// stores them in one transaction, so one durable commit acknowledges many reports.
/// Under light load a batch is a single report and nothing waits.
///
/// One report never fails another: storage gives each report of a batch its own
/// outcome (a refused report is rolled back alone, to a savepoint of its own). A batch the database refuses for contention (a
/// deadlock or serialization failure, e.g. two nodes on one PostgreSQL, or a busy
/// SQLite) is tried again, up to [`ATTEMPTS`] times with a short random back-off, and
/// so is a report that alone lost a deadlock; only then does its sender get
/// [`StorageError::Busy`] (503, try again — never a 500). A batch that fails as a
/// whole for any other reason is written again one report per transaction, so the
/// failure stays with the report that caused it.
#[derive(Clone)]
pub struct IngestQueue {
    tx: tokio::sync::mpsc::Sender<Job>,
    /// Reports this process stored (not replays), for `/metrics`.
    stored: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

type Reply = tokio::sync::oneshot::Sender<Result<Ingest, StorageError>>;
type Job = (NewReport, Reply);

/// The most reports one commit takes.
const MAX_BATCH: usize = 256;
/// How many times a batch (or a report) refused for contention is tried.
pub const ATTEMPTS: u32 = 6;

impl IngestQueue {
    /// Start the writer: a thread of its own with a single-threaded runtime and its
    /// own connection ([`sightline_storage::Db::dedicated`]), so a batch's statements
    /// follow each other without waiting for a request worker to be free (on two
    /// cores under load that wait was most of a batch's time). If the dedicated
    /// connection cannot be opened it writes through `db`'s pool; if the thread or its
    /// runtime cannot be had, it runs as a task on the caller's runtime, as it did
    /// before it had a thread. The writer ends when the last handle on the queue is
    /// dropped.
    #[must_use]
    pub fn start(db: sightline_storage::Db, clock: Clock) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel::<Job>(4 * MAX_BATCH);
        on_own_thread("report-writer", tokio::runtime::Handle::try_current().ok(), move || drain(db, clock, rx));
        Self { tx, stored: std::sync::Arc::default() }
    }

    /// How many reports this process has stored since it started (replays not counted).
    #[must_use]
    pub fn stored(&self) -> u64 {
        self.stored.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Store one report; returns after its batch committed.
    ///
    /// # Errors
    /// As [`sightline_storage::Db::put_report`].
    pub async fn put(&self, report: NewReport) -> Result<Ingest, StorageError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.tx.send((report, reply)).await.map_err(|_| StorageError::Batch("the writer has stopped".into()))?;
        let result = answer.await.map_err(|_| StorageError::Batch("the writer has stopped".into()))?;
        if matches!(result, Ok(Ingest::Created(_))) {
            self.stored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }
}

/// Run `work` on a thread of its own named `name` with a single-threaded runtime. If
/// the operating system refuses the thread, or the runtime cannot be built, `work`
/// runs as a task on `fallback` (the server's runtime) instead, so it is never lost.
/// The work is handed to the thread after it started, so a refused thread leaves it
/// here to run elsewhere.
fn on_own_thread<F, Fut>(name: &str, fallback: Option<tokio::runtime::Handle>, work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (hand_over, take) = std::sync::mpsc::sync_channel::<F>(1);
    let theirs = fallback.clone();
    let spawned = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
        let Ok(work) = take.recv() else { return };
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(work()),
            Err(e) => {
                tracing::error!(error = %e, "a writer thread has no runtime of its own; running it on the server's");
                run_elsewhere(theirs.as_ref(), work);
            }
        }
    });
    let left = match spawned {
        Ok(_) => hand_over.send(work).err().map(|e| e.0),
        Err(e) => {
            tracing::error!(error = %e, thread = name, "a writer thread did not start; running it on the server's runtime");
            Some(work)
        }
    };
    if let Some(work) = left {
        run_elsewhere(fallback.as_ref(), work);
    }
}

/// Run `work` as a task on `runtime`; with none, say that the work cannot run.
fn run_elsewhere<F, Fut>(runtime: Option<&tokio::runtime::Handle>, work: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    match runtime {
        Some(runtime) => drop(runtime.spawn(work())),
        None => tracing::error!("a writer has neither a thread nor a runtime to run on; its requests will be refused"),
    }
}

/// The writer's loop: take every report waiting, write them as one batch, repeat.
async fn drain(db: sightline_storage::Db, clock: Clock, mut rx: tokio::sync::mpsc::Receiver<Job>) {
    let own = match db.dedicated().await {
        Ok(own) => Some(own),
        Err(e) => {
            tracing::warn!(error = %e, "the report writer has no connection of its own; writing through the shared pool");
            None
        }
    };
    let writer = own.as_ref().unwrap_or(&db);
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let (reports, replies): (Vec<NewReport>, Vec<Reply>) = jobs.into_iter().unzip();
        write_batch(writer, &clock, reports, replies).await;
    }
    if let Some(own) = own {
        own.close().await;
    }
}

/// Write one batch and answer each sender: retry contention, isolate other failures.
async fn write_batch(db: &sightline_storage::Db, clock: &Clock, mut reports: Vec<NewReport>, mut replies: Vec<Reply>) {
    let mut attempt = 1;
    loop {
        let started = std::time::Instant::now();
        let written = db.put_reports(&reports, clock.now()).await;
        tracing::debug!(reports = reports.len(), micros = started.elapsed().as_micros(), "report batch written");
        let results = match written {
            Ok(results) => results,
            Err(e) if e.is_retryable() && attempt < ATTEMPTS => {
                tracing::info!(error = %e, reports = reports.len(), attempt, "report batch met contention; trying again");
                back_off(attempt).await;
                attempt += 1;
                continue;
            }
            Err(e) if reports.len() > 1 => {
                tracing::warn!(error = %e, reports = reports.len(), "report batch failed; writing its reports one by one");
                let mut one_by_one = Vec::with_capacity(reports.len());
                for r in &reports {
                    one_by_one.push(db.put_report(r, clock.now()).await);
                }
                one_by_one
            }
            Err(e) => vec![Err(e)],
        };
        let (mut again, mut again_replies) = (Vec::new(), Vec::new());
        for ((report, reply), result) in reports.into_iter().zip(replies).zip(results) {
            match result {
                Err(e) if e.is_retryable() && attempt < ATTEMPTS => {
                    again.push(report);
                    again_replies.push(reply);
                }
                result => {
                    if let Err(e) = &result
                        && !matches!(e, StorageError::Conflict { .. })
                    {
                        tracing::error!(error = %e, id = %report.id, "report not stored");
                    }
                    let _ = reply.send(result);
                }
            }
        }
        if again.is_empty() {
            return;
        }
        tracing::info!(reports = again.len(), attempt, "reports met contention; trying them again");
        back_off(attempt).await;
        attempt += 1;
        (reports, replies) = (again, again_replies);
    }
}

/// A short random pause before trying again: about 5 ms, doubling each attempt.
async fn back_off(attempt: u32) {
    let base = 5u64 << attempt.min(6);
    let jitter = random_bytes::<1>().map_or(0, |b| u64::from(b[0])) * base / 255;
    tokio::time::sleep(std::time::Duration::from_millis(base + jitter)).await;
}

/// What the reporter's device gets back.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub id: String,
    /// Short reference for the reporter and the relay message.
    pub reference: String,
    /// received, being_handled, handed_to_authorities or closed.
    pub status: String,
    pub relay_message: String,
    /// Did the report pass the decision gate (enough to leave the organisation)?
    pub gate_passed: bool,
    pub received_at: String,
}

/// Validate and seal a report, ready to store (shared by the API, the form and
/// `sightline demo generate`).
///
/// # Errors
/// [`AppError::Invalid`] with every field problem, or an internal error.
pub fn prepare(
    library: &sightline_content::Library,
    keys: &sightline_domain::crypto::MasterKey,
    user: &UserRecord,
    id: Uuid,
    input: &ReportInput,
    codeword: &report::RelayCodeword,
) -> Result<NewReport> {
    if id.is_nil() {
        return Err(AppError::field("id", "invalid-id"));
    }
    let parsed = input.parse(&library.airports, &library.indicators)?;
    seal_report(library, keys, (user.org_id, user.id), id, &parsed, "", codeword)
}

/// Seal a parsed report for storing under `id` in organisation `org` by `reporter`;
/// `contact` (a public tip's contact method, else empty) is sealed with its text.
///
/// # Errors
/// An internal error (serialising or sealing failed).
pub fn seal_report(
    library: &sightline_content::Library,
    keys: &sightline_domain::crypto::MasterKey,
    (org, reporter): (sightline_domain::ids::OrgId, sightline_domain::ids::UserId),
    id: Uuid,
    parsed: &report::Report,
    contact: &str,
    codeword: &report::RelayCodeword,
) -> Result<NewReport> {
    let gate = parsed.decision_gate(&library.indicators);
    let reference = report::short_reference(id);
    let relay = parsed.relay(&library.indicators, &reference, codeword).encode();
    let canonical = serde_json::to_vec(parsed).map_err(|e| AppError::Internal(e.to_string()))?;
    let content_hash = Sha256::digest(&canonical).to_vec();
    let text = report::SealedText { contact: contact.to_owned(), ..report::SealedText::of(parsed) };
    let sensitive = serde_json::to_vec(&text).map_err(|e| AppError::Internal(e.to_string()))?;
    let r = crate::security::seal_random().map_err(AppError::Internal)?;
    let sealed = keys.seal(org, id, &sensitive, &r).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(NewReport {
        id,
        org_id: org,
        reporter_id: reporter,
        reference,
        content_hash,
        client_created_at: parsed.client_created_at.and_then(|t| t.format(&Rfc3339).ok()),
        reporter_role: parsed.reporter_role,
        phase: parsed.phase,
        flight: parsed.flight.as_ref().map(|f| f.as_str().to_owned()).unwrap_or_default(),
        flight_date: format!("{:04}-{:02}-{:02}", parsed.date.year(), u8::from(parsed.date.month()), parsed.date.day()),
        origin: parsed.origin.as_str().to_owned(),
        destination: parsed.destination.as_str().to_owned(),
        scheduled_arrival: parsed.scheduled_arrival,
        place: parsed.place.clone(),
        flags: report::flags_text(&parsed.flags),
        seats: parsed.seats.iter().map(report::Seat::as_str).collect::<Vec<_>>().join(" "),
        potential_victims: i32::from(parsed.potential_victims),
        companions: i32::from(parsed.companions),
        indicators: parsed.indicators.join(" "),
        route_region: library.route_region(parsed.origin.as_str(), parsed.destination.as_str()),
        disclosed: parsed.disclosed,
        companion_aware: parsed.companion_aware,
        immediate_danger: parsed.immediate_danger,
        gate_passed: gate.passed,
        relay_message: relay,
        sealed: sealed.body,
        wrapped_key: sealed.wrapped_key,
    })
}

impl App {
    /// File a crew report under the id the device chose: validate, seal and store it
    /// once. The same id with the same content is a replay (`false`: nothing new was
    /// stored) and answers the stored receipt.
    ///
    /// # Errors
    /// Not a reporter ([`AppError::Forbidden`]); every field at fault
    /// ([`AppError::Invalid`]); the id holds different content
    /// ([`AppError::Conflict`] on `id` — when it is another organisation's report the
    /// attempt is audited as `access.cross_org_denied`, and the answer is still a
    /// conflict, so the device keeps its report); the database is busy.
    pub async fn file_report(&self, caller: &Caller, id: Uuid, input: &ReportInput) -> Result<(bool, Receipt)> {
        let me = caller.require(Role::Reporter)?;
        let codeword = self.codeword_of(me.org()).await?;
        let new = prepare(&self.library, &self.keys, me.user(), id, input, &codeword)?;
        let (created, s) = match self.ingest.put(new).await {
            Ok(Ingest::Created(s)) => (true, s),
            Ok(Ingest::Replayed(s)) => (false, s),
            Err(StorageError::Conflict { .. }) => {
                access::record_if_foreign(self, Asker::of(me), Owned::Report(id)).await?;
                return Err(AppError::Conflict { field: "id" });
            }
            Err(e) => return Err(e.into()),
        };
        Ok((
            created,
            Receipt {
                id: s.id.to_string(),
                reference: s.reference,
                status: s.status.for_reporter().as_str().to_owned(),
                relay_message: s.relay_message,
                gate_passed: s.gate_passed,
                received_at: s.received_at.format(&Rfc3339).unwrap_or_default(),
            },
        ))
    }

    /// The relay-message codeword of the caller's organisation (the default header
    /// when none is set), for the report page that builds the message offline.
    ///
    /// # Errors
    /// Not a reporter; the database failed.
    pub async fn my_relay_codeword(&self, caller: &Caller) -> Result<report::RelayCodeword> {
        let me = caller.require(Role::Reporter)?;
        self.codeword_of(me.org()).await
    }

    async fn codeword_of(&self, org: sightline_domain::ids::OrgId) -> Result<report::RelayCodeword> {
        // Read with every report: kept for the token cache's lifetime (a change made
        // on this node empties it). A stored codeword was validated when set; one that
        // no longer parses falls back.
        let word = match self.tokens.codeword(org) {
            Some(word) => word,
            None => {
                let epoch = self.tokens.epoch();
                let word = self.db.relay_codeword(org).await?;
                self.tokens.put_codeword(org, word.clone(), epoch);
                word
            }
        };
        Ok(word.and_then(|w| report::RelayCodeword::parse(&w).ok()).unwrap_or_default())
    }

    /// The caller's own reports, newest first (at most `limit`, bounded by
    /// [`MAX_MINE`]), each with what a reporter may see of its case
    /// ([`ReporterStatus`]) — never case details.
    ///
    /// # Errors
    /// Not a reporter; the database failed.
    pub async fn my_reports(&self, caller: &Caller, limit: i64) -> Result<Vec<(ReportSummary, ReporterStatus)>> {
        let me = caller.require(Role::Reporter)?;
        let rows = self.db.reports_of(me.org(), me.id(), limit.clamp(1, MAX_MINE)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let status = r.status.for_reporter();
                (r, status)
            })
            .collect())
    }
}

/// The most of their own reports a reporter's list shows.
pub const MAX_MINE: i64 = 200;

#[cfg(test)]
mod tests {
    use super::{on_own_thread, run_elsewhere};

    fn thread_name() -> Option<String> {
        std::thread::current().name().map(str::to_owned)
    }

    #[tokio::test]
    async fn a_writer_runs_on_a_thread_of_its_own_named_for_it() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        on_own_thread("writer-under-test", None, move || async move {
            let _ = tx.send(thread_name());
        });
        assert_eq!(rx.await.unwrap().as_deref(), Some("writer-under-test"));
    }

    #[tokio::test]
    async fn a_writer_without_a_thread_runs_on_the_runtime_it_was_given() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        run_elsewhere(Some(&tokio::runtime::Handle::current()), move || async move {
            let _ = tx.send(thread_name());
        });
        assert_eq!(rx.await.unwrap(), thread_name(), "on this test's own (current-thread) runtime");
    }
}
