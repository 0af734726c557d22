//! Training assignments: an organisation requires a course of everyone in a position
//! (optionally only at one base), by a due date for new joiners and again every so
//! many months. The rules here are pure (the day is a parameter): when a person's
//! course falls due, where they stand on a day, which reminder is due on a day, and
//! the fiscal year a carrier reports by.

use time::{Date, Duration, Month, OffsetDateTime};

use crate::learn::Audience;
use crate::user::parse_optional_short;
use crate::{FieldError, FieldErrors};

/// New joiners have this many days to take an assigned course, unless the
/// assignment says otherwise.
pub const DEFAULT_DUE_DAYS: u32 = 30;
/// An assigned course is taken again this often, unless the assignment says otherwise.
pub const DEFAULT_RECUR_MONTHS: u32 = 12;
/// A course is "due soon" this close to its due date.
pub const DUE_SOON_DAYS: i64 = 30;
/// Reminders go out this many days before the due date; 0 is the day it becomes overdue.
pub const DEFAULT_OFFSETS: [u32; 4] = [60, 30, 7, 0];
pub const MAX_DUE_DAYS: u32 = 365;
pub const MAX_RECUR_MONTHS: u32 = 60;
pub const MAX_OFFSET_DAYS: u32 = 365;
/// How many reminder offsets an organisation may set.
pub const MAX_OFFSETS: usize = 8;
/// The longest base name (as in roster files).
pub const MAX_BASE: usize = 40;

/// What an administrator typed to assign a course.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentInput<'a> {
    pub course: &'a str,
    pub position: &'a str,
    pub base: &'a str,
    pub due_days: &'a str,
    pub recur_months: &'a str,
}

/// A parsed assignment: `course` is required of everyone in `position` (at `base`
/// when given), within `due_days` of joining, again every `recur_months`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentTerms {
    pub course: String,
    pub position: Audience,
    pub base: Option<String>,
    pub due_days: u32,
    pub recur_months: u32,
}

fn bounded(input: &str, field: &'static str, default: u32, min: u32, max: u32) -> Result<u32, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(default);
    }
    match s.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "out-of-range")),
    }
}

impl AssignmentTerms {
    /// Parse an assignment. `courses` are the staff courses that exist; `bases` the
    /// bases the organisation's people work at (a base nobody works at is a typo).
    ///
    /// # Errors
    /// Every field at fault: `course`/`unknown-course`, `position`/`unknown-position`
    /// (also for the public audience, which no staff position is), `base`/`unknown-base`,
    /// `due_days` and `recur_months` `out-of-range`.
    pub fn parse(input: &AssignmentInput<'_>, courses: &[&str], bases: &[String]) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let course = input.course.trim();
        let course = e.check(if courses.contains(&course) {
            Ok(course.to_owned())
        } else {
            Err(FieldError::new("course", "unknown-course"))
        });
        let position = e.check(
            input
                .position
                .parse::<Audience>()
                .ok()
                .filter(|p| Audience::STAFF.contains(p))
                .ok_or(FieldError::new("position", "unknown-position")),
        );
        let base = e.check(parse_optional_short(input.base, "base", MAX_BASE).and_then(|b| match b {
            Some(b) => match bases.iter().find(|k| k.eq_ignore_ascii_case(&b)) {
                Some(known) => Ok(Some(known.clone())),
                None => Err(FieldError::new("base", "unknown-base")),
            },
            None => Ok(None),
        }));
        let due_days = e.check(bounded(input.due_days, "due_days", DEFAULT_DUE_DAYS, 0, MAX_DUE_DAYS));
        let recur_months =
            e.check(bounded(input.recur_months, "recur_months", DEFAULT_RECUR_MONTHS, 1, MAX_RECUR_MONTHS));
        e.or_value(|| {
            Some(Self {
                course: course?,
                position: position?,
                base: base?,
                due_days: due_days?,
                recur_months: recur_months?,
            })
        })
    }

    /// Whether the assignment covers a person in `position` at `base`.
    #[must_use]
    pub fn covers(&self, position: Option<Audience>, base: Option<&str>) -> bool {
        position == Some(self.position)
            && self.base.as_deref().is_none_or(|b| base.is_some_and(|pb| pb.eq_ignore_ascii_case(b)))
    }
}

/// `at` plus `months` calendar months (the last day of a shorter month when the day
/// does not exist: 31 January + 1 month = 28 or 29 February).
#[must_use]
pub fn add_months(at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let d = at.date();
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month()) - 1) + i64::from(months);
    let (Ok(year), Ok(m)) = (i32::try_from(total.div_euclid(12)), u8::try_from(total.rem_euclid(12) + 1)) else {
        return at;
    };
    let Ok(month) = Month::try_from(m) else { return at };
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_or(at, |date| at.replace_date(date))
}

/// When a person's assigned course is due: `recur_months` after their last
/// completion, or, never having completed it, `due_days` after they joined.
#[must_use]
pub fn due_at(
    joined: OffsetDateTime,
    last_completed: Option<OffsetDateTime>,
    due_days: u32,
    recur_months: u32,
) -> OffsetDateTime {
    match last_completed {
        Some(done) => add_months(done, recur_months),
        None => joined + Duration::days(i64::from(due_days)),
    }
}

/// An assignment as it applies to one person at `at`: the due date (from their last
/// completion of the course by then — `completions` are (course, when) — or from
/// joining) and whether they ever completed it by then.
#[must_use]
pub fn due_for<'a>(
    t: &AssignmentTerms,
    joined: OffsetDateTime,
    completions: impl IntoIterator<Item = (&'a str, OffsetDateTime)>,
    at: OffsetDateTime,
) -> (OffsetDateTime, bool) {
    let last = completions.into_iter().filter(|(c, when)| *c == t.course && *when <= at).map(|(_, when)| when).max();
    (due_at(joined, last, t.due_days, t.recur_months), last.is_some())
}

/// Where a person stands on an assigned course. The order is the order of concern:
/// a person with several assignments counts under the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standing {
    Current,
    DueSoon,
    NotStarted,
    Overdue,
}

impl Standing {
    pub const ALL: [Self; 4] = [Self::Current, Self::DueSoon, Self::Overdue, Self::NotStarted];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::DueSoon => "due_soon",
            Self::NotStarted => "not_started",
            Self::Overdue => "overdue",
        }
    }

    /// Parse a filter value.
    ///
    /// # Errors
    /// `status`/`unknown-value`.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim()).ok_or(FieldError::new("status", "unknown-value"))
    }
}

/// A person's worst standing over every assignment that covers them, for any moment
/// from when it was made: each course's standing only worsens as time passes
/// (current → due soon → overdue, or not started → overdue), so the worst of them
/// does too, and three facts place any moment. A dashboard keeps one per person and
/// counts 50,000 people from them without reading their certificates
/// ([`StandingSummary::at`] gives the same answer as [`standing`] of [`due_for`]; tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingSummary {
    /// Overdue from here on: the soonest due date of their assigned courses.
    pub overdue_from: OffsetDateTime,
    /// An assigned course they never completed: not started until it is overdue.
    pub not_started: bool,
    /// Due soon from here on ([`DUE_SOON_DAYS`] before the soonest due date of a
    /// course they completed); `None` when they completed none.
    pub soon_from: Option<OffsetDateTime>,
    /// A completion dated after the summary was made was left out (as [`due_for`]
    /// does): the summary holds until then and must be made again from that moment.
    pub recheck_at: Option<OffsetDateTime>,
}

impl StandingSummary {
    /// Where the person stands at `now` (not before the summary was made).
    #[must_use]
    pub fn at(&self, now: OffsetDateTime) -> Standing {
        if now >= self.overdue_from {
            Standing::Overdue
        } else if self.not_started {
            Standing::NotStarted
        } else if self.soon_from.is_some_and(|s| now >= s) {
            Standing::DueSoon
        } else {
            Standing::Current
        }
    }
}

/// The summary of a person (`position`, `base`, joined `joined`, with `completions`
/// as (course, when)) over the assignments `terms`, made at `at`; `None` when no
/// assignment covers them.
#[must_use]
pub fn summarise<'a>(
    terms: impl IntoIterator<Item = &'a AssignmentTerms>,
    person: (Option<Audience>, Option<&str>, OffsetDateTime),
    completions: &[(String, OffsetDateTime)],
    at: OffsetDateTime,
) -> Option<StandingSummary> {
    let (position, base, joined) = person;
    let mut summary: Option<StandingSummary> = None;
    for t in terms.into_iter().filter(|t| t.covers(position, base)) {
        let (due, completed) = due_for(t, joined, completions.iter().map(|(c, w)| (c.as_str(), *w)), at);
        let later = completions.iter().filter(|(c, w)| *c == t.course && *w > at).map(|(_, w)| *w).min();
        let soon = completed.then(|| due - Duration::days(DUE_SOON_DAYS));
        let s = summary.get_or_insert(StandingSummary {
            overdue_from: due,
            not_started: false,
            soon_from: None,
            recheck_at: None,
        });
        s.overdue_from = s.overdue_from.min(due);
        s.not_started |= !completed;
        s.soon_from = match (s.soon_from, soon) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        s.recheck_at = match (s.recheck_at, later) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    summary
}

/// A person's standing at `now`: overdue once the due date has come; before that,
/// not started when they never completed the course, due soon within
/// [`DUE_SOON_DAYS`], else current.
#[must_use]
pub fn standing(due: OffsetDateTime, completed: bool, now: OffsetDateTime) -> Standing {
    if now >= due {
        Standing::Overdue
    } else if !completed {
        Standing::NotStarted
    } else if due - now <= Duration::days(DUE_SOON_DAYS) {
        Standing::DueSoon
    } else {
        Standing::Current
    }
}

/// A standing's place in the order of concern (0 current … 3 overdue), and back.
impl Standing {
    #[must_use]
    pub const fn rank(self) -> i64 {
        match self {
            Self::Current => 0,
            Self::DueSoon => 1,
            Self::NotStarted => 2,
            Self::Overdue => 3,
        }
    }

    #[must_use]
    pub const fn from_rank(rank: i64) -> Option<Self> {
        match rank {
            0 => Some(Self::Current),
            1 => Some(Self::DueSoon),
            2 => Some(Self::NotStarted),
            3 => Some(Self::Overdue),
            _ => None,
        }
    }
}

/// Which reminder is due at `now` for a course due at `due`: the smallest offset
/// (days before the due date; 0 is the day it becomes overdue) whose day has come.
/// Reminders missed while the server was down are not sent late one after another:
/// only the latest one that applies is. `None` before the first offset's day.
/// `offsets` need not be sorted.
#[must_use]
pub fn reminder_due(due: OffsetDateTime, now: OffsetDateTime, offsets: &[u32]) -> Option<u32> {
    let days_left = (due.date() - now.date()).whole_days();
    offsets.iter().copied().filter(|o| i64::from(*o) >= days_left).min()
}

/// An organisation's reminder offsets, as typed (`60, 30, 7, 0`): distinct, each
/// 0–365, at most [`MAX_OFFSETS`], kept largest first.
///
/// # Errors
/// `offsets`/`invalid-offsets`.
pub fn parse_offsets(input: &str) -> Result<Vec<u32>, FieldError> {
    let bad = || FieldError::new("offsets", "invalid-offsets");
    let mut out = Vec::new();
    for part in input.split([',', ';', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
        let n: u32 = part.parse().map_err(|_| bad())?;
        if n > MAX_OFFSET_DAYS || out.contains(&n) {
            return Err(bad());
        }
        out.push(n);
    }
    if out.len() > MAX_OFFSETS {
        return Err(bad());
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    Ok(out)
}

/// Offsets as stored and shown: `60,30,7,0`.
#[must_use]
pub fn offsets_text(offsets: &[u32]) -> String {
    offsets.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// A fiscal year's start month, 1–12.
///
/// # Errors
/// `fiscal_start`/`out-of-range`.
pub fn parse_fiscal_start(input: &str) -> Result<u8, FieldError> {
    input
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or(FieldError::new("fiscal_start", "out-of-range"))
}

/// Fiscal year `year`, starting in month `start_month` (1–12), as `[start, end)` in
/// UTC. A fiscal year is named by the calendar year it ends in (the US federal
/// convention, the desk's notifications export's too): with an October start, fiscal
/// year 2026 runs from 1 October 2025 to 30 September 2026.
#[must_use]
pub fn fiscal_year(year: i32, start_month: u8) -> (OffsetDateTime, OffsetDateTime) {
    let m = start_month.clamp(1, 12);
    let month = Month::try_from(m).unwrap_or(Month::January);
    let first = if m == 1 { year } else { year - 1 };
    let start =
        Date::from_calendar_date(first, month, 1).map_or(OffsetDateTime::UNIX_EPOCH, |d| d.midnight().assume_utc());
    (start, add_months(start, 12))
}

/// The fiscal year `at` falls in (see [`fiscal_year`] for its name).
#[must_use]
pub fn fiscal_year_of(at: OffsetDateTime, start_month: u8) -> i32 {
    if start_month > 1 && u8::from(at.month()) >= start_month { at.year() + 1 } else { at.year() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranks_follow_the_order_of_concern() {
        for s in Standing::ALL {
            assert_eq!(Standing::from_rank(s.rank()), Some(s));
        }
        let mut by_rank = Standing::ALL;
        by_rank.sort();
        assert!(by_rank.windows(2).all(|w| w[0].rank() < w[1].rank()), "rank follows the order of concern");
    }

    #[test]
    fn a_summary_stands_where_the_worst_of_the_courses_does_at_every_later_moment() {
        use time::macros::datetime;
        let made = datetime!(2026-03-31 12:00 UTC);
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let terms = |course: &str, base: Option<&str>, due_days: u32, recur_months: u32| AssignmentTerms {
            course: course.into(),
            position: Audience::CabinCrew,
            base: base.map(Into::into),
            due_days,
            recur_months,
        };
        let all = [
            terms("a", None, 30, 12),
            terms("b", Some("HEL"), 10, 6),
            terms("a", Some("hel"), 60, 24),
            terms("c", Some("OUL"), 30, 1),
        ];
        let day = 86_400_i64;
        let mut checked = 0;
        for _ in 0..3000 {
            let base = ["HEL", "OUL", "JFK"][usize::try_from(next(3)).unwrap()];
            let joined = made - Duration::seconds(i64::try_from(next(3 * 365)).unwrap() * day);
            let completions: Vec<(String, OffsetDateTime)> = (0..next(4))
                .map(|_| {
                    let course = ["a", "b", "c"][usize::try_from(next(3)).unwrap()];
                    let back = i64::try_from(next(4 * 365 * 86_400)).unwrap() - 60 * 86_400;
                    (course.to_owned(), made - Duration::seconds(back))
                })
                .collect();
            let person = (Some(Audience::CabinCrew), Some(base), joined);
            let s = summarise(&all, person, &completions, made);
            assert_eq!(s.is_some(), all.iter().any(|t| t.covers(person.0, person.1)));
            let Some(s) = s else { continue };
            if !s.not_started {
                // Every course completed: due soon a fixed time before overdue (the
                // dashboard's database query counts on it).
                assert_eq!(s.soon_from, Some(s.overdue_from - Duration::days(DUE_SOON_DAYS)));
            }
            for ahead in [0, 1, 29, 30, 31, 200, 400, 900] {
                let now = made + Duration::days(ahead);
                if s.recheck_at.is_some_and(|r| now >= r) {
                    continue;
                }
                let want = all
                    .iter()
                    .filter(|t| t.covers(person.0, person.1))
                    .map(|t| {
                        let (due, done) = due_for(t, joined, completions.iter().map(|(c, w)| (c.as_str(), *w)), now);
                        standing(due, done, now)
                    })
                    .max()
                    .unwrap();
                assert_eq!(s.at(now), want, "{completions:?} joined {joined} at {now}");
                checked += 1;
            }
            // Exactly at the limits, too.
            for edge in [Some(s.overdue_from), s.soon_from].into_iter().flatten() {
                for d in [-1i64, 0, 1] {
                    let now = edge + Duration::microseconds(d);
                    if now < made || s.recheck_at.is_some_and(|r| now >= r) {
                        continue;
                    }
                    let want = all
                        .iter()
                        .filter(|t| t.covers(person.0, person.1))
                        .map(|t| {
                            let (due, done) =
                                due_for(t, joined, completions.iter().map(|(c, w)| (c.as_str(), *w)), now);
                            standing(due, done, now)
                        })
                        .max()
                        .unwrap();
                    assert_eq!(s.at(now), want, "at the limit {now}");
                }
            }
        }
        assert!(checked > 5000, "{checked} moments checked");
    }

    use super::*;
    use time::macros::datetime;

    fn input<'a>(course: &'a str, position: &'a str, base: &'a str) -> AssignmentInput<'a> {
        AssignmentInput { course, position, base, due_days: "", recur_months: "" }
    }

    #[test]
    fn parses_an_assignment_with_defaults_and_names_every_bad_field() {
        let bases = vec!["HEL".to_owned(), "OUL".to_owned()];
        let t = AssignmentTerms::parse(&input("cabin-crew", "Cabin crew", "hel"), &["cabin-crew"], &bases).unwrap();
        assert_eq!(t.position, Audience::CabinCrew);
        assert_eq!(t.base.as_deref(), Some("HEL"), "the base as the people list spells it");
        assert_eq!((t.due_days, t.recur_months), (30, 12));
        let bad = AssignmentInput { due_days: "-1", recur_months: "0", ..input("nope", "pilot", "TLL") };
        let errors = AssignmentTerms::parse(&bad, &["cabin-crew"], &bases).unwrap_err();
        let got: Vec<_> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                ("course", "unknown-course"),
                ("position", "unknown-position"),
                ("base", "unknown-base"),
                ("due_days", "out-of-range"),
                ("recur_months", "out-of-range"),
            ]
        );
        let public = AssignmentTerms::parse(&input("cabin-crew", "public", ""), &["cabin-crew"], &bases);
        assert!(public.is_err(), "the public audience is nobody's position");
    }

    #[test]
    fn an_assignment_covers_its_position_and_base() {
        let t = AssignmentTerms {
            course: "c".into(),
            position: Audience::CabinCrew,
            base: Some("HEL".into()),
            due_days: 30,
            recur_months: 12,
        };
        assert!(t.covers(Some(Audience::CabinCrew), Some("hel")));
        assert!(!t.covers(Some(Audience::CabinCrew), Some("OUL")));
        assert!(!t.covers(Some(Audience::CabinCrew), None));
        assert!(!t.covers(Some(Audience::Ground), Some("HEL")));
        let anywhere = AssignmentTerms { base: None, ..t };
        assert!(anywhere.covers(Some(Audience::CabinCrew), None));
    }

    #[test]
    fn due_dates_come_from_joining_or_the_last_completion() {
        let joined = datetime!(2026-01-10 09:00 UTC);
        assert_eq!(due_at(joined, None, 30, 12), datetime!(2026-02-09 09:00 UTC));
        let done = datetime!(2026-03-31 12:00 UTC);
        assert_eq!(due_at(joined, Some(done), 30, 12), datetime!(2027-03-31 12:00 UTC));
        assert_eq!(due_at(joined, Some(done), 30, 11), datetime!(2027-02-28 12:00 UTC), "end of a short month");
        assert_eq!(add_months(datetime!(2024-01-31 00:00 UTC), 1), datetime!(2024-02-29 00:00 UTC));
    }

    #[test]
    fn an_assignment_applies_from_the_last_completion_before_the_day() {
        let t = AssignmentTerms {
            course: "c".into(),
            position: Audience::CabinCrew,
            base: None,
            due_days: 30,
            recur_months: 12,
        };
        let joined = datetime!(2025-01-01 00:00 UTC);
        let done = [
            ("other", datetime!(2025-06-01 00:00 UTC)),
            ("c", datetime!(2025-03-01 00:00 UTC)),
            ("c", datetime!(2026-02-01 00:00 UTC)),
        ];
        assert_eq!(due_for(&t, joined, done, datetime!(2025-12-31 00:00 UTC)), (datetime!(2026-03-01 00:00 UTC), true));
        assert_eq!(due_for(&t, joined, done, datetime!(2026-12-31 00:00 UTC)), (datetime!(2027-02-01 00:00 UTC), true));
        assert_eq!(
            due_for(&t, joined, done, datetime!(2025-02-01 00:00 UTC)),
            (datetime!(2025-01-31 00:00 UTC), false)
        );
    }

    #[test]
    fn standing_on_a_day() {
        let due = datetime!(2026-06-30 00:00 UTC);
        assert_eq!(standing(due, true, datetime!(2026-01-01 00:00 UTC)), Standing::Current);
        assert_eq!(standing(due, true, datetime!(2026-06-01 00:00 UTC)), Standing::DueSoon);
        assert_eq!(standing(due, true, datetime!(2026-06-30 00:00 UTC)), Standing::Overdue);
        assert_eq!(standing(due, false, datetime!(2026-06-29 00:00 UTC)), Standing::NotStarted);
        assert_eq!(standing(due, false, datetime!(2026-07-01 00:00 UTC)), Standing::Overdue);
        assert!(Standing::Overdue > Standing::NotStarted && Standing::NotStarted > Standing::DueSoon);
        assert_eq!(Standing::parse("due_soon"), Ok(Standing::DueSoon));
        assert!(Standing::parse("late").is_err());
    }

    #[test]
    fn the_latest_reminder_whose_day_has_come() {
        let due = datetime!(2026-06-30 08:00 UTC);
        let o = DEFAULT_OFFSETS;
        assert_eq!(reminder_due(due, datetime!(2026-04-30 23:00 UTC), &o), None, "61 days before");
        assert_eq!(reminder_due(due, datetime!(2026-05-01 00:00 UTC), &o), Some(60));
        assert_eq!(reminder_due(due, datetime!(2026-05-31 00:00 UTC), &o), Some(30));
        assert_eq!(reminder_due(due, datetime!(2026-06-22 00:00 UTC), &o), Some(30));
        assert_eq!(reminder_due(due, datetime!(2026-06-23 00:00 UTC), &o), Some(7));
        assert_eq!(reminder_due(due, datetime!(2026-06-30 00:00 UTC), &o), Some(0), "the day it is overdue");
        assert_eq!(reminder_due(due, datetime!(2026-09-30 00:00 UTC), &o), Some(0));
        assert_eq!(reminder_due(due, datetime!(2026-06-01 00:00 UTC), &[]), None);
        assert_eq!(reminder_due(due, datetime!(2026-06-01 00:00 UTC), &[14]), None);
    }

    #[test]
    fn offsets_are_parsed_distinct_and_bounded() {
        assert_eq!(parse_offsets("7, 60;30 0"), Ok(vec![60, 30, 7, 0]));
        assert_eq!(offsets_text(&[60, 30, 7, 0]), "60,30,7,0");
        assert_eq!(parse_offsets(""), Ok(vec![]));
        for bad in ["7,7", "x", "400", "-1", "1,2,3,4,5,6,7,8,9"] {
            assert_eq!(parse_offsets(bad), Err(FieldError::new("offsets", "invalid-offsets")), "{bad}");
        }
    }

    #[test]
    fn fiscal_years_start_in_the_organisations_month() {
        assert_eq!(fiscal_year(2026, 1), (datetime!(2026-01-01 00:00 UTC), datetime!(2027-01-01 00:00 UTC)));
        assert_eq!(fiscal_year(2026, 10), (datetime!(2025-10-01 00:00 UTC), datetime!(2026-10-01 00:00 UTC)));
        assert_eq!(fiscal_year_of(datetime!(2026-09-30 00:00 UTC), 10), 2026);
        assert_eq!(fiscal_year_of(datetime!(2026-10-01 00:00 UTC), 10), 2027);
        assert_eq!(fiscal_year_of(datetime!(2026-12-31 00:00 UTC), 1), 2026);
        assert_eq!(parse_fiscal_start("13"), Err(FieldError::new("fiscal_start", "out-of-range")));
        assert_eq!(parse_fiscal_start("4"), Ok(4));
    }
}
