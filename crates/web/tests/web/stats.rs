//! Issue 13, item 6: `/stats` (public) and `/orgs/{org}/stats` (its admins) publish
//! counts with small cells hidden; the CSV carries exactly the page's numbers.

use axum::http::{StatusCode, header};
use sightline_domain::triage::{CaseStatus, transition};
use sightline_domain::user::Role;

use crate::support::{TestApp, bulk_report, engines, make_person, token_for};

async fn file(app: &mut TestApp, token: &str, origin: &str, destination: &str, escalate: bool) {
    let id = app.put_short_report(token, (origin, destination)).await;
    if escalate {
        let org = app.user("crew@nw.example").await.org_id;
        let desk = app.user("desk@nw.example").await.id;
        let esc = transition(CaseStatus::Received, CaseStatus::Escalated, "", None).unwrap();
        #[allow(clippy::disallowed_methods)]
        let now = time::OffsetDateTime::now_utc();
        app.state.db.transition_case(org, id, 0, &esc, desk, now).await.unwrap();
    }
}

/// The text of the table row whose header is `name` in the section `id`.
fn row(body: &str, id: &str, name: &str) -> String {
    let section = body.split(&format!("<section class=\"stat\" aria-labelledby=\"{id}-h\">")).nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    let start = section.find(&format!("<th scope=\"row\">{name}</th>")).unwrap_or_else(|| panic!("{name} in {id}"));
    section[start..].split("</tr>").next().unwrap().to_owned()
}

#[tokio::test]
async fn statistics_hide_small_cells_on_the_page_and_in_the_csv() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let org = make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
        make_person(&app.state.db, "Nordic Wings", "desk@nw.example", &[Role::DeskAnalyst], None).await;
        let token = token_for(&app.state.db, "crew@nw.example").await;
        // 30 reports HEL → JFK (15 escalated), 24 HEL → DXB (12), 2 HEL → NBO: the small
        // route is hidden, and so is enough else that it cannot be worked out.
        for i in 0..30 {
            file(&mut app, &token, "HEL", "JFK", i < 15).await;
        }
        for i in 0..24 {
            file(&mut app, &token, "HEL", "DXB", i < 12).await;
        }
        for _ in 0..2 {
            file(&mut app, &token, "HEL", "NBO", false).await;
        }

        let mut anon = app.another_browser();
        let page = anon.get("/stats").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers.get(header::SET_COOKIE).is_none(), "no cookie");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        assert!(!page.body.contains("<script"));
        assert!(page.body.contains("<h1>Statistics</h1>"));
        let na = row(&page.body, "reports-route", "Europe → Northern America");
        assert!(na.ends_with("<td>30</td>"), "the total of a large row is kept: {na}");
        let africa = row(&page.body, "reports-route", "Europe → Africa");
        assert!(!africa.contains("<td>2</td>"), "2 is never shown: {africa}");
        assert!(africa.contains("<td class=\"h\">hidden</td>"), "{africa}");
        // Complementary suppression: with the column's total and the other cells shown,
        // the hidden 2 could be worked out; so the smallest other cell in its column
        // (Asia's 12 not escalated) and the total closing the cycle are hidden too.
        let asia = row(&page.body, "reports-route", "Europe → Asia");
        assert_eq!(
            asia,
            "<th scope=\"row\">Europe → Asia</th><td>12</td><td class=\"h\">hidden</td><td class=\"h\">hidden</td>"
        );
        assert_eq!(na, "<th scope=\"row\">Europe → Northern America</th><td>15</td><td>15</td><td>30</td>");
        let month = row(&page.body, "reports-month", "2026-11");
        assert!(month.contains("<td>27</td>") && month.contains("<td>29</td>") && month.contains("<td>56</td>"));
        assert!(page.body.contains("role=\"img\" aria-labelledby=\"reports-route-t\""), "a chart per table");
        assert!(page.body.contains("fewer than 11"), "the note says what hidden means");
        // Under the public pages' weight with everything it loads.
        let css = anon.get("/static/public.css").await.body.len();
        let icon = anon.get("/favicon.svg").await.body.len();
        assert!(page.body.len() + css + icon < 30 * 1024, "{} bytes", page.body.len() + css + icon);
        assert!(anon.get("/stats?lang=fi").await.body.contains("<h1>Tilastot</h1>"));

        let csv = anon.get("/stats.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        let mut lines = csv.body.lines();
        assert_eq!(lines.next().unwrap(), sightline_web::STATS_CSV_HEADER.join(","));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let by_route = |route: &str, escalated: &str| {
            rows.iter().find(|r| r[1] == "reportsByRoute" && r[8] == route && r[10] == escalated).unwrap().clone()
        };
        assert_eq!(&by_route("europe>northern_america", "total")[12..], ["30", "0"]);
        assert_eq!(&by_route("europe>africa", "0")[12..], ["", "1"], "hidden: no count, suppressed");
        // The CSV and the page hide the same numbers.
        let hidden_csv = rows.iter().filter(|r| r[13] == "1").count();
        let hidden_page = page.body.matches("<td class=\"h\">").count();
        assert_eq!(hidden_csv, hidden_page);
        assert!(rows.iter().all(|r| r[12].is_empty() || r[12] == "0" || r[12].parse::<u64>().unwrap() >= 11));
        // Referrals have a table of their own (none yet: zeros), the outcome in its column.
        let referrals: Vec<_> = rows.iter().filter(|r| r[1] == "referralsByMonth").collect();
        assert_eq!(referrals.len(), 13 * 5, "12 months and the total, 4 outcomes and the total");
        assert!(referrals.iter().any(|r| r[11] == "supported" && r[10].is_empty()));

        // The organisation's admins see their own; a platform admin too.
        let mut admin = app.another_browser();
        admin.set_up_platform_admin().await;
        let own = admin.get(&format!("/orgs/{org}/stats")).await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains("Nordic Wings"));
        assert!(row(&own.body, "reports-route", "Europe → Northern America").contains("<td>30</td>"));
        let own_csv = admin.get(&format!("/orgs/{org}/stats.csv")).await;
        assert!(own_csv.body.lines().nth(1).unwrap().starts_with("organisation,"));
        app.finish().await;
    }
}

/// With every sign, route and course the page has most to show: still under the
/// public pages' 30 KB with its stylesheet and icon.
#[tokio::test]
async fn the_statistics_page_stays_under_30_kb_with_every_sign_and_route() {
    let app = TestApp::with_content(engines().await.remove(0)).await;
    make_person(&app.state.db, "Nordic Wings", "crew@nw.example", &[Role::Reporter], None).await;
    let crew = app.user("crew@nw.example").await;
    let library = app.state.library.clone();
    let codes: Vec<String> = library.indicators.indicators.iter().map(|i| i.code.clone()).collect();
    let airports = ["HEL", "JFK", "GRU", "DXB", "NBO", "SYD"];
    let mut batch = Vec::new();
    for (i, o) in airports.iter().enumerate() {
        for (j, d) in airports.iter().enumerate() {
            for k in 0..40 {
                let signs = format!("{} {}", codes[(i * 7 + j * 3 + k) % codes.len()], codes[k % codes.len()]);
                batch.push(bulk_report(&library, &crew, format!("R{i}{j}{k}"), (o, d), signs));
            }
        }
    }
    let now = app.state.now();
    for chunk in batch.chunks(500) {
        app.state.db.put_reports(chunk, now - time::Duration::days(2)).await.unwrap();
    }
    // And people trained in every course every month.
    for course in &library.courses {
        for m in 0..12i64 {
            for k in 0..11 {
                let at = now - time::Duration::days(30 * m);
                let anon =
                    sightline_storage::Learner::Anonymous { hash: format!("{}-{m}-{k}", course.id).into_bytes() };
                let id = app.state.db.create_attempt(&anon, &course.id, "en", "[]", at).await.unwrap();
                app.state.db.submit_attempt(&anon, id, "[]", 100, true, None, at).await.unwrap();
                let cert = sightline_storage::NewCertificate {
                    code: format!("SL-{}-{m}-{k}", course.id),
                    attempt_id: id,
                    name: String::new(),
                    course_id: course.id.clone(),
                    lang: "en".into(),
                    issued_at: at,
                    valid_until: at + time::Duration::days(365),
                };
                app.state.db.issue_public_certificate(&anon, &cert).await.unwrap();
            }
        }
    }
    let mut anon = app.another_browser();
    let page = anon.get("/stats?lang=fi").await;
    assert_eq!(page.status, StatusCode::OK);
    let signs = page.body.split("aria-labelledby=\"reports-sign-h\"").nth(1).unwrap();
    assert_eq!(signs.matches("<th scope=\"row\">").count(), codes.len() + 1, "every sign and the total");
    let css = anon.get("/static/public.css").await.body.len();
    let icon = anon.get("/favicon.svg").await.body.len();
    let total = page.body.len() + css + icon;
    if let Some(path) = std::env::var_os("SIGHTLINE_STATS_DUMP") {
        std::fs::write(path, &page.body).unwrap();
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("/stats with every sign: {total} bytes\n").as_bytes(),
    );
    assert!(total < 30 * 1024, "{total} bytes");
    app.finish().await;
}

#[tokio::test]
async fn with_nothing_counted_the_page_says_so() {
    let mut app = TestApp::with_content(engines().await.remove(0)).await;
    let page = app.get("/stats").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("Nothing counted yet in these months.").count(), 6, "every table");
    assert!(!page.body.contains("<svg"));
    app.finish().await;
}
