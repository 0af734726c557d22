//! The JSON API under `/api/v1`, described by OpenAPI at `/api/v1/openapi.json`.
//!
//! Authentication: `Authorization: Bearer <personal API token>`, or the browser's
//! session cookie (then state-changing requests must echo the session's CSRF token in
//! `X-CSRF-Token`). Errors always use the one envelope, built by [`crate::error::WebError::render`].
//!
//! Every handler names the token scope it needs in its extractor (`ApiUser<Read>`,
//! `ApiUser<Admin>`, `ApiUser<ReportsWrite>`); a session acts with the person's roles.

use axum::body::Bytes;
use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sightline_app::people::NewPerson;
use sightline_app::{AppError, Caller};
use sightline_domain::ids::OrgId;
use sightline_domain::triage::CaseStatus;
use sightline_domain::user::{Gate, Scope, Scopes};
use sightline_storage::{Organisation, QueueFilter, UserRecord};
use utoipa::{OpenApi, ToSchema};

use crate::error::{ApiError, ErrorBody, ErrorEnvelope, FieldErrorBody};
use crate::security::{constant_time_eq, hash_token};
use crate::visitor::client_ip;
use crate::{AppState, cookies};

mod referrals;

#[derive(OpenApi)]
#[openapi(
    info(title = "Sightline API", description = "Sightline's JSON API. Every error uses one envelope: `{\"error\":{\"code\",\"message\",\"field\",\"fields\":[{\"field\",\"code\",\"message\"}]}}`; `fields` lists every input field at fault, `field` is the first."),
    paths(healthz, readyz, me, list_organisations, create_organisation, list_users, create_user, put_report, directory, cases,
        referrals::refer, referrals::inbox, referrals::one, referrals::csv, referrals::acknowledge, referrals::outcome, referrals::message),
    components(schemas(Health, Me, OrganisationOut, NewOrganisationIn, UserOut, NewUserIn, ErrorEnvelope, ErrorBody, FieldErrorBody, ReceiptOut, DirectoryEntryOut, CaseOut, ReportBody,
        referrals::ReferralOut, referrals::ReferralFileOut, referrals::ReferralMessageOut, referrals::NewReferralIn, referrals::ReferralCreatedOut, referrals::AcknowledgeIn, referrals::OutcomeIn, referrals::MessageIn)),
    modifiers(&BearerAuth, &ErrorResponses),
    tags(
        (name = "system", description = "Health"),
        (name = "accounts", description = "Organisations and people"),
        (name = "reports", description = "Crew reports, sent from the device's outbox"),
        (name = "triage", description = "What the security desk needs: whom to contact at a destination"),
        (name = "referrals", description = "Referrals of a case to NGO and authority partners, in HTCDS field names")
    )
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

/// The error responses every operation can give, added to each from what it takes
/// (credentials, a body, path or query parameters), so none is forgotten. Responses an
/// operation lists itself (with a more precise description) are kept.
struct ErrorResponses;
impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                let params = op.parameters.as_deref().unwrap_or_default();
                let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
                let in_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
                let mut errors: Vec<(&str, &str)> = Vec::new();
                if op.security.is_some() {
                    errors.push(("401", "No valid API token or session"));
                    errors.push((
                        "403",
                        "Not allowed for your roles or this token, or a session call without X-CSRF-Token",
                    ));
                    errors.push(("500", "Internal error (logged); nothing was half-written"));
                }
                if in_query {
                    errors.push(("400", "A query parameter is malformed or given twice"));
                }
                if op.request_body.is_some() {
                    errors.push(("413", "The body is larger than the server accepts (2 MiB)"));
                    errors.push(("415", "The body is not declared as JSON (Content-Type: application/json)"));
                    errors.push(("422", "The body is not valid JSON for this operation, or a field is invalid"));
                }
                if in_path {
                    errors.push(("422", "A path parameter is not a valid id; `field` names it"));
                }
                for (status, description) in errors {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorEnvelope"))).build())
        .build()
        .into()
}

route_table! {
    routes, add_routes;
    "/openapi.json" => get(openapi);
    "/me" => get(me);
    "/organisations" => get(list_organisations).post(create_organisation);
    "/organisations/{org}/users" => get(list_users).post(create_user);
    "/reports/{id}" => put(put_report);
    "/directory" => get(directory);
    "/cases" => get(cases);
    "/cases/{id}/referrals" => post(referrals::refer);
    "/referrals" => get(referrals::inbox);
    "/referrals/{id}" => get(referrals::one);
    "/referrals/{id}/htcds.csv" => get(referrals::csv);
    "/referrals/{id}/acknowledge" => post(referrals::acknowledge);
    "/referrals/{id}/outcome" => post(referrals::outcome);
    "/referrals/{id}/messages" => post(referrals::message);
}

pub fn router() -> Router<AppState> {
    add_routes(Router::new()).fallback(no_such_endpoint).method_not_allowed_fallback(method_not_allowed)
}

async fn no_such_endpoint() -> ApiError {
    ApiError::for_status(StatusCode::NOT_FOUND)
}

/// A known path asked with a method it does not take (axum adds `Allow`).
pub async fn method_not_allowed() -> ApiError {
    ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED)
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The authenticated caller of an API request, whose credential carries the scope
/// `S` ([`Read`], [`Admin`] or [`ReportsWrite`]): every handler says which it needs.
pub struct ApiUser<S>(pub Caller, PhantomData<S>);

/// A token scope an endpoint needs.
pub trait NeedsScope {
    const SCOPE: Scope;
}
/// Reading (`read`).
pub struct Read;
/// Administering organisations and people (`admin`).
pub struct Admin;
/// Sending crew reports (`reports:write`).
pub struct ReportsWrite;
impl NeedsScope for Read {
    const SCOPE: Scope = Scope::Read;
}
impl NeedsScope for Admin {
    const SCOPE: Scope = Scope::Admin;
}
impl NeedsScope for ReportsWrite {
    const SCOPE: Scope = Scope::ReportsWrite;
}

impl<S: NeedsScope> FromRequestParts<AppState> for ApiUser<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Credential { user, scopes, second_factor_passed, by_provider, csrf } = credential(parts, state).await?;
        // The two-factor rule is applied where every caller is made, the same as for
        // pages: a token counts as having passed the second factor, so it works once
        // its holder has enrolled.
        let ip = client_ip(parts, &state.config.trusted_proxies);
        let caller = match Caller::signed_in_with(user, second_factor_passed, by_provider, ip) {
            Ok(caller) => caller,
            Err(Gate::NeedsSecondFactor | Gate::Open) => return Err(ApiError::unauthorized()),
            Err(Gate::NeedsEnrolment) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "two-factor-required",
                    "your roles require two-factor sign-in: enrol at /account/two-factor, then use the API",
                ));
            }
        };
        if let Some(expected) = csrf.filter(|_| parts.method != Method::GET && parts.method != Method::HEAD) {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "X-CSRF-Token is missing or wrong"));
            }
        }
        if scopes.is_some_and(|s| !s.contains(S::SCOPE)) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient-scope",
                format!("this API token lacks the `{}` scope this endpoint needs", S::SCOPE),
            ));
        }
        Ok(Self(caller, PhantomData))
    }
}

/// Who sent the request.
struct Credential {
    user: UserRecord,
    /// A bearer token's scopes; none for a session, which acts with the person's roles.
    scopes: Option<Scopes>,
    second_factor_passed: bool,
    /// A single sign-on session whose provider vouched for a second factor.
    by_provider: bool,
    /// A session's CSRF token, which state-changing requests must echo.
    csrf: Option<String>,
}

async fn credential(parts: &Parts, state: &AppState) -> Result<Credential, ApiError> {
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(ApiError::unauthorized)?;
        let (user, scopes) = state.api_token_user(token.trim()).await?.ok_or_else(ApiError::unauthorized)?;
        return Ok(Credential {
            user,
            scopes: Some(scopes),
            second_factor_passed: true,
            by_provider: false,
            csrf: None,
        });
    }
    let Some(token) = cookies::get(&parts.headers, cookies::SESSION) else {
        return Err(ApiError::unauthorized());
    };
    let session = state.open_session(&hash_token(&token)).await?.ok_or_else(ApiError::unauthorized)?;
    Ok(Credential {
        user: session.user,
        scopes: None,
        second_factor_passed: session.two_factor_passed,
        by_provider: session.second_factor_by_provider,
        csrf: Some(session.csrf_token),
    })
}

/// A request body declared as JSON: any other `Content-Type` is 415 and a body over
/// the limit 413, both before the handler runs. The handler parses it
/// ([`JsonBody::parse`], 422 when it does not fit) once it has checked the caller may
/// ask at all.
pub struct JsonBody(Bytes);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !crate::error::is_json(req.headers()) {
            return Err(ApiError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e| ApiError::for_status(e.status()).with_message(e.body_text()))
    }
}

impl JsonBody {
    fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.0)
            .map_err(|e| ApiError::bad_body(format!("the request body is not valid JSON for this endpoint: {e}")))
    }
}

/// Query parameters; a malformed or repeated one is 400 `invalid-query`.
pub struct ApiQuery<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::try_from_uri(&parts.uri)
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid-query", e.body_text()))
    }
}

/// The one path parameter of a route, as a UUID; anything else is 422 `invalid-id`
/// naming `field`.
async fn path_uuid(parts: &mut Parts, field: &'static str) -> Result<uuid::Uuid, ApiError> {
    let Path(raw) = Path::<String>::from_request_parts(parts, &()).await.map_err(|_| ApiError::invalid_id(field))?;
    uuid::Uuid::parse_str(&raw).map_err(|_| ApiError::invalid_id(field))
}

/// `{org}`: an organisation id.
pub struct OrgParam(OrgId);

impl<S: Send + Sync> FromRequestParts<S> for OrgParam {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        path_uuid(parts, "org").await.map(|id| Self(OrgId::from_uuid(id)))
    }
}

/// `{id}`: the id in the path, a report's (the one its device chose) or a referral's.
pub struct IdParam(uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdParam {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        path_uuid(parts, "id").await.map(Self)
    }
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the server runs (and, for `/readyz`, the database answers).
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
    version: &'static str,
}

/// Liveness: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", database: state.engine(), version: env!("CARGO_PKG_VERSION") })
}

/// Readiness: the database answers a query.
#[utoipa::path(get, path = "/readyz", tag = "system", responses((status = 200, body = Health), (status = 503, body = ErrorEnvelope, description = "The database did not answer")))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.ping().await {
        Ok(()) => {
            Json(Health { status: "ok", database: state.engine(), version: env!("CARGO_PKG_VERSION") }).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "database-unavailable", "the database did not answer")
                .into_response()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: String,
    organisation_id: String,
    name: String,
    email: String,
    roles: Vec<String>,
    two_factor: bool,
}

/// Who the token or session belongs to (scope `read`).
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me)))]
pub async fn me(ApiUser(u, _): ApiUser<Read>) -> Json<Me> {
    Json(Me {
        id: u.id.to_string(),
        organisation_id: u.org_id.to_string(),
        name: u.name.clone(),
        email: u.email.clone(),
        roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        two_factor: u.two_factor_enabled(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    id: String,
    name: String,
    /// `airline`, `airport`, `ngo` or `authority`.
    kind: String,
    user_count: i64,
    created_at: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrganisationIn {
    name: String,
    /// `airline`, `airport`, `ngo` or `authority`.
    kind: String,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Every organisation (platform administrators only; scope `read`).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [OrganisationOut])))]
pub async fn list_organisations(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Read>,
) -> Result<Response, ApiError> {
    let orgs = state.list_orgs(&caller).await?;
    Ok(Json(orgs.into_iter().map(OrganisationOut::from).collect::<Vec<_>>()).into_response())
}

impl From<Organisation> for OrganisationOut {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            kind: o.kind.as_str().into(),
            user_count: o.user_count,
            created_at: rfc3339(o.created_at),
        }
    }
}

/// A use case's answer to a request whose body may not have parsed: the use case
/// ran on an empty input first, so being refused (403, 404) comes before the body's
/// own errors, as it always has; an empty input writes nothing.
fn refused_first<T, B>(done: Result<T, AppError>, body: Result<B, ApiError>) -> Result<T, ApiError> {
    match (done, body) {
        (Err(e @ (AppError::Forbidden | AppError::NotFound)), _) => Err(e.into()),
        (_, Err(e)) => Err(e),
        (done, Ok(_)) => Ok(done?),
    }
}

/// Create an organisation (platform administrators only; scope `admin`).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts", security(("bearer" = [])), request_body = NewOrganisationIn,
    responses((status = 201, body = OrganisationOut),
        (status = 409, body = ErrorEnvelope, description = "An organisation with this name exists"),
        (status = 422, body = ErrorEnvelope, description = "Fields are invalid; `fields` lists each, `field` names the first")))]
pub async fn create_organisation(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Admin>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input = body.parse::<NewOrganisationIn>();
    let (name, kind) = input.as_ref().map_or(("", ""), |i| (i.name.as_str(), i.kind.as_str()));
    let o = refused_first(state.create_org(&caller, name, kind).await, input)?;
    Ok((StatusCode::CREATED, Json(OrganisationOut::from(o))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    id: String,
    name: String,
    email: String,
    roles: Vec<String>,
    base: Option<String>,
    employee_id: Option<String>,
    two_factor: bool,
}

impl From<UserRecord> for UserOut {
    fn from(u: UserRecord) -> Self {
        Self {
            id: u.id.to_string(),
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            two_factor: u.two_factor_enabled(),
            name: u.name,
            email: u.email,
            base: u.base,
            employee_id: u.employee_id,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserIn {
    name: String,
    email: String,
    /// One or more of `learner`, `reporter`, `desk_analyst`, `org_admin`.
    roles: Vec<String>,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    employee_id: Option<String>,
    /// The person's job, which decides their course: `cabin_crew`, `flight_deck`,
    /// `ground` or `security`.
    #[serde(default)]
    position: Option<String>,
}

/// The people of an organisation (its admins, or platform administrators; scope `read`).
#[utoipa::path(get, path = "/api/v1/organisations/{org}/users", tag = "accounts", security(("bearer" = [])),
    params(("org" = uuid::Uuid, Path, description = "Organisation id")),
    responses((status = 200, body = [UserOut]), (status = 404, body = ErrorEnvelope, description = "No such organisation, or not yours")))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Read>,
    OrgParam(org): OrgParam,
) -> Result<Response, ApiError> {
    let users: Vec<UserOut> = state.list_people(&caller, org).await?.into_iter().map(UserOut::from).collect();
    Ok(Json(users).into_response())
}

/// Create a user without a password; an admin then issues a reset link (or the
/// person is invited instead). Scope `admin`.
#[utoipa::path(post, path = "/api/v1/organisations/{org}/users", tag = "accounts", security(("bearer" = [])),
    params(("org" = uuid::Uuid, Path, description = "Organisation id")), request_body = NewUserIn,
    responses((status = 201, body = UserOut), (status = 404, body = ErrorEnvelope, description = "No such organisation, or not yours"),
        (status = 409, body = ErrorEnvelope, description = "The e-mail address is already in use"),
        (status = 422, body = ErrorEnvelope, description = "Fields are invalid; `fields` lists each, `field` names the first")))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Admin>,
    OrgParam(org): OrgParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input = body.parse::<NewUserIn>();
    let person = input.as_ref().map_or_else(
        |_| NewPerson::default(),
        |i| NewPerson {
            name: &i.name,
            email: &i.email,
            roles: &i.roles,
            base: i.base.as_deref().unwrap_or(""),
            employee_id: i.employee_id.as_deref().unwrap_or(""),
            position: i.position.as_deref().unwrap_or(""),
        },
    );
    let created = refused_first(state.create_person(&caller, org, &person).await, input)?;
    Ok((StatusCode::CREATED, Json(UserOut::from(created))).into_response())
}

/// What the reporter's device gets back.
#[derive(Serialize, ToSchema)]
#[schema(as = Receipt)]
pub struct ReceiptOut {
    id: String,
    /// Short reference for the reporter and the relay message.
    reference: String,
    /// received, being_handled, handed_to_authorities or closed.
    status: String,
    relay_message: String,
    /// Did the report pass the decision gate (enough to leave the organisation)?
    gate_passed: bool,
    received_at: String,
}

impl From<crate::reports::Receipt> for ReceiptOut {
    fn from(r: crate::reports::Receipt) -> Self {
        let crate::reports::Receipt { id, reference, status, relay_message, gate_passed, received_at } = r;
        Self { id, reference, status, relay_message, gate_passed, received_at }
    }
}

/// Store a crew report under the id the device chose. Idempotent: the same id with
/// the same content answers 200 with the stored report; the same id with different
/// content answers 409 and changes nothing. Acknowledged only after the report is
/// committed. Scope `reports:write`.
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The report's UUID, generated by the device")),
    request_body(content = ReportBody, description = "The report"),
    responses(
        (status = 201, body = ReceiptOut, description = "Stored now"),
        (status = 200, body = ReceiptOut, description = "Already stored with this content"),
        (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"),
        (status = 409, body = ErrorEnvelope, description = "This id holds different content"),
        (status = 422, body = ErrorEnvelope, description = "Fields are invalid; `fields` lists each, `field` names the first"),
    ))]
pub async fn put_report(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<ReportsWrite>,
    IdParam(id): IdParam,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: sightline_domain::report::ReportInput = body.parse()?;
    match state.file_report(&caller, id, &input).await {
        Ok((true, receipt)) => Ok((StatusCode::CREATED, Json(ReceiptOut::from(receipt))).into_response()),
        Ok((false, receipt)) => Ok((StatusCode::OK, Json(ReceiptOut::from(receipt))).into_response()),
        // The device's outbox keeps the report (a refused other organisation's id is
        // audited by the app and answers the same).
        Err(sightline_app::AppError::Conflict { .. }) => {
            Err(ApiError::conflict("id", "a different report was already stored under this id; nothing was changed"))
        }
        Err(e) => Err(e.into()),
    }
}

/// A case on the desk's queue, without its sealed text (open it in the browser, where
/// every opening is audited).
#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    id: String,
    /// Short reference (the one in the captain's relay message).
    reference: String,
    /// `received`, `acknowledged`, `escalated`, `handed_over` or `closed`.
    status: String,
    /// Goes up by one with every change; a change must name the version it saw.
    version: i64,
    flight: String,
    /// `YYYY-MM-DD`.
    flight_date: String,
    /// IATA.
    origin: String,
    /// IATA.
    destination: String,
    /// RFC 3339, when known.
    scheduled_arrival: Option<String>,
    immediate_danger: bool,
    /// Did the report pass the decision gate?
    gate_passed: bool,
    /// RFC 3339.
    received_at: String,
    /// The analyst it is assigned to.
    assigned_to: Option<String>,
}

impl From<sightline_storage::CaseRecord> for CaseOut {
    fn from(c: sightline_storage::CaseRecord) -> Self {
        Self {
            id: c.id.to_string(),
            reference: c.reference,
            status: c.status.to_string(),
            version: c.version,
            flight: c.flight,
            flight_date: c.flight_date,
            origin: c.origin,
            destination: c.destination,
            scheduled_arrival: c.scheduled_arrival.map(rfc3339),
            immediate_danger: c.immediate_danger,
            gate_passed: c.gate_passed,
            received_at: rfc3339(c.received_at),
            assigned_to: c.assigned_to.map(|u| u.to_string()),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// `open` (every case not closed, the default) or one status.
    #[param(pattern = "^(open|received|acknowledged|escalated|handed_over|closed)$")]
    status: Option<String>,
    /// At most this many, most urgent first (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The desk's cases, most urgent first: immediate danger, then the time to landing
/// (desk analysts, who need two-factor sign-in; scope `read`).
#[utoipa::path(get, path = "/api/v1/cases", tag = "triage", security(("bearer" = [])), params(CasesQuery),
    responses((status = 200, body = [CaseOut]),
        (status = 422, body = ErrorEnvelope, description = "`status` or `limit` is not valid")))]
pub async fn cases(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Read>,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> Result<Response, ApiError> {
    let filter = match q.status.as_deref().map(str::trim) {
        None | Some("open") => QueueFilter::default(),
        Some(s) => {
            let status: CaseStatus = s.parse()?;
            QueueFilter { status: Some(status), include_closed: status == CaseStatus::Closed, ..QueueFilter::default() }
        }
    };
    let limit = match q.limit {
        None => 100,
        Some(n @ 1..=sightline_app::desk::MAX_QUEUE_ROWS) => n,
        Some(_) => return Err(sightline_domain::FieldError::new("limit", "out-of-range").into()),
    };
    let queue = state.desk_queue(&caller, &filter, limit).await?;
    Ok(Json(queue.cases.into_iter().map(CaseOut::from).collect::<Vec<_>>()).into_response())
}

/// A routing-directory entry: whom the desk contacts at a destination.
#[derive(Serialize, ToSchema)]
pub struct DirectoryEntryOut {
    id: String,
    /// Goes up by one with every change (the history keeps each version).
    version: i64,
    /// ISO 3166-1 alpha-2, `EU` for every EU member state, or `INT` for an international line.
    country: String,
    /// IATA code, when the contact serves one airport only.
    airport: Option<String>,
    organisation: String,
    /// `airport_police`, `border_police`, `police`, `border_guard`, `national_hotline`,
    /// `victim_assistance` or `emergency`.
    kind: &'static str,
    /// E.164 international format, e.g. `+358295463177`.
    #[schema(pattern = r"^\+[1-9][0-9]{6,14}$")]
    phone: Option<String>,
    /// The number as dialled inside the country (short codes such as `112`).
    local_number: Option<String>,
    /// `phone` can be dialled from another country.
    dialable_from_abroad: bool,
    email: Option<String>,
    /// `24/7`, the hours as the source gives them, or empty when the source does not say.
    hours: String,
    /// Answers around the clock (`hours` is `24/7`).
    always_open: bool,
    /// What the desk should know before calling.
    notes: String,
    /// ISO 639 codes of the languages the source names.
    languages: Vec<String>,
    /// "More than N languages" (through interpreters), when the source says so.
    languages_over: Option<u16>,
    /// The official page the details were checked against.
    source: String,
    /// `YYYY-MM-DD`.
    last_verified: String,
    /// Not checked for over twelve months: check at the source before relying on it.
    stale: bool,
    /// Shown to the public on the help pages (`/help/{airport}`).
    public: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// An airport (IATA): only its contacts, in the order the desk is offered them.
    destination: Option<String>,
    /// With `destination`: route for an urgent case (phones answering 24/7 first).
    urgent: Option<bool>,
}

/// The routing directory (desk analysts and administrators; scope `read`). With
/// `destination`, the contacts for that airport in the order the desk is offered
/// them: 24/7 phones first when `urgent`; the airport's own, then the country's, then
/// regional (EU) and international lines; an office-hours e-mail never first.
#[utoipa::path(get, path = "/api/v1/directory", tag = "triage", security(("bearer" = [])), params(DirectoryQuery),
    responses((status = 200, body = [DirectoryEntryOut]),
        (status = 422, body = ErrorEnvelope, description = "`destination` is not a known airport")))]
pub async fn directory(
    State(state): State<AppState>,
    ApiUser(caller, _): ApiUser<Read>,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Response, ApiError> {
    let urgent = q.urgent.unwrap_or(false);
    let entries = state.directory_for_destination(&caller, q.destination.as_deref(), urgent).await?;
    let today = state.now().date();
    let out: Vec<DirectoryEntryOut> = entries
        .into_iter()
        .map(|s| DirectoryEntryOut {
            id: s.id.to_string(),
            version: s.version,
            stale: s.entry.is_stale(today),
            public: s.entry.public,
            kind: s.entry.kind.as_str(),
            country: s.entry.country,
            airport: s.entry.airport,
            organisation: s.entry.organisation,
            phone: s.entry.phone.map(String::from),
            local_number: s.entry.local_number,
            dialable_from_abroad: s.entry.dialable_from_abroad,
            email: s.entry.email,
            always_open: s.entry.hours.is_always(),
            hours: s.entry.hours.into(),
            notes: s.entry.notes,
            languages: s.entry.languages,
            languages_over: s.entry.languages_over,
            source: s.entry.source,
            last_verified: s.entry.last_verified,
        })
        .collect();
    Ok(Json(out).into_response())
}

/// The body of `PUT /api/v1/reports/{id}` as OpenAPI describes it. The server reads
/// the body into the domain's `ReportInput`, which knows nothing of OpenAPI; this
/// mirror takes its choices (roles, phases, age ranges …) from the domain's lists, and
/// a test checks its fields and which are required against `ReportInput` itself.
pub struct ReportBody;

impl ToSchema for ReportBody {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ReportInput")
    }
}

impl utoipa::PartialSchema for ReportBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use sightline_domain::report::{AgeRange, Awareness, PerceivedGender, Phase, ReporterRole};
        use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, SchemaType, Type};

        fn text(description: &str) -> ObjectBuilder {
            ObjectBuilder::new().schema_type(Type::String).description(Some(description))
        }
        fn one_of<'a>(values: impl Iterator<Item = &'a str>, description: &str) -> ObjectBuilder {
            text(description).enum_values(Some(values.collect::<Vec<_>>()))
        }
        fn count(description: &str) -> ObjectBuilder {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(u8::MAX))
                .description(Some(description))
        }
        fn flag(description: &str) -> ObjectBuilder {
            ObjectBuilder::new().schema_type(Type::Boolean).description(Some(description))
        }
        fn list(items: ObjectBuilder, description: &str) -> ArrayBuilder {
            ArrayBuilder::new().items(items).description(Some(description))
        }
        let person = || {
            ObjectBuilder::new()
                .description(Some(
                    "A neutral description of one person. There is no field for ethnicity or appearance.",
                ))
                .property("age_range", one_of(AgeRange::ALL.iter().map(|v| v.as_str()), "Age as perceived"))
                .required("age_range")
                .property("gender", one_of(PerceivedGender::ALL.iter().map(|v| v.as_str()), "Gender as perceived"))
                .required("gender")
                .property("clothing", text("Clothing or another neutral identifying detail"))
        };
        ObjectBuilder::new()
            .description(Some("A crew report as the device sends it."))
            .property("reporter_role", one_of(ReporterRole::ALL.iter().map(|v| v.as_str()), "Who is reporting"))
            .required("reporter_role")
            .property("phase", one_of(Phase::ALL.iter().map(|v| v.as_str()), "When it was seen"))
            .required("phase")
            .property(
                "flight",
                text(
                    "IATA flight number (`AY5`; `AY0005` is the same), ICAO call sign (`FIN5`) or \
                     registration (`N123AB`, `OH-LVA`); empty for an incident in the terminal",
                ),
            )
            .property("date", text("Departure date (or the day of a terminal incident), `YYYY-MM-DD`"))
            .required("date")
            .property("origin", text("Departure airport (IATA), e.g. `HEL`; required with a flight"))
            .property("destination", text("Arrival airport (IATA), e.g. `JFK`; required with a flight"))
            .property("airport", text("The airport (IATA) of an incident in the terminal, when there is no flight"))
            .property("place", text("Where in the terminal, e.g. `Gate 22` (at most 80 characters)"))
            .property(
                "scheduled_arrival",
                text(
                    "Scheduled arrival: `HH:MM` local time at the destination on `arrival_date` (or `date`), \
                     `YYYY-MM-DDTHH:MM` local time, or an RFC 3339 instant; may be empty",
                ),
            )
            .property("arrival_date", text("Local date of the scheduled arrival, `YYYY-MM-DD`, when not `date`"))
            .property("seats", list(text("A seat such as `23A`"), "Seats of the people concerned (at most 30)"))
            .required("potential_victims")
            .property("potential_victims", count("How many potential victims (1–30)"))
            .property("companions", count("How many companions (0–30)"))
            .property("indicators", list(text("An indicator code from the catalogue"), "The signs seen"))
            .property("victims", list(person(), "The potential victims, described neutrally"))
            .property("companions_described", list(person(), "The companions, described neutrally"))
            .property("disclosed", flag("Did the person say they need help?"))
            .property(
                "companion_aware",
                one_of(Awareness::ALL.iter().map(|v| v.as_str()), "May the companion have noticed?"),
            )
            .required("companion_aware")
            .property(
                "immediate_danger",
                flag(
                    "Is someone in immediate danger? An urgent report is never refused for a secondary field: \
                     it is stored with each problem flagged for the desk (the value as typed)",
                ),
            )
            .property("free_text", text("What was seen, in the reporter's words"))
            .property("considered_innocent_explanations", flag("The reporter weighed the innocent explanations shown"))
            .property(
                "client_created_at",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some("When the device created it (informational)")),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .examples(example_report())
            .into()
    }
}

/// The repository's example report (without the file's `id`), so clients and
/// fuzzers see a report the server accepts.
fn example_report() -> Option<serde_json::Value> {
    let mut report: serde_json::Value = serde_json::from_str(include_str!("../../../../examples/report.json")).ok()?;
    report.as_object_mut()?.remove("id");
    Some(report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use sightline_domain::report::ReportInput;
    use utoipa::PartialSchema;

    /// The OpenAPI mirror of the report body has exactly `ReportInput`'s fields, and
    /// marks required exactly those `ReportInput` cannot do without.
    #[test]
    fn the_report_schema_matches_the_domain_type() {
        let example = include_str!("../../../../examples/report.json");
        let mut full: serde_json::Value = serde_json::from_str(example).unwrap();
        full.as_object_mut().unwrap().remove("id");
        full["client_created_at"] = "2026-11-28T10:00:00Z".into();
        full["scheduled_arrival"] = "14:35".into();
        for (k, v) in [("airport", ""), ("place", ""), ("arrival_date", "")] {
            full[k] = v.into();
        }
        let input: ReportInput = serde_json::from_value(full.clone()).unwrap();
        let fields: Vec<String> = serde_json::to_value(&input).unwrap().as_object().unwrap().keys().cloned().collect();

        let schema = serde_json::to_value(super::ReportBody::schema()).unwrap();
        let mut properties: Vec<String> = schema["properties"].as_object().unwrap().keys().cloned().collect();
        properties.sort();
        let mut sorted = fields.clone();
        sorted.sort();
        assert_eq!(properties, sorted);
        let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for field in &fields {
            let mut without = full.clone();
            without.as_object_mut().unwrap().remove(field);
            let needed = serde_json::from_value::<ReportInput>(without).is_err();
            assert_eq!(needed, required.contains(&field.as_str()), "{field}");
        }
        let mut extra = full;
        extra["unknown"] = 1.into();
        assert!(serde_json::from_value::<ReportInput>(extra).is_err(), "additionalProperties: false holds");
        assert_eq!(schema["additionalProperties"], false);
    }
}
