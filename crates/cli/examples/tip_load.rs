//! Benchmark (not a test): anonymous tip ingest under load. A real server (the same
//! router as `sightline serve`, in this process, on a fresh SQLite file or a
//! PostgreSQL database) and `SENDERS` concurrent senders that each, as fast as they
//! can for `SECONDS`: open `/tip` (a fresh signed challenge and the CSRF cookie),
//! solve the proof-of-work, and `POST /tip`. A tip counts when the page with its
//! receipt came back, i.e. after the receipt's Argon2id hash and the commit.
//! Latency is of the `POST` (validation, proof-of-work check, Argon2id, routing,
//! sealing, one transaction). The per-address rate limits are raised (every sender
//! is 127.0.0.1) and the proof-of-work is 4 bits (the senders share the server's two
//! cores; the browser's 16 bits are the client's cost, not the server's).
//!
//! `cargo run --release -p sightline --example tip_load -- [SENDERS] [SECONDS] [postgres-url]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let senders: usize = args.get(1).map_or(64, |s| s.parse().unwrap());
    let seconds: u64 = args.get(2).map_or(20, |s| s.parse().unwrap());
    let pg = args.get(3).cloned();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (base, engine, test_db) = rt.block_on(async {
        // A fresh, migrated database, removed at the end.
        let test_db = match &pg {
            Some(url) => sightline_storage::testing::postgres(url).await.unwrap(),
            None => sightline_storage::testing::sqlite().await.unwrap(),
        };
        let db = test_db.db.clone();
        let library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).unwrap();
        let mut state = sightline_web::AppState::new(
            db.clone(),
            sightline_web::Config::new(&base),
            sightline_web::Clock::System,
            sightline_domain::crypto::MasterKey::from_bytes(key),
        )
        .with_library(library);
        let policy = sightline_web::tips::TipPolicy {
            pow_bits: 4,
            tips: usize::MAX,
            checks: usize::MAX,
            ..sightline_web::tips::TipPolicy::default()
        };
        state.app = state.app.clone().with_tip_policy(policy);
        let app = sightline_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (base, db.engine().as_str(), test_db)
    });
    println!("engine: {engine}; senders: {senders}; seconds: {seconds}");

    let start = Instant::now() + Duration::from_millis(200);
    let end = start + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..senders)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let (mut lat, mut errors) = (Vec::new(), 0u64);
                if let Some(wait) = start.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let mut n = 0u64;
                while Instant::now() < end {
                    n += 1;
                    let Ok(mut page) = agent.get(&format!("{base}/tip")).call() else {
                        errors += 1;
                        continue;
                    };
                    let cookie = page
                        .headers()
                        .get_all("set-cookie")
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .filter_map(|v| v.split(';').next())
                        .collect::<Vec<_>>()
                        .join("; ");
                    let html = page.body_mut().read_to_string().unwrap_or_default();
                    let field = |name: &str| {
                        let at = format!("name=\"{name}\" value=\"");
                        html.split(&at).nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_owned()
                    };
                    let (csrf, challenge) = (field("csrf"), field("challenge"));
                    let nonce = sightline_domain::tip::pow_solve(&challenge, 4);
                    let body = format!(
                        "csrf={csrf}&challenge={challenge}&pow={nonce}&airport=HEL&date={}&sign=BEH-FEARFUL&text=Sender+{i}+tip+{n}%3A+a+frightened+young+person+never+left+alone.",
                        today()
                    );
                    let sent = Instant::now();
                    let res = agent
                        .post(&format!("{base}/tip"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", &cookie)
                        .send(body.as_str());
                    match res {
                        Ok(mut r) if r.status().as_u16() == 200 => {
                            let text = r.body_mut().read_to_string().unwrap_or_default();
                            if text.contains("id=\"receipt\"") {
                                lat.push(sent.elapsed());
                            } else {
                                errors += 1;
                            }
                        }
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let g = support::load::Gathered::join(handles);
    println!(
        "tips: {} in {seconds} s = {:.1} tips/s; errors: {}; latency of POST /tip p50 {:?}, p95 {:?}, p99 {:?}, max {:?}",
        g.latencies.len(),
        g.rate(seconds),
        g.errors,
        g.quantile(0.50),
        g.quantile(0.95),
        g.quantile(0.99),
        g.max(),
    );
    rt.block_on(test_db.cleanup());
}

/// Today's date (UTC) as the form sends it.
fn today() -> String {
    let d = sightline_web::Clock::System.now().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
