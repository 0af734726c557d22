//! An organisation's people: the list, invitations by link, roster import, role
//! changes, password reset links, and the organisation's audit trail.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sightline_app::people::{INVITATION_DAYS, Invite, Letters, RESET_HOURS, RosterOutcome};
use sightline_app::{AppError, Caller};
use sightline_domain::audit::AuditEntry;
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::user::{Role, Roles};
use sightline_storage::{Invitation, MailKind, MailStatus, NewMail, Organisation, UserRecord};

use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::{CsrfForm, Visit, Visitor};

pub(super) fn parse_org(s: &str) -> Result<OrgId, PageError> {
    s.parse().map_err(|_| PageError::NotFound)
}

/// A form posted to one organisation's pages (`/orgs/{org}/…`, and `…/users/{user}/…`):
/// the visitor, the caller, the organisation, the person when the path names one, and
/// the CSRF-checked form — read once for every such action. Whether the caller may
/// administer the organisation is the use case's to decide.
pub struct OrgForm<T> {
    pub state: AppState,
    pub v: Visitor,
    pub me: Caller,
    pub org: OrgId,
    pub user: Option<UserId>,
    pub f: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for OrgForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let v = Visitor::from_request_parts(&mut parts, state).await?;
        let Path(path) = Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        let CsrfForm(f) = CsrfForm::<T>::from_request(Request::from_parts(parts, body), state).await?;
        let (org, me) = org_admin_action(&v, path.get("org").map_or("", String::as_str))?;
        let user = path.get("user").map(|u| u.parse().map_err(|_| PageError::NotFound)).transpose()?;
        Ok(Self { state: state.clone(), v, me, org, user, f })
    }
}

impl<T> OrgForm<T> {
    /// The person the path names.
    fn user(&self) -> Result<UserId, PageError> {
        self.user.ok_or(PageError::NotFound)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
    pub name: String,
    /// Checkbox values; serde_urlencoded gives repeated keys to a Vec only through
    /// the raw pairs, so roles arrive in `role_*` fields.
    pub role_learner: Option<String>,
    pub role_reporter: Option<String>,
    pub role_desk_analyst: Option<String>,
    pub role_org_admin: Option<String>,
    pub role_platform_admin: Option<String>,
    /// E-mail the link (needs an SMTP relay).
    pub send_email: Option<String>,
}

impl InviteForm {
    fn roles(&self) -> Roles {
        let pairs = [
            (Role::Learner, &self.role_learner),
            (Role::Reporter, &self.role_reporter),
            (Role::DeskAnalyst, &self.role_desk_analyst),
            (Role::OrgAdmin, &self.role_org_admin),
            (Role::PlatformAdmin, &self.role_platform_admin),
        ];
        Roles::of(pairs.into_iter().filter(|(_, v)| v.is_some()).map(|(r, _)| r))
    }
    #[must_use]
    pub fn checked(&self, role: &Role) -> bool {
        self.roles().contains(*role)
    }
}

/// A result to show at the top of the page.
pub enum Notice {
    Link { text: String, url: String },
    Done(String),
    RowErrors(Vec<(usize, String, String)>),
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    org: Organisation,
    users: Vec<UserRecord>,
    invitations: Vec<Invitation>,
    grantable: Vec<Role>,
    me: UserId,
    notice: Option<Notice>,
    form: InviteForm,
    errors: FormErrors,
    now: time::OffsetDateTime,
    positions: [Audience; 4],
    /// The server can send e-mail.
    can_email: bool,
    mails: Vec<MailStatus>,
}

async fn page(
    state: &AppState,
    v: &Visitor,
    org: OrgId,
    notice: Option<Notice>,
    form: InviteForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let me = v.caller()?;
    let people = state.people(&me, org).await?;
    let bad = !errors.is_empty() || matches!(notice, Some(Notice::RowErrors(_)));
    let p = UsersPage {
        ctx: Ctx::new(v),
        org: people.org,
        users: people.users,
        invitations: people.invitations,
        grantable: people.grantable,
        me: me.id(),
        notice,
        form,
        errors,
        now: state.now(),
        positions: Audience::STAFF,
        can_email: state.config.smtp.is_some(),
        mails: people.mails,
    };
    let html = axum::response::Html(p.render()?);
    Ok(if bad { (StatusCode::UNPROCESSABLE_ENTITY, html).into_response() } else { html.into_response() })
}

/// The page again after a change, with its notice.
async fn done(state: &AppState, v: &Visitor, org: OrgId, notice: Notice) -> Result<Response, PageError> {
    page(state, v, org, Some(notice), InviteForm::default(), FormErrors::default()).await
}

pub async fn list(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let org = parse_org(&org)?;
    page(
        &state,
        &v,
        org,
        None,
        InviteForm { role_learner: Some("on".into()), send_email: Some("on".into()), ..InviteForm::default() },
        FormErrors::default(),
    )
    .await
}

/// Links on this server and their letters, in the admin's language; e-mail only when
/// the server has a relay.
pub(crate) struct WebLetters<'a> {
    pub state: &'a AppState,
    pub lang: Lang,
}

impl Letters for WebLetters<'_> {
    fn link(&self, path: &str) -> String {
        self.state.link(path)
    }
    fn letter(
        &self,
        org: &Organisation,
        kind: MailKind,
        (to, name): (&str, &str),
        url: &str,
        expires_at: time::OffsetDateTime,
    ) -> Result<Option<NewMail>, String> {
        if self.state.config.smtp.is_none() {
            return Ok(None);
        }
        let l = crate::mail::Letter { kind, lang: self.lang, to, name, org: &org.name, url, expires_at, course: "" };
        crate::mail::letter(self.state, org.id, &l).map(Some)
    }
}

/// A request on an organisation's people or settings: the organisation and the
/// caller, after the CSRF check when the form's token is given (whether they may
/// administer it is the use case's to decide).
pub(super) fn org_admin_action(v: &Visitor, org: &str) -> Result<(OrgId, Caller), PageError> {
    Ok((parse_org(org)?, v.caller()?))
}

/// The form's errors in the page's language.
fn form_errors(lang: Lang, list: &[sightline_domain::FieldError]) -> FormErrors {
    let mut errors = FormErrors::default();
    list.iter().for_each(|e| errors.add(lang, e));
    errors
}

pub async fn invite(a: OrgForm<InviteForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let input = Invite { email: &f.email, name: &f.name, roles: f.roles(), send_email: f.send_email.is_some() };
    let letters = WebLetters { state: &state, lang: v.lang };
    let errors = match state.invite(&me, org, &input, &letters).await {
        Ok(link) => {
            let key = if link.emailed { "invite-link-emailed" } else { "invite-link-made" };
            let text = v.lang.t_args(key, &[("email", link.to), ("days", INVITATION_DAYS.to_string())]);
            let form = InviteForm {
                role_learner: Some("on".into()),
                send_email: f.send_email.clone(),
                ..InviteForm::default()
            };
            return page(&state, &v, org, Some(Notice::Link { text, url: link.url }), form, FormErrors::default())
                .await;
        }
        Err(AppError::Invalid(list)) => form_errors(v.lang, &list),
        Err(AppError::Conflict { .. }) => {
            let mut errors = FormErrors::default();
            errors.add_message("email", v.lang.t("error-email-taken"));
            errors
        }
        Err(e) => return Err(e.into()),
    };
    page(&state, &v, org, None, f, errors).await
}

pub async fn roster(
    Visit { state, v }: Visit,
    Path(org): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    // The CSRF token arrives inside the multipart body; it is checked once read.
    let (org, me) = org_admin_action(&v, &org)?;
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    let mut send_email = false;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => file = field.bytes().await.ok().map(|b| b.to_vec()),
            Some("send_email") => send_email = true,
            _ => {}
        }
    }
    v.check_csrf(&csrf)?;
    let lang = v.lang;
    let letters = WebLetters { state: &state, lang };
    let notice = match state.import_roster(&me, org, file.as_deref(), send_email, &letters).await? {
        RosterOutcome::Imported { count, emailed } => {
            let key = if emailed { "roster-imported-emailed" } else { "roster-imported" };
            Notice::Done(lang.t_args(key, &[("count", count.to_string())]))
        }
        RosterOutcome::Refused(rows) => Notice::RowErrors(
            rows.into_iter()
                .map(|r| {
                    let key = format!("error-{}", r.error.code);
                    let known = lang.has(&key) || Lang::En.has(&key);
                    (r.line, r.error.field.to_owned(), if known { lang.t(&key) } else { lang.t("error-invalid") })
                })
                .collect(),
        ),
    };
    done(&state, &v, org, notice).await
}

pub async fn set_roles(a: OrgForm<InviteForm>) -> Result<Response, PageError> {
    let user = a.user()?;
    let OrgForm { state, v, me, org, f, .. } = a;
    let roles: Roles = f.roles();
    let result = state.set_roles(&me, org, user, &roles).await;
    person_changed(&state, &v, org, result, "roles-saved").await
}

/// The people page after a change to a person: the notice `saved` (with their name)
/// when it went through, the fields at fault (422) when not.
async fn person_changed(
    state: &AppState,
    v: &Visitor,
    org: OrgId,
    result: Result<UserRecord, AppError>,
    saved: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(target) => done(state, v, org, Notice::Done(v.lang.t_args(saved, &[("name", target.name)]))).await,
        Err(AppError::Invalid(list)) => {
            page(state, v, org, None, InviteForm::default(), form_errors(v.lang, &list)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LeaveForm {
    /// A checkbox: `on` confirms the person left.
    confirm: Option<String>,
}

/// A person left the organisation: deactivated (the retention policy's training
/// period runs from now). The admin ticks a confirmation.
pub async fn leave(a: OrgForm<LeaveForm>) -> Result<Response, PageError> {
    let user = a.user()?;
    let OrgForm { state, v, me, org, f, .. } = a;
    let result = state.deactivate_person(&me, org, user, f.confirm.as_deref() == Some("on")).await;
    person_changed(&state, &v, org, result, "person-left").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PositionForm {
    position: String,
}

pub async fn set_position(a: OrgForm<PositionForm>) -> Result<Response, PageError> {
    let user = a.user()?;
    let OrgForm { state, v, me, org, f, .. } = a;
    let target = state.set_position(&me, org, user, &f.position).await?;
    done(&state, &v, org, Notice::Done(v.lang.t_args("position-saved", &[("name", target.name)]))).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    /// E-mail the link (needs an SMTP relay).
    send_email: Option<String>,
}

pub async fn reset_link(a: OrgForm<CsrfOnly>) -> Result<Response, PageError> {
    let user = a.user()?;
    let OrgForm { state, v, me, org, f, .. } = a;
    let letters = WebLetters { state: &state, lang: v.lang };
    let link = state.reset_link(&me, org, user, f.send_email.is_some(), &letters).await?;
    let key = if link.emailed { "reset-link-emailed" } else { "reset-link-made" };
    let text = v.lang.t_args(key, &[("email", link.to), ("hours", RESET_HOURS.to_string())]);
    done(&state, &v, org, Notice::Link { text, url: link.url }).await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    org: Organisation,
    entries: Vec<AuditEntry>,
    names: HashMap<String, String>,
}

impl AuditPage {
    fn actor(&self, e: &AuditEntry) -> String {
        e.actor.map(|a| a.to_string()).and_then(|a| self.names.get(&a).cloned()).unwrap_or_else(|| "—".into())
    }
    fn target(&self, e: &AuditEntry) -> String {
        match (&e.target_kind, &e.target_id) {
            (Some(k), Some(id)) => {
                self.names.get(id).map_or_else(|| format!("{k} {}", short(id)), |n| format!("{k}: {n}"))
            }
            _ => String::new(),
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

pub async fn audit(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&v, &org)?;
    let (org, entries, people) = state.org_audit(&me, org).await?;
    let names = people.into_iter().map(|u| (u.id.to_string(), u.name)).collect();
    render(&AuditPage { ctx: Ctx::new(&v), org, entries, names })
}
