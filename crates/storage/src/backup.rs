//! What backup, restore and `verify` need from the database: an online copy of the
//! embedded SQLite file, whether a database already holds data, how much it holds,
//! and a sample of sealed report text to open with the key.
//!
//! PostgreSQL is backed up with its own tools (`pg_dump`, `pg_basebackup`; see
//! `docs/operations.md`); what is shared by both engines here is the check after a
//! restore.

use std::path::Path;

use sightline_domain::ids::OrgId;
use uuid::Uuid;

use crate::{Db, Inner, Result, StorageError};

/// How much a database holds (for the operator's eyes, and to refuse restoring over data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataCounts {
    pub organisations: i64,
    pub users: i64,
    pub reports: i64,
    pub audit_entries: i64,
}

impl DataCounts {
    /// Anything that would be lost by writing over it.
    #[must_use]
    pub const fn holds_data(&self) -> bool {
        self.organisations + self.users + self.reports + self.audit_entries > 0
    }
}

/// A report's sealed text with what its seal is bound to.
#[derive(Debug, Clone)]
pub struct SealedSample {
    pub org: OrgId,
    pub id: Uuid,
    pub body: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct SampleRow {
    org_id: Uuid,
    id: Uuid,
    sealed: Vec<u8>,
    wrapped_key: Vec<u8>,
}

impl Db {
    /// Write a consistent copy of the SQLite database to `path` while it is in use
    /// (`VACUUM INTO`: one read transaction, so every committed report up to its start
    /// is in the copy). The file must not exist yet.
    ///
    /// # Errors
    /// On PostgreSQL ([`StorageError::Unsupported`]: use `pg_dump`); `path` is not
    /// UTF-8 or exists; the database failed.
    pub async fn backup_into(&self, path: &Path) -> Result<()> {
        let Inner::Sqlite(pool) = &self.0 else {
            return Err(StorageError::Unsupported("a PostgreSQL database is backed up with pg_dump or pg_basebackup"));
        };
        let target = path.to_str().ok_or(StorageError::Unsupported("the backup path must be UTF-8"))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
        Ok(())
    }

    /// Move everything in the write-ahead log into the database file (SQLite; a no-op
    /// on PostgreSQL), so the file alone is the whole database.
    ///
    /// # Errors
    /// The database failed.
    pub async fn checkpoint(&self) -> Result<()> {
        if let Inner::Sqlite(pool) = &self.0 {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
        }
        Ok(())
    }

    /// How many organisations, people, reports and audit entries there are.
    ///
    /// # Errors
    /// The database failed.
    pub async fn data_counts(&self) -> Result<DataCounts> {
        const SQL: &str = "SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM users), \
                           (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM audit_log)";
        let (organisations, users, reports, audit_entries): (i64, i64, i64, i64) =
            fetch!(self, query_as.fetch_one, SQL);
        Ok(DataCounts { organisations, users, reports, audit_entries })
    }

    /// Up to `n` reports' sealed text, half the oldest and half the newest (the first
    /// and the last written under a key), to check a key opens them.
    ///
    /// # Errors
    /// The database failed.
    pub async fn sealed_sample(&self, n: i64) -> Result<Vec<SealedSample>> {
        let half = (n / 2).max(1);
        let mut rows: Vec<SampleRow> = Vec::new();
        for order in ["ASC", "DESC"] {
            let sql = format!(
                "SELECT org_id, id, sealed, wrapped_key FROM reports WHERE purged_at IS NULL ORDER BY id {order} LIMIT $1"
            );
            let batch: Vec<SampleRow> = fetch!(self, query_as.fetch_all, &sql, half);
            rows.extend(batch);
        }
        rows.sort_by_key(|r| r.id);
        rows.dedup_by_key(|r| r.id);
        Ok(rows
            .into_iter()
            .map(|r| SealedSample {
                org: OrgId::from_uuid(r.org_id),
                id: r.id,
                body: r.sealed,
                wrapped_key: r.wrapped_key,
            })
            .collect())
    }
}
