//! Crew reports: the parsed, validated report; the decision gate; the compact relay
//! message for the captain. No I/O: airports and indicators are looked up through
//! the traits the caller provides, and time zones come from the bundled tz database.

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, Time};

use crate::FieldError;

simple_enum!(
    /// Who is reporting.
    ReporterRole, "reporter_role" {
        CabinCrew => "cabin_crew", FlightDeck => "flight_deck", Gate => "gate",
        CheckIn => "check_in", Security => "security", Other => "other",
    }
);
simple_enum!(
    /// When it was seen.
    Phase, "phase" {
        CheckIn => "check_in", Boarding => "boarding", InFlight => "in_flight",
        Arrival => "arrival", Other => "other",
    }
);
simple_enum!(
    /// A person's age as perceived, in ranges.
    AgeRange, "age_range" {
        Child => "child", Teen => "teen", YoungAdult => "young_adult", Adult => "adult",
        Older => "older", Unknown => "unknown",
    }
);
simple_enum!(
    /// Gender as perceived, or unknown. There is no field for ethnicity or appearance.
    PerceivedGender, "gender" {
        Female => "female", Male => "male", Other => "other", Unknown => "unknown",
    }
);
simple_enum!(
    /// Whether the companion may have noticed that staff are concerned.
    Awareness, "companion_aware" { No => "no", Yes => "yes", Unknown => "unknown" }
);

/// Serde for a parsed string newtype: read through its parser, write as the string.
macro_rules! string_newtype {
    ($t:ident, $parse:ident) => {
        impl TryFrom<String> for $t {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, FieldError> {
                Self::$parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }
    };
}

/// What kind of identifier names the flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlightKind {
    /// An IATA flight number: `AY5`, `9W1234`, `U21234A`.
    Iata,
    /// An ICAO call sign: `FIN5`, `BAW12K`.
    Icao,
    /// An aircraft registration: `N123AB`, `OH-LVA`, `G-EUPT`.
    Registration,
}

/// The flight: an IATA flight number, an ICAO call sign or an aircraft registration,
/// normalised (upper case, no spaces, leading zeros of the number dropped, so
/// `AY0005` = `AY5` and `FIN005` = `FIN5`; a registration keeps its hyphen).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FlightNumber(String);

/// `digits` (1–4 ASCII digits) without leading zeros; `None` if all zeros or not digits.
fn flight_digits(digits: &str) -> Option<&str> {
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = digits.trim_start_matches('0');
    if t.is_empty() { None } else { Some(t) }
}

impl FlightNumber {
    /// # Errors
    /// `flight`/`invalid-flight`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_kind(input).map(|(f, _)| f)
    }

    /// The normalised identifier and its kind.
    ///
    /// # Errors
    /// `flight`/`invalid-flight`.
    pub fn parse_kind(input: &str) -> Result<(Self, FlightKind), FieldError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let err = FieldError::new("flight", "invalid-flight");
        if !s.is_ascii() || s.len() > 8 {
            return Err(err);
        }
        let b = s.as_bytes();
        let alnum = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_alphanumeric);
        // Registration with the nationality mark and a hyphen: OH-LVA, G-EUPT, 9H-ABC, B-18801.
        if let Some((mark, rest)) = s.split_once('-') {
            let ok = (1..=2).contains(&mark.len())
                && alnum(mark.as_bytes())
                && mark.bytes().any(|c| c.is_ascii_alphabetic())
                && (1..=5).contains(&rest.len())
                && alnum(rest.as_bytes());
            return if ok { Ok((Self(s), FlightKind::Registration)) } else { Err(err) };
        }
        if !alnum(b) {
            return Err(err);
        }
        // US registration: N, a digit 1–9, then up to four more (digits, at most two trailing letters).
        if b.len() >= 2 && b[0] == b'N' && (b'1'..=b'9').contains(&b[1]) {
            let tail = &b[1..];
            let letters = tail.iter().rev().take_while(|c| c.is_ascii_alphabetic()).count();
            let digits = tail.len() - letters;
            if tail.len() <= 5 && letters <= 2 && tail[..digits].iter().all(u8::is_ascii_digit) {
                return Ok((Self(s), FlightKind::Registration));
            }
        }
        // ICAO call sign: three letters, then a number of 1–4 digits and at most two letters.
        if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_alphabetic) {
            let tail = &s[3..];
            let letters = tail.bytes().rev().take_while(u8::is_ascii_alphabetic).count();
            if letters <= 2
                && let Some(n) = flight_digits(&tail[..tail.len() - letters])
            {
                return Ok((Self(format!("{}{n}{}", &s[..3], &tail[tail.len() - letters..])), FlightKind::Icao));
            }
            return Err(err);
        }
        // IATA: a two-character designator (not two digits), 1–4 digits, an optional letter.
        if b.len() >= 3 && !b[..2].iter().all(u8::is_ascii_digit) {
            let tail = &s[2..];
            let suffix = usize::from(tail.bytes().last().is_some_and(|c| c.is_ascii_alphabetic()));
            if let Some(n) = flight_digits(&tail[..tail.len() - suffix]) {
                return Ok((Self(format!("{}{n}{}", &s[..2], &tail[tail.len() - suffix..])), FlightKind::Iata));
            }
        }
        Err(err)
    }

    /// A value the reporter typed that did not parse, kept for the desk (an urgent
    /// report is never refused for it): upper case, letters, digits and hyphens only,
    /// at most 10 characters. `None` when nothing is left.
    #[must_use]
    pub fn as_typed(input: &str) -> Option<Self> {
        let s = typed_token(input, 10, true);
        if s.is_empty() { None } else { Some(Self(s)) }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(FlightNumber, parse_stored);

impl FlightNumber {
    /// Read back a stored or serialised value (which may have been kept as typed).
    fn parse_stored(s: &str) -> Result<Self, FieldError> {
        Self::parse(s).or_else(|e| Self::as_typed(s).filter(|t| t.0 == s).ok_or(e))
    }
}

/// Upper case; only ASCII letters and digits (and hyphens when `hyphen`), cut to `max`.
#[must_use]
pub fn typed_token(input: &str, max: usize, hyphen: bool) -> String {
    input
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| c.is_ascii_alphanumeric() || (hyphen && *c == '-'))
        .take(max)
        .collect()
}

/// Three upper-case letters. Whether the airport exists is checked against the
/// bundled airport data by the caller ([`AirportLookup`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iata(String);

impl Iata {
    /// # Errors
    /// `airport`/`invalid-airport`.
    pub fn parse_code(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(s))
        } else {
            Err(FieldError::new("airport", "invalid-airport"))
        }
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype!(Iata, parse_stored);

impl Iata {
    /// An airport code the reporter typed that is not known, kept for the desk:
    /// letters and digits, at most 8, or `ZZZ` when nothing is left.
    #[must_use]
    pub fn as_typed(input: &str) -> Self {
        let s = typed_token(input, 8, false);
        Self(if s.is_empty() { "ZZZ".to_owned() } else { s })
    }

    fn parse_stored(s: &str) -> Result<Self, FieldError> {
        Self::parse_code(s).or_else(|e| Some(Self::as_typed(s)).filter(|t| t.0 == s).ok_or(e))
    }
}

/// A seat such as `23A` or `4K`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Seat(String);

impl Seat {
    /// # Errors
    /// `seats`/`invalid-seat`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = (2..=4).contains(&b.len())
            && b[..b.len() - 1].iter().all(u8::is_ascii_digit)
            && b.last().is_some_and(u8::is_ascii_uppercase)
            && b[0] != b'0';
        if ok { Ok(Self(s)) } else { Err(FieldError::new("seats", "invalid-seat")) }
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_newtype!(Seat, parse_stored);

impl Seat {
    /// A seat the reporter typed that did not parse, kept for the desk.
    #[must_use]
    pub fn as_typed(input: &str) -> Option<Self> {
        let s = typed_token(input, 5, false);
        if s.is_empty() { None } else { Some(Self(s)) }
    }

    fn parse_stored(s: &str) -> Result<Self, FieldError> {
        Self::parse(s).or_else(|e| Self::as_typed(s).filter(|t| t.0 == s).ok_or(e))
    }
}

/// What the product knows of an airport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Airport {
    pub iata: String,
    pub name: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone name.
    pub tz: String,
}

/// Looks airports up (the bundled `content/airports.csv`).
pub trait AirportLookup {
    fn airport(&self, iata: &str) -> Option<&Airport>;
}

/// Looks indicators up (the catalogue): code → short relay code.
pub trait IndicatorLookup {
    fn short_code(&self, code: &str) -> Option<&str>;
    fn is_core_four(&self, code: &str) -> bool;
    /// The weighted decision gate's rule, when one is loaded (see [`crate::gate`]).
    fn gate_rule(&self) -> Option<&crate::gate::GateRule> {
        None
    }
}

/// Neutral description of one person. No field for ethnicity or appearance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDescription {
    pub age_range: AgeRange,
    pub gender: PerceivedGender,
    /// Clothing or other neutral identifying detail, at most 120 characters.
    #[serde(default)]
    pub clothing: String,
}

/// The part of a report that is sealed at rest: who was seen and the reporter's own
/// words. The one definition of its shape — the report is sealed in it and the desk
/// opens it from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedText {
    #[serde(default)]
    pub victims: Vec<PersonDescription>,
    #[serde(default)]
    pub companions_described: Vec<PersonDescription>,
    #[serde(default)]
    pub free_text: String,
    /// A public tip's optional contact method (never on a crew report).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
}

impl SealedText {
    /// The sealed part of a parsed report.
    #[must_use]
    pub fn of(report: &Report) -> Self {
        Self {
            victims: report.victims.clone(),
            companions_described: report.companions_described.clone(),
            free_text: report.free_text.clone(),
            contact: String::new(),
        }
    }

    /// Everyone described, potential victims first.
    pub fn people(&self) -> impl Iterator<Item = &PersonDescription> {
        self.victims.iter().chain(&self.companions_described)
    }
}

pub const MAX_TEXT: usize = 2_000;
pub const MAX_CLOTHING: usize = 120;
/// A group travelling together: up to 30 seats and 30 people of each kind.
pub const MAX_SEATS: usize = 30;
pub const MAX_PERSONS: u8 = 30;
/// Every sign of the catalogue can be ticked (the catalogue is checked to fit).
pub const MAX_INDICATORS: usize = 64;
/// Where in the terminal (`Gate 22`, `security lane 3`).
pub const MAX_PLACE: usize = 80;
/// The longest device time accepted (RFC 3339 with nanoseconds and an offset is 35).
pub const MAX_CLIENT_TIME: usize = 40;

/// A report as a device sends it (`PUT /api/v1/reports/{id}`): strings and numbers,
/// not yet trusted.
///
/// A flight is named by `flight` (IATA flight number, ICAO call sign or
/// registration) with `origin` and `destination`; an incident in the terminal with
/// no flight leaves `flight`, `origin` and `destination` empty and gives `airport`
/// and `place` instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub reporter_role: String,
    pub phase: String,
    /// IATA flight number (`AY5`), ICAO call sign (`FIN5`) or registration
    /// (`N123AB`, `OH-LVA`); empty for an incident in the terminal.
    #[serde(default)]
    pub flight: String,
    /// Departure date (`YYYY-MM-DD`), or the day of a terminal incident.
    pub date: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub destination: String,
    /// The airport of an incident in the terminal (IATA), when there is no flight.
    #[serde(default)]
    pub airport: String,
    /// Where in the terminal, e.g. `Gate 22` (at most 80 characters).
    #[serde(default)]
    pub place: String,
    /// Scheduled arrival: `HH:MM` local time at the destination on `arrival_date`
    /// (or on `date` when that is empty), `YYYY-MM-DDTHH:MM` local time at the
    /// destination, or an RFC 3339 instant (`2027-01-01T02:15:00Z`); may be empty.
    #[serde(default)]
    pub scheduled_arrival: String,
    /// The local date of the scheduled arrival (`YYYY-MM-DD`) when it is not the
    /// departure date (overnight flights).
    #[serde(default)]
    pub arrival_date: String,
    #[serde(default)]
    pub seats: Vec<String>,
    pub potential_victims: u8,
    #[serde(default)]
    pub companions: u8,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub victims: Vec<PersonDescription>,
    #[serde(default)]
    pub companions_described: Vec<PersonDescription>,
    #[serde(default)]
    pub disclosed: bool,
    pub companion_aware: String,
    #[serde(default)]
    pub immediate_danger: bool,
    #[serde(default)]
    pub free_text: String,
    /// The reporter confirms they weighed the innocent explanations shown.
    #[serde(default)]
    pub considered_innocent_explanations: bool,
    /// When the device created it (informational; server time is authoritative).
    #[serde(default)]
    pub client_created_at: Option<String>,
}

/// A report that passed every rule (or, when urgent, was kept with its problems
/// flagged for the desk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub reporter_role: ReporterRole,
    pub phase: Phase,
    /// `None` for an incident in the terminal.
    pub flight: Option<FlightNumber>,
    /// Departure date (or the day of a terminal incident).
    pub date: Date,
    /// For a terminal incident, origin and destination are both its airport.
    pub origin: Iata,
    pub destination: Iata,
    /// Where in the terminal; empty on a flight.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// Scheduled arrival as an instant (UTC).
    pub scheduled_arrival: Option<OffsetDateTime>,
    pub seats: Vec<Seat>,
    pub potential_victims: u8,
    pub companions: u8,
    /// Indicator codes, core four first, in catalogue order otherwise as given.
    pub indicators: Vec<String>,
    pub victims: Vec<PersonDescription>,
    pub companions_described: Vec<PersonDescription>,
    pub disclosed: bool,
    pub companion_aware: Awareness,
    pub immediate_danger: bool,
    pub free_text: String,
    /// When the device says it made the report (informational). Not serialised, so
    /// not part of the content hash: reports stored before it was parsed still
    /// replay as the same content.
    #[serde(skip)]
    pub client_created_at: Option<OffsetDateTime>,
    /// Problems of an urgent report that were not refused but kept for the desk
    /// (the value as typed, or a safe default): each names its field and code.
    #[serde(skip)]
    pub flags: Vec<FieldError>,
}

impl Report {
    /// Is this an incident in the terminal (no flight, no route)?
    #[must_use]
    pub fn in_terminal(&self) -> bool {
        self.flight.is_none() && self.origin == self.destination
    }
}

/// The flags of a stored report, as one string (`field:code` separated by spaces).
#[must_use]
pub fn flags_text(flags: &[FieldError]) -> String {
    flags.iter().map(|f| format!("{}:{}", f.field, f.code)).collect::<Vec<_>>().join(" ")
}

pub(crate) fn parse_date(s: &str) -> Result<Date, FieldError> {
    let err = FieldError::new("date", "invalid-date");
    let mut it = s.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else { return Err(err) };
    let y: i32 = y.parse().map_err(|_| err.clone())?;
    let m: u8 = m.parse().map_err(|_| err.clone())?;
    let d: u8 = d.parse().map_err(|_| err.clone())?;
    let month = Month::try_from(m).map_err(|_| err.clone())?;
    Date::from_calendar_date(y, month, d).map_err(|_| err)
}

pub(crate) fn parse_hhmm(s: &str) -> Result<Time, FieldError> {
    let err = FieldError::new("scheduled_arrival", "invalid-time");
    let (h, m) = s.trim().split_once(':').ok_or(err.clone())?;
    if h.len() != 2 || m.len() != 2 {
        return Err(err);
    }
    let h: u8 = h.parse().map_err(|_| err.clone())?;
    let m: u8 = m.parse().map_err(|_| err.clone())?;
    Time::from_hms(h, m, 0).map_err(|_| err)
}

/// A civil date-time in an IANA zone, as an instant.
///
/// # Errors
/// `scheduled_arrival`/`invalid-time` if the zone is unknown.
pub fn local_to_instant(date: Date, time: Time, tz: &str) -> Result<OffsetDateTime, FieldError> {
    let err = FieldError::new("scheduled_arrival", "invalid-time");
    let zone = jiff::tz::TimeZone::get(tz).map_err(|_| err.clone())?;
    let civil = jiff::civil::DateTime::new(
        i16::try_from(date.year()).map_err(|_| err.clone())?,
        i8::try_from(u8::from(date.month())).map_err(|_| err.clone())?,
        i8::try_from(date.day()).map_err(|_| err.clone())?,
        i8::try_from(time.hour()).map_err(|_| err.clone())?,
        i8::try_from(time.minute()).map_err(|_| err.clone())?,
        0,
        0,
    )
    .map_err(|_| err.clone())?;
    let ts = zone.to_timestamp(civil).map_err(|_| err.clone())?;
    OffsetDateTime::from_unix_timestamp(ts.as_second()).map_err(|_| err)
}

/// The UTC offset of an IANA zone at an instant.
#[must_use]
pub fn utc_offset_at(t: OffsetDateTime, tz: &str) -> Option<time::UtcOffset> {
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    let ts = jiff::Timestamp::from_second(t.unix_timestamp()).ok()?;
    time::UtcOffset::from_whole_seconds(zone.to_offset(ts).seconds()).ok()
}

/// Free text: lines and tabs are kept (a browser's CR LF, or a lone CR, becomes LF);
/// any other control character is refused.
pub(crate) fn check_text(s: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(field, "control-characters"));
    }
    let t = s.trim().replace("\r\n", "\n").replace('\r', "\n");
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too-long"));
    }
    Ok(t)
}

/// A one-line value: no control character at all (checked before it is parsed, so
/// the field is named for what is wrong with it).
pub(crate) fn one_line<'s>(field: &'static str, s: &'s str) -> Result<&'s str, FieldError> {
    if s.chars().any(char::is_control) { Err(FieldError::new(field, "control-characters")) } else { Ok(s) }
}

/// The device's clock: RFC 3339 of bounded length, or nothing.
fn parse_client_time(s: Option<&str>) -> Result<Option<OffsetDateTime>, FieldError> {
    const FIELD: &str = "client_created_at";
    let Some(s) = s.map(|s| one_line(FIELD, s)).transpose()?.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.len() > MAX_CLIENT_TIME {
        return Err(FieldError::new(FIELD, "too-long"));
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(Some)
        .map_err(|_| FieldError::new(FIELD, "invalid-timestamp"))
}

/// Collects what is wrong: every problem refuses a report, except that an urgent
/// report keeps a fallback value and flags the problem for the desk (never for a
/// control character, which no real input has).
struct Problems {
    lenient: bool,
    errors: Vec<FieldError>,
    flags: Vec<FieldError>,
}

impl Problems {
    /// The value, or (urgent) the fallback with the problem flagged, or `None`.
    fn take<T>(&mut self, r: Result<T, FieldError>, fallback: impl FnOnce() -> T) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) if self.lenient && e.code != "control-characters" => {
                if !self.flags.contains(&e) {
                    self.flags.push(e);
                }
                Some(fallback())
            }
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }
    fn note(&mut self, e: FieldError) {
        self.take(Err::<(), _>(e), || ());
    }
}

/// The first `max` characters.
fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl ReportInput {
    /// Is this report urgent (immediate danger)? An urgent report is never refused
    /// for a secondary field.
    #[must_use]
    pub const fn is_urgent(&self) -> bool {
        self.immediate_danger
    }

    /// Check every rule. Returns all problems, each naming its field. An urgent
    /// report is stored even with problems (other than control characters): each is
    /// kept in [`Report::flags`] with the value as typed or a safe default.
    ///
    /// # Errors
    /// Every [`FieldError`] found.
    #[allow(clippy::too_many_lines)]
    pub fn parse(
        &self,
        airports: &impl AirportLookup,
        indicators: &impl IndicatorLookup,
    ) -> Result<Report, Vec<FieldError>> {
        let mut p = Problems { lenient: self.is_urgent(), errors: Vec::new(), flags: Vec::new() };
        let reporter_role = p
            .take(one_line("reporter_role", &self.reporter_role).and_then(str::parse::<ReporterRole>), || {
                ReporterRole::Other
            });
        let phase = p.take(one_line("phase", &self.phase).and_then(str::parse::<Phase>), || Phase::Other);
        let client_created_at = p.take(parse_client_time(self.client_created_at.as_deref()), || None);
        let device_day = client_created_at.flatten().map(OffsetDateTime::date);
        let date = match one_line("date", &self.date).and_then(parse_date) {
            Ok(d) => Some(d),
            // An urgent report without a usable date takes the device's day.
            Err(e) if e.code != "control-characters" && p.lenient && device_day.is_some() => {
                p.take(Err(e), || device_day.unwrap_or(Date::MIN))
            }
            Err(e) => {
                p.errors.push(e);
                None
            }
        };
        let airport = |p: &mut Problems, code: &str, field: &'static str| -> Option<Iata> {
            if code.trim().is_empty() {
                return p.take(Err(FieldError::new(field, "required")), || Iata::as_typed(""));
            }
            let known = one_line(field, code)
                .and_then(|c| Iata::parse_code(c).map_err(|_| FieldError::new(field, "invalid-airport")))
                .and_then(|i| airports.airport(i.as_str()).map(|_| i).ok_or(FieldError::new(field, "unknown-airport")));
            p.take(known, || Iata::as_typed(code))
        };
        let on_flight = [&self.flight, &self.origin, &self.destination].iter().any(|s| !s.trim().is_empty());
        let flight = if self.flight.trim().is_empty() {
            Some(None)
        } else {
            p.take(one_line("flight", &self.flight).and_then(FlightNumber::parse).map(Some), || {
                FlightNumber::as_typed(&self.flight)
            })
        };
        let place = p.take(check_text(&self.place, "place", MAX_PLACE).map(|t| t.replace(['\n', '\t'], " ")), || {
            cut(&self.place, MAX_PLACE)
        });
        let (origin, destination) = if on_flight {
            (airport(&mut p, &self.origin, "origin"), airport(&mut p, &self.destination, "destination"))
        } else {
            let here = airport(&mut p, &self.airport, "airport");
            (here.clone(), here)
        };
        let scheduled_arrival = self.arrival(&mut p, airports, date, destination.as_ref());
        let seats = {
            let given: Vec<&String> = self.seats.iter().filter(|s| !s.trim().is_empty()).collect();
            if given.len() > MAX_SEATS {
                p.note(FieldError::new("seats", "too-many"));
            }
            let mut out = Vec::new();
            let mut ok = true;
            for s in given.iter().take(MAX_SEATS) {
                match p.take(one_line("seats", s).and_then(Seat::parse).map(Some), || Seat::as_typed(s)) {
                    Some(seat) => out.extend(seat),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        };
        let count = |p: &mut Problems, n: u8, field: &'static str, min: u8| {
            let r = if (min..=MAX_PERSONS).contains(&n) { Ok(n) } else { Err(FieldError::new(field, "out-of-range")) };
            p.take(r, || n.clamp(min, MAX_PERSONS))
        };
        let victims_n = count(&mut p, self.potential_victims, "potential_victims", 1);
        let companions_n = count(&mut p, self.companions, "companions", 0);
        let mut codes: Vec<String> = Vec::new();
        if self.indicators.len() > MAX_INDICATORS {
            p.note(FieldError::new("indicators", "too-many"));
        }
        for code in self.indicators.iter().take(MAX_INDICATORS) {
            if let Err(e) = one_line("indicators", code) {
                p.note(e);
            } else if indicators.short_code(code).is_none() {
                p.note(FieldError::new("indicators", "unknown-indicator"));
            } else if !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        // Core four first; otherwise keep the reporter's order.
        codes.sort_by_key(|c| !indicators.is_core_four(c));
        let victims = check_people(&mut p, &self.victims, "victims");
        let companions_described = check_people(&mut p, &self.companions_described, "companions_described");
        let companion_aware = p
            .take(one_line("companion_aware", &self.companion_aware).and_then(str::parse::<Awareness>), || {
                Awareness::Unknown
            });
        let free_text =
            p.take(check_text(&self.free_text, "free_text", MAX_TEXT), || cut(self.free_text.trim(), MAX_TEXT));
        if codes.is_empty() && !self.disclosed && !self.immediate_danger && self.free_text.trim().is_empty() {
            p.note(FieldError::new("indicators", "nothing-reported"));
        }
        if !self.considered_innocent_explanations {
            p.note(FieldError::new("considered_innocent_explanations", "must-confirm"));
        }
        if !p.errors.is_empty() {
            return Err(p.errors);
        }
        let Problems { flags, .. } = p;
        match (
            (reporter_role, phase, flight, date, origin, destination, place),
            (scheduled_arrival, seats, victims_n, companions_n, victims, companions_described),
            (companion_aware, free_text, client_created_at),
        ) {
            (
                (
                    Some(reporter_role),
                    Some(phase),
                    Some(flight),
                    Some(date),
                    Some(origin),
                    Some(destination),
                    Some(place),
                ),
                (
                    Some(scheduled_arrival),
                    Some(seats),
                    Some(potential_victims),
                    Some(companions),
                    Some(victims),
                    Some(companions_described),
                ),
                (Some(companion_aware), Some(free_text), Some(client_created_at)),
            ) => Ok(Report {
                reporter_role,
                phase,
                flight,
                date,
                origin,
                destination,
                place: if on_flight { String::new() } else { place },
                scheduled_arrival,
                seats,
                potential_victims,
                companions,
                indicators: codes,
                victims,
                companions_described,
                disclosed: self.disclosed,
                companion_aware,
                immediate_danger: self.immediate_danger,
                free_text,
                client_created_at,
                flags,
            }),
            _ => Err(vec![FieldError::new("report", "invalid")]),
        }
    }

    /// The scheduled arrival as an instant: local time at the destination on the
    /// arrival date (or the departure date), or an RFC 3339 instant. An unknown
    /// destination of an urgent report reads the time as UTC, flagged.
    fn arrival(
        &self,
        p: &mut Problems,
        airports: &impl AirportLookup,
        date: Option<Date>,
        destination: Option<&Iata>,
    ) -> Option<Option<OffsetDateTime>> {
        const FIELD: &str = "scheduled_arrival";
        if let Err(e) = one_line(FIELD, &self.scheduled_arrival) {
            p.errors.push(e);
            return None;
        }
        let text = self.scheduled_arrival.trim();
        let day = if self.arrival_date.trim().is_empty() {
            Ok(date)
        } else {
            one_line("arrival_date", &self.arrival_date)
                .and_then(parse_date)
                .map(Some)
                .map_err(|e| FieldError::new("arrival_date", e.code))
        };
        let day = p.take(day, || date)?;
        if text.is_empty() {
            return Some(None);
        }
        if text.len() > MAX_CLIENT_TIME {
            return p.take(Err(FieldError::new(FIELD, "invalid-time")), || None);
        }
        if let Ok(t) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
            return Some(Some(t.to_offset(time::UtcOffset::UTC)));
        }
        let (day, hhmm) = match text.split_once('T') {
            Some((d, t)) => (parse_date(d).map(Some).map_err(|_| FieldError::new(FIELD, "invalid-time")), t),
            None => (Ok(day), text),
        };
        let (day, time) = match day.and_then(|d| Ok((d, parse_hhmm(hhmm)?))) {
            Ok(v) => v,
            Err(e) => return p.take(Err(e), || None),
        };
        // No date known: its own problem is named already.
        let Some(day) = day else { return Some(None) };
        let tz = destination.and_then(|d| airports.airport(d.as_str())).map(|a| a.tz.clone());
        match tz {
            Some(tz) => p.take(local_to_instant(day, time, &tz).map(Some), || None),
            None => {
                // No known destination (its problem is flagged already): read the time as UTC.
                if !p.lenient {
                    return None;
                }
                p.take(Err(FieldError::new(FIELD, "assumed-utc")), || Some(day.with_time(time).assume_utc()))
            }
        }
    }
}

fn check_people(p: &mut Problems, v: &[PersonDescription], field: &'static str) -> Option<Vec<PersonDescription>> {
    if v.len() > usize::from(MAX_PERSONS) {
        p.note(FieldError::new(field, "too-many"));
    }
    let mut out = Vec::new();
    for person in v.iter().take(usize::from(MAX_PERSONS)) {
        let clothing =
            p.take(check_text(&person.clothing, field, MAX_CLOTHING), || cut(person.clothing.trim(), MAX_CLOTHING))?;
        out.push(PersonDescription { clothing, ..person.clone() });
    }
    Some(out)
}

/// The decision gate: does the report carry enough to leave the organisation?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub passed: bool,
    pub core_four: usize,
    pub indicators: usize,
}

impl Report {
    /// The decision gate ([`crate::gate`]): the weighted rule from the content when
    /// one is loaded, else two signs including a core-four sign. A disclosure or
    /// immediate danger always passes; one sign alone never does.
    #[must_use]
    pub fn decision_gate(&self, indicators: &impl IndicatorLookup) -> GateOutcome {
        let weighing = match indicators.gate_rule() {
            Some(rule) => rule.weigh(&self.indicators, self.disclosed, self.immediate_danger),
            None => crate::gate::counting(&self.indicators, self.disclosed, self.immediate_danger, |c| {
                indicators.is_core_four(c)
            }),
        };
        GateOutcome {
            passed: weighing.passed,
            core_four: self.indicators.iter().filter(|c| indicators.is_core_four(c)).count(),
            indicators: self.indicators.len(),
        }
    }

    /// The relay message for this report, headed by the organisation's codeword.
    #[must_use]
    pub fn relay(&self, indicators: &impl IndicatorLookup, reference: &str, codeword: &RelayCodeword) -> RelayMessage {
        RelayMessage {
            codeword: codeword.as_str().to_owned(),
            flight: self.flight.as_ref().map(|f| f.as_str().to_owned()),
            day: self.date.day(),
            month: u8::from(self.date.month()),
            origin: self.origin.as_str().to_owned(),
            destination: (self.destination != self.origin || self.flight.is_some())
                .then(|| self.destination.as_str().to_owned()),
            urgent: self.immediate_danger,
            reference: reference.to_owned(),
            potential_victims: self.potential_victims,
            companions: self.companions,
            eta: self.scheduled_arrival.map(|t| {
                let t = t.to_offset(time::UtcOffset::UTC);
                (t.day(), t.hour(), t.minute())
            }),
            companion_aware: self.companion_aware == Awareness::Yes,
            disclosed: self.disclosed,
            seats: self.seats.iter().map(|s| s.as_str().to_owned()).collect(),
            more_seats: 0,
            indicators: self.indicators.iter().filter_map(|c| indicators.short_code(c)).map(str::to_owned).collect(),
            more_indicators: 0,
        }
    }
}

/// The short reference the relay message and the reporter use: 8 characters from
/// the random part of the report's UUIDv7.
#[must_use]
pub fn short_reference(id: uuid::Uuid) -> String {
    let bytes = id.as_bytes();
    data_encoding::BASE32_NOPAD.encode(&bytes[11..16]).chars().take(8).collect()
}

/// The first token of the relay message: the organisation's codeword, which its
/// ground stations know (default [`RELAY_HEADER`]). Upper-case ASCII letters, digits
/// and single spaces, 3–40 characters, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelayCodeword(String);

impl RelayCodeword {
    pub const MAX: usize = 40;

    /// Lower case is raised; runs of spaces become one.
    ///
    /// # Errors
    /// `codeword`/`invalid-codeword`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
        let ok = (3..=Self::MAX).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
            && s.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
        if ok { Ok(Self(s)) } else { Err(FieldError::new("codeword", "invalid-codeword")) }
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RelayCodeword {
    fn default() -> Self {
        Self(RELAY_HEADER.to_owned())
    }
}
string_newtype!(RelayCodeword, parse);

/// The compact message the captain relays (one ACARS free-text block), format v2 —
/// documented with its grammar, trimming order and examples in `docs/relay-message.md`.
///
/// `CODEWORD FLIGHT|NOFLT DDMON ORIG-DEST|AIRPORT URG|NOURG REF ref PAX v+c [ETA DDHHMMZ] [AWARE] [DISC]
/// [SEAT seat… [+N]] [IND code… [+N]]`
///
/// When the text would exceed [`RelayMessage::MAX`], trailing indicator codes are
/// dropped first, then trailing seats; each list then ends with `+N`, the number
/// dropped. Everything before `SEAT` always fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayMessage {
    pub codeword: String,
    /// `None`: an incident in the terminal (`NOFLT`).
    pub flight: Option<String>,
    pub day: u8,
    pub month: u8,
    pub origin: String,
    /// `None`: one airport (an incident in the terminal).
    pub destination: Option<String>,
    pub urgent: bool,
    pub reference: String,
    pub potential_victims: u8,
    pub companions: u8,
    /// Scheduled arrival, UTC: day of month, hour, minute.
    pub eta: Option<(u8, u8, u8)>,
    /// The companion may be aware that staff are concerned.
    pub companion_aware: bool,
    pub disclosed: bool,
    pub seats: Vec<String>,
    /// Seats left out to fit (`+N`).
    pub more_seats: usize,
    pub indicators: Vec<String>,
    /// Indicator codes left out to fit (`+N`).
    pub more_indicators: usize,
}

pub const RELAY_HEADER: &str = "SUSPECTED HUMAN TRAFFICKING";
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
/// The flight token of an incident with no flight.
pub const NO_FLIGHT: &str = "NOFLT";

/// A token of a list, and the keywords that end it.
fn push_list(s: &mut String, keyword: &str, items: &[String], more: usize) {
    if items.is_empty() && more == 0 {
        return;
    }
    s.push(' ');
    s.push_str(keyword);
    for item in items {
        s.push(' ');
        s.push_str(item);
    }
    if more > 0 {
        s.push_str(&format!(" +{more}"));
    }
}

impl RelayMessage {
    /// One ACARS free-text block.
    pub const MAX: usize = 220;

    fn render(&self, seats: usize, indicators: usize) -> String {
        let month = MONTHS.get(usize::from(self.month).saturating_sub(1)).copied().unwrap_or("JAN");
        let route = match &self.destination {
            Some(d) => format!("{}-{d}", self.origin),
            None => self.origin.clone(),
        };
        let mut s = format!(
            "{} {} {:02}{month} {route} {} REF {} PAX {}+{}",
            self.codeword,
            self.flight.as_deref().unwrap_or(NO_FLIGHT),
            self.day,
            if self.urgent { "URG" } else { "NOURG" },
            self.reference,
            self.potential_victims,
            self.companions
        );
        if let Some((d, h, m)) = self.eta {
            s.push_str(&format!(" ETA {d:02}{h:02}{m:02}Z"));
        }
        if self.companion_aware {
            s.push_str(" AWARE");
        }
        if self.disclosed {
            s.push_str(" DISC");
        }
        let seats = seats.min(self.seats.len());
        let indicators = indicators.min(self.indicators.len());
        push_list(&mut s, "SEAT", &self.seats[..seats], self.more_seats + self.seats.len() - seats);
        push_list(
            &mut s,
            "IND",
            &self.indicators[..indicators],
            self.more_indicators + self.indicators.len() - indicators,
        );
        s
    }

    /// The message, trimmed to fit: trailing indicators first, then trailing seats.
    #[must_use]
    pub fn encode(&self) -> String {
        let (mut seats, mut inds) = (self.seats.len(), self.indicators.len());
        let mut text = self.render(seats, inds);
        while text.len() > Self::MAX && inds > 0 {
            inds -= 1;
            text = self.render(seats, inds);
        }
        while text.len() > Self::MAX && seats > 0 {
            seats -= 1;
            text = self.render(seats, inds);
        }
        text
    }

    /// This message as [`encode`](Self::encode) trims it (for round-trip checks).
    #[must_use]
    pub fn trimmed(&self) -> Self {
        let decoded = Self::decode(&self.encode(), Some(&self.codeword));
        decoded.unwrap_or_else(|_| self.clone())
    }

    /// Parse a relay message back. It may start with the default header or with
    /// `codeword`; line breaks and runs of spaces are read as one space, lower case
    /// as upper case.
    ///
    /// # Errors
    /// A description of the first token that does not fit the format.
    pub fn decode(text: &str, codeword: Option<&str>) -> Result<Self, String> {
        let words: Vec<String> = text.split_whitespace().map(str::to_ascii_uppercase).collect();
        let norm = |c: &str| c.split_whitespace().map(str::to_ascii_uppercase).collect::<Vec<_>>();
        let mut heads = vec![norm(RELAY_HEADER)];
        if let Some(c) = codeword.map(norm).filter(|c| !c.is_empty()) {
            heads.insert(0, c);
        }
        let head =
            heads.into_iter().find(|h| words.len() >= h.len() && words[..h.len()] == h[..]).ok_or_else(|| {
                match codeword {
                    Some(c) => format!("the message must start with {RELAY_HEADER} or {}", c.trim()),
                    None => format!("the message must start with {RELAY_HEADER}"),
                }
            })?;
        let mut t = words[head.len()..].iter().map(String::as_str).peekable();
        let mut next = |what: &str| t.next().map(str::to_owned).ok_or(format!("missing {what}"));
        let flight = next("flight")?;
        let flight = if flight == NO_FLIGHT {
            None
        } else if typed_token(&flight, 10, true) == flight {
            Some(flight)
        } else {
            return Err(format!("bad flight {flight}"));
        };
        let date = next("date")?;
        // ASCII first: the day and month are sliced by byte.
        if date.len() != 5 || !date.is_ascii() {
            return Err(format!("bad date {date}"));
        }
        let day: u8 = date[..2].parse().map_err(|_| format!("bad date {date}"))?;
        let month = MONTHS.iter().position(|m| *m == &date[2..]).ok_or(format!("bad month in {date}"))?;
        let route = next("route")?;
        let (origin, destination) = match route.split_once('-') {
            Some((o, d)) => (o.to_owned(), Some(d.to_owned())),
            None => (route.clone(), None),
        };
        for a in std::iter::once(&origin).chain(destination.as_ref()) {
            if a.is_empty() || a.len() > 8 || typed_token(a, 8, false) != *a {
                return Err(format!("bad airport {a}"));
            }
        }
        let urgency = next("urgency")?;
        let urgent = match urgency.as_str() {
            "URG" => true,
            "NOURG" => false,
            other => return Err(format!("bad urgency {other}")),
        };
        if next("REF")? != "REF" {
            return Err("expected REF".into());
        }
        let reference = next("reference")?;
        if next("PAX")? != "PAX" {
            return Err("expected PAX".into());
        }
        let pax = next("persons")?;
        let (v, c) = pax.split_once('+').ok_or(format!("bad persons {pax}"))?;
        let potential_victims: u8 = v.parse().map_err(|_| format!("bad persons {pax}"))?;
        let companions: u8 = c.parse().map_err(|_| format!("bad persons {pax}"))?;
        let mut msg = Self {
            codeword: head.join(" "),
            flight,
            day,
            month: u8::try_from(month + 1).unwrap_or(1),
            origin,
            destination,
            urgent,
            reference,
            potential_victims,
            companions,
            eta: None,
            companion_aware: false,
            disclosed: false,
            seats: Vec::new(),
            more_seats: 0,
            indicators: Vec::new(),
            more_indicators: 0,
        };
        #[derive(PartialEq, PartialOrd)]
        enum Section {
            None,
            Seats,
            Indicators,
        }
        let mut section = Section::None;
        while let Some(tok) = t.next() {
            match tok {
                "ETA" if section == Section::None && msg.eta.is_none() => {
                    let v = t.next().ok_or("missing ETA")?;
                    msg.eta = Some(parse_eta(v).ok_or(format!("bad ETA {v}"))?);
                }
                "AWARE" if section == Section::None => msg.companion_aware = true,
                "DISC" if section == Section::None => msg.disclosed = true,
                "SEAT" if section == Section::None => section = Section::Seats,
                "IND" if section < Section::Indicators => section = Section::Indicators,
                more if more.starts_with('+') && section != Section::None => {
                    let n: usize = more[1..].parse().map_err(|_| format!("bad count {more}"))?;
                    match section {
                        Section::Seats => msg.more_seats = n,
                        _ => msg.more_indicators = n,
                    }
                }
                _ => match section {
                    Section::Seats => msg.seats.push(tok.to_owned()),
                    Section::Indicators => msg.indicators.push(tok.to_owned()),
                    Section::None => return Err(format!("unexpected {tok}")),
                },
            }
        }
        Ok(msg)
    }
}

/// `DDHHMMZ` → (day, hour, minute).
fn parse_eta(v: &str) -> Option<(u8, u8, u8)> {
    let digits = v.strip_suffix('Z')?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |i: usize| digits[i..i + 2].parse::<u8>().ok();
    let (d, h, m) = (n(0)?, n(2)?, n(4)?);
    ((1..=31).contains(&d) && h < 24 && m < 60).then_some((d, h, m))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    struct Air(HashMap<String, Airport>);
    impl AirportLookup for Air {
        fn airport(&self, iata: &str) -> Option<&Airport> {
            self.0.get(iata)
        }
    }
    fn airports() -> Air {
        let mut m = HashMap::new();
        for (code, tz) in [("HEL", "Europe/Helsinki"), ("JFK", "America/New_York"), ("ATH", "Europe/Athens")] {
            m.insert(
                code.to_owned(),
                Airport {
                    iata: code.into(),
                    name: code.into(),
                    city: String::new(),
                    country: "FI".into(),
                    tz: tz.into(),
                },
            );
        }
        Air(m)
    }
    struct Ind;
    impl IndicatorLookup for Ind {
        fn short_code(&self, code: &str) -> Option<&str> {
            match code {
                "DOC-HELD-BY-OTHER" => Some("DOCS"),
                "MOV-RESTRICTED" => Some("MOVE"),
                "BEH-FEARFUL" => Some("FEAR"),
                "LUG-NONE" => Some("NOLUG"),
                _ => None,
            }
        }
        fn is_core_four(&self, code: &str) -> bool {
            matches!(code, "DOC-HELD-BY-OTHER" | "MOV-RESTRICTED")
        }
    }

    fn input() -> ReportInput {
        ReportInput {
            reporter_role: "cabin_crew".into(),
            phase: "in_flight".into(),
            flight: "ay 123".into(),
            date: "2026-11-28".into(),
            origin: "hel".into(),
            destination: "JFK".into(),
            scheduled_arrival: "14:35".into(),
            seats: vec!["23a".into(), "23B".into()],
            potential_victims: 1,
            companions: 1,
            indicators: vec!["BEH-FEARFUL".into(), "DOC-HELD-BY-OTHER".into()],
            victims: vec![PersonDescription {
                age_range: AgeRange::Teen,
                gender: PerceivedGender::Female,
                clothing: "red hoodie".into(),
            }],
            companions_described: vec![],
            disclosed: false,
            companion_aware: "unknown".into(),
            immediate_danger: false,
            free_text: "Companion answered every question for her.".into(),
            considered_innocent_explanations: true,
            client_created_at: None,
            ..ReportInput::default()
        }
    }

    #[test]
    fn a_good_report_parses_and_normalises() {
        let r = input().parse(&airports(), &Ind).unwrap();
        assert_eq!(r.flight.as_ref().map(FlightNumber::as_str), Some("AY123"));
        assert_eq!(r.origin.as_str(), "HEL");
        assert_eq!(r.seats[0].as_str(), "23A");
        assert_eq!(r.indicators, vec!["DOC-HELD-BY-OTHER", "BEH-FEARFUL"], "core four first");
        // 14:35 in New York on 28 Nov 2026 (EST, UTC-5) is 19:35 UTC.
        assert_eq!(r.scheduled_arrival, Some(time::macros::datetime!(2026-11-28 19:35 UTC)));
        assert!(r.decision_gate(&Ind).passed);
    }

    #[test]
    fn every_problem_is_named_at_its_field() {
        let mut i = input();
        i.flight = "12345".into();
        i.destination = "XXX".into();
        i.origin = "H1".into();
        i.scheduled_arrival = "25:00".into();
        i.seats = vec!["0A".into()];
        i.indicators.push("NOT-A-CODE".into());
        i.free_text = "x".repeat(MAX_TEXT + 1);
        i.potential_victims = 0;
        i.considered_innocent_explanations = false;
        let errs = i.parse(&airports(), &Ind).unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.code)).collect();
        for want in [
            ("flight", "invalid-flight"),
            ("origin", "invalid-airport"),
            ("destination", "unknown-airport"),
            ("scheduled_arrival", "invalid-time"),
            ("seats", "invalid-seat"),
            ("potential_victims", "out-of-range"),
            ("indicators", "unknown-indicator"),
            ("free_text", "too-long"),
            ("considered_innocent_explanations", "must-confirm"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
    }

    #[test]
    fn flight_numbers() {
        for ok in ["AY123", "ay 1", "9W1234", "U21234A", "DY7"] {
            assert!(FlightNumber::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["12345", "A", "AY12345", "AYABC", "", "AY0", "FIN", "FIN12345", "OH-", "-LVA", "OHX-LVA"] {
            assert!(FlightNumber::parse(bad).is_err(), "{bad}");
        }
    }

    /// IATA flight numbers, ICAO call signs and registrations, normalised.
    #[test]
    fn flight_identifiers_of_every_kind_are_normalised() {
        for (typed, want, kind) in [
            ("AY0005", "AY5", FlightKind::Iata),
            ("ay 5", "AY5", FlightKind::Iata),
            ("U21234A", "U21234A", FlightKind::Iata),
            ("9W0012", "9W12", FlightKind::Iata),
            ("FIN5", "FIN5", FlightKind::Icao),
            ("fin 005", "FIN5", FlightKind::Icao),
            ("BAW12K", "BAW12K", FlightKind::Icao),
            ("N123AB", "N123AB", FlightKind::Registration),
            ("n10001", "N10001", FlightKind::Registration),
            ("OH-LVA", "OH-LVA", FlightKind::Registration),
            ("g-eupt", "G-EUPT", FlightKind::Registration),
            ("9H-ABC", "9H-ABC", FlightKind::Registration),
            ("B-18801", "B-18801", FlightKind::Registration),
        ] {
            let (f, k) = FlightNumber::parse_kind(typed).unwrap();
            assert_eq!((f.as_str(), k), (want, kind), "{typed}");
        }
        assert_eq!(FlightNumber::parse("AY0005"), FlightNumber::parse("AY5"));
    }

    /// An incident in the terminal has no flight: the airport and the place.
    #[test]
    fn a_terminal_incident_needs_no_flight() {
        let mut i = input();
        i.flight = String::new();
        i.origin = String::new();
        i.destination = String::new();
        i.scheduled_arrival = String::new();
        i.airport = "hel".into();
        i.place = "Gate 22".into();
        let r = i.parse(&airports(), &Ind).unwrap();
        assert!(r.in_terminal());
        assert_eq!((r.origin.as_str(), r.destination.as_str(), r.place.as_str()), ("HEL", "HEL", "Gate 22"));
        let m = r.relay(&Ind, "K7QZ3M2A", &RelayCodeword::default()).encode();
        assert!(m.starts_with("SUSPECTED HUMAN TRAFFICKING NOFLT 28NOV HEL NOURG REF K7QZ3M2A"), "{m}");
        assert_eq!(RelayMessage::decode(&m, None).unwrap(), r.relay(&Ind, "K7QZ3M2A", &RelayCodeword::default()));
        i.airport = String::new();
        let errs = i.parse(&airports(), &Ind).unwrap_err();
        assert_eq!(errs, vec![FieldError::new("airport", "required")]);
    }

    /// Departure 31 Dec, arrival 1 Jan: the arrival has its own date, so it is after
    /// the departure, and an RFC 3339 instant is taken as it is.
    #[test]
    fn an_overnight_arrival_has_its_own_date() {
        let mut i = input();
        i.date = "2026-12-31".into();
        i.destination = "HEL".into();
        i.origin = "JFK".into();
        i.arrival_date = "2027-01-01".into();
        i.scheduled_arrival = "09:15".into();
        let r = i.parse(&airports(), &Ind).unwrap();
        assert_eq!(r.scheduled_arrival, Some(time::macros::datetime!(2027-01-01 07:15 UTC)));
        assert_eq!(r.date, time::macros::date!(2026 - 12 - 31));
        i.arrival_date = String::new();
        i.scheduled_arrival = "2027-01-01T09:15".into();
        assert_eq!(i.parse(&airports(), &Ind).unwrap().scheduled_arrival, r.scheduled_arrival);
        i.scheduled_arrival = "2027-01-01T07:15:00Z".into();
        assert_eq!(i.parse(&airports(), &Ind).unwrap().scheduled_arrival, r.scheduled_arrival);
        i.arrival_date = "2027-02-30".into();
        let errs = i.parse(&airports(), &Ind).unwrap_err();
        assert_eq!(errs, vec![FieldError::new("arrival_date", "invalid-date")]);
    }

    /// An urgent report is never refused for a secondary field: each problem is
    /// flagged and the value kept as typed (or a safe default).
    #[test]
    fn an_urgent_report_is_kept_with_its_problems_flagged() {
        let mut i = input();
        i.immediate_danger = true;
        i.flight = "N123AB".into();
        i.destination = "XQZ".into();
        i.seats = (1..=12).map(|n| format!("{n}C")).chain(["ZZ9".to_owned()]).collect();
        i.potential_victims = 40;
        i.indicators.push("NOT-A-CODE".into());
        i.considered_innocent_explanations = false;
        let r = i.parse(&airports(), &Ind).unwrap();
        assert_eq!(r.flight.as_ref().map(FlightNumber::as_str), Some("N123AB"));
        assert_eq!(r.destination.as_str(), "XQZ", "kept as typed");
        assert_eq!(r.seats.len(), 13);
        assert_eq!(r.potential_victims, MAX_PERSONS);
        assert_eq!(r.scheduled_arrival, Some(time::macros::datetime!(2026-11-28 14:35 UTC)), "read as UTC");
        let flags: Vec<(&str, &str)> = r.flags.iter().map(|e| (e.field, e.code)).collect();
        for want in [
            ("destination", "unknown-airport"),
            ("scheduled_arrival", "assumed-utc"),
            ("seats", "invalid-seat"),
            ("potential_victims", "out-of-range"),
            ("indicators", "unknown-indicator"),
            ("considered_innocent_explanations", "must-confirm"),
        ] {
            assert!(flags.contains(&want), "{want:?} missing from {flags:?}");
        }
        // The same report, not urgent, is refused at each of those fields.
        i.immediate_danger = false;
        let errs = i.parse(&airports(), &Ind).unwrap_err();
        assert!(errs.contains(&FieldError::new("destination", "unknown-airport")));
        // A control character is refused even when urgent.
        i.immediate_danger = true;
        i.free_text = "a\u{0}b".into();
        assert!(i.parse(&airports(), &Ind).is_err());
    }

    #[test]
    fn codewords_are_validated() {
        assert_eq!(RelayCodeword::parse("  blue   heron 7 ").unwrap().as_str(), "BLUE HERON 7");
        for bad in ["", "AB", "7 BLUE", "BLUE-HERON", "SINIHAIKARA Ä", &"A".repeat(41)] {
            assert!(RelayCodeword::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_indicator_alone_does_not_pass_the_gate() {
        let mut i = input();
        i.indicators = vec!["DOC-HELD-BY-OTHER".into()];
        let r = i.parse(&airports(), &Ind).unwrap();
        assert!(!r.decision_gate(&Ind).passed);
        i.disclosed = true;
        assert!(i.parse(&airports(), &Ind).unwrap().decision_gate(&Ind).passed);
        let mut j = input();
        j.indicators = vec!["BEH-FEARFUL".into(), "LUG-NONE".into()];
        assert!(!j.parse(&airports(), &Ind).unwrap().decision_gate(&Ind).passed, "no core-four sign");
    }

    /// Issue 9: a control character in any field is refused at that field, on both
    /// engines alike, before it can reach the database (PostgreSQL refuses NUL in
    /// text; SQLite would store it).
    #[test]
    fn control_characters_are_refused_at_every_field() {
        type Patch = fn(&mut ReportInput, &str);
        let fields: [(&str, Patch); 14] = [
            ("reporter_role", |i, c| i.reporter_role = format!("cabin_crew{c}")),
            ("phase", |i, c| i.phase = format!("{c}in_flight")),
            ("flight", |i, c| i.flight = format!("AY{c}123")),
            ("date", |i, c| i.date = format!("2026-11-28{c}")),
            ("origin", |i, c| i.origin = format!("HEL{c}")),
            ("destination", |i, c| i.destination = format!("J{c}FK")),
            ("scheduled_arrival", |i, c| i.scheduled_arrival = format!("14:35{c}")),
            ("seats", |i, c| i.seats = vec!["23A".into(), format!("23{c}B")]),
            ("indicators", |i, c| i.indicators.push(format!("BEH-FEARFUL{c}"))),
            ("victims", |i, c| i.victims[0].clothing = format!("red{c}hoodie")),
            ("companions_described", |i, c| {
                i.companions_described = vec![PersonDescription {
                    age_range: AgeRange::Adult,
                    gender: PerceivedGender::Male,
                    clothing: format!("suit{c}"),
                }];
            }),
            ("companion_aware", |i, c| i.companion_aware = format!("no{c}")),
            ("free_text", |i, c| i.free_text = format!("He answered{c} for her.")),
            ("client_created_at", |i, c| i.client_created_at = Some(format!("2026-11-28T09:00:00{c}Z"))),
        ];
        for c in ["\u{0}", "\u{1}", "\u{1b}", "\u{7f}", "\u{9b}", "\u{85}"] {
            for (field, patch) in &fields {
                let mut i = input();
                patch(&mut i, c);
                let errs = i.parse(&airports(), &Ind).unwrap_err();
                let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.code)).collect();
                assert_eq!(got, vec![(*field, "control-characters")], "{c:?} in {field}");
            }
        }
        // Free text keeps its lines and tabs (a browser's CR LF becomes LF).
        let mut i = input();
        i.free_text = "Seat 23B:\r\n\tkept both passports.\rAnswered for her.".into();
        assert_eq!(
            i.parse(&airports(), &Ind).unwrap().free_text,
            "Seat 23B:\n\tkept both passports.\nAnswered for her."
        );
    }

    /// The device's clock is an RFC 3339 time of bounded length, or nothing.
    #[test]
    fn the_client_time_is_rfc_3339_or_nothing() {
        for (value, code) in [
            ("yesterday", "invalid-timestamp"),
            ("2026-11-28", "invalid-timestamp"),
            ("2026-13-28T09:00:00Z", "invalid-timestamp"),
            ("2026-11-28T09:00:00", "invalid-timestamp"),
            ("2026-11-28T09:00:00.123456789012345678901234567890Z", "too-long"),
        ] {
            let mut i = input();
            i.client_created_at = Some(value.into());
            let errs = i.parse(&airports(), &Ind).unwrap_err();
            let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.code)).collect();
            assert_eq!(got, vec![("client_created_at", code)], "{value}");
        }
        for ok in [None, Some(""), Some("2026-11-28T09:00:00.123Z"), Some("2026-11-28T11:00:00+02:00")] {
            let mut i = input();
            i.client_created_at = ok.map(str::to_owned);
            assert!(i.parse(&airports(), &Ind).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn relay_message_looks_right() {
        let r = input().parse(&airports(), &Ind).unwrap();
        let m = r.relay(&Ind, "K7QZ3M2A", &RelayCodeword::default()).encode();
        assert_eq!(
            m,
            "SUSPECTED HUMAN TRAFFICKING AY123 28NOV HEL-JFK NOURG REF K7QZ3M2A PAX 1+1 ETA 281935Z SEAT 23A 23B IND DOCS FEAR"
        );
        assert_eq!(RelayMessage::decode(&m, None).unwrap(), r.relay(&Ind, "K7QZ3M2A", &RelayCodeword::default()));
        assert!(RelayMessage::decode("HELLO", None).is_err());
        // The organisation's codeword, the companion's awareness; line breaks and spaces.
        let mut i = input();
        i.companion_aware = "yes".into();
        let word = RelayCodeword::parse("BLUE HERON").unwrap();
        let m = i.parse(&airports(), &Ind).unwrap().relay(&Ind, "K7QZ3M2A", &word);
        let text = m.encode();
        assert!(text.starts_with("BLUE HERON AY123 ") && text.contains(" ETA 281935Z AWARE SEAT "), "{text}");
        let wrapped = text.replace(" SEAT ", "\n  seat  ").replace(" PAX", "\r\nPAX");
        assert_eq!(RelayMessage::decode(&wrapped, Some("blue heron")).unwrap(), m);
        assert!(RelayMessage::decode(&wrapped, None).is_err(), "the codeword must be given");
        // Trimmed signs are counted with +N.
        let mut long = m.clone();
        long.indicators = (0..40).map(|n| format!("SIGN{n}")).collect();
        let text = long.encode();
        assert!(text.len() <= RelayMessage::MAX);
        let back = RelayMessage::decode(&text, Some("BLUE HERON")).unwrap();
        assert!(back.more_indicators > 0 && text.ends_with(&format!(" +{}", back.more_indicators)), "{text}");
        assert_eq!(back.indicators.len() + back.more_indicators, 40);
    }

    fn arb_message() -> impl Strategy<Value = RelayMessage> {
        (
            (
                "[A-Z][A-Z0-9 ]{1,38}[A-Z0-9]",
                proptest::option::of(
                    "[A-Z][A-Z0-9][0-9]{1,4}[A-Z]?|[A-Z]{3}[0-9]{1,4}|N[1-9][0-9]{0,3}[A-Z]{0,1}|[A-Z]{2}-[A-Z]{3}",
                ),
                1u8..=31,
                1u8..=12,
                "[A-Z]{3}",
                proptest::option::of("[A-Z]{3}"),
                any::<bool>(),
                "[A-Z2-7]{8}",
            ),
            (
                1u8..=MAX_PERSONS,
                0u8..=MAX_PERSONS,
                proptest::option::of((1u8..=31, 0u8..24, 0u8..60)),
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec("[1-9][0-9]?[A-K]", 0..=MAX_SEATS),
                proptest::collection::vec("[A-Z0-9]{2,6}", 0..=MAX_INDICATORS),
            ),
        )
            .prop_filter("tokens that are also keywords would be ambiguous", |(h, t)| {
                let words: Vec<&str> = h.0.split(' ').collect();
                !t.6.iter().any(|c| matches!(c.as_str(), "IND" | "SEAT" | "DISC" | "ETA" | "AWARE"))
                    && !h.0.contains("  ")
                    && words.len() <= 6
                    && h.0 != RELAY_HEADER
            })
            .prop_map(|((codeword, flight, day, month, origin, destination, urgent, reference), p)| {
                let (v, c, eta, companion_aware, disclosed, seats, indicators) = p;
                RelayMessage {
                    codeword,
                    flight,
                    day,
                    month,
                    origin,
                    destination,
                    urgent,
                    reference,
                    potential_victims: v,
                    companions: c,
                    eta,
                    companion_aware,
                    disclosed,
                    seats,
                    more_seats: 0,
                    indicators,
                    more_indicators: 0,
                }
            })
    }

    proptest! {
        /// encode → decode round-trips every valid message (after the documented
        /// trimming), and the limit always holds.
        #[test]
        fn relay_round_trips_and_fits(m in arb_message()) {
            let text = m.encode();
            prop_assert!(text.len() <= RelayMessage::MAX, "{} chars: {text}", text.len());
            prop_assert!(text.is_ascii() && text == text.to_ascii_uppercase());
            prop_assert!(text.starts_with(&m.codeword));
            let back = RelayMessage::decode(&text, Some(&m.codeword)).unwrap();
            // Trimming only ever drops trailing indicators, then trailing seats, and counts them.
            prop_assert_eq!(&back.indicators[..], &m.indicators[..back.indicators.len()]);
            prop_assert_eq!(&back.seats[..], &m.seats[..back.seats.len()]);
            prop_assert_eq!(back.indicators.len() + back.more_indicators, m.indicators.len());
            prop_assert_eq!(back.seats.len() + back.more_seats, m.seats.len());
            if back.seats.len() < m.seats.len() {
                prop_assert!(back.indicators.is_empty(), "seats are dropped only after every indicator");
            }
            let expect = RelayMessage {
                seats: back.seats.clone(),
                indicators: back.indicators.clone(),
                more_seats: back.more_seats,
                more_indicators: back.more_indicators,
                ..m.clone()
            };
            prop_assert_eq!(&back, &expect);
            // Re-encoding what was decoded gives the same text.
            prop_assert_eq!(back.encode(), text);
        }
    }
}
