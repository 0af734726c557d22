//! Retention and legal hold as an operator tries them (issue 15, item 1): set a 90-day
//! retention, place a hold on one case, advance the clock past 90 days, purge, and
//! find the held case whole and the others tombstoned; bad input at the field; another
//! organisation's case "not found".

use axum::http::StatusCode;
use sightline_domain::user::Role;
use sightline_jobs::retention::{self, Purge};

use crate::support::{PASSWORD, TestApp, csrf_of, engines};

fn report(free_text: &str) -> String {
    serde_json::json!({
        "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
        "origin": "JFK", "destination": "HEL", "scheduled_arrival": "13:10", "seats": ["23A"],
        "potential_victims": 1, "companions": 1, "indicators": ["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR"],
        "victims": [{"age_range": "teen", "gender": "female", "clothing": "grey hoodie"}],
        "companion_aware": "no", "free_text": free_text, "considered_innocent_explanations": true
    })
    .to_string()
}

/// The purge's freezer of compliance figures, as `serve` wires it.
fn freezer(app: &TestApp) -> sightline_app::assign::ComplianceFreezer {
    sightline_app::assign::ComplianceFreezer(app.state.db.clone())
}

/// Sign in again (the session ended while the clock moved on).
async fn signed_in_again(app: &mut TestApp, email: &str, secret: &str) {
    let r = app.sign_in(email, PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/login/two-factor"), "{}", r.body);
    let code = app.totp(secret);
    let r = app.submit("/login/two-factor", "/login/two-factor", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Post a case form with the page's CSRF token and version.
async fn on_case(app: &mut TestApp, case: &str, action: &str, fields: &[(&str, &str)]) -> crate::support::Resp {
    let page = app.get(case).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let version = crate::support::between(&page.body, "name=\"version\" value=\"", "\"");
    let csrf = csrf_of(&page.body);
    let mut all = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&format!("{case}/{action}"), &all).await
}

#[tokio::test]
async fn an_operator_sets_retention_holds_one_case_and_purges_the_rest() {
    for db in engines().await {
        let mut desk = TestApp::builder().on(db).with_content().build().await;
        let org =
            crate::support::make_person(&desk.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None)
                .await;
        let roles = [Role::DeskAnalyst, Role::OrgAdmin];
        crate::support::make_person(&desk.state.db, "Nordic Wings", "lead@nw.example", &roles, None).await;
        crate::support::make_person(&desk.state.db, "Other Air", "lead@other.example", &roles, None).await;
        let crew = crate::support::token_for(&desk.state.db, "crew@nw.example").await;
        let mut cases = Vec::new();
        for text in ["CANARY-kept-under-hold", "CANARY-purged-one", "CANARY-purged-two"] {
            let id = uuid::Uuid::now_v7();
            desk.put_report(&crew, id, &report(text)).await;
            cases.push(format!("/desk/cases/{id}"));
        }
        let secret = desk.sign_in_and_enrol("lead@nw.example").await;

        // Retention: out of range is refused at the field, the input kept; 90 days saved.
        let settings = format!("/orgs/{org}/settings");
        let action = format!("{settings}/retention");
        let r = desk.submit(&settings, &action, &[("no_action_innocent_days", "3651"), ("tips_days", "30")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"no_action_innocent_days-error\""), "{}", r.body);
        assert!(r.body.contains("value=\"3651\"") && r.body.contains("value=\"30\""), "the input is kept");
        let r = desk.submit(&settings, &action, &[("no_action_innocent_days", "90")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Retention periods saved."));
        assert!(r.body.contains("name=\"no_action_innocent_days\" type=\"number\"") && r.body.contains("value=\"90\""));

        // Close the three cases without concern; a note on one.
        for case in &cases {
            let r =
                on_case(&mut desk, case, "transition", &[("to", "closed"), ("outcome", "no_action_innocent")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let r = on_case(&mut desk, &cases[1], "note", &[("note", "CANARY-note-text")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // A hold needs a reason; then it shows on the case.
        let r = on_case(&mut desk, &cases[0], "hold", &[("action", "place"), ("hold_reason", "  ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"hold_reason-error\""), "{}", r.body);
        let r = on_case(
            &mut desk,
            &cases[0],
            "hold",
            &[("action", "place"), ("hold_reason", "Police request HEL-2026-77")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = desk.get(&cases[0]).await;
        assert!(page.body.contains("id=\"legal-hold-notice\"") && page.body.contains("Police request HEL-2026-77"));
        assert!(page.body.contains("Lift legal hold"));

        // Another organisation's admin cannot hold this case: not found, as ever.
        let mut other = desk.another_browser();
        other.sign_in_and_enrol("lead@other.example").await;
        let own = other.get("/desk").await;
        let csrf = csrf_of(&own.body);
        let r = other.post_form(&format!("{}/hold", cases[1]), &[("csrf", &csrf), ("hold_reason", "mine now")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

        // 91 days on: the dry run lists the two without hold and changes nothing.
        let clock = desk.state.clock.clone();
        clock.advance(time::Duration::days(91));
        let due = retention::due(&desk.state.db, clock.now()).await.unwrap();
        let due_ids: Vec<String> = due.iter().map(|d| format!("/desk/cases/{}", d.id)).collect();
        assert_eq!(due_ids, cases[1..].to_vec());
        signed_in_again(&mut desk, "lead@nw.example", &secret).await;
        assert!(desk.get(&cases[1]).await.body.contains("CANARY-purged-one"), "a dry run changes nothing");

        // The purge, in batches of one: the held case whole, the others tombstones.
        let now = {
            let clock = clock.clone();
            move || clock.now()
        };
        let Purge::Done(run) = retention::purge(&desk.state.db, now.clone(), 1, &freezer(&desk)).await.unwrap() else {
            panic!("no other purge runs")
        };
        // Three batches of cases (1, 1, 0), then one each of training, certificates and audit.
        assert_eq!((run.purged.len(), run.batches), (2, 6));
        let held = desk.get(&cases[0]).await;
        assert_eq!(held.status, StatusCode::OK);
        assert!(held.body.contains("CANARY-kept-under-hold") && !held.body.contains("id=\"retention-notice\""));
        for case in &cases[1..] {
            let page = desk.get(case).await;
            assert_eq!(page.status, StatusCode::OK, "a tombstone opens: {}", page.body);
            assert!(page.body.contains("The text of this case was removed under the retention policy."));
            assert!(!page.body.contains("CANARY-purged") && !page.body.contains("CANARY-note-text"));
            assert!(!page.body.contains("grey hoodie"), "{}", page.body);
            // The seats are gone (those shown are the held report's, suggested as the same event).
            assert!(page.body.contains("<dd></dd>"), "{}", page.body);
        }
        // The reporter no longer sees the purged reports as theirs.
        let reporter = desk.user("crew@nw.example").await.id;
        assert_eq!(desk.state.db.reports_of(org, reporter, 10).await.unwrap().len(), 1);
        // Statistics still count all three.
        let stats = desk.state.db.statistics(sightline_storage::StatsScope::Org(org), 202601, 202712).await.unwrap();
        assert_eq!(stats.reports.iter().map(|r| r.reports).sum::<i64>(), 3);

        // Lift the hold: the next purge takes it.
        let r = on_case(&mut desk, &cases[0], "hold", &[("action", "lift")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let Purge::Done(run) = retention::purge(&desk.state.db, now, 500, &freezer(&desk)).await.unwrap() else {
            panic!()
        };
        assert_eq!(run.purged.len(), 1);
        let actions: Vec<String> =
            desk.state.db.audit_for_org(org, 200).await.unwrap().entries.into_iter().map(|e| e.action).collect();
        for (action, n) in [
            ("case.purged", 3),
            ("case.legal_hold_placed", 1),
            ("case.legal_hold_lifted", 1),
            ("org.retention_changed", 1),
        ] {
            assert_eq!(actions.iter().filter(|a| *a == action).count(), n, "{action}");
        }
        desk.state.db.verify_audit_chain().await.unwrap();
        desk.finish().await;
    }
}

#[tokio::test]
async fn a_desk_analyst_without_admin_rights_sees_the_hold_but_cannot_place_one() {
    for db in engines().await {
        let mut desk = TestApp::builder().on(db).with_content().build().await;
        crate::support::make_person(&desk.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        crate::support::make_person(&desk.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None)
            .await;
        let crew = crate::support::token_for(&desk.state.db, "crew@nw.example").await;
        let id = uuid::Uuid::now_v7();
        desk.put_report(&crew, id, &report("text")).await;
        desk.sign_in_and_enrol("desk@nw.example").await;
        let case = format!("/desk/cases/{id}");
        let page = desk.get(&case).await;
        assert!(!page.body.contains("id=\"legal-hold\""), "no control for the desk");
        let r = on_case(&mut desk, &case, "hold", &[("hold_reason", "because")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        desk.finish().await;
    }
}

#[tokio::test]
async fn the_training_certificate_and_audit_periods_are_checked_at_their_fields() {
    for db in engines().await {
        let mut app = TestApp::builder().on(db).with_content().build().await;
        let roles = [Role::DeskAnalyst, Role::OrgAdmin];
        let org = crate::support::make_person(&app.state.db, "Nordic Wings", "lead@nw.example", &roles, None).await;
        app.sign_in_and_enrol("lead@nw.example").await;
        let settings = format!("/orgs/{org}/settings");
        let action = format!("{settings}/retention");
        let bad = [("training_days", "0"), ("certificates_days", "3651"), ("audit_days", "364"), ("tips_days", "30")];
        let r = app.submit(&settings, &action, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for (field, typed) in &bad[..3] {
            assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", r.body);
            let input = crate::support::between(&r.body, &format!("<input id=\"{field}\""), ">");
            assert!(
                input.contains(&format!("value=\"{typed}\"")) && input.contains("aria-invalid=\"true\""),
                "{input}"
            );
        }
        assert!(!r.body.contains("id=\"tips_days-error\"") && r.body.contains("value=\"30\""), "the good one kept");
        assert!(
            r.body.contains("id=\"audit_days\" name=\"audit_days\" type=\"number\" inputmode=\"numeric\" min=\"365\"")
        );
        assert_eq!(app.state.db.retention_policy(org).await.unwrap(), Default::default(), "nothing saved");

        let good = [("training_days", "90"), ("certificates_days", "730"), ("audit_days", "365")];
        let r = app.submit(&settings, &action, &good).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = app.state.db.retention_policy(org).await.unwrap();
        assert_eq!((p.training, p.certificates, p.audit), (Some(90), Some(730), Some(365)));
        let entries = app.state.db.audit_for_org(org, 20).await.unwrap().entries;
        let changed = entries.iter().find(|e| e.action == "org.retention_changed").unwrap();
        assert!(changed.detail.contains("training=90") && changed.detail.contains("audit=365"), "{}", changed.detail);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_admin_marks_a_person_who_left_and_their_training_records_go_after_the_period() {
    for db in engines().await {
        let mut app = TestApp::builder().on(db).with_content().build().await;
        let roles = [Role::DeskAnalyst, Role::OrgAdmin];
        let org = crate::support::make_person(&app.state.db, "Nordic Wings", "lead@nw.example", &roles, None).await;
        crate::support::make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Learner], None).await;
        let crew = app.user("crew@nw.example").await.id;
        app.state.db.mark_lesson_done(org, crew, "cabin-crew", "one", app.state.clock.now()).await.unwrap();
        app.sign_in_and_enrol("lead@nw.example").await;
        let settings = format!("/orgs/{org}/settings");
        let r = app.submit(&settings, &format!("{settings}/retention"), &[("training_days", "30")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // Unconfirmed: refused, nothing changed.
        let users = format!("/orgs/{org}/users");
        let leave = format!("{users}/{crew}/leave");
        let r = app.submit(&users, &leave, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"confirm-error\""), "{}", r.body);
        assert!(app.user("crew@nw.example").await.active);
        let r = app.submit(&users, &leave, &[("confirm", "on")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("was deactivated"), "{}", r.body);
        assert!(!app.user("crew@nw.example").await.active);
        let mut theirs = app.another_browser();
        let r = theirs.sign_in("crew@nw.example", crate::support::PASSWORD).await;
        assert_eq!(
            (r.status, r.location),
            (StatusCode::UNPROCESSABLE_ENTITY, None),
            "a person who left cannot sign in"
        );

        let clock = app.state.clock.clone();
        let run = |days: i64| {
            let at = clock.now() + time::Duration::days(days);
            let db = app.state.db.clone();
            async move {
                let freezer = sightline_app::assign::ComplianceFreezer(db.clone());
                let Purge::Done(run) = retention::purge(&db, move || at, 500, &freezer).await.unwrap() else {
                    panic!()
                };
                run
            }
        };
        assert_eq!(run(29).await.training, 0, "kept for 30 days after leaving");
        assert_eq!(app.state.db.lessons_done(org, crew, "cabin-crew").await.unwrap(), ["one"]);
        assert_eq!(run(31).await.training, 1);
        assert!(app.state.db.lessons_done(org, crew, "cabin-crew").await.unwrap().is_empty());
        let actions: Vec<String> =
            app.state.db.audit_for_org(org, 50).await.unwrap().entries.into_iter().map(|e| e.action).collect();
        assert!(actions.contains(&"user.deactivated".to_owned()) && actions.contains(&"training.purged".to_owned()));
        app.finish().await;
    }
}
