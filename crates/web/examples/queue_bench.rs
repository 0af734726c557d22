//! Benchmark (not a test): server time of the desk's queue page with many reports in
//! the organisation. Builds a fresh database, stores N synthetic reports through the
//! real validation and sealing, then requests `/desk` through the real router with
//! an analyst's session and reports the latency distribution.
//!
//! `cargo run --release -p sightline-web --example queue_bench -- [postgres-url] [N]`
//!
//! On PostgreSQL the tables are analysed (`ANALYZE`) after the bulk load, as autovacuum
//! would do later. `QUEUE_BENCH_KEEP=1` keeps the database afterwards and prints where
//! it is (to start `sightline serve` on it, say).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::report::{AgeRange, PerceivedGender, PersonDescription, ReportInput};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::NewUser;
use sightline_web::{AppState, Clock, Config};
use tower::ServiceExt;

mod common;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pg = args.get(1).filter(|a| a.starts_with("postgres")).cloned();
    let n: usize = args.iter().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let reuse = std::env::var("QUEUE_BENCH_DB").ok();
    let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    let keys = sightline_domain::crypto::MasterKey::from_bytes([3; 32]);
    let now = Clock::System.now();
    println!("load average at start: {}", load_average());
    let (test_db, db, org, desk, engine) = match &reuse {
        Some(location) => {
            let db = if location.starts_with("postgres") {
                sightline_storage::Db::open_postgres(location).await.unwrap()
            } else {
                sightline_storage::Db::open_sqlite(std::path::Path::new(location)).await.unwrap()
            };
            let org = db.list_orgs().await.unwrap().into_iter().find(|o| o.name.as_str() == "Bench Air").unwrap().id;
            let desk = db.user_by_email(&Email::parse("desk@bench.example").unwrap()).await.unwrap().unwrap().id;
            // Brought up to this build's schema (a later migration may add an index).
            db.migrate().await.unwrap();
            println!("reusing {location} (seeded earlier; N is not checked)");
            let engine = if location.starts_with("postgres") { "postgres" } else { "sqlite" };
            (None, db, org, desk, engine)
        }
        None => {
            let test_db = match &pg {
                Some(url) => sightline_storage::testing::postgres(url).await.unwrap(),
                None => sightline_storage::testing::sqlite().await.unwrap(),
            };
            let db = test_db.db.clone();
            let (org, desk) = seed(&db, &library, n, now, pg.is_some()).await;
            (Some(test_db), db, org, desk, if pg.is_some() { "postgres" } else { "sqlite" })
        }
    };
    let rounds: usize = std::env::var("QUEUE_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
    let state = AppState::new(db.clone(), Config::new("http://bench"), Clock::System, keys).with_library(library);
    state.seed_directory().await.unwrap();
    let app = sightline_web::router(state);
    for round in 1..=rounds {
        println!("round {round} of {rounds}, load average {}", load_average());
        measure(&db, &app, org, desk, n, engine, now).await;
        println!("load average at the end of round {round}: {}", load_average());
    }
    if let Some(test_db) = test_db {
        if std::env::var_os("QUEUE_BENCH_KEEP").is_some() {
            println!("kept: {}", test_db.location);
            std::mem::forget(test_db);
        } else {
            test_db.cleanup().await;
        }
    }
}

/// The organisation, a reporter and an analyst, and `n` reports by the reporter:
/// prepared (validated, sealed) on a thread of their own while the previous thousand
/// are stored through `put_reports` (group commits of 1,000).
async fn seed(
    db: &sightline_storage::Db,
    library: &sightline_content::Library,
    n: usize,
    now: time::OffsetDateTime,
    pg: bool,
) -> (sightline_domain::ids::OrgId, sightline_domain::ids::UserId) {
    let org = db
        .create_org(
            &sightline_domain::org::OrgName::parse("Bench Air").unwrap(),
            sightline_domain::org::OrgKind::Airline,
            NewAuditEntry::new(AuditAction::OrgCreated),
            now,
        )
        .await
        .unwrap();
    let mk = |email: &str, role: Role| NewUser {
        name: PersonName::parse(email).unwrap(),
        email: Email::parse(email).unwrap(),
        roles: Roles::of([role]),
        base: None,
        employee_id: None,
        password_hash: None,
        position: None,
    };
    let crew = db
        .create_user(org, &mk("crew@bench.example", Role::Reporter), NewAuditEntry::new(AuditAction::UserCreated), now)
        .await
        .unwrap();
    let desk = db
        .create_user(
            org,
            &mk("desk@bench.example", Role::DeskAnalyst),
            NewAuditEntry::new(AuditAction::UserCreated),
            now,
        )
        .await
        .unwrap();
    let crew = db.get_user(org, crew).await.unwrap();

    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let library = library.clone();
    let producer = std::thread::spawn(move || {
        let keys = sightline_domain::crypto::MasterKey::from_bytes([3; 32]);
        let routes = [("HEL", "JFK"), ("JFK", "HEL"), ("HEL", "BKK"), ("ATH", "HEL"), ("LHR", "HEL"), ("HEL", "DXB")];
        let mut batch = Vec::new();
        for i in 0..n {
            let (o, d) = routes[i % routes.len()];
            let input = ReportInput {
                reporter_role: "cabin_crew".into(),
                phase: "in_flight".into(),
                flight: format!("SL{}", 1 + i % 9000),
                date: "2026-11-28".into(),
                origin: o.into(),
                destination: d.into(),
                scheduled_arrival: format!("{:02}:{:02}", (i / 60) % 24, i % 60),
                seats: vec!["23A".into()],
                potential_victims: 1,
                companions: 1,
                indicators: vec!["DOC-HELD-BY-OTHER".into(), "MOV-ANSWERED-FOR".into()],
                victims: vec![PersonDescription {
                    age_range: AgeRange::Teen,
                    gender: PerceivedGender::Unknown,
                    clothing: String::new(),
                }],
                companions_described: vec![],
                disclosed: false,
                companion_aware: "unknown".into(),
                immediate_danger: i % 97 == 0,
                free_text: format!("synthetic {i}"),
                considered_innocent_explanations: true,
                client_created_at: None,
                ..ReportInput::default()
            };
            batch.push(
                sightline_web::reports::prepare(
                    &library,
                    &keys,
                    &crew,
                    uuid::Uuid::now_v7(),
                    &input,
                    &Default::default(),
                )
                .unwrap(),
            );
            if batch.len() == 1000 || i + 1 == n {
                tx.blocking_send(std::mem::take(&mut batch)).unwrap();
            }
        }
    });
    let mut stored = 0;
    while let Some(batch) = rx.recv().await {
        db.put_reports(&batch, now).await.unwrap();
        let before = stored;
        stored += batch.len();
        if stored / 100_000 > before / 100_000 {
            println!("  {stored} stored after {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    producer.join().unwrap();
    println!("stored {n} reports in {:.1} s", started.elapsed().as_secs_f64());
    if pg {
        let t = Instant::now();
        sightline_storage::testing::execute(db, "ANALYZE").await.unwrap();
        println!("ANALYZE: {:.1} s", t.elapsed().as_secs_f64());
    }
    (org, desk)
}

/// The queue page and the case view through the real router with an analyst's session.
async fn measure(
    db: &sightline_storage::Db,
    app: &axum::Router,
    org: sightline_domain::ids::OrgId,
    desk: sightline_domain::ids::UserId,
    n: usize,
    engine: &str,
    now: time::OffsetDateTime,
) {
    let token = common::signed_in(db, org, desk, now).await;
    let token = token.as_str();
    // Analysts must have two-factor on; mark it so the gate opens.
    db.enable_totp(&db.get_user(org, desk).await.unwrap(), "JBSWY3DPEHPK3PXP", 1, &[], None, now).await.unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let q = db.queue(org, &sightline_storage::QueueFilter::default(), 100).await.unwrap();
        println!("queue query alone: {:?} ({} rows)", t.elapsed(), q.len());
    }
    // The case: the queue's most urgent one arriving at HEL (routed to the Finnish directory).
    let to_hel = sightline_storage::QueueFilter { destination: Some("HEL".into()), ..Default::default() };
    let first_case = db.queue(org, &to_hel, 1).await.unwrap().first().map(|c| c.id);
    let t = Instant::now();
    db.session(&sightline_web::hash_token(token), now).await.unwrap();
    println!("session lookup: {:?}", t.elapsed());
    let mut lat = Vec::new();
    let mut bytes = 0;
    for i in 0..600 {
        let req = Request::get("/desk").header("cookie", format!("sl_session={token}")).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
        if i >= 100 {
            lat.push(t.elapsed());
        }
        bytes = body.len();
    }
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize];
    println!(
        "{}: /desk with {n} reports (first 100 rows shown, {bytes} bytes): p50 {:?} p99 {:?} max {:?}",
        engine,
        p(0.5),
        p(0.99),
        lat.last().unwrap()
    );

    // The case view: decrypts the text, routes the destination through the directory,
    // and writes an audit entry for the view (so every request is also a write).
    let case_id = first_case.unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let n = db.merge_suggestions(org, case_id).await.unwrap().len();
        let merge = t.elapsed();
        let t = Instant::now();
        db.case_events(org, case_id).await.unwrap();
        let events = t.elapsed();
        let t = Instant::now();
        db.directory_for("FI").await.unwrap();
        println!("merge suggestions {merge:?} ({n}), events {events:?}, directory {:?}", t.elapsed());
    }
    let case = format!("/desk/cases/{case_id}");
    let mut lat = Vec::new();
    for i in 0..400 {
        let req = Request::get(&case).header("cookie", format!("sl_session={token}")).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
        assert!(body.windows(13).any(|w| w == b"contact-optio"), "routed contacts shown");
        if i >= 100 {
            lat.push(t.elapsed());
        }
    }
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize];
    println!("case view (audited, routed): p50 {:?} p99 {:?} max {:?}", p(0.5), p(0.99), lat.last().unwrap());
}

/// The 1, 5 and 15 minute load averages (the machine is shared; each figure says under what load).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
