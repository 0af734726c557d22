//! The desk's queue, one case, and its events.

use sightline_domain::ids::OrgId;
use sightline_domain::triage::CaseStatus;
use uuid::Uuid;

use super::{CASE_COLUMNS, CaseEvent, CaseRecord, CaseRow, EventRow, QueueFilter};
use crate::{Db, Result, StorageError};

impl Db {
    /// The desk's queue for one organisation: immediate danger first, then the time
    /// to scheduled landing (soonest, and overdue, first; unknown last), then age.
    ///
    /// # Errors
    /// The database failed.
    pub async fn queue(&self, org: OrgId, f: &QueueFilter, limit: i64) -> Result<Vec<CaseRecord>> {
        // Pick and order the ids from the covering index first; then read those rows.
        let mut sql = "SELECT id FROM reports WHERE org_id = $1".to_owned();
        let mut binds: Vec<String> = Vec::new();
        let mut push = |col: &str, v: &str, sql: &mut String| {
            binds.push(v.to_owned());
            sql.push_str(&format!(" AND {col} = ${}", binds.len() + 1));
        };
        if let Some(s) = f.status {
            push("status", s.as_str(), &mut sql);
        }
        if !f.include_merged {
            sql.push_str(" AND merged_into IS NULL");
        }
        if !f.include_closed && f.status != Some(CaseStatus::Closed) {
            // Spelled exactly as the partial index's condition, so it is used.
            sql.push_str(" AND status <> 'closed'");
        }
        if let Some(v) = f.flight.as_deref().filter(|v| !v.is_empty()) {
            push("flight", v, &mut sql);
        }
        if let Some(v) = f.date.as_deref().filter(|v| !v.is_empty()) {
            push("flight_date", v, &mut sql);
        }
        if let Some(v) = f.destination.as_deref().filter(|v| !v.is_empty()) {
            push("destination", v, &mut sql);
        }
        sql.push_str(&format!(
            " ORDER BY immediate_danger DESC, arrival_key, received_at, id LIMIT ${}",
            binds.len() + 2
        ));
        let ids: Vec<Uuid> = db_run!(self, |p| {
            let mut q = sqlx::query_scalar(&sql).bind(org.as_uuid());
            for b in &binds {
                q = q.bind(b);
            }
            q.bind(limit).fetch_all(p).await?
        });
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // By primary key only: the ids were just chosen within this organisation (and a
        // filter on org_id here would tempt the planner into scanning the org's rows).
        let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 1)).collect();
        let fetch = format!("SELECT {CASE_COLUMNS} FROM reports WHERE id IN ({})", placeholders.join(", "));
        let rows: Vec<CaseRow> = db_run!(self, |p| {
            let mut q = sqlx::query_as(&fetch);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await?
        });
        let mut cases = rows.into_iter().map(CaseRecord::try_from).collect::<Result<Vec<_>>>()?;
        let order: std::collections::HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        cases.sort_by_key(|c| order.get(&c.id).copied().unwrap_or(usize::MAX));
        Ok(cases)
    }

    /// One case of the organisation.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's;
    /// [`StorageError::Corrupt`] if a stored value does not read back.
    pub async fn case(&self, org: OrgId, id: Uuid) -> Result<CaseRecord> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM reports WHERE org_id = $1 AND id = $2");
        let row: Option<CaseRow> = fetch!(self, query_as.fetch_optional, &sql, org.as_uuid(), id);
        row.ok_or(StorageError::NotFound)?.try_into()
    }

    /// The case's events, oldest first.
    ///
    /// # Errors
    /// The database failed; [`StorageError::Corrupt`] if a stored value does not read back.
    pub async fn case_events(&self, org: OrgId, id: Uuid) -> Result<Vec<CaseEvent>> {
        let rows: Vec<EventRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, at, actor_id, kind, from_status, to_status, reason, sealed, wrapped_key, contact_org, \
             contact_kind, contact_method, contact_reference FROM case_events WHERE org_id = $1 AND report_id = $2 \
             ORDER BY at, id",
            org.as_uuid(),
            id
        );
        rows.into_iter().map(CaseEvent::try_from).collect()
    }
}
