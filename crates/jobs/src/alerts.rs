//! Alerts to the desk on duty, by signed webhook and by e-mail, for each new report
//! and for each report still unacknowledged after five minutes. Alerts carry triage
//! facts only — never descriptions or free text — and each goes out once.

use serde::Serialize;
use sightline_domain::crypto::{MasterKey, SealRandom, Sealed};
use sightline_domain::ids::OrgId;
use sightline_domain::triage::ACK_WITHIN;
use sightline_storage::{AlertChannel, AlertTarget, CaseRecord, DueAlert, StorageError};
use time::OffsetDateTime;

use crate::outbound::http::{self, Delivery};
use crate::outbound::smtp::Mailer;
use crate::{Context, Pages};

pub use crate::outbound::http::{check_destination, signature, timed_signature};

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

const SEALED_PREFIX: &str = "sealed:v1:";

/// Seal a webhook's signing secret for storage, under the organisation's key.
///
/// # Errors
/// Sealing failed.
pub fn seal_secret(keys: &MasterKey, org: OrgId, secret: &str, r: &SealRandom) -> Result<String, String> {
    let sealed = keys.seal(org, org.as_uuid(), secret.as_bytes(), r).map_err(|e| e.to_string())?;
    let b64 = data_encoding::BASE64URL_NOPAD;
    Ok(format!("{SEALED_PREFIX}{}.{}", b64.encode(&sealed.body), b64.encode(&sealed.wrapped_key)))
}

/// Open a webhook signing secret sealed by [`seal_secret`].
pub(crate) fn open_secret(keys: &MasterKey, org: OrgId, stored: &str) -> Option<Vec<u8>> {
    let (body, wrapped) = stored.strip_prefix(SEALED_PREFIX)?.split_once('.')?;
    let b64 = data_encoding::BASE64URL_NOPAD;
    let sealed = Sealed { body: b64.decode(body.as_bytes()).ok()?, wrapped_key: b64.decode(wrapped.as_bytes()).ok()? };
    keys.open(org, org.as_uuid(), &sealed).ok()
}

fn alert<'a>(ctx: &Context, c: &'a CaseRecord, kind: &str, now: OffsetDateTime) -> Alert<'a> {
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
        case_url: ctx.link(&format!("/desk/cases/{}", c.id)),
    }
}

/// How many alerts one page of the outbox holds.
const PAGES: Pages = Pages { limit: 100 };
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
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    let now = ctx.now();
    let mut sent = 0;
    ctx.db.enqueue_alerts(AlertChannel::Webhook, now - ACK_WITHIN, now).await?;
    let targets = ctx.db.alert_targets().await?;
    loop {
        let due = ctx.db.due_alerts(AlertChannel::Webhook, now, PAGES.limit).await?;
        let mut moved = 0;
        for a in &due {
            let Some(target) = targets.iter().find(|t| t.org_id == a.org_id) else { continue };
            moved += 1;
            sent += usize::from(deliver_webhook(ctx, target, a, now).await?);
        }
        if !PAGES.more(due.len(), moved) {
            break;
        }
    }
    if let Some(smtp) = &ctx.smtp {
        sent += email_pass(ctx, smtp, now).await?;
    }
    Ok(sent)
}

/// Lease, send and record one webhook alert. Returns whether it was delivered now.
async fn deliver_webhook(
    ctx: &Context,
    target: &AlertTarget,
    a: &DueAlert,
    now: OffsetDateTime,
) -> Result<bool, StorageError> {
    let channel = AlertChannel::Webhook;
    if !ctx.db.claim_alert(channel, a.report_id, a.kind, now, now + LEASE).await? {
        return Ok(false);
    }
    let outcome =
        match (open_secret(&ctx.keys, target.org_id, &target.webhook_secret), ctx.db.case(a.org_id, a.report_id).await)
        {
            (None, _) => Err("the webhook secret cannot be opened with this key".to_owned()),
            (Some(_), Err(e)) => Err(e.to_string()),
            (Some(secret), Ok(c)) => {
                let alert = alert(ctx, &c, a.kind.as_str(), now);
                let d = Delivery {
                    url: target.webhook_url.clone(),
                    secret,
                    event: alert.event.to_owned(),
                    id: a.delivery_id(channel),
                    body: serde_json::to_vec(&alert).unwrap_or_default(),
                    timestamp: None,
                };
                http::send(d, ctx.allow_private_webhooks).await
            }
        };
    finish(ctx, channel, a, outcome, now).await
}

/// Record how a delivery went: delivered for good, or retried after a back-off.
async fn finish(
    ctx: &Context,
    channel: AlertChannel,
    a: &DueAlert,
    outcome: Result<(), String>,
    now: OffsetDateTime,
) -> Result<bool, StorageError> {
    match outcome {
        Ok(()) => {
            ctx.db.alert_delivered(channel, a.report_id, a.kind, ctx.now()).await?;
            Ok(true)
        }
        Err(e) => {
            let attempts = a.attempts + 1;
            tracing::warn!(org = %a.org_id, channel = channel.as_str(), attempts, error = %e, "alert not delivered; will retry");
            ctx.db.alert_failed(channel, a.report_id, a.kind, now + retry_after(attempts)).await?;
            Ok(false)
        }
    }
}

async fn email_pass(ctx: &Context, smtp: &crate::Smtp, now: OffsetDateTime) -> Result<usize, StorageError> {
    let mailer = match Mailer::new(smtp) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "the SMTP settings are not usable; no alert e-mails");
            return Ok(0);
        }
    };
    let channel = AlertChannel::Email;
    ctx.db.enqueue_alerts(channel, now - ACK_WITHIN, now).await?;
    let addresses = ctx.db.alert_emails().await?;
    let mut sent = 0;
    loop {
        let due = ctx.db.due_alerts(channel, now, PAGES.limit).await?;
        let mut moved = 0;
        for a in &due {
            let Some((_, to)) = addresses.iter().find(|(org, _)| *org == a.org_id) else { continue };
            moved += 1;
            if !ctx.db.claim_alert(channel, a.report_id, a.kind, now, now + LEASE).await? {
                continue;
            }
            let outcome = match ctx.db.case(a.org_id, a.report_id).await {
                Err(e) => Err(e.to_string()),
                Ok(c) => {
                    let (subject, body) = alert_email(ctx, &c, a.kind.as_str(), now);
                    let id = format!("<{}@sightline>", a.delivery_id(channel));
                    mailer.send(to, subject, body, Some(id)).await
                }
            };
            sent += usize::from(finish(ctx, channel, a, outcome, now).await?);
        }
        if !PAGES.more(due.len(), moved) {
            break;
        }
    }
    Ok(sent)
}

/// The subject and text of an alert e-mail: triage facts only.
fn alert_email(ctx: &Context, c: &CaseRecord, kind: &str, now: OffsetDateTime) -> (String, String) {
    let a = alert(ctx, c, kind, now);
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
