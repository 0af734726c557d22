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
use sightline_domain::triage::{self, ACK_WITHIN};
use sightline_storage::{AlertChannel, CaseRecord, QueueFilter};

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
/// the operator allows that. Checked again just before sending, because a public
/// name can point at a private address.
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
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let default_port = if url.starts_with("https://") { 443 } else { 80 };
    let with_port = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
        authority.to_owned()
    } else {
        format!("{authority}:{default_port}")
    };
    let addrs: Vec<std::net::SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&with_port)
        .map_err(|e| format!("cannot resolve the webhook host: {e}"))?
        .collect();
    let private = addrs.iter().any(|a| sightline_domain::triage::is_private_ip(a.ip()));
    if private { Err("the webhook host resolves to a private address".into()) } else { Ok(()) }
}

fn post(url: &str, secret: &[u8], event: &str, body: Vec<u8>, allow_private: bool) -> Result<(), String> {
    check_destination(url, allow_private)?;
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let res = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("X-Sightline-Event", event)
        .header("X-Sightline-Signature", &signature(secret, &body))
        .send(&body[..])
        .map_err(|e| e.to_string())?;
    if res.status().is_success() { Ok(()) } else { Err(format!("HTTP {}", res.status())) }
}

fn due(c: &CaseRecord, now: time::OffsetDateTime) -> Vec<&'static str> {
    let mut kinds = vec!["new"];
    if now - c.received_at > ACK_WITHIN {
        kinds.push("unacknowledged");
    }
    kinds
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

async fn waiting(state: &AppState, org: OrgId) -> Result<Vec<CaseRecord>, sightline_storage::StorageError> {
    let filter = QueueFilter { status: Some(triage::CaseStatus::Received), ..QueueFilter::default() };
    state.db.queue(org, &filter, 500).await
}

/// One pass: send every alert that is due, by webhook and by e-mail. Returns how
/// many were delivered. Safe to run from several places: an alert is claimed before
/// it is sent, and given back if delivery fails.
///
/// # Errors
/// A database error (delivery failures are logged and retried on the next pass).
pub async fn run_once(state: &AppState) -> Result<usize, sightline_storage::StorageError> {
    let now = state.now();
    let mut sent = 0;
    for target in state.db.alert_targets().await? {
        let Some(secret) = open_secret(state, target.org_id, &target.webhook_secret) else {
            tracing::warn!(org = %target.org_id, "alert webhook secret cannot be opened with this key");
            continue;
        };
        for c in waiting(state, target.org_id).await? {
            for kind in due(&c, now) {
                if !state.db.claim_alert(AlertChannel::Webhook, c.id, kind, now).await? {
                    continue;
                }
                let a = alert(state, &c, kind, now);
                let body = serde_json::to_vec(&a).unwrap_or_default();
                let (url, key, event) = (target.webhook_url.clone(), secret.clone(), a.event.to_owned());
                let allow = state.config.allow_private_webhooks;
                let delivered = tokio::task::spawn_blocking(move || post(&url, &key, &event, body, allow))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r);
                match delivered {
                    Ok(()) => sent += 1,
                    Err(e) => {
                        tracing::warn!(org = %target.org_id, error = %e, "alert not delivered; will retry");
                        state.db.release_alert(AlertChannel::Webhook, c.id, kind).await?;
                    }
                }
            }
        }
    }
    if let Some(smtp) = &state.config.smtp {
        sent += email_pass(state, smtp, now).await?;
    }
    Ok(sent)
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
    let mut sent = 0;
    for (org, to) in state.db.alert_emails().await? {
        for c in waiting(state, org).await? {
            for kind in due(&c, now) {
                if !state.db.claim_alert(AlertChannel::Email, c.id, kind, now).await? {
                    continue;
                }
                let a = alert(state, &c, kind, now);
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
                let delivered = crate::mail::send(&transport, &from, &to, subject, body).await;
                match delivered {
                    Ok(()) => sent += 1,
                    Err(e) => {
                        tracing::warn!(org = %org, error = %e, "alert e-mail not delivered; will retry");
                        state.db.release_alert(AlertChannel::Email, c.id, kind).await?;
                    }
                }
            }
        }
    }
    Ok(sent)
}
