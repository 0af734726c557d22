//! Cross-cutting layers and the few static assets (vendored, embedded in the binary).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{PageError, Unrendered, WebError, is_json};
use crate::security::new_token;
use crate::{AppState, cookies};

/// The anonymous visitor's CSRF token (double-submit cookie), for forms shown before
/// sign-in. Signed-in forms use the session's own token.
#[derive(Clone)]
pub struct CsrfCookie(pub String);

/// The public pages for travellers (`/public…`, `/help…`, `/posters/…`): no cookie is set there and
/// no referrer leaves them, so a visit leaves as little trace as possible.
#[must_use]
pub fn is_public_page(path: &str) -> bool {
    ["/public", "/help", "/posters", "/partners"]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
        || path == "/stats"
        || path == "/stats.csv"
}

/// Give every visitor a CSRF cookie if they have none, and tell handlers its value.
/// The public pages have no form that changes anything: they get no cookie.
pub async fn csrf_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_public_page(req.uri().path()) {
        return next.run(req).await;
    }
    let existing = cookies::get(req.headers(), cookies::CSRF).filter(|v| v.len() >= 32);
    let (value, fresh) = match existing {
        Some(v) => (v, false),
        None => match new_token() {
            Ok(v) => (v, true),
            Err(e) => return PageError::Internal(e).into_response(),
        },
    };
    req.extensions_mut().insert(CsrfCookie(value.clone()));
    let mut res = next.run(req).await;
    if fresh {
        let c = cookies::set(cookies::CSRF, &value, None, state.config.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Headers every response carries. Pages and API answers are never cached: they
/// may show personal data. Served over https (an `https://` public URL), browsers are
/// told to use https only for a year (HSTS).
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_static = path.starts_with("/static/") || path == "/favicon.svg" || path == "/sw.js";
    // The public pages and a tipster's pages send no referrer at all, not even to this site.
    let referrer =
        if is_public_page(path) || path == "/tip" || path.starts_with("/tip/") { "no-referrer" } else { "same-origin" };
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

// The types and HTTP caching of [`ASSETS`].
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";
const PNG: &str = "image/png";
const HOUR: &str = "public, max-age=3600";
const DAY: &str = "public, max-age=86400";
const NO_CACHE: &str = "no-cache";

/// The files the pages load, served from the binary: path, type, HTTP caching, body.
/// Scripts are never cached by HTTP, so a new version is picked up on the next visit;
/// the service worker sits at the root so it controls `/report`.
const ASSETS: [(&str, &str, &str, &[u8]); 14] = [
    ("/static/style.css", CSS, HOUR, include_bytes!("../static/style.css")),
    // The public pages' own small stylesheet (no account, poor connections).
    ("/static/public.css", CSS, HOUR, include_bytes!("../static/public.css")),
    // The tip pages' form styles, only on those pages (keeps every other public page light).
    ("/static/tip.css", CSS, HOUR, include_bytes!("../static/tip.css")),
    // The partner pages' few styles, only on those pages.
    ("/static/partners.css", CSS, HOUR, include_bytes!("../static/partners.css")),
    ("/favicon.svg", SVG, DAY, include_bytes!("../static/favicon.svg")),
    // The neutral icon of the report pages.
    ("/static/notes.svg", SVG, DAY, include_bytes!("../static/notes.svg")),
    // The report page's script (outbox, decision step, relay message).
    ("/static/report.js", JS, NO_CACHE, include_bytes!("../static/report.js")),
    ("/sw.js", JS, NO_CACHE, include_bytes!("../static/sw.js")),
    // The desk's script: refreshes the queue every few seconds.
    ("/static/desk.js", JS, NO_CACHE, include_bytes!("../static/desk.js")),
    // The quick-exit page's script: Back stays on the neutral page.
    ("/static/exit.js", JS, NO_CACHE, include_bytes!("../static/exit.js")),
    // The report page's icon where a phone needs a bitmap (home screen, install prompt).
    ("/static/notes-192.png", PNG, DAY, include_bytes!("../static/notes-192.png")),
    ("/static/notes-512.png", PNG, DAY, include_bytes!("../static/notes-512.png")),
    // The public tip form's proof-of-work (SHA-256 in plain JavaScript).
    ("/static/tip.js", JS, NO_CACHE, include_bytes!("../static/tip.js")),
    // Lets crew install the report page to a phone's home screen, under the same
    // neutral name and icon as the page.
    ("/manifest.webmanifest", "application/manifest+json", HOUR, include_bytes!("../static/manifest.webmanifest")),
];

/// One of [`ASSETS`], by the request's path.
pub async fn asset(uri: axum::http::Uri) -> Response {
    match ASSETS.iter().find(|(path, ..)| *path == uri.path()) {
        Some((_, kind, cache, body)) => {
            ([(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, *cache)], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Where errors are rendered: every [`WebError`] a handler, extractor or inner layer
/// answered with becomes its body here (the JSON envelope for API paths, a page
/// elsewhere; see [`WebError::render`]). An API error that is not a `WebError` and not
/// JSON (axum's own rejections, say) is wrapped in the envelope too, keeping its
/// status and headers (such as `Allow`), and logged so the cause is fixed.
pub async fn api_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path == "/healthz" || path == "/readyz";
    let path = path.to_owned();
    let mut res = next.run(req).await;
    let status = res.status();
    let error = match res.extensions_mut().remove::<Unrendered>() {
        Some(Unrendered(error)) => error,
        None if api && (status.is_client_error() || status.is_server_error()) && !is_json(res.headers()) => {
            tracing::warn!(%status, path, "API error outside the envelope; wrapped");
            WebError::for_status(status)
        }
        None => return res,
    };
    let (parts, _) = res.into_parts();
    let mut rendered = error.render(api);
    let own: Vec<header::HeaderName> = rendered.headers().keys().cloned().collect();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && !own.contains(name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}

pub async fn not_found() -> WebError {
    WebError::for_status(StatusCode::NOT_FOUND)
}
