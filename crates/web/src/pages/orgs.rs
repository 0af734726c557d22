//! Organisations, for platform administrators.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_domain::org::OrgKind;
use sightline_storage::Organisation;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::error::PageError;
use crate::visitor::{CsrfForm, Signed};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgForm {
    pub name: String,
    pub kind: String,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    ctx: Ctx,
    orgs: Vec<Organisation>,
    form: OrgForm,
    errors: FormErrors,
    kinds: [OrgKind; 4],
}

pub async fn list(Signed { state, v, me }: Signed) -> Result<Response, PageError> {
    let orgs = state.list_orgs(&me).await?;
    render(&OrgsPage {
        ctx: Ctx::new(&v),
        orgs,
        form: OrgForm { kind: "airline".into(), ..OrgForm::default() },
        errors: FormErrors::default(),
        kinds: OrgKind::ALL,
    })
}

pub async fn create(Signed { state, v, me }: Signed, CsrfForm(f): CsrfForm<OrgForm>) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    match state.create_org(&me, &f.name, &f.kind).await {
        Ok(org) => return Ok(Redirect::to(&format!("/orgs/{}/users", org.id)).into_response()),
        Err(AppError::Conflict { .. }) => errors.add_message("name", v.lang.t("error-org-name-taken")),
        Err(AppError::Invalid(list)) => list.iter().for_each(|e| errors.add(v.lang, e)),
        Err(e) => return Err(e.into()),
    }
    let orgs = state.list_orgs(&me).await?;
    render_invalid(&OrgsPage { ctx: Ctx::new(&v), orgs, form: f, errors, kinds: OrgKind::ALL })
}

#[derive(Template)]
#[template(path = "org_airports.html")]
struct AirportsPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    airports: String,
    errors: FormErrors,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AirportsForm {
    pub airports: String,
}

/// The airports an organisation covers (platform admins): tips naming them go to its desk.
pub async fn airports(
    Signed { state, v, me }: Signed,
    axum::extract::Path(org): axum::extract::Path<String>,
) -> Result<Response, PageError> {
    let org = super::users::parse_org(&org)?;
    let (org_name, list) = state.org_airports(&me, org).await?;
    render(&AirportsPage {
        ctx: Ctx::new(&v),
        org_id: org.to_string(),
        org_name,
        airports: list.join(" "),
        errors: FormErrors::default(),
        notice: None,
    })
}

/// Set the airports an organisation covers (audited).
pub async fn set_airports(
    Signed { state, v, me }: Signed,
    axum::extract::Path(org): axum::extract::Path<String>,
    CsrfForm(f): CsrfForm<AirportsForm>,
) -> Result<Response, PageError> {
    let org = super::users::parse_org(&org)?;
    let result = state.set_org_airports(&me, org, &f.airports).await;
    let (org_name, _) = state.org_airports(&me, org).await?;
    let mut page = AirportsPage {
        ctx: Ctx::new(&v),
        org_id: org.to_string(),
        org_name,
        airports: f.airports,
        errors: FormErrors::default(),
        notice: None,
    };
    match result {
        Ok(list) => {
            page.airports = list.join(" ");
            page.notice = Some(v.lang.t("airports-saved"));
            render(&page)
        }
        Err(AppError::Invalid(list)) => {
            list.iter().for_each(|e| page.errors.add(v.lang, e));
            render_invalid(&page)
        }
        Err(e) => Err(e.into()),
    }
}
