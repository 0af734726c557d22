//! Anonymous public tips: the proof-of-work challenge, filing a tip (routed to the
//! organisation covering its airport, else the platform's public desk), the tipster's
//! view and answers with the receipt, the desk's reply, and which airports an
//! organisation covers (platform admins).
//!
//! Nothing about the sender is kept: the client address is used only by the
//! in-memory rate limits here (never stored, never logged, forgotten after the
//! window), and every audit entry of a tipster's action has no actor and no address.
//!
//! The receipt (16 digits, about 53 bits) is the only key. It is never stored: the
//! `tips` row holds a 24-bit lookup — the first three bytes of HMAC-SHA256 under a
//! pepper derived from the master key (outside the database) — and an Argon2id hash.
//! A check reads the few rows with that lookup and verifies the hash of each; with
//! none, it verifies a dummy hash, so a receipt that exists and one that does not
//! take the same time and get the same answer. Someone holding the database and the
//! key still needs about 2^29 Argon2id computations per tip to find its receipt.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sightline_domain::FieldError;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::crypto::{MasterKey, Sealed};
use sightline_domain::ids::OrgId;
use sightline_domain::report::{self, Iata};
use sightline_domain::tip::{self, Receipt, TipInput};
use sightline_domain::triage::ReporterStatus;
use sightline_domain::user::Role;
use sightline_storage::{NewTip, NewTipMessage, StorageError, TipKey};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::security::random_bytes;
use crate::{App, AppError, Caller, Result};

/// The knobs of the anti-abuse rules (defaults for production; tests lower the work).
#[derive(Debug, Clone)]
pub struct TipPolicy {
    /// Leading zero bits the proof-of-work needs (16: about 65 000 hashes, well under
    /// 2 s of JavaScript on a phone).
    pub pow_bits: u32,
    /// How long a challenge stays good, in seconds.
    pub challenge_ttl: i64,
    /// The rate limits' window, in seconds.
    pub window: i64,
    /// Tips per address and window (with proof-of-work).
    pub tips: usize,
    /// Tips without JavaScript (no proof-of-work) per address and window.
    pub tips_without_js: usize,
    /// Receipt checks (status views and answers) per address and window.
    pub checks: usize,
    /// How long a tip without proof-of-work waits (the slow path).
    pub slow_path: std::time::Duration,
}

impl Default for TipPolicy {
    fn default() -> Self {
        Self {
            pow_bits: 16,
            challenge_ttl: 15 * 60,
            window: 10 * 60,
            tips: 10,
            tips_without_js: 3,
            checks: 30,
            slow_path: std::time::Duration::from_secs(5),
        }
    }
}

/// What the tip rules hold in memory: the keys derived from the master key and the
/// rate limits' counters. Nothing here is stored. (Spent challenges are in the
/// database, so a challenge is good once across every node: `Db::spend_challenge`.)
pub struct TipGuard {
    pub policy: TipPolicy,
    pow_key: [u8; 32],
    pepper: [u8; 32],
    hits: Mutex<HashMap<(&'static str, String), VecDeque<i64>>>,
}

/// The derived secrets' labels: the proof-of-work signing key and the receipt pepper.
pub const POW_LABEL: &str = "tip-pow";
pub const PEPPER_LABEL: &str = "tip-receipt-lookup";

/// The most addresses held at once; beyond it the oldest are dropped.
const MAX_TRACKED: usize = 100_000;

impl TipGuard {
    #[must_use]
    pub fn new(keys: &MasterKey, policy: TipPolicy) -> Self {
        Self::with_keys(keys.derive(POW_LABEL), keys.derive(PEPPER_LABEL), policy)
    }

    /// With the proof-of-work key and receipt pepper kept in the database
    /// ([`crate::keys::derived_key`]), which outlive a rotation of the master key.
    #[must_use]
    pub fn with_keys(pow_key: [u8; 32], pepper: [u8; 32], policy: TipPolicy) -> Self {
        Self { policy, pow_key, pepper, hits: Mutex::new(HashMap::new()) }
    }

    fn mac(&self, text: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.pow_key) else { return String::new() };
        mac.update(text.as_bytes());
        data_encoding::BASE64URL_NOPAD.encode(&mac.finalize().into_bytes()[..16])
    }

    /// The receipt's lookup: the first 24 bits of HMAC-SHA256(pepper, receipt).
    #[must_use]
    pub fn lookup(&self, receipt: &Receipt) -> i64 {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.pepper) else { return 0 };
        mac.update(receipt.digits().as_bytes());
        let b = mac.finalize().into_bytes();
        i64::from(b[0]) << 16 | i64::from(b[1]) << 8 | i64::from(b[2])
    }

    /// Count one `kind` of request from `addr`; `false` when over `limit` in the window.
    fn allow(&self, kind: &'static str, addr: Option<&str>, limit: usize, now: i64) -> bool {
        let Ok(mut hits) = self.hits.lock() else { return false };
        if hits.len() >= MAX_TRACKED {
            let window = self.policy.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now - t < window));
            if hits.len() >= MAX_TRACKED {
                hits.clear();
            }
        }
        let q = hits.entry((kind, addr.unwrap_or("-").to_owned())).or_default();
        while q.front().is_some_and(|t| now - t >= self.policy.window) {
            q.pop_front();
        }
        if q.len() >= limit {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// The proof-of-work the form sends back: the server's challenge and the nonce the
/// browser found (empty without JavaScript).
#[derive(Debug, Clone, Default)]
pub struct PowAnswer {
    pub challenge: String,
    pub nonce: String,
}

/// Argon2id for receipts: m = 4 MiB, t = 1, p = 1 (about 5 ms here in release). The
/// receipt's own 53 bits carry the strength; the hash only makes each guess cost
/// time and memory for someone who also holds the key.
fn receipt_argon2() -> Argon2<'static> {
    let params = Params::new(4 * 1024, 1, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_receipt(receipt: &Receipt) -> Result<String> {
    let salt = random_bytes::<16>().map_err(AppError::Internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    receipt_argon2()
        .hash_password(receipt.digits().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Verify `receipt` against each candidate; with none, against a dummy hash, so the
/// time does not tell whether a tip has this lookup.
fn verify_receipt(receipt: &Receipt, candidates: Vec<TipKey>) -> Option<TipKey> {
    const DUMMY: &str =
        "$argon2id$v=19$m=4096,t=1,p=1$c2lnaHRsaW5lLWR1bW15$9q8Qf0kqg1yLzF4y7GqkQ3qkXj1uR0m0v8b7cXh6l2Q";
    let a = receipt_argon2();
    if candidates.is_empty() {
        if let Ok(h) = PasswordHash::new(DUMMY) {
            let _ = a.verify_password(receipt.digits().as_bytes(), &h);
        }
        return None;
    }
    let mut found = None;
    for c in candidates {
        let ok = PasswordHash::new(&c.receipt_hash)
            .is_ok_and(|h| a.verify_password(receipt.digits().as_bytes(), &h).is_ok());
        if ok && found.is_none() {
            found = Some(c);
        }
    }
    found
}

/// What a tipster sees with the receipt.
#[derive(Debug, Clone)]
pub struct TipStatus {
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub status: ReporterStatus,
    pub messages: Vec<ThreadMessage>,
}

/// One message of a tip's thread, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    pub at: OffsetDateTime,
    pub from_desk: bool,
    /// The analyst's name (desk view only; the tipster sees "the desk").
    pub author: Option<String>,
    pub text: String,
}

/// The tip part of a case, for the desk.
#[derive(Debug, Clone)]
pub struct TipFile {
    pub seen: String,
    pub contact: String,
    pub messages: Vec<ThreadMessage>,
}

fn pow_error(code: &'static str) -> AppError {
    AppError::field("pow", code)
}

fn throttled(field: &'static str) -> AppError {
    AppError::field(field, "throttled")
}

impl App {
    /// A fresh proof-of-work challenge for the tip form: `v1.<expiry>.<nonce>.<bits>.<mac>`,
    /// signed with a key derived from the master key (so any node can check it).
    ///
    /// # Errors
    /// The system's random source failed.
    pub fn tip_challenge(&self) -> Result<String> {
        let g = &self.tips;
        let nonce = data_encoding::BASE64URL_NOPAD.encode(&random_bytes::<16>().map_err(AppError::Internal)?);
        let body = format!("v1.{}.{nonce}.{}", self.now().unix_timestamp() + g.policy.challenge_ttl, g.policy.pow_bits);
        let mac = g.mac(&body);
        Ok(format!("{body}.{mac}"))
    }

    /// Check the proof-of-work and spend its challenge. `Ok(false)`: no nonce was
    /// sent (a browser without JavaScript) — the caller takes the slow path.
    async fn check_pow(&self, pow: &PowAnswer) -> Result<bool> {
        let g = &self.tips;
        let now = self.now().unix_timestamp();
        let c = pow.challenge.trim();
        if c.is_empty() {
            return Err(pow_error("pow-missing"));
        }
        let parts: Vec<&str> = c.split('.').collect();
        let [v, expires, nonce, bits, mac] = parts.as_slice() else { return Err(pow_error("pow-invalid")) };
        let body = format!("{v}.{expires}.{nonce}.{bits}");
        let signed = crate::security::constant_time_eq(g.mac(&body).as_bytes(), mac.as_bytes());
        let (Ok(expires), Ok(bits), true, true) = (expires.parse::<i64>(), bits.parse::<u32>(), signed, *v == "v1")
        else {
            return Err(pow_error("pow-invalid"));
        };
        if expires < now {
            return Err(pow_error("pow-expired"));
        }
        let solved = !pow.nonce.trim().is_empty();
        if solved && !tip::pow_ok(c, pow.nonce.trim(), bits) {
            return Err(pow_error("pow-invalid"));
        }
        if !self.db.spend_challenge(nonce, expires).await? {
            return Err(pow_error("pow-replayed"));
        }
        Ok(solved)
    }

    /// File an anonymous tip. Order: the rate limit of the sender's address (held in
    /// memory only), every field, the free-text guard (words about origin, skin
    /// colour, religion or nationality in `lang`'s list or English: a warning the
    /// person can `confirm` past), the proof-of-work (or, without one, the slower path
    /// and its tighter limit), then one transaction. Returns the receipt, shown once
    /// (only its lookup and Argon2id hash are stored), and the case reference.
    ///
    /// # Errors
    /// [`AppError::Invalid`]: `tip:throttled`, every field at fault,
    /// `text:guard-words`, `pow:*`; the database failed (nothing stored).
    pub async fn file_tip(
        &self,
        input: &TipInput,
        pow: &PowAnswer,
        lang: &str,
        confirmed: bool,
        addr: Option<&str>,
    ) -> Result<(Receipt, String)> {
        let g = Arc::clone(&self.tips);
        let now = self.now().unix_timestamp();
        if !g.allow("tip", addr, g.policy.tips, now) {
            return Err(throttled("tip"));
        }
        let parsed = input.parse(&self.library.airports, &self.library.indicators, self.now().date())?;
        let guard = &self.library.guard;
        let flagged = [lang, "en"].iter().any(|l| !guard.matches(l, &parsed.text).is_empty());
        if flagged && !confirmed {
            return Err(AppError::field("text", "guard-words"));
        }
        let solved = self.check_pow(pow).await?;
        if !solved {
            if !g.allow("tip-no-js", addr, g.policy.tips_without_js, now) {
                return Err(throttled("tip"));
            }
            tokio::time::sleep(g.policy.slow_path).await;
        }
        let org = match &parsed.airport {
            Some(a) => match self.db.covering_org(a.as_str()).await? {
                Some(org) => org,
                None => self.db.public_desk(self.now()).await?,
            },
            None => self.db.public_desk(self.now()).await?,
        };
        let receipt = loop {
            if let Some(r) = Receipt::from_random(random_bytes::<8>().map_err(AppError::Internal)?) {
                break r;
            }
        };
        let hashed = {
            let r = receipt.clone();
            tokio::task::spawn_blocking(move || hash_receipt(&r))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??
        };
        let id = Uuid::now_v7();
        // The reporter id is the organisation's tip-line account, set by storage.
        let report = crate::reports::seal_report(
            &self.library,
            &self.keys,
            (org, sightline_domain::ids::UserId::from_uuid(Uuid::nil())),
            id,
            &parsed.as_report(),
            &parsed.contact,
            &report::RelayCodeword::default(),
        )?;
        let reference = report.reference.clone();
        let tip = NewTip {
            report,
            lookup: g.lookup(&receipt),
            receipt_hash: hashed,
            seen: tip::seen_text(parsed.date, parsed.time),
        };
        self.db.put_tip(&tip, self.now()).await?;
        Ok((receipt, reference))
    }

    /// Find the tip a receipt opens (throttled per address, constant work).
    async fn tip_by_receipt(&self, receipt: &str, addr: Option<&str>) -> Result<TipKey> {
        let g = Arc::clone(&self.tips);
        if !g.allow("receipt", addr, g.policy.checks, self.now().unix_timestamp()) {
            return Err(throttled("receipt"));
        }
        let unknown = || AppError::field("receipt", "unknown-receipt");
        let Ok(receipt) = Receipt::parse(receipt) else { return Err(unknown()) };
        let candidates = self.db.tips_by_lookup(g.lookup(&receipt)).await?;
        tokio::task::spawn_blocking(move || verify_receipt(&receipt, candidates))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .ok_or_else(unknown)
    }

    fn open_message(&self, org: OrgId, id: Uuid, (body, wrapped_key): (Vec<u8>, Vec<u8>)) -> Result<String> {
        self.keys
            .open(org, id, &Sealed { body, wrapped_key })
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    async fn thread(&self, org: OrgId, report: Uuid, names: bool) -> Result<Vec<ThreadMessage>> {
        let people = if names { self.db.list_users(org).await? } else { Vec::new() };
        let mut out = Vec::new();
        for m in self.db.tip_messages(org, report).await? {
            out.push(ThreadMessage {
                at: m.at,
                from_desk: m.from_desk,
                author: m.actor_id.and_then(|a| people.iter().find(|p| p.id == a)).map(|p| p.name.clone()),
                text: self.open_message(org, m.id, m.sealed)?,
            });
        }
        Ok(out)
    }

    /// What the tipster sees with the receipt: the status in a reporter's terms and
    /// the thread (the desk's side without names).
    ///
    /// # Errors
    /// `receipt:unknown-receipt` (also for a mistyped receipt), `receipt:throttled`.
    pub async fn tip_status(&self, receipt: &str, addr: Option<&str>) -> Result<TipStatus> {
        let key = self.tip_by_receipt(receipt, addr).await?;
        self.status_of(&key).await
    }

    async fn status_of(&self, key: &TipKey) -> Result<TipStatus> {
        let case = self.db.case(key.org_id, key.report_id).await?;
        Ok(TipStatus {
            reference: case.reference,
            received_at: case.received_at,
            status: case.status.for_reporter(),
            messages: self.thread(key.org_id, key.report_id, false).await?,
        })
    }

    /// The tipster answers the desk (sealed; audited with no actor and no address).
    ///
    /// # Errors
    /// As [`Self::tip_status`]; `message` empty or too long.
    pub async fn answer_tip(&self, receipt: &str, text: &str, addr: Option<&str>) -> Result<TipStatus> {
        let text = tip::parse_message(text)?;
        let key = self.tip_by_receipt(receipt, addr).await?;
        self.add_message(key.org_id, key.report_id, None, &text).await?;
        self.status_of(&key).await
    }

    async fn add_message(
        &self,
        org: OrgId,
        report: Uuid,
        actor: Option<sightline_domain::ids::UserId>,
        text: &str,
    ) -> Result<()> {
        let id = Uuid::now_v7();
        let r = crate::security::seal_random().map_err(AppError::Internal)?;
        let sealed = self.keys.seal(org, id, text.as_bytes(), &r).map_err(|e| AppError::Internal(e.to_string()))?;
        let m = NewTipMessage {
            id,
            org_id: org,
            report_id: report,
            from_desk: actor.is_some(),
            actor_id: actor,
            sealed: sealed.body,
            wrapped_key: sealed.wrapped_key,
        };
        Ok(self.db.add_tip_message(&m, self.now()).await?)
    }

    /// The desk writes to the tipster from the case (audited `tip.replied`).
    ///
    /// # Errors
    /// Not a desk analyst; not this organisation's case (audited), or not a tip;
    /// `message` empty or too long.
    pub async fn reply_to_tip(&self, caller: &Caller, id: Uuid, text: &str) -> Result<()> {
        let me = caller.require(Role::DeskAnalyst)?;
        let case = self.own_case(me, id).await?;
        let text = tip::parse_message(text)?;
        if !case.public_tip {
            return Err(AppError::NotFound);
        }
        self.add_message(me.org(), case.id, Some(me.id()), &text).await
    }

    /// The tip part of a case the desk opened (the caller is checked by the caller).
    pub(crate) async fn tip_file(&self, me: &Caller, id: Uuid, contact: String) -> Result<TipFile> {
        let seen = self.db.tip_seen(me.org(), id).await?.unwrap_or_default();
        Ok(TipFile { seen, contact, messages: self.thread(me.org(), id, true).await? })
    }

    /// An organisation's name and the airports it covers (platform admins).
    ///
    /// # Errors
    /// Not a platform admin; no such organisation; the database failed.
    pub async fn org_airports(&self, caller: &Caller, org: OrgId) -> Result<(String, Vec<String>)> {
        caller.require(Role::PlatformAdmin)?;
        let name = self.db.get_org(org).await?.name;
        Ok((name, self.db.org_airports(org).await?))
    }

    /// Set the airports an organisation covers: tips about them go to its desk
    /// (platform admins; audited). Codes are separated by spaces or commas.
    ///
    /// # Errors
    /// Not a platform admin; `airports:unknown-airport` / `invalid-airport` /
    /// `too-many`; `airports` conflicts when another organisation covers one.
    pub async fn set_org_airports(&self, caller: &Caller, org: OrgId, codes: &str) -> Result<Vec<String>> {
        let me = caller.require(Role::PlatformAdmin)?;
        self.db.get_org(org).await?;
        let mut list: Vec<String> = Vec::new();
        for code in codes.split([' ', ',', ';', '\n', '\r', '\t']).filter(|c| !c.is_empty()) {
            let iata = Iata::parse_code(code).map_err(|_| FieldError::new("airports", "invalid-airport"))?;
            if report::AirportLookup::airport(&self.library.airports, iata.as_str()).is_none() {
                return Err(AppError::field("airports", "unknown-airport"));
            }
            if !list.iter().any(|a| a == iata.as_str()) {
                list.push(iata.as_str().to_owned());
            }
        }
        if list.len() > sightline_storage::MAX_AIRPORTS {
            return Err(AppError::field("airports", "too-many"));
        }
        list.sort();
        let audit = NewAuditEntry::new(AuditAction::OrgAirportsChanged)
            .org(org)
            .actor(me.id())
            .target("organisation", org)
            .detail(list.join(" "))
            .ip(me.ip().map(str::to_owned));
        match self.db.set_org_airports(org, &list, &audit, self.now()).await {
            Err(StorageError::Conflict { .. }) => Err(AppError::field("airports", "airport-taken")),
            other => other.map(|()| list).map_err(AppError::from),
        }
    }
}
