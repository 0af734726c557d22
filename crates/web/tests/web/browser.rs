//! The "done when" path in real headless Chromium at a phone-sized viewport: the setup
//! link creates the administrator (with two-factor), who creates an airline and invites
//! a desk analyst; the analyst accepts, enrols two-factor, and signs in again with a
//! code. Screenshots land in `target/screenshots/`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use fantoccini::{Client, ClientBuilder, Locator};
use sightline_domain::totp::TotpSecret;
use sightline_web::{AppState, Clock, Config};
use time::Duration;

use crate::support::{bulk_report, make_named_person, make_person};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub(crate) struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Chromium and its driver, or a clear skip (never in CI).
pub(crate) fn browser_available() -> bool {
    let present = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: install chromium and chromium-driver");
        let _ = writeln!(std::io::stderr(), "SKIPPED browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed");
    }
    present
}

/// A journey's start: a fresh SQLite database, or `None` (the test is skipped, and says
/// so) where Chromium is not installed.
async fn journey_db() -> Option<sightline_storage::testing::TestDb> {
    if !browser_available() {
        return None;
    }
    Some(sightline_storage::testing::sqlite().await.unwrap())
}

/// The content bundled with the product.
fn bundled() -> sightline_content::Library {
    sightline_content::load(&sightline_content::default_dir()).ok().unwrap()
}

/// A clock stopped at the real time now.
fn fixed_now() -> Clock {
    #[allow(clippy::disallowed_methods)]
    Clock::fixed(time::OffsetDateTime::now_utc())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) async fn start_driver() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let profile = std::env::temp_dir().join(format!("sightline-chrome-{}", uuid::Uuid::now_v7()));
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--window-size=390,844",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    }))
    .unwrap();
    for _ in 0..50 {
        if let Ok(c) = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return (driver, c);
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A screenshot (tried again when a busy machine makes the renderer time out).
pub(crate) async fn shot(c: &Client, name: &str) {
    let mut png = c.screenshot().await;
    for _ in 0..2 {
        if png.is_ok() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(500)).await;
        png = c.screenshot().await;
    }
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png.unwrap()).unwrap();
}

async fn fill(c: &Client, css: &str, text: &str) {
    let el = c.find(Locator::Css(css)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Click an element, waiting (up to 10 s) until it exists and can be clicked.
pub(crate) async fn click(c: &Client, css: &str) {
    let mut last = None;
    for _ in 0..100 {
        match c.find(Locator::Css(css)).await {
            // To the middle first: scrolled to the top edge, the report page's sticky
            // header would take the click.
            Ok(el) => match async {
                let arg = serde_json::to_value(&el).map_err(|e| fantoccini::error::CmdError::NotJson(e.to_string()))?;
                c.execute("arguments[0].scrollIntoView({ block: 'center' })", vec![arg]).await?;
                el.click().await
            }
            .await
            {
                Ok(()) => return,
                Err(e) => last = Some(e.to_string()),
            },
            Err(e) => last = Some(e.to_string()),
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    shot(c, "failed-click").await;
    panic!("could not click {css}: {last:?}");
}

/// Click something that loads a new page, and wait until the new page has loaded
/// (the old document is gone and the new one is complete).
async fn click_nav(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            let state = c.execute("return document.readyState", vec![]).await.ok();
            if state.as_ref().and_then(|v| v.as_str()) == Some("complete") {
                return;
            }
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    shot(c, "failed-navigation").await;
    panic!("clicking {css} did not load a new page");
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// Wait (up to 10 s) until the browser has navigated to a path that satisfies `want`.
async fn wait_path(c: &Client, want: impl Fn(&str) -> bool) {
    for _ in 0..100 {
        let p = path(c).await;
        let loaded =
            c.execute("return document.readyState", vec![]).await.ok().and_then(|v| v.as_str().map(str::to_owned));
        if want(&p) && loaded.as_deref() == Some("complete") {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    shot(c, "failed-wait").await;
    panic!(
        "browser stayed at {} (screenshot failed-wait.png):\n{}",
        path(c).await,
        c.source().await.unwrap_or_default()
    );
}

fn totp(clock: &Clock, secret: &str) -> String {
    TotpSecret::from_base32(secret).unwrap().code_at(clock.now().unix_timestamp())
}

#[tokio::test]
async fn new_user_journey_in_chromium_on_a_phone() {
    let Some(db) = journey_db().await else { return };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let clock = fixed_now();
    // A mail relay that is down: e-mailed links wait in the outbox, and the page says so.
    let relay = sightline_web::Smtp::parse("smtp://127.0.0.1:1", "sightline@operator.example").unwrap();
    let config = Config::new(&base).with_smtp(relay);
    let state = AppState::new(db.db.clone(), config, clock.clone(), crate::support::test_key());
    let app = sightline_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let token = "browser-setup-token-abcdefghijklmnopqrstuvwxyz";
    let now = clock.now();
    db.create_setup_token(&sightline_web::hash_token(token), now, now + Duration::hours(24)).await.unwrap();

    let (_driver, c) = start_driver().await;
    let password = "tray table upright position";

    // 1. The setup link creates the first administrator.
    c.goto(&format!("{base}/setup?token={token}")).await.unwrap();
    fill(&c, "#org_name", "Sightline Operator").await;
    fill(&c, "#name", "Pat Admin").await;
    fill(&c, "#email", "pat@operator.example").await;
    fill(&c, "#password", password).await;
    fill(&c, "#password2", password).await;
    shot(&c, "01-setup").await;
    click_nav(&c, "form[action='/setup'] button[type=submit]").await;
    wait_path(&c, |p| p == "/account/two-factor").await;

    // 2. Two-factor enrolment, with the key read off the page as a person would type it.
    shot(&c, "02-two-factor-enrol").await;
    let secret = text(&c, "#totp-secret").await.replace(' ', "");
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;
    assert_eq!(c.find_all(Locator::Css("#recovery-codes li")).await.unwrap().len(), 10);
    shot(&c, "03-recovery-codes").await;
    click_nav(&c, "main a.button").await;
    wait_path(&c, |p| p == "/home").await;
    shot(&c, "04-admin-home").await;
    click_nav(&c, "a[href='/account/tokens']").await;
    fill(&c, "#name", "desk system").await;
    click_nav(&c, "form[action='/account/tokens'] button[type=submit]").await;
    assert_eq!(text(&c, "#new-token").await.len(), 43, "the token is shown once");
    shot(&c, "04b-api-token").await;

    // 3. Create an airline, invite a desk analyst.
    c.goto(&format!("{base}/admin/organisations")).await.unwrap();
    fill(&c, "#name", "Nordic Wings").await;
    click_nav(&c, "form[action='/admin/organisations'] button[type=submit]").await;
    wait_path(&c, |p| p.ends_with("/users")).await;
    fill(&c, "#email", "aino@nordicwings.example").await;
    fill(&c, "#name", "Aino Analyst").await;
    click(&c, "#role_learner input[name='role_desk_analyst']").await;
    click_nav(&c, "form[action$='/invitations'] button[type=submit]").await;
    let link = c.find(Locator::Css("#made-link")).await.unwrap().prop("value").await.unwrap().unwrap();
    assert!(link.starts_with(&format!("{base}/invite/")), "{link}");
    shot(&c, "05-invitation-link").await;
    assert!(text(&c, "table.mails").await.contains("aino@nordicwings.example"), "the e-mail waits in the outbox");
    c.execute("document.getElementById('mails-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05a-invitation-e-mail-waiting").await;

    // The airline's desk settings: a bad lead time is refused with the input kept, a good one saved.
    click_nav(&c, "a[href$='/settings']").await;
    fill(&c, "#minutes", "300").await;
    click_nav(&c, "form[action$='/settings'] button[type=submit]").await;
    assert!(text(&c, "#minutes-error").await.contains("allowed range"));
    assert_eq!(c.find(Locator::Css("#minutes")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("300"));
    shot(&c, "05b-desk-settings-error").await;
    fill(&c, "#minutes", "45").await;
    click_nav(&c, "form[action$='/settings'] button[type=submit]").await;
    assert!(c.source().await.unwrap().contains("Saved."));
    shot(&c, "05c-desk-settings-saved").await;
    fill(&c, "#alert_email", "desk@nordicwings.example").await;
    click_nav(&c, "form[action$='/alert-email'] button[type=submit]").await;
    assert!(c.source().await.unwrap().contains("Alerts are e-mailed to this address"));
    fill(&c, "#webhook_url", "https://desk.nordicwings.example/sightline").await;
    click_nav(&c, "form[action$='/webhook'] button[value=save]").await;
    assert_eq!(text(&c, "#webhook-secret").await.len(), 43, "the signing secret is shown once");
    c.execute("document.getElementById('alerts-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05c2-desk-alerts").await;
    // The learning record store (xAPI): a plain-http endpoint is refused at its field,
    // the input kept; a good one is saved and the backlog shows.
    fill(&c, "#lrs_endpoint", "http://lrs.nordicwings.example/xapi").await;
    fill(&c, "#lrs_key", "sightline").await;
    fill(&c, "#lrs_secret", "lrs-secret").await;
    click_nav(&c, "form[action$='/settings/xapi'] button[type=submit]").await;
    assert!(text(&c, "#lrs_endpoint-error").await.contains("https://"));
    c.execute("document.getElementById('lrs-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05c3-lrs-error").await;
    fill(&c, "#lrs_endpoint", "https://lrs.nordicwings.example/xapi").await;
    fill(&c, "#lrs_secret", "lrs-secret").await;
    click(&c, "#lrs_enabled").await;
    click_nav(&c, "form[action$='/settings/xapi'] button[type=submit]").await;
    assert!(c.source().await.unwrap().contains("Statements are sent from now on"));
    assert!(text(&c, "#lrs-backlog").await.contains("Accepted by the LRS: 0."));
    c.execute("document.getElementById('lrs-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05c4-lrs-saved").await;
    c.set_window_size(1280, 1000).await.unwrap();
    c.execute("document.getElementById('lrs-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05c5-lrs-saved-wide").await;
    c.set_window_size(390, 844).await.unwrap();

    // The routing directory: the admin re-checks an entry; the old version stays in the history.
    let library = bundled();
    assert!(db.seed_directory(&library.directory.entries, clock.now()).await.unwrap() > 5);
    click_nav(&c, "nav a[href='/directory']").await;
    shot(&c, "05d-directory").await;
    click_nav(&c, "table.directory a[href^='/directory/']").await;
    fill(&c, "#source", "not a link").await;
    click_nav(&c, "#entry-form button[type=submit]").await;
    assert!(text(&c, ".alert.error").await.contains("https://"));
    shot(&c, "05e-directory-entry-error").await;
    fill(&c, "#source", "https://112.fi/en/").await;
    fill(&c, "#hours", "24/7, every day").await;
    click_nav(&c, "#entry-form button[type=submit]").await;
    assert!(text(&c, "ul.history").await.contains("Pat Admin"));
    c.execute("document.getElementById('history-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "05f-directory-entry-history").await;
    click_nav(&c, "form[action='/logout'] button").await;
    wait_path(&c, |p| p == "/login").await;

    // 4. The analyst accepts, must enrol two-factor, and reaches home.
    c.goto(&link).await.unwrap();
    shot(&c, "06-accept-invitation").await;
    fill(&c, "#password", password).await;
    fill(&c, "#password2", password).await;
    click_nav(&c, "main form button[type=submit]").await;
    wait_path(&c, |p| p == "/account/two-factor").await;
    assert!(c.source().await.unwrap().contains("two-factor sign-in is required"));
    let secret = text(&c, "#totp-secret").await.replace(' ', "");
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;
    click_nav(&c, "main a.button").await;
    wait_path(&c, |p| p == "/home").await;
    assert!(text(&c, "h1").await.contains("Aino Analyst"));

    // 5. The analyst switches to Finnish, signs out, and signs in again with a code.
    click_nav(&c, "form[action='/lang'] button").await;
    assert!(text(&c, "h1").await.contains("Tervetuloa"), "{}", text(&c, "h1").await);
    shot(&c, "07-analyst-home-fi").await;
    click_nav(&c, "form[action='/logout'] button").await;
    clock.advance(Duration::seconds(31));
    fill(&c, "#email", "aino@nordicwings.example").await;
    fill(&c, "#password", password).await;
    click_nav(&c, "form[action='/login'] button[type=submit]").await;
    wait_path(&c, |p| p == "/login/two-factor").await;
    fill(&c, "#code", "123456").await;
    click_nav(&c, "form[action='/login/two-factor'] button[type=submit]").await;
    assert!(c.find(Locator::Css("#code-error")).await.is_ok(), "a wrong code is refused at the field");
    shot(&c, "08-two-factor-wrong-code-fi").await;
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/login/two-factor'] button[type=submit]").await;
    // A desk analyst lands on the queue.
    wait_path(&c, |p| p == "/desk").await;
    c.goto(&format!("{base}/home")).await.unwrap();
    assert!(text(&c, "main").await.contains("Nordic Wings"));

    c.close().await.unwrap();
    server.abort();
    assert!(db.verify_audit_chain().await.unwrap() >= 10);
    db.cleanup().await;
}

/// Start a check and answer it, with the first `wrong` answers wrong.
async fn take_check(c: &Client, base: &str, course: &sightline_domain::learn::Course, wrong: usize) {
    c.goto(&format!("{base}/learn/cabin-crew?cl=fi")).await.unwrap();
    click_nav(c, "form[action='/learn/cabin-crew/check'] button[type=submit]").await;
    let shown = c
        .execute(
            "return Array.from(document.querySelectorAll('fieldset.question')).map(f => [f.id.slice(2), \
             Array.from(f.querySelectorAll('label.option')).map(l => [l.querySelector('input').value, l.querySelector('span').textContent])]);",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<(String, Vec<(String, String)>)> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), 10);
    for (i, (id, options)) in shown.iter().enumerate() {
        let q = course.question("fi", id).unwrap().item;
        let right = &q.options[q.correct_index().unwrap()].text;
        let pick = options.iter().find(|(_, t)| (t == right) != (i < wrong)).unwrap();
        click(c, &format!("input[name='q_{id}'][value='{}']", pick.0)).await;
    }
}

/// The Learn "done when": in a phone-sized Chromium, a crew member takes the Finnish
/// cabin-crew course, fails once, passes, downloads the certificate, and the
/// verification link printed on it (and encoded in its QR code) verifies it.
#[tokio::test]
async fn crew_member_takes_the_finnish_course_in_chromium() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let clock = Clock::System;
    let state = AppState::new(db.db.clone(), Config::new(&base), clock.clone(), crate::support::test_key())
        .with_library(library.clone());
    let app = sightline_web::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // The airline and the crew member exist (as an admin would have made them).
    let password = crate::support::PASSWORD;
    let aino = ("Aino Virtanen", "aino@nordicwings.example");
    let cabin = Some(sightline_domain::learn::Audience::CabinCrew);
    make_named_person(&db, "Nordic Wings", aino, &[sightline_domain::user::Role::Learner], Some("HEL"), cabin).await;

    let (_driver, c) = start_driver().await;
    c.goto(&format!("{base}/login")).await.unwrap();
    click_nav(&c, "form[action='/lang'] button").await;
    fill(&c, "#email", "aino@nordicwings.example").await;
    fill(&c, "#password", password).await;
    click_nav(&c, "form[action='/login'] button[type=submit]").await;
    wait_path(&c, |p| p == "/home").await;

    // The course list puts the cabin-crew course first; open it and read a lesson.
    c.goto(&format!("{base}/learn")).await.unwrap();
    shot(&c, "10-learn-list-fi").await;
    click_nav(&c, "main .cards .card.course h3 a").await;
    wait_path(&c, |p| p == "/learn/cabin-crew").await;
    shot(&c, "11-course-fi").await;
    click_nav(&c, "ol.lessons li a").await;
    assert!(text(&c, "h1").await.len() > 5);
    assert!(c.source().await.unwrap().contains("<h2>Lähteet</h2>"));
    shot(&c, "12-lesson-fi").await;
    click_nav(&c, ".lesson-nav form button[type=submit]").await;

    let course = library.course("cabin-crew").unwrap();
    // First attempt: four wrong answers, 60 %: not passed.
    take_check(&c, &base, course, 4).await;
    shot(&c, "13-check-fi").await;
    click_nav(&c, "#check-form button[type=submit]").await;
    assert!(text(&c, "#result-summary").await.contains("Ei vielä hyväksytty"));
    shot(&c, "14-check-failed-fi").await;

    // Second attempt: all right.
    take_check(&c, &base, course, 0).await;
    let c2 = c.clone();
    click_nav(&c2, "#check-form button[type=submit]").await;
    assert!(text(&c2, "#result-summary").await.contains("Hyväksytty"));
    shot(&c2, "15-check-passed-fi").await;

    // Download the certificate as the browser would, keep it, render it.
    let href = c2.find(Locator::Css("#certificate-link")).await.unwrap().attr("href").await.unwrap().unwrap();
    let b64 = c2
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => { \
             let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); done(btoa(s)); });",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let pdf = data_encoding::BASE64.decode(b64.as_str().unwrap().as_bytes()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 200 * 1024);
    let pdf_path = screenshots_dir().join("16-certificate-fi.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    if std::path::Path::new("/usr/bin/pdftoppm").exists() {
        let status = std::process::Command::new("/usr/bin/pdftoppm")
            .args(["-png", "-r", "80", "-singlefile"])
            .arg(&pdf_path)
            .arg(screenshots_dir().join("16-certificate-fi"))
            .status()
            .unwrap();
        assert!(status.success());
    }

    // The verification URL on the certificate (the QR code encodes the same string).
    let code = href.trim_start_matches("/certificates/").trim_end_matches(".pdf").to_owned();
    let url = format!("{base}/verify/{code}");
    assert!(pdf.windows(url.len()).any(|w| w == url.as_bytes()), "the PDF carries {url}");
    let qr = qrcode::QrCode::new(url.as_bytes()).unwrap();
    assert!(qr.width() >= 21);
    c2.goto(&url).await.unwrap();
    assert!(text(&c2, "#verify-status").await.contains("Voimassa"));
    assert!(text(&c2, "dl.facts").await.contains("Aino Virtanen"));
    shot(&c2, "17-verify-fi").await;

    c2.close().await.unwrap();
    server.abort();
    db.cleanup().await;
}

/// A server that can be stopped and started again on the same port, as when an
/// aircraft loses and regains its connection.
struct Restartable {
    addr: SocketAddr,
    state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Restartable {
    async fn start(state: AppState, addr: Option<SocketAddr>) -> Self {
        let listener =
            tokio::net::TcpListener::bind(addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = sightline_web::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Self { addr, state, stop: Some(tx), task: Some(task) }
    }
    async fn stop(&mut self) {
        // Open event streams (the desk's live queue) end first, as in `sightline serve`.
        self.state.live.close();
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(StdDuration::from_secs(10), t).await;
        }
        assert!(std::net::TcpStream::connect(self.addr).is_err(), "the server is really gone");
    }
    async fn restart(&mut self) {
        *self = Self::start(self.state.clone(), Some(self.addr)).await;
    }

    /// A test's end: close the browser, stop the server, remove the database.
    async fn finish(mut self, c: Client, db: sightline_storage::testing::TestDb) {
        c.close().await.unwrap();
        self.stop().await;
        db.cleanup().await;
    }
}

/// Tick a sign, opening its category first as a person would.
async fn tick(c: &Client, code: &str) {
    c.execute(
        "const d = document.querySelector(`input[name=indicator][value='${arguments[0]}']`).closest('details'); if (d) d.open = true;",
        vec![serde_json::json!(code)],
    )
    .await
    .unwrap();
    click(c, &format!("input[name=indicator][value='{code}']")).await;
}

async fn outbox_states(c: &Client) -> Vec<String> {
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.sightline.outbox.all().then(all => done(all.map(e => e.status + (e.payload ? '+payload' : ''))));",
            vec![],
        )
        .await
        .unwrap();
    let mut states: Vec<String> = serde_json::from_value(v).unwrap();
    states.sort();
    states
}

/// The Report "done when" and the offline test: a reporter on a phone-sized screen
/// opens /report, the server goes away, three reports are filed (one with the relay
/// message copied), the page is reloaded offline and still opens, the server comes
/// back: exactly three reports are stored, a second flush adds none, and the device
/// keeps only references.
#[tokio::test]
async fn reports_filed_offline_are_sent_once_when_the_server_returns() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let (mut server, base) = serve(&db, library, Clock::System).await;

    let password = crate::support::PASSWORD;
    let aino = ("Aino Virtanen", "aino@nordicwings.example");
    let cabin = Some(sightline_domain::learn::Audience::CabinCrew);
    let org =
        make_named_person(&db, "Nordic Wings", aino, &[sightline_domain::user::Role::Reporter], None, cabin).await;

    let (_driver, c) = start_driver().await;
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "#email", "aino@nordicwings.example").await;
    fill(&c, "#password", password).await;
    click_nav(&c, "form[action='/login'] button[type=submit]").await;
    wait_path(&c, |p| p == "/home").await;

    // Open the report page and let the service worker take over.
    c.goto(&format!("{base}/report")).await.unwrap();
    let_the_service_worker_take_over(&c).await;
    let controlled = c.execute("return !!navigator.serviceWorker.controller;", vec![]).await.unwrap();
    assert_eq!(controlled, serde_json::json!(true), "the service worker controls /report");
    assert_eq!(c.title().await.unwrap(), "Notes");
    shot(&c, "20-report-form").await;

    // The aircraft loses its connection.
    server.stop().await;

    let flights = [("AY5", "HEL", "JFK"), ("AY5", "HEL", "JFK"), ("AY1331", "HEL", "ATH")];
    let mut relays = Vec::new();
    for (n, (flight, from, to)) in flights.iter().enumerate() {
        fill(&c, "#flight", flight).await;
        fill(&c, "#origin", from).await;
        fill(&c, "#destination", to).await;
        fill(&c, "#seats", &format!("2{n}A 2{n}B")).await;
        tick(&c, "DOC-HELD-BY-OTHER").await;
        tick(&c, "MOV-ANSWERED-FOR").await;
        if n == 0 {
            tick(&c, "BEH-FEARFUL").await;
            fill(&c, "#free_text", "He answered every question for her and kept both passports.").await;
            // The decision step shows the innocent explanations of what was ticked.
            let decision = text(&c, "#decision-dynamic").await;
            assert!(decision.len() > 40, "{decision}");
            c.find(Locator::Css("#decision")).await.unwrap().click().await.ok();
            shot(&c, "21-decision-step").await;
        }
        click(&c, "#considered").await;
        click(&c, "#submit-report").await;
        let relay_panel = c.wait().for_element(Locator::Css("#relay-panel:not([hidden])")).await.unwrap();
        let relay = relay_panel.find(Locator::Css("#relay-text")).await.unwrap().prop("value").await.unwrap().unwrap();
        assert!(relay.starts_with(&format!("SUSPECTED HUMAN TRAFFICKING {flight} ")), "{relay}");
        assert!(relay.len() <= 220);
        if n == 0 {
            click(&c, "#copy-relay").await;
            let mut copied = String::new();
            for _ in 0..50 {
                copied = text(&c, "#copy-status").await;
                if !copied.is_empty() {
                    break;
                }
                tokio::time::sleep(StdDuration::from_millis(100)).await;
            }
            assert_eq!(copied, "Copied.");
            shot(&c, "22-relay-message-offline").await;
        }
        relays.push(relay);
        click(&c, "#new-report").await;
    }
    assert_eq!(outbox_states(&c).await, vec!["queued+payload"; 3]);

    // Reload while offline: the page still opens, and the three reports wait.
    c.refresh().await.unwrap();
    assert_eq!(c.title().await.unwrap(), "Notes");
    c.wait().for_element(Locator::Css("#outbox-list li")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("#outbox-list li[data-status=queued]")).await.unwrap().len(), 3);
    shot(&c, "23-outbox-offline").await;
    assert_eq!(db.count_reports(org).await.unwrap(), 0);

    // The connection is back, but the session expired meanwhile: the reports stay
    // queued and the reporter is asked to sign in again.
    server.restart().await;
    sightline_storage::testing::execute(&db, "DELETE FROM sessions").await.unwrap();
    click(&c, "#send-now").await;
    c.wait().for_element(Locator::Css("#outbox-note a[href='/login?back=/report']")).await.unwrap();
    assert_eq!(outbox_states(&c).await, vec!["queued+payload"; 3]);
    assert_eq!(db.count_reports(org).await.unwrap(), 0);
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "#email", "aino@nordicwings.example").await;
    fill(&c, "#password", password).await;
    click_nav(&c, "form[action='/login'] button[type=submit]").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    for _ in 0..100 {
        if outbox_states(&c).await == vec!["sent"; 3] {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(outbox_states(&c).await, vec!["sent"; 3], "sent, and the content is gone from the device");
    assert_eq!(db.count_reports(org).await.unwrap(), 3);
    // A second flush adds nothing.
    click(&c, "#send-now").await;
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    assert_eq!(db.count_reports(org).await.unwrap(), 3);
    shot(&c, "24-outbox-sent").await;

    // The free text typed on the device is not on the server's disk in clear.
    let mut disk = std::fs::read(&db.location).unwrap();
    disk.extend(std::fs::read(format!("{}-wal", db.location)).unwrap_or_default());
    let phrase = b"kept both passports";
    assert!(!disk.windows(phrase.len()).any(|w| w == phrase), "report text is encrypted at rest");

    // What the server stored matches what the device showed the captain.
    let user = db
        .user_by_email(&sightline_domain::user::Email::parse("aino@nordicwings.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    let stored: Vec<String> =
        db.reports_of(org, user.id, 10).await.unwrap().into_iter().map(|r| r.relay_message).collect();
    for relay in &relays {
        assert!(stored.contains(relay), "device and server agree on {relay}");
    }
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("tbody tr")).await.unwrap().len(), 3);
    shot(&c, "25-my-reports").await;

    // Quick exit leaves a neutral page, and Back does not return to the form.
    c.goto(&format!("{base}/report")).await.unwrap();
    click_nav(&c, "#quick-exit").await;
    wait_path(&c, |p| p == "/quick-exit").await;
    assert_eq!(c.title().await.unwrap(), "Notes");

    server.finish(c, db).await;
}

/// The Triage "done when": a reporter files a report offline; it syncs; the desk sees
/// it with the landing countdown, acknowledges it, escalates it to the Finnish police
/// entry for an arrival at HEL, hands it over; the reporter sees "handed to
/// authorities"; the desk closes it; the audit chain verifies.
#[tokio::test]
async fn the_desk_takes_an_offline_report_to_the_finnish_police() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let clock = fixed_now();
    let (mut server, base) = serve(&db, library, clock.clone()).await;
    let org =
        make_person(&db, "Nordic Wings", "crew@nw.example", &[sightline_domain::user::Role::Reporter], None).await;
    make_person(&db, "Nordic Wings", "desk@nw.example", &[sightline_domain::user::Role::DeskAnalyst], None).await;
    let (_driver, c) = start_driver().await;
    let sign_in = |email: &'static str| sign_in_with_password(&c, &base, email);
    let sign_out = || sign_out_of(&c);

    // The reporter files offline.
    sign_in("crew@nw.example").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    let_the_service_worker_take_over(&c).await;
    server.stop().await;
    file_ay5_report(
        &c,
        &clock,
        "31A 31B",
        &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"],
        "She said she does not know who will meet her.",
    )
    .await;
    server.restart().await;
    click(&c, "#send-now").await;
    for _ in 0..100 {
        if outbox_states(&c).await == vec!["sent"] {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(db.count_reports(org).await.unwrap(), 1);
    c.goto(&format!("{base}/home")).await.unwrap();
    sign_out().await;

    // The desk: two-factor, then the queue with the countdown.
    sign_in("desk@nw.example").await;
    wait_path(&c, |p| p == "/account/two-factor").await;
    let secret = text(&c, "#totp-secret").await.replace(' ', "");
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;
    c.goto(&format!("{base}/desk")).await.unwrap();
    let countdown = text(&c, "td.countdown").await;
    assert!(countdown.starts_with("1 h 3") || countdown.starts_with("1 h 2"), "{countdown}");
    shot(&c, "30-desk-queue").await;
    click_nav(&c, "#queue-rows a").await;
    assert!(c.source().await.unwrap().contains("She said she does not know who will meet her."));
    let act = |form: &'static str| {
        let c = c.clone();
        async move { click_nav(&c, &format!("form[action$='/{form}'] button[type=submit]")).await }
    };
    c.find(Locator::Css("#to")).await.unwrap().select_by_value("acknowledged").await.unwrap();
    act("transition").await;
    // Screenshots of the escalation section and the directory, on a phone and at 1280 px.
    let case_url = c.current_url().await.unwrap();
    for (w, h, tag) in [(390, 844, "390"), (1280, 1000, "1280")] {
        c.set_window_size(w, h).await.unwrap();
        c.goto(case_url.as_str()).await.unwrap();
        c.execute("document.getElementById('esc-h').scrollIntoView()", vec![]).await.unwrap();
        shot(&c, &format!("30a-desk-escalation-{tag}")).await;
        c.execute("document.getElementById('contact').scrollIntoView()", vec![]).await.unwrap();
        shot(&c, &format!("30a-desk-contacts-{tag}")).await;
        c.goto(&format!("{base}/directory")).await.unwrap();
        shot(&c, &format!("30a-directory-{tag}")).await;
        c.execute("document.querySelector('table.directory').scrollIntoView()", vec![]).await.unwrap();
        shot(&c, &format!("30a-directory-table-{tag}")).await;
    }
    c.set_window_size(390, 844).await.unwrap();
    c.goto(case_url.as_str()).await.unwrap();
    // Not urgent: the 24/7 assistance line first, the police's office-hours e-mail never first.
    let first = c.find(Locator::Css("label.contact-option")).await.unwrap().text().await.unwrap();
    assert!(first.contains("+358295463177") && first.contains("24/7"), "{first}");
    let options = c.find_all(Locator::Css("label.contact-option")).await.unwrap();
    let mut police = None;
    for o in options {
        if o.text().await.unwrap().contains("Police of Finland") {
            police = Some(o);
        }
    }
    police.expect("the Finnish police are offered").click().await.unwrap();
    fill(&c, "#reference", "HEL-PD-778").await;
    c.execute("document.getElementById('contact_other').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "30b-desk-escalate").await;
    act("escalate").await;
    shot(&c, "31-desk-case").await;
    c.find(Locator::Css("#to")).await.unwrap().select_by_value("handed_over").await.unwrap();
    act("transition").await;
    sign_out().await;

    // The reporter hears back.
    sign_in("crew@nw.example").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert!(text(&c, "tbody").await.contains("Handed over"));
    shot(&c, "32-reporter-feedback").await;
    sign_out().await;

    // The desk closes the case.
    clock.advance(time::Duration::seconds(31));
    sign_in("desk@nw.example").await;
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/login/two-factor'] button[type=submit]").await;
    c.goto(&format!("{base}/desk?status=handed_over")).await.unwrap();
    click_nav(&c, "#queue-rows a").await;
    c.find(Locator::Css("#to")).await.unwrap().select_by_value("closed").await.unwrap();
    c.find(Locator::Css("#outcome")).await.unwrap().select_by_value("met_on_arrival").await.unwrap();
    act("transition").await;
    assert!(text(&c, "h1").await.contains("Closed"));
    c.close().await.unwrap();
    server.stop().await;
    assert!(db.verify_audit_chain().await.unwrap() > 10);
    db.cleanup().await;
}

/// The Hand over "done when": the desk refers a case to the demo NGO with consent
/// "given"; the NGO's caseworker (two-factor first) accepts it and records shelter; the
/// desk sees the case handed over with the support, and the reporter reads "Handed over".
#[tokio::test]
async fn the_desk_refers_a_case_to_the_ngo_which_records_shelter() {
    use sightline_domain::user::Role;
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let (server, base) = serve(&db, bundled(), clock.clone()).await;
    make_person(&db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
    make_person(&db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
    let audit = sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::OrgCreated);
    let name = sightline_domain::org::OrgName::parse("Demo NGO").unwrap();
    let ngo = db.create_org(&name, sightline_domain::org::OrgKind::Ngo, audit, clock.now()).await.unwrap();
    make_person(&db, "Demo NGO", "caseworker@demo-ngo.example", &[Role::Caseworker], None).await;
    let (_driver, c) = start_driver().await;
    let sign_in = |email: &'static str| sign_in_with_password(&c, &base, email);
    let sign_out = || sign_out_of(&c);
    let enrol = || {
        let (c, clock) = (c.clone(), clock.clone());
        async move {
            wait_path(&c, |p| p == "/account/two-factor").await;
            let secret = text(&c, "#totp-secret").await.replace(' ', "");
            fill(&c, "#code", &totp(&clock, &secret)).await;
            click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;
            secret
        }
    };

    // The reporter files online.
    sign_in("crew@nw.example").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    file_ay5_report(
        &c,
        &clock,
        "31A",
        &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"],
        "She asked quietly where she could get help.",
    )
    .await;
    for _ in 0..100 {
        if outbox_states(&c).await == vec!["sent"] {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    c.goto(&format!("{base}/home")).await.unwrap();
    sign_out().await;

    // The desk refers it to the NGO with consent given.
    sign_in("desk@nw.example").await;
    let desk_secret = enrol().await;
    c.goto(&format!("{base}/desk")).await.unwrap();
    click_nav(&c, "#queue-rows a").await;
    let case_url = c.current_url().await.unwrap();
    c.find(Locator::Css("#recipient")).await.unwrap().select_by_value(&format!("org:{ngo}")).await.unwrap();
    click(&c, "input[name=consent][value=given]").await;
    c.find(Locator::Css("#lawful_basis")).await.unwrap().select_by_value("consent").await.unwrap();
    c.find(Locator::Css("#referral_reason"))
        .await
        .unwrap()
        .select_by_value("additional_services_required")
        .await
        .unwrap();
    click(&c, "input[name=profile][value=ngo]").await;
    fill(&c, "#details", "She agreed to talk to a support worker at arrivals.").await;
    for (w, h, tag) in [(1280, 1000, "1280"), (390, 844, "390")] {
        c.set_window_size(w, h).await.unwrap();
        c.execute("document.getElementById('refer-h').scrollIntoView()", vec![]).await.unwrap();
        shot(&c, &format!("40-desk-refer-{tag}")).await;
    }
    click_nav(&c, "#refer-form button[type=submit]").await;
    if let Ok(errors) = c.find(Locator::Css(".alert.error")).await {
        panic!("the referral was refused: {}", errors.text().await.unwrap());
    }
    assert!(text(&c, "#case-referrals").await.contains("Demo NGO"));
    sign_out().await;

    // The NGO's caseworker accepts it and records shelter.
    sign_in("caseworker@demo-ngo.example").await;
    enrol().await;
    c.goto(&format!("{base}/home")).await.unwrap();
    click_nav(&c, "nav a[href='/referrals']").await;
    shot(&c, "41-partner-inbox-390").await;
    click_nav(&c, "#inbox a").await;
    let referral_url = c.current_url().await.unwrap();
    assert!(text(&c, "#shared").await.contains("She agreed to talk to a support worker at arrivals."));
    assert!(!text(&c, "#shared").await.contains("31A"), "an NGO sees no seat");
    shot(&c, "42-partner-referral-390").await;
    click_nav(&c, "button[name=decision][value=accept]").await;
    click(&c, "input[name=support][value=shelter]").await;
    click_nav(&c, "#support-form button[type=submit]").await;
    assert!(text(&c, "#referral-support").await.contains("Shelter"));
    c.set_window_size(1280, 1000).await.unwrap();
    c.goto(referral_url.as_str()).await.unwrap();
    shot(&c, "42-partner-referral-1280").await;
    c.set_window_size(390, 844).await.unwrap();
    sign_out().await;

    // The desk sees it handed over, with the support recorded.
    clock.advance(time::Duration::seconds(31));
    sign_in("desk@nw.example").await;
    fill(&c, "#code", &totp(&clock, &desk_secret)).await;
    click_nav(&c, "form[action='/login/two-factor'] button[type=submit]").await;
    c.goto(case_url.as_str()).await.unwrap();
    assert!(text(&c, "h1").await.contains("Handed over"));
    let row = text(&c, "#case-referrals").await;
    assert!(row.contains("Accepted") && row.contains("Shelter"), "{row}");
    c.execute("document.getElementById('refer-h').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "43-desk-case-referred-390").await;
    sign_out().await;

    // The reporter hears only that it was handed over.
    sign_in("crew@nw.example").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    let mine = text(&c, "tbody").await;
    assert!(mine.contains("Handed over") && !mine.contains("Demo NGO"), "{mine}");
    server.finish(c, db).await;
}

/// Sign in on the login page with the test password.
async fn sign_in_with_password(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", crate::support::PASSWORD).await;
    click_nav(c, "form[action='/login'] button[type=submit]").await;
}

async fn sign_out_of(c: &Client) {
    click_nav(c, "form[action='/logout'] button").await;
}

/// Fill in and submit the report form for AY5 JFK–HEL landing in 95 minutes, until the
/// relay panel shows (sent or kept in the outbox).
async fn file_ay5_report(c: &Client, clock: &Clock, seats: &str, signs: &[&str], free_text: &str) {
    let arrival = clock.now() + time::Duration::minutes(95);
    let helsinki = arrival.to_offset(sightline_domain::report::utc_offset_at(arrival, "Europe/Helsinki").unwrap());
    fill(c, "#flight", "AY5").await;
    fill(c, "#origin", "JFK").await;
    fill(c, "#destination", "HEL").await;
    c.execute(
        "document.getElementById('date').value = arguments[0]; document.getElementById('scheduled_arrival').value = arguments[1];",
        vec![
            serde_json::json!(format!("{:04}-{:02}-{:02}", helsinki.year(), u8::from(helsinki.month()), helsinki.day())),
            serde_json::json!(format!("{:02}:{:02}", helsinki.hour(), helsinki.minute())),
        ],
    )
    .await
    .unwrap();
    fill(c, "#seats", seats).await;
    for sign in signs {
        tick(c, sign).await;
    }
    fill(c, "#free_text", free_text).await;
    click(c, "#considered").await;
    click(c, "#submit-report").await;
    c.wait().for_element(Locator::Css("#relay-panel:not([hidden])")).await.unwrap();
}

/// Wait until the service worker is ready, then reload so it controls the page.
async fn let_the_service_worker_take_over(c: &Client) {
    c.execute_async(
        "const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(() => done(true));",
        vec![],
    )
    .await
    .unwrap();
    c.refresh().await.unwrap();
}

/// Sign in with a password in the browser.
async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", crate::support::PASSWORD).await;
    click_nav(c, "form[action='/login'] button[type=submit]").await;
}

/// Issue 11, item 1: one set of rules. Every shared vector
/// (`tests/web/report_vectors.json`, checked against the domain's parser by
/// `vectors::the_domain_parser_agrees_with_the_shared_vectors`) gives the same errors,
/// flags and relay message in the page's own `validate` and `relayMessage`.
#[tokio::test]
async fn the_report_page_keeps_the_rules_of_the_server() {
    let Some(db) = journey_db().await else { return };
    let library = crate::vectors::library();
    let (server, base) = serve(&db, library.clone(), Clock::System).await;
    make_person(&db, "Nordic Wings", "crew@nw.example", &[sightline_domain::user::Role::Reporter], None).await;
    let (_driver, c) = start_driver().await;
    sign_in(&c, &base, "crew@nw.example").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    assert_eq!(path(&c).await, "/report", "signed in, on the report page");
    let vectors = crate::vectors::load();
    let cases = vectors["cases"].as_array().unwrap();
    let inputs: Vec<serde_json::Value> = cases.iter().map(|k| crate::vectors::input(&vectors, k, &library)).collect();
    let got = c
        .execute_async(
            "const [inputs, reference] = arguments; const done = arguments[arguments.length - 1]; \
             const run = () => window.sightline.airportsReady.then(() => done(inputs.map((i) => { \
               const v = window.sightline.validate(i); \
               return { errors: v.errors, flags: v.flags, relay: v.report ? window.sightline.relayMessage(v.report, reference) : null }; \
             }))); \
             const wait = () => (window.sightline ? run() : setTimeout(wait, 50)); wait();",
            vec![serde_json::json!(inputs), vectors["reference"].clone()],
        )
        .await
        .unwrap();
    let mut wrong = Vec::new();
    for (case, got) in cases.iter().zip(got.as_array().unwrap()) {
        let name = case["name"].as_str().unwrap();
        for key in ["errors", "flags"] {
            if crate::vectors::pairs(&got[key]) != crate::vectors::pairs(&case[key]) {
                wrong.push(format!("{name}: {key} {} (server: {})", got[key], case[key]));
            }
        }
        if got["relay"] != case["relay"] {
            wrong.push(format!("{name}: relay {} (server: {})", got["relay"], case["relay"]));
        }
    }
    assert!(wrong.is_empty(), "the page and the server differ:\n{}", wrong.join("\n"));
    c.close().await.unwrap();
    drop(server);
    db.cleanup().await;
}

/// A Chrome DevTools command through ChromeDriver's `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct Cdp(&'static str);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(serde_json::json!({ "cmd": self.0, "params": {} }).to_string()))
    }
}

/// Crew can put the report page on a phone's home screen: Chromium finds the page
/// installable (manifest, bitmap icons, service worker), under its neutral name.
#[tokio::test]
async fn the_report_page_is_installable() {
    let Some(db) = journey_db().await else { return };
    let (server, base) = serve(&db, crate::vectors::library(), Clock::System).await;
    make_person(&db, "Nordic Wings", "crew@nw.example", &[sightline_domain::user::Role::Reporter], None).await;
    let (_driver, c) = start_driver().await;
    sign_in(&c, &base, "crew@nw.example").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    let_the_service_worker_take_over(&c).await;
    let manifest = c.issue_cmd(Cdp("Page.getAppManifest")).await.unwrap();
    assert!(manifest["url"].as_str().unwrap_or_default().ends_with("/manifest.webmanifest"), "{manifest}");
    assert!(manifest["errors"].as_array().is_some_and(Vec::is_empty), "{manifest}");
    let errors = c.issue_cmd(Cdp("Page.getInstallabilityErrors")).await.unwrap();
    assert_eq!(errors["installabilityErrors"], serde_json::json!([]), "{errors}");
    let name = c.execute("return document.title", vec![]).await.unwrap();
    assert_eq!(name, serde_json::json!("Notes"), "the installed name gives nothing away");
    c.close().await.unwrap();
    drop(server);
    db.cleanup().await;
}

/// A server on a free port with the real content and the seeded directory.
async fn serve(
    db: &sightline_storage::testing::TestDb,
    library: sightline_content::Library,
    clock: Clock,
) -> (Restartable, String) {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let base = format!("http://{addr}");
    let state =
        AppState::new(db.db.clone(), Config::new(&base), clock, crate::support::test_key()).with_library(library);
    state.seed_directory().await.unwrap();
    (Restartable::start(state, Some(addr)).await, base)
}

/// Issue 11's Chromium journey: an urgent report with 12 seats, an unknown airport
/// and a registration instead of a flight number is filed offline. Until it holds
/// locally the page shows no relay message (the unknown airport refuses it while it
/// is not urgent, the field marked); once urgent it is kept with the airport flagged,
/// the relay message (v2, with ETA) is shown and survives an offline reload; the
/// free-text guard warns on a word about origin but still lets the report go. Back
/// online it reaches the desk once, where the queue and the case show the flag. A
/// report the server refuses stays on the device under "Needs attention", opens with
/// its field marked, and is sent again under the same id.
#[tokio::test]
async fn an_urgent_report_with_problems_reaches_the_desk_flagged() {
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let (mut server, base) = serve(&db, crate::vectors::library(), clock.clone()).await;
    let org =
        make_person(&db, "Nordic Wings", "crew@nw.example", &[sightline_domain::user::Role::Reporter], None).await;
    make_person(&db, "Nordic Wings", "desk@nw.example", &[sightline_domain::user::Role::DeskAnalyst], None).await;
    let (_driver, c) = start_driver().await;

    // Signing in from /report comes back to the form.
    c.goto(&format!("{base}/report")).await.unwrap();
    wait_path(&c, |p| p == "/login").await;
    fill(&c, "#email", "crew@nw.example").await;
    fill(&c, "#password", crate::support::PASSWORD).await;
    click_nav(&c, "form[action='/login'] button[type=submit]").await;
    wait_path(&c, |p| p == "/report").await;
    let_the_service_worker_take_over(&c).await;
    c.execute_async(
        "const done = arguments[arguments.length - 1]; window.sightline.airportsReady.then(() => done(1));",
        vec![],
    )
    .await
    .unwrap();
    for (w, h, name) in [(390, 844, "40-report-form-390"), (1280, 900, "41-report-form-1280")] {
        c.set_window_size(w, h).await.unwrap();
        shot(&c, name).await;
    }
    c.set_window_size(390, 844).await.unwrap();

    // The quick exit stays reachable while the long form is scrolled.
    c.execute("document.getElementById('free_text').scrollIntoView()", vec![]).await.unwrap();
    let exit_top =
        c.execute("return document.getElementById('quick-exit').getBoundingClientRect().top;", vec![]).await.unwrap();
    assert!(exit_top.as_f64().unwrap() >= 0.0, "the quick exit is on screen: {exit_top}");
    shot(&c, "42-report-form-scrolled").await;

    server.stop().await;
    fill(&c, "#flight", "n123ab").await;
    fill(&c, "#origin", "HEL").await;
    fill(&c, "#destination", "XQZ").await;
    let seats: Vec<String> = (1..=12).map(|n| format!("{n}C")).collect();
    fill(&c, "#seats", &seats.join(" ")).await;
    tick(&c, "DOC-HELD-BY-OTHER").await;
    tick(&c, "MOV-ANSWERED-FOR").await;
    fill(&c, "#companion_clothing", "Grey suit, Nigerian accent").await;
    let guard = c.find(Locator::Css("#companion_clothing-guard")).await.unwrap();
    assert!(guard.is_displayed().await.unwrap(), "the guard warns");
    assert!(guard.text().await.unwrap().contains("not origin"), "{}", guard.text().await.unwrap());
    fill(&c, "#free_text", "Twelve young women, one man holds every passport.").await;
    click(&c, "#considered").await;
    click(&c, "#submit-report").await;
    // Not urgent yet: the unknown airport refuses it on the device; no relay message.
    c.wait().for_element(Locator::Css("#client-errors:not([hidden])")).await.unwrap();
    assert!(c.find(Locator::Css("#relay-panel")).await.unwrap().attr("hidden").await.unwrap().is_some());
    let marked = c.find(Locator::Css("#destination")).await.unwrap().attr("aria-invalid").await.unwrap();
    assert_eq!(marked.as_deref(), Some("true"));
    assert!(text(&c, "#client-errors").await.contains("No airport has this code"));
    assert_eq!(outbox_states(&c).await, Vec::<String>::new(), "nothing queued");
    shot(&c, "43-report-refused-on-device").await;

    // Urgent: kept with the airport flagged; the relay message is shown.
    click(&c, "#immediate_danger").await;
    click(&c, "#submit-report").await;
    let panel = c.wait().for_element(Locator::Css("#relay-panel:not([hidden])")).await.unwrap();
    let relay = panel.find(Locator::Css("#relay-text")).await.unwrap().prop("value").await.unwrap().unwrap();
    assert!(relay.starts_with("SUSPECTED HUMAN TRAFFICKING N123AB ") && relay.contains(" HEL-XQZ URG "), "{relay}");
    assert!(relay.contains(" SEAT 1C 2C 3C 4C 5C 6C 7C 8C 9C 10C 11C 12C"), "{relay}");
    shot(&c, "44-relay-urgent-offline").await;

    // An offline reload still shows the captain's message.
    c.refresh().await.unwrap();
    let shown = c.wait().for_element(Locator::Css("#relay-panel:not([hidden]) #relay-text")).await.unwrap();
    assert_eq!(shown.prop("value").await.unwrap().unwrap(), relay);
    assert!(text(&c, "#outbox-list").await.contains("destination"), "the flag is listed on the device");

    // A report the server will refuse (filed by an older page): kept, opened, fixed, resent.
    let kept = uuid::Uuid::now_v7().to_string();
    c.execute_async(
        "const [id] = arguments; const done = arguments[arguments.length - 1]; \
         window.sightline.outbox.put({ id, status: 'queued', reference: 'KEPT', flight: 'AY5', payload: { \
           reporter_role: 'cabin_crew', phase: 'in_flight', flight: 'AY5', date: '2026-11-28', origin: 'HEL', \
           destination: 'JFK', airport: '', place: '', arrival_date: '', scheduled_arrival: '', seats: ['0A'], \
           potential_victims: 1, companions: 0, indicators: ['DOC-HELD-BY-OTHER', 'MOV-ANSWERED-FOR'], victims: [], \
           companions_described: [], disclosed: false, companion_aware: 'unknown', immediate_danger: false, \
           free_text: '', considered_innocent_explanations: true, client_created_at: null } }).then(() => done(1));",
        vec![serde_json::json!(kept)],
    )
    .await
    .unwrap();

    server.restart().await;
    click(&c, "#send-now").await;
    for _ in 0..100 {
        if outbox_states(&c).await == vec!["attention+payload", "sent"] {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(outbox_states(&c).await, vec!["attention+payload", "sent"]);
    assert_eq!(db.count_reports(org).await.unwrap(), 1, "the urgent report arrived");
    shot(&c, "45-needs-attention").await;
    click(&c, &format!("#outbox-list li[data-id='{kept}'] button.fix")).await;
    let seat_mark = c.find(Locator::Css("#seats")).await.unwrap().attr("aria-invalid").await.unwrap();
    assert_eq!(seat_mark.as_deref(), Some("true"), "the refused field is marked");
    assert_eq!(
        c.find(Locator::Css("#report-id")).await.unwrap().prop("value").await.unwrap().as_deref(),
        Some(kept.as_str())
    );
    shot(&c, "46-draft-reopened").await;
    fill(&c, "#seats", "14A").await;
    click(&c, "#submit-report").await;
    c.wait().for_element(Locator::Css("#relay-panel:not([hidden])")).await.unwrap();
    for _ in 0..100 {
        if outbox_states(&c).await == vec!["sent", "sent"] {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(outbox_states(&c).await, vec!["sent", "sent"]);
    click(&c, "#send-now").await;
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    assert_eq!(db.count_reports(org).await.unwrap(), 2, "each report reaches the desk once");
    assert!(db.report_summary(org, uuid::Uuid::parse_str(&kept).unwrap()).await.is_ok(), "under the same id");

    // "My reports" on a phone shows the status.
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert!(c.find(Locator::Css("tbody td.status")).await.unwrap().is_displayed().await.unwrap());
    shot(&c, "47-my-reports-phone").await;
    click_nav(&c, "form[action='/logout'] button").await;

    // The desk sees the flag on the queue and on the case.
    sign_in(&c, &base, "desk@nw.example").await;
    wait_path(&c, |p| p == "/account/two-factor").await;
    let secret = text(&c, "#totp-secret").await.replace(' ', "");
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/desk")).await.unwrap();
    let urgent_row = c.find(Locator::Css("#queue-rows tr.danger")).await.unwrap();
    assert!(urgent_row.find(Locator::Css(".flagged")).await.is_ok(), "the queue shows the flag");
    shot(&c, "48-desk-queue-flagged").await;
    urgent_row.find(Locator::Css("a")).await.unwrap().click().await.unwrap();
    let flags = c.wait().for_element(Locator::Css("#case-flags")).await.unwrap().text().await.unwrap();
    assert!(flags.contains("destination") && flags.contains("No airport has this code"), "{flags}");
    assert!(c.source().await.unwrap().contains("XQZ"), "the airport kept as typed");
    shot(&c, "49-desk-case-flagged").await;

    // Quick exit: Back does not return to the app.
    click_nav(&c, "form[action='/logout'] button").await;
    sign_in(&c, &base, "crew@nw.example").await;
    c.goto(&format!("{base}/report")).await.unwrap();
    click(&c, "#quick-exit").await;
    wait_path(&c, |p| p == "/quick-exit").await;
    c.back().await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(path(&c).await, "/quick-exit", "Back does not return to the app");
    server.finish(c, db).await;
}

/// axe-core (vendored from npm, MPL-2.0: `fixtures/axe/`), run in the page under test.
const AXE: &str = include_str!("fixtures/axe/axe.min.js");

/// axe's WCAG 2.0 and 2.1 level A and AA rules on the page shown: the violations, each
/// as "rule: the first elements it names".
pub(crate) async fn axe_violations(c: &Client) -> Vec<String> {
    c.execute(AXE, vec![]).await.unwrap();
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    result.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
}

/// WebDriver's codes for Tab and Enter.
const TAB: char = '\u{e004}';
const ENTER: char = '\u{e007}';

/// Press and release one key, as a keyboard would (to whatever has the focus).
async fn press(c: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let actions =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.unwrap();
}

/// What is wrong with the page in the window: axe's violations and any sideways
/// scrolling, each said after `what`.
async fn page_faults(c: &Client, what: &str) -> Vec<String> {
    let mut found: Vec<String> = axe_violations(c).await.into_iter().map(|v| format!("{what}: {v}")).collect();
    found.extend(overflows(c).await.map(|o| format!("{what} scrolls sideways: {o}")));
    found
}

/// [`page_faults`] of `base` + `page` in a window `width` px wide (900 high).
async fn faults_at(c: &Client, base: &str, page: &str, width: u32) -> Vec<String> {
    c.set_window_size(width, 900).await.unwrap();
    c.goto(&format!("{base}{page}")).await.unwrap();
    page_faults(c, &format!("{page} at {width}px")).await
}

/// Wider than the window (the page scrolls sideways): the elements that stick out.
async fn overflows(c: &Client) -> Option<String> {
    let v = c
        .execute(
            "if (document.documentElement.scrollWidth <= window.innerWidth + 1) return null;
             const w = window.innerWidth;
             return [...document.querySelectorAll('body *')]
               .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 1 || r.left < -1); })
               .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)).join(', ') || 'the page';",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_owned)
}

/// Issue 12: every public page in English and Arabic passes axe (WCAG 2.1 A and AA)
/// with no violation, fits 320 px without sideways scrolling, and works with the
/// keyboard alone (skip link, then the airport form to a help page); screenshots at
/// 320, 390 and 1280 px, Arabic right to left.
#[tokio::test]
async fn public_pages_pass_axe_in_chromium() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let (server, base) = serve(&db, library, Clock::fixed(time::macros::datetime!(2026-12-02 18:00 UTC))).await;
    let (_driver, c) = start_driver().await;
    let pages = ["/public", "/public/signs", "/help", "/help/HEL", "/help/JFK", "/help/ZZZ"];
    let mut failures = Vec::new();
    for lang in ["en", "ar"] {
        for page in pages {
            for width in [320u32, 1280] {
                c.set_window_size(width, 900).await.unwrap();
                c.goto(&format!("{base}{page}?lang={lang}")).await.unwrap();
                let dir = c.find(Locator::Css("html")).await.unwrap().attr("dir").await.unwrap();
                assert_eq!(dir.as_deref(), Some(if lang == "ar" { "rtl" } else { "ltr" }), "{page} {lang}");
                failures.extend(page_faults(&c, &format!("{page}?lang={lang} at {width}px")).await);
            }
        }
    }
    assert!(failures.is_empty(), "axe / layout:\n{}", failures.join("\n"));
    // The check can fail: an image without a text alternative is found.
    c.execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\">')", vec![])
        .await
        .unwrap();
    let found = axe_violations(&c).await;
    assert!(found.iter().any(|v| v.starts_with("image-alt")), "axe sees a broken page: {found:?}");

    // Screenshots to look at: phone widths and a desktop, English and Arabic.
    for (page, lang, name) in [
        ("/help/HEL", "en", "public-help-hel-en"),
        ("/help/HEL", "ar", "public-help-hel-ar"),
        ("/public", "ar", "public-home-ar"),
        ("/public", "uk", "public-home-uk"),
        ("/public/signs", "en", "public-signs-en"),
        ("/help/ZZZ", "fr", "public-unknown-fr"),
    ] {
        for width in [320u32, 390, 1280] {
            c.set_window_size(width, 1400).await.unwrap();
            c.goto(&format!("{base}{page}?lang={lang}")).await.unwrap();
            shot(&c, &format!("{name}-{width}")).await;
        }
    }

    // The keyboard alone: Tab reaches the skip link first, which moves to the content;
    // the airport form takes a code in lower case and Enter opens its help page.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/help?lang=en")).await.unwrap();
    let active = || async {
        c.execute("return document.activeElement.className + '|' + document.activeElement.id", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // Under load the window may not have the keyboard yet: the first Tab can be lost
    // before the page is focused, so focus it and try a few times.
    let mut first = String::new();
    for _ in 0..5 {
        c.execute("window.focus(); if (document.activeElement) document.activeElement.blur();", vec![]).await.unwrap();
        press(&c, TAB).await;
        first = active().await;
        if first == "skip|" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(first, "skip|", "the skip link comes first");
    let mut reached = false;
    for _ in 0..30 {
        press(&c, TAB).await;
        if active().await == "|airport" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the airport field");
    for key in ['h', 'e', 'l', ENTER] {
        press(&c, key).await;
    }
    wait_path(&c, |p| p == "/help/HEL").await;
    assert!(text(&c, "h1").await.contains("Get help"));
    assert!(c.find(Locator::Css("a[href='tel:112']")).await.is_ok(), "the emergency number as a link");

    server.finish(c, db).await;
}

/// The `lang` and `dir` of the page shown.
async fn lang_dir(c: &Client) -> (String, String) {
    let html = c.find(Locator::Css("html")).await.unwrap();
    (html.attr("lang").await.unwrap().unwrap_or_default(), html.attr("dir").await.unwrap().unwrap_or_default())
}

/// Sign in as a desk analyst for the first time (password, then two-factor
/// enrolment): the two-factor secret.
async fn desk_signs_in(c: &Client, base: &str, clock: &Clock, email: &str) -> String {
    sign_in(c, base, email).await;
    wait_path(c, |p| p == "/account/two-factor").await;
    let secret = text(c, "#totp-secret").await.replace(' ', "");
    fill(c, "#code", &totp(clock, &secret)).await;
    click_nav(c, "form[action='/account/two-factor'] button[type=submit]").await;
    secret
}

/// The desk of the organisation covering HEL, with one analyst.
async fn hel_desk(db: &sightline_storage::testing::TestDb, clock: &Clock) -> sightline_domain::ids::OrgId {
    let org =
        make_person(db, "Helsinki Airport", "desk@hel.example", &[sightline_domain::user::Role::DeskAnalyst], None)
            .await;
    let audit = sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::OrgAirportsChanged);
    db.set_org_airports(org, &["HEL".to_owned()], &audit, clock.now()).await.unwrap();
    org
}

/// Issue 12's "done when", tried as a new user would at phone width with no account:
/// a traveller at HEL reads the help page in Ukrainian, follows its link to the tip
/// form (Ukrainian, the airport filled in), sends a tip (the proof-of-work computed by
/// the page's script) and keeps the receipt; the covering airport's desk sees it badged
/// as public and replies from the case; the traveller opens the status page in
/// Ukrainian with the receipt, reads the reply and answers; the desk sees the answer.
#[tokio::test]
async fn a_traveller_at_hel_tips_the_desk_in_ukrainian_and_follows_up_with_the_receipt_in_chromium() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let uk = library.public.get("uk").unwrap().clone();
    let clock = fixed_now();
    let (server, base) = serve(&db, library, clock.clone()).await;
    let org = hel_desk(&db, &clock).await;
    let (_driver, c) = start_driver().await;
    c.set_window_size(390, 844).await.unwrap();

    // The traveller reads the help page in Ukrainian and follows its link to the form.
    c.goto(&format!("{base}/help/HEL?lang=uk")).await.unwrap();
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert_eq!(text(&c, "h1").await, uk.t("help-title"));
    click_nav(&c, "#tell-link").await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/tip", Some("lang=uk&airport=HEL")));
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert_eq!(text(&c, "h1").await, uk.t("tip-title"));
    assert!(text(&c, "#tip-first").await.contains(uk.t("tip-first")));
    assert!(text(&c, ".unreviewed").await.contains(uk.t("unreviewed")), "the note on an unreviewed translation");
    let airport = c.find(Locator::Css("#airport")).await.unwrap();
    assert_eq!(airport.prop("value").await.unwrap().as_deref(), Some("HEL"), "the airport carried");
    assert!(c.source().await.unwrap().contains(&uk.signs[0].1.label), "the signs in Ukrainian");
    fill(&c, "#place", "Вихід 31").await;
    click(&c, "input[name=sign][value='MOV-NEVER-ALONE']").await;
    fill(&c, "#text", "Чоловік водив дівчину до туалету й назад і тримав її паспорт.").await;
    shot(&c, "40-tip-form-uk-phone").await;
    let started = std::time::Instant::now();
    click_nav(&c, "#tip-form button[type=submit]").await;
    let receipt = text(&c, "#receipt").await;
    let took = started.elapsed();
    assert_eq!(receipt.len(), 19, "{receipt}");
    assert!(receipt.chars().filter(char::is_ascii_digit).count() == 16, "{receipt}");
    let _ = writeln!(std::io::stderr(), "tip with proof-of-work in the browser: {took:?}");
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert_eq!(text(&c, "h1").await, uk.t("tip-sent-title"));
    let status_link = c.find(Locator::Css("#status-link")).await.unwrap().attr("href").await.unwrap();
    assert_eq!(status_link.as_deref(), Some("/tip/status?lang=uk"), "the receipt page keeps the language");
    assert_eq!(overflows(&c).await, None);
    shot(&c, "41-tip-receipt-uk-phone").await;

    // The covering desk sees it, badged, and replies from the case.
    let secret = desk_signs_in(&c, &base, &clock, "desk@hel.example").await;
    c.goto(&format!("{base}/desk")).await.unwrap();
    assert!(text(&c, "#queue-rows").await.contains("Public tip"));
    shot(&c, "42-desk-queue-public-tip").await;
    click_nav(&c, "#queue-rows a").await;
    assert!(c.source().await.unwrap().contains("тримав її паспорт"));
    fill(&c, "#tip-message", "Дякуємо. О котрій це було?").await;
    click_nav(&c, "form[action$='/tip-reply'] button[type=submit]").await;
    assert!(text(&c, "#tip-thread").await.contains("О котрій це було?"));
    c.execute("document.getElementById('tip-thread').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "43-desk-tip-thread").await;
    click_nav(&c, "form[action='/logout'] button").await;

    // The traveller opens the status page in Ukrainian, reads the reply and answers.
    c.goto(&format!("{base}{}", status_link.unwrap_or_default())).await.unwrap();
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert_eq!(text(&c, "h1").await, uk.t("tip-status-title"));
    fill(&c, "#receipt", &receipt).await;
    click_nav(&c, "form[action='/tip/status?lang=uk'] button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert!(text(&c, "#thread").await.contains("О котрій це було?"));
    assert!(text(&c, "#thread").await.contains(uk.t("tip-from-desk")));
    fill(&c, "#message", "Близько 14:00, біля виходу 31.").await;
    click_nav(&c, "form[action='/tip/status/reply?lang=uk'] button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, ("uk".into(), "ltr".into()));
    assert!(text(&c, "#thread").await.contains("Близько 14:00, біля виходу 31."));
    assert!(text(&c, "#thread").await.contains(uk.t("tip-from-you")));
    assert_eq!(overflows(&c).await, None);
    shot(&c, "44-tip-status-uk-phone").await;

    // The desk sees the answer, in its thread.
    let case = db.queue(org, &sightline_storage::QueueFilter::default(), 10).await.unwrap();
    assert_eq!(case.len(), 1);
    let thread = db.tip_messages(org, case[0].id).await.unwrap();
    assert_eq!(thread.iter().map(|m| m.from_desk).collect::<Vec<_>>(), [true, false]);
    clock.advance(Duration::seconds(31));
    sign_in(&c, &base, "desk@hel.example").await;
    wait_path(&c, |p| p == "/login/two-factor").await;
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/login/two-factor'] button[type=submit]").await;
    c.goto(&format!("{base}/desk/cases/{}", case[0].id)).await.unwrap();
    assert!(text(&c, "#tip-thread").await.contains("Близько 14:00, біля виходу 31."), "the desk reads the answer");

    // The form at desktop width.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/tip?lang=uk")).await.unwrap();
    shot(&c, "45-tip-form-uk-desktop").await;
    c.close().await.unwrap();
    drop(server);
    db.cleanup().await;
}

/// The heading's direction, and the edge its text starts from: "rtl:right" when it
/// reads right to left from the right edge.
async fn heading_side(c: &Client) -> String {
    let v = c
        .execute(
            "const h = document.querySelector('h1'); const r = h.getBoundingClientRect();
             const range = document.createRange(); range.selectNodeContents(h);
             const t = range.getBoundingClientRect();
             const side = Math.abs(t.right - r.right) < 4 ? 'right' : (Math.abs(t.left - r.left) < 4 ? 'left' : 'middle');
             return getComputedStyle(h).direction + ':' + side;",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

/// Issue 12's test list: a tip in Arabic from a phone. The help page's link opens the
/// form right to left; a tip with nothing in it is refused in Arabic; the tip is sent,
/// the receipt shown (its digits left to right); the desk sees it and replies; the
/// person reads the reply with the receipt, in Arabic, and answers.
#[tokio::test]
async fn a_tip_in_arabic_from_a_phone_reads_right_to_left_in_chromium() {
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let ar = library.public.get("ar").unwrap().clone();
    let clock = fixed_now();
    let (server, base) = serve(&db, library, clock.clone()).await;
    let org = hel_desk(&db, &clock).await;
    let (_driver, c) = start_driver().await;
    c.set_window_size(390, 844).await.unwrap();
    let rtl = ("ar".to_owned(), "rtl".to_owned());

    c.goto(&format!("{base}/help/HEL?lang=ar")).await.unwrap();
    assert_eq!(lang_dir(&c).await, rtl);
    click_nav(&c, "#tell-link").await;
    assert_eq!(lang_dir(&c).await, rtl);
    assert_eq!(text(&c, "h1").await, ar.t("tip-title"));
    assert_eq!(heading_side(&c).await, "rtl:right", "the heading starts at the right edge");
    let airport = c.find(Locator::Css("#airport")).await.unwrap();
    assert_eq!(airport.attr("dir").await.unwrap().as_deref(), Some("ltr"), "a code stays left to right");
    assert_eq!(airport.prop("value").await.unwrap().as_deref(), Some("HEL"));
    assert_eq!(overflows(&c).await, None);

    // Nothing in it: refused, in Arabic, right to left.
    click_nav(&c, "#tip-form button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, rtl);
    let errors = text(&c, ".errors").await;
    assert!(errors.contains(ar.t("error-summary")) && errors.contains(ar.t("error-nothing-reported")), "{errors}");
    shot(&c, "46-tip-error-ar-phone").await;

    click(&c, "input[name=sign][value='MOV-NEVER-ALONE']").await;
    fill(&c, "#text", "رجل رافق فتاة إلى دورة المياه وعاد بها، وكان يحمل جواز سفرها.").await;
    click_nav(&c, "#tip-form button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, rtl);
    assert_eq!(text(&c, "h1").await, ar.t("tip-sent-title"));
    let receipt = text(&c, "#receipt").await;
    assert_eq!(receipt.chars().filter(char::is_ascii_digit).count(), 16, "{receipt}");
    let shown = c.execute("return getComputedStyle(document.getElementById('receipt')).direction", vec![]).await;
    assert_eq!(shown.unwrap().as_str(), Some("ltr"), "the receipt's digits read left to right");
    assert_eq!(overflows(&c).await, None);
    shot(&c, "47-tip-receipt-ar-phone").await;

    // The desk sees it and replies.
    desk_signs_in(&c, &base, &clock, "desk@hel.example").await;
    c.goto(&format!("{base}/desk")).await.unwrap();
    assert!(text(&c, "#queue-rows").await.contains("Public tip"));
    click_nav(&c, "#queue-rows a").await;
    assert!(c.source().await.unwrap().contains("جواز سفرها"));
    fill(&c, "#tip-message", "شكرًا لك. في أي ساعة كان ذلك؟").await;
    click_nav(&c, "form[action$='/tip-reply'] button[type=submit]").await;
    click_nav(&c, "form[action='/logout'] button").await;

    // The person reads the reply with the receipt, in Arabic, and answers.
    c.goto(&format!("{base}/tip/status?lang=ar")).await.unwrap();
    assert_eq!(lang_dir(&c).await, rtl);
    fill(&c, "#receipt", &receipt).await;
    click_nav(&c, "form[action='/tip/status?lang=ar'] button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, rtl);
    assert!(text(&c, "#thread").await.contains("في أي ساعة كان ذلك؟"));
    fill(&c, "#message", "نحو الساعة 14:00 عند البوابة 31.").await;
    click_nav(&c, "form[action='/tip/status/reply?lang=ar'] button[type=submit]").await;
    assert_eq!(lang_dir(&c).await, rtl);
    assert!(text(&c, "#thread").await.contains("نحو الساعة 14:00"));
    assert_eq!(heading_side(&c).await, "rtl:right");
    assert_eq!(overflows(&c).await, None);
    shot(&c, "48-tip-status-ar-phone").await;
    let case = db.queue(org, &sightline_storage::QueueFilter::default(), 10).await.unwrap();
    let thread = db.tip_messages(org, case[0].id).await.unwrap();
    assert_eq!(thread.iter().map(|m| m.from_desk).collect::<Vec<_>>(), [true, false]);
    c.close().await.unwrap();
    drop(server);
    db.cleanup().await;
}

/// A screenshot of the whole page at `width`, for `docs/screenshots/` (the window is
/// made as tall as the page).
async fn doc_shot(c: &Client, url: &str, width: u32, name: &str) {
    c.set_window_size(width, 900).await.unwrap();
    c.goto(url).await.unwrap();
    let height = c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
    let height = u32::try_from(height.as_u64().unwrap_or(900)).unwrap_or(900).clamp(600, 6000);
    c.set_window_size(width, height).await.unwrap();
    // The window's own frame takes some of its height: grow it until the page fits.
    let short = c.execute("return document.documentElement.scrollHeight - window.innerHeight", vec![]).await.unwrap();
    let short = u32::try_from(short.as_i64().unwrap_or(0).max(0)).unwrap_or(0);
    if short > 0 {
        c.set_window_size(width, height + short).await.unwrap();
    }
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(docs_screenshots()).unwrap();
    std::fs::write(docs_screenshots().join(format!("{name}.png")), png).unwrap();
}

/// Issue 12, item 7 for the tip flow: the form (empty and refused), the receipt and
/// the status page (the receipt form, a refused receipt, a thread) pass axe (WCAG 2.1
/// A and AA) with no violation in Arabic and Ukrainian, at 320 and 1280 px without
/// sideways scrolling. Then the screenshots of the Arabic help page and form in
/// `docs/screenshots/` at 390 and 1280 px.
#[tokio::test]
async fn tip_pages_pass_axe_in_arabic_and_ukrainian_in_chromium() {
    let Some(db) = journey_db().await else { return };
    let (server, base) = serve(&db, bundled(), fixed_now()).await;
    let (_driver, c) = start_driver().await;
    let mut failures = Vec::new();
    let mut checked = 0;
    let check = |c: Client, what: String| async move { page_faults(&c, &what).await };
    for lang in ["ar", "uk"] {
        let form = format!("{base}/tip?lang={lang}&airport=HEL");
        for width in [320u32, 1280] {
            c.set_window_size(width, 900).await.unwrap();
            c.goto(&form).await.unwrap();
            failures.extend(check(c.clone(), format!("/tip {lang} {width}px")).await);
            click_nav(&c, "#tip-form button[type=submit]").await;
            assert!(c.find(Locator::Css(".errors")).await.is_ok(), "refused");
            failures.extend(check(c.clone(), format!("/tip refused {lang} {width}px")).await);
            c.goto(&format!("{base}/tip/status?lang={lang}")).await.unwrap();
            failures.extend(check(c.clone(), format!("/tip/status {lang} {width}px")).await);
            fill(&c, "#receipt", "1234 5678 9012 3456").await;
            click_nav(&c, "form.card button[type=submit]").await;
            assert!(c.find(Locator::Css(".errors")).await.is_ok(), "a wrong receipt is refused");
            failures.extend(check(c.clone(), format!("/tip/status wrong receipt {lang} {width}px")).await);
            checked += 4;
        }
        // A tip, its receipt, and the status page with a thread.
        c.set_window_size(320, 900).await.unwrap();
        c.goto(&form).await.unwrap();
        click(&c, "input[name=sign][value='MOV-NEVER-ALONE']").await;
        click_nav(&c, "#tip-form button[type=submit]").await;
        let receipt = text(&c, "#receipt").await;
        for width in [320u32, 1280] {
            c.set_window_size(width, 900).await.unwrap();
            failures.extend(check(c.clone(), format!("receipt {lang} {width}px")).await);
        }
        shot(&c, &format!("49-tip-receipt-{lang}-desktop")).await;
        c.goto(&format!("{base}/tip/status?lang={lang}")).await.unwrap();
        fill(&c, "#receipt", &receipt).await;
        click_nav(&c, "form.card button[type=submit]").await;
        fill(&c, "#message", "14:00").await;
        click_nav(&c, "#tip-status form button[type=submit]").await;
        assert!(text(&c, "#thread").await.contains("14:00"));
        for width in [320u32, 1280] {
            c.set_window_size(width, 900).await.unwrap();
            failures.extend(check(c.clone(), format!("status with a thread {lang} {width}px")).await);
        }
        shot(&c, &format!("49-tip-status-{lang}-desktop")).await;
        checked += 4;
    }
    assert!(failures.is_empty(), "axe / layout:\n{}", failures.join("\n"));
    let _ = writeln!(std::io::stderr(), "tip pages checked with axe: {checked}, 0 violations");

    for (path, name) in [("/help/HEL?lang=ar", "help-HEL-ar"), ("/tip?lang=ar&airport=HEL", "tip-ar")] {
        for width in [390u32, 1280] {
            doc_shot(&c, &format!("{base}{path}"), width, &format!("{name}-{width}")).await;
        }
    }
    server.finish(c, db).await;
}

/// Issue 13, item 6: `/stats` with a year of reports and certificates — small cells
/// hidden — passes axe (WCAG 2.1 A and AA) at 320 and 1280 px in English and Finnish,
/// fits 320 px without sideways scrolling (wide tables scroll in their own box), and
/// is photographed at 390 and 1280 px (`stats-*.png`).
#[tokio::test]
async fn the_statistics_page_passes_axe_in_chromium() {
    use sightline_domain::triage::{CaseStatus, transition};
    let Some(db) = journey_db().await else { return };
    let library = bundled();
    let now = time::macros::datetime!(2026-12-02 18:00 UTC);
    make_person(&db.db, "Nordic Wings", "crew@nw.example", &[sightline_domain::user::Role::Reporter], None).await;
    let crew =
        db.db.user_by_email(&sightline_domain::user::Email::parse("crew@nw.example").unwrap()).await.unwrap().unwrap();
    let codes: Vec<&str> = library.indicators.indicators.iter().map(|i| i.code.as_str()).take(12).collect();
    let routes = [
        ("HEL", "JFK"),
        ("HEL", "ARN"),
        ("LHR", "DXB"),
        ("CDG", "NBO"),
        ("JFK", "MEX"),
        ("DXB", "BKK"),
        ("HEL", "SYD"),
    ];
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let esc = transition(CaseStatus::Received, CaseStatus::Escalated, "", None).unwrap();
    for m in 0..12i64 {
        let at = now - Duration::days(30 * m);
        let batch: Vec<sightline_storage::NewReport> = (0..20 + next(25))
            .map(|i| {
                let (o, d) = routes[(next(100) as usize * next(100) as usize / 1400).min(routes.len() - 1)];
                let signs: Vec<&str> = (0..1 + next(3)).map(|_| codes[next(codes.len() as u64) as usize]).collect();
                bulk_report(&library, &crew, format!("R{m}-{i}"), (o, d), signs.join(" "))
            })
            .collect();
        db.db.put_reports(&batch, at).await.unwrap();
        for r in batch.iter().filter(|_| next(10) < 4) {
            db.db.transition_case(crew.org_id, r.id, 0, &esc, crew.id, at).await.unwrap();
        }
        // Certificates of the public course (anonymous learners) and staff ones.
        for k in 0..(5 + next(30)) {
            let anon = sightline_storage::Learner::Anonymous { hash: format!("{m}-{k}").into_bytes() };
            let course = ["public", "cabin-crew", "ground-gate"][next(3) as usize];
            let id = db.db.create_attempt(&anon, course, "en", "[]", at).await.unwrap();
            db.db.submit_attempt(&anon, id, "[]", 100, true, None, at).await.unwrap();
            let cert = sightline_storage::NewCertificate {
                code: format!("SL-BNCH-{m:04}-{k:04}"),
                attempt_id: id,
                name: String::new(),
                course_id: course.into(),
                lang: "en".into(),
                issued_at: at,
                valid_until: at + Duration::days(365),
            };
            db.db.issue_public_certificate(&anon, &cert).await.unwrap();
        }
    }
    let (server, base) = serve(&db, library, Clock::fixed(now)).await;
    let (_driver, c) = start_driver().await;
    let mut failures = Vec::new();
    for lang in ["en", "fi"] {
        for width in [320u32, 1280] {
            failures.extend(faults_at(&c, &base, &format!("/stats?lang={lang}"), width).await);
        }
    }
    assert!(failures.is_empty(), "axe / layout:\n{}", failures.join("\n"));
    let hidden = c.find_all(Locator::Css("td.h")).await.unwrap().len();
    assert!(hidden > 0, "some small cells are hidden");
    assert_eq!(c.find_all(Locator::Css("svg.chart")).await.unwrap().len(), 4);
    for width in [390u32, 1280] {
        c.set_window_size(width, 1400).await.unwrap();
        c.goto(&format!("{base}/stats?lang=en")).await.unwrap();
        let height = c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
        c.set_window_size(width, height.as_u64().unwrap_or(1400).min(16_000) as u32).await.unwrap();
        shot(&c, &format!("stats-{width}")).await;
    }
    server.finish(c, db).await;
}

/// Issue 13, item 5: a published partner page (the demo NGO's, three of its people
/// trained: "fewer than 11") and the partners list pass axe (WCAG 2.1 A and AA) and fit
/// 320 px without sideways scrolling; screenshots of the page at 390 and 1280 px.
#[tokio::test]
async fn the_partner_page_passes_axe_and_is_photographed_in_chromium() {
    use sightline_domain::audit::{AuditAction, NewAuditEntry};
    use sightline_domain::org::{OrgKind, OrgName};
    use sightline_domain::partner::{Profile, ProfileDraft};
    use sightline_domain::user::{Email, Role};
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let now = clock.now();
    let store = &db.db;
    let ngo = store
        .create_org(
            &OrgName::parse("Demo NGO").unwrap(),
            OrgKind::Ngo,
            NewAuditEntry::new(AuditAction::OrgCreated),
            now,
        )
        .await
        .unwrap();
    for i in 0..3 {
        let email = format!("trained{i}@demo-ngo.example");
        make_person(store, "Demo NGO", &email, &[Role::Learner], None).await;
        let user = store.user_by_email(&Email::parse(&email).unwrap()).await.unwrap().unwrap().id;
        let learner = sightline_storage::Learner::User { org: ngo, user };
        let attempt = store.create_attempt(&learner, "cabin-crew", "en", "[]", now).await.unwrap();
        let cert = sightline_storage::NewCertificate {
            code: format!("SL-DEMO-NGO0-000{i}"),
            attempt_id: attempt,
            name: "Trained Person".into(),
            course_id: "cabin-crew".into(),
            lang: "en".into(),
            issued_at: now,
            valid_until: now + Duration::days(365),
        };
        store.submit_attempt(&learner, attempt, "[]", 90, true, Some(&cert), now).await.unwrap();
    }
    let profile = Profile::parse(&ProfileDraft {
        slug: "demo-ngo".into(),
        about: "Demo data: a made-up organisation.\n\nWe give potential victims of human trafficking a safe \
                place to stay, legal advice and medical care, and train airport staff to recognise the signs."
            .into(),
        services: vec!["awareness".into(), "shelter".into(), "legal_aid".into(), "medical".into(), "hotline".into()],
        phone: "+44 7700 900123".into(),
        website: "https://demo-ngo.example/".into(),
        email: "help@demo-ngo.example".into(),
        donation_url: "https://donate.demo-ngo.example/".into(),
        published: true,
    })
    .unwrap();
    let audit = NewAuditEntry::new(AuditAction::PartnerPageChanged).org(ngo);
    let admin = store.user_by_email(&Email::parse("trained0@demo-ngo.example").unwrap()).await.unwrap().unwrap().id;
    store.put_partner_page(ngo, &profile, 0, admin, &audit, now).await.unwrap();

    let (server, base) = serve(&db, bundled(), clock).await;
    let (_driver, c) = start_driver().await;
    let mut failures = Vec::new();
    for page in ["/partners/demo-ngo?lang=en", "/partners/demo-ngo?lang=fi", "/partners", "/partners/unknown"] {
        for width in [320u32, 1280] {
            failures.extend(faults_at(&c, &base, page, width).await);
        }
    }
    assert!(failures.is_empty(), "axe / layout:\n{}", failures.join("\n"));
    c.goto(&format!("{base}/partners/demo-ngo")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Demo NGO");
    assert!(text(&c, ".figures").await.contains("fewer than 11"), "3 trained is not shown");
    let donate = c.find(Locator::Css(".donate a.button")).await.unwrap();
    assert_eq!(donate.attr("href").await.unwrap().as_deref(), Some("https://donate.demo-ngo.example/"));
    for width in [390u32, 1280] {
        c.set_window_size(width, if width < 800 { 2000 } else { 1400 }).await.unwrap();
        c.goto(&format!("{base}/partners/demo-ngo")).await.unwrap();
        shot(&c, &format!("partners-demo-ngo-{width}")).await;
    }
    server.finish(c, db).await;
}

/// The training compliance dashboard (issue 14, item 2) as an admin sees it, at 390
/// and 1280 px: an airline whose cabin crew at HEL and OUL stand differently.
#[tokio::test]
async fn the_compliance_dashboard_at_390_and_1280_px() {
    use sightline_domain::learn::Audience;
    use sightline_domain::user::Role;
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let (mut server, base) = serve(&db, bundled(), clock.clone()).await;
    let now = clock.now();
    let ago = |days: i64| now - Duration::days(days);
    let org =
        make_named_person(&db, "Nordic Wings", ("Ada Admin", "admin@nw.example"), &[Role::OrgAdmin], Some("HEL"), None)
            .await;
    // (name, position, base, joined days ago, completed days ago)
    let people: [(&str, Audience, &str, i64, Option<i64>); 12] = [
        ("Aino Virtanen", Audience::CabinCrew, "HEL", 900, Some(40)),
        ("Bo Berg", Audience::CabinCrew, "HEL", 900, Some(100)),
        ("Cai Chen", Audience::CabinCrew, "HEL", 900, Some(350)),
        ("Dina Dahl", Audience::CabinCrew, "OUL", 900, Some(420)),
        ("Eero Ek", Audience::CabinCrew, "OUL", 900, Some(200)),
        ("Fia Forss", Audience::CabinCrew, "HEL", 3, None),
        ("Gus Grant", Audience::Ground, "HEL", 900, Some(30)),
        ("Hanna Holm", Audience::Ground, "OUL", 900, Some(380)),
        ("Iris Ito", Audience::Ground, "HEL", 60, None),
        ("Jon Juva", Audience::Security, "HEL", 900, Some(10)),
        ("Kai Koski", Audience::Security, "TLL", 900, Some(345)),
        ("Lea Lund", Audience::CabinCrew, "TLL", 900, Some(90)),
    ];
    for (i, (name, position, at, joined, done)) in people.iter().enumerate() {
        let email = format!("p{i}@nw.example");
        let user = db
            .create_user(
                org,
                &sightline_storage::NewUser {
                    name: sightline_domain::user::PersonName::parse(name).unwrap(),
                    email: sightline_domain::user::Email::parse(&email).unwrap(),
                    roles: sightline_domain::user::Roles::of([Role::Learner]),
                    base: Some((*at).to_owned()),
                    employee_id: None,
                    password_hash: None,
                    position: Some(*position),
                },
                sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::UserCreated),
                ago(*joined),
            )
            .await
            .unwrap();
        if let Some(d) = done {
            let course = match position {
                Audience::CabinCrew => "cabin-crew",
                Audience::Ground => "ground-gate",
                _ => "security-ops",
            };
            let learner = sightline_storage::Learner::User { org, user };
            let attempt = db.create_attempt(&learner, course, "en", "[]", ago(*d)).await.unwrap();
            let cert = sightline_storage::NewCertificate {
                code: format!("SL-SHOT-{i:04}-0000"),
                attempt_id: attempt,
                name: (*name).to_owned(),
                course_id: course.into(),
                lang: "en".into(),
                issued_at: ago(*d),
                valid_until: ago(*d) + Duration::days(365),
            };
            db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&cert), ago(*d)).await.unwrap();
        }
    }
    let (_driver, c) = start_driver().await;
    sign_in_with_password(&c, &base, "admin@nw.example").await;
    wait_path(&c, |p| p == "/account/two-factor").await;
    let secret = text(&c, "#totp-secret").await.replace(' ', "");
    fill(&c, "#code", &totp(&clock, &secret)).await;
    click_nav(&c, "form[action='/account/two-factor'] button[type=submit]").await;

    // Assign through the form: cabin crew everywhere, ground and security.
    for (course, position) in [("cabin-crew", "cabin_crew"), ("ground-gate", "ground"), ("security-ops", "security")] {
        c.goto(&format!("{base}/orgs/{org}/assignments")).await.unwrap();
        c.find(Locator::Css("#course")).await.unwrap().select_by_value(course).await.unwrap();
        c.find(Locator::Css("#position")).await.unwrap().select_by_value(position).await.unwrap();
        click_nav(&c, "form[action$='/assignments'] button[type=submit]").await;
    }
    c.set_window_size(390, 844).await.unwrap();
    shot(&c, "50-assignments-390").await;
    c.goto(&format!("{base}/orgs/{org}/compliance")).await.unwrap();
    for (w, h, tag) in [(1280, 1000, "1280"), (390, 844, "390")] {
        c.set_window_size(w, h).await.unwrap();
        c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        shot(&c, &format!("51-compliance-{tag}")).await;
        c.execute("document.getElementById('by-position-heading').scrollIntoView()", vec![]).await.unwrap();
        shot(&c, &format!("52-compliance-charts-{tag}")).await;
    }
    // A cell's people.
    c.goto(&format!("{base}/orgs/{org}/compliance?status=overdue")).await.unwrap();
    c.execute("document.getElementById('people').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "53-compliance-overdue-390").await;
    let body = c.source().await.unwrap();
    assert!(body.contains("Dina Dahl") && body.contains("Hanna Holm") && !body.contains("Aino Virtanen"));
    server.stop().await;
    db.cleanup().await;
}

/// Issue 14, item 5: "Sign in with your company account" (empty, then refused for an
/// organisation without it) and the settings' single sign-on section pass axe (WCAG 2.1
/// A and AA), fit 390 and 1280 px without sideways scrolling, and are screenshotted
/// for `docs/screenshots/` (`sso-*.png`).
#[tokio::test]
async fn single_sign_on_pages_pass_axe_in_chromium() {
    use sightline_domain::oidc::{IssuerUrl, RoleMapping};
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let (server, base) = serve(&db, bundled(), clock.clone()).await;
    let admin = sightline_domain::user::Role::OrgAdmin;
    let org = make_person(&db.db, "Crew Air", "admin@crew.example", &[admin], None).await;
    let config = sightline_storage::SsoConfig {
        org_id: org,
        issuer: IssuerUrl::parse("https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0", false)
            .unwrap(),
        client_id: "6f1d2c4e-sightline".into(),
        sealed_secret: "sealed:v1:x.y".into(),
        email_domain: Some("crew.example".into()),
        role_mapping: RoleMapping::parse(
            "groups = sightline-crew -> reporter\ngroups = sightline-desk -> desk_analyst",
        )
        .unwrap(),
        mfa_acr: None,
        password_sign_in: true,
        updated_at: clock.now(),
    };
    let audit = sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::SsoConfigured);
    db.db.put_sso_config(&config, &audit, clock.now()).await.unwrap();
    let (_driver, c) = start_driver().await;
    let mut failures = Vec::new();
    for width in [390u32, 1280] {
        doc_shot(&c, &format!("{base}/login/sso"), width, &format!("sso-sign-in-{width}")).await;
        c.set_window_size(width, 900).await.unwrap();
        fill(&c, "#org", "nobody.example").await;
        click_nav(&c, "form[action='/login/sso'] button[type=submit]").await;
        assert!(text(&c, "#org-error").await.contains("No organisation with company sign-in"));
        shot(&c, &format!("sso-sign-in-refused-{width}")).await;
        failures.extend(page_faults(&c, &format!("/login/sso {width}")).await);
    }
    c.set_window_size(390, 844).await.unwrap();
    desk_signs_in(&c, &base, &clock, "admin@crew.example").await;
    for width in [390u32, 1280] {
        // Tall enough for the whole section in one picture.
        c.set_window_size(width, 3200).await.unwrap();
        c.goto(&format!("{base}/orgs/{org}/settings")).await.unwrap();
        docs_section_shot(&c, "#sso", &format!("sso-settings-{width}")).await;
        failures.extend(page_faults(&c, &format!("settings {width}")).await);
    }
    assert!(failures.is_empty(), "{failures:#?}");
    server.finish(c, db).await;
}

/// The window as it is, in `target/screenshots/` and `docs/screenshots/`.
async fn docs_shot(c: &Client, name: &str) {
    shot(c, name).await;
    let file = format!("{name}.png");
    std::fs::copy(screenshots_dir().join(&file), docs_screenshots().join(&file)).unwrap();
}

/// The element `css` alone, in `docs/screenshots/`.
async fn docs_section_shot(c: &Client, css: &str, name: &str) {
    let png = c.find(Locator::Css(css)).await.unwrap().screenshot().await.unwrap();
    std::fs::write(docs_screenshots().join(format!("{name}.png")), png).unwrap();
}

fn docs_screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// Issue 15, item 1: the settings' retention section (saved, then refused at its
/// field), a case under legal hold (the desk's notice, the admin's control) and a
/// tombstone pass axe (WCAG 2.1 A and AA) and fit 390 and 1280 px without sideways
/// scrolling; screenshots for `docs/screenshots/` (`retention-*.png`).
#[tokio::test]
async fn retention_settings_legal_hold_and_a_tombstone_pass_axe_in_chromium() {
    use sightline_domain::audit::{AuditAction, NewAuditEntry};
    use sightline_domain::triage::{CaseStatus, Outcome, transition};
    use sightline_domain::user::{Email, Role};
    let Some(db) = journey_db().await else { return };
    let clock = fixed_now();
    let (server, base) = serve(&db, bundled(), clock.clone()).await;
    let org = make_person(&db, "Crew Air", "crew@crew.example", &[Role::Reporter], None).await;
    make_named_person(
        &db,
        "Crew Air",
        ("Maria Lind", "lead@crew.example"),
        &[Role::OrgAdmin, Role::DeskAnalyst],
        None,
        None,
    )
    .await;
    let lead = db.user_by_email(&Email::parse("lead@crew.example").unwrap()).await.unwrap().unwrap().id;
    let token = crate::support::token_for(&db, "crew@crew.example").await;
    let (_driver, c) = start_driver().await;
    c.goto(&base).await.unwrap();
    let mut ids = Vec::new();
    for text in ["Two adults answered for her; she looked at the floor.", "Seen at gate 32."] {
        let id = uuid::Uuid::now_v7();
        let body = serde_json::json!({
            "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": clock.now().date().to_string(),
            "origin": "JFK", "destination": "HEL", "scheduled_arrival": "13:10", "seats": ["23A"],
            "potential_victims": 1, "companions": 1, "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"],
            "victims": [{"age_range": "teen", "gender": "female", "clothing": "grey hoodie"}],
            "companion_aware": "no", "free_text": text, "considered_innocent_explanations": true
        });
        let status = c
            .execute_async(
                "const [url, token, body, done] = arguments; fetch(url, {method: 'PUT', headers: \
                 {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}, body}).then(r => done(r.status));",
                vec![format!("{base}/api/v1/reports/{id}").into(), token.clone().into(), body.to_string().into()],
            )
            .await
            .unwrap();
        assert_eq!(status.as_u64(), Some(201));
        let close = transition(CaseStatus::Received, CaseStatus::Closed, "", Some(Outcome::NoActionInnocent)).unwrap();
        db.transition_case(org, id, 0, &close, lead, clock.now()).await.unwrap();
        ids.push(id);
    }
    let policy = sightline_domain::retention::RetentionPolicy {
        no_action_innocent: Some(90),
        referred_to_ngo: Some(730),
        tips: Some(30),
        ..Default::default()
    };
    let audit = NewAuditEntry::new(AuditAction::RetentionChanged).org(org);
    db.set_retention_policy(org, &policy, &audit, clock.now()).await.unwrap();
    let hold = NewAuditEntry::new(AuditAction::LegalHoldPlaced).org(org);
    db.set_legal_hold(org, ids[0], Some(("Police request HEL-2026-0077 (Sgt. Virtanen)", lead)), &hold, clock.now())
        .await
        .unwrap();
    let later = clock.now() + Duration::days(91);
    let freezer = sightline_app::assign::ComplianceFreezer(db.clone());
    sightline_jobs::retention::purge(&db, move || later, 500, &freezer).await.unwrap();

    desk_signs_in(&c, &base, &clock, "lead@crew.example").await;
    let mut failures = Vec::new();
    for width in [390u32, 1280] {
        c.set_window_size(width, 3200).await.unwrap();
        c.goto(&format!("{base}/orgs/{org}/settings")).await.unwrap();
        docs_section_shot(&c, "#retention", &format!("retention-settings-{width}")).await;
        // The section is taller than the window at 390 px: its lower part (training,
        // certificates, audit) in a second picture.
        c.execute("document.getElementById('tips_days').scrollIntoView()", vec![]).await.unwrap();
        docs_shot(&c, &format!("retention-settings-lower-{width}")).await;
        failures.extend(page_faults(&c, &format!("settings {width}")).await);
        fill(&c, "#other_days", "0").await;
        click_nav(&c, "form[action$='/settings/retention'] button[type=submit]").await;
        assert!(text(&c, "#other_days-error").await.contains("allowed range"));
        docs_section_shot(&c, "#retention", &format!("retention-settings-refused-{width}")).await;
        failures.extend(axe_violations(&c).await.into_iter().map(|v| format!("refused {width}: {v}")));

        c.set_window_size(width, 900).await.unwrap();
        c.goto(&format!("{base}/desk/cases/{}", ids[0])).await.unwrap();
        assert!(text(&c, "#legal-hold-notice").await.contains("HEL-2026-0077"));
        docs_shot(&c, &format!("retention-hold-{width}")).await;
        c.set_window_size(width, 3200).await.unwrap();
        docs_section_shot(&c, "#legal-hold", &format!("retention-hold-control-{width}")).await;
        failures.extend(page_faults(&c, &format!("held case {width}")).await);

        c.set_window_size(width, 900).await.unwrap();
        c.goto(&format!("{base}/desk/cases/{}", ids[1])).await.unwrap();
        assert!(text(&c, "#retention-notice").await.contains("removed under the retention policy"));
        docs_shot(&c, &format!("retention-tombstone-{width}")).await;
        failures.extend(page_faults(&c, &format!("tombstone {width}")).await);
    }
    assert!(failures.is_empty(), "{failures:#?}");
    server.finish(c, db).await;
}

/// PUT a report to the server at `addr` with a plain HTTP/1.1 exchange; the status.
async fn put_report(addr: SocketAddr, token: &str, id: uuid::Uuid, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "PUT /api/v1/reports/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf).split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Milliseconds since the Unix epoch on this machine's wall clock (what the page's
/// `Date.now()` reads too).
fn wall_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0
}

/// The value at quantile `q` of sorted `v` (nearest rank).
fn quantile(v: &[f64], q: f64) -> f64 {
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Issue 16, item 2, "the desk sees it within a second": an analyst's queue page is
/// open in Chromium; 100 reports arrive through the API at 10 per second; for each,
/// the time from the API's 201 to its row appearing in the page's DOM (a
/// MutationObserver stamps `Date.now()` when a row with the report's id is first
/// there; the test stamps the same wall clock when the 201 is read). p99 ≤ 1 s on
/// both engines; the figures are printed. Screenshots of the live queue at 390 and
/// 1280 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_sees_each_report_within_a_second_in_chromium() {
    if !browser_available() {
        return;
    }
    let clock = Clock::fixed(time::macros::datetime!(2026-11-28 09:00:00 UTC));
    let (_driver, c) = start_driver().await;
    for (n, db) in crate::support::engines().await.into_iter().enumerate() {
        let engine = db.db.engine().as_str();
        let (mut server, base) = serve(&db, bundled(), clock.clone()).await;
        let org = format!("Live Air {n}");
        make_person(&db, &org, &format!("crew{n}@live.example"), &[sightline_domain::user::Role::Reporter], None).await;
        make_person(&db, &org, &format!("desk{n}@live.example"), &[sightline_domain::user::Role::DeskAnalyst], None)
            .await;
        let token = crate::support::token_for(&db, &format!("crew{n}@live.example")).await;
        c.set_window_size(390, 844).await.unwrap();
        desk_signs_in(&c, &base, &clock, &format!("desk{n}@live.example")).await;
        c.goto(&format!("{base}/desk")).await.unwrap();
        // The stream is open when the page says it is live.
        let live_text = "Live: new reports appear as they arrive.";
        for _ in 0..100 {
            if text(&c, "#live-status").await == live_text {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
        assert_eq!(text(&c, "#live-status").await, live_text);
        c.execute(
            "window.__seen = {};
             const stamp = () => {
               const t = Date.now();
               for (const tr of document.querySelectorAll('#queue-rows tr[data-id]')) {
                 if (!(tr.dataset.id in window.__seen)) window.__seen[tr.dataset.id] = t;
               }
             };
             new MutationObserver(stamp).observe(document.getElementById('queue-rows'), { childList: true, subtree: true });",
            vec![],
        )
        .await
        .unwrap();

        // 100 reports at 10 per second, open loop: each sent on its tick.
        let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
        let started = tokio::time::Instant::now();
        let mut sent = Vec::new();
        for i in 0..100u32 {
            tokio::time::sleep_until(started + StdDuration::from_millis(100 * u64::from(i))).await;
            let (token, body) = (token.clone(), crate::reports::body(&format!("live report {i}")));
            sent.push(tokio::spawn(async move {
                let id = uuid::Uuid::now_v7();
                let status = put_report(addr, &token, id, &body).await;
                (id, status, wall_ms())
            }));
        }
        let mut acked = Vec::new();
        for s in sent {
            let (id, status, at) = s.await.unwrap();
            assert_eq!(status, 201);
            acked.push((id, at));
        }
        // Every row on the page, then the stamps.
        let mut seen = serde_json::Value::Null;
        for _ in 0..100 {
            seen = c.execute("return window.__seen", vec![]).await.unwrap();
            if acked.iter().all(|(id, _)| seen.get(id.to_string()).is_some()) {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
        let mut took: Vec<f64> = acked
            .iter()
            .map(|(id, at)| {
                let shown = seen.get(id.to_string()).and_then(serde_json::Value::as_f64);
                shown.unwrap_or_else(|| panic!("{engine}: report {id} never appeared on the desk's page")) - at
            })
            .collect();
        took.sort_by(f64::total_cmp);
        let (p50, p99, max) = (quantile(&took, 0.5), quantile(&took, 0.99), took[took.len() - 1]);
        let _ = writeln!(
            std::io::stderr(),
            "live queue on {engine}: 100 reports at 10/s, API 201 → row in the DOM: p50 {p50:.0} ms, p99 {p99:.0} ms, \
             max {max:.0} ms, min {:.0} ms",
            took[0]
        );
        assert!(p99 <= 1000.0, "{engine}: p99 {p99:.0} ms > 1 s: {took:?}");

        if n == 0 {
            for (w, h, tag) in [(390, 844, "390"), (1280, 900, "1280")] {
                c.set_window_size(w, h).await.unwrap();
                c.goto(&format!("{base}/desk")).await.unwrap();
                for _ in 0..50 {
                    if text(&c, "#live-status").await == live_text {
                        break;
                    }
                    tokio::time::sleep(StdDuration::from_millis(100)).await;
                }
                shot(&c, &format!("40-desk-live-queue-{tag}")).await;
            }
        }
        sign_out_of(&c).await;
        server.stop().await;
        db.cleanup().await;
    }
}
