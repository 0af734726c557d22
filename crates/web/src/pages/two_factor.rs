//! Two-factor enrolment: a TOTP secret shown as a QR code and as text, confirmed by
//! one code, then ten single-use recovery codes shown once.

use askama::Template;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::totp::{RECOVERY_CODES, TotpSecret, format_recovery_code, normalise_recovery_code};

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::security::{hash_token, random_bytes};
use crate::visitor::{Gate, Visitor};

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
    if user.two_factor_enabled() {
        let page = EnrolPage {
            ctx,
            required: false,
            already_on: true,
            secret: String::new(),
            qr_data_uri: String::new(),
            errors,
        };
        return render(&page);
    }
    let pending =
        user.totp_pending_secret.as_deref().and_then(|s| crate::security::open_totp_secret(&state.keys, user, s));
    let secret = match pending {
        Some(s) => s,
        None => {
            let s = TotpSecret::from_bytes(random_bytes::<20>().map_err(PageError::Internal)?);
            let sealed =
                crate::security::seal_totp_secret(&state.keys, user, &s.to_base32()).map_err(PageError::Internal)?;
            state.db.set_pending_totp(user.org_id, user.id, &sealed).await?;
            s
        }
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

pub async fn form(State(state): State<AppState>, v: Visitor) -> Result<Response, PageError> {
    match v.gate() {
        None => Ok(Redirect::to("/login").into_response()),
        Some(Gate::NeedsSecondFactor) => Ok(Redirect::to("/login/two-factor").into_response()),
        Some(_) => enrol_page(&state, &v, FormErrors::default()).await,
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn submit(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let (Some(session), Some(hash)) = (&v.session, &v.session_hash) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if v.gate() == Some(Gate::NeedsSecondFactor) || session.user.two_factor_enabled() {
        return Ok(Redirect::to("/login/two-factor").into_response());
    }
    let user = &session.user;
    let now = state.now();
    let pending =
        user.totp_pending_secret.as_deref().and_then(|s| crate::security::open_totp_secret(&state.keys, user, s));
    let step = pending.as_ref().and_then(|s| s.verify(&f.code, now.unix_timestamp(), None));
    let (Some(secret), Some(step)) = (pending, step) else {
        let mut errors = FormErrors::default();
        errors.add_message("code", v.lang.t("error-code-wrong"));
        return enrol_page(&state, &v, errors).await;
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut hashes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = format_recovery_code(random_bytes::<10>().map_err(PageError::Internal)?);
        hashes.push(hash_token(&normalise_recovery_code(&code)));
        codes.push(code);
    }
    let sealed =
        crate::security::seal_totp_secret(&state.keys, user, &secret.to_base32()).map_err(PageError::Internal)?;
    state.db.enable_totp(user, &sealed, step, &hashes, v.ip.clone(), now).await?;
    state.db.pass_two_factor(hash).await?;
    render(&DonePage { ctx: Ctx::new(&v), codes })
}
