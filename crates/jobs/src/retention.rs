//! The retention purge: closed cases whose retention period has passed lose their
//! sealed text and personal data and become tombstones (see
//! `Db::purge_batch`); then the training records of people who left, expired
//! certificates (tombstones with no link to their holder) and old audit entries
//! (redacted, the chain's hashes kept) go by their own periods. One purge at a time
//! across nodes: a purge first takes the lease [`PURGE_LEASE`]; a second one finds it
//! taken and ends without doing anything ([`Purge::Busy`]). Each kind works in
//! batches of `batch`, each batch one transaction, and goes on until nothing is due.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use sightline_storage::{Db, DueCounts, DuePurge, OrgId, PURGE_LEASE, PurgeRun};
use time::OffsetDateTime;
use uuid::Uuid;

/// Freezes an organisation's compliance figures of every fiscal year that ended, from
/// the year holding `from` on, before the purge removes certificates they count (the
/// application's `ComplianceFreezer`): a past year's export then gives the same
/// figures after the purge as before.
pub trait Freeze: Send + Sync {
    /// Freeze `org`'s ended fiscal years from the one holding `from`, as of `now`.
    fn freeze<'a>(
        &'a self,
        org: OrgId,
        from: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Cases per transaction.
pub const BATCH: i64 = 500;

/// How long a purge's lease lasts: a purge that dies leaves it to the next after
/// this; a live one renews it with every batch.
pub const LEASE: time::Duration = time::Duration::minutes(10);

/// The job's interval.
pub const EVERY: Duration = Duration::from_secs(3600);

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purge {
    /// It ran: these cases became tombstones.
    Done(PurgeRun),
    /// Another purge holds the lease; nothing was done.
    Busy,
}

/// Purge everything due at `now()` in batches of `batch` under the lease: cases,
/// training records, certificates (after `freeze` kept the compliance figures they
/// count), audit entries.
///
/// # Errors
/// The database failed; the batches committed before stay purged, the lease is given
/// back (or ends by itself).
pub async fn purge(
    db: &Db,
    now: impl Fn() -> OffsetDateTime,
    batch: i64,
    freeze: &dyn Freeze,
) -> Result<Purge, String> {
    let holder = Uuid::now_v7();
    let lease = |at: OffsetDateTime| db.take_lease(PURGE_LEASE, holder, at, at + LEASE);
    if !lease(now()).await.map_err(|e| e.to_string())? {
        return Ok(Purge::Busy);
    }
    let result = match batches(db, &now, batch.max(1), &lease).await {
        Ok(run) => records(db, &now, batch.max(1), &lease, freeze, run).await,
        Err(e) => Err(e),
    };
    let released = db.release_lease(PURGE_LEASE, holder).await.map_err(|e| e.to_string());
    let run = result?;
    released?;
    if !run.purged.is_empty() || run.training + run.certificates + run.audit > 0 {
        tracing::info!(
            cases = run.purged.len(),
            training = run.training,
            certificates = run.certificates,
            audit = run.audit,
            batches = run.batches,
            "retention purge"
        );
    }
    Ok(Purge::Done(run))
}

async fn batches<F, Fut>(db: &Db, now: &impl Fn() -> OffsetDateTime, batch: i64, lease: &F) -> Result<PurgeRun, String>
where
    F: Fn(OffsetDateTime) -> Fut,
    Fut: std::future::Future<Output = sightline_storage::Result<bool>>,
{
    let mut run = PurgeRun::default();
    loop {
        let at = now();
        if !lease(at).await.map_err(|e| e.to_string())? {
            return Err("the purge lost its lease".to_owned());
        }
        let done = db.purge_batch(at, batch).await.map_err(|e| e.to_string())?;
        run.batches += 1;
        let full = i64::try_from(done.len()).unwrap_or(i64::MAX) >= batch;
        run.purged.extend(done);
        // A short batch means nothing more is due (a case held meanwhile is skipped
        // and no longer selected, so a full batch always moves on).
        if !full {
            return Ok(run);
        }
    }
}

/// The other kinds, after the cases: training records, certificates (their
/// organisations' compliance figures frozen first, all at one moment), audit entries.
async fn records<F, Fut>(
    db: &Db,
    now: &impl Fn() -> OffsetDateTime,
    batch: i64,
    lease: &F,
    freeze: &dyn Freeze,
    mut run: PurgeRun,
) -> Result<PurgeRun, String>
where
    F: Fn(OffsetDateTime) -> Fut,
    Fut: std::future::Future<Output = sightline_storage::Result<bool>>,
{
    let full = |n: usize| i64::try_from(n).unwrap_or(i64::MAX) >= batch;
    let renew = |at: OffsetDateTime| async move {
        if lease(at).await.map_err(|e| e.to_string())? { Ok(()) } else { Err("the purge lost its lease".to_owned()) }
    };
    loop {
        let at = now();
        renew(at).await?;
        let n = db.purge_training_batch(at, batch).await.map_err(|e| e.to_string())?.len();
        run.batches += 1;
        run.training += n;
        if !full(n) {
            break;
        }
    }
    // One moment for the certificates: what is due then is what the figures were
    // frozen for.
    let at = now();
    for (org, from) in db.certificates_due_by_org(at).await.map_err(|e| e.to_string())? {
        freeze.freeze(org, from, at).await?;
    }
    loop {
        renew(now()).await?;
        let n = db.purge_certificates_batch(at, batch).await.map_err(|e| e.to_string())?.len();
        run.batches += 1;
        run.certificates += n;
        if !full(n) {
            break;
        }
    }
    loop {
        let at = now();
        renew(at).await?;
        let n = db.redact_audit_batch(at, batch).await.map_err(|e| e.to_string())?;
        run.batches += 1;
        run.audit += n;
        if !full(n) {
            break;
        }
    }
    Ok(run)
}

/// How much of the other kinds is due at `now`: people whose training records would
/// go, certificates that would become tombstones, audit entries that would be
/// redacted (nothing changes).
///
/// # Errors
/// The database failed.
pub async fn due_counts(db: &Db, now: OffsetDateTime) -> Result<DueCounts, String> {
    db.due_counts(now).await.map_err(|e| e.to_string())
}

/// Everything due at `now`, in due order, page by page (nothing changes).
///
/// # Errors
/// The database failed.
pub async fn due(db: &Db, now: OffsetDateTime) -> Result<Vec<DuePurge>, String> {
    let mut all: Vec<DuePurge> = Vec::new();
    loop {
        let page = db.due_purges(now, all.last(), BATCH).await.map_err(|e| e.to_string())?;
        let more = i64::try_from(page.len()).unwrap_or(i64::MAX) >= BATCH;
        all.extend(page);
        if !more {
            return Ok(all);
        }
    }
}
