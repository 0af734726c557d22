//! The web layer's errors, mapped to HTTP once: [`PageError`] for pages (a redirect or
//! a short page), [`ApiError`] for `/api/v1` (one JSON envelope with a stable code).

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use sightline_app::AppError;
use sightline_domain::FieldError;
use sightline_storage::StorageError;

/// Why a page request did not produce its page.
#[derive(Debug)]
pub enum PageError {
    /// Send the browser elsewhere (for example to sign in).
    Redirect(String),
    NotFound,
    Forbidden,
    /// The form's CSRF token did not match: the page was stale or forged.
    Csrf,
    /// Our fault. Logged; the person sees an apology, never a trace.
    Internal(String),
}

impl From<StorageError> for PageError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Self::NotFound,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::NotFound,
            AppError::Forbidden => Self::Forbidden,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

impl From<tokio::task::JoinError> for PageError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("task: {e}"))
    }
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

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(to) => Redirect::to(&to).into_response(),
            Self::NotFound => plain_page(
                StatusCode::NOT_FOUND,
                "Not found · Ei löytynyt",
                "There is nothing here, or it is not yours to see. · Täällä ei ole mitään, tai se ei kuulu sinulle.",
            ),
            Self::Forbidden => plain_page(
                StatusCode::FORBIDDEN,
                "Not allowed · Ei sallittu",
                "Your account does not have the role this page needs. · Tililläsi ei ole tämän sivun vaatimaa roolia.",
            ),
            Self::Csrf => plain_page(
                StatusCode::FORBIDDEN,
                "Form expired · Lomake vanhentui",
                "The form was out of date. Go back, reload the page and send it again. · Palaa takaisin, lataa sivu uudelleen ja lähetä lomake uudestaan.",
            ),
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                plain_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong · Jokin meni vikaan",
                    "The fault is ours, and it has been logged. Nothing was half-saved; please try again. · Vika on meidän, ja se on kirjattu. Mitään ei tallentunut puolittain; yritä uudelleen.",
                )
            }
        }
    }
}

/// An API error: `{"error":{"code":"…","message":"…","field":"…"}}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// Stable, machine-readable reason, e.g. `invalid-email`, `conflict`, `unauthorized`.
    pub code: String,
    /// Human-readable explanation (English).
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    #[must_use]
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None }
    }
    #[must_use]
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid API token or session is required")
    }
    #[must_use]
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "your roles do not allow this")
    }
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "no such resource in your organisation")
    }
    #[must_use]
    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", message)
    }
    /// A path parameter that should be an id is not one.
    #[must_use]
    pub fn invalid_id(field: &'static str) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid-id",
            message: format!("{field} must be a UUID"),
            field: Some(field),
        }
    }
    /// The error for a status that no handler chose (an unknown path, a method the
    /// path does not take, a body over the limit): the envelope, with a stable code.
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
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: e.code,
            message: format!("{} is not valid: {}", e.field, e.code),
            field: Some(e.field),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Self::not_found(),
            StorageError::Conflict { field } => Self {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: format!("{field} is already in use"),
                field: Some(field),
            },
            StorageError::LinkUsedOrExpired => Self::new(StatusCode::GONE, "link-expired", e.to_string()),
            // Contention left after the server's own retries: nothing was written,
            // and the same request may succeed later.
            StorageError::Busy(_) => {
                tracing::warn!(error = %e, "database busy in API");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the server is busy; nothing was stored, try again")
            }
            other => {
                tracing::error!(error = %other, "storage error in API");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; nothing was half-written")
            }
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Forbidden => Self::forbidden(),
            AppError::NotFound => Self::not_found(),
            AppError::Invalid(list) => {
                list.into_iter().next().map_or_else(|| Self::bad_body("invalid input"), Self::from)
            }
            AppError::Conflict { field } => StorageError::Conflict { field }.into(),
            AppError::LinkUsedOrExpired => StorageError::LinkUsedOrExpired.into(),
            AppError::Busy(m) => StorageError::Busy(m).into(),
            AppError::Storage(e) => e.into(),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error in API");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; nothing was half-written")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: self.code.to_owned(),
                message: self.message,
                field: self.field.map(str::to_owned),
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
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
