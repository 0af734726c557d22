//! The public pages for travellers, without an account: the home (`/public`), the
//! signs a passenger can see (`/public/signs`) and where to get help (`/help`,
//! `/help/{airport}`). Server-rendered, small, no script, no cookie; the words come
//! from `content/public/<lang>/pages.toml` and the numbers only from directory
//! entries marked public.
//!
//! The language is `?lang=` when the pages speak it, else the first one they speak
//! in `Accept-Language`, else English; every link keeps it.

use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::public::{PublicHelp, airport_code};
use sightline_content::Library;
use sightline_content::public::{PublicLang, PublicSign, PublicText};
use sightline_domain::directory::{DirectoryEntry, Hours};
use sightline_domain::report::AirportLookup;

use super::render;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::{accept_language, primary_subtag};

/// The public course every public page links to.
const PUBLIC_COURSE: &str = "/learn/public";

/// `?lang=` and, on `/help`, the airport from the form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PublicQuery {
    lang: String,
    airport: Option<String>,
}

/// Who reads a public page: what they asked for (`?lang=`, `Accept-Language`, the
/// airport typed in the form) and the content to answer from. Nothing else of the
/// request is read: no cookie, no session, no address.
pub struct Reader {
    library: Arc<Library>,
    query_lang: String,
    accept_language: String,
    airport: Option<String>,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A query that does not parse is no query: the page still answers.
        let q = Query::<PublicQuery>::try_from_uri(&parts.uri).map(|Query(q)| q).unwrap_or_default();
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Self {
            library: state.library.clone(),
            query_lang: q.lang,
            accept_language: accept.to_owned(),
            airport: q.airport,
        })
    }
}

impl Reader {
    /// The language: `?lang=`, then `Accept-Language`, then English.
    fn lang(&self) -> Result<&PublicLang, PageError> {
        let text = &self.library.public;
        let wanted = text.get(&primary_subtag(&self.query_lang)).or_else(|| {
            accept_language(&self.accept_language).into_iter().find_map(|tag| text.get(&primary_subtag(tag)))
        });
        wanted
            .or_else(|| text.fallback())
            .ok_or_else(|| PageError::Internal("the public pages' content is not loaded".into()))
    }
    /// What the page at `path` gets.
    fn page(&self, path: impl Into<String>) -> Result<Page<'_>, PageError> {
        Ok(Page::new(&self.library.public, self.lang()?, path.into()))
    }
}

/// What every public page gets: its language, the other languages and where it is.
pub struct Page<'a> {
    pub l: &'a PublicLang,
    /// (code, own name, is the page's language), in the switch's order.
    pub langs: Vec<(&'static str, &'a str, bool)>,
    /// This page's path, for the language switch.
    pub path: String,
}

impl<'a> Page<'a> {
    fn new(text: &'a PublicText, l: &'a PublicLang, path: String) -> Self {
        let langs = text.langs.iter().map(|o| (o.code, o.name.as_str(), o.code == l.code)).collect();
        Self { l, langs, path }
    }
    /// The page's words for `key`.
    #[must_use]
    pub fn t(&self, key: &str) -> &'a str {
        self.l.t(key)
    }
    /// A link to a public page in this language.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{path}?lang={}", self.l.code)
    }
    /// The public signs, in catalogue order.
    #[must_use]
    pub fn signs(&self) -> &'a [(String, PublicSign)] {
        &self.l.signs
    }
}

/// The answer of every public page: the status, and the headers of `security_headers`
/// (`no-store`, `no-referrer`; see `middleware::is_public_page`) plus `Vary`.
fn answer(status: StatusCode, page: Result<Response, PageError>) -> Result<Response, PageError> {
    let mut res = page?;
    *res.status_mut() = status;
    res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Accept-Language"));
    Ok(res)
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct HomePage<'a> {
    p: Page<'a>,
    course: &'static str,
}

pub async fn home(r: Reader) -> Result<Response, PageError> {
    answer(StatusCode::OK, render(&HomePage { p: r.page("/public")?, course: PUBLIC_COURSE }))
}

#[derive(Template)]
#[template(path = "public_signs.html")]
struct SignsPage<'a> {
    p: Page<'a>,
}

pub async fn signs(r: Reader) -> Result<Response, PageError> {
    answer(StatusCode::OK, render(&SignsPage { p: r.page("/public/signs")? }))
}

/// `/help` and its airport form; also the answer for an unknown airport (404).
#[derive(Template)]
#[template(path = "public_help.html")]
struct HelpPage<'a> {
    p: Page<'a>,
    /// The code asked for that is not a known airport, if any.
    unknown: Option<String>,
}

pub async fn help(r: Reader) -> Result<Response, PageError> {
    match r.airport.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => answer(StatusCode::OK, render(&HelpPage { p: r.page("/help")?, unknown: None })),
        Some(typed) => match airport_code(typed).filter(|c| r.library.airports.airport(c).is_some()) {
            Some(code) => Ok(Redirect::to(&format!("/help/{code}?lang={}", r.lang()?.code)).into_response()),
            None => not_found(&r, typed),
        },
    }
}

/// The help page of an unknown airport: the airport form again, with a way back.
fn not_found(r: &Reader, typed: &str) -> Result<Response, PageError> {
    let shown: String = typed.chars().filter(|c| !c.is_control()).take(12).collect();
    answer(StatusCode::NOT_FOUND, render(&HelpPage { p: r.page("/help")?, unknown: Some(shown) }))
}

/// One line on an airport's help page.
pub struct Line<'a> {
    pub entry: &'a DirectoryEntry,
    /// What a `tel:` link dials: the E.164 number, else the local number's digits.
    pub dial: Option<String>,
    /// The number as shown for the link.
    pub shown: String,
    /// The local number (what to dial, as shown), shown apart when there is also an
    /// international one.
    pub local: Option<(String, &'a str)>,
    pub always: bool,
}

impl<'a> Line<'a> {
    fn of(entry: &'a DirectoryEntry) -> Self {
        let digits = |n: &str| n.chars().filter(char::is_ascii_digit).collect::<String>();
        let local = entry.local_number.as_deref().map(|n| (digits(n), n));
        let (dial, shown, local) = match &entry.phone {
            Some(p) => (Some(p.as_str().to_owned()), p.as_str().to_owned(), local),
            None => (local.as_ref().map(|(d, _)| d.clone()), entry.local_number.clone().unwrap_or_default(), None),
        };
        Self { entry, dial, shown, local, always: entry.hours == Hours::Always }
    }
}

#[derive(Template)]
#[template(path = "public_airport.html")]
struct AirportPage<'a> {
    p: Page<'a>,
    help: &'a PublicHelp,
    emergency: Vec<Line<'a>>,
    lines: Vec<Line<'a>>,
}

pub async fn airport(
    State(state): State<AppState>,
    Path(code): Path<String>,
    r: Reader,
) -> Result<Response, PageError> {
    let help = match state.public_help(&code).await {
        Ok(h) => h,
        Err(AppError::NotFound) => return not_found(&r, &code),
        Err(e) => return Err(e.into()),
    };
    let page = AirportPage {
        p: r.page(format!("/help/{}", help.airport.iata))?,
        emergency: help.emergency.iter().map(Line::of).collect(),
        lines: help.lines.iter().map(Line::of).collect(),
        help: &help,
    };
    answer(StatusCode::OK, render(&page))
}
