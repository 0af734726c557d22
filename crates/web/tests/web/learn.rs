//! Learn: courses, the scenario check (including tampering), certificates,
//! verification, revocation, expiry, and the public course without an account.

use axum::http::StatusCode;
use sightline_domain::learn::Audience;
use sightline_domain::user::{Email, Role};
use time::Duration;

use crate::support::{PASSWORD, TestApp, between, check_questions, csrf_of, engines};

/// A signed-in cabin-crew learner of a fresh airline; returns the app and the org id.
pub(crate) async fn crew_member(db: sightline_storage::testing::TestDb) -> (TestApp, sightline_domain::ids::OrgId) {
    let mut app = TestApp::with_content(db).await;
    let now = app.state.now();
    let org = app
        .state
        .db
        .create_org(
            &sightline_domain::org::OrgName::parse("Nordic Wings").unwrap(),
            sightline_domain::org::OrgKind::Airline,
            sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::OrgCreated),
            now,
        )
        .await
        .unwrap();
    let hash = sightline_web::hash_password(PASSWORD).unwrap();
    app.state
        .db
        .create_user(
            org,
            &sightline_storage::NewUser {
                name: sightline_domain::user::PersonName::parse("Aino Crew").unwrap(),
                email: Email::parse("aino@nw.example").unwrap(),
                roles: sightline_domain::user::Roles::of([Role::Learner, Role::Reporter]),
                base: None,
                employee_id: None,
                password_hash: Some(hash),
                position: Some(Audience::CabinCrew),
            },
            sightline_domain::audit::NewAuditEntry::new(sightline_domain::audit::AuditAction::UserCreated),
            now,
        )
        .await
        .unwrap();
    let r = app.sign_in("aino@nw.example", PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/home"));
    (app, org)
}

/// Start a check; returns the check page's path and HTML.
pub(crate) async fn start(app: &mut TestApp, course: &str, lang: &str) -> (String, String) {
    let r = app.submit(&format!("/learn/{course}"), &format!("/learn/{course}/check"), &[("cl", lang)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    (path, page.body)
}

/// Answers for a check page: right ones, except the first `wrong`.
pub(crate) fn answers(app: &TestApp, course: &str, lang: &str, html: &str, wrong: usize) -> Vec<(String, String)> {
    let course = app.state.library.course(course).unwrap();
    check_questions(html)
        .into_iter()
        .enumerate()
        .map(|(i, (id, options))| {
            let q = course.question(lang, &id).unwrap().item;
            let right_text = &q.options[q.correct_index().unwrap()].text;
            let (right, other): (Vec<_>, Vec<_>) = options.iter().partition(|(_, t)| t == right_text);
            assert!(!right.is_empty(), "no shown option of {id} is {right_text:?}: {options:?}");
            let pos = if i < wrong { other[0].0.clone() } else { right[0].0.clone() };
            (format!("q_{id}"), pos)
        })
        .collect()
}

pub(crate) async fn submit(
    app: &mut TestApp,
    path: &str,
    html: &str,
    fields: &[(String, String)],
) -> crate::support::Resp {
    let csrf = csrf_of(html);
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.post_form(path, &all).await
}

#[tokio::test]
async fn staff_courses_need_an_account_and_list_the_learners_course_first() {
    for db in engines().await {
        let mut anon = TestApp::with_content(db).await;
        assert_eq!(anon.get("/learn/cabin-crew").await.location.as_deref(), Some("/login"));
        let list = anon.get("/learn").await;
        assert!(list.body.contains("/learn/public"));
        assert!(!list.body.contains("/learn/cabin-crew"), "anonymous visitors see only the public course");
        anon.finish().await;
    }
    for db in engines().await {
        let (mut app, _) = crew_member(db).await;
        let list = app.get("/learn").await;
        let yours = list.body.find("/learn/cabin-crew").unwrap();
        let others = list.body.find("/learn/flight-deck").unwrap();
        assert!(yours < others, "the cabin-crew course comes first for cabin crew");
        app.finish().await;
    }
}

#[tokio::test]
async fn lessons_render_in_finnish_and_progress_is_saved() {
    for db in engines().await {
        let (mut app, _) = crew_member(db).await;
        app.submit("/home", "/lang", &[("lang", "fi"), ("back", "/home")]).await;
        let course = app.get("/learn/cabin-crew").await;
        assert!(course.body.contains("<html lang=\"fi\">"));
        let first = between(&course.body, "/learn/cabin-crew/lessons/", "?cl=fi");
        let lesson = app.get(&format!("/learn/cabin-crew/lessons/{first}?cl=fi")).await;
        assert_eq!(lesson.status, StatusCode::OK);
        assert!(lesson.body.contains("<h2>Lähteet</h2>"), "sources section rendered");
        assert!(lesson.body.contains("<article class=\"lesson\" lang=\"fi\">"));
        let r = app
            .submit(
                &format!("/learn/cabin-crew/lessons/{first}?cl=fi"),
                &format!("/learn/cabin-crew/lessons/{first}/done"),
                &[("cl", "fi")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.unwrap().starts_with("/learn/cabin-crew/lessons/02-"));
        let list = app.get("/learn").await;
        assert!(list.body.contains("Luettu: 1/5"), "{}", list.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_check_fails_then_passes_and_issues_a_verifiable_certificate() {
    for db in engines().await {
        let (mut app, org) = crew_member(db).await;
        app.submit("/home", "/lang", &[("lang", "fi"), ("back", "/home")]).await;
        let (path, html) = start(&mut app, "cabin-crew", "fi").await;
        let shown = check_questions(&html);
        assert_eq!(shown.len(), 10, "ten questions drawn");
        assert!(shown.iter().all(|(_, o)| (3..=4).contains(&o.len())));

        // Leaving questions out re-shows the form with the answers kept.
        let mut partial = answers(&app, "cabin-crew", "fi", &html, 0);
        let kept = partial[0].clone();
        partial.truncate(7);
        let r = submit(&mut app, &path, &html, &partial).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("vastaamatta: 3"), "{}", r.body);
        assert!(r.body.contains(&format!("name=\"{}\" value=\"{}\" checked", kept.0, kept.1)));

        // A tampered submission (a question not in the draw) changes nothing.
        let mut tampered = answers(&app, "cabin-crew", "fi", &html, 0);
        let outside = app
            .state
            .library
            .course("cabin-crew")
            .unwrap()
            .question_ids()
            .into_iter()
            .find(|id| !shown.iter().any(|(s, _)| s == id))
            .unwrap();
        tampered.push((format!("q_{outside}"), "0".into()));
        assert_eq!(submit(&mut app, &path, &html, &tampered).await.status, StatusCode::BAD_REQUEST);
        let bad_option = vec![(partial[0].0.clone(), "9".to_owned())];
        assert_eq!(submit(&mut app, &path, &html, &bad_option).await.status, StatusCode::BAD_REQUEST);
        assert!(app.get(&path).await.body.contains("id=\"check-form\""), "still open");

        // Three wrong: 70 % fails.
        let r = {
            let a = answers(&app, "cabin-crew", "fi", &html, 3);
            submit(&mut app, &path, &html, &a).await
        };
        assert_eq!(r.location.as_deref(), Some(path.as_str()));
        let result = app.get(&path).await;
        assert!(result.body.contains("Ei vielä hyväksytty"), "{}", result.body);
        assert!(result.body.contains("Oikein 7/10 (70 %)"));
        assert!(!result.body.contains("certificate-link"));
        // Submitting a finished attempt again is refused.
        let again = {
            let a = answers(&app, "cabin-crew", "fi", &html, 0);
            submit(&mut app, &path, &html, &a).await
        };
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(app.get(&path).await.body.contains("Oikein 7/10"), "unchanged");

        // A retry draws afresh and passes with 8/10.
        let (path2, html2) = start(&mut app, "cabin-crew", "fi").await;
        assert_ne!(path, path2);
        {
            let a = answers(&app, "cabin-crew", "fi", &html2, 2);
            submit(&mut app, &path2, &html2, &a).await
        };
        let result = app.get(&path2).await;
        assert!(result.body.contains("Hyväksytty"));
        let code = between(&result.body, "href=\"/certificates/", ".pdf\"");
        assert!(code.starts_with("SL-"));
        let pdf = app.get(&format!("/certificates/{code}.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.body.starts_with("%PDF-"));
        assert!(pdf.body.contains(&format!("http://sightline.test/verify/{code}")));

        // Anyone can verify it; it shows name, course and dates only.
        let mut stranger = app.another_browser();
        let v = stranger.get(&format!("/verify/{code}")).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(v.body.contains("verify-status"));
        assert!(v.body.contains("Valid: this certificate is genuine and in force."), "{}", &v.body[..300]);
        assert!(v.body.contains("Aino Crew"));
        assert!(!v.body.contains("aino@nw.example"));
        assert_eq!(stranger.get(&format!("/certificates/{code}.pdf")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.get("/verify/SL-NOPE-NOPE-NOPE").await.status, StatusCode::NOT_FOUND);

        // Twelve months later it has expired.
        app.state.clock.advance(Duration::days(366));
        assert!(stranger.get(&format!("/verify/{code}")).await.body.contains("Expired"));
        app.state.clock.advance(Duration::days(-366));

        // The organisation's admin sees it in the training view and revokes it.
        let mut admin = app.another_browser();
        admin.set_up_platform_admin().await;
        let training = admin.get(&format!("/orgs/{org}/training")).await;
        assert_eq!(training.status, StatusCode::OK);
        assert!(training.body.contains(&code));
        // ... and downloads the course as a SCORM 1.2 package for the airline's LMS;
        // a language the course lacks is exported in English, the pieces named.
        assert!(training.body.contains(&format!("/orgs/{org}/scorm/cabin-crew.zip?lang=fi")));
        let zip = admin.get(&format!("/orgs/{org}/scorm/cabin-crew.zip?lang=fi")).await;
        assert_eq!(zip.status, StatusCode::OK);
        assert_eq!(zip.headers["content-type"], "application/zip");
        assert!(zip.headers["content-disposition"].to_str().unwrap().contains("sightline-cabin-crew-fi-scorm12.zip"));
        assert!(zip.bytes.starts_with(b"PK\x03\x04"));
        assert!(zip.headers.get("x-sightline-missing-translations").is_none());
        let sv = admin.get(&format!("/orgs/{org}/scorm/cabin-crew.zip?lang=sv")).await;
        assert_eq!(sv.status, StatusCode::OK);
        let missing = sv.headers["x-sightline-missing-translations"].to_str().unwrap();
        assert!(missing.contains("title") && missing.contains("lesson 01-what-trafficking-is"), "{missing}");
        assert!(admin.get(&format!("/orgs/{org}/scorm/cabin-crew.zip?lang=de")).await.status.is_client_error());
        assert_eq!(admin.get(&format!("/orgs/{org}/scorm/no-such-course.zip")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(admin.get(&format!("/orgs/{org}/scorm/cabin-crew")).await.status, StatusCode::NOT_FOUND);
        let r = admin
            .submit(
                &format!("/orgs/{org}/training"),
                &format!("/orgs/{org}/certificates/{code}/revoke"),
                &[("reason", "issued in error")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(stranger.get(&format!("/verify/{code}")).await.body.contains("Revoked"));
        let entries = app.state.db.audit_for_org(org, 10).await.unwrap().entries;
        assert!(entries.iter().any(|e| e.action == "certificate.revoked" && e.detail == "issued in error"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_public_course_works_without_an_account() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let course = app.get("/learn/public?cl=sv").await;
        assert_eq!(course.status, StatusCode::OK);
        assert!(course.body.contains("<strong>Swedish</strong>"));
        let first = between(&course.body, "/learn/public/lessons/", "?cl=sv");
        let r = app
            .submit(
                &format!("/learn/public/lessons/{first}?cl=sv"),
                &format!("/learn/public/lessons/{first}/done"),
                &[("cl", "sv")],
            )
            .await;
        assert!(r.headers["set-cookie"].to_str().unwrap().starts_with("sl_pub="), "progress kept in the browser");
        assert!(app.get("/learn").await.body.contains("1/5 lessons read"));

        let (path, html) = start(&mut app, "public", "sv").await;
        assert!(app.cookies.contains_key("sl_anon"));
        {
            let a = answers(&app, "public", "sv", &html, 0);
            submit(&mut app, &path, &html, &a).await
        };
        let result = app.get(&path).await;
        assert!(result.body.contains("Would you like a certificate?"), "{}", result.body);
        // Another browser cannot see this attempt.
        let mut other = app.another_browser();
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);

        let r = app.submit(&path, &format!("{path}/certificate"), &[("name", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.submit(&path, &format!("{path}/certificate"), &[("name", "Traveller Tove")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let result = app.get(&path).await;
        let code = between(&result.body, "href=\"/certificates/", ".pdf\"");
        assert_eq!(app.get(&format!("/certificates/{code}.pdf")).await.status, StatusCode::OK);
        assert_eq!(other.get(&format!("/certificates/{code}.pdf")).await.status, StatusCode::NOT_FOUND);
        assert!(other.get(&format!("/verify/{code}")).await.body.contains("Traveller Tove"));
        app.finish().await;
    }
}
