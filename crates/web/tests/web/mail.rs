//! Links by e-mail: invitations, first-password links for a roster import and reset
//! links go through the outbox to a real SMTP server on loopback (aiosmtpd), survive
//! the relay being down, and work when followed.

use axum::http::StatusCode;
use sightline_domain::user::Role;
use time::Duration;

use crate::alerts::{smtp_server, wait_for_mail};
use crate::support::{PASSWORD, TestApp, between, csrf_of, engines, made_link, make_person};

/// The links (`/invite/…` or `/reset/…`) in the delivered e-mails, once `n` have arrived.
async fn links(mbox: &std::path::Path, n: usize, kind: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in wait_for_mail(mbox, n).await {
        let to = m.lines().find_map(|l| l.strip_prefix("To: ")).unwrap_or_default().trim().to_owned();
        if let Some(at) = m.find(&format!("http://sightline.test/{kind}/")) {
            let url: String = m[at..].chars().take_while(|c| !c.is_whitespace()).collect();
            out.push((to, url));
        }
    }
    out
}

#[tokio::test]
async fn links_are_e_mailed_through_the_outbox_and_work() {
    for db in engines().await {
        let Some(smtp) = smtp_server() else { return };
        let mut admin = TestApp::with_content(db).await;
        let org = make_person(&admin.state.db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        admin.sign_in_and_enrol("admin@nw.example").await;
        let people = format!("/orgs/{org}/users");

        // Without a mail relay the page says so, and nothing is queued.
        let page = admin.get(&people).await;
        assert!(page.body.contains("the operator sets up a mail relay") && !page.body.contains("name=\"send_email\""));
        let invite = [("email", "pia@nw.example"), ("name", "Pia"), ("role_learner", "on"), ("send_email", "on")];
        let r = admin.submit(&people, &format!("/orgs/{org}/invitations"), &invite).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(admin.state.db.due_mail(admin.state.now(), 10).await.unwrap().is_empty());

        // With a relay that is down: the invitation is queued and waits, nothing lost.
        admin.reconfigure(|c| {
            c.with_smtp(sightline_web::Smtp::parse("smtp://127.0.0.1:1", "sightline@nw.example").unwrap())
        });
        let invite =
            [("email", "aino@nw.example"), ("name", "Aino Virtanen"), ("role_learner", "on"), ("send_email", "on")];
        let r = admin.submit(&people, &format!("/orgs/{org}/invitations"), &invite).await;
        assert!(r.body.contains("will be e-mailed within a minute"), "{}", r.body);
        let (shown, _) = made_link(&r.body);
        let queued = admin.state.db.due_mail(admin.state.now(), 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        let token = shown.rsplit('/').next().unwrap();
        assert!(!queued[0].sealed.0.windows(token.len()).any(|w| w == token.as_bytes()), "the link is sealed at rest");
        assert_eq!(sightline_jobs::mail::run_once(&admin.state.jobs()).await.unwrap(), 0);
        let page = admin.get(&people).await;
        assert!(page.body.contains("Waiting"), "the admin sees it waiting");

        // The relay is back: delivered once, and the e-mailed link is the one shown.
        admin.reconfigure(|c| {
            c.with_smtp(
                sightline_web::Smtp::parse(&format!("smtp://127.0.0.1:{}", smtp.port), "sightline@nw.example").unwrap(),
            )
        });
        admin.state.clock.advance(Duration::minutes(2));
        assert_eq!(sightline_jobs::mail::run_once(&admin.state.jobs()).await.unwrap(), 1);
        assert_eq!(sightline_jobs::mail::run_once(&admin.state.jobs()).await.unwrap(), 0, "once");
        let got = links(&smtp.mbox, 1, "invite").await;
        assert_eq!(got, vec![("aino@nw.example".to_owned(), shown.clone())]);
        let mut aino = admin.another_browser();
        let path = shown.trim_start_matches("http://sightline.test");
        let r = aino
            .submit(path, path, &[("name", "Aino Virtanen"), ("password", PASSWORD), ("password2", PASSWORD)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the e-mailed invitation works: {}", r.body);

        // A roster import e-mails each person a first-password link that works.
        let page = admin.get(&people).await;
        let csv = b"name,email,role\nBo Berg,bo@nw.example,learner\nCai Chen,cai@nw.example,reporter\n";
        let r = admin
            .post_multipart_with(
                &format!("/orgs/{org}/roster"),
                &[("csrf", &csrf_of(&page.body)), ("send_email", "on")],
                csv,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Each will get an e-mail"));
        assert_eq!(sightline_jobs::mail::run_once(&admin.state.jobs()).await.unwrap(), 2);
        let resets = links(&smtp.mbox, 3, "reset").await;
        let mut to: Vec<&str> = resets.iter().map(|(t, _)| t.as_str()).collect();
        to.sort_unstable();
        assert_eq!(to, ["bo@nw.example", "cai@nw.example"]);
        let (_, bo_link) = resets.iter().find(|(t, _)| t == "bo@nw.example").unwrap();
        let path = bo_link.trim_start_matches("http://sightline.test");
        let mut bo = admin.another_browser();
        let r = bo.submit(path, path, &[("password", PASSWORD), ("password2", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = bo.sign_in("bo@nw.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/home"), "Bo signs in with the password set from the e-mail");

        // The admin sees every e-mail as sent; none of them keeps its body.
        let page = admin.get(&people).await;
        let table = between(&page.body, "<table class=\"mails\">", "</table>");
        assert_eq!(table.matches(">Sent<").count(), 3, "{table}");
        assert!(admin.state.db.due_mail(admin.state.now() + Duration::days(30), 10).await.unwrap().is_empty());
        admin.finish().await;
    }
}

#[tokio::test]
async fn certificate_holders_are_reminded_by_e_mail_a_month_before_expiry() {
    for db in engines().await {
        let Some(smtp) = smtp_server() else { return };
        let mut app = TestApp::with_content(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Learner], None).await;
        let crew = app.user("crew@nw.example").await;
        let now = app.state.now();
        let learner = sightline_storage::Learner::User { org, user: crew.id };
        let attempt = app.state.db.create_attempt(&learner, "cabin-crew", "en", "[]", now).await.unwrap();
        let cert = sightline_storage::NewCertificate {
            code: "SL-REMI-NDME-0001".into(),
            attempt_id: attempt,
            name: "crew".into(),
            course_id: "cabin-crew".into(),
            lang: "en".into(),
            issued_at: now - Duration::days(340),
            valid_until: now + Duration::days(25),
        };
        app.state.db.submit_attempt(&learner, attempt, "[]", 90, true, Some(&cert), now).await.unwrap();

        // Without a mail relay nobody is marked reminded.
        assert_eq!(sightline_jobs::reminders::run_once(&app.state.jobs()).await.unwrap(), 0);
        let horizon = now + sightline_jobs::reminders::REMIND_BEFORE;
        assert_eq!(app.state.db.certificates_due_reminder(now, horizon, 10).await.unwrap().len(), 1);

        app.reconfigure(|c| {
            c.with_smtp(
                sightline_web::Smtp::parse(&format!("smtp://127.0.0.1:{}", smtp.port), "sightline@nw.example").unwrap(),
            )
        });
        assert_eq!(sightline_jobs::reminders::run_once(&app.state.jobs()).await.unwrap(), 1);
        assert_eq!(sightline_jobs::reminders::run_once(&app.state.jobs()).await.unwrap(), 0, "once per certificate");
        assert_eq!(sightline_jobs::mail::run_once(&app.state.jobs()).await.unwrap(), 1);
        let mails = wait_for_mail(&smtp.mbox, 1).await;
        let m = &mails[0];
        assert!(m.contains("To: crew@nw.example"), "{m}");
        assert!(m.contains("Subject: Your Sightline certificate expires soon: "), "{m}");
        assert!(m.contains("http://sightline.test/learn/cabin-crew"), "{m}");
        app.finish().await;
    }
}
