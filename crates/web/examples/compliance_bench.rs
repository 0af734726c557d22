//! Benchmark (not a test): the compliance dashboard of an organisation with 50,000
//! people and 200,000 certificates, through the real router with an org admin's
//! session, on SQLite and (when `SIGHTLINE_TEST_DATABASE_URL` is set) PostgreSQL.
//!
//! `cargo run --release -p sightline-web --example compliance_bench -- [PEOPLE] [CERTIFICATES]`
//! (defaults 50,000 and 200,000).
//!
//! Data (deterministic): people with a position (cabin crew 60 %, flight deck 15 %,
//! ground 15 %, security 10 %) at one of 8 bases, joined over the last 5 years;
//! certificates spread over them (their own position's course 80 %, another 20 %),
//! issued over the last 3 years, 5 % revoked. Five assignments: one course per
//! position, plus ground-gate for cabin crew at HEL. People, attempts and certificates
//! are inserted with multi-row `INSERT`s (this measures reading, not writing); people's
//! ids are UUIDv7 in joining order, as the product makes them.
//! Measured: the dashboard unfiltered, filtered by status, and by position and base,
//! and the fiscal-year CSV; 10 warm-up requests, then 100 timed, each read to its end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use sightline_domain::assign::AssignmentTerms;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::learn::Audience;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::testing::bulk::{Rng, insert_chunks as insert, uuid_literal as lit};
use sightline_storage::testing::{self, TestDb};
use sightline_storage::{Db, Engine, NewUser};
use sightline_web::{AppState, Clock, Config};
use tower::ServiceExt;

mod common;

const CHUNK: usize = 1000;
const BASES: [&str; 8] = ["HEL", "OUL", "TKU", "RVN", "ARN", "CPH", "OSL", "KEF"];
const POSITIONS: [(&str, &str); 4] = [
    ("cabin_crew", "cabin-crew"),
    ("flight_deck", "flight-deck"),
    ("ground", "ground-gate"),
    ("security", "security-ops"),
];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let people: usize = args.get(1).map_or(50_000, |s| s.parse().unwrap());
    let certs: usize = args.get(2).map_or(200_000, |s| s.parse().unwrap());
    let mut engines: Vec<TestDb> = vec![testing::sqlite().await.unwrap()];
    if let Ok(Some(url)) = testing::postgres_url() {
        engines.push(testing::postgres(&url).await.unwrap());
    } else {
        println!("SKIPPED PostgreSQL: {} is not set", testing::PG_ENV);
    }
    for t in engines {
        run(&t.db, people, certs).await;
        t.cleanup().await;
    }
}

async fn run(db: &Db, n_people: usize, n_certs: usize) {
    let engine = db.engine();
    let name = engine.as_str();
    let now = Clock::System.now();
    let end = sightline_storage::to_micros(now);
    let day = 86_400_000_000i64;
    let org = db
        .create_org(
            &OrgName::parse("Bench Air").unwrap(),
            OrgKind::Airline,
            NewAuditEntry::new(AuditAction::OrgCreated),
            now,
        )
        .await
        .unwrap();
    let admin = db
        .create_user(
            org,
            &NewUser {
                name: PersonName::parse("Admin").unwrap(),
                email: Email::parse("admin@bench.example").unwrap(),
                roles: Roles::of([Role::OrgAdmin]),
                base: None,
                employee_id: None,
                password_hash: None,
                position: None,
            },
            NewAuditEntry::new(AuditAction::UserCreated),
            now,
        )
        .await
        .unwrap();
    db.enable_totp(&db.get_user(org, admin).await.unwrap(), "JBSWY3DPEHPK3PXP", 1, &[], None, now).await.unwrap();
    for (position, course, base) in [
        (Audience::CabinCrew, "cabin-crew", None),
        (Audience::FlightDeck, "flight-deck", None),
        (Audience::Ground, "ground-gate", None),
        (Audience::Security, "security-ops", None),
        (Audience::CabinCrew, "ground-gate", Some("HEL")),
    ] {
        let terms = AssignmentTerms {
            course: course.into(),
            position,
            base: base.map(Into::into),
            due_days: 30,
            recur_months: 12,
        };
        db.create_assignment(org, admin, &terms, now).await.unwrap();
    }

    let started = Instant::now();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let ids: Vec<(uuid::Uuid, usize)> = (0..n_people)
        .map(|_| {
            let r = rng.below(100);
            let pos = if r < 60 {
                0
            } else if r < 75 {
                1
            } else if r < 90 {
                2
            } else {
                3
            };
            (uuid::Uuid::now_v7(), pos)
        })
        .collect();
    let o = lit(engine, org.as_uuid());
    let rows: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, (id, pos))| {
            let joined = end - i64::try_from(rng.below(5 * 365)).unwrap() * day;
            format!(
                "({}, {o}, 'Person {i}', 'p{i}@bench.example', {joined}, '{}', '{}')",
                lit(engine, *id),
                POSITIONS[*pos].0,
                BASES[rng.below(8) as usize]
            )
        })
        .collect();
    insert(db, "INSERT INTO users (id, org_id, name, email, created_at, position, base)", rows.into_iter(), CHUNK)
        .await
        .unwrap();
    let certs: Vec<(uuid::Uuid, uuid::Uuid, &str, i64, bool)> = (0..n_certs)
        .map(|_| {
            let (user, pos) = ids[rng.below(ids.len() as u64) as usize];
            let course = if rng.below(5) == 0 { POSITIONS[rng.below(4) as usize].1 } else { POSITIONS[pos].1 };
            let issued = end - i64::try_from(rng.below(3 * 365)).unwrap() * day - 3_600_000_000;
            (uuid::Uuid::from_u64_pair(rng.next_u64(), rng.next_u64()), user, course, issued, rng.below(20) == 0)
        })
        .collect();
    insert(
        db,
        "INSERT INTO check_attempts (id, org_id, user_id, course_id, lang, drawn, started_at, passed, percent, submitted_at)",
        certs.iter().map(|(id, user, course, issued, _)| {
            format!("({}, {o}, {}, '{course}', 'en', '[]', {issued}, TRUE, 100, {issued})", lit(engine, *id), lit(engine, *user))
        }),
        CHUNK,
    )
    .await
    .unwrap();
    insert(
        db,
        "INSERT INTO certificates (id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until, revoked_at)",
        certs.iter().map(|(id, user, course, issued, revoked)| {
            format!(
                "({0}, 'SL-{1}', {0}, {o}, {2}, 'Person', '{course}', 'en', {issued}, {3}, {4})",
                lit(engine, *id),
                id.simple(),
                lit(engine, *user),
                issued + 365 * day,
                if *revoked { issued.to_string() } else { "NULL".into() }
            )
        }),
        CHUNK,
    )
    .await
    .unwrap();
    if engine == Engine::Postgres {
        testing::execute(db, "ANALYZE").await.unwrap();
    }
    println!(
        "[{name}] loaded {n_people} people and {n_certs} certificates in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let token = common::signed_in(db, org, admin, now).await;
    let library = sightline_content::load(&sightline_content::default_dir()).library.unwrap();
    let keys = sightline_domain::crypto::MasterKey::from_bytes([3; 32]);
    let state = AppState::new(db.clone(), Config::new("http://bench"), Clock::System, keys).with_library(library);
    let app = sightline_web::router(state.clone());
    let mut first = Duration::ZERO;
    for (label, path) in [
        ("dashboard, everyone", format!("/orgs/{org}/compliance")),
        ("dashboard, overdue", format!("/orgs/{org}/compliance?status=overdue")),
        ("dashboard, cabin crew at HEL", format!("/orgs/{org}/compliance?position=cabin_crew&base=HEL")),
        ("fiscal-year CSV", format!("/orgs/{org}/compliance.csv")),
    ] {
        let mut lat: Vec<Duration> = Vec::new();
        let mut bytes = 0;
        for i in 0..110 {
            if i == 1 && label == "dashboard, everyone" {
                println!(
                    "[{name}] first request (every person's standing row made): {:.0} ms",
                    first.as_secs_f64() * 1e3
                );
            }
            let req = Request::get(&path).header("cookie", format!("sl_session={token}")).body(Body::empty()).unwrap();
            let t = Instant::now();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
            if i == 0 {
                first = t.elapsed();
                if engine == Engine::Postgres && label == "dashboard, everyone" {
                    // As autovacuum would soon after the first request wrote every row.
                    testing::execute(db, "VACUUM ANALYZE training_standing").await.unwrap();
                }
            }
            if i >= 10 {
                lat.push(t.elapsed());
            }
            bytes = body.len();
        }
        lat.sort();
        let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1e3;
        println!(
            "[{name}] {label} ({bytes} bytes): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            p(0.5),
            p(0.99),
            lat.last().unwrap().as_secs_f64() * 1e3
        );
    }
    // Where a dashboard request's time goes (the same calls the use case makes).
    let mut pieces: Vec<(&str, Vec<Duration>)> = vec![
        ("refresh (nothing to do)", vec![]),
        ("tally", vec![]),
        ("drill-down people", vec![]),
        ("the use case (all of it but the page)", vec![]),
    ];
    let caller = sightline_app::Caller::signed_in(db.get_user(org, admin).await.unwrap(), true, None).unwrap();
    let everyone = sightline_app::assign::ComplianceFilter::default();
    for _ in 0..50 {
        let t = Instant::now();
        state.app.compliance(&caller, org, &everyone).await.unwrap();
        pieces[3].1.push(t.elapsed());
        let t = Instant::now();
        db.refresh_standings(org, now).await.unwrap();
        pieces[0].1.push(t.elapsed());
        let t = Instant::now();
        let tally = db.standing_tally(org, now, &sightline_storage::TallyFilter::default(), 500).await.unwrap();
        pieces[1].1.push(t.elapsed());
        let t = Instant::now();
        db.trained_people_by_ids(org, &tally.drill).await.unwrap();
        pieces[2].1.push(t.elapsed());
    }
    for (label, mut lat) in pieces {
        lat.sort();
        println!(
            "[{name}]   {label}: p50 {:.1} ms, max {:.1} ms",
            lat[lat.len() / 2].as_secs_f64() * 1e3,
            lat.last().unwrap().as_secs_f64() * 1e3
        );
    }
}
