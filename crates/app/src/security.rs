//! Secrets: password hashing (Argon2id with OWASP's parameters), random tokens and
//! their hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash a password into a PHC string. CPU-heavy: call from `spawn_blocking`.
///
/// # Errors
/// The system's random source failed.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Check a password against a stored PHC string. CPU-heavy: call from
/// `spawn_blocking`. A missing or malformed hash never matches, but still costs
/// the same time, so unknown accounts cannot be told apart by timing.
#[must_use]
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c2lnaHRsaW5lLWR1bW15$yLE9m0qlbGZ4Q4Tb0vYTbJg4v3e0Hh3m9V1nIJiZBfU";
    let parsed = stored.and_then(|s| PasswordHash::new(s).ok());
    match parsed {
        Some(hash) => argon2().verify_password(password.as_bytes(), &hash).is_ok(),
        None => {
            if let Ok(dummy) = PasswordHash::new(DUMMY) {
                let _ = argon2().verify_password(password.as_bytes(), &dummy);
            }
            false
        }
    }
}

/// A fresh random secret, 32 bytes, URL-safe base64 without padding.
///
/// # Errors
/// The system's random source failed.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(data_encoding::BASE64URL_NOPAD.encode(&bytes))
}

/// Random bytes from the system.
///
/// # Errors
/// The system's random source failed.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Fresh keys and nonces for sealing one record.
///
/// # Errors
/// The system's random source failed.
pub fn seal_random() -> Result<sightline_domain::crypto::SealRandom, String> {
    Ok(sightline_domain::crypto::SealRandom {
        data_key: random_bytes::<32>()?,
        nonce: random_bytes::<24>()?,
        wrap_nonce: random_bytes::<24>()?,
    })
}

const SEALED_PREFIX: &str = "sealed:v1:";

/// Seal a two-factor secret under the master key before it is stored (the server
/// must read it back to check codes, so it cannot be a hash).
///
/// # Errors
/// No randomness, or sealing failed.
pub fn seal_totp_secret(
    keys: &sightline_domain::crypto::MasterKey,
    user: &sightline_storage::UserRecord,
    secret_b32: &str,
) -> Result<String, String> {
    seal_text(keys, user.org_id, user.id.as_uuid(), secret_b32.as_bytes())
}

/// Seal a secret of `org`'s record `record` for storage (`sealed:v1:<body>.<wrapped key>`).
///
/// # Errors
/// No randomness, or sealing failed.
pub fn seal_text(
    keys: &sightline_domain::crypto::MasterKey,
    org: sightline_domain::ids::OrgId,
    record: uuid::Uuid,
    plain: &[u8],
) -> Result<String, String> {
    let r = seal_random()?;
    let sealed = keys.seal(org, record, plain, &r).map_err(|e| e.to_string())?;
    Ok(sealed_to_text(&sealed))
}

/// The stored text form of a sealed secret (`sealed:v1:<body>.<wrapped key>`).
#[must_use]
pub fn sealed_to_text(sealed: &sightline_domain::crypto::Sealed) -> String {
    let b64 = data_encoding::BASE64URL_NOPAD;
    format!("{SEALED_PREFIX}{}.{}", b64.encode(&sealed.body), b64.encode(&sealed.wrapped_key))
}

/// Read the stored text form back (none if it is not one).
#[must_use]
pub fn sealed_from_text(stored: &str) -> Option<sightline_domain::crypto::Sealed> {
    let (body, wrapped) = stored.strip_prefix(SEALED_PREFIX)?.split_once('.')?;
    let b64 = data_encoding::BASE64URL_NOPAD;
    Some(sightline_domain::crypto::Sealed {
        body: b64.decode(body.as_bytes()).ok()?,
        wrapped_key: b64.decode(wrapped.as_bytes()).ok()?,
    })
}

/// Open what [`seal_text`] sealed for the same organisation and record.
#[must_use]
pub fn open_text(
    keys: &sightline_domain::crypto::MasterKey,
    org: sightline_domain::ids::OrgId,
    record: uuid::Uuid,
    stored: &str,
) -> Option<Vec<u8>> {
    keys.open(org, record, &sealed_from_text(stored)?).ok()
}

/// Open a stored two-factor secret.
#[must_use]
pub fn open_totp_secret(
    keys: &sightline_domain::crypto::MasterKey,
    user: &sightline_storage::UserRecord,
    stored: &str,
) -> Option<sightline_domain::totp::TotpSecret> {
    let plain = open_text(keys, user.org_id, user.id.as_uuid(), stored)?;
    sightline_domain::totp::TotpSecret::from_base32(std::str::from_utf8(&plain).ok()?)
}

/// What is stored in place of a secret.
#[must_use]
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compare two secrets in time independent of where they differ.
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("correct horse batterY", Some(&h)));
        assert!(!verify_password("anything", None));
        assert!(!verify_password("anything", Some("not a hash")));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 32);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
