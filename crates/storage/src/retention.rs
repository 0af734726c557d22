//! Retention (issue 15, item 1): each organisation's retention policy, legal holds,
//! the cases due to be purged, the purge itself (a batch per transaction, each case
//! audited) and the lease that lets one purge run at a time across nodes.
//!
//! The due rule is [`RetentionPolicy::days_for`] written in SQL ([`DUE`]): a closed
//! case, not purged, not under hold, whose organisation has a period for its outcome
//! (a public tip's own period when set), is due that many days after closing.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::retention::RetentionPolicy;
use sightline_domain::triage::Outcome;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// The lease the purge takes (`job_leases.name`).
pub const PURGE_LEASE: &str = "retention purge";

/// The cases due at `$1` (periods in days times 86 400 000 000 µs), after the key (`$2` due time, `$3` id), at most `$4`, in
/// due order. Mirrors [`RetentionPolicy::days_for`].
const DUE: &str = "SELECT id, org_id, outcome, public_tip, closed_at, due_at FROM (\
     SELECT r.id, r.org_id, r.outcome, r.public_tip, r.closed_at, r.closed_at + 86400000000 * (CASE \
     WHEN r.public_tip AND p.tips_days IS NOT NULL THEN p.tips_days ELSE CASE r.outcome \
     WHEN 'met_on_arrival' THEN p.met_on_arrival_days WHEN 'referred_to_ngo' THEN p.referred_to_ngo_days \
     WHEN 'no_action_innocent' THEN p.no_action_innocent_days \
     WHEN 'insufficient_information' THEN p.insufficient_information_days ELSE p.other_days END END) AS due_at \
     FROM reports r JOIN org_retention p ON p.org_id = r.org_id \
     WHERE r.status = 'closed' AND r.purged_at IS NULL AND r.hold_at IS NULL AND r.closed_at IS NOT NULL) d \
     WHERE d.due_at <= $1 AND (d.due_at > $2 OR (d.due_at = $2 AND d.id > $3)) ORDER BY d.due_at, d.id LIMIT $4";

/// A closed case the retention policy says is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePurge {
    pub id: Uuid,
    pub org: OrgId,
    pub outcome: Option<Outcome>,
    pub public_tip: bool,
    pub closed_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    org_id: Uuid,
    outcome: Option<String>,
    public_tip: bool,
    closed_at: i64,
    due_at: i64,
}

impl TryFrom<DueRow> for DuePurge {
    type Error = StorageError;
    fn try_from(r: DueRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            org: OrgId::from_uuid(r.org_id),
            outcome: r.outcome.as_deref().map(|o| stored("outcome", o)).transpose()?,
            public_tip: r.public_tip,
            closed_at: from_micros(r.closed_at),
            due_at: from_micros(r.due_at),
        })
    }
}

/// What one purge did: the cases tombstoned, in order, and how many batches it took;
/// the people whose training records went, the certificates made tombstones and the
/// audit entries redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeRun {
    pub purged: Vec<DuePurge>,
    pub batches: usize,
    pub training: usize,
    pub certificates: usize,
    pub audit: usize,
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    met_on_arrival_days: Option<i64>,
    referred_to_ngo_days: Option<i64>,
    no_action_innocent_days: Option<i64>,
    insufficient_information_days: Option<i64>,
    other_days: Option<i64>,
    tips_days: Option<i64>,
    training_days: Option<i64>,
    certificates_days: Option<i64>,
    audit_days: Option<i64>,
}

/// A stored period back as days (a value no form could store is corrupt).
fn days(n: Option<i64>) -> Result<Option<u32>> {
    n.map(|d| u32::try_from(d).map_err(|_| StorageError::corrupt("retention days", &d.to_string()))).transpose()
}

impl Db {
    /// The organisation's retention policy (keep everything when none was set).
    ///
    /// # Errors
    /// The database failed; a stored period is corrupt.
    pub async fn retention_policy(&self, org: OrgId) -> Result<RetentionPolicy> {
        let row: Option<PolicyRow> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT met_on_arrival_days, referred_to_ngo_days, no_action_innocent_days, \
             insufficient_information_days, other_days, tips_days, training_days, certificates_days, audit_days \
             FROM org_retention WHERE org_id = $1",
            org.as_uuid()
        );
        let Some(r) = row else { return Ok(RetentionPolicy::default()) };
        Ok(RetentionPolicy {
            met_on_arrival: days(r.met_on_arrival_days)?,
            referred_to_ngo: days(r.referred_to_ngo_days)?,
            no_action_innocent: days(r.no_action_innocent_days)?,
            insufficient_information: days(r.insufficient_information_days)?,
            other: days(r.other_days)?,
            tips: days(r.tips_days)?,
            training: days(r.training_days)?,
            certificates: days(r.certificates_days)?,
            audit: days(r.audit_days)?,
        })
    }

    /// Set the organisation's retention policy, with its audit entry.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn set_retention_policy(
        &self,
        org: OrgId,
        policy: &RetentionPolicy,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let d = |v: Option<u32>| v.map(i64::from);
        audited_exec!(
            self,
            audit,
            now,
            "INSERT INTO org_retention (org_id, met_on_arrival_days, referred_to_ngo_days, no_action_innocent_days, \
             insufficient_information_days, other_days, tips_days, updated_at, training_days, certificates_days, \
             audit_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (org_id) DO UPDATE SET \
             met_on_arrival_days = $2, referred_to_ngo_days = $3, no_action_innocent_days = $4, \
             insufficient_information_days = $5, other_days = $6, tips_days = $7, updated_at = $8, \
             training_days = $9, certificates_days = $10, audit_days = $11",
            org.as_uuid(),
            d(policy.met_on_arrival),
            d(policy.referred_to_ngo),
            d(policy.no_action_innocent),
            d(policy.insufficient_information),
            d(policy.other),
            d(policy.tips),
            to_micros(now),
            d(policy.training),
            d(policy.certificates),
            d(policy.audit)
        );
        Ok(())
    }

    /// Place (or restate) a legal hold on the organisation's case `id` — `Some((reason,
    /// by))` — or lift it (`None`), with its audit entry. A hold placed while a purge
    /// runs wins: the purge re-checks each case.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] when the organisation has no such case (to lift: no
    /// such case under hold); the database failed.
    pub async fn set_legal_hold(
        &self,
        org: OrgId,
        id: Uuid,
        hold: Option<(&str, UserId)>,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let (reason, by) = hold.map_or((None, None), |(r, b)| (Some(r), Some(b.as_uuid())));
        audited_one_row!(
            self,
            audit,
            now,
            "UPDATE reports SET hold_reason = $3, hold_by = $4, hold_at = $5 \
             WHERE org_id = $1 AND id = $2 AND ($5 IS NOT NULL OR hold_at IS NOT NULL)",
            org.as_uuid(),
            id,
            reason,
            by,
            hold.map(|_| to_micros(now)),
        );
        Ok(())
    }

    /// Up to `limit` cases due at `now`, in due order, after `after` (the last one of
    /// the previous page; `None` from the start). Changes nothing (`--dry-run`).
    ///
    /// # Errors
    /// The database failed.
    pub async fn due_purges(&self, now: OffsetDateTime, after: Option<&DuePurge>, limit: i64) -> Result<Vec<DuePurge>> {
        let (key, id) = after.map_or((i64::MIN, Uuid::nil()), |d| (to_micros(d.due_at), d.id));
        let rows: Vec<DueRow> = fetch!(self, query_as.fetch_all, DUE, to_micros(now), key, id, limit);
        rows.into_iter().map(DuePurge::try_from).collect()
    }

    /// Purge up to `limit` due cases in one transaction: each becomes a tombstone
    /// (sealed text, wrapped key, content hash, seats, place, flags and relay message
    /// emptied; the reporter link moved to the organisation's tip-line account; its
    /// notes' text, reasons and contact references removed; a tip's receipt and
    /// messages deleted) with one `case.purged` audit entry. A case placed under hold
    /// or already purged meanwhile is skipped. Returns the cases purged; fewer than
    /// `limit` (or none) when nothing more is due.
    ///
    /// # Errors
    /// The database failed; nothing of this batch was written.
    pub async fn purge_batch(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<DuePurge>> {
        let empty: Vec<u8> = Vec::new();
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            // Take the audit chain's lock first: concurrent purges queue here (and a
            // SQLite transaction writes before it reads, so it never has to upgrade).
            exec_in_tx!(tx, "UPDATE audit_head SET seq = seq WHERE id = 1");
            let rows: Vec<DueRow> = sqlx::query_as(DUE)
                .bind(to_micros(now))
                .bind(i64::MIN)
                .bind(Uuid::nil())
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            let mut purged = Vec::with_capacity(rows.len());
            for row in rows {
                let due = DuePurge::try_from(row)?;
                let line = tip_line_in_tx!(tx, due.org, now);
                let counts: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE reports SET sealed = $3, wrapped_key = $3, content_hash = $3, seats = '', place = '', \
                     flags = '', relay_message = '', client_created_at = NULL, reporter_id = $4, purged_at = $5, \
                     purged_notes = (SELECT COUNT(*) FROM case_events e \
                        WHERE e.org_id = $1 AND e.report_id = $2 AND e.sealed IS NOT NULL), \
                     purged_messages = (SELECT COUNT(*) FROM tip_messages m WHERE m.org_id = $1 AND m.report_id = $2) \
                     WHERE org_id = $1 AND id = $2 AND status = 'closed' AND purged_at IS NULL AND hold_at IS NULL \
                     RETURNING purged_notes, purged_messages",
                )
                .bind(due.org.as_uuid())
                .bind(due.id)
                .bind(&empty)
                .bind(line)
                .bind(to_micros(now))
                .fetch_optional(&mut *tx)
                .await?;
                let Some((notes, messages)) = counts else { continue };
                exec_in_tx!(
                    tx,
                    "UPDATE case_events SET sealed = NULL, wrapped_key = NULL, reason = NULL, contact_reference = NULL \
                     WHERE org_id = $1 AND report_id = $2",
                    due.org.as_uuid(),
                    due.id
                );
                for table in ["DELETE FROM tip_messages", "DELETE FROM tips"] {
                    exec_in_tx!(
                        tx,
                        &format!("{table} WHERE org_id = $1 AND report_id = $2"),
                        due.org.as_uuid(),
                        due.id
                    );
                }
                let outcome = due.outcome.map_or("none", Outcome::as_str);
                let audit =
                    NewAuditEntry::new(AuditAction::CasePurged).org(due.org).target("report", due.id).detail(format!(
                        "retention: {outcome}, closed {}, due {}; {notes} note text(s), {messages} message(s) removed",
                        due.closed_at.date(),
                        due.due_at.date()
                    ));
                audit_in_tx!(tx, &audit, now);
                purged.push(due);
            }
            tx.commit().await?;
            Ok(purged)
        })
    }

    /// Take the lease `name` for `holder` until `until`, if it is free (never taken,
    /// ended, or already `holder`'s). Returns whether `holder` holds it now.
    ///
    /// # Errors
    /// The database failed.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: Uuid,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool> {
        let got: Option<Uuid> = fetch!(
            self,
            query_scalar.fetch_optional,
            "INSERT INTO job_leases (name, holder, lease_until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = $2, lease_until = $3 \
             WHERE job_leases.lease_until <= $4 OR job_leases.holder = $2 RETURNING holder",
            name,
            holder,
            to_micros(until),
            to_micros(now)
        );
        Ok(got == Some(holder))
    }

    /// Give the lease `name` back, if `holder` holds it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn release_lease(&self, name: &str, holder: Uuid) -> Result<()> {
        exec!(self, "UPDATE job_leases SET lease_until = 0 WHERE name = $1 AND holder = $2", name, holder);
        Ok(())
    }

    /// How many cases are tombstones (the purge's metric).
    ///
    /// # Errors
    /// The database failed.
    pub async fn purged_cases(&self) -> Result<i64> {
        Ok(fetch!(self, query_scalar.fetch_one, "SELECT COUNT(*) FROM reports WHERE purged_at IS NOT NULL"))
    }
}
