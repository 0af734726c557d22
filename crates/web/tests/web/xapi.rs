//! xAPI statements to an organisation's learning record store (issue 14, item 4), on
//! both engines:
//!
//! - against a real LRS, ralph (PyPI `ralph-malph`, which validates every statement
//!   with its xAPI 1.0.3 pydantic models and refuses invalid ones), started on
//!   loopback: the admin sets the LRS on the settings page (a bad endpoint is refused
//!   at its field, input kept), a crew member reads a lesson and passes the check, the
//!   job sends, and the statements read back from ralph carry the ADL verbs, the
//!   opaque account and the scores;
//! - an LRS that is down (a stand-in on loopback answering 503): statements stay
//!   queued with their attempts and the last error on the page, and once it is up
//!   they arrive exactly once; given up after too many attempts, "Send all again"
//!   delivers them;
//! - two job runners at once send each statement once.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::Value;
use sightline_domain::delivery::{MAX_ATTEMPTS, retry_after};
use sightline_domain::ids::OrgId;
use sightline_domain::user::Role;
use sightline_jobs::xapi::run_once;
use time::Duration;

use crate::learn::{answers, crew_member, start, submit};
use crate::loopback::{Keep, Loopback};
use crate::support::{TestApp, between, engines, make_person};

const KEY: &str = "sightline";
const SECRET: &str = "lrs-secret-1";

/// ralph, the LRS, on loopback; stopped (its whole process group) when dropped.
struct Ralph {
    child: std::process::Child,
    endpoint: String,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Ralph {
    fn drop(&mut self) {
        // `ralph runserver` starts uvicorn with a reloader child: end the group.
        let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// The `ralph` command: `SIGHTLINE_RALPH`, else `ralph` on the path, else the
/// virtualenv `.ci/run` installs it into.
fn ralph_command() -> Option<std::path::PathBuf> {
    let works = |p: &std::path::Path| {
        std::process::Command::new(p)
            .arg("--help")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let home =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share/sightline/ralph/bin/ralph"));
    let candidates = [std::env::var_os("SIGHTLINE_RALPH").map(Into::into), Some("ralph".into()), home];
    candidates.into_iter().flatten().find(|p| works(p))
}

/// ralph with one Basic-auth user per name in `users`, each writing to its own target
/// (ralph 5.1.0's file backend writes a target's file once: a second write to it
/// fails, so each batch the test sends goes to a fresh user).
fn ralph(users: &[&str]) -> Option<Ralph> {
    let Some(cmd) = ralph_command() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the xAPI LRS test: .ci/run installs ralph-malph[cli,lrs] into ~/.local/share/sightline/ralph"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED xAPI test against a real LRS: ralph (pip install 'ralph-malph[cli,lrs]') is not installed"
        );
        return None;
    };
    let dir = TempDir(std::env::temp_dir().join(format!("sightline-ralph-{}", uuid::Uuid::now_v7())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let auth = dir.0.join("auth.json");
    let env = |c: &mut std::process::Command| {
        c.env("RALPH_APP_DIR", dir.0.join("app"))
            .env("RALPH_AUTH_FILE", &auth)
            .env("RALPH_RUNSERVER_BACKEND", "fs")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
    };
    for user in users {
        std::fs::create_dir_all(dir.0.join("data").join(user)).unwrap();
        let mut make = std::process::Command::new(&cmd);
        make.args(["auth", "-u", user, "-p", SECRET, "-s", "all", "-t", user, "-A", user, "http://127.0.0.1", "-w"]);
        env(&mut make);
        let out = make.stderr(std::process::Stdio::piped()).output().unwrap();
        assert!(out.status.success(), "ralph auth: {}", String::from_utf8_lossy(&out.stderr));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut run = std::process::Command::new(&cmd);
    run.args(["runserver", "-b", "fs", "-h", "127.0.0.1", "-p", &port.to_string(), "--fs-default-directory-path"])
        .arg(dir.0.join("data"));
    env(&mut run);
    std::os::unix::process::CommandExt::process_group(&mut run, 0);
    let child = run.spawn().unwrap();
    let me = Ralph { child, endpoint: format!("http://127.0.0.1:{port}/xAPI"), _dir: dir };
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(me);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("ralph did not start on port {port}");
}

/// GET `{endpoint}/statements` from ralph (Basic auth, xAPI version header).
fn statements_in(ralph: &Ralph, user: &str) -> Vec<Value> {
    use data_encoding::BASE64;
    let auth = format!("Basic {}", BASE64.encode(format!("{user}:{SECRET}").as_bytes()));
    let url = format!("{}/statements?limit=100", ralph.endpoint);
    let out = std::process::Command::new("curl")
        .args(["-sf", "-H", &format!("Authorization: {auth}"), "-H", "X-Experience-API-Version: 1.0.3", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "GET statements: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["statements"].as_array().unwrap().clone()
}

/// The crew member's organisation's admin, signed in and enrolled, in another
/// browser on the same server; returns it and the settings page's path.
async fn admin_of(app: &TestApp, org: sightline_domain::ids::OrgId, email: &str) -> (TestApp, String) {
    make_person(&app.state.db, "Nordic Wings", email, &[Role::OrgAdmin], None).await;
    let mut admin = app.another_browser();
    admin.sign_in_and_enrol(email).await;
    (admin, format!("/orgs/{org}/settings"))
}

async fn set_lrs(admin: &mut TestApp, page: &str, endpoint: &str, form: &str) -> crate::support::Resp {
    set_lrs_as(admin, page, (endpoint, KEY), form).await
}

async fn set_lrs_as(
    admin: &mut TestApp,
    page: &str,
    (endpoint, key): (&str, &str),
    form: &str,
) -> crate::support::Resp {
    let action = format!("{page}/xapi");
    let fields = [
        ("lrs_enabled", "on"),
        ("lrs_endpoint", endpoint),
        ("lrs_key", key),
        ("lrs_secret", SECRET),
        ("lrs_actor_form", form),
        ("lrs_home_page", ""),
        ("lrs_activity_base", ""),
    ];
    admin.submit(page, &action, &fields).await
}

/// Read the first lesson of the cabin-crew course and pass its check.
async fn journey(app: &mut TestApp) {
    let course = app.get("/learn/cabin-crew").await;
    let first = between(&course.body, "/learn/cabin-crew/lessons/", "\"");
    let first = first.split('?').next().unwrap().to_owned();
    let r = app
        .submit(&format!("/learn/cabin-crew/lessons/{first}"), &format!("/learn/cabin-crew/lessons/{first}/done"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (path, html) = start(app, "cabin-crew", "en").await;
    let fields = answers(app, "cabin-crew", "en", &html, 0);
    let r = submit(app, &path, &html, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn a_learners_journey_reaches_a_real_lrs_as_valid_xapi_statements() {
    let users = ["sqlite-account", "sqlite-mbox", "postgres-account", "postgres-mbox"];
    let Some(lrs) = ralph(&users) else { return };
    for (engine, db) in engines().await.into_iter().enumerate() {
        let (account, mbox) = (users[engine * 2], users[engine * 2 + 1]);
        let (mut app, org) = crew_member(db).await;
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let (mut admin, page) = admin_of(&app, org, "admin@nw.example").await;

        // Bad endpoints: refused at the field (422), what was typed kept.
        let r = set_lrs(&mut admin, &page, "not a url", "account").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"lrs_endpoint-error\""), "{}", r.body);
        assert!(r.body.contains("value=\"not a url\""), "input kept");
        assert!(r.body.contains(&format!("value=\"{KEY}\"")), "the other fields kept");
        let r = set_lrs(&mut admin, &page, "http://lrs.example/xapi", "account").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "plain http only to a test LRS on this machine");
        assert!(between(&r.body, "id=\"lrs_endpoint-error\"", "</p>").contains("https://"), "{}", r.body);
        assert!(app.state.db.xapi_settings(org).await.unwrap().is_none(), "nothing saved");

        let r = set_lrs_as(&mut admin, &page, (&lrs.endpoint, account), "account").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Saved. Statements are sent"), "{}", r.body);
        assert!(!r.body.contains(SECRET), "the secret is never shown back");

        journey(&mut app).await;
        let sent = run_once(&app.state.jobs()).await.unwrap();
        assert_eq!(sent, 3, "experienced, passed, completed: {:?}", app.state.db.xapi_backlog(org).await.unwrap());
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0, "nothing twice");

        let me = app.user("aino@nw.example").await;
        let mine: Vec<Value> = statements_in(&lrs, account)
            .into_iter()
            .filter(|s| s["actor"]["account"]["name"] == me.id.to_string())
            .collect();
        let verbs: BTreeMap<String, &Value> = mine
            .iter()
            .map(|s| (s["verb"]["id"].as_str().unwrap().rsplit('/').next().unwrap().to_owned(), s))
            .collect();
        assert_eq!(verbs.keys().map(String::as_str).collect::<Vec<_>>(), ["completed", "experienced", "passed"]);
        let public = app.state.config.public_url.clone();
        for s in &mine {
            assert_eq!(s["actor"]["account"]["homePage"], public.as_str(), "{s}");
            assert!(s["actor"].get("mbox").is_none(), "no e-mail in the LRS: {s}");
            assert!(s["object"]["id"].as_str().unwrap().starts_with(&format!("{public}/learn/cabin-crew")), "{s}");
            assert!(s["stored"].is_string(), "stored by the LRS");
        }
        let passed = verbs["passed"];
        assert_eq!(passed["result"]["score"]["scaled"], 1.0);
        assert_eq!(passed["result"]["score"]["raw"], 100);
        assert_eq!(passed["result"]["success"], true);
        assert_eq!(passed["object"]["id"].as_str().unwrap(), format!("{public}/learn/cabin-crew/check"));
        assert_eq!(verbs["completed"]["object"]["id"].as_str().unwrap(), format!("{public}/learn/cabin-crew"));
        assert!(verbs["experienced"]["object"]["id"].as_str().unwrap().contains("/lessons/"));
        let body = admin.get(&page).await.body;
        assert!(body.contains("Accepted by the LRS: 3."), "{}", between(&body, "lrs-backlog", "</p>"));

        // The mbox form names the person by e-mail; ralph accepts that too.
        let r = set_lrs_as(&mut admin, &page, (&lrs.endpoint, mbox), "mbox").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let (path, html) = start(&mut app, "cabin-crew", "en").await;
        let fields = answers(&app, "cabin-crew", "en", &html, 99);
        assert_eq!(submit(&mut app, &path, &html, &fields).await.status, StatusCode::SEE_OTHER);
        let sent = run_once(&app.state.jobs()).await.unwrap();
        assert_eq!(sent, 1, "failed: one statement; {:?}", app.state.db.xapi_backlog(org).await.unwrap());
        let failed: Vec<Value> = statements_in(&lrs, mbox)
            .into_iter()
            .filter(|s| {
                s["actor"]["mbox"] == "mailto:aino@nw.example" && s["verb"]["id"].as_str().unwrap().ends_with("/failed")
            })
            .collect();
        assert!(!failed.is_empty(), "the failed check is in the LRS by e-mail");
        assert_eq!(failed[0]["result"]["success"], false);
        app.finish().await;
    }
}

/// An LRS stand-in on loopback: keeps the requests it accepts, answers 503 at first.
async fn stand_in() -> Loopback {
    Loopback::start("/xapi/statements", "/xapi", 503, Keep::Accepted).await
}

/// Every statement id received in accepted requests (repeats kept), each statement
/// checked ([`check_statements`]).
fn statement_ids(lrs: &Loopback) -> Vec<String> {
    let got = lrs.got.lock().unwrap();
    let mut statements = Vec::new();
    for (h, body) in got.iter() {
        assert_eq!(h["x-experience-api-version"], "1.0.3");
        assert!(h["authorization"].to_str().unwrap().starts_with("Basic "));
        statements.extend(serde_json::from_str::<Vec<Value>>(body).unwrap());
    }
    check_statements(&statements);
    statements.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// The crew member's organisation sending its statements to `lrs` (its admin set it
/// on the settings page); returns the crew member, the organisation, the signed-in
/// admin and the settings page's path.
async fn sending_to(db: sightline_storage::testing::TestDb, lrs: &Loopback) -> (TestApp, OrgId, TestApp, String) {
    let (mut app, org) = crew_member(db).await;
    app.reconfigure(sightline_web::Config::allowing_private_webhooks);
    let (mut admin, page) = admin_of(&app, org, "admin@nw.example").await;
    assert_eq!(set_lrs(&mut admin, &page, &lrs.url, "account").await.status, StatusCode::OK);
    (app, org, admin, page)
}

/// Queue an "experienced" statement for each lesson slug, read by the crew member;
/// returns the statements' ids.
async fn queue_lessons(app: &TestApp, org: OrgId, slugs: impl Iterator<Item = String>) -> Vec<uuid::Uuid> {
    use sightline_domain::xapi::{Event, Person, Verb, statement};
    let me = app.user("aino@nw.example").await;
    let naming = app.state.db.xapi_settings(org).await.unwrap().unwrap().naming;
    let now = app.state.now();
    let mut ids = Vec::new();
    for slug in slugs {
        let event = Event::Lesson { course: "cabin-crew", course_title: "Cabin crew", slug: &slug, title: "L" };
        let id = uuid::Uuid::now_v7();
        let st = statement(id, &naming, &Person { id: me.id.as_uuid(), email: &me.email }, &event, "en", now);
        let new =
            sightline_storage::NewStatement { id, verb: Verb::Experienced, body: serde_json::to_string(&st).unwrap() };
        app.state.db.mark_lesson_done_queued(org, me.id, "cabin-crew", &slug, &[new], now).await.unwrap();
        ids.push(id);
    }
    ids
}

#[tokio::test]
async fn an_lrs_that_is_down_keeps_statements_retries_and_gets_each_once() {
    for db in engines().await {
        let lrs = stand_in().await;
        let (mut app, org, mut admin, page) = sending_to(db, &lrs).await;
        journey(&mut app).await;

        // Down: nothing accepted, all kept with the attempt and the error shown.
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0);
        let body = admin.get(&page).await.body;
        assert!(body.contains("Waiting or retrying: 3."), "{}", between(&body, "lrs-backlog", "</p>"));
        assert!(body.contains("id=\"lrs-last-error\""), "the last error is shown");
        assert!(between(&body, "lrs-last-error", "</p>").contains("503"));
        // Not again before the back-off.
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0);

        // Up: after the back-off, delivered once.
        lrs.answer_with(200);
        app.state.clock.advance(retry_after(1).unwrap());
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 3);
        app.state.clock.advance(Duration::minutes(5));
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0);
        let ids = statement_ids(&lrs);
        assert_eq!(ids.len(), 3, "each once: {ids:?}");
        let body = admin.get(&page).await.body;
        assert!(body.contains("Accepted by the LRS: 3."), "{}", between(&body, "lrs-backlog", "</p>"));
        assert!(!body.contains("id=\"lrs-last-error\""), "no error once all are accepted");

        // Down for good: dead letters after the last attempt; sent again, once.
        lrs.answer_with(500);
        let (path, html) = start(&mut app, "cabin-crew", "en").await;
        let fields = answers(&app, "cabin-crew", "en", &html, 99);
        submit(&mut app, &path, &html, &fields).await;
        for attempt in 1..=MAX_ATTEMPTS {
            assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0);
            app.state.clock.advance(retry_after(attempt).unwrap_or(Duration::minutes(1)));
        }
        // (the sessions ended meanwhile: another admin signs in)
        let (mut admin, page) = admin_of(&app, org, "admin2@nw.example").await;
        let body = admin.get(&page).await.body;
        assert!(body.contains("Statements the LRS did not accept"));
        assert!(body.contains("<code>failed</code>"), "{}", between(&body, "lrs-dead-h", "</section>"));
        assert!(body.contains("Given up: 1."));
        lrs.answer_with(200);
        let r = admin.submit(&page, &format!("{page}/xapi/retry"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 1);
        assert_eq!(statement_ids(&lrs).len(), 4);
        let r = admin.submit(&page, &format!("{page}/xapi/retry"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left to send again");
        let trail = app.state.db.audit_for_org(org, 50).await.unwrap().entries;
        assert!(trail.iter().any(|e| e.action == "org.xapi_configured"));
        assert_eq!(trail.iter().filter(|e| e.action == "xapi.statements_retried").count(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn two_job_runners_at_once_send_each_statement_once() {
    for db in engines().await {
        let lrs = stand_in().await;
        lrs.answer_with(200);
        lrs.delay_ms(20);
        let (app, org, _admin, _page) = sending_to(db, &lrs).await;
        // More than two batches' worth: paging must not stop at the first.
        queue_lessons(&app, org, (0..130).map(|i| format!("lesson-{i}"))).await;
        let (one, two) = (app.state.jobs(), app.state.jobs());
        let (a, b) = tokio::join!(
            tokio::spawn(async move { run_once(&one).await }),
            tokio::spawn(async move { run_once(&two).await })
        );
        let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
        assert_eq!(a + b, 130, "every statement sent by one runner or the other ({a} + {b})");
        let ids = statement_ids(&lrs);
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!((ids.len(), unique.len()), (130, 130), "each once");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_statement_the_lrs_refuses_holds_back_no_other() {
    for db in engines().await {
        let lrs = stand_in().await;
        lrs.answer_with(200);
        // The LRS refuses any batch holding this lesson's statement, as xAPI says it must.
        lrs.refuse_containing("lesson-refused");
        let (app, org, mut admin, page) = sending_to(db, &lrs).await;
        let slugs = ["lesson-0", "lesson-1", "lesson-refused", "lesson-3", "lesson-4"];
        let ids = queue_lessons(&app, org, slugs.iter().map(|s| (*s).to_owned())).await;
        assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 4, "the four the LRS takes");
        let sent = statement_ids(&lrs);
        let good: Vec<String> = ids.iter().filter(|id| **id != ids[2]).map(ToString::to_string).collect();
        assert_eq!(sent, good, "each good one once, in order; the refused one not");
        assert_eq!(app.state.db.xapi_backlog(org).await.unwrap().counts.pending, 1);
        // Refused at every retry until it is given up; the others are never sent again.
        for attempt in 1..MAX_ATTEMPTS {
            app.state.clock.advance(retry_after(attempt).unwrap_or(Duration::minutes(1)));
            assert_eq!(run_once(&app.state.jobs()).await.unwrap(), 0);
        }
        let dead = app.state.db.xapi_dead_letters(org).await.unwrap();
        assert_eq!(
            dead.iter().map(|d| (d.id, d.last_error.as_deref())).collect::<Vec<_>>(),
            [(ids[2], Some("HTTP 400 Bad Request"))]
        );
        assert_eq!(statement_ids(&lrs).len(), 4, "nothing sent twice");
        let body = admin.get(&page).await.body;
        assert!(body.contains("Accepted by the LRS: 4."), "{}", between(&body, "lrs-backlog", "</p>"));
        assert!(body.contains("Given up: 1."), "{}", between(&body, "lrs-backlog", "</p>"));
        app.finish().await;
    }
}

const STATEMENT_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/xapi/statement.schema.json");

/// A statement as sent meets the xAPI 1.0.3 statement schema written from the
/// specification (`content/xapi/statement.schema.json`), and its score what a schema
/// cannot say (2.4.5.1: min below max, raw between them).
fn check_statements(statements: &[Value]) {
    crate::support::validate_each(STATEMENT_SCHEMA, statements, "an xAPI statement");
    for score in statements.iter().filter_map(|s| s["result"].get("score")) {
        let (raw, min, max) = (score["raw"].as_f64(), score["min"].as_f64(), score["max"].as_f64());
        if let (Some(min), Some(max)) = (min, max) {
            assert!(min < max, "{score}");
        }
        if let (Some(raw), Some(min)) = (raw, min) {
            assert!(raw >= min, "{score}");
        }
        if let (Some(raw), Some(max)) = (raw, max) {
            assert!(raw <= max, "{score}");
        }
    }
}

/// The schema refuses what the specification refuses, so a pass above means something.
#[test]
fn the_statement_schema_refuses_what_the_specification_refuses() {
    let good = serde_json::json!({
        "id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "actor": { "objectType": "Agent", "account": { "homePage": "https://sightline.example", "name": "u1" } },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/passed", "display": { "en-US": "passed" } },
        "object": { "objectType": "Activity", "id": "https://sightline.example/learn/cabin-crew/check" },
        "result": { "score": { "scaled": 0.8, "raw": 80, "min": 0, "max": 100 }, "success": true },
        "timestamp": "2026-12-03T09:00:00.250Z",
        "version": "1.0.3"
    });
    let Some(errors) = crate::support::schema_errors(STATEMENT_SCHEMA, &good) else { return };
    assert!(errors.is_empty(), "{errors:?}");
    let broken = |path: &[&str], v: Value| {
        let mut s = good.clone();
        let mut at = &mut s;
        for p in &path[..path.len() - 1] {
            at = &mut at[*p];
        }
        at[path[path.len() - 1]] = v;
        s
    };
    for (why, bad) in [
        ("two identifiers for one agent", broken(&["actor", "mbox"], "mailto:aino@example.com".into())),
        ("no identifier", broken(&["actor", "account"], Value::Null)),
        ("scaled above 1", broken(&["result", "score", "scaled"], 1.5.into())),
        ("a verb that is not an IRI", broken(&["verb", "id"], "passed".into())),
        ("an empty language map", broken(&["verb", "display"], serde_json::json!({}))),
        ("a timestamp without a zone", broken(&["timestamp"], "2026-12-03T09:00:00".into())),
        ("version 2", broken(&["version"], "2.0.0".into())),
        ("an id that is not a UUID", broken(&["id"], "42".into())),
    ] {
        let errors = crate::support::schema_errors(STATEMENT_SCHEMA, &bad).unwrap();
        assert!(!errors.is_empty(), "{why} must be refused: {bad:#}");
    }
    let mut no_verb = good.clone();
    no_verb.as_object_mut().unwrap().remove("verb");
    assert!(!crate::support::schema_errors(STATEMENT_SCHEMA, &no_verb).unwrap().is_empty(), "a verb is required");
}
