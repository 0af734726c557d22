//! The JSON API: tokens, the error envelope, health.

use axum::http::StatusCode;

use sightline_domain::user::{Role, Scope, Scopes};

use crate::support::{TestApp, between, engines};

#[tokio::test]
async fn health_and_readiness_report_the_engine() {
    for db in engines().await {
        let engine = db.engine().as_str();
        let mut app = TestApp::new(db).await;
        for path in ["/healthz", "/readyz"] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::OK);
            let j = r.json();
            assert_eq!(j["status"], "ok");
            assert_eq!(j["database"], engine);
            assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn api_tokens_and_error_envelope() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.set_up_platform_admin().await;
        let admin = app.user("pat@operator.example").await;
        let token = crate::support::token_for(&app.state.db, "pat@operator.example").await;

        let r = app.api("GET", "/api/v1/me", None, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        let r = app.api("GET", "/api/v1/me", Some("not-a-token"), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = app.api("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["email"], "pat@operator.example");
        assert_eq!(r.headers["cache-control"], "no-store");

        let r = app.api("POST", "/api/v1/organisations", Some(&token), Some("{not json")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["code"], "invalid-body");
        let r = app
            .api("POST", "/api/v1/organisations", Some(&token), Some(r#"{"name":"Nordic Wings","kind":"hotel"}"#))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "kind");
        assert_eq!(r.json()["error"]["code"], "unknown-org-kind");
        let r = app
            .api("POST", "/api/v1/organisations", Some(&token), Some(r#"{"name":"Nordic Wings","kind":"airline"}"#))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let org = r.json()["id"].as_str().unwrap().to_owned();
        let r = app
            .api("POST", "/api/v1/organisations", Some(&token), Some(r#"{"name":"NORDIC wings","kind":"airline"}"#))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["error"]["field"], "name");

        let path = format!("/api/v1/organisations/{org}/users");
        let r =
            app.api("POST", &path, Some(&token), Some(r#"{"name":"Anna","email":"bad","roles":["reporter"]}"#)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "email");
        let bad = r#"{"name":"","email":"bad","roles":["pilot"],"position":"captain"}"#;
        let r = app.api("POST", &path, Some(&token), Some(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = r.json();
        let fields: Vec<&str> =
            j["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["role", "name", "email", "position"], "every invalid field: {}", r.body);
        let r = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(r#"{"name":"Anna","email":"anna@nw.example","roles":["reporter","learner"],"base":"HEL"}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = app.api("GET", &path, Some(&token), None).await;
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        // A reporter's token cannot administer anything, and sees no other organisation.
        let anna = app.user("anna@nw.example").await;
        let anna_token = crate::support::scoped_token(&app.state.db, &anna, &Scopes::grantable(&anna.roles)).await;
        assert_eq!(
            app.api("GET", "/api/v1/organisations", Some(&anna_token), None).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.api("GET", &path, Some(&anna_token), None).await.status, StatusCode::FORBIDDEN);
        let other = format!("/api/v1/organisations/{}/users", admin.org_id);
        let r = app.api("GET", &other, Some(&anna_token), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["code"], "not-found");

        let r = app.api("GET", "/api/v1/nothing-here", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["code"], "not-found");
        app.finish().await;
    }
}

#[tokio::test]
async fn session_cookie_api_calls_need_the_csrf_header_to_change_state() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.set_up_platform_admin().await;
        let req = axum::http::Request::post("/api/v1/organisations")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(r#"{"name":"X Air","kind":"airline"}"#))
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.json()["error"]["code"], "csrf");
        let csrf = crate::support::csrf_of(&app.get("/home").await.body);
        let req = axum::http::Request::post("/api/v1/organisations")
            .header("content-type", "application/json")
            .header("x-csrf-token", csrf)
            .body(axum::body::Body::from(r#"{"name":"X Air","kind":"airline"}"#))
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
        app.finish().await;
    }
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let mut app = TestApp::builder().build().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{org}/users",
        "/healthz",
        "/readyz",
        "/api/v1/directory",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["ErrorEnvelope"].is_object());
    app.finish().await;
}

#[tokio::test]
async fn people_make_use_and_revoke_their_own_tokens_in_the_browser() {
    for db in engines().await {
        let mut crew = TestApp::new(db).await;
        crate::support::make_person(&crew.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        crate::support::make_person(&crew.state.db, "Nordic Wings", "other@nw.example", &[Role::Reporter], None).await;
        crew.sign_in("crew@nw.example", crate::support::PASSWORD).await;
        let page = crew.get("/account/tokens").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No tokens yet."));

        // Bad input: 422 at the fields, the name kept, nothing made.
        let long = "n".repeat(61);
        let r = crew.submit("/account/tokens", "/account/tokens", &[("name", &long), ("days", "7")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&format!("value=\"{long}\"")) && r.body.contains("aria-invalid=\"true\""));
        assert!(r.body.contains("Choose one of the options."));
        let me = crew.user("crew@nw.example").await;
        assert!(crew.state.db.list_api_tokens(me.org_id, me.id).await.unwrap().is_empty());

        // Made and shown once; it works on the API until revoked.
        let r = crew
            .submit(
                "/account/tokens",
                "/account/tokens",
                &[("name", "reporting tablet"), ("days", "30"), ("scope_reports_write", "on"), ("scope_read", "on")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let token = between(&r.body, "<code id=\"new-token\">", "</code>");
        assert!(r.body.contains("reporting tablet") && r.body.contains("2026-12-28"), "expires in 30 days");
        assert!(!crew.get("/account/tokens").await.body.contains(&token), "shown once");
        let mut client = crew.another_browser();
        assert_eq!(client.api("GET", "/api/v1/me", Some(&token), None).await.status, StatusCode::OK);
        let id = crew.state.db.list_api_tokens(me.org_id, me.id).await.unwrap()[0].id;

        // Someone else cannot revoke it; CSRF is required; the owner can.
        let mut other = crew.another_browser();
        other.sign_in("other@nw.example", crate::support::PASSWORD).await;
        let revoke = format!("/account/tokens/{id}/revoke");
        assert_eq!(other.submit("/account/tokens", &revoke, &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(crew.post_form(&revoke, &[("csrf", "wrong")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(client.api("GET", "/api/v1/me", Some(&token), None).await.status, StatusCode::OK);
        let r = crew.submit("/account/tokens", &revoke, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(crew.get("/account/tokens").await.body.contains("Revoked"));
        assert_eq!(client.api("GET", "/api/v1/me", Some(&token), None).await.status, StatusCode::UNAUTHORIZED);
        let trail = crew.state.db.audit_for_org(me.org_id, 20).await.unwrap().entries;
        assert!(trail.iter().any(|e| e.action == "api_token.created" && e.actor == Some(me.id)));
        assert!(trail.iter().any(|e| e.action == "api_token.revoked" && e.actor == Some(me.id)));
        crew.finish().await;
    }
}

#[tokio::test]
async fn a_token_works_only_once_its_holder_has_the_two_factor_their_roles_require() {
    use crate::support::{make_person, token_for};
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let admin = token_for(&app.state.db, "admin@nw.example").await;
        let desk = token_for(&app.state.db, "desk@nw.example").await;
        let crew = token_for(&app.state.db, "crew@nw.example").await;
        let users = format!("/api/v1/organisations/{org}/users");

        // Never enrolled: the tokens of an admin and an analyst do nothing.
        for (token, method, path, body) in [
            (&admin, "GET", "/api/v1/me", None),
            (&admin, "GET", users.as_str(), None),
            (&admin, "POST", users.as_str(), Some(r#"{"name":"Eve","email":"eve@nw.example","roles":["org_admin"]}"#)),
            (&desk, "GET", "/api/v1/directory", None),
        ] {
            let r = app.api(method, path, Some(token), body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}: {}", r.body);
            assert_eq!(r.json()["error"]["code"], "two-factor-required", "{method} {path}");
        }
        assert!(!app.has_account("eve@nw.example").await);
        // A reporter's roles need no second factor.
        assert_eq!(app.api("GET", "/api/v1/me", Some(&crew), None).await.status, StatusCode::OK);

        // Once the admin has enrolled, the same token works.
        app.sign_in_and_enrol("admin@nw.example").await;
        let r = app.api("GET", &users, Some(&admin), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn token_scopes_are_chosen_at_creation_least_privilege_first_and_enforced() {
    use crate::support::{PASSWORD, make_person, scoped_token};
    use sightline_domain::user::Scope;
    for db in engines().await {
        let mut crew = TestApp::with_content(db).await;
        let org =
            make_person(&crew.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter, Role::Learner], None)
                .await;
        crew.sign_in("crew@nw.example", PASSWORD).await;

        // Least privilege: only what a reporter most needs is ticked; nothing beyond
        // the roles is offered.
        let page = crew.get("/account/tokens").await;
        assert!(page.body.contains(r#"name="scope_reports_write" checked"#), "{}", page.body);
        assert!(page.body.contains(r#"name="scope_read">"#), "read offered, not ticked");
        assert!(!page.body.contains("scope_admin"), "a reporter is not offered admin");
        // ... nor granted it when the form is forged, and a token needs a scope.
        for (fields, message) in [
            (vec![("name", "x"), ("days", "30"), ("scope_admin", "on")], "Your roles do not allow this scope."),
            (vec![("name", "x"), ("days", "30")], "This field is required."),
        ] {
            let r = crew.submit("/account/tokens", "/account/tokens", &fields).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(r.body.contains(message), "{message}: {}", r.body);
        }
        let me = crew.user("crew@nw.example").await;
        assert!(crew.state.db.list_api_tokens(org, me.id).await.unwrap().is_empty(), "nothing made");

        // Made with the default: listed with its scope, and held to it.
        let r = crew
            .submit(
                "/account/tokens",
                "/account/tokens",
                &[("name", "tablet"), ("days", "30"), ("scope_reports_write", "on")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let token = between(&r.body, "<code id=\"new-token\">", "</code>");
        assert!(r.body.contains("<td class=\"scopes\"><code>reports:write</code></td>"), "{}", r.body);
        let r = crew.api("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "insufficient-scope");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("`read`"), "names the scope");
        let report = crate::reports::body("scoped");
        let put = format!("/api/v1/reports/{}", uuid::Uuid::now_v7());
        assert_eq!(crew.api("PUT", &put, Some(&token), Some(&report)).await.status, StatusCode::CREATED);

        // An admin's read-only token reads but cannot create anyone.
        make_person(&crew.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        let admin = crew.user("admin@nw.example").await;
        crew.state.db.enable_totp(&admin, "JBSWY3DPEHPK3PXP", 0, &[], None, crew.state.now()).await.unwrap();
        let read = scoped_token(&crew.state.db, &admin, &Scopes::of([Scope::Read])).await;
        let users = format!("/api/v1/organisations/{org}/users");
        assert_eq!(crew.api("GET", &users, Some(&read), None).await.status, StatusCode::OK);
        let eve = r#"{"name":"Eve","email":"eve@nw.example","roles":["org_admin"]}"#;
        let r = crew.api("POST", &users, Some(&read), Some(eve)).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("insufficient-scope")));
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("`admin`"));
        let full = scoped_token(&crew.state.db, &admin, &Scopes::of([Scope::Read, Scope::Admin])).await;
        assert_eq!(crew.api("POST", &users, Some(&full), Some(eve)).await.status, StatusCode::CREATED);
        crew.finish().await;
    }
}

/// Asserts `r` is the API's error envelope with this status and code, and returns it.
fn envelope(r: &crate::support::Resp, status: StatusCode, code: &str) -> serde_json::Value {
    assert_eq!(r.status, status, "{}", r.body);
    let ct = r.headers.get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(ct.starts_with("application/json"), "{status}: content-type {ct:?}, body {:?}", r.body);
    assert_eq!(r.headers["cache-control"], "no-store");
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {:?}", r.body));
    assert_eq!(j["error"]["code"], code, "{}", r.body);
    assert!(!j["error"]["message"].as_str().unwrap().is_empty());
    j
}

fn raw(
    method: &str,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> axum::http::Request<axum::body::Body> {
    let mut b =
        axum::http::Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    b.body(axum::body::Body::from(body)).unwrap()
}

/// Issue 9, defect 11: every error under `/api/v1`, of any status, is the envelope —
/// unknown paths, wrong methods, bodies too large, wrong content types, malformed
/// queries, bad JSON and path parameters that are not ids.
#[tokio::test]
async fn every_api_error_is_the_envelope() {
    for db in engines().await {
        let mut app = TestApp::new(db).await;
        app.set_up_platform_admin().await;
        // Every scope, so each request gets past the token's scopes to the error under test.
        let pat = app.user("pat@operator.example").await;
        let all = Scopes::of([Scope::Read, Scope::Admin, Scope::ReportsWrite]);
        let token = crate::support::scoped_token(&app.state.db, &pat, &all).await;
        let org = pat.org_id;
        let report = format!("/api/v1/reports/{}", uuid::Uuid::now_v7());
        let users = format!("/api/v1/organisations/{org}/users");

        // 404: nothing there.
        envelope(&app.api("GET", "/api/v1/nothing-here", Some(&token), None).await, StatusCode::NOT_FOUND, "not-found");
        envelope(&app.api("GET", "/api/v1/", None, None).await, StatusCode::NOT_FOUND, "not-found");

        // 405: the path exists, the method does not; `Allow` says which do.
        for (method, path) in [
            ("POST", "/api/v1/me"),
            ("DELETE", &report),
            ("PATCH", "/api/v1/organisations"),
            ("POST", "/healthz"),
            ("PUT", "/readyz"),
        ] {
            let r = app.api(method, path, Some(&token), None).await;
            envelope(&r, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
            assert!(r.headers.contains_key("allow"), "{method} {path}");
        }

        // 413: more than the body limit (2 MiB).
        let big = format!("{{\"name\":\"{}\",\"kind\":\"airline\"}}", "x".repeat(3 * 1024 * 1024));
        let r = app
            .send(raw("POST", "/api/v1/organisations", &token, Some("application/json"), big.clone().into_bytes()))
            .await;
        envelope(&r, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large");
        let r = app.send(raw("PUT", &report, &token, Some("application/json"), big.into_bytes())).await;
        envelope(&r, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large");

        // 415: a body that is not declared as JSON.
        let org_json = br#"{"name":"Nordic Wings","kind":"airline"}"#.to_vec();
        for ct in [None, Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/jsonx")] {
            let r = app.send(raw("POST", "/api/v1/organisations", &token, ct, org_json.clone())).await;
            envelope(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
            let r = app.send(raw("PUT", &report, &token, ct, b"{}".to_vec())).await;
            envelope(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
            let r = app.send(raw("POST", &users, &token, ct, b"{}".to_vec())).await;
            envelope(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
        }
        assert!(app.state.db.list_orgs().await.unwrap().iter().all(|o| o.name != "Nordic Wings"), "nothing made");
        let r = app
            .send(raw("POST", "/api/v1/organisations", &token, Some("application/json; charset=utf-8"), org_json))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "a charset parameter is fine: {}", r.body);

        // 400: a malformed or duplicated query parameter.
        let r = app.api("GET", "/api/v1/directory?destination=HEL&destination=JFK", Some(&token), None).await;
        let j = envelope(&r, StatusCode::BAD_REQUEST, "invalid-query");
        assert!(j["error"]["message"].as_str().unwrap().contains("destination"), "{j}");

        // 422: JSON that does not parse, or does not fit the endpoint.
        for body in ["{not json", "[]", r#"{"name":1,"kind":"airline"}"#, ""] {
            let r = app.api("POST", "/api/v1/organisations", Some(&token), Some(body)).await;
            envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid-body");
            let r = app.api("PUT", &report, Some(&token), Some(body)).await;
            envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid-body");
        }

        // 422 naming the field: a path parameter that is not an id.
        for (method, path, field) in [
            ("GET", "/api/v1/organisations/not-a-uuid/users", "org"),
            ("POST", "/api/v1/organisations/not-a-uuid/users", "org"),
            ("GET", "/api/v1/organisations/%FF/users", "org"),
            ("PUT", "/api/v1/reports/not-a-uuid", "id"),
            ("PUT", "/api/v1/reports/%FF%FE", "id"),
        ] {
            let r = app.api(method, path, Some(&token), Some("{}")).await;
            let j = envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid-id");
            assert_eq!(j["error"]["field"], field, "{method} {path}");
        }
        app.finish().await;
    }
}

/// Every operation in the OpenAPI document lists every status it can answer, each
/// error with the envelope; the report body is a typed schema.
#[tokio::test]
async fn openapi_lists_every_status_with_the_envelope() {
    let mut app = TestApp::builder().build().await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            let has = |s: &str| responses.contains_key(s);
            let secured = op.get("security").is_some();
            let with_body = op.get("requestBody").is_some();
            let with_path_param = path.contains('{');
            let mut expected: Vec<&str> = Vec::new();
            if secured {
                expected.extend(["401", "403", "500"]);
            }
            if with_body {
                expected.extend(["413", "415", "422"]);
            }
            if with_path_param {
                expected.push("422");
            }
            if path.contains("{org}") {
                expected.push("404");
            }
            if op["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["in"] == "query")) {
                expected.push("400");
            }
            for s in expected {
                assert!(has(s), "{method} {path} does not list {s}");
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorEnvelope",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(operations >= 9);
    let body = &doc["paths"]["/api/v1/reports/{id}"]["put"]["requestBody"]["content"]["application/json"]["schema"];
    let name = body["$ref"].as_str().unwrap_or_else(|| panic!("the report body is a named schema: {body}"));
    let schema = &doc["components"]["schemas"][name.trim_start_matches("#/components/schemas/")];
    for field in
        ["reporter_role", "flight", "date", "origin", "destination", "potential_victims", "companion_aware", "victims"]
    {
        assert!(schema["properties"][field].is_object(), "{field} in {schema}");
    }
    app.finish().await;
}

/// Issue 16: API tokens are cached for a few seconds. A change made on one node
/// (here: one `App`) stops the token there at once; another node (an `App` with its
/// own cache on the same database) stops it within the cache's lifetime.
#[tokio::test]
async fn a_revoked_token_or_a_removed_role_stops_at_once_here_and_within_the_cache_lifetime_elsewhere() {
    use std::time::{Duration, Instant};

    use sightline_domain::user::Roles;

    use crate::support::{make_person, token_for};
    for db in engines().await {
        let app = TestApp::new(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let token = token_for(&app.state.db, "crew@nw.example").await;
        let ttl = Duration::from_secs(2);
        let here = app.state.app.clone();
        let there = app.state.app.clone().with_token_cache(ttl);
        let roles_of = |found: Option<(sightline_storage::UserRecord, Scopes)>| found.map(|(u, _)| u.roles);
        assert_eq!(roles_of(here.api_token_user(&token).await.unwrap()), Some(Roles::of([Role::Reporter])));
        let cached_at = Instant::now();
        assert_eq!(roles_of(there.api_token_user(&token).await.unwrap()), Some(Roles::of([Role::Reporter])));

        // A role removed here (which revokes the tokens it granted): refused here at
        // once; there, the cached entry answers until it is older than the lifetime.
        let admin = app.enrolled_caller("admin@nw.example").await;
        let crew = app.user("crew@nw.example").await;
        here.set_roles(&admin, org, crew.id, &Roles::of([Role::Learner])).await.unwrap();
        assert_eq!(roles_of(here.api_token_user(&token).await.unwrap()), None, "refused at once here");
        let seen_there = roles_of(there.api_token_user(&token).await.unwrap());
        if cached_at.elapsed() < ttl {
            assert_eq!(seen_there, Some(Roles::of([Role::Reporter])), "there, the cached entry still answers");
        }
        tokio::time::sleep(ttl).await;
        assert_eq!(roles_of(there.api_token_user(&token).await.unwrap()), None, "refused there within the lifetime");

        // A token revoked here: the same.
        let token = token_for(&app.state.db, "crew@nw.example").await;
        assert_eq!(roles_of(here.api_token_user(&token).await.unwrap()), Some(Roles::of([Role::Learner])));
        assert_eq!(roles_of(there.api_token_user(&token).await.unwrap()), Some(Roles::of([Role::Learner])));
        let crew = app.caller("crew@nw.example", true).await;
        let id = here.api_tokens(&crew).await.unwrap().iter().find(|t| t.revoked_at.is_none()).unwrap().id;
        here.revoke_api_token(&crew, id).await.unwrap();
        assert!(here.api_token_user(&token).await.unwrap().is_none(), "refused at once where it was revoked");
        tokio::time::sleep(ttl).await;
        assert!(there.api_token_user(&token).await.unwrap().is_none(), "refused elsewhere within the lifetime");

        // With no cache, every request reads the database.
        let none = app.state.app.clone().with_token_cache(Duration::ZERO);
        assert!(none.api_token_user(&token).await.unwrap().is_none());
        app.finish().await;
    }
}

/// Issue 16: the organisation's relay codeword, read with every report, is kept for
/// the token cache's lifetime: a change made here is used by the next report at once;
/// another node (its own cache) uses it within the lifetime.
#[tokio::test]
async fn a_changed_relay_codeword_is_used_at_once_here_and_within_the_cache_lifetime_elsewhere() {
    use std::time::Duration;

    use crate::support::make_person;
    for db in engines().await {
        let app = TestApp::new(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let admin = app.enrolled_caller("admin@nw.example").await;
        let crew = app.caller("crew@nw.example", false).await;
        let ttl = Duration::from_secs(2);
        let here = app.state.app.clone();
        let there = app.state.app.clone().with_token_cache(ttl);
        let word = |a: &sightline_app::App| {
            let (a, crew) = (a.clone(), crew.clone());
            async move { a.my_relay_codeword(&crew).await.unwrap().as_str().to_owned() }
        };
        let default = word(&here).await;
        assert_eq!(word(&there).await, default, "both nodes read the default and keep it");
        here.set_relay_codeword(&admin, org, "NORDIC SEVEN").await.unwrap();
        assert_eq!(word(&here).await, "NORDIC SEVEN", "used at once where it was changed");
        tokio::time::sleep(ttl).await;
        assert_eq!(word(&there).await, "NORDIC SEVEN", "used elsewhere within the lifetime");
        app.finish().await;
    }
}
