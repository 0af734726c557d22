//! Envelope encryption of sensitive report text.
//!
//! Each report gets a fresh 256-bit data key. Its sensitive part is sealed with
//! XChaCha20-Poly1305 under that key, with the report id and organisation id as
//! associated data, so ciphertext cannot be moved to another row. The data key is
//! wrapped (also XChaCha20-Poly1305) by the organisation's key, which is derived from
//! the server's master key (a file outside the database). Rotating a key means
//! re-wrapping data keys; report bodies stay as they are. Randomness is a parameter:
//! this module never reads the system's random source.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::ids::OrgId;

/// The server's master key (kept in a key file, never in the database).
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

/// Fresh randomness for sealing one record: a data key and two nonces.
pub struct SealRandom {
    pub data_key: [u8; 32],
    pub nonce: [u8; 24],
    pub wrap_nonce: [u8; 24],
}

/// A sealed record: body and wrapped data key, each `nonce ‖ ciphertext`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub body: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the sealed data could not be opened (wrong key, or it was altered or moved)")]
    Open,
    #[error("encryption failed")]
    Seal,
}

impl MasterKey {
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A key for another purpose, derived from the master key and a label (HMAC-SHA256),
    /// so it never needs storing: the public tips' proof-of-work signing key and their
    /// receipt-lookup pepper.
    #[must_use]
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else { return [0; 32] };
        mac.update(b"sightline/derived/v1/");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The organisation's key-encryption key.
    fn org_key(&self, org: OrgId) -> [u8; 32] {
        // HMAC accepts any key length, so this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else { return [0; 32] };
        mac.update(b"sightline/org-key/v1");
        mac.update(org.as_uuid().as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn aad(kind: &[u8], org: OrgId, record: Uuid) -> Vec<u8> {
        let mut aad = kind.to_vec();
        aad.extend_from_slice(org.as_uuid().as_bytes());
        aad.extend_from_slice(record.as_bytes());
        aad
    }

    /// Seal `plaintext` for record `record` of organisation `org`.
    ///
    /// # Errors
    /// [`CryptoError::Seal`] (never expected with valid inputs).
    pub fn seal(&self, org: OrgId, record: Uuid, plaintext: &[u8], r: &SealRandom) -> Result<Sealed, CryptoError> {
        let body_cipher = XChaCha20Poly1305::new((&r.data_key).into());
        let aad = Self::aad(b"sightline/report/v1", org, record);
        let ct = body_cipher
            .encrypt(XNonce::from_slice(&r.nonce), Payload { msg: plaintext, aad: &aad })
            .map_err(|_| CryptoError::Seal)?;
        let mut body = r.nonce.to_vec();
        body.extend_from_slice(&ct);

        let wrap_cipher = XChaCha20Poly1305::new((&self.org_key(org)).into());
        let wrap_aad = Self::aad(b"sightline/report-key/v1", org, record);
        let wct = wrap_cipher
            .encrypt(XNonce::from_slice(&r.wrap_nonce), Payload { msg: &r.data_key, aad: &wrap_aad })
            .map_err(|_| CryptoError::Seal)?;
        let mut wrapped_key = r.wrap_nonce.to_vec();
        wrapped_key.extend_from_slice(&wct);
        Ok(Sealed { body, wrapped_key })
    }

    /// Open a sealed record.
    ///
    /// # Errors
    /// [`CryptoError::Open`] if the key is wrong or the data was changed or moved to
    /// another record or organisation.
    pub fn open(&self, org: OrgId, record: Uuid, sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
        let split = |v: &[u8]| -> Result<([u8; 24], Vec<u8>), CryptoError> {
            if v.len() < 24 + 16 {
                return Err(CryptoError::Open);
            }
            let mut n = [0u8; 24];
            n.copy_from_slice(&v[..24]);
            Ok((n, v[24..].to_vec()))
        };
        let (wn, wct) = split(&sealed.wrapped_key)?;
        let wrap_cipher = XChaCha20Poly1305::new((&self.org_key(org)).into());
        let wrap_aad = Self::aad(b"sightline/report-key/v1", org, record);
        let key = wrap_cipher
            .decrypt(XNonce::from_slice(&wn), Payload { msg: &wct, aad: &wrap_aad })
            .map_err(|_| CryptoError::Open)?;
        if key.len() != 32 {
            return Err(CryptoError::Open);
        }
        let (n, ct) = split(&sealed.body)?;
        let body_cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key));
        let aad = Self::aad(b"sightline/report/v1", org, record);
        body_cipher.decrypt(XNonce::from_slice(&n), Payload { msg: &ct, aad: &aad }).map_err(|_| CryptoError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rand(seed: u8) -> SealRandom {
        SealRandom { data_key: [seed; 32], nonce: [seed.wrapping_add(1); 24], wrap_nonce: [seed.wrapping_add(2); 24] }
    }

    #[test]
    fn seals_and_opens() {
        let k = MasterKey::from_bytes([9; 32]);
        let (org, id) = (OrgId::new(), Uuid::now_v7());
        let s = k.seal(org, id, b"canary phrase", &rand(1)).unwrap();
        assert!(!s.body.windows(6).any(|w| w == b"canary"));
        assert_eq!(k.open(org, id, &s).unwrap(), b"canary phrase");
    }

    #[test]
    fn refuses_wrong_key_tampering_and_moved_rows() {
        let k = MasterKey::from_bytes([9; 32]);
        let (org, id) = (OrgId::new(), Uuid::now_v7());
        let s = k.seal(org, id, b"secret", &rand(1)).unwrap();
        assert_eq!(MasterKey::from_bytes([8; 32]).open(org, id, &s), Err(CryptoError::Open));
        assert_eq!(k.open(OrgId::new(), id, &s), Err(CryptoError::Open), "another organisation");
        assert_eq!(k.open(org, Uuid::now_v7(), &s), Err(CryptoError::Open), "another record");
        let mut bad = s.clone();
        let last = bad.body.len() - 1;
        bad.body[last] ^= 1;
        assert_eq!(k.open(org, id, &bad), Err(CryptoError::Open));
        assert_eq!(k.open(org, id, &Sealed { body: vec![1, 2], wrapped_key: vec![] }), Err(CryptoError::Open));
    }
}
