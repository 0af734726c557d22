//! Statistics: counts of people trained and of reports, kept in summary tables
//! (migration 0022) in the same transaction as the writes they count, and read per
//! organisation or, for the public page, summed over the platform. Nothing here
//! names a person or a report: the rows are counts by month and category.
//!
//! - `stats_training` — certificates issued and not revoked, by organisation (the nil
//!   id for the public course), month issued, course and the holder's role (their
//!   position when it was issued; `public` for the public course, `unspecified`);
//!   written by `insert_cert!` and [`Db::revoke_certificate`].
//! - `stats_reports` — reports by organisation, month received and route region, and
//!   how many of them were escalated; `stats_signs` the same by sign. Written by
//!   [`Db::put_reports`], [`Db::put_tip`] and the two case changes that escalate
//!   (`transition_case` to escalated, `record_contact`).
//! - `stats_state.built` — false after the migration: [`Db::rebuild_statistics`]
//!   works the summaries out again from the rows (at start, before serving).
//!
//! - Referrals and their outcomes are counted from the `referrals` rows themselves
//!   (far fewer than reports; index `referrals_created`, migration 0023) by one
//!   `GROUP BY` in [`Db::statistics`] into [`StatsRows::referrals`]: by the day they
//!   were made (`created_at` / one day in microseconds, the same integer division on
//!   both engines; the months are worked out here, in UTC), recipient kind and
//!   outcome ([`REFERRAL_OUTCOMES`]). Nothing to keep in step with the writes.

use std::collections::BTreeMap;

use sightline_domain::ids::OrgId;
use sightline_domain::stats::month_of;
use uuid::Uuid;

use crate::{Db, NewReport, Result, from_micros, to_micros};

/// Whose statistics: one organisation's, or the whole platform's (aggregate counts
/// only, for the public page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsScope {
    Org(OrgId),
    Platform,
}

/// People trained in one month, course and role.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrainingCount {
    pub month: i64,
    pub course_id: String,
    pub role: String,
    pub people: i64,
}

/// Reports received in one month on one route region, and how many were escalated.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportCount {
    pub month: i64,
    pub route_region: String,
    pub reports: i64,
    pub escalated: i64,
}

/// Reports received in one month that carry one sign, and how many were escalated.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignCount {
    pub month: i64,
    pub sign: String,
    pub reports: i64,
    pub escalated: i64,
}

/// Where a referral stands, as statistics count it: each referral is in exactly one.
/// `supported` is accepted with support recorded (other than "declined by the
/// person"); `accepted` is accepted without it (yet); `waiting` is sent or
/// acknowledged.
pub const REFERRAL_OUTCOMES: [&str; 4] = ["accepted", "supported", "declined", "waiting"];

/// The SQL of a referral's outcome (one of [`REFERRAL_OUTCOMES`]).
const OUTCOME_SQL: &str = "CASE WHEN status = 'declined' THEN 'declined' \
     WHEN status = 'accepted' AND support <> '' AND support <> 'declined_by_person' THEN 'supported' \
     WHEN status = 'accepted' THEN 'accepted' ELSE 'waiting' END";

/// Microseconds in a day: `created_at / DAY` is the day a referral was made.
const DAY_MICROS: i64 = 86_400_000_000;

/// Referrals made in one day, to one kind of recipient, by outcome (as read).
#[derive(sqlx::FromRow)]
struct ReferralDay {
    day: i64,
    recipient_kind: String,
    outcome: String,
    referrals: i64,
}

/// The first microsecond of the month `yyyymm` (UTC).
fn month_start(month: i64) -> i64 {
    let (y, m) = (month / 100, month % 100);
    let date = i32::try_from(y)
        .ok()
        .zip(u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok()))
        .and_then(|(y, m)| time::Date::from_calendar_date(y, m, 1).ok());
    date.map_or(0, |d| to_micros(d.midnight().assume_utc()))
}

/// The month after `yyyymm`.
fn next_month(month: i64) -> i64 {
    if month % 100 >= 12 { (month / 100 + 1) * 100 + 1 } else { month + 1 }
}

/// Referrals made in one month to one kind of recipient, by outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCount {
    pub month: i64,
    pub recipient_kind: String,
    pub outcome: String,
    pub referrals: i64,
}

/// Every count of a scope in a range of months.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsRows {
    pub training: Vec<TrainingCount>,
    pub reports: Vec<ReportCount>,
    pub signs: Vec<SignCount>,
    /// Referrals and their outcomes, by month made.
    pub referrals: Vec<ReferralCount>,
}

/// The role a certificate is counted under.
#[must_use]
pub(crate) fn training_role(position: Option<&str>, anonymous: bool) -> &str {
    match position {
        _ if anonymous => "public",
        Some(p) => p,
        None => "unspecified",
    }
}

/// Count a batch of newly stored reports inside the open transaction `$tx`: one
/// upsert per (organisation, month, route region) and per (organisation, month,
/// sign), in key order (every writer locks summary rows in the same order).
macro_rules! count_reports_in_tx {
    ($tx:expr, $reports:expr, $month:expr) => {{
        let (routes, signs) = $crate::stats::tally($reports);
        for ((org, region), n) in routes {
            exec_in_tx!(
                $tx,
                "INSERT INTO stats_reports (org_id, month, route_region, reports, escalated) VALUES ($1, $2, $3, $4, 0) \
                 ON CONFLICT (org_id, month, route_region) DO UPDATE SET reports = stats_reports.reports + $4",
                org,
                $month,
                region,
                n
            );
        }
        for ((org, sign), n) in signs {
            exec_in_tx!(
                $tx,
                "INSERT INTO stats_signs (org_id, month, sign, reports, escalated) VALUES ($1, $2, $3, $4, 0) \
                 ON CONFLICT (org_id, month, sign) DO UPDATE SET reports = stats_signs.reports + $4",
                org,
                $month,
                sign,
                n
            );
        }
    }};
}

/// Count one report's escalation inside the open transaction `$tx`, when `$row` (what
/// [`escalation_row`] read before the change) says it had not been escalated.
macro_rules! count_escalation_in_tx {
    ($tx:expr, $org:expr, $row:expr) => {{
        if let Some(row) = $row {
            let row: $crate::stats::EscalationRow = row;
            exec_in_tx!(
                $tx,
                "INSERT INTO stats_reports (org_id, month, route_region, reports, escalated) VALUES ($1, $2, $3, 0, 1) \
                 ON CONFLICT (org_id, month, route_region) DO UPDATE SET escalated = stats_reports.escalated + 1",
                $org.as_uuid(),
                row.stats_month,
                &row.route_region
            );
            for sign in $crate::stats::signs_of(&row.indicators) {
                exec_in_tx!(
                    $tx,
                    "INSERT INTO stats_signs (org_id, month, sign, reports, escalated) VALUES ($1, $2, $3, 0, 1) \
                     ON CONFLICT (org_id, month, sign) DO UPDATE SET escalated = stats_signs.escalated + 1",
                    $org.as_uuid(),
                    row.stats_month,
                    sign
                );
            }
        }
    }};
}

/// Count (`$delta` = 1) or uncount (−1, a revocation) the certificate `$code` inside
/// the open transaction `$tx`, under its organisation, month issued, course and role.
macro_rules! count_certificate_in_tx {
    ($tx:expr, $code:expr, $delta:expr) => {{
        let row: Option<$crate::stats::CertRow> = sqlx::query_as(
            "SELECT org_id, user_id, issued_at, course_id, holder_position FROM certificates WHERE code = $1",
        )
        .bind($code)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some(c) = row {
            let (org, month, course, role) = c.key();
            let delta: i64 = $delta;
            exec_in_tx!(
                $tx,
                "INSERT INTO stats_training (org_id, month, course_id, role, people) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id, month, course_id, role) DO UPDATE SET people = stats_training.people + $5",
                org,
                month,
                course,
                role,
                delta
            );
        }
    }};
}

/// What an escalation is counted by: the report's month, route region and signs.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EscalationRow {
    pub stats_month: i64,
    pub route_region: String,
    pub indicators: String,
}

/// The SQL that reads a report's [`EscalationRow`] when it has not been escalated.
pub(crate) const ESCALATION_ROW: &str =
    "SELECT stats_month, route_region, indicators FROM reports WHERE org_id = $1 AND id = $2 AND escalated_at IS NULL";

/// The signs (indicator codes) of a report's `indicators` column.
pub(crate) fn signs_of(indicators: &str) -> impl Iterator<Item = &str> {
    let mut seen: Vec<&str> = indicators.split_whitespace().collect();
    seen.sort_unstable();
    seen.dedup();
    seen.into_iter()
}

type Tally = (BTreeMap<(Uuid, String), i64>, BTreeMap<(Uuid, String), i64>);

/// A batch's counts by (organisation, route region) and (organisation, sign).
pub(crate) fn tally<'a>(reports: impl IntoIterator<Item = &'a NewReport>) -> Tally {
    let (mut routes, mut signs) = (BTreeMap::new(), BTreeMap::new());
    for r in reports {
        *routes.entry((r.org_id.as_uuid(), r.route_region.clone())).or_insert(0) += 1;
        for s in signs_of(&r.indicators) {
            *signs.entry((r.org_id.as_uuid(), s.to_owned())).or_insert(0) += 1;
        }
    }
    (routes, signs)
}

/// A report as the rebuild reads it.
#[derive(sqlx::FromRow)]
struct RebuildReport {
    id: Uuid,
    org_id: Uuid,
    route_region: String,
    stats_month: i64,
    indicators: String,
    escalated: bool,
}

/// A certificate as statistics count it.
#[derive(sqlx::FromRow)]
pub(crate) struct CertRow {
    org_id: Option<Uuid>,
    user_id: Option<Uuid>,
    issued_at: i64,
    course_id: String,
    holder_position: Option<String>,
}

impl CertRow {
    /// (organisation or nil, month issued, course, role).
    pub(crate) fn key(self) -> (Uuid, i64, String, String) {
        // The public course's certificates have neither organisation nor holder; a
        // retention tombstone keeps its organisation (and position) without a holder.
        let anonymous = self.user_id.is_none() && self.org_id.is_none();
        let role = training_role(self.holder_position.as_deref(), anonymous).to_owned();
        (self.org_id.unwrap_or_else(Uuid::nil), month_of(from_micros(self.issued_at)), self.course_id, role)
    }
}

const PAGE: i64 = 20_000;
/// Rows per multi-row `INSERT` of the rebuild (5 values each: well under either
/// engine's limit of bound values).
const INSERT_ROWS: usize = 500;

/// `head VALUES ($1, …, $width), (…)` for `rows` rows.
fn values_sql(head: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * width * 5);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * width + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

impl Db {
    /// The counts of `scope` for the months `from..=to` (`yyyymm`).
    ///
    /// # Errors
    /// The database failed.
    pub async fn statistics(&self, scope: StatsScope, from: i64, to: i64) -> Result<StatsRows> {
        // One SQL text per scope: the organisation's id is in every query of an
        // organisation's statistics; the platform's sums every organisation's counts.
        let (training, reports, signs): (Vec<TrainingCount>, Vec<ReportCount>, Vec<SignCount>) = match scope {
            StatsScope::Org(org) => {
                let o = org.as_uuid();
                (
                    fetch!(
                        self,
                        query_as.fetch_all,
                        "SELECT month, course_id, role, people FROM stats_training \
                         WHERE org_id = $1 AND month BETWEEN $2 AND $3 AND people <> 0",
                        o,
                        from,
                        to
                    ),
                    fetch!(
                        self,
                        query_as.fetch_all,
                        "SELECT month, route_region, reports, escalated FROM stats_reports \
                         WHERE org_id = $1 AND month BETWEEN $2 AND $3",
                        o,
                        from,
                        to
                    ),
                    fetch!(
                        self,
                        query_as.fetch_all,
                        "SELECT month, sign, reports, escalated FROM stats_signs \
                         WHERE org_id = $1 AND month BETWEEN $2 AND $3",
                        o,
                        from,
                        to
                    ),
                )
            }
            StatsScope::Platform => (
                fetch!(
                    self,
                    query_as.fetch_all,
                    "SELECT month, course_id, role, CAST(SUM(people) AS BIGINT) AS people FROM stats_training \
                     WHERE month BETWEEN $1 AND $2 GROUP BY month, course_id, role HAVING SUM(people) <> 0",
                    from,
                    to
                ),
                fetch!(
                    self,
                    query_as.fetch_all,
                    "SELECT month, route_region, CAST(SUM(reports) AS BIGINT) AS reports, \
                     CAST(SUM(escalated) AS BIGINT) AS escalated FROM stats_reports \
                     WHERE month BETWEEN $1 AND $2 GROUP BY month, route_region",
                    from,
                    to
                ),
                fetch!(
                    self,
                    query_as.fetch_all,
                    "SELECT month, sign, CAST(SUM(reports) AS BIGINT) AS reports, \
                     CAST(SUM(escalated) AS BIGINT) AS escalated FROM stats_signs \
                     WHERE month BETWEEN $1 AND $2 GROUP BY month, sign",
                    from,
                    to
                ),
            ),
        };
        let referrals = self.referral_counts(scope, from, to).await?;
        Ok(StatsRows { training, reports, signs, referrals })
    }

    /// Referrals made in the months `from..=to` by month, recipient kind and outcome:
    /// one `GROUP BY` by day, summed into months here. An organisation's are those
    /// it made or received.
    async fn referral_counts(&self, scope: StatsScope, from: i64, to: i64) -> Result<Vec<ReferralCount>> {
        let (start, end) = (month_start(from), month_start(next_month(to)));
        let days: Vec<ReferralDay> = match scope {
            StatsScope::Org(org) => {
                let sql = format!(
                    "SELECT created_at / {DAY_MICROS} AS day, recipient_kind, {OUTCOME_SQL} AS outcome, \
                     COUNT(*) AS referrals FROM referrals \
                     WHERE (org_id = $1 OR recipient_org_id = $1) AND created_at >= $2 AND created_at < $3 \
                     GROUP BY 1, 2, 3"
                );
                fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), start, end)
            }
            StatsScope::Platform => {
                let sql = format!(
                    "SELECT created_at / {DAY_MICROS} AS day, recipient_kind, {OUTCOME_SQL} AS outcome, \
                     COUNT(*) AS referrals FROM referrals WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2, 3"
                );
                fetch!(self, query_as.fetch_all, &sql, start, end)
            }
        };
        let mut months: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
        for d in days {
            let month = month_of(from_micros(d.day * DAY_MICROS));
            *months.entry((month, d.recipient_kind, d.outcome)).or_insert(0) += d.referrals;
        }
        Ok(months
            .into_iter()
            .map(|((month, recipient_kind, outcome), referrals)| ReferralCount {
                month,
                recipient_kind,
                outcome,
                referrals,
            })
            .collect())
    }

    /// Whether the summaries have been built from the rows since migration 0022.
    ///
    /// # Errors
    /// The database failed.
    pub async fn statistics_built(&self) -> Result<bool> {
        let built: bool = fetch!(self, query_scalar.fetch_one, "SELECT built FROM stats_state WHERE id = 1");
        Ok(built)
    }

    /// Work every summary out again from the rows, in one transaction: each report's
    /// route region (from its airports, by `route_of(origin, destination)`), then the
    /// counts of reports, signs and certificates. Run at start when
    /// [`Db::statistics_built`] is false (after migration 0022), before the server
    /// takes writes; the benchmark also times it. Returns how many reports it read.
    ///
    /// # Errors
    /// The database failed (nothing changes).
    pub async fn rebuild_statistics(&self, route_of: &(dyn Fn(&str, &str) -> String + Sync)) -> Result<u64> {
        type Key = (Uuid, i64, String);
        let mut routes: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
        let mut signs: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
        let mut training: BTreeMap<(Uuid, i64, String, String), i64> = BTreeMap::new();
        let mut read = 0u64;
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            // Taking the flag's row first makes two starting nodes rebuild one at a time.
            exec_in_tx!(tx, "UPDATE stats_state SET built = TRUE WHERE id = 1");
            // Route regions first, one statement per route whose region changed (the
            // routes are far fewer than the reports).
            let pairs: Vec<(String, String, String)> =
                sqlx::query_as("SELECT DISTINCT origin, destination, route_region FROM reports")
                    .fetch_all(&mut *tx)
                    .await?;
            for (origin, destination, stored) in pairs {
                let region = route_of(&origin, &destination);
                if region != stored {
                    exec_in_tx!(
                        tx,
                        "UPDATE reports SET route_region = $1 WHERE origin = $2 AND destination = $3 AND route_region = $4",
                        &region,
                        &origin,
                        &destination,
                        &stored
                    );
                }
            }
            let mut after = Uuid::nil();
            loop {
                let page: Vec<RebuildReport> = sqlx::query_as(
                    "SELECT id, org_id, route_region, stats_month, indicators, escalated_at IS NOT NULL AS escalated \
                     FROM reports WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(PAGE)
                .fetch_all(&mut *tx)
                .await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for r in page {
                    read += 1;
                    let e = i64::from(r.escalated);
                    for s in signs_of(&r.indicators) {
                        let c = signs.entry((r.org_id, r.stats_month, s.to_owned())).or_insert((0, 0));
                        *c = (c.0 + 1, c.1 + e);
                    }
                    let c = routes.entry((r.org_id, r.stats_month, r.route_region)).or_insert((0, 0));
                    *c = (c.0 + 1, c.1 + e);
                }
            }
            let certs: Vec<CertRow> = sqlx::query_as(
                "SELECT org_id, user_id, issued_at, course_id, holder_position FROM certificates WHERE revoked_at IS NULL",
            )
            .fetch_all(&mut *tx)
            .await?;
            for c in certs {
                *training.entry(c.key()).or_insert(0) += 1;
            }
            for table in ["stats_reports", "stats_signs", "stats_training"] {
                exec_in_tx!(tx, &format!("DELETE FROM {table}"));
            }
            // Many rows per statement: a few hundred round trips, not one per row.
            let reports: Vec<_> = routes.iter().map(|((o, m, r), (n, e))| (*o, *m, r.as_str(), *n, *e)).collect();
            for chunk in reports.chunks(INSERT_ROWS) {
                let sql = values_sql(
                    "INSERT INTO stats_reports (org_id, month, route_region, reports, escalated)",
                    5,
                    chunk.len(),
                );
                let mut q = sqlx::query(&sql);
                for (org, month, region, n, e) in chunk {
                    q = q.bind(*org).bind(*month).bind(*region).bind(*n).bind(*e);
                }
                q.execute(&mut *tx).await?;
            }
            let sign_rows: Vec<_> = signs.iter().map(|((o, m, s), (n, e))| (*o, *m, s.as_str(), *n, *e)).collect();
            for chunk in sign_rows.chunks(INSERT_ROWS) {
                let sql =
                    values_sql("INSERT INTO stats_signs (org_id, month, sign, reports, escalated)", 5, chunk.len());
                let mut q = sqlx::query(&sql);
                for (org, month, sign, n, e) in chunk {
                    q = q.bind(*org).bind(*month).bind(*sign).bind(*n).bind(*e);
                }
                q.execute(&mut *tx).await?;
            }
            let people: Vec<_> =
                training.iter().map(|((o, m, c, r), n)| (*o, *m, c.as_str(), r.as_str(), *n)).collect();
            for chunk in people.chunks(INSERT_ROWS) {
                let sql =
                    values_sql("INSERT INTO stats_training (org_id, month, course_id, role, people)", 5, chunk.len());
                let mut q = sqlx::query(&sql);
                for (org, month, course, role, n) in chunk {
                    q = q.bind(*org).bind(*month).bind(*course).bind(*role).bind(*n);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(read)
    }
}
