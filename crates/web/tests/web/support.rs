//! A test client that keeps cookies like a browser and fills in CSRF tokens.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sightline_domain::totp::TotpSecret;
use sightline_storage::testing::{self, TestDb};
use sightline_web::{AppState, Clock, Config};
use time::macros::datetime;
use tower::ServiceExt;

/// The master key tests seal reports under.
pub fn test_key() -> sightline_domain::crypto::MasterKey {
    sightline_domain::crypto::MasterKey::from_bytes([42; 32])
}

pub const SETUP_TOKEN: &str = "test-setup-token-0123456789abcdefghijklmnop";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct Resp {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    /// The body as sent (a PDF, say), of which `body` is the lossy text.
    pub bytes: Vec<u8>,
    pub headers: axum::http::HeaderMap,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub struct TestApp {
    pub state: AppState,
    router: Router,
    pub cookies: HashMap<String, String>,
    db: Option<TestDb>,
    pub ip: [u8; 4],
}

/// Which engines to run a test on: SQLite always, PostgreSQL when configured.
pub async fn engines() -> Vec<TestDb> {
    let mut dbs = vec![testing::sqlite().await.unwrap()];
    match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(Some(url)) => dbs.push(testing::postgres(&url).await.unwrap()),
        Ok(None) => {
            let _ =
                writeln!(std::io::stderr(), "SKIPPED PostgreSQL half of a web test: {} is not set", testing::PG_ENV);
        }
    }
    dbs
}

/// How a [`TestApp`] is made, in the style of crates.io's test app:
/// `TestApp::builder().with_content().with_clock(…).build().await`. Defaults: a fresh
/// SQLite database, the clock fixed at 2026-11-28 09:00 UTC, `http://sightline.test`,
/// no mail relay, the built-in sample content. The database is removed when the app
/// (or [`TestApp::finish`]) drops it, on either engine.
pub struct TestAppBuilder {
    db: Option<TestDb>,
    clock: Clock,
    config: Config,
    content: bool,
    library: Option<sightline_content::Library>,
    live: Option<(sightline_app::live::FeedMode, sightline_app::live::StreamLimits)>,
}

impl TestAppBuilder {
    /// The live queue's feed in this mode, with these stream limits.
    pub fn with_live_feed(
        mut self,
        mode: sightline_app::live::FeedMode,
        limits: sightline_app::live::StreamLimits,
    ) -> Self {
        self.live = Some((mode, limits));
        self
    }

    /// Run on this database (one of [`engines`]) instead of a fresh SQLite one.
    pub fn on(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Mail goes out through this relay.
    pub fn with_smtp(mut self, smtp: sightline_web::Smtp) -> Self {
        self.config = self.config.with_smtp(smtp);
        self
    }

    /// Serve the repository's real courses and indicators, and its seeded directory.
    pub fn with_content(mut self) -> Self {
        self.content = true;
        self
    }

    /// Serve this content (a changed copy of the repository's) and seed its directory.
    pub fn with_library(mut self, library: sightline_content::Library) -> Self {
        self.library = Some(library);
        self
    }

    pub async fn build(self) -> TestApp {
        let db = match self.db {
            Some(db) => db,
            None => testing::sqlite().await.unwrap(),
        };
        let mut state = AppState::new(db.db.clone(), self.config, self.clock, test_key());
        // A tip without JavaScript waits 5 s in production; tests need not.
        let tips = sightline_web::tips::TipPolicy {
            slow_path: std::time::Duration::from_millis(20),
            ..sightline_web::tips::TipPolicy::default()
        };
        state.app = state.app.clone().with_tip_policy(tips);
        if let Some((mode, limits)) = self.live {
            state.app = state.app.clone().with_live_feed(mode, limits);
        }
        let library = match self.library {
            Some(l) => Some(l),
            None if self.content => Some(
                sightline_content::load(&sightline_content::default_dir()).ok().expect("repository content is valid"),
            ),
            None => None,
        };
        if let Some(library) = library {
            state = state.with_library(library);
            state.seed_directory().await.unwrap();
        }
        TestApp {
            router: sightline_web::router(state.clone()),
            state,
            cookies: HashMap::new(),
            db: Some(db),
            ip: [127, 0, 0, 1],
        }
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            db: None,
            clock: Clock::fixed(datetime!(2026-11-28 09:00:00 UTC)),
            config: Config::new("http://sightline.test"),
            content: false,
            library: None,
            live: None,
        }
    }

    /// The default app on `db`.
    pub async fn new(db: TestDb) -> Self {
        Self::builder().on(db).build().await
    }

    /// The default app on `db`, serving the repository's real courses and indicators.
    pub async fn with_content(db: TestDb) -> Self {
        Self::builder().on(db).with_content().build().await
    }

    /// The same server with a changed configuration.
    pub fn reconfigure(&mut self, f: impl FnOnce(Config) -> Config) {
        self.state.config = std::sync::Arc::new(f((*self.state.config).clone()));
        self.router = sightline_web::router(self.state.clone());
    }

    /// A second browser on the same server.
    pub fn another_browser(&self) -> Self {
        Self {
            state: self.state.clone(),
            router: self.router.clone(),
            cookies: HashMap::new(),
            db: None,
            ip: [127, 0, 0, 2],
        }
    }

    /// Close the database's pool and remove the database now (dropping the app
    /// removes it too, blocking).
    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        if !self.cookies.is_empty() {
            let c = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let app = self.router.clone().layer(MockConnectInfo(SocketAddr::from((self.ip, 40_000))));
        let res = app.oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        // An event stream does not end: its body is read with `open_events` instead.
        let streaming =
            headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"));
        let bytes = if streaming { Vec::new() } else { res.into_body().collect().await.unwrap().to_bytes().to_vec() };
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Resp { status, location, body, bytes, headers }
    }

    /// Open `GET /desk/events` (with `Last-Event-ID` when given): the status, and the
    /// stream to read events from when it is 200.
    pub async fn open_events(&mut self, last_event_id: Option<i64>) -> (StatusCode, Option<Events>) {
        self.open_events_at("/desk/events", last_event_id).await
    }

    /// As [`Self::open_events`], at `path` (`/desk/events?after=…`, the page's first
    /// connection).
    pub async fn open_events_at(&mut self, path: &str, last_event_id: Option<i64>) -> (StatusCode, Option<Events>) {
        let mut req = Request::get(path).header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let mut req = req.body(Body::empty()).unwrap();
        let c = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        let app = self.router.clone().layer(MockConnectInfo(SocketAddr::from((self.ip, 40_000))));
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        if status != StatusCode::OK {
            return (status, None);
        }
        let t = res.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().to_owned();
        assert!(t.starts_with("text/event-stream"), "{t}");
        (status, Some(Events { body: res.into_body(), buf: String::new() }))
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded_pairs(fields);
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Open `page`, then submit its form to `action` with `fields` and the page's
    /// CSRF token, as a browser would.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let p = self.get(page).await;
        assert!(p.status.is_success(), "GET {page}: {} {}", p.status, p.body);
        let csrf = csrf_of(&p.body);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    pub async fn post_multipart(&mut self, path: &str, csrf: &str, file: &[u8]) -> Resp {
        self.post_multipart_with(path, &[("csrf", csrf)], file).await
    }

    /// A multipart form with these text fields and a CSV file.
    pub async fn post_multipart_with(&mut self, path: &str, fields: &[(&str, &str)], file: &[u8]) -> Resp {
        let boundary = "----sightline-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn api(&mut self, method: &str, path: &str, token: Option<&str>, json: Option<&str>) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match json {
            Some(j) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(j.to_owned())).unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let saved = std::mem::take(&mut self.cookies);
        let r = self.send(req).await;
        self.cookies = saved;
        r
    }

    /// File report `id` (JSON `body`) through the API with `token`, which must be taken.
    pub async fn put_report(&mut self, token: &str, id: impl std::fmt::Display, body: &str) -> Resp {
        let r = self.api("PUT", &format!("/api/v1/reports/{id}"), Some(token), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r
    }

    /// File the shortest report the API takes (two signs, one potential victim, on
    /// AY5 from `origin` to `destination`) with `token`; returns its id.
    pub async fn put_short_report(&mut self, token: &str, (origin, destination): (&str, &str)) -> uuid::Uuid {
        let body = serde_json::json!({
            "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
            "origin": origin, "destination": destination, "potential_victims": 1, "companion_aware": "no",
            "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"], "considered_innocent_explanations": true
        });
        let id = uuid::Uuid::now_v7();
        self.put_report(token, id, &body.to_string()).await;
        id
    }

    /// The account with this e-mail address.
    pub async fn user(&self, email: &str) -> sightline_storage::UserRecord {
        self.state.db.user_by_email(&sightline_domain::user::Email::parse(email).unwrap()).await.unwrap().unwrap()
    }

    /// `email` as a caller of the application layer, signed in (and past two-factor
    /// when `two_factor`).
    pub async fn caller(&self, email: &str, two_factor: bool) -> sightline_app::Caller {
        sightline_app::Caller::signed_in(self.user(email).await, two_factor, None).unwrap()
    }

    /// `email` with two-factor turned on (straight in the database), as a caller past it.
    pub async fn enrolled_caller(&self, email: &str) -> sightline_app::Caller {
        let user = self.user(email).await;
        self.state.db.enable_totp(&user, "JBSWY3DPEHPK3PXP", 1, &[], None, self.state.now()).await.unwrap();
        self.caller(email, true).await
    }

    /// Whether there is an account with this e-mail address.
    pub async fn has_account(&self, email: &str) -> bool {
        self.state.db.user_by_email(&sightline_domain::user::Email::parse(email).unwrap()).await.unwrap().is_some()
    }

    /// The six-digit code an authenticator app would show now for `secret`.
    pub fn totp(&self, secret: &str) -> String {
        TotpSecret::from_base32(secret).unwrap().code_at(self.state.now().unix_timestamp())
    }

    /// Open a first-run setup link and submit its form: the operator organisation and
    /// Pat Admin, with `changes` replacing those fields.
    pub async fn submit_setup(&mut self, changes: &[(&str, &str)]) -> Resp {
        let now = self.state.now();
        self.state
            .db
            .create_setup_token(&sightline_web::hash_token(SETUP_TOKEN), now, now + time::Duration::hours(24))
            .await
            .unwrap();
        let mut form = vec![
            ("token", SETUP_TOKEN),
            ("org_name", "Sightline Operator"),
            ("org_kind", "ngo"),
            ("name", "Pat Admin"),
            ("email", "pat@operator.example"),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ];
        for (key, value) in changes {
            form.iter_mut().filter(|(k, _)| k == key).for_each(|f| f.1 = value);
        }
        self.submit(&format!("/setup?token={SETUP_TOKEN}"), "/setup", &form).await
    }

    /// Run the first-run setup and enrol two-factor; returns the TOTP secret.
    pub async fn set_up_platform_admin(&mut self) -> String {
        let r = self.submit_setup(&[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/account/two-factor"));
        self.enrol_two_factor().await
    }

    /// On the enrolment page: read the key, confirm a code. Returns the secret.
    pub async fn enrol_two_factor(&mut self) -> String {
        let page = self.get("/account/two-factor").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let secret = between(&page.body, "<code id=\"totp-secret\">", "</code>").replace(' ', "");
        let code = self.totp(&secret);
        let r = self.post_form("/account/two-factor", &[("csrf", &csrf_of(&page.body)), ("code", &code)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body.matches("<li><code>").count(), 10, "ten recovery codes shown");
        secret
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Resp {
        self.submit("/login", "/login", &[("email", email), ("password", password)]).await
    }

    /// Sign in as `email` with the test password, which must lead to two-factor
    /// enrolment first, and enrol. Returns the TOTP secret.
    pub async fn sign_in_and_enrol(&mut self, email: &str) -> String {
        let r = self.sign_in(email, PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/account/two-factor"), "{email} enrols two-factor first: {}", r.body);
        self.enrol_two_factor().await
    }

    /// Run the first-run setup and enrol two-factor, as [`Self::set_up_platform_admin`];
    /// returns the platform admin's account.
    pub async fn platform_admin(&mut self) -> sightline_storage::UserRecord {
        self.set_up_platform_admin().await;
        self.user("pat@operator.example").await
    }

    /// As the platform admin, add an airline on `/admin/organisations`, which sends
    /// the admin on to its people page. Returns that page and the airline's id.
    pub async fn add_airline(&mut self, name: &str) -> (String, String) {
        let r =
            self.submit("/admin/organisations", "/admin/organisations", &[("name", name), ("kind", "airline")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let people = r.location.unwrap();
        assert!(people.starts_with("/orgs/") && people.ends_with("/users"), "{people}");
        let org = people.trim_start_matches("/orgs/").trim_end_matches("/users").to_owned();
        (people, org)
    }

    /// From organisation `org`'s people page, invite someone (`fields`: e-mail, name,
    /// roles). Returns the invitation link shown and its path.
    pub async fn invite(&mut self, org: &str, fields: &[(&str, &str)]) -> (String, String) {
        let r = self.submit(&format!("/orgs/{org}/users"), &format!("/orgs/{org}/invitations"), fields).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        made_link(&r.body)
    }

    /// Upload a roster CSV on organisation `org`'s people page.
    pub async fn import_roster(&mut self, org: impl std::fmt::Display, csv: &str) -> Resp {
        let csrf = csrf_of(&self.get(&format!("/orgs/{org}/users")).await.body);
        self.post_multipart(&format!("/orgs/{org}/roster"), &csrf, csv.as_bytes()).await
    }
}

pub fn csrf_of(html: &str) -> String {
    between(html, "name=\"csrf\" value=\"", "\"")
}

/// The link an admin was shown to pass on (invitation or password reset), and its path.
pub fn made_link(html: &str) -> (String, String) {
    let link = between(html, "id=\"made-link\" class=\"copy\" readonly value=\"", "\"");
    let path = link.trim_start_matches("http://sightline.test").to_owned();
    (link, path)
}

pub fn between(s: &str, start: &str, end: &str) -> String {
    let from = s.find(start).unwrap_or_else(|| panic!("{start:?} not in page: {s}")) + start.len();
    let to = s[from..].find(end).unwrap() + from;
    s[from..to].to_owned()
}

/// A form body (`application/x-www-form-urlencoded`) of these fields.
pub fn serde_urlencoded_pairs(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Undo askama's HTML escaping (named and numeric entities).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The questions on a check page: (question id, [(shown position, option text)]).
pub fn check_questions(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for part in html.split("<input type=\"radio\" name=\"q_").skip(1) {
        let id = part.split('"').next().unwrap().to_owned();
        let pos = between(part, "value=\"", "\"");
        let text = unescape(&between(part, "<span>", "</span>"));
        match out.last_mut() {
            Some((last, opts)) if *last == id => opts.push((pos, text)),
            _ => out.push((id, vec![(pos, text)])),
        }
    }
    out
}

/// Create (or reuse) an airline and a person in it with a password; returns the
/// organisation's id. For tests that need someone other than the setup admin.
pub async fn make_person(
    db: &sightline_storage::Db,
    org_name: &str,
    email: &str,
    roles: &[sightline_domain::user::Role],
    position: Option<sightline_domain::learn::Audience>,
) -> sightline_domain::ids::OrgId {
    let name = email.split('@').next().unwrap();
    make_named_person(db, org_name, (name, email), roles, None, position).await
}

/// An airline (made if missing) and a person in it with the test password.
pub async fn make_named_person(
    db: &sightline_storage::Db,
    org_name: &str,
    (name, email): (&str, &str),
    roles: &[sightline_domain::user::Role],
    base: Option<&str>,
    position: Option<sightline_domain::learn::Audience>,
) -> sightline_domain::ids::OrgId {
    use sightline_domain::audit::{AuditAction, NewAuditEntry};
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let org_name = sightline_domain::org::OrgName::parse(org_name).unwrap();
    let org = match db.org_by_name(&org_name).await {
        Ok(o) => o.id,
        Err(_) => db
            .create_org(
                &org_name,
                sightline_domain::org::OrgKind::Airline,
                NewAuditEntry::new(AuditAction::OrgCreated),
                now,
            )
            .await
            .unwrap(),
    };
    db.create_user(
        org,
        &sightline_storage::NewUser {
            name: sightline_domain::user::PersonName::parse(name).unwrap(),
            email: sightline_domain::user::Email::parse(email).unwrap(),
            roles: sightline_domain::user::Roles::of(roles.iter().copied()),
            base: base.map(str::to_owned),
            employee_id: None,
            password_hash: Some(sightline_web::hash_password(PASSWORD).unwrap()),
            position,
        },
        NewAuditEntry::new(AuditAction::UserCreated),
        now,
    )
    .await
    .unwrap();
    org
}

/// A personal API token for a person, with every scope their roles allow.
pub async fn token_for(db: &sightline_storage::Db, email: &str) -> String {
    let user = db.user_by_email(&sightline_domain::user::Email::parse(email).unwrap()).await.unwrap().unwrap();
    scoped_token(db, &user, &sightline_domain::user::Scopes::grantable(&user.roles)).await
}

/// A personal API token for a person with these scopes.
pub async fn scoped_token(
    db: &sightline_storage::Db,
    user: &sightline_storage::UserRecord,
    scopes: &sightline_domain::user::Scopes,
) -> String {
    let t = sightline_web::new_token().unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    db.create_api_token(user, "test", scopes, &sightline_web::hash_token(&t), None, now).await.unwrap();
    t
}

/// A report to store as it is, for bulk loads (the statistics pages): `crew`'s
/// cabin-crew report `reference` from flight AY5, in flight from `origin` to
/// `destination`, with these indicator codes (space-separated); nothing sealed in it.
pub fn bulk_report(
    library: &sightline_content::Library,
    crew: &sightline_storage::UserRecord,
    reference: String,
    (origin, destination): (&str, &str),
    indicators: String,
) -> sightline_storage::NewReport {
    sightline_storage::NewReport {
        id: uuid::Uuid::now_v7(),
        org_id: crew.org_id,
        reporter_id: crew.id,
        reference,
        content_hash: vec![0; 32],
        client_created_at: None,
        reporter_role: sightline_domain::report::ReporterRole::CabinCrew,
        phase: sightline_domain::report::Phase::InFlight,
        flight: "AY5".into(),
        flight_date: "2026-11-28".into(),
        origin: origin.into(),
        destination: destination.into(),
        scheduled_arrival: None,
        place: String::new(),
        flags: String::new(),
        seats: String::new(),
        potential_victims: 1,
        companions: 0,
        indicators,
        route_region: library.route_region(origin, destination),
        disclosed: false,
        companion_aware: sightline_domain::report::Awareness::Unknown,
        immediate_danger: false,
        gate_passed: true,
        relay_message: String::new(),
        sealed: vec![0; 8],
        wrapped_key: vec![0; 8],
    }
}

/// The messages of `value`'s faults against the JSON Schema at `schema` (draft
/// 2020-12), by Python's `jsonschema` (installed with schemathesis); `None` when it is
/// not installed (said, and refused in CI).
pub fn schema_errors(schema: &str, value: &serde_json::Value) -> Option<Vec<String>> {
    schema_errors_each(schema, std::slice::from_ref(value)).map(|mut each| each.remove(0))
}

/// [`schema_errors`] of each of `values`, in one run of the validator (one Python
/// start for any number of documents).
pub fn schema_errors_each(schema: &str, values: &[serde_json::Value]) -> Option<Vec<Vec<String>>> {
    let script = "import json,sys,jsonschema\n\
        schema=json.load(open(sys.argv[1]))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        v=jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)\n\
        print(json.dumps([[e.message for e in v.iter_errors(x)] for x in json.load(sys.stdin)]))";
    let probe = std::process::Command::new("python3").args(["-c", "import jsonschema"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI must validate against {schema}: pip install jsonschema");
        eprintln!("SKIPPED validating against {schema}: Python's jsonschema is not installed");
        return None;
    }
    let mut child = std::process::Command::new("python3")
        .args(["-c", script, schema])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(serde_json::Value::from(values.to_vec()).to_string().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the schema check did not run: {schema}");
    let each: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(each.len(), values.len(), "one answer per document");
    Some(each)
}

pub fn validate_json(schema: &str, value: &serde_json::Value, what: &str) {
    validate_each(schema, std::slice::from_ref(value), what);
}

/// [`validate_json`] for each of `values`, in one run of the validator.
pub fn validate_each(schema: &str, values: &[serde_json::Value], what: &str) {
    for (errors, value) in schema_errors_each(schema, values).into_iter().flatten().zip(values) {
        assert!(errors.is_empty(), "{what} breaks its schema: {errors:#?}\n{value:#}");
    }
}

/// One server-sent event as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub id: String,
    pub event: String,
    pub data: String,
}

/// An open event stream's body, read event by event.
pub struct Events {
    body: Body,
    buf: String,
}

/// What waiting for the next event gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Event(SseEvent),
    /// Nothing within the wait.
    Quiet,
    /// The server ended the stream.
    Ended,
}

impl Events {
    /// The next event within `wait` (keep-alive comments skipped).
    pub async fn next(&mut self, wait: std::time::Duration) -> Next {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut e = SseEvent { id: String::new(), event: "message".into(), data: String::new() };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        e.id = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("event:") {
                        e.event = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        e.data.push_str(v.trim());
                        any = true;
                    }
                }
                if any {
                    return Next::Event(e);
                }
            }
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return Next::Quiet,
                Ok(None) => return Next::Ended,
                Ok(Some(Err(e))) => panic!("stream failed: {e}"),
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.buf.push_str(&String::from_utf8_lossy(&data));
                    }
                }
            }
        }
    }

    /// The next event within `wait`, which must come.
    pub async fn expect(&mut self, wait: std::time::Duration) -> SseEvent {
        match self.next(wait).await {
            Next::Event(e) => e,
            other => panic!("expected an event within {wait:?}, got {other:?}"),
        }
    }
}
