//! Sign-in (password, then the second factor), sign-out.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::signin;
use sightline_domain::totp::normalise_recovery_code;
use sightline_domain::user::Email;
use time::Duration;

use super::{Ctx, FormErrors, render, render_invalid, see_other_with_cookie, start_session};
use crate::error::PageError;
use crate::security::{hash_token, verify_password};
use crate::visitor::{Gate, Visitor};
use crate::{AppState, cookies};

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    form: LoginForm,
    errors: FormErrors,
}

pub async fn form(v: Visitor) -> Result<Response, PageError> {
    match v.gate() {
        Some(Gate::Open) => Ok(Redirect::to("/home").into_response()),
        Some(Gate::NeedsSecondFactor) => Ok(Redirect::to("/login/two-factor").into_response()),
        Some(Gate::NeedsEnrolment) => Ok(Redirect::to("/account/two-factor").into_response()),
        None => render(&LoginPage { ctx: Ctx::new(&v), form: LoginForm::default(), errors: FormErrors::default() }),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    v: Visitor,
    Form(mut f): Form<LoginForm>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let now = state.now();
    let ip = v.ip.clone().unwrap_or_else(|| "unknown".into());
    let email_key = f.email.trim().to_lowercase();
    let mut errors = FormErrors::default();
    let Some(attempt) = reserve_attempt(&state, &email_key, &ip, now).await? else {
        let mut entry = NewAuditEntry::new(AuditAction::SignInThrottled).detail(email_key.clone()).ip(v.ip.clone());
        if let Some(u) = known_user(&state, &email_key).await? {
            entry = entry.org(u.org_id).target("user", u.id);
        }
        state.db.append_audit(&entry, now).await?;
        errors.add_message("email", v.lang.t("error-throttled"));
        f.password.clear();
        let page = LoginPage { ctx: Ctx::new(&v), form: f, errors };
        return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
    };

    let user = match Email::parse(&f.email) {
        Ok(email) => state.db.user_by_email(&email).await?,
        Err(_) => None,
    };
    let password = std::mem::take(&mut f.password);
    let stored = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref())).await?;
    state.db.finish_login_attempt(attempt, ok).await?;
    let Some(user) = user.filter(|_| ok) else {
        let mut entry = NewAuditEntry::new(AuditAction::SignInFailed).detail(email_key).ip(v.ip.clone());
        if let Some(u) = known_user(&state, &f.email).await? {
            entry = entry.org(u.org_id).target("user", u.id);
        }
        state.db.append_audit(&entry, now).await?;
        errors.add_message("email", v.lang.t("error-sign-in-failed"));
        return render_invalid(&LoginPage { ctx: Ctx::new(&v), form: f, errors });
    };
    // A new session replaces whatever this browser had.
    if let Some(h) = &v.session_hash {
        state.db.delete_session(h).await?;
    }
    if user.two_factor_enabled() {
        start_session(&state, &user, false, "/login/two-factor").await
    } else {
        state.db.audit_user_event(&user, AuditAction::SignIn, v.ip.clone(), now).await?;
        let to = if user.roles.require_two_factor() { "/account/two-factor" } else { "/home" };
        start_session(&state, &user, false, to).await
    }
}

/// Reserve a sign-in attempt (password, two-factor code or recovery code) before
/// checking it, or `None` when the account or the address is throttled. The count
/// and the reservation are one atomic step, so concurrent attempts cannot slip past
/// the limit.
async fn reserve_attempt(
    state: &AppState,
    account: &str,
    ip: &str,
    now: time::OffsetDateTime,
) -> Result<Option<uuid::Uuid>, PageError> {
    let since = now - Duration::minutes(signin::WINDOW_MINUTES);
    let throttled = |f: sightline_storage::LoginFailures| signin::is_throttled(f.for_account, f.from_address);
    Ok(state.db.reserve_login_attempt(account, ip, since, now, throttled).await?)
}

/// The account an attempt named, if it exists (to file the audit entry under its
/// organisation).
async fn known_user(state: &AppState, email: &str) -> Result<Option<sightline_storage::UserRecord>, PageError> {
    match Email::parse(email) {
        Ok(e) => Ok(state.db.user_by_email(&e).await?),
        Err(_) => Ok(None),
    }
}

#[derive(Deserialize, Default)]
pub struct SecondFactorForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub code: String,
}

#[derive(Template)]
#[template(path = "login_two_factor.html")]
struct SecondFactorPage {
    ctx: Ctx,
    errors: FormErrors,
}

pub async fn second_factor_form(v: Visitor) -> Result<Response, PageError> {
    match v.gate() {
        Some(Gate::NeedsSecondFactor) => render(&SecondFactorPage { ctx: Ctx::new(&v), errors: FormErrors::default() }),
        _ => Ok(Redirect::to("/login").into_response()),
    }
}

pub async fn second_factor_submit(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<SecondFactorForm>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let (Some(Gate::NeedsSecondFactor), Some(session), Some(hash)) = (v.gate(), &v.session, &v.session_hash) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = &session.user;
    let now = state.now();
    let ip = v.ip.clone().unwrap_or_else(|| "unknown".into());
    let mut errors = FormErrors::default();
    let Some(attempt) = reserve_attempt(&state, &user.email, &ip, now).await? else {
        errors.add_message("code", v.lang.t("error-throttled"));
        let page = SecondFactorPage { ctx: Ctx::new(&v), errors };
        return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
    };
    let secret = user.totp_secret.as_deref().and_then(|s| crate::security::open_totp_secret(&state.keys, user, s));
    let by_totp = match secret.and_then(|s| s.verify(&f.code, now.unix_timestamp(), user.totp_last_step)) {
        Some(step) => state.db.use_totp_step(user.id, step).await?,
        None => false,
    };
    let ok = by_totp || {
        let code = normalise_recovery_code(&f.code);
        code.len() == 16 && state.db.use_recovery_code(user, &hash_token(&code), now).await?
    };
    state.db.finish_login_attempt(attempt, ok).await?;
    if !ok {
        state.db.audit_user_event(user, AuditAction::TwoFactorFailed, v.ip.clone(), now).await?;
        errors.add_message("code", v.lang.t("error-code-wrong"));
        return render_invalid(&SecondFactorPage { ctx: Ctx::new(&v), errors });
    }
    state.db.pass_two_factor(hash).await?;
    state.db.audit_user_event(user, AuditAction::SignIn, v.ip.clone(), now).await?;
    Ok(Redirect::to("/home").into_response())
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<LogoutForm>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    if let (Some(hash), Some(s)) = (&v.session_hash, &v.session) {
        state.db.delete_session(hash).await?;
        state.db.audit_user_event(&s.user, AuditAction::SignOut, v.ip.clone(), state.now()).await?;
    }
    let cookie = cookies::set(cookies::SESSION, "", Some(0), state.config.secure_cookies);
    see_other_with_cookie("/login", &cookie)
}
