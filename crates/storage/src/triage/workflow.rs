//! Changes to a case: status transitions, assignment, notes and contacts with
//! authorities (each with its event and audit entry, in one transaction), and the
//! organisation's escalation lead time.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::triage::{CaseEventKind, CaseStatus, EscalationLead, Transition, status_after_contact};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Contact, Event};
use crate::{Db, Result, StorageError, to_micros};

impl Db {
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
            from: Some(t.from),
            to: Some(t.to),
            reason: t.reason.as_deref(),
            ..Event::of(CaseEventKind::Transition)
        };
        Ok(case_change!(self, org, id, version, actor, now, &event, &audit,
            escalates = t.to == CaseStatus::Escalated,
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
            .bind(version)
            .bind(t.from.as_str())
        ))
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
        audited_exec!(
            self,
            &audit,
            now,
            "INSERT INTO org_desk_settings (org_id, escalate_before_landing, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id) DO UPDATE SET escalate_before_landing = excluded.escalate_before_landing, \
             updated_at = excluded.updated_at",
            org.as_uuid(),
            lead.minutes(),
            to_micros(now)
        );
        Ok(())
    }

    /// The organisation's escalation lead time (the default when never set).
    ///
    /// # Errors
    /// The database failed, or holds a value outside the allowed range.
    pub async fn escalation_lead(&self, org: OrgId) -> Result<EscalationLead> {
        let minutes: Option<i64> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT escalate_before_landing FROM org_desk_settings WHERE org_id = $1",
            org.as_uuid()
        );
        match minutes {
            None => Ok(EscalationLead::default()),
            Some(m) => EscalationLead::from_minutes(m)
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
        let event = Event { reason: Some(&who), ..Event::of(CaseEventKind::Assignment) };
        Ok(case_change!(self, org, id, version, actor, now, &event, &audit,
                        sqlx::query(
                "UPDATE reports SET version = version + 1, assigned_to = $1 WHERE org_id = $2 AND id = $3 AND version = $4",
            )
            .bind(to.map(|u| u.as_uuid()))
            .bind(org.as_uuid())
            .bind(id)
            .bind(version)
        ))
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
        let event = Event { sealed: Some(&sealed), ..Event::of(CaseEventKind::Note) };
        audited_tx!(self, &audit, now, |tx| {
            event_in_tx!(tx, org, id, actor, now, &event);
        });
        Ok(())
    }

    /// Record a contact with an authority, guarded by `version` like a transition.
    /// The case takes the status the domain rule
    /// [`sightline_domain::triage::status_after_contact`] gives for the status it
    /// had at `version` (a case not yet escalated becomes escalated).
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
        let to = status_after_contact(case.status);
        let mut detail = format!("{} via {} ref {}", contact.organisation, contact.method, contact.reference);
        if let Some(why) = &contact.gate_override {
            detail.push_str(&format!("; decision gate not passed: {why}"));
        }
        let audit =
            NewAuditEntry::new(AuditAction::CaseEscalated).org(org).actor(actor).target("report", id).detail(detail);
        let event = Event {
            from: Some(case.status),
            to: Some(to),
            reason: contact.gate_override.as_deref(),
            contact: Some(contact),
            ..Event::of(CaseEventKind::Contact)
        };
        // The version guard also holds the status the new one was worked out from.
        Ok(case_change!(
            self,
            org,
            id,
            version,
            actor,
            now,
            &event,
            &audit,
            escalates = true,
            sqlx::query(
                "UPDATE reports SET version = version + 1, status = $1, escalated_at = COALESCE(escalated_at, $2) \
                 WHERE org_id = $3 AND id = $4 AND version = $5",
            )
            .bind(to.as_str())
            .bind(to_micros(now))
            .bind(org.as_uuid())
            .bind(id)
            .bind(version)
        ))
    }
}
