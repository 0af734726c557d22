//! The authorisation matrix, generated from the router's own route list
//! (`sightline_web::routes()`): every route × anonymous, each role of airline A (with
//! two-factor done where the role requires it) and each role of airline B reaching for
//! A's records. The expected outcome of every cell is in [`MATRIX`]; a route without
//! a row fails the test, and so does a row for a route that is gone.
//!
//! Cells: `200`, `L` (303 to /login), `R` (another redirect), a status such as `403`,
//! `X` (404 *and* an `access.cross_org_denied` audit entry by that person) or `C`
//! (409 and such an entry). Every other cell asserts that no such entry was written.
//! `SIGHTLINE_MATRIX_PRINT=1` prints the observed table, for review when routes change.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, header};
use sightline_domain::learn::Audience;
use sightline_domain::user::Role;
use sightline_storage::{Learner, NewCertificate, NewSession, UserRecord};

use crate::support::{TestApp, engines, make_person, token_for};

/// The columns, in order.
const PERSONAS: [&str; 10] =
    ["anonymous", "learner", "reporter", "desk", "admin", "platform", "b-learner", "b-reporter", "b-desk", "b-admin"];

/// (method, path as routed, the cells for [`PERSONAS`]).
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str)] = &[
    //                                                        anon learner reporter desk admin platform | B: learner reporter desk admin
    ("get",  "/",                                               "200 R   R   R   R   R     R   R   R   R"),
    ("get",  "/home",                                           "L   200 200 200 200 200   200 200 200 200"),
    ("get",  "/setup",                                          "410 410 410 410 410 410   410 410 410 410"),
    ("post", "/setup",                                          "422 422 422 422 422 422   422 422 422 422"),
    ("get",  "/login",                                          "200 R   R   R   R   R     R   R   R   R"),
    ("post", "/login",                                          "422 422 422 422 422 422   422 422 422 422"),
    ("get",  "/login/sso",                                      "200 R   R   R   R   R     R   R   R   R"),
    ("post", "/login/sso",                                      "422 422 422 422 422 422   422 422 422 422"),
    ("get",  "/login/sso/callback",                             "403 403 403 403 403 403   403 403 403 403"),
    ("get",  "/login/two-factor",                               "L   L   L   L   L   L     L   L   L   L"),
    ("post", "/login/two-factor",                               "L   L   L   L   L   L     L   L   L   L"),
    ("post", "/logout",                                         "L   L   L   L   L   L     L   L   L   L"),
    ("get",  "/account/two-factor",                             "L   200 200 200 200 200   200 200 200 200"),
    ("post", "/account/two-factor",                             "L   422 422 R   R   R     422 422 R   R"),
    ("get",  "/account/tokens",                                 "L   200 200 200 200 200   200 200 200 200"),
    ("post", "/account/tokens",                                 "L   422 422 422 422 422   422 422 422 422"),
    ("post", "/account/tokens/{id}/revoke",                     "L   404 R   404 404 X     X   X   X   X"),
    ("post", "/lang",                                           "R   R   R   R   R   R     R   R   R   R"),
    ("get",  "/invite/{token}",                                 "410 410 410 410 410 410   410 410 410 410"),
    ("post", "/invite/{token}",                                 "410 410 410 410 410 410   410 410 410 410"),
    ("get",  "/reset/{token}",                                  "410 410 410 410 410 410   410 410 410 410"),
    ("post", "/reset/{token}",                                  "410 410 410 410 410 410   410 410 410 410"),
    ("get",  "/admin/organisations",                            "L   403 403 403 403 200   403 403 403 403"),
    ("post", "/admin/organisations",                            "L   403 403 403 403 422   403 403 403 403"),
    ("get",  "/admin/organisations/{org}/airports",            "L   403 403 403 403 200   403 403 403 403"),
    ("post", "/admin/organisations/{org}/airports",            "L   403 403 403 403 200   403 403 403 403"),
    ("get",  "/orgs/{org}/users",                               "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/invitations",                         "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/roster",                              "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/users/{user}/roles",                  "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/users/{user}/reset",                  "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/audit",                               "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/users/{user}/position",               "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/users/{user}/leave",                  "L   403 403 403 422 422   X   X   X   X"),
    ("get",  "/orgs/{org}/training",                            "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/scorm/{package}",                     "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/assignments",                         "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/assignments",                         "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/assignments/{id}",                    "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/assignments/{id}/delete",             "L   403 403 403 404 404   X   X   X   X"),
    ("post", "/orgs/{org}/training-settings",                   "L   403 403 403 422 422   X   X   X   X"),
    ("get",  "/orgs/{org}/compliance",                          "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/compliance.csv",                      "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/compliance.pdf",                      "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/stats",                               "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/stats.csv",                           "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/settings",                            "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/settings",                            "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/alert-email",                "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/settings/webhook",                    "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/sso",                        "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/relay",                      "L   403 403 403 200 200   X   X   X   X"),
    ("post", "/orgs/{org}/settings/retention",                  "L   403 403 403 200 200   X   X   X   X"),
    ("get",  "/orgs/{org}/partner-page",                        "L   403 403 403 403 403   X   X   X   X"),
    ("post", "/orgs/{org}/partner-page",                        "L   403 403 403 403 403   X   X   X   X"),
    ("post", "/orgs/{org}/settings/referral-webhook",           "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/referral-deliveries/retry",  "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/xapi",                       "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/settings/xapi/retry",                 "L   403 403 403 422 422   X   X   X   X"),
    ("post", "/orgs/{org}/certificates/{code}/revoke",          "L   403 403 403 200 404   X   X   X   X"),
    ("get",  "/learn",                                          "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/learn/{course}",                                 "L   200 200 200 200 200   200 200 200 200"),
    ("get",  "/learn/{course}/lessons/{slug}",                  "L   200 200 200 200 200   200 200 200 200"),
    ("post", "/learn/{course}/lessons/{slug}/done",             "L   R   R   R   R   R     R   R   R   R"),
    ("post", "/learn/{course}/check",                           "L   R   R   R   R   R     R   R   R   R"),
    ("get",  "/learn/{course}/check/{attempt}",                 "L   200 404 404 404 X     X   X   X   X"),
    ("post", "/learn/{course}/check/{attempt}",                 "L   409 404 404 404 X     X   X   X   X"),
    ("post", "/learn/{course}/check/{attempt}/certificate",     "404 404 404 404 404 404   404 404 404 404"),
    ("get",  "/certificates/{file}",                            "404 200 404 404 200 200   X   X   X   X"),
    ("get",  "/verify/{code}",                                  "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/report",                                         "R   403 200 403 403 403   403 200 403 403"),
    ("post", "/report",                                         "L   403 422 403 403 403   403 422 403 403"),
    ("get",  "/reports",                                        "L   403 200 403 403 403   403 200 403 403"),
    ("get",  "/report/airports.json",                           "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/quick-exit",                                     "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/public",                                         "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/public/signs",                                   "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/help",                                           "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/help/{airport}",                                 "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/posters/{poster}",                               "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/stats",                                          "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/stats.csv",                                      "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/partners",                                       "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/partners/{slug}",                                "404 404 404 404 404 404   404 404 404 404"),
    ("get",  "/tip",                                            "200 200 200 200 200 200   200 200 200 200"),
    ("post", "/tip",                                            "422 422 422 422 422 422   422 422 422 422"),
    ("get",  "/tip/status",                                     "200 200 200 200 200 200   200 200 200 200"),
    ("post", "/tip/status",                                     "422 422 422 422 422 422   422 422 422 422"),
    ("post", "/tip/status/reply",                               "422 422 422 422 422 422   422 422 422 422"),
    ("get",  "/directory",                                      "L   403 403 200 200 200   403 403 200 200"),
    ("post", "/directory",                                      "L   403 403 403 403 422   403 403 403 403"),
    ("get",  "/directory/new",                                  "L   403 403 403 403 200   403 403 403 403"),
    ("get",  "/directory/{id}",                                 "L   403 403 403 403 200   403 403 403 403"),
    ("post", "/directory/{id}",                                 "L   403 403 403 403 422   403 403 403 403"),
    ("post", "/directory/{id}/remove",                          "L   403 403 403 403 422   403 403 403 403"),
    ("post", "/directory/{id}/restore",                         "L   403 403 403 403 422   403 403 403 403"),
    ("get",  "/desk",                                           "L   403 403 200 403 403   403 403 200 403"),
    ("get",  "/desk/rows",                                      "L   403 403 200 403 403   403 403 200 403"),
    ("get",  "/desk/events",                                    "L   403 403 200 403 403   403 403 200 403"),
    ("get",  "/desk/compliance.csv",                            "L   403 403 200 403 403   403 403 200 403"),
    ("get",  "/desk/cases/{id}",                                "L   403 403 200 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/transition",                     "L   403 403 422 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/assign",                         "L   403 403 R   403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/note",                           "L   403 403 422 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/escalate",                       "L   403 403 422 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/merge",                          "L   403 403 404 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/dismiss",                        "L   403 403 404 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/tip-reply",                      "L   403 403 422 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/refer",                          "L   403 403 422 403 403   403 403 X   403"),
    ("post", "/desk/cases/{id}/hold",                           "L   403 403 403 403 X     403 403 403 X"),
    ("get",  "/referrals",                                      "L   403 403 403 403 403   403 403 403 403"),
    ("get",  "/referrals/{id}",                                 "L   403 403 404 403 403   403 403 404 403"),
    ("post", "/referrals/{id}/step",                            "L   403 403 404 403 403   403 403 404 403"),
    ("post", "/referrals/{id}/messages",                        "L   403 403 404 403 403   403 403 404 403"),
    ("get",  "/referrals/{id}/htcds.json",                      "L   403 403 404 403 403   403 403 404 403"),
    ("get",  "/referrals/{id}/htcds.csv",                       "L   403 403 404 403 403   403 403 404 403"),
    ("get",  "/healthz",                                        "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/readyz",                                         "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/metrics",                                        "404 404 404 404 404 404   404 404 404 404"),
    ("get",  "/static/style.css",                               "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/public.css",                              "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/tip.css",                                 "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/partners.css",                            "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/favicon.svg",                                    "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/notes.svg",                               "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/notes-192.png",                           "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/notes-512.png",                           "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/report.js",                               "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/sw.js",                                          "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/desk.js",                                 "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/manifest.webmanifest",                           "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/exit.js",                                 "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/static/tip.js",                                  "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/api/v1/openapi.json",                            "200 200 200 200 200 200   200 200 200 200"),
    ("get",  "/api/v1/me",                                      "401 200 200 200 200 200   200 200 200 200"),
    ("get",  "/api/v1/organisations",                           "401 403 403 403 403 200   403 403 403 403"),
    ("post", "/api/v1/organisations",                           "401 403 403 403 403 422   403 403 403 403"),
    ("get",  "/api/v1/organisations/{org}/users",               "401 403 403 403 200 200   X   X   X   X"),
    ("post", "/api/v1/organisations/{org}/users",               "401 403 403 403 422 422   X   X   X   X"),
    ("put",  "/api/v1/reports/{id}",                            "401 403 200 403 403 403   403 C   403 403"),
    ("get",  "/api/v1/directory",                               "401 403 403 200 200 200   403 403 200 200"),
    ("get",  "/api/v1/cases",                                   "401 403 403 200 403 403   403 403 200 403"),
    ("post", "/api/v1/cases/{id}/referrals",                    "401 403 403 422 403 403   403 403 X   403"),
    ("get",  "/api/v1/referrals",                               "401 403 403 403 403 403   403 403 403 403"),
    ("get",  "/api/v1/referrals/{id}",                          "401 403 403 404 403 403   403 403 404 403"),
    ("get",  "/api/v1/referrals/{id}/htcds.csv",                "401 403 403 404 403 403   403 403 404 403"),
    ("post", "/api/v1/referrals/{id}/acknowledge",              "401 403 403 404 403 403   403 403 404 403"),
    ("post", "/api/v1/referrals/{id}/outcome",                  "401 403 403 404 403 403   403 403 404 403"),
    ("post", "/api/v1/referrals/{id}/messages",                 "401 403 403 404 403 403   403 403 404 403"),
];

/// A's records that the routes' parameters are filled with.
struct Fixture {
    org: String,
    user: String,
    token: String,
    report: String,
    entry: String,
    course: String,
    slug: String,
    attempt: String,
    code: String,
}

impl Fixture {
    fn path(&self, route: &str) -> String {
        let id = if route.starts_with("/account/tokens/") {
            &self.token
        } else if route.starts_with("/directory/") {
            &self.entry
        } else {
            &self.report
        };
        route
            .replace("{org}", &self.org)
            .replace("{user}", &self.user)
            .replace("{id}", id)
            .replace("{token}", "no-such-link-0123456789")
            .replace("{course}", &self.course)
            .replace("{package}", &format!("{}.zip", self.course))
            .replace("{slug}", &self.slug)
            .replace("{attempt}", &self.attempt)
            .replace("{code}", &self.code)
            .replace("{file}", &format!("{}.pdf", self.code))
            .replace("{airport}", "HEL")
            .replace("{poster}", "HEL.pdf")
    }
}

/// At least 32 characters, as the double-submit cookie must be.
const CSRF: &str = "matrix-csrf-token-0123456789abcdefghij";

/// The people of one airline: learner, reporter, desk analyst, org admin.
async fn airline(app: &TestApp, name: &str, domain: &str) -> Vec<UserRecord> {
    let mut people = Vec::new();
    for (who, roles) in [
        ("learner", vec![Role::Learner]),
        ("reporter", vec![Role::Reporter]),
        ("desk", vec![Role::DeskAnalyst]),
        ("admin", vec![Role::OrgAdmin]),
    ] {
        let email = format!("{who}@{domain}");
        let position = (who == "learner").then_some(Audience::CabinCrew);
        make_person(&app.state.db, name, &email, &roles, position).await;
        people.push(app.user(&email).await);
    }
    people
}

/// Two-factor enrolled where the roles need it, so every session below is usable.
async fn enrol(app: &TestApp, people: &[UserRecord]) {
    for p in people.iter().filter(|p| p.roles.require_two_factor()) {
        app.state.db.enable_totp(p, "JBSWY3DPEHPK3PXP", 0, &[], None, app.state.now()).await.unwrap();
    }
}

async fn fixture(app: &mut TestApp, a: &[UserRecord], code: &str) -> Fixture {
    let db = app.state.db.clone();
    let (learner, reporter) = (&a[0], &a[1]);
    // A report in A, sent by A's reporter through the API.
    let report = uuid::Uuid::now_v7();
    let token = token_for(&db, &reporter.email).await;
    let r =
        app.api("PUT", &format!("/api/v1/reports/{report}"), Some(&token), Some(&crate::reports::body("matrix"))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let token = db.list_api_tokens(reporter.org_id, reporter.id).await.unwrap()[0].id;
    // A's learner has passed the cabin crew check and holds its certificate.
    let course = "cabin-crew".to_owned();
    let slug = app.state.library.course(&course).unwrap().lessons("en")[0].item.slug.clone();
    let who = Learner::User { org: learner.org_id, user: learner.id };
    let now = app.state.now();
    let attempt = db.create_attempt(&who, &course, "en", "[]", now).await.unwrap();
    let code = code.to_owned();
    let cert = NewCertificate {
        code: code.clone(),
        attempt_id: attempt,
        name: learner.name.clone(),
        course_id: course.clone(),
        lang: "en".into(),
        issued_at: now,
        valid_until: now + time::Duration::days(365),
    };
    db.submit_attempt(&who, attempt, "[]", 100, true, Some(&cert), now).await.unwrap();
    let entry = db.directory().await.unwrap()[0].id.to_string();
    Fixture {
        org: learner.org_id.to_string(),
        user: learner.id.to_string(),
        token: token.to_string(),
        report: report.to_string(),
        entry,
        course,
        slug,
        attempt: attempt.to_string(),
        code,
    }
}

/// One request as `who` (None: anonymous), in a fresh session each time (so that
/// signing out does not spoil the next cell), from the person's own address (so that
/// sign-in throttling per address does not either).
async fn request(
    app: &mut TestApp,
    (n, who): (usize, Option<&UserRecord>),
    method: &str,
    path: &str,
    extra: &str,
) -> (u16, Option<String>) {
    app.ip = [127, 0, 1, u8::try_from(n).unwrap()];
    app.cookies.clear();
    app.cookies.insert("sl_csrf".into(), CSRF.into());
    if let Some(u) = who {
        let secret = sightline_web::new_token().unwrap();
        let now = app.state.now();
        let s = NewSession {
            id_hash: sightline_web::hash_token(&secret),
            user_id: u.id,
            org_id: u.org_id,
            csrf_token: CSRF.into(),
            two_factor_passed: true,
            second_factor_by_provider: false,
            expires_at: now + time::Duration::hours(1),
        };
        app.state.db.create_session(&s, now).await.unwrap();
        app.cookies.insert("sl_session".into(), secret);
    }
    let b = Request::builder().method(method.to_uppercase().as_str()).uri(path).header("x-csrf-token", CSRF);
    let req = if path.starts_with("/api/v1/") {
        let json = if method == "put" { crate::reports::body("matrix") } else { "{}".into() };
        let b = b.header(header::CONTENT_TYPE, "application/json");
        if method == "get" { b.body(Body::empty()) } else { b.body(Body::from(json)) }
    } else if path.ends_with("/roster") {
        let boundary = "matrix-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{CSRF}\r\n--{boundary}--\r\n"
        );
        b.header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body))
    } else if method == "post" {
        // Sign-in with the person's own address (a wrong password): throttling counts
        // per account too.
        let email = who.map_or("nobody@matrix.example", |u| u.email.as_str());
        let form = if path == "/login" { format!("csrf={CSRF}&email={email}") } else { format!("csrf={CSRF}{extra}") };
        b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(form))
    } else {
        b.body(Body::empty())
    };
    let r = app.send(req.unwrap()).await;
    (r.status.as_u16(), r.location)
}

#[tokio::test]
async fn every_route_answers_every_kind_of_person_as_the_matrix_says() {
    let print = std::env::var_os("SIGHTLINE_MATRIX_PRINT").is_some();
    // The table covers exactly the routes the router serves.
    let served: BTreeSet<(String, String)> =
        sightline_web::routes().into_iter().map(|(m, p)| (m.to_owned(), p)).collect();
    let rows: BTreeMap<(String, String), &str> =
        MATRIX.iter().map(|(m, p, cells)| (((*m).to_owned(), (*p).to_owned()), *cells)).collect();
    let missing: Vec<_> = served.iter().filter(|k| !rows.contains_key(*k)).collect();
    let stale: Vec<_> = rows.keys().filter(|k| !served.contains(*k)).collect();
    assert!(print || missing.is_empty(), "routes without a row in MATRIX (add one): {missing:?}");
    assert!(stale.is_empty(), "rows in MATRIX for routes the router no longer serves: {stale:?}");
    assert_eq!(rows.len(), MATRIX.len(), "one row per route");

    for db in engines().await {
        let engine = db.engine().as_str();
        let mut app = TestApp::with_content(db).await;
        let a = airline(&app, "Airline A", "a.example").await;
        let b = airline(&app, "Airline B", "b.example").await;
        make_person(&app.state.db, "Sightline Operator", "platform@op.example", &[Role::PlatformAdmin], None).await;
        let platform = app.user("platform@op.example").await;
        enrol(&app, &a).await;
        enrol(&app, &b).await;
        enrol(&app, std::slice::from_ref(&platform)).await;
        let f = fixture(&mut app, &a, "MATRIX-0001").await;
        let people: Vec<Option<&UserRecord>> = std::iter::once(None)
            .chain(a.iter().map(Some))
            .chain(std::iter::once(Some(&platform)))
            .chain(b.iter().map(Some))
            .collect();
        let mut seq = app.state.db.audit_after(0, i64::MAX).await.unwrap().last().map_or(0, |e| e.seq);

        let mut wrong = Vec::new();
        let mut printed = Vec::new();
        let mut requests = 0;
        let started = std::time::Instant::now();
        for (method, route) in &served {
            let path = f.path(route);
            let mut cells = Vec::new();
            for (n, who) in people.iter().enumerate() {
                let (status, location) = request(&mut app, (n, *who), method, &path, "").await;
                requests += 1;
                let new = app.state.db.audit_after(seq, 1000).await.unwrap();
                seq = new.last().map_or(seq, |e| e.seq);
                let denied = new
                    .iter()
                    .any(|e| e.action == "access.cross_org_denied" && who.is_some_and(|u| e.actor == Some(u.id)));
                let cell = match (status, denied) {
                    (404, true) => "X".to_owned(),
                    (409, true) => "C".to_owned(),
                    (s, true) => format!("{s}!"),
                    (200, false) => "200".to_owned(),
                    (300..=399, false) if location.as_deref().is_some_and(|l| l.starts_with("/login")) => {
                        if location.as_deref() == Some("/login") { "L".to_owned() } else { "R".to_owned() }
                    }
                    (300..=399, false) => "R".to_owned(),
                    (s, false) => s.to_string(),
                };
                cells.push(cell);
            }
            printed.push(format!("    ({:<6} {:<52} \"{}\"),", format!("\"{method}\","), format!("\"{route}\","), {
                let (own, other) = cells.split_at(6);
                format!(
                    "{}   {}",
                    own.iter().map(|c| format!("{c:<3}")).collect::<Vec<_>>().join(" "),
                    other.iter().map(|c| format!("{c:<3}")).collect::<Vec<_>>().join(" ")
                )
                .trim_end()
                .to_owned()
            }));
            let expected: Vec<&str> =
                rows.get(&(method.clone(), route.clone())).map_or(Vec::new(), |r| r.split_whitespace().collect());
            for (i, cell) in cells.iter().enumerate() {
                if expected.get(i).copied() != Some(cell.as_str()) {
                    wrong.push(format!(
                        "{engine}: {} {route} as {}: expected {}, got {cell}",
                        method.to_uppercase(),
                        PERSONAS[i],
                        expected.get(i).copied().unwrap_or("(no row)")
                    ));
                }
            }
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("authorisation matrix on {engine}: {requests} requests in {:.1?}\n", started.elapsed()).as_bytes(),
        );
        if print {
            println!("{}", printed.join("\n"));
        }
        assert!(wrong.is_empty(), "{} cells differ from MATRIX:\n{}", wrong.len(), wrong.join("\n"));
        app.finish().await;
    }
}

/// Inside one's own organisation's pages, a record of another organisation named in
/// the path or the form (a person, a certificate, a case to merge, an assignee) is
/// "not found" and audited; a mistyped id is "not found" and no one's attempt.
#[tokio::test]
async fn another_organisations_records_named_in_ones_own_pages_are_refused_and_audited() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let a = airline(&app, "Airline A", "a.example").await;
        let b = airline(&app, "Airline B", "b.example").await;
        enrol(&app, &a).await;
        enrol(&app, &b).await;
        let fa = fixture(&mut app, &a, "MATRIX-A001").await;
        let fb = fixture(&mut app, &b, "MATRIX-B001").await;
        let (desk, admin) = (&a[2], &a[3]);
        let (org, case, b_desk) = (&fa.org, format!("/desk/cases/{}", fa.report), b[2].id.to_string());
        let mut seq = app.state.db.audit_after(0, i64::MAX).await.unwrap().last().map_or(0, |e| e.seq);
        for (who, path, extra, (kind, id)) in [
            (admin, format!("/orgs/{org}/users/{}/roles", fb.user), "&role_learner=on".to_owned(), ("user", &fb.user)),
            (admin, format!("/orgs/{org}/users/{}/position", fb.user), String::new(), ("user", &fb.user)),
            (admin, format!("/orgs/{org}/users/{}/reset", fb.user), String::new(), ("user", &fb.user)),
            (admin, format!("/orgs/{org}/certificates/{}/revoke", fb.code), String::new(), ("certificate", &fb.code)),
            (desk, format!("{case}/assign"), format!("&version=0&assignee={b_desk}"), ("user", &b_desk)),
            (desk, format!("{case}/merge"), format!("&other={}", fb.report), ("report", &fb.report)),
            (desk, format!("{case}/dismiss"), format!("&other={}", fb.report), ("report", &fb.report)),
        ] {
            let (status, _) = request(&mut app, (1, Some(who)), "post", &path, &extra).await;
            assert_eq!(status, 404, "{path}");
            let new = app.state.db.audit_after(seq, 100).await.unwrap();
            seq = new.last().map_or(seq, |e| e.seq);
            let denied: Vec<_> = new.iter().filter(|e| e.action == "access.cross_org_denied").collect();
            assert_eq!(denied.len(), 1, "{path}: one entry");
            let e = denied[0];
            assert_eq!((e.actor, e.org_id), (Some(who.id), Some(who.org_id)), "{path}: by whom, in their trail");
            assert_eq!((e.target_kind.as_deref(), e.target_id.as_deref()), (Some(kind), Some(id.as_str())), "{path}");
        }
        // Nothing of B's changed.
        let b_user = app.state.db.get_user(b[0].org_id, b[0].id).await.unwrap();
        assert_eq!(b_user.roles, b[0].roles);
        assert!(app.state.db.certificate(&fb.code).await.unwrap().revoked_at.is_none());
        // A mistyped id: not found, and no one's attempt on another organisation.
        let (status, _) =
            request(&mut app, (1, Some(desk)), "get", &format!("/desk/cases/{}", uuid::Uuid::now_v7()), "").await;
        assert_eq!(status, 404);
        let new = app.state.db.audit_after(seq, 100).await.unwrap();
        assert!(new.iter().all(|e| e.action != "access.cross_org_denied"), "{new:?}");
        app.finish().await;
    }
}
