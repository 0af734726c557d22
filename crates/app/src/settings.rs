//! An organisation's desk settings, for its administrators: how long before
//! scheduled landing the queue flags "Escalate now", and where the desk on duty is
//! alerted (an e-mail address, a signed webhook). A partner organisation (NGO or
//! authority) also sets where its own systems receive its referrals (a signed
//! webhook) and sees the deliveries given up, to send them again. Every change is
//! audited.

use sightline_domain::FieldError;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::referral::RecipientKind;
use sightline_domain::triage::{EscalationLead, WebhookUrl};
use sightline_domain::user::Email;
use sightline_storage::{AlertChange, DeadLetter, DeliveryCounts, Organisation};
use uuid::Uuid;

use crate::security::{new_token, seal_random};
use crate::{App, AppError, Caller, Result};

/// An organisation's settings as stored.
pub struct Settings {
    pub org: Organisation,
    pub lead: EscalationLead,
    pub webhook_url: Option<String>,
    pub alert_email: Option<String>,
    /// The relay message's first token (the default header when none is set).
    pub codeword: Option<String>,
    /// A partner organisation's referral webhook; `None` for airlines and airports.
    pub referral_hook: Option<ReferralHook>,
}

/// Where a partner organisation's systems receive its referrals, and how the
/// deliveries stand.
pub struct ReferralHook {
    pub url: Option<String>,
    pub counts: DeliveryCounts,
    /// Deliveries given up, newest first: each may be sent again.
    pub dead_letters: Vec<DeadLetter>,
}

/// Which of an organisation's webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Webhook {
    /// Desk alerts.
    Alerts,
    /// A partner's referrals.
    Referrals,
}

impl Webhook {
    /// The form field it is set in.
    const fn field(self) -> &'static str {
        match self {
            Self::Alerts => "webhook_url",
            Self::Referrals => "referral_webhook_url",
        }
    }
    /// Its name in the audit trail.
    const fn label(self) -> &'static str {
        match self {
            Self::Alerts => "webhook",
            Self::Referrals => "referral webhook",
        }
    }
}

impl App {
    /// The organisation, if the caller administers it, and the audit entry an alert
    /// change carries.
    async fn alerts_admin(&self, caller: &Caller, org: OrgId) -> Result<(OrgId, NewAuditEntry)> {
        self.settings_admin(caller, org, AuditAction::AlertsConfigured).await
    }

    /// The organisation, if the caller administers it, and the audit entry of `action`
    /// by the caller.
    pub(crate) async fn settings_admin(
        &self,
        caller: &Caller,
        org: OrgId,
        action: AuditAction,
    ) -> Result<(OrgId, NewAuditEntry)> {
        let org = self.administer(caller, org).await?;
        let audit = NewAuditEntry::new(action).org(org).actor(caller.id()).ip(caller.ip().map(str::to_owned));
        Ok((org, audit))
    }

    /// The organisation's settings.
    ///
    /// # Errors
    /// As [`Self::administer`]; no such organisation.
    pub async fn org_settings(&self, caller: &Caller, org: OrgId) -> Result<Settings> {
        let org = self.administer(caller, org).await?;
        let lead = self.db.escalation_lead(org).await?;
        let (webhook_url, alert_email) = self.db.alert_settings(org).await?;
        let codeword = self.db.relay_codeword(org).await?;
        let org = self.db.get_org(org).await?;
        let referral_hook = if RecipientKind::of_org(org.kind).is_some() {
            Some(ReferralHook {
                url: self.db.referral_webhook(org.id).await?,
                counts: self.db.referral_delivery_counts(org.id).await?,
                dead_letters: self.db.referral_dead_letters(org.id).await?,
            })
        } else {
            None
        };
        Ok(Settings { org, lead, webhook_url, alert_email, codeword, referral_hook })
    }

    /// Set the relay message's first token, a codeword the operator's ground
    /// stations know, or (empty) go back to the default header. Audited.
    ///
    /// # Errors
    /// As [`Self::administer`]; `codeword` is not upper-case letters, digits and
    /// spaces of the allowed length.
    pub async fn set_relay_codeword(&self, caller: &Caller, org: OrgId, codeword: &str) -> Result<()> {
        let org = self.administer(caller, org).await?;
        let word = match codeword.trim() {
            "" => None,
            typed => Some(sightline_domain::report::RelayCodeword::parse(typed)?),
        };
        let audit = NewAuditEntry::new(AuditAction::RelayCodewordChanged)
            .org(org)
            .actor(caller.id())
            .ip(caller.ip().map(str::to_owned))
            .detail(if word.is_some() { "set" } else { "default" });
        self.db.set_relay_codeword(org, word.as_ref().map(|w| w.as_str()), &audit, self.now()).await?;
        self.tokens.invalidate();
        Ok(())
    }

    /// Set the escalation lead time, in minutes (audited by storage).
    ///
    /// # Errors
    /// As [`Self::administer`]; `minutes` out of range.
    pub async fn set_escalation_lead(&self, caller: &Caller, org: OrgId, minutes: &str) -> Result<()> {
        let org = self.administer(caller, org).await?;
        let lead = minutes
            .trim()
            .parse::<i64>()
            .map_err(|_| FieldError::new("minutes", "out-of-range"))
            .and_then(EscalationLead::from_minutes)?;
        self.db.set_escalation_lead(org, lead, Some(caller.id()), self.now()).await?;
        Ok(())
    }

    /// Set, replace or (empty) stop the desk's alert e-mail address. Returns whether
    /// it was stopped.
    ///
    /// # Errors
    /// As [`Self::administer`]; `alert_email` is not an address.
    pub async fn set_alert_email(&self, caller: &Caller, org: OrgId, email: &str) -> Result<bool> {
        let (org, audit) = self.alerts_admin(caller, org).await?;
        let email = match email.trim() {
            "" => None,
            typed => Some(Email::parse(typed).map_err(|e| FieldError::new("alert_email", e.code))?),
        };
        let detail = email.as_ref().map_or_else(|| "e-mail alerts stopped".to_owned(), |e| format!("e-mail {e}"));
        let change = email.as_ref().map_or(AlertChange::NoEmail, |e| AlertChange::Email(e.as_str()));
        self.db.configure_alerts(org, change, &audit.detail(detail), self.now()).await?;
        Ok(email.is_none())
    }

    /// A partner organisation's administrator (or a platform admin), and the audit
    /// entry of `action`; anyone else as [`Self::administer`], and an airline or
    /// airport (which receives no referrals) `referral_webhook_url`/`not-a-partner`.
    async fn partner_admin(&self, caller: &Caller, org: OrgId, action: AuditAction) -> Result<(OrgId, NewAuditEntry)> {
        let (org, audit) = self.settings_admin(caller, org, action).await?;
        if RecipientKind::of_org(self.db.get_org(org).await?.kind).is_none() {
            return Err(AppError::field("referral_webhook_url", "not-a-partner"));
        }
        Ok((org, audit))
    }

    /// Who may change `hook`: the organisation's administrator (or a platform admin);
    /// a referral webhook only for a partner organisation.
    async fn webhook_admin(&self, caller: &Caller, org: OrgId, hook: Webhook) -> Result<(OrgId, NewAuditEntry)> {
        match hook {
            Webhook::Alerts => self.alerts_admin(caller, org).await,
            Webhook::Referrals => self.partner_admin(caller, org, AuditAction::ReferralWebhookConfigured).await,
        }
    }

    /// Set or replace `hook` with a new signing secret, returned to be shown once. The
    /// address must be valid and public, a referral webhook's https (plain http and
    /// private addresses only where the operator allows private webhooks: labs, tests).
    ///
    /// # Errors
    /// As [`Self::administer`]; a referral webhook of an organisation that is not a
    /// partner; the address (at `hook`'s field) is invalid, not https or private; no
    /// randomness.
    pub async fn set_webhook(
        &self,
        caller: &Caller,
        org: OrgId,
        hook: Webhook,
        url: &str,
        allow_private: bool,
    ) -> Result<String> {
        let admin = self.webhook_admin(caller, org, hook).await?;
        self.save_webhook(admin, hook, url, allow_private).await
    }

    /// Stop `hook` (referral deliveries not yet sent wait until one is set again).
    ///
    /// # Errors
    /// As [`Self::set_webhook`].
    pub async fn stop_webhook(&self, caller: &Caller, org: OrgId, hook: Webhook) -> Result<()> {
        let admin = self.webhook_admin(caller, org, hook).await?;
        self.remove_webhook(admin, hook).await
    }

    /// Check `url` for `hook` (at its field: a valid address; no private one unless
    /// `allow_private`; a referral webhook https unless `allow_private`), seal a new
    /// secret and store both with the audit entry. Returns the secret to show once.
    async fn save_webhook(
        &self,
        (org, audit): (OrgId, NewAuditEntry),
        hook: Webhook,
        url: &str,
        allow_private: bool,
    ) -> Result<String> {
        let field = hook.field();
        let url = WebhookUrl::parse(url).map_err(|e| FieldError::new(field, e.code))?;
        let https = url.as_str().get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        if matches!(hook, Webhook::Referrals) && !https && !allow_private {
            return Err(FieldError::new(field, "https-required").into());
        }
        if url.is_private_host() && !allow_private {
            return Err(FieldError::new(field, "private-address").into());
        }
        let (sealed, secret) = self.new_webhook_secret(org).map_err(AppError::Internal)?;
        let audit = audit.detail(format!("{} {}", hook.label(), url.as_str()));
        let (url, sealed_secret) = (url.as_str(), sealed.as_str());
        let change = match hook {
            Webhook::Alerts => AlertChange::Webhook { url, sealed_secret },
            Webhook::Referrals => AlertChange::ReferralWebhook { url, sealed_secret },
        };
        self.db.configure_alerts(org, change, &audit, self.now()).await?;
        Ok(secret)
    }

    /// Remove `hook`, audited.
    async fn remove_webhook(&self, (org, audit): (OrgId, NewAuditEntry), hook: Webhook) -> Result<()> {
        let change = match hook {
            Webhook::Alerts => AlertChange::NoWebhook,
            Webhook::Referrals => AlertChange::NoReferralWebhook,
        };
        let audit = audit.detail(format!("{} stopped", hook.label()));
        self.db.configure_alerts(org, change, &audit, self.now()).await?;
        Ok(())
    }

    /// Send a dead-lettered referral delivery again (same delivery id, a fresh count of
    /// attempts); audited.
    ///
    /// # Errors
    /// As [`Self::set_webhook`]; not one of the organisation's dead letters
    /// ([`AppError::NotFound`]).
    pub async fn retry_referral_delivery(&self, caller: &Caller, org: OrgId, delivery: &str) -> Result<()> {
        let (org, audit) = self.partner_admin(caller, org, AuditAction::ReferralDeliveryRetried).await?;
        let id: Uuid = delivery.trim().parse().map_err(|_| AppError::NotFound)?;
        let audit = audit.target("referral_delivery", id);
        self.db.retry_referral_delivery(org, id, &audit, self.now()).await?;
        Ok(())
    }

    /// A new webhook signing secret: (sealed for storage, the secret to show once).
    /// The same format the alert sender opens (`sealed:v1:<body>.<wrapped key>`).
    fn new_webhook_secret(&self, org: OrgId) -> Result<(String, String), String> {
        let secret = new_token()?;
        Ok((self.seal_org_secret(org, secret.as_bytes())?, secret))
    }

    /// A secret of the organisation's sealed for storage under the master key, in the
    /// format the senders open (`sealed:v1:<body>.<wrapped key>`): webhook signing
    /// secrets, the LRS secret.
    pub(crate) fn seal_org_secret(&self, org: OrgId, secret: &[u8]) -> Result<String, String> {
        let sealed = self.keys.seal(org, org.as_uuid(), secret, &seal_random()?).map_err(|e| e.to_string())?;
        let b64 = data_encoding::BASE64URL_NOPAD;
        Ok(format!("sealed:v1:{}.{}", b64.encode(&sealed.body), b64.encode(&sealed.wrapped_key)))
    }
}
