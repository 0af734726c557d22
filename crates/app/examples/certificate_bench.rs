//! Benchmark (not a test): how long one certificate PDF takes to make, and its size.
//! `cargo run --release -p sightline-app --example certificate_bench`
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::Instant;

use sightline_app::pdf::{CertificateText, certificate};

fn main() {
    // Latin, Cyrillic and Arabic names (the Arabic one shaped right to left).
    for name in ["Aino Äijälä-Virtanen", "Олена Ковальчук", "مريم عبد الله الحسن"] {
        run(name);
    }
}

fn run(name: &str) {
    let mut times = Vec::new();
    let mut size = 0;
    for i in 0..2_000 {
        let code = format!("SL-BENC-H{i:03}-0000");
        let url = format!("https://sightline.example.org/verify/{code}");
        let start = Instant::now();
        let pdf = certificate(&CertificateText {
            brand: "Sightline",
            heading: "Todistus suoritetusta koulutuksesta",
            certifies: "Tällä todistetaan, että",
            name,
            completed: "on läpäissyt kurssin tilannetehtävät",
            course: "Matkustamohenkilökunta: mahdollisen ihmiskaupan tunnistaminen ja siitä ilmoittaminen",
            language_line: "Kieli: suomi",
            issued_line: "Myönnetty: 2026-11-28",
            valid_line: "Voimassa: 2027-11-28 asti",
            code_line: &format!("Todistuksen tunnus: {code}"),
            verify_line: "Tarkista todistus:",
            verify_url: &url,
            footer: "Yksi tunnusmerkki ei todista mitään.",
        })
        .unwrap();
        times.push(start.elapsed());
        size = size.max(pdf.len());
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize];
    println!(
        "certificate PDF for {name}: n={} median={:?} p99={:?} max={:?} largest={} bytes",
        times.len(),
        p(0.5),
        p(0.99),
        times.last().unwrap(),
        size
    );
}
