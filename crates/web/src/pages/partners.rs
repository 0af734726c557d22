//! Partner pages: `/partners` (every published page) and `/partners/{slug}` (one
//! partner: who they are, what they do, how to reach them, a donation link and impact
//! figures with small numbers hidden) for anyone — no account, no cookie, no script,
//! English or Finnish like `/stats` ([`PageLang`]) — and `/orgs/{org}/partner-page`,
//! where the organisation's admins write it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::partners::{Figures, PartnerEdit};
use sightline_domain::partner::{ProfileDraft, Service};
use sightline_domain::stats::{K, Shown};
use sightline_storage::PartnerPage;

use super::stats::PageLang;
use super::users::OrgForm;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::Visit;

/// What every public partner page's shell gets: the language and the page's path
/// (for the language switch).
pub struct Shell {
    pub lang: Lang,
    pub other: Lang,
    pub path: String,
}

impl Shell {
    fn new(lang: Lang, path: String) -> Self {
        let other = if lang == Lang::En { Lang::Fi } else { Lang::En };
        Self { lang, other, path }
    }
    #[must_use]
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    /// A public page in this language.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{path}?lang={}", self.lang.code())
    }
}

/// One partner in a list: name, address, services.
pub struct Listed {
    pub name: String,
    pub href: String,
    pub services: String,
}

fn service_names(lang: Lang, services: &[Service]) -> Vec<String> {
    services.iter().map(|s| lang.t(&format!("partner-service-{}", s.as_str()))).collect()
}

fn listed(lang: Lang, pages: &[PartnerPage]) -> Vec<Listed> {
    pages
        .iter()
        .map(|p| Listed {
            name: p.org_name.clone(),
            href: format!("/partners/{}?lang={}", p.profile.slug, lang.code()),
            services: service_names(lang, &p.profile.services).join(" · "),
        })
        .collect()
}

/// The answer of a public partner page: its status and `Vary` (the security layer
/// adds `no-store` and `no-referrer`, see `middleware::is_public_page`).
fn public_answer(status: StatusCode, page: Result<Response, PageError>) -> Result<Response, PageError> {
    let mut res = page?;
    *res.status_mut() = status;
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    Ok(res)
}

#[derive(Template)]
#[template(path = "partners_list.html")]
struct ListPage {
    s: Shell,
    partners: Vec<Listed>,
    /// The slug asked for that has no published page (the 404 answer).
    missing: bool,
}

/// `/partners`: every published partner page.
pub async fn list(State(state): State<AppState>, PageLang(lang): PageLang) -> Result<Response, PageError> {
    let partners = listed(lang, &state.public_partners().await?);
    let page = ListPage { s: Shell::new(lang, "/partners".into()), partners, missing: false };
    public_answer(StatusCode::OK, render(&page))
}

#[derive(Template)]
#[template(path = "partners_page.html")]
struct PartnerView {
    s: Shell,
    name: String,
    paragraphs: Vec<String>,
    services: Vec<String>,
    phone: Option<String>,
    website: Option<String>,
    email: Option<String>,
    donation_url: Option<String>,
    /// (label, number or "fewer than 11", hidden).
    figures: Vec<(String, String, bool)>,
    updated: String,
}

impl PartnerView {
    fn donate(&self) -> String {
        self.s.lang.t_args("partners-donate", &[("name", self.name.clone())])
    }
    fn updated_text(&self) -> String {
        self.s.lang.t_args("partners-updated", &[("date", self.updated.clone())])
    }
    fn impact_note(&self) -> String {
        self.s.lang.t_args("partners-impact-note", &[("k", K.to_string())])
    }
}

fn figures(lang: Lang, f: Figures) -> Vec<(String, String, bool)> {
    let fewer = lang.t_args("partners-fewer-than", &[("k", K.to_string())]);
    [("partners-trained", f.trained), ("partners-referrals", f.referrals), ("partners-supported", f.supported)]
        .into_iter()
        .map(|(key, shown)| match shown {
            Shown::Count(n) => (lang.t(key), n.to_string(), false),
            Shown::Hidden => (lang.t(key), fewer.clone(), true),
        })
        .collect()
}

/// `/partners/{slug}`: one published partner page; an unknown or unpublished slug
/// is a 404 page listing the published ones.
pub async fn show(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let found = match state.public_partner(&slug).await {
        Ok(found) => found,
        Err(AppError::NotFound) => {
            let partners = listed(lang, &state.public_partners().await?);
            let page = ListPage { s: Shell::new(lang, "/partners".into()), partners, missing: true };
            return public_answer(StatusCode::NOT_FOUND, render(&page));
        }
        Err(e) => return Err(e.into()),
    };
    let p = &found.page.profile;
    let view = PartnerView {
        s: Shell::new(lang, format!("/partners/{}", p.slug)),
        name: found.page.org_name.clone(),
        paragraphs: p.about.split("\n\n").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        services: service_names(lang, &p.services),
        phone: p.phone.as_ref().map(|v| v.as_str().to_owned()),
        website: p.website.as_ref().map(|v| v.as_str().to_owned()),
        email: p.email.as_ref().map(|v| v.as_str().to_owned()),
        donation_url: p.donation_url.as_ref().map(|v| v.as_str().to_owned()),
        figures: figures(lang, found.figures),
        updated: found.page.updated_at.date().to_string(),
    };
    public_answer(StatusCode::OK, render(&view))
}

/// The edit form's fields (services as one checkbox field each: `serde_urlencoded`
/// gives repeated keys to a `Vec` only through raw pairs).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    slug: String,
    about: String,
    phone: String,
    website: String,
    email: String,
    donation_url: String,
    published: Option<String>,
    version: String,
    service_awareness: Option<String>,
    service_shelter: Option<String>,
    service_legal_aid: Option<String>,
    service_medical: Option<String>,
    service_return_home: Option<String>,
    service_hotline: Option<String>,
}

impl EditForm {
    fn draft(&self) -> ProfileDraft {
        let ticked = [
            (&self.service_awareness, Service::Awareness),
            (&self.service_shelter, Service::Shelter),
            (&self.service_legal_aid, Service::LegalAid),
            (&self.service_medical, Service::Medical),
            (&self.service_return_home, Service::ReturnHome),
            (&self.service_hotline, Service::Hotline),
        ];
        ProfileDraft {
            slug: self.slug.clone(),
            about: self.about.clone(),
            services: ticked.iter().filter(|(v, _)| v.is_some()).map(|(_, s)| s.as_str().to_owned()).collect(),
            phone: self.phone.clone(),
            website: self.website.clone(),
            email: self.email.clone(),
            donation_url: self.donation_url.clone(),
            published: self.published.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "partner_edit.html")]
struct EditPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    d: ProfileDraft,
    /// (code, label, ticked).
    services: Vec<(&'static str, String, bool)>,
    version: i64,
    errors: FormErrors,
    /// Message key of what happened (saved, changed meanwhile).
    notice: Option<&'static str>,
    /// The public address, when the stored page is published.
    public_href: Option<String>,
}

fn edit_page(ctx: Ctx, e: &PartnerEdit, typed: Option<ProfileDraft>) -> EditPage {
    let stored = e.page.as_ref().map(|p| {
        let p = &p.profile;
        ProfileDraft {
            slug: p.slug.to_string(),
            about: p.about.clone(),
            services: p.services.iter().map(|s| s.as_str().to_owned()).collect(),
            phone: p.phone.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            website: p.website.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            email: p.email.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            donation_url: p.donation_url.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            published: p.published,
        }
    });
    let d = typed
        .or(stored)
        .unwrap_or_else(|| ProfileDraft { slug: e.suggested_slug.to_string(), ..ProfileDraft::default() });
    let services = Service::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                ctx.lang.t(&format!("partner-service-{}", s.as_str())),
                d.services.iter().any(|c| c == s.as_str()),
            )
        })
        .collect();
    let public_href = e.page.as_ref().filter(|p| p.profile.published).map(|p| format!("/partners/{}", p.profile.slug));
    EditPage {
        ctx,
        org_id: e.org.id.to_string(),
        org_name: e.org.name.clone(),
        d,
        services,
        version: e.page.as_ref().map_or(0, |p| p.version),
        errors: FormErrors::default(),
        notice: None,
        public_href,
    }
}

/// `GET /orgs/{org}/partner-page`: the edit form (the organisation's admins).
pub async fn form(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let (org, me) = super::users::org_admin_action(&v, &org)?;
    let e = state.partner_page_edit(&me, org).await?;
    render(&edit_page(Ctx::new(&v), &e, None))
}

/// `POST /orgs/{org}/partner-page`: save; bad input re-renders the form with every
/// message and what was typed (422); a change made meanwhile shows the page as it is.
pub async fn save(a: OrgForm<EditForm>) -> Result<Response, PageError> {
    let OrgForm { state, v, me, org, f, .. } = a;
    let draft = f.draft();
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    let result = state.save_partner_page(&me, org, &draft, version).await;
    let e = state.partner_page_edit(&me, org).await?;
    match result {
        Ok(_) => {
            let mut p = edit_page(Ctx::new(&v), &e, None);
            p.notice = Some("partner-saved");
            render(&p)
        }
        Err(AppError::Invalid(list)) => {
            let mut p = edit_page(Ctx::new(&v), &e, Some(draft));
            list.iter().for_each(|err| p.errors.add(v.lang, err));
            render_invalid(&p)
        }
        Err(AppError::Conflict { .. }) => {
            let mut p = edit_page(Ctx::new(&v), &e, None);
            p.notice = Some("partner-changed-meanwhile");
            Ok((StatusCode::CONFLICT, render(&p)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
