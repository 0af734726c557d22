//! Referrals of a case to partners: making one (with its case event and audit entry),
//! reading it from either side — the referring organisation (`org_id`) or the partner
//! organisation it went to (`recipient_org_id`), never anyone else — the partner's
//! steps (version-guarded; an accepted referral hands the case over), the sealed
//! thread, and the referrals waiting too long for an acknowledgement.

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::delivery::HookEvent;
use sightline_domain::ids::{DirectoryEntryId, OrgId, UserId};
use sightline_domain::referral::{
    Consent, LawfulBasis, Profile, RecipientKind, ReferralReason, ReferralStatus, Support,
};
use sightline_domain::triage::{CaseEventKind, CaseStatus};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Event;
use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// Whom a referral goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// A partner organisation in Sightline (its caseworkers see it).
    Org(OrgId),
    /// A directory entry outside Sightline.
    Entry(DirectoryEntryId),
}

/// A referral about to be stored; its shared record is sealed by the caller under the
/// referring organisation's key and the referral's id.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub id: Uuid,
    pub report_id: Uuid,
    pub recipient: Recipient,
    pub recipient_name: String,
    pub recipient_kind: RecipientKind,
    pub consent: Consent,
    pub lawful_basis: LawfulBasis,
    pub reason: ReferralReason,
    pub profile: Profile,
    pub gate_override: Option<String>,
    pub sealed: (Vec<u8>, Vec<u8>),
}

/// A stored referral (without its sealed record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    pub id: Uuid,
    /// The referring organisation.
    pub org_id: OrgId,
    pub report_id: Uuid,
    /// The case's reference (`SL-…`).
    pub case_reference: String,
    pub recipient: Recipient,
    pub recipient_name: String,
    pub recipient_kind: RecipientKind,
    pub consent: Consent,
    pub lawful_basis: LawfulBasis,
    pub reason: ReferralReason,
    pub profile: Profile,
    pub gate_override: Option<String>,
    pub status: ReferralStatus,
    pub support: Vec<Support>,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub decided_at: Option<OffsetDateTime>,
    /// When the desk was told it waits too long for an acknowledgement.
    pub overdue_at: Option<OffsetDateTime>,
    pub version: i64,
}

/// A message on a referral, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralMessage {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub from_partner: bool,
    pub actor_id: Option<UserId>,
    pub sealed: (Vec<u8>, Vec<u8>),
}

/// A message about to be stored (sealed by the caller under the referring
/// organisation's key and the message's id).
#[derive(Debug, Clone)]
pub struct NewReferralMessage {
    pub id: Uuid,
    pub from_partner: bool,
    pub actor_id: UserId,
    pub sealed: (Vec<u8>, Vec<u8>),
}

/// A partner's step, checked by `sightline_domain::referral::PartnerStep::apply`.
#[derive(Debug, Clone)]
pub struct ReferralStep<'a> {
    pub to: ReferralStatus,
    /// The support recorded (replaces what was recorded before).
    pub support: Option<&'a [Support]>,
    /// Sealed text that goes with it (a decline's reason).
    pub message: Option<NewReferralMessage>,
    /// What the case's history says (no personal data: the step and the support codes).
    pub case_note: String,
    /// Hand the case over (an accepted referral).
    pub hand_over: bool,
    /// The caseworker taking the step.
    pub actor: UserId,
}

/// The most referrals one read returns.
pub const MAX_REFERRAL_ROWS: i64 = 500;

const COLUMNS: &str = "f.id, f.org_id, f.report_id, r.reference, f.recipient_org_id, f.recipient_entry_id, \
     f.recipient_name, f.recipient_kind, f.consent, f.lawful_basis, f.reason, f.profile, f.gate_override, f.status, \
     f.support, f.created_by, f.created_at, f.acknowledged_at, f.decided_at, f.overdue_alerted_at, f.version";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    org_id: Uuid,
    report_id: Uuid,
    reference: String,
    recipient_org_id: Option<Uuid>,
    recipient_entry_id: Option<Uuid>,
    recipient_name: String,
    recipient_kind: String,
    consent: String,
    lawful_basis: String,
    reason: String,
    profile: String,
    gate_override: Option<String>,
    status: String,
    support: String,
    created_by: Uuid,
    created_at: i64,
    acknowledged_at: Option<i64>,
    decided_at: Option<i64>,
    overdue_alerted_at: Option<i64>,
    version: i64,
}

impl TryFrom<Row> for ReferralRecord {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self> {
        let recipient = match (r.recipient_org_id, r.recipient_entry_id) {
            (Some(o), None) => Recipient::Org(OrgId::from_uuid(o)),
            (None, Some(e)) => Recipient::Entry(DirectoryEntryId::from_uuid(e)),
            _ => return Err(StorageError::corrupt("referral recipient", &r.id.to_string())),
        };
        Ok(Self {
            id: r.id,
            org_id: OrgId::from_uuid(r.org_id),
            report_id: r.report_id,
            case_reference: r.reference,
            recipient,
            recipient_name: r.recipient_name,
            recipient_kind: stored("recipient kind", &r.recipient_kind)?,
            consent: stored("consent", &r.consent)?,
            lawful_basis: stored("lawful basis", &r.lawful_basis)?,
            reason: stored("referral reason", &r.reason)?,
            profile: stored("profile", &r.profile)?,
            gate_override: r.gate_override,
            status: stored("referral status", &r.status)?,
            support: r.support.split_whitespace().map(|s| stored("support", s)).collect::<Result<_>>()?,
            created_by: UserId::from_uuid(r.created_by),
            created_at: from_micros(r.created_at),
            acknowledged_at: r.acknowledged_at.map(from_micros),
            decided_at: r.decided_at.map(from_micros),
            overdue_at: r.overdue_alerted_at.map(from_micros),
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: Uuid,
    at: i64,
    from_partner: bool,
    actor_id: Option<Uuid>,
    sealed: Vec<u8>,
    wrapped_key: Vec<u8>,
}

/// Insert a referral message inside an open transaction.
macro_rules! message_in_tx {
    ($tx:expr, $referral:expr, $m:expr, $now:expr) => {{
        let m: &NewReferralMessage = $m;
        exec_in_tx!(
            $tx,
            "INSERT INTO referral_messages (id, referral_id, at, from_partner, actor_id, sealed, wrapped_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            m.id,
            $referral,
            to_micros($now),
            m.from_partner,
            m.actor_id.as_uuid(),
            &m.sealed.0,
            &m.sealed.1
        );
    }};
}

fn rows(rows: Vec<Row>) -> Result<Vec<ReferralRecord>> {
    rows.into_iter().map(TryInto::try_into).collect()
}

impl Db {
    /// Store a referral of the organisation's case, with a `referral` event on the case,
    /// the audit entry and — when the partner has a referral webhook — its delivery in
    /// the outbox, in one transaction.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the case is not this organisation's; the database
    /// failed.
    pub async fn create_referral(
        &self,
        org: OrgId,
        r: &NewReferral,
        actor: UserId,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.case(org, r.report_id).await?;
        let (to_org, to_entry) = match r.recipient {
            Recipient::Org(o) => (Some(o.as_uuid()), None),
            Recipient::Entry(e) => (None, Some(e.as_uuid())),
        };
        let note = format!("Referred to {} (consent: {}, profile: {})", r.recipient_name, r.consent, r.profile);
        let event = Event { reason: Some(&note), ..Event::of(CaseEventKind::Referral) };
        audited_tx!(self, audit, now, |tx| {
            sqlx::query(
                "INSERT INTO referrals (id, org_id, report_id, recipient_org_id, recipient_entry_id, recipient_name, \
                 recipient_kind, consent, lawful_basis, reason, profile, gate_override, sealed, wrapped_key, status, \
                 created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'sent', $15, $16)",
            )
            .bind(r.id)
            .bind(org.as_uuid())
            .bind(r.report_id)
            .bind(to_org)
            .bind(to_entry)
            .bind(&r.recipient_name)
            .bind(r.recipient_kind.as_str())
            .bind(r.consent.as_str())
            .bind(r.lawful_basis.as_str())
            .bind(r.reason.as_str())
            .bind(r.profile.as_str())
            .bind(r.gate_override.as_deref())
            .bind(&r.sealed.0)
            .bind(&r.sealed.1)
            .bind(actor.as_uuid())
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
            event_in_tx!(tx, org, r.report_id, actor, now, &event);
            referral_hook_in_tx!(tx, r.id, HookEvent::ReferralCreated, now);
        });
        Ok(())
    }

    /// A referral, read by its referring organisation or by the partner organisation it
    /// went to; anyone else gets [`StorageError::NotFound`].
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn referral(&self, org: OrgId, id: Uuid) -> Result<ReferralRecord> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals f JOIN reports r ON r.id = f.report_id \
             WHERE f.id = $1 AND (f.org_id = $2 OR f.recipient_org_id = $2)"
        );
        let row: Option<Row> = fetch!(self, query_as.fetch_optional, &sql, id, org.as_uuid());
        row.ok_or(StorageError::NotFound)?.try_into()
    }

    /// A referral's sealed record (body, wrapped key), for either side as [`Db::referral`].
    ///
    /// # Errors
    /// As [`Db::referral`].
    pub async fn referral_sealed(&self, org: OrgId, id: Uuid) -> Result<(Vec<u8>, Vec<u8>)> {
        let row: Option<(Vec<u8>, Vec<u8>)> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT sealed, wrapped_key FROM referrals WHERE id = $1 AND (org_id = $2 OR recipient_org_id = $2)",
            id,
            org.as_uuid()
        );
        row.ok_or(StorageError::NotFound)
    }

    /// The referrals of one of the organisation's cases, oldest first.
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn case_referrals(&self, org: OrgId, report: Uuid) -> Result<Vec<ReferralRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals f JOIN reports r ON r.id = f.report_id \
             WHERE f.org_id = $1 AND f.report_id = $2 ORDER BY f.created_at, f.id LIMIT {MAX_REFERRAL_ROWS}"
        );
        let found: Vec<Row> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), report);
        rows(found)
    }

    /// The referrals made to a partner organisation: waiting ones (sent, acknowledged)
    /// first, then the newest; at most `limit` (bounded by [`MAX_REFERRAL_ROWS`]).
    ///
    /// # Errors
    /// As [`Db::case_referrals`].
    pub async fn referral_inbox(&self, org: OrgId, limit: i64) -> Result<Vec<ReferralRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals f JOIN reports r ON r.id = f.report_id WHERE f.recipient_org_id = $1 \
             ORDER BY CASE WHEN f.status IN ('sent', 'acknowledged') THEN 0 ELSE 1 END, f.created_at DESC, f.id \
             LIMIT $2"
        );
        let found: Vec<Row> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), limit.clamp(1, MAX_REFERRAL_ROWS));
        rows(found)
    }

    /// A partner's step on a referral made to `org`, if it is still at `version`: the
    /// new status (and support), the sealed message that goes with it, a
    /// `referral_update` event on the referring organisation's case, and — for an
    /// accepted referral of a case not yet handed over or closed — the case handed
    /// over (with its transition event); audited; one transaction. Returns the new version.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if the referral was not made to `org`;
    /// [`StorageError::Conflict`] on `version` if it changed first.
    pub async fn referral_step(
        &self,
        org: OrgId,
        id: Uuid,
        version: i64,
        step: &ReferralStep<'_>,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<i64> {
        let found = self.referral(org, id).await?;
        if found.recipient != Recipient::Org(org) {
            return Err(StorageError::NotFound);
        }
        let support = step.support.map(sightline_domain::referral::support_text);
        let event = Event { reason: Some(&step.case_note), ..Event::of(CaseEventKind::ReferralUpdate) };
        let case_org = found.org_id;
        let actor = step.actor;
        audited_tx!(self, audit, now, |tx| {
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE referrals SET status = $1, support = COALESCE($2, support), version = version + 1, \
                     acknowledged_at = COALESCE(acknowledged_at, $3), \
                     decided_at = CASE WHEN $1 IN ('accepted', 'declined') AND decided_at IS NULL THEN $3 \
                     ELSE decided_at END \
                     WHERE id = $4 AND recipient_org_id = $5 AND version = $6",
                )
                .bind(step.to.as_str())
                .bind(support.as_deref())
                .bind(to_micros(now))
                .bind(id)
                .bind(org.as_uuid())
                .bind(version)
            );
            if let Some(m) = &step.message {
                message_in_tx!(tx, id, m, now);
            }
            event_in_tx!(tx, case_org, found.report_id, actor, now, &event);
            if step.hand_over {
                let status: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1 AND org_id = $2")
                    .bind(found.report_id)
                    .bind(case_org.as_uuid())
                    .fetch_one(&mut *tx)
                    .await?;
                let from: CaseStatus = stored("case status", &status)?;
                if from < CaseStatus::HandedOver {
                    exec_in_tx!(
                        tx,
                        "UPDATE reports SET status = 'handed_over', version = version + 1, \
                         handed_over_at = COALESCE(handed_over_at, $1) WHERE id = $2 AND org_id = $3 AND status = $4",
                        to_micros(now),
                        found.report_id,
                        case_org.as_uuid(),
                        from.as_str()
                    );
                    let moved = Event {
                        from: Some(from),
                        to: Some(CaseStatus::HandedOver),
                        reason: Some("A partner accepted the referral"),
                        ..Event::of(CaseEventKind::Transition)
                    };
                    event_in_tx!(tx, case_org, found.report_id, actor, now, &moved);
                }
            }
        });
        Ok(version + 1)
    }

    /// Add a message to a referral's thread, from either side (`org` must be the
    /// referring organisation or the partner it went to); audited. A desk's message
    /// is announced to a partner's referral webhook (outbox, same transaction).
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn add_referral_message(
        &self,
        org: OrgId,
        id: Uuid,
        m: &NewReferralMessage,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.referral(org, id).await?;
        audited_tx!(self, audit, now, |tx| {
            message_in_tx!(tx, id, m, now);
            if !m.from_partner {
                referral_hook_in_tx!(tx, id, HookEvent::ReferralMessage, now);
            }
        });
        Ok(())
    }

    /// A referral's thread, oldest first, for either side.
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn referral_messages(&self, org: OrgId, id: Uuid) -> Result<Vec<ReferralMessage>> {
        self.referral(org, id).await?;
        let found: Vec<MessageRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, at, from_partner, actor_id, sealed, wrapped_key FROM referral_messages \
             WHERE referral_id = $1 ORDER BY at, id LIMIT 1000",
            id
        );
        Ok(found
            .into_iter()
            .map(|m| ReferralMessage {
                id: m.id,
                at: from_micros(m.at),
                from_partner: m.from_partner,
                actor_id: m.actor_id.map(UserId::from_uuid),
                sealed: (m.sealed, m.wrapped_key),
            })
            .collect())
    }

    /// Referrals to a partner in Sightline still unacknowledged since before `before`
    /// and not yet alerted, oldest first, at most `limit` — the caller marks each it
    /// alerts with [`Db::claim_overdue_referral`] and reads again until none is left.
    ///
    /// # Errors
    /// As [`Db::case_referrals`].
    pub async fn overdue_referrals(&self, before: OffsetDateTime, limit: i64) -> Result<Vec<ReferralRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals f JOIN reports r ON r.id = f.report_id \
             WHERE f.status = 'sent' AND f.recipient_org_id IS NOT NULL AND f.overdue_alerted_at IS NULL \
             AND f.created_at < $1 ORDER BY f.created_at, f.id LIMIT $2"
        );
        let found: Vec<Row> =
            fetch!(self, query_as.fetch_all, &sql, to_micros(before), limit.clamp(1, MAX_REFERRAL_ROWS));
        rows(found)
    }

    /// The organisation's referrals still unacknowledged after the desk was told they
    /// wait too long, oldest first (bounded by [`MAX_REFERRAL_ROWS`]).
    ///
    /// # Errors
    /// As [`Db::case_referrals`].
    pub async fn waiting_referrals(&self, org: OrgId) -> Result<Vec<ReferralRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM referrals f JOIN reports r ON r.id = f.report_id \
             WHERE f.org_id = $1 AND f.status = 'sent' AND f.overdue_alerted_at IS NOT NULL \
             ORDER BY f.created_at, f.id LIMIT {MAX_REFERRAL_ROWS}"
        );
        let found: Vec<Row> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid());
        rows(found)
    }

    /// Claim an overdue referral's alert (once, across processes), with a
    /// `referral_update` event on its case saying so (`note`, no personal data) and the
    /// audit entry, in one transaction. Returns whether this call claimed it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_overdue_referral(
        &self,
        r: &ReferralRecord,
        note: &str,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<bool> {
        Ok(audited_tx!(self, audit, now, |tx| {
            let done = sqlx::query(
                "UPDATE referrals SET overdue_alerted_at = $1 WHERE id = $2 AND overdue_alerted_at IS NULL \
                 AND status = 'sent'",
            )
            .bind(to_micros(now))
            .bind(r.id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            // No one acted: the event has no actor.
            exec_in_tx!(
                tx,
                "INSERT INTO case_events (id, org_id, report_id, at, actor_id, kind, reason) \
                 VALUES ($1, $2, $3, $4, NULL, $5, $6)",
                Uuid::now_v7(),
                r.org_id.as_uuid(),
                r.report_id,
                to_micros(now),
                CaseEventKind::ReferralUpdate.as_str(),
                note
            );
            true
        }))
    }
}
