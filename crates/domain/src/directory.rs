//! The routing directory: whom the security desk contacts about a case, by airport,
//! country, region (the EU) or internationally. Each entry carries the source it was
//! checked against and when; entries not checked for twelve months are flagged.
//!
//! The seed lives in `content/directory.toml`; platform administrators keep it
//! current in the browser. Both go through the same rules ([`DirectoryEntry::field_errors`]).
//! [`route`] orders the contacts for a case: by urgency (a 24/7 phone first when
//! urgent; an office-hours e-mail never first), by phase (the origin airport before
//! departure, the destination in flight), then the airport, the country, the region
//! and international lines.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::FieldError;
use crate::report::{Iata, Phase};
use crate::user::Email;

/// A phone number in E.164 international format (`+` country code and number, at most
/// 15 digits), stored without spaces: `+358295463177`. Spaces, dashes, dots and
/// brackets are accepted on input and dropped; anything else is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct E164(String);

impl E164 {
    /// # Errors
    /// `phone`/`not-e164`: no leading `+`, a letter, a leading zero in the country
    /// code, or fewer than 7 or more than 15 digits.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        const ERR: FieldError = FieldError::new("phone", "not-e164");
        let rest = input.trim().strip_prefix('+').ok_or(ERR)?;
        if !rest.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c)) {
            return Err(ERR);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if !(7..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(ERR);
        }
        Ok(Self(format!("+{digits}")))
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for E164 {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|_| {
            format!("phone {s:?} is not in E.164 format (+, country code and number, e.g. \"+358 2954 63177\")")
        })
    }
}

impl From<E164> for String {
    fn from(p: E164) -> Self {
        p.0
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// When a contact answers: around the clock, or as a text (office hours, days).
/// Written `"24/7"` or the text in the data file; empty means "not stated by the source".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Hours {
    Always,
    #[default]
    NotStated,
    Text(String),
}

impl Hours {
    pub const ALWAYS: &'static str = "24/7";
    #[must_use]
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        if s.eq_ignore_ascii_case(Self::ALWAYS) {
            Self::Always
        } else if s.is_empty() {
            Self::NotStated
        } else {
            Self::Text(s.to_owned())
        }
    }
    #[must_use]
    pub const fn is_always(&self) -> bool {
        matches!(self, Self::Always)
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Always => Self::ALWAYS,
            Self::NotStated => "",
            Self::Text(t) => t,
        }
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for Hours {
    fn from(s: String) -> Self {
        Self::parse(&s)
    }
}

impl From<Hours> for String {
    fn from(h: Hours) -> Self {
        h.as_str().to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    AirportPolice,
    BorderPolice,
    Police,
    BorderGuard,
    NationalHotline,
    VictimAssistance,
    Emergency,
}

impl ContactKind {
    pub const ALL: [Self; 7] = [
        Self::AirportPolice,
        Self::BorderPolice,
        Self::Police,
        Self::BorderGuard,
        Self::NationalHotline,
        Self::VictimAssistance,
        Self::Emergency,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AirportPolice => "airport_police",
            Self::BorderPolice => "border_police",
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
        !matches!(self, Self::VictimAssistance)
    }
    /// The body that meets the aircraft: airport police, border police or border guard.
    #[must_use]
    pub const fn meets_the_aircraft(self) -> bool {
        matches!(self, Self::AirportPolice | Self::BorderPolice | Self::BorderGuard)
    }
    /// The order the desk is offered contacts in, other things equal: those who meet
    /// the aircraft, then the police, hotlines, emergency numbers, victim assistance.
    const fn rank(self) -> u8 {
        match self {
            Self::AirportPolice | Self::BorderPolice | Self::BorderGuard => 0,
            Self::Police => 1,
            Self::NationalHotline => 2,
            Self::Emergency => 3,
            Self::VictimAssistance => 4,
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

/// The scope code of an international line (any country).
pub const INTERNATIONAL: &str = "INT";
/// Regions an entry may cover, with their member countries.
const REGIONS: [(&str, &[&str]); 1] = [("EU", &EU)];
/// EU member states.
const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// What an entry covers, from the narrowest: one airport, a country, a region, the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Airport,
    Country,
    Region,
    International,
}

/// One contact. Built from the data file (serde) or from a form ([`DirectoryDraft::parse`]);
/// either way it must keep [`DirectoryEntry::field_errors`] empty to be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// ISO 3166-1 alpha-2, a region (`EU`) or `INT` for an international line.
    pub country: String,
    /// An IATA code, when the contact is for that airport only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub airport: Option<String>,
    pub organisation: String,
    pub kind: ContactKind,
    /// The number in international format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<E164>,
    /// The number as dialled inside the country when it has no international form
    /// (short codes such as 112 or 1547).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_number: Option<String>,
    /// `phone` can be dialled from another country (toll-free and short numbers usually cannot).
    #[serde(default)]
    pub dialable_from_abroad: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub hours: Hours,
    /// What the desk should know before calling (anonymity, consent, what not to send).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// ISO 639 codes of the languages named by the source.
    #[serde(default)]
    pub languages: Vec<String>,
    /// "More than N languages" (through interpreters), when the source says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages_over: Option<u16>,
    /// The publisher's own page that states the contact.
    pub source: String,
    /// `YYYY-MM-DD`.
    pub last_verified: String,
    /// Shown to the public on the help pages (`/help/{airport}`): a line a potential
    /// victim or a traveller may call themselves. Off unless the entry says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

/// How long a check stays good.
pub const VERIFY_EVERY: Duration = Duration::days(365);

fn parse_day(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &f).ok()
}

/// A number dialled inside a country: digits with spaces, dashes or brackets, 2 to 20 characters.
fn valid_local_number(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && (2..=20).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_digit() || " -()".contains(c))
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
    /// What the entry covers.
    #[must_use]
    pub fn scope(&self) -> Scope {
        if self.airport.is_some() {
            Scope::Airport
        } else if self.country == INTERNATIONAL {
            Scope::International
        } else if REGIONS.iter().any(|(r, _)| *r == self.country) {
            Scope::Region
        } else {
            Scope::Country
        }
    }
    /// How the entry covers a place (country and airport), if it does.
    #[must_use]
    pub fn covers(&self, country: &str, airport: &str) -> Option<Scope> {
        let scope = self.scope();
        let hit = match scope {
            Scope::Airport => self.country == country && self.airport.as_deref() == Some(airport),
            Scope::Country => self.country == country,
            Scope::Region => REGIONS.iter().any(|(r, members)| *r == self.country && members.contains(&country)),
            Scope::International => true,
        };
        hit.then_some(scope)
    }
    /// A phone (international or local) that answers around the clock.
    #[must_use]
    pub fn is_24_7_phone(&self) -> bool {
        self.hours.is_always() && (self.phone.is_some() || self.local_number.is_some())
    }
    /// Reached only by e-mail, and not around the clock (never offered first).
    #[must_use]
    pub fn is_office_hours_email(&self) -> bool {
        self.phone.is_none() && self.local_number.is_none() && !self.hours.is_always()
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
        let region = self.country == INTERNATIONAL || REGIONS.iter().any(|(r, _)| *r == self.country);
        check(upper(&self.country, 2) || region, "country", "invalid-country");
        let canonical_iata = |a: &str| Iata::parse_code(a).is_ok_and(|i| i.as_str() == a);
        check(self.airport.as_deref().is_none_or(|a| canonical_iata(a) && !region), "airport", "invalid-airport");
        let org = self.organisation.trim();
        check(!org.is_empty(), "organisation", "required");
        check(org.chars().count() <= 200, "organisation", "too-long");
        check(self.phone.is_some() || self.local_number.is_some() || self.email.is_some(), "phone", "phone-or-email");
        check(self.local_number.as_deref().is_none_or(valid_local_number), "local_number", "invalid-phone");
        check(!self.dialable_from_abroad || self.phone.is_some(), "dialable_from_abroad", "needs-phone");
        // The public can only be offered something to call.
        check(!self.public || self.phone.is_some() || self.local_number.is_some(), "public", "public-needs-number");
        check(self.email.as_deref().is_none_or(|e| Email::parse(e).is_ok()), "email", "invalid-email");
        check(self.hours.as_str().chars().count() <= 200, "hours", "too-long");
        check(self.notes.chars().count() <= 500, "notes", "too-long");
        check(
            self.languages.len() <= 12
                && self
                    .languages
                    .iter()
                    .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase())),
            "languages",
            "invalid-languages",
        );
        check(self.languages_over.is_none_or(|n| (1..=1000).contains(&n)), "languages_over", "out-of-range");
        let link = self.source.starts_with("https://") || self.source.starts_with("http://");
        check(link && self.source.len() > 10 && self.source.len() <= 500, "source", "source-link");
        match self.verified_on() {
            None => check(false, "last_verified", "invalid-date"),
            Some(d) => check(today.is_none_or(|t| d <= t), "last_verified", "date-in-future"),
        }
        let text = [&self.organisation, self.hours.as_str(), &self.notes, &self.source];
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
    pub local_number: String,
    /// A checkbox: present (any value but `false`) when ticked.
    #[serde(default)]
    pub dialable_from_abroad: String,
    #[serde(default)]
    pub email: String,
    /// `24/7` or a text.
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub notes: String,
    /// Language codes separated by commas or spaces.
    #[serde(default)]
    pub languages: String,
    /// "More than N languages": a whole number, or empty.
    #[serde(default)]
    pub languages_over: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub last_verified: String,
    /// A checkbox: shown on the public help pages.
    #[serde(default)]
    pub public: String,
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
            phone: e.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            local_number: e.local_number.clone().unwrap_or_default(),
            dialable_from_abroad: if e.dialable_from_abroad { "on".into() } else { String::new() },
            email: e.email.clone().unwrap_or_default(),
            hours: e.hours.as_str().to_owned(),
            notes: e.notes.clone(),
            languages: e.languages.join(", "),
            languages_over: e.languages_over.map(|n| n.to_string()).unwrap_or_default(),
            source: e.source.clone(),
            last_verified: e.last_verified.clone(),
            public: if e.public { "on".into() } else { String::new() },
        }
    }

    /// Normalise (trim, upper-case codes, lower-case languages, E.164 phone) and check.
    ///
    /// # Errors
    /// Every rule the entry breaks, one error per field.
    pub fn parse(&self, today: Date) -> Result<DirectoryEntry, Vec<FieldError>> {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let kind = self.kind.parse::<ContactKind>();
        let phone = opt(&self.phone).map(|p| E164::parse(&p)).transpose();
        let over = opt(&self.languages_over)
            .map(|n| n.parse::<u16>().map_err(|_| FieldError::new("languages_over", "out-of-range")))
            .transpose();
        let tick = |s: &str| !matches!(s.trim(), "" | "false" | "no" | "off");
        let ticked = tick(&self.dialable_from_abroad);
        let entry = DirectoryEntry {
            country: self.country.trim().to_ascii_uppercase(),
            airport: opt(&self.airport).map(|a| a.to_ascii_uppercase()),
            organisation: self.organisation.trim().to_owned(),
            kind: *kind.as_ref().unwrap_or(&ContactKind::Police),
            phone: phone.clone().ok().flatten(),
            local_number: opt(&self.local_number),
            dialable_from_abroad: ticked,
            email: opt(&self.email).map(|e| Email::parse(&e).map_or(e, |e| e.as_str().to_owned())),
            hours: Hours::parse(&self.hours),
            notes: self.notes.trim().to_owned(),
            languages: self
                .languages
                .split([',', ' '])
                .filter(|l| !l.is_empty())
                .map(|l| l.trim().to_ascii_lowercase())
                .collect(),
            languages_over: over.clone().ok().flatten(),
            source: self.source.trim().to_owned(),
            last_verified: self.last_verified.trim().to_owned(),
            public: tick(&self.public),
        };
        let mut errors = entry.field_errors(Some(today));
        if let Err(e) = phone {
            // The entry was checked without the phone: it is the phone that is wrong.
            errors.retain(|f| !(f.field == "phone" && f.code == "phone-or-email"));
            errors.retain(|f| f.field != "dialable_from_abroad" && f.field != "public");
            errors.insert(0, e);
        }
        if let Err(e) = over {
            errors.push(e);
        }
        if let Err(e) = kind {
            errors.insert(0, e);
        }
        if errors.is_empty() { Ok(entry) } else { Err(errors) }
    }
}

/// Which end of the flight a report is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    Origin,
    Destination,
}

impl Leg {
    /// Before departure (check-in, boarding) the origin's authorities can still act;
    /// once in flight, on arrival or otherwise, the destination's.
    #[must_use]
    pub const fn of(phase: Phase) -> Self {
        match phase {
            Phase::CheckIn | Phase::Boarding => Self::Origin,
            Phase::InFlight | Phase::Arrival | Phase::Other => Self::Destination,
        }
    }
}

/// Where and how urgently a case is routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteQuery<'a> {
    /// ISO 3166-1 alpha-2 of the place.
    pub country: &'a str,
    /// IATA code of the airport.
    pub airport: &'a str,
    pub urgent: bool,
}

/// Contacts for a place among `items`, in the order the desk is offered them:
/// - urgent: phones answering 24/7 first; then by scope (the airport's own, the
///   country's, the region's, international), kind (those who meet the aircraft
///   first) and whether the number can be dialled from abroad;
/// - not urgent: by scope and kind, emergency numbers last among them, and an
///   office-hours e-mail never first.
///
/// Regional and international lines are always listed after the country's (the
/// fallback), except a regional emergency number for a country that has its own.
/// A country with any entry never gets an empty list.
pub fn route<'a, T>(items: &'a [T], entry: impl Fn(&T) -> &DirectoryEntry, q: RouteQuery<'_>) -> Vec<&'a T> {
    let own_emergency = items.iter().any(|t| entry(t).country == q.country && entry(t).kind == ContactKind::Emergency);
    let mut out: Vec<(Scope, &T)> = items
        .iter()
        .filter_map(|t| entry(t).covers(q.country, q.airport).map(|s| (s, t)))
        .filter(|(s, t)| !(own_emergency && *s >= Scope::Region && entry(t).kind == ContactKind::Emergency))
        .collect();
    out.sort_by_key(|(scope, t)| {
        let e = entry(t);
        if q.urgent {
            (!e.is_24_7_phone(), *scope, e.kind.rank(), !e.dialable_from_abroad)
        } else {
            let rank = if e.kind == ContactKind::Emergency { u8::MAX } else { e.kind.rank() };
            (e.is_office_hours_email(), *scope, rank, false)
        }
    });
    out.into_iter().map(|(_, t)| t).collect()
}

/// None of `routed` is an airport-level contact of those who meet the aircraft
/// (airport police, border police): the escalation screen says so.
#[must_use]
pub fn lacks_airport_duty_line<T>(routed: &[T], entry: impl Fn(&T) -> &DirectoryEntry) -> bool {
    !routed.iter().any(|t| entry(t).scope() == Scope::Airport && entry(t).kind.meets_the_aircraft())
}

/// None of `routed` is a 24/7 phone in international (E.164) format: the escalation
/// screen says so.
#[must_use]
pub fn lacks_international_24_7<T>(routed: &[T], entry: impl Fn(&T) -> &DirectoryEntry) -> bool {
    !routed.iter().any(|t| entry(t).phone.is_some() && entry(t).hours.is_always())
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
    /// The countries with entries of their own but no line answered around the clock
    /// with a number in E.164 form (only short codes, toll-free lines without stated
    /// hours, or office hours): the desk of a case arriving there has no 24/7 number
    /// it can dial from anywhere. Sorted, each once.
    #[must_use]
    pub fn countries_without_a_24_7_number(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .entries
            .iter()
            .map(|e| e.country.as_str())
            .filter(|c| c.len() == 2 && *c != "EU")
            .filter(|c| !self.entries.iter().any(|e| e.country == *c && e.hours.is_always() && e.phone.is_some()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Contacts for a place (see [`route`]).
    #[must_use]
    pub fn route(&self, q: RouteQuery<'_>) -> Vec<&DirectoryEntry> {
        route(&self.entries, |e| e, q)
    }

    /// The countries (ISO codes) with an entry of their own, sorted.
    #[must_use]
    pub fn countries(&self) -> Vec<&str> {
        let mut v: Vec<&str> =
            self.entries.iter().filter(|e| e.scope() <= Scope::Country).map(|e| e.country.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
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
                    "local_number" => e.local_number.clone().unwrap_or_default(),
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

/// An entry as stored before version 2 of the directory (storage migration 0018):
/// the phone as typed, the notes inside the hours. Read only, to upgrade.
#[derive(Debug, Clone, Deserialize)]
pub struct DirectoryEntryV1 {
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
    pub last_verified: String,
}

impl DirectoryEntryV1 {
    /// The same entry in today's shape: a phone in E.164 stays the phone, any other
    /// number becomes the local number; "24/7; more" becomes 24/7 with the rest as notes.
    #[must_use]
    pub fn upgrade(self) -> DirectoryEntry {
        let e164 = self.phone.as_deref().and_then(|p| E164::parse(p).ok());
        let local_number = if e164.is_some() { None } else { self.phone };
        let (hours, notes) = match self.hours.trim().strip_prefix(Hours::ALWAYS) {
            Some(rest) => (Hours::Always, rest.trim_start_matches([';', ',', ' ']).to_owned()),
            None => (Hours::parse(&self.hours), String::new()),
        };
        DirectoryEntry {
            country: self.country,
            airport: self.airport,
            organisation: self.organisation,
            kind: self.kind,
            phone: e164,
            local_number,
            dialable_from_abroad: false,
            email: self.email,
            hours,
            notes,
            languages: self.languages,
            languages_over: None,
            source: self.source,
            last_verified: self.last_verified,
            public: false,
        }
    }
}

/// Hosts whose pages are copies of another publisher's text or test servers
/// (`content/copy-sites.toml`): a directory entry may not cite them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopySites {
    #[serde(rename = "site", default)]
    pub sites: Vec<CopySite>,
}

/// One denied host and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopySite {
    pub host: String,
    pub why: String,
}

impl CopySites {
    /// The denied site a link points to (its host or a subdomain of it), if any.
    #[must_use]
    pub fn denied(&self, link: &str) -> Option<&CopySite> {
        let host = url::Url::parse(link).ok()?.host_str()?.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
        self.sites.iter().find(|s| {
            let deny = s.host.to_ascii_lowercase();
            host == deny || host.ends_with(&format!(".{deny}"))
        })
    }

    /// Every directory entry that cites a denied site, as (entry index, message).
    #[must_use]
    pub fn problems(&self, directory: &Directory) -> Vec<(usize, String)> {
        directory
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                self.denied(&e.source).map(|s| {
                    (
                        i,
                        format!(
                            "{}: source {:?} is on the copy-site list ({}): cite the publisher's own page",
                            e.organisation, e.source, s.why
                        ),
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_country_with_only_short_codes_has_no_24_7_number() {
        let always = entry("FI", ContactKind::Emergency, "2026-12-01");
        let mut dialable = entry("IS", ContactKind::Emergency, "2026-12-01");
        dialable.phone = Some(E164::parse("+354 570 2112").unwrap());
        let mut office = entry("IS", ContactKind::Police, "2026-12-01");
        office.hours = Hours::parse("Mon–Fri 9–15");
        let region = entry("EU", ContactKind::Emergency, "2026-12-01");
        let d = Directory { schema_version: 2, entries: vec![always, dialable, office, region] };
        assert_eq!(d.countries_without_a_24_7_number(), vec!["FI"]);
    }

    fn entry(country: &str, kind: ContactKind, verified: &str) -> DirectoryEntry {
        DirectoryEntry {
            country: country.into(),
            airport: None,
            organisation: format!("{country} {}", kind.as_str()),
            kind,
            phone: None,
            local_number: Some("112".into()),
            dialable_from_abroad: false,
            email: None,
            hours: Hours::Always,
            notes: String::new(),
            languages: vec![],
            languages_over: None,
            source: "https://example.org/contacts".into(),
            last_verified: verified.into(),
            public: false,
        }
    }

    fn names<'a>(v: &[&'a DirectoryEntry]) -> Vec<&'a str> {
        v.iter().map(|e| e.organisation.as_str()).collect()
    }

    fn q<'a>(country: &'a str, airport: &'a str, urgent: bool) -> RouteQuery<'a> {
        RouteQuery { country, airport, urgent }
    }

    #[test]
    fn e164_is_parsed_once_and_kept_canonical() {
        assert_eq!(E164::parse("+358 2954 63177").unwrap().as_str(), "+358295463177");
        assert_eq!(E164::parse(" +1 (866) 347-2423 ").unwrap().as_str(), "+18663472423");
        for bad in
            ["112", "0800 222 777", "1-866-347-2423", "+0 123 4567", "+358 29x", "+12345", "+1234567890123456", ""]
        {
            assert_eq!(E164::parse(bad), Err(FieldError::new("phone", "not-e164")), "{bad}");
        }
        let from_file: Result<E164, _> = E164::try_from("02954 63177".to_owned());
        assert!(from_file.unwrap_err().contains("E.164"));
        assert_eq!(Hours::parse(" 24/7 "), Hours::Always);
        assert_eq!(Hours::parse(""), Hours::NotStated);
        assert_eq!(Hours::parse("Mon–Fri 9–15").as_str(), "Mon–Fri 9–15");
    }

    #[test]
    fn urgent_cases_get_a_24_7_phone_first_and_never_an_office_hours_email() {
        let mut police = entry("FI", ContactKind::Police, "2026-11-28");
        police.local_number = None;
        police.email = Some("tips@poliisi.fi".into());
        police.hours = Hours::Text("Office hours".into());
        let mut assistance = entry("FI", ContactKind::VictimAssistance, "2026-11-28");
        assistance.local_number = None;
        assistance.phone = Some(E164::parse("+358295463177").unwrap());
        assistance.dialable_from_abroad = true;
        let d = Directory {
            schema_version: 2,
            entries: vec![police, assistance, entry("FI", ContactKind::Emergency, "2026-11-28")],
        };
        let urgent = d.route(q("FI", "HEL", true));
        assert_eq!(names(&urgent), vec!["FI emergency", "FI victim_assistance", "FI police"]);
        let calm = d.route(q("FI", "HEL", false));
        assert_eq!(
            names(&calm),
            vec!["FI victim_assistance", "FI emergency", "FI police"],
            "not urgent: the emergency number after the others, and still not the office-hours e-mail first"
        );
        assert!(lacks_airport_duty_line(&urgent, |e| *e));
        assert!(!lacks_international_24_7(&urgent, |e| *e));
    }

    #[test]
    fn routing_goes_airport_country_region_international() {
        let mut hel = entry("FI", ContactKind::AirportPolice, "2026-11-28");
        hel.airport = Some("HEL".into());
        let mut intl = entry(INTERNATIONAL, ContactKind::NationalHotline, "2026-11-28");
        intl.phone = Some(E164::parse("+18028726199").unwrap());
        intl.local_number = None;
        intl.dialable_from_abroad = true;
        let d = Directory {
            schema_version: 2,
            entries: vec![
                entry("FI", ContactKind::VictimAssistance, "2026-11-28"),
                entry("FI", ContactKind::Police, "2026-11-28"),
                entry("EU", ContactKind::Emergency, "2026-11-28"),
                entry("US", ContactKind::Police, "2024-01-01"),
                intl,
                hel,
            ],
        };
        let fi = d.route(q("FI", "HEL", false));
        assert_eq!(
            names(&fi),
            vec!["FI airport_police", "FI police", "FI victim_assistance", "EU emergency", "INT national_hotline"]
        );
        assert!(!lacks_airport_duty_line(&fi, |e| *e));
        assert_eq!(d.route(q("FI", "TMP", true)).len(), 4, "another Finnish airport does not get HEL's own contact");
        assert_eq!(names(&d.route(q("SE", "ARN", true))), vec!["EU emergency", "INT national_hotline"]);
        assert_eq!(names(&d.route(q("JP", "NRT", true))), vec!["INT national_hotline"]);
        assert_eq!(names(&d.route(q("US", "JFK", false)))[0], "US police");
        assert!(d.entries[3].is_stale(date!(2026 - 11 - 28)));
        assert!(!d.entries[1].is_stale(date!(2026 - 11 - 28)));
        assert!(!entry("FI", ContactKind::Police, "2025-11-28").is_stale(date!(2026 - 11 - 28)), "exactly a year");
        assert!(entry("FI", ContactKind::Police, "2025-11-27").is_stale(date!(2026 - 11 - 28)));
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        let mut own = d.clone();
        own.entries.push(entry("FI", ContactKind::Emergency, "2026-11-28"));
        assert!(!names(&own.route(q("FI", "HEL", true))).contains(&"EU emergency"), "the country's own 112 suffices");
    }

    #[test]
    fn a_source_on_a_copy_site_or_its_subdomain_is_named() {
        let sites = CopySites {
            sites: vec![
                CopySite { host: "pubt.io".into(), why: "copies".into() },
                CopySite { host: "ngtest.aviationweek.com".into(), why: "test server".into() },
            ],
        };
        assert!(sites.denied("https://www.pubt.io/view/E63D").is_some());
        assert!(sites.denied("https://a.pubt.io/x").is_some());
        assert!(sites.denied("https://ngtest.aviationweek.com/story").is_some());
        assert!(sites.denied("https://aviationweek.com/story").is_none(), "the publisher itself");
        assert!(sites.denied("https://notpubt.io/x").is_none());
        let mut d = Directory { schema_version: 2, entries: vec![entry("US", ContactKind::Police, "2026-11-28")] };
        assert!(sites.problems(&d).is_empty());
        d.entries[0].source = "https://www.pubt.io/view/E63D".into();
        assert_eq!(sites.problems(&d).len(), 1);
    }

    #[test]
    fn an_entry_stored_before_version_2_is_upgraded() {
        let v1 = |phone: &str, hours: &str| DirectoryEntryV1 {
            country: "UA".into(),
            airport: None,
            organisation: "Hotline".into(),
            kind: ContactKind::NationalHotline,
            phone: Some(phone.into()),
            email: None,
            hours: hours.into(),
            languages: vec!["uk".into()],
            source: "https://example.org/".into(),
            last_verified: "2026-11-28".into(),
        };
        let e = v1("+38 044 284-19-15", "24/7; text 233733").upgrade();
        assert_eq!(e.phone.as_ref().map(E164::as_str), Some("+380442841915"));
        assert_eq!((e.hours, e.notes.as_str(), e.local_number), (Hours::Always, "text 233733", None));
        let short = v1("527", "Check hours with the line").upgrade();
        assert_eq!((short.phone, short.local_number.as_deref()), (None, Some("527")));
        assert_eq!(short.hours, Hours::Text("Check hours with the line".into()));
    }

    #[test]
    fn the_phase_picks_the_end_of_the_flight() {
        assert_eq!(Leg::of(Phase::CheckIn), Leg::Origin);
        assert_eq!(Leg::of(Phase::Boarding), Leg::Origin);
        assert_eq!(Leg::of(Phase::InFlight), Leg::Destination);
        assert_eq!(Leg::of(Phase::Arrival), Leg::Destination);
    }

    #[test]
    fn a_draft_is_normalised_or_refused_field_by_field() {
        let today = date!(2026 - 11 - 28);
        let good = DirectoryDraft {
            country: " fi ".into(),
            airport: "hel".into(),
            organisation: " Helsinki Airport Police ".into(),
            kind: "airport_police".into(),
            phone: "+358 295 419 800".into(),
            dialable_from_abroad: "on".into(),
            email: "Tips@Poliisi.FI".into(),
            hours: "24/7".into(),
            languages: "fi, SV en".into(),
            languages_over: "10".into(),
            source: "https://poliisi.fi/en/contact".into(),
            last_verified: "2026-11-01".into(),
            ..DirectoryDraft::default()
        };
        let e = good.parse(today).unwrap();
        assert_eq!((e.country.as_str(), e.airport.as_deref()), ("FI", Some("HEL")));
        assert_eq!(e.phone.as_ref().map(E164::as_str), Some("+358295419800"));
        assert!(e.dialable_from_abroad && e.hours.is_always() && e.kind == ContactKind::AirportPolice);
        assert_eq!(e.organisation, "Helsinki Airport Police");
        assert_eq!(e.email.as_deref(), Some("tips@poliisi.fi"));
        assert_eq!(e.languages, vec!["fi", "sv", "en"]);
        assert_eq!(e.languages_over, Some(10));
        assert_eq!(DirectoryDraft::of(&e).parse(today).unwrap(), e, "the form round-trips");
        assert!(!e.public, "not public unless ticked");
        let public = DirectoryDraft { public: "on".into(), ..good.clone() }.parse(today).unwrap();
        assert!(public.public);
        assert_eq!(DirectoryDraft::of(&public).parse(today).unwrap(), public, "the public tick round-trips");
        let email_only = DirectoryDraft { phone: String::new(), dialable_from_abroad: String::new(), ..good.clone() };
        let refused = DirectoryDraft { public: "on".into(), ..email_only }.parse(today).unwrap_err();
        assert!(refused.iter().any(|f| (f.field, f.code) == ("public", "public-needs-number")), "{refused:?}");

        let bad = DirectoryDraft {
            country: "Finland".into(),
            airport: "HELS".into(),
            organisation: " ".into(),
            kind: "army".into(),
            dialable_from_abroad: "on".into(),
            languages: "finnish".into(),
            languages_over: "many".into(),
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
                ("dialable_from_abroad", "needs-phone"),
                ("languages", "invalid-languages"),
                ("source", "source-link"),
                ("last_verified", "date-in-future"),
                ("languages_over", "out-of-range"),
            ]
        );
        let national = DirectoryDraft { phone: "029 546 3177".into(), ..good.clone() };
        assert_eq!(national.parse(today).unwrap_err(), vec![FieldError::new("phone", "not-e164")]);
        let short = DirectoryDraft { local_number: "call us".into(), ..good.clone() };
        assert_eq!(short.parse(today).unwrap_err(), vec![FieldError::new("local_number", "invalid-phone")]);
        let mail = DirectoryDraft { email: "not-an-address".into(), ..good.clone() };
        assert_eq!(mail.parse(today).unwrap_err(), vec![FieldError::new("email", "invalid-email")]);
        let region_airport = DirectoryDraft { country: "EU".into(), ..good };
        assert_eq!(region_airport.parse(today).unwrap_err(), vec![FieldError::new("airport", "invalid-airport")]);
    }

    #[test]
    fn the_data_file_reports_duplicates_and_broken_entries() {
        let mut d = Directory {
            schema_version: 2,
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
        assert_eq!(d.countries(), vec!["FI"]);
    }
}
