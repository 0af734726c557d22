//! Training assignments and compliance for an organisation's admins:
//! `/orgs/{org}/assignments` (assign a course by position and base, change or remove
//! an assignment, set the reminder offsets and the fiscal year), and
//! `/orgs/{org}/compliance` (counts by position and by base as SVG bars with the
//! numbers in tables beside, filters as GET parameters, the people of a cell), with
//! the fiscal year's figures as CSV and PDF.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::assign::{Assignments, Compliance, ComplianceFilter, Tally, YearReport};
use sightline_domain::assign::{AssignmentInput, DEFAULT_DUE_DAYS, DEFAULT_RECUR_MONTHS, Standing, offsets_text};
use sightline_domain::learn::Audience;
use uuid::Uuid;

use super::referrals::download;
use super::users::{OrgForm, parse_org};
use super::{Ctx, FormErrors, date_text, render, render_invalid};
use crate::AppState;
use crate::chart::Stacked;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::{Signed, Visitor};

/// An assignment as typed (kept when the form comes back with errors).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AssignForm {
    pub course: String,
    pub position: String,
    pub base: String,
    pub due_days: String,
    pub recur_months: String,
    pub version: String,
}

impl AssignForm {
    fn input(&self) -> AssignmentInput<'_> {
        AssignmentInput {
            course: &self.course,
            position: &self.position,
            base: &self.base,
            due_days: &self.due_days,
            recur_months: &self.recur_months,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    offsets: String,
    fiscal_start: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Empty {}

/// One assignment in the list, with its edit form's values.
pub struct Row {
    pub id: String,
    pub course_title: String,
    pub position_label: String,
    pub base: String,
    pub due_days: u32,
    pub recur_months: u32,
    pub form: AssignForm,
}

#[derive(Template)]
#[template(path = "assignments.html")]
struct AssignmentsPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    rows: Vec<Row>,
    /// (id, title).
    courses: Vec<(String, String)>,
    /// (code, label).
    positions: Vec<(String, String)>,
    bases: Vec<String>,
    new: AssignForm,
    /// The assignment whose edit form came back with errors.
    editing: Option<String>,
    errors: FormErrors,
    offsets: String,
    fiscal_start: String,
    months: Vec<(String, String)>,
    notice: Option<&'static str>,
}

fn position_label(lang: Lang, p: Audience) -> String {
    lang.t(&format!("position-{}", p.as_str()))
}

fn standing_label(lang: Lang, s: Standing) -> String {
    lang.t(&format!("standing-{}", s.as_str().replace('_', "-")))
}

/// What the assignments page shows besides the stored data: the forms as typed and
/// what happened.
#[derive(Default)]
struct Shown {
    new: Option<AssignForm>,
    editing: Option<(String, AssignForm)>,
    settings: Option<SettingsForm>,
    errors: FormErrors,
    notice: Option<&'static str>,
}

fn assignments_page(v: &Visitor, org: &str, a: Assignments<'_>, shown: Shown) -> AssignmentsPage {
    let ctx = Ctx::new(v);
    let lang = v.lang;
    let title =
        |id: &str| a.courses.iter().find(|c| c.id == id).map_or(id.to_owned(), |c| c.title.get(lang.code()).to_owned());
    let rows = a
        .assignments
        .iter()
        .map(|x| {
            let id = x.id.to_string();
            let stored = AssignForm {
                course: x.terms.course.clone(),
                position: x.terms.position.as_str().to_owned(),
                base: x.terms.base.clone().unwrap_or_default(),
                due_days: x.terms.due_days.to_string(),
                recur_months: x.terms.recur_months.to_string(),
                version: x.version.to_string(),
            };
            let form = match &shown.editing {
                Some((e, typed)) if *e == id => AssignForm { version: stored.version.clone(), ..typed.clone() },
                _ => stored,
            };
            Row {
                course_title: title(&x.terms.course),
                position_label: position_label(lang, x.terms.position),
                base: x.terms.base.clone().unwrap_or_default(),
                due_days: x.terms.due_days,
                recur_months: x.terms.recur_months,
                form,
                id,
            }
        })
        .collect();
    let new = shown.new.unwrap_or_else(|| AssignForm {
        due_days: DEFAULT_DUE_DAYS.to_string(),
        recur_months: DEFAULT_RECUR_MONTHS.to_string(),
        ..AssignForm::default()
    });
    let (offsets, fiscal_start) = match shown.settings {
        Some(s) => (s.offsets, s.fiscal_start),
        None => (offsets_text(&a.settings.offsets), a.settings.fiscal_start_month.to_string()),
    };
    AssignmentsPage {
        org_id: org.to_owned(),
        org_name: a.org_name,
        rows,
        courses: a.courses.iter().map(|c| (c.id.clone(), c.title.get(lang.code()).to_owned())).collect(),
        positions: Audience::STAFF.iter().map(|p| (p.as_str().to_owned(), position_label(lang, *p))).collect(),
        bases: a.bases,
        new,
        editing: shown.editing.map(|(id, _)| id),
        errors: shown.errors,
        offsets,
        fiscal_start,
        months: (1..=12).map(|m| (m.to_string(), lang.t(&format!("month-{m}")))).collect(),
        notice: shown.notice,
        ctx,
    }
}

/// `GET /orgs/{org}/assignments`.
pub async fn list(Signed { state, v, me }: Signed, Path(org): Path<String>) -> Result<Response, PageError> {
    let id = parse_org(&org)?;
    let a = state.assignments(&me, id).await?;
    render(&assignments_page(&v, &org, a, Shown::default()))
}

/// Render the page after a write: the notice on success, or the typed input with its
/// errors (422).
async fn after_write(
    f: &OrgForm<impl Sized>,
    done: Result<(), AppError>,
    typed: impl FnOnce() -> Shown,
    notice: &'static str,
) -> Result<Response, PageError> {
    let org = f.org.to_string();
    match done {
        Ok(()) => {
            let a = f.state.assignments(&f.me, f.org).await?;
            render(&assignments_page(&f.v, &org, a, Shown { notice: Some(notice), ..Shown::default() }))
        }
        Err(AppError::Invalid(list)) => {
            let mut shown = typed();
            for e in &list {
                shown.errors.add(f.v.lang, e);
            }
            let a = f.state.assignments(&f.me, f.org).await?;
            render_invalid(&assignments_page(&f.v, &org, a, shown))
        }
        Err(AppError::Conflict { field: "version" }) => {
            let a = f.state.assignments(&f.me, f.org).await?;
            let shown = Shown { notice: Some("assign-changed-meanwhile"), ..Shown::default() };
            render(&assignments_page(&f.v, &org, a, shown))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /orgs/{org}/assignments`: assign a course.
pub async fn create(f: OrgForm<AssignForm>) -> Result<Response, PageError> {
    let done = f.state.create_assignment(&f.me, f.org, &f.f.input()).await.map(|_| ());
    after_write(&f, done, || Shown { new: Some(f.f.clone()), ..Shown::default() }, "assign-created").await
}

fn assignment_id(s: &str) -> Result<Uuid, PageError> {
    s.parse().map_err(|_| PageError::NotFound)
}

/// `POST /orgs/{org}/assignments/{id}`: change an assignment.
pub async fn update(Path((_, id)): Path<(String, String)>, f: OrgForm<AssignForm>) -> Result<Response, PageError> {
    let uuid = assignment_id(&id)?;
    let version: i64 = f.f.version.trim().parse().unwrap_or(-1);
    let done = f.state.update_assignment(&f.me, f.org, uuid, version, &f.f.input()).await;
    after_write(&f, done, || Shown { editing: Some((id.clone(), f.f.clone())), ..Shown::default() }, "assign-updated")
        .await
}

/// `POST /orgs/{org}/assignments/{id}/delete`: remove an assignment.
pub async fn delete(Path((_, id)): Path<(String, String)>, f: OrgForm<Empty>) -> Result<Response, PageError> {
    let done = f.state.delete_assignment(&f.me, f.org, assignment_id(&id)?).await;
    after_write(&f, done, Shown::default, "assign-deleted").await
}

/// `POST /orgs/{org}/training-settings`: reminder offsets and the fiscal year.
pub async fn settings(f: OrgForm<SettingsForm>) -> Result<Response, PageError> {
    let done = f.state.set_training_settings(&f.me, f.org, &f.f.offsets, &f.f.fiscal_start).await;
    let typed = || Shown {
        settings: Some(SettingsForm { offsets: f.f.offsets.clone(), fiscal_start: f.f.fiscal_start.clone() }),
        ..Shown::default()
    };
    after_write(&f, done, typed, "assign-settings-saved").await
}

// ----- the dashboard -------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FilterQuery {
    position: String,
    base: String,
    status: String,
}

/// One line of a table beside a chart: its name, the four counts (each with the link
/// to its people) and the total.
pub struct TallyRow {
    pub name: String,
    pub cells: Vec<(usize, String)>,
    pub total: usize,
}

/// A person in the drill-down list.
pub struct PersonRow {
    pub name: String,
    pub email: String,
    pub position: String,
    pub base: String,
    pub standing: &'static str,
    pub standing_label: String,
    /// (course, due date, standing class, standing label).
    pub items: Vec<(String, String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    q_position: String,
    q_base: String,
    q_status: String,
    positions: Vec<(String, String)>,
    bases: Vec<String>,
    statuses: Vec<(String, String)>,
    /// The standings' names in the tables' column order.
    heads: Vec<String>,
    total: TallyRow,
    position_chart: String,
    position_rows: Vec<TallyRow>,
    base_chart: String,
    base_rows: Vec<TallyRow>,
    filtered: bool,
    people: Vec<PersonRow>,
    shown_text: String,
    years: Vec<i32>,
    errors: FormErrors,
}

/// The order the dashboard shows standings in.
const ORDER: [Standing; 4] = [Standing::Current, Standing::DueSoon, Standing::Overdue, Standing::NotStarted];

fn link(org: &str, position: &str, base: &str, status: &str) -> String {
    let pairs: Vec<(&str, &str)> = [("position", position), ("base", base), ("status", status)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let q = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if q.is_empty() { format!("/orgs/{org}/compliance") } else { format!("/orgs/{org}/compliance?{q}#people") }
}

fn tally_row(name: String, t: &Tally, href: impl Fn(Standing) -> String) -> TallyRow {
    TallyRow { name, cells: ORDER.iter().map(|s| (t.get(*s), href(*s))).collect(), total: t.total() }
}

/// A chart's category: its name, the (position, base) its links filter by, its counts.
type Category<'a> = (String, (&'a str, &'a str), &'a Tally);

/// One breakdown of the dashboard: the stacked bars (a bar leads to its people with
/// the page's status filter) and the table beside (a cell leads to its people).
fn section(
    (id, title): (&str, &str),
    parts: [&str; 4],
    org: &str,
    q: &FilterQuery,
    categories: &[Category<'_>],
) -> (String, Vec<TallyRow>) {
    let chart = Stacked {
        id,
        title,
        parts,
        categories: categories
            .iter()
            .map(|(name, (p, b), t)| {
                (name.clone(), link(org, p, b, &q.status), [t.current, t.due_soon, t.overdue, t.not_started])
            })
            .collect(),
    }
    .svg();
    let rows = categories
        .iter()
        .map(|(name, (p, b), t)| tally_row(name.clone(), t, |s| link(org, p, b, s.as_str())))
        .collect();
    (chart, rows)
}

fn compliance_page(
    state: &AppState,
    v: &Visitor,
    org: &str,
    q: &FilterQuery,
    c: Compliance,
    errors: FormErrors,
) -> CompliancePage {
    let lang = v.lang;
    let heads: Vec<String> = ORDER.iter().map(|s| standing_label(lang, *s)).collect();
    let parts = [heads[0].as_str(), heads[1].as_str(), heads[2].as_str(), heads[3].as_str()];
    let no_base = lang.t("compliance-no-base");
    // Each category: its name and the (position, base) its links keep.
    let positions: Vec<Category<'_>> =
        c.by_position.iter().map(|(p, t)| (position_label(lang, *p), (p.as_str(), q.base.as_str()), t)).collect();
    let bases: Vec<Category<'_>> = c
        .by_base
        .iter()
        .map(|(b, t)| (if b.is_empty() { no_base.clone() } else { b.clone() }, (q.position.as_str(), b.as_str()), t))
        .collect();
    let (position_chart, position_rows) =
        section(("by-position", &lang.t("compliance-by-position")), parts, org, q, &positions);
    let (base_chart, base_rows) = section(("by-base", &lang.t("compliance-by-base")), parts, org, q, &bases);
    let title = |id: &str| state.library.course(id).map_or(id.to_owned(), |c| c.title.get(lang.code()).to_owned());
    let people: Vec<PersonRow> = c
        .people
        .iter()
        .map(|p| PersonRow {
            name: p.name.clone(),
            email: p.email.clone(),
            position: p.position.map(|a| position_label(lang, a)).unwrap_or_default(),
            base: p.base.clone().unwrap_or_default(),
            standing: p.standing.as_str(),
            standing_label: standing_label(lang, p.standing),
            items: p
                .items
                .iter()
                .map(|i| {
                    (title(&i.course_id), date_text(&i.due_at), i.standing.as_str(), standing_label(lang, i.standing))
                })
                .collect(),
        })
        .collect();
    CompliancePage {
        ctx: Ctx::new(v),
        org_id: org.to_owned(),
        org_name: c.org_name,
        q_position: q.position.clone(),
        q_base: q.base.clone(),
        q_status: q.status.clone(),
        positions: Audience::STAFF.iter().map(|p| (p.as_str().to_owned(), position_label(lang, *p))).collect(),
        bases: c.bases,
        statuses: ORDER.iter().map(|s| (s.as_str().to_owned(), standing_label(lang, *s))).collect(),
        total: tally_row(lang.t("compliance-total"), &c.total, |s| link(org, &q.position, &q.base, s.as_str())),
        heads,
        position_chart,
        position_rows,
        base_chart,
        base_rows,
        filtered: !(q.position.is_empty() && q.base.is_empty() && q.status.is_empty()),
        shown_text: lang
            .t_args("compliance-shown", &[("shown", people.len().to_string()), ("matched", c.matched.to_string())]),
        people,
        years: (0..3).map(|i| c.fiscal_year - i).collect(),
        errors,
    }
}

/// `GET /orgs/{org}/compliance?position=&base=&status=`: the dashboard. A filter
/// value that is no position or standing is named at its field (422).
pub async fn dashboard(
    Signed { state, v, me }: Signed,
    Path(org): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Response, PageError> {
    let id = parse_org(&org)?;
    match ComplianceFilter::parse(&q.position, &q.base, &q.status) {
        Ok(filter) => {
            let c = state.compliance(&me, id, &filter).await?;
            render(&compliance_page(&state, &v, &org, &q, c, FormErrors::default()))
        }
        Err(list) => {
            let mut errors = FormErrors::default();
            for e in &list.0 {
                errors.add(v.lang, e);
            }
            let c = state.compliance(&me, id, &ComplianceFilter::default()).await?;
            render_invalid(&compliance_page(&state, &v, &org, &q, c, errors))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: Option<i32>,
}

fn period(r: &YearReport) -> (String, String) {
    (date_text(&r.start), date_text(&(r.end - time::Duration::days(1))))
}

/// `GET /orgs/{org}/compliance.csv?year=`: the fiscal year's figures by position.
pub async fn year_csv(
    Signed { state, v, me }: Signed,
    Path(org): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = state.compliance_year(&me, parse_org(&org)?, q.year).await?;
    let header = ["fiscal_year", "period", "position", "staff_assigned", "trained_in_year", "current_at_end"];
    let body = r.csv(header, |p| p.as_str().to_owned(), &v.lang.t("compliance-total"));
    Ok(download(body.into_bytes(), "text/csv; charset=utf-8", &format!("training-fy{}.csv", r.year)))
}

/// `GET /orgs/{org}/compliance.pdf?year=`: the same figures on a printable page.
pub async fn year_pdf(
    Signed { state, v, me }: Signed,
    Path(org): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let r = state.compliance_year(&me, parse_org(&org)?, q.year).await?;
    let lang = v.lang;
    let (from, to) = period(&r);
    let heading = lang.t_args("compliance-year-heading", &[("year", r.year.to_string())]);
    let period_line = lang.t_args("compliance-year-period", &[("from", from), ("to", to)]);
    let as_of = lang.t_args("compliance-year-as-of", &[("date", date_text(&r.as_of))]);
    let header = [
        lang.t("field-position"),
        lang.t("compliance-assigned"),
        lang.t("compliance-trained"),
        lang.t("compliance-current"),
    ];
    let note = lang.t("compliance-year-note");
    let cells = |name: String, f: &sightline_app::assign::YearFigures| {
        [name, f.assigned.to_string(), f.trained.to_string(), f.current.to_string()]
    };
    let text = sightline_app::pdf::YearText {
        brand: "Sightline",
        heading: &heading,
        org: &r.org_name,
        period: &period_line,
        as_of: &as_of,
        header: [&header[0], &header[1], &header[2], &header[3]],
        rows: r.rows.iter().map(|(p, f)| cells(position_label(lang, *p), f)).collect(),
        total: cells(lang.t("compliance-total"), &r.total),
        note: &note,
    };
    let pdf = sightline_app::pdf::year_report(&text).map_err(PageError::Internal)?;
    Ok(download(pdf, "application/pdf", &format!("training-fy{}.pdf", r.year)))
}
