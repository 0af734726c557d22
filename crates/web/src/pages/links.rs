//! One-time links: accepting an invitation, setting a password from a reset link.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_domain::user::{Email, NewPassword, PersonName, Role};

use super::{Ctx, FormErrors, render, render_invalid, start_session};
use crate::error::PageError;
use crate::visitor::{Posted, Visit, Visitor};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    pub name: String,
    pub email: String,
    pub password: String,
    pub password2: String,
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    ctx: Ctx,
    token: String,
    org_name: String,
    roles: Vec<Role>,
    form: PasswordForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub ctx: Ctx,
    pub title: String,
    pub text: String,
    pub link: String,
    pub link_text: String,
}

fn expired(v: &Visitor) -> Result<Response, PageError> {
    let ctx = Ctx::new(v);
    let page = MessagePage {
        title: ctx.t("link-expired-title"),
        text: ctx.t("error-link-expired"),
        link: "/".into(),
        link_text: "Sightline".into(),
        ctx,
    };
    Ok((StatusCode::GONE, render(&page)?).into_response())
}

/// Check the new password and its repetition.
fn check_passwords(
    lang: crate::Lang,
    f: &PasswordForm,
    email: Option<&Email>,
    errors: &mut FormErrors,
) -> Option<NewPassword> {
    let p = errors.take(lang, NewPassword::parse(&f.password, email));
    if p.is_some() && f.password != f.password2 {
        errors.add_message("password2", lang.t("error-passwords-differ"));
        return None;
    }
    p
}

pub async fn invite_form(Visit { state, v }: Visit, Path(token): Path<String>) -> Result<Response, PageError> {
    let Some(inv) = state.open_invitation(&token).await? else {
        return expired(&v);
    };
    render(&InvitePage {
        ctx: Ctx::new(&v),
        token,
        org_name: inv.org_name,
        roles: inv.roles.iter().collect(),
        form: PasswordForm { name: inv.name, email: inv.email, ..PasswordForm::default() },
        errors: FormErrors::default(),
    })
}

pub async fn invite_submit(
    Path(token): Path<String>,
    Posted { state, v, form: mut f }: Posted<PasswordForm>,
) -> Result<Response, PageError> {
    let Some(inv) = state.open_invitation(&token).await? else {
        return expired(&v);
    };
    let mut errors = FormErrors::default();
    let name = errors.take(v.lang, PersonName::parse(&f.name));
    let email = Email::parse(&inv.email).ok();
    let password = check_passwords(v.lang, &f, email.as_ref(), &mut errors);
    let (Some(name), Some(password)) = (name, password) else {
        f.password.clear();
        f.password2.clear();
        f.email = inv.email;
        let page = InvitePage {
            ctx: Ctx::new(&v),
            token,
            org_name: inv.org_name,
            roles: inv.roles.iter().collect(),
            form: f,
            errors,
        };
        return render_invalid(&page);
    };
    match state.accept_invitation(&token, &name, &password, v.ip.clone()).await {
        Ok(user) => {
            let to = if user.roles.require_two_factor() { "/account/two-factor" } else { "/home" };
            start_session(&state, &user, false, to).await
        }
        Err(AppError::LinkUsedOrExpired) => expired(&v),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    ctx: Ctx,
    token: String,
    email: String,
    errors: FormErrors,
}

pub async fn reset_form(Visit { state, v }: Visit, Path(token): Path<String>) -> Result<Response, PageError> {
    let Some(reset) = state.open_password_reset(&token).await? else {
        return expired(&v);
    };
    render(&ResetPage { ctx: Ctx::new(&v), token, email: reset.user.email, errors: FormErrors::default() })
}

pub async fn reset_submit(
    Path(token): Path<String>,
    Posted { state, v, form: f }: Posted<PasswordForm>,
) -> Result<Response, PageError> {
    let Some(reset) = state.open_password_reset(&token).await? else {
        return expired(&v);
    };
    let mut errors = FormErrors::default();
    let email = Email::parse(&reset.user.email).ok();
    let Some(password) = check_passwords(v.lang, &f, email.as_ref(), &mut errors) else {
        let page = ResetPage { ctx: Ctx::new(&v), token, email: reset.user.email, errors };
        return render_invalid(&page);
    };
    match state.complete_password_reset(&token, &password, v.ip.clone()).await {
        Ok(_) => {
            let ctx = Ctx::new(&v);
            render(&MessagePage {
                title: ctx.t("reset-done-title"),
                text: ctx.t("reset-done-text"),
                link: "/login".into(),
                link_text: ctx.t("sign-in"),
                ctx,
            })
        }
        Err(AppError::LinkUsedOrExpired) => expired(&v),
        Err(e) => Err(e.into()),
    }
}
