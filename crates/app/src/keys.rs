//! Secrets derived from the master key that must outlive its rotation.
//!
//! The public tips' receipt lookups are stored as HMAC(pepper, receipt), so the pepper
//! may never change; the proof-of-work key is shared by every node. Both were derived
//! from the master key (`MasterKey::derive`). They are now kept in `derived_secrets`,
//! sealed like any secret (platform-owned: the nil organisation id), made on first
//! use from the key that was current then (the ring's oldest key, see
//! `KeyRing::derive`) — the same value as before — and re-wrapped by a rotation like
//! every other sealed value, so after a rotation the new key opens them and the value
//! is unchanged.

use std::sync::Arc;

use sightline_domain::crypto::MasterKey;
use sightline_domain::ids::OrgId;
use sightline_storage::Db;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::security::{open_text, seal_text};
use crate::tips::{PEPPER_LABEL, POW_LABEL, TipGuard};
use crate::{App, AppError, Result};

/// The owner of secrets that belong to no organisation.
#[must_use]
pub fn platform() -> OrgId {
    OrgId::from_uuid(Uuid::nil())
}

/// The derived secret `label`: the one stored (opened with `keys`), or else the
/// ring's derivation, sealed and stored now.
///
/// # Errors
/// The stored one does not open with these keys; the database failed.
pub async fn derived_key(db: &Db, keys: &MasterKey, label: &str, now: OffsetDateTime) -> Result<[u8; 32]> {
    let value = keys.derive(label);
    let (id, sealed) = db.derived_secret(label, |id| seal_text(keys, platform(), id, &value), now).await?;
    let plain = open_text(keys, platform(), id, &sealed)
        .ok_or_else(|| AppError::Internal(format!("the derived secret {label} does not open with this key file")))?;
    <[u8; 32]>::try_from(plain.as_slice())
        .map_err(|_| AppError::Internal(format!("the derived secret {label} is not 32 bytes")))
}

impl App {
    /// Use the tips' proof-of-work key and receipt pepper kept in the database (made
    /// now from the master key if this database has none yet). `serve` calls this
    /// before it takes requests.
    ///
    /// # Errors
    /// See [`derived_key`].
    pub async fn keep_derived_keys(mut self) -> Result<Self> {
        let now = self.now();
        let pow = derived_key(&self.db, &self.keys, POW_LABEL, now).await?;
        let pepper = derived_key(&self.db, &self.keys, PEPPER_LABEL, now).await?;
        self.tips = Arc::new(TipGuard::with_keys(pow, pepper, self.tips.policy.clone()));
        Ok(self)
    }
}
