//! The audit trail: append (hash-chained), read, verify.

use sightline_domain::audit::{AuditEntry, ChainVerifier, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, from_micros};

/// An `audit_log` row.
#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: i64,
    org_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    action: String,
    target_kind: Option<String>,
    target_id: Option<String>,
    detail: String,
    ip: Option<String>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
    redacted_at: Option<i64>,
}

/// The chain's tip.
#[derive(sqlx::FromRow)]
pub(crate) struct Head {
    pub seq: i64,
    pub last_hash: Vec<u8>,
}

const SELECT: &str = "SELECT seq, at, org_id, actor_id, action, target_kind, target_id, detail, ip, prev_hash, hash, redacted_at \
     FROM audit_log";

fn to_entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        seq: r.seq,
        at: from_micros(r.at),
        org_id: r.org_id.map(OrgId::from_uuid),
        actor: r.actor_id.map(UserId::from_uuid),
        action: r.action,
        target_kind: r.target_kind,
        target_id: r.target_id,
        detail: r.detail,
        ip: r.ip,
        prev_hash: r.prev_hash,
        hash: r.hash,
        redacted_at: r.redacted_at.map(from_micros),
    }
}

/// One page of audit entries, newest first.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
}

impl Db {
    /// Append one entry in its own transaction. Returns its sequence number.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn append_audit(&self, entry: &NewAuditEntry, now: OffsetDateTime) -> Result<i64> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let seq = audit_in_tx!(tx, entry, now);
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// Entries with `seq > after`, oldest first, at most `limit`.
    ///
    /// # Errors
    /// The database failed.
    pub async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let sql = format!("{SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<AuditRow> = fetch!(self, query_as.fetch_all, &sql, after, limit);
        Ok(rows.into_iter().map(to_entry).collect())
    }

    /// The newest entries about one organisation (for its admins), newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn audit_for_org(&self, org: OrgId, limit: i64) -> Result<AuditPage> {
        let sql = format!("{SELECT} WHERE org_id = $1 ORDER BY seq DESC LIMIT $2");
        let rows: Vec<AuditRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), limit);
        Ok(AuditPage { entries: rows.into_iter().map(to_entry).collect() })
    }

    /// Walk the whole chain in order. Returns how many entries verified. A redacted
    /// entry verifies by its links alone, and only under a later `audit.redacted`
    /// record of its organisation (`ChainVerifier`).
    ///
    /// # Errors
    /// [`crate::StorageError::AuditChain`] naming the first broken entry, or a
    /// database error.
    pub async fn verify_audit_chain(&self) -> Result<u64> {
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = self.audit_after(after, 1_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for entry in &batch {
                verifier.push(entry)?;
            }
        }
        let tip: Head = fetch!(self, query_as.fetch_one, "SELECT seq, last_hash FROM audit_head WHERE id = 1");
        if tip.seq != after || tip.last_hash != verifier.last_hash() {
            return Err(sightline_domain::audit::ChainError::BrokenLink { seq: after + 1 }.into());
        }
        Ok(verifier.finish()?)
    }
}
