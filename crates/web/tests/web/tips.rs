//! Anonymous public tips (issue 12): the form, the receipt, routing to the covering
//! organisation or the public desk, the desk's reply and the tipster's answer, every
//! bad input, the rate limits, and that nothing identifying the sender is stored or
//! logged.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::user::Role;
use sightline_storage::QueueFilter;

use crate::support::{Resp, TestApp, between, csrf_of, engines, serde_urlencoded_pairs, unescape};

const UA: &str = "TipsterPhone/9.9 (ua-marker-5af1)";
const TIPSTER_IP: [u8; 4] = [10, 9, 8, 7];

async fn person(app: &TestApp, org_name: &str, email: &str, roles: &[Role]) -> OrgId {
    crate::support::make_person(&app.state.db, org_name, email, roles, None).await
}

async fn cover(app: &TestApp, org: OrgId, airports: &[&str]) {
    let list: Vec<String> = airports.iter().map(|a| (*a).to_owned()).collect();
    let audit = NewAuditEntry::new(AuditAction::OrgAirportsChanged);
    app.state.db.set_org_airports(org, &list, &audit, app.state.now()).await.unwrap();
}

/// A browser with its own address that sends a user agent on every request.
fn tipster(app: &TestApp) -> TestApp {
    let mut t = app.another_browser();
    t.ip = TIPSTER_IP;
    t
}

async fn post_with_ua(app: &mut TestApp, path: &str, fields: &[(&str, &str)]) -> Resp {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::USER_AGENT, UA)
        .body(Body::from(serde_urlencoded_pairs(fields)))
        .unwrap();
    app.send(req).await
}

/// Open the form and send it with these fields; `pow`: solve the challenge (as the
/// page's script does), send no nonce (no JavaScript), or send this nonce.
async fn send_tip(app: &mut TestApp, fields: &[(&str, &str)], pow: Pow) -> Resp {
    let page = app.get("/tip").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = csrf_of(&page.body);
    let challenge = between(&page.body, "name=\"challenge\" value=\"", "\"");
    send_tip_with(app, &csrf, &challenge, fields, pow).await
}

enum Pow {
    Solve,
    None,
    Nonce(&'static str),
    NoChallenge,
}

async fn send_tip_with(app: &mut TestApp, csrf: &str, challenge: &str, fields: &[(&str, &str)], pow: Pow) -> Resp {
    let bits: u32 = challenge.split('.').nth(3).unwrap().parse().unwrap();
    let nonce = match pow {
        Pow::Solve => sightline_domain::tip::pow_solve(challenge, bits),
        Pow::None | Pow::NoChallenge => String::new(),
        Pow::Nonce(n) => n.to_owned(),
    };
    let mut all = vec![("csrf", csrf), ("pow", nonce.as_str())];
    if !matches!(pow, Pow::NoChallenge) {
        all.push(("challenge", challenge));
    }
    all.extend_from_slice(fields);
    post_with_ua(app, "/tip", &all).await
}

fn receipt_of(page: &Resp) -> String {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    between(&page.body, "<strong id=\"receipt\">", "</strong>").to_owned()
}

const GOOD: [(&str, &str); 5] = [
    ("airport", "hel"),
    ("place", "Gate 31, by the toilets"),
    ("date", "2026-11-28"),
    ("sign", "MOV-NEVER-ALONE"),
    ("text", "A girl was walked to the toilet and back by a man who held her passport."),
];

async fn analyst(app: &TestApp, email: &str) -> TestApp {
    let mut a = app.another_browser();
    a.sign_in_and_enrol(email).await;
    a
}

/// Everything tracing writes while a test runs, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;
    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

#[tokio::test]
async fn a_tip_reaches_the_covering_desk_who_reply_and_the_tipster_answers_with_the_receipt() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for db in engines().await {
        let app = TestApp::with_content(db).await;
        let hel = person(&app, "Helsinki Airport", "desk@hel.example", &[Role::DeskAnalyst]).await;
        person(&app, "Other Airport", "desk@other.example", &[Role::DeskAnalyst]).await;
        cover(&app, hel, &["HEL"]).await;

        let mut t = tipster(&app);
        let form = t.get("/tip").await;
        assert_eq!(form.status, StatusCode::OK);
        let first = form.body.find("id=\"tip-first\"").unwrap();
        assert!(first < form.body.find("id=\"tip-form\"").unwrap(), "emergency number and do-not-intervene first");
        assert!(form.body.contains("MOV-NEVER-ALONE"), "public signs are offered");
        assert!(!form.body.contains("TRV-CASH-PAYMENT"), "only the public subset");
        for bad in ["ethnic", "skin", "religion", "nationality"] {
            assert!(!form.body.contains(&format!("name=\"{bad}")), "no field for {bad}");
        }
        assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(form.headers[header::REFERRER_POLICY], "no-referrer");
        for c in form.headers.get_all(header::SET_COOKIE) {
            assert!(c.to_str().unwrap().starts_with("sl_csrf="), "only the CSRF cookie: {c:?}");
        }

        let mut fields = GOOD.to_vec();
        fields.push(("contact", "call-me-marker@example.org"));
        let sent = send_tip(&mut t, &fields, Pow::Solve).await;
        let receipt = receipt_of(&sent);
        assert_eq!(receipt.len(), 19, "grouped 4-4-4-4: {receipt}");
        assert_eq!(sent.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(sent.headers[header::CACHE_CONTROL], "no-store");

        // The covering desk sees it, badged; the other desk does not.
        let mut desk = analyst(&app, "desk@hel.example").await;
        let queue = desk.get("/desk").await;
        assert!(queue.body.contains("public-tip"), "badge in the queue");
        let id = between(&queue.body, "<a href=\"/desk/cases/", "\"");
        let case = desk.get(&format!("/desk/cases/{id}")).await;
        assert_eq!(case.status, StatusCode::OK);
        assert!(case.body.contains("id=\"tip-thread\""));
        assert!(unescape(&case.body).contains("held her passport"));
        assert!(case.body.contains("call-me-marker@example.org"), "the contact is shown to the desk");
        let mut other = analyst(&app, "desk@other.example").await;
        assert!(!other.get("/desk").await.body.contains("public-tip"));

        // The desk replies (an empty reply is refused on the case page).
        let empty = desk.submit(&format!("/desk/cases/{id}"), &format!("/desk/cases/{id}/tip-reply"), &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = desk
            .submit(
                &format!("/desk/cases/{id}"),
                &format!("/desk/cases/{id}/tip-reply"),
                &[("message", "Thank you. Which gate was it, and about what time?")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // The tipster reads it with the receipt, without spaces too, and answers.
        let page = t.get("/tip/status").await;
        let csrf = csrf_of(&page.body);
        let plain: String = receipt.chars().filter(char::is_ascii_digit).collect();
        let status = post_with_ua(&mut t, "/tip/status", &[("csrf", &csrf), ("receipt", &plain)]).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert!(status.body.contains("Which gate was it"));
        assert!(status.body.contains("Received"));
        assert_eq!(status.headers[header::REFERRER_POLICY], "no-referrer");
        let answer = post_with_ua(
            &mut t,
            "/tip/status/reply",
            &[("csrf", &csrf), ("receipt", &receipt), ("message", "Gate 31, around 14:00.")],
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains("Gate 31, around 14:00."));
        let case = desk.get(&format!("/desk/cases/{id}")).await;
        assert!(case.body.contains("Gate 31, around 14:00."), "the desk sees the answer");

        // The workflow's status reaches the tipster in their terms.
        let version = between(&case.body, "name=\"version\" value=\"", "\"");
        let moved = desk
            .submit(
                &format!("/desk/cases/{id}"),
                &format!("/desk/cases/{id}/transition"),
                &[("version", &version), ("to", "acknowledged")],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        let status = post_with_ua(&mut t, "/tip/status", &[("csrf", &csrf), ("receipt", &receipt)]).await;
        assert!(status.body.contains("Being looked at"), "{}", status.body);

        // Nothing identifying the sender is stored: not the address, not the user
        // agent, not the receipt.
        let dump = sightline_storage::testing::dump_text(&app.state.db).await.unwrap();
        assert!(dump.contains("tips: "), "the dump sees the tips table");
        assert!(dump.contains("tip_messages: "));
        for secret in ["10.9.8.7", "ua-marker-5af1", "TipsterPhone", &plain, &receipt] {
            assert!(!dump.contains(secret), "{secret} is stored");
            let hex: String = secret.bytes().map(|b| format!("{b:02X}")).collect();
            assert!(!dump.to_uppercase().contains(&hex), "{secret} is stored as bytes");
        }
        assert!(!dump.contains("Which gate was it"), "messages are sealed at rest");
        assert!(!dump.contains("call-me-marker"), "the contact is sealed at rest");
        app.finish().await;
    }
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for secret in ["10.9.8.7", "ua-marker-5af1", "TipsterPhone", "Which gate", "held her passport"] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
}

#[tokio::test]
async fn a_tip_no_organisation_covers_goes_to_the_public_desk() {
    for db in engines().await {
        let app = TestApp::with_content(db).await;
        let hel = person(&app, "Helsinki Airport", "desk@hel.example", &[Role::DeskAnalyst]).await;
        cover(&app, hel, &["HEL"]).await;
        let mut t = tipster(&app);
        let jfk = [("airport", "JFK"), ("date", "2026-11-28"), ("text", "A boy alone with a taxi number.")];
        receipt_of(&send_tip(&mut t, &jfk, Pow::Solve).await);
        let nowhere = [("date", "2026-11-28"), ("sign", "BEH-FEARFUL")];
        receipt_of(&send_tip(&mut t, &nowhere, Pow::Solve).await);
        receipt_of(&send_tip(&mut t, &GOOD, Pow::Solve).await);
        let db = &app.state.db;
        let public = db.public_desk(app.state.now()).await.unwrap();
        let queue = |org| async move { db.queue(org, &QueueFilter::default(), 50).await.unwrap() };
        let p = queue(public).await;
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|c| c.public_tip));
        assert_eq!(p.iter().filter(|c| c.origin == "JFK").count(), 1);
        let h = queue(hel).await;
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].origin, "HEL");
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_tips_are_refused_with_the_input_kept_and_nothing_stored() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let policy = sightline_web::tips::TipPolicy { tips: 100, ..app.state.app.tips.policy.clone() };
        app.state.app = app.state.app.clone().with_tip_policy(policy);
        app.reconfigure(|c| c);
        let mut t = tipster(&app);
        let stored = |app: &TestApp| {
            let db = app.state.db.clone();
            async move {
                let dump = sightline_storage::testing::dump_text(&db).await.unwrap();
                dump.lines().filter(|l| l.starts_with("tips: ")).count()
            }
        };
        let expect = |r: &Resp, status: StatusCode, message: &str| {
            assert_eq!(r.status, status, "{}", r.body);
            assert!(unescape(&r.body).contains(message), "{message} in {}", r.body);
        };
        // Empty.
        let r = send_tip(&mut t, &[("date", "2026-11-28")], Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "Tick at least one sign, or describe what happened.");
        // Unknown airport: the input is kept.
        let mut fields = GOOD.to_vec();
        fields[0] = ("airport", "ZZQ");
        let r = send_tip(&mut t, &fields, Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "No airport has this code.");
        assert!(r.body.contains("value=\"ZZQ\""));
        assert!(r.body.contains("Gate 31, by the toilets"));
        assert!(r.body.contains("value=\"MOV-NEVER-ALONE\" checked"));
        // Oversized text, and a sign that is not public.
        let long = "x".repeat(2_001);
        let r = send_tip(&mut t, &[("date", "2026-11-28"), ("text", &long)], Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "This is too long.");
        let r = send_tip(&mut t, &[("date", "2026-11-28"), ("sign", "TRV-CASH-PAYMENT")], Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "Unknown sign.");
        assert_eq!(stored(&app).await, 0);

        // The proof-of-work: missing, wrong, expired, replayed.
        let r = send_tip(&mut t, &GOOD, Pow::NoChallenge).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "anti-spam check is missing");
        assert!(r.body.contains("held her passport"), "input kept");
        let r = send_tip(&mut t, &GOOD, Pow::Nonce("12345678901234567890")).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "anti-spam check did not match");
        let page = t.get("/tip").await;
        let (csrf, challenge) = (csrf_of(&page.body), between(&page.body, "name=\"challenge\" value=\"", "\""));
        let forged = challenge.replacen(".16.", ".1.", 1);
        let r = send_tip_with(&mut t, &csrf, &forged, &GOOD, Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "anti-spam check did not match");
        app.state.clock.advance(time::Duration::minutes(16));
        let r = send_tip_with(&mut t, &csrf, &challenge, &GOOD, Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "The form was open too long.");
        assert_eq!(stored(&app).await, 0);
        let page = t.get("/tip").await;
        let (csrf, challenge) = (csrf_of(&page.body), between(&page.body, "name=\"challenge\" value=\"", "\""));
        receipt_of(&send_tip_with(&mut t, &csrf, &challenge, &GOOD, Pow::Solve).await);
        let r = send_tip_with(&mut t, &csrf, &challenge, &GOOD, Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "This form was already sent once.");
        assert_eq!(stored(&app).await, 1);

        // Words about origin: a warning first, then sent when the person confirms.
        let mut guarded = GOOD.to_vec();
        guarded[4] = ("text", "The man, a foreigner, kept her passport.");
        let r = send_tip(&mut t, &guarded, Pow::Solve).await;
        expect(&r, StatusCode::UNPROCESSABLE_ENTITY, "Your text mentions origin");
        assert!(r.body.contains("id=\"guard-warning\""));
        guarded.push(("confirmed", "1"));
        receipt_of(&send_tip(&mut t, &guarded, Pow::Solve).await);

        // Without JavaScript: no nonce, the slower path still stores it.
        receipt_of(&send_tip(&mut t, &GOOD, Pow::None).await);
        assert_eq!(stored(&app).await, 3);
        app.finish().await;
    }
}

#[tokio::test]
async fn tips_are_rate_limited_per_address_in_memory() {
    let app = TestApp::builder().with_content().build().await;
    let mut t = tipster(&app);
    for _ in 0..3 {
        receipt_of(&send_tip(&mut t, &GOOD, Pow::None).await);
    }
    // Without JavaScript: three per window.
    let r = send_tip(&mut t, &GOOD, Pow::None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    for _ in 0..6 {
        receipt_of(&send_tip(&mut t, &GOOD, Pow::Solve).await);
    }
    // Ten tips of any kind per window and address; another address is not held up.
    let r = send_tip(&mut t, &GOOD, Pow::Solve).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(unescape(&r.body).contains("held her passport"), "input kept");
    let mut elsewhere = app.another_browser();
    elsewhere.ip = [10, 1, 1, 1];
    let r = send_tip(&mut elsewhere, &GOOD, Pow::Solve).await;
    assert_eq!(r.status, StatusCode::OK, "elsewhere");
    app.state.clock.advance(time::Duration::minutes(11));
    receipt_of(&send_tip(&mut t, &GOOD, Pow::Solve).await);
    app.finish().await;
}

async fn check(t: &mut TestApp, csrf: &str, receipt: &str) -> (Resp, std::time::Duration) {
    let start = std::time::Instant::now();
    let r = post_with_ua(t, "/tip/status", &[("csrf", csrf), ("receipt", receipt)]).await;
    (r, start.elapsed())
}

#[tokio::test]
async fn a_wrong_receipt_gets_one_answer_in_the_same_time_and_is_throttled() {
    for db in engines().await {
        let app = TestApp::with_content(db).await;
        let mut t = tipster(&app);
        let receipt = receipt_of(&send_tip(&mut t, &GOOD, Pow::Solve).await);
        let page = t.get("/tip/status").await;
        let csrf = csrf_of(&page.body);
        // The fastest of three of each, so that a busy machine's pause on one request
        // does not decide the comparison.
        let mut fastest_hit = std::time::Duration::MAX;
        for _ in 0..3 {
            let (ok, took) = check(&mut t, &csrf, &receipt).await;
            assert_eq!(ok.status, StatusCode::OK);
            fastest_hit = fastest_hit.min(took);
        }
        let mut answers = Vec::new();
        let mut fastest_miss = std::time::Duration::MAX;
        for wrong in ["0000 0000 0000 0001", "9999 9999 9999 9998", "1234 5678 9012 3456"] {
            let (r, took) = check(&mut t, &csrf, wrong).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            answers.push(between(&r.body, "<p class=\"field-error\">", "</p>"));
            fastest_miss = fastest_miss.min(took);
        }
        assert!(answers.iter().all(|a| *a == answers[0] && a.contains("No tip can be opened")), "{answers:?}");
        // A miss verifies a dummy hash: it costs as much as a hit (not a database
        // miss's fraction of a millisecond).
        assert!(fastest_miss * 3 > fastest_hit, "miss {fastest_miss:?} vs hit {fastest_hit:?}");
        // Thirty checks per window and address, then 429 for every receipt, the right one too.
        for _ in 0..24 {
            check(&mut t, &csrf, "1111 2222 3333 4444").await;
        }
        let (r, _) = check(&mut t, &csrf, &receipt).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        drop(t);
        app.finish().await;
    }
}

#[tokio::test]
async fn platform_admins_set_the_airports_an_organisation_covers() {
    let mut app = TestApp::builder().with_content().build().await;
    app.set_up_platform_admin().await;
    let a = person(&app, "Helsinki Airport", "desk@hel.example", &[Role::DeskAnalyst]).await;
    let b = person(&app, "Tallinn Airport", "desk@tll.example", &[Role::DeskAnalyst]).await;
    let path = format!("/admin/organisations/{a}/airports");
    let r = app.submit(&path, &path, &[("airports", "hel, tll")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("value=\"HEL TLL\""));
    let bad = app.submit(&path, &path, &[("airports", "HEL ZZQ")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"HEL ZZQ\""), "input kept");
    let other = format!("/admin/organisations/{b}/airports");
    let taken = app.submit(&other, &other, &[("airports", "TLL")]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("Another organisation already covers"));
    assert_eq!(app.state.db.org_airports(a).await.unwrap(), ["HEL", "TLL"]);
    let audit = app.state.db.audit_for_org(a, 20).await.unwrap();
    assert!(audit.entries.iter().any(|e| e.action == "org.airports_changed" && e.detail == "HEL TLL"));
    app.finish().await;
}

/// Issue 12, languages: the form, its errors, the receipt and the status page in every
/// language of the public pages (`content/public/<lang>/tip.toml`), Arabic right to
/// left; the language chosen on an airport's help page is carried to the form (with
/// the airport) and through the receipt to the status page; each page with its
/// stylesheet, icon and script under 30 KB.
#[tokio::test]
async fn the_tip_pages_speak_every_public_language_and_keep_it_to_the_status_page() {
    use crate::public::askama_escape as esc;
    for db in engines().await {
        let app = TestApp::with_content(db).await;
        let mut t = tipster(&app);
        let css = t.get("/static/public.css").await.body.len() + t.get("/static/tip.css").await.body.len();
        let icon = t.get("/favicon.svg").await.body.len();
        let script = t.get("/static/tip.js").await.body.len();
        let mut heaviest = (0, String::new());
        let langs = ["en", "fi", "sv", "es", "fr", "ru", "uk", "ar"];
        for (n, lang) in langs.into_iter().enumerate() {
            let w = app.state.library.public.get(lang).unwrap().clone();
            let html = format!("<html lang=\"{lang}\" dir=\"{}\">", if lang == "ar" { "rtl" } else { "ltr" });
            // Each language from its own address: the per-address limits stay out of it.
            t.ip = [10, 9, 8, 10 + u8::try_from(n).unwrap()];

            // The help page links to the form in its language, with its airport.
            let help = t.get(&format!("/help/HEL?lang={lang}")).await;
            assert!(help.body.contains(&format!("href=\"/tip?lang={lang}&amp;airport=HEL\"")), "{lang}: {}", help.body);
            let url = format!("/tip?lang={lang}&airport=HEL");
            let form = t.get(&url).await;
            assert_eq!(form.status, StatusCode::OK, "{url}");
            assert!(form.body.contains(&html), "{url}");
            for key in ["tip-title", "tip-first", "tip-do-not-intervene", "tip-send", "unreviewed"] {
                assert!(form.body.contains(&esc(w.t(key))), "{url}: {key}");
            }
            assert!(form.body.contains("id=\"airport\" name=\"airport\" value=\"HEL\""), "{url}: the airport carried");
            assert!(form.body.contains(&format!("action=\"/tip?lang={lang}\"")), "{url}: the form keeps the language");
            assert!(form.body.contains(&format!("href=\"/tip/status?lang={lang}\"")), "{url}");
            assert!(form.body.contains("href=\"/tip?lang=ar&#38;airport=HEL\""), "{url}: the switch keeps the airport");
            let (code, _) = &w.signs[0];
            assert!(form.body.contains(&format!("value=\"{code}\"")), "{url}: the public signs");
            assert!(form.body.contains(&esc(&w.signs[0].1.label)), "{url}: the signs in {lang}");
            let total = form.body.len() + css + icon + script;
            assert!(total < 30 * 1024, "{url}: {total} bytes");
            if total > heaviest.0 {
                heaviest = (total, url.clone());
            }

            // An empty tip: the errors in the page's language, the input kept.
            let csrf = csrf_of(&form.body);
            let challenge = between(&form.body, "name=\"challenge\" value=\"", "\"");
            let bits: u32 = challenge.split('.').nth(3).unwrap().parse().unwrap();
            let action = format!("/tip?lang={lang}");
            let nonce = sightline_domain::tip::pow_solve(&challenge, bits);
            let base = [("csrf", csrf.as_str()), ("challenge", challenge.as_str()), ("pow", nonce.as_str())];
            let mut empty = base.to_vec();
            empty.extend([("airport", "HEL"), ("date", "2026-11-28"), ("place", "Portti 31")]);
            let bad = post_with_ua(&mut t, &action, &empty).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
            assert!(bad.body.contains(&html), "{action}");
            assert!(bad.body.contains(&esc(w.t("error-summary"))), "{lang}: {}", bad.body);
            assert!(bad.body.contains(&esc(w.t("error-nothing-reported"))), "{lang}: {}", bad.body);
            assert!(bad.body.contains("value=\"Portti 31\""), "{lang}: input kept");

            // The tip: the receipt page in the language, its link to the status page too.
            let form = t.get(&url).await;
            let csrf = csrf_of(&form.body);
            let challenge = between(&form.body, "name=\"challenge\" value=\"", "\"");
            let nonce = sightline_domain::tip::pow_solve(&challenge, bits);
            let mut good = vec![("csrf", csrf.as_str()), ("challenge", challenge.as_str()), ("pow", nonce.as_str())];
            good.extend_from_slice(&GOOD);
            let sent = post_with_ua(&mut t, &action, &good).await;
            let receipt = receipt_of(&sent);
            assert!(sent.body.contains(&html), "{lang}");
            assert!(sent.body.contains(&esc(w.t("tip-sent-title"))), "{lang}");
            assert!(sent.body.contains(&format!("href=\"/tip/status?lang={lang}\"")), "{lang}");
            assert!(!sent.body.contains("class=\"langs\""), "{lang}: no switch away from the receipt shown once");
            assert!(sent.body.len() + css + icon < 30 * 1024);

            // The status page: asked in the language, answered in it; a wrong receipt too.
            let status_url = format!("/tip/status?lang={lang}");
            let page = t.get(&status_url).await;
            assert!(page.body.contains(&html) && page.body.contains(&esc(w.t("tip-receipt"))), "{status_url}");
            assert!(page.body.contains(&format!("action=\"{status_url}\"")), "{status_url}");
            let csrf = csrf_of(&page.body);
            let shown = post_with_ua(&mut t, &status_url, &[("csrf", &csrf), ("receipt", &receipt)]).await;
            assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
            assert!(shown.body.contains(&html), "{lang}");
            assert!(shown.body.contains(&esc(w.t("tip-status-received"))), "{lang}");
            assert!(shown.body.contains(&esc(w.t("tip-no-messages"))), "{lang}");
            assert!(shown.body.contains(&format!("action=\"/tip/status/reply?lang={lang}\"")), "{lang}");
            let wrong = post_with_ua(&mut t, &status_url, &[("csrf", &csrf), ("receipt", "1234 5678 9012 3456")]).await;
            assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(wrong.body.contains(&html) && wrong.body.contains(&esc(w.t("error-unknown-receipt"))), "{lang}");
            let answer = post_with_ua(
                &mut t,
                &format!("/tip/status/reply?lang={lang}"),
                &[("csrf", &csrf), ("receipt", &receipt), ("message", "Portti 31, noin 14:00.")],
            )
            .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            assert!(answer.body.contains(&html) && answer.body.contains(&esc(w.t("tip-from-you"))), "{lang}");
            for page in [&sent, &shown, &answer] {
                let total = page.body.len() + css + icon;
                if total > heaviest.0 {
                    heaviest = (total, format!("{lang}: {}", between(&page.body, "<title>", "</title>")));
                }
            }
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("heaviest tip page with its assets, uncompressed: {} bytes ({})\n", heaviest.0, heaviest.1)
                .as_bytes(),
        );
        // No `?lang=`: the first language of Accept-Language the pages speak.
        let req = Request::get("/tip").header(header::ACCEPT_LANGUAGE, "de, uk;q=0.8").body(Body::empty()).unwrap();
        let r = t.send(req).await;
        assert!(r.body.contains("<html lang=\"uk\" dir=\"ltr\">"));
        drop(t);
        app.finish().await;
    }
}

/// The "not yet reviewed" note leaves a tip page only when both its files are reviewed.
#[tokio::test]
async fn the_tip_pages_lose_the_unreviewed_note_only_when_both_files_are_reviewed() {
    let mut library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    for l in &mut library.public.langs {
        l.reviewed = l.code == "fi" || l.code == "sv";
        l.tip_reviewed = l.code == "fi" || l.code == "es";
    }
    let mut app = TestApp::builder().with_library(library).build().await;
    for (lang, note) in [("fi", false), ("sv", true), ("es", true), ("en", true)] {
        let r = app.get(&format!("/tip?lang={lang}")).await;
        assert_eq!(r.body.contains("class=\"unreviewed\""), note, "{lang}");
        let r = app.get(&format!("/tip/status?lang={lang}")).await;
        assert_eq!(r.body.contains("class=\"unreviewed\""), note, "{lang}");
    }
    // The pages' own note follows pages.toml alone.
    assert!(!app.get("/help/HEL?lang=fi").await.body.contains("class=\"unreviewed\""));
    assert!(!app.get("/public?lang=sv").await.body.contains("class=\"unreviewed\""));
    app.finish().await;
}
