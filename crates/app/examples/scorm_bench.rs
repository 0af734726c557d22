//! Benchmark (not a test): how long the SCORM 1.2 export of each bundled course and
//! language takes (content already loaded, as the server holds it), and the zip's size.
//! `cargo run --release -p sightline-app --example scorm_bench`
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

fn main() {
    let load = Instant::now();
    let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    println!("content folder loaded and checked in {:.1} ms (once, at start)", ms(load.elapsed()));
    println!("{:<14} {:<4} {:>11} {:>9} {:>10} {:>8}", "course", "lang", "median ms", "max ms", "zip bytes", "missing");
    for course in &library.courses {
        for lang in &course.languages {
            let mut times = Vec::new();
            let mut size = 0;
            let mut missing = 0;
            for _ in 0..51 {
                let start = Instant::now();
                let p = sightline_app::scorm::export(course, lang).unwrap();
                times.push(start.elapsed());
                size = p.bytes.len();
                missing = p.missing.len();
            }
            times.sort();
            let (median, max) = (times[times.len() / 2], times[times.len() - 1]);
            println!("{:<14} {:<4} {:>11.2} {:>9.2} {:>10} {:>8}", course.id, lang, ms(median), ms(max), size, missing);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
