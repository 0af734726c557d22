//! The JSON API: tokens, the error envelope, health.

use axum::http::StatusCode;

use crate::support::{TestApp, engines};

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
        let token = sightline_web::new_token().unwrap();
        let now = app.state.now();
        app.state.db.create_api_token(&admin, "test", &sightline_web::hash_token(&token), None, now).await.unwrap();

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
        let anna_token = sightline_web::new_token().unwrap();
        app.state.db.create_api_token(&anna, "t", &sightline_web::hash_token(&anna_token), None, now).await.unwrap();
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
    let db = sightline_storage::testing::sqlite().await.unwrap();
    let mut app = TestApp::new(db).await;
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
