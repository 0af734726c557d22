//! xAPI statements to each organisation's Learning Record Store (issue 14, item 4).
//!
//! The statements were built and queued with the learning events (same transaction;
//! [`sightline_storage::NewStatement`]), so each is sent exactly as written and with
//! the id it was given then: an LRS that stored a statement before a lost answer
//! keeps one copy when it comes again. A pass leases a batch of one organisation's
//! due statements ([`sightline_storage::Db::claim_xapi_batch`]: a statement is in at
//! most one sender's batch, on any number of nodes), posts it as one JSON array to
//! `{endpoint}/statements` with `X-Experience-API-Version: 1.0.3` and Basic auth,
//! and records the outcome; a failed batch waits 1, 2, 4 … 64 minutes
//! ([`retry_after`]) and after [`MAX_ATTEMPTS`] its statements are dead letters on
//! the organisation's settings page. A batch the LRS refuses for its content (400)
//! is sent again statement by statement, so one bad statement holds back no other.
//! A pass goes on batch by batch until nothing is due: a backlog is never cut at a
//! page.

use sightline_domain::delivery::{MAX_ATTEMPTS, retry_after};
use sightline_domain::xapi::{Endpoint, VERSION};
use sightline_storage::{StorageError, XapiBatch};

use crate::Context;
use crate::alerts::open_secret;
use crate::outbound::http;

/// Statements per request.
pub const BATCH: i64 = 50;
/// A sender's lease on a batch: far longer than one request may take (10 s).
pub const LEASE: time::Duration = time::Duration::minutes(2);

/// One pass: send every due statement, batch by batch, until none is due. Returns how
/// many were accepted. Safe on several nodes at once.
///
/// # Errors
/// A database error (a failed request is recorded and retried later).
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    let now = ctx.now();
    let mut sent = 0;
    // Each batch claimed leaves the due set (sent, waiting for its retry, or dead), so
    // the loop ends.
    while let Some(batch) = ctx.db.claim_xapi_batch(now, now + LEASE, BATCH).await? {
        sent += deliver(ctx, &batch).await?;
    }
    Ok(sent)
}

/// The request body: the statements as one JSON array, each as queued.
fn body(batch: &XapiBatch) -> Vec<u8> {
    let mut out = b"[".to_vec();
    for (i, (_, json)) in batch.statements.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json.as_bytes());
    }
    out.push(b']');
    out
}

/// Post one leased batch and record the outcome. Returns how many were accepted.
///
/// An LRS rejects a whole batch for any one statement it rejects (xAPI 1.0.3, Part
/// Three §3.2, requirement 3.2.s3.b9), so one statement it refuses (400) would hold
/// back every other. A refused batch of several is sent again one statement at a
/// time, each under a lease of its own ([`sightline_storage::Db::split_xapi_batch`]):
/// the LRS takes the good ones, and only the refused one waits for its retries and
/// becomes a dead letter.
async fn deliver(ctx: &Context, batch: &XapiBatch) -> Result<usize, StorageError> {
    match post(ctx, batch).await {
        Err(Refusal::Content(_)) if batch.statements.len() > 1 => {
            tracing::info!(org = %batch.org_id, statements = batch.statements.len(),
                "the LRS refused a batch; sending its statements one at a time");
            let mut sent = 0;
            for alone in ctx.db.split_xapi_batch(batch).await? {
                let answer = post(ctx, &alone).await;
                sent += record(ctx, &alone, answer).await?;
            }
            Ok(sent)
        }
        answer => record(ctx, batch, answer).await,
    }
}

/// Why a batch was not accepted.
enum Refusal {
    /// The LRS read the batch and refused what it holds (HTTP 400).
    Content(String),
    /// Anything else: no answer, the secret, another status.
    Other(String),
}

/// POST a batch to its LRS.
async fn post(ctx: &Context, batch: &XapiBatch) -> Result<(), Refusal> {
    let Some(secret) = open_secret(&ctx.keys, batch.org_id, &batch.sealed_secret) else {
        return Err(Refusal::Other("the LRS secret cannot be opened with this key".to_owned()));
    };
    let mut credentials = format!("{}:", batch.auth_key).into_bytes();
    credentials.extend_from_slice(&secret);
    let headers = vec![
        ("X-Experience-API-Version", VERSION.to_owned()),
        ("Authorization", format!("Basic {}", data_encoding::BASE64.encode(&credentials))),
    ];
    let url = Endpoint::statements(&batch.endpoint);
    match http::send_json(url, headers, body(batch), ctx.allow_private_webhooks).await {
        Ok(status) if status.is_success() => Ok(()),
        Ok(status) if status == ureq::http::StatusCode::BAD_REQUEST => Err(Refusal::Content(format!("HTTP {status}"))),
        Ok(status) => Err(Refusal::Other(format!("HTTP {status}"))),
        Err(e) => Err(Refusal::Other(e)),
    }
}

/// Record what became of a batch. Returns how many were accepted.
async fn record(ctx: &Context, batch: &XapiBatch, answer: Result<(), Refusal>) -> Result<usize, StorageError> {
    match answer {
        Ok(()) => Ok(usize::try_from(ctx.db.xapi_batch_sent(batch.token, ctx.now()).await?).unwrap_or(0)),
        Err(Refusal::Content(e) | Refusal::Other(e)) => {
            let wait = retry_after(batch.attempts).unwrap_or(time::Duration::minutes(1));
            tracing::warn!(org = %batch.org_id, statements = batch.statements.len(), attempts = batch.attempts,
                error = %e, "xAPI statements not accepted by the LRS");
            ctx.db.xapi_batch_failed(batch.token, &e, ctx.now() + wait, MAX_ATTEMPTS, ctx.now()).await?;
            Ok(0)
        }
    }
}
