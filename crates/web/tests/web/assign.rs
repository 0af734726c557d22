//! Training assignments and compliance (issue 14, items 1 and 2): the assignment form
//! names an unknown position or base at its field and keeps the input; the dashboard
//! counts where people stand by position and by base and lists the people of a cell;
//! the fiscal year's figures as CSV and PDF; the reminders job e-mails each person once
//! per offset in their language and the admins one digest, through a real SMTP server;
//! two reminder passes at once send each reminder once.

use axum::http::StatusCode;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::{Db, Learner, NewCertificate, NewUser};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::alerts::{smtp_server, wait_for_mail};
use crate::support::{PASSWORD, TestApp, between, engines, make_named_person};

/// The test clock's moment (`support`'s default).
const NOW: OffsetDateTime = datetime!(2026-11-28 09:00:00 UTC);

/// A person of `org` who joined at `joined`, in `position` at `base`, speaking `locale`.
async fn crew(
    db: &Db,
    org: OrgId,
    (name, email): (&str, &str),
    position: Audience,
    base: &str,
    joined: OffsetDateTime,
) -> UserId {
    let u = NewUser {
        name: PersonName::parse(name).unwrap(),
        email: Email::parse(email).unwrap(),
        roles: Roles::of([Role::Learner]),
        base: Some(base.into()),
        employee_id: None,
        password_hash: Some(sightline_web::hash_password(PASSWORD).unwrap()),
        position: Some(position),
    };
    db.create_user(org, &u, NewAuditEntry::new(AuditAction::UserCreated), joined).await.unwrap()
}

/// A passed check and its certificate of `course`, issued at `at`.
async fn completed(db: &Db, org: OrgId, user: UserId, course: &str, at: OffsetDateTime) {
    let learner = Learner::User { org, user };
    let attempt = db.create_attempt(&learner, course, "en", "[]", at).await.unwrap();
    let c = NewCertificate {
        code: format!("SL-{}", &uuid::Uuid::now_v7().simple().to_string()[20..32].to_uppercase()),
        attempt_id: attempt,
        name: "x".into(),
        course_id: course.into(),
        lang: "en".into(),
        issued_at: at,
        valid_until: at + Duration::days(365),
    };
    db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&c), at).await.unwrap();
}

/// An airline with a signed-in admin (two factors done): the app, the org, the
/// assignments page's path.
async fn admin_of(db: sightline_storage::testing::TestDb) -> (TestApp, OrgId) {
    let mut app = TestApp::with_content(db).await;
    let org = make_named_person(
        &app.state.db,
        "Nordic Wings",
        ("Ada Admin", "admin@nw.example"),
        &[Role::OrgAdmin],
        Some("HEL"),
        None,
    )
    .await;
    app.sign_in_and_enrol("admin@nw.example").await;
    (app, org)
}

#[tokio::test]
async fn an_unknown_position_or_base_is_named_at_its_field_and_the_input_kept() {
    for db in engines().await {
        let (mut app, org) = admin_of(db).await;
        crew(&app.state.db, org, ("Anna", "anna@nw.example"), Audience::CabinCrew, "HEL", NOW).await;
        let page = format!("/orgs/{org}/assignments");
        let bad = [
            ("course", "cabin-crew"),
            ("position", "pilot"),
            ("base", "TLLX"),
            ("due_days", "45"),
            ("recur_months", "24"),
        ];
        let r = app.submit(&page, &page, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let position = between(&r.body, "<label for=\"position\">", "<label for=\"base\">");
        assert!(position.contains("Choose cabin crew, flight deck"), "the message at the position field: {position}");
        let base = between(&r.body, "<label for=\"base\">", "<label for=\"due_days\">");
        assert!(base.contains("No one in your organisation works at this base"), "{base}");
        assert!(base.contains("value=\"TLLX\"") && base.contains("aria-invalid=\"true\""), "the input kept: {base}");
        assert!(r.body.contains("id=\"due_days\" name=\"due_days\" inputmode=\"numeric\" value=\"45\""));
        assert!(r.body.contains("value=\"24\""));
        assert!(app.state.db.assignments(org).await.unwrap().is_empty(), "nothing stored");

        // A good one (the base as the people list spells it), audited; then changed and removed.
        let good = [
            ("course", "cabin-crew"),
            ("position", "cabin_crew"),
            ("base", "hel"),
            ("due_days", ""),
            ("recur_months", ""),
        ];
        let r = app.submit(&page, &page, &good).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("The course is assigned."));
        let stored = app.state.db.assignments(org).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (stored[0].terms.base.as_deref(), stored[0].terms.due_days, stored[0].terms.recur_months),
            (Some("HEL"), 30, 12)
        );
        let edit = format!("/orgs/{org}/assignments/{}", stored[0].id);
        let r = app
            .submit(
                &page,
                &edit,
                &[("course", "cabin-crew"), ("position", "cabin_crew"), ("base", "OUL"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown base on edit too");
        assert!(r.body.contains("value=\"OUL\""), "the edit form keeps what was typed");
        let r = app
            .submit(
                &page,
                &edit,
                &[("course", "cabin-crew"), ("position", "cabin_crew"), ("recur_months", "6"), ("version", "1")],
            )
            .await;
        assert!(r.body.contains("The assignment is changed."), "{}", r.body);
        let r = app.submit(&page, &format!("{edit}/delete"), &[]).await;
        assert!(r.body.contains("The assignment is removed."));
        let actions: Vec<String> =
            app.state.db.audit_for_org(org, 3).await.unwrap().entries.into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["training.assignment_changed"; 3]);

        // Settings: a bad offset list is named at its field, a good one saved.
        let settings = format!("/orgs/{org}/training-settings");
        let r = app.submit(&page, &settings, &[("offsets", "60, 60"), ("fiscal_start", "10")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("each once") && r.body.contains("value=\"60, 60\""));
        let r = app.submit(&page, &settings, &[("offsets", "14, 0"), ("fiscal_start", "10")]).await;
        assert!(r.body.contains("Settings saved."));
        let s = app.state.db.training_settings(org).await.unwrap();
        assert_eq!((s.offsets, s.fiscal_start_month), (vec![14, 0], 10));
        app.finish().await;
    }
}

/// The airline of the dashboard test: five people covered by two assignments, one
/// not covered; where each stands on [`NOW`] is in the comments.
async fn seeded(app: &mut TestApp, org: OrgId) {
    let db = app.state.db.clone();
    let long_ago = NOW - Duration::days(500);
    let anna = crew(&db, org, ("Anna", "anna@nw.example"), Audience::CabinCrew, "HEL", long_ago).await;
    completed(&db, org, anna, "cabin-crew", NOW - Duration::days(30)).await; // current
    let ben = crew(&db, org, ("Ben", "ben@nw.example"), Audience::CabinCrew, "HEL", long_ago).await;
    completed(&db, org, ben, "cabin-crew", NOW - Duration::days(350)).await; // due in 15 days
    let cai = crew(&db, org, ("Cai", "cai@nw.example"), Audience::CabinCrew, "OUL", long_ago).await;
    completed(&db, org, cai, "cabin-crew", NOW - Duration::days(400)).await; // overdue
    crew(&db, org, ("Dan", "dan@nw.example"), Audience::CabinCrew, "HEL", NOW - Duration::days(5)).await; // not started
    let eve = crew(&db, org, ("Eve", "eve@nw.example"), Audience::Ground, "HEL", long_ago).await;
    completed(&db, org, eve, "ground-gate", NOW - Duration::days(10)).await; // current
    crew(&db, org, ("Fay", "fay@nw.example"), Audience::FlightDeck, "HEL", long_ago).await; // not assigned
    let page = format!("/orgs/{org}/assignments");
    for (course, position) in [("cabin-crew", "cabin_crew"), ("ground-gate", "ground")] {
        let r = app.submit(&page, &page, &[("course", course), ("position", position)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

/// The numbers of a tally table's row named `name` (current, due soon, overdue, not
/// started, total).
fn row(table: &str, name: &str) -> Vec<usize> {
    let r = between(table, &format!("<th scope=\"row\">{name}</th>"), "</tr>");
    r.split("<td>")
        .skip(1)
        .map(|c| {
            let c = c.split("</td>").next().unwrap();
            let c = c.rsplit("\">").next().unwrap().trim_end_matches("</a>");
            c.parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_dashboard_counts_by_position_and_base_and_lists_a_cells_people() {
    for db in engines().await {
        let (mut app, org) = admin_of(db).await;
        seeded(&mut app, org).await;
        let r = app.get(&format!("/orgs/{org}/compliance")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let by_position = between(&r.body, "<table class=\"tally\" id=\"by-position\">", "</table>");
        assert_eq!(row(&by_position, "Cabin crew"), [1, 1, 1, 1, 4], "{by_position}");
        assert_eq!(row(&by_position, "Ground and gate"), [1, 0, 0, 0, 1], "{by_position}");
        assert!(!by_position.contains("Flight deck"), "nobody assigned there");
        let by_base = between(&r.body, "<table class=\"tally\" id=\"by-base\">", "</table>");
        assert_eq!(row(&by_base, "HEL"), [2, 1, 0, 1, 4]);
        assert_eq!(row(&by_base, "OUL"), [0, 0, 1, 0, 1]);
        let total = between(&r.body, "<table class=\"tally\" id=\"total\">", "</table>");
        assert_eq!(row(&total, "Total"), [2, 1, 1, 1, 5]);
        assert!(r.body.contains("<svg class=\"chart stacked\""), "the charts");
        assert!(r.body.contains("5 of 5 people shown."));

        // A cell's link lists its people; filters combine.
        let cell =
            "/orgs/{org}/compliance?position=cabin_crew&#38;status=overdue#people".replace("{org}", &org.to_string());
        assert!(by_position.contains(&cell), "{by_position}");
        let r = app.get(&format!("/orgs/{org}/compliance?position=cabin_crew&status=overdue")).await;
        let people = between(&r.body, "<table class=\"people\">", "</table>");
        assert!(people.contains("cai@nw.example") && !people.contains("anna@nw.example"), "{people}");
        assert!(people.contains("due 2026-10-24"), "{people}");
        let r = app.get(&format!("/orgs/{org}/compliance?base=HEL&status=not_started")).await;
        let people = between(&r.body, "<table class=\"people\">", "</table>");
        assert!(people.contains("dan@nw.example") && people.matches("<tr>").count() == 2, "{people}");
        let r = app.get(&format!("/orgs/{org}/compliance?status=late")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown status is named");
        assert!(r.body.contains("Choose one of the options."));

        // Each person sees what is due and when.
        let mut ben = app.another_browser();
        ben.sign_in("ben@nw.example", PASSWORD).await;
        let r = ben.get("/learn").await;
        let due = between(&r.body, "<section aria-labelledby=\"due-heading\"", "</section>");
        assert!(due.contains("due 2026-12-13") && due.contains("Due soon"), "{due}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_fiscal_year_figures_come_as_csv_and_a_printable_pdf() {
    for db in engines().await {
        let (mut app, org) = admin_of(db).await;
        seeded(&mut app, org).await;
        let r = app.get(&format!("/orgs/{org}/compliance.csv?year=2026")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.body,
            "fiscal_year,period,position,staff_assigned,trained_in_year,current_at_end\r\n\
             2026,2026-01-01..2026-12-31,cabin_crew,4,1,2\r\n\
             2026,2026-01-01..2026-12-31,ground,1,1,1\r\n\
             2026,2026-01-01..2026-12-31,Total,5,2,3\r\n"
        );
        // The year before: Dan had not joined; Anna and Eve were overdue at its end.
        let r = app.get(&format!("/orgs/{org}/compliance.csv?year=2025")).await;
        assert!(r.body.contains("2025,2025-01-01..2025-12-31,cabin_crew,3,2,2\r\n"), "{}", r.body);
        assert!(r.body.contains("2025,2025-01-01..2025-12-31,ground,1,0,0\r\n"), "{}", r.body);
        assert_eq!(
            app.get(&format!("/orgs/{org}/compliance.csv?year=1999")).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        let r = app.get(&format!("/orgs/{org}/compliance.pdf?year=2026")).await.bytes;
        assert!(r.starts_with(b"%PDF"), "a PDF");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compliance-fy2026.pdf");
        std::fs::write(&path, &r).unwrap();
        match std::process::Command::new("pdftotext").arg(&path).arg("-").output() {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                for want in ["Staff trained and current, fiscal year 2026", "Nordic Wings", "Cabin crew", "Total"] {
                    assert!(text.contains(want), "{want} in {text}");
                }
                let png = dir.join("compliance-fy2026");
                let status = std::process::Command::new("pdftoppm")
                    .args(["-png", "-r", "60", "-singlefile"])
                    .arg(&path)
                    .arg(&png)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            Err(_) => assert!(std::env::var_os("CI").is_none(), "CI must check the PDF: install poppler-utils"),
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn reminders_go_once_per_offset_in_the_persons_language_and_admins_get_one_digest() {
    for db in engines().await {
        let Some(smtp) = smtp_server() else { return };
        let (mut app, org) = admin_of(db).await;
        let db = app.state.db.clone();
        // Both completed the course on 27 January: due again 27 January 2027, 60 days on.
        let issued = datetime!(2026-01-27 09:00 UTC);
        let fia = crew(&db, org, ("Fia", "fia@nw.example"), Audience::CabinCrew, "HEL", issued).await;
        db.set_locale(org, fia, "fi").await.unwrap();
        completed(&db, org, fia, "cabin-crew", issued).await;
        let gus = crew(&db, org, ("Gus", "gus@nw.example"), Audience::CabinCrew, "OUL", issued).await;
        completed(&db, org, gus, "cabin-crew", issued).await;
        let page = format!("/orgs/{org}/assignments");
        app.submit(&page, &page, &[("course", "cabin-crew"), ("position", "cabin_crew")]).await;

        // Without a relay, nothing is queued and nobody is marked reminded.
        assert_eq!(sightline_jobs::assignments::run_once(&app.state.jobs()).await.unwrap().reminders, 0);
        app.reconfigure(|c| {
            c.with_smtp(
                sightline_web::Smtp::parse(&format!("smtp://127.0.0.1:{}", smtp.port), "sightline@nw.example").unwrap(),
            )
        });
        let mut delivered = 0;
        for (advance, reminders, overdue) in [(0, 2, 0), (30, 2, 0), (23, 2, 0), (7, 2, 2)] {
            app.state.clock.advance(Duration::days(advance));
            let q = sightline_jobs::assignments::run_once(&app.state.jobs()).await.unwrap();
            assert_eq!((q.reminders, q.overdue), (reminders, overdue), "after {advance} more days");
            let again = sightline_jobs::assignments::run_once(&app.state.jobs()).await.unwrap();
            assert_eq!((again.reminders, again.overdue), (0, 0), "once each");
            delivered += sightline_jobs::mail::run_once(&app.state.jobs()).await.unwrap();
        }
        assert_eq!(delivered, 9, "four reminders each and one digest");
        let mails = wait_for_mail(&smtp.mbox, 9).await;
        let to = |who: &str| mails.iter().filter(|m| m.contains(&format!("To: {who}"))).cloned().collect::<Vec<_>>();
        let fia_mails = to("fia@nw.example");
        assert_eq!(fia_mails.len(), 4);
        // The bodies are quoted-printable: "(60 päivää)".
        for days in ["(60 p=C3=A4iv=C3=A4=C3=A4)", "(30 p=C3=A4iv=C3=A4=C3=A4)", "(7 p=C3=A4iv=C3=A4=C3=A4)"] {
            assert_eq!(fia_mails.iter().filter(|m| m.contains(days)).count(), 1, "{days}: {fia_mails:?}");
        }
        assert!(
            fia_mails.iter().any(|m| m.contains("on nyt my=C3=B6h=C3=A4ss=C3=A4")),
            "the overdue one in Finnish too"
        );
        let gus_mails = to("gus@nw.example");
        assert_eq!(gus_mails.len(), 4);
        assert!(gus_mails.iter().any(|m| m.contains("(60 days from now)")));
        assert_eq!(gus_mails.iter().filter(|m| m.contains("Subject: Training overdue")).count(), 1);
        let digest = to("admin@nw.example");
        assert_eq!(digest.len(), 1, "one digest, not one mail per person");
        assert!(
            digest[0].contains("- Fia (Cabin crew, HEL)") && digest[0].contains("- Gus (Cabin crew, OUL)"),
            "{}",
            digest[0]
        );
        assert!(digest[0].contains("2 newly overdue"), "{}", digest[0]);
        app.finish().await;
    }
}

#[tokio::test]
async fn two_reminder_passes_at_once_send_each_reminder_once() {
    for db in engines().await {
        let (mut app, org) = admin_of(db).await;
        let db = app.state.db.clone();
        for i in 0..30 {
            let u =
                crew(&db, org, (&format!("P{i}"), &format!("p{i}@nw.example")), Audience::CabinCrew, "HEL", NOW).await;
            if i % 3 == 0 {
                completed(&db, org, u, "cabin-crew", NOW - Duration::days(400)).await;
            }
        }
        let page = format!("/orgs/{org}/assignments");
        app.submit(&page, &page, &[("course", "cabin-crew"), ("position", "cabin_crew")]).await;
        app.reconfigure(|c| {
            c.with_smtp(sightline_web::Smtp::parse("smtp://127.0.0.1:1", "sightline@nw.example").unwrap())
        });
        // Two nodes' passes at the same moment (the same database; on PostgreSQL each
        // claim is its own transaction on its own connection).
        let (one, two) = (app.state.jobs(), app.state.jobs());
        let (a, b) =
            tokio::join!(sightline_jobs::assignments::run_once(&one), sightline_jobs::assignments::run_once(&two));
        let (a, b) = (a.unwrap(), b.unwrap());
        // 20 not started (30 days to go: the 30-day reminder), 10 overdue.
        assert_eq!(a.reminders + b.reminders, 30, "{a:?} {b:?}");
        assert_eq!(a.overdue + b.overdue, 10, "{a:?} {b:?}");
        let queued = app.state.db.due_mail(app.state.now(), 100).await.unwrap();
        assert_eq!(queued.len(), 31, "30 reminders and one digest");
        let mut to: Vec<&str> = queued.iter().map(|m| m.to.as_str()).collect();
        to.sort_unstable();
        to.dedup();
        assert_eq!(to.len(), 31, "nobody twice");
        app.finish().await;
    }
}

/// Retention (issue 15): certificates expired 30 days ago become tombstones, and a
/// past fiscal year's export gives the same figures after the purge as before (the
/// purge froze them first); the running year is counted live. The public check of a
/// removed certificate says so.
#[tokio::test]
async fn a_past_fiscal_years_export_is_the_same_after_the_certificate_purge() {
    use sightline_jobs::retention::{self, Purge};
    for db in engines().await {
        let (mut app, org) = admin_of(db).await;
        seeded(&mut app, org).await;
        let csv = |year: i32| format!("/orgs/{org}/compliance.csv?year={year}");
        let before_2025 = app.get(&csv(2025)).await.body;
        assert!(before_2025.contains("2025,2025-01-01..2025-12-31,cabin_crew,3,2,2\r\n"), "{before_2025}");
        let before_pdf = app.get(&format!("/orgs/{org}/compliance.pdf?year=2025")).await.bytes;
        // Cai's certificate (issued 400 days ago) expired 35 days ago.
        let cai = app.user("cai@nw.example").await.id;
        let code = app.state.db.completions_of(org, cai).await.unwrap();
        assert_eq!(code.len(), 1);
        let code = app
            .state
            .db
            .certificates_for_org(org)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.user_id == Some(cai))
            .unwrap()
            .code;

        let settings = format!("/orgs/{org}/settings");
        let r = app.submit(&settings, &format!("{settings}/retention"), &[("certificates_days", "30")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let clock = app.state.clock.clone();
        let freezer = sightline_app::assign::ComplianceFreezer(app.state.db.clone());
        let Purge::Done(run) = retention::purge(&app.state.db, move || clock.now(), 500, &freezer).await.unwrap()
        else {
            panic!("no other purge runs")
        };
        assert_eq!(run.certificates, 1, "Cai's certificate only");
        assert!(app.state.db.completions_of(org, cai).await.unwrap().is_empty(), "no link to Cai");

        assert_eq!(app.get(&csv(2025)).await.body, before_2025, "the past year's export is unchanged");
        let after_pdf = app.get(&format!("/orgs/{org}/compliance.pdf?year=2025")).await.bytes;
        assert_eq!(before_pdf.len(), after_pdf.len(), "the PDF too");
        // The running year is counted as things are now: Cai has no certificate.
        assert!(app.get(&csv(2026)).await.body.contains("2026,2026-01-01..2026-12-31,cabin_crew,4,1,2\r\n"));
        // Without the frozen figures the purge would have changed the past year: the test can fail.
        sightline_storage::testing::execute(&app.state.db, "DELETE FROM compliance_years").await.unwrap();
        let live = app.get(&csv(2025)).await.body;
        assert!(live.contains("2025,2025-01-01..2025-12-31,cabin_crew,3,1,1\r\n"), "{live}");

        // The public check of the removed certificate: a clear notice, no name, not "unknown".
        let r = app.get(&format!("/verify/{code}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Removed under the organisation") && r.body.contains("retention policy"), "{}", r.body);
        assert!(!r.body.contains("Cai") && !r.body.contains("No certificate has this code"));
        let unknown = app.get("/verify/SL-NONE-NONE-NONE").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        app.finish().await;
    }
}
