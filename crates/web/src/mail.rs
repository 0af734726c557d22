//! E-mails to people: invitation, first-password and reset links. A letter is sealed
//! under the master key and queued in the same transaction as its link
//! ([`letter`] → `NewMail`); [`run_once`] (every few seconds from `serve`) delivers
//! what is due through the SMTP relay, retrying with back-off until the link expires.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sightline_domain::crypto::{SealRandom, Sealed};
use sightline_domain::ids::OrgId;
use sightline_storage::{MailKind, NewMail, StorageError};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::i18n::Lang;
use crate::security::random_bytes;
use crate::{AppState, Smtp};

/// Give up after this many attempts (the link may also expire first).
const MAX_ATTEMPTS: i64 = 6;
/// How long one attempt holds an e-mail before another sender may take it.
const LEASE: Duration = Duration::minutes(2);

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

/// An SMTP transport and sender, or why there is none.
///
/// # Errors
/// The relay URL or the sender address is unusable.
pub fn transport(smtp: &Smtp) -> Result<(AsyncSmtpTransport<Tokio1Executor>, lettre::message::Mailbox), String> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url).map_err(|e| e.to_string())?.build();
    let from = smtp.from.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
    Ok((transport, from))
}

/// Send one plain-text e-mail.
///
/// # Errors
/// The message could not be built or the relay refused it.
pub async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &lettre::message::Mailbox,
    to: &str,
    subject: String,
    body: String,
    message_id: Option<String>,
) -> Result<(), String> {
    let to: lettre::message::Mailbox = to.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(message_id)
        .body(body)
        .map_err(|e| e.to_string())?;
    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
}

/// What a letter says: the person's name, the organisation, the link and until when
/// it works, in the sender's language.
pub(crate) struct Letter<'a> {
    pub kind: MailKind,
    pub lang: Lang,
    pub to: &'a str,
    pub name: &'a str,
    pub org: &'a str,
    pub url: &'a str,
    pub expires_at: OffsetDateTime,
    /// The course, for reminders (empty otherwise).
    pub course: &'a str,
}

/// Write and seal a letter for the outbox.
///
/// # Errors
/// No randomness was available, or sealing failed.
pub(crate) fn letter(state: &AppState, org: OrgId, l: &Letter<'_>) -> Result<NewMail, String> {
    let until = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        l.expires_at.year(),
        u8::from(l.expires_at.month()),
        l.expires_at.day(),
        l.expires_at.hour(),
        l.expires_at.minute()
    );
    let args = [
        ("name", l.name.to_owned()),
        ("org", l.org.to_owned()),
        ("url", l.url.to_owned()),
        ("until", until),
        ("course", l.course.to_owned()),
    ];
    let kind = l.kind.as_str();
    let subject = l.lang.t_args(&format!("mail-{kind}-subject"), &args);
    let body = format!("{}\n\n-- \n{}\n", l.lang.t_args(&format!("mail-{kind}-body"), &args), l.lang.t("mail-footer"));
    let id = Uuid::now_v7();
    let r =
        SealRandom { data_key: random_bytes::<32>()?, nonce: random_bytes::<24>()?, wrap_nonce: random_bytes::<24>()? };
    let sealed = state.keys.seal(org, id, body.as_bytes(), &r).map_err(|e| e.to_string())?;
    Ok(NewMail {
        id,
        to: l.to.to_owned(),
        kind: l.kind,
        subject,
        sealed: (sealed.body, sealed.wrapped_key),
        expires_at: l.expires_at,
    })
}

/// One pass over the outbox: deliver what is due. Returns how many were delivered.
/// Without an SMTP relay nothing is sent and everything waits.
///
/// # Errors
/// The database failed.
pub async fn run_once(state: &AppState) -> Result<usize, StorageError> {
    let Some(smtp) = &state.config.smtp else { return Ok(0) };
    let now = state.now();
    let due = state.db.due_mail(now, 50).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let (transport, from) = match transport(smtp) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "the SMTP settings are not usable; e-mails wait");
            return Ok(0);
        }
    };
    let mut sent = 0;
    for m in due {
        if !state.db.claim_mail(m.id, now, now + LEASE).await? {
            continue;
        }
        if m.expires_at <= now {
            state.db.mail_failed(m.id, "the link expired before the e-mail could be delivered", None, now).await?;
            continue;
        }
        let sealed = Sealed { body: m.sealed.0.clone(), wrapped_key: m.sealed.1.clone() };
        let delivered = match state.keys.open(m.org_id, m.id, &sealed) {
            Ok(body) => {
                let body = String::from_utf8_lossy(&body).into_owned();
                send(&transport, &from, &m.to, m.subject.clone(), body, None).await
            }
            Err(e) => Err(format!("cannot open the sealed body: {e}")),
        };
        match delivered {
            Ok(()) => {
                state.db.mail_sent(m.id, state.now()).await?;
                sent += 1;
            }
            Err(e) => {
                let attempts = m.attempts + 1;
                let retry = (attempts < MAX_ATTEMPTS).then(|| state.now() + backoff(attempts));
                let retry = retry.filter(|at| *at < m.expires_at);
                tracing::warn!(to = %m.to, attempts, error = %e, "e-mail not delivered");
                state.db.mail_failed(m.id, &e, retry, state.now()).await?;
            }
        }
    }
    Ok(sent)
}

/// Remind holders of staff certificates this long before they expire.
pub const REMIND_BEFORE: Duration = Duration::days(30);

/// Queue a reminder e-mail for each staff certificate expiring within
/// [`REMIND_BEFORE`] (once per certificate; not for holders who already renewed).
/// Without an SMTP relay nothing is queued, so nobody is marked reminded.
///
/// # Errors
/// The database failed.
pub async fn remind_once(state: &AppState) -> Result<usize, StorageError> {
    if state.config.smtp.is_none() {
        return Ok(0);
    }
    let now = state.now();
    let mut queued = 0;
    for due in state.db.certificates_due_reminder(now, now + REMIND_BEFORE, 200).await? {
        let lang = due.locale.as_deref().and_then(Lang::from_code).unwrap_or(Lang::En);
        let course = state.library.course(&due.course_id);
        let title = course.map_or(due.course_id.as_str(), |c| c.title.get(lang.code()));
        let org = state.db.get_org(due.org_id).await?;
        let url = state.link(&format!("/learn/{}", due.course_id));
        let l = Letter {
            kind: MailKind::Reminder,
            lang,
            to: &due.email,
            name: &due.name,
            org: &org.name,
            url: &url,
            expires_at: due.valid_until,
            course: title,
        };
        match letter(state, due.org_id, &l) {
            Ok(mail) => {
                if state.db.remind_certificate(due.org_id, due.certificate, &mail, now).await? {
                    queued += 1;
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot write a certificate reminder"),
        }
    }
    Ok(queued)
}
