//! The retention purge: closed cases whose retention period has passed lose their
//! sealed text and personal data and become tombstones (see
//! `Db::purge_batch`). One purge at a time across nodes: a purge first takes the
//! lease [`PURGE_LEASE`]; a second one finds it taken and ends without doing
//! anything ([`Purge::Busy`]). It works in batches of `batch` cases, each batch one
//! transaction, and goes on until nothing is due.

use std::time::Duration;

use sightline_storage::{Db, DuePurge, PURGE_LEASE, PurgeRun};
use time::OffsetDateTime;
use uuid::Uuid;

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

/// Purge everything due at `now()` in batches of `batch` under the lease.
///
/// # Errors
/// The database failed; the batches committed before stay purged, the lease is given
/// back (or ends by itself).
pub async fn purge(db: &Db, now: impl Fn() -> OffsetDateTime, batch: i64) -> Result<Purge, String> {
    let holder = Uuid::now_v7();
    let lease = |at: OffsetDateTime| db.take_lease(PURGE_LEASE, holder, at, at + LEASE);
    if !lease(now()).await.map_err(|e| e.to_string())? {
        return Ok(Purge::Busy);
    }
    let result = batches(db, &now, batch.max(1), &lease).await;
    let released = db.release_lease(PURGE_LEASE, holder).await.map_err(|e| e.to_string());
    let run = result?;
    released?;
    if !run.purged.is_empty() {
        tracing::info!(cases = run.purged.len(), batches = run.batches, "retention purge");
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
