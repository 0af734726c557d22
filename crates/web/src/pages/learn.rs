//! Learn: role courses, lessons, the scenario check, certificates and their public
//! verification, and an organisation's training compliance.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::learn::{CertificateWords, Check, Learner, Standing, Submitted, Verified};
use sightline_domain::ids::OrgId;
use sightline_domain::learn::{Audience, CertificateStatus, Course, FALLBACK_LANG};
use uuid::Uuid;

use super::{Ctx, FormErrors, render, see_other_with_cookie};
use crate::error::PageError;
use crate::security::new_token;
use crate::visitor::{Posted, Visit, Visitor};
use crate::{AppState, cookies};

// ----- shared helpers -----------------------------------------------------------

/// Who is learning: a signed-in person, or an anonymous browser (by its token).
fn who(v: &Visitor) -> Learner {
    Learner::of(v.caller().ok(), v.anon_token.as_deref())
}

/// Who is learning `course`: a staff course needs a signed-in person (else the step
/// they still owe: sign in, the second factor …); the public course also takes an
/// anonymous browser.
fn learner(v: &Visitor, course: &Course) -> Result<Learner, PageError> {
    let who = who(v);
    if who.caller().is_none() && course.audience != Audience::Public {
        v.require_user()?;
    }
    Ok(who)
}

/// The course `id` and its learner.
fn course_and_learner<'a>(state: &'a AppState, v: &Visitor, id: &str) -> Result<(&'a Course, Learner), PageError> {
    let course = state.course(id)?;
    Ok((course, learner(v, course)?))
}

fn cert_cell(ctx: &Ctx, (c, status): &Standing) -> (String, CertificateStatus, String) {
    (c.code.clone(), *status, ctx.date(&c.valid_until))
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
#[serde(default)]
pub struct LangQuery {
    cl: Option<String>,
}

fn markdown(body: &str) -> String {
    // The page's title is the `h1`, so the lesson's own headings start at `h2`.
    sightline_app::markdown::lesson_html(body, 2)
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
    /// What the person's organisation assigned them: (course, link, due date, standing code, standing).
    due: Vec<(String, String, String, &'static str, String)>,
    yours: Vec<CourseCard>,
    others: Vec<CourseCard>,
    signed_in: bool,
}

pub async fn list(Visit { state, v }: Visit) -> Result<Response, PageError> {
    let who = who(&v);
    let ctx = Ctx::new(&v);
    let mut yours = Vec::new();
    let mut others = Vec::new();
    for card in state.courses(&who, &v.public_done).await? {
        let lang = content_lang(card.course, &v, None);
        let c = CourseCard {
            id: card.course.id.clone(),
            title: card.course.title.get(&lang).to_owned(),
            summary: card.course.summary.get(&lang).to_owned(),
            minutes: card.course.minutes,
            lessons: card.course.lessons(&lang).len(),
            done: card.done,
            certificate: card.certificate.as_ref().map(|s| cert_cell(&ctx, s)),
        };
        if card.theirs { yours.push(c) } else { others.push(c) }
    }
    let mut due = Vec::new();
    if let Some(me) = who.caller() {
        for item in state.my_assignments(me).await? {
            let title = state
                .course(&item.course_id)
                .map_or(item.course_id.clone(), |c| c.title.get(content_lang(c, &v, None).as_str()).to_owned());
            let label = v.lang.t(&format!("standing-{}", item.standing.as_str().replace('_', "-")));
            due.push((
                title,
                format!("/learn/{}", item.course_id),
                ctx.date(&item.due_at),
                item.standing.as_str(),
                label,
            ));
        }
    }
    render(&ListPage { ctx, due, yours, others, signed_in: who.caller().is_some() })
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

pub async fn course(
    Visit { state, v }: Visit,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let (course, who) = course_and_learner(&state, &v, &id)?;
    let lang = content_lang(course, &v, q.cl.as_deref());
    let progress = state.progress(&who, &course.id, &v.public_done).await?;
    let done = progress.done;
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
    let certificate = progress.certificate.as_ref().map(|s| cert_cell(&ctx, s));
    let attempts = progress
        .attempts
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
    Visit { state, v }: Visit,
    Path((id, slug)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let (course, who) = course_and_learner(&state, &v, &id)?;
    let lang = content_lang(course, &v, q.cl.as_deref());
    let lessons = course.lessons(&lang);
    let index = lessons.iter().position(|l| l.item.slug == slug).ok_or(PageError::NotFound)?;
    let l = &lessons[index];
    let done = state.lessons_read(&who, &course.id, &v.public_done).await?.contains(&slug);
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfLang {
    cl: String,
}

fn with_lang(path: &str, lang: &str) -> String {
    format!("{path}?cl={lang}")
}

pub async fn lesson_done(
    Path((id, slug)): Path<(String, String)>,
    Posted { state, v, form: f }: Posted<CsrfLang>,
) -> Result<Response, PageError> {
    let (course, who) = course_and_learner(&state, &v, &id)?;
    let lang = content_lang(course, &v, Some(&f.cl));
    let lessons = course.lessons(&lang);
    let index = lessons.iter().position(|l| l.item.slug == slug).ok_or(PageError::NotFound)?;
    let next = lessons
        .get(index + 1)
        .map_or_else(|| format!("/learn/{id}"), |n| format!("/learn/{id}/lessons/{}", n.item.slug));
    let to = with_lang(&next, &lang);
    if let Some(caller) = who.caller() {
        state.lesson_done(caller, &course.id, &slug).await?;
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
    Path(id): Path<String>,
    Posted { state, v, form: f }: Posted<CsrfLang>,
) -> Result<Response, PageError> {
    let course = state.course(&id)?;
    let lang = content_lang(course, &v, Some(&f.cl));
    let (who, new_cookie) = match learner(&v, course)? {
        Learner::Nobody => {
            let token = new_token().map_err(PageError::Internal)?;
            let cookie = cookies::set(cookies::ANON, &token, Some(365 * 24 * 3600), state.config.secure_cookies);
            (Learner::browser(&token), Some(cookie))
        }
        w => (w, None),
    };
    let attempt = state.start_check(&who, &course.id, &lang).await?;
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

fn check_page(
    v: &Visitor,
    course: &Course,
    check: &Check,
    chosen: &HashMap<String, usize>,
    errors: FormErrors,
) -> Result<CheckPage, PageError> {
    let a = &check.attempt;
    let mut questions = Vec::new();
    for (i, d) in check.drawn.iter().enumerate() {
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

fn result_page(
    state: &AppState,
    v: &Visitor,
    course: &Course,
    check: &Check,
    name_errors: FormErrors,
    name: String,
) -> ResultPage {
    let (a, graded) = (&check.attempt, &check.graded);
    let mut items = Vec::new();
    for (d, g) in check.drawn.iter().zip(graded) {
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
    let certificate = check.certificate.as_ref().map(|c| (c.code.clone(), state.link(&format!("/verify/{}", c.code))));
    ResultPage {
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
    }
}

pub async fn show_check(
    Visit { state, v }: Visit,
    Path((id, attempt)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (course, who) = course_and_learner(&state, &v, &id)?;
    let check = state.check(&who, &course.id, parse_attempt(&attempt)?).await?;
    if check.attempt.submitted_at.is_some() {
        return render(&result_page(&state, &v, course, &check, FormErrors::default(), String::new()));
    }
    render(&check_page(&v, course, &check, &HashMap::new(), FormErrors::default())?)
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
    Path((id, attempt)): Path<(String, String)>,
    Posted { state, v, form: fields }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (course, who) = course_and_learner(&state, &v, &id)?;
    let attempt = parse_attempt(&attempt)?;
    let back = format!("/learn/{}/check/{attempt}", course.id);
    let answers: Vec<(&str, &str)> =
        fields.iter().filter_map(|(k, val)| k.strip_prefix("q_").map(|q| (q, val.as_str()))).collect();
    match state.submit_check(&who, &course.id, attempt, &answers).await {
        Ok(Submitted::Graded) => Ok(Redirect::to(&back).into_response()),
        Ok(Submitted::Unanswered { check, answers, missing }) => {
            let mut errors = FormErrors::default();
            errors.add_message("questions", v.lang.t_args("check-answer-all", &[("count", missing.to_string())]));
            let page = check_page(&v, course, &check, &answers, errors)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(AppError::Conflict { .. }) => refused(&v, StatusCode::CONFLICT, "check-already-submitted", &back),
        Err(AppError::Invalid(_)) => refused(&v, StatusCode::BAD_REQUEST, "check-tampered", &back),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    name: String,
}

/// The public course's optional certificate: only a name is asked for.
pub async fn public_certificate(
    Path((id, attempt)): Path<(String, String)>,
    Posted { state, v, form: f }: Posted<NameForm>,
) -> Result<Response, PageError> {
    // Only the public course has one (the app says "not found" for any other): no
    // sign-in step first.
    let (course, who) = (state.course(&id)?, who(&v));
    let attempt = parse_attempt(&attempt)?;
    match state.issue_public_certificate(&who, &course.id, attempt, &f.name).await {
        Ok(()) => Ok(Redirect::to(&format!("/learn/{}/check/{attempt}", course.id)).into_response()),
        Err(AppError::Invalid(list)) => {
            let mut errors = FormErrors::default();
            for e in &list {
                errors.add(v.lang, e);
            }
            let check = state.check(&who, &course.id, attempt).await?;
            let page = result_page(&state, &v, course, &check, errors, f.name.clone());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ----- certificates -------------------------------------------------------------

pub async fn certificate_pdf(Visit { state, v }: Visit, Path(file): Path<String>) -> Result<Response, PageError> {
    let code = file.strip_suffix(".pdf").ok_or(PageError::NotFound)?;
    // The certificate speaks the language the course was taken in, where the
    // interface has it.
    let words = |c: &sightline_storage::Certificate| {
        let lang = crate::Lang::from_code(&c.lang).unwrap_or(v.lang);
        let ctx = Ctx { lang, ..Ctx::new(&v) };
        CertificateWords {
            heading: ctx.t("cert-heading"),
            certifies: ctx.t("cert-certifies"),
            completed: ctx.t("cert-completed"),
            language_line: ctx.t1("cert-language", "language", &lang_name(&ctx, &c.lang)),
            issued_line: ctx.t1("cert-issued", "date", &ctx.date(&c.issued_at)),
            valid_line: ctx.t1("cert-valid-until", "date", &ctx.date(&c.valid_until)),
            code_line: ctx.t1("cert-code", "code", &c.code),
            verify_line: ctx.t("cert-verify"),
            verify_url: state.link(&format!("/verify/{}", c.code)),
            footer: ctx.t("cert-footer"),
        }
    };
    let (c, pdf) = state.certificate_pdf(&who(&v), code, words).await?;
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

/// Public: is this certificate valid? Shows only the name, the course and the dates;
/// for a certificate the retention policy removed, that it was removed (course and
/// dates, no name).
pub async fn verify(Visit { state, v }: Visit, Path(code): Path<String>) -> Result<Response, PageError> {
    let ctx = Ctx::new(&v);
    let code = code.trim().to_uppercase();
    let title =
        |id: &str| state.library.course(id).map_or_else(|| id.to_owned(), |k| k.title.get(v.lang.code()).to_owned());
    let mut page = VerifyPage {
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
    match state.verify_certificate(&page.code).await {
        Ok(Verified::Found((c, status))) => {
            let status = match status {
                CertificateStatus::Valid => "valid",
                CertificateStatus::Expired => "expired",
                CertificateStatus::Revoked => "revoked",
            };
            page.found = true;
            page.status = status.into();
            page.status_key = format!("verify-{status}");
            page.name.clone_from(&c.name);
            page.course = title(&c.course_id);
            page.issued = page.ctx.date(&c.issued_at);
            page.valid_until = page.ctx.date(&c.valid_until);
            render(&page)
        }
        Ok(Verified::Removed(t)) => {
            page.found = true;
            page.status = "removed".into();
            page.status_key = "verify-removed".into();
            page.course = title(&t.course_id);
            page.issued = page.ctx.date(&t.issued_at);
            page.valid_until = page.ctx.date(&t.valid_until);
            render(&page)
        }
        Err(AppError::NotFound) => Ok((StatusCode::NOT_FOUND, Html(page.render()?)).into_response()),
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

/// A course's SCORM packages on the training page: per language, its code, name and
/// what the package shows in English instead (empty when complete).
pub struct ScormRow {
    pub id: String,
    pub title: String,
    pub langs: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    courses: Vec<(String, String)>,
    scorm: Vec<ScormRow>,
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
    let t = state.training(&v.caller()?, org).await?;
    let ctx = Ctx::new(v);
    let rows = t
        .rows
        .into_iter()
        .map(|r| TrainingRow {
            cells: r.cells.iter().map(|c| c.as_ref().map(|s| cert_cell(&ctx, s))).collect(),
            name: r.user.name,
            email: r.user.email,
            position: r.user.position,
        })
        .collect();
    let courses = t.courses.iter().map(|c| (c.id.clone(), c.title.get(v.lang.code()).to_owned())).collect();
    let scorm = t
        .courses
        .iter()
        .map(|c| ScormRow {
            id: c.id.clone(),
            title: c.title.get(v.lang.code()).to_owned(),
            langs: c
                .languages
                .iter()
                .map(|l| (l.clone(), lang_name(&ctx, l), sightline_app::scorm::missing(c, l).join(", ")))
                .collect(),
        })
        .collect();
    render(&TrainingPage {
        scorm,
        ctx,
        org_id: org.to_string(),
        org_name: t.org_name,
        courses,
        rows,
        valid: t.valid,
        due: t.due,
        notice,
    })
}

pub async fn training(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    training_page(&state, &v, org, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
}

pub async fn revoke(
    Path((org, code)): Path<(String, String)>,
    Posted { state, v, form: f }: Posted<RevokeForm>,
) -> Result<Response, PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    let caller = v.caller()?;
    state.revoke_certificate(&caller, org, &code, &f.reason).await?;
    training_page(&state, &v, org, Some(v.lang.t_args("cert-revoked-done", &[("code", code)]))).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScormQuery {
    lang: Option<String>,
}

/// `GET /orgs/{org}/scorm/{course}.zip?lang=xx`: the course's SCORM 1.2 package for the
/// organisation's LMS (org administrators). What the language lacks is exported in
/// English and named in the `X-Sightline-Missing-Translations` header (the training
/// page says it beside the link).
pub async fn scorm(
    Visit { state, v }: Visit,
    Path((org, file)): Path<(String, String)>,
    Query(q): Query<ScormQuery>,
) -> Result<Response, PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    let course = file.strip_suffix(".zip").ok_or(PageError::NotFound)?;
    let lang = q.lang.as_deref().unwrap_or(FALLBACK_LANG);
    let package = state.scorm_package(&v.caller()?, org, course, lang).await?;
    let mut res = package.bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", package.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if !package.missing.is_empty()
        && let Ok(v) = HeaderValue::from_str(&package.missing.join(", "))
    {
        h.insert("x-sightline-missing-translations", v);
    }
    Ok(res)
}
