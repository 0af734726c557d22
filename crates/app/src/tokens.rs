//! A person's own API tokens: listed with their state and scopes, made with a name, a
//! lifetime and scopes (least privilege: nothing beyond the person's roles), shown
//! once, revoked. Storage audits each change.

use sightline_domain::ids::ApiTokenId;
use sightline_domain::user::{Scopes, TokenLifetime, TokenName};
use sightline_storage::{ApiTokenRecord, Owned};
use time::{Duration, OffsetDateTime};

use crate::access::{Asker, OrRefuse};
use crate::security::{hash_token, new_token};
use crate::{App, AppError, Caller, Result};

/// A token's state at `now`: `active`, `expired` or `revoked`.
#[must_use]
pub fn token_state(t: &ApiTokenRecord, now: OffsetDateTime) -> &'static str {
    if t.revoked_at.is_some() {
        "revoked"
    } else if t.expires_at.is_some_and(|e| e <= now) {
        "expired"
    } else {
        "active"
    }
}

/// The scopes a caller may give a token, and those preselected (what their roles most need).
#[must_use]
pub fn scope_choices(caller: &Caller) -> (Scopes, Scopes) {
    (Scopes::grantable(&caller.roles), Scopes::default_for(&caller.roles))
}

impl App {
    /// The caller's own tokens, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn api_tokens(&self, caller: &Caller) -> Result<Vec<ApiTokenRecord>> {
        Ok(self.db.list_api_tokens(caller.org(), caller.id()).await?)
    }

    /// Make a token for the caller, valid `days` (one of [`TokenLifetime::CHOICES`]),
    /// with `scopes` (within their roles). Returns the token, to be shown this once.
    ///
    /// # Errors
    /// Every field at fault; no randomness was available; the database failed.
    pub async fn create_api_token(&self, caller: &Caller, name: &str, days: &str, scopes: Scopes) -> Result<String> {
        let (name, days, scopes) =
            match (TokenName::parse(name), TokenLifetime::parse(days), scopes.for_roles(&caller.roles)) {
                (Ok(n), Ok(d), Ok(s)) => (n, d, s),
                (n, d, s) => {
                    return Err(AppError::Invalid(n.err().into_iter().chain(d.err()).chain(s.err()).collect()));
                }
            };
        let token = new_token().map_err(AppError::Internal)?;
        let now = self.now();
        let expires = now + Duration::days(days.days());
        self.db
            .create_api_token(caller.user(), name.as_str(), &scopes, &hash_token(&token), Some(expires), now)
            .await?;
        Ok(token)
    }

    /// Revoke one of the caller's tokens. Another person's, or one already revoked, is
    /// "not found" (another organisation's is audited).
    ///
    /// # Errors
    /// [`AppError::NotFound`]; the database failed.
    pub async fn revoke_api_token(&self, caller: &Caller, id: ApiTokenId) -> Result<()> {
        self.db
            .revoke_api_token(caller.user(), id, self.now())
            .await
            .or_refuse(self, Asker::of(caller), Owned::ApiToken(id))
            .await?;
        self.tokens.invalidate();
        Ok(())
    }
}
