//! The web layer's one error type, [`WebError`], mapped to HTTP in one place.
//!
//! A handler, extractor or middleware that fails returns a `WebError`. Its
//! [`IntoResponse`] decides the status and puts the error in the response's
//! extensions; [`crate::middleware::api_errors`], the router's outermost error layer,
//! then renders it once: under `/api/` (and `/healthz`, `/readyz`) as the JSON
//! envelope `{"error":{"code","message","field","fields":[…]}}` ([`WebError::render`]
//! is the only place it is built), elsewhere as a short bilingual page. [`PageError`]
//! and [`ApiError`] are the same type under the names handlers already use.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use sightline_app::AppError;
use sightline_domain::{FieldError, FieldErrors};
use sightline_storage::StorageError;

/// Why a request did not get what it asked for.
#[derive(Debug, Clone)]
pub enum WebError {
    /// Send the browser elsewhere (for example to sign in). A 303, not an error body.
    Redirect(String),
    /// 404 `not-found`: nothing here, or not the caller's to see.
    NotFound,
    /// 403 `forbidden`: the caller's roles do not allow this.
    Forbidden,
    /// 403 `csrf`: the form's CSRF token did not match: the page was stale or forged.
    Csrf,
    /// 500 `internal`: our fault. The detail is logged; the caller sees an apology,
    /// never a trace.
    Internal(String),
    /// Any other refusal: its status, a stable code, an explanation, and the input
    /// fields at fault (every one, in the order they were checked).
    Refused { status: StatusCode, code: &'static str, message: String, fields: Vec<FieldProblem> },
}

/// The page errors' name for [`WebError`].
pub type PageError = WebError;
/// The API errors' name for [`WebError`].
pub type ApiError = WebError;

/// One input field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl From<FieldError> for FieldProblem {
    fn from(e: FieldError) -> Self {
        Self { field: e.field, code: e.code, message: format!("{} is not valid: {}", e.field, e.code) }
    }
}

impl WebError {
    /// A refusal with its own status, code and message, naming no field.
    #[must_use]
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Refused { status, code, message: message.into(), fields: Vec::new() }
    }
    #[must_use]
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid API token or session is required")
    }
    #[must_use]
    pub const fn forbidden() -> Self {
        Self::Forbidden
    }
    #[must_use]
    pub const fn not_found() -> Self {
        Self::NotFound
    }
    #[must_use]
    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", message)
    }
    /// A path parameter that should be an id is not one.
    #[must_use]
    pub fn invalid_id(field: &'static str) -> Self {
        Self::about(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldProblem { field, code: "invalid-id", message: format!("{field} must be a UUID") },
        )
    }
    /// `field` holds a value that is already in use (409 `conflict`).
    #[must_use]
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Self::about(StatusCode::CONFLICT, FieldProblem { field, code: "conflict", message: message.into() })
    }
    /// A refusal about one field, with that field's code and message.
    fn about(status: StatusCode, p: FieldProblem) -> Self {
        Self::Refused { status, code: p.code, message: p.message.clone(), fields: vec![p] }
    }
    /// Input fields are invalid (422): every one is listed; the first gives the
    /// error's own code and, when it is the only one, its message.
    #[must_use]
    pub fn invalid(errors: impl Into<FieldErrors>) -> Self {
        let fields: Vec<FieldProblem> = errors.into().into_iter().map(FieldProblem::from).collect();
        let Some(first) = fields.first() else {
            return Self::bad_body("the request body is not valid for this endpoint");
        };
        let (code, message) = match fields.as_slice() {
            [one] => (one.code, one.message.clone()),
            more => {
                let names: Vec<&str> = more.iter().map(|p| p.field).collect();
                (first.code, format!("{} fields are not valid: {}", more.len(), names.join(", ")))
            }
        };
        Self::Refused { status: StatusCode::UNPROCESSABLE_ENTITY, code, message, fields }
    }
    /// The error for a status that no handler chose (an unknown path, a method the
    /// path does not take, a body over the limit): a stable code.
    #[must_use]
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => ("bad-request", "the request is malformed"),
            StatusCode::NOT_FOUND => ("not-found", "no such endpoint"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ("method-not-allowed", "this path does not take this method; the Allow header lists those it takes")
            }
            StatusCode::PAYLOAD_TOO_LARGE => ("body-too-large", "the request body is larger than the server accepts"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported-media-type", "send the body as JSON, with Content-Type: application/json")
            }
            StatusCode::UNPROCESSABLE_ENTITY => ("invalid-body", "the request body is not valid for this endpoint"),
            s if s.is_server_error() => ("internal", "internal error; nothing was half-written"),
            _ => ("error", "the request was refused"),
        };
        Self::new(status, code, message)
    }
    /// The same refusal, explained by `message`.
    #[must_use]
    pub fn with_message(self, message: impl Into<String>) -> Self {
        match self {
            Self::Refused { status, code, fields, .. } => {
                Self::Refused { status, code, message: message.into(), fields }
            }
            other => other,
        }
    }

    /// The HTTP status this error answers with.
    #[must_use]
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::Redirect(_) => StatusCode::SEE_OTHER,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Refused { status, .. } => *status,
        }
    }

    /// The stable code, the explanation and the fields at fault.
    fn parts(&self) -> (&'static str, &str, &[FieldProblem]) {
        match self {
            Self::Redirect(_) => ("redirect", "see the Location header", &[]),
            Self::NotFound => ("not-found", "no such resource in your organisation", &[]),
            Self::Forbidden => ("forbidden", "your roles do not allow this", &[]),
            Self::Csrf => ("csrf", "the CSRF token is missing or wrong", &[]),
            Self::Internal(_) => ("internal", "internal error; nothing was half-written", &[]),
            Self::Refused { code, message, fields, .. } => (*code, message.as_str(), fields.as_slice()),
        }
    }

    /// The response body for this error: the JSON envelope for an API client (`api`),
    /// otherwise a page. The one place either is built.
    #[must_use]
    pub fn render(&self, api: bool) -> Response {
        if let Self::Redirect(to) = self {
            return Redirect::to(to).into_response();
        }
        let status = self.status();
        let (code, message, fields) = self.parts();
        if api {
            let body = ErrorEnvelope {
                error: ErrorBody {
                    code: code.to_owned(),
                    message: message.to_owned(),
                    field: fields.first().map(|p| p.field.to_owned()),
                    fields: fields
                        .iter()
                        .map(|p| FieldErrorBody {
                            field: p.field.to_owned(),
                            code: p.code.to_owned(),
                            message: p.message.clone(),
                        })
                        .collect(),
                },
            };
            let mut res = (status, Json(body)).into_response();
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return res;
        }
        match (self, status) {
            (Self::Csrf, _) => plain_page(
                status,
                "Form expired · Lomake vanhentui",
                "The form was out of date. Go back, reload the page and send it again. · Palaa takaisin, lataa sivu uudelleen ja lähetä lomake uudestaan.",
            ),
            (_, StatusCode::NOT_FOUND) => plain_page(
                status,
                "Not found · Ei löytynyt",
                "There is nothing here, or it is not yours to see. · Täällä ei ole mitään, tai se ei kuulu sinulle.",
            ),
            (_, StatusCode::FORBIDDEN) => plain_page(
                status,
                "Not allowed · Ei sallittu",
                "Your account does not have the role this page needs. · Tililläsi ei ole tämän sivun vaatimaa roolia.",
            ),
            (_, s) if s.is_server_error() => plain_page(
                status,
                "Something went wrong · Jokin meni vikaan",
                "The fault is ours, and it has been logged. Nothing was half-saved; please try again. · Vika on meidän, ja se on kirjattu. Mitään ei tallentunut puolittain; yritä uudelleen.",
            ),
            _ => plain_page(status, "Not possible · Ei mahdollista", &escape(message)),
        }
    }
}

/// The error a response carries to [`crate::middleware::api_errors`], which renders it.
#[derive(Clone)]
pub(crate) struct Unrendered(pub WebError);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        if let Self::Redirect(to) = &self {
            return Redirect::to(to).into_response();
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(Unrendered(self));
        res
    }
}

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> Self {
        Self::invalid(e)
    }
}

impl From<FieldErrors> for WebError {
    fn from(e: FieldErrors) -> Self {
        Self::invalid(e)
    }
}

impl From<Vec<FieldError>> for WebError {
    fn from(e: Vec<FieldError>) -> Self {
        Self::invalid(e)
    }
}

impl From<StorageError> for WebError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Self::NotFound,
            StorageError::Conflict { field } => Self::conflict(field, format!("{field} is already in use")),
            StorageError::LinkUsedOrExpired => Self::new(StatusCode::GONE, "link-expired", e.to_string()),
            // Contention left after the server's own retries: nothing was written,
            // and the same request may succeed later.
            StorageError::Busy(_) => {
                tracing::warn!(error = %e, "database busy");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the server is busy; nothing was stored, try again")
            }
            other => Self::Internal(format!("storage: {other}")),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Forbidden => Self::Forbidden,
            AppError::NotFound => Self::NotFound,
            AppError::Invalid(list) => Self::invalid(list),
            AppError::Conflict { field } => StorageError::Conflict { field }.into(),
            AppError::LinkUsedOrExpired => StorageError::LinkUsedOrExpired.into(),
            AppError::Busy(m) => StorageError::Busy(m).into(),
            AppError::TooMany(code) => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, code, format!("too many {code} open at once; close one"))
            }
            AppError::Full(code) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                format!("this server serves no more {code}; try again"),
            ),
            AppError::Storage(e) => e.into(),
            AppError::Internal(detail) => Self::Internal(detail),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("task: {e}"))
    }
}

/// The envelope every API error is sent in.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// Stable, machine-readable reason, e.g. `invalid-email`, `conflict`, `unauthorized`.
    /// With field errors, the first field's code.
    pub code: String,
    /// Human-readable explanation (English).
    pub message: String,
    /// The (first) input field at fault, when there is one: `fields[0].field`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every input field at fault, in the order they were checked: all of a body's
    /// invalid fields, not just the first. Absent when no field is at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
}

/// One input field at fault.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FieldErrorBody {
    /// The field's name in the request (a body property, or a path parameter).
    pub field: String,
    /// Stable, machine-readable reason, e.g. `invalid-flight`, `unknown-airport`.
    pub code: String,
    /// Human-readable explanation (English).
    pub message: String,
}

fn plain_page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Sightline</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
         <body><main class=\"narrow\" id=\"main\"><h1>{title}</h1><p>{body}</p>\
         <p><a href=\"/\">Sightline</a></p></main></body></html>"
    );
    (status, Html(html)).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Whether `Content-Type` says JSON (`application/json` or `application/*+json`, any
/// parameters such as `charset`).
#[must_use]
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}
