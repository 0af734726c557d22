//! Outbound HTTP: signed webhooks, and an OpenID provider's metadata, keys and token
//! endpoint (single sign-on). One client ([`agent`]): it resolves the host once,
//! refuses private addresses (unless the operator allows them), connects only to the
//! addresses it checked, follows no redirect and uses no proxy.
//!
//! The receiver checks `X-Sightline-Signature: sha256=<hex HMAC-SHA256(secret, body)>`;
//! a delivery that carries `X-Sightline-Timestamp` (referral webhooks) is signed over
//! `"<timestamp>.<body>"` instead, so a receiver can refuse a replayed old one.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sightline_domain::triage::{WebhookUrl, is_private_ip};

/// How long one webhook delivery may take.
const WEBHOOK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The signature a receiver checks.
#[must_use]
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else { return String::new() };
    mac.update(body);
    format!("sha256={}", data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes()))
}

/// The signature of a timed delivery: over the timestamp (unix seconds), a dot and
/// the body.
#[must_use]
pub fn timed_signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    signature(secret, &signed)
}

/// Refuse an address that is private by its spelling (unless allowed).
fn refuse_private_spelling(url: &str, allow_private: bool) -> Result<(), String> {
    if allow_private {
        return Ok(());
    }
    let parsed = WebhookUrl::parse(url).map_err(|e| e.to_string())?;
    if parsed.is_private_host() {
        return Err("the webhook address is on a private network".into());
    }
    Ok(())
}

/// Refuse a webhook whose host resolves to this machine or a private network, unless
/// the operator allows that.
///
/// # Errors
/// The host does not resolve, or resolves to a private address.
pub fn check_destination(url: &str, allow_private: bool) -> Result<(), String> {
    if allow_private {
        return Ok(());
    }
    refuse_private_spelling(url, false)?;
    let uri: ureq::http::Uri = url.parse().map_err(|e: ureq::http::uri::InvalidUri| e.to_string())?;
    public_addresses(&uri, false).map(|_| ())
}

/// Resolve the URI's host once and keep only addresses the webhook may reach:
/// an error if none is left (or any is private, unless allowed). The HTTP client
/// connects only to what this returns, so the address checked is the address used.
fn public_addresses(
    uri: &ureq::http::Uri,
    allow_private: bool,
) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, String> {
    let host = uri.host().ok_or("the webhook address has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 });
    let found: Vec<std::net::SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .map_err(|e| format!("cannot resolve the webhook host: {e}"))?
        .collect();
    if !allow_private && found.iter().any(|a| is_private_ip(a.ip())) {
        return Err("the webhook host resolves to a private address".into());
    }
    let mut out =
        ureq::unversioned::resolver::ResolvedSocketAddrs::from_fn(|_| std::net::SocketAddr::from(([0, 0, 0, 0], 0)));
    out.truncate(0);
    for a in found.into_iter().take(16) {
        out.push(a);
    }
    if out.is_empty() { Err("the webhook host has no address".into()) } else { Ok(out) }
}

/// The webhook client's resolver: resolves once, refuses private addresses unless
/// allowed, and hands the client exactly the addresses it checked (no second lookup
/// a hostile name server could answer differently).
#[derive(Debug)]
struct CheckedResolver {
    allow_private: bool,
}

impl ureq::unversioned::resolver::Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        public_addresses(uri, self.allow_private).map_err(|e| {
            tracing::warn!(error = %e, "webhook destination refused");
            ureq::Error::HostNotFound
        })
    }
}

/// The one outbound client: no redirects, no proxy, a time limit, and connections
/// only to addresses [`CheckedResolver`] passed.
fn agent(allow_private: bool) -> ureq::Agent {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(WEBHOOK_TIMEOUT))
        .build();
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::new(),
        CheckedResolver { allow_private },
    )
}

/// The most an OpenID provider's answer may weigh.
const MAX_PROVIDER_ANSWER: u64 = 256 * 1024;

/// Read a JSON answer (at most [`MAX_PROVIDER_ANSWER`]).
fn json_of(mut res: ureq::http::Response<ureq::Body>) -> Result<(u16, serde_json::Value), String> {
    let status = res.status().as_u16();
    let bytes = res.body_mut().with_config().limit(MAX_PROVIDER_ANSWER).read_to_vec().map_err(|e| e.to_string())?;
    let value = serde_json::from_slice(&bytes).map_err(|e| format!("HTTP {status}: not JSON: {e}"))?;
    Ok((status, value))
}

/// GET a JSON document from an OpenID provider (its discovery document or keys),
/// through the same checked client as webhooks. Anything but a 2xx is a failure.
///
/// # Errors
/// The address was refused, the connection failed, the answer was not 2xx JSON.
pub fn get_json(url: &str, allow_private: bool) -> Result<serde_json::Value, String> {
    refuse_private_spelling(url, allow_private)?;
    let res = agent(allow_private).get(url).header("Accept", "application/json").call().map_err(|e| e.to_string())?;
    match json_of(res)? {
        (200..=299, v) => Ok(v),
        (status, _) => Err(format!("HTTP {status}")),
    }
}

/// POST a form (the token request) with an `Authorization` header, through the
/// checked client; the status and the JSON answer (an OAuth error is JSON too).
///
/// # Errors
/// The address was refused, the connection failed, the answer was not JSON.
pub fn post_form_json(
    url: &str,
    authorization: &str,
    form: &[(&str, &str)],
    allow_private: bool,
) -> Result<(u16, serde_json::Value), String> {
    refuse_private_spelling(url, allow_private)?;
    let res = agent(allow_private)
        .post(url)
        .header("Accept", "application/json")
        .header("Authorization", authorization)
        .send_form(form.iter().copied())
        .map_err(|e| e.to_string())?;
    json_of(res)
}

/// One webhook delivery: where, signed with what, and what.
pub struct Delivery {
    pub url: String,
    pub secret: Vec<u8>,
    /// `X-Sightline-Event`.
    pub event: String,
    /// `X-Sightline-Delivery`: the same on every attempt, so receivers drop repeats.
    pub id: String,
    pub body: Vec<u8>,
    /// `X-Sightline-Timestamp` (unix seconds); when set, the signature covers it too
    /// ([`timed_signature`]).
    pub timestamp: Option<i64>,
}

/// POST one webhook (blocking: run it off the async threads, or use [`send`]). No
/// redirects are followed, no proxy is used, and the connection goes only to
/// addresses that passed the check. Anything but a 2xx answer is a failure.
///
/// # Errors
/// The address was refused, the connection failed, or the receiver did not accept.
pub fn post(d: &Delivery, allow_private: bool) -> Result<(), String> {
    let mut headers = vec![("X-Sightline-Event", d.event.clone()), ("X-Sightline-Delivery", d.id.clone())];
    let signed = match d.timestamp {
        Some(ts) => {
            headers.push(("X-Sightline-Timestamp", ts.to_string()));
            timed_signature(&d.secret, ts, &d.body)
        }
        None => signature(&d.secret, &d.body),
    };
    headers.push(("X-Sightline-Signature", signed));
    post_json(&d.url, &headers, &d.body, allow_private)
}

/// POST a JSON `body` with `headers` (blocking) through the checked client: no
/// redirect, no proxy, connections only to addresses that passed the check (private
/// ones only if `allow_private`). Anything but a 2xx answer is a failure.
///
/// # Errors
/// The address was refused, the connection failed, or the receiver did not accept.
pub fn post_json(url: &str, headers: &[(&str, String)], body: &[u8], allow_private: bool) -> Result<(), String> {
    let status = post_json_answer(url, headers, body, allow_private)?;
    if status.is_success() { Ok(()) } else { Err(format!("HTTP {status}")) }
}

/// As [`post_json`], but any answer is the receiver's status, for a caller that
/// tells one refusal from another.
///
/// # Errors
/// The address was refused or the connection failed.
pub fn post_json_answer(
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
    allow_private: bool,
) -> Result<ureq::http::StatusCode, String> {
    refuse_private_spelling(url, allow_private)?;
    let mut req = agent(allow_private).post(url).header("Content-Type", "application/json");
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let res = req.send(body).map_err(|e| e.to_string())?;
    Ok(res.status())
}

/// [`post`] on a blocking thread, from async code.
///
/// # Errors
/// As [`post`].
pub async fn send(d: Delivery, allow_private: bool) -> Result<(), String> {
    tokio::task::spawn_blocking(move || post(&d, allow_private)).await.map_err(|e| e.to_string()).and_then(|r| r)
}

/// [`post_json_answer`] on a blocking thread, from async code.
///
/// # Errors
/// As [`post_json_answer`].
pub async fn send_json(
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    allow_private: bool,
) -> Result<ureq::http::StatusCode, String> {
    tokio::task::spawn_blocking(move || post_json_answer(&url, &headers, &body, allow_private))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r)
}
