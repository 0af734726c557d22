//! The audit trail: what happened, who did it, to which record, when.
//!
//! Entries form a hash chain. Each entry's hash is SHA-256 over the previous entry's
//! hash and the entry's canonical encoding, so changing, inserting or removing any
//! entry breaks every hash after it. Verification needs no key, so an authority can
//! check an export independently.

use std::fmt;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::ids::{OrgId, UserId};

/// The hash before the first entry.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// What happened. Stored as its stable string; new actions are added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SetupCompleted,
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    TwoFactorEnabled,
    TwoFactorFailed,
    RecoveryCodeUsed,
    OrgCreated,
    UserCreated,
    RolesChanged,
    UserDeactivated,
    InvitationCreated,
    InvitationAccepted,
    RosterImported,
    PasswordResetIssued,
    PasswordResetCompleted,
    ApiTokenCreated,
    ApiTokenRevoked,
    CrossOrgAccessDenied,
    CertificateIssued,
    CertificateRevoked,
    PositionChanged,
    ReportReceived,
    ReportViewed,
    CaseTransition,
    CaseAssigned,
    CaseNoteAdded,
    CaseEscalated,
    CaseMerged,
    AlertsConfigured,
    EscalationLeadChanged,
    /// An organisation administrator set or cleared the relay-message codeword.
    RelayCodewordChanged,
    /// A platform admin added, changed or removed a routing-directory entry.
    DirectoryChanged,
    /// Entries new in the content file were added to the routing directory.
    DirectorySeeded,
    /// An anonymous public tip arrived (no actor, no address).
    TipReceived,
    /// The tipster wrote in a tip's thread (no actor, no address).
    TipMessageReceived,
    /// An analyst wrote to the tipster.
    TipReplied,
    /// A platform admin set the airports an organisation covers.
    OrgAirportsChanged,
    /// The desk referred a case to a partner.
    ReferralMade,
    /// A referral's shared record was opened (desk or partner).
    ReferralViewed,
    /// A partner acknowledged, accepted or declined a referral, or recorded support.
    ReferralUpdated,
    /// A message on a referral.
    ReferralMessage,
    /// The desk was alerted that a partner has not acknowledged a referral in time.
    ReferralOverdue,
    /// An organisation's admin changed its public partner page.
    PartnerPageChanged,
    /// An administrator set, replaced or stopped the partner's referral webhook.
    ReferralWebhookConfigured,
    /// An administrator sent a dead-lettered referral webhook delivery again.
    ReferralDeliveryRetried,
    /// An administrator assigned a course to a position, or changed or removed an assignment.
    AssignmentChanged,
    /// An administrator changed the organisation's training reminders or fiscal year.
    TrainingSettingsChanged,
    /// An administrator set, changed or removed the organisation's single sign-on.
    SsoConfigured,
    /// A person signed in through the organisation's identity provider.
    SsoSignIn,
    /// A single sign-on answer was refused (bad token, replayed state, provider error …).
    SsoRefused,
    /// An administrator set or changed the organisation's xAPI (LRS) settings.
    XapiConfigured,
    /// An administrator sent the organisation's dead-lettered xAPI statements again.
    XapiStatementsRetried,
    /// An administrator set the organisation's retention policy.
    RetentionChanged,
    /// A closed case's text and personal data were removed under the retention
    /// policy; a tombstone stays (no actor: the purge job or `sightline purge`).
    CasePurged,
    /// An administrator placed a legal hold on a case (nothing under hold is purged).
    LegalHoldPlaced,
    /// An administrator lifted a case's legal hold.
    LegalHoldLifted,
    /// `sightline keys rotate` began re-wrapping data keys (the master key's, or one
    /// organisation's generation); only key ids are recorded.
    KeyRotationStarted,
    /// A key rotation was verified and finished: every sealed record opens with the new key.
    KeyRotationFinished,
    /// A person's training records were removed under the retention policy, some
    /// time after they left (no actor: the purge).
    TrainingPurged,
    /// An expired certificate became a tombstone with no link to its holder (no
    /// actor: the purge).
    CertificatePurged,
    /// Audit entries of an organisation older than its audit period were redacted
    /// (detail, address and actor cleared, hashes kept). The target names the
    /// sequence range it covers (`audit_range`, `<first>-<last>`); the chain's
    /// verifier accepts a redacted entry only under such a later record.
    AuditRedacted,
}

impl AuditAction {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SetupCompleted => "setup.completed",
            Self::SignIn => "auth.sign_in",
            Self::SignInFailed => "auth.sign_in_failed",
            Self::SignInThrottled => "auth.sign_in_throttled",
            Self::SignOut => "auth.sign_out",
            Self::TwoFactorEnabled => "auth.two_factor_enabled",
            Self::TwoFactorFailed => "auth.two_factor_failed",
            Self::RecoveryCodeUsed => "auth.recovery_code_used",
            Self::OrgCreated => "org.created",
            Self::UserCreated => "user.created",
            Self::RolesChanged => "user.roles_changed",
            Self::UserDeactivated => "user.deactivated",
            Self::InvitationCreated => "invitation.created",
            Self::InvitationAccepted => "invitation.accepted",
            Self::RosterImported => "roster.imported",
            Self::PasswordResetIssued => "password_reset.issued",
            Self::PasswordResetCompleted => "password_reset.completed",
            Self::ApiTokenCreated => "api_token.created",
            Self::ApiTokenRevoked => "api_token.revoked",
            Self::CrossOrgAccessDenied => "access.cross_org_denied",
            Self::CertificateIssued => "certificate.issued",
            Self::CertificateRevoked => "certificate.revoked",
            Self::PositionChanged => "user.position_changed",
            Self::ReportReceived => "report.received",
            Self::ReportViewed => "report.viewed",
            Self::CaseTransition => "case.transition",
            Self::CaseAssigned => "case.assigned",
            Self::CaseNoteAdded => "case.note_added",
            Self::CaseEscalated => "case.escalated",
            Self::CaseMerged => "case.merged",
            Self::AlertsConfigured => "org.alerts_configured",
            Self::EscalationLeadChanged => "org.escalation_lead_changed",
            Self::RelayCodewordChanged => "org.relay_codeword_changed",
            Self::DirectoryChanged => "directory.changed",
            Self::DirectorySeeded => "directory.seeded",
            Self::TipReceived => "tip.received",
            Self::TipMessageReceived => "tip.message_received",
            Self::TipReplied => "tip.replied",
            Self::OrgAirportsChanged => "org.airports_changed",
            Self::ReferralMade => "referral.made",
            Self::ReferralViewed => "referral.viewed",
            Self::ReferralUpdated => "referral.updated",
            Self::ReferralMessage => "referral.message",
            Self::ReferralOverdue => "referral.overdue",
            Self::PartnerPageChanged => "org.partner_page_changed",
            Self::ReferralWebhookConfigured => "org.referral_webhook_configured",
            Self::ReferralDeliveryRetried => "referral.delivery_retried",
            Self::AssignmentChanged => "training.assignment_changed",
            Self::TrainingSettingsChanged => "training.settings_changed",
            Self::SsoConfigured => "org.sso_configured",
            Self::SsoSignIn => "auth.sso_sign_in",
            Self::SsoRefused => "auth.sso_refused",
            Self::XapiConfigured => "org.xapi_configured",
            Self::XapiStatementsRetried => "xapi.statements_retried",
            Self::RetentionChanged => "org.retention_changed",
            Self::CasePurged => "case.purged",
            Self::LegalHoldPlaced => "case.legal_hold_placed",
            Self::LegalHoldLifted => "case.legal_hold_lifted",
            Self::KeyRotationStarted => "key.rotation_started",
            Self::KeyRotationFinished => "key.rotation_finished",
            Self::TrainingPurged => "training.purged",
            Self::CertificatePurged => "certificate.purged",
            Self::AuditRedacted => "audit.redacted",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entry about to be appended (the storage layer assigns `seq` and the hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub org_id: Option<OrgId>,
    pub actor: Option<UserId>,
    pub action: AuditAction,
    /// Kind of record acted on, e.g. `user`, `organisation`.
    pub target_kind: Option<&'static str>,
    pub target_id: Option<String>,
    /// Short, non-sensitive detail (never report content or secrets).
    pub detail: String,
    /// The client address, where there was one.
    pub ip: Option<String>,
}

impl NewAuditEntry {
    #[must_use]
    pub fn new(action: AuditAction) -> Self {
        Self { org_id: None, actor: None, action, target_kind: None, target_id: None, detail: String::new(), ip: None }
    }
    #[must_use]
    pub fn org(mut self, org: OrgId) -> Self {
        self.org_id = Some(org);
        self
    }
    #[must_use]
    pub fn actor(mut self, user: UserId) -> Self {
        self.actor = Some(user);
        self
    }
    #[must_use]
    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id.to_string());
        self
    }
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
    #[must_use]
    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub org_id: Option<OrgId>,
    pub actor: Option<UserId>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    /// When the entry's detail, address and actor were cleared under the retention
    /// policy; its hash then covers content that is gone, and only its links verify.
    pub redacted_at: Option<OffsetDateTime>,
}

/// The target kind of an [`AuditAction::AuditRedacted`] entry; its target id is the
/// range of sequence numbers it covers, `<first>-<last>`.
pub const REDACTED_RANGE: &str = "audit_range";

/// The range an `audit.redacted` entry's target id names (`<first>-<last>`).
#[must_use]
pub fn redacted_range(target_id: &str) -> Option<(i64, i64)> {
    let (a, b) = target_id.split_once('-')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (a <= b).then_some((a, b))
}

/// Timestamps are kept to the microsecond, the precision PostgreSQL stores, so the
/// same hash is computed on every engine.
#[must_use]
pub fn audit_time(now: OffsetDateTime) -> OffsetDateTime {
    let micros = now.microsecond();
    now.replace_microsecond(micros).unwrap_or(now)
}

/// The hash of an entry, given the previous entry's hash.
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn entry_hash(
    prev_hash: &[u8],
    seq: i64,
    at: OffsetDateTime,
    org_id: Option<OrgId>,
    actor: Option<UserId>,
    action: &str,
    target_kind: Option<&str>,
    target_id: Option<&str>,
    detail: &str,
    ip: Option<&str>,
) -> [u8; 32] {
    fn field(h: &mut Sha256, bytes: &[u8]) {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    }
    fn opt(h: &mut Sha256, value: Option<&[u8]>) {
        match value {
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                field(h, v);
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"sightline-audit-v1");
    field(&mut h, prev_hash);
    h.update(seq.to_be_bytes());
    h.update((at.unix_timestamp_nanos() / 1_000).to_be_bytes());
    opt(&mut h, org_id.map(|o| o.as_uuid().into_bytes()).as_ref().map(|b| &b[..]));
    opt(&mut h, actor.map(|a| a.as_uuid().into_bytes()).as_ref().map(|b| &b[..]));
    field(&mut h, action.as_bytes());
    opt(&mut h, target_kind.map(str::as_bytes));
    opt(&mut h, target_id.map(str::as_bytes));
    field(&mut h, detail.as_bytes());
    opt(&mut h, ip.map(str::as_bytes));
    h.finalize().into()
}

impl AuditEntry {
    /// Recompute this entry's hash from its content and `prev_hash`.
    #[must_use]
    pub fn computed_hash(&self) -> [u8; 32] {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            self.org_id,
            self.actor,
            &self.action,
            self.target_kind.as_deref(),
            self.target_id.as_deref(),
            &self.detail,
            self.ip.as_deref(),
        )
    }
}

/// Why the chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("entry {seq}: its content does not match its hash (the entry was changed)")]
    HashMismatch { seq: i64 },
    #[error("entry {seq}: it does not link to the entry before it (an entry was removed, inserted or reordered)")]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: sequence number out of order after {previous}")]
    Gap { seq: i64, previous: i64 },
    #[error("entry {seq}: redacted, but no later audit.redacted entry of its organisation covers it")]
    UncoveredRedaction { seq: i64 },
}

impl ChainError {
    #[must_use]
    pub const fn seq(&self) -> i64 {
        match self {
            Self::HashMismatch { seq }
            | Self::BrokenLink { seq }
            | Self::Gap { seq, .. }
            | Self::UncoveredRedaction { seq } => *seq,
        }
    }
}

/// Incremental verifier: feed entries in `seq` order, then [`Self::finish`].
///
/// An entry with its content is checked by its hash and its link to the entry before.
/// A redacted entry (`redacted_at` set) is checked by its link alone — its content is
/// gone, so its hash cannot be recomputed; the next entry's link still covers its
/// stored hash — and only when a later, intact `audit.redacted` entry of the same
/// organisation names a range of sequence numbers that holds it. Redacted entries
/// waiting for such a record are kept as ranges per organisation; any left at the
/// end fail ([`ChainError::UncoveredRedaction`]).
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last_hash: Vec<u8>,
    last_seq: i64,
    checked: u64,
    /// Redacted entries not yet covered, as runs: (organisation, first seq, last seq,
    /// open). A run holds only redacted entries of its organisation (other
    /// organisations' entries may lie between); an intact entry of the organisation
    /// closes it, and the next redacted one starts a new run.
    pending: Vec<(Option<OrgId>, i64, i64, bool)>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { last_hash: GENESIS_HASH.to_vec(), last_seq: 0, checked: 0, pending: Vec::new() }
    }
}

impl ChainVerifier {
    /// # Errors
    /// The first way in which `entry` breaks the chain.
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainError> {
        if entry.seq != self.last_seq + 1 {
            return Err(ChainError::Gap { seq: entry.seq, previous: self.last_seq });
        }
        if entry.prev_hash != self.last_hash {
            return Err(ChainError::BrokenLink { seq: entry.seq });
        }
        let run = self.pending.iter_mut().rev().find(|(o, _, _, _)| *o == entry.org_id);
        if entry.redacted_at.is_some() {
            // Linkage only; covered later or failed at the end.
            match run {
                Some(run) if run.3 => run.2 = entry.seq,
                _ => self.pending.push((entry.org_id, entry.seq, entry.seq, true)),
            }
        } else {
            if let Some(run) = run {
                run.3 = false;
            }
            if entry.computed_hash()[..] != entry.hash[..] {
                return Err(ChainError::HashMismatch { seq: entry.seq });
            }
            if entry.action == AuditAction::AuditRedacted.as_str()
                && entry.target_kind.as_deref() == Some(REDACTED_RANGE)
                && let Some((first, last)) = entry.target_id.as_deref().and_then(redacted_range)
            {
                self.cover(entry.org_id, first, last.min(entry.seq - 1));
            }
        }
        self.last_hash.clone_from(&entry.hash);
        self.last_seq = entry.seq;
        self.checked += 1;
        Ok(())
    }

    /// Take `first..=last` of `org`'s pending redacted entries as covered.
    fn cover(&mut self, org: Option<OrgId>, first: i64, last: i64) {
        let mut kept = Vec::with_capacity(self.pending.len() + 1);
        for (o, a, b, open) in self.pending.drain(..) {
            if o != org || b < first || a > last {
                kept.push((o, a, b, open));
                continue;
            }
            if a < first {
                kept.push((o, a, first - 1, false));
            }
            if b > last {
                kept.push((o, last + 1, b, open));
            }
        }
        self.pending = kept;
    }

    /// The end of the chain: every redacted entry must have been covered.
    ///
    /// # Errors
    /// [`ChainError::UncoveredRedaction`] naming the first redacted entry no later
    /// `audit.redacted` record covers.
    pub fn finish(&self) -> Result<u64, ChainError> {
        match self.pending.iter().map(|(_, a, _, _)| *a).min() {
            Some(seq) => Err(ChainError::UncoveredRedaction { seq }),
            None => Ok(self.checked),
        }
    }
    #[must_use]
    pub const fn checked(&self) -> u64 {
        self.checked
    }
    #[must_use]
    pub fn last_hash(&self) -> &[u8] {
        &self.last_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_vec();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: datetime!(2026-11-28 10:00:00.123456 UTC),
                    org_id: Some(OrgId::new()),
                    actor: None,
                    action: AuditAction::SignIn.as_str().to_owned(),
                    target_kind: Some("user".into()),
                    target_id: Some(format!("u{seq}")),
                    detail: String::new(),
                    ip: Some("127.0.0.1".into()),
                    prev_hash: prev.clone(),
                    hash: vec![],
                    redacted_at: None,
                };
                e.hash = e.computed_hash().to_vec();
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry]) -> Result<u64, ChainError> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(e)?;
        }
        v.finish()
    }

    /// Redact entries `seqs` (as the purge does: content cleared, hashes kept).
    fn redact(entries: &mut [AuditEntry], seqs: &[i64]) {
        for e in entries.iter_mut().filter(|e| seqs.contains(&e.seq)) {
            e.detail.clear();
            e.ip = None;
            e.actor = None;
            e.redacted_at = Some(e.at);
        }
    }

    /// Append an `audit.redacted` record covering `first..=last` of `org`.
    fn record(entries: &mut Vec<AuditEntry>, org: Option<OrgId>, first: i64, last: i64) {
        let prev = entries.last().map_or(GENESIS_HASH.to_vec(), |e| e.hash.clone());
        let mut e = AuditEntry {
            seq: entries.len() as i64 + 1,
            at: datetime!(2027-11-28 10:00:00 UTC),
            org_id: org,
            actor: None,
            action: AuditAction::AuditRedacted.as_str().to_owned(),
            target_kind: Some(REDACTED_RANGE.into()),
            target_id: Some(format!("{first}-{last}")),
            detail: "2 entries".into(),
            ip: None,
            prev_hash: prev,
            hash: vec![],
            redacted_at: None,
        };
        e.hash = e.computed_hash().to_vec();
        entries.push(e);
    }

    /// Give `entries[range]` the organisation `org` and chain them all again.
    fn of_org(entries: &mut [AuditEntry], range: std::ops::Range<usize>, org: Option<OrgId>) {
        for e in &mut entries[range] {
            e.org_id = org;
        }
        let mut prev = GENESIS_HASH.to_vec();
        for e in entries.iter_mut() {
            e.prev_hash.clone_from(&prev);
            e.hash = e.computed_hash().to_vec();
            prev.clone_from(&e.hash);
        }
    }

    #[test]
    fn redacted_entries_verify_by_linkage_under_a_later_record() {
        let mut entries = chain(5);
        let org = entries[1].org_id;
        of_org(&mut entries, 1..3, org);
        redact(&mut entries, &[2, 3]);
        assert_eq!(verify(&entries), Err(ChainError::UncoveredRedaction { seq: 2 }), "no record yet");
        let mut other = entries.clone();
        record(&mut other, Some(OrgId::new()), 1, 5);
        assert_eq!(verify(&other), Err(ChainError::UncoveredRedaction { seq: 2 }), "another organisation's record");
        let mut short = entries.clone();
        record(&mut short, org, 1, 2);
        assert_eq!(verify(&short), Err(ChainError::UncoveredRedaction { seq: 3 }), "a range that misses one");
        record(&mut entries, org, 2, 3);
        assert_eq!(verify(&entries), Ok(6));
        // Linkage still holds a redacted entry: a changed stored hash breaks the next link.
        let mut forged = entries.clone();
        forged[2].hash = vec![7; 32];
        assert_eq!(verify(&forged), Err(ChainError::BrokenLink { seq: 4 }));
        // An intact entry of the organisation between two redacted ones (one about a
        // case under hold, say) needs no record: two records around it suffice.
        let mut gap = chain(4);
        of_org(&mut gap, 0..4, org);
        redact(&mut gap, &[2, 4]);
        record(&mut gap, org, 2, 2);
        record(&mut gap, org, 4, 4);
        assert_eq!(verify(&gap), Ok(6));
        // The record itself is hash-checked: widening its range shows.
        let mut widened = entries.clone();
        widened[5].target_id = Some("1-5".into());
        assert_eq!(verify(&widened), Err(ChainError::HashMismatch { seq: 6 }));
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut entries = chain(5);
        entries[2].detail = "edited".into();
        assert_eq!(verify(&entries), Err(ChainError::HashMismatch { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries), Err(ChainError::Gap { seq: 3, previous: 1 }));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_next_link() {
        let mut entries = chain(5);
        entries[1].detail = "edited".into();
        entries[1].hash = entries[1].computed_hash().to_vec();
        assert_eq!(verify(&entries), Err(ChainError::BrokenLink { seq: 3 }));
    }

    #[test]
    fn audit_time_keeps_microseconds_only() {
        let t = audit_time(datetime!(2026-11-28 10:00:00.123456789 UTC));
        assert_eq!(t.nanosecond(), 123_456_000);
    }
}
