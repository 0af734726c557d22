//! Desk alerts: a signed webhook for new and for unacknowledged reports, each once,
//! with no report text in it. The receiver is a real HTTP server on loopback.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::triage::{CaseStatus, transition};
use sightline_domain::user::Role;
use sightline_storage::AlertChange;
use time::Duration;

use crate::loopback::{Keep, Loopback, Received};
use crate::support::{TestApp, engines, make_person, token_for};

async fn set_webhook(app: &TestApp, org: OrgId, url: &str, sealed: &str) {
    let audit = NewAuditEntry::new(AuditAction::AlertsConfigured).org(org);
    let change = AlertChange::Webhook { url, sealed_secret: sealed };
    app.state.db.configure_alerts(org, change, &audit, app.state.now()).await.unwrap();
}

/// A hook on loopback that keeps every request and answers 204: its URL and requests.
async fn receiver() -> (String, Received) {
    let hook = Loopback::start("/hook", "/hook", 204, Keep::Every).await;
    (hook.url, hook.got)
}

#[tokio::test]
async fn the_desk_is_alerted_once_per_event_with_a_signed_webhook() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let token = token_for(&app.state.db, "crew@nw.example").await;
        let (url, got) = receiver().await;
        let (sealed, secret) = sightline_web::alerts::new_webhook_secret(&app.state, org).unwrap();
        set_webhook(&app, org, &url, &sealed).await;
        assert!(!sealed.contains(&secret), "the signing secret is sealed at rest");

        let body = serde_json::json!({
            "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
            "origin": "JFK", "destination": "HEL", "potential_victims": 1, "companion_aware": "no",
            "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"], "free_text": "SECRET-TEXT-7731",
            "considered_innocent_explanations": true
        })
        .to_string();
        let id = uuid::Uuid::now_v7();
        app.put_report(&token, id, &body).await;

        // The receiver is on loopback: refused at send time unless the operator allows
        // private addresses, and the alert is kept for the next pass, not lost.
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0);
        assert!(got.lock().unwrap().is_empty());
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        // A failed delivery is retried after a back-off (15 s after the first failure).
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0, "not before its retry time");
        app.state.clock.advance(Duration::seconds(15));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 1);
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0, "sent once");
        {
            let got = got.lock().unwrap();
            let (headers, payload) = &got[0];
            assert_eq!(headers["x-sightline-event"], "report.new");
            let sig = headers["x-sightline-signature"].to_str().unwrap();
            assert_eq!(
                sig,
                sightline_jobs::alerts::signature(secret.as_bytes(), payload.as_bytes()),
                "a valid signature"
            );
            assert_ne!(sig, sightline_jobs::alerts::signature(b"wrong secret", payload.as_bytes()));
            let j: serde_json::Value = serde_json::from_str(payload).unwrap();
            assert_eq!(j["flight"], "AY5");
            assert!(j["case_url"].as_str().unwrap().ends_with(&format!("/desk/cases/{id}")));
            assert!(!payload.contains("SECRET-TEXT"), "no report text in alerts");
        }

        // Five minutes later and still not acknowledged: one more alert.
        app.state.clock.advance(Duration::minutes(6));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 1);
        assert_eq!(got.lock().unwrap()[1].0["x-sightline-event"], "report.unacknowledged");
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0);

        // An acknowledged report raises nothing; an unreachable hook is retried later.
        make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let desk = app.user("desk@nw.example").await;
        let t = transition(CaseStatus::Received, CaseStatus::Acknowledged, "", None).unwrap();
        app.state.db.transition_case(org, id, 0, &t, desk.id, app.state.now()).await.unwrap();
        let id2 = uuid::Uuid::now_v7();
        app.api("PUT", &format!("/api/v1/reports/{id2}"), Some(&token), Some(&body)).await;
        set_webhook(&app, org, "http://127.0.0.1:9/nothing-here", &sealed).await;
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0, "delivery failed");
        set_webhook(&app, org, &url, &sealed).await;
        app.state.clock.advance(Duration::seconds(15));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 1, "retried and delivered");
        assert_eq!(got.lock().unwrap().len(), 3);
        app.finish().await;
    }
}

/// A real SMTP server on loopback (Python's aiosmtpd), writing what it receives to
/// an mbox file; or a clear skip where it is not installed (never in CI).
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    pub mbox: std::path::PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn smtp_server() -> Option<SmtpServer> {
    let available =
        std::process::Command::new("python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !available {
        assert!(std::env::var_os("CI").is_none(), "CI must run the e-mail test: pip install aiosmtpd");
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED alert e-mail test: python3 module aiosmtpd is not installed");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mbox = std::env::temp_dir().join(format!("sightline-mbox-{}", uuid::Uuid::now_v7()));
    let mut child = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&mbox)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(SmtpServer { child, port, mbox });
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("aiosmtpd did not start");
}

/// The mailbox once it holds at least `n` messages (waiting up to 5 s for the server
/// to write them), with quoted-printable soft line breaks undone.
pub async fn wait_for_mail(dir: &std::path::Path, n: usize) -> Vec<String> {
    let mut mails = Vec::new();
    for _ in 0..50 {
        mails = mailbox(dir);
        if mails.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    mails.into_iter().map(|m| m.replace("=\r\n", "").replace("=\n", "")).collect()
}

fn mailbox(dir: &std::path::Path) -> Vec<String> {
    // aiosmtpd's Mailbox handler keeps a maildir-style mailbox at this path.
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd.flatten() {
                out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    if out.is_empty()
        && let Ok(text) = std::fs::read_to_string(dir)
    {
        out.extend(text.split("\nFrom ").map(str::to_owned).filter(|m| !m.trim().is_empty()));
    }
    out
}

#[tokio::test]
async fn the_desk_is_alerted_by_e_mail_through_a_real_smtp_server() {
    let Some(smtp) = smtp_server() else { return };
    let relay = sightline_web::Smtp::parse(&format!("smtp://127.0.0.1:{}", smtp.port), "sightline@nordicwings.example")
        .unwrap();
    let mut app = TestApp::builder().with_content().with_smtp(relay).build().await;
    let state = app.state.clone();
    let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
    let token = token_for(&app.state.db, "crew@nw.example").await;
    let audit = NewAuditEntry::new(AuditAction::AlertsConfigured).org(org);
    let change = AlertChange::Email("desk@nordicwings.example");
    app.state.db.configure_alerts(org, change, &audit, app.state.now()).await.unwrap();
    let body = serde_json::json!({
        "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
        "origin": "JFK", "destination": "HEL", "potential_victims": 1, "companion_aware": "no", "immediate_danger": true,
        "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"], "free_text": "SECRET-TEXT-4410",
        "considered_innocent_explanations": true
    })
    .to_string();
    let r = app.put_report(&token, uuid::Uuid::now_v7(), &body).await;
    let reference = r.json()["reference"].as_str().unwrap().to_owned();

    assert_eq!(sightline_jobs::alerts::run_once(&state.jobs()).await.unwrap(), 1);
    assert_eq!(sightline_jobs::alerts::run_once(&state.jobs()).await.unwrap(), 0, "sent once");
    let mails = wait_for_mail(&smtp.mbox, 1).await;
    assert_eq!(mails.len(), 1, "one e-mail arrived");
    let mail = &mails[0];
    assert!(mail.contains("To: desk@nordicwings.example"), "{mail}");
    assert!(
        mail.contains(&format!("Subject: [Sightline] IMMEDIATE DANGER: New report {reference} AY5 JFK-HEL")),
        "{mail}"
    );
    assert!(!mail.contains("SECRET-TEXT"), "no report text in e-mail");

    // Still not acknowledged five minutes later: exactly one more e-mail.
    state.clock.advance(Duration::minutes(6));
    assert_eq!(sightline_jobs::alerts::run_once(&state.jobs()).await.unwrap(), 1);
    assert_eq!(sightline_jobs::alerts::run_once(&state.jobs()).await.unwrap(), 0, "sent once");
    let mails = wait_for_mail(&smtp.mbox, 2).await;
    assert_eq!(mails.len(), 2, "the follow-up arrived");
    assert!(mails.iter().any(|m| m.contains("Not acknowledged after 5 min:")), "{mails:?}");
    assert!(mails.iter().all(|m| !m.contains("SECRET-TEXT")), "no report text in e-mail");
    app.finish().await;
}

#[tokio::test]
async fn an_organisation_admin_sets_where_the_desk_is_alerted_in_the_browser() {
    for db in engines().await {
        let mut admin = TestApp::with_content(db).await;
        let org = make_person(&admin.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        make_person(&admin.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let other = make_person(&admin.state.db, "Other Air", "admin@other.example", &[Role::OrgAdmin], None).await;
        admin.sign_in_and_enrol("admin@nw.example").await;
        let page = format!("/orgs/{org}/settings");
        let email = format!("{page}/alert-email");
        let hook = format!("{page}/webhook");
        let form = admin.get(&page).await;
        assert!(form.body.contains("no mail relay configured"), "the admin learns e-mail needs SMTP");

        // Bad input: 422 at the field, the input kept, nothing saved.
        let r = admin.submit(&page, &email, &[("alert_email", "desk at nordicwings")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"desk at nordicwings\"") && r.body.contains("aria-invalid=\"true\""));
        let r =
            admin.submit(&page, &hook, &[("webhook_url", "desk.nordicwings.example/hook"), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter an address starting with https://"));
        assert!(r.body.contains("value=\"desk.nordicwings.example/hook\""));
        assert_eq!(admin.state.db.alert_settings(org).await.unwrap(), (None, None));

        // The e-mail address and the webhook; the secret is shown once and signs the alerts.
        let r = admin.submit(&page, &email, &[("alert_email", " Desk@NordicWings.example ")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("value=\"desk@nordicwings.example\""));
        let (url, got) = receiver().await;
        let r = admin.submit(&page, &hook, &[("webhook_url", &url), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a tenant cannot aim the server at its loopback");
        assert!(r.body.contains("private network or this machine"));
        admin.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let r = admin.submit(&page, &hook, &[("webhook_url", &url), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let secret = crate::support::between(&r.body, "<code id=\"webhook-secret\">", "</code>");
        assert_eq!(secret.len(), 43);
        assert!(!admin.get(&page).await.body.contains(&secret), "shown once");
        let crew = token_for(&admin.state.db, "crew@nw.example").await;
        let body = serde_json::json!({
            "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
            "origin": "JFK", "destination": "HEL", "potential_victims": 1, "companion_aware": "no",
            "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"], "free_text": "",
            "considered_innocent_explanations": true
        });
        let id = uuid::Uuid::now_v7();
        admin.put_report(&crew, id, &body.to_string()).await;
        assert_eq!(sightline_jobs::alerts::run_once(&admin.state.jobs()).await.unwrap(), 1);
        {
            let got = got.lock().unwrap();
            let (headers, payload) = &got[0];
            let sig = headers["x-sightline-signature"].to_str().unwrap();
            assert_eq!(sig, sightline_jobs::alerts::signature(secret.as_bytes(), payload.as_bytes()));
        }

        // Another organisation's settings do not exist for this admin; CSRF is required.
        assert_eq!(admin.get(&format!("/orgs/{other}/settings")).await.status, StatusCode::NOT_FOUND);
        let r = admin.post_form(&email, &[("alert_email", "x@y.example")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Stopping both.
        let r = admin.submit(&page, &email, &[("alert_email", "")]).await;
        assert!(r.body.contains("E-mail alerts are stopped."));
        let r = admin.submit(&page, &hook, &[("webhook_url", &url), ("action", "stop")]).await;
        assert!(r.body.contains("The webhook is stopped."));
        assert_eq!(admin.state.db.alert_settings(org).await.unwrap(), (None, None));
        let trail = admin.state.db.audit_for_org(org, 50).await.unwrap().entries;
        let configured: Vec<_> = trail.iter().filter(|e| e.action == "org.alerts_configured").collect();
        assert_eq!(configured.len(), 4, "two settings, two stops");
        let me = admin.user("admin@nw.example").await.id;
        assert!(configured.iter().all(|e| e.actor == Some(me)));
        admin.finish().await;
    }
}

#[test]
fn webhook_hosts_are_resolved_and_private_ones_refused_at_send_time() {
    use sightline_jobs::alerts::check_destination;
    // `localhost` resolves to loopback everywhere; so does a literal loopback address.
    for url in ["http://localhost:9/hook", "http://127.0.0.1:9/hook", "http://[::1]:9/hook"] {
        assert!(check_destination(url, false).is_err(), "{url}");
        assert!(check_destination(url, true).is_ok(), "{url}: allowed by the operator");
    }
    let err = check_destination("https://no-such-host.invalid/hook", false).unwrap_err();
    assert!(err.contains("cannot resolve"), "{err}");
}

/// A receiver whose answers are scripted: each request takes the next status (the
/// last one repeats), and a redirect points at `/elsewhere` on the same server.
async fn scripted_receiver(statuses: Vec<u16>) -> (String, Received, Received) {
    let got: Received = Arc::default();
    let elsewhere: Received = Arc::default();
    let (sink, other) = (got.clone(), elsewhere.clone());
    let script = Arc::new(Mutex::new(statuses));
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (sink, script) = (sink.clone(), script.clone());
                async move {
                    sink.lock().unwrap().push((headers, body));
                    let mut s = script.lock().unwrap();
                    let code = if s.len() > 1 { s.remove(0) } else { s[0] };
                    let status = StatusCode::from_u16(code).unwrap();
                    (status, [(axum::http::header::LOCATION, "/elsewhere")])
                }
            }),
        )
        .route(
            "/elsewhere",
            axum::routing::any(move |headers: HeaderMap, body: String| {
                let other = other.clone();
                async move {
                    other.lock().unwrap().push((headers, body));
                    StatusCode::NO_CONTENT
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got, elsewhere)
}

async fn file_report(app: &mut TestApp, token: &str) -> uuid::Uuid {
    app.put_short_report(token, ("JFK", "HEL")).await
}

/// Issue 9: a 302 was followed, signature header and all; and a failed or slow
/// delivery came twice with nothing to tell the copies apart. Now redirects are
/// refused (and retried like any failure), and every attempt carries the same
/// `X-Sightline-Delivery` id.
#[tokio::test]
async fn webhooks_follow_no_redirect_and_repeat_one_delivery_id() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let token = token_for(&app.state.db, "crew@nw.example").await;
        let (url, got, elsewhere) = scripted_receiver(vec![302, 500, 204]).await;
        let (sealed, _) = sightline_web::alerts::new_webhook_secret(&app.state, org).unwrap();
        set_webhook(&app, org, &url, &sealed).await;
        let id = file_report(&mut app, &token).await;

        assert_eq!(
            sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(),
            0,
            "a redirect is not a delivery"
        );
        assert!(elsewhere.lock().unwrap().is_empty(), "the redirect was not followed");
        app.state.clock.advance(Duration::seconds(15));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0, "500: retried later");
        app.state.clock.advance(Duration::seconds(29));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0, "back-off grows: 30 s");
        app.state.clock.advance(Duration::seconds(1));
        assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 1);
        let ids: Vec<String> =
            got.lock().unwrap().iter().map(|(h, _)| h["x-sightline-delivery"].to_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), 3);
        assert_eq!(ids[0], format!("webhook-{id}-new"));
        assert!(ids.iter().all(|d| *d == ids[0]), "one id for every attempt: {ids:?}");
        assert!(elsewhere.lock().unwrap().is_empty());
        app.finish().await;
    }
}

/// Issue 9: the address was checked, then the client resolved the name again. The
/// client now connects only to addresses its own resolver checked: a stored webhook
/// whose host is no private address by its spelling but resolves to this machine
/// (`127.1`, which the system resolver reads as 127.0.0.1) is never called.
#[tokio::test]
async fn the_webhook_client_connects_only_to_checked_addresses() {
    let mut app = TestApp::builder().with_content().build().await;
    let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
    let token = token_for(&app.state.db, "crew@nw.example").await;
    let (url, got) = receiver().await;
    let by_name = url.replace("127.0.0.1", "127.1");
    let stored = sightline_domain::triage::WebhookUrl::parse(&by_name).unwrap();
    assert!(!stored.is_private_host(), "only resolving shows where it points");
    let (sealed, _) = sightline_web::alerts::new_webhook_secret(&app.state, org).unwrap();
    set_webhook(&app, org, &by_name, &sealed).await;
    file_report(&mut app, &token).await;
    assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 0);
    assert!(got.lock().unwrap().is_empty(), "a host resolving to loopback is never connected to");
    // Allowed by the operator, the same name is reached (so the refusal above was the check).
    app.reconfigure(sightline_web::Config::allowing_private_webhooks);
    app.state.clock.advance(Duration::seconds(15));
    assert_eq!(sightline_jobs::alerts::run_once(&app.state.jobs()).await.unwrap(), 1);
    assert_eq!(got.lock().unwrap().len(), 1);
    app.finish().await;
}
