//! Issue 13, item 5: partner pages. An NGO's admins write the page at
//! `/orgs/{org}/partner-page` (https-only links, every message at its field with the
//! input kept; nobody else may); anyone reads it at `/partners/{slug}` once published,
//! with impact figures below k = 11 shown as "fewer than 11"; `/public` and
//! `/partners` list the published ones.

use axum::http::{StatusCode, header};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::referral::{ReferralStatus, Support};
use sightline_domain::user::Role;
use sightline_storage::ReferralStep;

use crate::support::{PASSWORD, TestApp, engines, make_person, token_for, unescape};

async fn ngo(app: &TestApp, name: &str) -> OrgId {
    let now = app.state.now();
    app.state
        .db
        .create_org(&OrgName::parse(name).unwrap(), OrgKind::Ngo, NewAuditEntry::new(AuditAction::OrgCreated), now)
        .await
        .unwrap()
}

/// A report filed by the airline's crew and referred by its desk to `to`; with
/// `support`, accepted by the partner with shelter recorded.
async fn referral(app: &mut TestApp, token: &str, (airline, desk): (OrgId, UserId), to: OrgId, support: bool) {
    let report_id = app.put_short_report(token, ("HEL", "JFK")).await;
    let db = &app.state.db;
    let now = app.state.now();
    let referral = sightline_storage::testing::ngo_referral(report_id, to, "Harbour NGO");
    let id = referral.id;
    let made = NewAuditEntry::new(AuditAction::ReferralMade).org(airline).actor(desk);
    db.create_referral(airline, &referral, desk, &made, now).await.unwrap();
    if support {
        let worker = db
            .user_by_email(&sightline_domain::user::Email::parse("cw@harbour.example").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let audit = NewAuditEntry::new(AuditAction::ReferralUpdated).org(to).actor(worker);
        let step = |to, support: Option<&'static [Support]>| ReferralStep {
            support,
            ..sightline_storage::testing::referral_step(to, "step", worker)
        };
        let v = db.referral_step(to, id, 1, &step(ReferralStatus::Accepted, None), &audit, now).await.unwrap();
        db.referral_step(to, id, v, &step(ReferralStatus::Accepted, Some(&[Support::Shelter])), &audit, now)
            .await
            .unwrap();
    }
}

/// The figure shown for `label` on a partner page.
fn figure(body: &str, label: &str) -> String {
    let at = body.find(&format!("</span> {label}</li>")).unwrap_or_else(|| panic!("{label} in {body}"));
    let start = body[..at].rfind('>').unwrap() + 1;
    body[start..at].to_owned()
}

fn fields<'a>(about: &'a str, donation: &'a str, published: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("version", "0"),
        ("slug", "harbour-ngo"),
        ("about", about),
        ("service_shelter", "on"),
        ("service_legal_aid", "on"),
        ("phone", "+358 40 123 4567"),
        ("website", "https://harbour.example/"),
        ("email", ""),
        ("donation_url", donation),
    ];
    if published {
        f.push(("published", "on"));
    }
    f
}

#[tokio::test]
async fn an_ngo_admin_publishes_a_partner_page_with_an_https_donation_link_and_suppressed_figures() {
    for db in engines().await {
        let mut admin = TestApp::with_content(db).await;
        let org = ngo(&admin, "Harbour NGO").await;
        let db = admin.state.db.clone();
        make_person(&db, "Harbour NGO", "admin@harbour.example", &[Role::OrgAdmin], None).await;
        make_person(&db, "Harbour NGO", "cw@harbour.example", &[Role::Caseworker], None).await;
        admin.sign_in_and_enrol("admin@harbour.example").await;
        let page = format!("/orgs/{org}/partner-page");

        // The first form suggests the address from the name.
        let form = admin.get(&page).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("value=\"harbour-ngo\""));
        let people = admin.get(&format!("/orgs/{org}/users")).await;
        assert!(people.body.contains(&format!("href=\"{page}\"")), "the admins find it from their people page");

        // A donation link that is not https: the message at its field, every input kept.
        let about = "We run a shelter <in> Helsinki.\n\nAnd a hotline.";
        for bad in ["http://donate.harbour.example/", "javascript:alert(1)"] {
            let r = admin.submit(&page, &page, &fields(about, bad, true)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            let body = unescape(&r.body);
            assert!(body.contains("Use an address starting with https:// (no other kind of link)."), "{body}");
            assert!(r.body.contains("id=\"donation_url-error\""));
            assert!(
                r.body.contains("id=\"donation_url\" name=\"donation_url\"")
                    && body.contains(&format!("value=\"{bad}\""))
            );
            assert!(body.contains(about), "the text is kept");
            assert!(r.body.contains("name=\"service_legal_aid\" value=\"on\" checked"), "the ticks are kept");
        }
        let credentials = admin.submit(&page, &page, &fields(about, "https://u:p@donate.example/", true)).await;
        assert_eq!(credentials.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(db.partner_page(org).await.unwrap().is_none(), "nothing was stored");

        // Saved as a draft: not public yet.
        let r = admin.submit(&page, &page, &fields(about, "https://donate.harbour.example/", false)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("The partner page is saved."));
        let mut anon = admin.another_browser();
        let missing = anon.get("/partners/harbour-ngo").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "unpublished");
        assert!(missing.body.contains("No such partner page"));
        assert_eq!(anon.get("/partners/no-such-partner").await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get("/partners/%2e%2e").await.status, StatusCode::NOT_FOUND);
        assert!(!anon.get("/public").await.body.contains("Harbour NGO"));

        // Published (the form carries the version it was read at).
        let form = admin.get(&page).await;
        let mut publish = fields(about, "https://donate.harbour.example/", true);
        publish[0] = ("version", "1");
        let r = admin.submit(&page, &page, &publish).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("href=\"/partners/harbour-ngo\""));
        // A form read before that save is stale: nothing is overwritten.
        let csrf = crate::support::csrf_of(&form.body);
        let mut stale = fields(about, "https://x.example/", false);
        stale.insert(0, ("csrf", csrf.as_str()));
        let stale = admin.post_form(&page, &stale).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        let audit = db.audit_for_org(org, 50).await.unwrap().entries;
        assert_eq!(audit.iter().filter(|e| e.action == "org.partner_page_changed").count(), 2);

        // Three referrals received, none supported yet: "fewer than 11" and 0.
        let airline = make_person(&db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        make_person(&db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let desk = admin.user("desk@nw.example").await.id;
        let token = token_for(&db, "crew@nw.example").await;
        for _ in 0..3 {
            referral(&mut admin, &token, (airline, desk), org, false).await;
        }
        let public = anon.get("/partners/harbour-ngo").await;
        assert_eq!(public.status, StatusCode::OK, "{}", public.body);
        assert!(public.headers.get(header::SET_COOKIE).is_none(), "no cookie");
        assert_eq!(public.headers[header::REFERRER_POLICY], "no-referrer");
        assert!(public.headers[header::CACHE_CONTROL].to_str().unwrap().contains("no-store"));
        assert!(!public.body.contains("<script"));
        assert!(public.body.contains("<h1>Harbour NGO</h1>"));
        assert!(public.body.contains("We run a shelter &#60;in&#62; Helsinki."), "the text is escaped");
        assert!(public.body.contains("href=\"https://donate.harbour.example/\" rel=\"noopener noreferrer nofollow\""));
        assert!(public.body.contains("href=\"tel:+358401234567\""));
        assert!(public.body.contains("<li>Shelter</li><li>Legal aid</li>"));
        assert_eq!(figure(&public.body, "Referrals received"), "fewer than 11");
        assert_eq!(figure(&public.body, "People supported after a referral"), "0");
        assert_eq!(figure(&public.body, "People of the organisation trained with Sightline"), "0");
        assert!(!public.body.contains(">3</span>"), "3 is never shown");
        // Light: the page with everything it loads.
        let weight = public.body.len()
            + anon.get("/static/public.css").await.body.len()
            + anon.get("/static/partners.css").await.body.len()
            + anon.get("/favicon.svg").await.body.len();
        assert!(weight < 20 * 1024, "{weight} bytes");
        assert!(anon.get("/partners/harbour-ngo?lang=fi").await.body.contains("Vastaanotetut ohjaukset"));

        // Twelve received, eleven with support recorded: both shown.
        for _ in 0..9 {
            referral(&mut admin, &token, (airline, desk), org, true).await;
        }
        for _ in 0..2 {
            referral(&mut admin, &token, (airline, desk), org, true).await;
        }
        let public = anon.get("/partners/harbour-ngo").await;
        assert_eq!(figure(&public.body, "Referrals received"), "14");
        assert_eq!(figure(&public.body, "People supported after a referral"), "11");

        // /stats counts the referrals by month and outcome, small cells hidden.
        let stats = anon.get("/stats").await;
        let section = stats.body.split("aria-labelledby=\"referrals-h\"").nth(1).unwrap();
        let section = section.split("</section>").next().unwrap();
        assert!(section.contains("role=\"img\" aria-labelledby=\"referrals-t\""), "a chart beside the table");
        assert!(section.contains("<th>Support recorded</th>") && section.contains("<td class=\"h\">hidden</td>"));
        assert!(!section.contains("<td>3</td>"), "3 waiting is never shown: {section}");

        // The lists: the public home and /partners.
        let home = anon.get("/public").await;
        assert!(home.body.contains("<a href=\"/partners/harbour-ngo?lang=en\">Harbour NGO</a>"), "{}", home.body);
        let list = anon.get("/partners").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Harbour NGO") && list.body.contains("Shelter · Legal aid"));
        assert!(list.headers.get(header::SET_COOKIE).is_none());
        admin.finish().await;
    }
}

#[tokio::test]
async fn only_the_organisations_admins_edit_its_partner_page() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let org = ngo(&app, "Harbour NGO").await;
        let other = ngo(&app, "Other NGO").await;
        let db = app.state.db.clone();
        make_person(&db, "Harbour NGO", "learner@harbour.example", &[Role::Learner], None).await;
        make_person(&db, "Other NGO", "admin@other.example", &[Role::OrgAdmin], None).await;
        let airline = make_person(&db, "Nordic Wings", "admin@nw.example", &[Role::OrgAdmin], None).await;
        let page = format!("/orgs/{org}/partner-page");

        // Anonymous: to sign in.
        let r = app.get(&page).await;
        assert_eq!(r.location.as_deref(), Some("/login"));

        // A learner of the organisation: forbidden.
        app.sign_in("learner@harbour.example", PASSWORD).await;
        assert_eq!(app.get(&page).await.status, StatusCode::FORBIDDEN);

        // Another NGO's admin: not found, and the attempt is audited; their own page
        // cannot be saved over this one's address either.
        let mut other_admin = app.another_browser();
        other_admin.sign_in_and_enrol("admin@other.example").await;
        assert_eq!(other_admin.get(&page).await.status, StatusCode::NOT_FOUND);
        let own = format!("/orgs/{other}/partner-page");
        let csrf = crate::support::csrf_of(&other_admin.get(&own).await.body);
        let mut f = fields("About", "https://donate.example/", true);
        f.insert(0, ("csrf", csrf.as_str()));
        let r = other_admin.post_form(&page, &f).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let who = app.user("admin@other.example").await.id;
        let denied = db.audit_for_org(other, 50).await.unwrap().entries;
        assert!(denied.iter().any(|e| e.action == "access.cross_org_denied" && e.actor == Some(who)), "{denied:?}");
        assert!(db.partner_page(org).await.unwrap().is_none());
        // Their own page takes the address first; then this NGO cannot have it.
        let r = other_admin.post_form(&own, &f).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let mut admin = app.another_browser();
        make_person(&db, "Harbour NGO", "admin@harbour.example", &[Role::OrgAdmin], None).await;
        admin.sign_in_and_enrol("admin@harbour.example").await;
        let r = admin.submit(&page, &page, &fields("About", "https://donate.example/", true)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unescape(&r.body).contains("Another organisation's page has this address."));

        // An airline has no partner page.
        let mut airline_admin = app.another_browser();
        airline_admin.sign_in_and_enrol("admin@nw.example").await;
        assert_eq!(airline_admin.get(&format!("/orgs/{airline}/partner-page")).await.status, StatusCode::FORBIDDEN);
        app.finish().await;
    }
}
