//! Anonymous public tips: what a traveller sends without an account, the receipt that
//! is the only key back to it, and the proof-of-work that makes sending cost a little.
//! No I/O: airports and indicators come through the lookup traits, the time and the
//! randomness are parameters.

use sha2::{Digest, Sha256};
use time::{Date, Time};

use crate::FieldError;
use crate::report::{
    self, AirportLookup, Awareness, FlightNumber, Iata, MAX_PLACE, MAX_TEXT, Phase, Report, ReporterRole,
};

/// The most characters of the optional contact method.
pub const MAX_CONTACT: usize = 200;
/// The most characters of one message in the tip's thread.
pub const MAX_MESSAGE: usize = 2_000;
/// The most public signs one tip names (there are fewer public signs than this).
pub const MAX_SIGNS: usize = 32;

/// Which signs a tip may name: the catalogue's public subset.
pub trait PublicSigns {
    fn is_public_sign(&self, code: &str) -> bool;
}

impl PublicSigns for crate::indicators::Catalogue {
    fn is_public_sign(&self, code: &str) -> bool {
        self.get(code).is_some_and(|i| i.public)
    }
}

/// What the tip form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TipInput {
    /// IATA code of the airport, or empty.
    pub airport: String,
    /// Where in the terminal, or empty.
    pub place: String,
    /// The flight, if known (IATA number, ICAO callsign or registration), or empty.
    pub flight: String,
    /// When it was seen: `YYYY-MM-DD`.
    pub date: String,
    /// At what time, local (`HH:MM`), or empty.
    pub time: String,
    /// Public sign codes.
    pub signs: Vec<String>,
    /// What was seen, in the person's words.
    pub text: String,
    /// How the desk may reach the person, if they want it (optional).
    pub contact: String,
}

/// A parsed tip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tip {
    pub airport: Option<Iata>,
    pub place: String,
    pub flight: Option<FlightNumber>,
    pub date: Date,
    pub time: Option<Time>,
    pub signs: Vec<String>,
    pub text: String,
    pub contact: String,
}

/// The value, or `None` with its problem noted.
fn take<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

impl TipInput {
    /// Check every field; every problem is returned, each naming its field. A tip
    /// must say something: at least one sign or some text (`nothing-reported`). The
    /// day seen may not be after `today` (the server's day, with a day's grace for
    /// time zones) nor more than a year before it.
    ///
    /// # Errors
    /// Every [`FieldError`].
    pub fn parse(
        &self,
        airports: &impl AirportLookup,
        signs: &impl PublicSigns,
        today: Date,
    ) -> Result<Tip, Vec<FieldError>> {
        let mut errors = Vec::new();
        let airport = take(
            &mut errors,
            if self.airport.trim().is_empty() {
                Ok(None)
            } else {
                report::one_line("airport", &self.airport)
                    .and_then(|c| Iata::parse_code(c).map_err(|_| FieldError::new("airport", "invalid-airport")))
                    .and_then(|i| {
                        airports
                            .airport(i.as_str())
                            .map(|_| Some(i))
                            .ok_or(FieldError::new("airport", "unknown-airport"))
                    })
            },
        );
        let place = take(
            &mut errors,
            report::check_text(&self.place, "place", MAX_PLACE).map(|t| t.replace(['\n', '\t'], " ")),
        );
        let flight = take(
            &mut errors,
            if self.flight.trim().is_empty() {
                Ok(None)
            } else {
                report::one_line("flight", &self.flight).and_then(FlightNumber::parse).map(Some)
            },
        );
        let date = take(
            &mut errors,
            report::one_line("date", &self.date).and_then(report::parse_date).and_then(|d| {
                let latest = today.next_day().unwrap_or(today);
                let earliest = today.saturating_sub(time::Duration::days(366));
                if d > latest || d < earliest { Err(FieldError::new("date", "out-of-range")) } else { Ok(d) }
            }),
        );
        let time = take(
            &mut errors,
            if self.time.trim().is_empty() {
                Ok(None)
            } else {
                report::one_line("time", &self.time).and_then(|t| report::parse_hhmm(t.trim())).map(Some)
            },
        );
        let mut codes: Vec<String> = Vec::new();
        if self.signs.len() > MAX_SIGNS {
            take(&mut errors, Err::<(), _>(FieldError::new("signs", "too-many")));
        }
        for code in self.signs.iter().take(MAX_SIGNS) {
            if !signs.is_public_sign(code) {
                take(&mut errors, Err::<(), _>(FieldError::new("signs", "unknown-indicator")));
                break;
            }
            if !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        let text = take(&mut errors, report::check_text(&self.text, "text", MAX_TEXT));
        let contact = take(&mut errors, report::check_text(&self.contact, "contact", MAX_CONTACT));
        if codes.is_empty() && self.text.trim().is_empty() {
            take(&mut errors, Err::<(), _>(FieldError::new("text", "nothing-reported")));
        }
        match (airport, place, flight, date, time, text, contact) {
            (Some(airport), Some(place), Some(flight), Some(date), Some(time), Some(text), Some(contact))
                if errors.is_empty() =>
            {
                Ok(Tip { airport, place, flight, date, time, signs: codes, text, contact })
            }
            _ => Err(if errors.is_empty() { vec![FieldError::new("tip", "invalid")] } else { errors }),
        }
    }
}

impl Tip {
    /// The tip as a case for the desk's queue: a report by "other", phase "other",
    /// at its airport (empty when none was named), with the signs and text; never
    /// urgent (the form sends people in danger to the emergency number first). When
    /// it was seen is kept with the tip ([`seen_text`]), not as an arrival time.
    #[must_use]
    pub fn as_report(&self) -> Report {
        let here = self.airport.clone().unwrap_or_else(|| Iata::as_typed(""));
        Report {
            reporter_role: ReporterRole::Other,
            phase: Phase::Other,
            flight: self.flight.clone(),
            date: self.date,
            origin: here.clone(),
            destination: here,
            place: self.place.clone(),
            scheduled_arrival: None,
            seats: Vec::new(),
            potential_victims: 1,
            companions: 0,
            indicators: self.signs.clone(),
            victims: Vec::new(),
            companions_described: Vec::new(),
            disclosed: false,
            companion_aware: Awareness::Unknown,
            immediate_danger: false,
            free_text: self.text.clone(),
            client_created_at: None,
            flags: Vec::new(),
        }
    }
}

/// A message in a tip's thread (from the tipster or the desk).
///
/// # Errors
/// `empty`, `too-long` or `control-characters` on `message`.
pub fn parse_message(text: &str) -> Result<String, FieldError> {
    let t = report::check_text(text, "message", MAX_MESSAGE)?;
    if t.is_empty() { Err(FieldError::new("message", "required")) } else { Ok(t) }
}

/// The 16-digit receipt: the only key to a tip. 10^16 values (about 53 bits).
#[derive(Clone, PartialEq, Eq)]
pub struct Receipt(String);

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receipt(…)")
    }
}

/// How many digits a receipt has.
pub const RECEIPT_DIGITS: usize = 16;
const RECEIPT_SPACE: u64 = 10_000_000_000_000_000;

impl Receipt {
    /// A receipt from random bytes, uniformly over the 10^16 values, or `None` when
    /// this draw falls in the last, partial range (draw again: under 0.1 % of draws).
    #[must_use]
    pub fn from_random(bytes: [u8; 8]) -> Option<Self> {
        let n = u64::from_le_bytes(bytes);
        let limit = (u64::MAX / RECEIPT_SPACE) * RECEIPT_SPACE;
        (n < limit).then(|| Self(format!("{:016}", n % RECEIPT_SPACE)))
    }

    /// Read a receipt as typed: spaces and dashes are ignored.
    ///
    /// # Errors
    /// `invalid-receipt` on `receipt` unless exactly 16 digits remain.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{a0}')).collect();
        if digits.len() == RECEIPT_DIGITS && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(FieldError::new("receipt", "invalid-receipt"))
        }
    }

    /// The 16 digits.
    #[must_use]
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// For reading aloud and copying: `1234 5678 9012 3456`.
    #[must_use]
    pub fn grouped(&self) -> String {
        let c: Vec<char> = self.0.chars().collect();
        c.chunks(4).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

/// The proof-of-work: find a `nonce` so that SHA-256(`challenge` ":" `nonce`) starts
/// with `bits` zero bits. The challenge is issued and signed by the server (see the
/// app layer); this is only the arithmetic, shared with `static/tip.js`.
#[must_use]
pub fn pow_ok(challenge: &str, nonce: &str, bits: u32) -> bool {
    if nonce.is_empty() || nonce.len() > 20 || !nonce.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digest = Sha256::new().chain_update(challenge.as_bytes()).chain_update(b":").chain_update(nonce).finalize();
    leading_zero_bits(&digest) >= bits
}

/// How many zero bits `bytes` start with.
#[must_use]
pub fn leading_zero_bits(bytes: &[u8]) -> u32 {
    let mut n = 0;
    for b in bytes {
        if *b == 0 {
            n += 8;
        } else {
            return n + b.leading_zeros();
        }
    }
    n
}

/// Solve a proof-of-work (tests, the benchmark, and the server-side path for a
/// browser without JavaScript never call this: it is the client's work).
#[must_use]
pub fn pow_solve(challenge: &str, bits: u32) -> String {
    (0u64..).map(|n| n.to_string()).find(|n| pow_ok(challenge, n, bits)).unwrap_or_default()
}

/// When a tip says it was seen, for the desk (`YYYY-MM-DD HH:MM`, local).
#[must_use]
pub fn seen_text(date: Date, time: Option<Time>) -> String {
    let d = format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day());
    time.map_or(d.clone(), |t| format!("{d} {:02}:{:02}", t.hour(), t.minute()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Airport;

    struct Airports;
    impl AirportLookup for Airports {
        fn airport(&self, iata: &str) -> Option<&Airport> {
            static HEL: std::sync::OnceLock<Airport> = std::sync::OnceLock::new();
            (iata == "HEL").then(|| {
                HEL.get_or_init(|| Airport {
                    iata: "HEL".into(),
                    name: "Helsinki".into(),
                    city: "Helsinki".into(),
                    country: "FI".into(),
                    tz: "Europe/Helsinki".into(),
                })
            })
        }
    }
    struct Signs;
    impl PublicSigns for Signs {
        fn is_public_sign(&self, code: &str) -> bool {
            code == "BEH-FEARFUL"
        }
    }
    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::December, 2).unwrap()
    }
    fn fields(r: Result<Tip, Vec<FieldError>>) -> Vec<(String, String)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.field.to_string(), e.code.to_string())).collect()
    }

    #[test]
    fn a_tip_needs_a_sign_or_words_and_a_known_airport() {
        let empty = TipInput { date: "2026-12-02".into(), ..TipInput::default() };
        assert_eq!(fields(empty.parse(&Airports, &Signs, today())), [("text".into(), "nothing-reported".into())]);
        let bad = TipInput {
            airport: "ZZZ".into(),
            date: "2027-01-09".into(),
            signs: vec!["DOC-FALSE-DOCUMENT".into()],
            text: "x".repeat(MAX_TEXT + 1),
            flight: "not a flight".into(),
            ..TipInput::default()
        };
        let got = fields(bad.parse(&Airports, &Signs, today()));
        for f in ["airport", "date", "signs", "text", "flight"] {
            assert!(got.iter().any(|(g, _)| g == f), "{f} missing in {got:?}");
        }
        let ok = TipInput {
            airport: "hel".into(),
            date: "2026-12-02".into(),
            time: "14:05".into(),
            signs: vec!["BEH-FEARFUL".into(), "BEH-FEARFUL".into()],
            flight: "AY0005".into(),
            ..TipInput::default()
        };
        let tip = ok.parse(&Airports, &Signs, today()).unwrap();
        assert_eq!(tip.airport.as_ref().map(Iata::as_str), Some("HEL"));
        assert_eq!(tip.signs, ["BEH-FEARFUL"]);
        let r = tip.as_report();
        assert_eq!(r.origin.as_str(), "HEL");
        assert!(!r.immediate_danger);
        assert_eq!(seen_text(tip.date, tip.time), "2026-12-02 14:05");
    }

    #[test]
    fn receipts_are_sixteen_digits_read_with_or_without_spaces() {
        let r = Receipt::from_random([7; 8]).unwrap();
        assert_eq!(r.digits().len(), 16);
        assert_eq!(Receipt::parse(&r.grouped()).unwrap(), r);
        assert_eq!(r.grouped().len(), 19);
        assert!(Receipt::parse("1234-5678-9012-3456").is_ok());
        assert!(Receipt::parse("1234 5678 9012 345").is_err());
        assert!(Receipt::parse("1234 5678 9012 345x").is_err());
        assert!(Receipt::from_random([0xff; 8]).is_none());
        assert_eq!(Receipt::from_random([0; 8]).unwrap().digits(), "0000000000000000");
    }

    #[test]
    fn proof_of_work_counts_leading_zero_bits() {
        assert_eq!(leading_zero_bits(&[0, 0x1f]), 11);
        let nonce = pow_solve("c", 8);
        assert!(pow_ok("c", &nonce, 8));
        assert!(!pow_ok("c", "", 0));
        assert!(!pow_ok("c", "12a", 0));
        assert!(!pow_ok("other", &nonce, 20));
    }
}
