//! The routing directory: whom the security desk contacts at a destination, by
//! country and, where known, by airport. Each entry carries the source it was
//! checked against and when; entries not checked for twelve months are flagged.
//!
//! The seed lives in `content/directory.toml`; platform administrators keep it
//! current in the browser. Both go through the same rules ([`DirectoryEntry::field_errors`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::FieldError;
use crate::report::Iata;
use crate::user::Email;

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
    pub const ALL: [Self; 5] =
        [Self::Police, Self::BorderGuard, Self::NationalHotline, Self::VictimAssistance, Self::Emergency];

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
    /// The order the desk is offered contacts in: law enforcement first.
    const fn rank(self) -> u8 {
        match self {
            Self::Police | Self::BorderGuard => 0,
            Self::NationalHotline => 1,
            Self::Emergency => 2,
            Self::VictimAssistance => 3,
        }
    }
}

impl FromStr for ContactKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or(FieldError::new("kind", "unknown-value"))
    }
}

impl fmt::Display for ContactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

simple_enum!(
    /// How one version of a directory entry came about.
    DirectoryChangeKind, "change" {
        Seeded => "seeded", Created => "created", Updated => "updated", Removed => "removed",
        Restored => "restored",
    }
);

/// One contact. Built from the data file (serde) or from a form ([`DirectoryDraft::parse`]);
/// either way it must keep [`DirectoryEntry::field_errors`] empty to be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub airport: Option<String>,
    pub organisation: String,
    pub kind: ContactKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// How long a check stays good.
pub const VERIFY_EVERY: Duration = Duration::days(365);

fn parse_day(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &f).ok()
}

impl DirectoryEntry {
    /// The date it was last checked, if it parses.
    #[must_use]
    pub fn verified_on(&self) -> Option<Date> {
        parse_day(&self.last_verified)
    }
    /// Older than twelve months since it was checked (or never checked).
    #[must_use]
    pub fn is_stale(&self, today: Date) -> bool {
        self.verified_on().is_none_or(|d| today - d > VERIFY_EVERY)
    }
    /// Names the entry across releases of the data file, so a seeded entry that an
    /// administrator edited or removed is not seeded again.
    #[must_use]
    pub fn seed_key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.country,
            self.airport.as_deref().unwrap_or(""),
            self.kind.as_str(),
            self.organisation.trim().to_lowercase()
        )
    }

    /// Every rule the entry breaks, one error per field. `today`, when given,
    /// refuses a verification date in the future.
    #[must_use]
    pub fn field_errors(&self, today: Option<Date>) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut check = |ok: bool, field, code| {
            if !ok {
                out.push(FieldError::new(field, code));
            }
        };
        let upper = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_uppercase());
        check(self.country == "EU" || upper(&self.country, 2), "country", "invalid-country");
        let canonical_iata = |a: &str| Iata::parse_code(a).is_ok_and(|i| i.as_str() == a);
        check(self.airport.as_deref().is_none_or(canonical_iata), "airport", "invalid-airport");
        let org = self.organisation.trim();
        check(!org.is_empty(), "organisation", "required");
        check(org.chars().count() <= 200, "organisation", "too-long");
        check(self.phone.is_some() || self.email.is_some(), "phone", "phone-or-email");
        check(
            self.phone.as_deref().is_none_or(|p| {
                p.chars().any(|c| c.is_ascii_digit())
                    && p.len() <= 40
                    && p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            }),
            "phone",
            "invalid-phone",
        );
        check(self.email.as_deref().is_none_or(|e| Email::parse(e).is_ok()), "email", "invalid-email");
        check(self.hours.chars().count() <= 200, "hours", "too-long");
        check(
            self.languages.len() <= 12
                && self
                    .languages
                    .iter()
                    .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase())),
            "languages",
            "invalid-languages",
        );
        let link = self.source.starts_with("https://") || self.source.starts_with("http://");
        check(link && self.source.len() > 10 && self.source.len() <= 500, "source", "source-link");
        match self.verified_on() {
            None => check(false, "last_verified", "invalid-date"),
            Some(d) => check(today.is_none_or(|t| d <= t), "last_verified", "date-in-future"),
        }
        let text = [&self.organisation, &self.hours, &self.source];
        check(!text.iter().any(|s| s.chars().any(char::is_control)), "organisation", "control-characters");
        out
    }
}

/// What a form sends for an entry, before it is parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DirectoryDraft {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub airport: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub hours: String,
    /// Language codes separated by commas or spaces.
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub last_verified: String,
}

impl DirectoryDraft {
    /// The form's values for an existing entry.
    #[must_use]
    pub fn of(e: &DirectoryEntry) -> Self {
        Self {
            country: e.country.clone(),
            airport: e.airport.clone().unwrap_or_default(),
            organisation: e.organisation.clone(),
            kind: e.kind.as_str().to_owned(),
            phone: e.phone.clone().unwrap_or_default(),
            email: e.email.clone().unwrap_or_default(),
            hours: e.hours.clone(),
            languages: e.languages.join(", "),
            source: e.source.clone(),
            last_verified: e.last_verified.clone(),
        }
    }

    /// Normalise (trim, upper-case codes, lower-case languages) and check.
    ///
    /// # Errors
    /// Every rule the entry breaks, one error per field.
    pub fn parse(&self, today: Date) -> Result<DirectoryEntry, Vec<FieldError>> {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let kind = self.kind.parse::<ContactKind>();
        let entry = DirectoryEntry {
            country: self.country.trim().to_ascii_uppercase(),
            airport: opt(&self.airport).map(|a| a.to_ascii_uppercase()),
            organisation: self.organisation.trim().to_owned(),
            kind: *kind.as_ref().unwrap_or(&ContactKind::Police),
            phone: opt(&self.phone),
            email: opt(&self.email).map(|e| Email::parse(&e).map_or(e, |e| e.as_str().to_owned())),
            hours: self.hours.trim().to_owned(),
            languages: self
                .languages
                .split([',', ' '])
                .filter(|l| !l.is_empty())
                .map(|l| l.trim().to_ascii_lowercase())
                .collect(),
            source: self.source.trim().to_owned(),
            last_verified: self.last_verified.trim().to_owned(),
        };
        let mut errors = entry.field_errors(Some(today));
        if let Err(e) = kind {
            errors.insert(0, e);
        }
        if errors.is_empty() { Ok(entry) } else { Err(errors) }
    }
}

/// Contacts for a destination among `items`: that airport's own first, then the
/// country's (police and border guard before hotlines, emergency and victim
/// assistance), then EU-wide ones for an EU country without its own emergency number.
pub fn route<'a, T>(items: &'a [T], entry: impl Fn(&T) -> &DirectoryEntry, country: &str, airport: &str) -> Vec<&'a T> {
    let mut out: Vec<&T> =
        items.iter().filter(|t| entry(t).airport.as_deref() == Some(airport) && entry(t).country == country).collect();
    let mut national: Vec<&T> =
        items.iter().filter(|t| entry(t).country == country && entry(t).airport.is_none()).collect();
    national.sort_by_key(|t| entry(t).kind.rank());
    out.extend(national);
    let has_emergency = out.iter().any(|t| entry(t).kind == ContactKind::Emergency);
    if EU.contains(&country) && !has_emergency {
        out.extend(items.iter().filter(|t| entry(t).country == "EU"));
    }
    out
}

/// The directory as the data file holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    #[serde(default)]
    pub schema_version: u32,
    #[serde(rename = "entry", default)]
    pub entries: Vec<DirectoryEntry>,
}

impl Directory {
    /// Contacts for a destination (see [`route`]).
    #[must_use]
    pub fn route(&self, country: &str, airport: &str) -> Vec<&DirectoryEntry> {
        route(&self.entries, |e| e, country, airport)
    }

    /// Every rule an entry must keep, as (entry index, message).
    #[must_use]
    pub fn problems(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            for f in e.field_errors(None) {
                let value = match f.field {
                    "country" => e.country.clone(),
                    "airport" => e.airport.clone().unwrap_or_default(),
                    "phone" => e.phone.clone().unwrap_or_default(),
                    "email" => e.email.clone().unwrap_or_default(),
                    "source" => e.source.clone(),
                    "last_verified" => e.last_verified.clone(),
                    "languages" => e.languages.join(","),
                    _ => String::new(),
                };
                out.push((i, format!("{}: {} {value:?}: {}", e.organisation, f.field, f.code)));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !seen.insert(e.seed_key()) {
                out.push((i, format!("{}: listed twice for the same country, airport and kind", e.organisation)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(country: &str, kind: ContactKind, verified: &str) -> DirectoryEntry {
        DirectoryEntry {
            country: country.into(),
            airport: None,
            organisation: format!("{country} {}", kind.as_str()),
            kind,
            phone: Some("112".into()),
            email: None,
            hours: String::new(),
            languages: vec![],
            source: "https://example.org/contacts".into(),
            last_verified: verified.into(),
        }
    }

    #[test]
    fn routing_prefers_the_destination_and_falls_back_to_eu_112() {
        let mut hel = entry("FI", ContactKind::BorderGuard, "2026-11-28");
        hel.airport = Some("HEL".into());
        let d = Directory {
            schema_version: 1,
            entries: vec![
                entry("FI", ContactKind::VictimAssistance, "2026-11-28"),
                entry("FI", ContactKind::Police, "2026-11-28"),
                entry("EU", ContactKind::Emergency, "2026-11-28"),
                entry("US", ContactKind::Police, "2024-01-01"),
                hel,
            ],
        };
        let fi: Vec<&str> = d.route("FI", "HEL").iter().map(|e| e.organisation.as_str()).collect();
        assert_eq!(fi, vec!["FI border_guard", "FI police", "FI victim_assistance", "EU emergency"]);
        assert_eq!(d.route("FI", "TMP").len(), 3, "another Finnish airport does not get HEL's own contact");
        assert_eq!(d.route("SE", "ARN").len(), 1, "EU-wide 112 for an EU country without entries");
        assert!(d.route("JP", "NRT").is_empty());
        assert!(d.entries[3].is_stale(date!(2026 - 11 - 28)));
        assert!(!d.entries[1].is_stale(date!(2026 - 11 - 28)));
        assert!(!entry("FI", ContactKind::Police, "2025-11-28").is_stale(date!(2026 - 11 - 28)), "exactly a year");
        assert!(entry("FI", ContactKind::Police, "2025-11-27").is_stale(date!(2026 - 11 - 28)));
        assert!(d.problems().is_empty(), "{:?}", d.problems());
    }

    #[test]
    fn a_draft_is_normalised_or_refused_field_by_field() {
        let today = date!(2026 - 11 - 28);
        let good = DirectoryDraft {
            country: " fi ".into(),
            airport: "hel".into(),
            organisation: " Helsinki Airport Police ".into(),
            kind: "police".into(),
            phone: "+358 295 419 800".into(),
            email: "Tips@Poliisi.FI".into(),
            hours: "24/7".into(),
            languages: "fi, SV en".into(),
            source: "https://poliisi.fi/en/contact".into(),
            last_verified: "2026-11-01".into(),
        };
        let e = good.parse(today).unwrap();
        assert_eq!((e.country.as_str(), e.airport.as_deref()), ("FI", Some("HEL")));
        assert_eq!(e.organisation, "Helsinki Airport Police");
        assert_eq!(e.email.as_deref(), Some("tips@poliisi.fi"));
        assert_eq!(e.languages, vec!["fi", "sv", "en"]);
        assert_eq!(DirectoryDraft::of(&e).parse(today).unwrap(), e, "the form round-trips");

        let bad = DirectoryDraft {
            country: "Finland".into(),
            airport: "HELS".into(),
            organisation: " ".into(),
            kind: "army".into(),
            phone: String::new(),
            email: String::new(),
            languages: "finnish".into(),
            source: "poliisi.fi".into(),
            last_verified: "2026-12-24".into(),
            ..DirectoryDraft::default()
        };
        let fields: Vec<(&str, &str)> = bad.parse(today).unwrap_err().iter().map(|f| (f.field, f.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("kind", "unknown-value"),
                ("country", "invalid-country"),
                ("airport", "invalid-airport"),
                ("organisation", "required"),
                ("phone", "phone-or-email"),
                ("languages", "invalid-languages"),
                ("source", "source-link"),
                ("last_verified", "date-in-future"),
            ]
        );
        let letters = DirectoryDraft { phone: "call the police".into(), ..good.clone() };
        assert_eq!(letters.parse(today).unwrap_err(), vec![FieldError::new("phone", "invalid-phone")]);
        let mail = DirectoryDraft { email: "not-an-address".into(), ..good };
        assert_eq!(mail.parse(today).unwrap_err(), vec![FieldError::new("email", "invalid-email")]);
    }

    #[test]
    fn the_data_file_reports_duplicates_and_broken_entries() {
        let mut d = Directory {
            schema_version: 1,
            entries: vec![
                entry("FI", ContactKind::Police, "2026-11-28"),
                entry("FI", ContactKind::Police, "2026-11-28"),
            ],
        };
        d.entries[0].source = "ftp://x".into();
        let p = d.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].1.contains("source") && p[1].1.contains("twice"), "{p:?}");
        assert_eq!(d.entries[0].seed_key(), "FI||police|fi police");
    }
}
