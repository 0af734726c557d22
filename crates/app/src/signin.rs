//! Signing in (the password, then the second factor by TOTP or a recovery code),
//! starting a session and signing out. Every attempt is counted (storage's
//! `reserve_login_attempt`) before its secret is checked, and finished after, so
//! concurrent attempts cannot slip past the throttle.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::signin;
use sightline_domain::totp::normalise_recovery_code;
use sightline_domain::user::{Email, Role, Scopes};
use sightline_storage::{LoginFailures, NewSession, SessionRecord, UserRecord};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::security::{hash_token, new_token, open_totp_secret, verify_password};
use crate::{App, AppError, Result};

/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 14;

/// How a sign-in step went.
#[derive(Debug)]
pub enum Attempt<T> {
    /// Too many failures for the account or the address: nothing was checked.
    Throttled,
    /// The secret was wrong (audited).
    Refused,
    /// The secret was right.
    Passed(T),
    /// The password step only: the person's organisation has turned password sign-in
    /// off; they sign in with their company account (audited; the password was not
    /// checked).
    UseCompanyAccount,
}

impl App {
    /// The first step: an email address and a password. When the person's organisation
    /// has turned password sign-in off (single sign-on only), the password is not
    /// checked: [`Attempt::UseCompanyAccount`] (platform admins are exempt, so the
    /// platform can always be reached). On success the browser's
    /// previous session (`replacing`) is ended; the caller starts a new one, which
    /// still owes the second factor when the account has one enabled (otherwise the
    /// sign-in is audited here).
    ///
    /// # Errors
    /// The database or the blocking task failed.
    pub async fn sign_in_with_password(
        &self,
        email: &str,
        password: String,
        ip: Option<String>,
        replacing: Option<&[u8]>,
    ) -> Result<Attempt<UserRecord>> {
        let now = self.now();
        let email_key = email.trim().to_lowercase();
        let Some(attempt) = self.reserve_attempt(&email_key, ip.as_deref(), now).await? else {
            let entry = NewAuditEntry::new(AuditAction::SignInThrottled).detail(email_key.clone()).ip(ip);
            self.append_user_audit(entry, &email_key, now).await?;
            return Ok(Attempt::Throttled);
        };
        let user = self.known_user(email).await?;
        if let Some(u) = user.as_ref().filter(|u| u.active && !u.has_role(Role::PlatformAdmin))
            && !self.db.password_sign_in_allowed(u.org_id).await?
        {
            self.db.finish_login_attempt(attempt, false).await?;
            let entry = u.own_audit(AuditAction::SignInFailed, ip).detail("password sign-in is off: single sign-on");
            self.db.append_audit(&entry, now).await?;
            return Ok(Attempt::UseCompanyAccount);
        }
        let stored = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
            .await
            .map_err(|e| AppError::Internal(format!("task: {e}")))?;
        self.db.finish_login_attempt(attempt, ok).await?;
        let Some(user) = user.filter(|_| ok) else {
            let entry = NewAuditEntry::new(AuditAction::SignInFailed).detail(email_key).ip(ip);
            self.append_user_audit(entry, email, now).await?;
            return Ok(Attempt::Refused);
        };
        // A new session replaces whatever this browser had.
        if let Some(h) = replacing {
            self.db.delete_session(h).await?;
        }
        if !user.two_factor_enabled() {
            self.db.audit_user_event(&user, AuditAction::SignIn, ip, now).await?;
        }
        Ok(Attempt::Passed(user))
    }

    /// The second step: a TOTP code or a recovery code for the session `session_hash`
    /// of `user`. On success the session has passed its second factor (audited).
    ///
    /// # Errors
    /// The database failed.
    pub async fn sign_in_second_factor(
        &self,
        user: &UserRecord,
        session_hash: &[u8],
        code: &str,
        ip: Option<String>,
    ) -> Result<Attempt<()>> {
        let now = self.now();
        let Some(attempt) = self.reserve_attempt(&user.email, ip.as_deref(), now).await? else {
            return Ok(Attempt::Throttled);
        };
        let secret = user.totp_secret.as_deref().and_then(|s| open_totp_secret(&self.keys, user, s));
        let by_totp = match secret.and_then(|s| s.verify(code, now.unix_timestamp(), user.totp_last_step)) {
            Some(step) => self.db.use_totp_step(user.id, step).await?,
            None => false,
        };
        let ok = by_totp || {
            let code = normalise_recovery_code(code);
            code.len() == 16 && self.db.use_recovery_code(user, &hash_token(&code), now).await?
        };
        self.db.finish_login_attempt(attempt, ok).await?;
        if !ok {
            self.db.audit_user_event(user, AuditAction::TwoFactorFailed, ip, now).await?;
            return Ok(Attempt::Refused);
        }
        self.db.pass_two_factor(session_hash).await?;
        self.db.audit_user_event(user, AuditAction::SignIn, ip, now).await?;
        Ok(Attempt::Passed(()))
    }

    /// Start a browser session for `user`: the token for the cookie.
    ///
    /// # Errors
    /// No randomness was available; the database failed.
    pub async fn start_session(&self, user: &UserRecord, two_factor_passed: bool) -> Result<String> {
        self.start_session_with(user, two_factor_passed, false).await
    }

    /// Start a browser session after single sign-on; `provider_second_factor`: the
    /// identity provider vouched for a second factor, which then counts as enrolled
    /// and passed ([`crate::Caller::signed_in_with`]).
    ///
    /// # Errors
    /// No randomness was available; the database failed.
    pub async fn start_sso_session(&self, user: &UserRecord, provider_second_factor: bool) -> Result<String> {
        self.start_session_with(user, provider_second_factor, provider_second_factor).await
    }

    async fn start_session_with(&self, user: &UserRecord, passed: bool, by_provider: bool) -> Result<String> {
        let token = new_token().map_err(AppError::Internal)?;
        let csrf = new_token().map_err(AppError::Internal)?;
        let now = self.now();
        let session = NewSession {
            id_hash: hash_token(&token),
            user_id: user.id,
            org_id: user.org_id,
            csrf_token: csrf,
            two_factor_passed: passed,
            second_factor_by_provider: by_provider,
            expires_at: now + Duration::hours(SESSION_HOURS),
        };
        self.db.create_session(&session, now).await?;
        Ok(token)
    }

    /// The live session a cookie's token hash names, with its person.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_session(&self, session_hash: &[u8]) -> Result<Option<SessionRecord>> {
        Ok(self.db.session(session_hash, self.now()).await?)
    }

    /// The person and scopes a live API token (as sent, not hashed) stands for —
    /// as read in the last few seconds ([`crate::token_cache`]).
    ///
    /// # Errors
    /// The database failed.
    pub async fn api_token_user(&self, token: &str) -> Result<Option<(UserRecord, Scopes)>> {
        let hash = hash_token(token);
        if let Some(hit) = self.tokens.get(&hash) {
            return Ok(Some(hit));
        }
        let epoch = self.tokens.epoch();
        let found = self.db.user_by_api_token(&hash, self.now()).await?;
        if let Some((user, scopes)) = &found {
            self.tokens.put(hash, user, scopes, epoch);
        }
        Ok(found)
    }

    /// End the session `session_hash` of `user`, audited.
    ///
    /// # Errors
    /// The database failed.
    pub async fn sign_out(&self, user: &UserRecord, session_hash: &[u8], ip: Option<String>) -> Result<()> {
        self.db.delete_session(session_hash).await?;
        self.db.audit_user_event(user, AuditAction::SignOut, ip, self.now()).await?;
        Ok(())
    }

    /// Reserve a sign-in attempt before checking it, or `None` when the account or the
    /// address is throttled. The count and the reservation are one atomic step.
    async fn reserve_attempt(&self, account: &str, ip: Option<&str>, now: OffsetDateTime) -> Result<Option<Uuid>> {
        let since = now - Duration::minutes(signin::WINDOW_MINUTES);
        let throttled = |f: LoginFailures| signin::is_throttled(f.for_account, f.from_address);
        let ip = ip.unwrap_or("unknown");
        Ok(self.db.reserve_login_attempt(account, ip, since, now, throttled).await?)
    }

    /// The account an attempt named, if it exists.
    async fn known_user(&self, email: &str) -> Result<Option<UserRecord>> {
        match Email::parse(email) {
            Ok(e) => Ok(self.db.user_by_email(&e).await?),
            Err(_) => Ok(None),
        }
    }

    /// Append a sign-in audit entry, filed under the named account's organisation when
    /// it exists.
    async fn append_user_audit(&self, mut entry: NewAuditEntry, email: &str, now: OffsetDateTime) -> Result<()> {
        if let Some(u) = self.known_user(email).await? {
            entry = entry.org(u.org_id).target("user", u.id);
        }
        self.db.append_audit(&entry, now).await?;
        Ok(())
    }
}
