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
    pub status: Arc<AtomicU16>,
    pub delay_ms: Arc<AtomicU64>,
}

impl Loopback {
    /// Take POSTs to `route`, answering `status`; `url` is this server's address
    /// followed by `url_path`.
    pub async fn start(route: &str, url_path: &str, status: u16, keep: Keep) -> Self {
        let got: Received = Arc::default();
        let status = Arc::new(AtomicU16::new(status));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (sink, answer, delay) = (got.clone(), status.clone(), delay_ms.clone());
        let app = axum::Router::new().route(
            route,
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (sink, answer, delay) = (sink.clone(), answer.clone(), delay.clone());
                async move {
                    let mut request = Some((headers, body));
                    if matches!(keep, Keep::Every) {
                        sink.lock().unwrap().extend(request.take());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(delay.load(Ordering::SeqCst))).await;
                    let status = answer.load(Ordering::SeqCst);
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
        Self { url, got, status, delay_ms }
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
