//! An organisation's desk settings, for its administrators: how long before
//! scheduled landing the queue flags "Escalate now".

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use sightline_domain::FieldError;
use sightline_domain::triage::EscalationLead;
use sightline_storage::Organisation;

use super::users::{denied_if_foreign, parse_org};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::Visitor;

#[derive(Template)]
#[template(path = "org_settings.html")]
struct SettingsPage {
    ctx: Ctx,
    org: Organisation,
    minutes: String,
    errors: FormErrors,
    saved: bool,
    min: i64,
    max: i64,
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    minutes: String,
}

fn page(v: &Visitor, org: Organisation, minutes: String, errors: FormErrors, saved: bool) -> SettingsPage {
    SettingsPage {
        ctx: Ctx::new(v),
        org,
        minutes,
        errors,
        saved,
        min: EscalationLead::MIN_MINUTES,
        max: EscalationLead::MAX_MINUTES,
    }
}

pub async fn form(State(state): State<AppState>, v: Visitor, Path(org): Path<String>) -> Result<Response, PageError> {
    let org = parse_org(&org)?;
    denied_if_foreign(&state, &v, org).await?;
    v.require_org_admin(org)?;
    let lead = state.db.escalation_lead(org).await?;
    render(&page(&v, state.db.get_org(org).await?, lead.minutes().to_string(), FormErrors::default(), false))
}

pub async fn submit(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let org = parse_org(&org)?;
    denied_if_foreign(&state, &v, org).await?;
    let me = v.require_org_admin(org)?.clone();
    v.check_csrf(&f.csrf)?;
    let parsed = f
        .minutes
        .trim()
        .parse::<i64>()
        .map_err(|_| FieldError::new("minutes", "out-of-range"))
        .and_then(EscalationLead::from_minutes);
    let mut errors = FormErrors::default();
    let Some(lead) = errors.take(v.lang, parsed) else {
        return render_invalid(&page(&v, state.db.get_org(org).await?, f.minutes, errors, false));
    };
    state.db.set_escalation_lead(org, lead, Some(me.id), state.now()).await?;
    render(&page(&v, state.db.get_org(org).await?, lead.minutes().to_string(), errors, true))
}
