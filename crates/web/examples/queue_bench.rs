//! Benchmark (not a test): server time of the desk's queue page with many reports in
//! the organisation. Builds a fresh database, stores N synthetic reports through the
//! real validation and sealing, then requests `/desk` through the real router with
//! an analyst's session and reports the latency distribution.
//!
//! `cargo run --release -p sightline-web --example queue_bench -- [postgres-url] [N]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::report::{AgeRange, PerceivedGender, PersonDescription, ReportInput};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::{NewSession, NewUser};
use sightline_web::{AppState, Clock, Config};
use tower::ServiceExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pg = args.get(1).filter(|a| a.starts_with("postgres")).cloned();
    let n: usize = args.iter().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let test_db = match &pg {
        Some(url) => sightline_storage::testing::postgres(url).await.unwrap(),
        None => sightline_storage::testing::sqlite().await.unwrap(),
    };
    let db = test_db.db.clone();
    let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    let keys = sightline_domain::crypto::MasterKey::from_bytes([3; 32]);
    let now = Clock::System.now();
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
            sightline_web::reports::prepare(&library, &keys, &crew, uuid::Uuid::now_v7(), &input, &Default::default())
                .unwrap(),
        );
        if batch.len() == 1000 {
            db.put_reports(&batch, now).await.unwrap();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        db.put_reports(&batch, now).await.unwrap();
    }
    println!("stored {n} reports in {:.1} s", started.elapsed().as_secs_f64());

    let token = "bench-session-token-0123456789abcdefghijklmnop";
    db.create_session(
        &NewSession {
            id_hash: sightline_web::hash_token(token),
            user_id: desk,
            org_id: org,
            csrf_token: "x".into(),
            two_factor_passed: true,
            second_factor_by_provider: false,
            expires_at: now + time::Duration::hours(1),
        },
        now,
    )
    .await
    .unwrap();
    // Analysts must have two-factor on; mark it so the gate opens.
    db.enable_totp(&db.get_user(org, desk).await.unwrap(), "JBSWY3DPEHPK3PXP", 1, &[], None, now).await.unwrap();
    let mut first_case = None;
    for _ in 0..3 {
        let t = Instant::now();
        let q = db.queue(org, &sightline_storage::QueueFilter::default(), 100).await.unwrap();
        println!("queue query alone: {:?} ({} rows)", t.elapsed(), q.len());
        first_case = q.iter().find(|c| c.destination == "HEL").map(|c| c.id);
    }
    let t = Instant::now();
    db.session(&sightline_web::hash_token(token), now).await.unwrap();
    println!("session lookup: {:?}", t.elapsed());
    let state = AppState::new(db.clone(), Config::new("http://bench"), Clock::System, keys).with_library(library);
    state.seed_directory().await.unwrap();
    let app = sightline_web::router(state);
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
        if pg.is_some() { "postgres" } else { "sqlite" },
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
    test_db.cleanup().await;
}
