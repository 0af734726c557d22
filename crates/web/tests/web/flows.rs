//! Page flows, as a person would click through them.

use axum::http::StatusCode;
use sightline_domain::user::Role;
use time::Duration;

use crate::support::{PASSWORD, SETUP_TOKEN, TestApp, between, csrf_of, engines, made_link};

#[tokio::test]
async fn setup_creates_admin_who_must_enrol_two_factor() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        // Before setup the link works; a wrong token does not.
        let bad = app.get("/setup?token=wrong").await;
        assert_eq!(bad.status, StatusCode::GONE);
        let secret = app.set_up_platform_admin().await;
        assert_eq!(secret.len(), 32);
        // The secret is sealed at rest: the database holds neither it nor its base32.
        let admin = app.user("pat@operator.example").await;
        let stored = admin.totp_secret.unwrap();
        assert!(stored.starts_with("sealed:v1:") && !stored.contains(&secret), "{stored}");
        let home = app.get("/home").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Welcome, Pat Admin"), "{}", home.body);
        assert!(home.body.contains("Two-factor sign-in is on."));
        // The link cannot be used twice.
        let again = app.get(&format!("/setup?token={SETUP_TOKEN}")).await;
        assert_eq!(again.status, StatusCode::GONE);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_setup_input_rerenders_with_messages_and_keeps_input() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let r = app
            .submit_setup(&[
                ("org_name", "Nordic Wings"),
                ("org_kind", "airline"),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password2", "short"),
            ])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"Nordic Wings\""), "input kept");
        assert!(r.body.contains("Enter an e-mail address like name@example.org."));
        assert!(r.body.contains("at least 12 characters long"));
        assert!(!r.body.contains("value=\"short\""), "passwords are never echoed");
        assert_eq!(app.state.db.count_orgs().await.unwrap(), 0, "nothing written");
        app.finish().await;
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.get("/login").await;
        let r = app.post_form("/login", &[("email", "a@b.example"), ("password", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app.post_form("/login", &[("csrf", "forged"), ("email", "a@b.example"), ("password", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        app.finish().await;
    }
}

/// The "done when" path: admin creates an airline and invites a person, who signs
/// in with two-factor.
#[tokio::test]
async fn admin_creates_airline_invites_analyst_who_signs_in_with_two_factor() {
    for db in engines().await {
        let mut admin = TestApp::new(db).await;
        admin.set_up_platform_admin().await;

        let (_, org) = admin.add_airline("Nordic Wings").await;
        let (link, path) = admin
            .invite(
                &org,
                &[
                    ("email", "aino@nordicwings.example"),
                    ("name", "Aino Analyst"),
                    ("role_desk_analyst", "on"),
                    ("role_learner", "on"),
                ],
            )
            .await;
        assert!(link.starts_with("http://sightline.test/invite/"), "{link}");
        let path = path.as_str();

        let mut aino = admin.another_browser();
        let r = aino
            .submit(
                path,
                path,
                &[("name", "Aino Analyst"), ("password", PASSWORD), ("password2", "different password")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The two passwords are not the same."));
        let r =
            aino.submit(path, path, &[("name", "Aino Analyst"), ("password", PASSWORD), ("password2", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/account/two-factor"), "analysts must enrol");
        // Nothing else opens before enrolment.
        let blocked = aino.get("/home").await;
        assert_eq!(blocked.location.as_deref(), Some("/account/two-factor"));
        let secret = aino.enrol_two_factor().await;
        let home = aino.get("/home").await;
        assert!(home.body.contains("Nordic Wings"));
        assert!(home.body.contains("Desk analyst"));

        // Sign out, then sign in again: password, then a fresh code.
        let r = aino.submit("/home", "/logout", &[]).await;
        assert_eq!(r.location.as_deref(), Some("/login"));
        assert_eq!(aino.get("/home").await.location.as_deref(), Some("/login"));
        aino.state.clock.advance(Duration::seconds(60));
        let r = aino.sign_in("aino@nordicwings.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/login/two-factor"));
        assert_eq!(aino.get("/home").await.location.as_deref(), Some("/login/two-factor"));
        let r = aino.submit("/login/two-factor", "/login/two-factor", &[("code", "000000")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let code = aino.totp(&secret);
        let r = aino.submit("/login/two-factor", "/login/two-factor", &[("code", &code)]).await;
        assert_eq!(r.location.as_deref(), Some("/desk"), "desk analysts land on the queue: {}", r.body);
        assert_eq!(aino.get("/home").await.status, StatusCode::OK);

        // The same code cannot be replayed in another sign-in.
        aino.submit("/home", "/logout", &[]).await;
        aino.sign_in("aino@nordicwings.example", PASSWORD).await;
        let r = aino.submit("/login/two-factor", "/login/two-factor", &[("code", &code)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "replayed code refused");

        assert!(admin.state.db.verify_audit_chain().await.unwrap() >= 8);
        admin.finish().await;
    }
}

#[tokio::test]
async fn recovery_codes_work_once() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.submit_setup(&[("org_name", "Op"), ("name", "Pat"), ("email", "pat@op.example")]).await;
        let enrol = app.get("/account/two-factor").await;
        let secret = between(&enrol.body, "<code id=\"totp-secret\">", "</code>").replace(' ', "");
        let code = app.totp(&secret);
        let done = app.post_form("/account/two-factor", &[("csrf", &csrf_of(&enrol.body)), ("code", &code)]).await;
        let recovery = between(&done.body, "<li><code>", "</code>");
        app.submit("/home", "/logout", &[]).await;

        app.sign_in("pat@op.example", PASSWORD).await;
        let r = app.submit("/login/two-factor", "/login/two-factor", &[("code", &recovery.to_lowercase())]).await;
        assert_eq!(r.location.as_deref(), Some("/home"));
        assert!(app.get("/home").await.body.contains("Recovery codes left: 9"));
        app.submit("/home", "/logout", &[]).await;
        app.sign_in("pat@op.example", PASSWORD).await;
        let r = app.submit("/login/two-factor", "/login/two-factor", &[("code", &recovery)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        app.finish().await;
    }
}

#[tokio::test]
async fn sign_in_is_throttled_per_account_and_audited() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.set_up_platform_admin().await;
        let mut other = app.another_browser();
        for _ in 0..5 {
            let r = other.sign_in("pat@operator.example", "wrong password 123").await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("The e-mail address or password is wrong."));
        }
        // Even the right password is refused while throttled.
        let r = other.sign_in("pat@operator.example", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("Too many failed attempts"));
        // The window slides: after 15 minutes the account opens again.
        other.state.clock.advance(Duration::minutes(16));
        let r = other.sign_in("pat@operator.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/login/two-factor"));

        let org = app.user("pat@operator.example").await.org_id;
        let actions: Vec<String> =
            app.state.db.audit_for_org(org, 50).await.unwrap().entries.into_iter().map(|e| e.action).collect();
        assert_eq!(actions.iter().filter(|a| *a == "auth.sign_in_failed").count(), 5);
        assert!(actions.iter().any(|a| a == "auth.sign_in_throttled"));
        app.finish().await;
    }
}

#[tokio::test]
async fn throttling_counts_failures_per_address_across_accounts() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.get("/login").await;
        for i in 0..20 {
            let r = app.sign_in(&format!("guess{i}@nowhere.example"), "wrong password 123").await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = app.sign_in("someone-else@nowhere.example", "wrong password 123").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        app.finish().await;
    }
}

#[tokio::test]
async fn roster_import_reports_each_bad_row_and_imports_nothing() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let me = app.platform_admin().await;

        let bad = "name,email,role,base\nAnna,anna@op.example,reporter,HEL\n,broken,captain,\nPat Again,pat@operator.example,learner,\n";
        let r = app.import_roster(me.org_id, bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Nothing was imported"));
        assert!(r.body.contains("<td>3</td><td>email</td>"), "{}", r.body);
        assert!(r.body.contains("<td>3</td><td>role</td>"));
        assert_eq!(app.state.db.list_users(me.org_id).await.unwrap().len(), 1);

        // A row whose address already has an account also stops the whole file.
        let taken = "name,email,role\nAnna,anna@op.example,reporter\nPat Again,pat@operator.example,learner\n";
        let r = app.import_roster(me.org_id, taken).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("<td>3</td><td>email</td><td>This e-mail address already has an account.</td>"),
            "{}",
            r.body
        );
        assert_eq!(app.state.db.list_users(me.org_id).await.unwrap().len(), 1);

        let good = "\u{feff}name,email,role,base,employee_id\nAnna Crew,anna@op.example,reporter;learner,HEL,F1\nBo Gate,bo@op.example,learner,OUL,\n";
        let r = app.import_roster(me.org_id, good).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Imported 2 people."));
        let users = app.state.db.list_users(me.org_id).await.unwrap();
        assert_eq!(users.len(), 3);
        assert!(users.iter().any(|u| u.email == "anna@op.example" && u.has_role(Role::Reporter)));
        app.finish().await;
    }
}

#[tokio::test]
async fn admin_issues_reset_link_and_roles_change() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let me = app.platform_admin().await;
        let page = format!("/orgs/{}/users", me.org_id);
        app.import_roster(me.org_id, "name,email,role\nBo Gate,bo@op.example,learner\n").await;
        let bo = app.user("bo@op.example").await;

        let r =
            app.submit(&page, &format!("/orgs/{}/users/{}/roles", me.org_id, bo.id), &[("role_reporter", "on")]).await;
        assert!(r.body.contains("Roles saved for Bo Gate."), "{}", r.body);
        assert!(app.state.db.get_user(me.org_id, bo.id).await.unwrap().has_role(Role::Reporter));
        // An admin cannot change their own roles (no lock-out by accident).
        let r =
            app.submit(&page, &format!("/orgs/{}/users/{}/roles", me.org_id, me.id), &[("role_learner", "on")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        let r = app.submit(&page, &format!("/orgs/{}/users/{}/reset", me.org_id, bo.id), &[]).await;
        let (_, path) = made_link(&r.body);
        let mut bo_browser = app.another_browser();
        let r = bo_browser.submit(&path, &path, &[("password", PASSWORD), ("password2", PASSWORD)]).await;
        assert!(r.body.contains("Password changed"), "{}", r.body);
        let r = bo_browser.sign_in("bo@op.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/home"));
        // The link worked once.
        assert_eq!(bo_browser.get(&path).await.status, StatusCode::GONE);
        app.finish().await;
    }
}

#[tokio::test]
async fn one_organisation_never_sees_another() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.set_up_platform_admin().await;
        let (org_a, a_id) = app.add_airline("Airline A").await;
        let (org_b, _) = app.add_airline("Airline B").await;
        // Make an org admin of A through an invitation.
        let (_, path) =
            app.invite(&a_id, &[("email", "admin@a.example"), ("name", "A Admin"), ("role_org_admin", "on")]).await;
        let mut a_admin = app.another_browser();
        a_admin.submit(&path, &path, &[("name", "A Admin"), ("password", PASSWORD), ("password2", PASSWORD)]).await;
        a_admin.enrol_two_factor().await;
        assert_eq!(a_admin.get(&org_a).await.status, StatusCode::OK);
        let r = a_admin.get(&org_b).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another organisation's page does not exist for them");
        assert_eq!(a_admin.get("/admin/organisations").await.status, StatusCode::FORBIDDEN);
        let entries = app.state.db.audit_for_org(a_id.parse().unwrap(), 20).await.unwrap().entries;
        assert!(entries.iter().any(|e| e.action == "access.cross_org_denied"));
        app.finish().await;
    }
}

#[tokio::test]
async fn language_is_negotiated_and_remembered() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let en = app.get("/login").await;
        assert!(en.body.contains("<html lang=\"en\">"));
        let r = app.submit("/login", "/lang", &[("lang", "fi"), ("back", "/login")]).await;
        assert_eq!(r.location.as_deref(), Some("/login"));
        let fi = app.get("/login").await;
        assert!(fi.body.contains("<html lang=\"fi\">"));
        assert!(fi.body.contains("Kirjaudu"), "{}", fi.body);
        // Open redirects are not possible through the language switch.
        // Issue 9: a backslash or a tab (which browsers drop) also made `//`.
        for evil in
            ["//evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example"]
        {
            let r = app.submit("/login", "/lang", &[("lang", "en"), ("back", evil)]).await;
            assert_eq!(r.location.as_deref(), Some("/"), "{evil:?}");
        }

        let mut finnish_browser = app.another_browser();
        let req = axum::http::Request::get("/")
            .header("accept-language", "fi-FI,fi;q=0.9,en;q=0.5")
            .body(axum::body::Body::empty())
            .unwrap();
        let r = finnish_browser.send(req).await;
        assert!(r.body.contains("<html lang=\"fi\">"));
        app.finish().await;
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_are_not_cached() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let r = app.get("/login").await;
        assert_eq!(r.headers["cache-control"], "no-store");
        assert_eq!(r.headers["x-frame-options"], "DENY");
        assert!(r.headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
        let cookie = r.headers["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        // The CSP forbids inline styles, so no template may rely on them.
        for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            assert!(!text.contains(" style=\""), "inline style would be blocked by the CSP");
        }
        let css = app.get("/static/style.css").await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.headers["cache-control"].to_str().unwrap().contains("max-age"));
        // Plain http (a local trial): no HSTS, which would lock the browser out.
        assert!(r.headers.get("strict-transport-security").is_none());
        // Issue 9: an https public URL now also sends HSTS, on pages and the API alike.
        app.reconfigure(|_| sightline_web::Config::new("https://sightline.example"));
        for path in ["/login", "/api/v1/me", "/static/style.css"] {
            let r = app.get(path).await;
            assert_eq!(r.headers["strict-transport-security"], "max-age=31536000; includeSubDomains", "{path}");
        }
        app.finish().await;
    }
}

/// Issue 9: 40 simultaneous wrong passwords to one account were all checked (the
/// limit is 5), and 60 simultaneous two-factor codes got 8 checks. The attempt is
/// now reserved atomically before the secret is checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_sign_in_attempts_checks_at_most_the_limit() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let secret = app.set_up_platform_admin().await;
        let org = app.user("pat@operator.example").await.org_id;

        // 40 browsers, one address, wrong passwords, all at once.
        let mut browsers = Vec::new();
        for _ in 0..40 {
            let mut b = app.another_browser();
            let csrf = csrf_of(&b.get("/login").await.body);
            browsers.push((b, csrf));
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (mut b, csrf) in browsers {
            tasks.spawn(async move {
                b.post_form(
                    "/login",
                    &[("csrf", &csrf), ("email", "pat@operator.example"), ("password", "wrong password 123")],
                )
                .await
                .status
            });
        }
        let statuses: Vec<StatusCode> = tasks.join_all().await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!(checked + refused, 40, "{statuses:?}");
        assert!(checked <= 5, "{checked} wrong passwords were checked; the limit is 5");
        let failed = app.state.db.audit_for_org(org, 200).await.unwrap().entries;
        assert!(failed.iter().filter(|e| e.action == "auth.sign_in_failed").count() <= 5);

        // Two-factor codes: a fresh window, one signed-in session, 60 wrong codes at once.
        app.state.clock.advance(Duration::minutes(16));
        let mut me = app.another_browser();
        me.ip = [127, 0, 0, 3];
        let r = me.sign_in("pat@operator.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/login/two-factor"));
        let csrf = csrf_of(&me.get("/login/two-factor").await.body);
        let right = me.totp(&secret);
        let wrong = if right == "000000" { "111111" } else { "000000" };
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..60 {
            let mut b = me.another_browser();
            b.ip = me.ip;
            b.cookies.clone_from(&me.cookies);
            let csrf = csrf.clone();
            tasks.spawn(
                async move { b.post_form("/login/two-factor", &[("csrf", &csrf), ("code", wrong)]).await.status },
            );
        }
        let statuses: Vec<StatusCode> = tasks.join_all().await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        assert!(checked <= 5, "{checked} two-factor codes were checked; the limit is 5: {statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 60 - checked);
        app.finish().await;
    }
}
