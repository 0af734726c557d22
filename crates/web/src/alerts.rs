//! Alerts to the desk on duty, by signed webhook and by e-mail, for each new report
//! and for each report still unacknowledged after five minutes. Alerts carry triage facts only —
//! never descriptions or free text — and each goes out once.
//!
//! The receiver checks `X-Sightline-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use sightline_domain::crypto::{SealRandom, Sealed};
use sightline_domain::ids::OrgId;
use sightline_domain::triage::ACK_WITHIN;
use sightline_storage::{AlertChannel, CaseRecord, DueAlert};

use crate::AppState;
use crate::security::random_bytes;

#[derive(Serialize)]
struct Alert<'a> {
    event: &'a str,
    reference: &'a str,
    flight: &'a str,
    flight_date: &'a str,
    origin: &'a str,
    destination: &'a str,
    immediate_danger: bool,
    minutes_to_landing: Option<i64>,
    received_at: String,
    case_url: String,
}

/// The signature a receiver checks.
#[must_use]
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else { return String::new() };
    mac.update(body);
    format!("sha256={}", data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes()))
}

/// Seal a new webhook secret for storage; returns (sealed, the secret to give the
/// receiver's owner once).
///
/// # Errors
/// No randomness, or sealing failed.
pub fn new_webhook_secret(state: &AppState, org: OrgId) -> Result<(String, String), String> {
    let secret = crate::security::new_token()?;
    let r =
        SealRandom { data_key: random_bytes::<32>()?, nonce: random_bytes::<24>()?, wrap_nonce: random_bytes::<24>()? };
    let sealed = state.keys.seal(org, org.as_uuid(), secret.as_bytes(), &r).map_err(|e| e.to_string())?;
    let b64 = data_encoding::BASE64URL_NOPAD;
    Ok((format!("sealed:v1:{}.{}", b64.encode(&sealed.body), b64.encode(&sealed.wrapped_key)), secret))
}

fn open_secret(state: &AppState, org: OrgId, stored: &str) -> Option<Vec<u8>> {
    let (body, wrapped) = stored.strip_prefix("sealed:v1:")?.split_once('.')?;
    let b64 = data_encoding::BASE64URL_NOPAD;
    let sealed = Sealed { body: b64.decode(body.as_bytes()).ok()?, wrapped_key: b64.decode(wrapped.as_bytes()).ok()? };
    state.keys.open(org, org.as_uuid(), &sealed).ok()
}

/// Refuse a webhook whose host resolves to this machine or a private network, unless
/// the operator allows that (checked when an admin saves the address).
///
/// # Errors
/// The host does not resolve, or resolves to a private address.
pub fn check_destination(url: &str, allow_private: bool) -> Result<(), String> {
    if allow_private {
        return Ok(());
    }
    let parsed = sightline_domain::triage::WebhookUrl::parse(url).map_err(|e| e.to_string())?;
    if parsed.is_private_host() {
        return Err("the webhook address is on a private network".into());
    }
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
    if !allow_private && found.iter().any(|a| sightline_domain::triage::is_private_ip(a.ip())) {
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

/// How long one webhook delivery may take.
const WEBHOOK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// POST one alert. No redirects are followed, no proxy is used, and the connection
/// goes only to addresses that passed the check.
fn post(url: &str, secret: &[u8], event: &str, delivery: &str, body: &[u8], allow_private: bool) -> Result<(), String> {
    if !allow_private {
        let parsed = sightline_domain::triage::WebhookUrl::parse(url).map_err(|e| e.to_string())?;
        if parsed.is_private_host() {
            return Err("the webhook address is on a private network".into());
        }
    }
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(WEBHOOK_TIMEOUT))
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::new(),
        CheckedResolver { allow_private },
    );
    let res = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("X-Sightline-Event", event)
        .header("X-Sightline-Delivery", delivery)
        .header("X-Sightline-Signature", &signature(secret, body))
        .send(body)
        .map_err(|e| e.to_string())?;
    if res.status().is_success() { Ok(()) } else { Err(format!("HTTP {}", res.status())) }
}

fn alert<'a>(state: &AppState, c: &'a CaseRecord, kind: &str, now: time::OffsetDateTime) -> Alert<'a> {
    Alert {
        event: if kind == "new" { "report.new" } else { "report.unacknowledged" },
        reference: &c.reference,
        flight: &c.flight,
        flight_date: &c.flight_date,
        origin: &c.origin,
        destination: &c.destination,
        immediate_danger: c.immediate_danger,
        minutes_to_landing: c.scheduled_arrival.map(|a| (a - now).whole_minutes()),
        received_at: c.received_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        case_url: state.link(&format!("/desk/cases/{}", c.id)),
    }
}

/// How many alerts one page of the outbox holds.
const PAGE: i64 = 100;
/// A sender's lease on an alert: longer than one delivery may take, so two senders
/// never send the same alert at once.
const LEASE: time::Duration = time::Duration::minutes(2);

/// When to try a failed alert again: 15 s, 30 s, 1 min, … at most 5 minutes. Alerts
/// are never given up while their case waits.
fn retry_after(attempts: i64) -> time::Duration {
    let exp = u32::try_from(attempts.clamp(1, 6) - 1).unwrap_or(0);
    time::Duration::seconds(15 * 2_i64.pow(exp)).min(time::Duration::minutes(5))
}

/// One pass: put every alert that is due into each channel's outbox, then deliver
/// the outbox page by page, oldest report first, until nothing is due. Returns how
/// many were delivered. Safe to run on several nodes at once: each alert is leased
/// before it is sent, marked delivered after, and retried with back-off if delivery
/// fails; a sender that dies mid-way leaves the alert to the next pass after the
/// lease. Receivers drop repeats by `X-Sightline-Delivery`.
///
/// # Errors
/// A database error (delivery failures are logged and retried on a later pass).
pub async fn run_once(state: &AppState) -> Result<usize, sightline_storage::StorageError> {
    let now = state.now();
    let mut sent = 0;
    state.db.enqueue_alerts(AlertChannel::Webhook, now - ACK_WITHIN, now).await?;
    let targets = state.db.alert_targets().await?;
    let mut handled = 0;
    loop {
        let due = state.db.due_alerts(AlertChannel::Webhook, now, PAGE).await?;
        for a in &due {
            let Some(target) = targets.iter().find(|t| t.org_id == a.org_id) else { continue };
            sent += usize::from(deliver_webhook(state, target, a, now).await?);
        }
        handled += due.len();
        if i64::try_from(due.len()).unwrap_or(PAGE) < PAGE || handled > 1_000_000 {
            break;
        }
    }
    if let Some(smtp) = &state.config.smtp {
        sent += email_pass(state, smtp, now).await?;
    }
    Ok(sent)
}

/// Lease, send and record one webhook alert. Returns whether it was delivered now.
async fn deliver_webhook(
    state: &AppState,
    target: &sightline_storage::AlertTarget,
    a: &DueAlert,
    now: time::OffsetDateTime,
) -> Result<bool, sightline_storage::StorageError> {
    let channel = AlertChannel::Webhook;
    if !state.db.claim_alert(channel, a.report_id, a.kind, now, now + LEASE).await? {
        return Ok(false);
    }
    let outcome =
        match (open_secret(state, target.org_id, &target.webhook_secret), state.db.case(a.org_id, a.report_id).await) {
            (None, _) => Err("the webhook secret cannot be opened with this key".to_owned()),
            (Some(_), Err(e)) => Err(e.to_string()),
            (Some(secret), Ok(c)) => {
                let alert = alert(state, &c, a.kind.as_str(), now);
                let body = serde_json::to_vec(&alert).unwrap_or_default();
                let (url, event, delivery) =
                    (target.webhook_url.clone(), alert.event.to_owned(), a.delivery_id(channel));
                let allow = state.config.allow_private_webhooks;
                tokio::task::spawn_blocking(move || post(&url, &secret, &event, &delivery, &body, allow))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r)
            }
        };
    finish(state, channel, a, outcome, now).await
}

/// Record how a delivery went: delivered for good, or retried after a back-off.
async fn finish(
    state: &AppState,
    channel: AlertChannel,
    a: &DueAlert,
    outcome: Result<(), String>,
    now: time::OffsetDateTime,
) -> Result<bool, sightline_storage::StorageError> {
    match outcome {
        Ok(()) => {
            state.db.alert_delivered(channel, a.report_id, a.kind, state.now()).await?;
            Ok(true)
        }
        Err(e) => {
            let attempts = a.attempts + 1;
            tracing::warn!(org = %a.org_id, channel = channel.as_str(), attempts, error = %e, "alert not delivered; will retry");
            state.db.alert_failed(channel, a.report_id, a.kind, now + retry_after(attempts)).await?;
            Ok(false)
        }
    }
}

async fn email_pass(
    state: &AppState,
    smtp: &crate::Smtp,
    now: time::OffsetDateTime,
) -> Result<usize, sightline_storage::StorageError> {
    let (transport, from) = match crate::mail::transport(smtp) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "the SMTP settings are not usable; no alert e-mails");
            return Ok(0);
        }
    };
    let channel = AlertChannel::Email;
    state.db.enqueue_alerts(channel, now - ACK_WITHIN, now).await?;
    let addresses = state.db.alert_emails().await?;
    let mut sent = 0;
    let mut handled = 0;
    loop {
        let due = state.db.due_alerts(channel, now, PAGE).await?;
        for a in &due {
            let Some((_, to)) = addresses.iter().find(|(org, _)| *org == a.org_id) else { continue };
            if !state.db.claim_alert(channel, a.report_id, a.kind, now, now + LEASE).await? {
                continue;
            }
            let outcome = match state.db.case(a.org_id, a.report_id).await {
                Err(e) => Err(e.to_string()),
                Ok(c) => {
                    let (subject, body) = alert_email(state, &c, a.kind.as_str(), now);
                    let id = format!("<{}@sightline>", a.delivery_id(channel));
                    crate::mail::send(&transport, &from, to, subject, body, Some(id)).await
                }
            };
            sent += usize::from(finish(state, channel, a, outcome, now).await?);
        }
        handled += due.len();
        if i64::try_from(due.len()).unwrap_or(PAGE) < PAGE || handled > 1_000_000 {
            break;
        }
    }
    Ok(sent)
}

/// The subject and text of an alert e-mail: triage facts only.
fn alert_email(state: &AppState, c: &CaseRecord, kind: &str, now: time::OffsetDateTime) -> (String, String) {
    let a = alert(state, c, kind, now);
    let subject = format!(
        "[Sightline] {}{} {} {} {}-{}",
        if c.immediate_danger { "IMMEDIATE DANGER: " } else { "" },
        if kind == "new" { "New report" } else { "Not acknowledged after 5 min:" },
        c.reference,
        c.flight,
        c.origin,
        c.destination
    );
    let body = format!(
        "A crew report needs the desk.\n\nReference: {}\nFlight: {} {}\nRoute: {}-{}\nLanding in: {}\nImmediate danger: {}\nReceived: {}\n\nOpen the case: {}\n\nReport details are only in Sightline.\n",
        a.reference,
        a.flight,
        a.flight_date,
        a.origin,
        a.destination,
        a.minutes_to_landing.map_or_else(|| "unknown".to_owned(), |m| format!("{m} min")),
        if a.immediate_danger { "yes" } else { "no" },
        a.received_at,
        a.case_url
    );
    (subject, body)
}
