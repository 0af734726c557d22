//! An organisation's people: the list, invitations by link, roster import, role
//! changes, password reset links, and the organisation's audit trail.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sightline_domain::audit::{AuditAction, AuditEntry, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::roster;
use sightline_domain::user::{Email, PersonName, Role, Roles};
use sightline_storage::{
    Invitation, MailKind, MailStatus, NewMail, Organisation, Owned, StorageError, UserRecord, WelcomeLink,
};
use time::Duration;

use super::{Ctx, FormErrors, render};
use crate::AppState;
use crate::access::OrRefuse;
use crate::error::PageError;
use crate::security::{hash_token, new_token};
use crate::visitor::Visitor;

/// Invitation links stay valid this long.
pub const INVITATION_DAYS: i64 = 14;
/// Password reset links stay valid this long.
pub const RESET_HOURS: i64 = 24;
/// First-password links e-mailed to people imported from a roster stay valid this long.
pub const WELCOME_DAYS: i64 = 7;

pub(super) fn parse_org(s: &str) -> Result<OrgId, PageError> {
    s.parse().map_err(|_| PageError::NotFound)
}

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    /// Checkbox values; serde_urlencoded gives repeated keys to a Vec only through
    /// the raw pairs, so roles arrive in `role_*` fields.
    #[serde(default)]
    pub role_learner: Option<String>,
    #[serde(default)]
    pub role_reporter: Option<String>,
    #[serde(default)]
    pub role_desk_analyst: Option<String>,
    #[serde(default)]
    pub role_org_admin: Option<String>,
    #[serde(default)]
    pub role_platform_admin: Option<String>,
    /// E-mail the link (needs an SMTP relay).
    #[serde(default)]
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
    let me = v.org_admin(state, org).await?;
    let grantable =
        Role::ALL.into_iter().filter(|r| r.grantable_by_org_admin() || me.has_role(Role::PlatformAdmin)).collect();
    let bad = !errors.is_empty() || matches!(notice, Some(Notice::RowErrors(_)));
    let p = UsersPage {
        ctx: Ctx::new(v),
        org: state.db.get_org(org).await?,
        users: state.db.list_users(org).await?,
        invitations: state.db.list_invitations(org).await?.into_iter().filter(|i| i.accepted_at.is_none()).collect(),
        grantable,
        me: me.id,
        notice,
        form,
        errors,
        now: state.now(),
        positions: Audience::STAFF,
        can_email: state.config.smtp.is_some(),
        mails: state.db.mail_status(org, 20).await?,
    };
    let html = axum::response::Html(p.render()?);
    Ok(if bad { (StatusCode::UNPROCESSABLE_ENTITY, html).into_response() } else { html.into_response() })
}

pub async fn list(State(state): State<AppState>, v: Visitor, Path(org): Path<String>) -> Result<Response, PageError> {
    let org = parse_org(&org)?;
    v.org_admin(&state, org).await?;
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

/// The letter carrying a link, sealed for the outbox, if the admin asked for one
/// and the server can send e-mail.
#[allow(clippy::too_many_arguments)]
fn letter_if(
    state: &AppState,
    v: &Visitor,
    wanted: bool,
    org: &Organisation,
    kind: MailKind,
    (to, name): (&str, &str),
    url: &str,
    expires_at: time::OffsetDateTime,
) -> Result<Option<NewMail>, PageError> {
    if !wanted || state.config.smtp.is_none() {
        return Ok(None);
    }
    let l = crate::mail::Letter { kind, lang: v.lang, to, name, org: &org.name, url, expires_at, course: "" };
    crate::mail::letter(state, org.id, &l).map(Some).map_err(PageError::Internal)
}

/// A request on an organisation's people or settings: the organisation, and the admin
/// making it (another organisation's pages are "not found", and the attempt audited),
/// after the CSRF check when the form's token is given.
pub(super) async fn org_admin_action(
    state: &AppState,
    v: &Visitor,
    org: &str,
    csrf: Option<&str>,
) -> Result<(OrgId, UserRecord), PageError> {
    let org = parse_org(org)?;
    let me = v.org_admin(state, org).await?.clone();
    if let Some(token) = csrf {
        v.check_csrf(token)?;
    }
    Ok((org, me))
}

/// A person of the organisation an admin acts on; anyone else's is "not found" (and
/// another organisation's is audited).
async fn person(
    state: &AppState,
    v: &Visitor,
    me: &UserRecord,
    org: OrgId,
    user: UserId,
) -> Result<UserRecord, PageError> {
    let asker = v.asker(me).acting_for(org);
    Ok(state.db.get_user(org, user).await.or_refuse(state, asker, Owned::User(user)).await?)
}

pub async fn invite(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    Form(f): Form<InviteForm>,
) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&state, &v, &org, Some(&f.csrf)).await?;
    let mut errors = FormErrors::default();
    let email = errors.take(v.lang, Email::parse(&f.email));
    let name = errors.take(v.lang, PersonName::parse(&f.name));
    let roles = f.roles();
    if roles.is_empty() {
        errors.add_message("role_learner", v.lang.t("error-role-required"));
    }
    if roles.contains(Role::PlatformAdmin) && !me.has_role(Role::PlatformAdmin) {
        return Err(PageError::Forbidden);
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return page(&state, &v, org, None, f, errors).await;
    };
    let token = new_token().map_err(PageError::Internal)?;
    let now = state.now();
    let expires_at = now + Duration::days(INVITATION_DAYS);
    let url = state.link(&format!("/invite/{token}"));
    let organisation = state.db.get_org(org).await?;
    let who = (email.as_str(), name.as_str());
    let mail =
        letter_if(&state, &v, f.send_email.is_some(), &organisation, MailKind::Invitation, who, &url, expires_at)?;
    match state
        .db
        .create_invitation(org, me.id, &email, &name, &roles, &hash_token(&token), expires_at, mail.as_ref(), now)
        .await
    {
        Ok(_) => {
            let key = if mail.is_some() { "invite-link-emailed" } else { "invite-link-made" };
            let notice = Notice::Link {
                text: v.lang.t_args(key, &[("email", email.to_string()), ("days", INVITATION_DAYS.to_string())]),
                url,
            };
            page(
                &state,
                &v,
                org,
                Some(notice),
                InviteForm {
                    role_learner: Some("on".into()),
                    send_email: f.send_email.clone(),
                    ..InviteForm::default()
                },
                FormErrors::default(),
            )
            .await
        }
        Err(StorageError::Conflict { .. }) => {
            errors.add_message("email", v.lang.t("error-email-taken"));
            page(&state, &v, org, None, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn roster(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    // The CSRF token arrives inside the multipart body; it is checked once read.
    let (org, me) = org_admin_action(&state, &v, &org, None).await?;
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
    let row_error = |line: usize, field: &str, code: &str| {
        let key = format!("error-{code}");
        let msg = if lang.has(&key) || crate::Lang::En.has(&key) { lang.t(&key) } else { lang.t("error-invalid") };
        (line, field.to_owned(), msg)
    };
    let bytes = file.filter(|b| !b.is_empty());
    let Some(bytes) = bytes else {
        let notice = Notice::RowErrors(vec![row_error(0, "file", "file-required")]);
        return page(&state, &v, org, Some(notice), InviteForm::default(), FormErrors::default()).await;
    };
    let rows = match roster::parse(&bytes) {
        Ok(rows) => rows,
        Err(errs) => {
            let list = errs.iter().map(|e| row_error(e.line, e.error.field, e.error.code)).collect();
            return page(&state, &v, org, Some(Notice::RowErrors(list)), InviteForm::default(), FormErrors::default())
                .await;
        }
    };
    if rows.iter().any(|r| r.roles.contains(Role::PlatformAdmin)) && !me.has_role(Role::PlatformAdmin) {
        let list = rows
            .iter()
            .filter(|r| r.roles.contains(Role::PlatformAdmin))
            .map(|r| row_error(r.line, "role", "role-not-allowed"))
            .collect();
        return page(&state, &v, org, Some(Notice::RowErrors(list)), InviteForm::default(), FormErrors::default())
            .await;
    }
    let audit = NewAuditEntry::new(AuditAction::RosterImported).actor(me.id).ip(v.ip.clone());
    let mut welcome = Vec::new();
    if send_email && state.config.smtp.is_some() {
        let organisation = state.db.get_org(org).await?;
        let expires_at = state.now() + Duration::days(WELCOME_DAYS);
        for row in &rows {
            let token = new_token().map_err(PageError::Internal)?;
            let url = state.link(&format!("/reset/{token}"));
            let who = (row.email.as_str(), row.name.as_str());
            let mail = letter_if(&state, &v, true, &organisation, MailKind::Welcome, who, &url, expires_at)?;
            if let Some(mail) = mail {
                welcome.push(WelcomeLink { token_hash: hash_token(&token), mail });
            }
        }
    }
    match state.db.import_roster(org, &rows, audit, &welcome, state.now()).await {
        Ok(n) => {
            let key = if welcome.is_empty() { "roster-imported" } else { "roster-imported-emailed" };
            let notice = Notice::Done(v.lang.t_args(key, &[("count", n.to_string())]));
            page(&state, &v, org, Some(notice), InviteForm::default(), FormErrors::default()).await
        }
        Err(StorageError::RosterConflicts(c)) => {
            let list = c.into_iter().map(|(line, _)| row_error(line, "email", "email-taken")).collect();
            page(&state, &v, org, Some(Notice::RowErrors(list)), InviteForm::default(), FormErrors::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn set_roles(
    State(state): State<AppState>,
    v: Visitor,
    Path((org, user)): Path<(String, String)>,
    Form(f): Form<InviteForm>,
) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&state, &v, &org, Some(&f.csrf)).await?;
    let user: UserId = user.parse().map_err(|_| PageError::NotFound)?;
    let roles = f.roles();
    let target = person(&state, &v, &me, org, user).await?;
    let touches_platform = roles.contains(Role::PlatformAdmin) != target.has_role(Role::PlatformAdmin);
    let mut errors = FormErrors::default();
    if touches_platform && !me.has_role(Role::PlatformAdmin) {
        return Err(PageError::Forbidden);
    }
    if roles.is_empty() {
        errors.add_message("roles", v.lang.t("error-role-required"));
    } else if user == me.id {
        errors.add_message("roles", v.lang.t("error-own-roles"));
    }
    if !errors.is_empty() {
        return page(&state, &v, org, None, InviteForm::default(), errors).await;
    }
    let audit = NewAuditEntry::new(AuditAction::RolesChanged).actor(me.id).ip(v.ip.clone());
    state.db.set_roles(org, user, &roles, audit, state.now()).await?;
    let notice = Notice::Done(v.lang.t_args("roles-saved", &[("name", target.name)]));
    page(&state, &v, org, Some(notice), InviteForm::default(), FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct PositionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    position: String,
}

pub async fn set_position(
    State(state): State<AppState>,
    v: Visitor,
    Path((org, user)): Path<(String, String)>,
    Form(f): Form<PositionForm>,
) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&state, &v, &org, Some(&f.csrf)).await?;
    let user: UserId = user.parse().map_err(|_| PageError::NotFound)?;
    let position = match f.position.trim() {
        "" => None,
        p => Some(p.parse::<Audience>().map_err(|_| PageError::NotFound)?),
    };
    let target = person(&state, &v, &me, org, user).await?;
    state.db.set_position(org, user, position).await?;
    let entry = NewAuditEntry::new(AuditAction::PositionChanged)
        .org(org)
        .actor(me.id)
        .target("user", user)
        .detail(position.map_or("none", Audience::as_str).to_owned())
        .ip(v.ip.clone());
    state.db.append_audit(&entry, state.now()).await?;
    let notice = Notice::Done(v.lang.t_args("position-saved", &[("name", target.name)]));
    page(&state, &v, org, Some(notice), InviteForm::default(), FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
    /// E-mail the link (needs an SMTP relay).
    #[serde(default)]
    send_email: Option<String>,
}

pub async fn reset_link(
    State(state): State<AppState>,
    v: Visitor,
    Path((org, user)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let (org, me) = org_admin_action(&state, &v, &org, Some(&f.csrf)).await?;
    let user: UserId = user.parse().map_err(|_| PageError::NotFound)?;
    let target = person(&state, &v, &me, org, user).await?;
    let token = new_token().map_err(PageError::Internal)?;
    let now = state.now();
    let expires_at = now + Duration::hours(RESET_HOURS);
    let url = state.link(&format!("/reset/{token}"));
    let organisation = state.db.get_org(org).await?;
    let who = (target.email.as_str(), target.name.as_str());
    let mail = letter_if(&state, &v, f.send_email.is_some(), &organisation, MailKind::Reset, who, &url, expires_at)?;
    state.db.create_password_reset(org, user, me.id, &hash_token(&token), expires_at, mail.as_ref(), now).await?;
    let key = if mail.is_some() { "reset-link-emailed" } else { "reset-link-made" };
    let notice =
        Notice::Link { text: v.lang.t_args(key, &[("email", target.email), ("hours", RESET_HOURS.to_string())]), url };
    page(&state, &v, org, Some(notice), InviteForm::default(), FormErrors::default()).await
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

pub async fn audit(State(state): State<AppState>, v: Visitor, Path(org): Path<String>) -> Result<Response, PageError> {
    let org = parse_org(&org)?;
    v.org_admin(&state, org).await?;
    let org = state.db.get_org(org).await?;
    let entries = state.db.audit_for_org(org.id, 200).await?.entries;
    let names = state.db.list_users(org.id).await?.into_iter().map(|u| (u.id.to_string(), u.name)).collect();
    render(&AuditPage { ctx: Ctx::new(&v), org, entries, names })
}
