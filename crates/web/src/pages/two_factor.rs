//! Two-factor enrolment: a TOTP secret shown as a QR code and as text, confirmed by
//! one code, then ten single-use recovery codes shown once.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{Gate, Posted, Visit, Visitor};

#[derive(Template)]
#[template(path = "two_factor_enrol.html")]
struct EnrolPage {
    ctx: Ctx,
    required: bool,
    already_on: bool,
    secret: String,
    qr_data_uri: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "two_factor_done.html")]
struct DonePage {
    ctx: Ctx,
    codes: Vec<String>,
}

fn qr_data_uri(text: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| PageError::Internal(e.to_string()))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", data_encoding::BASE64.encode(svg.as_bytes())))
}

async fn enrol_page(state: &AppState, v: &Visitor, errors: FormErrors) -> Result<Response, PageError> {
    let Some(session) = &v.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = &session.user;
    let ctx = Ctx::new(v);
    let Some(secret) = state.two_factor_secret(user).await? else {
        let page = EnrolPage {
            ctx,
            required: false,
            already_on: true,
            secret: String::new(),
            qr_data_uri: String::new(),
            errors,
        };
        return render(&page);
    };
    let uri = secret.otpauth_uri("Sightline", &user.email);
    let b32 = secret.to_base32();
    let grouped =
        b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
    let page = EnrolPage {
        required: user.roles.require_two_factor(),
        already_on: false,
        secret: grouped,
        qr_data_uri: qr_data_uri(&uri)?,
        ctx,
        errors,
    };
    if page.errors.is_empty() { render(&page) } else { render_invalid(&page) }
}

pub async fn form(Visit { state, v }: Visit) -> Result<Response, PageError> {
    match v.gate() {
        None => Ok(Redirect::to("/login").into_response()),
        Some(Gate::NeedsSecondFactor) => Ok(Redirect::to("/login/two-factor").into_response()),
        Some(_) => enrol_page(&state, &v, FormErrors::default()).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    code: String,
}

pub async fn submit(Posted { state, v, form: f }: Posted<ConfirmForm>) -> Result<Response, PageError> {
    let (Some(session), Some(hash)) = (&v.session, &v.session_hash) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if v.gate() == Some(Gate::NeedsSecondFactor) || session.user.two_factor_enabled() {
        return Ok(Redirect::to("/login/two-factor").into_response());
    }
    match state.enrol_two_factor(&session.user, hash, &f.code, v.ip.clone()).await {
        Ok(codes) => render(&DonePage { ctx: Ctx::new(&v), codes }),
        Err(AppError::Invalid(list)) => {
            let mut errors = FormErrors::default();
            list.iter().for_each(|e| errors.add(v.lang, e));
            enrol_page(&state, &v, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
