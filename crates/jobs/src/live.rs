//! Pruning the live queue's change table (`queue_changes`): rows older than
//! [`KEEP`] are deleted in batches of [`BATCH`], one prune at a time across nodes
//! (the lease [`LEASE_NAME`] in `job_leases`, as the retention purge). A browser
//! reconnecting after longer than that re-reads the whole queue (a `reset` event).

use std::time::Duration;

use sightline_storage::Db;
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a change row is kept.
pub const KEEP: time::Duration = time::Duration::hours(1);
/// Rows per `DELETE`.
pub const BATCH: i64 = 5_000;
/// The job's interval.
pub const EVERY: Duration = Duration::from_secs(300);
/// The lease's name in `job_leases`.
pub const LEASE_NAME: &str = "live queue prune";
/// How long the lease lasts (renewed every batch).
const LEASE: time::Duration = time::Duration::minutes(5);

/// Delete the change rows older than [`KEEP`] at `now()`, in batches of `batch`,
/// under the lease; the number deleted (0 when another node holds the lease).
///
/// # Errors
/// The database failed; the batches deleted before stay deleted.
pub async fn prune(db: &Db, now: impl Fn() -> OffsetDateTime, batch: i64) -> Result<u64, String> {
    let holder = Uuid::now_v7();
    let batch = batch.max(1);
    let mut deleted = 0;
    let result = loop {
        let at = now();
        match db.take_lease(LEASE_NAME, holder, at, at + LEASE).await {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => break Err(e.to_string()),
        }
        match db.prune_queue_changes(at - KEEP, batch).await {
            Ok(n) => {
                deleted += n;
                if n < u64::try_from(batch).unwrap_or(u64::MAX) {
                    break Ok(());
                }
            }
            Err(e) => break Err(e.to_string()),
        }
    };
    let released = db.release_lease(LEASE_NAME, holder).await.map_err(|e| e.to_string());
    result?;
    released?;
    if deleted > 0 {
        tracing::debug!(rows = deleted, "live queue prune");
    }
    Ok(deleted)
}
