//! Organisations, for platform administrators.

use askama::Template;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::Role;
use sightline_storage::{Organisation, StorageError};

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::Visitor;

#[derive(Deserialize, Default)]
pub struct OrgForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
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

pub async fn list(State(state): State<AppState>, v: Visitor) -> Result<Response, PageError> {
    v.require_role(Role::PlatformAdmin)?;
    let orgs = state.db.list_orgs().await?;
    render(&OrgsPage {
        ctx: Ctx::new(&v),
        orgs,
        form: OrgForm { kind: "airline".into(), ..OrgForm::default() },
        errors: FormErrors::default(),
        kinds: OrgKind::ALL,
    })
}

pub async fn create(State(state): State<AppState>, v: Visitor, Form(f): Form<OrgForm>) -> Result<Response, PageError> {
    let admin = v.require_role(Role::PlatformAdmin)?;
    v.check_csrf(&f.csrf)?;
    let mut errors = FormErrors::default();
    let name = errors.take(v.lang, OrgName::parse(&f.name));
    let kind = errors.take(v.lang, f.kind.parse::<OrgKind>());
    if let (Some(name), Some(kind)) = (name, kind) {
        let audit = NewAuditEntry::new(AuditAction::OrgCreated).actor(admin.id).ip(v.ip.clone());
        match state.db.create_org(&name, kind, audit, state.now()).await {
            Ok(id) => return Ok(Redirect::to(&format!("/orgs/{id}/users")).into_response()),
            Err(StorageError::Conflict { .. }) => errors.add_message("name", v.lang.t("error-org-name-taken")),
            Err(e) => return Err(e.into()),
        }
    }
    let orgs = state.db.list_orgs().await?;
    render_invalid(&OrgsPage { ctx: Ctx::new(&v), orgs, form: f, errors, kinds: OrgKind::ALL })
}
