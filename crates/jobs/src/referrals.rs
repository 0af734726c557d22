//! Referral timers: a referral to a partner in Sightline that nobody there has
//! acknowledged within [`ACKNOWLEDGE_WITHIN`] is flagged to the referring desk, once
//! per referral across nodes — the desk's queue lists it and its case's history says
//! so, so that the desk reaches the partner another way.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::referral::ACKNOWLEDGE_WITHIN;
use sightline_storage::StorageError;

use crate::{Context, Pages};

/// How many referrals one page holds.
const PAGES: Pages = Pages { limit: 200 };

/// Flag every referral waiting longer than [`ACKNOWLEDGE_WITHIN`], page by page until
/// none is left. Returns how many this call flagged (another node may flag some).
///
/// # Errors
/// The database failed.
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    let now = ctx.now();
    let hours = ACKNOWLEDGE_WITHIN.whole_hours().to_string();
    let mut flagged = 0;
    loop {
        let due = ctx.db.overdue_referrals(now - ACKNOWLEDGE_WITHIN, PAGES.limit).await?;
        for r in &due {
            let note = format!("{} has not acknowledged the referral within {hours} hours", r.recipient_name);
            let audit = NewAuditEntry::new(AuditAction::ReferralOverdue)
                .org(r.org_id)
                .target("referral", r.id)
                .detail(format!("case {}; {hours} h", r.case_reference));
            if ctx.db.claim_overdue_referral(r, &note, &audit, now).await? {
                flagged += 1;
            }
        }
        // Every referral read is flagged (here or by another node): none is read twice.
        if !PAGES.more(due.len(), due.len()) {
            break;
        }
    }
    Ok(flagged)
}
