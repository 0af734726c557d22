//! Training assignments and compliance: an organisation's admin assigns courses by
//! position (and base), sets the reminder offsets and the fiscal year; each person
//! sees what is due and when; the compliance dashboard counts where people stand by
//! position and by base; the fiscal-year figures of staff trained and current go out
//! as CSV and PDF. The rules are the domain's (`sightline_domain::assign`); the people
//! are read page by page, never "the first N".

use std::collections::BTreeMap;

use sightline_domain::assign::{
    AssignmentInput, AssignmentTerms, Standing, due_for, fiscal_year, fiscal_year_of, parse_fiscal_start,
    parse_offsets, standing,
};
use sightline_domain::export::spreadsheet_cell;
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::{Audience, Course};
use sightline_domain::{FieldError, FieldErrors};
use sightline_storage::{Assignment, Db, TallyFilter, TrainedPerson, TrainingSettings};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, Caller, Result};

/// How many people one page read holds.
pub const PEOPLE_PAGE: i64 = 1_000;
/// How long a dashboard waits for a refresh of its rows made elsewhere.
const STANDING_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// The most people a drill-down lists (the count says how many matched).
pub const MAX_DRILL_ROWS: usize = 500;

/// The assignments page: the organisation's assignments, the staff courses and bases
/// to choose from, and its settings.
pub struct Assignments<'a> {
    pub org_name: String,
    pub assignments: Vec<Assignment>,
    pub courses: Vec<&'a Course>,
    pub bases: Vec<String>,
    pub settings: TrainingSettings,
}

/// Counts of people by where they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub current: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub not_started: usize,
}

impl Tally {
    pub fn add(&mut self, s: Standing) {
        self.add_many(s, 1);
    }

    pub fn add_many(&mut self, s: Standing, n: usize) {
        match s {
            Standing::Current => self.current += n,
            Standing::DueSoon => self.due_soon += n,
            Standing::Overdue => self.overdue += n,
            Standing::NotStarted => self.not_started += n,
        }
    }
    #[must_use]
    pub const fn get(&self, s: Standing) -> usize {
        match s {
            Standing::Current => self.current,
            Standing::DueSoon => self.due_soon,
            Standing::Overdue => self.overdue,
            Standing::NotStarted => self.not_started,
        }
    }
    #[must_use]
    pub const fn total(&self) -> usize {
        self.current + self.due_soon + self.overdue + self.not_started
    }
}

/// One assigned course as it stands for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub course_id: String,
    pub due_at: OffsetDateTime,
    pub standing: Standing,
}

/// A person covered by at least one assignment, counted under their worst standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonStanding {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub position: Option<Audience>,
    pub base: Option<String>,
    pub standing: Standing,
    /// Their assigned courses, soonest due first.
    pub items: Vec<DueItem>,
}

/// What the dashboard shows only: position, base and standing, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplianceFilter {
    pub position: Option<Audience>,
    pub base: Option<String>,
    pub status: Option<Standing>,
}

impl ComplianceFilter {
    /// Parse the dashboard's GET parameters (empty means any).
    ///
    /// # Errors
    /// Every field at fault: `position`/`unknown-position`, `status`/`unknown-value`.
    pub fn parse(position: &str, base: &str, status: &str) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let position = match position.trim() {
            "" => Some(None),
            p => e.check(p.parse::<Audience>().map(Some)),
        };
        let status = match status.trim() {
            "" => Some(None),
            s => e.check(Standing::parse(s).map(Some)),
        };
        let base = Some(base.trim()).filter(|b| !b.is_empty()).map(str::to_owned);
        e.or_value(|| Some(Self { position: position?, base, status: status? }))
    }

    fn keeps(&self, position: Audience, base: Option<&str>, standing: Standing) -> bool {
        self.position.is_none_or(|want| position == want)
            && self.base.as_deref().is_none_or(|want| base.is_some_and(|b| b.eq_ignore_ascii_case(want)))
            && self.status.is_none_or(|want| standing == want)
    }
}

/// The compliance dashboard.
pub struct Compliance {
    pub org_name: String,
    pub total: Tally,
    pub by_position: Vec<(Audience, Tally)>,
    /// By base; people with no base under "".
    pub by_base: Vec<(String, Tally)>,
    /// The people the filter keeps, worst first, at most [`MAX_DRILL_ROWS`].
    pub people: Vec<PersonStanding>,
    /// How many the filter kept.
    pub matched: usize,
    pub bases: Vec<String>,
    pub fiscal_year: i32,
}

/// One position's figures for a fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearFigures {
    /// People covered by an assignment who had joined by the year's end (or today).
    pub assigned: usize,
    /// Of them, those who completed an assigned course during the year.
    pub trained: usize,
    /// Of them, those current on every assigned course at the year's end (or today).
    pub current: usize,
}

/// The figures a carrier reports for a fiscal year.
pub struct YearReport {
    pub org_name: String,
    pub year: i32,
    pub start: OffsetDateTime,
    /// The year's end, exclusive.
    pub end: OffsetDateTime,
    /// The moment "current" is counted at: the year's end, or now for the running year.
    pub as_of: OffsetDateTime,
    pub rows: Vec<(Audience, YearFigures)>,
    pub total: YearFigures,
}

impl YearReport {
    /// The report as CSV (every cell through `spreadsheet_cell`). `header` names the
    /// columns, `label` names a position, `total` names the total row.
    #[must_use]
    pub fn csv(&self, header: [&str; 6], label: impl Fn(Audience) -> String, total: &str) -> String {
        let mut out = header.iter().map(|h| spreadsheet_cell(h)).collect::<Vec<_>>().join(",");
        out.push_str("\r\n");
        let period = format!("{}..{}", self.start.date(), (self.end - time::Duration::days(1)).date());
        let mut line = |name: &str, f: &YearFigures| {
            let cells = [
                self.year.to_string(),
                period.clone(),
                name.to_owned(),
                f.assigned.to_string(),
                f.trained.to_string(),
                f.current.to_string(),
            ];
            out.push_str(&cells.iter().map(|c| spreadsheet_cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        };
        for (p, f) in &self.rows {
            line(&label(*p), f);
        }
        line(total, &self.total);
        out
    }
}

/// A person's assigned courses as they stand at `at` (none when no assignment
/// covers them), soonest due first.
fn items_of(
    person: (Option<Audience>, Option<&str>, OffsetDateTime),
    completions: &[(String, OffsetDateTime)],
    assignments: &[Assignment],
    at: OffsetDateTime,
) -> Vec<DueItem> {
    let (position, base, joined) = person;
    let mut items: Vec<DueItem> = assignments
        .iter()
        .filter(|a| a.terms.covers(position, base))
        .map(|a| {
            let (due_at, done) = due_for(&a.terms, joined, completions.iter().map(|(c, t)| (c.as_str(), *t)), at);
            DueItem { course_id: a.terms.course.clone(), due_at, standing: standing(due_at, done, at) }
        })
        .collect();
    items.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.course_id.cmp(&b.course_id)));
    items.dedup_by(|a, b| a.course_id == b.course_id);
    items
}

fn person_standing(p: TrainedPerson, assignments: &[Assignment], at: OffsetDateTime) -> Option<PersonStanding> {
    let items = items_of((p.position, p.base.as_deref(), p.joined), &p.completions, assignments, at);
    let worst = items.iter().map(|i| i.standing).max()?;
    Some(PersonStanding {
        id: p.id,
        name: p.name,
        email: p.email,
        position: p.position,
        base: p.base,
        standing: worst,
        items,
    })
}

impl App {
    /// Bring the organisation's standing rows up to date, waiting (up to a few
    /// seconds) for a refresh another request or node is making.
    async fn refresh_standings(&self, org: OrgId, now: OffsetDateTime) -> Result<()> {
        let started = std::time::Instant::now();
        while self.db.refresh_standings(org, now).await?.busy && started.elapsed() < STANDING_WAIT {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Ok(())
    }

    fn staff_courses(&self) -> Vec<&Course> {
        self.library.courses.iter().filter(|c| c.audience != Audience::Public).collect()
    }

    /// Parse an assignment against the staff courses and the organisation's bases.
    async fn assignment_terms(&self, org: OrgId, input: &AssignmentInput<'_>) -> Result<AssignmentTerms> {
        let courses: Vec<&str> = self.staff_courses().iter().map(|c| c.id.as_str()).collect();
        let bases = self.db.org_bases(org).await?;
        Ok(AssignmentTerms::parse(input, &courses, &bases)?)
    }

    /// The assignments page (the organisation's admins).
    ///
    /// # Errors
    /// Not an admin of `org`; the database failed.
    pub async fn assignments(&self, caller: &Caller, org: OrgId) -> Result<Assignments<'_>> {
        self.administer(caller, org).await?;
        Ok(Assignments {
            org_name: self.db.get_org(org).await?.name,
            assignments: self.db.assignments(org).await?,
            courses: self.staff_courses(),
            bases: self.db.org_bases(org).await?,
            settings: self.db.training_settings(org).await?,
        })
    }

    /// Assign a course to a position (and base), audited.
    ///
    /// # Errors
    /// Not an admin of `org`; every field at fault ([`AppError::Invalid`]: an unknown
    /// course, position or base, days or months out of range); too many assignments.
    pub async fn create_assignment(&self, caller: &Caller, org: OrgId, input: &AssignmentInput<'_>) -> Result<Uuid> {
        self.administer(caller, org).await?;
        let terms = self.assignment_terms(org, input).await?;
        Ok(self.db.create_assignment(org, caller.id(), &terms, self.now()).await?)
    }

    /// Change an assignment (the version the admin saw), audited.
    ///
    /// # Errors
    /// As [`App::create_assignment`]; [`AppError::Conflict`] on `version` when it was
    /// changed meanwhile or is not this organisation's.
    pub async fn update_assignment(
        &self,
        caller: &Caller,
        org: OrgId,
        id: Uuid,
        version: i64,
        input: &AssignmentInput<'_>,
    ) -> Result<()> {
        self.administer(caller, org).await?;
        let terms = self.assignment_terms(org, input).await?;
        Ok(self.db.update_assignment(org, id, version, caller.id(), &terms, self.now()).await?)
    }

    /// Remove an assignment, audited.
    ///
    /// # Errors
    /// Not an admin of `org`; no such assignment in `org`.
    pub async fn delete_assignment(&self, caller: &Caller, org: OrgId, id: Uuid) -> Result<()> {
        self.administer(caller, org).await?;
        Ok(self.db.delete_assignment(org, id, caller.id(), self.now()).await?)
    }

    /// Set the reminder offsets (`60,30,7,0`) and the fiscal year's first month, audited.
    ///
    /// # Errors
    /// Not an admin of `org`; every field at fault.
    pub async fn set_training_settings(&self, caller: &Caller, org: OrgId, offsets: &str, fiscal: &str) -> Result<()> {
        self.administer(caller, org).await?;
        let mut e = FieldErrors::new();
        let offsets = e.check(parse_offsets(offsets));
        let fiscal_start_month = e.check(parse_fiscal_start(fiscal));
        let s = e.or_value(|| Some(TrainingSettings { offsets: offsets?, fiscal_start_month: fiscal_start_month? }))?;
        Ok(self.db.set_training_settings(org, caller.id(), &s, self.now()).await?)
    }

    /// What the caller must take and by when (their organisation's assignments that
    /// cover their position and base), soonest due first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn my_assignments(&self, caller: &Caller) -> Result<Vec<DueItem>> {
        if caller.position.is_none() {
            return Ok(Vec::new());
        }
        let assignments = self.db.assignments(caller.org()).await?;
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let completions = self.db.completions_of(caller.org(), caller.id()).await?;
        let me = (caller.position, caller.base.as_deref(), caller.created_at);
        Ok(items_of(me, &completions, &assignments, self.now()))
    }

    /// The compliance dashboard: counts by position and by base of the people the
    /// filter keeps, and those people (worst first).
    ///
    /// # Errors
    /// Not an admin of `org`; the database failed.
    pub async fn compliance(&self, caller: &Caller, org: OrgId, filter: &ComplianceFilter) -> Result<Compliance> {
        self.administer(caller, org).await?;
        let org_name = self.db.get_org(org).await?.name;
        let assignments = self.db.assignments(org).await?;
        let settings = self.db.training_settings(org).await?;
        let now = self.now();
        // Counted in the database from each person's standing row (brought up to date
        // first: the people changed since the last count, or everyone after an
        // assignment changed), so 50,000 people are never read into memory; the
        // drill-down's people are then read and placed exactly here.
        self.refresh_standings(org, now).await?;
        let want = TallyFilter {
            position: filter.position,
            base: filter.base.as_deref(),
            rank: filter.status.map(Standing::rank),
        };
        let counted =
            self.db.standing_tally(org, now, &want, i64::try_from(MAX_DRILL_ROWS).unwrap_or(i64::MAX)).await?;
        let mut bases: Vec<String> = counted.groups.iter().filter_map(|g| g.base.clone()).collect();
        bases.sort_unstable();
        bases.dedup();
        let mut total = Tally::default();
        let mut by_position: BTreeMap<Audience, Tally> = BTreeMap::new();
        let mut by_base: BTreeMap<String, Tally> = BTreeMap::new();
        let mut matched = 0;
        for g in &counted.groups {
            let Some(standing) = Standing::from_rank(g.rank) else { continue };
            if !filter.keeps(g.position, g.base.as_deref(), standing) {
                continue;
            }
            let n = usize::try_from(g.people).unwrap_or(0);
            matched += n;
            total.add_many(standing, n);
            by_position.entry(g.position).or_default().add_many(standing, n);
            by_base.entry(g.base.clone().unwrap_or_default()).or_default().add_many(standing, n);
        }
        let mut kept: Vec<PersonStanding> = self
            .db
            .trained_people_by_ids(org, &counted.drill)
            .await?
            .into_iter()
            .filter_map(|p| person_standing(p, &assignments, now))
            .collect();
        kept.sort_by(|a, b| {
            b.standing
                .cmp(&a.standing)
                .then_with(|| a.items.first().map(|i| i.due_at).cmp(&b.items.first().map(|i| i.due_at)))
        });
        kept.truncate(MAX_DRILL_ROWS);
        Ok(Compliance {
            org_name,
            total,
            by_position: by_position.into_iter().collect(),
            by_base: by_base.into_iter().collect(),
            people: kept,
            matched,
            bases,
            fiscal_year: fiscal_year_of(now, settings.fiscal_start_month),
        })
    }

    /// The fiscal year's figures by position: people assigned, trained during the
    /// year, current at its end (or now, for the running year). A past year whose
    /// figures were frozen (before the retention purge removed a certificate they
    /// count) gives the frozen figures.
    ///
    /// # Errors
    /// Not an admin of `org`; a year out of range (`year`/`out-of-range`); the
    /// database failed.
    pub async fn compliance_year(&self, caller: &Caller, org: OrgId, year: Option<i32>) -> Result<YearReport> {
        self.administer(caller, org).await?;
        year_report(&self.db, org, year, self.now()).await
    }
}

/// A fiscal year's figures (see [`App::compliance_year`]): the frozen ones of a past
/// year when there are, else counted now.
///
/// # Errors
/// A year out of range (`year`/`out-of-range`); the database failed; frozen figures
/// that do not read.
pub async fn year_report(db: &Db, org: OrgId, year: Option<i32>, now: OffsetDateTime) -> Result<YearReport> {
    let org_name = db.get_org(org).await?.name;
    let settings = db.training_settings(org).await?;
    let year = year.unwrap_or_else(|| fiscal_year_of(now, settings.fiscal_start_month));
    if !(2000..=now.year() + 1).contains(&year) {
        return Err(AppError::Invalid(vec![FieldError::new("year", "out-of-range")]));
    }
    let (start, end) = fiscal_year(year, settings.fiscal_start_month);
    if end <= now
        && let Some(frozen) = db.frozen_compliance_year(org, year).await?
    {
        let (as_of, rows) = thaw(&frozen)?;
        return Ok(YearReport::of(org_name, year, (start, end, as_of), rows));
    }
    let rows = count_year(db, org, (start, end), now).await?;
    let as_of = if end > now { now } else { end - time::Duration::microseconds(1) };
    Ok(YearReport::of(org_name, year, (start, end, as_of), rows))
}

/// Freeze `org`'s figures of every fiscal year that ended by `now`, from the one
/// holding `from` on (from 2000), unless frozen before: the retention purge calls it
/// before it removes certificates issued from `from` on, so a past year's export
/// gives the same figures after the purge as before.
///
/// # Errors
/// The database failed.
pub async fn freeze_years(db: &Db, org: OrgId, from: OffsetDateTime, now: OffsetDateTime) -> Result<()> {
    let settings = db.training_settings(org).await?;
    let first = fiscal_year_of(from, settings.fiscal_start_month).max(2000);
    let last = fiscal_year_of(now, settings.fiscal_start_month) - 1;
    for year in first..=last {
        if db.frozen_compliance_year(org, year).await?.is_some() {
            continue;
        }
        let (start, end) = fiscal_year(year, settings.fiscal_start_month);
        let rows = count_year(db, org, (start, end), now).await?;
        let as_of = end - time::Duration::microseconds(1);
        db.freeze_compliance_year(org, year, &freeze(as_of, &rows), now).await?;
    }
    Ok(())
}

/// The retention purge's [`sightline_jobs::retention::Freeze`]: [`freeze_years`] on
/// this database.
pub struct ComplianceFreezer(pub Db);

impl sightline_jobs::retention::Freeze for ComplianceFreezer {
    fn freeze<'a>(
        &'a self,
        org: OrgId,
        from: OffsetDateTime,
        now: OffsetDateTime,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::result::Result<(), String>> + Send + 'a>> {
        Box::pin(async move { freeze_years(&self.0, org, from, now).await.map_err(|e| e.to_string()) })
    }
}

/// Frozen figures as stored: `{"as_of": µs, "rows": [[position, assigned, trained, current], …]}`.
fn freeze(as_of: OffsetDateTime, rows: &[(Audience, YearFigures)]) -> String {
    let rows: Vec<(&str, usize, usize, usize)> =
        rows.iter().map(|(p, f)| (p.as_str(), f.assigned, f.trained, f.current)).collect();
    serde_json::json!({ "as_of": sightline_storage::to_micros(as_of), "rows": rows }).to_string()
}

/// Frozen figures back.
fn thaw(text: &str) -> Result<(OffsetDateTime, Vec<(Audience, YearFigures)>)> {
    #[derive(serde::Deserialize)]
    struct Frozen {
        as_of: i64,
        rows: Vec<(String, usize, usize, usize)>,
    }
    let bad = |e: String| AppError::Internal(format!("frozen compliance figures: {e}"));
    let f: Frozen = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let rows = f
        .rows
        .into_iter()
        .map(|(p, assigned, trained, current)| {
            let p: Audience = p.parse().map_err(|_| bad(p.clone()))?;
            Ok((p, YearFigures { assigned, trained, current }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((sightline_storage::from_micros(f.as_of), rows))
}

/// Count a fiscal year (`start`..`end`) from the people and certificates as they are
/// now: people assigned, trained during the year, current at its end (or `now`).
async fn count_year(
    db: &Db,
    org: OrgId,
    (start, end): (OffsetDateTime, OffsetDateTime),
    now: OffsetDateTime,
) -> Result<Vec<(Audience, YearFigures)>> {
    let as_of = if end > now { now } else { end - time::Duration::microseconds(1) };
    let assignments = db.assignments(org).await?;
    let mut rows: BTreeMap<Audience, YearFigures> = BTreeMap::new();
    let mut after = None;
    loop {
        let page = db.trained_people(org, after, PEOPLE_PAGE).await?;
        let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= PEOPLE_PAGE;
        after = page.last().map(|p| p.id);
        for p in page.iter().filter(|p| p.joined <= as_of) {
            let items = items_of((p.position, p.base.as_deref(), p.joined), &p.completions, &assignments, as_of);
            let (Some(position), false) = (p.position, items.is_empty()) else { continue };
            let f = rows.entry(position).or_default();
            f.assigned += 1;
            let assigned: Vec<&str> = items.iter().map(|i| i.course_id.as_str()).collect();
            if p.completions.iter().any(|(c, t)| assigned.contains(&c.as_str()) && *t >= start && *t < end) {
                f.trained += 1;
            }
            if items.iter().all(|i| matches!(i.standing, Standing::Current | Standing::DueSoon)) {
                f.current += 1;
            }
        }
        if !full {
            break;
        }
    }
    Ok(rows.into_iter().collect())
}

impl YearReport {
    /// The report of these rows, with their total.
    fn of(
        org_name: String,
        year: i32,
        (start, end, as_of): (OffsetDateTime, OffsetDateTime, OffsetDateTime),
        rows: Vec<(Audience, YearFigures)>,
    ) -> Self {
        let mut total = YearFigures::default();
        for (_, f) in &rows {
            total.assigned += f.assigned;
            total.trained += f.trained;
            total.current += f.current;
        }
        Self { org_name, year, start, end, as_of, rows, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn assignment(course: &str, position: Audience, base: Option<&str>) -> Assignment {
        Assignment {
            id: Uuid::nil(),
            org_id: OrgId::from_uuid(Uuid::nil()),
            terms: AssignmentTerms {
                course: course.into(),
                position,
                base: base.map(Into::into),
                due_days: 30,
                recur_months: 12,
            },
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn a_person_counts_under_their_worst_standing() {
        let now = datetime!(2026-06-01 00:00 UTC);
        let a = [
            assignment("cabin-crew", Audience::CabinCrew, None),
            assignment("extra", Audience::CabinCrew, Some("HEL")),
        ];
        let done = vec![("cabin-crew".to_owned(), datetime!(2026-01-01 00:00 UTC))];
        let items = items_of((Some(Audience::CabinCrew), Some("HEL"), datetime!(2025-01-01 00:00 UTC)), &done, &a, now);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].course_id, "extra", "soonest due first");
        assert_eq!(items[0].standing, Standing::Overdue);
        assert_eq!(items[1].standing, Standing::Current);
        let at_oul =
            items_of((Some(Audience::CabinCrew), Some("OUL"), datetime!(2025-01-01 00:00 UTC)), &done, &a, now);
        assert_eq!(at_oul.len(), 1);
        assert!(items_of((Some(Audience::Ground), None, now), &done, &a, now).is_empty());
    }

    #[test]
    fn filters_parse_and_keep() {
        let f = ComplianceFilter::parse("cabin crew", " HEL ", "overdue").unwrap();
        assert_eq!(
            (f.position, f.base.as_deref(), f.status),
            (Some(Audience::CabinCrew), Some("HEL"), Some(Standing::Overdue))
        );
        let e = ComplianceFilter::parse("pilot", "", "late").unwrap_err();
        assert_eq!(e.0.iter().map(|e| e.field).collect::<Vec<_>>(), ["position", "status"]);
        assert_eq!(ComplianceFilter::parse("", "", ""), Ok(ComplianceFilter::default()));
    }
}
