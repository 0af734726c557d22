//! The live queue (issue 16, item 2): `GET /desk/events` pushes a changed case's id to
//! the desks of its organisation only; a reconnect with `Last-Event-ID` gets what it
//! missed; a signed-out session's stream ends; streams are bounded per person and
//! per server. Both engines.

use std::time::Duration;

use axum::http::StatusCode;
use sightline_app::live::{FeedMode, StreamLimits};
use sightline_domain::user::Role;

use crate::support::{Next, TestApp, engines};

const SOON: Duration = Duration::from_secs(3);
const QUIET: Duration = Duration::from_millis(1500);

async fn file(app: &mut TestApp, token: &str, free_text: &str) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    app.put_report(token, id, &crate::reports::body(free_text)).await;
    id
}

/// Airline A's crew member and analyst, airline B's analyst; `a` signed in as A's
/// analyst, `b` (another browser) as B's. Returns A's crew token.
async fn two_desks(app: &mut TestApp) -> (TestApp, String) {
    let db = app.state.db.clone();
    crate::support::make_person(&db, "Airline A", "crew@a.example", &[Role::Reporter], None).await;
    crate::support::make_person(&db, "Airline A", "desk@a.example", &[Role::DeskAnalyst], None).await;
    crate::support::make_person(&db, "Airline B", "desk@b.example", &[Role::DeskAnalyst], None).await;
    let token = crate::support::token_for(&db, "crew@a.example").await;
    app.sign_in_and_enrol("desk@a.example").await;
    let mut b = app.another_browser();
    b.sign_in_and_enrol("desk@b.example").await;
    (b, token)
}

fn app_on(db: sightline_storage::testing::TestDb, limits: StreamLimits) -> impl Future<Output = TestApp> {
    TestApp::builder().on(db).with_content().with_live_feed(FeedMode::Notify, limits).build()
}

#[tokio::test]
async fn a_report_reaches_only_its_own_organisations_open_streams() {
    for db in engines().await {
        let mut a = app_on(db, StreamLimits::default()).await;
        let (mut b, token) = two_desks(&mut a).await;
        let (status, stream_a) = a.open_events(None).await;
        assert_eq!(status, StatusCode::OK);
        let mut stream_a = stream_a.unwrap();
        let mut stream_b = b.open_events(None).await.1.unwrap();

        let id = file(&mut a, &token, "SECRET-FREE-TEXT").await;
        let e = stream_a.expect(SOON).await;
        assert_eq!(e.event, "queue");
        assert!(e.data.contains(&id.to_string()) && e.data.contains("\"new\""), "{e:?}");
        assert!(!e.data.contains("SECRET") && !e.data.contains("AY"), "ids only, never the report: {e:?}");
        assert!(e.id.parse::<i64>().unwrap() > 0);
        assert_eq!(stream_b.next(QUIET).await, Next::Quiet, "airline B's desk hears nothing of A's report");

        // A's queue page says it is live (the script's words are on the page).
        let page = a.get("/desk").await;
        assert!(page.body.contains("data-live=\"Live: new reports appear as they arrive.\""), "{}", page.body);
        a.finish().await;
    }
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_receives_what_it_missed() {
    for db in engines().await {
        let mut a = app_on(db, StreamLimits::default()).await;
        let (_b, token) = two_desks(&mut a).await;
        let mut stream = a.open_events(None).await.1.unwrap();
        let first = file(&mut a, &token, "one").await;
        let seen = stream.expect(SOON).await;
        assert!(seen.data.contains(&first.to_string()));
        drop(stream);

        // Two reports while the browser is away.
        let second = file(&mut a, &token, "two").await;
        let third = file(&mut a, &token, "three").await;
        let last: i64 = seen.id.parse().unwrap();
        let mut again = a.open_events(Some(last)).await.1.unwrap();
        let x = again.expect(SOON).await;
        let y = again.expect(SOON).await;
        let mut missed = [second.to_string(), third.to_string()];
        missed.sort();
        let mut got = [x.data.clone(), y.data.clone()];
        got.sort();
        assert!(got[0].contains(&missed[0]) && got[1].contains(&missed[1]), "{got:?}");
        assert!(x.id.parse::<i64>().unwrap() < y.id.parse::<i64>().unwrap(), "in order");
        assert_eq!(again.next(QUIET).await, Next::Quiet, "nothing twice");
        // And it goes on live after the replay.
        let fourth = file(&mut a, &token, "four").await;
        assert!(again.expect(SOON).await.data.contains(&fourth.to_string()));

        // The page's first connection starts after the change its rows were rendered
        // at (`data-after`): a report filed in between is not missed.
        let page = a.get("/desk").await;
        let after = crate::support::between(&page.body, "data-after=\"", "\"");
        let fifth = file(&mut a, &token, "five").await;
        let mut first = a.open_events_at(&format!("/desk/events?after={after}"), None).await.1.unwrap();
        assert!(
            first.expect(SOON).await.data.contains(&fifth.to_string()),
            "the report filed before the stream opened"
        );
        assert_eq!(first.next(QUIET).await, Next::Quiet);
        // The browser's own Last-Event-ID (a reconnect) wins over the page's `after`.
        let mut again = a.open_events_at("/desk/events?after=0", Some(i64::MAX)).await.1.unwrap();
        assert_eq!(again.next(QUIET).await, Next::Quiet);

        // An id whose changes were pruned: the browser is told to re-read the queue.
        a.state.db.prune_queue_changes(a.state.now() + time::Duration::days(1), 1000).await.unwrap();
        let mut reset = a.open_events(Some(last)).await.1.unwrap();
        assert_eq!(reset.expect(SOON).await.event, "reset");
        a.finish().await;
    }
}

#[tokio::test]
async fn a_signed_out_sessions_stream_ends() {
    for db in engines().await {
        let limits = StreamLimits { recheck: Duration::from_millis(200), ..StreamLimits::default() };
        let mut a = app_on(db, limits).await;
        let (_b, _token) = two_desks(&mut a).await;
        let mut stream = a.open_events(None).await.1.unwrap();
        assert_eq!(stream.next(Duration::from_millis(500)).await, Next::Quiet, "open while signed in");
        let r = a.submit("/desk", "/logout", &[]).await;
        assert_eq!(r.location.as_deref(), Some("/login"));
        assert_eq!(stream.next(SOON).await, Next::Ended, "the stream ends with the session");
        // And a new one is refused (to the sign-in page).
        let (status, _) = a.open_events(None).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        a.finish().await;
    }
}

#[tokio::test]
async fn streams_are_bounded_per_person_and_per_server() {
    for db in engines().await {
        let limits = StreamLimits { per_node: 3, per_user: 2, ..StreamLimits::default() };
        let mut a = app_on(db, limits).await;
        let (mut b, _token) = two_desks(&mut a).await;
        let one = a.open_events(None).await;
        let two = a.open_events(None).await;
        assert_eq!((one.0, two.0), (StatusCode::OK, StatusCode::OK));
        let (status, _) = a.open_events(None).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a third tab of one person");
        let three = b.open_events(None).await;
        assert_eq!(three.0, StatusCode::OK);
        // The server is full: another person is told to come back (503).
        let db = a.state.db.clone();
        crate::support::make_person(&db, "Airline A", "desk2@a.example", &[Role::DeskAnalyst], None).await;
        let mut c = a.another_browser();
        c.sign_in_and_enrol("desk2@a.example").await;
        let (status, _) = c.open_events(None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        // A closed stream gives its place back.
        drop(one);
        let four = c.open_events(None).await;
        assert_eq!(four.0, StatusCode::OK);
        assert_eq!(a.state.live.open_streams(), 3);
        drop((two, three, four));
        assert_eq!(a.state.live.open_streams(), 0);
        a.finish().await;
    }
}
