//! The `sightline` binary as a user runs it: exit codes, one-line errors, start-up,
//! graceful shutdown, the admin commands and `audit verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sightline_storage::testing;

#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/keys.rs"]
mod keys;
#[path = "cli/logs.rs"]
mod logs;
#[path = "cli/probes.rs"]
mod probes;
#[path = "cli/proxy.rs"]
mod proxy;

const BIN: &str = env!("CARGO_BIN_EXE_sightline");
const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content");

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("sightline-cli-{}", uuid_like()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), Instant::now().elapsed().as_nanos() ^ rand_seed())
}

fn rand_seed() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn run(args: &[&str], data: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env("SIGHTLINE_DATA", data)
        .env("SIGHTLINE_CONTENT", CONTENT)
        .env_remove("SIGHTLINE_DATABASE_URL")
        .output()
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

struct Server {
    child: Child,
    port: u16,
    stdout: Vec<String>,
}

fn start(args: &[&str], data: &Path, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(BIN);
    cmd.arg("serve")
        .arg("--listen")
        .arg(&listen)
        .args(args)
        .env("SIGHTLINE_DATA", data)
        .env("SIGHTLINE_CONTENT", CONTENT)
        .env_remove("SIGHTLINE_DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let errlog = data.join("stderr.log");
    let mut child = cmd.stdout(Stdio::piped()).stderr(std::fs::File::create(&errlog).unwrap()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    let started = Instant::now();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("server exited early: {lines:?} {}", std::fs::read_to_string(&errlog).unwrap_or_default());
        }
        let done = line.contains("listening on");
        lines.push(line.trim_end().to_owned());
        if done {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "server did not start");
    }
    std::thread::spawn(move || for _ in reader.lines() {});
    Server { child, port, stdout: lines }
}

impl Server {
    fn terminate(mut self) -> i32 {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

#[test]
fn bad_invocations_exit_2_with_one_clear_line() {
    let data = temp_dir();
    let out = run(&["serve", "--no-such-flag"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--no-such-flag'"));

    let out = run(&["serve", "--database-url", "mysql://x@y/z"], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: unsupported database URL"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let blocker = data.join("a-file");
    std::fs::write(&blocker, b"x").unwrap();
    let out = run(&["serve", "--data", blocker.join("sub").to_str().unwrap()], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot create data directory"), "{err}");
    assert!(!err.contains("panicked"));

    let out = run(&["serve", "--database-url", "postgres://nobody:secret@127.0.0.1:1/none"], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot connect to PostgreSQL"), "{err}");
    assert!(!err.contains("secret"), "the password is never printed: {err}");

    let out = run(&["serve", "--listen", "127.0.0.1:0", "--smtp-url", "imap://mail:secret@x"], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: --smtp-url is not a usable SMTP URL"), "{err}");
    assert!(!err.contains("secret"), "the password is never printed: {err}");
    let out =
        run(&["serve", "--listen", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:25", "--smtp-from", "nobody"], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: --smtp-from \"nobody\" is not an e-mail address"), "{err}");

    // API tokens are base64url and may start with '-': still a value, not a flag.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/report.json");
    let out = run(&["report", "submit", example, "--server", "http://127.0.0.1:1", "--token", "-Mabc"], &data);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("unexpected argument"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "it tried to reach the server: {err}");

    // A metrics address without a token must be one only this machine or a private
    // network reaches.
    for addr in ["0.0.0.0:0", "[::]:0", "203.0.113.7:9464"] {
        let out = run(&["serve", "--listen", "127.0.0.1:0", "--metrics-listen", addr], &data);
        assert_eq!(out.status.code(), Some(2), "{addr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(&format!("error: --metrics-listen {addr}: without --metrics-token")), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    let out = run(&["admin", "set-escalation-lead", "--org", "Nobody", "--minutes", "600"], &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: --minutes must be a whole number from 5 to 240"), "{err}");
}

#[test]
fn serve_prints_setup_link_answers_health_and_stops_cleanly() {
    let data = temp_dir();
    let started = Instant::now();
    let server = start(&[], &data, &[]);
    let setup = server.stdout.iter().find(|l| l.contains("/setup?token=")).expect("setup link printed");
    assert!(setup.trim().starts_with(&format!("http://127.0.0.1:{}/setup?token=", server.port)));
    let (status, body) = http_get(server.port, "/healthz").unwrap();
    eprintln!("cold start to /healthz 200: {:?}", started.elapsed());
    assert_eq!(status, 200);
    assert!(body.contains("\"database\":\"sqlite\""), "{body}");
    assert!(data.join("sightline.db").exists());
    let (status, _) = http_get(server.port, "/readyz").unwrap();
    assert_eq!(status, 200);

    // A second server on the same port fails with one line and exit code 2.
    let out = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", server.port)])
        .env("SIGHTLINE_DATA", &data)
        .env("SIGHTLINE_CONTENT", CONTENT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(&format!("error: cannot listen on 127.0.0.1:{}", server.port))
    );

    assert!(server.stdout.iter().any(|l| l.starts_with("Routing directory: added ")), "seeded at start");
    assert_eq!(server.terminate(), 0, "SIGTERM shuts down gracefully with exit code 0");

    // The directory the server seeded exports as a valid data file with the same entries.
    let export = data.join("directory.toml");
    let out = run(&["directory", "export", "--output", export.to_str().unwrap()], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&export).unwrap();
    let parsed: sightline_domain::directory::Directory = toml::from_str(&text).unwrap();
    let shipped: sightline_domain::directory::Directory =
        toml::from_str(&std::fs::read_to_string(Path::new(CONTENT).join("directory.toml")).unwrap()).unwrap();
    assert_eq!(parsed.entries.len(), shipped.entries.len());
    assert!(parsed.entries.iter().all(|e| shipped.entries.contains(e)));
}

/// `--metrics-listen`: `/metrics` on its own address (the main one serves none without
/// a token), and a SIGTERM still stops the server cleanly.
#[test]
fn serve_answers_metrics_on_the_metrics_address_and_stops_cleanly() {
    let data = temp_dir();
    let metrics = free_port();
    let server = start(&["--metrics-listen", &format!("127.0.0.1:{metrics}")], &data, &[]);
    assert!(server.stdout.iter().any(|l| l == &format!("Metrics on http://127.0.0.1:{metrics}/metrics")));
    let (status, body) = http_get(metrics, "/metrics").unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("# TYPE sightline_reports_stored counter") && body.ends_with("# EOF\n"), "{body}");
    assert_eq!(http_get(server.port, "/metrics").unwrap().0, 404, "no token: not on the main address");
    assert_eq!(http_get(server.port, "/healthz").unwrap().0, 200);
    assert_eq!(server.terminate(), 0, "SIGTERM shuts down gracefully with exit code 0");
    assert!(TcpStream::connect(("127.0.0.1", metrics)).is_err(), "the metrics address is closed");
}

#[test]
fn demo_mode_seeds_once() {
    let data = temp_dir();
    let server = start(&["--demo"], &data, &[]);
    let out = server.stdout.join("\n");
    assert!(out.contains("crew@demo-airline.example"), "{out}");
    assert!(out.contains("desk@demo-airline.example"));
    assert!(out.contains("admin@demo-ngo.example"));
    // The demo NGO's partner page is published, with its donation link (demo data).
    let (status, page) = http_get(server.port, "/partners/demo-ngo").unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("href=\"https://donate.demo-ngo.example/\"") && page.contains("Demo data"), "{page}");
    assert_eq!(server.terminate(), 0);
    let again = start(&["--demo"], &data, &[]);
    assert!(again.stdout.join("\n").contains("already present"));
    assert_eq!(again.terminate(), 0);
    let list = run(&["admin", "list-orgs"], &data);
    let list = String::from_utf8_lossy(&list.stdout);
    // The three demo organisations and the platform's public tip desk.
    assert_eq!(list.lines().count(), 4, "{list}");
    assert!(list.contains("airline\tDemo Airline\t3 users"));
    assert!(list.contains("ngo\tPublic tip desk\t0 users"), "{list}");
}

#[tokio::test]
async fn admin_commands_and_audit_verify_detects_tampering() {
    let data = temp_dir();
    let out = run(&["admin", "create-org", "--name", "Nordic Wings", "--kind", "airline"], &data);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["admin", "create-org", "--name", "nordic wings", "--kind", "airline"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = run(&["admin", "create-org", "--name", "Hotel", "--kind", "hotel"], &data);
    assert_eq!(out.status.code(), Some(2));

    let out = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--org",
            "Nordic Wings",
            "--email",
            "aino@nw.example",
            "--name",
            "Aino",
            "--roles",
            "reporter,learner",
        ])
        .env("SIGHTLINE_DATA", &data)
        .env("SIGHTLINE_NEW_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Scopes never go beyond the person's roles.
    let out = run(&["admin", "create-token", "--email", "aino@nw.example", "--scopes", "read,admin"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("scope-not-allowed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scopes = ["--scopes", "reports:write,read"];
    let out = run(
        &["admin", "create-token", "--email", "aino@nw.example", "--name", "integration", scopes[0], scopes[1]],
        &data,
    );
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(token.len(), 43);

    // The token works against a running server.
    let server = start(&[], &data, &[]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(s, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("aino@nw.example"));
    assert_eq!(server.terminate(), 0);

    let out = run(&["admin", "set-webhook", "--org", "Nordic Wings", "--url", "https://desk.example/hook"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 43, "the signing secret, printed once");
    let out = run(&["admin", "set-webhook", "--org", "Nordic Wings", "--url", "ftp://x"], &data);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["admin", "set-escalation-lead", "--org", "Nordic Wings", "--minutes", "45"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("45 minutes before scheduled landing"));

    let out = run(&["audit", "verify"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain intact: 6 entries verified"),
        "5 admin actions and the directory seed"
    );

    // Someone edits the log behind Sightline's back.
    let db = sightline_storage::Db::open_sqlite(&data.join("sightline.db")).await.unwrap();
    testing::execute(&db, "DROP TRIGGER audit_log_no_update").await.unwrap();
    testing::execute(&db, "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2").await.unwrap();
    db.close().await;
    let out = run(&["audit", "verify"], &data);
    assert_eq!(out.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&out.stdout);
    assert!(msg.contains("BROKEN at entry 2"), "{msg}");
}

#[tokio::test]
async fn runs_on_postgresql() {
    let url = match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED PostgreSQL CLI test: {} is not set", testing::PG_ENV);
            return;
        }
        Ok(Some(url)) => url,
    };
    let db = testing::postgres(&url).await.unwrap();
    let data = temp_dir();
    let out = Command::new(BIN)
        .args(["migrate", "--database-url", &db.location])
        .env("SIGHTLINE_CONTENT", CONTENT)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("postgres"));
    let server = start(&["--database-url", &db.location], &data, &[]);
    assert!(server.stdout.iter().any(|l| l.contains("/setup?token=")));
    let (status, body) = http_get(server.port, "/healthz").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("\"database\":\"postgres\""), "{body}");
    assert_eq!(server.terminate(), 0);
    assert!(!data.join("sightline.db").exists(), "no SQLite file when PostgreSQL is used");
    db.cleanup().await;
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn content_check_reports_and_serve_refuses_invalid_content() {
    let out = Command::new(BIN).args(["content", "check", "--content", CONTENT]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("cabin-crew") && l.contains(" fi ")), "{text}");
    assert!(text.contains("content OK"));
    let out = Command::new(BIN).args(["content", "check", "--json", "--content", CONTENT]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["courses"].as_array().unwrap().len(), 11, "5 courses in en and fi, the public one also in sv");
    assert!(json["courses"].as_array().unwrap().iter().all(|c| c["innocent_percent"].as_u64().unwrap() >= 30));
    assert!(json["courses"].as_array().unwrap().iter().all(|c| c["longest_right_percent"].as_u64().unwrap() <= 40));
    // The decision gate run on every course scenario: printed as a table with a
    // summary per course, and in the JSON.
    let rows = json["gate"].as_array().unwrap();
    assert!(rows.len() > 80, "{} scenarios", rows.len());
    assert!(rows.iter().all(|r| (r["expected"] == "report") == (r["passed"] == true)));
    assert!(
        text.lines().any(|l| l.starts_with("cabin-crew") && l.contains("cc-05") && l.contains("innocent")),
        "{text}"
    );
    assert!(text.contains("gate public: 7/7 report scenarios pass, 0/8 innocent look-alikes pass"), "{text}");
    // The countries whose desk has no 24/7 number in E.164 are named, not refused.
    let gaps: Vec<&str> =
        json["countries_without_24_7_e164"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(gaps.contains(&"AU") && !gaps.contains(&"FI") && !gaps.contains(&"IS"), "{gaps:?}");
    assert!(text.lines().any(|l| l.starts_with("directory: no line answered 24/7") && l.contains("AU")), "{text}");

    // Break one question: it loses its right option.
    let dir = temp_dir().join("content");
    copy_dir(Path::new(CONTENT), &dir);
    let q = dir.join("courses/flight-deck/fi/questions.toml");
    let text = std::fs::read_to_string(&q).unwrap();
    std::fs::write(&q, text.replacen("correct = true\n", "", 1)).unwrap();
    let out = Command::new(BIN).args(["content", "check", "--content", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    let line = report.lines().find(|l| l.contains("right options; it needs exactly one")).expect("named");
    assert!(line.contains("courses/flight-deck/fi/questions.toml:"), "{line}");

    let data = temp_dir();
    let out = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .env("SIGHTLINE_DATA", &data)
        .env("SIGHTLINE_CONTENT", &dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("right options; it needs exactly one"), "{err}");
    assert!(err.lines().last().unwrap().starts_with("error: the content in"), "{err}");
    assert!(!data.join("sightline.db").exists(), "nothing started");
}

#[test]
fn the_reference_client_submits_once_and_relay_messages_decode() {
    let data = temp_dir();
    let server = start(&["--demo"], &data, &[]);
    let token = run(&["admin", "create-token", "--email", "crew@demo-airline.example"], &data);
    let token = String::from_utf8_lossy(&token.stdout).trim().to_owned();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/report.json");
    let url = format!("http://127.0.0.1:{}", server.port);
    let submit = |file: &str| {
        Command::new(BIN).args(["report", "submit", file, "--server", &url, "--token", &token]).output().unwrap()
    };
    let first = submit(example);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("stored"));
    let receipt: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let relay = receipt["relay_message"].as_str().unwrap().to_owned();
    let again = submit(example);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already stored"));

    // The same id with other content is refused, and nothing changes.
    let changed = data.join("changed.json");
    let text = std::fs::read_to_string(example).unwrap().replace("grey hoodie", "blue coat");
    std::fs::write(&changed, text).unwrap();
    let clash = submit(changed.to_str().unwrap());
    assert_eq!(clash.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&clash.stdout).contains("\"conflict\""));
    assert_eq!(server.terminate(), 0);

    // The relay message the server made decodes back to its fields.
    let out = Command::new(BIN).args(["relay", "decode", &relay]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["flight"], "AY5");
    assert_eq!((m["origin"].as_str(), m["destination"].as_str()), (Some("HEL"), Some("JFK")));
    assert_eq!(m["seats"], serde_json::json!(["23A", "23B"]));
    assert_eq!(m["reference"], receipt["reference"]);
    // A company codeword instead of the header, over two lines with extra spaces.
    let coded = relay.replacen("SUSPECTED HUMAN TRAFFICKING", "BLUE  HERON", 1).replace(" PAX ", "\n  PAX   ");
    let out = Command::new(BIN).args(["relay", "decode", "--codeword", "blue heron", &coded]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((m["codeword"].as_str(), m["reference"].clone()), (Some("BLUE HERON"), receipt["reference"].clone()));
    let out = Command::new(BIN).args(["relay", "decode", &coded]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the codeword must be given");
    let out = Command::new(BIN).args(["relay", "decode", "HELLO CAPTAIN"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: not a relay message"));
    // Issue 9: a non-ASCII date panicked (exit 101); now it is a clear error.
    let out = Command::new(BIN)
        .args(["relay", "decode", "SUSPECTED HUMAN TRAFFICKING AY5 1\u{e9}AB HEL-JFK NOURG REF X PAX 1+0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: not a relay message"));
}

/// Issue 9: `sightline.db` was created world-readable (0644). The data folder the
/// server creates is 0700 and the database (and SQLite's -wal file) 0600.
#[cfg(unix)]
#[test]
fn the_data_folder_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let logs = temp_dir();
    let data = logs.join("fresh").join("data");
    let flag = ["--data", data.to_str().unwrap()];
    let server = start(&flag, &logs, &[]);
    assert_eq!(http_get(server.port, "/healthz").unwrap().0, 200);
    assert_eq!(mode(&data), 0o700, "data folder");
    for f in ["sightline.db", "sightline.db-wal", "master.key"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    assert_eq!(server.terminate(), 0);
    // A database left readable by others (an old install) is tightened at start.
    std::fs::set_permissions(data.join("sightline.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = start(&flag, &logs, &[]);
    assert_eq!(mode(&data.join("sightline.db")), 0o600);
    assert_eq!(server.terminate(), 0);
}

#[test]
fn export_scorm_writes_the_package_and_names_what_the_language_lacks() {
    let dir = temp_dir();
    let export = |args: &[&str], output: &Path| {
        Command::new(BIN)
            .args(["content", "export-scorm", "--content", CONTENT])
            .args(args)
            .arg("--output")
            .arg(output)
            .output()
            .unwrap()
    };
    let out_fi = dir.join("cabin-crew-fi.zip");
    let out = export(&["--course", "cabin-crew", "--lang", "fi"], &out_fi);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("missing"), "{text}");
    let zip = std::fs::read(&out_fi).unwrap();
    assert!(zip.starts_with(b"PK\x03\x04") && zip.len() < 2 * 1024 * 1024);
    // No Swedish cabin-crew course: exported in English, each piece named.
    let out_sv = dir.join("cabin-crew-sv.zip");
    let out = export(&["--course", "cabin-crew", "--lang", "sv"], &out_sv);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("missing in sv, exported in English: title"), "{text}");
    assert!(text.contains("missing in sv, exported in English: lesson 01-what-trafficking-is"), "{text}");
    assert!(out_sv.exists());
    // Bad input: one clear line, exit 2, no file.
    let bad = dir.join("bad.zip");
    for (args, says) in [
        (["--course", "no-such-course", "--lang", "fi"], "no course no-such-course"),
        (["--course", "cabin-crew", "--lang", "de"], "no content language de"),
    ] {
        let out = export(&args, &bad);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(!bad.exists());
}

/// `sightline purge`: the dry run lists what is due and changes nothing; a purge
/// while another holds the lease exits 3 having done nothing; then one purge makes
/// the due case a tombstone and leaves the one under hold. The dry run counts the
/// other kinds too (training records of a person who left, an expired certificate,
/// old audit entries), the purge removes them, and `audit verify` still passes.
#[tokio::test]
async fn purge_dry_run_lists_what_is_due_and_a_second_purge_exits_cleanly() {
    use sightline_domain::audit::{AuditAction, NewAuditEntry};
    use sightline_domain::triage::{CaseStatus, Outcome, transition};
    use sightline_domain::user::Role;
    let data = temp_dir();
    let out = run(&["migrate"], &data);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = sightline_storage::Db::open_sqlite(&data.join("sightline.db")).await.unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let closed = now - time::Duration::days(10);
    let name = sightline_domain::org::OrgName::parse("Nordic Wings").unwrap();
    let org = db
        .create_org(&name, sightline_domain::org::OrgKind::Airline, NewAuditEntry::new(AuditAction::OrgCreated), now)
        .await
        .unwrap();
    let person = |email: &str, role: Role| sightline_storage::NewUser {
        name: sightline_domain::user::PersonName::parse("Aino").unwrap(),
        email: sightline_domain::user::Email::parse(email).unwrap(),
        roles: sightline_domain::user::Roles::of([role]),
        base: None,
        employee_id: None,
        password_hash: None,
        position: None,
    };
    let created = NewAuditEntry::new(AuditAction::UserCreated);
    let crew = db.create_user(org, &person("crew@nw.example", Role::Reporter), created.clone(), now).await.unwrap();
    let desk = db.create_user(org, &person("desk@nw.example", Role::DeskAnalyst), created, now).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..2u8 {
        let id = uuid::Uuid::now_v7();
        // The storage tests' report, closed ten days ago, with no known landing.
        let report = sightline_storage::NewReport {
            flight_date: closed.date().to_string(),
            seats: "23A".into(),
            companions: 0,
            route_region: "unknown".into(),
            immediate_danger: false,
            ..sightline_storage::testing::report(id, org, crew, n, None)
        };
        db.put_report(&report, closed).await.unwrap();
        let close = transition(CaseStatus::Received, CaseStatus::Closed, "", Some(Outcome::NoActionInnocent)).unwrap();
        db.transition_case(org, id, 0, &close, desk, closed).await.unwrap();
        ids.push(id);
    }
    // A person who left ten days ago with a lesson done and a certificate that expired
    // long ago; old audit entries.
    let left = db
        .create_user(org, &person("left@nw.example", Role::Learner), NewAuditEntry::new(AuditAction::UserCreated), now)
        .await
        .unwrap();
    let long_ago = now - time::Duration::days(800);
    db.mark_lesson_done(org, left, "cabin-crew", "one", long_ago).await.unwrap();
    let learner = sightline_storage::Learner::User { org, user: left };
    let attempt = db.create_attempt(&learner, "cabin-crew", "en", "[]", long_ago).await.unwrap();
    let cert = sightline_storage::NewCertificate {
        code: "SL-CLIC-CLIC-CLIC".into(),
        attempt_id: attempt,
        name: "Aino".into(),
        course_id: "cabin-crew".into(),
        lang: "en".into(),
        issued_at: long_ago,
        valid_until: long_ago + time::Duration::days(365),
    };
    db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&cert), long_ago).await.unwrap();
    let leave = NewAuditEntry::new(AuditAction::UserDeactivated).org(org).target("user", left);
    db.deactivate_user(org, left, &leave, now - time::Duration::days(10)).await.unwrap();
    for i in 0..2 {
        let old = NewAuditEntry::new(AuditAction::SignIn).org(org).detail(format!("old {i}"));
        db.append_audit(&old, now - time::Duration::days(400)).await.unwrap();
    }
    let policy = sightline_domain::retention::RetentionPolicy {
        no_action_innocent: Some(7),
        training: Some(7),
        certificates: Some(30),
        audit: Some(365),
        ..Default::default()
    };
    db.set_retention_policy(org, &policy, &NewAuditEntry::new(AuditAction::RetentionChanged).org(org), now)
        .await
        .unwrap();
    let hold = NewAuditEntry::new(AuditAction::LegalHoldPlaced).org(org);
    db.set_legal_hold(org, ids[1], Some(("Police request", desk)), &hold, now).await.unwrap();

    let out = run(&["purge", "--dry-run"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8_lossy(&out.stdout);
    let due = (closed + time::Duration::days(7)).date().to_string();
    assert!(
        listed.contains(&format!("{}\torg {org}\tno_action_innocent\tclosed {}\tdue {due}", ids[0], closed.date())),
        "{listed}"
    );
    assert!(!listed.contains(&ids[1].to_string()), "held: {listed}");
    let counts = db.due_counts(now).await.unwrap();
    assert!(counts.audit >= 2, "{counts:?}");
    for line in [
        "cases: 1 would be purged".to_owned(),
        "training: 1 person(s) who left would lose their training records".to_owned(),
        "certificates: 1 would become tombstones".to_owned(),
        format!("audit: {} entries would be redacted", counts.audit),
        "dry run: nothing was changed".to_owned(),
    ] {
        assert!(listed.contains(&line), "{line} in {listed}");
    }
    assert_eq!(db.case(org, ids[0]).await.unwrap().tombstone, None, "the dry run changed nothing");
    let earlier = (closed + time::Duration::days(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let out = run(&["purge", "--dry-run", "--at", &earlier], &data);
    assert!(String::from_utf8_lossy(&out.stdout).contains("cases: 0 would be purged"));
    assert_eq!(run(&["purge", "--at", &earlier], &data).status.code(), Some(2), "--at only with --dry-run");

    // Another purge holds the lease: this one does nothing and says so.
    let other = uuid::Uuid::now_v7();
    let lease = sightline_storage::PURGE_LEASE;
    assert!(db.take_lease(lease, other, now, now + time::Duration::minutes(10)).await.unwrap());
    let out = run(&["purge"], &data);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("another purge is running; nothing was done"));
    assert_eq!(db.case(org, ids[0]).await.unwrap().tombstone, None);
    db.release_lease(lease, other).await.unwrap();

    let out = run(&["purge"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    let all =
        format!("1 case(s), 1 person(s)' training records, 1 certificate(s), {} audit entries purged", counts.audit);
    assert!(said.contains(&all), "{said}");
    assert!(
        db.certificate("SL-CLIC-CLIC-CLIC").await.is_err()
            && db.lessons_done(org, left, "cabin-crew").await.unwrap().is_empty()
    );
    assert!(db.case(org, ids[0]).await.unwrap().tombstone.is_some());
    assert_eq!(db.case(org, ids[1]).await.unwrap().tombstone, None, "under hold");
    db.close().await;
    let out = run(&["audit", "verify"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}
