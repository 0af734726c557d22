//! Routing over the real seeded directory (`content/directory.toml`, read at compile
//! time): every seeded country, urgent and not, before departure and in flight.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sightline_domain::directory::{Directory, DirectoryEntry, Leg, RouteQuery, Scope, lacks_international_24_7, route};
use sightline_domain::report::Phase;

fn seeded() -> Directory {
    toml::from_str(include_str!("../../../content/directory.toml")).expect("content/directory.toml parses")
}

/// A flight from `origin` to `destination`, routed for a report made in `phase`.
fn routed<'a>(
    d: &'a Directory,
    origin: &str,
    destination: &str,
    phase: Phase,
    urgent: bool,
) -> Vec<&'a DirectoryEntry> {
    let country = match Leg::of(phase) {
        Leg::Origin => origin,
        Leg::Destination => destination,
    };
    route(&d.entries, |e| e, RouteQuery { country, airport: "ZZZ", urgent })
}

#[test]
fn every_seeded_country_routes_urgent_and_not_before_departure_and_in_flight() {
    let d = seeded();
    assert!(d.problems().is_empty(), "{:?}", d.problems());
    let countries = d.countries();
    assert!(countries.len() >= 20, "{countries:?}");
    for (i, here) in countries.iter().enumerate() {
        // Fly from this country to the next one in the list (and from the last to the first).
        let there = countries[(i + 1) % countries.len()];
        for (phase, expected) in [(Phase::CheckIn, *here), (Phase::Boarding, *here), (Phase::InFlight, there)] {
            for urgent in [true, false] {
                let list = routed(&d, here, there, phase, urgent);
                let case = format!("{here}->{there} {phase:?} urgent={urgent}");
                assert!(!list.is_empty(), "{case}: never empty for a country with a sourced entry");
                assert!(
                    list.iter().all(|e| e.covers(expected, "ZZZ").is_some()),
                    "{case}: only contacts for {expected}: {list:?}"
                );
                assert!(list.iter().any(|e| e.country == expected), "{case}: the country's own entries are listed");
                if !urgent {
                    let scopes: Vec<Scope> =
                        list.iter().filter(|e| !e.is_office_hours_email()).map(|e| e.scope()).collect();
                    assert!(scopes.is_sorted(), "{case}: airport, country, then regional and international lines");
                }
                assert!(!list[0].is_office_hours_email(), "{case}: never an office-hours e-mail first");
                let any_24_7 = list.iter().any(|e| e.is_24_7_phone());
                if urgent && any_24_7 {
                    assert!(list[0].is_24_7_phone(), "{case}: a 24/7 phone first: {:?}", list[0]);
                }
                for e in &list {
                    assert!(e.source.starts_with("http") && e.verified_on().is_some(), "{case}: {e:?}");
                }
            }
        }
    }
}

/// The done-when: a case arriving in each seeded country shows a 24/7 number in
/// E.164 with its source, or the escalation screen says plainly that none was verified.
#[test]
fn each_arrival_country_shows_a_24_7_e164_number_or_says_none_was_verified() {
    let d = seeded();
    let mut with = Vec::new();
    let mut without = Vec::new();
    for country in d.countries() {
        let list = route(&d.entries, |e| e, RouteQuery { country, airport: "ZZZ", urgent: true });
        let e164 = list.iter().find(|e| e.phone.is_some() && e.hours.is_always());
        assert_eq!(e164.is_none(), lacks_international_24_7(&list, |e| *e), "{country}");
        match e164 {
            Some(e) => {
                let phone = e.phone.as_ref().unwrap().as_str();
                assert!(phone.starts_with('+') && phone[1..].bytes().all(|b| b.is_ascii_digit()), "{phone}");
                assert!(e.source.starts_with("http") && e.verified_on().is_some());
                assert!(list[0].is_24_7_phone(), "{country}: a 24/7 line is offered first");
                with.push(format!("{country} {phone}"));
            }
            None => without.push(country),
        }
    }
    println!("24/7 E.164 on arrival: {with:?}\nnone verified (the screen says so): {without:?}");
    // ES left this list on 2026-12-02: its "24 hours" was found only in a copy.
    for country in ["FI", "US", "GB", "TR", "IT", "CA", "ZA", "PH", "IS"] {
        assert!(with.iter().any(|w| w.starts_with(country)), "{country}: {with:?}");
    }
    // An airport's own police line comes first for a case arriving there.
    let fra = route(&d.entries, |e| e, RouteQuery { country: "DE", airport: "FRA", urgent: true });
    assert_eq!(fra[0].airport.as_deref(), Some("FRA"), "{fra:?}");
    assert!(fra[0].is_24_7_phone() && fra[0].phone.is_some(), "{fra:?}");
}
