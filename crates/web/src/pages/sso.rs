//! "Sign in with your company account": single sign-on with OpenID Connect. The
//! person names their organisation (or e-mail domain, or address); the browser goes to
//! the organisation's identity provider and comes back to `/login/sso/callback`,
//! where the app checks the answer and signs them in, or shows why not.

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::sso::{SsoCallback, SsoOutcome};

use super::links::MessagePage;
use super::login::landing;
use super::{Ctx, FormErrors, render, render_invalid, see_other_with_cookie};
use crate::cookies;
use crate::error::PageError;
use crate::visitor::{Gate, Posted, Visit, Visitor};
use crate::{AppState, cookies::set as set_cookie};

/// The cookie that ties a sign-in's `state` to the browser that started it.
const STATE_COOKIE: &str = "sl_sso_state";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    /// The organisation's name, its e-mail domain, or the person's address.
    pub org: String,
}

#[derive(Template)]
#[template(path = "login_sso.html")]
struct StartPage {
    ctx: Ctx,
    form: StartForm,
    errors: FormErrors,
}

/// The callback's query: `code` and `state`, or `error` (and its description).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    state: String,
    code: String,
    error: String,
}

/// Where the provider sends the browser back.
fn redirect_uri(state: &AppState) -> String {
    format!("{}/login/sso/callback", state.config.public_url)
}

pub async fn form(v: Visitor) -> Result<Response, PageError> {
    if v.gate().is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    render(&StartPage { ctx: Ctx::new(&v), form: StartForm::default(), errors: FormErrors::default() })
}

pub async fn start(Posted { state, v, form: f }: Posted<StartForm>) -> Result<Response, PageError> {
    let allow = state.config.allow_private_webhooks;
    match state.start_sso(&f.org, &redirect_uri(&state), allow).await {
        Ok(start) => {
            let cookie = set_cookie(STATE_COOKIE, &start.state, Some(600), state.config.secure_cookies);
            see_other_with_cookie(&start.redirect_to, &cookie)
        }
        Err(AppError::Invalid(list)) => {
            let mut errors = FormErrors::default();
            list.iter().for_each(|e| errors.add(v.lang, e));
            render_invalid(&StartPage { ctx: Ctx::new(&v), form: f, errors })
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn callback(
    Visit { state, v }: Visit,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let cb = SsoCallback {
        state: q.state,
        code: q.code,
        error: q.error,
        browser_state: cookies::get(&headers, STATE_COOKIE),
        replacing: v.session_hash.clone(),
    };
    let allow = state.config.allow_private_webhooks;
    let outcome = state.finish_sso(&cb, &redirect_uri(&state), v.ip.clone(), allow).await?;
    let (user, passed) = match outcome {
        SsoOutcome::SignedIn { user, two_factor_passed } => (user, two_factor_passed),
        SsoOutcome::Refused(code) => {
            let page = MessagePage {
                title: v.lang.t("sso-refused-heading"),
                text: v.lang.t(&format!("sso-refused-{code}")),
                link: "/login/sso".into(),
                link_text: v.lang.t("sso-try-again"),
                ctx: Ctx::new(&v),
            };
            return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
        }
    };
    let to = match user.roles.two_factor_gate(user.two_factor_enabled() || passed, passed) {
        Gate::NeedsSecondFactor => "/login/two-factor",
        Gate::NeedsEnrolment => "/account/two-factor",
        Gate::Open => landing(&user.roles),
    };
    let token = state.app.start_sso_session(&user, passed).await?;
    let session = set_cookie(cookies::SESSION, &token, Some(super::SESSION_HOURS * 3600), state.config.secure_cookies);
    let mut res = see_other_with_cookie(to, &session)?;
    let gone = set_cookie(STATE_COOKIE, "", Some(0), state.config.secure_cookies);
    let value = axum::http::HeaderValue::from_str(&gone).map_err(|e| PageError::Internal(e.to_string()))?;
    res.headers_mut().append(axum::http::header::SET_COOKIE, value);
    Ok(res)
}
