//! A person's own API tokens: for the reference client (`sightline report submit`)
//! and for integrations. Made here with a name and a lifetime, shown once, listed
//! with their state, revoked with one click. Each change is audited.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::ids::ApiTokenId;
use sightline_domain::user::{TokenLifetime, TokenName};
use sightline_storage::ApiTokenRecord;
use time::Duration;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::security::{hash_token, new_token};
use crate::visitor::Visitor;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    /// `active`, `expired` or `revoked`.
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    ctx: Ctx,
    tokens: Vec<TokenRow>,
    name: String,
    days: String,
    choices: [i64; 3],
    errors: FormErrors,
    /// A token just made, shown this once.
    made: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

async fn page(state: &AppState, v: &Visitor, name: String, days: String) -> Result<TokensPage, PageError> {
    let me = v.require_user()?;
    let ctx = Ctx::new(v);
    let now = state.now();
    let tokens = state
        .db
        .list_api_tokens(me.org_id, me.id)
        .await?
        .into_iter()
        .map(|t: ApiTokenRecord| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            created: ctx.date(&t.created_at),
            expires: t.expires_at.map_or_else(|| "—".to_owned(), |e| ctx.date(&e)),
            state: if t.revoked_at.is_some() {
                "revoked"
            } else if t.expires_at.is_some_and(|e| e <= now) {
                "expired"
            } else {
                "active"
            },
        })
        .collect();
    Ok(TokensPage {
        ctx,
        tokens,
        name,
        days,
        choices: TokenLifetime::CHOICES,
        errors: FormErrors::default(),
        made: None,
    })
}

pub async fn list(State(state): State<AppState>, v: Visitor) -> Result<Response, PageError> {
    render(&page(&state, &v, String::new(), "90".into()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    v: Visitor,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let me = v.require_user()?.clone();
    v.check_csrf(&f.csrf)?;
    let mut errors = FormErrors::default();
    let name = errors.take(v.lang, TokenName::parse(&f.name));
    let days = errors.take(v.lang, TokenLifetime::parse(&f.days));
    let (Some(name), Some(days)) = (name, days) else {
        let mut p = page(&state, &v, f.name, f.days).await?;
        p.errors = errors;
        return render_invalid(&p);
    };
    let token = new_token().map_err(PageError::Internal)?;
    let now = state.now();
    let expires = now + Duration::days(days.days());
    state.db.create_api_token(&me, name.as_str(), &hash_token(&token), Some(expires), now).await?;
    let mut p = page(&state, &v, String::new(), "90".into()).await?;
    p.made = Some(token);
    render(&p)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let me = v.require_user()?.clone();
    v.check_csrf(&f.csrf)?;
    let id: ApiTokenId = id.parse().map_err(|_| PageError::NotFound)?;
    // Another person's token, or one already revoked, is "not found".
    state.db.revoke_api_token(&me, id, state.now()).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
