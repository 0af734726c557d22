//! E-mails to people: invitation, first-password, reset and reminder letters. A
//! letter is written in the reader's language, sealed under the master key and queued
//! in the same transaction as its link ([`letter`] → `NewMail`); the background job
//! `sightline_jobs::mail` delivers the outbox.

use sightline_domain::crypto::SealRandom;
use sightline_domain::ids::OrgId;
use sightline_storage::{MailKind, NewMail, ReminderDue};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::i18n::Lang;
use crate::security::random_bytes;

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

/// A reminder that a staff certificate expires soon, in the holder's language, for
/// the reminders job.
///
/// # Errors
/// No randomness was available, or sealing failed.
pub(crate) fn reminder(state: &AppState, due: &ReminderDue, org_name: &str) -> Result<NewMail, String> {
    let lang = due.locale.as_deref().and_then(Lang::from_code).unwrap_or(Lang::En);
    let course = state.library.course(&due.course_id);
    let title = course.map_or(due.course_id.as_str(), |c| c.title.get(lang.code()));
    let url = state.link(&format!("/learn/{}", due.course_id));
    let l = Letter {
        kind: MailKind::Reminder,
        lang,
        to: &due.email,
        name: &due.name,
        org: org_name,
        url: &url,
        expires_at: due.valid_until,
        course: title,
    };
    letter(state, due.org_id, &l)
}
