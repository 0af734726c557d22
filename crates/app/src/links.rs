//! One-time links: opening and accepting an invitation, opening and completing a
//! password reset. The storage calls write the audit entries in the same transaction.

use sightline_domain::user::{NewPassword, PersonName};
use sightline_storage::{Invitation, PasswordReset, StorageError, UserRecord};

use crate::security::hash_token;
use crate::{App, AppError, Result};

/// Hash a new password off the async runtime (Argon2id is CPU-heavy).
///
/// # Errors
/// The random source or the blocking task failed ([`AppError::Internal`]).
pub async fn hash_new_password(password: &NewPassword) -> Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || crate::security::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)
}

impl App {
    /// The invitation behind a link, if it is still open.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_invitation(&self, token: &str) -> Result<Option<Invitation>> {
        Ok(self.db.open_invitation(&hash_token(token), self.now()).await?)
    }

    /// Accept an invitation: the new account, audited by storage.
    ///
    /// # Errors
    /// [`AppError::LinkUsedOrExpired`] when the link was used meanwhile (or its email
    /// was taken); the database failed.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &PersonName,
        password: &NewPassword,
        ip: Option<String>,
    ) -> Result<UserRecord> {
        let hash = hash_new_password(password).await?;
        match self.db.accept_invitation(&hash_token(token), name, &hash, ip, self.now()).await {
            Ok(user) => Ok(user),
            Err(StorageError::LinkUsedOrExpired | StorageError::Conflict { .. }) => Err(AppError::LinkUsedOrExpired),
            Err(e) => Err(e.into()),
        }
    }

    /// The password reset behind a link, if it is still open.
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_password_reset(&self, token: &str) -> Result<Option<PasswordReset>> {
        Ok(self.db.open_password_reset(&hash_token(token), self.now()).await?)
    }

    /// Set a new password from a reset link, audited by storage.
    ///
    /// # Errors
    /// [`AppError::LinkUsedOrExpired`]; the database failed.
    pub async fn complete_password_reset(
        &self,
        token: &str,
        password: &NewPassword,
        ip: Option<String>,
    ) -> Result<UserRecord> {
        let hash = hash_new_password(password).await?;
        Ok(self.db.complete_password_reset(&hash_token(token), &hash, ip, self.now()).await?)
    }
}
