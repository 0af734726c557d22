//! Where the desk is alerted: a new webhook's signing secret. Delivering alerts is a
//! background job (`sightline_jobs::alerts`).

use sightline_domain::crypto::SealRandom;
use sightline_domain::ids::OrgId;

use crate::AppState;
use crate::security::random_bytes;

/// Seal a new webhook secret for storage; returns (sealed, the secret to give the
/// receiver's owner once).
///
/// # Errors
/// No randomness, or sealing failed.
pub fn new_webhook_secret(state: &AppState, org: OrgId) -> Result<(String, String), String> {
    let secret = crate::security::new_token()?;
    let r =
        SealRandom { data_key: random_bytes::<32>()?, nonce: random_bytes::<24>()?, wrap_nonce: random_bytes::<24>()? };
    let sealed = sightline_jobs::alerts::seal_secret(&state.keys, org, &secret, &r)?;
    Ok((sealed, secret))
}
