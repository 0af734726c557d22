//! Learn: role courses, lessons, the scenario check, certificates and their public
//! verification, and an organisation's training compliance.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_domain::ids::OrgId;
use sightline_domain::learn::{
    self, Audience, CertificateStatus, Course, Drawn, FALLBACK_LANG, GradeError, Graded, Rng,
};
use sightline_domain::user::{PersonName, Role};
use sightline_storage::{Attempt, Certificate, Learner, NewCertificate, Owned, StorageError, UserRecord};
use uuid::Uuid;

use super::{Ctx, FormErrors, render, see_other_with_cookie};
use crate::access::{self, OrRefuse};
use crate::error::PageError;
use crate::security::{hash_token, new_token, random_bytes};
use crate::visitor::Visitor;
use crate::{AppState, cookies};

// ----- shared helpers -----------------------------------------------------------

fn find_course<'a>(state: &'a AppState, id: &str) -> Result<&'a Course, PageError> {
    state.library.course(id).ok_or(PageError::NotFound)
}

/// Who is learning: a signed-in user for staff courses; for the public course, also
/// an anonymous browser. `Ok(None)` means an anonymous visitor who has no token yet.
fn learner(v: &Visitor, course: &Course) -> Result<Option<Learner>, PageError> {
    if let Some(u) = v.user() {
        return Ok(Some(Learner::User { org: u.org_id, user: u.id }));
    }
    if course.audience != Audience::Public {
        v.require_user()?;
    }
    Ok(v.anon_token.as_deref().map(|t| Learner::Anonymous { hash: hash_token(t) }))
}

/// The language the course is shown in: an explicit choice (`?cl=`), else the
/// interface language if the course has it, else English.
fn content_lang(course: &Course, v: &Visitor, choice: Option<&str>) -> String {
    let has = |l: &str| course.languages.iter().any(|x| x == l);
    match choice {
        Some(c) if has(c) => c.to_owned(),
        _ if has(v.lang.code()) => v.lang.code().to_owned(),
        _ => FALLBACK_LANG.to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    cl: Option<String>,
}

fn markdown(body: &str) -> String {
    use pulldown_cmark::{Event, Parser, html};
    // Lessons are Markdown without HTML: any HTML is shown as text, never rendered.
    let parser = Parser::new(body).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn status_of(c: &Certificate, now: time::OffsetDateTime) -> CertificateStatus {
    learn::certificate_status(c.valid_until, c.revoked_at.is_some(), now)
}

fn lang_name(ctx: &Ctx, code: &str) -> String {
    ctx.t(&format!("lang-{code}"))
}

// ----- course list --------------------------------------------------------------

pub struct CourseCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub lessons: usize,
    pub done: usize,
    pub certificate: Option<(String, CertificateStatus, String)>,
}

#[derive(Template)]
#[template(path = "learn_list.html")]
struct ListPage {
    ctx: Ctx,
    yours: Vec<CourseCard>,
    others: Vec<CourseCard>,
    signed_in: bool,
}

async fn card(state: &AppState, v: &Visitor, course: &Course, certs: &[Certificate]) -> Result<CourseCard, PageError> {
    let lang = content_lang(course, v, None);
    let lessons = course.lessons(&lang);
    let done = match v.user() {
        Some(u) => state.db.lessons_done(u.org_id, u.id, &course.id).await?.len(),
        None if course.audience == Audience::Public => v.public_done.len().min(lessons.len()),
        None => 0,
    };
    let now = state.now();
    let certificate = certs
        .iter()
        .filter(|c| c.course_id == course.id)
        .max_by_key(|c| c.issued_at)
        .map(|c| (c.code.clone(), status_of(c, now), super::Ctx::new(v).date(&c.valid_until)));
    Ok(CourseCard {
        id: course.id.clone(),
        title: course.title.get(&lang).to_owned(),
        summary: course.summary.get(&lang).to_owned(),
        minutes: course.minutes,
        lessons: lessons.len(),
        done,
        certificate,
    })
}

pub async fn list(State(state): State<AppState>, v: Visitor) -> Result<Response, PageError> {
    let user = v.user().cloned();
    let certs = match &user {
        Some(u) => {
            state.db.certificates_for_org(u.org_id).await?.into_iter().filter(|c| c.user_id == Some(u.id)).collect()
        }
        None => Vec::new(),
    };
    let mut yours = Vec::new();
    let mut others = Vec::new();
    for course in &state.library.courses {
        let mine = match &user {
            None => course.audience == Audience::Public,
            Some(u) => match u.position {
                Some(p) => course.audience == p,
                None => course.audience != Audience::Public,
            },
        };
        if user.is_none() && !mine {
            continue;
        }
        let c = card(&state, &v, course, &certs).await?;
        if mine { yours.push(c) } else { others.push(c) }
    }
    render(&ListPage { ctx: Ctx::new(&v), yours, others, signed_in: user.is_some() })
}

// ----- course overview and lessons ----------------------------------------------

pub struct LessonLink {
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub done: bool,
}

pub struct AttemptRow {
    pub id: String,
    pub when: String,
    pub percent: Option<i64>,
    pub passed: Option<bool>,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage {
    ctx: Ctx,
    id: String,
    title: String,
    summary: String,
    minutes: u32,
    draw: usize,
    pass_percent: u32,
    lang: String,
    languages: Vec<(String, String)>,
    fell_back: bool,
    lessons: Vec<LessonLink>,
    /// The first lesson not yet read, to resume from.
    resume: Option<LessonLink>,
    resume_first: bool,
    attempts: Vec<AttemptRow>,
    certificate: Option<(String, CertificateStatus, String)>,
}

async fn done_slugs(state: &AppState, v: &Visitor, course: &Course) -> Result<Vec<String>, PageError> {
    Ok(match v.user() {
        Some(u) => state.db.lessons_done(u.org_id, u.id, &course.id).await?,
        None => v.public_done.clone(),
    })
}

pub async fn course(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let course = find_course(&state, &id)?;
    let who = learner(&v, course)?;
    let lang = content_lang(course, &v, q.cl.as_deref());
    let done = done_slugs(&state, &v, course).await?;
    let shown = course.lessons(&lang);
    let fell_back = shown.iter().any(|l| l.fell_back);
    let ctx = Ctx::new(&v);
    let lessons: Vec<LessonLink> = shown
        .iter()
        .map(|l| LessonLink {
            slug: l.item.slug.clone(),
            title: l.item.title.clone(),
            minutes: l.item.minutes,
            done: done.contains(&l.item.slug),
        })
        .collect();
    let resume = lessons.iter().find(|l| !l.done).map(|l| LessonLink {
        slug: l.slug.clone(),
        title: l.title.clone(),
        minutes: l.minutes,
        done: false,
    });
    let attempts = match &who {
        Some(w) => state.db.attempts(w, &course.id).await?,
        None => Vec::new(),
    };
    let mut certificate = None;
    for a in attempts.iter().filter(|a| a.passed == Some(true)) {
        if let Some(c) = state.db.certificate_for_attempt(a.id).await? {
            certificate = Some((c.code.clone(), status_of(&c, state.now()), ctx.date(&c.valid_until)));
            break;
        }
    }
    let attempts = attempts
        .into_iter()
        .take(5)
        .map(|a| AttemptRow {
            id: a.id.to_string(),
            when: ctx.datetime(&a.started_at),
            percent: a.percent,
            passed: a.passed,
        })
        .collect();
    let languages = course.languages.iter().map(|l| (l.clone(), lang_name(&ctx, l))).collect();
    render(&CoursePage {
        id: course.id.clone(),
        title: course.title.get(&lang).to_owned(),
        summary: course.summary.get(&lang).to_owned(),
        minutes: course.minutes,
        draw: course.draw,
        pass_percent: course.pass_percent,
        languages,
        fell_back,
        resume_first: lessons.iter().all(|l| !l.done),
        lessons,
        resume,
        attempts,
        certificate,
        lang,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonPage {
    ctx: Ctx,
    course_id: String,
    course_title: String,
    lang: String,
    slug: String,
    title: String,
    minutes: u32,
    html: String,
    fell_back: bool,
    progress: String,
    prev: Option<String>,
    next: Option<String>,
    done: bool,
}

pub async fn lesson(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, slug)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let course = find_course(&state, &id)?;
    learner(&v, course)?;
    let lang = content_lang(course, &v, q.cl.as_deref());
    let lessons = course.lessons(&lang);
    let index = lessons.iter().position(|l| l.item.slug == slug).ok_or(PageError::NotFound)?;
    let l = &lessons[index];
    let done = done_slugs(&state, &v, course).await?.contains(&slug);
    render(&LessonPage {
        ctx: Ctx::new(&v),
        course_id: course.id.clone(),
        course_title: course.title.get(&lang).to_owned(),
        slug: slug.clone(),
        title: l.item.title.clone(),
        minutes: l.item.minutes,
        html: markdown(&l.item.body),
        fell_back: l.fell_back,
        progress: format!("{}/{}", index + 1, lessons.len()),
        prev: index.checked_sub(1).map(|i| lessons[i].item.slug.clone()),
        next: lessons.get(index + 1).map(|x| x.item.slug.clone()),
        done,
        lang,
    })
}

#[derive(Deserialize)]
pub struct CsrfLang {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cl: String,
}

fn with_lang(path: &str, lang: &str) -> String {
    format!("{path}?cl={lang}")
}

pub async fn lesson_done(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, slug)): Path<(String, String)>,
    Form(f): Form<CsrfLang>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let course = find_course(&state, &id)?;
    learner(&v, course)?;
    let lang = content_lang(course, &v, Some(&f.cl));
    let lessons = course.lessons(&lang);
    let index = lessons.iter().position(|l| l.item.slug == slug).ok_or(PageError::NotFound)?;
    let next = lessons
        .get(index + 1)
        .map_or_else(|| format!("/learn/{id}"), |n| format!("/learn/{id}/lessons/{}", n.item.slug));
    let to = with_lang(&next, &lang);
    if let Some(u) = v.user() {
        state.db.mark_lesson_done(u.org_id, u.id, &course.id, &slug, state.now()).await?;
        return Ok(Redirect::to(&to).into_response());
    }
    // Anonymous (public course): progress stays in this browser, in a cookie.
    let mut done = v.public_done.clone();
    if !done.contains(&slug) {
        done.push(slug);
    }
    let cookie =
        cookies::set(cookies::PUBLIC_DONE, &done.join("."), Some(365 * 24 * 3600), state.config.secure_cookies);
    see_other_with_cookie(&to, &cookie)
}

// ----- the scenario check ---------------------------------------------------------

pub async fn start_check(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(f): Form<CsrfLang>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let course = find_course(&state, &id)?;
    let lang = content_lang(course, &v, Some(&f.cl));
    let (who, new_cookie) = match learner(&v, course)? {
        Some(w) => (w, None),
        None => {
            let token = new_token().map_err(PageError::Internal)?;
            let cookie = cookies::set(cookies::ANON, &token, Some(365 * 24 * 3600), state.config.secure_cookies);
            (Learner::Anonymous { hash: hash_token(&token) }, Some(cookie))
        }
    };
    let mut rng = Rng::from_seed(random_bytes::<8>().map_err(PageError::Internal)?);
    let drawn = learn::draw(course, &mut rng);
    let json = serde_json::to_string(&drawn).map_err(|e| PageError::Internal(e.to_string()))?;
    let attempt = state.db.create_attempt(&who, &course.id, &lang, &json, state.now()).await?;
    let to = format!("/learn/{}/check/{attempt}", course.id);
    match new_cookie {
        Some(c) => see_other_with_cookie(&to, &c),
        None => Ok(Redirect::to(&to).into_response()),
    }
}

pub struct ShownQuestion {
    pub id: String,
    pub number: usize,
    pub scenario: String,
    pub options: Vec<(usize, String)>,
    pub chosen: Option<usize>,
    pub fell_back: bool,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    ctx: Ctx,
    course_id: String,
    course_title: String,
    attempt: String,
    pass_percent: u32,
    questions: Vec<ShownQuestion>,
    errors: FormErrors,
}

pub struct ResultItem {
    pub scenario: String,
    pub chosen: String,
    pub correct: String,
    pub right: bool,
    pub innocent: bool,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "check_result.html")]
struct ResultPage {
    ctx: Ctx,
    course_id: String,
    course_title: String,
    lang: String,
    attempt: String,
    percent: i64,
    passed: bool,
    right: usize,
    total: usize,
    pass_percent: u32,
    items: Vec<ResultItem>,
    certificate: Option<(String, String)>,
    public: bool,
    name_errors: FormErrors,
    name: String,
}

fn parse_attempt(s: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(s).map_err(|_| PageError::NotFound)
}

fn drawn_of(a: &Attempt) -> Result<Vec<Drawn>, PageError> {
    serde_json::from_str(&a.drawn).map_err(|e| PageError::Internal(format!("stored draw: {e}")))
}

fn check_page(
    v: &Visitor,
    course: &Course,
    a: &Attempt,
    chosen: &HashMap<String, usize>,
    errors: FormErrors,
) -> Result<CheckPage, PageError> {
    let drawn = drawn_of(a)?;
    let mut questions = Vec::new();
    for (i, d) in drawn.iter().enumerate() {
        let q =
            course.question(&a.lang, &d.id).ok_or_else(|| PageError::Internal(format!("question {} gone", d.id)))?;
        let options = d
            .order
            .iter()
            .enumerate()
            .filter_map(|(pos, bank)| q.item.options.get(*bank).map(|o| (pos, o.text.clone())))
            .collect();
        questions.push(ShownQuestion {
            id: d.id.clone(),
            number: i + 1,
            scenario: q.item.scenario.clone(),
            options,
            chosen: chosen.get(&d.id).copied(),
            fell_back: q.fell_back,
        });
    }
    Ok(CheckPage {
        ctx: Ctx::new(v),
        course_id: course.id.clone(),
        course_title: course.title.get(&a.lang).to_owned(),
        attempt: a.id.to_string(),
        pass_percent: course.pass_percent,
        questions,
        errors,
    })
}

async fn result_page(
    state: &AppState,
    v: &Visitor,
    course: &Course,
    a: &Attempt,
    name_errors: FormErrors,
    name: String,
) -> Result<ResultPage, PageError> {
    let drawn = drawn_of(a)?;
    let graded: Vec<Graded> = serde_json::from_str(a.graded.as_deref().unwrap_or("[]"))
        .map_err(|e| PageError::Internal(format!("stored grade: {e}")))?;
    let mut items = Vec::new();
    for (d, g) in drawn.iter().zip(&graded) {
        let Some(q) = course.question(&a.lang, &d.id) else { continue };
        let text_at = |pos: usize| {
            d.order.get(pos).and_then(|b| q.item.options.get(*b)).map(|o| o.text.clone()).unwrap_or_default()
        };
        items.push(ResultItem {
            scenario: q.item.scenario.clone(),
            chosen: text_at(g.chosen),
            correct: text_at(g.correct),
            right: g.is_right(),
            innocent: q.item.innocent,
            explanation: q.item.explanation.clone(),
        });
    }
    let right = graded.iter().filter(|g| g.is_right()).count();
    let certificate = match state.db.certificate_for_attempt(a.id).await? {
        Some(c) => Some((c.code.clone(), state.link(&format!("/verify/{}", c.code)))),
        None => None,
    };
    Ok(ResultPage {
        ctx: Ctx::new(v),
        course_id: course.id.clone(),
        course_title: course.title.get(&a.lang).to_owned(),
        lang: a.lang.clone(),
        attempt: a.id.to_string(),
        percent: a.percent.unwrap_or(0),
        passed: a.passed == Some(true),
        right,
        total: graded.len(),
        pass_percent: course.pass_percent,
        items,
        certificate,
        public: course.audience == Audience::Public && v.user().is_none(),
        name_errors,
        name,
    })
}

async fn owned_attempt(
    state: &AppState,
    v: &Visitor,
    course: &Course,
    attempt: &str,
) -> Result<(Learner, Attempt), PageError> {
    let who = learner(v, course)?.ok_or(PageError::NotFound)?;
    let id = parse_attempt(attempt)?;
    let a = match (state.db.attempt(&who, id).await, v.user()) {
        (Err(StorageError::NotFound), Some(u)) => Err(access::refuse(state, v.asker(u), Owned::Attempt(id)).await),
        (result, _) => result,
    }?;
    if a.course_id != course.id {
        return Err(PageError::NotFound);
    }
    Ok((who, a))
}

pub async fn show_check(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, attempt)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let course = find_course(&state, &id)?;
    let (_, a) = owned_attempt(&state, &v, course, &attempt).await?;
    if a.submitted_at.is_some() {
        let page = result_page(&state, &v, course, &a, FormErrors::default(), String::new()).await?;
        return render(&page);
    }
    render(&check_page(&v, course, &a, &HashMap::new(), FormErrors::default())?)
}

fn refused(v: &Visitor, status: StatusCode, key: &str, back: &str) -> Result<Response, PageError> {
    let ctx = Ctx::new(v);
    let page = super::links::MessagePage {
        title: ctx.t(&format!("{key}-title")),
        text: ctx.t(key),
        link: back.to_owned(),
        link_text: ctx.t("continue"),
        ctx,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn submit_check(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, attempt)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    v.check_csrf(csrf)?;
    let course = find_course(&state, &id)?;
    let (who, a) = owned_attempt(&state, &v, course, &attempt).await?;
    let back = format!("/learn/{}/check/{}", course.id, a.id);
    if a.submitted_at.is_some() {
        return refused(&v, StatusCode::CONFLICT, "check-already-submitted", &back);
    }
    let mut answers = HashMap::new();
    for (k, val) in &fields {
        if let Some(qid) = k.strip_prefix("q_") {
            let Ok(pos) = val.parse::<usize>() else {
                return refused(&v, StatusCode::BAD_REQUEST, "check-tampered", &back);
            };
            if answers.insert(qid.to_owned(), pos).is_some() {
                return refused(&v, StatusCode::BAD_REQUEST, "check-tampered", &back);
            }
        }
    }
    let drawn = drawn_of(&a)?;
    let grade = match learn::grade(course, &drawn, &answers) {
        Ok(g) => g,
        Err(GradeError::Unanswered(_)) => {
            let mut errors = FormErrors::default();
            let missing = drawn.iter().filter(|d| !answers.contains_key(&d.id)).count();
            errors.add_message("questions", v.lang.t_args("check-answer-all", &[("count", missing.to_string())]));
            let page = check_page(&v, course, &a, &answers, errors)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
        Err(e) => {
            tracing::warn!(error = %e, attempt = %a.id, "tampered check submission");
            return refused(&v, StatusCode::BAD_REQUEST, "check-tampered", &back);
        }
    };
    let graded = serde_json::to_string(&grade.answers).map_err(|e| PageError::Internal(e.to_string()))?;
    let now = state.now();
    let certificate = match (&who, grade.passed, v.user()) {
        (Learner::User { .. }, true, Some(u)) => Some(NewCertificate {
            code: learn::certificate_code(random_bytes::<8>().map_err(PageError::Internal)?),
            attempt_id: a.id,
            name: u.name.clone(),
            course_id: course.id.clone(),
            lang: a.lang.clone(),
            issued_at: now,
            valid_until: learn::valid_until(now),
        }),
        _ => None,
    };
    match state.db.submit_attempt(&who, a.id, &graded, grade.percent, grade.passed, certificate.as_ref(), now).await {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(StorageError::Conflict { .. }) => refused(&v, StatusCode::CONFLICT, "check-already-submitted", &back),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// The public course's optional certificate: only a name is asked for.
pub async fn public_certificate(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, attempt)): Path<(String, String)>,
    Form(f): Form<NameForm>,
) -> Result<Response, PageError> {
    v.check_csrf(&f.csrf)?;
    let course = find_course(&state, &id)?;
    if course.audience != Audience::Public {
        return Err(PageError::NotFound);
    }
    let (who, a) = owned_attempt(&state, &v, course, &attempt).await?;
    let back = format!("/learn/{}/check/{}", course.id, a.id);
    if a.passed != Some(true) {
        return Err(PageError::NotFound);
    }
    let name = match PersonName::parse(&f.name) {
        Ok(n) => n,
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.add(v.lang, &e);
            let page = result_page(&state, &v, course, &a, errors, f.name.clone()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
    };
    let now = state.now();
    let c = NewCertificate {
        code: learn::certificate_code(random_bytes::<8>().map_err(PageError::Internal)?),
        attempt_id: a.id,
        name: name.as_str().to_owned(),
        course_id: course.id.clone(),
        lang: a.lang.clone(),
        issued_at: now,
        valid_until: learn::valid_until(now),
    };
    match state.db.issue_public_certificate(&who, &c).await {
        Ok(()) | Err(StorageError::Conflict { .. }) => Ok(Redirect::to(&back).into_response()),
        Err(e) => Err(e.into()),
    }
}

// ----- certificates -------------------------------------------------------------

/// May this visitor download this certificate? Its holder, their organisation's
/// admins, platform admins, or the anonymous browser that earned it.
async fn may_download(state: &AppState, v: &Visitor, c: &Certificate) -> Result<bool, PageError> {
    if let Some(u) = v.user() {
        return Ok(c.user_id == Some(u.id)
            || u.has_role(Role::PlatformAdmin)
            || (c.org_id == Some(u.org_id) && u.has_role(Role::OrgAdmin)));
    }
    if let (Some(t), None) = (&v.anon_token, c.user_id) {
        let who = Learner::Anonymous { hash: hash_token(t) };
        return match state.db.attempt(&who, c.attempt_id).await {
            Ok(_) => Ok(true),
            Err(StorageError::NotFound) => Ok(false),
            Err(e) => Err(e.into()),
        };
    }
    Ok(false)
}

pub async fn certificate_pdf(
    State(state): State<AppState>,
    v: Visitor,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let code = file.strip_suffix(".pdf").ok_or(PageError::NotFound)?;
    let c = state.db.certificate(code).await?;
    if !may_download(&state, &v, &c).await? {
        return Err(match v.user() {
            Some(u) => access::refuse(&state, v.asker(u), Owned::Certificate(&c.code)).await.into(),
            None => PageError::NotFound,
        });
    }
    let course = state.library.course(&c.course_id);
    // The certificate speaks the language the course was taken in, where the
    // interface has it.
    let lang = crate::Lang::from_code(&c.lang).unwrap_or(v.lang);
    let ctx = Ctx { lang, ..Ctx::new(&v) };
    let course_title = course.map_or_else(|| c.course_id.clone(), |k| k.title.get(&c.lang).to_owned());
    let url = state.link(&format!("/verify/{}", c.code));
    let issued = ctx.t1("cert-issued", "date", &ctx.date(&c.issued_at));
    let valid = ctx.t1("cert-valid-until", "date", &ctx.date(&c.valid_until));
    let code_line = ctx.t1("cert-code", "code", &c.code);
    let language_line = ctx.t1("cert-language", "language", &lang_name(&ctx, &c.lang));
    let pdf = crate::pdf::certificate(&crate::pdf::CertificateText {
        brand: "Sightline",
        heading: &ctx.t("cert-heading"),
        certifies: &ctx.t("cert-certifies"),
        name: &c.name,
        completed: &ctx.t("cert-completed"),
        course: &course_title,
        language_line: &language_line,
        issued_line: &issued,
        valid_line: &valid,
        code_line: &code_line,
        verify_line: &ctx.t("cert-verify"),
        verify_url: &url,
        footer: &ctx.t("cert-footer"),
    });
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"sightline-{}.pdf\"", c.code)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: Ctx,
    code: String,
    found: bool,
    status: String,
    status_key: String,
    name: String,
    course: String,
    issued: String,
    valid_until: String,
}

/// Public: is this certificate valid? Shows only the name, the course and the dates.
pub async fn verify(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(&v);
    let code = code.trim().to_uppercase();
    match state.db.certificate(&code).await {
        Ok(c) => {
            let status = match status_of(&c, state.now()) {
                CertificateStatus::Valid => "valid",
                CertificateStatus::Expired => "expired",
                CertificateStatus::Revoked => "revoked",
            };
            let course = state
                .library
                .course(&c.course_id)
                .map_or_else(|| c.course_id.clone(), |k| k.title.get(v.lang.code()).to_owned());
            let page = VerifyPage {
                code,
                found: true,
                status: status.into(),
                status_key: format!("verify-{status}"),
                name: c.name.clone(),
                course,
                issued: ctx.date(&c.issued_at),
                valid_until: ctx.date(&c.valid_until),
                ctx,
            };
            render(&page)
        }
        Err(StorageError::NotFound) => {
            let page = VerifyPage {
                code,
                found: false,
                status: String::new(),
                status_key: String::new(),
                name: String::new(),
                course: String::new(),
                issued: String::new(),
                valid_until: String::new(),
                ctx,
            };
            Ok((StatusCode::NOT_FOUND, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ----- compliance (organisation admins) -----------------------------------------

pub struct TrainingRow {
    pub name: String,
    pub email: String,
    pub position: Option<Audience>,
    /// Per staff course: (code, status, valid until) of the newest certificate.
    pub cells: Vec<Option<(String, CertificateStatus, String)>>,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    courses: Vec<(String, String)>,
    rows: Vec<TrainingRow>,
    valid: usize,
    due: usize,
    notice: Option<String>,
}

async fn training_page(
    state: &AppState,
    v: &Visitor,
    org: OrgId,
    notice: Option<String>,
) -> Result<Response, PageError> {
    v.org_admin(state, org).await?;
    let o = state.db.get_org(org).await?;
    let users = state.db.list_users(org).await?;
    let certs = state.db.certificates_for_org(org).await?;
    let now = state.now();
    let ctx = Ctx::new(v);
    let staff: Vec<&Course> = state.library.courses.iter().filter(|c| c.audience != Audience::Public).collect();
    let mut valid = 0;
    let mut due = 0;
    let rows = users
        .iter()
        .map(|u: &UserRecord| {
            let cells: Vec<_> = staff
                .iter()
                .map(|course| {
                    certs
                        .iter()
                        .filter(|c| c.user_id == Some(u.id) && c.course_id == course.id)
                        .max_by_key(|c| c.issued_at)
                        .map(|c| (c.code.clone(), status_of(c, now), ctx.date(&c.valid_until)))
                })
                .collect();
            // The course that matches the person's position decides compliance.
            let required = u.position.and_then(|p| staff.iter().position(|c| c.audience == p));
            if let Some(i) = required {
                if matches!(cells[i], Some((_, CertificateStatus::Valid, _))) { valid += 1 } else { due += 1 }
            }
            TrainingRow { name: u.name.clone(), email: u.email.clone(), position: u.position, cells }
        })
        .collect();
    let courses = staff.iter().map(|c| (c.id.clone(), c.title.get(v.lang.code()).to_owned())).collect();
    render(&TrainingPage { ctx, org_id: org.to_string(), org_name: o.name, courses, rows, valid, due, notice })
}

pub async fn training(
    State(state): State<AppState>,
    v: Visitor,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    training_page(&state, &v, org, None).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    v: Visitor,
    Path((org, code)): Path<(String, String)>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    let admin = v.org_admin(&state, org).await?.clone();
    v.check_csrf(&f.csrf)?;
    let reason = f.reason.trim();
    let reason = if reason.is_empty() { "revoked by an administrator" } else { reason };
    let reason: String = reason.chars().take(200).collect();
    state
        .db
        .revoke_certificate(org, &code, admin.id, &reason, state.now())
        .await
        .or_refuse(&state, v.asker(&admin).acting_for(org), Owned::Certificate(&code))
        .await?;
    training_page(&state, &v, org, Some(v.lang.t_args("cert-revoked-done", &[("code", code)]))).await
}
