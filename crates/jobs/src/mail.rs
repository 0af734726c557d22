//! The mail outbox: invitation, first-password, reset and reminder e-mails, sealed
//! and queued by whoever wrote them, delivered here through the SMTP relay with
//! back-off until the link expires.

use sightline_domain::crypto::Sealed;
use sightline_storage::StorageError;
use time::Duration;

use crate::outbound::smtp::Mailer;
use crate::{Context, Pages};

/// Give up after this many attempts (the link may also expire first).
const MAX_ATTEMPTS: i64 = 6;
/// How long one attempt holds an e-mail before another sender may take it.
const LEASE: Duration = Duration::minutes(2);
/// How many e-mails one page of the outbox holds.
const PAGES: Pages = Pages { limit: 50 };

/// Wait before the next attempt, after `attempts` failed ones.
fn backoff(attempts: i64) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        4 => Duration::hours(1),
        _ => Duration::hours(3),
    }
}

/// One pass over the outbox: deliver everything that is due, page by page. Returns
/// how many were delivered. Without an SMTP relay nothing is sent and everything waits.
///
/// # Errors
/// The database failed.
pub async fn run_once(ctx: &Context) -> Result<usize, StorageError> {
    let Some(smtp) = &ctx.smtp else { return Ok(0) };
    let now = ctx.now();
    let mut mailer = None;
    let mut sent = 0;
    loop {
        let due = ctx.db.due_mail(now, PAGES.limit).await?;
        if due.is_empty() {
            break;
        }
        let mailer = match &mut mailer {
            Some(m) => m,
            None => match Mailer::new(smtp) {
                Ok(m) => mailer.insert(m),
                Err(e) => {
                    tracing::warn!(error = %e, "the SMTP settings are not usable; e-mails wait");
                    return Ok(sent);
                }
            },
        };
        let seen = due.len();
        for m in due {
            if !ctx.db.claim_mail(m.id, now, now + LEASE).await? {
                continue;
            }
            if m.expires_at <= now {
                ctx.db.mail_failed(m.id, "the link expired before the e-mail could be delivered", None, now).await?;
                continue;
            }
            let sealed = Sealed { body: m.sealed.0.clone(), wrapped_key: m.sealed.1.clone() };
            let delivered = match ctx.keys.open(m.org_id, m.id, &sealed) {
                Ok(body) => {
                    let body = String::from_utf8_lossy(&body).into_owned();
                    mailer.send(&m.to, m.subject.clone(), body, None).await
                }
                Err(e) => Err(format!("cannot open the sealed body: {e}")),
            };
            match delivered {
                Ok(()) => {
                    ctx.db.mail_sent(m.id, ctx.now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    let attempts = m.attempts + 1;
                    let retry = (attempts < MAX_ATTEMPTS).then(|| ctx.now() + backoff(attempts));
                    let retry = retry.filter(|at| *at < m.expires_at);
                    tracing::warn!(mail = %m.id, attempts, error = %without_addresses(&e), "e-mail not delivered");
                    ctx.db.mail_failed(m.id, &e, retry, ctx.now()).await?;
                }
            }
        }
        // Every e-mail on the page was leased (here or by another sender): none is due again now.
        if !PAGES.more(seen, seen) {
            break;
        }
    }
    Ok(sent)
}

/// `text` with every word that holds an `@` (an e-mail address, as SMTP servers quote
/// them in refusals) replaced, for the logs: they never carry addresses.
fn without_addresses(text: &str) -> String {
    text.split(' ').map(|w| if w.contains('@') { "[address]" } else { w }).collect::<Vec<_>>().join(" ")
}
