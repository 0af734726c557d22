//! API fuzzing probe (issue 9): schemathesis generates requests from the served
//! OpenAPI document and runs every check against the real binary — no server errors,
//! no status the document does not list, content types and bodies as documented, the
//! error envelope everywhere. Once with a reporter's token, once with a platform
//! administrator's, on SQLite and (when `SIGHTLINE_TEST_DATABASE_URL` is set) on
//! PostgreSQL.
//!
//! Each run lasts `SIGHTLINE_FUZZ_SECONDS` (default 40; the README shows a longer
//! run). Without schemathesis on `PATH` the test prints `SKIPPED …`, unless `CI` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::{Db, NewUser, testing};

const BIN: &str = env!("CARGO_BIN_EXE_sightline");
const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content");
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/schemathesis.toml");

/// Seconds each schemathesis run may take.
fn seconds() -> u64 {
    std::env::var("SIGHTLINE_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(40)
}

/// schemathesis's version, or `None` (after printing `SKIPPED`) when it is missing.
fn schemathesis() -> Option<String> {
    let found = Command::new("schemathesis").arg("--version").output().ok().filter(|o| o.status.success());
    match found {
        Some(o) => Some(String::from_utf8_lossy(&o.stdout).trim().to_owned()),
        None if std::env::var_os("CI").is_some() => {
            panic!("schemathesis is not installed, but CI is set: `python3 -m pip install schemathesis`")
        }
        None => {
            let _ = writeln!(std::io::stderr(), "SKIPPED API fuzzing: schemathesis is not installed");
            None
        }
    }
}

/// A running `sightline serve`, stopped (and waited for) when dropped.
struct Serve {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Serve {
    fn start(data: &Path, database_url: Option<&str>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = data.join("serve.log");
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("SIGHTLINE_DATA", data)
            .env("SIGHTLINE_CONTENT", CONTENT)
            .env_remove("SIGHTLINE_DATABASE_URL")
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        if let Some(url) = database_url {
            cmd.args(["--database-url", url]);
        }
        let mut serve = Self { child: cmd.spawn().unwrap(), port, log };
        let started = Instant::now();
        while !serve.healthy() {
            assert!(serve.child.try_wait().unwrap().is_none(), "serve exited: {}", serve.log_text());
            assert!(started.elapsed() < Duration::from_secs(60), "serve did not start: {}", serve.log_text());
            std::thread::sleep(Duration::from_millis(200));
        }
        serve
    }

    fn healthy(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(s, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.1 200")
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An organisation with a reporter (no two-factor needed) and a platform
/// administrator who has enrolled in two-factor (so their token is usable whatever
/// the rule for unenrolled people); returns the organisation's id and their API tokens.
async fn people(db: &Db) -> (String, String, String) {
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let org = db
        .create_org(
            &OrgName::parse("Fuzz Air").unwrap(),
            OrgKind::Airline,
            NewAuditEntry::new(AuditAction::OrgCreated),
            now,
        )
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (email, roles) in [
        ("crew@fuzz.example", &[Role::Reporter, Role::Learner][..]),
        ("root@fuzz.example", &[Role::PlatformAdmin, Role::OrgAdmin, Role::DeskAnalyst][..]),
    ] {
        let new = NewUser {
            name: PersonName::parse(email).unwrap(),
            email: Email::parse(email).unwrap(),
            roles: Roles::of(roles.iter().copied()),
            base: None,
            employee_id: None,
            password_hash: None,
            position: None,
        };
        let id = db.create_user(org, &new, NewAuditEntry::new(AuditAction::UserCreated), now).await.unwrap();
        let mut user = db.get_user(org, id).await.unwrap();
        if user.roles.require_two_factor() {
            // The probe never signs in; the secret only marks the person as enrolled.
            db.enable_totp(&user, "fuzz-probe-enrolled", 0, &[], None, now).await.unwrap();
            user = db.get_user(org, id).await.unwrap();
        }
        let token = sightline_web::new_token().unwrap();
        // Every scope the person's roles allow, so the fuzzer reaches every operation
        // it may use (the reporter gets `read` and `reports:write`).
        let scopes = sightline_domain::user::Scopes::grantable(&user.roles);
        db.create_api_token(&user, "fuzz", &scopes, &sightline_web::hash_token(&token), None, now).await.unwrap();
        tokens.push(token);
    }
    (org.to_string(), tokens.remove(0), tokens.remove(0))
}

/// One schemathesis run with every check; panics with its report on any failure.
/// Half the `{org}` parameters name the test's organisation, so the fuzzer gets past
/// "not found" to the people in it.
fn fuzz(serve: &Serve, org: &str, token: &str, who: &str, engine: &str) {
    let schema = format!("http://127.0.0.1:{}/api/v1/openapi.json", serve.port);
    let config = serve.log.with_file_name("schemathesis.toml");
    let known = format!(
        "\n[dictionaries.known]\nvalues = [\"{org}\"]\n\n[parameters]\n\"path.org\" = {{ dictionary = \"known\", probability = 0.5 }}\n"
    );
    std::fs::write(&config, std::fs::read_to_string(CONFIG).unwrap() + &known).unwrap();
    let max_time = seconds();
    let started = Instant::now();
    let mut child = Command::new("schemathesis")
        .args(["--no-color", "--config-file"])
        .arg(&config)
        .args(["run", &schema])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all", "--max-time", &max_time.to_string(), "--request-timeout", "10"])
        .current_dir(serve.log.parent().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Bounded: schemathesis stops itself at --max-time; anything stuck well past it is killed.
    let deadline = Duration::from_secs(max_time + 90);
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("schemathesis ran over {deadline:?} ({engine}, {who})");
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let out = reader.join().unwrap();
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    let cases = out.lines().skip_while(|l| !l.trim_start().starts_with("Test cases:")).nth(1).unwrap_or("?").trim();
    let _ = writeln!(
        std::io::stderr(),
        "API fuzzing ({engine}, {who}): {cases} in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(status.success(), "schemathesis found failures ({engine}, {who}):\n{out}\n{err}");
    assert!(cases.contains("generated"), "no summary from schemathesis:\n{out}\n{err}");
    let log = serve.log_text();
    assert!(!log.contains("outside the envelope"), "an API error needed wrapping; fix its cause:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn fuzz_the_api_on_sqlite() {
    if schemathesis().is_none() {
        return;
    }
    let db = testing::sqlite().await.unwrap();
    let (org, reporter, admin) = people(&db).await;
    db.db.close().await;
    let data = Path::new(&db.location).parent().unwrap().to_owned();
    let serve = Serve::start(&data, None);
    fuzz(&serve, &org, &reporter, "reporter", "sqlite");
    fuzz(&serve, &org, &admin, "platform admin", "sqlite");
    drop(serve);
    db.cleanup().await;
}

#[tokio::test]
async fn fuzz_the_api_on_postgresql() {
    let url = match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED API fuzzing on PostgreSQL: {} is not set", testing::PG_ENV);
            return;
        }
        Ok(Some(url)) => url,
    };
    if schemathesis().is_none() {
        return;
    }
    let db = testing::postgres(&url).await.unwrap();
    let (org, reporter, admin) = people(&db).await;
    let data = std::env::temp_dir().join(format!("sightline-fuzz-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&data).unwrap();
    let serve = Serve::start(&data, Some(&db.location));
    fuzz(&serve, &org, &reporter, "reporter", "postgres");
    fuzz(&serve, &org, &admin, "platform admin", "postgres");
    drop(serve);
    let _ = std::fs::remove_dir_all(&data);
    db.cleanup().await;
}
