//! Every parser of user input answers `Ok` or `Err` for any string — it never panics.
//! (Issue 9: `RelayMessage::decode` panicked on a non-ASCII date.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use proptest::prelude::*;
use sightline_domain::directory::DirectoryDraft;
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::report::{FlightNumber, Iata, RelayMessage, Seat};
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
    let _ = RelayMessage::decode(s);
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

#[test]
fn relay_decode_refuses_a_non_ascii_date() {
    // Found by the issue 9 probe: exited 101 (a panic slicing inside 'é').
    assert!(RelayMessage::decode("SUSPECTED HUMAN TRAFFICKING AY5 1éAB HEL-JFK NOURG REF X PAX 1+0").is_err());
    assert!(RelayMessage::decode("SUSPECTED HUMAN TRAFFICKING AY5 éAB HEL-JFK").is_err());
}

#[test]
fn a_valid_relay_message_still_decodes() {
    let m = RelayMessage::decode("SUSPECTED HUMAN TRAFFICKING AY5 02DEC HEL-JFK URG REF 7Q2K PAX 1+1 SEAT 23A IND AVT")
        .unwrap();
    assert_eq!((m.day, m.month, m.urgent), (2, 12, true));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_parser_panics(s in input()) {
        all_parsers(&s);
    }
}
