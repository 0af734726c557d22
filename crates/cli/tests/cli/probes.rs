//! The probes of issue 9 that stay: the real binary under concurrent load, killed
//! with SIGKILL at random moments (crash loop), and two `serve` processes on one
//! PostgreSQL database (two nodes). Both talk to 127.0.0.1 only, are bounded in
//! time and count, and stop every server they start.
//!
//! `SIGHTLINE_CRASH_KILLS=N` makes the crash loop kill the server N times per engine
//! (default 5, as CI runs it); README says how to run the long version.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use sightline_domain::ids::OrgId;
use sightline_storage::testing::{self, TestDb};
use uuid::Uuid;

use super::{Server, run, start, temp_dir};

pub(super) const PASSWORD: &str = "a long enough password";

/// A running server that is killed (SIGKILL) if the test fails before stopping it.
pub(super) struct Running(Option<Server>);

impl Running {
    pub(super) fn port(&self) -> u16 {
        self.0.as_ref().map_or(0, |s| s.port)
    }
    /// SIGTERM; the exit code.
    pub(super) fn terminate(mut self) -> i32 {
        self.0.take().map_or(-1, Server::terminate)
    }
    /// SIGKILL, as a crash.
    fn kill(mut self) {
        if let Some(mut s) = self.0.take() {
            s.child.kill().unwrap();
            s.child.wait().unwrap();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut s) = self.0.take() {
            let _ = s.child.kill();
            let _ = s.child.wait();
        }
    }
}

/// One engine to run a probe on: a data folder, and a fresh PostgreSQL database when
/// the probe runs on PostgreSQL.
pub(super) struct Engine {
    rt: tokio::runtime::Runtime,
    pub(super) data: PathBuf,
    pg: Option<TestDb>,
}

impl Engine {
    fn sqlite() -> Self {
        Self { rt: tokio::runtime::Runtime::new().unwrap(), data: temp_dir(), pg: None }
    }

    /// A fresh PostgreSQL database, or `None` (after saying SKIPPED) when none is
    /// configured outside CI.
    pub(super) fn postgres(probe: &str) -> Option<Self> {
        let url = match testing::postgres_url() {
            Err(e) => panic!("{e}"),
            Ok(None) => {
                let _ = writeln!(std::io::stderr(), "SKIPPED {probe} on PostgreSQL: {} is not set", testing::PG_ENV);
                return None;
            }
            Ok(Some(url)) => url,
        };
        let rt = tokio::runtime::Runtime::new().unwrap();
        let pg = rt.block_on(testing::postgres(&url)).unwrap();
        Some(Self { rt, data: temp_dir(), pg: Some(pg) })
    }

    fn name(&self) -> &'static str {
        if self.pg.is_some() { "postgres" } else { "sqlite" }
    }

    /// `--database-url …` for PostgreSQL, nothing for SQLite.
    fn db_args(&self) -> Vec<String> {
        self.pg.as_ref().map(|p| vec!["--database-url".to_owned(), p.location.clone()]).unwrap_or_default()
    }

    /// Run a `sightline` command against this engine; its stdout on success.
    pub(super) fn sightline(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        let extra = self.db_args();
        all.extend(extra.iter().map(String::as_str));
        let out = run(&all, &self.data);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// An airline with one reporter; its id and the reporter's API token.
    fn airline(&self, name: &str, email: &str) -> (OrgId, String) {
        let org = self.sightline(&["admin", "create-org", "--name", name, "--kind", "airline"]);
        let org = OrgId::from_uuid(Uuid::parse_str(&org).unwrap());
        self.person(name, email, "reporter");
        (org, self.sightline(&["admin", "create-token", "--email", email, "--name", "probe"]))
    }

    /// A person of organisation `org` with these roles and [`PASSWORD`].
    pub(super) fn person(&self, org: &str, email: &str, roles: &str) {
        let args = ["admin", "create-user", "--org", org, "--email", email, "--name", "Probe", "--roles", roles];
        self.sightline(&[&args[..], &["--password", PASSWORD]].concat());
    }

    /// `sightline serve` on this engine, with this data folder (or another one).
    pub(super) fn serve(&self, extra: &[&str], data: Option<&std::path::Path>) -> Running {
        let mut args: Vec<&str> = extra.to_vec();
        let db = self.db_args();
        args.extend(db.iter().map(String::as_str));
        Running(Some(start(&args, data.unwrap_or(&self.data), &[])))
    }

    /// Reports stored for `org`, and its `report.received` audit entries.
    fn stored(&self, org: OrgId) -> (i64, usize) {
        self.rt.block_on(async {
            let db = match &self.pg {
                Some(pg) => sightline_storage::Db::open_postgres(&pg.location).await.unwrap(),
                None => sightline_storage::Db::open_sqlite(&self.data.join("sightline.db")).await.unwrap(),
            };
            let n = db.count_reports(org).await.unwrap();
            let audits = db.audit_for_org(org, 1_000_000).await.unwrap();
            let received = audits.entries.iter().filter(|e| e.action == "report.received").count();
            db.close().await;
            (n, received)
        })
    }

    /// `sightline audit verify` passes; how many entries it verified.
    fn verify_audit(&self) -> u64 {
        let line = self.sightline(&["audit", "verify"]);
        assert!(line.contains("audit chain intact"), "{line}");
        line.split_whitespace().find_map(|w| w.parse().ok()).unwrap()
    }
}

/// The database and data folder go when the probe ends, whether it passed or not
/// (after its servers, which were made later and so are dropped first).
impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            self.rt.block_on(pg.cleanup());
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The body of a report: examples/report.json with its own flight number and text.
pub(super) fn report_body(n: u64) -> String {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/report.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("id");
    o.insert("flight".into(), format!("AY{}", 1 + n % 9_999).into());
    o.insert("free_text".into(), format!("Probe report {n}: he kept both passports.").into());
    o.insert("client_created_at".into(), "2026-11-28T09:00:00.000Z".into());
    v.to_string()
}

/// PUT a report. `Some((status, body))` once the whole answer was read; `None` if
/// the connection failed first (the server died: the outcome is unknown).
pub(super) fn put(port: u16, token: &str, id: Uuid, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    write!(
        s,
        "PUT /api/v1/reports/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// One HTTP/1.1 exchange: (status, headers, body).
fn http(port: u16, method: &str, path: &str, cookie: &str, form: Option<&str>) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = form.unwrap_or("");
    let kind = if form.is_some() { "Content-Type: application/x-www-form-urlencoded\r\n" } else { "" };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n{kind}Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.split_whitespace().nth(1).unwrap().parse().unwrap(), head.to_owned(), body.to_owned())
}

/// The value of cookie `name` set in `headers`.
fn set_cookie(headers: &str, name: &str) -> Option<String> {
    headers
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(|v| v.split(';').next().unwrap_or("").to_owned()))
}

/// Sign in through the login form; the session cookie's value.
fn sign_in(port: u16, email: &str, password: &str) -> String {
    let (_, headers, page) = http(port, "GET", "/login", "", None);
    let csrf_cookie = set_cookie(&headers, "sl_csrf").expect("a CSRF cookie");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let form = format!("csrf={csrf}&email={}&password={}", email.replace('@', "%40"), password.replace(' ', "+"));
    let (status, headers, body) = http(port, "POST", "/login", &format!("sl_csrf={csrf_cookie}"), Some(&form));
    assert_eq!(status, 303, "signed in: {body}");
    set_cookie(&headers, "sl_session").expect("a session cookie")
}

/// A small xorshift generator, seeded from the clock (the seed is printed, so a
/// failing run can be told apart).
struct Rng(u64);
impl Rng {
    fn seeded() -> Self {
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
        eprintln!("random seed {seed}");
        Self(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What the senders learnt: every id sent with its body, the acknowledged ones, and
/// any answer that was not 2xx.
#[derive(Default)]
struct Ledger {
    sent: HashMap<Uuid, String>,
    acked: HashSet<Uuid>,
    bad: Vec<String>,
}

/// The crash loop on one engine: concurrent PUTs, `kill -9` at a random moment,
/// restart; finally every acknowledged report is a replay, every report sent is
/// stored once with one audit entry, and the audit chain verifies.
fn crash_loop(engine: &Engine) {
    let started = Instant::now();
    let kills: u32 = std::env::var("SIGHTLINE_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(5);
    let (org, token) = engine.airline("Crash Air", "crew@crash.example");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let counter = Arc::new(AtomicU64::new(0));
    let mut rng = Rng::seeded();
    for _ in 0..kills {
        let server = engine.serve(&[], None);
        let port = server.port();
        let stop = Arc::new(AtomicBool::new(false));
        let senders: Vec<_> = (0..8)
            .map(|_| {
                let (stop, ledger, counter, token) = (stop.clone(), ledger.clone(), counter.clone(), token.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let n = counter.fetch_add(1, Ordering::Relaxed);
                        let (id, body) = (Uuid::now_v7(), report_body(n));
                        ledger.lock().unwrap().sent.insert(id, body.clone());
                        match put(port, &token, id, &body) {
                            Some((200 | 201, _)) => {
                                ledger.lock().unwrap().acked.insert(id);
                            }
                            Some((status, answer)) => ledger.lock().unwrap().bad.push(format!("{status} {answer}")),
                            // The server is gone: this sender's round is over.
                            None => break,
                        }
                    }
                })
            })
            .collect();
        // Kill at a random moment once the server is under load (it acknowledged
        // something this round), so that commits are in flight.
        let before = ledger.lock().unwrap().acked.len();
        let warm = Instant::now();
        while ledger.lock().unwrap().acked.len() == before && warm.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(100 + rng.below(700)));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for s in senders {
            s.join().unwrap();
        }
    }
    let server = engine.serve(&[], None);
    let ledger = Arc::try_unwrap(ledger).ok().unwrap().into_inner().unwrap();
    assert!(
        ledger.bad.is_empty(),
        "answers that were not 2xx under load: {:?}",
        &ledger.bad[..ledger.bad.len().min(5)]
    );
    assert!(!ledger.acked.is_empty(), "some reports were acknowledged");
    // Resend everything: an acknowledged report is "already stored"; one whose answer
    // was lost in the crash is either stored now or already stored, never a conflict.
    let (mut replayed, mut created_now) = (0, 0);
    for (id, body) in &ledger.sent {
        let (status, answer) = put(server.port(), &token, *id, body).expect("the restarted server answers");
        if ledger.acked.contains(id) {
            assert_eq!(status, 200, "acknowledged report {id} is not already stored: {answer}");
            replayed += 1;
        } else {
            assert!(status == 200 || status == 201, "{id}: {status} {answer}");
            created_now += usize::from(status == 201);
        }
    }
    assert_eq!(server.terminate(), 0);
    let (stored, received) = engine.stored(org);
    assert_eq!(stored as usize, ledger.sent.len(), "every report sent is stored, once");
    assert_eq!(received, ledger.sent.len(), "one report.received audit entry per report");
    let verified = engine.verify_audit();
    eprintln!(
        "crash loop on {}: {kills} kills, {} reports sent, {} acknowledged ({replayed} replayed as already stored), \
         {} unanswered ({created_now} stored only on resend), 0 lost, 0 doubled; {verified} audit entries verified; {:?}",
        engine.name(),
        ledger.sent.len(),
        ledger.acked.len(),
        ledger.sent.len() - ledger.acked.len(),
        started.elapsed()
    );
}

#[test]
fn crash_loop_on_sqlite_loses_and_doubles_nothing() {
    crash_loop(&Engine::sqlite());
}

#[test]
fn crash_loop_on_postgresql_loses_and_doubles_nothing() {
    let Some(engine) = Engine::postgres("crash loop") else { return };
    crash_loop(&engine);
}

/// The alerts a receiver got: (reference, event) from each JSON body.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// Receives alert webhooks and records (reference, event) from each JSON body.
fn webhook_receiver() -> (u16, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                let Ok(n) = conn.read(&mut chunk) else { break None };
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break Some(body.to_owned());
                }
            };
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            if let Some(v) = body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok()) {
                let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
                sink.lock().unwrap().push((field("reference"), field("event")));
            }
        }
    });
    (port, got)
}

/// Two `serve` processes on one PostgreSQL database receive the same report ids at
/// the same moment: no 5xx, exactly one 201 per id, each id stored once, and each
/// desk alert delivered once across both nodes.
#[test]
fn two_nodes_on_one_postgresql_store_and_alert_once() {
    let Some(engine) = Engine::postgres("two-node probe") else { return };
    let started = Instant::now();
    let (org, token) = engine.airline("Twin Air", "crew@twin.example");
    let (hook_port, alerts) = webhook_receiver();
    let hook = format!("http://127.0.0.1:{hook_port}/alerts");
    engine.sightline(&["admin", "set-webhook", "--org", "Twin Air", "--url", &hook]);
    let key = engine.data.join("master.key");
    let key = key.to_str().unwrap();
    let one = engine.serve(&["--allow-private-webhooks"], None);
    let other_data = temp_dir();
    let two = engine.serve(&["--allow-private-webhooks", "--key-file", key], Some(&other_data));
    let ports = [one.port(), two.port()];

    // A person signed in on one node is signed in on the other (sessions live in the
    // database), as behind a load balancer without sticky sessions.
    let session = sign_in(ports[0], "crew@twin.example", PASSWORD);
    let (status, _, page) = http(ports[1], "GET", "/home", &format!("sl_session={session}"), None);
    assert_eq!(status, 200, "the session works on the other node: {page}");
    assert!(page.contains("href=\"/report\""), "a reporter's home page");

    // Groups of ids, each id sent to both nodes at once; within a group every request
    // starts together, so each node's batches hold the same ids in different orders.
    let (groups, per_group) = (10, 16);
    let mut answers: HashMap<Uuid, Vec<(u16, String)>> = HashMap::new();
    for g in 0..groups {
        let ids: Vec<(Uuid, String)> = (0..per_group).map(|i| (Uuid::now_v7(), report_body(g * 100 + i))).collect();
        let barrier = Arc::new(Barrier::new(ids.len() * 2));
        let results: Vec<(Uuid, Option<(u16, String)>)> = std::thread::scope(|s| {
            let handles: Vec<_> = ids
                .iter()
                .flat_map(|(id, body)| ports.iter().map(move |port| (*id, body, *port)))
                .map(|(id, body, port)| {
                    let (barrier, token) = (barrier.clone(), token.as_str());
                    s.spawn(move || {
                        barrier.wait();
                        (id, put(port, token, id, body))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (id, answer) in results {
            answers.entry(id).or_default().push(answer.expect("both nodes answer"));
        }
    }
    let mut references = HashSet::new();
    for (id, pair) in &answers {
        let statuses: Vec<u16> = pair.iter().map(|a| a.0).collect();
        assert!(statuses.iter().all(|s| *s < 500), "{id}: {pair:?}");
        let mut sorted = statuses.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![200, 201], "{id}: one node stores it, the other replays it: {pair:?}");
        let receipt: serde_json::Value = serde_json::from_str(&pair[0].1).unwrap();
        references.insert(receipt["reference"].as_str().unwrap().to_owned());
    }
    let sent = answers.len();
    let (stored, received) = engine.stored(org);
    assert_eq!((stored as usize, received), (sent, sent), "each id stored once, with one audit entry");
    let load_time = started.elapsed();

    // Alerts: each node runs a pass every 15 s. Wait for every report's alert, then
    // one more pass of each node, and count by (reference, event).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let delivered: HashSet<String> = alerts.lock().unwrap().iter().map(|(r, _)| r.clone()).collect();
        if references.is_subset(&delivered) || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    std::thread::sleep(Duration::from_secs(16));
    let got = alerts.lock().unwrap().clone();
    let mut per_alert: HashMap<(String, String), usize> = HashMap::new();
    for a in &got {
        *per_alert.entry(a.clone()).or_default() += 1;
    }
    let doubled: Vec<_> = per_alert.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "alerts delivered more than once: {doubled:?}");
    for r in &references {
        assert!(per_alert.contains_key(&(r.clone(), "report.new".to_owned())), "no alert for {r}");
    }
    assert_eq!(one.terminate(), 0);
    assert_eq!(two.terminate(), 0);
    engine.verify_audit();
    eprintln!(
        "two nodes on PostgreSQL: {sent} ids each sent to both nodes at once ({groups} groups of {per_group}): \
         0 server errors, one 201 per id, each stored once ({load_time:?}); {} alerts delivered once each; {:?}",
        got.len(),
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&other_data);
}

/// A desk analyst of `org` (airline `name`) with two-factor enrolled and a session
/// past it, made in the database (the test cannot type a code); the session cookie.
fn desk_session(engine: &Engine, name: &str, email: &str) -> String {
    engine.person(name, email, "desk_analyst");
    let secret = Uuid::now_v7().simple().to_string();
    let pg = engine.pg.as_ref().unwrap();
    engine.rt.block_on(async {
        let db = sightline_storage::Db::open_postgres(&pg.location).await.unwrap();
        let email = sightline_domain::user::Email::parse(email).unwrap();
        let user = db.user_by_email(&email).await.unwrap().unwrap();
        #[allow(clippy::disallowed_methods)]
        let now = time::OffsetDateTime::now_utc();
        db.enable_totp(&user, "JBSWY3DPEHPK3PXP", 0, &[], None, now).await.unwrap();
        let s = sightline_storage::NewSession {
            id_hash: sightline_web::hash_token(&secret),
            user_id: user.id,
            org_id: user.org_id,
            csrf_token: "probe-csrf".into(),
            two_factor_passed: true,
            second_factor_by_provider: false,
            expires_at: now + time::Duration::hours(1),
        };
        db.create_session(&s, now).await.unwrap();
        db.close().await;
    });
    secret
}

/// An open `GET /desk/events` on `port`: everything read so far is in `text`, from
/// a thread that stamps when each new byte arrived.
struct EventStream {
    text: Arc<Mutex<String>>,
}

impl EventStream {
    fn open(port: u16, session: &str) -> Self {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /desk/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: sl_session={session}\r\n\r\n"
        )
        .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&text);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stream = Self { text };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !stream.text.lock().unwrap().contains("\r\n\r\n") {
            assert!(Instant::now() < deadline, "no answer to /desk/events");
            std::thread::sleep(Duration::from_millis(10));
        }
        let head = stream.text.lock().unwrap().clone();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
        stream
    }

    /// Wait until `needle` was received; how long that took.
    fn wait_for(&self, needle: &str, within: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < within {
            if self.text.lock().unwrap().contains(needle) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }
}

/// Issue 16, item 2: two `serve` processes on one PostgreSQL database; a report filed
/// on node 1 reaches a desk's open event stream on node 2, in `notify` mode
/// (LISTEN/NOTIFY) and in `poll` mode (the change table read every 250 ms); another
/// airline's desk on node 2 hears nothing of it.
#[test]
fn two_nodes_on_one_postgresql_push_a_report_to_the_other_nodes_desk() {
    let Some(engine) = Engine::postgres("two-node live queue probe") else { return };
    let (_, token) = engine.airline("Twin Air", "crew@twin.example");
    engine.airline("Other Air", "crew@other.example");
    let desk = desk_session(&engine, "Twin Air", "desk@twin.example");
    let other_desk = desk_session(&engine, "Other Air", "desk@other.example");
    let key = engine.data.join("master.key");
    let key = key.to_str().unwrap().to_owned();
    let mut figures = Vec::new();
    for mode in ["notify", "poll"] {
        let one = engine.serve(&["--live-feed", mode], None);
        let other_data = temp_dir();
        let two = engine.serve(&["--live-feed", mode, "--key-file", &key], Some(&other_data));
        let stream = EventStream::open(two.port(), &desk);
        let other = EventStream::open(two.port(), &other_desk);
        let mut took = Vec::new();
        for n in 0..5 {
            let id = Uuid::now_v7();
            let started = Instant::now();
            let (status, body) = put(one.port(), &token, id, &report_body(n)).expect("node 1 answers");
            assert_eq!(status, 201, "{body}");
            // From the PUT sent on node 1 to the event read on node 2: the 201 first, then the wait.
            let acked = started.elapsed();
            let seen = stream.wait_for(&id.to_string(), Duration::from_secs(5));
            let seen = seen.unwrap_or_else(|| panic!("{mode}: report {id} did not reach node 2's desk"));
            took.push(acked + seen);
        }
        assert!(other.text.lock().unwrap().find("event: queue").is_none(), "{mode}: another airline's desk heard it");
        let worst = took.iter().max().copied().unwrap_or_default();
        assert!(worst < Duration::from_secs(1), "{mode}: PUT sent to event seen on the other node: {took:?}");
        figures.push(format!("{mode}: worst {worst:?} of {took:?}"));
        assert_eq!(one.terminate(), 0);
        assert_eq!(two.terminate(), 0);
        let _ = std::fs::remove_dir_all(&other_data);
    }
    eprintln!("two nodes on PostgreSQL, live queue (PUT sent on node 1 → event on node 2): {}", figures.join("; "));
}
