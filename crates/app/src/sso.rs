//! Single sign-on with OpenID Connect (issue 14, item 5): an organisation's
//! administrator sets its identity provider; a person starts at "Sign in with your
//! company account" (their organisation, e-mail domain or address picks the provider),
//! is sent there with the authorisation code flow (PKCE S256, `state`, `nonce`), and
//! comes back with a code this server exchanges for an ID token, whose signature
//! (the provider's JWKS) and claims (`iss`, `aud`, `exp`, `iat`, `nonce`) are checked
//! by `sightline_domain::oidc`. The person is matched by a trusted e-mail address in
//! that organisation, or created just in time with the roles the claim mapping gives
//! (none: refused, no account made). Every refusal is audited (`auth.sso_refused`).
//!
//! Every request to the provider (discovery, keys, token) goes through the jobs
//! crate's outbound client: no redirects, no proxy, only checked addresses; plain
//! http only to loopback and only where the operator allows private addresses.

use serde_json::Value;
use sightline_domain::FieldError;
use sightline_domain::FieldErrors;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::oidc::{self, Expected, IssuerUrl, JwkSet, Jws, RoleMapping};
use sightline_domain::org::OrgName;
use sightline_domain::user::{Email, PersonName};
use sightline_jobs::outbound::http;
use sightline_storage::{NewUser, SsoConfig, SsoLogin, SsoLoginSpend, StorageError, UserRecord};
use time::Duration;

use crate::security::{hash_token, new_token, open_text, seal_text};
use crate::{App, AppError, Caller, Result};

/// What an administrator sees of the organisation's provider (never the secret).
#[derive(Debug, Clone, Default)]
pub struct SsoView {
    pub issuer: String,
    pub client_id: String,
    pub has_secret: bool,
    pub email_domain: String,
    pub role_mapping: String,
    pub mfa_acr: String,
    pub password_sign_in: bool,
}

impl SsoView {
    /// What was typed, to show again with the errors (the secret left out).
    #[must_use]
    pub fn from_input(i: SsoInput) -> Self {
        Self {
            issuer: i.issuer,
            client_id: i.client_id,
            has_secret: false,
            email_domain: i.email_domain,
            role_mapping: i.role_mapping,
            mfa_acr: i.mfa_acr,
            password_sign_in: i.password_sign_in,
        }
    }
}

/// What an administrator typed.
#[derive(Debug, Clone, Default)]
pub struct SsoInput {
    pub issuer: String,
    pub client_id: String,
    /// Empty keeps the stored secret.
    pub client_secret: String,
    pub email_domain: String,
    pub role_mapping: String,
    pub mfa_acr: String,
    pub password_sign_in: bool,
}

/// Where to send the browser, and the `state` to remember in it (a cookie), so an
/// answer for a sign-in started in another browser is refused.
#[derive(Debug, Clone)]
pub struct SsoStart {
    pub redirect_to: String,
    pub state: String,
}

/// The provider's answer, as it came back on the redirect URI.
#[derive(Debug, Clone, Default)]
pub struct SsoCallback {
    pub state: String,
    pub code: String,
    /// `error` (e.g. `access_denied`), when the provider refused.
    pub error: String,
    /// The `state` this browser was given at the start (its cookie).
    pub browser_state: Option<String>,
    /// The browser's previous session, ended when the sign-in succeeds.
    pub replacing: Option<Vec<u8>>,
}

/// How a sign-in through the provider ended.
#[derive(Debug)]
pub enum SsoOutcome {
    /// Matched or created; whether the provider vouched for a second factor.
    SignedIn { user: Box<UserRecord>, two_factor_passed: bool },
    /// Refused (audited); the code names the reason (`sso-refused-<code>` message).
    Refused(&'static str),
}

/// The provider's metadata this flow needs.
struct Provider {
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// A refusal: its code for the page and a detail for the audit trail.
struct Refusal(&'static str, String);

impl Refusal {
    fn new(code: &'static str) -> Self {
        Self(code, String::new())
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Self("provider-unreachable", e.to_string())
    }
}

impl App {
    /// The organisation's single sign-on settings (its administrators).
    ///
    /// # Errors
    /// As [`Self::administer`].
    pub async fn sso_settings(&self, caller: &Caller, org: OrgId) -> Result<Option<SsoView>> {
        let org = self.administer(caller, org).await?;
        Ok(self.db.sso_config(org).await?.map(|c| SsoView {
            issuer: c.issuer.to_string(),
            client_id: c.client_id,
            has_secret: true,
            email_domain: c.email_domain.unwrap_or_default(),
            role_mapping: c.role_mapping.to_text(),
            mfa_acr: c.mfa_acr.unwrap_or_default(),
            password_sign_in: c.password_sign_in,
        }))
    }

    /// Set or replace the organisation's identity provider (the client secret sealed;
    /// an empty secret keeps the stored one). Audited. Plain http issuers only to
    /// loopback and only when `allow_loopback_http` (tests, development).
    ///
    /// # Errors
    /// As [`Self::administer`]; every field at fault (`issuer`, `client_id`,
    /// `client_secret`, `email_domain`, `role_mapping`, `mfa_acr`); the e-mail domain
    /// is another organisation's (`email_domain`/`taken`).
    pub async fn set_sso(
        &self,
        caller: &Caller,
        org: OrgId,
        input: &SsoInput,
        allow_loopback_http: bool,
    ) -> Result<()> {
        let org = self.administer(caller, org).await?;
        let stored = self.db.sso_config(org).await?;
        let mut errors = FieldErrors::default();
        let issuer = errors.check(IssuerUrl::parse(&input.issuer, allow_loopback_http));
        let client_id = input.client_id.trim();
        if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_control) {
            errors.0.push(FieldError::new("client_id", "required"));
        }
        let secret = input.client_secret.trim();
        if secret.len() > 500 || (secret.is_empty() && stored.is_none()) {
            errors.0.push(FieldError::new("client_secret", "required"));
        }
        let domain = errors.check(oidc::parse_email_domain(&input.email_domain));
        let mapping = errors.check(RoleMapping::parse(&input.role_mapping));
        let acr = input.mfa_acr.trim();
        if acr.len() > 200 || acr.chars().any(char::is_control) {
            errors.0.push(FieldError::new("mfa_acr", "too-long"));
        }
        let (Some(issuer), Some(domain), Some(role_mapping), true) = (issuer, domain, mapping, errors.0.is_empty())
        else {
            return Err(AppError::Invalid(errors.0));
        };
        let sealed_secret = match (secret, stored) {
            ("", Some(s)) => s.sealed_secret,
            (typed, _) => seal_text(&self.keys, org, org.as_uuid(), typed.as_bytes()).map_err(AppError::Internal)?,
        };
        let config = SsoConfig {
            org_id: org,
            issuer,
            client_id: client_id.to_owned(),
            sealed_secret,
            email_domain: domain,
            role_mapping,
            mfa_acr: Some(acr.to_owned()).filter(|a| !a.is_empty()),
            password_sign_in: input.password_sign_in,
            updated_at: self.now(),
        };
        let audit = NewAuditEntry::new(AuditAction::SsoConfigured)
            .org(org)
            .actor(caller.id())
            .ip(caller.ip().map(str::to_owned))
            .detail(format!(
                "issuer {}; password sign-in {}",
                config.issuer,
                if config.password_sign_in { "on" } else { "off" }
            ));
        self.db.put_sso_config(&config, &audit, self.now()).await.map_err(|e| match e {
            StorageError::Conflict { .. } => AppError::field("email_domain", "taken"),
            other => other.into(),
        })
    }

    /// Remove the organisation's identity provider (password sign-in works again). Audited.
    ///
    /// # Errors
    /// As [`Self::administer`].
    pub async fn remove_sso(&self, caller: &Caller, org: OrgId) -> Result<()> {
        let org = self.administer(caller, org).await?;
        let audit = NewAuditEntry::new(AuditAction::SsoConfigured)
            .org(org)
            .actor(caller.id())
            .ip(caller.ip().map(str::to_owned))
            .detail("single sign-on removed");
        Ok(self.db.remove_sso_config(org, &audit, self.now()).await?)
    }

    /// Whether the organisation's people may sign in with a password.
    ///
    /// # Errors
    /// The database failed.
    pub async fn password_sign_in_allowed(&self, org: OrgId) -> Result<bool> {
        Ok(self.db.password_sign_in_allowed(org).await?)
    }

    /// Start a sign-in at the provider of the organisation `who` names (its name, its
    /// e-mail domain, or a person's address in it): a fresh `state`, `nonce` and PKCE
    /// verifier are kept here for `oidc::LOGIN_MINUTES`; the browser goes to
    /// the provider's authorisation endpoint.
    ///
    /// # Errors
    /// `org`/`sso-unknown-org` (no such organisation, or it has no single sign-on),
    /// `org`/`sso-provider-unreachable` (its discovery document could not be read).
    pub async fn start_sso(&self, who: &str, redirect_uri: &str, allow_private: bool) -> Result<SsoStart> {
        let config = self.config_for(who).await?.ok_or_else(|| AppError::field("org", "sso-unknown-org"))?;
        let provider = discover(&config.issuer, allow_private)
            .await
            .map_err(|_| AppError::field("org", "sso-provider-unreachable"))?;
        let (state, nonce, verifier) = (token()?, token()?, token()?);
        let login = SsoLogin { org_id: config.org_id, nonce: nonce.clone(), pkce_verifier: verifier.clone() };
        let now = self.now();
        self.db.start_sso_login(&hash_token(&state), &login, now + Duration::minutes(oidc::LOGIN_MINUTES), now).await?;
        let query = [
            ("response_type", "code"),
            ("client_id", config.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", "openid email profile"),
            ("state", state.as_str()),
            ("nonce", nonce.as_str()),
            ("code_challenge", &oidc::pkce_challenge(&verifier)),
            ("code_challenge_method", "S256"),
        ];
        let sep = if provider.authorization_endpoint.contains('?') { '&' } else { '?' };
        let encoded = serde_urlencoded::to_string(query).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(SsoStart { redirect_to: format!("{}{sep}{encoded}", provider.authorization_endpoint), state })
    }

    /// Finish a sign-in: spend the `state` (once), exchange the code (with the PKCE
    /// verifier), check the ID token, then match or create the person. A refusal is
    /// audited and returned as [`SsoOutcome::Refused`], never as an error.
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish_sso(
        &self,
        cb: &SsoCallback,
        redirect_uri: &str,
        ip: Option<String>,
        allow_private: bool,
    ) -> Result<SsoOutcome> {
        let now = self.now();
        let (org, outcome) = match self.db.spend_sso_login(&hash_token(&cb.state), now).await? {
            SsoLoginSpend::Unknown => (None, Err(Refusal::new("state-unknown"))),
            SsoLoginSpend::Used(org) => (Some(org), Err(Refusal::new("state-replayed"))),
            SsoLoginSpend::Expired(org) => (Some(org), Err(Refusal::new("state-expired"))),
            SsoLoginSpend::Fresh(login) => {
                let org = login.org_id;
                let same_browser = cb
                    .browser_state
                    .as_deref()
                    .is_some_and(|s| crate::security::constant_time_eq(s.as_bytes(), cb.state.as_bytes()));
                let outcome = if same_browser {
                    self.finish_fresh(&login, cb, redirect_uri, allow_private).await
                } else {
                    Err(Refusal("state-unknown", "state from another browser".into()))
                };
                (Some(org), outcome)
            }
        };
        match outcome {
            Ok((user, two_factor_passed, detail)) => {
                if let Some(h) = &cb.replacing {
                    self.db.delete_session(h).await?;
                }
                let entry = NewAuditEntry::new(AuditAction::SsoSignIn)
                    .org(user.org_id)
                    .actor(user.id)
                    .target("user", user.id)
                    .ip(ip)
                    .detail(detail);
                self.db.append_audit(&entry, now).await?;
                Ok(SsoOutcome::SignedIn { user: Box::new(user), two_factor_passed })
            }
            Err(Refusal(code, extra)) => {
                let mut entry = NewAuditEntry::new(AuditAction::SsoRefused).ip(ip).detail(if extra.is_empty() {
                    code.to_owned()
                } else {
                    format!("{code}: {}", extra.chars().take(200).collect::<String>())
                });
                if let Some(o) = org {
                    entry = entry.org(o);
                }
                self.db.append_audit(&entry, now).await?;
                Ok(SsoOutcome::Refused(code))
            }
        }
    }

    /// The checks after the `state` was spent: the person, whether the provider
    /// vouched for a second factor, and the audit detail.
    async fn finish_fresh(
        &self,
        login: &SsoLogin,
        cb: &SsoCallback,
        redirect_uri: &str,
        allow_private: bool,
    ) -> Result<(UserRecord, bool, String), Refusal> {
        if !cb.error.is_empty() {
            let shown: String = cb.error.chars().filter(char::is_ascii_graphic).take(60).collect();
            return Err(Refusal("idp-error", shown));
        }
        if cb.code.is_empty() {
            return Err(Refusal::new("idp-error"));
        }
        let org = login.org_id;
        let config = self.db.sso_config(org).await.map_err(AppError::from)?.ok_or(Refusal::new("state-unknown"))?;
        let provider = discover(&config.issuer, allow_private).await?;
        let secret = open_text(&self.keys, org, org.as_uuid(), &config.sealed_secret)
            .and_then(|s| String::from_utf8(s).ok())
            .ok_or_else(|| Refusal("provider-unreachable", "client secret does not open".into()))?;
        let auth = oidc::basic_authorization(&config.client_id, &secret);
        let form = [
            ("grant_type", "authorization_code"),
            ("code", cb.code.as_str()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", login.pkce_verifier.as_str()),
        ];
        let (token_url, form): (String, Vec<(String, String)>) =
            (provider.token_endpoint.clone(), form.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect());
        let answer = blocking(move || {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            http::post_form_json(&token_url, &auth, &form, allow_private)
        })
        .await
        .map_err(|e| Refusal("provider-unreachable", e))?;
        let id_token = match answer {
            (200..=299, v) => v.get("id_token").and_then(Value::as_str).map(str::to_owned),
            (status, v) => {
                let err = v.get("error").and_then(Value::as_str).unwrap_or("?");
                return Err(Refusal("idp-error", format!("token endpoint HTTP {status}: {err}")));
            }
        }
        .ok_or_else(|| Refusal("token-malformed", "no id_token".into()))?;
        let jwks_uri = provider.jwks_uri.clone();
        let keys: JwkSet = serde_json::from_value(
            blocking(move || http::get_json(&jwks_uri, allow_private))
                .await
                .map_err(|e| Refusal("provider-unreachable", e))?,
        )
        .map_err(|e| Refusal("provider-unreachable", format!("keys: {e}")))?;
        let token_err = |e: oidc::TokenError| Refusal(e.code(), String::new());
        let jws = Jws::decode(&id_token).map_err(token_err)?;
        jws.verify(&keys).map_err(token_err)?;
        let want = Expected {
            issuer: config.issuer.as_str(),
            client_id: &config.client_id,
            nonce: &login.nonce,
            now: self.now(),
        };
        let claims = oidc::check_claims(&jws.claims, &want).map_err(token_err)?;
        let two_factor = oidc::two_factor_satisfied(&claims.amr, claims.acr.as_deref(), config.mfa_acr.as_deref());
        let email = oidc::trusted_email(&claims, config.email_domain.as_deref())
            .and_then(|e| Email::parse(e).ok())
            .ok_or_else(|| Refusal::new("email"))?;
        let detail =
            format!("{} sub {}; second factor {}", config.issuer, claims.sub, if two_factor { "yes" } else { "no" });
        let user = match self.db.user_by_email(&email).await.map_err(AppError::from)? {
            Some(u) if u.org_id != org => return Err(Refusal("other-org", email.to_string())),
            Some(u) if !u.active => return Err(Refusal("inactive", email.to_string())),
            Some(u) => u,
            None => {
                let roles = config.role_mapping.roles(&jws.claims);
                if roles.is_empty() {
                    return Err(Refusal("no-role", email.to_string()));
                }
                let fallback = email.as_str().split('@').next().unwrap_or("").to_owned();
                let name = claims
                    .name
                    .as_deref()
                    .and_then(|n| PersonName::parse(n).ok())
                    .or_else(|| PersonName::parse(&fallback).ok())
                    .ok_or_else(|| Refusal::new("email"))?;
                let new =
                    NewUser { name, email, roles, base: None, employee_id: None, password_hash: None, position: None };
                let audit = NewAuditEntry::new(AuditAction::UserCreated);
                let id = self.db.create_user(org, &new, audit, self.now()).await.map_err(AppError::from)?;
                self.db.get_user(org, id).await.map_err(AppError::from)?
            }
        };
        Ok((user, two_factor, detail))
    }

    /// The single sign-on of the organisation `who` names: an address or `@domain`
    /// (by e-mail domain), a domain, or the organisation's name.
    async fn config_for(&self, who: &str) -> Result<Option<SsoConfig>> {
        let who = who.trim();
        let domain = who.rsplit_once('@').map_or(who, |(_, d)| d).to_lowercase();
        if let Ok(Some(d)) = oidc::parse_email_domain(&domain)
            && let Some(c) = self.db.sso_config_by_domain(&d).await?
        {
            return Ok(Some(c));
        }
        let Ok(name) = OrgName::parse(who) else { return Ok(None) };
        match self.db.org_by_name(&name).await {
            Ok(org) => Ok(self.db.sso_config(org.id).await?),
            Err(StorageError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// A random token (state, nonce, verifier: 43 base64url characters).
fn token() -> Result<String> {
    new_token().map_err(AppError::Internal)
}

/// Run a blocking outbound request off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| e.to_string()).and_then(|r| r)
}

/// Read the provider's discovery document: its `issuer` must be the configured one,
/// and every endpoint https (http only to loopback, when allowed).
/// An unreadable document is `provider-unreachable`; one naming another issuer, `issuer`.
async fn discover(issuer: &IssuerUrl, allow_private: bool) -> Result<Provider, Refusal> {
    let url = issuer.discovery_url();
    let doc =
        blocking(move || http::get_json(&url, allow_private)).await.map_err(|e| Refusal("provider-unreachable", e))?;
    let field = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
    let named = field("issuer");
    if named.as_deref() != Some(issuer.as_str()) {
        return Err(Refusal("issuer", format!("discovery names {}", named.unwrap_or_default())));
    }
    let endpoint = |k: &str| {
        field(k)
            .filter(|u| oidc::endpoint_allowed(u, allow_private))
            .ok_or_else(|| Refusal("provider-unreachable", format!("no usable {k}")))
    };
    Ok(Provider {
        authorization_endpoint: endpoint("authorization_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        jwks_uri: endpoint("jwks_uri")?,
    })
}
