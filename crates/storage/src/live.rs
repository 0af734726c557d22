//! The live queue's change feed (issue 16, item 2): `queue_changes` holds one row per
//! change that alters an organisation's desk queue, written in the change's own
//! transaction after its audit entry (so ids commit in order: the audit chain's lock
//! is held from there to the commit). Ids and kinds only, never a report's text.
//!
//! How a node learns of new rows is behind [`QueueListener`]: on PostgreSQL it
//! `LISTEN`s on `sightline_queue` (a trigger of migration 0031 sends one `NOTIFY` per
//! organisation per inserting statement, at commit; the payload is the organisation's
//! id and the change id); on either engine the writer calls the hooks registered with
//! [`Db::on_queue_change`] after each commit, for the feed of this process.

use std::sync::{Arc, RwLock};

use sightline_domain::ids::OrgId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Inner, Result, StorageError, to_micros};

/// The PostgreSQL channel the trigger of migration 0031 notifies.
const CHANNEL: &str = "sightline_queue";

/// What happened to a case in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueChangeKind {
    /// A report or tip was filed.
    New,
    /// The case changed (status, assignment, escalation, a report merged into it).
    Updated,
    /// The report left the queue (merged into another case).
    Removed,
}

impl QueueChangeKind {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Updated => "updated",
            Self::Removed => "removed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "new" => Ok(Self::New),
            "updated" => Ok(Self::Updated),
            "removed" => Ok(Self::Removed),
            other => Err(StorageError::Corrupt(format!("queue change kind {other:?}"))),
        }
    }
}

/// One row of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueChange {
    /// Monotonic across organisations; the SSE event id.
    pub id: i64,
    pub org_id: OrgId,
    pub case_id: Uuid,
    pub kind: QueueChangeKind,
}

/// An organisation's changes after an id, as [`Db::queue_changes_after`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueChanges {
    /// In id order, at most the limit asked for.
    pub changes: Vec<QueueChange>,
    /// False when the reader must re-read the whole queue instead: more changes than
    /// the limit, or some after the id were already pruned.
    pub complete: bool,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: i64,
    org_id: Uuid,
    case_id: Uuid,
    kind: String,
}

impl TryFrom<ChangeRow> for QueueChange {
    type Error = StorageError;
    fn try_from(r: ChangeRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            org_id: OrgId::from_uuid(r.org_id),
            case_id: r.case_id,
            kind: QueueChangeKind::parse(&r.kind)?,
        })
    }
}

/// Called after a commit that wrote change rows (the feed of this process wakes up).
pub type QueueHook = Arc<dyn Fn() + Send + Sync>;

/// The hooks [`Db::on_queue_change`] registered, shared by every clone of a [`Db`].
#[derive(Clone, Default)]
pub(crate) struct Hooks(Arc<RwLock<Vec<QueueHook>>>);

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}

/// What woke a [`QueueListener`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueWake {
    /// The organisation has changes up to this id (committed).
    Changed { org_id: OrgId, id: i64 },
    /// The listener lost its connection and has a new one: notifications may have
    /// been missed, so read the table.
    Resync,
}

/// A node's subscription to the database's change notifications (PostgreSQL
/// `LISTEN`). Opaque: the caller only waits on [`QueueListener::recv`].
pub struct QueueListener(sqlx::postgres::PgListener);

impl std::fmt::Debug for QueueListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueueListener")
    }
}

impl QueueListener {
    /// The next notification.
    ///
    /// # Errors
    /// The connection was lost and could not be made again (call again later).
    pub async fn recv(&mut self) -> Result<QueueWake> {
        match self.0.try_recv().await? {
            None => Ok(QueueWake::Resync),
            Some(n) => {
                let mut parts = n.payload().split(' ');
                let org = parts.next().and_then(|o| Uuid::parse_str(o).ok());
                let id = parts.next().and_then(|i| i.parse::<i64>().ok());
                match (org, id) {
                    (Some(org), Some(id)) => Ok(QueueWake::Changed { org_id: OrgId::from_uuid(org), id }),
                    _ => Ok(QueueWake::Resync),
                }
            }
        }
    }
}

/// Insert the change rows `$changes` (an iterator of `(OrgId, Uuid, QueueChangeKind)`)
/// inside an open transaction `$tx`, in one statement. Call it after the
/// transaction's audit entry (see the module's documentation), and call
/// `Db::queue_changed` after the commit.
macro_rules! queue_changes_in_tx {
    ($tx:expr, $changes:expr, $now:expr) => {{
        let changes: Vec<(sightline_domain::ids::OrgId, uuid::Uuid, $crate::QueueChangeKind)> =
            $changes.into_iter().collect();
        let at = $crate::to_micros($now);
        for chunk in changes.chunks(1000) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO queue_changes (org_id, case_id, kind, at) ");
            q.push_values(chunk, |mut b, (org, case, kind)| {
                b.push_bind(org.as_uuid()).push_bind(*case).push_bind(kind.as_str()).push_bind(at);
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}

const COLUMNS: &str = "SELECT id, org_id, case_id, kind FROM queue_changes";

impl Db {
    /// Call `hook` after every commit of this process that wrote change rows.
    pub fn on_queue_change(&self, hook: QueueHook) {
        if let Ok(mut hooks) = self.1.0.write() {
            hooks.push(hook);
        }
    }

    /// Wake this process's feeds (after a commit that wrote change rows).
    pub(crate) fn queue_changed(&self) {
        if let Ok(hooks) = self.1.0.read() {
            for hook in hooks.iter() {
                hook();
            }
        }
    }

    /// Listen for the database's change notifications, where the engine sends them
    /// (PostgreSQL); `None` on SQLite, whose only writer is this process (its
    /// commits call the [`Db::on_queue_change`] hooks).
    ///
    /// # Errors
    /// The database refused the connection or the `LISTEN`.
    pub async fn queue_listener(&self) -> Result<Option<QueueListener>> {
        match &self.0 {
            Inner::Sqlite(_) => Ok(None),
            Inner::Pg(p) => {
                let mut l = sqlx::postgres::PgListener::connect_with(p).await?;
                l.listen(CHANNEL).await?;
                Ok(Some(QueueListener(l)))
            }
        }
    }

    /// Every organisation's changes after `after`, at most `limit`, in id order: the
    /// read of a node's feed, which hands each organisation's changes to that
    /// organisation's subscribers only (with the prune, the one reader of this table
    /// that is not given an organisation).
    ///
    /// # Errors
    /// The database failed.
    pub async fn queue_changes_since(&self, after: i64, limit: i64) -> Result<Vec<QueueChange>> {
        let rows: Vec<ChangeRow> = fetch!(
            self,
            query_as.fetch_all,
            &format!("{COLUMNS} WHERE id > $1 ORDER BY id LIMIT $2"),
            after,
            limit.max(1)
        );
        rows.into_iter().map(QueueChange::try_from).collect()
    }

    /// The organisation's changes after `after`, at most `limit`, in id order; not
    /// [`QueueChanges::complete`] when there are more or some were already pruned.
    ///
    /// # Errors
    /// The database failed.
    pub async fn queue_changes_after(&self, org: OrgId, after: i64, limit: i64) -> Result<QueueChanges> {
        let limit = limit.max(1);
        let (rows, oldest): (Vec<ChangeRow>, Option<i64>) = db_run!(self, |p| {
            let rows = sqlx::query_as(&format!("{COLUMNS} WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3"))
                .bind(org.as_uuid())
                .bind(after)
                .bind(limit + 1)
                .fetch_all(p)
                .await?;
            // Ids are global: when the oldest row left is above `after + 1`, rows after
            // `after` may have been pruned (the number alone is read, no organisation's data).
            let oldest = sqlx::query_scalar("SELECT MIN(id) FROM queue_changes").fetch_one(p).await?;
            (rows, oldest)
        });
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
        let pruned = oldest.is_none_or(|o| o > after.saturating_add(1));
        let mut changes = rows.into_iter().map(QueueChange::try_from).collect::<Result<Vec<_>>>()?;
        changes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(QueueChanges { changes, complete: !more && !pruned })
    }

    /// The organisation's latest change id (0 when it has none in the table).
    ///
    /// # Errors
    /// The database failed.
    pub async fn latest_queue_change(&self, org: OrgId) -> Result<i64> {
        let id: Option<i64> =
            fetch!(self, query_scalar.fetch_one, "SELECT MAX(id) FROM queue_changes WHERE org_id = $1", org.as_uuid());
        Ok(id.unwrap_or(0))
    }

    /// The latest change id of any organisation (where a node's feed starts).
    ///
    /// # Errors
    /// The database failed.
    pub async fn latest_queue_change_any(&self) -> Result<i64> {
        let id: Option<i64> = fetch!(self, query_scalar.fetch_one, "SELECT MAX(id) FROM queue_changes");
        Ok(id.unwrap_or(0))
    }

    /// Delete up to `batch` change rows written before `before`, oldest first; the
    /// number deleted.
    ///
    /// # Errors
    /// The database failed.
    pub async fn prune_queue_changes(&self, before: OffsetDateTime, batch: i64) -> Result<u64> {
        Ok(exec!(
            self,
            "DELETE FROM queue_changes WHERE id IN (SELECT id FROM queue_changes WHERE at < $1 ORDER BY id LIMIT $2)",
            to_micros(before),
            batch.max(1)
        ))
    }
}
