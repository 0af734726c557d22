//! Triage: the security desk's live queue, the case view (decrypted text, every view
//! audited), the workflow, notes, assignment, escalation to the destination's
//! authorities, and the yearly compliance export.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::desk::{CaseFile, Escalation, Queue, Routing, status_of};
use sightline_app::live::LiveEvent;
use sightline_app::{AppError, Caller};
use sightline_domain::FieldError;
use sightline_domain::directory::{DirectoryEntry, Leg};
use sightline_domain::ids::UserId;
use sightline_domain::referral::{self, Consent, LawfulBasis, Profile, ReferralDraft, ReferralReason};
use sightline_domain::report::{AirportLookup, PersonDescription};
use sightline_domain::triage::{self, CaseStatus, Outcome};
use sightline_domain::user::Role;
use sightline_storage::{CaseEvent, CaseRecord, QueueFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use super::referrals::ReferralRow;
use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{CsrfForm, Signed, Visitor};

/// How many cases the queue shows (the most urgent; filters narrow it further).
const QUEUE_ROWS: i64 = 100;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct QueueQuery {
    pub status: String,
    pub flight: String,
    pub date: String,
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
    /// An urgent report kept with problems for the desk to check.
    pub flagged: bool,
    /// An anonymous tip from the public.
    pub public_tip: bool,
}

fn rows(state: &AppState, me: &Caller, queue: Queue) -> Vec<Row> {
    let now = state.now();
    queue
        .cases
        .into_iter()
        .map(|c| {
            let status = status_of(&c);
            let t = triage::timers(status, c.received_at, c.scheduled_arrival, queue.lead.duration(), now);
            Row {
                id: c.id.to_string(),
                reference: c.reference,
                danger: c.immediate_danger,
                flight: format!("{} {}", if c.flight.is_empty() { "—" } else { &c.flight }, c.flight_date),
                route: if c.flight.is_empty() && c.origin == c.destination {
                    format!("{} · {}", c.origin, c.place)
                } else {
                    format!("{}–{}", c.origin, c.destination)
                },
                countdown: t.to_landing.map(triage::countdown).unwrap_or_default(),
                landed: t.to_landing.is_some_and(|d| d.is_negative()),
                escalation_due: t.escalation_due,
                unacknowledged_late: t.unacknowledged_late,
                age: triage::countdown(now - c.received_at),
                status: c.status.to_string(),
                gate_passed: c.gate_passed,
                assigned_to_me: c.assigned_to == Some(me.id()),
                flagged: !c.flags.is_empty(),
                public_tip: c.public_tip,
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
    /// Referrals waiting too long for the partner: (referral id, case reference, partner, made).
    waiting: Vec<(String, String, String, String)>,
    ack_hours: String,
    /// The live-queue change the rows are as of (`/desk/events?after=`).
    after: i64,
}

#[derive(Template)]
#[template(path = "desk_rows.html")]
struct RowsPartial {
    ctx: Ctx,
    rows: Vec<Row>,
}

/// The queue: the organisation's open cases, most urgent first.
pub async fn queue(Signed { state, v, me }: Signed, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    let mut queue = state.desk_queue(&me, &q.filter(), QUEUE_ROWS).await?;
    let lead_minutes = queue.lead.minutes().to_string();
    let after = queue.last_change;
    let ctx = Ctx::new(&v);
    let waiting = std::mem::take(&mut queue.waiting_referrals)
        .into_iter()
        .map(|r| (r.id.to_string(), r.case_reference, r.recipient_name, ctx.datetime(&r.created_at)))
        .collect();
    let rows = rows(&state, &me, queue);
    render(&QueuePage {
        ctx,
        query: q.query_string(),
        q,
        rows,
        statuses: CaseStatus::ALL,
        lead_minutes,
        waiting,
        ack_hours: referral::ACKNOWLEDGE_WITHIN.whole_hours().to_string(),
        after,
    })
}

/// The queue's rows alone, for the page to refresh itself every few seconds.
pub async fn queue_rows(Signed { state, v, me }: Signed, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    let queue = state.desk_queue(&me, &q.filter(), QUEUE_ROWS).await?;
    render(&RowsPartial { ctx: Ctx::new(&v), rows: rows(&state, &me, queue) })
}

/// The queue's live events (server-sent events): each a changed case's id and what
/// happened (`new`, `updated`, `removed`), never its content; the page fetches
/// `/desk/rows` on each. `Last-Event-ID` (a reconnect) replays what was missed, or
/// sends `reset`; so does `?after=` (the change the page was rendered at) on a first
/// connection. Keep-alive comments every 15 s; the stream ends when the session does.
pub async fn events(
    Signed { state, v, me }: Signed,
    Query(q): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let header = headers.get("last-event-id").and_then(|h| h.to_str().ok());
    let last = header.and_then(|s| s.trim().parse::<i64>().ok()).or(q.after);
    let Some(session) = v.session_hash.as_deref() else {
        return Err(AppError::Forbidden.into());
    };
    let events = state.desk_events(&me, session, last).await?;
    let stream = futures_util::stream::unfold(events, |mut events| async move {
        let event = events.next().await?;
        Some((Ok::<_, std::convert::Infallible>(sse_event(&event)), events))
    });
    let keep_alive = KeepAlive::new().interval(std::time::Duration::from_secs(15));
    // `X-Accel-Buffering: no`: nginx passes each event on at once.
    Ok(([("x-accel-buffering", "no")], Sse::new(stream).keep_alive(keep_alive)).into_response())
}

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<i64>,
}

fn sse_event(event: &LiveEvent) -> Event {
    match event {
        LiveEvent::Change(c) => Event::default().id(c.id.to_string()).event("queue").data(format!(
            "{{\"case\":\"{}\",\"kind\":\"{}\"}}",
            c.case_id,
            c.kind.as_str()
        )),
        LiveEvent::Reset { id } => Event::default().id(id.to_string()).event("reset").data("{}"),
    }
}

// ----- the case -------------------------------------------------------------------------

pub struct EventView {
    pub at: String,
    pub who: String,
    pub text: String,
    pub note: Option<String>,
}

pub struct ContactOption {
    pub id: String,
    pub first: bool,
    pub entry: DirectoryEntry,
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
    /// Who the case is assigned to (preselected in the assign form).
    assigned_id: String,
    countdown: String,
    destination_name: String,
    contacts: Vec<ContactOption>,
    /// Where the contacts were routed and what the directory lacks there.
    routing: Routing,
    /// "Routed for the destination, Helsinki Airport (HEL, FI)."
    routing_place: String,
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
    /// A public tip's part: when seen, contact, the thread (at, from the desk, who, text).
    tip: Option<TipView>,
    /// The case's referrals.
    referrals: Vec<ReferralRow>,
    /// Whom to refer to (value, label): partners in Sightline, and routed directory
    /// entries outside it.
    partners: Vec<(String, String)>,
    outside: Vec<(String, String)>,
    /// The referral form as the desk filled it (kept when it comes back with errors).
    refer: ReferForm,
    /// The page comes back from the referral form (its errors are shown there).
    refer_posted: bool,
    consents: [Consent; 3],
    bases: [LawfulBasis; 5],
    reasons: [ReferralReason; 3],
    profiles: [Profile; 2],
    /// The caller may place and lift a legal hold.
    can_hold: bool,
    /// Who placed the hold, by name (empty when unknown).
    hold_by: String,
    /// The hold reason as typed (kept when refused).
    hold_reason: String,
}

/// The referral form's fields.
#[derive(Default, Clone)]
pub struct ReferForm {
    pub recipient: String,
    pub consent: String,
    pub lawful_basis: String,
    pub referral_reason: String,
    pub profile: String,
    pub details: String,
    pub referral_gate_override: String,
}

pub struct TipView {
    pub seen: String,
    pub contact: String,
    pub messages: Vec<(String, bool, String, String)>,
}

fn parse_case_id(s: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(s).map_err(|_| PageError::NotFound)
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

fn event_text(ctx: &Ctx, names: &HashMap<UserId, String>, e: CaseEvent, note: Option<&String>) -> String {
    match e.kind.as_str() {
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
        _ => match (note, &e.reason) {
            (None, Some(r)) => ctx.t1("case-event-merged", "reference", r.trim_start_matches("merged ")),
            _ => ctx.t("case-event-note"),
        },
    }
}

fn case_page(state: &AppState, v: &Visitor, file: CaseFile, errors: FormErrors) -> CasePage {
    let ctx = Ctx::new(v);
    let lang = v.lang.code();
    let (c, status, text, users, contacts, routing) =
        (file.case, file.status, file.text, file.people, file.contacts, file.routing);
    // Outside Sightline, the desk may refer to the contacts routed for this case.
    let outside = contacts
        .iter()
        .map(|s| {
            let kind = ctx.t(&format!("contact-kind-{}", s.entry.kind.as_str()));
            (format!("entry:{}", s.id), format!("{} · {} ({kind})", s.entry.country, s.entry.organisation))
        })
        .collect();
    let indicators = c
        .indicators
        .split_whitespace()
        .map(|code| {
            let ind = state.library.indicators.get(code);
            (ind.map_or_else(|| code.to_owned(), |i| i.label.get(lang).to_owned()), ind.is_some_and(|i| i.core_four))
        })
        .collect();
    let mut people: Vec<String> = text.victims.iter().map(|p| describe(&ctx, "report-describe-victim", p)).collect();
    people.extend(text.companions_described.iter().map(|p| describe(&ctx, "report-describe-companion", p)));
    let names: HashMap<_, _> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let events = file
        .events
        .into_iter()
        .map(|(e, note)| {
            let at = ctx.datetime(&e.at);
            let who = e.actor_id.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
            let text = event_text(&ctx, &names, e, note.as_ref());
            EventView { at, who, text, note }
        })
        .collect();
    // Forward steps first, so the list offers the next step, never a step back.
    let next = CaseStatus::ALL
        .into_iter()
        .filter(|s| *s > status)
        .chain(CaseStatus::ALL.into_iter().filter(|s| *s < status))
        .collect();
    let analysts = users
        .iter()
        .filter(|u| u.has_role(Role::DeskAnalyst) && u.active)
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let assigned = c.assigned_to.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
    let assigned_id = c.assigned_to.map(|a| a.to_string()).unwrap_or_default();
    let now = state.now();
    let countdown = c.scheduled_arrival.map(|a| triage::countdown(a - now)).unwrap_or_default();
    let dest = state.library.airports.airport(&c.destination);
    let destination_name =
        dest.map_or_else(|| c.destination.clone(), |a| format!("{} ({}, {})", a.name, a.city, a.country));
    let today = now.date();
    let contacts = contacts
        .iter()
        .enumerate()
        .map(|(i, s)| ContactOption {
            id: s.id.to_string(),
            first: i == 0,
            stale: s.entry.is_stale(today),
            entry: s.entry.clone(),
        })
        .collect();
    let routed_airport = state.library.airports.airport(&routing.airport);
    let place = routed_airport.map_or_else(String::new, |a| format!("{} ({}, {})", a.name, a.iata, a.country));
    let routing_key = match routing.leg {
        Leg::Origin => "case-routed-origin",
        Leg::Destination => "case-routed-destination",
    };
    let routing_place = ctx.t1(routing_key, "place", &place);
    let directory = file
        .directory
        .into_iter()
        .map(|s| {
            let place = s.entry.airport.as_deref().map_or_else(String::new, |a| format!(" {a}"));
            let kind = ctx.t(&format!("contact-kind-{}", s.entry.kind.as_str()));
            let label = format!("{}{place} · {} ({kind})", s.entry.country, s.entry.organisation);
            (s.id.to_string(), label)
        })
        .collect();
    let tip = file.tip.map(|t| TipView {
        seen: t.seen,
        contact: t.contact,
        messages: t
            .messages
            .into_iter()
            .map(|m| (ctx.datetime(&m.at), m.from_desk, m.author.unwrap_or_default(), m.text))
            .collect(),
    });
    let referrals = file.referrals.iter().map(|r| ReferralRow::of(&ctx, r)).collect();
    let partners = file
        .partners
        .iter()
        .map(|o| (format!("org:{}", o.id), format!("{} ({})", o.name, ctx.t(&format!("org-kind-{}", o.kind.as_str())))))
        .collect();
    let hold_by = c.hold.as_ref().and_then(|h| h.by).and_then(|u| names.get(&u).cloned()).unwrap_or_default();
    CasePage {
        can_hold: file.can_hold,
        hold_by,
        hold_reason: String::new(),
        referrals,
        partners,
        outside,
        refer: ReferForm::default(),
        refer_posted: false,
        consents: Consent::ALL,
        bases: LawfulBasis::ALL,
        reasons: ReferralReason::ALL,
        profiles: Profile::ALL,
        tip,
        suggestions: file.suggestions.into_iter().map(|o| (o.id.to_string(), o.reference, o.seats)).collect(),
        merged: file.merged.into_iter().map(|o| (o.id.to_string(), o.reference)).collect(),
        ctx,
        indicators,
        people,
        free_text: text.free_text,
        events,
        next,
        outcomes: Outcome::ALL,
        analysts,
        assigned,
        assigned_id,
        countdown,
        destination_name,
        contacts,
        routing,
        routing_place,
        directory,
        authority_message: file.authority_message,
        errors,
        notice: None,
        keys: (
            format!("case-status-{}", c.status),
            format!("report-role-{}", c.reporter_role),
            format!("report-phase-{}", c.phase),
            format!("report-aware-{}", c.companion_aware),
        ),
        c,
    }
}

/// The case. Opening it decrypts the report text, so every view is audited.
pub async fn case(Signed { state, v, me }: Signed, Path(id): Path<String>) -> Result<Response, PageError> {
    let file = state.open_case(&me, parse_case_id(&id)?).await?;
    render(&case_page(&state, &v, file, FormErrors::default()))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    version: i64,
    to: String,
    reason: String,
    outcome: String,
    note: String,
    assignee: String,
    contact: String,
    /// The directory entry when `contact` is `other`.
    contact_other: String,
    method: String,
    reference: String,
    gate_override: String,
    /// The other report a merge or dismissal names.
    other: String,
    /// A message to a public tip's sender.
    message: String,
    /// A legal hold's reason, and `lift` to lift it.
    hold_reason: String,
    action: String,
    // The referral form (`reason` and `gate_override` are the workflow's and the
    // escalation's; the referral's carry a prefix).
    recipient: String,
    consent: String,
    lawful_basis: String,
    referral_reason: String,
    profile: String,
    details: String,
    referral_gate_override: String,
}

/// A state-changing form posted on a case: the visitor, the caller (after the CSRF
/// check), the case's id and the form. Every case action is then one app call and
/// [`CaseForm::done`].
pub struct CaseForm {
    state: AppState,
    v: Visitor,
    me: Caller,
    id: Uuid,
    f: ActionForm,
}

impl FromRequest<AppState> for CaseForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let v = Visitor::from_request_parts(&mut parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(&mut parts, state).await.map_err(|_| PageError::NotFound)?;
        let CsrfForm(f) = CsrfForm::<ActionForm>::from_request(Request::from_parts(parts, body), state).await?;
        let me = v.caller()?;
        Ok(Self { state: state.clone(), me, id: parse_case_id(&id)?, f, v })
    }
}

impl CaseForm {
    /// After a change: back to the case (PRG); on a problem, the case again with every
    /// message (a version conflict is a 409: someone else changed it first).
    async fn done(self, result: Result<(), AppError>) -> Result<Response, PageError> {
        self.done_keeping(result, None).await
    }

    /// As [`Self::done`]; `refer` is the referral form as posted, shown again with its
    /// messages beside its fields.
    async fn done_keeping(self, result: Result<(), AppError>, refer: Option<ReferForm>) -> Result<Response, PageError> {
        let Self { state, v, me, id, f } = self;
        let (status, problems) = match result {
            Ok(()) => return Ok(Redirect::to(&format!("/desk/cases/{id}")).into_response()),
            Err(AppError::Invalid(list)) => (StatusCode::UNPROCESSABLE_ENTITY, list),
            Err(AppError::Conflict { .. }) => {
                (StatusCode::CONFLICT, vec![FieldError::new("version", "changed-meanwhile")])
            }
            Err(e) => return Err(e.into()),
        };
        let mut errors = FormErrors::default();
        for e in &problems {
            match (refer.is_some(), e.field) {
                // The referral form's own names, so that each message leads to its field.
                (true, "reason" | "gate_override") => errors.add_as(v.lang, &format!("referral_{}", e.field), e),
                _ => errors.add(v.lang, e),
            }
        }
        let file = state.reopen_case(&me, id).await?;
        let mut page = case_page(&state, &v, file, errors);
        if let Some(f) = refer {
            page.refer = f;
            page.refer_posted = true;
        }
        page.hold_reason = f.hold_reason;
        Ok((status, Html(page.render()?)).into_response())
    }

    /// The other report a merge or dismissal names (one that is no id is no report of
    /// this organisation's: "not found", once the caller may ask at all).
    fn other(&self) -> Uuid {
        Uuid::parse_str(&self.f.other).unwrap_or(Uuid::nil())
    }
}

pub async fn transition(a: CaseForm) -> Result<Response, PageError> {
    let f = &a.f;
    let result = a.state.transition_case(&a.me, a.id, f.version, &f.to, &f.reason, &f.outcome).await;
    a.done(result).await
}

pub async fn assign(a: CaseForm) -> Result<Response, PageError> {
    let to: Option<UserId> =
        if a.f.assignee.is_empty() { None } else { Some(a.f.assignee.parse().map_err(|_| PageError::NotFound)?) };
    let result = a.state.assign_case(&a.me, a.id, a.f.version, to).await;
    a.done(result).await
}

/// Place a legal hold on the case (the reason required) or (`lift`) lift it: the
/// organisation's administrators.
pub async fn hold(a: CaseForm) -> Result<Response, PageError> {
    let org = a.me.org();
    let result = if a.f.action == "lift" {
        a.state.lift_legal_hold(&a.me, org, a.id).await
    } else {
        a.state.place_legal_hold(&a.me, org, a.id, &a.f.hold_reason).await
    };
    a.done(result).await
}

pub async fn note(a: CaseForm) -> Result<Response, PageError> {
    let result = a.state.note_case(&a.me, a.id, &a.f.note).await;
    a.done(result).await
}

/// Record the hand-off to an authority from the routed directory. A report that did
/// not pass the decision gate needs the analyst's reason.
pub async fn escalate(a: CaseForm) -> Result<Response, PageError> {
    let f = a.f.clone();
    let escalation = Escalation {
        contact: f.contact,
        contact_other: f.contact_other,
        method: f.method,
        reference: f.reference,
        gate_override: f.gate_override,
    };
    let result = a.state.escalate_case(&a.me, a.id, f.version, &escalation).await;
    a.done(result).await
}

/// Merge another report of the same event into this case (it keeps its content).
pub async fn merge(a: CaseForm) -> Result<Response, PageError> {
    let result = a.state.merge_cases(&a.me, a.id, a.other()).await;
    a.done(result).await
}

/// Say that another report is not the same event.
pub async fn dismiss(a: CaseForm) -> Result<Response, PageError> {
    let result = a.state.dismiss_merge(&a.me, a.id, a.other()).await;
    a.done(result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: Option<i32>,
}

/// Notifications received in a US federal fiscal year (1 Oct – 30 Sep) and, for each,
/// whether and when a hotline or law enforcement was notified (49 U.S.C. 40118(g)).
pub async fn compliance_csv(
    Signed { state, me, .. }: Signed,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let (fy, rows) = state.notifications(&me, q.year).await?;
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

/// Write to the sender of a public tip (audited; they read it with their receipt).
pub async fn tip_reply(a: CaseForm) -> Result<Response, PageError> {
    let result = a.state.reply_to_tip(&a.me, a.id, &a.f.message).await;
    a.done(result).await
}

/// Refer the case to a partner: consent, lawful basis and a minimisation profile; the
/// form comes back with the desk's entry and a message at each field at fault.
pub async fn refer(a: CaseForm) -> Result<Response, PageError> {
    let f = &a.f;
    let kept = ReferForm {
        recipient: f.recipient.clone(),
        consent: f.consent.clone(),
        lawful_basis: f.lawful_basis.clone(),
        referral_reason: f.referral_reason.clone(),
        profile: f.profile.clone(),
        details: f.details.clone(),
        referral_gate_override: f.referral_gate_override.clone(),
    };
    let draft = ReferralDraft {
        consent: kept.consent.clone(),
        lawful_basis: kept.lawful_basis.clone(),
        reason: kept.referral_reason.clone(),
        details: kept.details.clone(),
        profile: kept.profile.clone(),
        gate_override: kept.referral_gate_override.clone(),
    };
    let result = a.state.refer_case(&a.me, a.id, &kept.recipient, &draft).await.map(|_| ());
    a.done_keeping(result, Some(kept)).await
}
