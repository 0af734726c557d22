//! Benchmark (not a test): an open-loop load of crew reports at a fixed rate from many
//! concurrent reporters, each `PUT /api/v1/reports/{new id}` acknowledged only after
//! commit. Latency is measured from each request's *scheduled* send time, so a slow
//! server is not hidden by the client waiting (no coordinated omission).
//!
//! `cargo run --release -p sightline --example ingest_load -- URL TOKEN RATE REPORTERS SECONDS`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

mod support;

use std::time::{Duration, Instant};

fn main() {
    let support::load::IngestArgs { url, token, rate, reporters, seconds, report } =
        support::load::IngestArgs::from_command_line();

    let interval = Duration::from_secs_f64(reporters as f64 / rate);
    let start = Instant::now() + Duration::from_millis(200);
    let end = start + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..reporters)
        .map(|i| {
            let (url, token, report) = (url.clone(), token.clone(), report.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut next = start + interval.mul_f64(i as f64 / reporters as f64);
                while next < end {
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let id = uuid::Uuid::now_v7();
                    let res = agent
                        .put(&format!("{url}/api/v1/reports/{id}"))
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Content-Type", "application/json")
                        .send(report.as_str());
                    // The receipt is read, as a device does: only then can the
                    // connection carry the reporter's next report (keep-alive).
                    let stored =
                        res.is_ok_and(|mut r| r.status().as_u16() == 201 && r.body_mut().read_to_string().is_ok());
                    if stored {
                        lat.push(next.elapsed());
                    } else {
                        errors += 1;
                    }
                    next += interval;
                }
                (lat, errors)
            })
        })
        .collect();
    let g = support::load::Gathered::join(handles);
    println!("{}", g.report(rate, reporters, "", seconds));
}
