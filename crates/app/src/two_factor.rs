//! Two-factor enrolment: a signed-in person (before the two-factor gate, so not yet a
//! [`crate::Caller`]) gets a TOTP secret, confirms it with one code and receives ten
//! single-use recovery codes, shown once. Storage audits the enrolment.

use sightline_domain::FieldError;
use sightline_domain::totp::{RECOVERY_CODES, TotpSecret, format_recovery_code, normalise_recovery_code};
use sightline_storage::UserRecord;

use crate::security::{hash_token, open_totp_secret, random_bytes, seal_totp_secret};
use crate::{App, AppError, Result};

impl App {
    /// The secret `user` is enrolling with: the pending one, or a new one kept as
    /// pending (sealed). None when two-factor sign-in is already on.
    ///
    /// # Errors
    /// No randomness, sealing or the database failed.
    pub async fn two_factor_secret(&self, user: &UserRecord) -> Result<Option<TotpSecret>> {
        if user.two_factor_enabled() {
            return Ok(None);
        }
        if let Some(s) = user.totp_pending_secret.as_deref().and_then(|s| open_totp_secret(&self.keys, user, s)) {
            return Ok(Some(s));
        }
        let s = TotpSecret::from_bytes(random_bytes::<20>().map_err(AppError::Internal)?);
        let sealed = seal_totp_secret(&self.keys, user, &s.to_base32()).map_err(AppError::Internal)?;
        self.db.set_pending_totp(user.org_id, user.id, &sealed).await?;
        Ok(Some(s))
    }

    /// Turn two-factor sign-in on with a code from the pending secret; the session
    /// (`session_hash`) counts as having passed it. Returns the recovery codes, to be
    /// shown once.
    ///
    /// # Errors
    /// `code`: `code-wrong`; no randomness, sealing or the database failed.
    pub async fn enrol_two_factor(
        &self,
        user: &UserRecord,
        session_hash: &[u8],
        code: &str,
        ip: Option<String>,
    ) -> Result<Vec<String>> {
        let now = self.now();
        let pending = user.totp_pending_secret.as_deref().and_then(|s| open_totp_secret(&self.keys, user, s));
        let step = pending.as_ref().and_then(|s| s.verify(code, now.unix_timestamp(), None));
        let (Some(secret), Some(step)) = (pending, step) else {
            return Err(FieldError::new("code", "code-wrong").into());
        };
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        let mut hashes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let code = format_recovery_code(random_bytes::<10>().map_err(AppError::Internal)?);
            hashes.push(hash_token(&normalise_recovery_code(&code)));
            codes.push(code);
        }
        let sealed = seal_totp_secret(&self.keys, user, &secret.to_base32()).map_err(AppError::Internal)?;
        self.db.enable_totp(user, &sealed, step, &hashes, ip, now).await?;
        // Their tokens may now do what their roles need a second factor for.
        self.tokens.invalidate();
        self.db.pass_two_factor(session_hash).await?;
        Ok(codes)
    }
}
