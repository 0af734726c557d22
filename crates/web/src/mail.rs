//! E-mails to people: invitation, first-password, reset and reminder letters. A
//! letter is written in the reader's language, sealed under the master key and queued
//! in the same transaction as its link ([`letter`] → `NewMail`); the background job
//! `sightline_jobs::mail` delivers the outbox.

use sightline_domain::crypto::SealRandom;
use sightline_domain::ids::OrgId;
use sightline_jobs::AssignmentDue;
use sightline_storage::{AdminContact, MailKind, NewMail, OverduePerson, ReminderDue, TrainedPerson};
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
    let body = l.lang.t_args(&format!("mail-{kind}-body"), &args);
    sealed(state, org, (l.to, l.kind, l.lang), subject, &body, l.expires_at)
}

/// Seal a written letter (the footer added) for the outbox.
fn sealed(
    state: &AppState,
    org: OrgId,
    (to, kind, lang): (&str, MailKind, Lang),
    subject: String,
    body: &str,
    expires_at: OffsetDateTime,
) -> Result<NewMail, String> {
    let body = format!("{body}\n\n-- \n{}\n", lang.t("mail-footer"));
    let id = Uuid::now_v7();
    let r =
        SealRandom { data_key: random_bytes::<32>()?, nonce: random_bytes::<24>()?, wrap_nonce: random_bytes::<24>()? };
    let sealed = state.keys.seal(org, id, body.as_bytes(), &r).map_err(|e| e.to_string())?;
    Ok(NewMail { id, to: to.to_owned(), kind, subject, sealed: (sealed.body, sealed.wrapped_key), expires_at })
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

/// The most people an overdue digest names one by one (the count says how many).
const DIGEST_NAMES: usize = 100;

fn day(at: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", at.year(), u8::from(at.month()), at.day())
}

/// A reminder that an assigned course falls due (or is overdue), in the person's
/// language, for the assignment reminders job. Kept in the outbox a week past the
/// due date at most.
///
/// # Errors
/// No randomness was available, or sealing failed.
pub(crate) fn assignment_reminder(
    state: &AppState,
    to: &TrainedPerson,
    due: &AssignmentDue<'_>,
) -> Result<NewMail, String> {
    let lang = to.locale.as_deref().and_then(Lang::from_code).unwrap_or(Lang::En);
    let title = state.library.course(due.course_id).map_or(due.course_id, |c| c.title.get(lang.code()));
    let args = [
        ("name", to.name.clone()),
        ("org", due.org_name.to_owned()),
        ("course", title.to_owned()),
        ("due", day(due.due_at)),
        ("days", due.offset_days.to_string()),
        ("url", state.link(&format!("/learn/{}", due.course_id))),
    ];
    let which = if due.offset_days == 0 { "overdue" } else { "due" };
    let subject = lang.t_args(&format!("mail-assignment-{which}-subject"), &args);
    let body = lang.t_args(&format!("mail-assignment-{which}-body"), &args);
    let expires_at = due.due_at.max(state.now()) + time::Duration::days(7);
    sealed(state, due.org, (&to.email, MailKind::Reminder, lang), subject, &body, expires_at)
}

/// The admins' digest of people newly overdue, in the admin's language: one line a
/// person (name, position, base, course, due date), at most [`DIGEST_NAMES`].
///
/// # Errors
/// No randomness was available, or sealing failed.
pub(crate) fn overdue_digest(
    state: &AppState,
    org: OrgId,
    org_name: &str,
    to: &AdminContact,
    people: &[OverduePerson],
) -> Result<NewMail, String> {
    let lang = to.locale.as_deref().and_then(Lang::from_code).unwrap_or(Lang::En);
    let mut lines: Vec<String> = people
        .iter()
        .take(DIGEST_NAMES)
        .map(|p| {
            let course = state.library.course(&p.course_id).map_or(p.course_id.as_str(), |c| c.title.get(lang.code()));
            let position = p.position.map(|a| lang.t(&format!("position-{}", a.as_str()))).unwrap_or_default();
            let base = p.base.as_deref().unwrap_or("—");
            format!("- {} ({position}, {base}): {course}, {}", p.name, day(p.due_at))
        })
        .collect();
    if people.len() > DIGEST_NAMES {
        lines.push(lang.t_args("mail-overdue-digest-more", &[("count", (people.len() - DIGEST_NAMES).to_string())]));
    }
    let args = [
        ("name", to.name.clone()),
        ("org", org_name.to_owned()),
        ("count", people.len().to_string()),
        ("people", lines.join("\n")),
        ("url", state.link(&format!("/orgs/{org}/compliance?status=overdue"))),
    ];
    let subject = lang.t_args("mail-overdue-digest-subject", &args);
    let body = lang.t_args("mail-overdue-digest-body", &args);
    sealed(state, org, (&to.email, MailKind::Reminder, lang), subject, &body, state.now() + time::Duration::days(7))
}
