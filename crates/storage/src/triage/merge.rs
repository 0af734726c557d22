//! Reports of one event: suggestions, merging into one case, dismissing a suggestion.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::triage::CaseEventKind;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CASE_COLUMNS, CaseRecord, CaseRow, Event};
use crate::{Db, Result, StorageError};

impl Db {
    /// Other open reports that may be the same event: same flight and date, not merged,
    /// not dismissed for this case. Nearest seats first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn merge_suggestions(&self, org: OrgId, id: Uuid) -> Result<Vec<CaseRecord>> {
        let case = self.case(org, id).await?;
        // The rows themselves in one query (not ids, then one query per suggestion): a
        // flight with many reports has 20 suggestions, and 20 round trips were most of
        // the case view's time on PostgreSQL (BENCHMARKS.md, "A million reports").
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM reports r WHERE r.org_id = $1 AND r.flight = $2 AND r.flight_date = $3 \
             AND r.id <> $4 AND (r.flight <> '' OR r.origin = $5) \
             AND r.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM merge_dismissals d \
             WHERE (d.report_a = $4 AND d.report_b = r.id) OR (d.report_a = r.id AND d.report_b = $4)) \
             ORDER BY r.received_at LIMIT 20"
        );
        let rows: Vec<CaseRow> = db_run!(self, |p| {
            sqlx::query_as(&sql)
                .bind(org.as_uuid())
                .bind(&case.flight)
                .bind(&case.flight_date)
                .bind(id)
                .bind(&case.origin)
                .fetch_all(p)
                .await?
        });
        let mut out = rows.into_iter().map(CaseRecord::try_from).collect::<Result<Vec<_>>>()?;
        let row_of = |seats: &str| -> Option<u32> {
            seats
                .split_whitespace()
                .next()
                .and_then(|s| s.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok())
        };
        let mine = row_of(&case.seats);
        out.sort_by_key(|c| match (mine, row_of(&c.seats)) {
            (Some(a), Some(b)) => a.abs_diff(b),
            _ => u32::MAX,
        });
        Ok(out)
    }

    /// Merge report `other` into case `into` (both of this organisation). The merged
    /// report keeps its content and leaves the queue; audited on the case.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for another organisation's report;
    /// [`StorageError::Conflict`] if either is already merged elsewhere.
    pub async fn merge_reports(
        &self,
        org: OrgId,
        into: Uuid,
        other: Uuid,
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.case(org, into).await?;
        let o = self.case(org, other).await?;
        if into == other {
            return Err(StorageError::Conflict { field: "merge" });
        }
        let audit = NewAuditEntry::new(AuditAction::CaseMerged)
            .org(org)
            .actor(actor)
            .target("report", into)
            .detail(o.reference.clone());
        // Recorded as a note event (the events table's kinds are fixed by migration 0004).
        let merged = format!("merged {}", o.reference);
        let event = Event { reason: Some(&merged), ..Event::of(CaseEventKind::Note) };
        let changes = [(org, into, crate::QueueChangeKind::Updated), (org, other, crate::QueueChangeKind::Removed)];
        audited_tx!(self, &audit, now, queue = changes, |tx| {
            one_row_or!(tx, StorageError::Conflict { field: "merge" }, sqlx::query(
                "UPDATE reports SET merged_into = $1, version = version + 1 WHERE org_id = $2 AND id = $3 AND merged_into IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM reports t WHERE t.id = $1 AND t.merged_into IS NOT NULL)",
            )
            .bind(into)
            .bind(org.as_uuid())
            .bind(other)
            );
            exec_in_tx!(
                tx,
                "UPDATE reports SET merged_into = $1 WHERE org_id = $2 AND merged_into = $3",
                into,
                org.as_uuid(),
                other
            );
            event_in_tx!(tx, org, into, actor, now, &event);
        });
        Ok(())
    }

    /// Reports merged into this case.
    ///
    /// # Errors
    /// The database failed.
    pub async fn merged_reports(&self, org: OrgId, into: Uuid) -> Result<Vec<CaseRecord>> {
        let sql =
            format!("SELECT {CASE_COLUMNS} FROM reports WHERE org_id = $1 AND merged_into = $2 ORDER BY received_at");
        let rows: Vec<CaseRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), into);
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    /// Record that two reports are not the same event.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for another organisation's report.
    pub async fn dismiss_merge(&self, org: OrgId, a: Uuid, b: Uuid) -> Result<()> {
        self.case(org, a).await?;
        self.case(org, b).await?;
        exec!(
            self,
            "INSERT INTO merge_dismissals (org_id, report_a, report_b) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            org.as_uuid(),
            a,
            b
        );
        Ok(())
    }
}
