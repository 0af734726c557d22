//! Statistics that identify no one: the platform's at `/stats` (public: no account,
//! no cookie, no script) and an organisation's at `/orgs/{org}/stats` (its admins),
//! each with a CSV export (`…/stats.csv`, one row per published number, columns
//! modelled on CTDC's public dataset). Every table is what the app published after
//! small-cell suppression; the charts draw the same numbers.

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sightline_app::stats::{ESCALATED, NOT_ESCALATED, Statistics};
use sightline_content::Library;
use sightline_domain::export::spreadsheet_cell;
use sightline_domain::ids::OrgId;
use sightline_domain::stats::{Published, Shown, month_label};

use super::{Ctx, render};
use crate::AppState;
use crate::chart::Chart;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::visitor::{Visit, Visitor};

/// The language of the public statistics page: `?lang=`, then `Accept-Language`, then
/// English. Nothing else of the request is read (no cookie, no session).
pub struct PageLang(pub Lang);

impl FromRequestParts<AppState> for PageLang {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let asked = query.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::from_code);
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Self(asked.or_else(|| Lang::from_accept_language(accept)).unwrap_or_default()))
    }
}

/// A number as the template shows it: its text, and whether it is hidden.
pub type CellView = (String, bool);

/// A chart's series names and, per category, its name and numbers.
type ChartData<'a> = (Vec<&'a str>, Vec<(String, Vec<Shown>)>);

/// One published table as the template shows it, with its chart.
pub struct TableView {
    pub id: &'static str,
    pub heading: String,
    pub about: String,
    /// The header of the rows' column.
    pub corner: String,
    pub cols: Vec<String>,
    /// (row name, cells, row total); a cell is (text, hidden).
    pub rows: Vec<(String, Vec<CellView>, CellView)>,
    pub col_totals: Vec<CellView>,
    pub total: CellView,
    /// The chart (SVG), when the table has one.
    pub svg: Option<String>,
    /// Under the chart, when it shows only the largest rows.
    pub chart_note: Option<String>,
    /// Nothing counted yet: the page says so instead of a table of zeros.
    pub empty: bool,
}

/// A chart of many rows shows this many, the largest (the table has them all).
pub const CHART_TOP: usize = 12;

/// Everything the statistics pages show.
pub struct StatsView {
    pub lang: Lang,
    pub tables: Vec<TableView>,
    pub months: (String, String),
    pub k: u64,
    pub csv: String,
}

impl StatsView {
    #[must_use]
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    /// What a hidden number means.
    #[must_use]
    pub fn hidden_note(&self) -> String {
        self.lang.t_args("stats-hidden-note", &[("k", self.k.to_string())])
    }
    /// "From 2025-12 to 2026-11".
    #[must_use]
    pub fn period(&self) -> String {
        self.lang.t_args("stats-period", &[("from", self.months.0.clone()), ("to", self.months.1.clone())])
    }
}

/// Numbers as the language writes them (groups of three).
fn number(lang: Lang) -> impl Fn(u64) -> String {
    move |n: u64| {
        let digits = n.to_string();
        let sep = match lang {
            Lang::En => ",",
            Lang::Fi => "\u{a0}",
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    }
}

/// Names of the keys the tables use, in the page's language.
struct Names<'a> {
    library: &'a Library,
    lang: Lang,
}

impl Names<'_> {
    /// A course by whom it is for ("Cabin crew course"): its title is a sentence,
    /// too long for a column.
    fn course(&self, id: &str) -> String {
        self.library.courses.iter().find(|c| c.id == id).map_or_else(
            || id.to_owned(),
            |c| {
                let audience = self.lang.t(&format!("position-{}", c.audience.as_str()));
                self.lang.t_args("stats-course", &[("audience", audience)])
            },
        )
    }
    fn role(&self, role: &str) -> String {
        let key = format!("position-{role}");
        if self.lang.has(&key) || Lang::En.has(&key) {
            self.lang.t(&key)
        } else {
            self.lang.t("stats-role-unspecified")
        }
    }
    fn sign(&self, code: &str) -> String {
        self.library
            .indicators
            .indicators
            .iter()
            .find(|i| i.code == code)
            .map_or_else(|| code.to_owned(), |i| i.label.get(self.lang.code()).to_owned())
    }
    fn route(&self, key: &str) -> String {
        self.library.regions.route_name(key)
    }
    fn split(&self, key: &str) -> String {
        match key {
            ESCALATED => self.lang.t("stats-escalated"),
            NOT_ESCALATED => self.lang.t("stats-not-escalated"),
            other => other.to_owned(),
        }
    }
}

/// Build the view of `s`: tables with their charts, names in `lang`.
#[must_use]
pub fn view(s: &Statistics, library: &Library, lang: Lang, csv: String) -> StatsView {
    let names = Names { library, lang };
    let num = number(lang);
    let hidden = lang.t("stats-hidden");
    let shown = |v: Shown| match v {
        Shown::Count(n) => (num(n), false),
        Shown::Hidden => (hidden.clone(), true),
    };
    let table = |id: &'static str,
                 p: &Published,
                 row_name: &dyn Fn(&str) -> String,
                 col_name: &dyn Fn(&str) -> String,
                 chart: Option<ChartData<'_>>| {
        let chart_note = chart.as_ref().and_then(|(_, c)| {
            (c.len() > CHART_TOP).then(|| lang.t_args("stats-chart-top", &[("n", CHART_TOP.to_string())]))
        });
        let svg = chart.map(|(series, mut categories)| {
            if categories.len() > CHART_TOP {
                // The largest first; hidden ones (small, or hidden to protect one) last.
                categories.sort_by_key(|(_, v)| std::cmp::Reverse(v.first().and_then(|s| s.count()).unwrap_or(0)));
                categories.truncate(CHART_TOP);
            }
            let heading = lang.t(&format!("stats-{id}-heading"));
            let title = format!("{heading}. {}", lang.t("stats-chart-see-table"));
            Chart { id, title: &title, series: &series, categories, hidden: &hidden, number: &num }.svg()
        });
        TableView {
            id,
            heading: lang.t(&format!("stats-{id}-heading")),
            about: lang.t(&format!("stats-{id}-about")),
            corner: lang.t(&format!("stats-{id}-corner")),
            cols: p.cols.iter().map(|c| col_name(c)).collect(),
            rows: p
                .rows
                .iter()
                .zip(&p.cells)
                .zip(&p.row_totals)
                .map(|((r, cells), t)| (row_name(r), cells.iter().map(|c| shown(*c)).collect(), shown(*t)))
                .collect(),
            col_totals: p.col_totals.iter().map(|c| shown(*c)).collect(),
            total: shown(p.total),
            svg,
            chart_note,
            empty: p.total == Shown::Count(0),
        }
    };
    let month = |m: &str| m.parse::<i64>().map_or_else(|_| m.to_owned(), month_label);
    let (reports, escalated) = (lang.t("stats-series-reports"), lang.t("stats-escalated"));
    // Two series per category: every report (the row's total) and the escalated ones.
    let both = |p: &Published, name: &dyn Fn(&str) -> String| {
        let cats = p
            .rows
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((r, cells), t)| (name(r), vec![*t, cells.first().copied().unwrap_or(Shown::Hidden)]))
            .collect();
        (vec![reports.as_str(), escalated.as_str()], cats)
    };
    // One series: the row's total (the table splits it).
    let one = |p: &Published, name: &dyn Fn(&str) -> String| {
        let cats = p.rows.iter().zip(&p.row_totals).map(|(r, t)| (name(r), vec![*t])).collect();
        (vec![reports.as_str()], cats)
    };
    let trained = lang.t("stats-series-people");
    let per_month = (
        vec![trained.as_str()],
        s.training_by_month
            .rows
            .iter()
            .zip(&s.training_by_month.row_totals)
            .map(|(r, t)| (month(r), vec![*t]))
            .collect(),
    );
    let mut tables = vec![
        table("training-month", &s.training_by_month, &month, &|c| names.course(c), Some(per_month)),
        table("training-role", &s.training_by_role, &|c| names.course(c), &|r| names.role(r), None),
        table(
            "reports-month",
            &s.reports_by_month,
            &month,
            &|c| names.split(c),
            Some(both(&s.reports_by_month, &month)),
        ),
        table(
            "reports-route",
            &s.reports_by_route,
            &|r| names.route(r),
            &|c| names.split(c),
            Some(one(&s.reports_by_route, &|r| names.route(r))),
        ),
        table(
            "reports-sign",
            &s.reports_by_sign,
            &|r| names.sign(r),
            &|c| names.split(c),
            Some(one(&s.reports_by_sign, &|r| names.sign(r))),
        ),
    ];
    if let Some(r) = &s.referrals {
        // Two series per month: every referral made (the row's total) and those with
        // support recorded.
        let (made, supported) = (lang.t("stats-series-referrals"), lang.t("stats-outcome-supported"));
        let at = r.cols.iter().position(|c| c == "supported");
        let cats = r
            .rows
            .iter()
            .zip(&r.cells)
            .zip(&r.row_totals)
            .map(|((m, cells), t)| {
                (month(m), vec![*t, at.and_then(|j| cells.get(j).copied()).unwrap_or(Shown::Hidden)])
            })
            .collect();
        let outcome = |c: &str| lang.t(&format!("stats-outcome-{c}"));
        tables.push(table("referrals", r, &month, &outcome, Some((vec![made.as_str(), supported.as_str()], cats))));
    }
    let first = s.months.first().map(|m| month_label(*m)).unwrap_or_default();
    let last = s.months.last().map(|m| month_label(*m)).unwrap_or_default();
    StatsView { lang, tables, months: (first, last), k: s.k, csv }
}

#[derive(Template)]
#[template(path = "stats_public.html")]
struct PublicStatsPage {
    s: StatsView,
    other: Lang,
}

/// `/stats`: the platform's statistics, for anyone.
pub async fn public(State(state): State<AppState>, PageLang(lang): PageLang) -> Result<Response, PageError> {
    let stats = state.public_statistics().await?;
    let s = view(&stats, &state.library, lang, format!("/stats.csv?lang={}", lang.code()));
    let other = if lang == Lang::En { Lang::Fi } else { Lang::En };
    let mut res = render(&PublicStatsPage { s, other })?;
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    Ok(res)
}

/// `/stats.csv`: the same numbers as `/stats`, one row per published number.
pub async fn public_csv(State(state): State<AppState>) -> Result<Response, PageError> {
    let stats = state.public_statistics().await?;
    csv_response(&stats, "platform", "sightline-statistics.csv")
}

#[derive(Template)]
#[template(path = "stats_org.html")]
struct OrgStatsPage {
    ctx: Ctx,
    org_id: String,
    org_name: String,
    s: StatsView,
}

/// `/orgs/{org}/stats`: an organisation's statistics, for its admins.
pub async fn org(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let (org, stats) = org_stats(&state, &v, &org).await?;
    let s = view(&stats, &state.library, v.lang, format!("/orgs/{org}/stats.csv"));
    render(&OrgStatsPage {
        ctx: Ctx::new(&v),
        org_id: org.to_string(),
        org_name: stats.org_name.clone().unwrap_or_default(),
        s,
    })
}

/// `/orgs/{org}/stats.csv`.
pub async fn org_csv(Visit { state, v }: Visit, Path(org): Path<String>) -> Result<Response, PageError> {
    let (_, stats) = org_stats(&state, &v, &org).await?;
    csv_response(&stats, "organisation", "sightline-organisation-statistics.csv")
}

async fn org_stats(state: &AppState, v: &Visitor, org: &str) -> Result<(OrgId, Statistics), PageError> {
    let org: OrgId = org.parse().map_err(|_| PageError::NotFound)?;
    Ok((org, state.org_statistics(&v.caller()?, org).await?))
}

/// The CSV's columns: CTDC's `yearOfRegistration` naming (camelCase, one column per
/// attribute, `0`/`1` flags), one row per published number rather than per person.
pub const CSV_HEADER: [&str; 14] = [
    "scope",
    "table",
    "periodStart",
    "periodEnd",
    "yearOfRegistration",
    "monthOfRegistration",
    "course",
    "role",
    "routeRegion",
    "indicator",
    "isEscalated",
    "referralOutcome",
    "count",
    "isSuppressed",
];

/// Which column a table's rows and columns fill.
#[derive(Clone, Copy)]
enum Dim {
    Month,
    Course,
    Role,
    Route,
    Sign,
    Escalated,
    Outcome,
}

/// The CSV of `s`: every cell and total of every table.
///
/// # Errors
/// Writing the CSV failed.
pub fn csv_bytes(s: &Statistics, scope: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    let period = (
        s.months.first().map(|m| month_label(*m)).unwrap_or_default(),
        s.months.last().map(|m| month_label(*m)).unwrap_or_default(),
    );
    let mut tables = vec![
        ("trainingByMonth", &s.training_by_month, Dim::Month, Dim::Course),
        ("trainingByRole", &s.training_by_role, Dim::Course, Dim::Role),
        ("reportsByMonth", &s.reports_by_month, Dim::Month, Dim::Escalated),
        ("reportsByRoute", &s.reports_by_route, Dim::Route, Dim::Escalated),
        ("reportsBySign", &s.reports_by_sign, Dim::Sign, Dim::Escalated),
    ];
    if let Some(r) = &s.referrals {
        tables.push(("referralsByMonth", r, Dim::Month, Dim::Outcome));
    }
    for (name, p, row_dim, col_dim) in tables {
        let rows = p.rows.iter().map(Some).chain([None]);
        for (i, row) in rows.enumerate() {
            let cols = p.cols.iter().map(Some).chain([None]);
            for (j, col) in cols.enumerate() {
                let value = match (row.is_some(), col.is_some()) {
                    (true, true) => p.cells[i][j],
                    (true, false) => p.row_totals[i],
                    (false, true) => p.col_totals[j],
                    (false, false) => p.total,
                };
                let mut record: Vec<String> = vec![
                    scope.to_owned(),
                    name.to_owned(),
                    period.0.clone(),
                    period.1.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ];
                for (dim, key) in [(row_dim, row), (col_dim, col)] {
                    fill(&mut record, dim, key.map(String::as_str));
                }
                record.push(value.count().map(|n| n.to_string()).unwrap_or_default());
                record.push(if value.is_hidden() { "1" } else { "0" }.to_owned());
                w.write_record(record.iter().map(|c| spreadsheet_cell(c).into_owned()))?;
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Put a row's or column's key in its column; `None` (the totals) is `total`.
fn fill(record: &mut [String], dim: Dim, key: Option<&str>) {
    let key = key.unwrap_or("total");
    match dim {
        Dim::Month => {
            if key == "total" {
                record[4] = key.to_owned();
                record[5] = key.to_owned();
            } else {
                let m: i64 = key.parse().unwrap_or(0);
                record[4] = (m / 100).to_string();
                record[5] = (m % 100).to_string();
            }
        }
        Dim::Course => record[6] = key.to_owned(),
        Dim::Role => record[7] = key.to_owned(),
        Dim::Route => record[8] = key.to_owned(),
        Dim::Sign => record[9] = key.to_owned(),
        Dim::Escalated => {
            record[10] = match key {
                ESCALATED => "1",
                NOT_ESCALATED => "0",
                other => other,
            }
            .to_owned();
        }
        Dim::Outcome => record[11] = key.to_owned(),
    }
}

fn csv_response(s: &Statistics, scope: &str, file: &str) -> Result<Response, PageError> {
    let body = csv_bytes(s, scope).map_err(|e| PageError::Internal(format!("statistics CSV: {e}")))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response())
}
