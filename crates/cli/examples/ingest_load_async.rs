//! Benchmark (not a test): the same open-loop load as `ingest_load` — crew reports at a
//! fixed rate from many concurrent reporters, each `PUT /api/v1/reports/{new id}` on the
//! reporter's own kept-alive connection, latency measured from each request's
//! *scheduled* send time (no coordinated omission) — but every reporter is a task on one
//! thread, as `wrk` drives its connections from an event loop, instead of an OS thread
//! per reporter. On a two-core machine shared with the server, 500 sleeping and waking
//! threads cost the server CPU and their own late wake-ups were counted as latency; a
//! device is its own machine. HTTP/1.1 by hand over a TCP stream (the server answers
//! with `content-length`), so the generator adds no dependency.
//!
//! `cargo run --release -p sightline --example ingest_load_async -- URL TOKEN RATE REPORTERS SECONDS`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::cast_precision_loss)]

mod support;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

fn main() {
    let support::load::IngestArgs { url, token, rate, reporters, seconds, report } =
        support::load::IngestArgs::from_command_line();
    let addr = url.strip_prefix("http://").expect("an http:// URL").trim_end_matches('/').to_owned();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let per_reporter = runtime.block_on(async move {
        let interval = Duration::from_secs_f64(reporters as f64 / rate);
        let start = Instant::now() + Duration::from_millis(500);
        let end = start + Duration::from_secs(seconds);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..reporters {
            let (addr, token, report) = (addr.clone(), token.clone(), report.clone());
            tasks.spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut conn: Option<TcpStream> = None;
                let mut buf = Vec::with_capacity(4096);
                let mut next = start + interval.mul_f64(i as f64 / reporters as f64);
                while next < end {
                    tokio::time::sleep_until(next).await;
                    let id = uuid::Uuid::now_v7();
                    let request = format!(
                        "PUT /api/v1/reports/{id} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{report}",
                        report.len()
                    );
                    if conn.is_none() {
                        conn = TcpStream::connect(&addr).await.ok();
                        if let Some(c) = &conn {
                            c.set_nodelay(true).unwrap();
                        }
                    }
                    let status = match conn.as_mut() {
                        Some(c) => exchange(c, request.as_bytes(), &mut buf).await,
                        None => None,
                    };
                    if status == Some(201) {
                        lat.push(next.elapsed());
                    } else {
                        errors += 1;
                        conn = None;
                    }
                    next += interval;
                }
                (lat, errors)
            });
        }
        let mut all = Vec::new();
        while let Some(done) = tasks.join_next().await {
            all.push(done.unwrap());
        }
        all
    });
    let g = support::load::Gathered::pool(per_reporter);
    println!("{}", g.report(rate, reporters, " (one event loop)", seconds));
}

/// Send one request and read its whole response (status line, headers, then
/// `content-length` bytes of body) from the kept-alive connection; the status code,
/// or none when the connection failed.
async fn exchange(c: &mut TcpStream, request: &[u8], buf: &mut Vec<u8>) -> Option<u16> {
    c.write_all(request).await.ok()?;
    buf.clear();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = c.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = c.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(status)
}
