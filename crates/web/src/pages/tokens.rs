//! A person's own API tokens: for the reference client (`sightline report submit`)
//! and for integrations. Made here with a name, a lifetime and scopes (least
//! privilege: only what the person's roles most need is preselected, and nothing
//! beyond their roles can be chosen), shown once, listed with their state and
//! scopes, revoked with one click. Each change is audited.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::tokens::{scope_choices, token_state};
use sightline_app::{AppError, Caller};
use sightline_domain::ids::ApiTokenId;
use sightline_domain::user::{Scope, Scopes, TokenLifetime};
use sightline_storage::ApiTokenRecord;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{CsrfForm, NoFields, Signed, Visitor};

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    /// `active`, `expired` or `revoked`.
    pub state: &'static str,
    pub scopes: Vec<Scope>,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    ctx: Ctx,
    tokens: Vec<TokenRow>,
    name: String,
    days: String,
    choices: [i64; 3],
    /// The scopes this person may give a token, and whether each is ticked.
    scopes: Vec<ScopeChoice>,
    errors: FormErrors,
    /// A token just made, shown this once.
    made: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    days: String,
    scope_reports_write: Option<String>,
    scope_read: Option<String>,
    scope_admin: Option<String>,
}

impl TokenForm {
    /// The scopes ticked (checkboxes, one field each).
    fn scopes(&self) -> Scopes {
        let ticked = [
            (Scope::ReportsWrite, &self.scope_reports_write),
            (Scope::Read, &self.scope_read),
            (Scope::Admin, &self.scope_admin),
        ];
        Scopes::of(ticked.into_iter().filter(|(_, v)| v.is_some()).map(|(s, _)| s))
    }
}

/// A scope's checkbox on the form.
pub struct ScopeChoice {
    /// As the API documents it, e.g. `reports:write`.
    pub name: &'static str,
    /// The form field, e.g. `scope_reports_write`.
    pub field: String,
    /// The message describing it, e.g. `tokens-scope-reports-write`.
    pub key: String,
    pub ticked: bool,
}

impl ScopeChoice {
    fn new(scope: Scope, ticked: bool) -> Self {
        let name = scope.as_str();
        Self {
            name,
            field: format!("scope_{}", name.replace(':', "_")),
            key: format!("tokens-scope-{}", name.replace(':', "-")),
            ticked,
        }
    }
}

async fn page(
    state: &AppState,
    v: &Visitor,
    me: &Caller,
    name: String,
    days: String,
    ticked: Option<&Scopes>,
) -> Result<TokensPage, PageError> {
    let (grantable, default) = scope_choices(me);
    let ticked = ticked.unwrap_or(&default);
    let scopes = grantable.iter().map(|s| ScopeChoice::new(s, ticked.contains(s))).collect();
    let ctx = Ctx::new(v);
    let now = state.now();
    let tokens = state
        .api_tokens(me)
        .await?
        .into_iter()
        .map(|t: ApiTokenRecord| TokenRow {
            id: t.id.to_string(),
            state: token_state(&t, now),
            name: t.name,
            created: ctx.date(&t.created_at),
            expires: t.expires_at.map_or_else(|| "—".to_owned(), |e| ctx.date(&e)),
            scopes: t.scopes.iter().collect(),
        })
        .collect();
    Ok(TokensPage {
        ctx,
        tokens,
        name,
        days,
        choices: TokenLifetime::CHOICES,
        scopes,
        errors: FormErrors::default(),
        made: None,
    })
}

pub async fn list(Signed { state, v, me }: Signed) -> Result<Response, PageError> {
    render(&page(&state, &v, &me, String::new(), "90".into(), None).await?)
}

pub async fn create(Signed { state, v, me }: Signed, CsrfForm(f): CsrfForm<TokenForm>) -> Result<Response, PageError> {
    let ticked = f.scopes();
    match state.create_api_token(&me, &f.name, &f.days, ticked.clone()).await {
        Ok(token) => {
            let mut p = page(&state, &v, &me, String::new(), "90".into(), None).await?;
            p.made = Some(token);
            render(&p)
        }
        Err(AppError::Invalid(errors)) => {
            let mut p = page(&state, &v, &me, f.name, f.days, Some(&ticked)).await?;
            errors.iter().for_each(|e| p.errors.add(v.lang, e));
            render_invalid(&p)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(
    Signed { state, me, .. }: Signed,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let id: ApiTokenId = id.parse().map_err(|_| PageError::NotFound)?;
    state.revoke_api_token(&me, id).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
