//! An organisation's desk settings, for its administrators: how long before
//! scheduled landing the queue flags "Escalate now", and where the desk on duty is
//! alerted (an e-mail address, a signed webhook). A partner organisation (NGO,
//! authority) also sets its referral webhook here and sends dead letters again.
//! Every change is audited.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use sightline_app::settings::Webhook;
use sightline_app::sso::{SsoInput, SsoView};
use sightline_app::xapi::{XapiInput, XapiView};
use sightline_app::{AppError, Caller};
use sightline_domain::ids::OrgId;
use sightline_domain::retention;
use sightline_domain::triage::EscalationLead;
use sightline_domain::xapi::ActorForm;
use sightline_storage::{DeadLetter, Organisation, XapiDeadLetter};

use super::users::{OrgForm, org_admin_action};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{Visit, Visitor};

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
    codeword: String,
    /// A partner organisation: it may set a referral webhook.
    partner: bool,
    referral_webhook_url: String,
    has_referral_webhook: bool,
    /// A new referral webhook signing secret, shown once.
    new_referral_secret: Option<String>,
    /// How the deliveries stand, in words.
    deliveries: String,
    dead_letters: Vec<DeadLetter>,
    /// Single sign-on as stored, or as just typed.
    sso: SsoView,
    /// The organisation has single sign-on set up.
    has_sso: bool,
    /// The redirect URI to register at the identity provider.
    sso_redirect_uri: String,
    /// The learning record store (xAPI) section.
    lrs: Lrs,
    /// The retention periods: (form field, days as stored or typed — empty keeps for
    /// ever —, the field's least number of days).
    retention: Vec<(&'static str, String, u32)>,
    retention_max: u32,
}

/// The xAPI section: the settings as stored (or as typed, when refused), the backlog
/// in words, the last error and the dead letters.
#[derive(Default)]
struct Lrs {
    enabled: bool,
    endpoint: String,
    key: String,
    /// A secret is stored (the field stays empty; empty keeps it).
    has_secret: bool,
    actor_form: String,
    home_page: String,
    activity_base: String,
    backlog: String,
    last_error: Option<String>,
    dead_letters: Vec<XapiDeadLetter>,
}

/// What the page says after the referral webhook was saved (its secret shows there).
const REFERRAL_SAVED: &str = "settings-referral-webhook-saved";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    minutes: String,
    alert_email: String,
    webhook_url: String,
    codeword: String,
    referral_webhook_url: String,
    /// The dead letter to send again.
    delivery: String,
    lrs_enabled: String,
    lrs_endpoint: String,
    lrs_key: String,
    lrs_secret: String,
    lrs_actor_form: String,
    lrs_home_page: String,
    lrs_activity_base: String,
    /// `stop` turns the channel off.
    action: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    email_domain: String,
    role_mapping: String,
    mfa_acr: String,
    /// A checkbox: `on` keeps password sign-in.
    password_sign_in: String,
    // The retention periods, in days (empty keeps for ever).
    met_on_arrival_days: String,
    referred_to_ngo_days: String,
    no_action_innocent_days: String,
    insufficient_information_days: String,
    other_days: String,
    tips_days: String,
    training_days: String,
    certificates_days: String,
    audit_days: String,
}

impl SettingsForm {
    /// A retention period as typed, by its field.
    fn days(&self, field: &str) -> &str {
        match field {
            "met_on_arrival_days" => &self.met_on_arrival_days,
            "referred_to_ngo_days" => &self.referred_to_ngo_days,
            "no_action_innocent_days" => &self.no_action_innocent_days,
            "insufficient_information_days" => &self.insufficient_information_days,
            "other_days" => &self.other_days,
            "tips_days" => &self.tips_days,
            "training_days" => &self.training_days,
            "certificates_days" => &self.certificates_days,
            "audit_days" => &self.audit_days,
            _ => "",
        }
    }
}

/// The page as stored now; handlers then overlay what the person typed.
async fn page(state: &AppState, v: &Visitor, me: &Caller, org: OrgId) -> Result<SettingsPage, PageError> {
    let s = state.org_settings(me, org).await?;
    let sso = state.sso_settings(me, org).await?;
    let x = state.org_xapi(me, org).await?;
    let retention = state.retention_policy(me, org).await?;
    let hook = s.referral_hook;
    Ok(SettingsPage {
        has_sso: sso.is_some(),
        sso: sso.unwrap_or(SsoView { password_sign_in: true, ..SsoView::default() }),
        sso_redirect_uri: format!("{}/login/sso/callback", state.config.public_url),
        lrs: lrs_section(v, x),
        retention: retention
            .by_field()
            .iter()
            .map(|(f, d)| (*f, d.map(|d| d.to_string()).unwrap_or_default(), retention::min_days(f)))
            .collect(),
        retention_max: retention::MAX_DAYS,
        partner: hook.is_some(),
        has_referral_webhook: hook.as_ref().is_some_and(|h| h.url.is_some()),
        referral_webhook_url: hook.as_ref().and_then(|h| h.url.clone()).unwrap_or_default(),
        new_referral_secret: None,
        deliveries: {
            let c = hook.as_ref().map(|h| h.counts).unwrap_or_default();
            let n = [("sent", c.sent.to_string()), ("pending", c.pending.to_string()), ("dead", c.dead.to_string())];
            v.lang.t_args("settings-referral-counts", &n)
        },
        dead_letters: hook.map(|h| h.dead_letters).unwrap_or_default(),
        ctx: Ctx::new(v),
        org: s.org,
        minutes: s.lead.minutes().to_string(),
        alert_email: s.alert_email.unwrap_or_default(),
        has_webhook: s.webhook_url.is_some(),
        webhook_url: s.webhook_url.unwrap_or_default(),
        new_secret: None,
        smtp_configured: state.config.smtp.is_some(),
        errors: FormErrors::default(),
        saved: None,
        min: EscalationLead::MIN_MINUTES,
        max: EscalationLead::MAX_MINUTES,
        codeword: s.codeword.unwrap_or_default(),
    })
}

fn lrs_section(v: &Visitor, x: XapiView) -> Lrs {
    let c = x.backlog.counts;
    let n = [("sent", c.sent.to_string()), ("pending", c.pending.to_string()), ("dead", c.dead.to_string())];
    let mut backlog = v.lang.t_args("settings-lrs-counts", &n);
    if let Some(oldest) = x.backlog.oldest_pending {
        backlog =
            format!("{backlog} {}", v.lang.t_args("settings-lrs-oldest", &[("at", super::datetime_text(&oldest))]));
    }
    let s = x.settings;
    Lrs {
        enabled: s.as_ref().is_some_and(|s| s.enabled),
        endpoint: s.as_ref().map(|s| s.endpoint.clone()).unwrap_or_default(),
        key: s.as_ref().map(|s| s.auth_key.clone()).unwrap_or_default(),
        has_secret: s.is_some(),
        actor_form: s.as_ref().map_or(ActorForm::Account, |s| s.naming.actor_form).as_str().to_owned(),
        home_page: s.as_ref().map(|s| s.naming.home_page.clone()).unwrap_or_default(),
        activity_base: s.as_ref().map(|s| s.naming.activity_base.clone()).unwrap_or_default(),
        backlog,
        last_error: x.backlog.last_error,
        dead_letters: x.dead_letters,
    }
}

/// After a change: the page as stored now with a note of what was saved, or, when
/// the input was refused, with what the person typed and every message.
async fn answer(
    state: &AppState,
    v: &Visitor,
    (me, org): (&Caller, OrgId),
    result: Result<(&'static str, Option<String>), AppError>,
    typed: impl FnOnce(&mut SettingsPage),
) -> Result<Response, PageError> {
    let mut p = page(state, v, me, org).await?;
    match result {
        Ok((what, new_secret)) => {
            p.saved = Some(what);
            if what == REFERRAL_SAVED {
                p.new_referral_secret = new_secret;
            } else {
                p.new_secret = new_secret;
            }
            render(&p)
        }
        Err(AppError::Invalid(list)) => {
            typed(&mut p);
            list.iter().for_each(|e| p.errors.add(v.lang, e));
            render_invalid(&p)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn form(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&v, &org)?;
    render(&page(&state, &v, &me, org).await?)
}

pub async fn submit(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let result = state.set_escalation_lead(&me, org, &f.minutes).await.map(|()| ("settings-saved", None));
    answer(&state, &v, (&me, org), result, |p| p.minutes = f.minutes).await
}

/// Set, replace or stop the desk's alert e-mail address (empty stops it).
pub async fn alert_email(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let result = state
        .set_alert_email(&me, org, &f.alert_email)
        .await
        .map(|stopped| (if stopped { "settings-email-stopped" } else { "settings-email-saved" }, None));
    answer(&state, &v, (&me, org), result, |p| p.alert_email = f.alert_email).await
}

/// Set or replace the desk's webhook (a new signing secret each time, shown once),
/// or stop it.
pub async fn webhook(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    webhook_form(a, Webhook::Alerts).await
}

/// Set or replace the partner's referral webhook (a new signing secret each time,
/// shown once), or stop it.
pub async fn referral_webhook(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    webhook_form(a, Webhook::Referrals).await
}

async fn webhook_form(a: OrgForm<SettingsForm>, hook: Webhook) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let (stopped, saved, url) = match hook {
        Webhook::Alerts => ("settings-webhook-stopped", "settings-webhook-saved", f.webhook_url),
        Webhook::Referrals => ("settings-referral-webhook-stopped", REFERRAL_SAVED, f.referral_webhook_url),
    };
    if f.action == "stop" {
        let result = state.stop_webhook(&me, org, hook).await.map(|()| (stopped, None));
        return answer(&state, &v, (&me, org), result, |_| ()).await;
    }
    let result = state
        .set_webhook(&me, org, hook, &url, state.config.allow_private_webhooks)
        .await
        .map(|secret| (saved, Some(secret)));
    answer(&state, &v, (&me, org), result, |p| match hook {
        Webhook::Alerts => p.webhook_url = url,
        Webhook::Referrals => p.referral_webhook_url = url,
    })
    .await
}

/// Set the relay message's codeword (empty: the default header).
pub async fn relay_codeword(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let result = state.set_relay_codeword(&me, org, &f.codeword).await.map(|()| ("settings-codeword-saved", None));
    answer(&state, &v, (&me, org), result, |p| p.codeword = f.codeword).await
}

/// Send a dead-lettered referral delivery again.
pub async fn retry_delivery(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let result =
        state.retry_referral_delivery(&me, org, &f.delivery).await.map(|()| ("settings-delivery-retried", None));
    answer(&state, &v, (&me, org), result, |_| ()).await
}

/// Set, change or (`remove`) take away the organisation's single sign-on.
pub async fn sso(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    if f.action == "remove" {
        let result = state.remove_sso(&me, org).await.map(|()| ("settings-sso-removed", None));
        return answer(&state, &v, (&me, org), result, |_| ()).await;
    }
    let input = SsoInput {
        issuer: f.issuer,
        client_id: f.client_id,
        client_secret: f.client_secret,
        email_domain: f.email_domain,
        role_mapping: f.role_mapping,
        mfa_acr: f.mfa_acr,
        password_sign_in: f.password_sign_in == "on",
    };
    let allow = state.config.allow_private_webhooks;
    let result = state.set_sso(&me, org, &input, allow).await.map(|()| ("settings-sso-saved", None));
    answer(&state, &v, (&me, org), result, |p| {
        // What was typed, never the secret.
        p.sso = SsoView { has_secret: p.sso.has_secret, ..SsoView::from_input(input) };
    })
    .await
}

/// Set the organisation's learning record store (xAPI) settings.
pub async fn lrs(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let input = XapiInput {
        enabled: !f.lrs_enabled.is_empty(),
        endpoint: &f.lrs_endpoint,
        key: &f.lrs_key,
        secret: &f.lrs_secret,
        actor_form: &f.lrs_actor_form,
        home_page: &f.lrs_home_page,
        activity_base: &f.lrs_activity_base,
    };
    let public = &state.config.public_url;
    let result = state
        .set_xapi(&me, org, &input, public, state.config.allow_private_webhooks)
        .await
        .map(|()| ("settings-lrs-saved", None));
    answer(&state, &v, (&me, org), result, |p| {
        p.lrs.enabled = !f.lrs_enabled.is_empty();
        p.lrs.endpoint = f.lrs_endpoint;
        p.lrs.key = f.lrs_key;
        p.lrs.actor_form = f.lrs_actor_form;
        p.lrs.home_page = f.lrs_home_page;
        p.lrs.activity_base = f.lrs_activity_base;
    })
    .await
}

/// Send the organisation's dead-lettered statements again.
pub async fn lrs_retry(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, .. } = a;
    let result = state.retry_xapi(&me, org).await.map(|_| ("settings-lrs-retried", None));
    answer(&state, &v, (&me, org), result, |_| ()).await
}

/// Set the organisation's retention periods (empty keeps for ever).
pub async fn retention(a: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let result =
        state.set_retention_policy(&me, org, |field| f.days(field)).await.map(|_| ("settings-retention-saved", None));
    answer(&state, &v, (&me, org), result, |p| {
        p.retention = retention::FIELDS
            .iter()
            .map(|field| (*field, f.days(field).to_owned(), retention::min_days(field)))
            .collect();
    })
    .await
}
