//! The job runner: jobs run on their intervals from one loop, a failing pass is logged
//! and the job runs again, and stopping waits for the passes in flight.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sightline_jobs::{Job, Runner};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A job that counts its passes.
fn counting(name: &'static str, every: Duration, count: &Arc<AtomicUsize>) -> Job {
    let count = count.clone();
    Job::new(name, every, move || {
        count.fetch_add(1, Ordering::SeqCst);
        async { Ok::<(), String>(()) }
    })
}

#[tokio::test]
async fn each_job_runs_at_once_and_then_on_its_own_interval() {
    let (fast, slow) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let running = Runner::new()
        .job(counting("fast", ms(50), &fast))
        .job(counting("slow", Duration::from_secs(3600), &slow))
        .start();
    let started = std::time::Instant::now();
    tokio::time::sleep(ms(20)).await;
    assert_eq!(fast.load(Ordering::SeqCst), 1, "the first pass starts at once");
    assert_eq!(slow.load(Ordering::SeqCst), 1);
    tokio::time::sleep(ms(260)).await;
    let n = fast.load(Ordering::SeqCst);
    let due = usize::try_from(started.elapsed().as_millis() / 50).unwrap() + 1;
    assert!(n + 2 >= due && n <= due, "one pass per 50 ms: {n} passes, {due} due");
    assert_eq!(slow.load(Ordering::SeqCst), 1, "the hourly job waits its hour");
    let stats = running.stats();
    assert_eq!(stats[0].name, "fast");
    assert!(stats[0].passes >= 4 && stats[0].failures == 0, "{stats:?}");
    assert!(running.stop(ms(100)).await);
    tokio::time::sleep(ms(120)).await;
    assert!(fast.load(Ordering::SeqCst) <= n + 1, "no pass starts after stop");
}

#[tokio::test]
async fn a_failing_pass_is_recorded_and_the_job_runs_again_next_interval() {
    let tries = Arc::new(AtomicUsize::new(0));
    let t = tries.clone();
    let running = Runner::new()
        .job(Job::new("flaky", ms(40), move || {
            let n = t.fetch_add(1, Ordering::SeqCst);
            async move { if n < 2 { Err(format!("relay down ({n})")) } else { Ok(n) } }
        }))
        .start();
    for _ in 0..100 {
        if running.stats()[0].passes >= 4 {
            break;
        }
        tokio::time::sleep(ms(50)).await;
    }
    let stats = running.stats();
    assert!(tries.load(Ordering::SeqCst) >= 4, "runs on after failures");
    assert_eq!(stats[0].failures, 2, "{stats:?}");
    assert_eq!(stats[0].last_error.as_deref(), Some("relay down (1)"));
    assert!(stats[0].passes >= 4);
    assert!(running.stop(ms(100)).await);
}

#[tokio::test]
async fn a_job_never_runs_twice_at_once_even_when_a_pass_overruns_its_interval() {
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (n, m) = (now.clone(), most.clone());
    let running = Runner::new()
        .job(Job::new("slow pass", ms(10), move || {
            let (n, m) = (n.clone(), m.clone());
            async move {
                let inside = n.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(inside, Ordering::SeqCst);
                tokio::time::sleep(ms(60)).await;
                n.fetch_sub(1, Ordering::SeqCst);
                Ok::<(), String>(())
            }
        }))
        .start();
    tokio::time::sleep(ms(250)).await;
    assert!(running.stop(ms(200)).await);
    assert_eq!(most.load(Ordering::SeqCst), 1);
    assert_eq!(now.load(Ordering::SeqCst), 0, "the last pass finished before stop returned");
}

/// A job that marks when its pass starts and when it ends, after `takes`.
fn marked(takes: Duration) -> (Job, Arc<AtomicBool>, Arc<AtomicBool>) {
    let (started, ended) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let (s, e) = (started.clone(), ended.clone());
    let job = Job::new("long pass", Duration::from_secs(3600), move || {
        let (s, e) = (s.clone(), e.clone());
        async move {
            s.store(true, Ordering::SeqCst);
            tokio::time::sleep(takes).await;
            e.store(true, Ordering::SeqCst);
            Ok::<(), String>(())
        }
    });
    (job, started, ended)
}

#[tokio::test]
async fn stop_waits_for_the_pass_in_flight() {
    let (job, started, ended) = marked(ms(300));
    let running = Runner::new().job(job).start();
    tokio::time::sleep(ms(30)).await;
    assert!(started.load(Ordering::SeqCst) && !ended.load(Ordering::SeqCst));
    assert!(running.stop(Duration::from_secs(5)).await, "finished within the grace period");
    assert!(ended.load(Ordering::SeqCst), "stop returned only after the pass ended");
}

#[tokio::test]
async fn stop_cancels_a_pass_that_outlasts_the_grace_period() {
    let (job, started, ended) = marked(Duration::from_secs(30));
    let running = Runner::new().job(job).start();
    tokio::time::sleep(ms(30)).await;
    assert!(started.load(Ordering::SeqCst));
    let t = std::time::Instant::now();
    assert!(!running.stop(ms(100)).await, "the pass did not finish in time");
    assert!(t.elapsed() < Duration::from_secs(5), "stop is bounded by its grace period");
    assert!(!ended.load(Ordering::SeqCst));
}
