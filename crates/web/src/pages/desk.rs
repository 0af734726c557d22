//! Triage: the security desk's live queue, the case view (decrypted text, every view
//! audited), the workflow, notes, assignment, escalation to the destination's
//! authorities, and the yearly compliance export.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::FieldError;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::crypto::{SealRandom, Sealed};
use sightline_domain::directory;
use sightline_domain::ids::{DirectoryEntryId, UserId};
use sightline_domain::report::{AirportLookup, PersonDescription};
use sightline_domain::triage::{self, CaseStatus, Outcome};
use sightline_domain::user::Role;
use sightline_storage::{CaseRecord, Contact, Owned, QueueFilter, StorageError, StoredEntry, UserRecord};
use time::{Date, Month, OffsetDateTime, Time};
use uuid::Uuid;

use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::access::OrRefuse;
use crate::error::PageError;
use crate::security::random_bytes;
use crate::visitor::Visitor;

/// How many cases the queue shows (the most urgent; filters narrow it further).
const QUEUE_ROWS: i64 = 100;

fn analyst(v: &Visitor) -> Result<&UserRecord, PageError> {
    v.require_role(Role::DeskAnalyst)
}

#[derive(Deserialize, Default, Clone)]
pub struct QueueQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub flight: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub destination: String,
}

impl QueueQuery {
    fn filter(&self) -> QueueFilter {
        QueueFilter {
            status: self.status.parse().ok(),
            include_closed: self.status == "closed",
            flight: Some(self.flight.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()),
            date: Some(self.date.trim().to_owned()).filter(|s| !s.is_empty()),
            destination: Some(self.destination.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()),
            include_merged: false,
        }
    }
    fn query_string(&self) -> String {
        let enc =
            |s: &str| {
                s.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b == b'-' {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>()
            };
        format!(
            "status={}&flight={}&date={}&destination={}",
            enc(&self.status),
            enc(&self.flight),
            enc(&self.date),
            enc(&self.destination)
        )
    }
}

pub struct Row {
    pub id: String,
    pub reference: String,
    pub danger: bool,
    pub flight: String,
    pub route: String,
    pub countdown: String,
    pub landed: bool,
    pub escalation_due: bool,
    pub unacknowledged_late: bool,
    pub age: String,
    pub status: String,
    pub gate_passed: bool,
    pub assigned_to_me: bool,
}

fn rows(state: &AppState, me: &UserRecord, lead: triage::EscalationLead, cases: Vec<CaseRecord>) -> Vec<Row> {
    let now = state.now();
    cases
        .into_iter()
        .map(|c| {
            let status = c.status;
            let t = triage::timers(status, c.received_at, c.scheduled_arrival, lead.duration(), now);
            Row {
                id: c.id.to_string(),
                reference: c.reference,
                danger: c.immediate_danger,
                flight: format!("{} {}", c.flight, c.flight_date),
                route: format!("{}–{}", c.origin, c.destination),
                countdown: t.to_landing.map(triage::countdown).unwrap_or_default(),
                landed: t.to_landing.is_some_and(|d| d.is_negative()),
                escalation_due: t.escalation_due,
                unacknowledged_late: t.unacknowledged_late,
                age: triage::countdown(now - c.received_at),
                status: c.status.to_string(),
                gate_passed: c.gate_passed,
                assigned_to_me: c.assigned_to == Some(me.id),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "desk.html")]
struct QueuePage {
    ctx: Ctx,
    q: QueueQuery,
    query: String,
    rows: Vec<Row>,
    statuses: [CaseStatus; 5],
    lead_minutes: String,
}

#[derive(Template)]
#[template(path = "desk_rows.html")]
struct RowsPartial {
    ctx: Ctx,
    rows: Vec<Row>,
}

/// The queue: the organisation's open cases, most urgent first.
pub async fn queue(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let me = analyst(&v)?;
    let cases = state.db.queue(me.org_id, &q.filter(), QUEUE_ROWS).await?;
    let lead = state.db.escalation_lead(me.org_id).await?;
    let rows = rows(&state, me, lead, cases);
    let lead_minutes = lead.minutes().to_string();
    render(&QueuePage { ctx: Ctx::new(&v), query: q.query_string(), q, rows, statuses: CaseStatus::ALL, lead_minutes })
}

/// The queue's rows alone, for the page to refresh itself every few seconds.
pub async fn queue_rows(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let me = analyst(&v)?;
    let cases = state.db.queue(me.org_id, &q.filter(), QUEUE_ROWS).await?;
    let lead = state.db.escalation_lead(me.org_id).await?;
    let rows = rows(&state, me, lead, cases);
    render(&RowsPartial { ctx: Ctx::new(&v), rows })
}

// ----- the case -------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct Sensitive {
    #[serde(default)]
    victims: Vec<PersonDescription>,
    #[serde(default)]
    companions_described: Vec<PersonDescription>,
    #[serde(default)]
    free_text: String,
}

pub struct EventView {
    pub at: String,
    pub who: String,
    pub text: String,
    pub note: Option<String>,
}

pub struct ContactOption {
    pub id: String,
    pub first: bool,
    pub organisation: String,
    pub kind: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    pub source: String,
    pub verified: String,
    pub stale: bool,
}

#[derive(Template)]
#[template(path = "desk_case.html")]
struct CasePage {
    ctx: Ctx,
    c: CaseRecord,
    indicators: Vec<(String, bool)>,
    people: Vec<String>,
    free_text: String,
    events: Vec<EventView>,
    next: Vec<CaseStatus>,
    outcomes: [Outcome; 5],
    analysts: Vec<(String, String)>,
    assigned: String,
    countdown: String,
    destination_name: String,
    contacts: Vec<ContactOption>,
    /// Every entry in use, for "another authority": (id, "FI · organisation (kind)").
    directory: Vec<(String, String)>,
    authority_message: String,
    errors: FormErrors,
    notice: Option<String>,
    /// Other reports that may be the same event (same flight and date).
    suggestions: Vec<(String, String, String)>,
    /// Reports merged into this case.
    merged: Vec<(String, String)>,
    /// Message keys for the status, role, phase and awareness.
    keys: (String, String, String, String),
}

fn parse_case_id(s: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(s).map_err(|_| PageError::NotFound)
}

/// Another organisation's case (or none) is "not found", and the attempt is audited.
/// A state-changing request on a case: the analyst, after the CSRF check, and the
/// case (another organisation's is "not found", and audited).
async fn case_action(
    state: &AppState,
    v: &Visitor,
    id: &str,
    csrf: &str,
) -> Result<(UserRecord, CaseRecord), PageError> {
    let me = analyst(v)?.clone();
    v.check_csrf(csrf)?;
    let c = load_case(state, v, &me, id).await?;
    Ok((me, c))
}

async fn load_case(state: &AppState, v: &Visitor, me: &UserRecord, id: &str) -> Result<CaseRecord, PageError> {
    let id = parse_case_id(id)?;
    Ok(state.db.case(me.org_id, id).await.or_refuse(state, v.asker(me), Owned::Report(id)).await?)
}

fn describe(ctx: &Ctx, role: &str, p: &PersonDescription) -> String {
    let mut s = format!(
        "{}: {}, {}",
        ctx.t(role),
        ctx.t(&format!("report-age-{}", p.age_range.as_str())),
        ctx.t(&format!("report-gender-{}", p.gender.as_str()))
    );
    if !p.clothing.is_empty() {
        s.push_str(&format!(", {}", p.clothing));
    }
    s
}

fn open(
    state: &AppState,
    c_org: sightline_domain::ids::OrgId,
    id: Uuid,
    body: Vec<u8>,
    wrapped: Vec<u8>,
) -> Option<Vec<u8>> {
    state.keys.open(c_org, id, &Sealed { body, wrapped_key: wrapped }).ok()
}

async fn case_page(
    state: &AppState,
    v: &Visitor,
    me: &UserRecord,
    c: CaseRecord,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<CasePage, PageError> {
    let ctx = Ctx::new(v);
    let lang = v.lang.code();
    let (body, wrapped) = state.db.report_sealed(me.org_id, c.id).await?;
    let sensitive: Sensitive = open(state, me.org_id, c.id, body, wrapped)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| PageError::Internal("the report text could not be opened with this server's key".into()))?;
    let indicators = c
        .indicators
        .split_whitespace()
        .map(|code| {
            let ind = state.library.indicators.get(code);
            (ind.map_or_else(|| code.to_owned(), |i| i.label.get(lang).to_owned()), ind.is_some_and(|i| i.core_four))
        })
        .collect();
    let mut people: Vec<String> =
        sensitive.victims.iter().map(|p| describe(&ctx, "report-describe-victim", p)).collect();
    people.extend(sensitive.companions_described.iter().map(|p| describe(&ctx, "report-describe-companion", p)));
    let users = state.db.list_users(me.org_id).await?;
    let names: HashMap<_, _> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let mut events = Vec::new();
    for e in state.db.case_events(me.org_id, c.id).await? {
        let who = e.actor_id.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
        let note = e
            .sealed
            .clone()
            .and_then(|(b, w)| open(state, me.org_id, c.id, b, w))
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let text = match e.kind.as_str() {
            "transition" => format!(
                "{} → {}{}",
                ctx.t(&format!("case-status-{}", e.from_status.map_or("", CaseStatus::as_str))),
                ctx.t(&format!("case-status-{}", e.to_status.map_or("", CaseStatus::as_str))),
                e.reason.map(|r| format!(" ({r})")).unwrap_or_default()
            ),
            "assignment" => ctx.t1(
                "case-event-assigned",
                "name",
                &e.reason
                    .as_deref()
                    .and_then(|r| r.parse().ok())
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_else(|| "—".into()),
            ),
            "contact" => format!(
                "{}: {} ({}, {}){}",
                ctx.t("case-event-contact"),
                e.contact_org.unwrap_or_default(),
                e.contact_method.unwrap_or_default(),
                e.contact_reference.unwrap_or_default(),
                e.reason.map(|r| format!(" — {}: {r}", ctx.t("case-gate-override"))).unwrap_or_default()
            ),
            _ => match (&note, &e.reason) {
                (None, Some(r)) => ctx.t1("case-event-merged", "reference", r.trim_start_matches("merged ")),
                _ => ctx.t("case-event-note"),
            },
        };
        events.push(EventView { at: ctx.datetime(&e.at), who, text, note });
    }
    let status = c.status;
    let next = CaseStatus::ALL.into_iter().filter(|s| *s != status).collect();
    let analysts = users
        .iter()
        .filter(|u| u.has_role(Role::DeskAnalyst) && u.active)
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let assigned = c.assigned_to.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
    let now = state.now();
    let countdown = c.scheduled_arrival.map(|a| triage::countdown(a - now)).unwrap_or_default();
    let dest = state.library.airports.airport(&c.destination);
    let destination_name =
        dest.map_or_else(|| c.destination.clone(), |a| format!("{} ({}, {})", a.name, a.city, a.country));
    let routed = routed_contacts(state, &c).await?;
    let today = now.date();
    let contacts = routed
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.id, &s.entry))
        .map(|(i, id, e)| ContactOption {
            id: id.to_string(),
            first: i == 0,
            organisation: e.organisation.clone(),
            kind: e.kind.as_str().to_owned(),
            phone: e.phone.clone().unwrap_or_default(),
            email: e.email.clone().unwrap_or_default(),
            hours: e.hours.clone(),
            source: e.source.clone(),
            verified: e.last_verified.clone(),
            stale: e.is_stale(today),
        })
        .collect();
    let arrival = c.scheduled_arrival.map(|a| ctx.datetime(&a)).unwrap_or_else(|| "—".into());
    let authority_message = format!(
        "Suspected human trafficking — {flight} on {date}, {origin} to {dest}, scheduled arrival {arrival}. \
         Seats {seats}. Potential victims: {v}; companions: {co}. Observed: {inds}. {people} \
         Reported by {role} (our reference {reference}). Please meet the aircraft. Call back: {me} at {org}.",
        flight = c.flight,
        date = c.flight_date,
        origin = c.origin,
        dest = c.destination,
        seats = if c.seats.is_empty() { "unknown" } else { &c.seats },
        v = c.potential_victims,
        co = c.companions,
        inds = c
            .indicators
            .split_whitespace()
            .map(|code| state.library.indicators.get(code).map_or(code, |i| i.label.get("en")))
            .collect::<Vec<_>>()
            .join("; "),
        people = sensitive
            .victims
            .iter()
            .chain(&sensitive.companions_described)
            .map(|p| format!(
                "{} {}{}.",
                p.age_range.as_str().replace('_', " "),
                p.gender.as_str(),
                if p.clothing.is_empty() { String::new() } else { format!(", {}", p.clothing) }
            ))
            .collect::<Vec<_>>()
            .join(" "),
        role = c.reporter_role.as_str().replace('_', " "),
        reference = c.reference,
        me = me.name,
        org = state.db.get_org(me.org_id).await?.name,
    );
    let suggestions = state
        .db
        .merge_suggestions(me.org_id, c.id)
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.reference, o.seats))
        .collect();
    let merged =
        state.db.merged_reports(me.org_id, c.id).await?.into_iter().map(|o| (o.id.to_string(), o.reference)).collect();
    Ok(CasePage {
        suggestions,
        merged,
        ctx,
        indicators,
        people,
        free_text: sensitive.free_text,
        events,
        next,
        outcomes: Outcome::ALL,
        analysts,
        assigned,
        countdown,
        destination_name,
        contacts,
        directory: state
            .db
            .directory()
            .await?
            .into_iter()
            .map(|s| {
                let place = s.entry.airport.as_deref().map_or_else(String::new, |a| format!(" {a}"));
                let label = format!("{}{place} · {} ({})", s.entry.country, s.entry.organisation, s.entry.kind);
                (s.id.to_string(), label)
            })
            .collect(),
        authority_message,
        errors,
        notice,
        keys: (
            format!("case-status-{}", c.status),
            format!("report-role-{}", c.reporter_role),
            format!("report-phase-{}", c.phase),
            format!("report-aware-{}", c.companion_aware),
        ),
        c,
    })
}

/// The case. Opening it decrypts the report text, so every view is audited.
pub async fn case(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Result<Response, PageError> {
    let me = analyst(&v)?.clone();
    let c = load_case(&state, &v, &me, &id).await?;
    let entry = NewAuditEntry::new(AuditAction::ReportViewed)
        .org(me.org_id)
        .actor(me.id)
        .target("report", c.id)
        .ip(v.ip.clone());
    state.db.append_audit(&entry, state.now()).await?;
    let page = case_page(&state, &v, &me, c, FormErrors::default(), None).await?;
    render(&page)
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    contact: String,
    /// The directory entry when `contact` is `other`.
    #[serde(default)]
    contact_other: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    gate_override: String,
}

/// After a change: back to the case (PRG); on a problem, the case again with the
/// message (a version conflict is a 409: someone else changed it first).
async fn done(
    state: &AppState,
    v: &Visitor,
    me: &UserRecord,
    id: Uuid,
    result: Result<(), (StatusCode, FieldError)>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/desk/cases/{id}")).into_response()),
        Err((status, e)) => {
            let mut errors = FormErrors::default();
            errors.add(v.lang, &e);
            let c = state.db.case(me.org_id, id).await?;
            let page = case_page(state, v, me, c, errors, None).await?;
            Ok((status, Html(page.render()?)).into_response())
        }
    }
}

fn storage_result(r: Result<i64, StorageError>) -> Result<Result<(), (StatusCode, FieldError)>, PageError> {
    match r {
        Ok(_) => Ok(Ok(())),
        Err(StorageError::Conflict { .. }) => {
            Ok(Err((StatusCode::CONFLICT, FieldError::new("version", "changed-meanwhile"))))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn transition(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    let from = c.status;
    let to: Result<CaseStatus, _> = f.to.parse();
    let outcome = f.outcome.parse::<Outcome>().ok();
    let checked = to.and_then(|to| triage::transition(from, to, &f.reason, outcome));
    let result = match checked {
        Ok(t) => storage_result(state.db.transition_case(me.org_id, c.id, f.version, &t, me.id, state.now()).await)?,
        Err(e) => Err((StatusCode::UNPROCESSABLE_ENTITY, e)),
    };
    done(&state, &v, &me, c.id, result).await
}

pub async fn assign(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    let to: Option<UserId> =
        if f.assignee.is_empty() { None } else { Some(f.assignee.parse().map_err(|_| PageError::NotFound)?) };
    if let Some(u) = to {
        state.db.get_user(me.org_id, u).await.or_refuse(&state, v.asker(&me), Owned::User(u)).await?;
    }
    let result = storage_result(state.db.assign_case(me.org_id, c.id, f.version, to, me.id, state.now()).await)?;
    done(&state, &v, &me, c.id, result).await
}

pub async fn note(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    let text = f.note.trim();
    if text.is_empty() || text.chars().count() > 4000 {
        let code = if text.is_empty() { "required" } else { "too-long" };
        return done(&state, &v, &me, c.id, Err((StatusCode::UNPROCESSABLE_ENTITY, FieldError::new("note", code))))
            .await;
    }
    let r = SealRandom {
        data_key: random_bytes::<32>().map_err(PageError::Internal)?,
        nonce: random_bytes::<24>().map_err(PageError::Internal)?,
        wrap_nonce: random_bytes::<24>().map_err(PageError::Internal)?,
    };
    let sealed =
        state.keys.seal(me.org_id, c.id, text.as_bytes(), &r).map_err(|e| PageError::Internal(e.to_string()))?;
    state.db.add_case_note(me.org_id, c.id, (sealed.body, sealed.wrapped_key), me.id, state.now()).await?;
    done(&state, &v, &me, c.id, Ok(())).await
}

/// The directory's contacts for a case's destination, in the order the desk is offered them.
async fn routed_contacts(state: &AppState, c: &CaseRecord) -> Result<Vec<StoredEntry>, PageError> {
    let Some(dest) = state.library.airports.airport(&c.destination) else { return Ok(Vec::new()) };
    let entries = state.db.directory_for(&dest.country).await?;
    Ok(directory::route(&entries, |s| &s.entry, &dest.country, &dest.iata).into_iter().cloned().collect())
}

/// Record the hand-off to an authority from the routed directory. A report that did
/// not pass the decision gate needs the analyst's reason.
pub async fn escalate(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    // A routed contact, or ("other") any entry in use elsewhere in the directory — say
    // the origin's authorities when the aircraft turns back.
    let chosen = if f.contact == "other" {
        match f.contact_other.parse::<DirectoryEntryId>() {
            Ok(id) => match state.db.directory_entry(id).await {
                Ok(s) if s.removed_at.is_none() => Some(s),
                Ok(_) | Err(StorageError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        }
    } else {
        let routed = routed_contacts(&state, &c).await?;
        f.contact.parse::<DirectoryEntryId>().ok().and_then(|id| routed.into_iter().find(|s| s.id == id))
    };
    let invalid = |field, code| Err((StatusCode::UNPROCESSABLE_ENTITY, FieldError::new(field, code)));
    let result = if chosen.is_none() {
        invalid("contact", "required")
    } else if !["phone", "email", "radio", "in_person", "other"].contains(&f.method.as_str()) {
        invalid("method", "unknown-value")
    } else if f.reference.chars().count() > 120 || f.gate_override.chars().count() > 500 {
        invalid("reference", "too-long")
    } else if !c.gate_passed && f.gate_override.trim().is_empty() {
        invalid("gate_override", "reason-required")
    } else {
        let e = chosen.map(|s| s.entry).ok_or(PageError::NotFound)?;
        let contact = Contact {
            organisation: e.organisation.clone(),
            kind: e.kind,
            method: f.method.clone(),
            reference: f.reference.trim().to_owned(),
            gate_override: (!c.gate_passed).then(|| f.gate_override.trim().to_owned()),
        };
        storage_result(state.db.record_contact(me.org_id, c.id, f.version, &contact, me.id, state.now()).await)?
    };
    done(&state, &v, &me, c.id, result).await
}

#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

/// Notifications received in a US federal fiscal year (1 Oct – 30 Sep) and, for each,
/// whether and when a hotline or law enforcement was notified (49 U.S.C. 40118(g)).
pub async fn compliance_csv(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let me = analyst(&v)?.clone();
    let now = state.now();
    let fy = q.year.unwrap_or(if u8::from(now.month()) >= 10 { now.year() + 1 } else { now.year() });
    let start =
        |y: i32| Date::from_calendar_date(y, Month::October, 1).map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
    let (Ok(from), Ok(to)) = (start(fy - 1), start(fy)) else {
        return Err(PageError::NotFound);
    };
    let rows = state.db.notifications(me.org_id, from, to).await?;
    let fmt = |t: &OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "fiscal_year",
        "reference",
        "received_at",
        "flight",
        "flight_date",
        "origin",
        "destination",
        "notified_hotline_or_law_enforcement",
        "notified_at",
        "notified_organisation",
        "notified_kind",
    ];
    let csv_error = |e: csv::Error| PageError::Internal(format!("compliance CSV: {e}"));
    w.write_record(header).map_err(csv_error)?;
    for (c, first) in &rows {
        let (yes, at, org, kind) = match first {
            Some((at, org, kind)) => ("yes", fmt(at), org.clone(), kind.to_string()),
            None => ("no", String::new(), String::new(), String::new()),
        };
        let record = [
            fy.to_string(),
            c.reference.clone(),
            fmt(&c.received_at),
            c.flight.clone(),
            c.flight_date.clone(),
            c.origin.clone(),
            c.destination.clone(),
            yes.to_owned(),
            at,
            org,
            kind,
        ];
        // Every cell is made safe to open in a spreadsheet (no formula injection).
        w.write_record(record.iter().map(|v| sightline_domain::export::spreadsheet_cell(v).into_owned()))
            .map_err(csv_error)?;
    }
    let out = w.into_inner().map_err(|e| PageError::Internal(format!("compliance CSV: {e}")))?;
    let mut res = out.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"sightline-notifications-FY{fy}.csv\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct OtherForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    other: String,
}

/// The other report a merge or dismissal names: one of this organisation's (another
/// organisation's is "not found", and audited).
async fn other_case(state: &AppState, v: &Visitor, me: &UserRecord, other: &str) -> Result<Uuid, PageError> {
    Ok(load_case(state, v, me, other).await?.id)
}

/// Merge another report of the same event into this case (it keeps its content).
pub async fn merge(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<OtherForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    let other = other_case(&state, &v, &me, &f.other).await?;
    let result = match state.db.merge_reports(me.org_id, c.id, other, me.id, state.now()).await {
        Ok(()) => Ok(()),
        Err(StorageError::Conflict { .. }) => {
            Err((StatusCode::CONFLICT, FieldError::new("version", "changed-meanwhile")))
        }
        Err(e) => return Err(e.into()),
    };
    done(&state, &v, &me, c.id, result).await
}

/// Say that another report is not the same event.
pub async fn dismiss(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<OtherForm>,
) -> Result<Response, PageError> {
    let (me, c) = case_action(&state, &v, &id, &f.csrf).await?;
    let other = other_case(&state, &v, &me, &f.other).await?;
    state.db.dismiss_merge(me.org_id, c.id, other).await?;
    done(&state, &v, &me, c.id, Ok(())).await
}
