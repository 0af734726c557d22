//! The security desk's side of reports: the queue, the case with its events, and
//! changes guarded by a version number so two analysts never overwrite each other.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::triage::{CaseStatus, EscalationLead, Transition};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StorageError, from_micros, to_micros};

/// Insert a case event inside an open transaction.
macro_rules! event_in_tx {
    ($tx:expr, $org:expr, $id:expr, $actor:expr, $now:expr, $e:expr) => {{
        let e: &Event<'_> = $e;
        sqlx::query(
            "INSERT INTO case_events (id, org_id, report_id, at, actor_id, kind, from_status, to_status, reason, \
             sealed, wrapped_key, contact_org, contact_kind, contact_method, contact_reference) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(Uuid::now_v7())
        .bind($org.as_uuid())
        .bind($id)
        .bind(to_micros($now))
        .bind($actor.as_uuid())
        .bind(e.kind)
        .bind(e.from)
        .bind(e.to)
        .bind(e.reason)
        .bind(e.sealed.map(|s| s.0.clone()))
        .bind(e.sealed.map(|s| s.1.clone()))
        .bind(e.contact.map(|c| c.organisation.clone()))
        .bind(e.contact.map(|c| c.kind.clone()))
        .bind(e.contact.map(|c| c.method.clone()))
        .bind(e.contact.map(|c| c.reference.clone()))
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Queue filters; empty means any.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<CaseStatus>,
    /// Include closed cases (the queue hides them by default).
    pub include_closed: bool,
    pub flight: Option<String>,
    pub date: Option<String>,
    pub destination: Option<String>,
    /// Include reports merged into other cases (compliance records count them).
    pub include_merged: bool,
}

/// A case as the desk sees it (without the sealed text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: Uuid,
    pub reference: String,
    pub reporter_id: UserId,
    pub received_at: OffsetDateTime,
    pub status: String,
    pub version: i64,
    pub assigned_to: Option<UserId>,
    pub reporter_role: String,
    pub phase: String,
    pub flight: String,
    pub flight_date: String,
    pub origin: String,
    pub destination: String,
    pub scheduled_arrival: Option<OffsetDateTime>,
    pub seats: String,
    pub potential_victims: i32,
    pub companions: i32,
    pub indicators: String,
    pub disclosed: bool,
    pub companion_aware: String,
    pub immediate_danger: bool,
    pub gate_passed: bool,
    pub relay_message: String,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub escalated_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
    /// The case this report was merged into, if any.
    pub merged_into: Option<Uuid>,
}

/// Something that happened on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_id: Option<UserId>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub sealed: Option<(Vec<u8>, Vec<u8>)>,
    pub contact_org: Option<String>,
    pub contact_kind: Option<String>,
    pub contact_method: Option<String>,
    pub contact_reference: Option<String>,
}

/// A contact with an authority, to record.
#[derive(Debug, Clone)]
pub struct Contact {
    pub organisation: String,
    pub kind: String,
    pub method: String,
    pub reference: String,
    /// Why it was sent although the report did not pass the decision gate.
    pub gate_override: Option<String>,
}

const CASE_COLUMNS: &str = "id, reference, reporter_id, received_at, status, version, assigned_to, reporter_role, phase, \
     flight, flight_date, origin, destination, scheduled_arrival, seats, potential_victims, companions, indicators, \
     disclosed, companion_aware, immediate_danger, gate_passed, relay_message, acknowledged_at, escalated_at, outcome, \
     merged_into";

fn to_case(row: &impl CaseRow) -> Result<CaseRecord> {
    row.case()
}

/// Decoding a case row the same way on both engines.
trait CaseRow {
    fn case(&self) -> Result<CaseRecord>;
}

macro_rules! impl_case_row {
    ($row:ty) => {
        impl CaseRow for $row {
            fn case(&self) -> Result<CaseRecord> {
                use sqlx::Row;
                let r = self;
                Ok(CaseRecord {
                    id: r.try_get("id")?,
                    reference: r.try_get("reference")?,
                    reporter_id: UserId::from_uuid(r.try_get("reporter_id")?),
                    received_at: from_micros(r.try_get("received_at")?),
                    status: r.try_get("status")?,
                    version: r
                        .try_get::<i32, _>("version")
                        .map(i64::from)
                        .or_else(|_| r.try_get::<i64, _>("version"))?,
                    assigned_to: r.try_get::<Option<Uuid>, _>("assigned_to")?.map(UserId::from_uuid),
                    reporter_role: r.try_get("reporter_role")?,
                    phase: r.try_get("phase")?,
                    flight: r.try_get("flight")?,
                    flight_date: r.try_get("flight_date")?,
                    origin: r.try_get("origin")?,
                    destination: r.try_get("destination")?,
                    scheduled_arrival: r.try_get::<Option<i64>, _>("scheduled_arrival")?.map(from_micros),
                    seats: r.try_get("seats")?,
                    potential_victims: r.try_get("potential_victims")?,
                    companions: r.try_get("companions")?,
                    indicators: r.try_get("indicators")?,
                    disclosed: r.try_get("disclosed")?,
                    companion_aware: r.try_get("companion_aware")?,
                    immediate_danger: r.try_get("immediate_danger")?,
                    gate_passed: r.try_get("gate_passed")?,
                    relay_message: r.try_get("relay_message")?,
                    acknowledged_at: r.try_get::<Option<i64>, _>("acknowledged_at")?.map(from_micros),
                    escalated_at: r.try_get::<Option<i64>, _>("escalated_at")?.map(from_micros),
                    outcome: r.try_get("outcome")?,
                    merged_into: r.try_get("merged_into")?,
                })
            }
        }
    };
}
impl_case_row!(sqlx::sqlite::SqliteRow);
impl_case_row!(sqlx::postgres::PgRow);

type EventRow = (
    Uuid,
    i64,
    Option<Uuid>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

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
        let ids: Vec<(Uuid,)> = crate::db_run!(self, |p| {
            let mut q = sqlx::query_as(&sql).bind(org.as_uuid());
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
        let mut cases: Vec<CaseRecord> = crate::db_run!(self, |p| {
            let mut q = sqlx::query(&fetch);
            for (id,) in &ids {
                q = q.bind(*id);
            }
            let rows = q.fetch_all(p).await?;
            rows.iter().map(to_case).collect::<Result<Vec<_>>>()?
        });
        let order: std::collections::HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, (id,))| (*id, i)).collect();
        cases.sort_by_key(|c| order.get(&c.id).copied().unwrap_or(usize::MAX));
        Ok(cases)
    }

    /// One case of the organisation.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's.
    pub async fn case(&self, org: OrgId, id: Uuid) -> Result<CaseRecord> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM reports WHERE org_id = $1 AND id = $2");
        crate::db_run!(self, |p| {
            let row = sqlx::query(&sql).bind(org.as_uuid()).bind(id).fetch_optional(p).await?;
            row.as_ref().map(to_case).transpose()?.ok_or(StorageError::NotFound)
        })
    }

    /// The case's events, oldest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn case_events(&self, org: OrgId, id: Uuid) -> Result<Vec<CaseEvent>> {
        let rows: Vec<EventRow> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT id, at, actor_id, kind, from_status, to_status, reason, sealed, wrapped_key, contact_org, \
             contact_kind, contact_method, contact_reference FROM case_events WHERE org_id = $1 AND report_id = $2 \
             ORDER BY at, id"
        )
        .bind(org.as_uuid())
        .bind(id)
        .fetch_all(p)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| CaseEvent {
                id: r.0,
                at: from_micros(r.1),
                actor_id: r.2.map(UserId::from_uuid),
                kind: r.3,
                from_status: r.4,
                to_status: r.5,
                reason: r.6,
                sealed: r.7.zip(r.8),
                contact_org: r.9,
                contact_kind: r.10,
                contact_method: r.11,
                contact_reference: r.12,
            })
            .collect())
    }

    /// Move a case along its workflow (checked by
    /// `sightline_domain::triage::transition`) if it is still at `version`; the event
    /// and the audit entry commit with it. Returns the new version.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `version` if someone changed the case first;
    /// [`StorageError::NotFound`] if it is not this organisation's.
    pub async fn transition_case(
        &self,
        org: OrgId,
        id: Uuid,
        version: i64,
        t: &Transition,
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<i64> {
        self.case(org, id).await?;
        let detail =
            format!("{} -> {}{}", t.from, t.to, t.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default());
        let audit =
            NewAuditEntry::new(AuditAction::CaseTransition).org(org).actor(actor).target("report", id).detail(detail);
        let event = Event {
            kind: "transition",
            from: Some(t.from.as_str()),
            to: Some(t.to.as_str()),
            reason: t.reason.as_deref(),
            sealed: None,
            contact: None,
        };
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE reports SET version = version + 1, status = $1, \
                     outcome = CASE WHEN $1 = 'closed' THEN $2 ELSE NULL END, \
                     acknowledged_at = CASE WHEN $1 = 'acknowledged' AND acknowledged_at IS NULL THEN $3 ELSE acknowledged_at END, \
                     escalated_at = CASE WHEN $1 = 'escalated' AND escalated_at IS NULL THEN $3 ELSE escalated_at END, \
                     handed_over_at = CASE WHEN $1 = 'handed_over' AND handed_over_at IS NULL THEN $3 ELSE handed_over_at END, \
                     closed_at = CASE WHEN $1 = 'closed' THEN $3 ELSE NULL END \
                     WHERE org_id = $4 AND id = $5 AND version = $6 AND status = $7",
                )
                .bind(t.to.as_str())
                .bind(t.outcome.map(|o| o.as_str()))
                .bind(to_micros(now))
                .bind(org.as_uuid())
                .bind(id)
                .bind(i32::try_from(version).unwrap_or(i32::MAX))
                .bind(t.from.as_str())
            );
            event_in_tx!(tx, org, id, actor, now, &event);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(version + 1)
    }

    /// Set how long before scheduled landing the organisation's desk wants
    /// escalation flagged; audited in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for an unknown organisation; the database failed.
    pub async fn set_escalation_lead(
        &self,
        org: OrgId,
        lead: EscalationLead,
        actor: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.get_org(org).await?;
        let mut audit = NewAuditEntry::new(AuditAction::EscalationLeadChanged)
            .org(org)
            .detail(format!("{} minutes before landing", lead.minutes()));
        if let Some(a) = actor {
            audit = audit.actor(a);
        }
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO org_desk_settings (org_id, escalate_before_landing, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (org_id) DO UPDATE SET escalate_before_landing = excluded.escalate_before_landing, \
                 updated_at = excluded.updated_at",
            )
            .bind(org.as_uuid())
            .bind(lead.minutes())
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The organisation's escalation lead time (the default when never set).
    ///
    /// # Errors
    /// The database failed, or holds a value outside the allowed range.
    pub async fn escalation_lead(&self, org: OrgId) -> Result<EscalationLead> {
        let row: Option<(i64,)> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT escalate_before_landing FROM org_desk_settings WHERE org_id = $1"
        )
        .bind(org.as_uuid())
        .fetch_optional(p)
        .await?);
        match row {
            None => Ok(EscalationLead::default()),
            Some((m,)) => EscalationLead::from_minutes(m)
                .map_err(|_| StorageError::Corrupt(format!("escalation lead {m} minutes is out of range"))),
        }
    }

    /// Assign a case to an analyst of the organisation (or to nobody), if it is still
    /// at `version`.
    ///
    /// # Errors
    /// As [`Db::transition_case`]; [`StorageError::NotFound`] for a user of another
    /// organisation.
    pub async fn assign_case(
        &self,
        org: OrgId,
        id: Uuid,
        version: i64,
        to: Option<UserId>,
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<i64> {
        self.case(org, id).await?;
        if let Some(u) = to {
            self.get_user(org, u).await?;
        }
        let who = to.map_or_else(|| "nobody".to_owned(), |u| u.to_string());
        let audit = NewAuditEntry::new(AuditAction::CaseAssigned)
            .org(org)
            .actor(actor)
            .target("report", id)
            .detail(who.clone());
        let event = Event { kind: "assignment", from: None, to: None, reason: Some(&who), sealed: None, contact: None };
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE reports SET version = version + 1, assigned_to = $1 WHERE org_id = $2 AND id = $3 AND version = $4",
                )
                .bind(to.map(|u| u.as_uuid()))
                .bind(org.as_uuid())
                .bind(id)
                .bind(i32::try_from(version).unwrap_or(i32::MAX))
            );
            event_in_tx!(tx, org, id, actor, now, &event);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(version + 1)
    }

    /// Add a note (already sealed). Notes never conflict: they only add.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the case is not this organisation's.
    pub async fn add_case_note(
        &self,
        org: OrgId,
        id: Uuid,
        sealed: (Vec<u8>, Vec<u8>),
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.case(org, id).await?;
        let audit = NewAuditEntry::new(AuditAction::CaseNoteAdded).org(org).actor(actor).target("report", id);
        let event = Event { kind: "note", from: None, to: None, reason: None, sealed: Some(&sealed), contact: None };
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            event_in_tx!(tx, org, id, actor, now, &event);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record a contact with an authority; a case not yet escalated becomes escalated.
    /// Guarded by `version` like a transition.
    ///
    /// # Errors
    /// As [`Db::transition_case`].
    pub async fn record_contact(
        &self,
        org: OrgId,
        id: Uuid,
        version: i64,
        contact: &Contact,
        actor: UserId,
        now: OffsetDateTime,
    ) -> Result<i64> {
        let case = self.case(org, id).await?;
        let escalate = matches!(case.status.as_str(), "received" | "acknowledged");
        let mut detail = format!("{} via {} ref {}", contact.organisation, contact.method, contact.reference);
        if let Some(why) = &contact.gate_override {
            detail.push_str(&format!("; decision gate not passed: {why}"));
        }
        let audit =
            NewAuditEntry::new(AuditAction::CaseEscalated).org(org).actor(actor).target("report", id).detail(detail);
        let event = Event {
            kind: "contact",
            from: Some(case.status.as_str()),
            to: Some(if escalate { "escalated" } else { case.status.as_str() }),
            reason: contact.gate_override.as_deref(),
            sealed: None,
            contact: Some(contact),
        };
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE reports SET version = version + 1, \
                 status = CASE WHEN status IN ('received', 'acknowledged') THEN 'escalated' ELSE status END, \
                 escalated_at = COALESCE(escalated_at, $1) WHERE org_id = $2 AND id = $3 AND version = $4",
                )
                .bind(to_micros(now))
                .bind(org.as_uuid())
                .bind(id)
                .bind(i32::try_from(version).unwrap_or(i32::MAX))
            );
            event_in_tx!(tx, org, id, actor, now, &event);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(version + 1)
    }

    /// Other open reports that may be the same event: same flight and date, not merged,
    /// not dismissed for this case. Nearest seats first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn merge_suggestions(&self, org: OrgId, id: Uuid) -> Result<Vec<CaseRecord>> {
        let case = self.case(org, id).await?;
        let rows: Vec<(Uuid,)> = crate::db_run!(self, |p| {
            sqlx::query_as(
            "SELECT r.id FROM reports r WHERE r.org_id = $1 AND r.flight = $2 AND r.flight_date = $3 AND r.id <> $4 \
             AND r.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM merge_dismissals d \
             WHERE (d.report_a = $4 AND d.report_b = r.id) OR (d.report_a = r.id AND d.report_b = $4)) \
             ORDER BY r.received_at LIMIT 20"
        )
        .bind(org.as_uuid())
        .bind(&case.flight)
        .bind(&case.flight_date)
        .bind(id)
        .fetch_all(p)
        .await?
        });
        let mut out = Vec::new();
        for (other,) in rows {
            out.push(self.case(org, other).await?);
        }
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
        let event = Event { kind: "note", from: None, to: None, reason: Some(&merged), sealed: None, contact: None };
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE reports SET merged_into = $1, version = version + 1 WHERE org_id = $2 AND id = $3 AND merged_into IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM reports t WHERE t.id = $1 AND t.merged_into IS NOT NULL)",
            )
            .bind(into)
            .bind(org.as_uuid())
            .bind(other)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done != 1 {
                tx.rollback().await?;
                return Err(StorageError::Conflict { field: "merge" });
            }
            sqlx::query("UPDATE reports SET merged_into = $1 WHERE org_id = $2 AND merged_into = $3")
                .bind(into)
                .bind(org.as_uuid())
                .bind(other)
                .execute(&mut *tx)
                .await?;
            event_in_tx!(tx, org, into, actor, now, &event);
            audit_in_tx!(tx, &audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Reports merged into this case.
    ///
    /// # Errors
    /// The database failed.
    pub async fn merged_reports(&self, org: OrgId, into: Uuid) -> Result<Vec<CaseRecord>> {
        let ids: Vec<(Uuid,)> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT id FROM reports WHERE org_id = $1 AND merged_into = $2 ORDER BY received_at"
        )
        .bind(org.as_uuid())
        .bind(into)
        .fetch_all(p)
        .await?);
        let mut out = Vec::new();
        for (id,) in ids {
            out.push(self.case(org, id).await?);
        }
        Ok(out)
    }

    /// Record that two reports are not the same event.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for another organisation's report.
    pub async fn dismiss_merge(&self, org: OrgId, a: Uuid, b: Uuid) -> Result<()> {
        self.case(org, a).await?;
        self.case(org, b).await?;
        crate::db_run!(self, |p| sqlx::query(
            "INSERT INTO merge_dismissals (org_id, report_a, report_b) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )
        .bind(org.as_uuid())
        .bind(a)
        .bind(b)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Per report received in `[from, to)`: when it was received and the first time
    /// law enforcement or a hotline was contacted (for annual compliance reports).
    ///
    /// # Errors
    /// The database failed.
    pub async fn notifications(
        &self,
        org: OrgId,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<(CaseRecord, Option<(OffsetDateTime, String, String)>)>> {
        let mut cases: Vec<CaseRecord> = self
            .queue(
                org,
                &QueueFilter { include_closed: true, include_merged: true, ..QueueFilter::default() },
                1_000_000,
            )
            .await?
            .into_iter()
            .filter(|c| c.received_at >= from && c.received_at < to)
            .collect();
        cases.sort_by_key(|c| c.received_at);
        let mut out = Vec::with_capacity(cases.len());
        for c in cases {
            // A merged report was notified through the case it joined.
            let first = self
                .case_events(org, c.merged_into.unwrap_or(c.id))
                .await?
                .into_iter()
                .find(|e| {
                    e.kind == "contact"
                        && matches!(
                            e.contact_kind.as_deref(),
                            Some("police" | "border_guard" | "national_hotline" | "emergency")
                        )
                })
                .map(|e| (e.at, e.contact_org.unwrap_or_default(), e.contact_kind.unwrap_or_default()));
            out.push((c, first));
        }
        Ok(out)
    }
}

/// A case event about to be written.
struct Event<'a> {
    kind: &'static str,
    from: Option<&'a str>,
    to: Option<&'a str>,
    reason: Option<&'a str>,
    sealed: Option<&'a (Vec<u8>, Vec<u8>)>,
    contact: Option<&'a Contact>,
}
