//! A short-lived cache of API tokens (issue 16): a crew reporter's device sends its
//! token with every report, and reading the token, its person and their roles from
//! the database each time was one query of every ingest request. Entries live for
//! [`TOKEN_CACHE_TTL`] by default, so a token revoked, or a role removed, on
//! another node stops working within that time; on the node that made the change
//! it stops at once, because every use case here that revokes a token or changes a
//! person's roles, position, account or second factor moves the cache's epoch on,
//! which empties it.
//! Bounded: at [`MAX_ENTRIES`] the cache starts again empty.
//!
//! It also holds each organisation's relay-message codeword, read with every report
//! too, under the same lifetime: a codeword changed here is used at once, one changed
//! on another node within the lifetime.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sightline_domain::ids::OrgId;
use sightline_domain::user::Scopes;
use sightline_storage::UserRecord;

/// How long a token read from the database is trusted without reading it again.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5);
/// The most tokens held at once.
pub const MAX_ENTRIES: usize = 10_000;

struct Entry {
    user: UserRecord,
    scopes: Scopes,
    read_at: Instant,
    epoch: u64,
}

/// An organisation's stored codeword, when and at which epoch it was read.
type Codeword = (Option<String>, Instant, u64);

/// Tokens (by their SHA-256 hash) with the person and scopes they stood for.
pub struct TokenCache {
    ttl: Duration,
    epoch: AtomicU64,
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
    codewords: Mutex<HashMap<OrgId, Codeword>>,
}

impl TokenCache {
    #[must_use]
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            epoch: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            codewords: Mutex::new(HashMap::new()),
        }
    }

    /// The epoch to pass to [`TokenCache::put`]: read it before the database, so a
    /// change made while the read was under way makes the entry stale.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The person and scopes `hash` stood for when last read, if that was recent
    /// and nothing changed on this node since.
    pub fn get(&self, hash: &[u8]) -> Option<(UserRecord, Scopes)> {
        if self.ttl.is_zero() {
            return None;
        }
        let epoch = self.epoch();
        let entries = self.entries.lock().ok()?;
        let e = entries.get(hash)?;
        (e.epoch == epoch && e.read_at.elapsed() < self.ttl).then(|| (e.user.clone(), e.scopes.clone()))
    }

    /// Remember what `hash` stands for, read from the database at `epoch`.
    pub fn put(&self, hash: Vec<u8>, user: &UserRecord, scopes: &Scopes, epoch: u64) {
        if self.ttl.is_zero() || epoch != self.epoch() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(hash, Entry { user: user.clone(), scopes: scopes.clone(), read_at: Instant::now(), epoch });
        }
    }

    /// A token was revoked or someone's roles, position or account changed: forget
    /// everything.
    pub fn invalidate(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
        if let Ok(mut words) = self.codewords.lock() {
            words.clear();
        }
    }

    /// The organisation's stored codeword (`Some(None)`: none set) when read recently.
    pub fn codeword(&self, org: OrgId) -> Option<Option<String>> {
        if self.ttl.is_zero() {
            return None;
        }
        let epoch = self.epoch();
        let words = self.codewords.lock().ok()?;
        let (word, read_at, at) = words.get(&org)?;
        (*at == epoch && read_at.elapsed() < self.ttl).then(|| word.clone())
    }

    /// Remember the organisation's codeword, read from the database at `epoch`.
    pub fn put_codeword(&self, org: OrgId, word: Option<String>, epoch: u64) {
        if self.ttl.is_zero() || epoch != self.epoch() {
            return;
        }
        if let Ok(mut words) = self.codewords.lock() {
            if words.len() >= MAX_ENTRIES {
                words.clear();
            }
            words.insert(org, (word, Instant::now(), epoch));
        }
    }
}
