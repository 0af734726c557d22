//! Envelope encryption of sensitive text, and the key ring it is sealed under.
//!
//! Each record gets a fresh 256-bit data key. Its sensitive part is sealed with
//! XChaCha20-Poly1305 under that key, with the record id and organisation id as
//! associated data, so ciphertext cannot be moved to another row. The data key is
//! wrapped (also XChaCha20-Poly1305) by the organisation's key, which is derived from
//! a master key (a file outside the database) and the organisation's key generation.
//!
//! Rotation re-wraps data keys; bodies stay as they are. A wrapped key written now is
//! *tagged* (`0x01 ‖ key id ‖ generation ‖ nonce ‖ ciphertext`, the tag bound in the
//! associated data): opening picks the master key by its id and the organisation key
//! by its generation in one try, and a rotation can tell, without decrypting, whether a
//! record is already under the new key. Wrapped keys from before tags (72 bytes: nonce
//! ‖ ciphertext, generation 0) are opened by trying each key of the ring.
//!
//! Randomness is a parameter: this module never reads the system's random source.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::ids::OrgId;

/// A master key's public name: the first 8 bytes of HMAC-SHA256(key, "sightline/key-id/v1"),
/// as 16 hex digits. Stored in tagged wrapped keys and in the rotation's record; it
/// reveals nothing of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Fresh randomness for sealing one record: a data key and two nonces.
pub struct SealRandom {
    pub data_key: [u8; 32],
    pub nonce: [u8; 24],
    pub wrap_nonce: [u8; 24],
}

/// A sealed record: body and wrapped data key.
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

const TAG: u8 = 1;
const NONCE: usize = 24;
const LEGACY_LEN: usize = NONCE + 32 + 16;
const HEADER: usize = 1 + 8 + 4;
const TAGGED_LEN: usize = HEADER + LEGACY_LEN;

/// One 32-byte master key.
#[derive(Clone)]
struct Key {
    bytes: [u8; 32],
    id: KeyId,
}

impl Key {
    fn new(bytes: [u8; 32]) -> Self {
        let id = hmac(&bytes, &[b"sightline/key-id/v1"]);
        let mut short = [0u8; 8];
        short.copy_from_slice(&id[..8]);
        Self { bytes, id: KeyId(short) }
    }

    /// The organisation's key-encryption key at `generation` (0: the derivation used
    /// before generations, so records from then still open).
    fn org_key(&self, org: OrgId, generation: u32) -> [u8; 32] {
        if generation == 0 {
            hmac(&self.bytes, &[b"sightline/org-key/v1", org.as_uuid().as_bytes()])
        } else {
            hmac(&self.bytes, &[b"sightline/org-key/v2", org.as_uuid().as_bytes(), &generation.to_be_bytes()])
        }
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts any key length, so this cannot fail.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return [0; 32] };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn aad(kind: &[u8], org: OrgId, record: Uuid, tag: &[u8]) -> Vec<u8> {
    let mut aad = kind.to_vec();
    aad.extend_from_slice(org.as_uuid().as_bytes());
    aad.extend_from_slice(record.as_bytes());
    aad.extend_from_slice(tag);
    aad
}

/// How a wrapped key names its master key and generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapTag {
    /// Written before tags: generation 0, master key unknown (tried in turn).
    Untagged,
    Tagged {
        key: KeyId,
        generation: u32,
    },
}

/// Read a wrapped key's tag.
///
/// # Errors
/// [`CryptoError::Open`] when it is neither form.
pub fn wrap_tag(wrapped: &[u8]) -> Result<WrapTag, CryptoError> {
    match wrapped.len() {
        LEGACY_LEN => Ok(WrapTag::Untagged),
        TAGGED_LEN if wrapped[0] == TAG => {
            let mut key = [0u8; 8];
            key.copy_from_slice(&wrapped[1..9]);
            let mut g = [0u8; 4];
            g.copy_from_slice(&wrapped[9..13]);
            Ok(WrapTag::Tagged { key: KeyId(key), generation: u32::from_be_bytes(g) })
        }
        _ => Err(CryptoError::Open),
    }
}

/// The master keys a server holds: the current one, which seals, then retired ones
/// not yet removed, which only open; and each organisation's key generation (absent:
/// 0). Immutable; [`MasterKey`] holds the one in use and swaps it on reload.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<Key>,
    generations: HashMap<OrgId, u32>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.keys.iter().map(|k| k.id.to_string()).collect();
        write!(f, "KeyRing({})", ids.join(", "))
    }
}

impl KeyRing {
    /// A ring of `current` and then `retired` keys (duplicates of an earlier key are dropped).
    #[must_use]
    pub fn new(current: [u8; 32], retired: &[[u8; 32]]) -> Self {
        let mut keys = vec![Key::new(current)];
        for r in retired {
            let k = Key::new(*r);
            if !keys.iter().any(|have| have.id == k.id) {
                keys.push(k);
            }
        }
        Self { keys, generations: HashMap::new() }
    }

    /// This ring with these organisations' key generations.
    #[must_use]
    pub fn with_generations(mut self, generations: HashMap<OrgId, u32>) -> Self {
        self.generations = generations;
        self
    }

    /// The same generations under the current key alone: what "opens with the new key
    /// alone" means.
    #[must_use]
    pub fn current_only(&self) -> Self {
        Self { keys: self.keys[..1].to_vec(), generations: self.generations.clone() }
    }

    #[must_use]
    pub fn current_id(&self) -> KeyId {
        self.keys[0].id
    }

    /// Every key's id, the current one first.
    #[must_use]
    pub fn ids(&self) -> Vec<KeyId> {
        self.keys.iter().map(|k| k.id).collect()
    }

    /// The organisation's key generation in this ring.
    #[must_use]
    pub fn generation(&self, org: OrgId) -> u32 {
        self.generations.get(&org).copied().unwrap_or(0)
    }

    /// A key for another purpose, derived from the *oldest* key of the ring and a label
    /// (HMAC-SHA256). Only the first value matters: it is then kept sealed in the
    /// database (the tips' proof-of-work key and receipt pepper must outlive
    /// rotations); the oldest key is the one that was current before a rotation began.
    #[must_use]
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let oldest = self.keys.last().unwrap_or(&self.keys[0]);
        hmac(&oldest.bytes, &[b"sightline/derived/v1/", label.as_bytes()])
    }

    /// Seal `plaintext` for record `record` of organisation `org`, under the current
    /// key and the organisation's generation.
    ///
    /// # Errors
    /// [`CryptoError::Seal`] (never expected with valid inputs).
    pub fn seal(&self, org: OrgId, record: Uuid, plaintext: &[u8], r: &SealRandom) -> Result<Sealed, CryptoError> {
        let body_cipher = XChaCha20Poly1305::new((&r.data_key).into());
        let body_aad = aad(b"sightline/report/v1", org, record, &[]);
        let ct = body_cipher
            .encrypt(XNonce::from_slice(&r.nonce), Payload { msg: plaintext, aad: &body_aad })
            .map_err(|_| CryptoError::Seal)?;
        let mut body = r.nonce.to_vec();
        body.extend_from_slice(&ct);
        let wrapped_key = self.wrap(org, record, &r.data_key, &r.wrap_nonce)?;
        Ok(Sealed { body, wrapped_key })
    }

    fn wrap(&self, org: OrgId, record: Uuid, data_key: &[u8; 32], nonce: &[u8; 24]) -> Result<Vec<u8>, CryptoError> {
        let key = &self.keys[0];
        let generation = self.generation(org);
        let mut out = Vec::with_capacity(TAGGED_LEN);
        out.push(TAG);
        out.extend_from_slice(&key.id.0);
        out.extend_from_slice(&generation.to_be_bytes());
        let wrap_aad = aad(b"sightline/report-key/v2", org, record, &out);
        let cipher = XChaCha20Poly1305::new((&key.org_key(org, generation)).into());
        let wct = cipher
            .encrypt(XNonce::from_slice(nonce), Payload { msg: data_key, aad: &wrap_aad })
            .map_err(|_| CryptoError::Seal)?;
        out.extend_from_slice(nonce);
        out.extend_from_slice(&wct);
        Ok(out)
    }

    /// The data key inside a wrapped key, with any key of the ring.
    fn unwrap(&self, org: OrgId, record: Uuid, wrapped: &[u8]) -> Result<[u8; 32], CryptoError> {
        let try_one = |key: &Key, generation: u32, kind: &[u8], tag: &[u8], rest: &[u8]| {
            let (nonce, ct) = rest.split_at(NONCE);
            let cipher = XChaCha20Poly1305::new((&key.org_key(org, generation)).into());
            let wrap_aad = aad(kind, org, record, tag);
            cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &wrap_aad }).ok()
        };
        let plain = match wrap_tag(wrapped)? {
            WrapTag::Untagged => self.keys.iter().find_map(|k| try_one(k, 0, b"sightline/report-key/v1", &[], wrapped)),
            WrapTag::Tagged { key, generation } => {
                let (tag, rest) = wrapped.split_at(HEADER);
                self.keys
                    .iter()
                    .find(|k| k.id == key)
                    .and_then(|k| try_one(k, generation, b"sightline/report-key/v2", tag, rest))
            }
        };
        plain.and_then(|p| <[u8; 32]>::try_from(p.as_slice()).ok()).ok_or(CryptoError::Open)
    }

    /// Open a sealed record.
    ///
    /// # Errors
    /// [`CryptoError::Open`] if no key of the ring opens it, or the data was changed or
    /// moved to another record or organisation.
    pub fn open(&self, org: OrgId, record: Uuid, sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
        let key = self.unwrap(org, record, &sealed.wrapped_key)?;
        if sealed.body.len() < NONCE + 16 {
            return Err(CryptoError::Open);
        }
        let (n, ct) = sealed.body.split_at(NONCE);
        let body_cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key));
        let body_aad = aad(b"sightline/report/v1", org, record, &[]);
        body_cipher.decrypt(XNonce::from_slice(n), Payload { msg: ct, aad: &body_aad }).map_err(|_| CryptoError::Open)
    }

    /// Whether a wrapped key is already under the current key and the organisation's
    /// generation in this ring (read from its tag; nothing is decrypted).
    #[must_use]
    pub fn is_current(&self, org: OrgId, wrapped: &[u8]) -> bool {
        matches!(wrap_tag(wrapped), Ok(WrapTag::Tagged { key, generation })
            if key == self.current_id() && generation == self.generation(org))
    }

    /// The same data key wrapped under the current key and the organisation's
    /// generation: the body it seals is untouched.
    ///
    /// # Errors
    /// [`CryptoError::Open`] if no key of the ring opens the wrapped key.
    pub fn rewrap(&self, org: OrgId, record: Uuid, wrapped: &[u8], nonce: &[u8; 24]) -> Result<Vec<u8>, CryptoError> {
        let key = self.unwrap(org, record, wrapped)?;
        self.wrap(org, record, &key, nonce)
    }
}

/// The key ring a server uses, swapped whole when the key file or an organisation's
/// generation changes (`replace`), so a running server learns a rotation's new key
/// without restarting. Every clone of the application shares one.
pub struct MasterKey(RwLock<Arc<KeyRing>>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// One key, nothing retired.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self::from_ring(KeyRing::new(bytes, &[]))
    }

    #[must_use]
    pub fn from_ring(ring: KeyRing) -> Self {
        Self(RwLock::new(Arc::new(ring)))
    }

    /// The ring in use now.
    #[must_use]
    pub fn ring(&self) -> Arc<KeyRing> {
        match self.0.read() {
            Ok(r) => Arc::clone(&r),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Use `ring` from now on.
    pub fn replace(&self, ring: KeyRing) {
        let ring = Arc::new(ring);
        match self.0.write() {
            Ok(mut w) => *w = ring,
            Err(poisoned) => *poisoned.into_inner() = ring,
        }
    }

    /// See [`KeyRing::derive`].
    #[must_use]
    pub fn derive(&self, label: &str) -> [u8; 32] {
        self.ring().derive(label)
    }

    /// See [`KeyRing::seal`].
    ///
    /// # Errors
    /// [`CryptoError::Seal`] (never expected with valid inputs).
    pub fn seal(&self, org: OrgId, record: Uuid, plaintext: &[u8], r: &SealRandom) -> Result<Sealed, CryptoError> {
        self.ring().seal(org, record, plaintext, r)
    }

    /// See [`KeyRing::open`].
    ///
    /// # Errors
    /// [`CryptoError::Open`] if no key of the ring opens it.
    pub fn open(&self, org: OrgId, record: Uuid, sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
        self.ring().open(org, record, sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rand(seed: u8) -> SealRandom {
        SealRandom { data_key: [seed; 32], nonce: [seed.wrapping_add(1); 24], wrap_nonce: [seed.wrapping_add(2); 24] }
    }

    /// How records were sealed before tags and generations (the code of then).
    fn legacy_seal(master: [u8; 32], org: OrgId, id: Uuid, plain: &[u8], r: &SealRandom) -> Sealed {
        let body_cipher = XChaCha20Poly1305::new((&r.data_key).into());
        let ct = body_cipher
            .encrypt(
                XNonce::from_slice(&r.nonce),
                Payload { msg: plain, aad: &aad(b"sightline/report/v1", org, id, &[]) },
            )
            .unwrap();
        let org_key = hmac(&master, &[b"sightline/org-key/v1", org.as_uuid().as_bytes()]);
        let wct = XChaCha20Poly1305::new((&org_key).into())
            .encrypt(
                XNonce::from_slice(&r.wrap_nonce),
                Payload { msg: &r.data_key, aad: &aad(b"sightline/report-key/v1", org, id, &[]) },
            )
            .unwrap();
        Sealed { body: [r.nonce.to_vec(), ct].concat(), wrapped_key: [r.wrap_nonce.to_vec(), wct].concat() }
    }

    #[test]
    fn seals_and_opens() {
        let k = MasterKey::from_bytes([9; 32]);
        let (org, id) = (OrgId::new(), Uuid::now_v7());
        let s = k.seal(org, id, b"canary phrase", &rand(1)).unwrap();
        assert!(!s.body.windows(6).any(|w| w == b"canary"));
        assert_eq!(k.open(org, id, &s).unwrap(), b"canary phrase");
        assert_eq!(wrap_tag(&s.wrapped_key), Ok(WrapTag::Tagged { key: k.ring().current_id(), generation: 0 }));
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
        let mut bad_tag = s.clone();
        bad_tag.wrapped_key[12] ^= 1;
        assert_eq!(k.open(org, id, &bad_tag), Err(CryptoError::Open), "the generation is bound");
        assert_eq!(k.open(org, id, &Sealed { body: vec![1, 2], wrapped_key: vec![] }), Err(CryptoError::Open));
    }

    #[test]
    fn records_from_before_tags_still_open_with_any_key_of_the_ring() {
        let (org, id) = (OrgId::new(), Uuid::now_v7());
        let old = legacy_seal([7; 32], org, id, b"written last year", &rand(3));
        assert_eq!(wrap_tag(&old.wrapped_key), Ok(WrapTag::Untagged));
        assert_eq!(KeyRing::new([7; 32], &[]).open(org, id, &old).unwrap(), b"written last year");
        let ring = KeyRing::new([8; 32], &[[7; 32]]);
        assert_eq!(ring.open(org, id, &old).unwrap(), b"written last year");
        assert!(!ring.is_current(org, &old.wrapped_key));
        assert_eq!(KeyRing::new([8; 32], &[]).open(org, id, &old), Err(CryptoError::Open));
    }

    #[test]
    fn a_ring_opens_old_and_new_and_the_new_key_alone_opens_only_what_was_rewrapped() {
        let (org, id, id2) = (OrgId::new(), Uuid::now_v7(), Uuid::now_v7());
        let old_ring = KeyRing::new([1; 32], &[]);
        let before = old_ring.seal(org, id, b"before", &rand(5)).unwrap();
        let ring = KeyRing::new([2; 32], &[[1; 32]]);
        let during = ring.seal(org, id2, b"during", &rand(6)).unwrap();
        assert_eq!(ring.open(org, id, &before).unwrap(), b"before");
        assert_eq!(ring.open(org, id2, &during).unwrap(), b"during");
        assert!(ring.is_current(org, &during.wrapped_key));
        assert!(!ring.is_current(org, &before.wrapped_key));
        // Sealed under the new key: the old key alone cannot open it.
        assert_eq!(old_ring.open(org, id2, &during), Err(CryptoError::Open));
        let new_only = ring.current_only();
        assert_eq!(new_only.open(org, id, &before), Err(CryptoError::Open));

        let rewrapped = Sealed {
            body: before.body.clone(),
            wrapped_key: ring.rewrap(org, id, &before.wrapped_key, &[4; 24]).unwrap(),
        };
        assert_eq!(new_only.open(org, id, &rewrapped).unwrap(), b"before");
        assert!(new_only.is_current(org, &rewrapped.wrapped_key));
        assert_eq!(old_ring.open(org, id, &rewrapped), Err(CryptoError::Open), "the old key no longer opens it");
        assert_eq!(KeyRing::new([3; 32], &[]).rewrap(org, id, &before.wrapped_key, &[4; 24]), Err(CryptoError::Open));
    }

    #[test]
    fn an_organisations_generation_rotates_its_key_alone() {
        let (org, other, id, id2) = (OrgId::new(), OrgId::new(), Uuid::now_v7(), Uuid::now_v7());
        let g0 = KeyRing::new([1; 32], &[]);
        let s = g0.seal(org, id, b"text", &rand(7)).unwrap();
        let s_other = g0.seal(other, id2, b"theirs", &rand(8)).unwrap();
        let g1 = g0.clone().with_generations(HashMap::from([(org, 1)]));
        assert_eq!(g1.generation(org), 1);
        assert_eq!(g1.generation(other), 0);
        assert!(!g1.is_current(org, &s.wrapped_key), "the organisation's records need re-wrapping");
        assert!(g1.is_current(other, &s_other.wrapped_key), "another organisation's do not");
        let w = g1.rewrap(org, id, &s.wrapped_key, &[9; 24]).unwrap();
        assert_eq!(wrap_tag(&w), Ok(WrapTag::Tagged { key: g1.current_id(), generation: 1 }));
        assert_ne!(g0.keys[0].org_key(org, 0), g1.keys[0].org_key(org, 1), "a different key-encryption key");
        assert_eq!(g1.open(org, id, &Sealed { body: s.body.clone(), wrapped_key: w }).unwrap(), b"text");
        // A rewritten generation in the tag does not open.
        let mut forged = g1.rewrap(org, id, &s.wrapped_key, &[9; 24]).unwrap();
        forged[12] = 0;
        assert_eq!(g1.open(org, id, &Sealed { body: s.body, wrapped_key: forged }), Err(CryptoError::Open));
    }

    #[test]
    fn derived_keys_come_from_the_oldest_key_and_a_live_handle_swaps_rings() {
        let k = MasterKey::from_bytes([1; 32]);
        let before = k.derive("tip-receipt-lookup");
        k.replace(KeyRing::new([2; 32], &[[1; 32]]));
        assert_eq!(k.derive("tip-receipt-lookup"), before);
        assert_ne!(k.derive("tip-pow"), before);
        assert_eq!(k.ring().ids().len(), 2);
        assert_eq!(format!("{}", k.ring().current_id()).len(), 16);
    }
}
