//! Referrals over the API, on both engines: the desk refers a case to an NGO in
//! Sightline and to a directory entry outside it, with each consent choice; what is
//! shared is checked field by field and validated against the committed HTCDS JSON
//! Schema; the partner acknowledges, accepts and records support, which hands the
//! case over; a third organisation is refused and audited.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::Role;

use crate::support::{TestApp, engines, make_person, token_for};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/htcds/referral.schema.json");

/// Validate `record` against the committed HTCDS schema.
fn validate(record: &Value) {
    crate::support::validate_json(SCHEMA, record, "the HTCDS record");
}

pub(crate) async fn partner(app: &TestApp, name: &str, email: &str) -> sightline_domain::ids::OrgId {
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    let db = &app.state.db;
    let org = db
        .create_org(&OrgName::parse(name).unwrap(), OrgKind::Ngo, NewAuditEntry::new(AuditAction::OrgCreated), now)
        .await
        .unwrap();
    make_person(db, name, email, &[Role::Caseworker], None).await;
    org
}

pub(crate) async fn enrol(app: &TestApp, email: &str) {
    let u = app.user(email).await;
    app.state.db.enable_totp(&u, "JBSWY3DPEHPK3PXP", 0, &[], None, app.state.now()).await.unwrap();
}

#[tokio::test]
async fn a_referral_shares_what_consent_and_profile_allow_and_the_partner_hands_the_case_over() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let ngo = partner(&app, "Demo NGO", "cw@ngo.example").await;
        partner(&app, "Other NGO", "cw@other.example").await;
        for e in ["desk@nw.example", "cw@ngo.example", "cw@other.example"] {
            enrol(&app, e).await;
        }
        let crew = token_for(&app.state.db, "crew@nw.example").await;
        let desk = token_for(&app.state.db, "desk@nw.example").await;
        let cw = token_for(&app.state.db, "cw@ngo.example").await;
        let other = token_for(&app.state.db, "cw@other.example").await;

        // The reference client's example report, without its id (the path carries it).
        let mut report: Value = serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
        report.as_object_mut().unwrap().remove("id");
        let case = uuid::Uuid::now_v7();
        app.put_report(&crew, case, &report.to_string()).await;
        let refer = format!("/api/v1/cases/{case}/referrals");
        let to_ngo = format!("org:{ngo}");

        // Every field at fault at once; consent as a basis needs consent; an NGO never
        // gets the law-enforcement profile; an airline is not a partner.
        let r = app.api("POST", &refer, Some(&desk), Some(&json!({"recipient": to_ngo}).to_string())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let fields: Vec<String> = r.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["consent", "lawful_basis", "reason", "profile"]);
        let bad = json!({"recipient": to_ngo, "consent": "refused", "lawful_basis": "consent",
            "reason": "additional_services_required", "profile": "law_enforcement"});
        let r = app.api("POST", &refer, Some(&desk), Some(&bad.to_string())).await;
        let codes: Vec<String> = r.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(codes, ["consent-not-given", "not-for-recipient"]);
        let own = app.user("desk@nw.example").await.org_id;
        let airline = json!({"recipient": format!("org:{own}"), "consent": "given", "lawful_basis": "consent",
            "reason": "other", "profile": "ngo"});
        let r = app.api("POST", &refer, Some(&desk), Some(&airline.to_string())).await;
        assert_eq!(r.json()["error"]["field"], "recipient");
        assert!(app.state.db.case_referrals(own, case).await.unwrap().is_empty(), "nothing half-written");

        // Consent refused: nothing that identifies anyone reaches the NGO.
        let refused = json!({"recipient": to_ngo, "consent": "refused", "lawful_basis": "vital_interests",
            "reason": "additional_services_required", "profile": "ngo"});
        let r = app.api("POST", &refer, Some(&desk), Some(&refused.to_string())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let refused_id = r.json()["id"].as_str().unwrap().to_owned();
        let r = app.api("GET", &format!("/api/v1/referrals/{refused_id}"), Some(&cw), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let record = r.json()["record"].clone();
        validate(&record);
        let text = record.to_string();
        assert!(record["transit_event"]["hte_Date"].is_null(), "the month only: {text}");
        for secret in ["23A", "AY5", "grey hoodie", "passports", "cabin_crew", "teen"] {
            assert!(!text.contains(secret), "a refused referral shares {secret}: {text}");
        }
        assert_eq!(record["x_sightline"]["transit_month"], "2026-11");
        assert_eq!(record["persons"][0]["vic_AgreementToManagePersonalData"], false);
        assert_eq!(record["persons"][0]["vic_MethodsOfControl"], json!(["WithholdsDocuments"]));

        // Consent given: what an NGO needs, never seats, clothing or the reporter's job.
        let given = json!({"recipient": to_ngo, "consent": "given", "lawful_basis": "consent",
            "reason": "additional_services_required", "details": "Meet at arrivals", "profile": "ngo"});
        let r = app.api("POST", &refer, Some(&desk), Some(&given.to_string())).await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let r = app.api("GET", &format!("/api/v1/referrals/{id}"), Some(&cw), None).await;
        let got = r.json();
        assert_eq!(got["side"], "partner");
        let record = &got["record"];
        validate(record);
        assert_eq!(record["x_sightline"]["flight"], "AY5");
        assert_eq!(record["persons"][0]["x_EstimatedAgeRange"], "teen");
        assert_eq!(record["persons"][0]["prs_Gender"], "Unknown");
        assert_eq!(record["persons"][0]["prs_Nationality"], Value::Null);
        assert_eq!(record["cas_OutgoingReferralDetails"], "Meet at arrivals");
        assert_eq!(record["transit_event"]["hte_Country"], "US");
        let text = record.to_string();
        assert!(!text.contains("23A") && !text.contains("grey hoodie") && !text.contains("cabin_crew"), "{text}");

        // A law-enforcement line outside Sightline, urgent and not asked: seats and clothing.
        let hsi =
            app.state.db.directory().await.unwrap().into_iter().find(|s| s.entry.organisation.contains("HSI")).unwrap();
        let urgent = json!({"recipient": format!("entry:{}", hsi.id), "consent": "not_asked_urgent",
            "lawful_basis": "vital_interests", "reason": "other", "profile": "law_enforcement"});
        let r = app.api("POST", &refer, Some(&desk), Some(&urgent.to_string())).await;
        let le = r.json()["id"].as_str().unwrap().to_owned();
        let r = app.api("GET", &format!("/api/v1/referrals/{le}"), Some(&desk), None).await;
        let record = &r.json()["record"];
        validate(record);
        assert_eq!(record["x_sightline"]["seats"], "23A 23B");
        assert_eq!(record["persons"][0]["x_Clothing"], "grey hoodie");
        assert_eq!(record["organisation"]["org_Type"], "LawEnforcement");
        let csv = app.api("GET", &format!("/api/v1/referrals/{le}/htcds.csv"), Some(&desk), None).await;
        assert!(csv.body.starts_with("cas_Status,cas_ReferringOrganisation,"), "{}", csv.body);
        assert_eq!(csv.body.lines().count(), 2, "one row per potential victim");

        // The partner's inbox holds its two referrals, not the one outside Sightline.
        let inbox = app.api("GET", "/api/v1/referrals", Some(&cw), None).await.json();
        assert_eq!(inbox.as_array().unwrap().len(), 2);
        // Another NGO's caseworker cannot see it: 404, and the attempt is audited.
        let r = app.api("GET", &format!("/api/v1/referrals/{id}"), Some(&other), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let other_org = app.user("cw@other.example").await.org_id;
        let audit = app.state.db.audit_for_org(other_org, 20).await.unwrap().entries;
        assert!(audit.iter().any(|e| e.action == "access.cross_org_denied"), "audited");
        // The desk cannot take the partner's steps.
        let ack = format!("/api/v1/referrals/{id}/acknowledge");
        let r = app.api("POST", &ack, Some(&desk), Some(r#"{"version": 1}"#)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

        // Acknowledge, accept, record shelter; versions guard each step.
        let r = app.api("POST", &ack, Some(&cw), Some(r#"{"version": 1}"#)).await;
        assert_eq!((r.status, r.json()["status"].as_str()), (StatusCode::OK, Some("acknowledged")));
        let r = app.api("POST", &ack, Some(&cw), Some(r#"{"version": 1}"#)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "already acknowledged: {}", r.body);
        let outcome = format!("/api/v1/referrals/{id}/outcome");
        let r = app
            .api("POST", &outcome, Some(&cw), Some(r#"{"version": 2, "decision": "support", "support": ["shelter"]}"#))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "support before accepting: {}", r.body);
        let r = app.api("POST", &outcome, Some(&cw), Some(r#"{"version": 1, "decision": "accept"}"#)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = app.api("POST", &outcome, Some(&cw), Some(r#"{"version": 2, "decision": "accept"}"#)).await;
        assert_eq!(r.json()["status"], "accepted");
        let r = app
            .api("POST", &outcome, Some(&cw), Some(r#"{"version": 3, "decision": "support", "support": ["shelter"]}"#))
            .await;
        assert_eq!(r.json()["support"], json!(["shelter"]), "{}", r.body);

        // Messages both ways, sealed at rest; both sides read them.
        let msgs = format!("/api/v1/referrals/{id}/messages");
        assert_eq!(
            app.api("POST", &msgs, Some(&cw), Some(r#"{"message": "Shelter place found"}"#)).await.status,
            StatusCode::CREATED
        );
        assert_eq!(
            app.api("POST", &msgs, Some(&desk), Some(r#"{"message": "Thank you"}"#)).await.status,
            StatusCode::CREATED
        );
        let r = app.api("GET", &format!("/api/v1/referrals/{id}"), Some(&desk), None).await.json();
        assert_eq!(r["side"], "desk");
        let texts: Vec<&str> = r["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
        assert_eq!(texts, ["Shelter place found", "Thank you"]);

        // The case was handed over; the reporter sees it.
        let c = app.state.db.case(own, case).await.unwrap();
        assert_eq!(c.status.as_str(), "handed_over");
        let crew_user = app.user("crew@nw.example").await;
        assert_eq!(app.state.db.reports_of(own, crew_user.id, 5).await.unwrap()[0].status.as_str(), "handed_over");
        app.finish().await;
    }
}

/// The referral id a page links to (`/referrals/{id}`).
fn referral_link(html: &str) -> String {
    crate::support::between(html, "href=\"/referrals/", "\"")
}

#[tokio::test]
async fn the_desk_refers_in_pages_and_the_partner_works_it_through_to_the_reporter() {
    use crate::support::{PASSWORD, between, csrf_of};
    for db in engines().await {
        let mut desk = TestApp::with_content(db).await;
        make_person(&desk.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let own = make_person(&desk.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let ngo = partner(&desk, "Demo NGO", "cw@ngo.example").await;
        partner(&desk, "Other NGO", "cw@other.example").await;
        let crew_token = token_for(&desk.state.db, "crew@nw.example").await;
        let mut report: Value = serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
        report.as_object_mut().unwrap().remove("id");
        let case = uuid::Uuid::now_v7();
        let r = desk.put_report(&crew_token, case, &report.to_string()).await;
        let reference = r.json()["reference"].as_str().unwrap().to_owned();

        desk.sign_in_and_enrol("desk@nw.example").await;
        let page = format!("/desk/cases/{case}");
        let p = desk.get(&page).await;
        assert!(p.body.contains("Refer to a partner"));
        let to_ngo = format!("org:{ngo}");
        assert!(p.body.contains(&format!("value=\"{to_ngo}\"")), "the NGO is offered");
        assert!(!p.body.contains(&format!("value=\"org:{own}\"")), "never the desk's own organisation");

        // Missing choices: each message at its field, the entry kept, nothing stored.
        let r = desk
            .submit(&page, &format!("{page}/refer"), &[("recipient", &to_ngo), ("details", "Meet at gate 31 KEEP-ME")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("KEEP-ME"), "the details typed come back");
        assert!(r.body.contains(&format!("value=\"{to_ngo}\" selected")), "the partner chosen stays chosen");
        assert!(r.body.contains("href=\"#referral_reason\""), "the reason's message leads to the referral's field");
        assert!(desk.state.db.case_referrals(own, case).await.unwrap().is_empty());
        // An NGO never receives the law-enforcement profile.
        let fields = [
            ("recipient", to_ngo.as_str()),
            ("consent", "given"),
            ("lawful_basis", "consent"),
            ("referral_reason", "additional_services_required"),
            ("profile", "law_enforcement"),
        ];
        let r = desk.submit(&page, &format!("{page}/refer"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("a support organisation receives its own profile only"));
        let mut good = fields.to_vec();
        good[4] = ("profile", "ngo");
        good.push(("details", "Meet at gate 31"));
        let r = desk.submit(&page, &format!("{page}/refer"), &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let p = desk.get(&page).await;
        assert!(p.body.contains("id=\"case-referrals\"") && p.body.contains("Demo NGO"));
        let id = referral_link(&p.body);

        // The partner's caseworker (two-factor first) finds it in the inbox.
        let mut cw = desk.another_browser();
        cw.sign_in_and_enrol("cw@ngo.example").await;
        assert!(cw.get("/home").await.body.contains("href=\"/referrals\""));
        let inbox = cw.get("/referrals").await;
        assert!(inbox.body.contains(&reference), "{}", inbox.body);
        let view = format!("/referrals/{id}");
        let p = cw.get(&view).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("cas_OutgoingReferralDetails") && p.body.contains("Meet at gate 31"));
        assert!(!p.body.contains("23A"), "an NGO sees no seats");
        // Another NGO's caseworker, and the reporter, are refused.
        let mut other = desk.another_browser();
        other.sign_in_and_enrol("cw@other.example").await;
        assert_eq!(other.get(&view).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&format!("{view}/htcds.json")).await.status, StatusCode::NOT_FOUND);
        let mut crew = desk.another_browser();
        crew.sign_in("crew@nw.example", PASSWORD).await;
        assert_eq!(crew.get("/referrals").await.status, StatusCode::FORBIDDEN);

        // Steps: a decline needs its reason (kept form); support needs acceptance first.
        let step = format!("{view}/step");
        let version = |html: &str| between(html, "name=\"version\" value=\"", "\"");
        let v = version(&p.body);
        let r = cw.post_form(&step, &[("csrf", &csrf_of(&p.body)), ("version", &v), ("decision", "decline")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#reason\""));
        let support = [("csrf", csrf_of(&p.body)), ("version", v.clone()), ("decision", "support".into())];
        let support: Vec<(&str, &str)> = support.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = cw.post_form(&step, &[support.as_slice(), &[("support", "shelter")]].concat()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "support before acceptance is refused");
        let r = cw.submit(&view, &step, &[("version", &v), ("decision", "acknowledge")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // The old version is now stale: 409.
        let r = cw.submit(&view, &step, &[("version", &v), ("decision", "accept")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let p = cw.get(&view).await;
        let r = cw.submit(&view, &step, &[("version", &version(&p.body)), ("decision", "accept")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let p = cw.get(&view).await;
        let r = cw
            .submit(&view, &step, &[("version", &version(&p.body)), ("decision", "support"), ("support", "shelter")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = cw.submit(&view, &format!("{view}/messages"), &[("message", "She is safe with us.")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = cw.submit(&view, &format!("{view}/messages"), &[("message", "  ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Back at the desk: accepted with shelter, the message, the case handed over.
        let p = desk.get(&view).await;
        assert!(p.body.contains("Accepted") && p.body.contains("Shelter") && p.body.contains("She is safe with us."));
        assert!(!p.body.contains("name=\"decision\""), "the desk takes no partner steps");
        let p = desk.get(&page).await;
        assert!(p.body.contains("Handed over"), "{}", between(&p.body, "<h1>", "</h1>"));
        // The reporter hears only that it was handed over.
        let mine = crew.get("/reports").await;
        assert!(mine.body.contains("Handed over") && !mine.body.contains("Demo NGO"));

        // The HTCDS downloads: JSON that validates, CSV in HTCDS columns.
        let r = desk.get(&format!("{view}/htcds.json")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
        let record: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(record["cas_ReferredOrganisation"], "Demo NGO");
        validate(&record);
        let r = cw.get(&format!("{view}/htcds.csv")).await;
        assert!(r.body.starts_with("cas_Status,"), "{}", r.body);
        desk.finish().await;
    }
}

#[tokio::test]
async fn a_referral_nobody_acknowledges_in_time_is_flagged_to_the_desk_once() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        let own = make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let ngo = partner(&app, "Demo NGO", "cw@ngo.example").await;
        app.sign_in_and_enrol("desk@nw.example").await;
        let crew = token_for(&app.state.db, "crew@nw.example").await;
        let desk = token_for(&app.state.db, "desk@nw.example").await;
        let mut report: Value = serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
        report.as_object_mut().unwrap().remove("id");
        let case = uuid::Uuid::now_v7();
        app.api("PUT", &format!("/api/v1/reports/{case}"), Some(&crew), Some(&report.to_string())).await;
        let body = json!({"recipient": format!("org:{ngo}"), "consent": "given", "lawful_basis": "consent",
            "reason": "additional_services_required", "profile": "ngo"});
        let r = app.api("POST", &format!("/api/v1/cases/{case}/referrals"), Some(&desk), Some(&body.to_string())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let jobs = app.state.jobs();
        let within = sightline_domain::referral::ACKNOWLEDGE_WITHIN;

        // Not yet due; then due once, however often the job runs.
        app.state.clock.advance(within - time::Duration::minutes(1));
        assert_eq!(sightline_jobs::referrals::run_once(&jobs).await.unwrap(), 0);
        app.state.clock.advance(time::Duration::minutes(2));
        assert_eq!(sightline_jobs::referrals::run_once(&jobs).await.unwrap(), 1);
        assert_eq!(sightline_jobs::referrals::run_once(&jobs).await.unwrap(), 0, "once");
        let audit = app.state.db.audit_for_org(own, 50).await.unwrap().entries;
        assert_eq!(audit.iter().filter(|e| e.action == "referral.overdue").count(), 1);

        // The desk's queue and the case say so.
        let queue = app.get("/desk").await;
        assert!(queue.body.contains("id=\"waiting-referrals\""), "{}", queue.body);
        assert!(queue.body.contains("within 4 hours"));
        let p = app.get(&format!("/desk/cases/{case}")).await;
        assert!(p.body.contains("Not acknowledged in time"));
        assert!(p.body.contains("Demo NGO has not acknowledged the referral within 4 hours"));
        app.finish().await;
    }
}
