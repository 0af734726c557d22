//! Issue 15, item 2: `sightline keys rotate`. A value in every sealed column, a
//! rotation killed with SIGKILL mid-way and run again, then every value opens with the
//! new key alone and none with the old; a rotation while the server takes reports; one
//! organisation's generation alone; and the schema has no sealed column the rotation
//! does not know.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sightline_app::security::{sealed_from_text, sealed_to_text};
use sightline_domain::crypto::{KeyRing, MasterKey, SealRandom, Sealed};
use sightline_domain::ids::{OrgId, UserId};
use sightline_storage::testing::{self, sealed::seal_every_column};
use sightline_storage::{Db, SEALED_COLUMNS, SealedValue};
use uuid::Uuid;

use super::probes::{put, report_body};
use super::{BIN, CONTENT, run, start, temp_dir};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn key_lines(path: &Path) -> Vec<[u8; 32]> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| data_encoding::BASE64.decode(l.trim().as_bytes()).unwrap().try_into().unwrap())
        .collect()
}

fn random() -> SealRandom {
    let mut r = SealRandom { data_key: [0; 32], nonce: [0; 24], wrap_nonce: [0; 24] };
    getrandom::fill(&mut r.data_key).unwrap();
    getrandom::fill(&mut r.nonce).unwrap();
    getrandom::fill(&mut r.wrap_nonce).unwrap();
    r
}

/// Where the test's database is, and the arguments that name it.
struct Place {
    db: Db,
    args: Vec<String>,
    _keep: Option<testing::TestDb>,
}

async fn place(data: &Path, pg: Option<&str>) -> Place {
    match pg {
        None => Place { db: Db::open_sqlite(&data.join("sightline.db")).await.unwrap(), args: vec![], _keep: None },
        Some(url) => {
            let t = testing::postgres(url).await.unwrap();
            Place { db: t.db.clone(), args: vec!["--database-url".into(), t.location.clone()], _keep: Some(t) }
        }
    }
}

fn with<'a>(args: &'a [&'a str], place: &'a Place) -> Vec<&'a str> {
    args.iter().copied().chain(place.args.iter().map(String::as_str)).collect()
}

/// Every sealed value, per column: (row id, organisation, record, value).
async fn sealed_values(db: &Db) -> BTreeMap<&'static str, Vec<sightline_storage::SealedRow>> {
    let mut all = BTreeMap::new();
    for c in SEALED_COLUMNS {
        let mut rows = Vec::new();
        let mut after = Uuid::nil();
        loop {
            let batch = db.sealed_batch(c, after, 1000, None).await.unwrap();
            let Some(last) = batch.last().map(|r| r.id) else { break };
            after = last;
            rows.extend(batch);
        }
        all.insert(c.name, rows);
    }
    all
}

fn sealed(row: &sightline_storage::SealedRow) -> Sealed {
    match &row.value {
        SealedValue::Blob { body, wrapped_key } => Sealed { body: body.clone(), wrapped_key: wrapped_key.clone() },
        SealedValue::Text(t) => sealed_from_text(t).unwrap(),
    }
}

/// Every value of every sealed column opens with `new` alone and none with `old`
/// alone; the seeded canaries read back; returns how many values there were.
fn check_all_under(
    values: &BTreeMap<&'static str, Vec<sightline_storage::SealedRow>>,
    new: &KeyRing,
    old: &KeyRing,
) -> usize {
    let mut n = 0;
    for (column, rows) in values {
        assert!(!rows.is_empty(), "no value in {column}: the test must seed every sealed column");
        for row in rows {
            let s = sealed(row);
            let plain = new
                .open(row.org, row.record, &s)
                .unwrap_or_else(|_| panic!("{column} {} does not open with the new key", row.id));
            assert!(old.open(row.org, row.record, &s).is_err(), "{column} {} still opens with the old key", row.id);
            let text = String::from_utf8_lossy(&plain);
            if !matches!(*column, "reports.sealed" | "derived_secrets.sealed") {
                assert_eq!(text, format!("canary {column}"), "{column}");
            }
            n += 1;
        }
    }
    n
}

async fn ids(db: &Db) -> (OrgId, OrgId, Uuid, UserId) {
    let airline = db.org_by_name(&sightline_domain::org::OrgName::parse("Demo Airline").unwrap()).await.unwrap();
    let ngo = db.org_by_name(&sightline_domain::org::OrgName::parse("Demo NGO").unwrap()).await.unwrap();
    let crew = db
        .user_by_email(&sightline_domain::user::Email::parse("crew@demo-airline.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    let sample = db.sealed_batch(&SEALED_COLUMNS[0], Uuid::nil(), 1, Some(airline.id)).await.unwrap();
    (airline.id, ngo.id, sample[0].id, crew.id)
}

async fn seed(db: &Db, key: &KeyRing) {
    let (org, partner, report, user) = ids(db).await;
    let blob = |o: OrgId, r: Uuid, t: &str| {
        let s = key.seal(o, r, t.as_bytes(), &random()).unwrap();
        (s.body, s.wrapped_key)
    };
    let text = |o: OrgId, r: Uuid, t: &str| sealed_to_text(&key.seal(o, r, t.as_bytes(), &random()).unwrap());
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    seal_every_column(db, org, partner, report, user, &blob, &text, now).await.unwrap();
}

async fn rotation_state(db: &Db) -> Option<(i64, bool)> {
    let r = db.open_key_rotation().await.ok()??;
    Some((r.rewrapped, r.finished_at.is_some()))
}

async fn crash_and_resume(pg: Option<&str>) {
    let data = temp_dir();
    let place = place(&data, pg).await;
    // Demo organisations and people, and reports sealed by the product.
    let server = start(&with(&["--demo"], &place), &data, &[]);
    assert_eq!(server.terminate(), 0);
    let out = run(&with(&["demo", "generate", "--reports", "120"], &place), &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let old = key_lines(&data.join("master.key"));
    assert_eq!(old.len(), 1);
    let old_ring = KeyRing::new(old[0], &[]);
    seed(&place.db, &old_ring).await;
    let pepper_before = MasterKey::from_bytes(old[0]).derive(sightline_app::tips::PEPPER_LABEL);
    let before = sealed_values(&place.db).await;
    let total: usize = before.values().map(Vec::len).sum();

    // Small batches, a pause after each: killed with SIGKILL part-way.
    let new_file = data.join("new.key");
    let mut child = Command::new(BIN)
        .args(with(
            &[
                "keys",
                "rotate",
                "--new-key-file",
                new_file.to_str().unwrap(),
                "--grace-seconds",
                "0",
                "--batch-size",
                "7",
                "--pause-ms",
                "150",
            ],
            &place,
        ))
        .env("SIGHTLINE_DATA", &data)
        .env("SIGHTLINE_CONTENT", CONTENT)
        .env_remove("SIGHTLINE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    loop {
        if rotation_state(&place.db).await.is_some_and(|(done, _)| done >= 40) {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the rotation finished before it could be killed");
        assert!(waited.elapsed() < Duration::from_secs(120), "the rotation made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(status.code().is_none(), "killed by a signal: {status:?}");
    let (done, finished) = rotation_state(&place.db).await.expect("the rotation is recorded as unfinished");
    assert!(!finished && done < i64::try_from(total).unwrap(), "killed mid-way: {done} of {total}");
    let ring = key_lines(&data.join("master.key"));
    assert_eq!(ring.len(), 2, "the key file holds the ring (new, old) while the rotation runs");
    assert_eq!(ring[1], old[0]);
    // Killed in the middle: some values are under the new key, some under the old,
    // and the ring opens them all.
    let both = KeyRing::new(ring[0], &[ring[1]]);
    for (column, rows) in sealed_values(&place.db).await {
        for row in rows {
            assert!(
                both.open(row.org, row.record, &sealed(&row)).is_ok(),
                "{column} {} unreadable mid-rotation",
                row.id
            );
        }
    }

    // Run again: it resumes and finishes.
    let out = run(
        &with(&["keys", "rotate", "--new-key-file", new_file.to_str().unwrap(), "--grace-seconds", "0"], &place),
        &data,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("Resuming the rotation"), "{said}");
    assert!(said.contains("0 re-wrapped now"), "the check found nothing left: {said}");

    let new = key_lines(&new_file);
    assert_eq!(key_lines(&data.join("master.key")), new, "the key file holds only the new key");
    let new_ring = KeyRing::new(new[0], &[]);
    let retired = data.join(format!("master.key.retired-{}", old_ring.current_id()));
    assert_eq!(key_lines(&retired), old, "the old key is kept beside it for old backups");
    let after = sealed_values(&place.db).await;
    let n = check_all_under(&after, &new_ring, &old_ring);
    assert_eq!(n, total, "every value (the derived secrets were made when the server first started)");
    // Only data keys changed: every body is the same bytes as before.
    for (column, rows) in &before {
        for row in rows {
            let now = after[column].iter().find(|r| r.id == row.id).unwrap();
            assert_eq!(sealed(now).body, sealed(row).body, "{column}: the body was not re-encrypted");
        }
    }
    // The tips' receipt pepper outlived the rotation.
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let pepper = sightline_app::keys::derived_key(
        &place.db,
        &MasterKey::from_ring(new_ring),
        sightline_app::tips::PEPPER_LABEL,
        now,
    )
    .await
    .unwrap();
    assert_eq!(pepper, pepper_before);

    // The product reads with the new key: verify, the audit chain, a restart.
    let out = run(&with(&["verify"], &place), &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&with(&["audit", "verify"], &place), &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Nothing left to do.
    let out = run(
        &with(&["keys", "rotate", "--new-key-file", new_file.to_str().unwrap(), "--grace-seconds", "0"], &place),
        &data,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to rotate"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_killed_mid_way_resumes_and_leaves_every_value_under_the_new_key_sqlite() {
    crash_and_resume(None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_killed_mid_way_resumes_and_leaves_every_value_under_the_new_key_postgres() {
    match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => eprintln!("SKIPPED PostgreSQL key rotation test: {} is not set", testing::PG_ENV),
        Ok(Some(url)) => crash_and_resume(Some(&url)).await,
    }
}

/// Reports keep arriving and the desk keeps reading a case's text while the key is
/// rotated under the running server: each report is stored, each read shows the text, the server reloads the ring, and at the end every report (those sealed during
/// the rotation too) opens with the new key alone; the server then restarts on it.
#[tokio::test(flavor = "multi_thread")]
async fn the_running_server_keeps_sealing_and_opening_through_a_rotation() {
    let data = temp_dir();
    let place = place(&data, None).await;
    let server = start(&["--demo"], &data, &[]);
    let port = server.port;
    let out = run(&["admin", "create-token", "--email", "crew@demo-airline.example"], &data);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let out = run(&["demo", "generate", "--reports", "300"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let old = key_lines(&data.join("master.key"));
    // A case whose text the desk reads throughout, through the real page.
    let case = Uuid::now_v7();
    assert!(matches!(put(port, &token, case, &report_body(7777)), Some((201, _))));
    let cookie = desk_session(&place.db, &KeyRing::new(old[0], &[])).await;
    let read_case = move |cookie: &str| {
        let (status, body) = get_with_cookie(port, &format!("/desk/cases/{case}"), cookie).expect("the server answers");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Probe report 7777: he kept both passports."), "the case text is readable");
    };
    read_case(&cookie);
    let reading = Arc::new(AtomicU64::new(0));
    let stop_reading = Arc::new(AtomicBool::new(false));
    let reader = {
        let (reading, stop, cookie) = (reading.clone(), stop_reading.clone(), cookie.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                read_case(&cookie);
                reading.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    let acked = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let sender = {
        let (acked, stop, counter, token) = (acked.clone(), stop.clone(), counter.clone(), token.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let id = Uuid::now_v7();
                match put(port, &token, id, &report_body(counter.fetch_add(1, Ordering::Relaxed))) {
                    Some((201, _)) => acked.lock().unwrap().push(id),
                    other => panic!("a report was not stored during the rotation: {other:?}"),
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let new_file = data.join("new.key");
    let out = run(
        &[
            "keys",
            "rotate",
            "--new-key-file",
            new_file.to_str().unwrap(),
            "--grace-seconds",
            "3",
            "--batch-size",
            "25",
            "--pause-ms",
            "20",
        ],
        &data,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    stop_reading.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(reading.load(Ordering::Relaxed) > 10, "the case page was read during the rotation");
    let during = acked.lock().unwrap().len();
    assert!(during > 20, "reports arrived during the rotation: {during}");
    // Reports stored after the rotation (the server sealing with the key it reloaded).
    for n in 0..5 {
        assert!(matches!(put(port, &token, Uuid::now_v7(), &report_body(10_000 + n)), Some((201, _))));
    }
    read_case(&cookie);
    let log = std::fs::read_to_string(data.join("stderr.log")).unwrap();
    assert!(log.contains("key ring reloaded"), "{log}");
    assert_eq!(server.terminate(), 0);

    let new = key_lines(&new_file);
    let (new_ring, old_ring) = (KeyRing::new(new[0], &[]), KeyRing::new(old[0], &[]));
    let reports = &sealed_values(&place.db).await["reports.sealed"];
    assert!(reports.len() >= 300 + during);
    for row in reports {
        assert!(new_ring.open(row.org, row.record, &sealed(row)).is_ok(), "report {} not under the new key", row.id);
        assert!(old_ring.open(row.org, row.record, &sealed(row)).is_err());
    }
    // It starts again on the key file alone.
    let server = start(&[], &data, &[]);
    assert_eq!(server.terminate(), 0);
    let out = run(&["verify"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&data);
}

/// A signed-in desk analyst of the demo airline who has passed two-factor: the
/// session cookie (written straight into the database; signing in is tested elsewhere).
async fn desk_session(db: &Db, key: &KeyRing) -> String {
    let email = sightline_domain::user::Email::parse("desk@demo-airline.example").unwrap();
    let desk = db.user_by_email(&email).await.unwrap().unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let secret = sealed_to_text(&key.seal(desk.org_id, desk.id.as_uuid(), b"JBSWY3DPEHPK3PXP", &random()).unwrap());
    db.enable_totp(&desk, &secret, 0, &[], None, now).await.unwrap();
    let token = sightline_app::security::new_token().unwrap();
    db.create_session(
        &sightline_storage::NewSession {
            id_hash: sightline_app::security::hash_token(&token),
            user_id: desk.id,
            org_id: desk.org_id,
            csrf_token: "csrf".into(),
            two_factor_passed: true,
            second_factor_by_provider: false,
            expires_at: now + time::Duration::hours(1),
        },
        now,
    )
    .await
    .unwrap();
    format!("sl_session={token}")
}

fn get_with_cookie(port: u16, path: &str, cookie: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()))
}

/// `--org`: only that organisation's values move to its next generation.
#[tokio::test(flavor = "multi_thread")]
async fn one_organisations_key_is_rotated_alone() {
    let data = temp_dir();
    let place = place(&data, None).await;
    let server = start(&["--demo"], &data, &[]);
    assert_eq!(server.terminate(), 0);
    let out = run(&["demo", "generate", "--reports", "30"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let key = key_lines(&data.join("master.key"));
    let ring = KeyRing::new(key[0], &[]);
    seed(&place.db, &ring).await;
    let (airline, ..) = ids(&place.db).await;
    let before = sealed_values(&place.db).await;

    let out = run(&["keys", "rotate", "--org", "Demo Airline", "--grace-seconds", "0", "--batch-size", "4"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("key generation 1"));
    assert_eq!(key_lines(&data.join("master.key")), key, "the master key stays");
    assert_eq!(place.db.org_key_generation(airline).await.unwrap(), 1);

    let g1 = ring.clone().with_generations(place.db.org_key_generations().await.unwrap());
    let after = sealed_values(&place.db).await;
    let mut moved = 0;
    for (column, rows) in &after {
        for row in rows {
            let s = sealed(row);
            assert!(g1.open(row.org, row.record, &s).is_ok(), "{column} {}", row.id);
            let was = before[column].iter().find(|r| r.id == row.id).map(sealed);
            if row.org == airline {
                assert!(g1.is_current(row.org, &s.wrapped_key), "{column} {} is at generation 1", row.id);
                moved += 1;
            } else if let Some(was) = was {
                assert_eq!(was, s, "{column} {}: another organisation's value is untouched", row.id);
            }
        }
    }
    assert!(moved > 30, "{moved}");
    let out = run(&["verify"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&data);
}

/// Every column of the migrated schema named like a sealed value is one the rotation
/// re-wraps: a new sealed column left out of [`SEALED_COLUMNS`] fails here.
#[tokio::test]
async fn every_sealed_column_in_the_schema_is_rotated() {
    let t = testing::sqlite().await.unwrap();
    let schema = testing::schema::describe(&t.db).await.unwrap();
    let known: Vec<(String, String)> = SEALED_COLUMNS
        .iter()
        .flat_map(|c| {
            let mut v = vec![(c.table.to_owned(), c.column().to_owned())];
            if let sightline_storage::SealedForm::Blob { wrapped_key, .. } = c.form {
                v.push((c.table.to_owned(), wrapped_key.to_owned()));
            }
            v
        })
        .collect();
    let mut found = 0;
    for (table, t) in &schema.tables {
        if table.starts_with("key_rotation") {
            continue;
        }
        for column in t.columns.keys() {
            if ["sealed", "wrapped", "secret"].iter().any(|w| column.contains(w)) {
                found += 1;
                assert!(
                    known.contains(&(table.clone(), column.clone())),
                    "{table}.{column} looks sealed but keys rotate does not re-wrap it"
                );
            }
        }
    }
    assert_eq!(found, known.len(), "every listed column exists");
    t.cleanup().await;
}
