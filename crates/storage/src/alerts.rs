//! Alert settings and the record of alerts sent (each alert goes out once).

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::OrgId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, to_micros};

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
}

impl Db {
    /// Change where an organisation's desk is alerted, with its audit entry, in one
    /// transaction.
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
        crate::db_run!(self, |p| {
            let mut tx = p.begin().await?;
            match change {
                AlertChange::Webhook { url, sealed_secret } => sqlx::query(
                    "INSERT INTO org_alerts (org_id, webhook_url, webhook_secret, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (org_id) DO UPDATE SET webhook_url = excluded.webhook_url, \
                     webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at",
                )
                .bind(org.as_uuid())
                .bind(url)
                .bind(sealed_secret)
                .bind(to_micros(now))
                .execute(&mut *tx)
                .await?,
                AlertChange::NoWebhook => {
                    sqlx::query("DELETE FROM org_alerts WHERE org_id = $1")
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
        let (hook, email): (Option<(String,)>, Option<(String,)>) = crate::db_run!(self, |p| {
            let hook = sqlx::query_as("SELECT webhook_url FROM org_alerts WHERE org_id = $1")
                .bind(org.as_uuid())
                .fetch_optional(p)
                .await?;
            let email = sqlx::query_as("SELECT email FROM org_alert_emails WHERE org_id = $1")
                .bind(org.as_uuid())
                .fetch_optional(p)
                .await?;
            (hook, email)
        });
        Ok((hook.map(|h| h.0), email.map(|e| e.0)))
    }

    /// Every organisation's alert target.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_targets(&self) -> Result<Vec<AlertTarget>> {
        let rows: Vec<(Uuid, String, String)> = crate::db_run!(self, |p| sqlx::query_as(
            "SELECT org_id, webhook_url, webhook_secret FROM org_alerts ORDER BY org_id"
        )
        .fetch_all(p)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(o, url, secret)| AlertTarget {
                org_id: OrgId::from_uuid(o),
                webhook_url: url,
                webhook_secret: secret,
            })
            .collect())
    }

    /// Every organisation's alert e-mail address.
    ///
    /// # Errors
    /// The database failed.
    pub async fn alert_emails(&self) -> Result<Vec<(OrgId, String)>> {
        let rows: Vec<(Uuid, String)> =
            crate::db_run!(self, |p| sqlx::query_as("SELECT org_id, email FROM org_alert_emails ORDER BY org_id")
                .fetch_all(p)
                .await?);
        Ok(rows.into_iter().map(|(o, e)| (OrgId::from_uuid(o), e)).collect())
    }

    /// Claim the right to send alert `kind` for a report on `channel`. Returns
    /// false if it was already sent (or is being sent).
    ///
    /// # Errors
    /// The database failed.
    pub async fn claim_alert(
        &self,
        channel: AlertChannel,
        report: Uuid,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let sql = format!(
            "INSERT INTO {} (report_id, kind, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            channel.table()
        );
        let n = crate::db_run!(self, |p| sqlx::query(&sql)
            .bind(report)
            .bind(kind)
            .bind(to_micros(now))
            .execute(p)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// Give a claimed alert back (sending failed; it will be tried again).
    ///
    /// # Errors
    /// The database failed.
    pub async fn release_alert(&self, channel: AlertChannel, report: Uuid, kind: &str) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE report_id = $1 AND kind = $2", channel.table());
        crate::db_run!(self, |p| sqlx::query(&sql).bind(report).bind(kind).execute(p).await?.rows_affected());
        Ok(())
    }
}
