//! The public landing page, the signed-in home page and the language switch.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::user::Role;

use super::{Ctx, render, see_other_with_cookie};
use crate::cookies;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::{Posted, Visit, Visitor};

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    ctx: Ctx,
}

pub async fn landing(v: Visitor) -> Result<Response, PageError> {
    if v.user().is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    render(&Landing { ctx: Ctx::new(&v) })
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    ctx: Ctx,
    name: String,
    org_name: String,
    org_kind: String,
    roles: Vec<Role>,
    two_factor: bool,
    recovery_left: i64,
    org_id: String,
    org_admin: bool,
    platform_admin: bool,
    reporter: bool,
}

pub async fn home(Visit { state, v }: Visit) -> Result<Response, PageError> {
    let user = v.caller()?;
    let sightline_app::home::HomeSummary { org, recovery_left } = state.home_summary(&user).await?;
    let ctx = Ctx::new(&v);
    let org_kind = ctx.t(&format!("org-kind-{}", org.kind.as_str()));
    render(&Home {
        name: user.name.clone(),
        org_name: org.name,
        org_kind,
        roles: user.roles.iter().collect(),
        two_factor: user.two_factor_enabled(),
        recovery_left,
        org_id: user.org_id.to_string(),
        org_admin: user.has_role(Role::OrgAdmin) || user.has_role(Role::PlatformAdmin),
        platform_admin: user.has_role(Role::PlatformAdmin),
        reporter: user.has_role(Role::Reporter),
        ctx,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
    back: String,
}

/// Switch language: remembered in a cookie, and on the account when signed in.
pub async fn set_lang(Posted { state, v, form: f }: Posted<LangForm>) -> Result<Response, PageError> {
    let lang = Lang::from_code(&f.lang).unwrap_or_default();
    if let Some(s) = &v.session {
        state.remember_locale(&s.user, lang.code()).await?;
    }
    // Only paths on this site, however a browser reads them: never an open redirect.
    let back = sightline_domain::navigation::same_origin_path(&f.back).unwrap_or("/");
    let cookie = cookies::set(cookies::LANG, lang.code(), Some(365 * 24 * 3600), state.config.secure_cookies);
    see_other_with_cookie(back, &cookie)
}
