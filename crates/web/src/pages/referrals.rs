//! Referrals in pages: the partner's inbox (caseworkers), one referral from either
//! side — what it shares in HTCDS field names, the partner's steps (acknowledge,
//! accept or decline, the support given) and the sealed thread — and its HTCDS
//! downloads (JSON, CSV). The desk refers from the case (`pages::desk::refer`).

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sightline_app::referrals::{ReferralFile, Side};
use sightline_app::{AppError, Caller};
use sightline_domain::FieldError;
use sightline_domain::referral::{PartnerStep, ReferralStatus, Support};
use sightline_storage::ReferralRecord;
use uuid::Uuid;

use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{Fields, Posted, Signed, Visitor};

/// A referral as a list shows it, in the page's language.
pub struct ReferralRow {
    pub id: String,
    pub reference: String,
    pub recipient: String,
    pub status: String,
    /// Waiting for the partner longer than it should.
    pub overdue: bool,
    pub consent: String,
    pub support: Vec<String>,
    pub made: String,
}

impl ReferralRow {
    #[must_use]
    pub fn of(ctx: &Ctx, r: &ReferralRecord) -> Self {
        Self {
            id: r.id.to_string(),
            reference: r.case_reference.clone(),
            recipient: r.recipient_name.clone(),
            status: ctx.t(&format!("referral-status-{}", r.status)),
            overdue: r.overdue_at.is_some() && r.status == ReferralStatus::Sent,
            consent: ctx.t(&format!("consent-short-{}", r.consent)),
            support: r.support.iter().map(|s| ctx.t(&format!("support-{s}"))).collect(),
            made: ctx.datetime(&r.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct InboxPage {
    ctx: Ctx,
    rows: Vec<ReferralRow>,
}

/// The referrals made to the caller's organisation (caseworkers).
pub async fn inbox(Signed { state, v, me }: Signed) -> Result<Response, PageError> {
    let list = state.referral_inbox(&me).await?;
    let ctx = Ctx::new(&v);
    let rows = list.iter().map(|r| ReferralRow::of(&ctx, r)).collect();
    render(&InboxPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    ctx: Ctx,
    row: ReferralRow,
    version: i64,
    /// Seen by the partner (otherwise by the referring desk).
    partner: bool,
    /// The desk's case, for the referring desk.
    case_id: String,
    /// (label, value) of how the referral was made.
    terms: Vec<(String, String)>,
    /// What it shares: (HTCDS field, value).
    shared: Vec<(String, String)>,
    /// The thread: (when, from the partner, text).
    messages: Vec<(String, bool, String)>,
    can_acknowledge: bool,
    can_decide: bool,
    can_support: bool,
    /// (code, label, ticked) for the support form.
    supports: Vec<(String, String, bool)>,
    errors: FormErrors,
    /// What the visitor typed, kept when the page comes back with errors.
    reason: String,
    message: String,
}

/// A record's fields as (dotted HTCDS name, text), in the record's order; lists of
/// values joined, empty values left out.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let name = |key: &str| if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&name(k), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            let text: Vec<String> = items.iter().map(scalar).collect();
            if !text.is_empty() {
                out.push((prefix.to_owned(), text.join(", ")));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{}]", i + 1), item, out);
            }
        }
        Value::Null => {}
        other => out.push((prefix.to_owned(), scalar(other))),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn referral_page(v: &Visitor, file: ReferralFile, errors: FormErrors, kept: (String, String)) -> ReferralPage {
    let ctx = Ctx::new(v);
    let r = &file.referral;
    let t = |prefix: &str, value: &dyn std::fmt::Display| ctx.t(&format!("{prefix}-{value}"));
    let mut terms = vec![
        (ctx.t("referral-consent"), t("consent", &r.consent)),
        (ctx.t("referral-basis"), t("lawful-basis", &r.lawful_basis)),
        (ctx.t("referral-reason"), t("referral-reason", &r.reason)),
        (ctx.t("referral-profile"), t("profile", &r.profile)),
        (ctx.t("referral-made"), ctx.datetime(&r.created_at)),
    ];
    if let Some(at) = r.acknowledged_at {
        terms.push((ctx.t("referral-acknowledged-at"), ctx.datetime(&at)));
    }
    if let Some(at) = r.decided_at {
        terms.push((ctx.t("referral-decided-at"), ctx.datetime(&at)));
    }
    if let Some(o) = &r.gate_override {
        terms.push((ctx.t("case-gate-override"), o.clone()));
    }
    let mut shared = Vec::new();
    if let Ok(json) = serde_json::to_value(&file.shared) {
        flatten("", &json, &mut shared);
    }
    let partner = file.side == Side::Partner;
    let supports = Support::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), ctx.t(&format!("support-{s}")), r.support.contains(&s)))
        .collect();
    let messages = file.messages.iter().map(|(m, text)| (ctx.datetime(&m.at), m.from_partner, text.clone())).collect();
    let status = r.status;
    ReferralPage {
        row: ReferralRow::of(&ctx, r),
        version: r.version,
        partner,
        case_id: r.report_id.to_string(),
        terms,
        shared,
        messages,
        can_acknowledge: partner && status == ReferralStatus::Sent,
        can_decide: partner && matches!(status, ReferralStatus::Sent | ReferralStatus::Acknowledged),
        can_support: partner && status == ReferralStatus::Accepted,
        supports,
        errors,
        reason: kept.0,
        message: kept.1,
        ctx,
    }
}

fn referral_id(s: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(s).map_err(|_| PageError::NotFound)
}

/// One referral, for the referring desk or the partner it went to (every opening is
/// audited).
pub async fn show(Signed { state, v, me }: Signed, Path(id): Path<String>) -> Result<Response, PageError> {
    let file = state.open_referral(&me, referral_id(&id)?).await?;
    render(&referral_page(&v, file, FormErrors::default(), Default::default()))
}

/// After a step or a message: back to the referral; on a problem, the referral again
/// with the message at its field and what was typed.
async fn done(
    state: &AppState,
    v: &Visitor,
    me: &Caller,
    id: Uuid,
    result: Result<(), AppError>,
    kept: (String, String),
) -> Result<Response, PageError> {
    let (status, problems) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Err(AppError::Invalid(list)) => (StatusCode::UNPROCESSABLE_ENTITY, list),
        Err(AppError::Conflict { .. }) => (StatusCode::CONFLICT, vec![FieldError::new("version", "changed-meanwhile")]),
        Err(e) => return Err(e.into()),
    };
    let mut errors = FormErrors::default();
    for e in &problems {
        errors.add(v.lang, e);
    }
    let file = state.open_referral(me, id).await?;
    Ok((status, Html(referral_page(v, file, errors, kept).render()?)).into_response())
}

/// The partner's step: `decision` is `acknowledge`, `accept`, `decline` (with
/// `reason`) or `support` (with the ticked `support` codes).
pub async fn step(Path(id): Path<String>, Posted { state, v, form }: Posted<Fields>) -> Result<Response, PageError> {
    let me = v.caller()?;
    let id = referral_id(&id)?;
    let reason = form.get("reason");
    let support = form.all("support");
    let result = match PartnerStep::parse(&form.get("decision"), &reason, support.iter().map(String::as_str)) {
        Ok(step) => {
            // A version that is no number is an old page: the step is refused as changed.
            let version = form.get("version").parse().unwrap_or(-1);
            state.partner_step(&me, id, version, &step).await.map(|_| ())
        }
        Err(e) => {
            // Refused (not this referral's partner) before a bad form is reported.
            state.referral_side(&me, id).await?;
            Err(e.into())
        }
    };
    done(&state, &v, &me, id, result, (reason, String::new())).await
}

/// Write in the referral's thread (either side); sealed at rest.
pub async fn message(Path(id): Path<String>, Posted { state, v, form }: Posted<Fields>) -> Result<Response, PageError> {
    let me = v.caller()?;
    let id = referral_id(&id)?;
    let text = form.get("message");
    let result = state.referral_message(&me, id, &text).await;
    done(&state, &v, &me, id, result, (String::new(), text)).await
}

pub(super) fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The referral's record in HTCDS field names, as JSON (valid against
/// `content/htcds/referral.schema.json`).
pub async fn json(Signed { state, me, .. }: Signed, Path(id): Path<String>) -> Result<Response, PageError> {
    let file = state.open_referral(&me, referral_id(&id)?).await?;
    let body = serde_json::to_vec_pretty(&file.shared).map_err(|e| PageError::Internal(e.to_string()))?;
    let name = format!("{}-referral.htcds.json", file.referral.case_reference);
    Ok(download(body, "application/json", &name))
}

/// The referral's record as CSV in HTCDS column names, one row per potential victim.
pub async fn csv(Signed { state, me, .. }: Signed, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = referral_id(&id)?;
    let text = state.referral_csv(&me, id).await?;
    Ok(download(text.into_bytes(), "text/csv; charset=utf-8", &format!("referral-{id}.htcds.csv")))
}
