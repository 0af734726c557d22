//! The security desk's side of reports: the queue, the case with its events, and
//! changes guarded by a version number so two analysts never overwrite each other.
//!
//! - `queue`: the queue and reading one case and its events;
//! - `workflow`: status transitions, assignment, notes, contacts, the escalation lead;
//! - `merge`: reports of one event merged into one case;
//! - `notifications`: the first notification of each case, for compliance reports;
//! - `referrals`: referrals of a case to partners, read from either side.

use sightline_domain::directory::ContactKind;
use sightline_domain::ids::UserId;
use sightline_domain::report::{Awareness, Phase, ReporterRole};
use sightline_domain::triage::{CaseEventKind, CaseStatus, Outcome};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Result, StorageError, from_micros};

/// Insert a case event inside an open transaction.
macro_rules! event_in_tx {
    ($tx:expr, $org:expr, $id:expr, $actor:expr, $now:expr, $e:expr) => {{
        let e: &$crate::triage::Event<'_> = $e;
        exec_in_tx!(
            $tx,
            "INSERT INTO case_events (id, org_id, report_id, at, actor_id, kind, from_status, to_status, reason, \
             sealed, wrapped_key, contact_org, contact_kind, contact_method, contact_reference) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            uuid::Uuid::now_v7(),
            $org.as_uuid(),
            $id,
            $crate::to_micros($now),
            $actor.as_uuid(),
            e.kind.as_str(),
            e.from.map(|s| s.as_str()),
            e.to.map(|s| s.as_str()),
            e.reason,
            e.sealed.map(|s| s.0.clone()),
            e.sealed.map(|s| s.1.clone()),
            e.contact.map(|c| c.organisation.clone()),
            e.contact.map(|c| c.kind.as_str()),
            e.contact.map(|c| c.method.clone()),
            e.contact.map(|c| c.reference.clone())
        );
    }};
}

/// A version-guarded change to a case: in one transaction, `$query` (an
/// `UPDATE … AND version = $n`; none changed → [`StorageError::Conflict`] on
/// `version`), the case event and the audit entry. Evaluates to the new version.
macro_rules! case_change {
    ($db:expr, $org:expr, $id:expr, $version:expr, $actor:expr, $now:expr, $event:expr, $audit:expr, $query:expr) => {{ case_change!($db, $org, $id, $version, $actor, $now, $event, $audit, escalates = false, $query) }};
    // `escalates`: the change sets `escalated_at` when it is not set, so the
    // statistics count the report as escalated (read before, counted after the
    // guarded update; a lost race rolls both back).
    ($db:expr, $org:expr, $id:expr, $version:expr, $actor:expr, $now:expr, $event:expr, $audit:expr,
     escalates = $escalates:expr, $query:expr) => {{
        db_run!($db, |p| {
            let mut tx = p.begin().await?;
            let before: Option<$crate::stats::EscalationRow> = if $escalates {
                sqlx::query_as($crate::stats::ESCALATION_ROW)
                    .bind($org.as_uuid())
                    .bind($id)
                    .fetch_optional(&mut *tx)
                    .await?
            } else {
                None
            };
            update_if_version!(tx, $query);
            count_escalation_in_tx!(tx, $org, before);
            event_in_tx!(tx, $org, $id, $actor, $now, $event);
            audit_in_tx!(tx, $audit, $now);
            queue_changes_in_tx!(tx, [($org, $id, $crate::QueueChangeKind::Updated)], $now);
            tx.commit().await?;
        });
        $db.queue_changed();
        $version + 1
    }};
}

mod merge;
mod notifications;
mod queue;
mod referrals;
mod workflow;

pub use notifications::FirstNotification;
pub use referrals::{
    MAX_REFERRAL_ROWS, NewReferral, NewReferralMessage, Recipient, ReferralMessage, ReferralRecord, ReferralStep,
};

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
    pub status: CaseStatus,
    pub version: i64,
    pub assigned_to: Option<UserId>,
    pub reporter_role: ReporterRole,
    pub phase: Phase,
    pub flight: String,
    pub flight_date: String,
    pub origin: String,
    pub destination: String,
    pub scheduled_arrival: Option<OffsetDateTime>,
    /// Where in the terminal (no flight); empty on a flight.
    pub place: String,
    /// Problems of an urgent report kept for the desk (`field:code …`); empty when none.
    pub flags: String,
    pub seats: String,
    pub potential_victims: i32,
    pub companions: i32,
    pub indicators: String,
    pub disclosed: bool,
    pub companion_aware: Awareness,
    pub immediate_danger: bool,
    pub gate_passed: bool,
    pub relay_message: String,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub escalated_at: Option<OffsetDateTime>,
    pub outcome: Option<Outcome>,
    /// The case this report was merged into, if any.
    pub merged_into: Option<Uuid>,
    /// An anonymous tip from the public (`/tip`), not a crew report.
    pub public_tip: bool,
    pub closed_at: Option<OffsetDateTime>,
    /// Set when the retention purge removed the case's text: what is left is a
    /// tombstone.
    pub tombstone: Option<Tombstone>,
    /// A legal hold: the case is not purged while it stands.
    pub hold: Option<LegalHold>,
}

/// What the purge left of a case's text: when, and how much was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tombstone {
    pub purged_at: OffsetDateTime,
    /// Notes whose text was removed.
    pub notes: i32,
    /// A public tip's messages removed.
    pub messages: i32,
}

/// A legal hold on a case: why, who placed it (`None` once that account is gone),
/// when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    pub reason: String,
    pub by: Option<UserId>,
    pub at: OffsetDateTime,
}

/// Something that happened on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_id: Option<UserId>,
    pub kind: CaseEventKind,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    pub reason: Option<String>,
    pub sealed: Option<(Vec<u8>, Vec<u8>)>,
    pub contact_org: Option<String>,
    pub contact_kind: Option<ContactKind>,
    pub contact_method: Option<String>,
    pub contact_reference: Option<String>,
}

/// A contact with an authority, to record.
#[derive(Debug, Clone)]
pub struct Contact {
    pub organisation: String,
    pub kind: ContactKind,
    pub method: String,
    pub reference: String,
    /// Why it was sent although the report did not pass the decision gate.
    pub gate_override: Option<String>,
}

/// A case event about to be written.
pub(crate) struct Event<'a> {
    pub kind: CaseEventKind,
    pub from: Option<CaseStatus>,
    pub to: Option<CaseStatus>,
    pub reason: Option<&'a str>,
    pub sealed: Option<&'a (Vec<u8>, Vec<u8>)>,
    pub contact: Option<&'a Contact>,
}

impl<'a> Event<'a> {
    /// An event of `kind` with nothing else set.
    const fn of(kind: CaseEventKind) -> Self {
        Self { kind, from: None, to: None, reason: None, sealed: None, contact: None }
    }
}

const CASE_COLUMNS: &str = "id, reference, reporter_id, received_at, status, version, assigned_to, reporter_role, phase, \
     flight, flight_date, origin, destination, scheduled_arrival, seats, potential_victims, companions, indicators, \
     disclosed, companion_aware, immediate_danger, gate_passed, relay_message, acknowledged_at, escalated_at, outcome, \
     merged_into, place, flags, public_tip, closed_at, purged_at, purged_notes, purged_messages, hold_reason, hold_by, \
     hold_at";

/// A `reports` row as [`CASE_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    reference: String,
    reporter_id: Uuid,
    received_at: i64,
    status: String,
    version: i64,
    assigned_to: Option<Uuid>,
    reporter_role: String,
    phase: String,
    flight: String,
    flight_date: String,
    origin: String,
    destination: String,
    scheduled_arrival: Option<i64>,
    seats: String,
    potential_victims: i64,
    companions: i64,
    indicators: String,
    disclosed: bool,
    companion_aware: String,
    immediate_danger: bool,
    gate_passed: bool,
    relay_message: String,
    acknowledged_at: Option<i64>,
    escalated_at: Option<i64>,
    outcome: Option<String>,
    merged_into: Option<Uuid>,
    place: String,
    flags: String,
    public_tip: bool,
    closed_at: Option<i64>,
    purged_at: Option<i64>,
    purged_notes: i64,
    purged_messages: i64,
    hold_reason: Option<String>,
    hold_by: Option<Uuid>,
    hold_at: Option<i64>,
}

/// A count stored as a 64-bit integer, read back as the record's 32-bit one.
fn count(what: &str, n: i64) -> Result<i32> {
    i32::try_from(n).map_err(|_| StorageError::corrupt(what, &n.to_string()))
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = StorageError;
    fn try_from(r: CaseRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            reference: r.reference,
            reporter_id: UserId::from_uuid(r.reporter_id),
            received_at: from_micros(r.received_at),
            status: stored("case status", &r.status)?,
            version: r.version,
            assigned_to: r.assigned_to.map(UserId::from_uuid),
            reporter_role: stored("reporter role", &r.reporter_role)?,
            phase: stored("phase", &r.phase)?,
            flight: r.flight,
            flight_date: r.flight_date,
            origin: r.origin,
            destination: r.destination,
            scheduled_arrival: r.scheduled_arrival.map(from_micros),
            place: r.place,
            flags: r.flags,
            seats: r.seats,
            potential_victims: count("potential victims", r.potential_victims)?,
            companions: count("companions", r.companions)?,
            indicators: r.indicators,
            disclosed: r.disclosed,
            companion_aware: stored("companion awareness", &r.companion_aware)?,
            immediate_danger: r.immediate_danger,
            gate_passed: r.gate_passed,
            relay_message: r.relay_message,
            acknowledged_at: r.acknowledged_at.map(from_micros),
            escalated_at: r.escalated_at.map(from_micros),
            outcome: r.outcome.as_deref().map(|o| stored("outcome", o)).transpose()?,
            merged_into: r.merged_into,
            public_tip: r.public_tip,
            closed_at: r.closed_at.map(from_micros),
            tombstone: r
                .purged_at
                .map(|at| {
                    Ok::<_, StorageError>(Tombstone {
                        purged_at: from_micros(at),
                        notes: count("purged notes", r.purged_notes)?,
                        messages: count("purged messages", r.purged_messages)?,
                    })
                })
                .transpose()?,
            hold: match (r.hold_reason, r.hold_at) {
                (Some(reason), Some(at)) => {
                    Some(LegalHold { reason, by: r.hold_by.map(UserId::from_uuid), at: from_micros(at) })
                }
                _ => None,
            },
        })
    }
}

/// A `case_events` row.
#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    at: i64,
    actor_id: Option<Uuid>,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    reason: Option<String>,
    sealed: Option<Vec<u8>>,
    wrapped_key: Option<Vec<u8>>,
    contact_org: Option<String>,
    contact_kind: Option<String>,
    contact_method: Option<String>,
    contact_reference: Option<String>,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StorageError;
    fn try_from(r: EventRow) -> Result<Self> {
        let status = |s: Option<String>| s.as_deref().map(|s| stored::<CaseStatus>("case status", s)).transpose();
        Ok(Self {
            id: r.id,
            at: from_micros(r.at),
            actor_id: r.actor_id.map(UserId::from_uuid),
            kind: stored("case event kind", &r.kind)?,
            from_status: status(r.from_status)?,
            to_status: status(r.to_status)?,
            reason: r.reason,
            sealed: r.sealed.zip(r.wrapped_key),
            contact_org: r.contact_org,
            contact_kind: r.contact_kind.as_deref().map(|k| stored("contact kind", k)).transpose()?,
            contact_method: r.contact_method,
            contact_reference: r.contact_reference,
        })
    }
}
