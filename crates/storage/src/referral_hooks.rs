//! The referral webhook outbox (issue 13, item 4). A partner organisation whose own
//! systems integrate sets a webhook (`org_referral_hooks`, set through
//! [`crate::AlertChange::ReferralWebhook`]); a referral made to it, and each message
//! the referring desk writes on one, puts a delivery into `referral_deliveries` in the
//! same transaction (`referral_hook_in_tx!`). The sender leases a delivery
//! ([`Db::claim_referral_delivery`], one winner across processes), posts it, and
//! marks it sent or failed; a delivery that fails too often is a dead letter until an
//! administrator sends it again ([`Db::retry_referral_delivery`], audited).

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::delivery::HookEvent;
use sightline_domain::ids::OrgId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, from_micros, to_micros};

/// Put a delivery of `$event` about referral `$referral` into the outbox inside an open
/// transaction — if the partner organisation it went to has a referral webhook (a
/// referral to a directory entry, or to a partner without one, adds nothing).
macro_rules! referral_hook_in_tx {
    ($tx:expr, $referral:expr, $event:expr, $now:expr) => {{
        let event: sightline_domain::delivery::HookEvent = $event;
        exec_in_tx!(
            $tx,
            "INSERT INTO referral_deliveries (id, org_id, referral_id, event, state, created_at, lease_until, attempts) \
             SELECT $1, h.org_id, f.id, $2, 'pending', $3, $3, 0 FROM referrals f \
             JOIN org_referral_hooks h ON h.org_id = f.recipient_org_id WHERE f.id = $4",
            uuid::Uuid::now_v7(),
            event.as_str(),
            $crate::to_micros($now),
            $referral
        );
    }};
}

/// A delivery due now, with where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookDelivery {
    /// Also the delivery id receivers drop repeats by.
    pub id: Uuid,
    /// The partner organisation it goes to.
    pub org_id: OrgId,
    pub referral_id: Uuid,
    pub event: HookEvent,
    /// Attempts before this one.
    pub attempts: i64,
    pub url: String,
    /// Sealed (the sender opens it with the master key).
    pub sealed_secret: String,
}

/// A delivery given up, as its organisation's administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: Uuid,
    pub referral_id: Uuid,
    /// The case's reference (`SL-…`).
    pub case_reference: String,
    pub event: HookEvent,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub dead_at: OffsetDateTime,
    /// The last failure (an HTTP status or a connection error; no payload).
    pub last_error: Option<String>,
}

/// How an organisation's deliveries stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryCounts {
    pub pending: i64,
    pub sent: i64,
    pub dead: i64,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    org_id: Uuid,
    referral_id: Uuid,
    event: String,
    attempts: i64,
    webhook_url: String,
    webhook_secret: String,
}

#[derive(sqlx::FromRow)]
struct DeadRow {
    id: Uuid,
    referral_id: Uuid,
    reference: String,
    event: String,
    attempts: i64,
    created_at: i64,
    dead_at: Option<i64>,
    last_error: Option<String>,
}

/// The most dead letters a page lists.
pub const MAX_DEAD_LETTERS: i64 = 200;

impl Db {
    /// Where a partner organisation receives its referrals, if it set a webhook.
    ///
    /// # Errors
    /// The database failed.
    pub async fn referral_webhook(&self, org: OrgId) -> Result<Option<String>> {
        Ok(fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT webhook_url FROM org_referral_hooks WHERE org_id = $1",
            org.as_uuid()
        ))
    }

    /// Up to `limit` deliveries that may be sent now (pending, not leased, their
    /// organisation's webhook still set), longest due first. Each one handled is
    /// leased, delivered or given up, so the next call returns the next ones.
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn due_referral_deliveries(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<HookDelivery>> {
        let rows: Vec<DueRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT d.id, d.org_id, d.referral_id, d.event, d.attempts, h.webhook_url, h.webhook_secret \
             FROM referral_deliveries d JOIN org_referral_hooks h ON h.org_id = d.org_id \
             WHERE d.state = 'pending' AND d.lease_until <= $1 ORDER BY d.lease_until, d.id LIMIT $2",
            to_micros(now),
            limit
        );
        rows.into_iter()
            .map(|r| {
                Ok(HookDelivery {
                    id: r.id,
                    org_id: OrgId::from_uuid(r.org_id),
                    referral_id: r.referral_id,
                    event: stored("hook event", &r.event)?,
                    attempts: r.attempts,
                    url: r.webhook_url,
                    sealed_secret: r.webhook_secret,
                })
            })
            .collect()
    }

    /// Lease a pending delivery until `lease_until` before sending it: one guarded
    /// `UPDATE`, so of any number of senders (on any number of nodes) exactly one
    /// wins. Returns the attempt this is (the claim's token for
    /// [`Db::referral_delivery_failed`]), or `None` if it was sent, given up, or
    /// another sender holds it. A sender that dies after this leaves the delivery to
    /// be sent again — with the same id — once the lease ends.
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_referral_delivery(
        &self,
        id: Uuid,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<i64>> {
        Ok(fetch!(
            self,
            query_scalar.fetch_optional,
            "UPDATE referral_deliveries SET lease_until = $1, attempts = attempts + 1 \
             WHERE id = $2 AND state = 'pending' AND lease_until <= $3 RETURNING attempts",
            to_micros(lease_until),
            id,
            to_micros(now)
        ))
    }

    /// A claimed delivery was accepted by the receiver: it is never sent again.
    ///
    /// # Errors
    /// The database failed.
    pub async fn referral_delivery_sent(&self, id: Uuid, now: OffsetDateTime) -> Result<()> {
        exec!(
            self,
            "UPDATE referral_deliveries SET state = 'sent', sent_at = $1, last_error = NULL \
             WHERE id = $2 AND state = 'pending'",
            to_micros(now),
            id
        );
        Ok(())
    }

    /// Attempt `attempt` of a delivery failed with `error`: try again from `retry_at`,
    /// or (none) give it up to the dead-letter list. Only the claim that made this
    /// attempt counts: a sender whose lease ran out and was claimed again by another
    /// changes nothing.
    ///
    /// # Errors
    /// The database failed.
    pub async fn referral_delivery_failed(
        &self,
        id: Uuid,
        attempt: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let error: String = error.chars().take(300).collect();
        let (state, lease, dead_at) = match retry_at {
            Some(at) => ("pending", to_micros(at), None),
            None => ("dead", to_micros(now), Some(to_micros(now))),
        };
        exec!(
            self,
            "UPDATE referral_deliveries SET state = $1, lease_until = $2, dead_at = $3, last_error = $4 \
             WHERE id = $5 AND state = 'pending' AND attempts = $6",
            state,
            lease,
            dead_at,
            &error,
            id,
            attempt
        );
        Ok(())
    }

    /// The organisation's dead letters, newest first (at most [`MAX_DEAD_LETTERS`]).
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn referral_dead_letters(&self, org: OrgId) -> Result<Vec<DeadLetter>> {
        let rows: Vec<DeadRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT d.id, d.referral_id, r.reference, d.event, d.attempts, d.created_at, d.dead_at, d.last_error \
             FROM referral_deliveries d JOIN referrals f ON f.id = d.referral_id JOIN reports r ON r.id = f.report_id \
             WHERE d.org_id = $1 AND d.state = 'dead' ORDER BY d.dead_at DESC, d.id LIMIT $2",
            org.as_uuid(),
            MAX_DEAD_LETTERS
        );
        rows.into_iter()
            .map(|r| {
                Ok(DeadLetter {
                    id: r.id,
                    referral_id: r.referral_id,
                    case_reference: r.reference,
                    event: stored("hook event", &r.event)?,
                    attempts: r.attempts,
                    created_at: from_micros(r.created_at),
                    dead_at: from_micros(r.dead_at.unwrap_or(r.created_at)),
                    last_error: r.last_error,
                })
            })
            .collect()
    }

    /// How the organisation's deliveries stand.
    ///
    /// # Errors
    /// The database failed.
    pub async fn referral_delivery_counts(&self, org: OrgId) -> Result<DeliveryCounts> {
        self.outbox_counts("referral_deliveries", org).await
    }

    /// How the organisation's items in an outbox table (`referral_deliveries`,
    /// `xapi_statements`: a `state` of pending, sent or dead) stand.
    ///
    /// # Errors
    /// The database failed.
    pub(crate) async fn outbox_counts(&self, table: &'static str, org: OrgId) -> Result<DeliveryCounts> {
        let sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
             COALESCE(SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
             COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) AS dead \
             FROM {table} WHERE org_id = $1"
        );
        Ok(fetch!(self, query_as.fetch_one, &sql, org.as_uuid()))
    }

    /// Send one of the organisation's dead letters again: pending from `now`, with a
    /// fresh count of attempts and its same id (receivers that saw it drop it);
    /// audited, one transaction.
    ///
    /// # Errors
    /// [`crate::StorageError::NotFound`] if it is not a dead letter of `org`; the database failed.
    pub async fn retry_referral_delivery(
        &self,
        org: OrgId,
        id: Uuid,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        audited_one_row!(
            self,
            audit,
            now,
            "UPDATE referral_deliveries SET state = 'pending', attempts = 0, lease_until = $1, dead_at = NULL \
             WHERE id = $2 AND org_id = $3 AND state = 'dead'",
            to_micros(now),
            id,
            org.as_uuid(),
        );
        Ok(())
    }
}
