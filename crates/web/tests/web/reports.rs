//! Crew reports: the idempotent API, validation at the field, the plain form, the
//! reporter's list, and encryption at rest (a canary phrase never reaches the disk
//! or a database dump in clear).

use axum::http::StatusCode;
use sightline_domain::user::Role;

use crate::support::{PASSWORD, TestApp, csrf_of, engines};

const CANARY: &str = "CANARY-7f3a9c-purple-elephant";

async fn reporter(
    app: &TestApp,
    org_name: &str,
    email: &str,
    roles: &[Role],
) -> (sightline_domain::ids::OrgId, String) {
    let org = crate::support::make_person(&app.state.db, org_name, email, roles, None).await;
    (org, crate::support::token_for(&app.state.db, email).await)
}

pub fn body(free_text: &str) -> String {
    serde_json::json!({
        "reporter_role": "cabin_crew",
        "phase": "in_flight",
        "flight": "AY 5",
        "date": "2026-11-28",
        "origin": "HEL",
        "destination": "JFK",
        "scheduled_arrival": "14:35",
        "seats": ["23A", "23B"],
        "potential_victims": 1,
        "companions": 1,
        "indicators": ["MOV-ANSWERED-FOR", "DOC-HELD-BY-OTHER", "BEH-FEARFUL"],
        "victims": [{"age_range": "teen", "gender": "female", "clothing": "grey hoodie"}],
        "companions_described": [{"age_range": "adult", "gender": "male", "clothing": "dark suit"}],
        "disclosed": false,
        "companion_aware": "no",
        "immediate_danger": false,
        "free_text": free_text,
        "considered_innocent_explanations": true
    })
    .to_string()
}

#[tokio::test]
async fn put_is_idempotent_and_validates_at_the_field() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let (org, token) = reporter(&app, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        let id = uuid::Uuid::now_v7();
        let path = format!("/api/v1/reports/{id}");

        let r = app.api("PUT", &path, Some(&token), Some(&body("He answered for her."))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let receipt = r.json();
        assert_eq!(receipt["status"], "received");
        assert_eq!(receipt["gate_passed"], true);
        let relay = receipt["relay_message"].as_str().unwrap();
        assert!(relay.starts_with("SUSPECTED HUMAN TRAFFICKING AY5 28NOV HEL-JFK NOURG REF "), "{relay}");
        assert!(relay.ends_with("PAX 1+1 SEAT 23A 23B IND DOCS ANSW FEAR") || relay.contains(" IND DOCS "), "{relay}");
        assert!(relay.len() <= 220);
        assert_eq!(r.headers["cache-control"], "no-store");

        // A retry with the same content: 200 and the same receipt.
        let again = app.api("PUT", &path, Some(&token), Some(&body("He answered for her."))).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json(), receipt);
        // The same id with different content: 409, nothing changes.
        let clash = app.api("PUT", &path, Some(&token), Some(&body("Something else."))).await;
        assert_eq!(clash.status, StatusCode::CONFLICT);
        assert_eq!(clash.json()["error"]["field"], "id");
        assert_eq!(app.state.db.count_reports(org).await.unwrap(), 1);

        // Bad input is answered at the field, and nothing is stored.
        for (patch, field, code) in [
            (("flight", serde_json::json!("12345")), "flight", "invalid-flight"),
            (("destination", serde_json::json!("QQQ")), "destination", "unknown-airport"),
            (("scheduled_arrival", serde_json::json!("25:61")), "scheduled_arrival", "invalid-time"),
            (("indicators", serde_json::json!(["NO-SUCH-SIGN"])), "indicators", "unknown-indicator"),
            (("free_text", serde_json::json!("x".repeat(2001))), "free_text", "too-long"),
            (
                ("considered_innocent_explanations", serde_json::json!(false)),
                "considered_innocent_explanations",
                "must-confirm",
            ),
        ] {
            let mut b: serde_json::Value = serde_json::from_str(&body("x")).unwrap();
            b[patch.0] = patch.1;
            let r = app
                .api("PUT", &format!("/api/v1/reports/{}", uuid::Uuid::now_v7()), Some(&token), Some(&b.to_string()))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field);
            assert_eq!(r.json()["error"]["code"], code);
        }
        // Three bad fields: every one is listed, in the order they are checked; the
        // first is also the envelope's own `field` and `code`.
        let mut b: serde_json::Value = serde_json::from_str(&body("x")).unwrap();
        b["flight"] = "12345".into();
        b["scheduled_arrival"] = "25:61".into();
        b["considered_innocent_explanations"] = false.into();
        let r = app
            .api("PUT", &format!("/api/v1/reports/{}", uuid::Uuid::now_v7()), Some(&token), Some(&b.to_string()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let e = &r.json()["error"];
        let fields: Vec<(&str, &str)> = e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            fields,
            [
                ("flight", "invalid-flight"),
                ("scheduled_arrival", "invalid-time"),
                ("considered_innocent_explanations", "must-confirm")
            ],
            "{e}"
        );
        assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some("flight"), Some("invalid-flight")));
        assert!(e["fields"].as_array().unwrap().iter().all(|f| !f["message"].as_str().unwrap().is_empty()));
        let r = app
            .api("PUT", &format!("/api/v1/reports/{}", uuid::Uuid::now_v7()), Some(&token), Some("{\"flight\": 1}"))
            .await;
        assert_eq!(r.json()["error"]["code"], "invalid-body");
        assert!(r.json()["error"].get("fields").is_none(), "no field named, no list");
        let r = app.api("PUT", "/api/v1/reports/not-a-uuid", Some(&token), Some(&body("x"))).await;
        assert_eq!(r.json()["error"]["field"], "id");
        assert_eq!(app.state.db.count_reports(org).await.unwrap(), 1, "no half-writes");

        // Without the reporter role, or without credentials, nothing is accepted.
        let (_, learner_token) = reporter(&app, "Nordic Wings", "learner@nw.example", &[Role::Learner]).await;
        let r = app
            .api("PUT", &format!("/api/v1/reports/{}", uuid::Uuid::now_v7()), Some(&learner_token), Some(&body("x")))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.api("PUT", &path, None, Some(&body("x"))).await.status, StatusCode::UNAUTHORIZED);
        // Another organisation cannot claim (or learn about) this id.
        let (_, other) = reporter(&app, "Other Air", "crew@other.example", &[Role::Reporter]).await;
        let r = app.api("PUT", &path, Some(&other), Some(&body("He answered for her."))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        app.finish().await;
    }
}

/// Issue 9, defect 1: one sender's bad reports are answered 422 at their field and
/// never cause another sender's 5xx. 40 valid PUTs from airline A run concurrently
/// with airline B's poison (NUL and other control characters in every kind of
/// field), so that group commit really mixes them in one batch.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_senders_bad_reports_never_fail_another_senders() {
    for db in engines().await {
        let app = TestApp::with_content(db).await;
        let (org_a, token_a) = reporter(&app, "Airline A", "crew@a.example", &[Role::Reporter]).await;
        let (org_b, token_b) = reporter(&app, "Airline B", "crew@b.example", &[Role::Reporter]).await;
        let poisons: Vec<(&str, serde_json::Value)> = vec![
            ("client_created_at", serde_json::json!("\u{0}")),
            ("client_created_at", serde_json::json!("2026-11-28T09:00:00\u{0}Z")),
            ("client_created_at", serde_json::json!("x".repeat(10_000))),
            ("client_created_at", serde_json::json!("not a time")),
            ("free_text", serde_json::json!("He answered\u{0} for her.")),
            ("flight", serde_json::json!("AY\u{0}5")),
            ("phase", serde_json::json!("in_flight\u{0}")),
            ("seats", serde_json::json!(["23A", "23\u{1b}B"])),
            ("indicators", serde_json::json!(["BEH-FEARFUL\u{0}"])),
            ("victims", serde_json::json!([{"age_range": "teen", "gender": "female", "clothing": "grey\u{0}hoodie"}])),
            ("companion_aware", serde_json::json!("no\u{7f}")),
        ];
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40 {
            let mut a = app.another_browser();
            let token = token_a.clone();
            tasks.spawn(async move {
                let mut b: serde_json::Value = serde_json::from_str(&body(&format!("Report {i} from A."))).unwrap();
                b["client_created_at"] = serde_json::json!("2026-11-28T09:00:00.123Z");
                let id = uuid::Uuid::now_v7();
                let r = a.api("PUT", &format!("/api/v1/reports/{id}"), Some(&token), Some(&b.to_string())).await;
                ("A", None, r.status, r.body)
            });
        }
        for _ in 0..2 {
            for (field, value) in &poisons {
                let mut a = app.another_browser();
                let token = token_b.clone();
                let mut b: serde_json::Value = serde_json::from_str(&body("From B.")).unwrap();
                b[*field] = value.clone();
                let field = *field;
                tasks.spawn(async move {
                    let id = uuid::Uuid::now_v7();
                    let r = a.api("PUT", &format!("/api/v1/reports/{id}"), Some(&token), Some(&b.to_string())).await;
                    ("B", Some(field), r.status, r.body)
                });
            }
        }
        let mut created = 0;
        while let Some(done) = tasks.join_next().await {
            let (sender, field, status, body) = done.unwrap();
            assert!(!status.is_server_error(), "{sender}: {status} {body}");
            match field {
                None => {
                    assert_eq!(status, StatusCode::CREATED, "{sender}: {body}");
                    created += 1;
                }
                Some(field) => {
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
                    let e: serde_json::Value = serde_json::from_str(&body).unwrap();
                    assert_eq!(e["error"]["field"], field, "{body}");
                }
            }
        }
        assert_eq!(created, 40);
        assert_eq!(app.state.db.count_reports(org_a).await.unwrap(), 40);
        assert_eq!(app.state.db.count_reports(org_b).await.unwrap(), 0);
        app.finish().await;
    }
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The free text and descriptions are sealed before they reach the database: a canary
/// phrase appears neither in the SQLite files (database and WAL) nor in a PostgreSQL
/// dump, yet the key opens it again.
#[tokio::test]
async fn report_text_is_encrypted_at_rest() {
    for db in engines().await {
        let location = db.location.clone();
        let engine = db.engine();
        let mut app = TestApp::with_content(db).await;
        let (org, token) = reporter(&app, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        let id = uuid::Uuid::now_v7();
        app.put_report(&token, id, &body(CANARY)).await;

        let haystack: Vec<u8> = match engine {
            sightline_storage::Engine::Sqlite => {
                let mut all = std::fs::read(&location).unwrap();
                if let Ok(wal) = std::fs::read(format!("{location}-wal")) {
                    all.extend(wal);
                }
                all
            }
            sightline_storage::Engine::Postgres => {
                let out = std::process::Command::new(pg_dump()).arg("--data-only").arg(&location).output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                out.stdout
            }
        };
        assert!(haystack.windows(b"AY5".len()).any(|w| w == b"AY5"), "the triage fields are there to be found");
        assert!(!haystack.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()), "canary found in clear");
        assert!(!haystack.windows(b"grey hoodie".len()).any(|w| w == b"grey hoodie"), "description found in clear");

        let (body, wrapped) = app.state.db.report_sealed(org, id).await.unwrap();
        let sealed = sightline_domain::crypto::Sealed { body, wrapped_key: wrapped };
        let opened = crate::support::test_key().open(org, id, &sealed).unwrap();
        assert!(String::from_utf8(opened).unwrap().contains(CANARY));
        app.finish().await;
    }
}

fn pg_dump() -> String {
    let mut versions: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin/pg_dump")).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    versions.sort();
    versions.pop().map_or_else(|| "pg_dump".to_owned(), |p| p.display().to_string())
}

#[tokio::test]
async fn the_plain_form_works_without_javascript_and_keeps_input_on_error() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        reporter(&app, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        assert_eq!(app.sign_in("crew@nw.example", PASSWORD).await.location.as_deref(), Some("/home"));
        let page = app.get("/report").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<title>Notes</title>"), "neutral title");
        assert!(!page.body.to_lowercase().contains("<title>sightline"));
        let csrf = csrf_of(&page.body);
        let id = crate::support::between(&page.body, "name=\"id\" value=\"", "\"");
        let fields = |flight: &str| {
            vec![
                ("csrf", csrf.clone()),
                ("id", id.clone()),
                ("reporter_role", "gate".into()),
                ("phase", "boarding".into()),
                ("flight", flight.into()),
                ("date", "2026-11-28".into()),
                ("origin", "HEL".into()),
                ("destination", "ATH".into()),
                ("seats", "12C".into()),
                ("potential_victims", "2".into()),
                ("companions", "1".into()),
                ("indicator", "DOC-HELD-BY-OTHER".into()),
                ("indicator", "TRV-NO-CLEAR-PLAN".into()),
                ("victim_age", "teen".into()),
                ("victim_gender", "unknown".into()),
                ("companion_age", "adult".into()),
                ("companion_gender", "male".into()),
                ("companion_aware", "unknown".into()),
                ("free_text", "The man kept both passports.".into()),
                ("considered", "on".into()),
            ]
        };
        let bad = fields("ZZZZZZZZ");
        let r = app.post_form("/report", &as_refs(&bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains(
                "Enter a flight number (AY123), an ICAO call sign (FIN5) or a registration (N123AB, OH-LVA)."
            )
        );
        assert!(r.body.contains("value=\"ZZZZZZZZ\""), "input kept");
        assert!(r.body.contains("The man kept both passports."));
        assert!(r.body.contains("value=\"DOC-HELD-BY-OTHER\" checked"));

        let good = fields("DY1234");
        let r = app.post_form("/report", &as_refs(&good)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("SUSPECTED HUMAN TRAFFICKING DY1234 28NOV HEL-ATH NOURG REF "));
        // Sending the same form twice (a double tap) stores it once.
        let again = app.post_form("/report", &as_refs(&good)).await;
        assert_eq!(again.status, StatusCode::OK);
        let mine = app.get("/reports").await;
        assert_eq!(mine.body.matches("DY1234 2026-11-28").count(), 1, "{}", mine.body);
        assert!(mine.body.contains("Received"));
        assert!(!mine.body.contains("both passports"), "no case details in the reporter's list");
        app.finish().await;
    }
}

#[tokio::test]
async fn report_pages_are_for_reporters_and_the_shell_is_served() {
    let mut app = TestApp::builder().with_content().build().await;
    assert_eq!(app.get("/report").await.location.as_deref(), Some("/login?back=/report"), "signing in comes back");
    let sw = app.get("/sw.js").await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(sw.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(sw.body.contains("'/report'"));
    assert_eq!(app.get("/static/report.js").await.status, StatusCode::OK);
    let exit = app.get("/quick-exit").await;
    assert!(exit.body.contains("<title>Notes</title>") && !exit.body.to_lowercase().contains("trafficking"));
    let doc = app.get("/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/reports/{id}"]["put"].is_object());
    app.finish().await;
}

/// Issue 11: every refusal names its field in the envelope (with how to fix it); an
/// urgent report with problems is stored, each problem flagged for the desk; a
/// refused report can be sent again, fixed, under the same id.
#[tokio::test]
async fn refusals_name_the_field_and_urgent_reports_are_kept_flagged() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let (org, token) = reporter(&app, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        let put = |b: &serde_json::Value| (format!("/api/v1/reports/{}", uuid::Uuid::now_v7()), b.to_string());
        let base: serde_json::Value = serde_json::from_str(&body("x")).unwrap();
        let seats31: Vec<String> = (1..=31).map(|n| format!("{n}A")).collect();
        for (patch, field, code) in [
            (serde_json::json!({"flight": "", "origin": "", "destination": ""}), "airport", "required"),
            (
                serde_json::json!({"flight": "", "origin": "", "destination": "", "airport": "XQZ"}),
                "airport",
                "unknown-airport",
            ),
            (serde_json::json!({"arrival_date": "2027-02-30"}), "arrival_date", "invalid-date"),
            (serde_json::json!({"seats": seats31}), "seats", "too-many"),
            (serde_json::json!({"potential_victims": 31}), "potential_victims", "out-of-range"),
            (serde_json::json!({"destination": "XQZ"}), "destination", "unknown-airport"),
        ] {
            let mut b = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let (path, b) = put(&b);
            let r = app.api("PUT", &path, Some(&token), Some(&b)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
            let e = &r.json()["error"];
            assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some(field), Some(code)), "{e}");
            assert!(!e["fields"][0]["message"].as_str().unwrap().is_empty(), "says how to fix it");
        }
        assert_eq!(app.state.db.count_reports(org).await.unwrap(), 0);

        // Refused, then fixed and sent again under the same id: stored once.
        let id = uuid::Uuid::now_v7();
        let mut b = base.clone();
        b["destination"] = "XQZ".into();
        let path = format!("/api/v1/reports/{id}");
        let r = app.api("PUT", &path, Some(&token), Some(&b.to_string())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        b["destination"] = "JFK".into();
        let r = app.api("PUT", &path, Some(&token), Some(&b.to_string())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = app.api("PUT", &path, Some(&token), Some(&b.to_string())).await;
        assert_eq!(r.status, StatusCode::OK, "a retry replays");

        // Urgent: 12 seats, an unknown airport, a registration — stored, flagged.
        let mut b = base.clone();
        b["immediate_danger"] = true.into();
        b["flight"] = "N123AB".into();
        b["destination"] = "XQZ".into();
        b["seats"] = (1..=12).map(|n| format!("{n}C")).collect::<Vec<_>>().into();
        let urgent = uuid::Uuid::now_v7();
        let r = app.put_report(&token, urgent, &b.to_string()).await;
        let relay = r.json()["relay_message"].as_str().unwrap().to_owned();
        assert!(relay.contains(" N123AB ") && relay.contains(" HEL-XQZ URG "), "{relay}");
        let case = app.state.db.case(org, urgent).await.unwrap();
        assert_eq!(case.destination, "XQZ", "kept as typed");
        assert_eq!(case.flags, "destination:unknown-airport scheduled_arrival:assumed-utc");
        assert_eq!(app.state.db.count_reports(org).await.unwrap(), 2);
        app.finish().await;
    }
}
