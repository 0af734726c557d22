//! Who is asking: the [`Visitor`] extractor reads the session cookie, the language and
//! the client address once per request and hands handlers what they need.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use sightline_domain::user::Role;
use sightline_storage::{SessionRecord, UserRecord};

use crate::error::PageError;
use crate::i18n::Lang;
use crate::middleware::CsrfCookie;
use crate::security::{constant_time_eq, hash_token};
use crate::{AppState, cookies};
use sightline_app::Caller;

/// The person making this request, signed in or not.
pub struct Visitor {
    pub lang: Lang,
    pub session: Option<SessionRecord>,
    pub session_hash: Option<Vec<u8>>,
    /// The session's person as a caller, or the gate they still have to pass.
    caller: Option<Result<Caller, Gate>>,
    csrf_cookie: String,
    pub ip: Option<String>,
    pub path: String,
    /// The anonymous learner's random token (public course), if the browser has one.
    pub anon_token: Option<String>,
    /// Public-course lessons read in this browser (kept in a cookie, not on the server).
    pub public_done: Vec<String>,
}

/// What a signed-in page may still need before it can be shown (the domain's rule,
/// shared with API tokens).
pub use sightline_domain::user::Gate;

impl Visitor {
    /// The signed-in user, if their session has passed every required factor.
    #[must_use]
    pub fn user(&self) -> Option<&UserRecord> {
        self.caller.as_ref().and_then(|c| c.as_ref().ok()).map(Caller::user)
    }

    /// Where the session stands, if there is one (the rule is applied once, by
    /// [`Caller::signed_in`]).
    #[must_use]
    pub fn gate(&self) -> Option<Gate> {
        self.caller.as_ref().map(|c| c.as_ref().map_or_else(|g| *g, |_| Gate::Open))
    }

    /// The caller for the application layer, or a redirect to the step they still owe.
    ///
    /// # Errors
    /// As [`Self::require_user`].
    pub fn caller(&self) -> Result<Caller, PageError> {
        self.require_user()?;
        self.caller.clone().and_then(Result::ok).ok_or(PageError::Redirect("/login".into()))
    }

    /// The signed-in user, or a redirect to the step they still owe.
    ///
    /// # Errors
    /// A redirect to sign-in, the second factor or two-factor enrolment.
    pub fn require_user(&self) -> Result<&UserRecord, PageError> {
        match self.gate() {
            None => Err(PageError::Redirect("/login".into())),
            Some(Gate::NeedsSecondFactor) => Err(PageError::Redirect("/login/two-factor".into())),
            Some(Gate::NeedsEnrolment) => Err(PageError::Redirect("/account/two-factor".into())),
            Some(Gate::Open) => self.user().ok_or(PageError::Redirect("/login".into())),
        }
    }

    /// The signed-in user, who must hold `role`.
    ///
    /// # Errors
    /// As [`Self::require_user`], or [`PageError::Forbidden`].
    pub fn require_role(&self, role: Role) -> Result<&UserRecord, PageError> {
        let user = self.require_user()?;
        if user.has_role(role) { Ok(user) } else { Err(PageError::Forbidden) }
    }

    /// The token this visitor's forms must carry.
    #[must_use]
    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map_or(&self.csrf_cookie, |s| &s.csrf_token)
    }

    /// Check a submitted form's token.
    ///
    /// # Errors
    /// [`PageError::Csrf`].
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        csrf_matches(self.csrf_token(), submitted)
    }
}

fn csrf_matches(expected: &str, submitted: &str) -> Result<(), PageError> {
    if !expected.is_empty() && constant_time_eq(expected.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::Csrf)
    }
}

/// The token this request's forms must carry, put aside by the [`Visitor`] extractor
/// for [`CsrfForm`].
#[derive(Clone)]
struct ExpectedCsrf(String);

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CsrfField {
    csrf: String,
}

/// A form with no fields but its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// A form's fields as sent, in order, for forms with repeated keys (checkboxes) that
/// the handler reads one by one: `CsrfForm<Fields>`.
#[derive(serde::Deserialize, Default)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `key`, or empty.
    #[must_use]
    pub fn get(&self, key: &str) -> String {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Whether a checkbox `key` was ticked (sent with any value).
    #[must_use]
    pub fn ticked(&self, key: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && !v.is_empty())
    }

    /// Every value of `key`, in order.
    #[must_use]
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
}

/// A page form that carried this visitor's CSRF token: the one place a page form is
/// checked. Put it after the [`Visitor`] in a handler's arguments (the visitor knows
/// the token; without one every form is refused). Its `csrf` field need not be in `T`.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = req.extensions().get::<ExpectedCsrf>().map(|e| e.0.clone()).unwrap_or_default();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError::for_status(e.status()).with_message(e.body_text()))?;
        let submitted: CsrfField = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        csrf_matches(&expected, &submitted.csrf)?;
        serde_urlencoded::from_bytes(&body).map(Self).map_err(|e| {
            PageError::for_status(StatusCode::BAD_REQUEST).with_message(format!("the form is malformed: {e}"))
        })
    }
}

/// The preamble of a page form: the state, the [`Visitor`] and the form, which carried
/// this visitor's CSRF token (checked as [`CsrfForm`] does). It reads the body, so it
/// comes last among a handler's arguments.
pub struct Posted<T> {
    pub state: AppState,
    pub v: Visitor,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        // The visitor first: it is what knows the token the form must carry.
        let v = Visitor::from_request_parts(&mut parts, state).await?;
        let CsrfForm(form) = CsrfForm::<T>::from_request(Request::from_parts(parts, body), state).await?;
        Ok(Self { state: state.clone(), v, form })
    }
}

/// The client's address: as seen on the socket (or as a test's `MockConnectInfo` sets
/// it, as axum's own `ConnectInfo` extractor reads it); when that is one of the
/// operator's `trusted` reverse proxies, the nearest address in `X-Forwarded-For` that
/// is not one of them (a client can prepend anything, so the list is read from the
/// right and only trusted hops are skipped).
pub fn client_ip(parts: &Parts, trusted: &[IpAddr]) -> Option<String> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0)
        .or_else(|| parts.extensions.get::<axum::extract::connect_info::MockConnectInfo<SocketAddr>>().map(|m| m.0))
        .map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().parse::<IpAddr>())
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop {
            Ok(ip) if trusted.contains(ip) => {}
            Ok(ip) => return Some(ip.to_string()),
            // Garbage in the chain: the proxy's own address is the last one known.
            Err(_) => break,
        }
    }
    Some(peer.to_string())
}

fn negotiate(headers: &HeaderMap, user_locale: Option<&str>) -> Lang {
    user_locale
        .and_then(Lang::from_code)
        .or_else(|| cookies::get(headers, cookies::LANG).as_deref().and_then(Lang::from_code))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The preamble of a page anyone may see: the state and the [`Visitor`].
pub struct Visit {
    pub state: AppState,
    pub v: Visitor,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let v = Visitor::from_request_parts(parts, state).await?;
        Ok(Self { state: state.clone(), v })
    }
}

/// The preamble of a signed-in page: the state, the [`Visitor`] and its [`Caller`]
/// (or the redirect to the step the person still owes: sign-in, second factor, enrolment).
pub struct Signed {
    pub state: AppState,
    pub v: Visitor,
    pub me: Caller,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let v = Visitor::from_request_parts(parts, state).await?;
        let me = v.caller()?;
        Ok(Self { state: state.clone(), v, me })
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session_hash = cookies::get(&parts.headers, cookies::SESSION).map(|t| hash_token(&t));
        let session = match &session_hash {
            Some(h) => state.open_session(h).await?,
            None => None,
        };
        let ip = client_ip(parts, &state.config.trusted_proxies);
        let caller = session.as_ref().map(|s| {
            Caller::signed_in_with(s.user.clone(), s.two_factor_passed, s.second_factor_by_provider, ip.clone())
        });
        let lang = negotiate(&parts.headers, session.as_ref().and_then(|s| s.user.locale.as_deref()));
        let csrf_cookie = parts.extensions.get::<CsrfCookie>().map(|c| c.0.clone()).unwrap_or_default();
        let expected = session.as_ref().map_or(&csrf_cookie, |s| &s.csrf_token).clone();
        parts.extensions.insert(ExpectedCsrf(expected));
        let anon_token = cookies::get(&parts.headers, cookies::ANON).filter(|t| t.len() >= 32);
        let public_done = cookies::get(&parts.headers, cookies::PUBLIC_DONE)
            .map(|v| v.split('.').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(Self {
            lang,
            session,
            session_hash,
            caller,
            csrf_cookie,
            ip,
            path: parts.uri.path().to_owned(),
            anon_token,
            public_done,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(peer: &str, forwarded: Option<&str>) -> Parts {
        let mut req = axum::http::Request::builder().uri("/");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts.extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40_000)));
        parts
    }

    #[test]
    fn the_client_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let chain = Some("203.0.113.9, 198.51.100.7");
        // No proxy trusted: the header is anyone's to forge.
        assert_eq!(client_ip(&parts("10.0.0.2", chain), &[]).as_deref(), Some("10.0.0.2"));
        // From the trusted proxy: the nearest hop it saw, not what the client prepended.
        assert_eq!(client_ip(&parts("10.0.0.2", chain), &[proxy]).as_deref(), Some("198.51.100.7"));
        // From elsewhere, the header is ignored.
        assert_eq!(client_ip(&parts("192.0.2.1", chain), &[proxy]).as_deref(), Some("192.0.2.1"));
        // Two trusted proxies in a row are both skipped.
        let two = ["10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap()];
        assert_eq!(
            client_ip(&parts("10.0.0.2", Some("198.51.100.7, 10.0.0.3")), &two).as_deref(),
            Some("198.51.100.7")
        );
        // No header, or garbage in it: the proxy's address.
        assert_eq!(client_ip(&parts("10.0.0.2", None), &[proxy]).as_deref(), Some("10.0.0.2"));
        assert_eq!(client_ip(&parts("10.0.0.2", Some("not-an-ip")), &[proxy]).as_deref(), Some("10.0.0.2"));
    }
}
