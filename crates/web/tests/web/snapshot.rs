//! Snapshots of what clients and people see, so a change to either shows in review:
//! the OpenAPI document, and the main pages' HTML (the desk queue, a case, the report
//! form, a lesson, the public help page of HEL). Ids, tokens and the reference are replaced by placeholders; the
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
    settings().bind(|| insta::assert_json_snapshot!("openapi", doc));
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
    // A change id of the live queue (PostgreSQL's identity may skip numbers).
    s.add_filter(r#"data-after="[0-9]+""#, r#"data-after="[id]""#);
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
        for (name, email, roles) in [
            ("Aino Virtanen", "aino@nw.example", &[Role::Reporter, Role::Learner][..]),
            ("Dana Desk", "dana@nw.example", &[Role::DeskAnalyst][..]),
        ] {
            let (base, position) = (Some("HEL"), Some(Audience::CabinCrew));
            crate::support::make_named_person(&app.state.db, "Nordic Wings", (name, email), roles, base, position)
                .await;
        }
        let token = crate::support::token_for(&app.state.db, "aino@nw.example").await;
        // The example report under its own id, so its reference (derived from the id)
        // is the same in every run.
        let mut report: serde_json::Value =
            serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
        let id = report.as_object_mut().unwrap().remove("id").unwrap();
        let id = id.as_str().unwrap();
        app.put_report(&token, id, &report.to_string()).await;
        let mut desk = app.another_browser();
        desk.sign_in_and_enrol("dana@nw.example").await;
        let r = app.sign_in("aino@nw.example", PASSWORD).await;
        assert!(r.status.is_redirection(), "{}", r.body);

        let pages = [
            (true, "desk_queue", "/desk".to_owned()),
            (true, "desk_case", format!("/desk/cases/{id}")),
            (false, "report_form", "/report".to_owned()),
            (false, "lesson", "/learn/cabin-crew/lessons/01-what-trafficking-is".to_owned()),
        ];
        for (at_desk, name, path) in pages {
            let page = if at_desk { desk.get(&path).await } else { app.get(&path).await };
            assert_eq!(page.status, axum::http::StatusCode::OK, "{path}: {}", page.body);
            settings().bind(|| insta::assert_snapshot!(name, page.body));
        }
        app.finish().await;
    }
}

/// The public help page of one airport, as a traveller sees it (no account), on every
/// engine: the words from `content/public/en`, the numbers from the public entries.
#[tokio::test]
async fn the_public_help_page() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let page = app.get("/help/HEL?lang=en").await;
        assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.body);
        settings().bind(|| insta::assert_snapshot!("public_help_hel", page.body));
        app.finish().await;
    }
}
