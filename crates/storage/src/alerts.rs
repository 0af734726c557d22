//! Alert settings and the record of alerts sent (each alert goes out once).

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
    /// Set (or replace) an organisation's alert webhook.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_alert_webhook(
        &self,
        org: OrgId,
        url: &str,
        sealed_secret: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query(
            "INSERT INTO org_alerts (org_id, webhook_url, webhook_secret, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id) DO UPDATE SET webhook_url = excluded.webhook_url, \
             webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at"
        )
        .bind(org.as_uuid())
        .bind(url)
        .bind(sealed_secret)
        .bind(to_micros(now))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
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

    /// Set (or replace) the desk's alert e-mail address.
    ///
    /// # Errors
    /// The database failed.
    pub async fn set_alert_email(&self, org: OrgId, email: &str, now: OffsetDateTime) -> Result<()> {
        crate::db_run!(self, |p| sqlx::query(
            "INSERT INTO org_alert_emails (org_id, email, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at"
        )
        .bind(org.as_uuid())
        .bind(email)
        .bind(to_micros(now))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
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
