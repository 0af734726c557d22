//! Alert settings and the record of alerts sent (each alert goes out once).

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::OrgId;
use sightline_domain::triage::AlertKind;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, to_micros};

/// Where an organisation's desk wants alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertTarget {
    pub org_id: OrgId,
    pub webhook_url: String,
    /// Sealed (the web layer opens it with the master key).
    pub webhook_secret: String,
}

/// A change to where an organisation's desk is alerted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertChange<'a> {
    /// Set or replace the webhook; the signing secret is sealed by the caller.
    Webhook {
        url: &'a str,
        sealed_secret: &'a str,
    },
    NoWebhook,
    /// Set or replace the alert e-mail address.
    Email(&'a str),
    NoEmail,
    /// Set or replace a partner organisation's referral webhook (issue 13: its own
    /// systems receive its referrals); the signing secret is sealed by the caller.
    ReferralWebhook {
        url: &'a str,
        sealed_secret: &'a str,
    },
    NoReferralWebhook,
}

impl AlertChange<'_> {
    /// The table of the webhooks this change is about.
    const fn hooks(self) -> &'static str {
        match self {
            Self::ReferralWebhook { .. } | Self::NoReferralWebhook => "org_referral_hooks",
            _ => "org_alerts",
        }
    }
}

/// How an alert goes out; each channel keeps its own record of what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertChannel {
    Webhook,
    Email,
}

impl AlertChannel {
    const fn table(self) -> &'static str {
        match self {
            Self::Webhook => "alerts_sent",
            Self::Email => "alerts_emailed",
        }
    }
    /// Where organisations set this channel up.
    const fn targets(self) -> &'static str {
        match self {
            Self::Webhook => "org_alerts",
            Self::Email => "org_alert_emails",
        }
    }
    /// The channel's name in a delivery id.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }
}

/// An alert waiting in a channel's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAlert {
    pub org_id: OrgId,
    pub report_id: Uuid,
    pub kind: AlertKind,
    /// Delivery attempts so far.
    pub attempts: i64,
}

impl DueAlert {
    /// The same for every attempt of this alert, on every node: receivers drop
    /// repeats by it (`X-Sightline-Delivery`, the e-mail's Message-ID).
    #[must_use]
    pub fn delivery_id(&self, channel: AlertChannel) -> String {
        format!("{}-{}-{}", channel.as_str(), self.report_id, self.kind)
    }
}

/// An `org_alerts` row.
#[derive(sqlx::FromRow)]
struct TargetRow {
    org_id: Uuid,
    webhook_url: String,
    webhook_secret: String,
}

/// An `org_alert_emails` row.
#[derive(sqlx::FromRow)]
struct EmailRow {
    org_id: Uuid,
    email: String,
}

/// An alert in an outbox, with its report's organisation.
#[derive(sqlx::FromRow)]
struct DueRow {
    org_id: Uuid,
    report_id: Uuid,
    kind: String,
    attempts: i64,
}

impl TryFrom<DueRow> for DueAlert {
    type Error = StorageError;
    fn try_from(r: DueRow) -> Result<Self> {
        Ok(Self {
            org_id: OrgId::from_uuid(r.org_id),
            report_id: r.report_id,
            kind: stored("alert kind", &r.kind)?,
            attempts: r.attempts,
        })
    }
}

impl Db {
    /// Change where an organisation's desk is alerted (or, for a partner, where its
    /// referrals are announced), with its audit entry, in one transaction.
    ///
    /// # Errors
    /// The database failed; nothing was changed.
    pub async fn configure_alerts(
        &self,
        org: OrgId,
        change: AlertChange<'_>,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            match change {
                AlertChange::Webhook { url, sealed_secret } | AlertChange::ReferralWebhook { url, sealed_secret } => {
                    sqlx::query(&format!(
                        "INSERT INTO {} (org_id, webhook_url, webhook_secret, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (org_id) DO UPDATE SET webhook_url = excluded.webhook_url, \
                     webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at",
                        change.hooks()
                    ))
                    .bind(org.as_uuid())
                    .bind(url)
                    .bind(sealed_secret)
                    .bind(to_micros(now))
                    .execute(&mut *tx)
                    .await?
                }
                AlertChange::NoWebhook | AlertChange::NoReferralWebhook => {
                    sqlx::query(&format!("DELETE FROM {} WHERE org_id = $1", change.hooks()))
                        .bind(org.as_uuid())
                        .execute(&mut *tx)
                        .await?
                }
                AlertChange::Email(email) => {
                    sqlx::query(
                        "INSERT INTO org_alert_emails (org_id, email, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (org_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at",
                    )
                    .bind(org.as_uuid())
                    .bind(email)
                    .bind(to_micros(now))
                    .execute(&mut *tx)
                    .await?
                }
                AlertChange::NoEmail => {
                    sqlx::query("DELETE FROM org_alert_emails WHERE org_id = $1")
                        .bind(org.as_uuid())
                        .execute(&mut *tx)
                        .await?
                }
            };
            audit_in_tx!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Where one organisation's desk is alerted now: (webhook URL, e-mail address).
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_settings(&self, org: OrgId) -> Result<(Option<String>, Option<String>)> {
        let (hook, email): (Option<String>, Option<String>) = db_run!(self, |p| {
            let hook = sqlx::query_scalar("SELECT webhook_url FROM org_alerts WHERE org_id = $1")
                .bind(org.as_uuid())
                .fetch_optional(p)
                .await?;
            let email = sqlx::query_scalar("SELECT email FROM org_alert_emails WHERE org_id = $1")
                .bind(org.as_uuid())
                .fetch_optional(p)
                .await?;
            (hook, email)
        });
        Ok((hook, email))
    }

    /// Every organisation's alert target.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_targets(&self) -> Result<Vec<AlertTarget>> {
        let rows: Vec<TargetRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT org_id, webhook_url, webhook_secret FROM org_alerts ORDER BY org_id"
        );
        Ok(rows
            .into_iter()
            .map(|r| AlertTarget {
                org_id: OrgId::from_uuid(r.org_id),
                webhook_url: r.webhook_url,
                webhook_secret: r.webhook_secret,
            })
            .collect())
    }

    /// Every organisation's alert e-mail address.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_emails(&self) -> Result<Vec<(OrgId, String)>> {
        let rows: Vec<EmailRow> =
            fetch!(self, query_as.fetch_all, "SELECT org_id, email FROM org_alert_emails ORDER BY org_id");
        Ok(rows.into_iter().map(|r| (OrgId::from_uuid(r.org_id), r.email)).collect())
    }

    /// Put every alert that is due into `channel`'s outbox, for every organisation
    /// that has the channel set up: a `new` alert for each waiting report (status
    /// `received`, not merged), and an `unacknowledged` one for each received before
    /// `unacknowledged_before`. One statement per kind covers every waiting report,
    /// however many; an alert already in the outbox is left as it is. Returns how
    /// many were added.
    ///
    /// # Errors
    /// The database failed.
    pub async fn enqueue_alerts(
        &self,
        channel: AlertChannel,
        unacknowledged_before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<u64> {
        let sql = format!(
            "INSERT INTO {table} (report_id, kind, sent_at, state, lease_until, attempts) \
             SELECT r.id, $1, $2, 'pending', 0, 0 FROM reports r \
             WHERE r.status = 'received' AND r.merged_into IS NULL AND r.received_at < $3 \
             AND r.org_id IN (SELECT org_id FROM {targets}) \
             ON CONFLICT (report_id, kind) DO NOTHING",
            table = channel.table(),
            targets = channel.targets(),
        );
        let mut added = 0;
        for (kind, before) in
            [(AlertKind::New, i64::MAX), (AlertKind::Unacknowledged, to_micros(unacknowledged_before))]
        {
            added += exec!(self, &sql, kind.as_str(), to_micros(now), before);
        }
        Ok(added)
    }

    /// Up to `limit` alerts of `channel` that may be sent now (pending, not leased,
    /// their report still waiting), oldest report first. Call again after handling
    /// them: each one handled is leased or delivered, so the next call returns the
    /// next ones.
    ///
    /// # Errors
    /// The database failed.
    pub async fn due_alerts(&self, channel: AlertChannel, now: OffsetDateTime, limit: i64) -> Result<Vec<DueAlert>> {
        let sql = format!(
            "SELECT r.org_id, a.report_id, a.kind, a.attempts FROM {table} a JOIN reports r ON r.id = a.report_id \
             WHERE a.state = 'pending' AND a.lease_until <= $1 AND r.status = 'received' \
             AND r.org_id IN (SELECT org_id FROM {targets}) \
             ORDER BY r.received_at, r.id, a.kind LIMIT $2",
            table = channel.table(),
            targets = channel.targets(),
        );
        let rows: Vec<DueRow> = fetch!(self, query_as.fetch_all, &sql, to_micros(now), limit);
        rows.into_iter().map(DueAlert::try_from).collect()
    }

    /// Lease a pending alert until `lease_until` before sending it. Returns false if
    /// it was delivered or another sender holds a lease on it. A sender that dies
    /// after this leaves the alert to be sent again once the lease ends.
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_alert(
        &self,
        channel: AlertChannel,
        report: Uuid,
        kind: AlertKind,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<bool> {
        let sql = format!(
            "UPDATE {} SET lease_until = $3, attempts = attempts + 1 \
             WHERE report_id = $1 AND kind = $2 AND state = 'pending' AND lease_until <= $4",
            channel.table()
        );
        let n = exec!(self, &sql, report, kind.as_str(), to_micros(lease_until), to_micros(now));
        Ok(n == 1)
    }

    /// A claimed alert was delivered: it is never sent again.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_delivered(
        &self,
        channel: AlertChannel,
        report: Uuid,
        kind: AlertKind,
        now: OffsetDateTime,
    ) -> Result<()> {
        let sql =
            format!("UPDATE {} SET state = 'sent', sent_at = $3 WHERE report_id = $1 AND kind = $2", channel.table());
        exec!(self, &sql, report, kind.as_str(), to_micros(now));
        Ok(())
    }

    /// Delivering a claimed alert failed: try again from `retry_at` (its lease is
    /// shortened or lengthened to then).
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_failed(
        &self,
        channel: AlertChannel,
        report: Uuid,
        kind: AlertKind,
        retry_at: OffsetDateTime,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET lease_until = $3 WHERE report_id = $1 AND kind = $2 AND state = 'pending'",
            channel.table()
        );
        exec!(self, &sql, report, kind.as_str(), to_micros(retry_at));
        Ok(())
    }

    /// How many of `channel`'s alerts were delivered, and how many wait.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_counts(&self, channel: AlertChannel) -> Result<(i64, i64)> {
        let sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
             COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending FROM {}",
            channel.table()
        );
        let counts: Counts = fetch!(self, query_as.fetch_one, &sql);
        Ok((counts.sent, counts.pending))
    }
}

/// Delivered and waiting alerts of one channel.
#[derive(sqlx::FromRow)]
struct Counts {
    sent: i64,
    pending: i64,
}
