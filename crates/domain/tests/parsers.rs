//! Every parser of user input answers `Ok` or `Err` for any string — it never panics.
//! (Issue 9: `RelayMessage::decode` panicked on a non-ASCII date.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use proptest::prelude::*;
use sightline_domain::directory::DirectoryDraft;
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::report::{
    AgeRange, Airport, AirportLookup, FlightNumber, Iata, IndicatorLookup, PerceivedGender, PersonDescription,
    RelayCodeword, RelayMessage, ReportInput, Seat,
};
use sightline_domain::totp::{TotpSecret, normalise_recovery_code};
use sightline_domain::triage::{CaseStatus, Outcome, WebhookUrl};
use sightline_domain::user::{Email, NewPassword, PersonName, Role, Roles, TokenLifetime, TokenName};

/// Strings a fuzzer would send: any Unicode, and near-misses of the real formats.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        "[ -~éß€\u{0}\u{7f}\u{200b}]{0,30}",
        "SUSPECTED HUMAN TRAFFICKING [A-Z0-9éÄ ]{0,60}",
        "SUSPECTED HUMAN TRAFFICKING AY[0-9]{1,4} [0-9]{1,2}[A-Zé]{1,4} [A-Z]{3}-[A-Z]{3} (URG|NOURG) REF [A-Z0-9]{0,8} PAX [0-9+é]{0,6}( SEAT| IND| DISC| [0-9A-Zé]{1,4}){0,6}",
    ]
}

fn all_parsers(s: &str) {
    let _ = RelayMessage::decode(s, None);
    let _ = RelayMessage::decode(s, Some(s));
    let _ = RelayCodeword::parse(s);
    let _ = FlightNumber::parse(s);
    let _ = Iata::parse_code(s);
    let _ = Seat::parse(s);
    let _ = Email::parse(s);
    let _ = PersonName::parse(s);
    let _ = TokenName::parse(s);
    let _ = TokenLifetime::parse(s);
    let _ = NewPassword::parse(s, None);
    let _ = Roles::parse_list(s);
    let _ = Role::from_str(s);
    let _ = OrgName::parse(s);
    let _ = OrgKind::from_str(s);
    let _ = Audience::from_str(s);
    let _ = CaseStatus::from_str(s);
    let _ = Outcome::from_str(s);
    if let Ok(url) = WebhookUrl::parse(s) {
        let _ = url.is_private_host();
    }
    let _ = normalise_recovery_code(s);
    let _ = sightline_domain::retention::parse_days("tips_days", s);
    let _ = sightline_domain::retention::parse_hold_reason(s);
    let _ = sightline_domain::retention::RetentionPolicy::parse(|_| s);
    let _ = sightline_domain::navigation::same_origin_path(s);
    if let Some(secret) = TotpSecret::from_base32(s) {
        let _ = secret.verify(s, 1_800_000_000, None);
    }
    let _ = TotpSecret::from_bytes([7; 20]).verify(s, 1_800_000_000, Some(1));
    let _ = sightline_domain::roster::parse(s.as_bytes());
    let today = time::macros::date!(2026 - 12 - 02);
    let draft = DirectoryDraft {
        country: s.into(),
        airport: s.into(),
        organisation: s.into(),
        kind: s.into(),
        phone: s.into(),
        email: s.into(),
        hours: s.into(),
        languages: s.into(),
        source: s.into(),
        ..DirectoryDraft::default()
    };
    let _ = draft.parse(today);
}

/// Knows every airport code (in one time zone) and every indicator code starting
/// with `A`, so generated reports get past the lookups and exercise the rest.
struct Everything(Airport);

impl AirportLookup for Everything {
    fn airport(&self, _iata: &str) -> Option<&Airport> {
        Some(&self.0)
    }
}

impl IndicatorLookup for Everything {
    fn short_code(&self, code: &str) -> Option<&str> {
        code.starts_with('A').then_some("AX")
    }
    fn is_core_four(&self, code: &str) -> bool {
        code.len() == 2
    }
}

fn everything() -> Everything {
    Everything(Airport {
        iata: "HEL".into(),
        name: "Helsinki".into(),
        city: "Helsinki".into(),
        country: "FI".into(),
        tz: "Europe/Helsinki".into(),
    })
}

/// A report as a device (or an attacker) might send it: every text field the string.
fn report_from(s: &str, n: u8, flags: bool) -> ReportInput {
    let person = PersonDescription { age_range: AgeRange::ALL[0], gender: PerceivedGender::ALL[0], clothing: s.into() };
    ReportInput {
        reporter_role: s.into(),
        phase: s.into(),
        flight: s.into(),
        date: s.into(),
        origin: s.into(),
        destination: s.into(),
        scheduled_arrival: s.into(),
        airport: s.into(),
        place: s.into(),
        arrival_date: s.into(),
        seats: vec![s.into(), s.to_uppercase()],
        potential_victims: n,
        companions: n.wrapping_mul(7),
        indicators: vec![s.into(), format!("A{s}")],
        victims: vec![person.clone()],
        companions_described: vec![person],
        disclosed: flags,
        companion_aware: s.into(),
        immediate_danger: !flags,
        free_text: s.into(),
        considered_innocent_explanations: flags,
        client_created_at: Some(s.into()),
    }
}

#[test]
fn relay_decode_refuses_a_non_ascii_date() {
    // Found by the issue 9 probe: exited 101 (a panic slicing inside 'é').
    assert!(RelayMessage::decode("SUSPECTED HUMAN TRAFFICKING AY5 1éAB HEL-JFK NOURG REF X PAX 1+0", None).is_err());
    assert!(RelayMessage::decode("SUSPECTED HUMAN TRAFFICKING AY5 éAB HEL-JFK", None).is_err());
}

#[test]
fn a_valid_relay_message_still_decodes() {
    let m = RelayMessage::decode(
        "SUSPECTED HUMAN TRAFFICKING AY5 02DEC HEL-JFK URG REF 7Q2K PAX 1+1 SEAT 23A IND AVT",
        None,
    )
    .unwrap();
    assert_eq!((m.day, m.month, m.urgent), (2, 12, true));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_parser_panics(s in input()) {
        all_parsers(&s);
    }

    #[test]
    fn no_report_panics_the_parser(s in input(), n in any::<u8>(), flags in any::<bool>()) {
        let lookups = everything();
        if let Ok(report) = report_from(&s, n, flags).parse(&lookups, &lookups) {
            let _ = report.decision_gate(&lookups);
            let _ = RelayMessage::decode(&report.relay(&lookups, "REF1", &RelayCodeword::default()).encode(), None);
        }
    }
}
