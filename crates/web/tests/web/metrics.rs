//! Issue 15: `/metrics` — off without a token, refused without the right one, and
//! parsed by Prometheus's own client library (`prometheus_client`, PyPI): requests by
//! route pattern, reports stored, open reports per organisation id, each outbox, the
//! pool. No label carries report text, a name or an address.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use sightline_domain::user::Role;

use crate::support::{TestApp, engines, make_person, token_for};

const TOKEN: &str = "metrics-token-for-the-test-0123456789";

/// The scrape as `(name, labels, value)` per sample, read by `prometheus_client`'s
/// OpenMetrics parser (which refuses text that is not valid OpenMetrics).
fn parse(text: &str) -> Vec<(String, serde_json::Map<String, serde_json::Value>, f64)> {
    let script = "import sys, json\n\
        from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
        out = [[s.name, s.labels, s.value] for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]\n\
        print(json.dumps(out))";
    let mut child = match Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("python3 is needed to parse /metrics: {e}"),
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No module named 'prometheus_client'") {
        assert!(std::env::var_os("CI").is_none(), "prometheus_client must be installed in CI (.ci/run does)");
        eprintln!("SKIPPED parsing /metrics: pip install prometheus_client");
        return Vec::new();
    }
    assert!(out.status.success(), "not valid OpenMetrics: {err}\n{text}");
    let v: Vec<(String, serde_json::Map<String, serde_json::Value>, f64)> =
        serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v.is_empty(), "no samples in {text}");
    v
}

fn value(
    samples: &[(String, serde_json::Map<String, serde_json::Value>, f64)],
    name: &str,
    labels: &[(&str, &str)],
) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| n == name && labels.iter().all(|(k, want)| l.get(*k).and_then(|v| v.as_str()) == Some(*want)))
        .map(|s| s.2)
}

#[tokio::test]
async fn metrics_need_their_token_and_parse_as_openmetrics() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        // Off by default.
        assert_eq!(app.get("/metrics").await.status, StatusCode::NOT_FOUND);
        app.reconfigure(|c| c.with_metrics_token(TOKEN));

        let org = make_person(&app.state.db, "Nordic Wings", "canary.crew@nw.example", &[Role::Reporter], None).await;
        let token = token_for(&app.state.db, "canary.crew@nw.example").await;
        let canary = "CANARY-7F3A he kept both passports";
        for _ in 0..2 {
            let put = format!("/api/v1/reports/{}", uuid::Uuid::now_v7());
            let r = app.api("PUT", &put, Some(&token), Some(&crate::reports::body(canary))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }

        for auth in [None, Some("wrong-token-of-enough-length-000000")] {
            let r = app.api("GET", "/metrics", auth, None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        }
        // A scrape never reads the database: before the background job's first pass
        // there are no database counts at all, and their age is infinite.
        let r = app.api("GET", "/metrics", Some(TOKEN), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("sightline_open_reports{"), "{}", r.body);
        assert!(r.body.contains("sightline_database_counts_age_seconds inf"), "{}", r.body);
        app.state.metrics.load_counts(&app.state.app).await.unwrap();
        let r = app.api("GET", "/metrics", Some(TOKEN), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.body.contains("CANARY") && !r.body.contains("nw.example") && !r.body.contains("Nordic"),
            "{}",
            r.body
        );
        let samples = parse(&r.body);
        if samples.is_empty() {
            continue;
        }
        let route = "/api/v1/reports/{id}";
        assert_eq!(
            value(&samples, "sightline_http_requests_total", &[("route", route), ("method", "PUT"), ("status", "201")]),
            Some(2.0)
        );
        assert_eq!(value(&samples, "sightline_http_request_duration_seconds_count", &[("route", route)]), Some(2.0));
        assert_eq!(value(&samples, "sightline_reports_stored_total", &[]), Some(2.0));
        assert_eq!(value(&samples, "sightline_open_reports", &[("org", &org.to_string())]), Some(2.0));
        for outbox in ["mail", "alert_webhook", "alert_email", "referral_webhook"] {
            assert!(value(&samples, "sightline_outbox_pending", &[("outbox", outbox)]).is_some(), "{outbox}");
            assert!(value(&samples, "sightline_outbox_given_up", &[("outbox", outbox)]).is_some(), "{outbox}");
        }
        assert!(value(&samples, "sightline_db_pool_connections_max", &[]).unwrap() >= 1.0);
        // Paths with ids are never labels: only route patterns.
        let routes: std::collections::BTreeSet<&str> =
            samples.iter().filter_map(|(_, l, _)| l.get("route").and_then(|r| r.as_str())).collect();
        assert_eq!(routes, [route, "/metrics"].into_iter().collect(), "{routes:?}");
        app.finish().await;
    }
}
