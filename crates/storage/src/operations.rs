//! What an operator's monitoring reads: open reports per organisation (by id, never
//! a name), the backlog and failures of each outbox, the cases the retention purge
//! made tombstones, and the connection pool's use.

use sightline_domain::ids::OrgId;
use uuid::Uuid;

use crate::{Db, Inner, Result};

/// One outbox's state: waiting to be sent, of those the ones that already failed at
/// least once, and those given up (dead letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub pending: i64,
    pub failing: i64,
    pub given_up: i64,
}

/// The numbers of [`Db::operations`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Operations {
    /// Reports not closed, per organisation.
    pub open_reports: Vec<(OrgId, i64)>,
    /// `(outbox name, counts)`: `mail`, `alert_webhook`, `alert_email`, `referral_webhook`.
    pub outboxes: Vec<(&'static str, OutboxCounts)>,
    /// Closed cases the retention purge made tombstones (all organisations).
    pub purged_cases: i64,
}

/// The connection pool now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// Per outbox: its table, the condition of "waiting", and of "given up" (alerts are
/// retried until their report is acknowledged: never given up).
const OUTBOXES: [(&str, &str, &str, Option<&str>); 4] = [
    ("mail", "mail_outbox", "sent_at IS NULL AND gave_up_at IS NULL", Some("gave_up_at IS NOT NULL")),
    ("alert_webhook", "alerts_sent", "state = 'pending'", None),
    ("alert_email", "alerts_emailed", "state = 'pending'", None),
    ("referral_webhook", "referral_deliveries", "state = 'pending'", Some("state = 'dead'")),
];

impl Db {
    /// Open reports per organisation and every outbox's counts: one read each.
    ///
    /// # Errors
    /// The database failed.
    pub async fn operations(&self) -> Result<Operations> {
        let open: Vec<(Uuid, i64)> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT org_id, COUNT(*) FROM reports WHERE status <> 'closed' GROUP BY org_id ORDER BY org_id"
        );
        let mut outboxes = Vec::with_capacity(OUTBOXES.len());
        for (name, table, waiting, given_up) in OUTBOXES {
            // Each condition alone, so the outbox's partial index serves the first.
            let sql = format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) FROM {table} WHERE {waiting}"
            );
            let (pending, failing): (i64, i64) = fetch!(self, query_as.fetch_one, &sql);
            let dead: i64 = match given_up {
                Some(cond) => {
                    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {cond}");
                    fetch!(self, query_scalar.fetch_one, &sql)
                }
                None => 0,
            };
            outboxes.push((name, OutboxCounts { pending, failing, given_up: dead }));
        }
        let purged_cases = self.purged_cases().await?;
        Ok(Operations {
            open_reports: open.into_iter().map(|(o, n)| (OrgId::from_uuid(o), n)).collect(),
            outboxes,
            purged_cases,
        })
    }

    /// How many connections are open, idle, and allowed.
    #[must_use]
    pub fn pool_use(&self) -> PoolUse {
        match &self.0 {
            Inner::Sqlite(p) => PoolUse {
                open: p.size(),
                idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
                max: p.options().get_max_connections(),
            },
            Inner::Pg(p) => PoolUse {
                open: p.size(),
                idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
                max: p.options().get_max_connections(),
            },
        }
    }
}
