//! Snapshots of what clients and people see, so a change to either shows in review:
//! the OpenAPI document, and the main pages' HTML (the desk queue, a case, the report
//! form, a lesson). Ids, tokens and the reference are replaced by placeholders; the
//! clock is fixed. The pages are taken on every engine against the same snapshot, so
//! SQLite and PostgreSQL must render the same HTML. Review a change with
//! `cargo insta review`, or accept it with `INSTA_UPDATE=always cargo test`; in CI
//! (`CI` set) a mismatch fails and nothing is written.

use sightline_domain::learn::Audience;
use sightline_domain::user::Role;
use sightline_web::Clock;
use time::macros::datetime;

use crate::support::{PASSWORD, TestApp, engines};

#[tokio::test]
async fn the_openapi_document() {
    let mut app = TestApp::builder().build().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    let doc = r.json();
    // The report body is the typed schema, not untyped JSON.
    let body = &doc["paths"]["/api/v1/reports/{id}"]["put"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["$ref"], "#/components/schemas/ReportInput", "{body}");
    insta::assert_json_snapshot!("openapi", doc);
    app.finish().await;
}

/// Placeholders for what differs from run to run.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[uuid]");
    s.add_filter(r#"(name="csrf" value=")[^"]+""#, r#"$1[csrf]""#);
    s.add_filter(r#"(name="csrf-token" content=")[^"]+""#, r#"$1[csrf]""#);
    s.add_filter(r"SL-[0-9A-Z]{4}-[0-9A-Z]{4}", "[reference]");
    s
}

#[tokio::test]
async fn the_main_pages() {
    for db in engines().await {
        let mut app = TestApp::builder()
            .on(db)
            .with_content()
            .with_clock(Clock::fixed(datetime!(2026-11-28 09:00:00 UTC)))
            .build()
            .await;
        let roles = [Role::Reporter, Role::Learner, Role::DeskAnalyst];
        crate::support::make_named_person(
            &app.state.db,
            "Nordic Wings",
            ("Aino Virtanen", "aino@nw.example"),
            &roles,
            Some("HEL"),
            Some(Audience::CabinCrew),
        )
        .await;
        let token = crate::support::token_for(&app.state.db, "aino@nw.example").await;
        let id = uuid::Uuid::now_v7();
        let mut report: serde_json::Value =
            serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
        report.as_object_mut().unwrap().remove("id");
        let report = report.to_string();
        let r = app.api("PUT", &format!("/api/v1/reports/{id}"), Some(&token), Some(&report)).await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
        let r = app.sign_in("aino@nw.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/account/two-factor"));
        app.enrol_two_factor().await;

        let pages = [
            ("desk_queue", "/desk".to_owned()),
            ("desk_case", format!("/desk/cases/{id}")),
            ("report_form", "/report".to_owned()),
            ("lesson", "/learn/cabin-crew/lessons/01-what-trafficking-is".to_owned()),
        ];
        for (name, path) in pages {
            let page = app.get(&path).await;
            assert_eq!(page.status, axum::http::StatusCode::OK, "{path}: {}", page.body);
            settings().bind(|| insta::assert_snapshot!(name, page.body));
        }
        app.finish().await;
    }
}
