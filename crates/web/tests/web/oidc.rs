//! Single sign-on with OpenID Connect (issue 14, item 5), on both engines.
//!
//! Two identity providers on loopback:
//! - a real one, npm `oidc-provider` (started by the test from `tests/oidc/provider.mjs`;
//!   `npm ci --prefix crates/web/tests/oidc` installs it, `.ci/run` does so): an
//!   administrator sets it up on the settings page and a crew member signs in through
//!   it end to end (code flow with PKCE), is created just in time with the role the
//!   group mapping gives, and lands signed in. Skipped, saying so, without node or
//!   the installed package; never in CI.
//! - a small stand-in written here (discovery, JWKS with a test ES256 key, a token
//!   endpoint that checks the client secret and the PKCE verifier), because
//!   `oidc-provider` cannot be made to sign with a wrong key, for the wrong audience,
//!   an expired token or an old nonce: each of those, a replayed state, an unknown
//!   issuer and the provider's `?error=access_denied` is refused with a page (never a
//!   500) and an `auth.sso_refused` audit entry; no role → no account; `amr` → two-factor.
//!
//! Password sign-in is refused, pointing to company sign-in, once turned off.

use std::io::{BufRead as _, BufReader};
use std::sync::{Arc, Mutex};

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use sightline_domain::ids::OrgId;
use sightline_domain::user::Role;
use sightline_web::Clock;
use time::OffsetDateTime;

use crate::support::{PASSWORD, TestApp, engines, make_person};

const CLIENT: &str = "sightline";
const SECRET: &str = "test-client-secret-0123456789";

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(bytes)
}

fn new_key() -> EcdsaKeyPair {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).unwrap()
}

/// What the stand-in's token endpoint answers next.
#[derive(Default)]
struct Plan {
    claims: Value,
    /// Sign with a key the JWKS does not publish (under the published kid).
    wrong_key: bool,
    /// The PKCE challenge of the sign-in in flight.
    challenge: String,
}

/// An OpenID provider stand-in on loopback.
struct StandIn {
    issuer: String,
    key: EcdsaKeyPair,
    other: EcdsaKeyPair,
    plan: Mutex<Plan>,
    /// Token requests refused for a wrong client secret or PKCE verifier.
    refused: Mutex<Vec<String>>,
}

impl StandIn {
    async fn start() -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let me = Arc::new(Self {
            issuer,
            key: new_key(),
            other: new_key(),
            plan: Mutex::default(),
            refused: Mutex::default(),
        });
        let (d, j, t) = (me.clone(), me.clone(), me.clone());
        let app = axum::Router::new()
            .route(
                "/.well-known/openid-configuration",
                axum::routing::get(move || {
                    let i = d.issuer.clone();
                    async move {
                        axum::Json(json!({"issuer": i, "authorization_endpoint": format!("{i}/authorize"),
                            "token_endpoint": format!("{i}/token"), "jwks_uri": format!("{i}/jwks")}))
                    }
                }),
            )
            .route(
                "/jwks",
                axum::routing::get(move || {
                    let p = j.key.public_key().as_ref().to_vec();
                    async move {
                        axum::Json(json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig",
                            "x": b64(&p[1..33]), "y": b64(&p[33..65])}]}))
                    }
                }),
            )
            .route(
                "/token",
                axum::routing::post(move |headers: HeaderMap, body: String| {
                    let me = t.clone();
                    async move { me.token(&headers, &body) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        me
    }

    fn token(&self, headers: &HeaderMap, body: &str) -> (StatusCode, axum::Json<Value>) {
        let form: std::collections::HashMap<String, String> = serde_urlencoded::from_str(body).unwrap();
        let plan = self.plan.lock().unwrap();
        let basic = format!("Basic {}", data_encoding::BASE64.encode(format!("{CLIENT}:{SECRET}").as_bytes()));
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        let pkce_ok = sightline_domain::oidc::pkce_challenge(&verifier) == plan.challenge;
        let auth_ok = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(basic.as_str());
        if !pkce_ok || !auth_ok || form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            self.refused.lock().unwrap().push(body.to_owned());
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"})));
        }
        let h = b64(json!({"alg": "ES256", "kid": "k1", "typ": "JWT"}).to_string().as_bytes());
        let input = format!("{h}.{}", b64(plan.claims.to_string().as_bytes()));
        let key = if plan.wrong_key { &self.other } else { &self.key };
        let sig = key.sign(&aws_lc_rs::rand::SystemRandom::new(), input.as_bytes()).unwrap();
        (
            StatusCode::OK,
            axum::Json(json!({"id_token": format!("{input}.{}", b64(sig.as_ref())), "token_type": "Bearer"})),
        )
    }
}

/// The query parameter `name` of a URL.
fn param(url: &str, name: &str) -> String {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or_default()
}

/// An organisation admin (enrolled, signed in) of "Crew Air"; the settings page.
async fn admin(app: &mut TestApp) -> (OrgId, String) {
    let org = make_person(&app.state.db, "Crew Air", "admin@crew.example", &[Role::OrgAdmin], None).await;
    app.sign_in_and_enrol("admin@crew.example").await;
    (org, format!("/orgs/{org}/settings"))
}

/// Set the provider up on the settings page.
async fn set_up(app: &mut TestApp, page: &str, issuer: &str, mapping: &str, password_sign_in: bool) {
    let action = format!("{page}/sso");
    let mut fields = vec![
        ("issuer", issuer),
        ("client_id", CLIENT),
        ("client_secret", SECRET),
        ("email_domain", "crew.example"),
        ("role_mapping", mapping),
        ("mfa_acr", ""),
        ("action", "save"),
    ];
    if password_sign_in {
        fields.push(("password_sign_in", "on"));
    }
    let r = app.submit(page, &action, &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Single sign-on was saved."), "{}", r.body);
}

/// Start a sign-in in `browser`: the provider's authorisation URL.
async fn begin(browser: &mut TestApp, who: &str) -> String {
    let r = browser.submit("/login/sso", "/login/sso", &[("org", who)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location.unwrap()
}

fn claims(issuer: &str, nonce: &str, now: OffsetDateTime, email: &str, groups: &[&str]) -> Value {
    let t = now.unix_timestamp();
    json!({"iss": issuer, "aud": CLIENT, "sub": format!("sub-{email}"), "exp": t + 300, "iat": t,
           "nonce": nonce, "email": email, "email_verified": true, "name": "Cabin Crew", "groups": groups,
           "amr": ["pwd"]})
}

/// Come back from the stand-in with a code whose token carries `claims` (changed by `f`).
async fn answer(
    browser: &mut TestApp,
    idp: &StandIn,
    authorize: &str,
    f: impl FnOnce(&mut Plan),
) -> crate::support::Resp {
    {
        let mut plan = idp.plan.lock().unwrap();
        *plan = Plan { challenge: param(authorize, "code_challenge"), ..Plan::default() };
        plan.claims = claims(
            &idp.issuer,
            &param(authorize, "nonce"),
            browser.state.now(),
            "crew@crew.example",
            &["sightline-crew"],
        );
        f(&mut plan);
    }
    browser.get(&format!("/login/sso/callback?state={}&code=the-code", param(authorize, "state"))).await
}

async fn refusals(app: &TestApp) -> Vec<String> {
    let all = app.state.db.audit_after(0, 1000).await.unwrap();
    all.into_iter().filter(|e| e.action == "auth.sso_refused").map(|e| e.detail).collect()
}

#[tokio::test]
async fn the_stand_in_provider_signs_people_in_and_every_bad_answer_is_refused_audited() {
    for db in engines().await {
        let mut app = TestApp::builder().on(db).build().await;
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let idp = StandIn::start().await;
        let (_org, page) = admin(&mut app).await;
        let mapping = "groups = sightline-crew -> reporter\ngroups = sightline-desk -> desk_analyst";
        set_up(&mut app, &page, &idp.issuer, mapping, true).await;

        // The authorisation request: code flow, PKCE S256, state and nonce, our redirect URI.
        let mut crew = app.another_browser();
        let url = begin(&mut crew, "crew@crew.example").await;
        assert!(url.starts_with(&format!("{}/authorize?", idp.issuer)), "{url}");
        assert_eq!(param(&url, "response_type"), "code");
        assert_eq!(param(&url, "code_challenge_method"), "S256");
        assert_eq!(param(&url, "redirect_uri"), "http://sightline.test/login/sso/callback");
        assert_eq!(param(&url, "client_id"), CLIENT);
        assert!(param(&url, "state").len() >= 43 && param(&url, "nonce").len() >= 43);
        assert!(!crew.has_account("crew@crew.example").await);
        // A good answer: created just in time as a reporter, signed in, audited.
        let r = answer(&mut crew, &idp, &url, |_| ()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/home"));
        let person = crew.user("crew@crew.example").await;
        assert!(person.has_role(Role::Reporter) && !person.has_role(Role::DeskAnalyst));
        assert!(person.password_hash.is_none());
        assert_eq!(crew.get("/home").await.status, StatusCode::OK);
        let trail = app.state.db.audit_after(0, 1000).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "auth.sso_sign_in" && e.actor == Some(person.id)));
        assert!(idp.refused.lock().unwrap().is_empty(), "the client secret and PKCE verifier were right");

        // The same answer again: a replayed state.
        let state = param(&url, "state");
        let again = crew.get(&format!("/login/sso/callback?state={state}&code=the-code")).await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);
        assert!(again.body.contains("already used"), "{}", again.body);

        // Each bad answer: a page saying why (403, never 500), audited, no session.
        type Case = (&'static str, &'static str, Box<dyn FnOnce(&mut Plan)>);
        let old_nonce = param(&url, "nonce");
        let cases: Vec<Case> = vec![
            ("token-bad-signature", "signature is wrong", Box::new(|p: &mut Plan| p.wrong_key = true)),
            ("token-audience", "another application", Box::new(|p: &mut Plan| p.claims["aud"] = json!("other-app"))),
            (
                "token-expired",
                "has expired",
                Box::new(|p: &mut Plan| {
                    let t = p.claims["iat"].as_i64().unwrap();
                    p.claims["exp"] = json!(t - 3600);
                }),
            ),
            ("token-nonce", "replayed", Box::new(move |p: &mut Plan| p.claims["nonce"] = json!(old_nonce))),
            (
                "token-issuer",
                "has not set up",
                Box::new(|p: &mut Plan| p.claims["iss"] = json!("https://evil.example")),
            ),
            (
                "no-role",
                "no account was created",
                Box::new(|p: &mut Plan| {
                    p.claims["email"] = json!("stranger@crew.example");
                    p.claims["groups"] = json!(["everyone"]);
                }),
            ),
        ];
        for (code, says, change) in cases {
            let mut b = app.another_browser();
            let url = begin(&mut b, "Crew Air").await;
            let r = answer(&mut b, &idp, &url, change).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{code}: {}", r.body);
            assert!(r.body.contains(says), "{code}: {}", r.body);
            assert!(!b.cookies.contains_key("sl_session"), "{code}: no session");
            assert!(refusals(&app).await.iter().any(|d| d.starts_with(code)), "{code} audited");
        }
        assert!(!app.has_account("stranger@crew.example").await);

        // The provider's own refusal.
        let mut b = app.another_browser();
        let url = begin(&mut b, "crew.example").await;
        let r = b.get(&format!("/login/sso/callback?state={}&error=access_denied", param(&url, "state"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("did not sign you in"), "{}", r.body);
        assert!(refusals(&app).await.iter().any(|d| d == "idp-error: access_denied"));
        // A state this server never made, and one started in another browser.
        let r = b.get("/login/sso/callback?state=made-up&code=x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let url = begin(&mut b, "crew.example").await;
        let mut elsewhere = app.another_browser();
        let r = answer(&mut elsewhere, &idp, &url, |_| ()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(refusals(&app).await.iter().any(|d| d.contains("another browser")));
        // An organisation without single sign-on, or none at all: a field error.
        let r = b.submit("/login/sso", "/login/sso", &[("org", "nobody.example")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("No organisation with company sign-in") && r.body.contains("nobody.example"));

        // A desk analyst: the provider's `amr` says mfa → past the second factor.
        let mut desk = app.another_browser();
        let url = begin(&mut desk, "crew.example").await;
        let r = answer(&mut desk, &idp, &url, |p| {
            p.claims["email"] = json!("desk@crew.example");
            p.claims["groups"] = json!(["sightline-desk"]);
            p.claims["amr"] = json!(["pwd", "mfa"]);
        })
        .await;
        assert_eq!(r.location.as_deref(), Some("/desk"), "{}", r.body);
        assert_eq!(desk.get("/desk").await.status, StatusCode::OK);
        // Without it, the existing two-factor step (here: enrolment) is required.
        let mut desk2 = app.another_browser();
        let url = begin(&mut desk2, "crew.example").await;
        let r = answer(&mut desk2, &idp, &url, |p| {
            p.claims["email"] = json!("desk2@crew.example");
            p.claims["groups"] = json!(["sightline-desk"]);
        })
        .await;
        assert_eq!(r.location.as_deref(), Some("/account/two-factor"), "{}", r.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn settings_refuse_bad_input_keeping_it_and_password_sign_in_can_be_turned_off() {
    for db in engines().await {
        let mut app = TestApp::builder().on(db).build().await;
        let (org, page) = admin(&mut app).await;
        make_person(&app.state.db, "Crew Air", "crew@crew.example", &[Role::Reporter], None).await;
        // Plain http to a non-loopback host; a mapping line without a role; no secret.
        let fields = [
            ("issuer", "http://idp.crew.example"),
            ("client_id", CLIENT),
            ("client_secret", ""),
            ("email_domain", "crew example"),
            ("role_mapping", "groups = crew"),
            ("action", "save"),
        ];
        let r = app.submit(&page, &format!("{page}/sso"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for (kept, message) in [
            ("value=\"http://idp.crew.example\"", "https://"),
            ("groups = crew</textarea>", "one rule a line"),
            ("value=\"crew example\"", "a domain such as"),
        ] {
            assert!(r.body.contains(kept), "{kept} kept: {}", r.body);
            assert!(r.body.to_lowercase().contains(&message.to_lowercase()), "{message}: {}", r.body);
        }
        assert!(r.body.contains("id=\"client_secret-error\""));
        // Loopback http only where the operator allows private addresses (tests, labs).
        let fields = [
            ("issuer", "http://127.0.0.1:9"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("role_mapping", ""),
            ("action", "save"),
        ];
        assert_eq!(app.submit(&page, &format!("{page}/sso"), &fields).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        set_up(&mut app, &page, "http://127.0.0.1:9", "", false).await;
        // The secret is sealed at rest; the page never shows it.
        let stored = app.state.db.sso_config(org).await.unwrap().unwrap();
        assert!(stored.sealed_secret.starts_with("sealed:v1:") && !stored.sealed_secret.contains(SECRET));
        assert!(!app.get(&page).await.body.contains(SECRET));
        // Password sign-in is off: refused with a pointer to company sign-in, audited.
        let mut crew = app.another_browser();
        let r = crew.sign_in("crew@crew.example", PASSWORD).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("signs you in with your company account") && r.body.contains("href=\"/login/sso\""));
        assert!(!crew.cookies.contains_key("sl_session"));
        let trail = app.state.db.audit_for_org(org, 50).await.unwrap().entries;
        assert!(trail.iter().any(|e| e.action == "auth.sign_in_failed" && e.detail.contains("single sign-on")));
        assert!(trail.iter().any(|e| e.action == "org.sso_configured"));
        // Removed: passwords work again.
        let r = app.submit(&page, &format!("{page}/sso"), &[("action", "remove")]).await;
        assert!(r.body.contains("Single sign-on was removed"), "{}", r.body);
        assert_eq!(crew.sign_in("crew@crew.example", PASSWORD).await.status, StatusCode::SEE_OTHER);
        app.finish().await;
    }
}

/// `node` and the installed `oidc-provider`, or why the test cannot run.
fn oidc_peer() -> Result<std::path::PathBuf, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("node is not installed".into());
    }
    if !dir.join("node_modules/oidc-provider/package.json").exists() {
        return Err("oidc-provider is not installed (npm ci --prefix crates/web/tests/oidc)".into());
    }
    Ok(dir)
}

/// The provider process (and its stdout, kept open), ended when dropped.
struct Peer {
    child: std::process::Child,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.1 GET on loopback (the web crate has no HTTP client, by rule):
/// the status, the `Set-Cookie` pairs, the `Location` and the body.
fn get(url: &str, cookie: &str) -> (u16, Vec<(String, String)>, Option<String>, String) {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let cookie = if cookie.is_empty() { String::new() } else { format!("Cookie: {cookie}\r\n") };
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (mut cookies, mut location) = (Vec::new(), None);
    for l in lines {
        let Some((name, value)) = l.split_once(':') else { continue };
        match name.to_ascii_lowercase().as_str() {
            "set-cookie" => {
                let pair = value.trim().split(';').next().unwrap_or_default();
                if let Some((k, v)) = pair.split_once('=') {
                    cookies.push((k.to_owned(), v.to_owned()));
                }
            }
            "location" => location = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    (status, cookies, location, body.to_owned())
}

/// A browser's side of the provider's pages: follow its redirects (keeping its
/// cookies) until it sends the browser back to Sightline; that URL.
fn through_provider(start: &str) -> String {
    let mut jar: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut url = start.to_owned();
    for _ in 0..10 {
        if url.starts_with("http://sightline.test/") {
            return url;
        }
        let cookie = jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let (status, cookies, location, body) = get(&url, &cookie);
        jar.extend(cookies);
        let Some(next) = location else { panic!("the provider stopped at {url}: {status} {body}") };
        url = if next.starts_with('/') {
            format!("{}{next}", url.split('/').take(3).collect::<Vec<_>>().join("/"))
        } else {
            next
        };
    }
    panic!("too many redirects at the provider");
}

/// Start the real provider (`tests/oidc/provider.mjs`): the process and its issuer, or
/// `None` (the test is skipped, saying so) without node or the package; never in CI.
fn start_provider() -> Option<(Peer, String)> {
    let dir = match oidc_peer() {
        Ok(d) => d,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI: the OIDC test cannot run: {why}"),
        Err(why) => {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED OIDC end-to-end test: {why}");
            return None;
        }
    };
    let mut child = std::process::Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("CLIENT_ID", CLIENT)
        .env("CLIENT_SECRET", SECRET)
        .env("REDIRECT_URI", "http://sightline.test/login/sso/callback")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    let issuer = line.trim().strip_prefix("issuer ").unwrap_or_else(|| panic!("provider said: {line}")).to_owned();
    Some((Peer { child, _stdout: out }, issuer))
}

#[tokio::test]
async fn a_crew_member_signs_in_through_a_real_openid_provider() {
    let Some((_peer, issuer)) = start_provider() else { return };
    for db in engines().await {
        // The provider's tokens carry the real time.
        #[allow(clippy::disallowed_methods)]
        let clock = Clock::fixed(OffsetDateTime::now_utc());
        let mut app = TestApp::builder().on(db).with_clock(clock).build().await;
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let (_org, page) = admin(&mut app).await;
        set_up(&mut app, &page, &issuer, "groups = sightline-crew -> reporter", false).await;
        let mut crew = app.another_browser();
        let url = begin(&mut crew, "crew1@crew.example").await;
        assert!(url.starts_with(&format!("{issuer}/auth?")), "{url}");
        let back = tokio::task::spawn_blocking(move || through_provider(&url)).await.unwrap();
        let r = crew.get(back.trim_start_matches("http://sightline.test")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/home"));
        let person = crew.user("crew1@crew.example").await;
        assert_eq!(person.name, "Crew One");
        assert!(person.has_role(Role::Reporter));
        let home = crew.get("/home").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Crew One"));
        let trail = app.state.db.audit_after(0, 1000).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "auth.sso_sign_in" && e.detail.contains("second factor no")));
        app.finish().await;
    }
}

/// Issue 14's "done when", tried as a new administrator would, on both engines: set up
/// single sign-on against the real provider; import the roster (Crew One, cabin crew at
/// HEL); the crew member signs in through the provider and is matched by e-mail; assign
/// the cabin-crew course to cabin crew at HEL; 31 days on (past the 30 days a new
/// joiner has), sign in again and see one person overdue on the dashboard; download the
/// SCORM package and pass it in a SCORM 1.2 runtime in Chromium.
#[tokio::test]
async fn a_new_admin_sets_up_sso_assigns_a_course_sees_one_overdue_and_the_scorm_package_passes() {
    use crate::support::{csrf_of, unescape};
    if !crate::browser::browser_available() {
        return;
    }
    let Some((_peer, issuer)) = start_provider() else { return };
    for db in engines().await {
        #[allow(clippy::disallowed_methods)]
        let clock = Clock::fixed(OffsetDateTime::now_utc());
        let mut app = TestApp::builder().on(db).with_clock(clock.clone()).with_content().build().await;
        app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let org = make_person(&app.state.db, "Crew Air", "admin@crew.example", &[Role::OrgAdmin], None).await;
        let secret = app.sign_in_and_enrol("admin@crew.example").await;
        let page = format!("/orgs/{org}/settings");
        set_up(&mut app, &page, &issuer, "groups = sightline-crew -> reporter", true).await;

        // The roster: the crew member's position and base.
        let users = format!("/orgs/{org}/users");
        let csrf = csrf_of(&app.get(&users).await.body);
        let roster = "name,email,role,base,position\nCrew One,crew1@crew.example,learner,HEL,cabin_crew\n";
        let r = app.post_multipart(&format!("/orgs/{org}/roster"), &csrf, roster.as_bytes()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Imported 1 people") || r.body.contains("Imported 1 person"), "{}", r.body);

        // The crew member signs in through the provider: the roster's account, matched.
        let mut crew = app.another_browser();
        let url = begin(&mut crew, "crew1@crew.example").await;
        let back = tokio::task::spawn_blocking(move || through_provider(&url)).await.unwrap();
        let r = crew.get(back.trim_start_matches("http://sightline.test")).await;
        assert_eq!(r.location.as_deref(), Some("/home"), "{}", r.body);
        let person = crew.user("crew1@crew.example").await;
        assert_eq!((person.base.as_deref(), person.org_id), (Some("HEL"), org), "matched by e-mail, not created anew");

        // Assign the cabin-crew course to cabin crew at HEL (30 days for new joiners).
        let assignments = format!("/orgs/{org}/assignments");
        let fields = [
            ("course", "cabin-crew"),
            ("position", "cabin_crew"),
            ("base", "HEL"),
            ("due_days", "30"),
            ("recur_months", "12"),
        ];
        let r = app.submit(&assignments, &assignments, &fields).await;
        assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::OK, "{}: {}", r.status, r.body);
        let mine = crew.get("/learn").await;
        assert!(mine.body.contains("id=\"assigned\""), "the crew member sees it due: {}", mine.body);

        // 31 days on: the session has ended; sign in again (password and code).
        clock.advance(time::Duration::days(31));
        let r = app.sign_in("admin@crew.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/login/two-factor"), "{}", r.body);
        let code = app.totp(&secret);
        let r = app.submit("/login/two-factor", "/login/two-factor", &[("code", &code)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let dash = app.get(&format!("/orgs/{org}/compliance")).await;
        assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
        let total = crate::support::between(&dash.body, "<table class=\"tally\" id=\"total\">", "</table>");
        let cells: Vec<String> =
            total.split("<td><a href=\"").skip(1).map(|c| unescape(c.split("</a>").next().unwrap())).collect();
        let overdue = cells.iter().find(|c| c.contains("status=overdue")).unwrap_or_else(|| panic!("{total}"));
        assert!(overdue.ends_with("\">1"), "one person overdue: {cells:?}");
        let listed = app.get(&format!("/orgs/{org}/compliance?status=overdue")).await;
        assert!(listed.body.contains("Crew One"), "{}", listed.body);

        // The SCORM package, downloaded as the admin, passes in a SCORM 1.2 runtime.
        let zip = app.get(&format!("/orgs/{org}/scorm/cabin-crew.zip?lang=en")).await;
        assert_eq!(zip.status, StatusCode::OK, "{}", zip.body);
        assert_eq!(zip.headers.get("content-type").unwrap(), "application/zip");
        let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
        let course = library.course("cabin-crew").unwrap().clone();
        let base = crate::scorm::serve(crate::scorm::site(&zip.bytes)).await;
        let (_driver, c) = crate::browser::start_driver().await;
        c.goto(&format!("{base}/host.html")).await.unwrap();
        c.enter_frame(0).await.unwrap();
        assert_eq!(crate::scorm::take_check(&c, &course, "en", 0).await, "passed");
        c.enter_parent_frame().await.unwrap();
        let ((status, raw, _, _), _) = crate::scorm::runtime(&c).await;
        assert_eq!((status.as_str(), raw.as_str()), ("passed", "100"));
        c.close().await.unwrap();
        app.finish().await;
    }
}
