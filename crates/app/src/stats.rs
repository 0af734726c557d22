//! Statistics that identify no one: the platform's (public, `/stats`) and an
//! organisation's (its admins). Counts come from storage's summary tables for the
//! last [`WINDOW_MONTHS`] months; each table is published through the domain's
//! small-cell suppression ([`stats::suppress`]): every count below k = 11 hidden, and
//! enough others that no hidden one can be worked out from the totals. The page, its
//! charts and the CSV all show exactly these published tables, so no two
//! publications of one count differ.

use sightline_domain::ids::OrgId;
use sightline_domain::stats::{self, Counts, K, Margin, Published};
pub use sightline_storage::REFERRAL_OUTCOMES;
use sightline_storage::{StatsRows, StatsScope};

use crate::{App, Caller, Result};

/// How many months (ending with the current one, UTC) the statistics cover.
pub const WINDOW_MONTHS: usize = 12;

/// The two columns of the signs table.
pub const ESCALATED: &str = "escalated";
pub const NOT_ESCALATED: &str = "not_escalated";

/// The published statistics of one scope. Row and column keys are codes (months as
/// `yyyymm`, course ids, roles, route keys, sign codes); the pages name them.
#[derive(Debug, Clone)]
pub struct Statistics {
    /// The organisation's name; `None` for the platform.
    pub org_name: Option<String>,
    /// The months covered, oldest first (`yyyymm`).
    pub months: Vec<i64>,
    /// People trained (certificates issued and not revoked): month × course.
    pub training_by_month: Published,
    /// People trained: course × role (the holder's position when certified).
    pub training_by_role: Published,
    /// Reports received by month: month × escalated / not escalated.
    pub reports_by_month: Published,
    /// Reports by route region: route × escalated / not escalated, over the window
    /// (its column totals and grand total are `reports_by_month`'s: published alike).
    pub reports_by_route: Published,
    /// Reports by sign: sign × escalated / not escalated, over the window (a report
    /// with three signs counts under each).
    pub reports_by_sign: Published,
    /// Referrals and outcomes: month made × outcome ([`REFERRAL_OUTCOMES`]: accepted,
    /// support recorded, declined, waiting — each referral in one). Always published
    /// by [`tables`]; an `Option` so a scope could leave it out.
    pub referrals: Option<Published>,
    /// The k every table was published with.
    pub k: u64,
}

impl App {
    /// The platform's statistics, for anyone (no caller: aggregate counts only).
    ///
    /// # Errors
    /// The database failed.
    pub async fn public_statistics(&self) -> Result<Statistics> {
        self.statistics_of(StatsScope::Platform, None).await
    }

    /// An organisation's statistics, for its administrators (or a platform admin).
    ///
    /// # Errors
    /// Not an admin of `org` ([`crate::AppError::Forbidden`], or not found and audited
    /// for another organisation); the database failed.
    pub async fn org_statistics(&self, caller: &Caller, org: OrgId) -> Result<Statistics> {
        let org = self.administer(caller, org).await?;
        let name = self.db.get_org(org).await?.name;
        self.statistics_of(StatsScope::Org(org), Some(name)).await
    }

    /// Rebuild the statistics' summaries from the rows if migration 0022 left them
    /// unbuilt (at start, before serving). Returns how many reports were read, if it
    /// rebuilt.
    ///
    /// # Errors
    /// The database failed.
    pub async fn prepare_statistics(&self) -> Result<Option<u64>> {
        if self.db.statistics_built().await? {
            return Ok(None);
        }
        let library = self.library.clone();
        let route_of = move |o: &str, d: &str| library.route_region(o, d);
        Ok(Some(self.db.rebuild_statistics(&route_of).await?))
    }

    async fn statistics_of(&self, scope: StatsScope, org_name: Option<String>) -> Result<Statistics> {
        let months = stats::months_ending(stats::month_of(self.now()), WINDOW_MONTHS);
        let (first, last) = (months.first().copied().unwrap_or(0), months.last().copied().unwrap_or(0));
        let rows = self.db.statistics(scope, first, last).await?;
        Ok(tables(&rows, &months, org_name, K))
    }
}

/// Publish the counts of `rows` as the statistics' tables, each suppressed with `k`.
#[must_use]
pub fn tables(rows: &StatsRows, months: &[i64], org_name: Option<String>, k: u64) -> Statistics {
    let month_keys: Vec<String> = months.iter().map(i64::to_string).collect();
    let distinct = |keys: &mut Vec<String>| {
        keys.sort();
        keys.dedup();
    };

    // Only the window's months count (storage reads only those; this keeps it so).
    let within = |month: i64| months.contains(&month);
    let training: Vec<_> = rows.training.iter().filter(|t| within(t.month)).collect();
    let reports: Vec<_> = rows.reports.iter().filter(|r| within(r.month)).collect();
    let sign_rows: Vec<_> = rows.signs.iter().filter(|s| within(s.month)).collect();
    let mut courses: Vec<String> = training.iter().map(|t| t.course_id.clone()).collect();
    distinct(&mut courses);
    let mut roles: Vec<String> = training.iter().map(|t| t.role.clone()).collect();
    distinct(&mut roles);
    let mut by_month = Counts::zeros(month_keys.clone(), courses.clone());
    let mut by_role = Counts::zeros(courses, roles);
    for t in &training {
        let n = count(t.people);
        by_month.add(&t.month.to_string(), &t.course_id, n);
        by_role.add(&t.course_id, &t.role, n);
    }
    let (training_by_month, training_by_role) = stats::suppress_linked(&by_month, &by_role, k);

    let split = || vec![ESCALATED.to_owned(), NOT_ESCALATED.to_owned()];
    let mut routes: Vec<String> = reports.iter().map(|r| r.route_region.clone()).collect();
    distinct(&mut routes);
    let mut by_month = Counts::zeros(month_keys, split());
    let mut by_route = Counts::zeros(routes, split());
    for r in &reports {
        let (e, n) = (count(r.escalated), count(r.reports - r.escalated));
        for (table, key) in [(&mut by_month, r.month.to_string()), (&mut by_route, r.route_region.clone())] {
            table.add(&key, ESCALATED, e);
            table.add(&key, NOT_ESCALATED, n);
        }
    }
    // Reports by month and by route are the same reports: the same column totals and
    // grand total, published alike.
    let links = [
        ((0, Margin::Col(0)), (1, Margin::Col(0))),
        ((0, Margin::Col(1)), (1, Margin::Col(1))),
        ((0, Margin::Total), (1, Margin::Total)),
    ];
    let tables = [by_month, by_route.without_empty_rows()];
    let mut published = stats::suppress_all(&tables, &links, k).into_iter();
    let reports_by_month = published.next().unwrap_or_else(|| stats::suppress(&tables[0], k));
    let reports_by_route = published.next().unwrap_or_else(|| stats::suppress(&tables[1], k));

    let mut signs: Vec<String> = sign_rows.iter().map(|s| s.sign.clone()).collect();
    distinct(&mut signs);
    let mut by_sign = Counts::zeros(signs, split());
    for s in &sign_rows {
        by_sign.add(&s.sign, ESCALATED, count(s.escalated));
        by_sign.add(&s.sign, NOT_ESCALATED, count(s.reports - s.escalated));
    }

    // Referrals by the month they were made and where each stands now.
    let outcomes: Vec<String> = REFERRAL_OUTCOMES.iter().map(|o| (*o).to_owned()).collect();
    let mut referrals = Counts::zeros(months.iter().map(i64::to_string).collect(), outcomes);
    for r in rows.referrals.iter().filter(|r| within(r.month)) {
        referrals.add(&r.month.to_string(), &r.outcome, count(r.referrals));
    }

    Statistics {
        org_name,
        months: months.to_vec(),
        training_by_month,
        training_by_role,
        reports_by_month,
        reports_by_route,
        reports_by_sign: stats::suppress(&by_sign.without_empty_rows(), k),
        referrals: Some(stats::suppress(&referrals, k)),
        k,
    }
}

/// A stored count as a table's (a negative one, which a rebuild would correct, as 0).
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use sightline_domain::stats::Shown;
    use sightline_storage::{ReferralCount, ReportCount, SignCount, TrainingCount};

    use super::*;

    #[test]
    fn the_tables_are_the_counts_suppressed() {
        let months = stats::months_ending(202611, 12);
        let rows = StatsRows {
            training: vec![
                TrainingCount { month: 202611, course_id: "cabin-crew".into(), role: "cabin_crew".into(), people: 40 },
                TrainingCount { month: 202610, course_id: "cabin-crew".into(), role: "cabin_crew".into(), people: 3 },
            ],
            reports: vec![
                ReportCount { month: 202611, route_region: "europe>africa".into(), reports: 30, escalated: 12 },
                ReportCount { month: 202611, route_region: "europe>europe".into(), reports: 2, escalated: 0 },
                ReportCount { month: 201901, route_region: "asia>asia".into(), reports: 99, escalated: 0 },
            ],
            signs: vec![SignCount { month: 202611, sign: "DOC".into(), reports: 25, escalated: 12 }],
            referrals: vec![
                ReferralCount {
                    month: 202611,
                    recipient_kind: "ngo".into(),
                    outcome: "accepted".into(),
                    referrals: 12,
                },
                ReferralCount { month: 202611, recipient_kind: "ngo".into(), outcome: "declined".into(), referrals: 2 },
                ReferralCount { month: 202610, recipient_kind: "ngo".into(), outcome: "waiting".into(), referrals: 1 },
                ReferralCount { month: 201901, recipient_kind: "ngo".into(), outcome: "waiting".into(), referrals: 50 },
            ],
        };
        let s = tables(&rows, &months, None, K);
        assert_eq!(s.training_by_month.rows.len(), 12);
        assert_eq!(s.training_by_month.cols, vec!["cabin-crew"]);
        assert_eq!(s.training_by_role.row_totals, vec![Shown::Count(43)]);
        assert!(s.training_by_month.cells[10][0].is_hidden(), "3 people in October");
        assert_eq!(s.reports_by_route.rows, vec!["europe>africa", "europe>europe"], "a month outside is left out");
        assert!(s.reports_by_route.row_totals[1].is_hidden(), "2 reports");
        assert_eq!(s.reports_by_month.row_totals[11], Shown::Count(32));
        assert_eq!(s.reports_by_month.col_totals, s.reports_by_route.col_totals);
        assert_eq!(s.reports_by_sign.row_totals, vec![Shown::Count(25)]);
        assert_eq!(s.reports_by_sign.cells[0], vec![Shown::Count(12), Shown::Count(13)]);
        let r = s.referrals.unwrap();
        assert_eq!(r.cols, REFERRAL_OUTCOMES);
        assert!(r.cells[11][2].is_hidden(), "2 declined");
        let shown = r.cells.iter().flatten().chain(&r.row_totals).chain(&r.col_totals).filter_map(|c| c.count());
        assert!(shown.into_iter().all(|n| n == 0 || n >= K), "{r:?}");
        assert_eq!(r.cells[0], vec![Shown::Count(0); 4], "a month outside the window is left out");
        assert!(r.row_totals[10].is_hidden() && r.cells[10][3].is_hidden(), "one waiting in October");
    }
}
