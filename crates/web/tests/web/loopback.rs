//! A partner's system or a learning record store on loopback, for the delivery
//! tests: it records the requests it is sent and answers with a status after a
//! delay, both of which a test may change while it runs.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};

pub type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// Which requests a [`Loopback`] keeps.
#[derive(Clone, Copy)]
pub enum Keep {
    /// Every request, as it arrives.
    Every,
    /// Only those it answers 200, once answered.
    Accepted,
}

pub struct Loopback {
    pub url: String,
    pub got: Received,
    /// The status it answers with, and the delay before it answers (ms).
    answer: Arc<(AtomicU16, AtomicU64)>,
    /// A request whose body holds this is answered 400 and not kept.
    refused: Arc<Mutex<Option<String>>>,
}

impl Loopback {
    /// Take POSTs to `route`, answering `status`; `url` is this server's address
    /// followed by `url_path`.
    pub async fn start(route: &str, url_path: &str, status: u16, keep: Keep) -> Self {
        let got: Received = Arc::default();
        let answer = Arc::new((AtomicU16::new(status), AtomicU64::new(0)));
        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let (sink, how, refuse) = (got.clone(), answer.clone(), refused.clone());
        let app = axum::Router::new().route(
            route,
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (sink, how, refuse) = (sink.clone(), how.clone(), refuse.clone());
                async move {
                    if refuse.lock().unwrap().as_deref().is_some_and(|m| body.contains(m)) {
                        return StatusCode::BAD_REQUEST;
                    }
                    let mut request = Some((headers, body));
                    if matches!(keep, Keep::Every) {
                        sink.lock().unwrap().extend(request.take());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(how.1.load(Ordering::SeqCst))).await;
                    let status = how.0.load(Ordering::SeqCst);
                    if status == 200 {
                        sink.lock().unwrap().extend(request);
                    }
                    StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{url_path}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, got, answer, refused }
    }

    /// Answer with `status` from now on.
    pub fn answer_with(&self, status: u16) {
        self.answer.0.store(status, Ordering::SeqCst);
    }

    /// Answer 400 (and keep nothing) to any request whose body holds `marker`, as an
    /// LRS refuses a whole batch for one statement it will not take.
    pub fn refuse_containing(&self, marker: &str) {
        *self.refused.lock().unwrap() = Some(marker.to_owned());
    }

    /// Wait `ms` milliseconds before answering, from now on.
    pub fn delay_ms(&self, ms: u64) {
        self.answer.1.store(ms, Ordering::SeqCst);
    }

    /// How many requests it has kept.
    pub fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    /// Header `name` of each request kept, in order.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.got.lock().unwrap().iter().map(|(h, _)| h[name].to_str().unwrap().to_owned()).collect()
    }
}
