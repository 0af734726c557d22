//! Triage, the security desk's use cases: the queue, a case (its sealed text opened
//! and the viewing audited), the workflow, assignment, notes, escalation to an
//! authority, merging reports of one event, and the yearly compliance figures.
//! Every one needs the `desk_analyst` role and acts in the caller's organisation only.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::authority::{self, CaseFacts, ContactRecord};
use sightline_domain::crypto::Sealed;
use sightline_domain::directory;
use sightline_domain::ids::{DirectoryEntryId, UserId};
use sightline_domain::report::{AirportLookup, SealedText};
use sightline_domain::triage::{self, CaseStatus, EscalationLead, Outcome};
use sightline_domain::user::Role;
use sightline_storage::{
    CaseEvent, CaseRecord, Contact, Owned, QueueFilter, ReferralRecord, StorageError, StoredEntry, UserRecord,
};
use time::{Date, Month, Time};
use uuid::Uuid;

use crate::access::{Asker, OrRefuse};
use crate::{App, AppError, Caller, Result};

/// The most cases one queue read returns.
pub const MAX_QUEUE_ROWS: i64 = 500;

/// The queue and the organisation's escalation lead time (for the timers).
#[derive(Debug, Clone)]
pub struct Queue {
    pub cases: Vec<CaseRecord>,
    pub lead: EscalationLead,
    /// Referrals a partner has not acknowledged in time: the desk should reach them.
    pub waiting_referrals: Vec<ReferralRecord>,
    /// The organisation's latest live-queue change id, read before the cases: a page
    /// showing them opens its event stream after it and misses nothing.
    pub last_change: i64,
}

/// A case as the desk works it: the record, its opened text, its history and what the
/// desk can do next.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: CaseRecord,
    pub status: CaseStatus,
    pub text: SealedText,
    /// Each event with its note opened, when it has one.
    pub events: Vec<(CaseEvent, Option<String>)>,
    /// The organisation's people (names for the history; analysts to assign to).
    pub people: Vec<UserRecord>,
    /// The routed contacts, in the order the desk is offered them.
    pub contacts: Vec<StoredEntry>,
    /// Where and how the contacts were routed, and what the directory lacks there.
    pub routing: Routing,
    /// Every directory entry in use ("another authority").
    pub directory: Vec<StoredEntry>,
    /// What to tell the authority (domain rule: [`authority::message`]).
    pub authority_message: String,
    /// Other reports that may be the same event.
    pub suggestions: Vec<CaseRecord>,
    /// Reports merged into this case.
    pub merged: Vec<CaseRecord>,
    /// A public tip's part: when it was seen, the contact method, the thread.
    pub tip: Option<crate::tips::TipFile>,
    /// The case's referrals to partners, oldest first.
    pub referrals: Vec<ReferralRecord>,
    /// The partner organisations in Sightline the case may be referred to.
    pub partners: Vec<sightline_storage::Organisation>,
    /// The caller may place and lift a legal hold (an administrator).
    pub can_hold: bool,
}

/// Where a case's contacts were routed ([`directory::route`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// The end of the flight the report's phase points to (origin before departure).
    pub leg: directory::Leg,
    /// The airport (IATA) and country routed for; empty when the airport is unknown.
    pub airport: String,
    pub country: String,
    /// The report says the person is in immediate danger: 24/7 phones first.
    pub urgent: bool,
    /// No airport police or border police duty line is listed for the airport.
    pub no_airport_duty_line: bool,
    /// No 24/7 number in international (E.164) format is listed for the country.
    pub no_international_24_7: bool,
}

/// What the desk entered to record a hand-off to an authority.
#[derive(Debug, Clone, Default)]
pub struct Escalation {
    /// A routed contact's id, or `other`.
    pub contact: String,
    /// The directory entry when `contact` is `other`.
    pub contact_other: String,
    pub method: String,
    pub reference: String,
    pub gate_override: String,
}

/// A case's status (the record carries it as a [`CaseStatus`]).
#[must_use]
pub const fn status_of(c: &CaseRecord) -> CaseStatus {
    c.status
}

impl App {
    fn analyst<'a>(&self, caller: &'a Caller) -> Result<&'a Caller> {
        caller.require(Role::DeskAnalyst)
    }

    /// The caller's organisation's case `id`; another organisation's is "not found",
    /// and the attempt is audited.
    pub(crate) async fn own_case(&self, caller: &Caller, id: Uuid) -> Result<CaseRecord> {
        Ok(self.db.case(caller.org(), id).await.or_refuse(self, Asker::of(caller), Owned::Report(id)).await?)
    }

    /// The queue: the organisation's cases, most urgent first (immediate danger, then
    /// the time to landing), at most `limit` (bounded by [`MAX_QUEUE_ROWS`]).
    ///
    /// # Errors
    /// Not a desk analyst; the database failed.
    pub async fn desk_queue(&self, caller: &Caller, filter: &QueueFilter, limit: i64) -> Result<Queue> {
        let me = self.analyst(caller)?;
        let last_change = self.db.latest_queue_change(me.org()).await?;
        let cases = self.db.queue(me.org(), filter, limit.clamp(1, MAX_QUEUE_ROWS)).await?;
        let lead = self.db.escalation_lead(me.org()).await?;
        let waiting_referrals = self.db.waiting_referrals(me.org()).await?;
        Ok(Queue { cases, lead, waiting_referrals, last_change })
    }

    /// Open a case: its sealed text is decrypted, so every opening is audited
    /// (`report.viewed`).
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case; the text cannot be opened
    /// with this server's key.
    pub async fn open_case(&self, caller: &Caller, id: Uuid) -> Result<CaseFile> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let entry = NewAuditEntry::new(AuditAction::ReportViewed)
            .org(me.org())
            .actor(me.id())
            .target("report", case.id)
            .ip(me.ip().map(str::to_owned));
        self.db.append_audit(&entry, self.now()).await?;
        self.case_file(me, case).await
    }

    /// The case again after a refused change (already opened and audited).
    ///
    /// # Errors
    /// As [`Self::open_case`].
    pub async fn reopen_case(&self, caller: &Caller, id: Uuid) -> Result<CaseFile> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        self.case_file(me, case).await
    }

    fn open_sealed(&self, caller: &Caller, id: Uuid, (body, wrapped_key): (Vec<u8>, Vec<u8>)) -> Option<Vec<u8>> {
        self.keys.open(caller.org(), id, &Sealed { body, wrapped_key }).ok()
    }

    async fn case_file(&self, me: &Caller, case: CaseRecord) -> Result<CaseFile> {
        // A tombstone's text was removed under the retention policy: nothing to open.
        let text: SealedText = if case.tombstone.is_some() {
            SealedText::default()
        } else {
            let sealed = self.db.report_sealed(me.org(), case.id).await?;
            self.open_sealed(me, case.id, sealed).and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| {
                AppError::Internal("the report text could not be opened with this server's key".into())
            })?
        };
        let events = self
            .db
            .case_events(me.org(), case.id)
            .await?
            .into_iter()
            .map(|e| {
                let note = e
                    .sealed
                    .clone()
                    .and_then(|s| self.open_sealed(me, case.id, s))
                    .map(|b| String::from_utf8_lossy(&b).into_owned());
                (e, note)
            })
            .collect();
        let people = self.db.list_users(me.org()).await?;
        // The directory is read once: routed here, listed whole for "another authority".
        let directory = self.db.directory().await?;
        let (contacts, routing) = self.routed_contacts(&case, &directory);
        let signs = case
            .indicators
            .split_whitespace()
            .map(|code| self.library.indicators.get(code).map_or(code, |i| i.label.get("en")))
            .collect();
        let facts = case_facts(&case, signs);
        let organisation = self.db.get_org(me.org()).await?.name;
        let authority_message = authority::message(&facts, &text, &me.user().name, &organisation);
        let suggestions = self.db.merge_suggestions(me.org(), case.id).await?;
        let merged = self.db.merged_reports(me.org(), case.id).await?;
        let tip = if case.public_tip { Some(self.tip_file(me, case.id, text.contact.clone()).await?) } else { None };
        let referrals = self.db.case_referrals(me.org(), case.id).await?;
        let partners = self.referral_partners(me).await?.organisations;
        Ok(CaseFile {
            can_hold: me.has(Role::OrgAdmin) || me.has(Role::PlatformAdmin),
            referrals,
            partners,
            status: status_of(&case),
            case,
            text,
            events,
            people,
            contacts,
            routing,
            directory,
            authority_message,
            suggestions,
            merged,
            tip,
        })
    }

    /// The directory's contacts for a case, in the order the desk is offered them: at
    /// the origin for a report made before departure, at the destination otherwise
    /// (the other end when that airport is unknown); 24/7 phones first when urgent.
    fn routed_contacts(&self, c: &CaseRecord, entries: &[StoredEntry]) -> (Vec<StoredEntry>, Routing) {
        let leg = directory::Leg::of(c.phase);
        let (first, second) = match leg {
            directory::Leg::Origin => (&c.origin, &c.destination),
            directory::Leg::Destination => (&c.destination, &c.origin),
        };
        let airports = &self.library.airports;
        let place = airports.airport(first).or_else(|| airports.airport(second));
        let urgent = c.immediate_danger;
        let Some(place) = place else {
            let routing = Routing {
                leg,
                airport: String::new(),
                country: String::new(),
                urgent,
                no_airport_duty_line: true,
                no_international_24_7: true,
            };
            return (Vec::new(), routing);
        };
        let q = directory::RouteQuery { country: &place.country, airport: &place.iata, urgent };
        let contacts: Vec<StoredEntry> = directory::route(entries, |s| &s.entry, q).into_iter().cloned().collect();
        let routing = Routing {
            leg,
            airport: place.iata.clone(),
            country: place.country.clone(),
            urgent,
            no_airport_duty_line: directory::lacks_airport_duty_line(&contacts, |s| &s.entry),
            no_international_24_7: directory::lacks_international_24_7(&contacts, |s| &s.entry),
        };
        (contacts, routing)
    }

    /// Move a case along the workflow (domain rule: [`triage::transition`]) if it is
    /// still at `version`.
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case; the transition breaks a rule
    /// ([`AppError::Invalid`]); someone changed the case first ([`AppError::Conflict`]).
    pub async fn transition_case(
        &self,
        caller: &Caller,
        id: Uuid,
        version: i64,
        to: &str,
        reason: &str,
        outcome: &str,
    ) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let to: CaseStatus = to.parse()?;
        let t = triage::transition(status_of(&case), to, reason, outcome.parse::<Outcome>().ok())?;
        self.db.transition_case(me.org(), case.id, version, &t, me.id(), self.now()).await?;
        Ok(())
    }

    /// Assign a case to an analyst of the organisation, or to no one.
    ///
    /// # Errors
    /// As [`Self::transition_case`]; the assignee is not of this organisation.
    pub async fn assign_case(&self, caller: &Caller, id: Uuid, version: i64, to: Option<UserId>) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        if let Some(u) = to {
            self.db.get_user(me.org(), u).await.or_refuse(self, Asker::of(me), Owned::User(u)).await?;
        }
        self.db.assign_case(me.org(), case.id, version, to, me.id(), self.now()).await?;
        Ok(())
    }

    /// Add a note to a case, sealed at rest like the report.
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case; the note is empty or too long.
    pub async fn note_case(&self, caller: &Caller, id: Uuid, note: &str) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let text = authority::parse_note(note)?;
        let r = crate::security::seal_random().map_err(AppError::Internal)?;
        let sealed =
            self.keys.seal(me.org(), case.id, text.as_bytes(), &r).map_err(|e| AppError::Internal(e.to_string()))?;
        self.db.add_case_note(me.org(), case.id, (sealed.body, sealed.wrapped_key), me.id(), self.now()).await?;
        Ok(())
    }

    /// Record the hand-off to an authority: a contact routed for the destination, or
    /// any directory entry in use ("other" — the origin's authorities when the aircraft
    /// turns back). A report that did not pass the decision gate needs the analyst's
    /// reason.
    ///
    /// # Errors
    /// As [`Self::transition_case`]; every field at fault.
    pub async fn escalate_case(&self, caller: &Caller, id: Uuid, version: i64, e: &Escalation) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let chosen = if e.contact == "other" {
            match e.contact_other.parse::<DirectoryEntryId>() {
                Ok(id) => match self.db.directory_entry(id).await {
                    Ok(s) if s.removed_at.is_none() => Some(s),
                    Ok(_) | Err(StorageError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                Err(_) => None,
            }
        } else {
            let (routed, _) = self.routed_contacts(&case, &self.db.directory().await?);
            e.contact.parse::<DirectoryEntryId>().ok().and_then(|id| routed.into_iter().find(|s| s.id == id))
        };
        let Some(chosen) = chosen else { return Err(AppError::field("contact", "required")) };
        let record = ContactRecord::parse(&e.method, &e.reference, &e.gate_override, case.gate_passed)?;
        let contact = Contact {
            organisation: chosen.entry.organisation.clone(),
            kind: chosen.entry.kind,
            method: record.method,
            reference: record.reference,
            gate_override: record.gate_override,
        };
        self.db.record_contact(me.org(), case.id, version, &contact, me.id(), self.now()).await?;
        Ok(())
    }

    /// Merge `other`, a report of the same event, into case `id` (it keeps its content).
    ///
    /// # Errors
    /// As [`Self::transition_case`], for either report.
    pub async fn merge_cases(&self, caller: &Caller, id: Uuid, other: Uuid) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let other = self.own_case(me, other).await?;
        self.db.merge_reports(me.org(), case.id, other.id, me.id(), self.now()).await?;
        Ok(())
    }

    /// Say that `other` is not the same event as case `id`.
    ///
    /// # Errors
    /// As [`Self::merge_cases`].
    pub async fn dismiss_merge(&self, caller: &Caller, id: Uuid, other: Uuid) -> Result<()> {
        let me = self.analyst(caller)?;
        let case = self.own_case(me, id).await?;
        let other = self.own_case(me, other).await?;
        self.db.dismiss_merge(me.org(), case.id, other.id).await?;
        Ok(())
    }

    /// Notifications received in a US federal fiscal year (1 Oct – 30 Sep; the current
    /// one when `year` is none) and, for each, when a hotline or law enforcement was
    /// first notified (49 U.S.C. 40118(g)). Returns the fiscal year and the rows.
    ///
    /// # Errors
    /// Not a desk analyst; a year out of range; the database failed.
    pub async fn notifications(&self, caller: &Caller, year: Option<i32>) -> Result<(i32, Vec<Notification>)> {
        let me = self.analyst(caller)?;
        let now = self.now();
        let fy = year.unwrap_or(if u8::from(now.month()) >= 10 { now.year() + 1 } else { now.year() });
        let start =
            |y: i32| Date::from_calendar_date(y, Month::October, 1).map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
        let (Ok(from), Ok(to)) = (start(fy - 1), start(fy)) else {
            return Err(AppError::NotFound);
        };
        let rows = self.db.notifications(me.org(), from, to).await?;
        Ok((fy, rows))
    }
}

/// A report and the first notification of a hotline or law enforcement about it:
/// (when, organisation, kind).
pub type Notification = (CaseRecord, Option<sightline_storage::FirstNotification>);

/// What a case says, for the message to an authority and for a referral; `signs` as the
/// reader needs them (named for an authority, codes for a referral).
pub(crate) fn case_facts<'a>(case: &'a CaseRecord, signs: Vec<&'a str>) -> CaseFacts<'a> {
    CaseFacts {
        reference: &case.reference,
        flight: &case.flight,
        flight_date: &case.flight_date,
        origin: &case.origin,
        destination: &case.destination,
        scheduled_arrival: case.scheduled_arrival,
        seats: &case.seats,
        potential_victims: case.potential_victims,
        companions: case.companions,
        signs,
        reporter_role: case.reporter_role.as_str(),
    }
}
