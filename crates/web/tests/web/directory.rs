//! The routing directory in the browser: platform admins add, correct and remove
//! entries; the desk reads it and is offered the changes at once; every version is kept.

use axum::http::StatusCode;
use sightline_domain::user::Role;

use crate::support::{PASSWORD, TestApp, between, csrf_of, engines, make_person, token_for};

/// The directory id of the live entry whose organisation contains `name`.
async fn entry_id(app: &TestApp, name: &str) -> String {
    let all = app.state.db.directory().await.unwrap();
    all.iter().find(|s| s.entry.organisation.contains(name)).map(|s| s.id.to_string()).unwrap()
}

fn entry_fields<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("country", "FI"),
        ("airport", "HEL"),
        ("organisation", "Finnish Border Guard, Helsinki Airport border control"),
        ("kind", "border_guard"),
        ("phone", "+358 295 421 000"),
        ("email", ""),
        ("hours", "24/7"),
        ("languages", "fi, sv, en"),
        ("source", "https://raja.fi/en/contact"),
        ("last_verified", "2025-10-01"),
    ];
    for (k, v) in overrides {
        if let Some(f) = fields.iter_mut().find(|(name, _)| name == k) {
            f.1 = v;
        }
    }
    fields
}

#[tokio::test]
async fn platform_admins_keep_the_directory_and_the_desk_uses_it_at_once() {
    for db in engines().await {
        let mut admin = TestApp::with_content(db).await;
        admin.set_up_platform_admin().await;

        // Seeded from content/directory.toml, every entry checked.
        let list = admin.get("/directory").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Police of Finland") && list.body.contains("HSI Tip Line"));
        assert!(list.body.contains(" 0 not checked for over 12 months"), "{}", list.body);
        assert!(list.body.contains("from the content file"), "recent changes name the seed");

        // Bad input: 422, messages at the fields, everything typed kept, nothing written.
        let before = admin.state.db.directory().await.unwrap().len();
        let bad = entry_fields(&[("country", "Finland"), ("phone", ""), ("source", "raja.fi"), ("kind", "army")]);
        let r = admin.submit("/directory/new", "/directory", &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter a two-letter country code like FI, or EU."));
        assert!(r.body.contains("Give a phone number or an e-mail address."));
        assert!(r.body.contains("Link the official source, starting with https://."));
        assert!(r.body.contains("Choose one of the options."));
        assert!(r.body.contains("value=\"Finland\"") && r.body.contains("value=\"raja.fi\""), "input kept");
        assert!(r.body.contains("Finnish Border Guard, Helsinki Airport border control"));
        assert!(r.body.contains("aria-invalid=\"true\""));
        // The new fields: a phone not in E.164, "dialable from abroad" without one, a
        // short code with letters, a language count that is not a number.
        let mut new_fields = entry_fields(&[("phone", "029 546 3177")]);
        new_fields.extend([
            ("local_number", "call 112"),
            ("languages_over", "many"),
            ("notes", "Ask for the duty officer"),
        ]);
        let r = admin.submit("/directory/new", "/directory", &new_fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter the number in international format"), "{}", r.body);
        assert!(r.body.contains("Enter the number with digits"), "the local number");
        assert!(r.body.contains("Enter a number from the allowed range."));
        assert!(r.body.contains("value=\"029 546 3177\"") && r.body.contains("value=\"call 112\""), "input kept");
        assert!(r.body.contains(">Ask for the duty officer</textarea>"), "notes kept");
        let abroad = entry_fields(&[("phone", "")])
            .into_iter()
            .chain([("local_number", "112"), ("dialable_from_abroad", "on")])
            .collect::<Vec<_>>();
        let r = admin.submit("/directory/new", "/directory", &abroad).await;
        assert!(r.body.contains("Only a number in international format can be dialled from abroad"), "{}", r.status);
        assert!(r.body.contains("name=\"dialable_from_abroad\" value=\"on\" checked"), "the tick is kept");
        let future = entry_fields(&[("last_verified", "2026-12-24")]);
        let r = admin.submit("/directory/new", "/directory", &future).await;
        assert!(r.body.contains("The date cannot be in the future."), "{}", r.status);
        assert_eq!(admin.state.db.directory().await.unwrap().len(), before);

        // A new airport contact, checked over a year ago: saved and flagged.
        let r = admin.submit("/directory/new", "/directory", &entry_fields(&[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page_url = r.location.unwrap();
        let page = admin.get(&page_url).await;
        assert!(page.body.contains("Saved.") && page.body.contains("has not been checked for over 12 months"));
        let list = admin.get("/directory?stale=1").await;
        let table = between(&list.body, "<tbody>", "</tbody>");
        assert!(table.contains("Helsinki Airport border control") && !table.contains("HSI Tip Line"), "{table}");
        assert!(list.body.contains(" 1 not checked for over 12 months"));

        // The desk sees it at once, first for an arrival at HEL (the airport's own contact).
        make_person(&admin.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        make_person(&admin.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let crew = token_for(&admin.state.db, "crew@nw.example").await;
        let id = uuid::Uuid::now_v7();
        let report = serde_json::json!({
            "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
            "origin": "JFK", "destination": "HEL", "scheduled_arrival": "13:10", "seats": ["23A"],
            "potential_victims": 1, "companions": 1, "indicators": ["DOC-HELD-BY-OTHER", "BEH-FEARFUL"],
            "victims": [], "companion_aware": "no", "free_text": "", "considered_innocent_explanations": true
        });
        let mut desk = admin.another_browser();
        let r = desk.api("PUT", &format!("/api/v1/reports/{id}"), Some(&crew), Some(&report.to_string())).await;
        assert!(r.status.is_success(), "{} {}", r.status, r.body);
        desk.sign_in_and_enrol("desk@nw.example").await;
        let case = desk.get(&format!("/desk/cases/{id}")).await;
        let first = between(&case.body, "class=\"check contact-option\">", "</label>");
        assert!(first.contains("Helsinki Airport border control") && first.contains("Not checked for over 12 months"));

        // The same routing over the API, for a desk system; reporters cannot read it.
        let desk_token = token_for(&admin.state.db, "desk@nw.example").await;
        let r = desk.api("GET", "/api/v1/directory?destination=hel", Some(&desk_token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let routed = r.json();
        assert_eq!(routed[0]["organisation"], "Finnish Border Guard, Helsinki Airport border control");
        assert_eq!(routed[0]["stale"], true);
        assert!(routed.as_array().unwrap().iter().all(|e| e["country"] == "FI" || e["country"] == "EU"));
        let all = desk.api("GET", "/api/v1/directory", Some(&desk_token), None).await.json();
        assert!(all.as_array().unwrap().len() > routed.as_array().unwrap().len());
        let r = desk.api("GET", "/api/v1/directory?destination=XQZ", Some(&desk_token), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            (r.json()["error"]["code"].as_str(), r.json()["error"]["field"].as_str()),
            (Some("unknown-airport"), Some("destination"))
        );
        let r = desk.api("GET", "/api/v1/directory", Some(&crew), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The desk may also record a contact outside the routing, from the directory.
        let case_url = format!("/desk/cases/{id}");
        let escalate = format!("{case_url}/escalate");
        let hsi = entry_id(&admin, "HSI Tip Line").await;
        let page = desk.get(&case_url).await;
        assert!(page.body.contains(&format!("<option value=\"{hsi}\">US · HSI Tip Line")));
        let version = between(&page.body, "name=\"version\" value=\"", "\"");
        let bad = [("version", version.as_str()), ("contact", "other"), ("contact_other", "nope"), ("method", "phone")];
        let r = desk.submit(&case_url, &escalate, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = [
            ("version", version.as_str()),
            ("contact", "other"),
            ("contact_other", hsi.as_str()),
            ("method", "phone"),
            ("reference", "HSI-2026-1"),
        ];
        let r = desk.submit(&case_url, &escalate, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(desk.get(&case_url).await.body.contains("HSI-2026-1"));

        // Correct the Finnish police entry: a new version, the old one kept with who and when.
        let police = entry_id(&admin, "Police of Finland").await;
        let edit = format!("/directory/{police}");
        let page = admin.get(&edit).await;
        let version = between(&page.body, "name=\"version\" value=\"", "\"");
        assert_eq!(version, "1");
        let mut fields: Vec<(String, String)> =
            ["country", "airport", "organisation", "phone", "email", "hours", "languages", "source", "last_verified"]
                .iter()
                .map(|f| {
                    let v = between(&page.body, &format!("name=\"{f}\" value=\""), "\"");
                    ((*f).to_owned(), crate::support::unescape(&v))
                })
                .collect();
        // Checked again today (the test clock may be before the content file's check date).
        let today = between(&page.body, "type=\"date\" max=\"", "\"");
        for (k, v) in &mut fields {
            if k == "phone" {
                *v = "+358 295 480 181".into();
            }
            if k == "last_verified" {
                v.clone_from(&today);
            }
        }
        let kind_selected = page.body.contains("<option value=\"police\" selected>");
        assert!(kind_selected, "the form shows the stored kind");
        fields.push(("kind".into(), "police".into()));
        let mut post: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post.push(("version", "1"));
        let r = admin.submit(&edit, &edit, &post).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = admin.get(&edit).await;
        assert!(page.body.contains("Version 2") && page.body.contains("Pat Admin"));
        assert!(page.body.contains("<ins>+358295480181</ins>"), "the change is shown, in E.164");
        let case = desk.get(&format!("/desk/cases/{id}")).await;
        assert!(case.body.contains("tel:+358295480181"), "the desk is offered the new number");

        // Another admin's stale form: 409, their input kept, nothing overwritten.
        let mut stale = post.clone();
        for f in &mut stale {
            if f.0 == "hours" {
                f.1 = "Office hours only";
            }
            if f.0 == "version" {
                f.1 = "1";
            }
        }
        let r = admin.submit(&edit, &edit, &stale).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone else changed this entry meanwhile"));
        assert!(r.body.contains("value=\"Office hours only\""));
        assert_eq!(admin.state.db.directory_history(police.parse().unwrap()).await.unwrap().len(), 2);

        // Removing needs a reason; then the desk is no longer offered it.
        let remove = format!("{edit}/remove");
        let r = admin.submit(&edit, &remove, &[("version", "2"), ("reason", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Give a reason."));
        let r = admin.submit(&edit, &remove, &[("version", "2"), ("reason", "Replaced by the new tip line")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = admin.get(&edit).await;
        assert!(page.body.contains("was removed") && page.body.contains("Replaced by the new tip line"));
        assert!(!page.body.contains("id=\"entry-form\""), "a removed entry has no edit form");
        let table = between(&admin.get("/directory").await.body, "<tbody>", "</tbody>");
        assert!(!table.contains("Police of Finland"), "out of the list (still in recent changes)");
        let case = desk.get(&format!("/desk/cases/{id}")).await;
        assert!(!case.body.contains("Police of Finland"), "no longer offered");
        assert_eq!(admin.state.seed_directory().await.unwrap(), 0, "a restart does not bring it back");
        let removed = admin.get("/directory?removed=1").await;
        assert!(between(&removed.body, "<tbody>", "</tbody>").contains("Police of Finland"));

        // A removal can be undone, with a reason; the desk is offered it again.
        let restore = format!("{edit}/restore");
        let r = admin.submit(&edit, &restore, &[("version", "3"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = admin.submit(&edit, &restore, &[("version", "3"), ("reason", "Removed by mistake")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(desk.get(&format!("/desk/cases/{id}")).await.body.contains("Police of Finland"));
        let page = admin.get(&edit).await;
        assert!(page.body.contains("Version 4") && page.body.contains("Removed by mistake"));

        // The desk reads the directory but cannot change it; CSRF is required.
        let read = desk.get("/directory").await;
        assert_eq!(read.status, StatusCode::OK);
        assert!(!read.body.contains("/directory/new") && !read.body.contains(">Edit<"));
        assert_eq!(desk.get("/directory/new").await.status, StatusCode::FORBIDDEN);
        assert_eq!(desk.get(&edit).await.status, StatusCode::FORBIDDEN);
        let r = desk.post_form("/directory", &[("csrf", &csrf_of(&read.body)), ("country", "FI")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = admin.post_form("/directory", &entry_fields(&[("organisation", "No token")])).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");
        let mut crew_browser = admin.another_browser();
        crew_browser.sign_in("crew@nw.example", PASSWORD).await;
        assert_eq!(crew_browser.get("/directory").await.status, StatusCode::FORBIDDEN, "reporters do not");
        assert_eq!(admin.get("/directory/not-an-id").await.status, StatusCode::NOT_FOUND);

        // Audited in the admin's organisation; the chain holds.
        let operator = admin.user("pat@operator.example").await.org_id;
        let audits = admin.state.db.audit_for_org(operator, 50).await.unwrap().entries;
        let changes = audits.iter().filter(|e| e.action == "directory.changed").count();
        assert_eq!(changes, 4, "create, update, remove, restore");
        assert!(admin.state.db.verify_audit_chain().await.is_ok());
        admin.finish().await;
    }
}
