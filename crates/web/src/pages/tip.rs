//! The anonymous public tip: the form (`/tip`), the receipt shown once, and the
//! tipster's status page and answers (`/tip/status`). No account, no cookie beyond
//! the CSRF cookie; the client address reaches only the app's in-memory rate limits.
//! `Referrer-Policy: no-referrer` and `Cache-Control: no-store` are set by the
//! security-headers layer for every `/tip` path.
//!
//! The words are the public pages' (`content/public/<lang>/tip.toml`, with the public
//! pages' frame), in the language a [`Reader`] picks: `?lang=`, then
//! `Accept-Language`, then English. Every form posts to a URL that carries `?lang=`, so
//! the receipt, the status page and the errors stay in that language.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::public::airport_code;
use sightline_app::tips::{PowAnswer, TipStatus};
use sightline_content::public::{PublicLang, PublicSign};
use sightline_domain::FieldError;
use sightline_domain::report::AirportLookup;
use sightline_domain::tip::{self, TipInput};

use super::public::{Page, Reader, answer};
use super::{FormErrors, datetime_text, render};
use crate::error::PageError;
use crate::visitor::{Fields, Posted, Visit, Visitor};

/// What the form shows again after an error: the person's input as typed.
#[derive(Default, Clone)]
pub struct TipForm {
    pub input: TipInput,
    /// The person saw the wording warning and sends anyway.
    pub confirmed: bool,
}

impl TipForm {
    #[must_use]
    pub fn has(&self, code: &str) -> bool {
        self.input.signs.iter().any(|c| c == code)
    }
}

/// The field errors of a refused form, in the page's language.
fn errors_in(l: &PublicLang, list: &[FieldError]) -> FormErrors {
    let mut errors = FormErrors::default();
    for e in list {
        errors.add_message(e.field, l.error(e.code).to_owned());
    }
    errors
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
#[template(path = "tip.html")]
struct TipPage<'a> {
    p: Page<'a>,
    csrf: String,
    form: TipForm,
    errors: FormErrors,
    /// The public signs in the page's language: (indicator code, words).
    signs: &'a [(String, PublicSign)],
    challenge: String,
    /// The free-text guard matched: show the warning and the "send anyway" box.
    guard: bool,
    max_text: usize,
    max_contact: usize,
}

fn page<'a>(
    state: &crate::AppState,
    v: &Visitor,
    r: &'a Reader,
    form: TipForm,
    list: &[FieldError],
) -> Result<TipPage<'a>, PageError> {
    let p = r.page("/tip")?.for_tip();
    Ok(TipPage {
        signs: p.signs(),
        errors: errors_in(p.l, list),
        p,
        csrf: v.csrf_token().to_owned(),
        form,
        guard: list.iter().any(|e| e.code == "guard-words"),
        challenge: state.tip_challenge()?,
        max_text: sightline_domain::report::MAX_TEXT,
        max_contact: tip::MAX_CONTACT,
    })
}

/// The empty form: today's date, a fresh challenge, the airport of `?airport=` when it
/// is a known one (the help page of an airport links here with it).
pub async fn form(Visit { state, v }: Visit, r: Reader) -> Result<Response, PageError> {
    let today = state.now().date();
    let airport =
        r.airport().and_then(airport_code).filter(|c| r.library().airports.airport(c).is_some()).unwrap_or_default();
    let input = TipInput {
        airport,
        date: format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day()),
        ..TipInput::default()
    };
    let form = TipForm { input, confirmed: false };
    let mut page = page(&state, &v, &r, form, &[])?;
    if !page.form.input.airport.is_empty() {
        // The language switch keeps the airport.
        page.p.keep = format!("&airport={}", page.form.input.airport);
    }
    answer(StatusCode::OK, render(&page))
}

#[derive(Template)]
#[template(path = "tip_sent.html")]
struct SentPage<'a> {
    p: Page<'a>,
    receipt: String,
    reference: String,
}

/// Send a tip: one call; the receipt is shown once, on this page only.
pub async fn submit(r: Reader, Posted { state, v, form: f }: Posted<Fields>) -> Result<Response, PageError> {
    let input = TipInput {
        airport: f.get("airport"),
        place: f.get("place"),
        flight: f.get("flight"),
        date: f.get("date"),
        time: f.get("time"),
        signs: f.all("sign"),
        text: f.get("text"),
        contact: f.get("contact"),
    };
    let form = TipForm { input, confirmed: f.ticked("confirmed") };
    let pow = PowAnswer { challenge: f.get("challenge"), nonce: f.get("pow") };
    let l = r.lang()?;
    match state.file_tip(&form.input, &pow, l.code, form.confirmed, v.ip.as_deref()).await {
        Ok((receipt, reference)) => {
            let p = r.page("/tip")?.for_tip();
            answer(StatusCode::OK, render(&SentPage { p, receipt: receipt.grouped(), reference }))
        }
        Err(AppError::Invalid(list)) => answer(status_for(&list), render(&page(&state, &v, &r, form, &list)?)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "tip_status.html")]
struct StatusPage<'a> {
    p: Page<'a>,
    csrf: String,
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

fn status_view(s: TipStatus) -> StatusView {
    StatusView {
        reference: s.reference,
        received: datetime_text(&s.received_at),
        status: s.status.as_str(),
        messages: s.messages.into_iter().map(|m| (datetime_text(&m.at), m.from_desk, m.text)).collect(),
    }
}

/// The receipt form.
pub async fn status_form(v: Visitor, r: Reader) -> Result<Response, PageError> {
    let page = StatusPage {
        p: r.page("/tip/status")?.for_tip(),
        csrf: v.csrf_token().to_owned(),
        errors: FormErrors::default(),
        receipt: String::new(),
        status: None,
        message: String::new(),
    };
    answer(StatusCode::OK, render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiptForm {
    receipt: String,
    message: String,
}

fn status_answer(
    v: &Visitor,
    r: &Reader,
    f: ReceiptForm,
    result: Result<TipStatus, AppError>,
    keep_message: bool,
) -> Result<Response, PageError> {
    let page = |errors, status, message| -> Result<StatusPage<'_>, PageError> {
        Ok(StatusPage {
            p: r.page("/tip/status")?.for_tip(),
            csrf: v.csrf_token().to_owned(),
            errors,
            receipt: f.receipt.clone(),
            status,
            message,
        })
    };
    match result {
        Ok(s) => answer(StatusCode::OK, render(&page(FormErrors::default(), Some(status_view(s)), String::new())?)),
        Err(AppError::Invalid(list)) => {
            let errors = errors_in(r.lang()?, &list);
            let message = if keep_message { f.message.clone() } else { String::new() };
            answer(status_for(&list), render(&page(errors, None, message)?))
        }
        Err(e) => Err(e.into()),
    }
}

/// Show a tip's status and thread for the receipt given. A wrong receipt gets the same
/// answer, in the same time, whether or not a tip exists.
pub async fn status(r: Reader, Posted { state, v, form: f }: Posted<ReceiptForm>) -> Result<Response, PageError> {
    let result = state.tip_status(&f.receipt, v.ip.as_deref()).await;
    status_answer(&v, &r, f, result, false)
}

/// The tipster answers the desk.
pub async fn reply(r: Reader, Posted { state, v, form: f }: Posted<ReceiptForm>) -> Result<Response, PageError> {
    let result = state.answer_tip(&f.receipt, &f.message, v.ip.as_deref()).await;
    status_answer(&v, &r, f, result, true)
}
