//! The security desk: queue, case, workflow with version conflicts, escalation from
//! the routing directory, reporter feedback, compliance export, isolation.

use axum::http::StatusCode;
use sightline_domain::user::Role;

use crate::support::{PASSWORD, TestApp, csrf_of, engines};

async fn person(app: &TestApp, org_name: &str, email: &str, roles: &[Role]) -> sightline_domain::ids::OrgId {
    crate::support::make_person(&app.state.db, org_name, email, roles, None).await
}

async fn token(app: &TestApp, email: &str) -> String {
    crate::support::token_for(&app.state.db, email).await
}

fn report(indicators: &[&str], free_text: &str) -> String {
    serde_json::json!({
        "reporter_role": "cabin_crew", "phase": "in_flight", "flight": "AY5", "date": "2026-11-28",
        "origin": "JFK", "destination": "HEL", "scheduled_arrival": "13:10", "seats": ["23A"],
        "potential_victims": 1, "companions": 1, "indicators": indicators,
        "victims": [{"age_range": "teen", "gender": "female", "clothing": "grey hoodie"}],
        "companion_aware": "no", "free_text": free_text, "considered_innocent_explanations": true
    })
    .to_string()
}

/// File a report as the crew member with this token; returns its id and reference.
async fn file(desk: &mut TestApp, crew_token: &str, indicators: &[&str], free_text: &str) -> (uuid::Uuid, String) {
    let id = uuid::Uuid::now_v7();
    let r = desk.put_report(crew_token, id, &report(indicators, free_text)).await;
    (id, r.json()["reference"].as_str().unwrap().to_owned())
}

async fn act(app: &mut TestApp, case: &str, action: &str, fields: &[(&str, &str)]) -> crate::support::Resp {
    let page = app.get(case).await;
    let version = crate::support::between(&page.body, "name=\"version\" value=\"", "\"");
    // "first" stands for the first routed contact's directory id, "police" for the
    // Finnish police's (routed last for HEL: an office-hours e-mail is never first).
    let first = if page.body.contains("name=\"contact\" value=\"") {
        crate::support::between(&page.body, "name=\"contact\" value=\"", "\"")
    } else {
        String::new()
    };
    let police = page.body.find("Police of Finland").map_or_else(String::new, |at| {
        let before = &page.body[..at];
        let start = before.rfind("name=\"contact\" value=\"").map_or(0, |i| i + 22);
        before[start..].split('"').next().unwrap_or_default().to_owned()
    });
    let mut all = vec![("version", version.as_str())];
    all.extend(fields.iter().map(|&(k, v)| {
        let v = match (k, v) {
            ("contact", "first") => first.as_str(),
            ("contact", "police") => police.as_str(),
            _ => v,
        };
        (k, v)
    }));
    app.submit(case, &format!("{case}/{action}"), &all).await
}

#[tokio::test]
async fn the_desk_works_a_case_from_queue_to_closed() {
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        let org = person(&desk, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        person(&desk, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        person(&desk, "Other Air", "desk@other.example", &[Role::DeskAnalyst]).await;
        let crew_token = token(&desk, "crew@nw.example").await;
        let (id, reference) = file(
            &mut desk,
            &crew_token,
            &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"],
            "CANARY-desk-text",
        )
        .await;
        let (weak, _) = file(&mut desk, &crew_token, &["BEH-FEARFUL"], "one sign only").await;

        // A reporter cannot open the desk.
        let mut crew = desk.another_browser();
        crew.sign_in("crew@nw.example", PASSWORD).await;
        assert_eq!(crew.get("/desk").await.status, StatusCode::FORBIDDEN);

        desk.sign_in_and_enrol("desk@nw.example").await;
        let queue = desk.get("/desk").await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(queue.body.contains(&reference));
        assert!(queue.body.contains("Below the gate"), "the one-sign report is marked");
        let rows = desk.get("/desk/rows").await;
        assert!(rows.body.contains(&reference) && !rows.body.contains("<html"));

        let case = format!("/desk/cases/{id}");
        let page = desk.get(&case).await;
        assert!(page.body.contains("CANARY-desk-text"), "the analyst reads the decrypted text");
        assert!(page.body.contains("Police of Finland"), "routed to the destination's authorities");
        assert!(page.body.contains("Suspected human trafficking — AY5 on 2026-11-28, JFK to HEL"));
        let viewed = desk
            .state
            .db
            .audit_for_org(org, 50)
            .await
            .unwrap()
            .entries
            .into_iter()
            .filter(|e| e.action == "report.viewed")
            .count();
        assert_eq!(viewed, 1, "every view is audited");

        // Acknowledge; a stale form (an old version) is refused with a conflict.
        let stale = crate::support::between(&page.body, "name=\"version\" value=\"", "\"");
        let r = act(&mut desk, &case, "transition", &[("to", "acknowledged")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = desk
            .post_form(
                &format!("{case}/transition"),
                &[("csrf", &csrf_of(&page.body)), ("version", &stale), ("to", "escalated")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone else changed this case meanwhile"));
        // Going back needs a reason.
        let r = act(&mut desk, &case, "transition", &[("to", "received")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Escalate to the Finnish police (a routed contact for HEL).
        let r = act(
            &mut desk,
            &case,
            "escalate",
            &[("contact", "police"), ("method", "phone"), ("reference", "HEL-PD-778")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = desk.get(&case).await;
        assert!(page.body.contains("Escalated") && page.body.contains("HEL-PD-778"));
        let r = act(&mut desk, &case, "transition", &[("to", "handed_over")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(crew.get("/reports").await.body.contains("Handed over"), "the reporter hears back");
        let r = act(&mut desk, &case, "transition", &[("to", "closed")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "closing needs an outcome");
        let r = act(&mut desk, &case, "transition", &[("to", "closed"), ("outcome", "met_on_arrival")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        act(&mut desk, &case, "note", &[("note", "Police met the aircraft at gate 32.")]).await;
        assert!(desk.get(&case).await.body.contains("Police met the aircraft at gate 32."));
        assert!(!desk.get("/desk").await.body.contains(&reference), "closed cases leave the queue");

        // The one-sign report cannot be escalated without the analyst's reason.
        let weak_case = format!("/desk/cases/{weak}");
        let r =
            act(&mut desk, &weak_case, "escalate", &[("contact", "first"), ("method", "phone"), ("reference", "x")])
                .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = act(
            &mut desk,
            &weak_case,
            "escalate",
            &[
                ("contact", "first"),
                ("method", "phone"),
                ("reference", "x"),
                ("gate_override", "captain reports a visible injury"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // Two reports of one event: the second is suggested on the first case and merged.
        let twin = uuid::Uuid::now_v7();
        let r = desk
            .api(
                "PUT",
                &format!("/api/v1/reports/{twin}"),
                Some(&crew_token),
                Some(&report(&["REL-NOT-GENUINE", "DOC-HELD-BY-OTHER"], "seen from 24C")),
            )
            .await;
        let twin_ref = r.json()["reference"].as_str().unwrap().to_owned();
        let page = desk.get(&case).await;
        assert!(page.body.contains("Possibly the same event") && page.body.contains(&twin_ref));
        desk.submit(&case, &format!("{case}/merge"), &[("other", &twin.to_string())]).await;
        assert!(desk.get(&case).await.body.contains("Merged into this case:"));
        assert!(!desk.get("/desk").await.body.contains(&twin_ref), "the merged report leaves the queue");

        // The yearly record: each notification and when the police were told.
        let csv = desk.get("/desk/compliance.csv?year=2027").await;
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(
            csv.body.lines().any(|l| l.contains(&reference) && l.contains(",yes,") && l.contains("Police of Finland")),
            "{}",
            csv.body
        );
        assert_eq!(csv.body.lines().count(), 4, "header and three notifications");

        // Another organisation's analyst sees nothing of it, and the attempt is audited.
        let mut other = desk.another_browser();
        other.sign_in_and_enrol("desk@other.example").await;
        assert_eq!(other.get(&case).await.status, StatusCode::NOT_FOUND);
        assert!(!other.get("/desk").await.body.contains(&reference));
        desk.state.db.verify_audit_chain().await.unwrap();
        desk.finish().await;
    }
}

#[tokio::test]
async fn escalate_now_follows_the_organisations_lead_time() {
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        let org = person(&desk, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        person(&desk, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        let other = person(&desk, "Other Air", "desk@other.example", &[Role::DeskAnalyst]).await;
        let crew_token = token(&desk, "crew@nw.example").await;
        let body = report(&["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"], "lead time");
        desk.put_report(&crew_token, uuid::Uuid::now_v7(), &body).await;
        desk.sign_in_and_enrol("desk@nw.example").await;
        let flag = "<span class=\"tag warn\">Escalate now</span>";

        // Landing is 2 h 10 min away (13:10 Helsinki time, the clock at 09:00 UTC).
        let queue = desk.get("/desk").await;
        assert!(queue.body.contains("shown 30 minutes before scheduled landing"), "the default is stated");
        assert!(!queue.body.contains(flag), "30 minutes ahead: not yet due");

        let lead = sightline_domain::triage::EscalationLead::from_minutes(150).unwrap();
        desk.state.db.set_escalation_lead(org, lead, None, desk.state.now()).await.unwrap();
        let queue = desk.get("/desk").await;
        assert!(queue.body.contains("shown 150 minutes before scheduled landing"));
        assert!(queue.body.contains(flag), "150 minutes ahead: due now");
        assert!(desk.get("/desk/rows").await.body.contains(flag), "the live rows agree");
        assert_eq!(
            desk.state.db.escalation_lead(other).await.unwrap().minutes(),
            30,
            "other organisations keep theirs"
        );
    }
}

#[tokio::test]
async fn an_organisation_admin_sets_the_lead_time_in_the_browser() {
    for db in engines().await {
        let mut admin = TestApp::with_content(db).await;
        let org = person(&admin, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin]).await;
        person(&admin, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        let other = person(&admin, "Other Air", "admin@other.example", &[Role::OrgAdmin]).await;
        let page = format!("/orgs/{org}/settings");

        let mut analyst = admin.another_browser();
        analyst.sign_in_and_enrol("desk@nw.example").await;
        assert_eq!(analyst.get(&page).await.status, StatusCode::FORBIDDEN, "desk analysts cannot change it");

        admin.sign_in_and_enrol("admin@nw.example").await;
        let form = admin.get(&page).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("name=\"minutes\"") && form.body.contains("value=\"30\""), "the default is shown");
        assert_eq!(admin.get(&format!("/orgs/{other}/settings")).await.status, StatusCode::NOT_FOUND);

        for bad in ["999", "ten", ""] {
            let r = admin.submit(&page, &page, &[("minutes", bad)]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
            assert!(r.body.contains("Enter a number from the allowed range."), "{bad:?}");
            assert!(r.body.contains(&format!("value=\"{bad}\"")), "the input is kept: {bad:?}");
            assert!(r.body.contains("aria-invalid=\"true\""));
        }
        assert_eq!(admin.state.db.escalation_lead(org).await.unwrap().minutes(), 30, "nothing was saved");

        let r = admin.submit(&page, &page, &[("minutes", " 150 ")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Saved.") && r.body.contains("value=\"150\""));
        assert_eq!(admin.state.db.escalation_lead(org).await.unwrap().minutes(), 150);
        assert_eq!(admin.state.db.escalation_lead(other).await.unwrap().minutes(), 30);
        let trail = admin.get(&format!("/orgs/{org}/audit")).await;
        assert!(trail.body.contains("org.escalation_lead_changed"), "audited");
        assert!(analyst.get("/desk").await.body.contains("shown 150 minutes before scheduled landing"));
    }
}

/// Issue 9: a value starting with `=`, `+`, `-` or `@` reached the compliance CSV as
/// is, so a spreadsheet would run it as a formula. Cells are now made safe.
#[tokio::test]
async fn the_compliance_csv_never_carries_a_formula() {
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        let org = person(&desk, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        person(&desk, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        let analyst = desk.user("desk@nw.example").await;
        // A directory entry whose name a hostile or careless edit made a formula.
        let evil = "=HYPERLINK(\"http://evil.example\",\"Police\")";
        let entry = sightline_domain::directory::DirectoryEntry {
            country: "FI".into(),
            airport: Some("HEL".into()),
            organisation: evil.into(),
            kind: "police".parse().unwrap(),
            phone: Some(sightline_domain::directory::E164::parse("+358 295 419 800").unwrap()),
            local_number: None,
            dialable_from_abroad: true,
            email: None,
            hours: sightline_domain::directory::Hours::NotStated,
            notes: String::new(),
            languages: vec!["en".into()],
            languages_over: None,
            source: "https://poliisi.fi/en/contact-information".into(),
            last_verified: "2026-11-01".into(),
            public: false,
        };
        let entry_id = desk.state.db.create_directory_entry(&entry, (org, analyst.id), desk.state.now()).await.unwrap();
        let crew_token = token(&desk, "crew@nw.example").await;
        let (id, _) =
            file(&mut desk, &crew_token, &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"], "-1+1").await;
        desk.sign_in_and_enrol("desk@nw.example").await;
        let case = format!("/desk/cases/{id}");
        let r = act(
            &mut desk,
            &case,
            "escalate",
            &[("contact", &entry_id.to_string()), ("method", "phone"), ("reference", "@SUM(1)")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let csv = desk.get("/desk/compliance.csv?year=2027").await;
        let mut rows = csv::Reader::from_reader(csv.body.as_bytes());
        let cells: Vec<String> =
            rows.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
        assert!(cells.iter().any(|c| c == &format!("'{evil}")), "{}", csv.body);
        for c in &cells {
            assert!(!c.starts_with(['=', '+', '-', '@']), "formula cell {c:?} in {}", csv.body);
        }
        desk.finish().await;
    }
}

/// `GET /api/v1/cases`: the desk's open cases for an airline security system —
/// desk analysts with two-factor only, their own organisation only, filtered by status.
#[tokio::test]
async fn the_api_lists_a_desks_open_cases_for_analysts_with_two_factor() {
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        person(&desk, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        person(&desk, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        person(&desk, "Other Air", "desk@other.example", &[Role::DeskAnalyst]).await;
        let crew_token = token(&desk, "crew@nw.example").await;
        let (urgent, urgent_ref) =
            file(&mut desk, &crew_token, &["DOC-HELD-BY-OTHER", "MOV-ANSWERED-FOR", "TRV-NO-CLEAR-PLAN"], "a").await;
        let (_, weak_ref) = file(&mut desk, &crew_token, &["BEH-FEARFUL"], "b").await;

        // Before enrolling two-factor, an analyst's token is refused.
        let analyst_token = token(&desk, "desk@nw.example").await;
        let r = desk.api("GET", "/api/v1/cases", Some(&analyst_token), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "two-factor-required");
        // A reporter is not a desk analyst.
        let r = desk.api("GET", "/api/v1/cases", Some(&crew_token), None).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));

        desk.sign_in_and_enrol("desk@nw.example").await;
        let r = desk.api("GET", "/api/v1/cases?status=open", Some(&analyst_token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let cases = r.json();
        let refs: Vec<_> = cases.as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
        assert_eq!(refs.len(), 2);
        assert!(refs.contains(&urgent_ref.as_str()) && refs.contains(&weak_ref.as_str()));
        let first = &cases[0];
        assert_eq!(first["status"], "received");
        assert_eq!(first["flight"], "AY5");
        assert!(first.get("free_text").is_none() && !r.body.contains("grey hoodie"), "no sealed text in the list");

        // Closing one: it leaves `open`, and `status=closed` finds it.
        let case = format!("/desk/cases/{urgent}");
        let done = act(&mut desk, &case, "transition", &[("to", "closed"), ("outcome", "no_action_innocent")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let open = desk.api("GET", "/api/v1/cases", Some(&analyst_token), None).await.json();
        assert_eq!(open.as_array().unwrap().len(), 1);
        assert_eq!(open[0]["reference"], weak_ref.as_str());
        let closed = desk.api("GET", "/api/v1/cases?status=closed", Some(&analyst_token), None).await.json();
        assert_eq!(closed.as_array().unwrap().len(), 1);
        assert_eq!(closed[0]["reference"], urgent_ref.as_str());
        let limited = desk.api("GET", "/api/v1/cases?status=closed&limit=1", Some(&analyst_token), None).await;
        assert_eq!(limited.status, StatusCode::OK);

        // Bad input is a 422 naming the field.
        for (query, field) in [("status=lost", "status"), ("limit=0", "limit"), ("limit=501", "limit")] {
            let r = desk.api("GET", &format!("/api/v1/cases?{query}"), Some(&analyst_token), None).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{query}");
        }

        // Another airline's analyst sees none of these.
        let mut other = desk.another_browser();
        other.sign_in_and_enrol("desk@other.example").await;
        let other_token = token(&desk, "desk@other.example").await;
        let theirs = other.api("GET", "/api/v1/cases", Some(&other_token), None).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert_eq!(theirs.json(), serde_json::json!([]));
        desk.finish().await;
    }
}

/// Item 5 of issue 11, done when: a case arriving in a seeded country shows a 24/7
/// number in E.164 with its source (first when urgent); a report made before
/// departure is routed to the origin; the screen says plainly what was not verified.
#[tokio::test]
async fn the_case_view_routes_by_phase_and_urgency_and_says_what_is_missing() {
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        person(&desk, "Nordic Wings", "crew@nw.example", &[Role::Reporter]).await;
        person(&desk, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst]).await;
        let crew_token = token(&desk, "crew@nw.example").await;
        let mut file_as = async |origin: &str, destination: &str, phase: &str, danger: bool| {
            let mut body: serde_json::Value = serde_json::from_str(&report(&["DOC-HELD-BY-OTHER"], "route")).unwrap();
            body["origin"] = origin.into();
            body["destination"] = destination.into();
            body["phase"] = phase.into();
            body["immediate_danger"] = danger.into();
            let id = uuid::Uuid::now_v7();
            desk.put_report(&crew_token, id, &body.to_string()).await;
            id
        };
        let to_istanbul = file_as("HEL", "IST", "in_flight", true).await;
        let to_london = file_as("HEL", "LHR", "in_flight", false).await;
        let at_check_in = file_as("JFK", "HEL", "check_in", true).await;
        let to_sao_paulo = file_as("HEL", "GRU", "in_flight", true).await;
        desk.sign_in_and_enrol("desk@nw.example").await;

        let escalation = |body: &str| crate::support::between(body, "id=\"esc-h\"", "</section>");
        let first_contact = |body: &str| crate::support::between(body, "name=\"contact\" value=\"", "</label>");

        let ist = escalation(&desk.get(&format!("/desk/cases/{to_istanbul}")).await.body);
        assert!(ist.contains("Routed for the destination") && ist.contains("Immediate danger"), "{ist}");
        let first = first_contact(&ist);
        assert!(first.contains("href=\"tel:+903121571112\"") && first.contains("24/7"), "{first}");
        assert!(first.contains("https://migrationnetwork.un.org/practice/foreigners-communication-center-yimer-157"));
        assert!(ist.contains("No airport police or border police duty number for IST could be verified"), "{ist}");
        assert!(!ist.contains("id=\"no-international-line\""), "Türkiye has a 24/7 number in E.164");

        let lhr = escalation(&desk.get(&format!("/desk/cases/{to_london}")).await.body);
        assert!(lhr.contains("tel:+448000121700") && lhr.contains("modernslaveryhelpline.org"), "{lhr}");
        assert!(!lhr.contains("Immediate danger"));

        let jfk = escalation(&desk.get(&format!("/desk/cases/{at_check_in}")).await.body);
        assert!(jfk.contains("Routed for the origin"), "{jfk}");
        assert!(first_contact(&jfk).contains("tel:+18663472423"), "check-in at JFK: the US line first: {jfk}");
        assert!(!jfk.contains("migri.fi"), "not the destination's contacts");

        let gru = escalation(&desk.get(&format!("/desk/cases/{to_sao_paulo}")).await.body);
        assert!(gru.contains("id=\"no-international-line\""), "{gru}");
        assert!(first_contact(&gru).contains("100") && gru.contains("24/7"), "Disque 100 first: {gru}");
        desk.finish().await;
    }
}
