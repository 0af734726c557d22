//! Benchmark (not a test): the statistics pages' computation over many reports and
//! learners, on SQLite and PostgreSQL, and the same data written to CSV for DuckDB
//! (`bench/stats_duckdb.py` runs the same aggregation there; `bench/stats.sh` runs
//! both).
//!
//! `cargo run --release -p sightline-app --example stats_bench -- [REPORTS] [LEARNERS] [OUT_DIR]`
//! (defaults 1,000,000, 100,000, /tmp/sightline-stats-bench). PostgreSQL too when
//! `SIGHTLINE_TEST_DATABASE_URL` is set.
//!
//! Data: 20 airlines; reports received over the 24 months before 2026-12-03 on routes
//! between 40 airports of every region, 1–4 signs each from the catalogue, 30 %
//! escalated; learners with a position and one certificate each (5 % revoked). It is
//! inserted with multi-row `INSERT`s (no audit entries: this measures reading), then
//! `rebuild_statistics` builds the summaries from the rows (timed: the aggregation
//! over every row), then the page's computation is timed: the summary read of the
//! last 12 months plus suppression of every table (`App::public_statistics`' work),
//! platform-wide and for one airline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::stats::{K, month_of, months_ending};
use sightline_storage::testing::bulk::{Rng, bytes_literal as bytes_lit, uuid_literal as uuid_lit};
use sightline_storage::testing::{self, TestDb};
use sightline_storage::{Db, StatsScope};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-12-03 04:00 UTC);
const AIRPORTS: [&str; 40] = [
    "HEL", "ARN", "CPH", "LHR", "CDG", "FRA", "AMS", "MAD", "FCO", "IST", "WAW", "KBP", "JFK", "LAX", "ORD", "YYZ",
    "MIA", "MEX", "GRU", "BOG", "LIM", "EZE", "PTY", "DXB", "DOH", "DEL", "BOM", "BKK", "SIN", "MNL", "HKG", "NRT",
    "LOS", "NBO", "ADD", "JNB", "CAI", "CMN", "SYD", "AKL",
];
const COURSES: [(&str, &str); 5] = [
    ("cabin-crew", "cabin_crew"),
    ("flight-deck", "flight_deck"),
    ("ground", "ground"),
    ("security", "security"),
    ("public", "public"),
];
const CHUNK: usize = 1000;

struct Report {
    id: uuid::Uuid,
    org: usize,
    received_at: i64,
    origin: &'static str,
    destination: &'static str,
    route: String,
    signs: String,
    escalated: bool,
}

struct Learner {
    id: uuid::Uuid,
    org: usize,
    course: usize,
    issued_at: i64,
    revoked: bool,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n_reports: usize = args.get(1).map_or(1_000_000, |s| s.parse().unwrap());
    let n_learners: usize = args.get(2).map_or(100_000, |s| s.parse().unwrap());
    let out = std::path::PathBuf::from(args.get(3).cloned().unwrap_or_else(|| "/tmp/sightline-stats-bench".into()));
    std::fs::create_dir_all(&out).unwrap();
    let library = sightline_content::load(&sightline_content::default_dir()).library.unwrap();
    let codes: Vec<String> = library.indicators.indicators.iter().map(|i| i.code.clone()).collect();

    // The data, once, for every engine and for DuckDB.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let span = 730 * 86_400 * 1_000_000i64;
    let end = sightline_storage::to_micros(NOW);
    let reports: Vec<Report> = (0..n_reports)
        .map(|_| {
            let origin = AIRPORTS[rng.below(40) as usize];
            let destination = AIRPORTS[rng.below(40) as usize];
            let mut signs: Vec<&str> =
                (0..1 + rng.below(4)).map(|_| codes[rng.below(codes.len() as u64) as usize].as_str()).collect();
            signs.sort_unstable();
            signs.dedup();
            Report {
                id: uuid::Uuid::from_u64_pair(rng.next_u64(), rng.next_u64()),
                org: rng.below(20) as usize,
                received_at: end - (rng.below(span as u64) as i64),
                origin,
                destination,
                route: library.route_region(origin, destination),
                signs: signs.join(" "),
                escalated: rng.below(10) < 3,
            }
        })
        .collect();
    let learners: Vec<Learner> = (0..n_learners)
        .map(|_| Learner {
            id: uuid::Uuid::from_u64_pair(rng.next_u64(), rng.next_u64()),
            org: rng.below(20) as usize,
            course: rng.below(4) as usize,
            issued_at: end - (rng.below(span as u64) as i64),
            revoked: rng.below(20) == 0,
        })
        .collect();
    write_csv(&out, &reports, &learners);
    println!("data: {n_reports} reports, {n_learners} learners; CSV for DuckDB in {}", out.display());

    let mut engines: Vec<TestDb> = vec![testing::sqlite().await.unwrap()];
    if let Ok(Some(url)) = testing::postgres_url() {
        engines.push(testing::postgres(&url).await.unwrap());
    } else {
        println!("SKIPPED PostgreSQL: {} is not set", testing::PG_ENV);
    }
    let months = months_ending(month_of(NOW), sightline_app::stats::WINDOW_MONTHS);
    for t in engines {
        let db = &t.db;
        let engine = db.engine();
        let start = Instant::now();
        let orgs = load(db, &reports, &learners).await;
        println!("\n[{}] loaded in {:.1} s", engine.as_str(), start.elapsed().as_secs_f64());
        let lib = library.clone();
        let route_of = move |o: &str, d: &str| lib.route_region(o, d);
        let start = Instant::now();
        let read = db.rebuild_statistics(&route_of).await.unwrap();
        println!(
            "[{}] rebuild_statistics (every row read and aggregated): {read} reports in {:.2} s",
            engine.as_str(),
            start.elapsed().as_secs_f64()
        );
        for (label, scope) in [("platform", StatsScope::Platform), ("one airline", StatsScope::Org(orgs[0]))] {
            let (first, last) = (months[0], months[months.len() - 1]);
            // Warm once, then 21 runs.
            let _ = db.statistics(scope, first, last).await.unwrap();
            let mut times = Vec::new();
            let mut rows = None;
            for _ in 0..21 {
                let start = Instant::now();
                let r = db.statistics(scope, first, last).await.unwrap();
                let s = sightline_app::stats::tables(&r, &months, None, K);
                times.push(start.elapsed());
                rows = Some((r, s));
            }
            times.sort();
            let (r, s) = rows.unwrap();
            println!(
                "[{}] statistics page computation, {label}: median {:.2} ms, max {:.2} ms ({} summary rows; {} reports in the window; {} numbers hidden)",
                engine.as_str(),
                times[10].as_secs_f64() * 1e3,
                times[20].as_secs_f64() * 1e3,
                r.training.len() + r.reports.len() + r.signs.len(),
                r.reports.iter().map(|x| x.reports).sum::<i64>(),
                s.training_by_month.hidden()
                    + s.training_by_role.hidden()
                    + s.reports_by_month.hidden()
                    + s.reports_by_route.hidden()
                    + s.reports_by_sign.hidden(),
            );
        }
        t.cleanup().await;
    }
}

/// Organisations and reporters through the storage API; reports, learners, attempts and
/// certificates by multi-row `INSERT` (engine-specific literals; this is a benchmark).
async fn load(db: &Db, reports: &[Report], learners: &[Learner]) -> Vec<OrgId> {
    let engine = db.engine();
    let mut orgs = Vec::new();
    let mut reporters = Vec::new();
    for i in 0..20 {
        let org = db
            .create_org(
                &OrgName::parse(&format!("Airline {i}")).unwrap(),
                OrgKind::Airline,
                NewAuditEntry::new(AuditAction::OrgCreated),
                NOW,
            )
            .await
            .unwrap();
        let user = db
            .create_user(
                org,
                &sightline_storage::NewUser {
                    name: sightline_domain::user::PersonName::parse("Crew").unwrap(),
                    email: sightline_domain::user::Email::parse(&format!("crew{i}@bench.example")).unwrap(),
                    roles: sightline_domain::user::Roles::of([sightline_domain::user::Role::Reporter]),
                    base: None,
                    employee_id: None,
                    password_hash: None,
                    position: None,
                },
                NewAuditEntry::new(AuditAction::UserCreated),
                NOW,
            )
            .await
            .unwrap();
        orgs.push(org);
        reporters.push(user);
    }
    let u = |x: uuid::Uuid| uuid_lit(engine, x);
    let blob = bytes_lit(engine, "00");
    testing::bulk::insert_chunks(
        db,
        "INSERT INTO reports (id, org_id, reporter_id, reference, content_hash, received_at, reporter_role, phase, flight, \
         flight_date, origin, destination, seats, potential_victims, companions, indicators, disclosed, companion_aware, \
         immediate_danger, gate_passed, relay_message, sealed, wrapped_key, status, escalated_at, route_region, stats_month)",
        reports.iter().map(|r| {
            let month = month_of(sightline_storage::from_micros(r.received_at));
            let (status, escalated) =
                if r.escalated { ("'escalated'", (r.received_at + 600_000_000).to_string()) } else { ("'received'", "NULL".into()) };
            format!(
                "({}, {}, {}, 'REF', {blob}, {}, 'cabin_crew', 'in_flight', 'AY1', '2026-01-01', '{}', '{}', '', 1, 0, '{}', \
                 FALSE, 'unknown', FALSE, TRUE, '', {blob}, {blob}, {status}, {escalated}, '{}', {month})",
                u(r.id),
                u(orgs[r.org].as_uuid()),
                u(reporters[r.org].as_uuid()),
                r.received_at,
                r.origin,
                r.destination,
                r.signs,
                r.route,
            )
        }),
        CHUNK,
    )
    .await
    .unwrap();
    testing::bulk::insert_chunks(
        db,
        "INSERT INTO users (id, org_id, name, email, created_at, position)",
        learners.iter().map(|l| {
            format!(
                "({}, {}, 'Learner', 'l{}@bench.example', 0, '{}')",
                u(l.id),
                u(orgs[l.org].as_uuid()),
                l.id.simple(),
                COURSES[l.course].1
            )
        }),
        CHUNK,
    )
    .await
    .unwrap();
    testing::bulk::insert_chunks(
        db,
        "INSERT INTO check_attempts (id, org_id, user_id, course_id, lang, drawn, started_at, passed, percent, submitted_at)",
        learners.iter().map(|l| {
            format!(
                "({}, {}, {}, '{}', 'en', '[]', {}, TRUE, 100, {})",
                u(l.id),
                u(orgs[l.org].as_uuid()),
                u(l.id),
                COURSES[l.course].0,
                l.issued_at,
                l.issued_at
            )
        }),
        CHUNK,
    )
    .await
    .unwrap();
    testing::bulk::insert_chunks(
        db,
        "INSERT INTO certificates (id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until, \
         holder_position, revoked_at)",
        learners.iter().map(|l| {
            format!(
                "({}, 'SL-{}', {}, {}, {}, 'Learner', '{}', 'en', {}, {}, '{}', {})",
                u(l.id),
                l.id.simple(),
                u(l.id),
                u(orgs[l.org].as_uuid()),
                u(l.id),
                COURSES[l.course].0,
                l.issued_at,
                l.issued_at + 365 * 86_400_000_000,
                COURSES[l.course].1,
                if l.revoked { l.issued_at.to_string() } else { "NULL".into() }
            )
        }),
        CHUNK,
    )
    .await
    .unwrap();
    orgs
}

/// The same rows for DuckDB: `reports.csv` and `certificates.csv`.
fn write_csv(out: &std::path::Path, reports: &[Report], learners: &[Learner]) {
    let mut s = String::with_capacity(reports.len() * 120);
    s.push_str("org,received_at,stats_month,route_region,indicators,escalated\n");
    for r in reports {
        let month = month_of(sightline_storage::from_micros(r.received_at));
        let _ = writeln!(s, "{},{},{month},{},{},{}", r.org, r.received_at, r.route, r.signs, u8::from(r.escalated));
    }
    std::fs::File::create(out.join("reports.csv")).unwrap().write_all(s.as_bytes()).unwrap();
    let mut s = String::new();
    s.push_str("org,issued_at,issued_month,course_id,role,revoked\n");
    for l in learners {
        let month = month_of(sightline_storage::from_micros(l.issued_at));
        let _ = writeln!(
            s,
            "{},{},{month},{},{},{}",
            l.org,
            l.issued_at,
            COURSES[l.course].0,
            COURSES[l.course].1,
            u8::from(l.revoked)
        );
    }
    std::fs::File::create(out.join("certificates.csv")).unwrap().write_all(s.as_bytes()).unwrap();
}
