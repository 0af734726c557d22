//! Issue 15: the server's logs (JSON lines with `--log-format json`, every level on)
//! over a reporter's journey and failing deliveries carry no report text, no name and
//! no e-mail address.

use std::time::{Duration, Instant};

use uuid::Uuid;

use super::probes::put;
use super::{run, start, temp_dir};

#[test]
fn logs_of_a_journey_carry_no_report_text_names_or_addresses() {
    let data = temp_dir();
    // Every level of every crate, so that anything that would leak, leaks here.
    let server = start(
        &["--demo", "--log-format", "json", "--smtp-url", "smtp://127.0.0.1:9", "--allow-private-webhooks"],
        &data,
        &[("RUST_LOG", "trace,hyper=debug,h2=debug")],
    );
    let port = server.port;
    // Alerts go to an address and a webhook nobody answers: their failures are logged.
    let out =
        run(&["admin", "set-alert-email", "--org", "Demo Airline", "--email", "alerts.canary@desk.example"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["admin", "set-webhook", "--org", "Demo Airline", "--url", "http://127.0.0.1:9/canary-hook"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["admin", "create-token", "--email", "crew@demo-airline.example"], &data);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/report.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("id");
    o.insert("free_text".into(), "CANARY-TEXT-91b4 he held both passports".into());
    o.insert(
        "victims".into(),
        serde_json::json!([{ "age_range": "teen", "gender": "female", "clothing": "CANARY-COAT-5d2e" }]),
    );
    let body = v.to_string();
    let id = Uuid::now_v7();
    assert!(matches!(put(port, &token, id, &body), Some((201, _))));
    assert!(matches!(put(port, &token, id, &body), Some((200, _))), "a replay");
    let other = body.replace("CANARY-TEXT-91b4", "CANARY-CHANGED-77aa");
    assert!(matches!(put(port, &token, id, &other), Some((409, _))), "a conflict");
    let bad = body.replace("\"HEL\"", "\"CANARY-AIRPORT\"");
    assert!(matches!(put(port, &token, Uuid::now_v7(), &bad), Some((422, _))), "an invalid report");

    // Wait until both alert channels have failed at least once (their jobs run every 15 s).
    let log = data.join("stderr.log");
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("alert not delivered") && text.matches("alert not delivered").count() >= 2 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no delivery failure logged:\n{text}");
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(server.terminate(), 0);

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 20, "trace logging was on: {} lines", lines.len());
    for line in &lines {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok_and(|v| v.get("level").is_some()), "not a JSON log line: {line}");
    }
    for canary in [
        "CANARY",
        "held both passports",
        "alerts.canary",
        "@desk.example",
        "@demo-airline.example",
        "Cabin Crew Demo",
        "Desk Analyst Demo",
    ] {
        let hits: Vec<&&str> = lines.iter().filter(|l| l.contains(canary)).take(3).collect();
        assert!(hits.is_empty(), "the logs carry {canary:?}: {hits:#?}");
    }
    let _ = std::fs::remove_dir_all(&data);
}
