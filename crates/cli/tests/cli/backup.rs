//! Issue 15: `sightline backup` while reports arrive, `restore` into an empty data
//! folder, and `verify`; a wrong key and a folder that holds data are refused with
//! nothing written.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::probes::{put, report_body};
use super::{run, start, temp_dir};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_backup_taken_under_load_restores_every_acknowledged_report() {
    let data = temp_dir();
    let server = start(&["--demo"], &data, &[]);
    let port = server.port;
    let out = run(&["admin", "create-token", "--email", "crew@demo-airline.example"], &data);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    // Four reporters send reports until told to stop; each acknowledged id is kept.
    let acked = Arc::new(Mutex::new(Vec::<(Uuid, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (acked, stop, counter, token) = (acked.clone(), stop.clone(), counter.clone(), token.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let (id, body) = (Uuid::now_v7(), report_body(counter.fetch_add(1, Ordering::Relaxed)));
                    match put(port, &token, id, &body) {
                        Some((201, _)) => acked.lock().unwrap().push((id, body)),
                        other => panic!("a report was not stored: {other:?}"),
                    }
                }
            })
        })
        .collect();
    let warm = Instant::now();
    while acked.lock().unwrap().len() < 50 {
        assert!(warm.elapsed() < Duration::from_secs(60), "no load");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Everything acknowledged before the backup starts must be in it.
    let before: Vec<(Uuid, String)> = acked.lock().unwrap().clone();
    let file = temp_dir().join("sightline-backup.db");
    let out = run(&["backup", "--output", file.to_str().unwrap()], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("The master key is not in it"));
    let during = acked.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::Relaxed);
    for s in senders {
        s.join().unwrap();
    }
    eprintln!("{} reports acknowledged before the backup, {during} while it ran", before.len());
    assert_eq!(server.terminate(), 0);

    // A backup never overwrites.
    let out = run(&["backup", "--output", file.to_str().unwrap()], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists"), "{}", stderr(&out));

    // A wrong key: refused, and the new folder gets no database.
    let fresh = temp_dir();
    std::fs::write(fresh.join("master.key"), format!("{}\n", data_encoding::BASE64.encode(&[7u8; 32]))).unwrap();
    let out = run(&["restore", file.to_str().unwrap()], &fresh);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not open with this key"), "{}", stderr(&out));
    assert!(!fresh.join("sightline.db").exists(), "nothing written");
    assert!(!fresh.join("sightline.db.restoring").exists(), "no scratch file left");

    // The right key: restored, checked, and the server serves what was acknowledged.
    std::fs::copy(data.join("master.key"), fresh.join("master.key")).unwrap();
    let out = run(&["restore", file.to_str().unwrap()], &fresh);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit chain intact"), "{:?}", out);
    let out = run(&["verify"], &fresh);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Restoring over a folder that now holds data is refused unless forced.
    let out = run(&["restore", file.to_str().unwrap()], &fresh);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already holds data"), "{}", stderr(&out));
    let out = run(&["restore", "--force", file.to_str().unwrap()], &fresh);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Every report acknowledged before the backup is there: the same PUT is a replay
    // (200), never stored anew (201). The token itself came back with the backup.
    let restored = start(&[], &fresh, &[]);
    for (id, body) in &before {
        let answer = put(restored.port, &token, *id, body);
        assert!(matches!(answer, Some((200, _))), "report {id} is missing after the restore: {answer:?}");
    }
    assert_eq!(restored.terminate(), 0);
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn backup_and_restore_refuse_postgresql_with_the_procedure() {
    let data = temp_dir();
    let out = super::Command::new(super::BIN)
        .args(["restore", "x.db", "--database-url", "postgres://nobody@127.0.0.1:1/none"])
        .env("SIGHTLINE_DATA", &data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pg_restore"), "{}", stderr(&out));
}

/// The PostgreSQL procedure of docs/operations.md: `pg_dump -Fc`, `pg_restore` into
/// another database, then `sightline verify` with the key (and refused with another).
#[tokio::test]
async fn a_postgresql_dump_restored_elsewhere_verifies_with_the_key() {
    use sightline_storage::testing;
    let url = match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => {
            eprintln!("SKIPPED PostgreSQL backup test: {} is not set", testing::PG_ENV);
            return;
        }
        Ok(Some(url)) => url,
    };
    let (source, target) = (testing::postgres(&url).await.unwrap(), testing::postgres(&url).await.unwrap());
    let data = temp_dir();
    let server = start(&["--demo", "--database-url", &source.location], &data, &[]);
    let out = run(
        &["admin", "create-token", "--email", "crew@demo-airline.example", "--database-url", &source.location],
        &data,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    for n in 0..20 {
        let answer = put(server.port, &token, Uuid::now_v7(), &report_body(n));
        assert!(matches!(answer, Some((201, _))), "{answer:?}");
    }
    assert_eq!(server.terminate(), 0);

    let dump = data.join("sightline.dump");
    let ok = |c: &mut std::process::Command| {
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    ok(std::process::Command::new("pg_dump").args(["-Fc", "--no-owner", "-f"]).arg(&dump).arg(&source.location));
    ok(std::process::Command::new("pg_restore")
        .args(["--clean", "--if-exists", "--no-owner", "-d", &target.location])
        .arg(&dump));

    let out = run(&["verify", "--database-url", &target.location], &data);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("database intact") && said.contains("each opens with the key"), "{said}");
    let other = data.join("other.key");
    std::fs::write(&other, format!("{}\n", data_encoding::BASE64.encode(&[9u8; 32]))).unwrap();
    let out = run(&["verify", "--database-url", &target.location, "--key-file", other.to_str().unwrap()], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not open with this key"), "{}", stderr(&out));
    source.cleanup().await;
    target.cleanup().await;
    let _ = std::fs::remove_dir_all(&data);
}
