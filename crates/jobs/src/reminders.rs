//! Certificate reminders: an e-mail to each holder of a staff certificate that
//! expires within [`REMIND_BEFORE`], once per certificate, queued in the mail outbox.

use sightline_storage::StorageError;
use time::Duration;

use crate::{Context, Pages};

/// Remind holders of staff certificates this long before they expire.
pub const REMIND_BEFORE: Duration = Duration::days(30);
/// How many certificates one page holds.
const PAGES: Pages = Pages { limit: 200 };

/// Queue a reminder e-mail for each staff certificate expiring within
/// [`REMIND_BEFORE`] (once per certificate; not for holders who already renewed),
/// page by page until none is left. Without an SMTP relay nothing is queued, so
/// nobody is marked reminded. Returns how many were queued.
///
/// # Errors
/// The database failed.
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    if ctx.smtp.is_none() {
        return Ok(0);
    }
    let now = ctx.now();
    let mut queued = 0;
    loop {
        let due = ctx.db.certificates_due_reminder(now, now + REMIND_BEFORE, PAGES.limit).await?;
        let mut moved = 0;
        for d in &due {
            let org = ctx.db.get_org(d.org_id).await?;
            match ctx.letters.reminder(d, org.name.as_str()) {
                Ok(mail) => {
                    // False: another node reminded this holder first; either way it is done.
                    moved += 1;
                    if ctx.db.remind_certificate(d.org_id, d.certificate, &mail, now).await? {
                        queued += 1;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot write a certificate reminder"),
            }
        }
        if !PAGES.more(due.len(), moved) {
            break;
        }
    }
    Ok(queued)
}
