//! Sign-in (password, then the second factor), sign-out.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::signin::Attempt;

use super::{Ctx, FormErrors, render, render_invalid, see_other_with_cookie, start_session};
use crate::cookies;
use crate::error::PageError;
use crate::visitor::{Gate, NoFields, Posted, Visitor};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    /// Where to go after signing in (a same-origin path, e.g. `/report`).
    pub back: String,
}

/// `?back=` of the sign-in page.
#[derive(Deserialize, Default)]
pub struct BackQuery {
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    form: LoginForm,
    errors: FormErrors,
}

pub async fn form(v: Visitor, Query(q): Query<BackQuery>) -> Result<Response, PageError> {
    let back = sightline_domain::navigation::same_origin_path(&q.back).unwrap_or_default().to_owned();
    match v.gate() {
        Some(Gate::Open) => Ok(Redirect::to("/home").into_response()),
        Some(Gate::NeedsSecondFactor) => Ok(Redirect::to("/login/two-factor").into_response()),
        Some(Gate::NeedsEnrolment) => Ok(Redirect::to("/account/two-factor").into_response()),
        None => render(&LoginPage {
            ctx: Ctx::new(&v),
            form: LoginForm { back, ..LoginForm::default() },
            errors: FormErrors::default(),
        }),
    }
}

pub async fn submit(Posted { state, v, form: mut f }: Posted<LoginForm>) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let password = std::mem::take(&mut f.password);
    let attempt = state.sign_in_with_password(&f.email, password, v.ip.clone(), v.session_hash.as_deref()).await?;
    let user = match attempt {
        Attempt::Passed(user) => user,
        Attempt::Throttled => {
            errors.add_message("email", v.lang.t("error-throttled"));
            let page = LoginPage { ctx: Ctx::new(&v), form: f, errors };
            return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
        }
        Attempt::Refused => {
            errors.add_message("email", v.lang.t("error-sign-in-failed"));
            return render_invalid(&LoginPage { ctx: Ctx::new(&v), form: f, errors });
        }
        Attempt::UseCompanyAccount => {
            errors.add_message("email", v.lang.t("error-password-sign-in-off"));
            let page = LoginPage { ctx: Ctx::new(&v), form: f, errors };
            return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
        }
    };
    let to = if user.two_factor_enabled() {
        "/login/two-factor"
    } else if user.roles.require_two_factor() {
        "/account/two-factor"
    } else {
        // Signing in from the report form returns to it.
        sightline_domain::navigation::same_origin_path(&f.back).unwrap_or(landing(&user.roles))
    };
    start_session(&state, &user, false, to).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SecondFactorForm {
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
    Posted { state, v, form: f }: Posted<SecondFactorForm>,
) -> Result<Response, PageError> {
    let (Some(Gate::NeedsSecondFactor), Some(session), Some(hash)) = (v.gate(), &v.session, &v.session_hash) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let mut errors = FormErrors::default();
    match state.sign_in_second_factor(&session.user, hash, &f.code, v.ip.clone()).await? {
        Attempt::Passed(()) => Ok(Redirect::to(landing(&session.user.roles)).into_response()),
        Attempt::Throttled => {
            errors.add_message("code", v.lang.t("error-throttled"));
            let page = SecondFactorPage { ctx: Ctx::new(&v), errors };
            Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response())
        }
        Attempt::Refused | Attempt::UseCompanyAccount => {
            errors.add_message("code", v.lang.t("error-code-wrong"));
            render_invalid(&SecondFactorPage { ctx: Ctx::new(&v), errors })
        }
    }
}

pub async fn logout(Posted { state, v, .. }: Posted<NoFields>) -> Result<Response, PageError> {
    if let (Some(hash), Some(s)) = (&v.session_hash, &v.session) {
        state.sign_out(&s.user, hash, v.ip.clone()).await?;
    }
    let cookie = cookies::set(cookies::SESSION, "", Some(0), state.config.secure_cookies);
    see_other_with_cookie("/login", &cookie)
}

/// Where a person lands after signing in: desk analysts on the queue, everyone else
/// on their home page.
pub(super) fn landing(roles: &sightline_domain::user::Roles) -> &'static str {
    if roles.contains(sightline_domain::user::Role::DeskAnalyst) { "/desk" } else { "/home" }
}
