//! When each case was first notified to law enforcement or a hotline (for annual
//! compliance reports).

use sightline_domain::directory::ContactKind;
use sightline_domain::ids::OrgId;
use sightline_domain::triage::CaseEventKind;
use time::OffsetDateTime;

use super::{CaseRecord, QueueFilter};
use crate::{Db, Result};

/// The first notification of a case: when, to which organisation, of which kind.
pub type FirstNotification = (OffsetDateTime, String, ContactKind);

impl Db {
    /// Per report received in `[from, to)`: when it was received and the first time
    /// law enforcement or a hotline was contacted (for annual compliance reports).
    ///
    /// # Errors
    /// The database failed.
    pub async fn notifications(
        &self,
        org: OrgId,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<(CaseRecord, Option<FirstNotification>)>> {
        let mut cases: Vec<CaseRecord> = self
            .queue(
                org,
                &QueueFilter { include_closed: true, include_merged: true, ..QueueFilter::default() },
                1_000_000,
            )
            .await?
            .into_iter()
            .filter(|c| c.received_at >= from && c.received_at < to)
            .collect();
        cases.sort_by_key(|c| c.received_at);
        let mut out = Vec::with_capacity(cases.len());
        for c in cases {
            // A merged report was notified through the case it joined.
            let first = self.case_events(org, c.merged_into.unwrap_or(c.id)).await?.into_iter().find_map(|e| {
                match (e.kind, e.contact_kind) {
                    (CaseEventKind::Contact, Some(kind)) if kind.is_law_enforcement_or_hotline() => {
                        Some((e.at, e.contact_org.unwrap_or_default(), kind))
                    }
                    _ => None,
                }
            });
            out.push((c, first));
        }
        Ok(out)
    }
}
