//! Referral webhooks (issue 13, item 4): a partner organisation whose own systems
//! integrate is told of each referral made to it, and of each message the referring
//! desk writes on one, by a signed `POST` to the webhook its administrators set.
//!
//! The notification is minimal on purpose — the referral's id, the case reference,
//! its status, when it was made and the API link to read it — never the shared HTCDS
//! record: that record is sealed under the referring organisation's key and its
//! opening is audited per reader, so the partner's system reads it with its own
//! token (`GET /api/v1/referrals/{id}`, scope `referrals`), which is access-checked,
//! audited and always current. A lost or replayed notification then discloses nothing.
//!
//! Deliveries come from an outbox written with the referral (same transaction). Each
//! is leased before it is sent (one sender wins, on any number of nodes), signed
//! over a timestamp and the body, and carries a delivery id that is the same on every
//! attempt; a failure is retried after 1, 2, 4 … 64 minutes and the eighth goes to
//! the dead-letter list on the organisation's settings page
//! ([`sightline_domain::delivery::retry_after`]).

use serde::Serialize;
use sightline_domain::delivery::retry_after;
use sightline_storage::{HookDelivery, StorageError};
use time::OffsetDateTime;

use crate::alerts::open_secret;
use crate::outbound::http::{self, Delivery};
use crate::{Context, Pages};

/// How many deliveries one page of the outbox holds.
const PAGES: Pages = Pages { limit: 100 };
/// A sender's lease on a delivery: far longer than one attempt may take (10 s), so
/// two senders never send it at once; a sender that dies leaves it for this long.
pub const LEASE: time::Duration = time::Duration::minutes(2);

/// What a partner's system receives.
#[derive(Serialize)]
struct Notice<'a> {
    event: &'a str,
    /// The referral's id.
    id: String,
    case_reference: &'a str,
    status: &'a str,
    created_at: String,
    /// Where to read the referral (`GET`, scope `referrals`).
    url: String,
}

/// One pass: send every delivery that is due, page by page, until none is due.
/// Returns how many were delivered. Safe on several nodes at once.
///
/// # Errors
/// A database error (delivery failures are recorded and retried later).
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    let now = ctx.now();
    let mut sent = 0;
    loop {
        let due = ctx.db.due_referral_deliveries(now, PAGES.limit).await?;
        for d in &due {
            sent += usize::from(deliver(ctx, d, now).await?);
        }
        // Every delivery read is leased, sent or given up (here or by another node):
        // none is due again in this pass.
        if !PAGES.more(due.len(), due.len()) {
            break;
        }
    }
    Ok(sent)
}

/// Lease, send and record one delivery. Returns whether it was delivered now.
async fn deliver(ctx: &Context, d: &HookDelivery, now: OffsetDateTime) -> Result<bool, StorageError> {
    let Some(attempt) = ctx.db.claim_referral_delivery(d.id, now, now + LEASE).await? else {
        return Ok(false);
    };
    let outcome =
        match (open_secret(&ctx.keys, d.org_id, &d.sealed_secret), ctx.db.referral(d.org_id, d.referral_id).await) {
            (None, _) => Err("the webhook secret cannot be opened with this key".to_owned()),
            (Some(_), Err(e)) => Err(e.to_string()),
            (Some(secret), Ok(r)) => {
                let rfc3339 = &time::format_description::well_known::Rfc3339;
                let notice = Notice {
                    event: d.event.as_str(),
                    id: r.id.to_string(),
                    case_reference: &r.case_reference,
                    status: r.status.as_str(),
                    created_at: r.created_at.format(rfc3339).unwrap_or_default(),
                    url: ctx.link(&format!("/api/v1/referrals/{}", r.id)),
                };
                let delivery = Delivery {
                    url: d.url.clone(),
                    secret,
                    event: d.event.as_str().to_owned(),
                    id: d.id.to_string(),
                    body: serde_json::to_vec(&notice).unwrap_or_default(),
                    timestamp: Some(ctx.now().unix_timestamp()),
                };
                http::send(delivery, ctx.allow_private_webhooks).await
            }
        };
    match outcome {
        Ok(()) => {
            ctx.db.referral_delivery_sent(d.id, ctx.now()).await?;
            Ok(true)
        }
        Err(e) => {
            let retry = retry_after(attempt).map(|wait| ctx.now() + wait);
            tracing::warn!(org = %d.org_id, delivery = %d.id, attempt, dead_letter = retry.is_none(), error = %e,
                "referral webhook not delivered");
            ctx.db.referral_delivery_failed(d.id, attempt, &e, retry, ctx.now()).await?;
            Ok(false)
        }
    }
}
