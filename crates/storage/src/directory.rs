//! The routing directory: platform-wide (not an organisation's data), seeded from
//! `content/directory.toml`, kept current by platform administrators. Every version
//! of every entry stays in `directory_history` (append-only) with who and when, and
//! each change is also an audit entry in the acting administrator's organisation.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::directory::{DirectoryChangeKind, DirectoryEntry, DirectoryEntryV1};
use sightline_domain::ids::{DirectoryEntryId, OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// A directory entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub id: DirectoryEntryId,
    pub version: i64,
    pub entry: DirectoryEntry,
    /// It came from the content file.
    pub seeded: bool,
    pub updated_at: OffsetDateTime,
    /// The name of whoever changed it last (none for the content file).
    pub updated_by: Option<String>,
    pub removed_at: Option<OffsetDateTime>,
}

impl AsRef<DirectoryEntry> for StoredEntry {
    fn as_ref(&self) -> &DirectoryEntry {
        &self.entry
    }
}

/// One version of an entry in the change history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryChange {
    pub entry_id: DirectoryEntryId,
    pub version: i64,
    pub change: DirectoryChangeKind,
    /// The entry as it was after the change.
    pub entry: DirectoryEntry,
    pub reason: Option<String>,
    pub actor: Option<String>,
    pub at: OffsetDateTime,
}

/// A `directory_entries` row with the name of whoever changed it last.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Uuid,
    version: i64,
    body: String,
    body_schema: i64,
    seed_key: Option<String>,
    updated_at: i64,
    updated_by: Option<String>,
    removed_at: Option<i64>,
}

/// A `directory_history` row with the name of whoever made the change.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    entry_id: Uuid,
    version: i64,
    change: String,
    body: String,
    body_schema: i64,
    reason: Option<String>,
    actor: Option<String>,
    at: i64,
}

const ENTRY_COLUMNS: &str = "SELECT e.id, e.version, e.body, e.body_schema, e.seed_key, e.updated_at, u.name AS updated_by, \
     e.removed_at FROM directory_entries e LEFT JOIN users u ON u.id = e.updated_by";
const CHANGE_COLUMNS: &str = "SELECT h.entry_id, h.version, h.change, h.body, h.body_schema, h.reason, u.name AS actor, h.at \
     FROM directory_history h LEFT JOIN users u ON u.id = h.actor_id";

fn body(e: &DirectoryEntry) -> Result<String> {
    serde_json::to_string(e).map_err(|e| StorageError::Corrupt(format!("directory entry: {e}")))
}

/// Why a seeded entry that nobody changed was replaced, or taken out, by the content file.
const CORRECTED: &str = "corrected in the content file (E.164 numbers, hours, sources)";
const WITHDRAWN: &str = "no longer in the content file: its source was a copy or could not be confirmed";

/// Why a seeded entry that nobody changed was replaced by the content file's, which
/// says whether the public may call it (migration 0019).
const PUBLIC_FLAG: &str = "the content file says whether the public help pages show it";

// The bodies this code writes are shape 3 (`body_schema = 3` in the SQL below; see
// migrations 0018 and 0019): 1 = the first shape, 2 = directory v2, 3 = with `public`.

fn parse_body(s: &str, schema: i64) -> Result<DirectoryEntry> {
    let corrupt = |e: serde_json::Error| StorageError::Corrupt(format!("directory entry: {e}"));
    // Shape 3 only added `public`, which shape 2 reads as false.
    if schema >= 2 {
        serde_json::from_str(s).map_err(corrupt)
    } else {
        serde_json::from_str::<DirectoryEntryV1>(s).map(DirectoryEntryV1::upgrade).map_err(corrupt)
    }
}

fn entry_of(r: EntryRow) -> Result<StoredEntry> {
    Ok(StoredEntry {
        id: DirectoryEntryId::from_uuid(r.id),
        version: r.version,
        entry: parse_body(&r.body, r.body_schema)?,
        seeded: r.seed_key.is_some(),
        updated_at: from_micros(r.updated_at),
        updated_by: r.updated_by,
        removed_at: r.removed_at.map(from_micros),
    })
}

fn change_of(r: ChangeRow) -> Result<DirectoryChange> {
    Ok(DirectoryChange {
        entry_id: DirectoryEntryId::from_uuid(r.entry_id),
        version: r.version,
        change: stored("directory change", &r.change)?,
        entry: parse_body(&r.body, r.body_schema)?,
        reason: r.reason,
        actor: r.actor,
        at: from_micros(r.at),
    })
}

/// Sort for reading: by country, then country-wide before airports, then kind and name.
fn sorted(mut v: Vec<StoredEntry>) -> Vec<StoredEntry> {
    v.sort_by(|a, b| {
        let key = |s: &StoredEntry| {
            (s.entry.country.clone(), s.entry.airport.clone(), s.entry.kind.as_str(), s.entry.organisation.clone())
        };
        key(a).cmp(&key(b))
    });
    v
}

/// Append a version to the history inside an open transaction.
macro_rules! history_in_tx {
    ($tx:expr, $id:expr, $version:expr, $change:expr, $body:expr, $reason:expr, $actor:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO directory_history (id, entry_id, version, change, body, reason, actor_id, at, body_schema) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 3)",
        )
        .bind(Uuid::now_v7())
        .bind($id)
        .bind($version)
        .bind(DirectoryChangeKind::as_str($change))
        .bind($body)
        .bind($reason)
        .bind($actor)
        .bind(to_micros($now))
        .execute(&mut *$tx)
        .await?
    };
}

impl Db {
    /// Add the content file's entries that the database has never held (by
    /// [`DirectoryEntry::seed_key`]); entries edited or removed by an administrator
    /// stay as they are. Seeded entries from before migration 0019 that nobody changed
    /// are replaced by the file's entry of the same key (with a history row when it
    /// says something new); those from before migration 0018 are removed when the file
    /// no longer has one. Returns how many were added.
    ///
    /// # Errors
    /// The database failed; nothing was added.
    pub async fn seed_directory(&self, entries: &[DirectoryEntry], now: OffsetDateTime) -> Result<usize> {
        let mut rows = Vec::with_capacity(entries.len());
        for e in entries {
            rows.push((Uuid::now_v7(), e.seed_key(), body(e)?, e));
        }
        let added = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let mut added = 0usize;
            // Seeded entries written before migration 0018 that no administrator changed:
            // replace them by the corrected file's entry of the same key, or take them out.
            let legacy: Vec<(Uuid, i64, String, String, i64)> = sqlx::query_as(
                "SELECT id, version, seed_key, body, body_schema FROM directory_entries WHERE seed_key IS NOT NULL \
                 AND body_schema < 3 AND updated_by IS NULL AND removed_at IS NULL",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut changed = 0usize;
            for (id, version, key, old_body, schema) in &legacy {
                let next = version + 1;
                if let Some((_, _, text, e)) = rows.iter().find(|r| &r.1 == key) {
                    if parse_body(old_body, *schema).is_ok_and(|old| old == **e) {
                        // Nothing new to say: only the shape is recorded.
                        exec_in_tx!(
                            tx,
                            "UPDATE directory_entries SET body = $1, body_schema = 3, public = $2 WHERE id = $3",
                            text,
                            e.public,
                            id
                        );
                        continue;
                    }
                    exec_in_tx!(
                        tx,
                        "UPDATE directory_entries SET country = $1, airport = $2, body = $3, body_schema = 3, \
                         version = $4, updated_at = $5, public = $6 WHERE id = $7",
                        &e.country,
                        e.airport.as_deref(),
                        text,
                        next,
                        to_micros(now),
                        e.public,
                        id
                    );
                    let why = Some(if *schema < 2 { CORRECTED } else { PUBLIC_FLAG });
                    history_in_tx!(tx, id, next, DirectoryChangeKind::Updated, text, why, None::<Uuid>, now);
                    changed += 1;
                } else if *schema < 2 {
                    exec_in_tx!(
                        tx,
                        "UPDATE directory_entries SET version = $1, updated_at = $2, removed_at = $2 WHERE id = $3",
                        next,
                        to_micros(now),
                        id
                    );
                    let current: (String, i64) =
                        sqlx::query_as("SELECT body, body_schema FROM directory_entries WHERE id = $1")
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    let text = body(&parse_body(&current.0, current.1)?)?;
                    let why = Some(WITHDRAWN);
                    history_in_tx!(tx, id, next, DirectoryChangeKind::Removed, &text, why, None::<Uuid>, now);
                    changed += 1;
                }
            }
            if changed > 0 {
                let audit = NewAuditEntry::new(AuditAction::DirectorySeeded)
                    .detail(format!("{changed} entries from before the corrected content file replaced or removed"));
                audit_in_tx!(tx, &audit, now);
            }
            for (id, key, text, e) in &rows {
                let n = sqlx::query(
                    "INSERT INTO directory_entries (id, seed_key, country, airport, body, version, created_at, updated_at, \
                     body_schema, public) VALUES ($1, $2, $3, $4, $5, 1, $6, $6, 3, $7) ON CONFLICT (seed_key) DO NOTHING",
                )
                .bind(id)
                .bind(key)
                .bind(&e.country)
                .bind(e.airport.as_deref())
                .bind(text)
                .bind(to_micros(now))
                .bind(e.public)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 1 {
                    history_in_tx!(tx, id, 1i64, DirectoryChangeKind::Seeded, text, None::<&str>, None::<Uuid>, now);
                    added += 1;
                }
            }
            if added > 0 {
                let audit = NewAuditEntry::new(AuditAction::DirectorySeeded)
                    .detail(format!("{added} entries from the content file"));
                audit_in_tx!(tx, &audit, now);
            }
            tx.commit().await?;
            added
        });
        Ok(added)
    }

    /// Every entry in use, sorted by country.
    ///
    /// # Errors
    /// The database failed or holds an entry that does not parse.
    pub async fn directory(&self) -> Result<Vec<StoredEntry>> {
        let sql = format!("{ENTRY_COLUMNS} WHERE e.removed_at IS NULL");
        let rows: Vec<EntryRow> = fetch!(self, query_as.fetch_all, &sql);
        rows.into_iter().map(entry_of).collect::<Result<Vec<_>>>().map(sorted)
    }

    /// Entries taken out of use, most recently removed first.
    ///
    /// # Errors
    /// As [`Db::directory`].
    pub async fn removed_directory(&self) -> Result<Vec<StoredEntry>> {
        let sql = format!("{ENTRY_COLUMNS} WHERE e.removed_at IS NOT NULL ORDER BY e.removed_at DESC");
        let rows: Vec<EntryRow> = fetch!(self, query_as.fetch_all, &sql);
        rows.into_iter().map(entry_of).collect()
    }

    /// Entries in use for one country, together with the EU-wide ones (what
    /// [`sightline_domain::directory::route`] needs for a destination there).
    ///
    /// # Errors
    /// As [`Db::directory`].
    pub async fn directory_for(&self, country: &str) -> Result<Vec<StoredEntry>> {
        let sql = format!("{ENTRY_COLUMNS} WHERE e.removed_at IS NULL AND e.country IN ($1, 'EU', 'INT')");
        let rows: Vec<EntryRow> = fetch!(self, query_as.fetch_all, &sql, country);
        rows.into_iter().map(entry_of).collect::<Result<Vec<_>>>().map(sorted)
    }

    /// The entries in use that the public may call, for one country, with the EU-wide
    /// and international ones (what the help page of an airport there routes over).
    /// Only entries marked `public` — the column, and the body it mirrors.
    ///
    /// # Errors
    /// As [`Db::directory`].
    pub async fn public_directory_for(&self, country: &str) -> Result<Vec<StoredEntry>> {
        let sql = format!("{ENTRY_COLUMNS} WHERE e.removed_at IS NULL AND e.public AND e.country IN ($1, 'EU', 'INT')");
        let rows: Vec<EntryRow> = fetch!(self, query_as.fetch_all, &sql, country);
        let entries = rows.into_iter().map(entry_of).collect::<Result<Vec<_>>>()?;
        Ok(sorted(entries.into_iter().filter(|s| s.entry.public).collect()))
    }

    /// One entry, removed or not.
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn directory_entry(&self, id: DirectoryEntryId) -> Result<StoredEntry> {
        let sql = format!("{ENTRY_COLUMNS} WHERE e.id = $1");
        let row: EntryRow = fetch!(self, query_as.fetch_one, &sql, id.as_uuid());
        entry_of(row)
    }

    /// Add an entry (a platform administrator's act, audited in their organisation).
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn create_directory_entry(
        &self,
        entry: &DirectoryEntry,
        actor: (OrgId, UserId),
        now: OffsetDateTime,
    ) -> Result<DirectoryEntryId> {
        let id = DirectoryEntryId::new();
        let text = body(entry)?;
        let audit = NewAuditEntry::new(AuditAction::DirectoryChanged)
            .org(actor.0)
            .actor(actor.1)
            .target("directory_entry", id)
            .detail(format!("created: {} ({})", entry.organisation, entry.country));
        audited_tx!(self, &audit, now, |tx| {
            exec_in_tx!(
                tx,
                "INSERT INTO directory_entries (id, country, airport, body, version, created_at, updated_at, updated_by, \
                 body_schema, public) VALUES ($1, $2, $3, $4, 1, $5, $5, $6, 3, $7)",
                id.as_uuid(),
                &entry.country,
                entry.airport.as_deref(),
                &text,
                to_micros(now),
                actor.1.as_uuid(),
                entry.public
            );
            history_in_tx!(
                tx,
                id.as_uuid(),
                1i64,
                DirectoryChangeKind::Created,
                &text,
                None::<&str>,
                Some(actor.1.as_uuid()),
                now
            );
        });
        Ok(id)
    }

    /// Replace an entry if it is still at `version` and in use; returns the new version.
    /// Saving an unchanged entry writes nothing.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for an unknown or removed entry;
    /// [`StorageError::Conflict`] on `version` when someone else saved it meanwhile.
    pub async fn update_directory_entry(
        &self,
        id: DirectoryEntryId,
        version: i64,
        entry: &DirectoryEntry,
        actor: (OrgId, UserId),
        now: OffsetDateTime,
    ) -> Result<i64> {
        let current = self.directory_entry(id).await?;
        if current.removed_at.is_some() {
            return Err(StorageError::NotFound);
        }
        if current.version != version {
            return Err(StorageError::Conflict { field: "version" });
        }
        if current.entry == *entry {
            return Ok(version);
        }
        let text = body(entry)?;
        let audit = NewAuditEntry::new(AuditAction::DirectoryChanged)
            .org(actor.0)
            .actor(actor.1)
            .target("directory_entry", id)
            .detail(format!("updated to version {}: {} ({})", version + 1, entry.organisation, entry.country));
        audited_tx!(self, &audit, now, |tx| {
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE directory_entries SET country = $1, airport = $2, body = $3, version = version + 1, \
                 updated_at = $4, updated_by = $5, body_schema = 3, public = $8 WHERE id = $6 AND version = $7 \
                 AND removed_at IS NULL",
                )
                .bind(&entry.country)
                .bind(entry.airport.as_deref())
                .bind(&text)
                .bind(to_micros(now))
                .bind(actor.1.as_uuid())
                .bind(id.as_uuid())
                .bind(version)
                .bind(entry.public)
            );
            history_in_tx!(
                tx,
                id.as_uuid(),
                version + 1,
                DirectoryChangeKind::Updated,
                &text,
                None::<&str>,
                Some(actor.1.as_uuid()),
                now
            );
        });
        Ok(version + 1)
    }

    /// Take an entry out of use (`remove`), or put a removed one back, with the reason;
    /// it stays in the history either way.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for an unknown entry, or one already in the asked state;
    /// [`StorageError::Conflict`] on `version` when someone else changed it meanwhile.
    pub async fn set_directory_entry_removed(
        &self,
        id: DirectoryEntryId,
        version: i64,
        remove: bool,
        reason: &str,
        actor: (OrgId, UserId),
        now: OffsetDateTime,
    ) -> Result<()> {
        let current = self.directory_entry(id).await?;
        if current.removed_at.is_some() == remove {
            return Err(StorageError::NotFound);
        }
        let change = if remove { DirectoryChangeKind::Removed } else { DirectoryChangeKind::Restored };
        let text = body(&current.entry)?;
        let audit = NewAuditEntry::new(AuditAction::DirectoryChanged)
            .org(actor.0)
            .actor(actor.1)
            .target("directory_entry", id)
            .detail(format!("{change}: {} ({}): {reason}", current.entry.organisation, current.entry.country));
        audited_tx!(self, &audit, now, |tx| {
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE directory_entries SET version = version + 1, updated_at = $1, updated_by = $2, removed_at = $3 \
                     WHERE id = $4 AND version = $5 AND (removed_at IS NULL) = $6",
                )
                .bind(to_micros(now))
                .bind(actor.1.as_uuid())
                .bind(remove.then(|| to_micros(now)))
                .bind(id.as_uuid())
                .bind(version)
                .bind(remove)
            );
            history_in_tx!(tx, id.as_uuid(), version + 1, change, &text, Some(reason), Some(actor.1.as_uuid()), now);
        });
        Ok(())
    }

    /// Every version of one entry, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn directory_history(&self, id: DirectoryEntryId) -> Result<Vec<DirectoryChange>> {
        let sql = format!("{CHANGE_COLUMNS} WHERE h.entry_id = $1 ORDER BY h.version DESC");
        let rows: Vec<ChangeRow> = fetch!(self, query_as.fetch_all, &sql, id.as_uuid());
        rows.into_iter().map(change_of).collect()
    }

    /// The latest changes across the directory, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn directory_changes(&self, limit: i64) -> Result<Vec<DirectoryChange>> {
        let sql = format!("{CHANGE_COLUMNS} ORDER BY h.at DESC, h.id DESC LIMIT $1");
        let rows: Vec<ChangeRow> = fetch!(self, query_as.fetch_all, &sql, limit);
        rows.into_iter().map(change_of).collect()
    }
}
