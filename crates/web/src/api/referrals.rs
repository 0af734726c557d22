//! Referrals over the API: the desk refers a case; a partner's systems read the
//! referrals made to their organisation (in HTCDS field names), acknowledge them,
//! accept or decline them and record the support given; both sides write in the
//! referral's thread. Scope `referrals`; the roles decide the side (a desk analyst of
//! the referring organisation, a caseworker of the partner).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sightline_app::Caller;
use sightline_app::referrals::{ReferralFile, Side};
use sightline_domain::referral::{PartnerStep, ReferralDraft};
use sightline_domain::user::Scope;
use sightline_storage::ReferralRecord;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiUser, IdParam, JsonBody, NeedsScope, rfc3339};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};

/// Making and working referrals (`referrals`).
pub struct Referrals;
impl NeedsScope for Referrals {
    const SCOPE: Scope = Scope::Referrals;
}

/// A referral of a case to a partner.
#[derive(Serialize, ToSchema)]
pub struct ReferralOut {
    id: String,
    /// The case's reference (`SL-…`).
    case_reference: String,
    /// The partner it went to.
    recipient: String,
    /// `law_enforcement` or `ngo`.
    recipient_kind: String,
    /// `given`, `not_asked_urgent` or `refused`.
    consent: String,
    /// GDPR Art. 6(1): `consent`, `legal_obligation`, `vital_interests`, `public_task`, `legitimate_interests`.
    lawful_basis: String,
    /// `additional_services_required`, `migration_or_change_of_location` or `other`.
    reason: String,
    /// `law_enforcement` or `ngo`: what the referral carries.
    profile: String,
    /// `sent`, `acknowledged`, `accepted` or `declined`.
    status: String,
    /// Support recorded by the partner: `shelter`, `legal_aid`, `medical`, `return_home`,
    /// `handed_to_police`, `declined_by_person`.
    support: Vec<String>,
    created_at: String,
    acknowledged_at: Option<String>,
    decided_at: Option<String>,
    /// Send it back with a step; a step on an older version is refused (409).
    version: i64,
}

impl From<ReferralRecord> for ReferralOut {
    fn from(r: ReferralRecord) -> Self {
        Self {
            id: r.id.to_string(),
            case_reference: r.case_reference,
            recipient: r.recipient_name,
            recipient_kind: r.recipient_kind.to_string(),
            consent: r.consent.to_string(),
            lawful_basis: r.lawful_basis.to_string(),
            reason: r.reason.to_string(),
            profile: r.profile.to_string(),
            status: r.status.to_string(),
            support: r.support.iter().map(ToString::to_string).collect(),
            created_at: rfc3339(r.created_at),
            acknowledged_at: r.acknowledged_at.map(rfc3339),
            decided_at: r.decided_at.map(rfc3339),
            version: r.version,
        }
    }
}

/// A message in a referral's thread.
#[derive(Serialize, ToSchema)]
pub struct ReferralMessageOut {
    at: String,
    /// Written by the partner (otherwise by the referring desk).
    from_partner: bool,
    text: String,
}

/// A referral opened: its state, what it shares, and its thread.
#[derive(Serialize, ToSchema)]
pub struct ReferralFileOut {
    referral: ReferralOut,
    /// `desk` (you referred it) or `partner` (it was referred to you).
    side: String,
    /// What the referral shares, in HTCDS field names; validated by the JSON Schema in
    /// the repository at `content/htcds/referral.schema.json`.
    #[schema(value_type = Object)]
    record: serde_json::Value,
    messages: Vec<ReferralMessageOut>,
}

impl ReferralFileOut {
    fn of(f: ReferralFile) -> Result<Self, ApiError> {
        Ok(Self {
            side: match f.side {
                Side::Desk => "desk",
                Side::Partner => "partner",
            }
            .to_owned(),
            record: serde_json::to_value(&f.shared)
                .map_err(|e| ApiError::from(sightline_app::AppError::Internal(e.to_string())))?,
            messages: f
                .messages
                .into_iter()
                .map(|(m, text)| ReferralMessageOut { at: rfc3339(m.at), from_partner: m.from_partner, text })
                .collect(),
            referral: f.referral.into(),
        })
    }
}

/// A referral to make. A missing field is reported with the others at fault.
#[derive(Deserialize, ToSchema)]
#[serde(default)]
#[derive(Default)]
pub struct NewReferralIn {
    /// `org:<organisation id>` (a partner in Sightline) or `entry:<directory entry id>`.
    recipient: String,
    /// `given`, `not_asked_urgent` or `refused`.
    consent: String,
    /// `consent` (needs consent given), `legal_obligation`, `vital_interests`, `public_task`, `legitimate_interests`.
    lawful_basis: String,
    /// `additional_services_required`, `migration_or_change_of_location` or `other`.
    reason: String,
    /// Details for the partner (at most 2000 characters).
    #[serde(default)]
    details: String,
    /// `law_enforcement` or `ngo` (an NGO only receives `ngo`).
    profile: String,
    /// Required when the report did not pass the decision gate: why it is referred anyway.
    #[serde(default)]
    gate_override: String,
}

/// The referral made.
#[derive(Serialize, ToSchema)]
pub struct ReferralCreatedOut {
    id: String,
}

/// Refer a case to a partner (desk analysts; scope `referrals`). Only what the profile
/// and the consent allow is shared.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case (report) id")), request_body = NewReferralIn,
    responses((status = 201, body = ReferralCreatedOut),
        (status = 404, body = ErrorEnvelope, description = "No such case, or not yours"),
        (status = 422, body = ErrorEnvelope, description = "Fields are invalid; `fields` lists each")))]
pub async fn refer(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(case): IdParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    // Refused (roles, another organisation's case) before a bad body is reported.
    let input = body.parse::<NewReferralIn>();
    let (recipient, draft) = input.as_ref().map_or_else(
        |_| (String::new(), ReferralDraft::default()),
        |i| {
            let draft = ReferralDraft {
                consent: i.consent.clone(),
                lawful_basis: i.lawful_basis.clone(),
                reason: i.reason.clone(),
                details: i.details.clone(),
                profile: i.profile.clone(),
                gate_override: i.gate_override.clone(),
            };
            (i.recipient.clone(), draft)
        },
    );
    let id = super::refused_first(state.refer_case(&caller, case, &recipient, &draft).await, input)?;
    Ok((StatusCode::CREATED, Json(ReferralCreatedOut { id: id.to_string() })).into_response())
}

/// Referrals made to your organisation, waiting ones first (caseworkers; scope `referrals`).
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", security(("bearer" = [])),
    responses((status = 200, body = [ReferralOut])))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
) -> Result<Response, ApiError> {
    let list = state.referral_inbox(&caller).await?;
    Ok(Json(list.into_iter().map(ReferralOut::from).collect::<Vec<_>>()).into_response())
}

/// A referral with what it shares (HTCDS) and its thread, for the referring desk or the
/// partner it went to; every opening is audited.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Referral id")),
    responses((status = 200, body = ReferralFileOut),
        (status = 404, body = ErrorEnvelope, description = "No such referral, or not yours")))]
pub async fn one(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(id): IdParam,
) -> Result<Response, ApiError> {
    let file = state.open_referral(&caller, id).await?;
    Ok(Json(ReferralFileOut::of(file)?).into_response())
}

/// The referral as CSV in HTCDS column names, one row per potential victim.
#[utoipa::path(get, path = "/api/v1/referrals/{id}/htcds.csv", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Referral id")),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 404, body = ErrorEnvelope, description = "No such referral, or not yours")))]
pub async fn csv(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(id): IdParam,
) -> Result<Response, ApiError> {
    let text = state.referral_csv(&caller, id).await?;
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    Ok(res)
}

/// A partner's step: the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct AcknowledgeIn {
    version: i64,
}

/// Acknowledge a referral made to your organisation (caseworkers).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/acknowledge", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Referral id")), request_body = AcknowledgeIn,
    responses((status = 200, body = ReferralOut),
        (status = 404, body = ErrorEnvelope, description = "No such referral, or not yours"),
        (status = 409, body = ErrorEnvelope, description = "It changed since `version`"),
        (status = 422, body = ErrorEnvelope, description = "Already acknowledged or decided")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(id): IdParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: AcknowledgeIn = body_on_side(&state, &caller, id, &body).await?;
    step_answer(&state, &caller, id, input.version, &PartnerStep::Acknowledge).await
}

/// The partner's decision or the support given.
#[derive(Deserialize, ToSchema)]
pub struct OutcomeIn {
    version: i64,
    /// `accept`, `decline` (needs `reason`) or `support` (needs `support`, on an accepted referral).
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    support: Vec<String>,
}

/// Accept or decline a referral made to your organisation, or record the support given
/// (caseworkers). An acceptance hands the case over.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/outcome", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Referral id")), request_body = OutcomeIn,
    responses((status = 200, body = ReferralOut),
        (status = 404, body = ErrorEnvelope, description = "No such referral, or not yours"),
        (status = 409, body = ErrorEnvelope, description = "It changed since `version`"),
        (status = 422, body = ErrorEnvelope, description = "A field is invalid, or the step is out of order")))]
pub async fn outcome(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(id): IdParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: OutcomeIn = body_on_side(&state, &caller, id, &body).await?;
    // Acknowledging has its own call.
    let step = match PartnerStep::parse(&input.decision, &input.reason, input.support.iter().map(String::as_str))? {
        PartnerStep::Acknowledge => return Err(sightline_domain::FieldError::new("decision", "unknown-value").into()),
        step => step,
    };
    step_answer(&state, &caller, id, input.version, &step).await
}

/// A message for the referral's thread.
#[derive(Deserialize, ToSchema)]
pub struct MessageIn {
    message: String,
}

/// Write in a referral's thread (either side); sealed at rest.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/messages", tag = "referrals", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Referral id")), request_body = MessageIn,
    responses((status = 201, description = "Written"),
        (status = 404, body = ErrorEnvelope, description = "No such referral, or not yours"),
        (status = 422, body = ErrorEnvelope, description = "The message is empty or too long")))]
pub async fn message(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Referrals>,
    IdParam(id): IdParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: MessageIn = body_on_side(&state, &caller, id, &body).await?;
    state.referral_message(&caller, id, &input.message).await?;
    Ok(StatusCode::CREATED.into_response())
}

/// The body of a step on referral `id`, read only once the caller is known to be on
/// one of its sides: a stranger is refused (404) before a bad body is reported.
async fn body_on_side<T: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    body: &JsonBody,
) -> Result<T, ApiError> {
    state.referral_side(caller, id).await?;
    body.parse()
}

/// Takes the partner's `step` on the referral read at `version`, and answers with the
/// referral as it now stands.
async fn step_answer(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    version: i64,
    step: &PartnerStep,
) -> Result<Response, ApiError> {
    state.partner_step(caller, id, version, step).await?;
    let r = state.open_referral(caller, id).await?.referral;
    Ok(Json(ReferralOut::from(r)).into_response())
}
