//! `/metrics`: the server's health in the OpenMetrics text format that Prometheus
//! scrapes. Requests and their latency by route (the route's pattern, never a path
//! with ids in it), reports stored, open reports per organisation (by id: no names),
//! each outbox's backlog and failures, and the database pool's use. No report text,
//! name or address is ever a label.
//!
//! Off unless the operator sets a token (`serve --metrics-token`): the scraper sends
//! it as `Authorization: Bearer …`. Or on an address of its own
//! (`serve --metrics-listen`, [`MetricsServer`]): served by a thread with its own
//! runtime, so a scrape never waits for a web worker busy with other requests; there
//! the token is asked for only when one is set (the address is the protection).
//! Counts read from the database are refreshed by a
//! background job every [`FRESH`] (`sightline serve`'s "metrics counts",
//! [`Metrics::load_counts`]); a scrape never touches the database: it sets the
//! process's own gauges and encodes.

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sightline_app::App;

use crate::AppState;
use crate::error::WebError;
use crate::security::constant_time_eq;

/// How old the database's counts may be.
pub const FRESH: Duration = Duration::from_secs(10);

/// Request latency buckets, seconds: 1 ms to 5 s.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OrgLabels {
    org: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    outbox: String,
}

type Seconds = Gauge<f64, AtomicU64>;

/// Every metric this process exports.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    reports_stored: Counter,
    open_reports: Family<OrgLabels, Gauge>,
    outbox_pending: Family<OutboxLabels, Gauge>,
    outbox_failing: Family<OutboxLabels, Gauge>,
    outbox_given_up: Family<OutboxLabels, Gauge>,
    purged_cases: Gauge,
    pool_open: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    counts_age: Seconds,
    counts_at: Mutex<Option<Instant>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sightline");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| Histogram::new(BUCKETS));
        let reports_stored = Counter::default();
        let open_reports = Family::<OrgLabels, Gauge>::default();
        let (outbox_pending, outbox_failing, outbox_given_up) =
            (Family::default(), Family::default(), Family::default());
        let (pool_open, pool_idle, pool_max) = (Gauge::default(), Gauge::default(), Gauge::default());
        let purged_cases = Gauge::default();
        let counts_age = Seconds::default();
        registry.register("http_requests", "HTTP requests answered, by route pattern and status", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern",
            latency.clone(),
        );
        registry.register(
            "reports_stored",
            "Crew reports this process stored (replays not counted)",
            reports_stored.clone(),
        );
        registry.register("open_reports", "Reports not closed, per organisation id", open_reports.clone());
        for (name, help, family) in [
            ("outbox_pending", "Deliveries waiting to be sent, per outbox", &outbox_pending),
            ("outbox_failing", "Deliveries waiting that already failed at least once, per outbox", &outbox_failing),
            ("outbox_given_up", "Deliveries given up (dead letters), per outbox", &outbox_given_up),
        ] {
            registry.register(name, help, family.clone());
        }
        registry.register(
            "purged_cases",
            "Closed cases whose text the retention purge removed (tombstones)",
            purged_cases.clone(),
        );
        for (name, help, gauge) in [
            ("db_pool_connections_open", "Database connections open", &pool_open),
            ("db_pool_connections_idle", "Database connections open and idle", &pool_idle),
            ("db_pool_connections_max", "Database connections allowed", &pool_max),
        ] {
            registry.register(name, help, gauge.clone());
        }
        registry.register(
            "database_counts_age_seconds",
            "How old the counts read from the database are",
            counts_age.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            reports_stored,
            open_reports,
            outbox_pending,
            outbox_failing,
            outbox_given_up,
            purged_cases,
            pool_open,
            pool_idle,
            pool_max,
            counts_age,
            counts_at: Mutex::new(None),
        }
    }

    fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let (method, route) = (method.to_owned(), route.to_owned());
        self.latency
            .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
            .observe(elapsed.as_secs_f64());
        self.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }

    /// Read the database's counts into the gauges (the background job's pass, every
    /// [`FRESH`]; never a scrape).
    ///
    /// # Errors
    /// The database failed; the gauges keep their last values and the counts' age grows.
    pub async fn load_counts(&self, app: &App) -> Result<(), String> {
        let ops = app.operations().await.map_err(|e| format!("metrics: the database's counts: {e}"))?;
        for (org, n) in ops.open_reports {
            self.open_reports.get_or_create(&OrgLabels { org: org.to_string() }).set(n);
        }
        for (name, c) in ops.outboxes {
            let l = OutboxLabels { outbox: name.to_owned() };
            self.outbox_pending.get_or_create(&l).set(c.pending);
            self.outbox_failing.get_or_create(&l).set(c.failing);
            self.outbox_given_up.get_or_create(&l).set(c.given_up);
        }
        self.purged_cases.set(ops.purged_cases);
        if let Ok(mut at) = self.counts_at.lock() {
            *at = Some(Instant::now());
        }
        Ok(())
    }

    /// The process's own gauges, from memory: the pool, reports stored, the database
    /// counts' age. No database read.
    fn refresh(&self, state: &AppState) {
        let pool = state.pool_use();
        self.pool_open.set(i64::from(pool.open));
        self.pool_idle.set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
        let stored = state.reports_stored();
        self.reports_stored.inc_by(stored.saturating_sub(self.reports_stored.get()));
        let at = self.counts_at.lock().ok().and_then(|g| *g);
        self.counts_age.set(at.map_or(f64::INFINITY, |t| t.elapsed().as_secs_f64()));
    }
}

/// Count and time every request that matched a route (route layer).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let res = next.run(req).await;
    if let Some(route) = route {
        state.metrics.observe(&method, &route, res.status().as_u16(), started.elapsed());
    }
    res
}

/// `GET /metrics`: 404 unless a token is configured; 401 without it.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(WebError::for_status(StatusCode::NOT_FOUND));
    };
    if let Some(refused) = refuse(&headers, expected) {
        return Ok(refused);
    }
    render(&state).map_err(WebError::Internal)
}

/// 401 unless the request carries the token.
fn refuse(headers: &HeaderMap, expected: &str) -> Option<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return None;
    }
    let mut res = (StatusCode::UNAUTHORIZED, "a metrics token is required\n").into_response();
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Some(res)
}

/// The scrape's body, from memory.
fn render(state: &AppState) -> Result<Response, String> {
    state.metrics.refresh(state);
    let mut text = String::with_capacity(16 * 1024);
    prometheus_client::encoding::text::encode(&mut text, &state.metrics.registry)
        .map_err(|e| format!("metrics could not be written: {e}"))?;
    let mut res = text.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /metrics` on the metrics address: the token only when one is set.
async fn scrape_own_address(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = state.config.metrics_token.as_deref().and_then(|t| refuse(&headers, t)) {
        return refused;
    }
    render(&state).unwrap_or_else(|e| {
        tracing::error!(error = %e, "metrics");
        (StatusCode::INTERNAL_SERVER_ERROR, "metrics could not be written\n").into_response()
    })
}

/// `/metrics` on an address of its own (`serve --metrics-listen`): one thread with a
/// single-threaded runtime that serves nothing else, so a scrape is answered as soon
/// as the operating system runs that thread — never queued behind requests the web
/// server's workers are busy with. The body is the main address's.
pub struct MetricsServer {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MetricsServer {
    /// Serve `/metrics` of `state` on `listener` until [`MetricsServer::stop`].
    ///
    /// # Errors
    /// The runtime or the thread could not be made.
    pub fn start(listener: std::net::TcpListener, state: AppState) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new()
            .route("/metrics", axum::routing::get(scrape_own_address))
            .fallback(|| async { (StatusCode::NOT_FOUND, "only /metrics is served here\n") })
            .with_state(state);
        let thread = std::thread::Builder::new().name("sightline-metrics".into()).spawn(move || {
            runtime.block_on(async move {
                let served = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(e) = served {
                    tracing::error!(error = %e, "the metrics address stopped");
                }
            });
        })?;
        Ok(Self { stop: Some(stop), thread: Some(thread) })
    }

    /// Stop serving (an answer being written is finished first) and wait for the thread.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}
