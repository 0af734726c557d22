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

/// An airline flight number: a two-character airline designator (not two digits)
/// and 1–4 digits with an optional suffix letter, e.g. `AY123`, `9W1`, `U21234A`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FlightNumber(String);

impl FlightNumber {
    /// # Errors
    /// `flight`/`invalid-flight`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let err = FieldError::new("flight", "invalid-flight");
        let b = s.as_bytes();
        if !(3..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(err);
        }
        let (designator, rest) = b.split_at(2);
        if designator.iter().all(u8::is_ascii_digit) {
            return Err(err);
        }
        let (digits, suffix) = match rest.last() {
            Some(l) if l.is_ascii_alphabetic() => (&rest[..rest.len() - 1], 1),
            _ => (rest, 0),
        };
        if digits.is_empty() || digits.len() > 4 || !digits.iter().all(u8::is_ascii_digit) || suffix > 1 {
            return Err(err);
        }
        Ok(Self(s))
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(FlightNumber, parse);

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
string_newtype!(Iata, parse_code);

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
string_newtype!(Seat, parse);

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
}

impl SealedText {
    /// The sealed part of a parsed report.
    #[must_use]
    pub fn of(report: &Report) -> Self {
        Self {
            victims: report.victims.clone(),
            companions_described: report.companions_described.clone(),
            free_text: report.free_text.clone(),
        }
    }

    /// Everyone described, potential victims first.
    pub fn people(&self) -> impl Iterator<Item = &PersonDescription> {
        self.victims.iter().chain(&self.companions_described)
    }
}

pub const MAX_TEXT: usize = 2_000;
pub const MAX_CLOTHING: usize = 120;
pub const MAX_SEATS: usize = 8;
pub const MAX_PERSONS: u8 = 20;
pub const MAX_INDICATORS: usize = 20;
/// The longest device time accepted (RFC 3339 with nanoseconds and an offset is 35).
pub const MAX_CLIENT_TIME: usize = 40;

/// A report as a device sends it (`PUT /api/v1/reports/{id}`): strings and numbers,
/// not yet trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub reporter_role: String,
    pub phase: String,
    pub flight: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub origin: String,
    pub destination: String,
    /// Scheduled arrival, local time at the destination, `HH:MM`; may be empty.
    #[serde(default)]
    pub scheduled_arrival: String,
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

/// A report that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub reporter_role: ReporterRole,
    pub phase: Phase,
    pub flight: FlightNumber,
    pub date: Date,
    pub origin: Iata,
    pub destination: Iata,
    /// Scheduled arrival as an instant (converted from destination local time).
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
}

fn parse_date(s: &str) -> Result<Date, FieldError> {
    let err = FieldError::new("date", "invalid-date");
    let mut it = s.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else { return Err(err) };
    let y: i32 = y.parse().map_err(|_| err.clone())?;
    let m: u8 = m.parse().map_err(|_| err.clone())?;
    let d: u8 = d.parse().map_err(|_| err.clone())?;
    let month = Month::try_from(m).map_err(|_| err.clone())?;
    Date::from_calendar_date(y, month, d).map_err(|_| err)
}

fn parse_hhmm(s: &str) -> Result<Time, FieldError> {
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

/// Keep the value if it parsed; collect the error if not.
fn take<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
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
fn check_text(s: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
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
fn one_line<'s>(field: &'static str, s: &'s str) -> Result<&'s str, FieldError> {
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

fn check_people(v: &[PersonDescription], field: &'static str, max: u8) -> Result<Vec<PersonDescription>, FieldError> {
    if v.len() > usize::from(max) {
        return Err(FieldError::new(field, "too-many"));
    }
    v.iter()
        .map(|p| Ok(PersonDescription { clothing: check_text(&p.clothing, field, MAX_CLOTHING)?, ..p.clone() }))
        .collect()
}

impl ReportInput {
    /// Check every rule. Returns all problems, each naming its field.
    ///
    /// # Errors
    /// Every [`FieldError`] found.
    pub fn parse(
        &self,
        airports: &impl AirportLookup,
        indicators: &impl IndicatorLookup,
    ) -> Result<Report, Vec<FieldError>> {
        let mut errors = Vec::new();
        let reporter_role =
            take(&mut errors, one_line("reporter_role", &self.reporter_role).and_then(str::parse::<ReporterRole>));
        let phase = take(&mut errors, one_line("phase", &self.phase).and_then(str::parse::<Phase>));
        let flight = take(&mut errors, one_line("flight", &self.flight).and_then(FlightNumber::parse));
        let date = take(&mut errors, one_line("date", &self.date).and_then(parse_date));
        let airport = |code: &str, field: &'static str| -> Result<Iata, FieldError> {
            let iata =
                Iata::parse_code(one_line(field, code)?).map_err(|_| FieldError::new(field, "invalid-airport"))?;
            airports.airport(iata.as_str()).ok_or(FieldError::new(field, "unknown-airport"))?;
            Ok(iata)
        };
        let origin = take(&mut errors, airport(&self.origin, "origin"));
        let destination = take(&mut errors, airport(&self.destination, "destination"));
        let arrival_time = if self.scheduled_arrival.trim().is_empty() {
            Some(None)
        } else {
            take(&mut errors, one_line("scheduled_arrival", &self.scheduled_arrival).and_then(parse_hhmm).map(Some))
        };
        let seats = if self.seats.len() > MAX_SEATS {
            take(&mut errors, Err(FieldError::new("seats", "too-many")))
        } else {
            take(
                &mut errors,
                self.seats
                    .iter()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| one_line("seats", s).and_then(Seat::parse))
                    .collect::<Result<Vec<_>, _>>(),
            )
        };
        let victims_n = if (1..=MAX_PERSONS).contains(&self.potential_victims) {
            Some(self.potential_victims)
        } else {
            take(&mut errors, Err(FieldError::new("potential_victims", "out-of-range")))
        };
        let companions_n = if self.companions <= MAX_PERSONS {
            Some(self.companions)
        } else {
            take(&mut errors, Err(FieldError::new("companions", "out-of-range")))
        };
        let mut codes: Vec<String> = Vec::new();
        if self.indicators.len() > MAX_INDICATORS {
            take(&mut errors, Err::<(), _>(FieldError::new("indicators", "too-many")));
        }
        for code in &self.indicators {
            if let Err(e) = one_line("indicators", code) {
                take(&mut errors, Err::<(), _>(e));
            } else if indicators.short_code(code).is_none() {
                take(&mut errors, Err::<(), _>(FieldError::new("indicators", "unknown-indicator")));
            } else if !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        // Core four first; otherwise keep the reporter's order.
        codes.sort_by_key(|c| !indicators.is_core_four(c));
        let victims = take(&mut errors, check_people(&self.victims, "victims", MAX_PERSONS));
        let companions_described =
            take(&mut errors, check_people(&self.companions_described, "companions_described", MAX_PERSONS));
        let companion_aware =
            take(&mut errors, one_line("companion_aware", &self.companion_aware).and_then(str::parse::<Awareness>));
        let free_text = take(&mut errors, check_text(&self.free_text, "free_text", MAX_TEXT));
        let client_created_at = take(&mut errors, parse_client_time(self.client_created_at.as_deref()));
        if codes.is_empty() && !self.disclosed && !self.immediate_danger && self.free_text.trim().is_empty() {
            take(&mut errors, Err::<(), _>(FieldError::new("indicators", "nothing-reported")));
        }
        if !self.considered_innocent_explanations {
            take(&mut errors, Err::<(), _>(FieldError::new("considered_innocent_explanations", "must-confirm")));
        }
        let scheduled_arrival = match (arrival_time, &date, &destination) {
            (Some(Some(t)), Some(d), Some(dest)) => {
                let tz = airports.airport(dest.as_str()).map(|a| a.tz.clone()).unwrap_or_default();
                take(&mut errors, local_to_instant(*d, t, &tz).map(Some))
            }
            (Some(None), _, _) => Some(None),
            _ => None,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            reporter_role,
            phase,
            flight,
            date,
            origin,
            destination,
            scheduled_arrival,
            seats,
            victims_n,
            companions_n,
            victims,
            companions_described,
            companion_aware,
            free_text,
            client_created_at,
        ) {
            (
                Some(reporter_role),
                Some(phase),
                Some(flight),
                Some(date),
                Some(origin),
                Some(destination),
                Some(scheduled_arrival),
                Some(seats),
                Some(potential_victims),
                Some(companions),
                Some(victims),
                Some(companions_described),
                Some(companion_aware),
                Some(free_text),
                Some(client_created_at),
            ) => Ok(Report {
                reporter_role,
                phase,
                flight,
                date,
                origin,
                destination,
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
            }),
            _ => Err(vec![FieldError::new("report", "invalid")]),
        }
    }
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

    /// The relay message for this report.
    #[must_use]
    pub fn relay(&self, indicators: &impl IndicatorLookup, reference: &str) -> RelayMessage {
        RelayMessage {
            flight: self.flight.as_str().to_owned(),
            day: self.date.day(),
            month: u8::from(self.date.month()),
            origin: self.origin.as_str().to_owned(),
            destination: self.destination.as_str().to_owned(),
            seats: self.seats.iter().map(|s| s.as_str().to_owned()).collect(),
            potential_victims: self.potential_victims,
            companions: self.companions,
            indicators: self.indicators.iter().filter_map(|c| indicators.short_code(c)).map(str::to_owned).collect(),
            urgent: self.immediate_danger,
            disclosed: self.disclosed,
            reference: reference.to_owned(),
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

/// The compact message the captain relays (one ACARS free-text block).
///
/// Text form (upper-case ASCII, single spaces, fields in this order):
/// `SUSPECTED HUMAN TRAFFICKING AY123 28NOV HEL-JFK URG|NOURG REF ABCD2345 PAX 1+1 DISC SEAT 23A 23B IND DOCS MOVE`
/// `DISC` appears only when a person disclosed or asked for help. When the text
/// would exceed [`RelayMessage::MAX`], trailing indicator codes are dropped first,
/// then trailing seats; the header, flight, date, route, urgency, reference and
/// persons always fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayMessage {
    pub flight: String,
    pub day: u8,
    pub month: u8,
    pub origin: String,
    pub destination: String,
    pub seats: Vec<String>,
    pub potential_victims: u8,
    pub companions: u8,
    pub indicators: Vec<String>,
    pub urgent: bool,
    pub disclosed: bool,
    pub reference: String,
}

pub const RELAY_HEADER: &str = "SUSPECTED HUMAN TRAFFICKING";
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

impl RelayMessage {
    /// One ACARS free-text block.
    pub const MAX: usize = 220;

    fn render(&self, seats: usize, indicators: usize) -> String {
        let month = MONTHS.get(usize::from(self.month).saturating_sub(1)).copied().unwrap_or("JAN");
        let mut s = format!(
            "{RELAY_HEADER} {} {:02}{month} {}-{} {} REF {} PAX {}+{}",
            self.flight,
            self.day,
            self.origin,
            self.destination,
            if self.urgent { "URG" } else { "NOURG" },
            self.reference,
            self.potential_victims,
            self.companions
        );
        if self.disclosed {
            s.push_str(" DISC");
        }
        if seats > 0 {
            s.push_str(" SEAT");
            for seat in &self.seats[..seats] {
                s.push(' ');
                s.push_str(seat);
            }
        }
        if indicators > 0 {
            s.push_str(" IND");
            for code in &self.indicators[..indicators] {
                s.push(' ');
                s.push_str(code);
            }
        }
        s
    }

    /// The message, trimmed to fit, and what was kept.
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
        let decoded = Self::decode(&self.encode());
        decoded.unwrap_or_else(|_| self.clone())
    }

    /// Parse a relay message back.
    ///
    /// # Errors
    /// A description of the first token that does not fit the format.
    pub fn decode(text: &str) -> Result<Self, String> {
        let text = text.trim().to_ascii_uppercase();
        let rest = text.strip_prefix(RELAY_HEADER).ok_or("the message must start with SUSPECTED HUMAN TRAFFICKING")?;
        let mut t = rest.split_whitespace().peekable();
        let mut next = |what: &str| t.next().map(str::to_owned).ok_or(format!("missing {what}"));
        let flight = next("flight")?;
        FlightNumber::parse(&flight).map_err(|_| format!("bad flight {flight}"))?;
        let date = next("date")?;
        // ASCII first: the day and month are sliced by byte.
        if date.len() != 5 || !date.is_ascii() {
            return Err(format!("bad date {date}"));
        }
        let day: u8 = date[..2].parse().map_err(|_| format!("bad date {date}"))?;
        let month = MONTHS.iter().position(|m| *m == &date[2..]).ok_or(format!("bad month in {date}"))?;
        let route = next("route")?;
        let (origin, destination) = route.split_once('-').ok_or(format!("bad route {route}"))?;
        for a in [origin, destination] {
            Iata::parse_code(a).map_err(|_| format!("bad airport {a}"))?;
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
            flight,
            day,
            month: u8::try_from(month + 1).unwrap_or(1),
            origin: origin.to_owned(),
            destination: destination.to_owned(),
            seats: Vec::new(),
            potential_victims,
            companions,
            indicators: Vec::new(),
            urgent,
            disclosed: false,
            reference,
        };
        #[derive(PartialEq)]
        enum Section {
            None,
            Seats,
            Indicators,
        }
        let mut section = Section::None;
        for tok in t {
            match tok {
                "DISC" if section == Section::None => msg.disclosed = true,
                "SEAT" if section == Section::None => section = Section::Seats,
                "IND" if section != Section::Indicators => section = Section::Indicators,
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
        }
    }

    #[test]
    fn a_good_report_parses_and_normalises() {
        let r = input().parse(&airports(), &Ind).unwrap();
        assert_eq!(r.flight.as_str(), "AY123");
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
        for bad in ["12345", "A", "AY12345", "AY-12", "AYABC", ""] {
            assert!(FlightNumber::parse(bad).is_err(), "{bad}");
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
        let m = r.relay(&Ind, "K7QZ3M2A").encode();
        assert_eq!(
            m,
            "SUSPECTED HUMAN TRAFFICKING AY123 28NOV HEL-JFK NOURG REF K7QZ3M2A PAX 1+1 SEAT 23A 23B IND DOCS FEAR"
        );
        assert_eq!(RelayMessage::decode(&m).unwrap(), r.relay(&Ind, "K7QZ3M2A"));
        assert!(RelayMessage::decode("HELLO").is_err());
    }

    fn arb_message() -> impl Strategy<Value = RelayMessage> {
        (
            "[A-Z][A-Z0-9][0-9]{1,4}[A-Z]?",
            1u8..=31,
            1u8..=12,
            "[A-Z]{3}",
            "[A-Z]{3}",
            proptest::collection::vec("[1-9][0-9]?[A-K]", 0..=MAX_SEATS),
            1u8..=MAX_PERSONS,
            0u8..=MAX_PERSONS,
            proptest::collection::vec("[A-Z0-9]{2,6}", 0..=MAX_INDICATORS),
            any::<bool>(),
            any::<bool>(),
            "[A-Z2-7]{8}",
        )
            .prop_filter("tokens that are also keywords would be ambiguous", |t| {
                !t.8.iter().any(|c| matches!(c.as_str(), "IND" | "SEAT" | "DISC"))
            })
            .prop_map(
                |(flight, day, month, origin, destination, seats, v, c, indicators, urgent, disclosed, reference)| {
                    RelayMessage {
                        flight,
                        day,
                        month,
                        origin,
                        destination,
                        seats,
                        potential_victims: v,
                        companions: c,
                        indicators,
                        urgent,
                        disclosed,
                        reference,
                    }
                },
            )
    }

    proptest! {
        /// encode → decode round-trips every valid message (after the documented
        /// trimming), and the limit always holds.
        #[test]
        fn relay_round_trips_and_fits(m in arb_message()) {
            let text = m.encode();
            prop_assert!(text.len() <= RelayMessage::MAX, "{} chars: {text}", text.len());
            prop_assert!(text.is_ascii() && text == text.to_ascii_uppercase());
            prop_assert!(text.starts_with(RELAY_HEADER));
            let back = RelayMessage::decode(&text).unwrap();
            // Trimming only ever drops trailing indicators, then trailing seats.
            prop_assert_eq!(&back.indicators[..], &m.indicators[..back.indicators.len()]);
            prop_assert_eq!(&back.seats[..], &m.seats[..back.seats.len()]);
            if back.seats.len() < m.seats.len() {
                prop_assert!(back.indicators.is_empty(), "seats are dropped only after every indicator");
            }
            let expect = RelayMessage { seats: back.seats.clone(), indicators: back.indicators.clone(), ..m.clone() };
            prop_assert_eq!(back, expect);
        }
    }
}
