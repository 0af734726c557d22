//! Referrals, both sides: the desk refers a case to a partner (an NGO or authority
//! organisation in Sightline, or a directory entry outside it) with consent, lawful
//! basis and a minimisation profile (domain: [`sightline_domain::referral`]); the
//! partner's caseworkers see referrals made to their organisation, acknowledge,
//! accept or decline them and record the support given, which flows back to the case;
//! both sides exchange sealed messages; the shared record downloads in HTCDS field
//! names (JSON, CSV).
//!
//! Who may do what: the desk side needs `desk_analyst` in the referring organisation;
//! the partner side `caseworker` in the organisation the referral went to. Anyone else
//! gets "not found" (audited when the referral is another organisation's).

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::crypto::Sealed;
use sightline_domain::export::spreadsheet_cell;
use sightline_domain::ids::{DirectoryEntryId, OrgId};
use sightline_domain::org::OrgKind;
use sightline_domain::referral::{
    self, CSV_COLUMNS, HtcdsReferral, Parties, PartnerStep, RecipientKind, ReferralDraft, ReferralStatus,
    ReferralTerms, ReferredCase,
};
use sightline_domain::report::{AirportLookup, SealedText};
use sightline_domain::user::Role;
use sightline_storage::{
    NewReferral, NewReferralMessage, Organisation, Owned, Recipient, ReferralMessage, ReferralRecord, ReferralStep,
    StorageError,
};
use uuid::Uuid;

use crate::access::{Asker, refuse};
use crate::{App, AppError, Caller, Result};

/// The most referrals an inbox shows.
pub const MAX_INBOX: i64 = 200;

/// Which side of a referral the caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The referring organisation's desk.
    Desk,
    /// The partner organisation it went to.
    Partner,
}

/// A referral opened: the record, what it shares (HTCDS), and its thread.
#[derive(Debug, Clone)]
pub struct ReferralFile {
    pub referral: ReferralRecord,
    pub side: Side,
    pub shared: HtcdsReferral,
    /// Each message with its text opened.
    pub messages: Vec<(ReferralMessage, String)>,
}

/// Whom the desk may refer a case to.
#[derive(Debug, Clone)]
pub struct PartnerChoice {
    /// NGO and authority organisations in Sightline (not the caller's own).
    pub organisations: Vec<Organisation>,
}

impl App {
    fn seal_for(&self, org: OrgId, id: Uuid, bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let r = crate::security::seal_random().map_err(AppError::Internal)?;
        let s = self.keys.seal(org, id, bytes, &r).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((s.body, s.wrapped_key))
    }

    fn open_for(&self, org: OrgId, id: Uuid, (body, wrapped_key): (Vec<u8>, Vec<u8>)) -> Result<Vec<u8>> {
        self.keys
            .open(org, id, &Sealed { body, wrapped_key })
            .map_err(|_| AppError::Internal("a referral could not be opened with this server's key".into()))
    }

    /// The organisations the desk may refer to.
    ///
    /// # Errors
    /// Not a desk analyst; the database failed.
    pub async fn referral_partners(&self, caller: &Caller) -> Result<PartnerChoice> {
        let me = caller.require(Role::DeskAnalyst)?;
        let kinds: Vec<OrgKind> = OrgKind::ALL.into_iter().filter(|k| RecipientKind::of_org(*k).is_some()).collect();
        let organisations = self.db.orgs_of_kinds(&kinds, me.org()).await?;
        Ok(PartnerChoice { organisations })
    }

    /// The referrals of one of the desk's cases.
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case.
    pub async fn case_referrals(&self, caller: &Caller, case: Uuid) -> Result<Vec<ReferralRecord>> {
        let me = caller.require(Role::DeskAnalyst)?;
        let case = self.own_case(me, case).await?;
        Ok(self.db.case_referrals(me.org(), case.id).await?)
    }

    /// Refer a case. `recipient` is `org:<id>` (a partner organisation) or
    /// `entry:<id>` (a directory entry in use). The terms are checked (every field at
    /// fault), the report must have passed the decision gate or carry the analyst's
    /// reason, and only what the profile and consent allow is sealed into the record.
    /// Returns the referral's id.
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case; `recipient`/`required` or
    /// `recipient`/`not-a-partner`; the terms' field errors.
    pub async fn refer_case(
        &self,
        caller: &Caller,
        case: Uuid,
        recipient: &str,
        draft: &ReferralDraft,
    ) -> Result<Uuid> {
        let me = caller.require(Role::DeskAnalyst)?;
        let case = self.own_case(me, case).await?;
        let (to, name, kind, contact, phone, country) = self.recipient(me, recipient).await?;
        let terms = match ReferralTerms::parse(draft, kind, case.gate_passed) {
            Ok(t) => t,
            Err(e) => return Err(e.into()),
        };
        let sealed_case = self.db.report_sealed(me.org(), case.id).await?;
        let text: SealedText = serde_json::from_slice(&self.open_for(me.org(), case.id, sealed_case)?)
            .map_err(|e| AppError::Internal(format!("the report text does not read back: {e}")))?;
        let place =
            self.library.airports.airport(&case.destination).or_else(|| self.library.airports.airport(&case.origin));
        let facts = ReferredCase {
            facts: crate::desk::case_facts(&case, case.indicators.split_whitespace().collect()),
            city: place.map_or("", |p| p.city.as_str()),
            country: place.map_or("", |p| p.country.as_str()),
            text: &text,
        };
        let referring = self.db.get_org(me.org()).await?.name;
        let parties = Parties {
            referring: &referring,
            recipient: &name,
            recipient_type: kind.htcds_type(contact),
            recipient_phone: phone.as_deref(),
            recipient_country: country.as_deref(),
        };
        let record = referral::htcds_record(&facts, &terms, &parties, &self.library.htcds, self.now().date());
        let json = serde_json::to_vec(&record).map_err(|e| AppError::Internal(e.to_string()))?;
        let id = Uuid::now_v7();
        let new = NewReferral {
            id,
            report_id: case.id,
            recipient: to,
            recipient_name: name,
            recipient_kind: kind,
            consent: terms.consent,
            lawful_basis: terms.lawful_basis,
            reason: terms.reason,
            profile: terms.profile,
            gate_override: terms.gate_override.clone(),
            sealed: self.seal_for(me.org(), id, &json)?,
        };
        let audit = NewAuditEntry::new(AuditAction::ReferralMade)
            .org(me.org())
            .actor(me.id())
            .target("referral", id)
            .detail(format!("case {}; consent {}; profile {}", case.reference, terms.consent, terms.profile))
            .ip(me.ip().map(str::to_owned));
        self.db.create_referral(me.org(), &new, me.id(), &audit, self.now()).await?;
        Ok(id)
    }

    /// The recipient a form named: (recipient, name, kind, contact kind, E.164 phone,
    /// country).
    #[allow(clippy::type_complexity)]
    async fn recipient(
        &self,
        me: &Caller,
        choice: &str,
    ) -> Result<(
        Recipient,
        String,
        RecipientKind,
        Option<sightline_domain::directory::ContactKind>,
        Option<String>,
        Option<String>,
    )> {
        let not_partner = || AppError::field("recipient", "not-a-partner");
        let choice = choice.trim();
        if choice.is_empty() {
            return Err(AppError::field("recipient", "required"));
        }
        if let Some(id) = choice.strip_prefix("org:") {
            let id: OrgId = id.parse().map_err(|_| not_partner())?;
            let org = match self.db.get_org(id).await {
                Ok(o) => o,
                Err(StorageError::NotFound) => return Err(not_partner()),
                Err(e) => return Err(e.into()),
            };
            let kind = RecipientKind::of_org(org.kind).filter(|_| org.id != me.org()).ok_or_else(not_partner)?;
            return Ok((Recipient::Org(org.id), org.name, kind, None, None, None));
        }
        if let Some(id) = choice.strip_prefix("entry:") {
            let id: DirectoryEntryId = id.parse().map_err(|_| not_partner())?;
            let s = match self.db.directory_entry(id).await {
                Ok(s) if s.removed_at.is_none() => s,
                Ok(_) | Err(StorageError::NotFound) => return Err(not_partner()),
                Err(e) => return Err(e.into()),
            };
            let e = s.entry;
            let kind = RecipientKind::of_contact(e.kind);
            let phone = e.phone.as_ref().map(|p| p.as_str().to_owned());
            return Ok((Recipient::Entry(s.id), e.organisation, kind, Some(e.kind), phone, Some(e.country)));
        }
        Err(not_partner())
    }

    /// The referral `id` if the caller may see it, and from which side; otherwise
    /// "not found" (audited when it is another organisation's).
    async fn visible_referral(&self, caller: &Caller, id: Uuid) -> Result<(ReferralRecord, Side)> {
        if !caller.has(Role::DeskAnalyst) && !caller.has(Role::Caseworker) {
            return Err(AppError::Forbidden);
        }
        let found = match self.db.referral(caller.org(), id).await {
            Ok(r) => Some(r),
            Err(StorageError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let side = found.as_ref().and_then(|r| {
            if r.org_id == caller.org() && caller.has(Role::DeskAnalyst) {
                Some(Side::Desk)
            } else if r.recipient == Recipient::Org(caller.org()) && caller.has(Role::Caseworker) {
                Some(Side::Partner)
            } else {
                None
            }
        });
        match (found, side) {
            (Some(r), Some(side)) => Ok((r, side)),
            (Some(_), None) => Err(AppError::Forbidden),
            (None, _) => Err(refuse(self, Asker::of(caller), Owned::Referral(id)).await.into()),
        }
    }

    /// Which side of referral `id` the caller is on (nothing is opened or changed).
    ///
    /// # Errors
    /// Neither a desk analyst nor a caseworker; not found for the caller (audited when
    /// it is another organisation's).
    pub async fn referral_side(&self, caller: &Caller, id: Uuid) -> Result<Side> {
        Ok(self.visible_referral(caller, id).await?.1)
    }

    /// Open a referral: what it shares and its thread; audited (`referral.viewed`).
    ///
    /// # Errors
    /// Not found for the caller; the record cannot be opened with this server's key.
    pub async fn open_referral(&self, caller: &Caller, id: Uuid) -> Result<ReferralFile> {
        let (referral, side) = self.visible_referral(caller, id).await?;
        let key_org = referral.org_id;
        let shared: HtcdsReferral =
            serde_json::from_slice(&self.open_for(key_org, id, self.db.referral_sealed(caller.org(), id).await?)?)
                .map_err(|e| AppError::Internal(format!("a referral record does not read back: {e}")))?;
        let messages = self
            .db
            .referral_messages(caller.org(), id)
            .await?
            .into_iter()
            .map(|m| {
                let text = self
                    .open_for(key_org, m.id, m.sealed.clone())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                (m, text)
            })
            .collect();
        let audit = NewAuditEntry::new(AuditAction::ReferralViewed)
            .org(caller.org())
            .actor(caller.id())
            .target("referral", id)
            .ip(caller.ip().map(str::to_owned));
        self.db.append_audit(&audit, self.now()).await?;
        Ok(ReferralFile { referral, side, shared, messages })
    }

    /// The referral's record as CSV in HTCDS column names, one row per potential victim.
    ///
    /// # Errors
    /// As [`Self::open_referral`].
    pub async fn referral_csv(&self, caller: &Caller, id: Uuid) -> Result<String> {
        let file = self.open_referral(caller, id).await?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let write = |w: &mut csv::Writer<Vec<u8>>, row: &[String]| {
            w.write_record(row.iter().map(|c| spreadsheet_cell(c).into_owned()))
                .map_err(|e| AppError::Internal(e.to_string()))
        };
        write(&mut w, &CSV_COLUMNS.map(str::to_owned))?;
        for row in file.shared.csv_rows() {
            write(&mut w, &row)?;
        }
        let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The partner's inbox: referrals made to the caller's organisation.
    ///
    /// # Errors
    /// Not a caseworker; the database failed.
    pub async fn referral_inbox(&self, caller: &Caller) -> Result<Vec<ReferralRecord>> {
        let me = caller.require(Role::Caseworker)?;
        Ok(self.db.referral_inbox(me.org(), MAX_INBOX).await?)
    }

    /// A partner's step on a referral made to their organisation, if it is still at
    /// `version` (domain rule: [`PartnerStep::apply`]). An acceptance hands the case
    /// over; a decline's reason goes into the thread, sealed.
    ///
    /// # Errors
    /// Not a caseworker of the recipient; a step out of order (`status`/`not-allowed`);
    /// someone changed it first ([`AppError::Conflict`]).
    pub async fn partner_step(&self, caller: &Caller, id: Uuid, version: i64, step: &PartnerStep) -> Result<i64> {
        let me = caller.require(Role::Caseworker)?;
        let (found, side) = self.visible_referral(me, id).await?;
        if side != Side::Partner {
            return Err(AppError::Forbidden);
        }
        let to = step.apply(found.status)?;
        let (note, support, message) = match step {
            PartnerStep::Acknowledge => ("Partner acknowledged the referral".to_owned(), None, None),
            PartnerStep::Accept => ("Partner accepted the referral".to_owned(), None, None),
            PartnerStep::Decline { reason } => {
                let mid = Uuid::now_v7();
                let text = format!("Declined: {reason}");
                let m = NewReferralMessage {
                    id: mid,
                    from_partner: true,
                    actor_id: me.id(),
                    sealed: self.seal_for(found.org_id, mid, text.as_bytes())?,
                };
                ("Partner declined the referral (reason in its thread)".to_owned(), None, Some(m))
            }
            PartnerStep::RecordSupport(s) => {
                (format!("Partner recorded support: {}", referral::support_text(s)), Some(s.as_slice()), None)
            }
        };
        let audit = NewAuditEntry::new(AuditAction::ReferralUpdated)
            .org(me.org())
            .actor(me.id())
            .target("referral", id)
            .detail(format!("{} -> {to}", found.status))
            .ip(me.ip().map(str::to_owned));
        let s = ReferralStep {
            to,
            support,
            message,
            case_note: note,
            hand_over: matches!(step, PartnerStep::Accept) && to == ReferralStatus::Accepted,
            actor: me.id(),
        };
        Ok(self.db.referral_step(me.org(), id, version, &s, &audit, self.now()).await?)
    }

    /// Write in a referral's thread, from either side; sealed at rest, audited.
    ///
    /// # Errors
    /// Not found for the caller; the message is empty or too long.
    pub async fn referral_message(&self, caller: &Caller, id: Uuid, text: &str) -> Result<()> {
        let (found, side) = self.visible_referral(caller, id).await?;
        let text = referral::parse_message(text)?;
        let mid = Uuid::now_v7();
        let m = NewReferralMessage {
            id: mid,
            from_partner: side == Side::Partner,
            actor_id: caller.id(),
            sealed: self.seal_for(found.org_id, mid, text.as_bytes())?,
        };
        let audit = NewAuditEntry::new(AuditAction::ReferralMessage)
            .org(caller.org())
            .actor(caller.id())
            .target("referral", id)
            .ip(caller.ip().map(str::to_owned));
        self.db.add_referral_message(caller.org(), id, &m, &audit, self.now()).await?;
        Ok(())
    }
}
