//! Report: the discreet crew report form (a progressive web app with an offline
//! outbox — see `static/report.js` and `static/sw.js`), its plain-form fallback, the
//! reporter's own list, and the quick-exit page.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use sightline_app::AppError;
use sightline_app::reports::MAX_MINE;
use sightline_domain::indicators::Indicator;
use sightline_domain::learn::Audience;
use sightline_domain::report::{
    self, AgeRange, Awareness, PerceivedGender, PersonDescription, Phase, RelayCodeword, ReportInput, ReporterRole,
};
use sightline_domain::user::Role;
use uuid::Uuid;

use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{Fields, Posted, Visit, Visitor};

pub struct IndicatorView {
    pub code: String,
    pub label: String,
    pub explanation: String,
    pub innocent: Vec<String>,
}

impl IndicatorView {
    /// A sign as the form shows it, in `lang`.
    #[must_use]
    pub fn new(i: &Indicator, lang: &str) -> Self {
        Self {
            code: i.code.clone(),
            label: i.label.get(lang).to_owned(),
            explanation: i.explanation.get(lang).to_owned(),
            innocent: innocent_of(i, lang),
        }
    }
}

/// A sign's innocent explanations in `lang`, or in English when not translated.
fn innocent_of(i: &Indicator, lang: &str) -> Vec<String> {
    i.innocent.get(lang).or_else(|| i.innocent.get("en")).cloned().unwrap_or_default()
}

pub struct CategoryView {
    pub label: String,
    pub items: Vec<IndicatorView>,
}

/// What the form shows again after an error (the person's input).
#[derive(Default, Clone)]
pub struct ReportForm {
    pub id: String,
    pub reporter_role: String,
    pub phase: String,
    pub flight: String,
    pub date: String,
    pub origin: String,
    pub destination: String,
    pub scheduled_arrival: String,
    pub arrival_date: String,
    /// `flight` or `terminal`.
    pub where_: String,
    pub airport: String,
    pub place: String,
    pub seats: String,
    pub potential_victims: String,
    pub companions: String,
    pub indicators: Vec<String>,
    pub victim_age: String,
    pub victim_gender: String,
    pub victim_clothing: String,
    pub companion_age: String,
    pub companion_gender: String,
    pub companion_clothing: String,
    pub disclosed: bool,
    pub companion_aware: String,
    pub immediate_danger: bool,
    pub free_text: String,
    pub considered: bool,
}

impl ReportForm {
    #[must_use]
    pub fn has(&self, code: &str) -> bool {
        self.indicators.iter().any(|c| c == code)
    }
}

/// Data the page's script needs offline (catalogue, guidance), embedded as JSON.
#[derive(Serialize)]
struct ClientData {
    indicators: BTreeMap<String, ClientIndicator>,
    text: BTreeMap<&'static str, String>,
    /// Message of each error code the report's rules can give (`error-<code>`).
    errors: BTreeMap<&'static str, String>,
    /// The relay message's first token for this organisation.
    codeword: String,
    /// The free-text guard's words for the page's language.
    guard: Vec<String>,
    limits: Limits,
    /// The closed sets the rules accept (from the domain's enums).
    enums: BTreeMap<&'static str, Vec<&'static str>>,
}

/// The report rules' bounds, from the domain (so the page cannot drift from them).
#[derive(Serialize)]
struct Limits {
    seats: usize,
    persons: u8,
    indicators: usize,
    text: usize,
    clothing: usize,
    place: usize,
    client_time: usize,
}

/// Every error code the report's rules give (each has a Fluent `error-<code>`).
pub const REPORT_ERROR_CODES: [&str; 18] = [
    "invalid-flight",
    "invalid-airport",
    "unknown-airport",
    "required",
    "invalid-date",
    "invalid-time",
    "invalid-timestamp",
    "invalid-seat",
    "out-of-range",
    "too-many",
    "unknown-indicator",
    "nothing-reported",
    "must-confirm",
    "unknown-value",
    "control-characters",
    "too-long",
    "assumed-utc",
    "invalid-id",
];

#[derive(Serialize)]
struct ClientIndicator {
    short: String,
    label: String,
    core: bool,
    innocent: Vec<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: Ctx,
    form: ReportForm,
    errors: FormErrors,
    core: Vec<IndicatorView>,
    categories: Vec<CategoryView>,
    roles: &'static [ReporterRole],
    phases: &'static [Phase],
    ages: &'static [AgeRange],
    genders: &'static [PerceivedGender],
    awareness: &'static [Awareness],
    client_json: String,
}

const TEXT_KEYS: [&str; 21] = [
    "report-guard",
    "report-fix",
    "report-fix-lead",
    "report-fix-first",
    "report-flagged",
    "guidance-never",
    "guidance-in-flight",
    "guidance-flight-deck",
    "guidance-ground",
    "guidance-urgent-air",
    "guidance-urgent-ground",
    "outbox-queued",
    "outbox-sent",
    "outbox-attention",
    "outbox-sign-in",
    "outbox-offline",
    "report-relay-copied",
    "report-review-none",
    "report-innocent-heading",
    "outbox-conflict",
    "outbox-invalid",
];

fn page(
    state: &AppState,
    v: &Visitor,
    form: ReportForm,
    errors: FormErrors,
    codeword: &RelayCodeword,
) -> Result<ReportPage, PageError> {
    let lang = v.lang.code();
    let cat = &state.library.indicators;
    let view = |i| IndicatorView::new(i, lang);
    let core = cat.indicators.iter().filter(|i| i.core_four).map(view).collect();
    let categories = cat
        .categories
        .iter()
        .map(|c| CategoryView {
            label: c.label.get(lang).to_owned(),
            items: cat.indicators.iter().filter(|i| i.category == c.code && !i.core_four).map(view).collect(),
        })
        .collect();
    let data = ClientData {
        indicators: cat
            .indicators
            .iter()
            .map(|i| {
                (
                    i.code.clone(),
                    ClientIndicator {
                        short: i.short.clone(),
                        label: i.label.get(lang).to_owned(),
                        core: i.core_four,
                        innocent: innocent_of(i, lang),
                    },
                )
            })
            .collect(),
        text: TEXT_KEYS.iter().map(|k| (*k, v.lang.t(k))).collect(),
        errors: REPORT_ERROR_CODES.iter().map(|c| (*c, v.lang.t(&format!("error-{c}")))).collect(),
        codeword: codeword.as_str().to_owned(),
        guard: state.library.guard.for_lang(lang).to_vec(),
        limits: Limits {
            seats: report::MAX_SEATS,
            persons: report::MAX_PERSONS,
            indicators: report::MAX_INDICATORS,
            text: report::MAX_TEXT,
            clothing: report::MAX_CLOTHING,
            place: report::MAX_PLACE,
            client_time: report::MAX_CLIENT_TIME,
        },
        enums: BTreeMap::from([
            ("reporter_role", ReporterRole::ALL.iter().map(|r| r.as_str()).collect()),
            ("phase", Phase::ALL.iter().map(|r| r.as_str()).collect()),
            ("companion_aware", Awareness::ALL.iter().map(|r| r.as_str()).collect()),
        ]),
    };
    // Embedded in a <script type="application/json">: never let it close the element.
    let client_json =
        serde_json::to_string(&data).map_err(|e| PageError::Internal(e.to_string()))?.replace("</", "<\\/");
    Ok(ReportPage {
        ctx: Ctx::new(v),
        form,
        errors,
        core,
        categories,
        roles: &ReporterRole::ALL,
        phases: &Phase::ALL,
        ages: &AgeRange::ALL,
        genders: &PerceivedGender::ALL,
        awareness: &Awareness::ALL,
        client_json,
    })
}

fn require_reporter(v: &Visitor) -> Result<&sightline_storage::UserRecord, PageError> {
    v.require_role(Role::Reporter)
}

pub async fn form(Visit { state, v }: Visit) -> Result<Response, PageError> {
    if v.gate().is_none() {
        // Signing in from here comes back to the form.
        return Ok(axum::response::Redirect::to("/login?back=/report").into_response());
    }
    let user = require_reporter(&v)?;
    let today = state.now().date();
    let role = match user.position {
        Some(Audience::CabinCrew) => "cabin_crew",
        Some(Audience::FlightDeck) => "flight_deck",
        Some(Audience::Ground) => "gate",
        Some(Audience::Security) => "security",
        _ => "cabin_crew",
    };
    let form = ReportForm {
        id: Uuid::now_v7().to_string(),
        reporter_role: role.into(),
        phase: "in_flight".into(),
        date: format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day()),
        potential_victims: "1".into(),
        companions: "1".into(),
        companion_aware: "unknown".into(),
        victim_age: "unknown".into(),
        victim_gender: "unknown".into(),
        companion_age: "unknown".into(),
        companion_gender: "unknown".into(),
        where_: "flight".into(),
        ..ReportForm::default()
    };
    let codeword = state.my_relay_codeword(&v.caller()?).await?;
    render(&page(&state, &v, form, FormErrors::default(), &codeword)?)
}

fn person(age: &str, gender: &str, clothing: &str) -> Option<PersonDescription> {
    let age_range = age.parse().unwrap_or(AgeRange::Unknown);
    let gender = gender.parse().unwrap_or(PerceivedGender::Unknown);
    if age_range == AgeRange::Unknown && gender == PerceivedGender::Unknown && clothing.trim().is_empty() {
        return None;
    }
    Some(PersonDescription { age_range, gender, clothing: clothing.to_owned() })
}

#[derive(Template)]
#[template(path = "report_sent.html")]
struct SentPage {
    ctx: Ctx,
    reference: String,
    relay: String,
    urgent: bool,
    in_flight: bool,
    gate_passed: bool,
}

/// The plain-form path (no JavaScript, online): the same ingest as the API.
pub async fn submit(Posted { state, v, form: f }: Posted<Fields>) -> Result<Response, PageError> {
    let get = |k: &str| f.get(k);
    let caller = v.caller()?;
    let form = ReportForm {
        id: get("id"),
        reporter_role: get("reporter_role"),
        phase: get("phase"),
        flight: get("flight"),
        date: get("date"),
        origin: get("origin"),
        destination: get("destination"),
        scheduled_arrival: get("scheduled_arrival"),
        arrival_date: get("arrival_date"),
        where_: get("where"),
        airport: get("airport"),
        place: get("place"),
        seats: get("seats"),
        potential_victims: get("potential_victims"),
        companions: get("companions"),
        indicators: f.all("indicator"),
        victim_age: get("victim_age"),
        victim_gender: get("victim_gender"),
        victim_clothing: get("victim_clothing"),
        companion_age: get("companion_age"),
        companion_gender: get("companion_gender"),
        companion_clothing: get("companion_clothing"),
        disclosed: f.ticked("disclosed"),
        companion_aware: get("companion_aware"),
        immediate_danger: f.ticked("immediate_danger"),
        free_text: get("free_text"),
        considered: f.ticked("considered"),
    };
    // A count that is not a number is out of range: the domain names the field.
    let count = |s: &str| s.trim().parse::<u8>().unwrap_or(u8::MAX);
    let (potential_victims, companions) = (count(&form.potential_victims), count(&form.companions));
    let id = Uuid::parse_str(&form.id).unwrap_or_else(|_| Uuid::now_v7());
    let input = ReportInput {
        reporter_role: form.reporter_role.clone(),
        phase: form.phase.clone(),
        flight: form.flight.clone(),
        date: form.date.clone(),
        origin: form.origin.clone(),
        destination: form.destination.clone(),
        scheduled_arrival: form.scheduled_arrival.clone(),
        arrival_date: form.arrival_date.clone(),
        airport: if form.where_ == "terminal" { form.airport.clone() } else { String::new() },
        place: if form.where_ == "terminal" { form.place.clone() } else { String::new() },
        seats: form.seats.split([' ', ',', ';']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        potential_victims,
        companions,
        indicators: form.indicators.clone(),
        victims: person(&form.victim_age, &form.victim_gender, &form.victim_clothing).into_iter().collect(),
        companions_described: person(&form.companion_age, &form.companion_gender, &form.companion_clothing)
            .into_iter()
            .collect(),
        disclosed: form.disclosed,
        companion_aware: form.companion_aware.clone(),
        immediate_danger: form.immediate_danger,
        free_text: form.free_text.clone(),
        considered_innocent_explanations: form.considered,
        client_created_at: None,
    };
    // An incident in the terminal sends no flight or route, whatever the hidden fields hold.
    let input = if form.where_ == "terminal" {
        ReportInput { flight: String::new(), origin: String::new(), destination: String::new(), ..input }
    } else {
        input
    };
    let mut errors = FormErrors::default();
    match state.file_report(&caller, id, &input).await {
        Ok((_, receipt)) => {
            let p = SentPage {
                ctx: Ctx::new(&v),
                reference: receipt.reference,
                relay: receipt.relay_message,
                urgent: input.immediate_danger,
                in_flight: input.phase == "in_flight",
                gate_passed: receipt.gate_passed,
            };
            render(&p)
        }
        Err(AppError::Invalid(list)) => {
            for e in &list {
                errors.add(v.lang, e);
            }
            let codeword = state.my_relay_codeword(&caller).await?;
            let p = page(&state, &v, form, errors, &codeword)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(p.render()?)).into_response())
        }
        Err(AppError::Conflict { .. }) => {
            errors.add_message("id", v.lang.t("outbox-conflict"));
            let codeword = state.my_relay_codeword(&caller).await?;
            let p = page(&state, &v, ReportForm { id: Uuid::now_v7().to_string(), ..form }, errors, &codeword)?;
            Ok((StatusCode::CONFLICT, Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct MineRow {
    pub reference: String,
    pub received: String,
    pub flight: String,
    pub route: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "reports_mine.html")]
struct MinePage {
    ctx: Ctx,
    rows: Vec<MineRow>,
}

/// A reporter's own reports: reference, flight and status — never case details.
pub async fn mine(Visit { state, v }: Visit) -> Result<Response, PageError> {
    let caller = v.caller()?;
    let ctx = Ctx::new(&v);
    let rows = state
        .my_reports(&caller, MAX_MINE)
        .await?
        .into_iter()
        .map(|(r, status)| MineRow {
            reference: r.reference,
            received: ctx.datetime(&r.received_at),
            flight: format!("{} {}", if r.flight.is_empty() { "—" } else { &r.flight }, r.flight_date),
            route: if r.flight.is_empty() && r.origin == r.destination {
                r.origin
            } else {
                format!("{}–{}", r.origin, r.destination)
            },
            status: status.as_str(),
        })
        .collect();
    render(&MinePage { ctx, rows })
}

#[derive(Template)]
#[template(path = "quick_exit.html")]
struct QuickExitPage;

/// A neutral page that replaces the report screen at a tap.
pub async fn quick_exit() -> Result<Response, PageError> {
    render(&QuickExitPage)
}

/// The airports the report page checks codes against offline, with each one's time
/// zone (to turn a local arrival into UTC for the relay message): `zones` is the
/// list of IANA names, `airports` maps each IATA code to its zone's index. Public
/// data (`content/airports.csv`); cached by the service worker.
pub async fn airports(State(state): State<AppState>) -> Response {
    let mut zones: Vec<&str> = state.library.airports.iter().map(|a| a.tz.as_str()).collect();
    zones.sort_unstable();
    zones.dedup();
    let airports: BTreeMap<&str, usize> = state
        .library
        .airports
        .iter()
        .map(|a| (a.iata.as_str(), zones.binary_search(&a.tz.as_str()).unwrap_or(0)))
        .collect();
    let body = serde_json::json!({ "zones": zones, "airports": airports });
    ([(axum::http::header::CACHE_CONTROL, "public, max-age=86400")], axum::Json(body)).into_response()
}
