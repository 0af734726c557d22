//! An organisation's desk settings, for its administrators: how long before
//! scheduled landing the queue flags "Escalate now", and where the desk on duty is
//! alerted (an e-mail address, a signed webhook). Every change is audited.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use sightline_domain::FieldError;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::triage::{EscalationLead, WebhookUrl};
use sightline_domain::user::Email;
use sightline_storage::{AlertChange, Organisation};

use super::users::org_admin_action;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::Visitor;

#[derive(Template)]
#[template(path = "org_settings.html")]
struct SettingsPage {
    ctx: Ctx,
    org: Organisation,
    minutes: String,
    alert_email: String,
    webhook_url: String,
    /// The webhook is set (the URL field may hold a rejected new value).
    has_webhook: bool,
    /// A new signing secret, shown once.
    new_secret: Option<String>,
    smtp_configured: bool,
    errors: FormErrors,
    /// Message key of what was just saved.
    saved: Option<&'static str>,
    min: i64,
    max: i64,
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    alert_email: String,
    #[serde(default)]
    webhook_url: String,
    /// `stop` turns the channel off.
    #[serde(default)]
    action: String,
}

/// The page as stored now; handlers then overlay what the person typed.
async fn page(state: &AppState, v: &Visitor, org: OrgId) -> Result<SettingsPage, PageError> {
    let lead = state.db.escalation_lead(org).await?;
    let (hook, email) = state.db.alert_settings(org).await?;
    Ok(SettingsPage {
        ctx: Ctx::new(v),
        org: state.db.get_org(org).await?,
        minutes: lead.minutes().to_string(),
        alert_email: email.unwrap_or_default(),
        has_webhook: hook.is_some(),
        webhook_url: hook.unwrap_or_default(),
        new_secret: None,
        smtp_configured: state.config.smtp.is_some(),
        errors: FormErrors::default(),
        saved: None,
        min: EscalationLead::MIN_MINUTES,
        max: EscalationLead::MAX_MINUTES,
    })
}

/// The organisation, if this visitor administers it and sent the form's token, and
/// the audit entry an alert change will carry.
async fn admin_of(
    state: &AppState,
    v: &Visitor,
    org: &str,
    csrf: Option<&str>,
) -> Result<(OrgId, NewAuditEntry), PageError> {
    let (org, me) = org_admin_action(state, v, org, csrf).await?;
    let audit = NewAuditEntry::new(AuditAction::AlertsConfigured).org(org).actor(me.id).ip(v.ip.clone());
    Ok((org, audit))
}
/// The page as stored now, with a note of what was just saved.
async fn saved(state: &AppState, v: &Visitor, org: OrgId, what: &'static str) -> Result<Response, PageError> {
    let mut p = page(state, v, org).await?;
    p.saved = Some(what);
    render(&p)
}

pub async fn form(State(state): State<AppState>, v: Visitor, Path(org): Path<String>) -> Result<Response, PageError> {
    let (org, _) = admin_of(&state, &v, &org, None).await?;
    render(&page(&state, &v, org).await?)
}

pub async fn submit(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let (org, _) = admin_of(&state, &v, &org, Some(&f.csrf)).await?;
    let me = v.org_admin(&state, org).await?.clone();
    let parsed = f
        .minutes
        .trim()
        .parse::<i64>()
        .map_err(|_| FieldError::new("minutes", "out-of-range"))
        .and_then(EscalationLead::from_minutes);
    let mut errors = FormErrors::default();
    let Some(lead) = errors.take(v.lang, parsed) else {
        let mut p = page(&state, &v, org).await?;
        p.minutes = f.minutes;
        p.errors = errors;
        return render_invalid(&p);
    };
    state.db.set_escalation_lead(org, lead, Some(me.id), state.now()).await?;
    saved(&state, &v, org, "settings-saved").await
}

/// Set, replace or stop the desk's alert e-mail address (empty stops it).
pub async fn alert_email(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let (org, audit) = admin_of(&state, &v, &org, Some(&f.csrf)).await?;
    let typed = f.alert_email.trim();
    let (change, what) = if typed.is_empty() {
        (None, "settings-email-stopped")
    } else {
        match Email::parse(typed) {
            Ok(email) => (Some(email), "settings-email-saved"),
            Err(e) => {
                let mut p = page(&state, &v, org).await?;
                p.alert_email = f.alert_email;
                p.errors.add(v.lang, &FieldError::new("alert_email", e.code));
                return render_invalid(&p);
            }
        }
    };
    let detail = change.as_ref().map_or_else(|| "e-mail alerts stopped".to_owned(), |e| format!("e-mail {e}"));
    let change = change.as_ref().map_or(AlertChange::NoEmail, |e| AlertChange::Email(e.as_str()));
    state.db.configure_alerts(org, change, &audit.detail(detail), state.now()).await?;
    saved(&state, &v, org, what).await
}

/// Set or replace the desk's webhook (a new signing secret each time, shown once),
/// or stop it.
pub async fn webhook(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let (org, audit) = admin_of(&state, &v, &org, Some(&f.csrf)).await?;
    if f.action == "stop" {
        let audit = audit.detail("webhook stopped");
        state.db.configure_alerts(org, AlertChange::NoWebhook, &audit, state.now()).await?;
        return saved(&state, &v, org, "settings-webhook-stopped").await;
    }
    let parsed = WebhookUrl::parse(&f.webhook_url).and_then(|u| {
        if u.is_private_host() && !state.config.allow_private_webhooks {
            Err(FieldError::new("webhook_url", "private-address"))
        } else {
            Ok(u)
        }
    });
    let url = match parsed {
        Ok(url) => url,
        Err(e) => {
            let mut p = page(&state, &v, org).await?;
            p.webhook_url = f.webhook_url;
            p.errors.add(v.lang, &e);
            return render_invalid(&p);
        }
    };
    let (sealed, secret) = crate::alerts::new_webhook_secret(&state, org).map_err(PageError::Internal)?;
    let audit = audit.detail(format!("webhook {}", url.as_str()));
    let change = AlertChange::Webhook { url: url.as_str(), sealed_secret: &sealed };
    state.db.configure_alerts(org, change, &audit, state.now()).await?;
    let mut p = page(&state, &v, org).await?;
    p.saved = Some("settings-webhook-saved");
    p.new_secret = Some(secret);
    render(&p)
}
