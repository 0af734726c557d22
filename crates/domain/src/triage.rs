//! Triage: the case workflow the security desk follows and the queue's ordering
//! and timers (whom to call lives in [`crate::directory`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::FieldError;

simple_enum!(
    /// Where a case stands. A case moves forward through these; going back needs a reason.
    CaseStatus, "status" {
        Received => "received", Acknowledged => "acknowledged", Escalated => "escalated",
        HandedOver => "handed_over", Closed => "closed",
    }
);

/// What a reporter may see of their report's case: how far it has come, never its
/// details (who works it, notes, the outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReporterStatus {
    Received,
    BeingHandled,
    HandedToAuthorities,
    Closed,
}

impl ReporterStatus {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::BeingHandled => "being_handled",
            Self::HandedToAuthorities => "handed_to_authorities",
            Self::Closed => "closed",
        }
    }

    /// The reporter's view of a stored status; one the server does not know reads as closed.
    #[must_use]
    pub fn of_stored(status: &str) -> Self {
        status.parse::<CaseStatus>().map_or(Self::Closed, CaseStatus::for_reporter)
    }
}

impl fmt::Display for ReporterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CaseStatus {
    /// What the reporter is told: acknowledged and escalated are both "being handled".
    #[must_use]
    pub const fn for_reporter(self) -> ReporterStatus {
        match self {
            Self::Received => ReporterStatus::Received,
            Self::Acknowledged | Self::Escalated => ReporterStatus::BeingHandled,
            Self::HandedOver => ReporterStatus::HandedToAuthorities,
            Self::Closed => ReporterStatus::Closed,
        }
    }
}

simple_enum!(
    /// How a case ended.
    Outcome, "outcome" {
        MetOnArrival => "met_on_arrival", ReferredToNgo => "referred_to_ngo",
        NoActionInnocent => "no_action_innocent", InsufficientInformation => "insufficient_information",
        Other => "other",
    }
);

/// A requested change of status, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
}

/// Check a status change: forward moves are free (closing needs an outcome);
/// going back, or reopening, needs a reason; staying put is refused.
///
/// # Errors
/// `status`/`no-change`, `reason`/`reason-required`, `outcome`/`outcome-required`,
/// `reason`/`too-long`.
pub fn transition(
    from: CaseStatus,
    to: CaseStatus,
    reason: &str,
    outcome: Option<Outcome>,
) -> Result<Transition, FieldError> {
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(FieldError::new("reason", "too-long"));
    }
    if from == to {
        return Err(FieldError::new("status", "no-change"));
    }
    if to < from && reason.is_empty() {
        return Err(FieldError::new("reason", "reason-required"));
    }
    if to == CaseStatus::Closed && outcome.is_none() {
        return Err(FieldError::new("outcome", "outcome-required"));
    }
    Ok(Transition {
        from,
        to,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        outcome: if to == CaseStatus::Closed { outcome } else { None },
    })
}

/// The status a case has once a contact with an authority is recorded on it: a case
/// not yet escalated (received or acknowledged) becomes escalated; a case already
/// escalated, handed over or closed keeps its status.
#[must_use]
pub const fn status_after_contact(status: CaseStatus) -> CaseStatus {
    match status {
        CaseStatus::Received | CaseStatus::Acknowledged => CaseStatus::Escalated,
        other => other,
    }
}

simple_enum!(
    /// What happened on a case (one entry of its history).
    CaseEventKind, "kind" {
        Transition => "transition", Note => "note", Assignment => "assignment", Contact => "contact",
        /// Referred to a partner (the contact columns name the recipient).
        Referral => "referral",
        /// A partner's step on a referral (the reason says which).
        ReferralUpdate => "referral_update",
    }
);

simple_enum!(
    /// Which alert the desk gets about a waiting case: when it arrives, and again when
    /// nobody has acknowledged it in time.
    AlertKind, "kind" { New => "new", Unacknowledged => "unacknowledged" }
);

/// Escalation is due this long before scheduled landing (per organisation, default).
pub const DEFAULT_ESCALATE_BEFORE_LANDING: Duration = Duration::minutes(30);

/// How long before scheduled landing an organisation wants escalation flagged:
/// whole minutes from 5 to 240 (authorities need time to reach the gate; more than
/// four hours ahead is no longer "before landing" for a desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationLead(i64);

impl EscalationLead {
    pub const MIN_MINUTES: i64 = 5;
    pub const MAX_MINUTES: i64 = 240;

    /// # Errors
    /// A field error on `minutes` outside 5–240.
    pub fn from_minutes(minutes: i64) -> Result<Self, FieldError> {
        if (Self::MIN_MINUTES..=Self::MAX_MINUTES).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(FieldError::new("minutes", "out-of-range"))
        }
    }

    #[must_use]
    pub const fn minutes(self) -> i64 {
        self.0
    }

    #[must_use]
    pub const fn duration(self) -> Duration {
        Duration::minutes(self.0)
    }
}

impl Default for EscalationLead {
    fn default() -> Self {
        Self(DEFAULT_ESCALATE_BEFORE_LANDING.whole_minutes())
    }
}
/// A report not acknowledged within this long is highlighted.
pub const ACK_WITHIN: Duration = Duration::minutes(5);

/// The timers a queue row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// Time left until scheduled landing (negative once landed).
    pub to_landing: Option<Duration>,
    /// Escalation is due now or overdue (and not yet escalated).
    pub escalation_due: bool,
    /// Received more than [`ACK_WITHIN`] ago and still not acknowledged.
    pub unacknowledged_late: bool,
}

#[must_use]
pub fn timers(
    status: CaseStatus,
    received_at: OffsetDateTime,
    scheduled_arrival: Option<OffsetDateTime>,
    escalate_before: Duration,
    now: OffsetDateTime,
) -> Timers {
    let to_landing = scheduled_arrival.map(|a| a - now);
    Timers {
        to_landing,
        escalation_due: status < CaseStatus::Escalated && to_landing.is_some_and(|t| t <= escalate_before),
        unacknowledged_late: status == CaseStatus::Received && now - received_at > ACK_WITHIN,
    }
}

/// "1 h 05 min", "12 min", "landed 8 min ago".
#[must_use]
pub fn countdown(d: Duration) -> String {
    let mins = d.whole_minutes();
    let (sign, m) = if mins < 0 { ("-", -mins) } else { ("", mins) };
    if m >= 60 { format!("{sign}{} h {:02} min", m / 60, m % 60) } else { format!("{sign}{m} min") }
}

/// Where a desk's alert webhook posts: an http(s) address of at most 500 characters.
/// Production deployments should use https; plain http is accepted for a desk system
/// on the same private network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// # Errors
    /// `webhook_url`/`required`, `webhook_url`/`too-long` or `webhook_url`/`invalid-url`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new("webhook_url", "required"));
        }
        if s.len() > 500 {
            return Err(FieldError::new("webhook_url", "too-long"));
        }
        // The `url` crate would quietly percent-encode a space: refuse it as typed.
        let parsed = url::Url::parse(s).ok().filter(|_| !s.chars().any(|c| c.is_whitespace() || c.is_control()));
        let ok = parsed.is_some_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && u.username().is_empty()
                && u.password().is_none()
        });
        // Kept as typed: `is_private_host` reads the host as spelled (the client then
        // checks every address the name resolves to).
        if ok { Ok(Self(s.to_owned())) } else { Err(FieldError::new("webhook_url", "invalid-url")) }
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The host names this machine or a private network by a literal address or
    /// `localhost` (loopback, RFC 1918, link-local, unique-local, unspecified).
    #[must_use]
    pub fn is_private_host(&self) -> bool {
        let rest = self.0.split_once("://").map_or("", |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        };
        let host = host.to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        host.parse::<std::net::IpAddr>().is_ok_and(is_private_ip)
    }
}

/// This machine, a private network, link-local or unspecified (v4 and v6).
#[must_use]
pub fn is_private_ip(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        std::net::IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            ip.is_loopback()
                || ip.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some_and(|v4| is_private_ip(std::net::IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_reporter_sees_progress_never_details() {
        use CaseStatus::*;
        let seen: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.for_reporter().as_str()).collect();
        assert_eq!(seen, ["received", "being_handled", "being_handled", "handed_to_authorities", "closed"]);
        assert_eq!(Escalated.for_reporter(), Acknowledged.for_reporter(), "escalation is not shown");
        assert_eq!(ReporterStatus::of_stored("handed_over"), ReporterStatus::HandedToAuthorities);
        assert_eq!(ReporterStatus::of_stored("merged?"), ReporterStatus::Closed, "unknown reads as closed");
    }

    #[test]
    fn forward_is_free_back_needs_a_reason_close_needs_an_outcome() {
        use CaseStatus::*;
        assert!(transition(Received, Acknowledged, "", None).is_ok());
        assert!(transition(Received, Escalated, "", None).is_ok(), "skipping ahead is allowed");
        assert_eq!(transition(Escalated, Acknowledged, " ", None), Err(FieldError::new("reason", "reason-required")));
        let back = transition(Escalated, Acknowledged, "wrong flight", None).unwrap();
        assert_eq!(back.reason.as_deref(), Some("wrong flight"));
        assert_eq!(transition(HandedOver, Closed, "", None), Err(FieldError::new("outcome", "outcome-required")));
        assert_eq!(
            transition(HandedOver, Closed, "", Some(Outcome::MetOnArrival)).unwrap().outcome,
            Some(Outcome::MetOnArrival)
        );
        assert_eq!(transition(Closed, Received, "reopened: new information", None).unwrap().to, Received);
        assert_eq!(transition(Received, Received, "", None), Err(FieldError::new("status", "no-change")));
    }

    #[test]
    fn a_contact_escalates_a_case_not_yet_escalated_and_leaves_later_ones_as_they_are() {
        use CaseStatus::*;
        assert_eq!(status_after_contact(Received), Escalated);
        assert_eq!(status_after_contact(Acknowledged), Escalated);
        assert_eq!(status_after_contact(Escalated), Escalated);
        assert_eq!(status_after_contact(HandedOver), HandedOver);
        assert_eq!(status_after_contact(Closed), Closed);
    }

    #[test]
    fn event_and_alert_kinds_read_back_what_they_write() {
        for k in CaseEventKind::ALL {
            assert_eq!(k.as_str().parse::<CaseEventKind>(), Ok(k));
        }
        for k in AlertKind::ALL {
            assert_eq!(k.to_string().parse::<AlertKind>(), Ok(k));
        }
        assert_eq!("merged".parse::<CaseEventKind>(), Err(FieldError::new("kind", "unknown-value")));
    }

    #[test]
    fn timers_flag_due_escalation_and_late_acknowledgement() {
        let now = datetime!(2026-11-28 12:00 UTC);
        let t = timers(
            CaseStatus::Received,
            now - Duration::minutes(6),
            Some(now + Duration::minutes(29)),
            DEFAULT_ESCALATE_BEFORE_LANDING,
            now,
        );
        assert!(t.escalation_due && t.unacknowledged_late);
        assert_eq!(countdown(t.to_landing.unwrap()), "29 min");
        let t =
            timers(CaseStatus::Escalated, now, Some(now + Duration::minutes(10)), DEFAULT_ESCALATE_BEFORE_LANDING, now);
        assert!(!t.escalation_due && !t.unacknowledged_late);
        assert_eq!(countdown(Duration::minutes(125)), "2 h 05 min");
        assert_eq!(countdown(Duration::minutes(-8)), "-8 min");
    }

    #[test]
    fn escalation_lead_is_whole_minutes_from_5_to_240() {
        assert_eq!(EscalationLead::default().duration(), DEFAULT_ESCALATE_BEFORE_LANDING);
        assert_eq!(EscalationLead::from_minutes(5).map(EscalationLead::minutes), Ok(5));
        assert_eq!(EscalationLead::from_minutes(240).map(EscalationLead::minutes), Ok(240));
        for bad in [-30, 0, 4, 241, 10_000] {
            assert_eq!(EscalationLead::from_minutes(bad), Err(FieldError::new("minutes", "out-of-range")), "{bad}");
        }
    }

    #[test]
    fn webhook_addresses_are_http_links_without_credentials() {
        assert_eq!(WebhookUrl::parse(" https://desk.example/hook ").unwrap().as_str(), "https://desk.example/hook");
        assert!(WebhookUrl::parse("http://10.0.0.5:8080/alerts").is_ok());
        for (bad, code) in [
            ("", "required"),
            ("desk.example/hook", "invalid-url"),
            ("ftp://desk.example", "invalid-url"),
            ("https://", "invalid-url"),
            ("https://user:pw@desk.example/", "invalid-url"),
            ("https://desk.example/a b", "invalid-url"),
        ] {
            assert_eq!(WebhookUrl::parse(bad), Err(FieldError::new("webhook_url", code)), "{bad}");
        }
        assert_eq!(WebhookUrl::parse(&format!("https://x.example/{}", "a".repeat(500))).unwrap_err().code, "too-long");
        for private in [
            "http://localhost:8080/x",
            "http://127.0.0.1/x",
            "https://10.1.2.3/",
            "http://192.168.0.9",
            "http://169.254.169.254/latest",
            "http://[::1]:9/",
            "http://[fd00::1]/",
        ] {
            assert!(WebhookUrl::parse(private).unwrap().is_private_host(), "{private}");
        }
        for public in ["https://desk.example/hook", "https://93.184.216.34/x", "https://[2001:db8::1]/"] {
            assert!(!WebhookUrl::parse(public).unwrap().is_private_host(), "{public}");
        }
    }
}
