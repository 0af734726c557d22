//! Server-rendered pages. Each module is one screen or flow; handlers stay thin:
//! parse the form into domain types, call storage, render.

pub mod assign;
pub mod desk;
pub mod directory;
pub mod home;
pub mod learn;
pub mod links;
pub mod login;
pub mod orgs;
pub mod partners;
pub mod public;
pub mod referrals;
pub mod report;
pub mod settings;
pub mod setup;
pub mod sso;
pub mod stats;
pub mod tip;
pub mod tokens;
pub mod two_factor;
pub mod users;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sightline_domain::FieldError;
use sightline_domain::user::Role;
use sightline_storage::UserRecord;
use time::OffsetDateTime;

use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::Visitor;
use crate::{AppState, cookies};

/// How long a session lasts: one long duty day.
pub use sightline_app::signin::SESSION_HOURS;

/// What every page template gets: language, CSRF token, who is signed in.
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    pub path: String,
    pub user: Option<NavUser>,
}

pub struct NavUser {
    pub name: String,
    pub desk: bool,
    pub reporter: bool,
    pub caseworker: bool,
    pub org_id: String,
    pub org_admin: bool,
    pub platform_admin: bool,
}

impl Ctx {
    #[must_use]
    pub fn new(v: &Visitor) -> Self {
        Self {
            lang: v.lang,
            csrf: v.csrf_token().to_owned(),
            path: v.path.clone(),
            user: v.user().map(|u| NavUser {
                name: u.name.clone(),
                desk: u.has_role(Role::DeskAnalyst),
                reporter: u.has_role(Role::Reporter),
                caseworker: u.has_role(Role::Caseworker),
                org_id: u.org_id.to_string(),
                org_admin: u.has_role(Role::OrgAdmin) || u.has_role(Role::PlatformAdmin),
                platform_admin: u.has_role(Role::PlatformAdmin),
            }),
        }
    }
    /// A message in the page's language.
    #[must_use]
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    /// A message with one argument.
    #[must_use]
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.t_args(key, &[(name, value.to_owned())])
    }
    /// "10 questions are drawn; you pass with 80 %."
    #[must_use]
    pub fn t_args_check(&self, draw: &usize, pass: &u32) -> String {
        self.lang.t_args("check-about", &[("count", draw.to_string()), ("percent", pass.to_string())])
    }
    /// "8 of 10 right (80 %)".
    #[must_use]
    pub fn t_args_score(&self, right: &usize, total: &usize, percent: &i64) -> String {
        self.lang.t_args(
            "check-score",
            &[("right", right.to_string()), ("total", total.to_string()), ("percent", percent.to_string())],
        )
    }
    /// "12 people hold a valid certificate for their position; 3 are due."
    #[must_use]
    pub fn t_args_training(&self, valid: &usize, due: &usize) -> String {
        self.lang.t_args("training-summary", &[("valid", valid.to_string()), ("due", due.to_string())])
    }
    /// "Cabin crew course: due 2026-12-31".
    #[must_use]
    pub fn t_due(&self, course: &str, date: &str) -> String {
        self.lang.t_args("learn-due-item", &[("course", course.to_owned()), ("date", date.to_owned())])
    }
    /// The other languages, for the language switch.
    #[must_use]
    pub fn other_langs(&self) -> Vec<(&'static str, &'static str)> {
        Lang::ALL.into_iter().filter(|l| *l != self.lang).map(|l| (l.code(), l.native_name())).collect()
    }
    #[must_use]
    pub fn date(&self, t: &OffsetDateTime) -> String {
        date_text(t)
    }
    #[must_use]
    pub fn datetime(&self, t: &OffsetDateTime) -> String {
        datetime_text(t)
    }
    #[must_use]
    pub fn role_name(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.as_str().replace('_', "-")))
    }
}

/// A day as `2026-11-28` (the same in every language).
#[must_use]
pub fn date_text(t: &OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// A moment as `2026-11-28 09:00 UTC`.
#[must_use]
pub fn datetime_text(t: &OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", date_text(t), t.hour(), t.minute())
}

/// Field errors of a form, already in the page's language.
#[derive(Default)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn add(&mut self, lang: Lang, e: &FieldError) {
        self.add_as(lang, e.field, e);
    }
    /// The message for `e`, shown at `field` (a form's own name for the field).
    pub fn add_as(&mut self, lang: Lang, field: &str, e: &FieldError) {
        let key = format!("error-{}", e.code);
        let msg = if Lang::En.has(&key) { lang.t(&key) } else { lang.t("error-invalid") };
        self.items.push((field.to_owned(), msg));
    }
    pub fn add_message(&mut self, field: &str, message: String) {
        self.items.push((field.to_owned(), message));
    }
    /// Keep the value if it parsed; note the error if not.
    pub fn take<T>(&mut self, lang: Lang, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(lang, &e);
                None
            }
        }
    }
    #[must_use]
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    #[must_use]
    pub fn all(&self) -> &[(String, String)] {
        &self.items
    }
}

/// Render a template as a page.
///
/// # Errors
/// The template failed to render.
pub fn render(t: &impl Template) -> Result<Response, PageError> {
    Ok(Html(t.render()?).into_response())
}

/// Render a form again with its errors (422) so the person sees what to fix and
/// keeps what they typed.
///
/// # Errors
/// The template failed to render.
pub fn render_invalid(t: &impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(t.render()?)).into_response())
}

/// Start a session for `user` and redirect to `to`.
///
/// # Errors
/// The database failed or no randomness was available.
pub async fn start_session(
    state: &AppState,
    user: &UserRecord,
    two_factor_passed: bool,
    to: &str,
) -> Result<Response, PageError> {
    let token = state.app.start_session(user, two_factor_passed).await?;
    let cookie = cookies::set(cookies::SESSION, &token, Some(SESSION_HOURS * 3600), state.config.secure_cookies);
    see_other_with_cookie(to, &cookie)
}

/// A 303 redirect that also sets a cookie.
///
/// # Errors
/// The cookie was not a valid header value.
pub fn see_other_with_cookie(to: &str, cookie: &str) -> Result<Response, PageError> {
    let mut res = axum::response::Redirect::to(to).into_response();
    let value = HeaderValue::from_str(cookie).map_err(|e| PageError::Internal(e.to_string()))?;
    res.headers_mut().append(header::SET_COOKIE, value);
    Ok(res)
}
