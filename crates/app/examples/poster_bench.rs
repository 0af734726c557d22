//! Benchmark (not a test): how long one help poster PDF takes to make, and its size,
//! for JFK in Spanish, HEL in Finnish and English, and HEL in Arabic, on A4.
//! `cargo run --release -p sightline-app --example poster_bench`
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::Instant;

use sightline_app::pdf::{Paper, Poster, poster};
use sightline_domain::directory::{ContactKind, DirectoryEntry, RouteQuery};
use sightline_domain::report::AirportLookup;

fn main() {
    let library = sightline_content::load(&sightline_content::default_dir()).library.unwrap();
    for (airport, langs) in [("JFK", &["es"][..]), ("HEL", &["fi", "en"][..]), ("HEL", &["ar"][..])] {
        let airport = library.airports.airport(airport).unwrap();
        let q = RouteQuery { country: &airport.country, airport: &airport.iata, urgent: true };
        let public: Vec<DirectoryEntry> =
            library.directory.route(q).into_iter().filter(|e| e.public).cloned().collect();
        let (emergency, lines): (Vec<_>, Vec<_>) = public.into_iter().partition(|e| e.kind == ContactKind::Emergency);
        let words: Vec<_> = langs.iter().map(|l| library.public.get(l).unwrap()).collect();
        let url = format!("https://sightline.example.org/help/{}?lang={}", airport.iata, langs[0]);
        let p = Poster { langs: &words, airport, emergency: &emergency, lines: &lines, url: &url, paper: Paper::A4 };
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..200 {
            let start = Instant::now();
            let pdf = poster(&p).unwrap();
            times.push(start.elapsed());
            size = size.max(pdf.len());
        }
        times.sort();
        let q = |f: f64| times[((times.len() as f64 - 1.0) * f) as usize];
        println!(
            "poster PDF {} {}: n={} median={:?} p99={:?} max={:?} largest={} bytes",
            airport.iata,
            langs.join("+"),
            times.len(),
            q(0.5),
            q(0.99),
            times.last().unwrap(),
            size
        );
    }
}
