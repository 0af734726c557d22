//! Triage: the case workflow the security desk follows, the routing directory that
//! says whom to call at a destination, and the queue's ordering and timers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::FieldError;

/// Where a case stands. A case moves forward through these; going back needs a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Received,
    Acknowledged,
    Escalated,
    HandedOver,
    Closed,
}

impl CaseStatus {
    pub const ALL: [Self; 5] = [Self::Received, Self::Acknowledged, Self::Escalated, Self::HandedOver, Self::Closed];
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Acknowledged => "acknowledged",
            Self::Escalated => "escalated",
            Self::HandedOver => "handed_over",
            Self::Closed => "closed",
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim()).ok_or(FieldError::new("status", "unknown-value"))
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    MetOnArrival,
    ReferredToNgo,
    NoActionInnocent,
    InsufficientInformation,
    Other,
}

impl Outcome {
    pub const ALL: [Self; 5] =
        [Self::MetOnArrival, Self::ReferredToNgo, Self::NoActionInnocent, Self::InsufficientInformation, Self::Other];
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MetOnArrival => "met_on_arrival",
            Self::ReferredToNgo => "referred_to_ngo",
            Self::NoActionInnocent => "no_action_innocent",
            Self::InsufficientInformation => "insufficient_information",
            Self::Other => "other",
        }
    }
}

impl FromStr for Outcome {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim()).ok_or(FieldError::new("outcome", "unknown-value"))
    }
}

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

// ----- the routing directory ------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Police,
    BorderGuard,
    NationalHotline,
    VictimAssistance,
    Emergency,
}

impl ContactKind {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Police => "police",
            Self::BorderGuard => "border_guard",
            Self::NationalHotline => "national_hotline",
            Self::VictimAssistance => "victim_assistance",
            Self::Emergency => "emergency",
        }
    }
    /// Law enforcement or a hotline (what US carriers must report having notified).
    #[must_use]
    pub const fn is_law_enforcement_or_hotline(self) -> bool {
        matches!(self, Self::Police | Self::BorderGuard | Self::NationalHotline | Self::Emergency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    #[serde(default)]
    pub airport: Option<String>,
    pub organisation: String,
    pub kind: ContactKind,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub languages: Vec<String>,
    pub source: String,
    /// `YYYY-MM-DD`.
    pub last_verified: String,
}

/// EU member states (for the EU-wide 112 entry).
const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

impl DirectoryEntry {
    /// The date it was last checked, if it parses.
    #[must_use]
    pub fn verified_on(&self) -> Option<Date> {
        let f = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(&self.last_verified, &f).ok()
    }
    /// Older than twelve months since it was checked (or never checked).
    #[must_use]
    pub fn is_stale(&self, today: Date) -> bool {
        self.verified_on().is_none_or(|d| today - d > Duration::days(365))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Directory {
    #[serde(default)]
    pub schema_version: u32,
    #[serde(rename = "entry", default)]
    pub entries: Vec<DirectoryEntry>,
}

impl Directory {
    /// Contacts for a destination: that airport's own first, then the country's
    /// (police and border guard before hotlines and emergency), then EU-wide ones.
    #[must_use]
    pub fn route(&self, country: &str, airport: &str) -> Vec<&DirectoryEntry> {
        let rank = |e: &DirectoryEntry| match e.kind {
            ContactKind::Police | ContactKind::BorderGuard => 0,
            ContactKind::NationalHotline => 1,
            ContactKind::Emergency => 2,
            ContactKind::VictimAssistance => 3,
        };
        let mut out: Vec<&DirectoryEntry> =
            self.entries.iter().filter(|e| e.airport.as_deref() == Some(airport) && e.country == country).collect();
        let mut national: Vec<&DirectoryEntry> =
            self.entries.iter().filter(|e| e.country == country && e.airport.is_none()).collect();
        national.sort_by_key(|e| rank(e));
        out.extend(national);
        let has_emergency = out.iter().any(|e| e.kind == ContactKind::Emergency);
        if EU.contains(&country) && !has_emergency {
            out.extend(self.entries.iter().filter(|e| e.country == "EU"));
        }
        out
    }

    /// Every rule an entry must keep, as (entry index, message).
    #[must_use]
    pub fn problems(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !(e.country == "EU" || (e.country.len() == 2 && e.country.bytes().all(|b| b.is_ascii_uppercase()))) {
                out.push((i, format!("country {:?} must be a two-letter code or EU", e.country)));
            }
            if e.phone.is_none() && e.email.is_none() {
                out.push((i, format!("{}: needs a phone or an e-mail", e.organisation)));
            }
            if !(e.source.starts_with("https://") || e.source.starts_with("http://")) {
                out.push((i, format!("{}: the source must be a link", e.organisation)));
            }
            if e.verified_on().is_none() {
                out.push((i, format!("{}: last_verified must be YYYY-MM-DD", e.organisation)));
            }
            if e.airport.as_ref().is_some_and(|a| a.len() != 3) {
                out.push((i, format!("{}: airport must be an IATA code", e.organisation)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

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

    fn entry(country: &str, kind: ContactKind, verified: &str) -> DirectoryEntry {
        DirectoryEntry {
            country: country.into(),
            airport: None,
            organisation: format!("{country} {}", kind.as_str()),
            kind,
            phone: Some("1".into()),
            email: None,
            hours: String::new(),
            languages: vec![],
            source: "https://example.org".into(),
            last_verified: verified.into(),
        }
    }

    #[test]
    fn routing_prefers_the_destination_and_falls_back_to_eu_112() {
        let d = Directory {
            schema_version: 1,
            entries: vec![
                entry("FI", ContactKind::VictimAssistance, "2026-11-28"),
                entry("FI", ContactKind::Police, "2026-11-28"),
                entry("EU", ContactKind::Emergency, "2026-11-28"),
                entry("US", ContactKind::Police, "2024-01-01"),
            ],
        };
        let fi: Vec<&str> = d.route("FI", "HEL").iter().map(|e| e.organisation.as_str()).collect();
        assert_eq!(fi, vec!["FI police", "FI victim_assistance", "EU emergency"]);
        assert_eq!(d.route("SE", "ARN").len(), 1, "EU-wide 112 for an EU country without entries");
        assert!(d.route("JP", "NRT").is_empty());
        assert!(d.entries[3].is_stale(date!(2026 - 11 - 28)));
        assert!(!d.entries[1].is_stale(date!(2026 - 11 - 28)));
        assert!(d.problems().is_empty());
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
}
