//! First run: the one-time setup link creates the operator's organisation and the
//! first platform administrator.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::setup::FirstAdmin;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, NewPassword, PersonName};

use super::{Ctx, FormErrors, render, render_invalid, start_session};
use crate::error::PageError;
use crate::visitor::{Posted, Visit, Visitor};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    pub token: String,
    pub org_name: String,
    pub org_kind: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub password2: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    ctx: Ctx,
    form: SetupForm,
    errors: FormErrors,
    valid: bool,
    kinds: [OrgKind; 4],
}

pub async fn form(Visit { state, v }: Visit, Query(q): Query<TokenQuery>) -> Result<Response, PageError> {
    let valid = state.setup_link_valid(&q.token).await?;
    let page = SetupPage {
        ctx: Ctx::new(&v),
        form: SetupForm { token: q.token, org_kind: "airline".into(), ..SetupForm::default() },
        errors: FormErrors::default(),
        valid,
        kinds: OrgKind::ALL,
    };
    if valid { render(&page) } else { Ok((axum::http::StatusCode::GONE, render(&page)?).into_response()) }
}

pub async fn submit(Posted { state, v, form: f }: Posted<SetupForm>) -> Result<Response, PageError> {
    let lang = v.lang;
    let mut errors = FormErrors::default();
    let org_name = errors.take(lang, OrgName::parse(&f.org_name).map_err(|e| field("org_name", e)));
    let kind = errors.take(lang, f.org_kind.parse::<OrgKind>().map_err(|e| field("org_kind", e)));
    let name = errors.take(lang, PersonName::parse(&f.name));
    let email = errors.take(lang, Email::parse(&f.email));
    let password = errors.take(lang, NewPassword::parse(&f.password, email.as_ref()));
    if password.is_some() && f.password != f.password2 {
        errors.add_message("password2", lang.t("error-passwords-differ"));
    }
    let valid = state.setup_link_valid(&f.token).await?;
    if !valid {
        errors.add_message("token", lang.t("error-link-expired"));
    }
    let (Some(org_name), Some(kind), Some(name), Some(email), Some(password), true) =
        (org_name, kind, name, email, password, errors.is_empty())
    else {
        return invalid(&v, f, errors, valid);
    };
    let admin = FirstAdmin { org_name: &org_name, org_kind: kind, name, email, password: &password };
    match state.complete_setup(&f.token, admin, v.ip.clone()).await {
        Ok(user) => {
            // Administrators must enrol a second factor before anything else.
            start_session(&state, &user, false, "/account/two-factor").await
        }
        Err(AppError::Conflict { field: f_name }) => {
            let mut errors = FormErrors::default();
            let key = if f_name == "email" { "error-email-taken" } else { "error-org-name-taken" };
            errors.add_message(if f_name == "email" { "email" } else { "org_name" }, lang.t(key));
            invalid(&v, f, errors, true)
        }
        Err(AppError::LinkUsedOrExpired) => {
            let mut errors = FormErrors::default();
            errors.add_message("token", lang.t("error-link-expired"));
            invalid(&v, f, errors, false)
        }
        Err(e) => Err(e.into()),
    }
}

fn field(name: &'static str, e: sightline_domain::FieldError) -> sightline_domain::FieldError {
    sightline_domain::FieldError::new(name, e.code)
}

fn invalid(v: &Visitor, mut form: SetupForm, errors: FormErrors, valid: bool) -> Result<Response, PageError> {
    form.password.clear();
    form.password2.clear();
    render_invalid(&SetupPage { ctx: Ctx::new(v), form, errors, valid, kinds: OrgKind::ALL })
}
