//! Referral webhooks to partners' own systems (issue 13, item 4), on both engines,
//! with a real HTTP receiver on loopback: the partner's admin sets the webhook on the
//! settings page; each referral (and each desk message) reaches it once, signed over
//! a timestamp and the body, with no shared record in it; two senders at once send
//! each delivery once, page after page; a receiver that stays down fills the
//! dead-letter list shown to the admins, and "Send again" delivers it; a sender that
//! dies mid-delivery leaves it to be sent again after its lease, with the same id, and
//! a delivered one is never sent again.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::delivery::{MAX_ATTEMPTS, retry_after};
use sightline_domain::ids::OrgId;
use sightline_domain::user::Role;
use sightline_jobs::referral_hooks::{LEASE, run_once};
use sightline_storage::AlertChange;
use sightline_storage::testing::TestDb;
use time::Duration;

use crate::loopback::{Keep, Loopback};
use crate::referrals::{enrol, partner};
use crate::support::{TestApp, between, make_person, token_for};

/// A partner's system on loopback: records every request, then answers (204 at first).
async fn receiver() -> Loopback {
    Loopback::start("/referrals", "/referrals", 204, Keep::Every).await
}

/// An airline desk with a case, and a partner NGO (caseworker, admin) — all enrolled.
struct World {
    app: TestApp,
    ngo: OrgId,
    desk: String,
    cw: String,
    case: uuid::Uuid,
    reference: String,
}

async fn world(db: TestDb) -> World {
    let mut app = TestApp::with_content(db).await;
    make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
    make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
    let ngo = partner(&app, "Demo NGO", "cw@ngo.example").await;
    make_person(&app.state.db, "Demo NGO", "admin@ngo.example", &[Role::OrgAdmin], None).await;
    for e in ["desk@nw.example", "cw@ngo.example"] {
        enrol(&app, e).await;
    }
    let crew = token_for(&app.state.db, "crew@nw.example").await;
    let desk = token_for(&app.state.db, "desk@nw.example").await;
    let cw = token_for(&app.state.db, "cw@ngo.example").await;
    let mut report: Value = serde_json::from_str(include_str!("../../../../examples/report.json")).unwrap();
    report.as_object_mut().unwrap().remove("id");
    let case = uuid::Uuid::now_v7();
    let r = app.put_report(&crew, case, &report.to_string()).await;
    let reference = r.json()["reference"].as_str().unwrap().to_owned();
    World { app, ngo, desk, cw, case, reference }
}

impl World {
    /// The desk refers the case to the NGO; returns the referral's id.
    async fn refer(&mut self) -> String {
        let body = json!({"recipient": format!("org:{}", self.ngo), "consent": "given", "lawful_basis": "consent",
            "reason": "additional_services_required", "details": "Meet at arrivals", "profile": "ngo"});
        let path = format!("/api/v1/cases/{}/referrals", self.case);
        let r = self.app.api("POST", &path, Some(&self.desk), Some(&body.to_string())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["id"].as_str().unwrap().to_owned()
    }

    /// Set the NGO's referral webhook without the page (the page has its own test);
    /// returns the signing secret.
    async fn set_hook(&mut self, url: &str) -> String {
        self.app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let (sealed, secret) = sightline_web::alerts::new_webhook_secret(&self.app.state, self.ngo).unwrap();
        let audit = NewAuditEntry::new(AuditAction::ReferralWebhookConfigured).org(self.ngo);
        let change = AlertChange::ReferralWebhook { url, sealed_secret: &sealed };
        self.app.state.db.configure_alerts(self.ngo, change, &audit, self.app.state.now()).await.unwrap();
        secret
    }

    async fn pass(&self) -> usize {
        run_once(&self.app.state.jobs()).await.unwrap()
    }

    /// Sign the NGO's admin in (two-factor enrolled) in this browser; returns the
    /// settings page's path.
    async fn admin_signs_in(&mut self) -> String {
        self.app.sign_in_and_enrol("admin@ngo.example").await;
        format!("/orgs/{}/settings", self.ngo)
    }
}

#[tokio::test]
async fn a_partner_system_is_told_of_each_referral_once_signed_and_reads_it_by_the_api() {
    for db in crate::support::engines().await {
        let mut w = world(db).await;
        let rx = receiver().await;

        // The NGO's admin sets the webhook on the settings page: https only, no
        // private address (unless the operator allows them); the secret is shown once.
        let page = w.admin_signs_in().await;
        let hook = format!("{page}/referral-webhook");
        assert!(w.app.get(&page).await.body.contains("Referrals to your own system"));
        let r =
            w.app.submit(&page, &hook, &[("referral_webhook_url", "http://ngo.example/in"), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter an address starting with https://."), "{}", r.body);
        assert!(r.body.contains("value=\"http://ngo.example/in\""), "the input is kept");
        let r = w.app.submit(&page, &hook, &[("referral_webhook_url", &rx.url), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.app.state.db.referral_webhook(w.ngo).await.unwrap(), None, "nothing saved");
        w.app.reconfigure(sightline_web::Config::allowing_private_webhooks);
        let r = w.app.submit(&page, &hook, &[("referral_webhook_url", &rx.url), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let secret = between(&r.body, "<code id=\"referral-webhook-secret\">", "</code>");
        assert_eq!(secret.len(), 43);
        assert!(!w.app.get(&page).await.body.contains(&secret), "shown once");
        let trail = w.app.state.db.audit_for_org(w.ngo, 50).await.unwrap().entries;
        assert!(trail.iter().any(|e| e.action == "org.referral_webhook_configured"), "audited");

        // A referral: exactly one delivery, signed over the timestamp and the body.
        let id = w.refer().await;
        assert_eq!(w.pass().await, 1);
        assert_eq!(w.pass().await, 0, "sent once");
        {
            let got = rx.got.lock().unwrap();
            let (headers, body) = &got[0];
            assert_eq!(headers["x-sightline-event"], "referral.created");
            let ts: i64 = headers["x-sightline-timestamp"].to_str().unwrap().parse().unwrap();
            assert_eq!(ts, w.app.state.now().unix_timestamp());
            let sig = headers["x-sightline-signature"].to_str().unwrap();
            assert_eq!(
                sig,
                sightline_jobs::alerts::timed_signature(secret.as_bytes(), ts, body.as_bytes()),
                "verifies"
            );
            assert_ne!(sig, sightline_jobs::alerts::timed_signature(secret.as_bytes(), ts + 1, body.as_bytes()));
            assert_ne!(sig, sightline_jobs::alerts::timed_signature(b"wrong secret", ts, body.as_bytes()));
            let j: Value = serde_json::from_str(body).unwrap();
            assert_eq!(j["event"], "referral.created");
            assert_eq!(j["id"], id.as_str());
            assert_eq!(j["case_reference"], w.reference.as_str());
            assert_eq!(j["status"], "sent");
            assert_eq!(j["url"], format!("http://sightline.test/api/v1/referrals/{id}"));
            // The notification shares nothing of the record: the partner pulls it.
            assert_eq!(j.as_object().unwrap().len(), 6, "{body}");
            for secret in ["AY5", "Meet at arrivals", "persons", "hte_"] {
                assert!(!body.contains(secret), "{secret} in {body}");
            }
        }
        let r = w.app.api("GET", &format!("/api/v1/referrals/{id}"), Some(&w.cw), None).await;
        assert_eq!(r.status, StatusCode::OK, "the partner reads it with its token: {}", r.body);

        // The desk writes on the referral: one more delivery; the partner writes: none.
        let msgs = format!("/api/v1/referrals/{id}/messages");
        let r = w.app.api("POST", &msgs, Some(&w.desk), Some(r#"{"message": "Flight lands 14:05"}"#)).await;
        assert!(r.status.is_success(), "{}", r.body);
        let r = w.app.api("POST", &msgs, Some(&w.cw), Some(r#"{"message": "We will be there"}"#)).await;
        assert!(r.status.is_success(), "{}", r.body);
        assert_eq!(w.pass().await, 1);
        {
            let got = rx.got.lock().unwrap();
            assert_eq!(got.len(), 2);
            assert_eq!(got[1].0["x-sightline-event"], "referral.message");
            assert!(!got[1].1.contains("14:05"), "no message text");
        }

        // Many more than a page, and two senders (two server processes) at once: every
        // delivery goes out, each exactly once.
        for _ in 0..130 {
            w.refer().await;
        }
        let (a, b) = (w.app.state.jobs(), w.app.state.jobs());
        let (x, y) = tokio::join!(run_once(&a), run_once(&b));
        assert_eq!(x.unwrap() + y.unwrap(), 130, "all, in one pass of each");
        let mut ids = rx.header_values("x-sightline-delivery");
        assert_eq!(ids.len(), 132);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 132, "no delivery sent twice");

        // Stopped: nothing is sent; a delivery still retrying waits for a webhook
        // again, and a referral made meanwhile is not announced (the partner reads it
        // in its inbox or through the API).
        rx.answer_with(500);
        let waiting = w.refer().await;
        assert_eq!(w.pass().await, 0, "500: to be retried");
        let r = w.app.submit(&page, &hook, &[("action", "stop")]).await;
        assert!(r.body.contains("The referral webhook is stopped."), "{}", r.body);
        w.refer().await;
        w.app.state.clock.advance(Duration::hours(1));
        assert_eq!(w.pass().await, 0);
        assert_eq!(rx.count(), 133);
        rx.answer_with(204);
        let r = w.app.submit(&page, &hook, &[("referral_webhook_url", &rx.url), ("action", "save")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(w.pass().await, 1);
        assert_eq!(w.pass().await, 0);
        let last: Value = serde_json::from_str(&rx.got.lock().unwrap()[133].1).unwrap();
        assert_eq!(last["id"], waiting.as_str());
        w.app.finish().await;
    }
}

#[tokio::test]
async fn a_partner_system_that_stays_down_gets_a_dead_letter_that_an_admin_sends_again() {
    for db in crate::support::engines().await {
        let mut w = world(db).await;
        let rx = receiver().await;
        rx.answer_with(503);
        w.set_hook(&rx.url).await;
        w.refer().await;

        // Retried with back-off, never before its time; the eighth failure gives up.
        for attempt in 1..=MAX_ATTEMPTS {
            assert_eq!(w.pass().await, 0, "attempt {attempt} fails");
            assert_eq!(rx.count(), usize::try_from(attempt).unwrap());
            if let Some(wait) = retry_after(attempt) {
                w.app.state.clock.advance(wait - Duration::seconds(1));
                assert_eq!(w.pass().await, 0);
                assert_eq!(rx.count(), usize::try_from(attempt).unwrap(), "not before its retry time");
                w.app.state.clock.advance(Duration::seconds(1));
            }
        }
        w.app.state.clock.advance(Duration::days(1));
        assert_eq!(w.pass().await, 0);
        assert_eq!(rx.count(), 8, "a dead letter is not sent by itself");
        let ids = rx.header_values("x-sightline-delivery");
        assert!(ids.iter().all(|d| *d == ids[0]), "one delivery id on every attempt: {ids:?}");

        // The NGO's admins see it, with the last answer; so do platform admins.
        let page = w.admin_signs_in().await;
        let body = w.app.get(&page).await.body;
        let row = between(&body, "<li class=\"dead-letter\">", "</li>");
        assert!(row.contains(&w.reference) && row.contains("HTTP 503") && row.contains("8 attempts"), "{row}");
        assert!(row.contains(&format!("name=\"delivery\" value=\"{}\"", ids[0])), "{row}");
        assert!(body.contains("Given up: 1."), "{body}");
        let mut pat = w.app.another_browser();
        make_person(&w.app.state.db, "Sightline Operator", "pat@operator.example", &[Role::PlatformAdmin], None).await;
        pat.sign_in_and_enrol("pat@operator.example").await;
        assert!(pat.get(&page).await.body.contains(&w.reference), "a platform admin sees it too");

        // Another partner's admin cannot send it again (not theirs: 404 on their page).
        let other = partner(&w.app, "Other NGO", "cw@other.example").await;
        make_person(&w.app.state.db, "Other NGO", "admin@other.example", &[Role::OrgAdmin], None).await;
        let mut them = w.app.another_browser();
        them.sign_in_and_enrol("admin@other.example").await;
        let theirs = format!("/orgs/{other}/settings");
        let r = them.submit(&theirs, &format!("{theirs}/referral-deliveries/retry"), &[("delivery", &ids[0])]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = them.submit(&theirs, &format!("{page}/referral-deliveries/retry"), &[("delivery", &ids[0])]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another organisation's page does not exist for them");

        // The receiver works again: "Send again", audited, delivers it with the same id.
        rx.answer_with(204);
        let retry = format!("{page}/referral-deliveries/retry");
        let r = w.app.submit(&page, &retry, &[("delivery", &ids[0])]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("It will be sent again within a minute."));
        assert!(r.body.contains("None. Every message was delivered"), "off the list");
        let trail = w.app.state.db.audit_for_org(w.ngo, 50).await.unwrap().entries;
        let admin = w.app.user("admin@ngo.example").await.id;
        assert!(trail.iter().any(|e| e.action == "referral.delivery_retried" && e.actor == Some(admin)));
        assert_eq!(w.pass().await, 1);
        assert_eq!(rx.header_values("x-sightline-delivery")[8], ids[0]);
        assert_eq!(w.app.submit(&page, &retry, &[("delivery", &ids[0])]).await.status, StatusCode::NOT_FOUND);
        assert!(w.app.get(&page).await.body.contains("Delivered: 1."));
        w.app.finish().await;
    }
}

/// A sender that dies after the receiver took the request but before recording it
/// delivered (here: its task is aborted mid-request) leaves the delivery leased; after
/// the lease it goes again with the same id — and once delivered, never again.
#[tokio::test]
async fn a_referral_is_delivered_once_across_a_crash() {
    for db in crate::support::engines().await {
        let mut w = world(db).await;
        let rx = receiver().await;
        w.set_hook(&rx.url).await;
        w.refer().await;
        rx.delay_ms(1500);
        let ctx = w.app.state.jobs();
        let worker = tokio::spawn(async move { run_once(&ctx).await });
        for _ in 0..500 {
            if rx.count() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(rx.count(), 1, "the receiver has the request");
        worker.abort();
        assert!(worker.await.unwrap_err().is_cancelled(), "the sender died mid-delivery");
        rx.delay_ms(0);

        // Leased by the dead sender: nobody sends it before the lease ends.
        assert_eq!(w.pass().await, 0);
        w.app.state.clock.advance(LEASE - Duration::seconds(1));
        assert_eq!(w.pass().await, 0);
        assert_eq!(rx.count(), 1);
        w.app.state.clock.advance(Duration::seconds(1));
        assert_eq!(w.pass().await, 1, "sent again after the lease");
        let ids = rx.header_values("x-sightline-delivery");
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ids[1], "with the same delivery id: the receiver drops the repeat");
        // Delivered: never sent again.
        for _ in 0..3 {
            w.app.state.clock.advance(Duration::days(1));
            assert_eq!(w.pass().await, 0);
        }
        assert_eq!(rx.count(), 2);
        w.app.finish().await;
    }
}

/// Issue 13, bad input: a partner's token on anything but its own referrals is
/// refused in the JSON envelope — another partner's referral does not exist for it
/// (404, audited as a cross-organisation attempt) and the desk's API is not its (403).
#[tokio::test]
async fn a_partner_token_reaches_only_its_own_referrals() {
    for db in crate::support::engines().await {
        let mut w = world(db).await;
        let id = w.refer().await;
        let other = partner(&w.app, "Other NGO", "cw@other.example").await;
        enrol(&w.app, "cw@other.example").await;
        let theirs = token_for(&w.app.state.db, "cw@other.example").await;
        for (method, path, body) in [
            ("GET", format!("/api/v1/referrals/{id}"), None),
            ("POST", format!("/api/v1/referrals/{id}/acknowledge"), Some(r#"{"version": 1}"#)),
            ("POST", format!("/api/v1/referrals/{id}/messages"), Some(r#"{"message": "hello"}"#)),
        ] {
            let r = w.app.api(method, &path, Some(&theirs), body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}: {}", r.body);
            assert_eq!(r.json()["error"]["code"], "not-found", "{}", r.body);
        }
        let trail = w.app.state.db.audit_for_org(other, 50).await.unwrap().entries;
        assert_eq!(trail.iter().filter(|e| e.action == "access.cross_org_denied").count(), 3, "each audited");
        let refer = json!({"recipient": format!("org:{other}"), "consent": "given", "lawful_basis": "consent",
            "reason": "other", "profile": "ngo"})
        .to_string();
        for (method, path, body) in [
            ("GET", "/api/v1/cases".to_owned(), None),
            ("POST", format!("/api/v1/cases/{}/referrals", w.case), Some(refer.as_str())),
        ] {
            let r = w.app.api(method, &path, Some(&w.cw), body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
            assert!(r.json()["error"]["code"].is_string(), "{}", r.body);
        }
        w.app.finish().await;
    }
}
