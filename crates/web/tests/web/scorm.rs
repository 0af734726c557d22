//! Issue 14, item 3: the exported SCORM 1.2 package in headless Chromium inside a real
//! SCORM 1.2 runtime. The LMS side is npm `scorm-again` 3.4.3 (MIT; its
//! `dist/scorm12.min.js` is vendored in `fixtures/scorm-again/`, so the test needs no
//! network) as `window.API` of a small host page whose iframe loads the unzipped
//! package, all served on loopback. The learner reads, takes the check and answers
//! right (then, in a fresh runtime, mostly wrong); the test reads `lesson_status` and
//! the score back from the runtime. Skips, saying so, without Chromium; never in CI.

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use fantoccini::{Client, Locator};
use sightline_domain::learn::Course;

use crate::browser::{axe_violations, browser_available, click, shot, start_driver};

const SCORM_AGAIN: &str = include_str!("fixtures/scorm-again/scorm12.min.js");

/// The LMS: scorm-again's SCORM 1.2 API on `window`, every call logged in order.
const HOST: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="/scorm-again.js"></script>
<script>
  window.API = new Scorm12API({});
  window.lmsCalls = [];
  ["LMSInitialize", "LMSSetValue", "LMSCommit", "LMSFinish"].forEach(function (n) {
    var f = window.API[n].bind(window.API);
    window.API[n] = function () {
      var args = Array.prototype.slice.call(arguments);
      var r = f.apply(null, args);
      window.lmsCalls.push([n].concat(args).concat([String(r)]));
      return r;
    };
  });
</script></head>
<body style="margin:0"><iframe src="/pkg/index.html" title="Course" style="border:0;width:100%;height:100vh"></iframe></body></html>
"#;

/// The files served: the host page, the runtime and the unzipped package under `/pkg/`.
pub(crate) fn site(zip: &[u8]) -> HashMap<String, (&'static str, Vec<u8>)> {
    let mut files = HashMap::new();
    files.insert("/host.html".to_owned(), ("text/html; charset=utf-8", HOST.as_bytes().to_vec()));
    files.insert("/scorm-again.js".to_owned(), ("text/javascript", SCORM_AGAIN.as_bytes().to_vec()));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let kind = match name.rsplit('.').next() {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            _ => "application/xml",
        };
        files.insert(format!("/pkg/{name}"), (kind, bytes));
    }
    files
}

/// Serve `files` on a loopback port; the base URL.
pub(crate) async fn serve(files: HashMap<String, (&'static str, Vec<u8>)>) -> String {
    let files = Arc::new(files);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let files = files.clone();
        async move {
            match files.get(uri.path()) {
                Some((kind, bytes)) => ([(header::CONTENT_TYPE, *kind)], bytes.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// What the runtime holds: (lesson_status, score.raw, score.min, score.max) and the calls.
pub(crate) async fn runtime(c: &Client) -> ((String, String, String, String), Vec<Vec<String>>) {
    let v = c
        .execute(
            "var s = window.API.cmi.core; return [[s.lesson_status, s.score.raw, s.score.min, s.score.max], \
             window.lmsCalls];",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// In the package's frame: start the check and answer, `wrong` of them not the right
/// option (found by its text in the course's bank), then submit. The outcome shown.
pub(crate) async fn take_check(c: &Client, course: &Course, lang: &str, wrong: usize) -> String {
    click(c, "#start").await;
    let shown = c
        .execute(
            "return Array.from(document.querySelectorAll('fieldset.question')).map(f => [f.dataset.q, \
             Array.from(f.querySelectorAll('label.option')).map(l => [l.querySelector('input').value, \
             l.querySelector('span').textContent])]);",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<(String, Vec<(String, String)>)> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), course.draw);
    for (i, (id, options)) in shown.iter().enumerate() {
        let q = course.question(lang, id).unwrap().item;
        let right = &q.options[q.correct_index().unwrap()].text;
        let pick = options.iter().find(|(_, t)| (t == right) != (i < wrong)).unwrap();
        click(c, &format!("input[name='q-{id}'][value='{}']", pick.0)).await;
    }
    click(c, "#submit").await;
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css("#result[data-outcome]")).await {
            return el.attr("data-outcome").await.unwrap().unwrap_or_default();
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    shot(c, "failed-scorm").await;
    panic!("no result shown");
}

#[tokio::test]
async fn the_scorm_package_passes_and_fails_in_a_scorm_1_2_runtime_in_chromium() {
    if !browser_available() {
        return;
    }
    let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    let course = library.course("cabin-crew").unwrap().clone();
    let package = sightline_app::scorm::export(&course, "fi").unwrap();
    assert!(package.missing.is_empty(), "{:?}", package.missing);
    let base = serve(site(&package.bytes)).await;
    let (_driver, c) = start_driver().await;

    // A learner who knows the answers: passed, 100.
    c.goto(&format!("{base}/host.html")).await.unwrap();
    c.enter_frame(0).await.unwrap();
    let note_hidden = c.execute("return document.getElementById('lms-note').hidden", vec![]).await.unwrap();
    assert_eq!(note_hidden, serde_json::json!(true), "the SCO found the LMS API in its parent");
    assert!(c.find(Locator::Css("section.lesson h2")).await.is_ok(), "the lessons are shown");
    shot(&c, "scorm-lessons-390").await;
    let violations = axe_violations(&c).await;
    assert!(violations.is_empty(), "axe on the SCO: {violations:?}");
    assert_eq!(take_check(&c, &course, "fi", 0).await, "passed");
    shot(&c, "scorm-passed-390").await;
    c.enter_parent_frame().await.unwrap();
    let ((status, raw, min, max), calls) = runtime(&c).await;
    assert_eq!((status.as_str(), raw.as_str(), min.as_str(), max.as_str()), ("passed", "100", "0", "100"));
    let names: Vec<&str> = calls.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(names.first(), Some(&"LMSInitialize"));
    assert_eq!(names.last(), Some(&"LMSFinish"), "{calls:?}");
    assert!(names.contains(&"LMSCommit"));
    assert!(calls.iter().all(|c| c.last().map(String::as_str) == Some("true")), "every call succeeded: {calls:?}");
    assert!(calls.iter().any(|c| c[0] == "LMSSetValue" && c[1] == "cmi.core.session_time"));

    // A fresh runtime, three answers wrong: 70 % is under the pass mark of 80.
    c.goto(&format!("{base}/host.html")).await.unwrap();
    c.enter_frame(0).await.unwrap();
    assert_eq!(take_check(&c, &course, "fi", 3).await, "failed");
    assert!(c.find(Locator::Css("#start:not([hidden])")).await.is_ok(), "a new attempt is offered");
    let violations = axe_violations(&c).await;
    assert!(violations.is_empty(), "axe on the graded check: {violations:?}");
    shot(&c, "scorm-failed-390").await;
    c.enter_parent_frame().await.unwrap();
    let ((status, raw, _, _), calls) = runtime(&c).await;
    assert_eq!((status.as_str(), raw.as_str()), ("failed", "70"));
    assert!(!calls.iter().any(|c| c[0] == "LMSFinish"), "the session stays open for a new attempt");

    // The same at desktop width, for the docs.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/host.html")).await.unwrap();
    c.enter_frame(0).await.unwrap();
    take_check(&c, &course, "fi", 0).await;
    shot(&c, "scorm-passed-1280").await;
    c.close().await.unwrap();
}
