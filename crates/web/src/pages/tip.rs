//! The anonymous public tip: the form (`/tip`), the receipt shown once, and the
//! tipster's status page and answers (`/tip/status`). No account, no cookie beyond
//! the CSRF cookie; the client address reaches only the app's in-memory rate limits.
//! `Referrer-Policy: no-referrer` and `Cache-Control: no-store` are set by the
//! security-headers layer for every `/tip` path.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::tips::{PowAnswer, TipStatus};
use sightline_domain::FieldError;
use sightline_domain::tip::{self, TipInput};

use super::report::IndicatorView;
use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{CsrfForm, Visitor};

/// What the form shows again after an error (the person's input).
#[derive(Default, Clone)]
pub struct TipForm {
    pub airport: String,
    pub place: String,
    pub flight: String,
    pub date: String,
    pub time: String,
    pub signs: Vec<String>,
    pub text: String,
    pub contact: String,
    /// The person saw the wording warning and sends anyway.
    pub confirmed: bool,
}

impl TipForm {
    #[must_use]
    pub fn has(&self, code: &str) -> bool {
        self.signs.iter().any(|c| c == code)
    }
}

#[derive(Template)]
#[template(path = "tip.html")]
struct TipPage {
    ctx: Ctx,
    form: TipForm,
    errors: FormErrors,
    signs: Vec<IndicatorView>,
    challenge: String,
    /// The free-text guard matched: show the warning and the "send anyway" box.
    guard: bool,
    max_text: usize,
    max_contact: usize,
}

fn page(state: &AppState, v: &Visitor, form: TipForm, errors: FormErrors, guard: bool) -> Result<TipPage, PageError> {
    let lang = v.lang.code();
    let signs = state
        .library
        .indicators
        .indicators
        .iter()
        .filter(|i| i.public)
        .map(|i| IndicatorView {
            code: i.code.clone(),
            label: i.label.get(lang).to_owned(),
            explanation: i.explanation.get(lang).to_owned(),
            innocent: i.innocent.get(lang).or_else(|| i.innocent.get("en")).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(TipPage {
        ctx: Ctx::new(v),
        form,
        errors,
        signs,
        challenge: state.tip_challenge()?,
        guard,
        max_text: sightline_domain::report::MAX_TEXT,
        max_contact: tip::MAX_CONTACT,
    })
}

/// The empty form: today's date, a fresh challenge.
pub async fn form(State(state): State<AppState>, v: Visitor) -> Result<Response, PageError> {
    let today = state.now().date();
    let form = TipForm {
        date: format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day()),
        ..TipForm::default()
    };
    render(&page(&state, &v, form, FormErrors::default(), false)?)
}

#[derive(Template)]
#[template(path = "tip_sent.html")]
struct SentPage {
    ctx: Ctx,
    receipt: String,
    reference: String,
}

/// Send a tip: one call; the receipt is shown once, on this page only.
pub async fn submit(
    State(state): State<AppState>,
    v: Visitor,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let form = TipForm {
        airport: get("airport"),
        place: get("place"),
        flight: get("flight"),
        date: get("date"),
        time: get("time"),
        signs: fields.iter().filter(|(k, _)| k == "sign").map(|(_, v)| v.clone()).collect(),
        text: get("text"),
        contact: get("contact"),
        confirmed: !get("confirmed").is_empty(),
    };
    let input = TipInput {
        airport: form.airport.clone(),
        place: form.place.clone(),
        flight: form.flight.clone(),
        date: form.date.clone(),
        time: form.time.clone(),
        signs: form.signs.clone(),
        text: form.text.clone(),
        contact: form.contact.clone(),
    };
    let pow = PowAnswer { challenge: get("challenge"), nonce: get("pow") };
    match state.file_tip(&input, &pow, v.lang.code(), form.confirmed, v.ip.as_deref()).await {
        Ok((receipt, reference)) => render(&SentPage { ctx: Ctx::new(&v), receipt: receipt.grouped(), reference }),
        Err(AppError::Invalid(list)) => {
            let status = status_for(&list);
            let mut errors = FormErrors::default();
            for e in &list {
                errors.add(v.lang, e);
            }
            let guard = list.iter().any(|e| e.code == "guard-words");
            let p = page(&state, &v, form, errors, guard)?;
            Ok((status, Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// 429 for a rate limit, 422 for anything else the person can fix.
fn status_for(list: &[FieldError]) -> StatusCode {
    if list.iter().any(|e| e.code == "throttled") {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Template)]
#[template(path = "tip_status.html")]
struct StatusPage {
    ctx: Ctx,
    errors: FormErrors,
    /// The receipt as typed (kept in the page's forms only, never in a URL).
    receipt: String,
    status: Option<StatusView>,
    message: String,
}

struct StatusView {
    reference: String,
    received: String,
    status: &'static str,
    /// (when, from the desk, text)
    messages: Vec<(String, bool, String)>,
}

fn status_view(ctx: &Ctx, s: TipStatus) -> StatusView {
    StatusView {
        reference: s.reference,
        received: ctx.datetime(&s.received_at),
        status: s.status.as_str(),
        messages: s.messages.into_iter().map(|m| (ctx.datetime(&m.at), m.from_desk, m.text)).collect(),
    }
}

/// The receipt form.
pub async fn status_form(v: Visitor) -> Result<Response, PageError> {
    render(&StatusPage {
        ctx: Ctx::new(&v),
        errors: FormErrors::default(),
        receipt: String::new(),
        status: None,
        message: String::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiptForm {
    receipt: String,
    message: String,
}

fn status_answer(
    v: &Visitor,
    f: ReceiptForm,
    result: Result<TipStatus, AppError>,
    keep_message: bool,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(v);
    match result {
        Ok(s) => render(&StatusPage {
            status: Some(status_view(&ctx, s)),
            ctx,
            errors: FormErrors::default(),
            receipt: f.receipt,
            message: String::new(),
        }),
        Err(AppError::Invalid(list)) => {
            let code = status_for(&list);
            let mut errors = FormErrors::default();
            for e in &list {
                errors.add(v.lang, e);
            }
            let p = StatusPage {
                ctx,
                errors,
                receipt: f.receipt,
                status: None,
                message: if keep_message { f.message } else { String::new() },
            };
            Ok((code, Html(p.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Show a tip's status and thread for the receipt given. A wrong receipt gets the same
/// answer, in the same time, whether or not a tip exists.
pub async fn status(
    State(state): State<AppState>,
    v: Visitor,
    CsrfForm(f): CsrfForm<ReceiptForm>,
) -> Result<Response, PageError> {
    let result = state.tip_status(&f.receipt, v.ip.as_deref()).await;
    status_answer(&v, f, result, false)
}

/// The tipster answers the desk.
pub async fn reply(
    State(state): State<AppState>,
    v: Visitor,
    CsrfForm(f): CsrfForm<ReceiptForm>,
) -> Result<Response, PageError> {
    let result = state.answer_tip(&f.receipt, &f.message, v.ip.as_deref()).await;
    status_answer(&v, f, result, true)
}
