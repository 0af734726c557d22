//! The public pages for travellers, without an account: the home (`/public`), the
//! signs a passenger can see (`/public/signs`), where to get help (`/help`,
//! `/help/{airport}`) and that page's printable poster (`/posters/{airport}.pdf`).
//! Server-rendered, small, no script, no cookie; the words come from
//! `content/public/<lang>/pages.toml` and the numbers only from directory entries
//! marked public.
//!
//! The language is `?lang=` when the pages speak it, else the first one they speak
//! in `Accept-Language`, else English; every link keeps it. The anonymous tip's pages
//! (`pages::tip`) pick and keep their language the same way, with [`Reader`].

use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sightline_app::AppError;
use sightline_app::pdf::Paper;
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

/// Who reads a public page: what they asked for (`?lang=`, `Accept-Language`, the
/// airport typed in the form, a poster's languages and size) and the content to
/// answer from. Nothing else of the request is read: no cookie, no session, no
/// address.
pub struct Reader {
    library: Arc<Library>,
    /// The query's pairs, in order (a key may come more than once).
    query: Vec<(String, String)>,
    query_lang: String,
    accept_language: String,
    airport: Option<String>,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A query that does not parse is no query: the page still answers.
        let query: Vec<(String, String)> = Query::try_from_uri(&parts.uri).map(|Query(q)| q).unwrap_or_default();
        let first = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Self {
            library: state.library.clone(),
            query_lang: first("lang").unwrap_or_default(),
            accept_language: accept.to_owned(),
            airport: first("airport"),
            query,
        })
    }
}

impl Reader {
    /// Every value of `key` in the query, in order.
    fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.query.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// The language: `?lang=`, then `Accept-Language`, then English.
    pub(crate) fn lang(&self) -> Result<&PublicLang, PageError> {
        let text = &self.library.public;
        let wanted = text.get(&primary_subtag(&self.query_lang)).or_else(|| {
            accept_language(&self.accept_language).into_iter().find_map(|tag| text.get(&primary_subtag(tag)))
        });
        wanted
            .or_else(|| text.fallback())
            .ok_or_else(|| PageError::Internal("the public pages' content is not loaded".into()))
    }
    /// What the page at `path` gets.
    pub(crate) fn page(&self, path: impl Into<String>) -> Result<Page<'_>, PageError> {
        Ok(Page::new(&self.library.public, self.lang()?, path.into()))
    }
    /// The airport asked for (`?airport=`), as typed.
    pub(crate) fn airport(&self) -> Option<&str> {
        self.airport.as_deref()
    }
    /// The content the pages answer from.
    pub(crate) fn library(&self) -> &Library {
        &self.library
    }
}

/// What every public page gets: its language, the other languages and where it is.
pub struct Page<'a> {
    pub l: &'a PublicLang,
    /// (code, own name, is the page's language), in the switch's order.
    pub langs: Vec<(&'static str, &'a str, bool)>,
    /// This page's path, for the language switch.
    pub path: String,
    /// What else of the query the language switch keeps (`&airport=HEL`), or empty.
    pub keep: String,
    /// The note "translation not yet reviewed" is left out.
    pub reviewed: bool,
}

impl<'a> Page<'a> {
    fn new(text: &'a PublicText, l: &'a PublicLang, path: String) -> Self {
        let langs = text.langs.iter().map(|o| (o.code, o.name.as_str(), o.code == l.code)).collect();
        Self { l, langs, path, keep: String::new(), reviewed: l.reviewed }
    }
    /// A tip page: its words come from both files, so both must be reviewed.
    #[must_use]
    pub fn for_tip(self) -> Self {
        Self { reviewed: self.l.reviewed && self.l.tip_reviewed, ..self }
    }
    /// This page in language `code`, for the language switch.
    #[must_use]
    pub fn switch(&self, code: &str) -> String {
        format!("{}?lang={code}{}", self.path, self.keep)
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
pub(crate) fn answer(status: StatusCode, page: Result<Response, PageError>) -> Result<Response, PageError> {
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
    /// Published partner pages: (name, address).
    partners: Vec<(String, String)>,
}

pub async fn home(State(state): State<AppState>, r: Reader) -> Result<Response, PageError> {
    let p = r.page("/public")?;
    let partners = state
        .public_partners()
        .await?
        .into_iter()
        .map(|page| (page.org_name, p.link(&format!("/partners/{}", page.profile.slug))))
        .collect();
    answer(StatusCode::OK, render(&HomePage { p, course: PUBLIC_COURSE, partners }))
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

/// `/posters/{airport}.pdf?lang=xx[&lang=yy][&size=A4|A3]`: the airport's help page
/// as a printable poster, in one or two languages (none: the reader's), A4 unless
/// asked. An unknown airport is the help page's 404; an unknown language or size,
/// or more than two languages, a 400 page that offers the posters there are.
pub async fn poster(State(state): State<AppState>, Path(file): Path<String>, r: Reader) -> Result<Response, PageError> {
    let Some(code) = file.strip_suffix(".pdf").and_then(airport_code) else {
        return not_found(&r, file.strip_suffix(".pdf").unwrap_or(&file));
    };
    let mut langs: Vec<String> = Vec::new();
    for lang in r.values("lang") {
        if !langs.iter().any(|l| l == lang) {
            langs.push(lang.to_owned());
        }
    }
    let paper = match r.values("size").next() {
        None => Some(Paper::A4),
        Some(size) => Paper::parse(size),
    };
    let known = langs.iter().all(|l| r.library.public.get(l).is_some());
    let (Some(paper), true, true) = (paper, known, langs.len() <= 2) else {
        return bad_poster(&r, &code);
    };
    if langs.is_empty() {
        langs.push(r.lang()?.code.to_owned());
    }
    let url = state.link(&format!("/help/{code}?lang={}", langs[0]));
    match state.public_poster(&code, &langs, paper, url).await {
        Ok(pdf) => {
            let name = format!("inline; filename=\"help-{code}-{}-{}.pdf\"", langs.join("-"), paper.as_str());
            let mut res = pdf.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/pdf"));
            if let Ok(v) = header::HeaderValue::from_str(&name) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            answer(StatusCode::OK, Ok(res))
        }
        Err(AppError::NotFound) => not_found(&r, &code),
        Err(e) => Err(e.into()),
    }
}

/// A poster that cannot be made: what can, as links.
#[derive(Template)]
#[template(path = "public_poster_bad.html")]
struct BadPosterPage<'a> {
    p: Page<'a>,
    airport: String,
    /// The airport's help page, in the reader's language.
    help_link: String,
}

fn bad_poster(r: &Reader, code: &str) -> Result<Response, PageError> {
    let p = r.page(format!("/help/{code}"))?;
    let help_link = p.link(&p.path);
    let page = BadPosterPage { p, airport: code.to_owned(), help_link };
    answer(StatusCode::BAD_REQUEST, render(&page))
}
