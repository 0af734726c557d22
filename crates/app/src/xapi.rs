//! xAPI (issue 14, item 4): an organisation's administrators point Sightline at
//! their Learning Record Store, choose how people are named there, see the backlog
//! and the last error, and send dead letters again; the learning use cases
//! ([`crate::learn`]) queue a statement with each lesson read, check submitted and
//! course completed. Statements are built by the domain
//! ([`sightline_domain::xapi::statement`]) and sent by the `xapi` job.

use sightline_domain::audit::AuditAction;
use sightline_domain::ids::OrgId;
use sightline_domain::learn::Course;
use sightline_domain::xapi::{self, ActorForm, Endpoint, Event, Naming, Person};
use sightline_domain::{FieldError, FieldErrors};
use sightline_storage::{NewStatement, XapiBacklog, XapiDeadLetter, XapiSettings};
use uuid::Uuid;

use crate::{App, AppError, Caller, Result};

/// The LRS section of the settings page.
pub struct XapiView {
    /// None until set.
    pub settings: Option<XapiSettings>,
    pub backlog: XapiBacklog,
    /// Statements given up, newest first.
    pub dead_letters: Vec<XapiDeadLetter>,
}

/// The LRS settings as typed.
#[derive(Debug, Clone, Default)]
pub struct XapiInput<'a> {
    pub enabled: bool,
    pub endpoint: &'a str,
    pub key: &'a str,
    /// Empty keeps the stored secret.
    pub secret: &'a str,
    pub actor_form: &'a str,
    /// Empty: the server's public address.
    pub home_page: &'a str,
    /// Empty: the server's public address and `/learn`.
    pub activity_base: &'a str,
}

/// The longest key or secret accepted.
const MAX_CREDENTIAL: usize = 500;

impl App {
    /// The organisation's LRS settings, backlog and dead letters.
    ///
    /// # Errors
    /// As [`Self::administer`].
    pub async fn org_xapi(&self, caller: &Caller, org: OrgId) -> Result<XapiView> {
        let org = self.administer(caller, org).await?;
        Ok(XapiView {
            settings: self.db.xapi_settings(org).await?,
            backlog: self.db.xapi_backlog(org).await?,
            dead_letters: self.db.xapi_dead_letters(org).await?,
        })
    }

    /// Set the organisation's LRS settings (every field checked, each message at its
    /// field); the secret is sealed at rest. `public_url` is the server's address
    /// (the default home page and activity base); `allow_private` lets the endpoint
    /// be plain http on this machine or a private network (tests, labs). Audited.
    ///
    /// # Errors
    /// As [`Self::administer`]; invalid fields ([`AppError::Invalid`]).
    pub async fn set_xapi(
        &self,
        caller: &Caller,
        org: OrgId,
        input: &XapiInput<'_>,
        public_url: &str,
        allow_private: bool,
    ) -> Result<()> {
        let (org, audit) = self.settings_admin(caller, org, AuditAction::XapiConfigured).await?;
        let stored = self.db.xapi_settings(org).await?;
        let mut errors = FieldErrors::new();
        let endpoint = Endpoint::parse(input.endpoint, allow_private).map_err(|e| errors.0.push(e)).ok();
        let key = input.key.trim();
        if key.is_empty() || key.len() > MAX_CREDENTIAL || key.contains(':') {
            errors.0.push(FieldError::new("lrs_key", if key.is_empty() { "required" } else { "invalid" }));
        }
        let secret = input.secret.trim();
        if secret.len() > MAX_CREDENTIAL || (secret.is_empty() && stored.is_none()) {
            errors.0.push(FieldError::new("lrs_secret", if secret.is_empty() { "required" } else { "too-long" }));
        }
        let actor_form = input.actor_form.parse::<ActorForm>().map_err(|e| errors.0.push(e)).ok();
        let or_default =
            |typed: &str, default: String| if typed.trim().is_empty() { default } else { typed.to_owned() };
        let public = public_url.trim_end_matches('/');
        let home_page = xapi::parse_iri("lrs_home_page", &or_default(input.home_page, public.to_owned()))
            .map_err(|e| errors.0.push(e))
            .ok();
        let base = xapi::parse_iri("lrs_activity_base", &or_default(input.activity_base, format!("{public}/learn")))
            .map_err(|e| errors.0.push(e))
            .ok();
        let (Some(endpoint), Some(actor_form), Some(home_page), Some(activity_base), true) =
            (endpoint, actor_form, home_page, base, errors.0.is_empty())
        else {
            return Err(AppError::Invalid(errors.0));
        };
        let sealed_secret = match (secret, stored) {
            ("", Some(s)) => s.sealed_secret,
            (typed, _) => self.seal_org_secret(org, typed.as_bytes()).map_err(AppError::Internal)?,
        };
        let settings = XapiSettings {
            enabled: input.enabled,
            endpoint: endpoint.as_str().to_owned(),
            auth_key: key.to_owned(),
            sealed_secret,
            naming: Naming { actor_form, home_page, activity_base },
        };
        let audit = audit.detail(format!(
            "{} {} actor {}",
            if input.enabled { "on" } else { "off" },
            endpoint.as_str(),
            actor_form
        ));
        self.db.set_xapi_settings(org, &settings, &audit, self.now()).await?;
        Ok(())
    }

    /// Send the organisation's dead-lettered statements again (same ids). Audited.
    /// Returns how many.
    ///
    /// # Errors
    /// As [`Self::administer`]; none to send (`lrs_dead`/`none-to-send`).
    pub async fn retry_xapi(&self, caller: &Caller, org: OrgId) -> Result<u64> {
        let (org, audit) = self.settings_admin(caller, org, AuditAction::XapiStatementsRetried).await?;
        match self.db.retry_xapi_statements(org, &audit, self.now()).await {
            Err(sightline_storage::StorageError::NotFound) => Err(AppError::field("lrs_dead", "none-to-send")),
            other => Ok(other?),
        }
    }

    /// The statements `events` by `caller` would queue now: none unless their
    /// organisation has xAPI on. Each gets its id here, kept on every retry.
    pub(crate) async fn statements(
        &self,
        caller: &Caller,
        events: &[Event<'_>],
        lang: &str,
    ) -> Result<Vec<NewStatement>> {
        let Some(s) = self.db.xapi_settings(caller.org()).await?.filter(|s| s.enabled) else { return Ok(Vec::new()) };
        let person = Person { id: caller.id().as_uuid(), email: &caller.email };
        events
            .iter()
            .map(|event| {
                let id = Uuid::now_v7();
                let st = xapi::statement(id, &s.naming, &person, event, lang, self.now());
                let body = serde_json::to_string(&st).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(NewStatement { id, verb: xapi::Verb::of(event), body })
            })
            .collect()
    }
}

/// A course's title in `lang`.
pub(crate) fn title<'c>(course: &'c Course, lang: &str) -> &'c str {
    course.title.get(lang)
}
