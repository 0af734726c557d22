//! The JSON API under `/api/v1`, described by OpenAPI at `/api/v1/openapi.json`.
//!
//! Authentication: `Authorization: Bearer <personal API token>`, or the browser's
//! session cookie (then state-changing requests must echo the session's CSRF token in
//! `X-CSRF-Token`). Errors always use the envelope in [`crate::error::ApiError`].
//!
//! Every handler names the token scope it needs in its extractor (`ApiUser<Read>`,
//! `ApiUser<Admin>`, `ApiUser<ReportsWrite>`); a session acts with the person's roles.

use axum::body::Bytes;
use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, Gate, PersonName, Role, Roles, Scope, Scopes, parse_optional_short};
use sightline_storage::{NewUser, Owned, UserRecord};
use utoipa::{OpenApi, ToSchema};

use crate::access::{self, Asker};
use crate::error::{ApiError, ErrorBody, ErrorEnvelope};
use crate::security::{constant_time_eq, hash_token};
use crate::visitor::client_ip;
use crate::{AppState, cookies};

#[derive(OpenApi)]
#[openapi(
    info(title = "Sightline API", description = "Sightline's JSON API. Every error uses one envelope: `{\"error\":{\"code\",\"message\",\"field\"}}`."),
    paths(healthz, readyz, me, list_organisations, create_organisation, list_users, create_user, put_report, directory),
    components(schemas(Health, Me, OrganisationOut, NewOrganisationIn, UserOut, NewUserIn, ErrorEnvelope, ErrorBody, crate::reports::Receipt, DirectoryEntryOut)),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health"),
        (name = "accounts", description = "Organisations and people"),
        (name = "reports", description = "Crew reports, sent from the device's outbox"),
        (name = "triage", description = "What the security desk needs: whom to contact at a destination")
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

route_table! {
    routes, add_routes;
    "/openapi.json" => get(openapi);
    "/me" => get(me);
    "/organisations" => get(list_organisations).post(create_organisation);
    "/organisations/{org}/users" => get(list_users).post(create_user);
    "/reports/{id}" => put(put_report);
    "/directory" => get(directory);
}

pub fn router() -> Router<AppState> {
    add_routes(Router::new())
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The authenticated caller of an API request, whose credential carries the scope
/// `S` ([`Read`], [`Admin`] or [`ReportsWrite`]): every handler says which it needs.
pub struct ApiUser<S>(pub UserRecord, PhantomData<S>);

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
        let Credential { user, scopes, second_factor_passed, csrf } = credential(parts, state).await?;
        // The two-factor rule is the domain's, the same as for pages: a token counts
        // as having passed the second factor, so it works once its holder has enrolled.
        match user.roles.two_factor_gate(user.two_factor_enabled(), second_factor_passed) {
            Gate::Open => {}
            Gate::NeedsSecondFactor => return Err(ApiError::unauthorized()),
            Gate::NeedsEnrolment => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "two-factor-required",
                    "your roles require two-factor sign-in: enrol at /account/two-factor, then use the API",
                ));
            }
        }
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
        Ok(Self(user, PhantomData))
    }
}

/// Who sent the request.
struct Credential {
    user: UserRecord,
    /// A bearer token's scopes; none for a session, which acts with the person's roles.
    scopes: Option<Scopes>,
    second_factor_passed: bool,
    /// A session's CSRF token, which state-changing requests must echo.
    csrf: Option<String>,
}

async fn credential(parts: &Parts, state: &AppState) -> Result<Credential, ApiError> {
    let now = state.now();
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(ApiError::unauthorized)?;
        let (user, scopes) =
            state.db.user_by_api_token(&hash_token(token.trim()), now).await?.ok_or_else(ApiError::unauthorized)?;
        return Ok(Credential { user, scopes: Some(scopes), second_factor_passed: true, csrf: None });
    }
    let Some(token) = cookies::get(&parts.headers, cookies::SESSION) else {
        return Err(ApiError::unauthorized());
    };
    let session = state.db.session(&hash_token(&token), now).await?.ok_or_else(ApiError::unauthorized)?;
    Ok(Credential {
        user: session.user,
        scopes: None,
        second_factor_passed: session.two_factor_passed,
        csrf: Some(session.csrf_token),
    })
}

fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_body(format!("the request body is not valid JSON for this endpoint: {e}")))
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
    Json(Health { status: "ok", database: state.db.engine().as_str(), version: env!("CARGO_PKG_VERSION") })
}

/// Readiness: the database answers a query.
#[utoipa::path(get, path = "/readyz", tag = "system", responses((status = 200, body = Health), (status = 503, body = ErrorEnvelope)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => {
            Json(Health { status: "ok", database: state.db.engine().as_str(), version: env!("CARGO_PKG_VERSION") })
                .into_response()
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
    responses((status = 200, body = Me), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)")))]
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
    responses((status = 200, body = [OrganisationOut]), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)")))]
pub async fn list_organisations(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<Read>,
) -> Result<Response, ApiError> {
    if !u.has_role(Role::PlatformAdmin) {
        return Err(ApiError::forbidden());
    }
    let orgs = state.db.list_orgs().await?;
    let out: Vec<OrganisationOut> = orgs
        .into_iter()
        .map(|o| OrganisationOut {
            id: o.id.to_string(),
            name: o.name,
            kind: o.kind.as_str().into(),
            user_count: o.user_count,
            created_at: rfc3339(o.created_at),
        })
        .collect();
    Ok(Json(out).into_response())
}

/// Create an organisation (platform administrators only; scope `admin`).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts", security(("bearer" = [])), request_body = NewOrganisationIn,
    responses((status = 201, body = OrganisationOut), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<Admin>,
    client: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !u.has_role(Role::PlatformAdmin) {
        return Err(ApiError::forbidden());
    }
    let input: NewOrganisationIn = parse_json(&body)?;
    let name = OrgName::parse(&input.name)?;
    let kind: OrgKind = input.kind.parse()?;
    let audit = NewAuditEntry::new(AuditAction::OrgCreated).actor(u.id).ip(client.ip);
    let id = state.db.create_org(&name, kind, audit, state.now()).await?;
    let o = state.db.get_org(id).await?;
    let out = OrganisationOut {
        id: o.id.to_string(),
        name: o.name,
        kind: o.kind.as_str().into(),
        user_count: o.user_count,
        created_at: rfc3339(o.created_at),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// The client address, for audit entries.
pub struct ClientAddr {
    ip: Option<String>,
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self { ip: client_ip(parts) })
    }
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

/// The organisation `u` may administer. Another organisation is "not found", and the
/// attempt is audited ([`crate::access`]).
async fn api_org_admin(state: &AppState, u: &UserRecord, client: &ClientAddr, org: &str) -> Result<OrgId, ApiError> {
    let org: OrgId = org.parse().map_err(|_| ApiError::not_found())?;
    if u.has_role(Role::PlatformAdmin) || (u.org_id == org && u.has_role(Role::OrgAdmin)) {
        Ok(org)
    } else if u.org_id == org {
        Err(ApiError::forbidden())
    } else {
        Err(access::refuse(state, Asker::new(u, client.ip.as_deref()), Owned::Organisation(org)).await.into())
    }
}

/// The people of an organisation (its admins, or platform administrators; scope `read`).
#[utoipa::path(get, path = "/api/v1/organisations/{org}/users", tag = "accounts", security(("bearer" = [])),
    params(("org" = String, Path, description = "Organisation id")),
    responses((status = 200, body = [UserOut]), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"), (status = 404, body = ErrorEnvelope)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<Read>,
    client: ClientAddr,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let org = api_org_admin(&state, &u, &client, &org).await?;
    state.db.get_org(org).await?;
    let users: Vec<UserOut> = state.db.list_users(org).await?.into_iter().map(UserOut::from).collect();
    Ok(Json(users).into_response())
}

/// Create a user without a password; an admin then issues a reset link (or the
/// person is invited instead). Scope `admin`.
#[utoipa::path(post, path = "/api/v1/organisations/{org}/users", tag = "accounts", security(("bearer" = [])),
    params(("org" = String, Path, description = "Organisation id")), request_body = NewUserIn,
    responses((status = 201, body = UserOut), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<Admin>,
    client: ClientAddr,
    Path(org): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let org = api_org_admin(&state, &u, &client, &org).await?;
    state.db.get_org(org).await?;
    let input: NewUserIn = parse_json(&body)?;
    let roles = Roles::parse_list(&input.roles.join(","))?;
    if roles.contains(Role::PlatformAdmin) && !u.has_role(Role::PlatformAdmin) {
        return Err(ApiError::forbidden());
    }
    let new = NewUser {
        name: PersonName::parse(&input.name)?,
        email: Email::parse(&input.email)?,
        roles,
        base: parse_optional_short(input.base.as_deref().unwrap_or(""), "base", 40)?,
        employee_id: parse_optional_short(input.employee_id.as_deref().unwrap_or(""), "employee_id", 40)?,
        password_hash: None,
        position: match input.position.as_deref() {
            None | Some("") => None,
            Some(p) => Some(p.parse()?),
        },
    };
    let audit = NewAuditEntry::new(AuditAction::UserCreated).actor(u.id).ip(client.ip);
    let id = state.db.create_user(org, &new, audit, state.now()).await?;
    let created = state.db.get_user(org, id).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(created))).into_response())
}

/// Store a crew report under the id the device chose. Idempotent: the same id with
/// the same content answers 200 with the stored report; the same id with different
/// content answers 409 and changes nothing. Acknowledged only after the report is
/// committed. Scope `reports:write`.
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's UUID, generated by the device")),
    request_body(content = serde_json::Value, description = "The report (see `ReportInput` in the domain crate)"),
    responses(
        (status = 201, body = crate::reports::Receipt, description = "Stored now"),
        (status = 200, body = crate::reports::Receipt, description = "Already stored with this content"),
        (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"),
        (status = 409, body = ErrorEnvelope, description = "This id holds different content"),
        (status = 422, body = ErrorEnvelope, description = "A field is invalid; `field` names it"),
    ))]
pub async fn put_report(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<ReportsWrite>,
    client: ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    use crate::reports::{IngestError, ingest};
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| ApiError::from(sightline_domain::FieldError::new("id", "invalid-id")))?;
    let input: sightline_domain::report::ReportInput = parse_json(&body)?;
    match ingest(&state, &u, id, &input).await {
        Ok((true, receipt)) => Ok((StatusCode::CREATED, Json(receipt)).into_response()),
        Ok((false, receipt)) => Ok((StatusCode::OK, Json(receipt)).into_response()),
        Err(IngestError::Forbidden) => Err(ApiError::forbidden()),
        Err(IngestError::Invalid(errors)) => {
            let first = errors.into_iter().next().unwrap_or(sightline_domain::FieldError::new("report", "invalid"));
            Err(ApiError::from(first))
        }
        Err(IngestError::Conflict) => Err({
            // The id is another organisation's report: still a conflict for the
            // device (its outbox keeps the report), and an audited attempt.
            access::record_if_foreign(&state, Asker::new(&u, client.ip.as_deref()), Owned::Report(id)).await?;
            ApiError {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: "a different report was already stored under this id; nothing was changed".into(),
                field: Some("id"),
            }
        }),
        Err(IngestError::Storage(e)) => Err(e.into()),
        Err(IngestError::Internal(e)) => {
            tracing::error!(error = %e, "report ingest failed");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; nothing was half-written",
            ))
        }
    }
}

/// A routing-directory entry: whom the desk contacts at a destination.
#[derive(Serialize, ToSchema)]
pub struct DirectoryEntryOut {
    id: String,
    /// Goes up by one with every change (the history keeps each version).
    version: i64,
    /// ISO 3166-1 alpha-2, or `EU` for every EU member state.
    country: String,
    /// IATA code, when the contact serves one airport only.
    airport: Option<String>,
    organisation: String,
    /// `police`, `border_guard`, `national_hotline`, `victim_assistance` or `emergency`.
    kind: &'static str,
    phone: Option<String>,
    email: Option<String>,
    hours: String,
    languages: Vec<String>,
    /// The official page the details were checked against.
    source: String,
    /// `YYYY-MM-DD`.
    last_verified: String,
    /// Not checked for over twelve months: check at the source before relying on it.
    stale: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DirectoryQuery {
    /// An arrival airport (IATA): only its contacts, in the order the desk is offered them.
    destination: Option<String>,
}

/// The routing directory (desk analysts and administrators; scope `read`). With
/// `destination`, the contacts for an arrival there: the airport's own, then the
/// country's, then EU-wide.
#[utoipa::path(get, path = "/api/v1/directory", tag = "triage", security(("bearer" = [])), params(DirectoryQuery),
    responses((status = 200, body = [DirectoryEntryOut]), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope, description = "Not allowed: the roles (`forbidden`), two-factor not enrolled (`two-factor-required`) or the token lacks the scope (`insufficient-scope`)"),
        (status = 422, body = ErrorEnvelope)))]
pub async fn directory(
    State(state): State<AppState>,
    ApiUser(u, _): ApiUser<Read>,
    axum::extract::Query(q): axum::extract::Query<DirectoryQuery>,
) -> Result<Response, ApiError> {
    if ![Role::DeskAnalyst, Role::OrgAdmin, Role::PlatformAdmin].into_iter().any(|r| u.has_role(r)) {
        return Err(ApiError::forbidden());
    }
    let entries = match q.destination.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => state.db.directory().await?,
        Some(code) => {
            use sightline_domain::report::AirportLookup;
            let airport = state
                .library
                .airports
                .airport(&code.to_ascii_uppercase())
                .ok_or(sightline_domain::FieldError::new("destination", "unknown-airport"))?;
            let all = state.db.directory_for(&airport.country).await?;
            sightline_domain::directory::route(&all, |s| &s.entry, &airport.country, &airport.iata)
                .into_iter()
                .cloned()
                .collect()
        }
    };
    let today = state.now().date();
    let out: Vec<DirectoryEntryOut> = entries
        .into_iter()
        .map(|s| DirectoryEntryOut {
            id: s.id.to_string(),
            version: s.version,
            stale: s.entry.is_stale(today),
            kind: s.entry.kind.as_str(),
            country: s.entry.country,
            airport: s.entry.airport,
            organisation: s.entry.organisation,
            phone: s.entry.phone,
            email: s.entry.email,
            hours: s.entry.hours,
            languages: s.entry.languages,
            source: s.entry.source,
            last_verified: s.entry.last_verified,
        })
        .collect();
    Ok(Json(out).into_response())
}
