//! Each person's training standing in one row (migration 0033), so the compliance
//! dashboard counts an organisation of 50,000 from 50,000 small rows instead of
//! from their certificates. A row holds a [`StandingSummary`] (the domain's: where
//! the person stands at any later moment), made by the application; the database
//! only says what to make again — triggers on people, certificates and assignments
//! add marks (a person) or move the organisation's generation on (everyone), so no
//! write path can leave a stale row unmarked. Rows are made again a page or a batch
//! of marks at a time, each in its own short transaction.

use sightline_domain::assign::{DUE_SOON_DAYS, StandingSummary, summarise};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::stored;
use crate::{Assignment, Db, Result, Tally, TallyFilter, TallyGroup, TrainedPerson, from_micros, to_micros};

/// People per rebuild page and marks per batch.
const REFRESH_PAGE: i64 = 1_000;
/// How long one refresh may hold an organisation's lease.
const REFRESH_LEASE: Duration = Duration::seconds(120);

/// What [`Db::refresh_standings`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StandingRefresh {
    /// Every row was made again (an assignment changed, or the first time).
    pub rebuilt: bool,
    /// Marked people whose rows were made again.
    pub marked: usize,
    /// Another refresh (here or on another node) holds the organisation: nothing
    /// was done, and the rows may lag behind its last changes until it is done.
    pub busy: bool,
}

fn rows_of(people: &[TrainedPerson], assignments: &[Assignment], at: OffsetDateTime) -> Vec<StandingRow> {
    people
        .iter()
        .filter_map(|p| {
            let summary = summarise(
                assignments.iter().map(|a| &a.terms),
                (p.position, p.base.as_deref(), p.joined),
                &p.completions,
                at,
            )?;
            Some(StandingRow { user: p.id, position: p.position?, base: p.base.clone(), summary })
        })
        .collect()
}

/// One person's row: who, where, and their summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingRow {
    pub user: UserId,
    pub position: Audience,
    pub base: Option<String>,
    pub summary: StandingSummary,
}

/// Where an organisation's rows stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingState {
    /// Moves on with every change of an assignment.
    pub generation: i64,
    /// The generation the rows were made for; every row must be made again while
    /// it is behind.
    pub built: i64,
    /// A rebuild in progress: the last person done.
    pub cursor: Option<UserId>,
}

impl StandingState {
    #[must_use]
    pub const fn is_built(&self) -> bool {
        self.built == self.generation
    }
}

/// A mark: this person's row must be made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingMark {
    pub id: i64,
    pub user: UserId,
}

/// Rows per `INSERT` (8 values each, well inside both engines' bind limits).
const INSERT_CHUNK: usize = 500;

#[derive(sqlx::FromRow)]
struct StateRow {
    generation: i64,
    built: i64,
    cursor: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct MarkRow {
    id: i64,
    user_id: Uuid,
}

/// Run `query`, an update of the organisation's state guarded by its generation; if
/// an assignment changed meanwhile (no row), roll `tx` back and return `Ok(false)`.
macro_rules! still_generation {
    ($tx:ident, $query:expr) => {
        if $query.execute(&mut *$tx).await?.rows_affected() != 1 {
            $tx.rollback().await?;
            return Ok(false);
        }
    };
}

/// Delete the rows of `users` (or of a range of people) and insert `rows`, in `tx`.
macro_rules! replace_rows_in_tx {
    ($tx:expr, $org:expr, $rows:expr) => {{
        let rows: &[StandingRow] = $rows;
        for chunk in rows.chunks(INSERT_CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = 2 + i * 7;
                    format!("($1, ${}, ${}, ${}, ${}, ${}, ${}, ${})", b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6)
                })
                .collect();
            let sql = format!(
                "INSERT INTO training_standing (org_id, user_id, position, base, overdue_from, not_started, \
                 soon_from, recheck_at) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql).bind($org.as_uuid());
            for r in chunk {
                q = q
                    .bind(r.user.as_uuid())
                    .bind(r.position.as_str())
                    .bind(r.base.as_deref())
                    .bind(to_micros(r.summary.overdue_from))
                    .bind(r.summary.not_started)
                    .bind(r.summary.soon_from.map(to_micros))
                    .bind(r.summary.recheck_at.map(to_micros));
            }
            q.execute(&mut *$tx).await?;
        }
    }};
}

impl Db {
    /// The organisation's standing state, starting it (never built) if it has none.
    ///
    /// # Errors
    /// The database failed.
    pub async fn standing_state(&self, org: OrgId) -> Result<StandingState> {
        exec!(
            self,
            "INSERT INTO training_standing_orgs (org_id, generation, built) VALUES ($1, 1, 0) \
             ON CONFLICT (org_id) DO NOTHING",
            org.as_uuid()
        );
        let r: StateRow = fetch!(
            self,
            query_as.fetch_one,
            "SELECT generation, built, cursor FROM training_standing_orgs WHERE org_id = $1",
            org.as_uuid()
        );
        Ok(StandingState { generation: r.generation, built: r.built, cursor: r.cursor.map(UserId::from_uuid) })
    }

    /// Whether a refresh has anything to do: rows never made or behind an assignment
    /// change, a mark, or a row due for a recheck.
    ///
    /// # Errors
    /// The database failed.
    pub async fn standing_work(&self, org: OrgId, now: OffsetDateTime) -> Result<bool> {
        let work: Option<i64> = fetch!(
            self,
            query_scalar.fetch_one,
            "SELECT CAST(CASE WHEN NOT EXISTS (SELECT 1 FROM training_standing_orgs WHERE org_id = $1 \
               AND built = generation AND cursor IS NULL) \
             OR EXISTS (SELECT 1 FROM training_standing_marks WHERE org_id = $1) \
             OR EXISTS (SELECT 1 FROM training_standing WHERE org_id = $1 AND recheck_at IS NOT NULL \
               AND recheck_at <= $2) THEN 1 ELSE 0 END AS BIGINT)",
            org.as_uuid(),
            to_micros(now)
        );
        Ok(work != Some(0))
    }

    /// The newest mark of the organisation (0 for none): a rebuild that starts after
    /// it makes every row it marks, so it may drop them when done.
    ///
    /// # Errors
    /// The database failed.
    pub async fn standing_mark_floor(&self, org: OrgId) -> Result<i64> {
        let top: Option<i64> = fetch!(
            self,
            query_scalar.fetch_one,
            "SELECT MAX(id) FROM training_standing_marks WHERE org_id = $1",
            org.as_uuid()
        );
        Ok(top.unwrap_or(0))
    }

    /// Rebuild step: replace the rows of the people after `after` up to and including
    /// `last` (to the end when `None`) with `rows`, and move the cursor to `last` —
    /// only while the generation is still `generation`. Returns false (nothing
    /// written) when an assignment changed meanwhile: the rebuild starts again.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn rebuild_standing_page(
        &self,
        org: OrgId,
        generation: i64,
        after: Option<UserId>,
        last: Option<UserId>,
        rows: &[StandingRow],
    ) -> Result<bool> {
        let after = after.map_or(Uuid::nil(), |u| u.as_uuid());
        let done = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            still_generation!(
                tx,
                sqlx::query("UPDATE training_standing_orgs SET cursor = $1 WHERE org_id = $2 AND generation = $3")
                    .bind(last.map(|u| u.as_uuid()))
                    .bind(org.as_uuid())
                    .bind(generation)
            );
            match last {
                Some(last) => {
                    exec_in_tx!(
                        tx,
                        "DELETE FROM training_standing WHERE org_id = $1 AND user_id > $2 AND user_id <= $3",
                        org.as_uuid(),
                        after,
                        last.as_uuid()
                    );
                }
                None => {
                    exec_in_tx!(
                        tx,
                        "DELETE FROM training_standing WHERE org_id = $1 AND user_id > $2",
                        org.as_uuid(),
                        after
                    );
                }
            }
            replace_rows_in_tx!(tx, org, rows);
            tx.commit().await?;
            true
        });
        Ok(done)
    }

    /// The rebuild of `generation` is done: the rows hold for it, and the marks up to
    /// `floor` (made before it started) are spent. False when an assignment changed
    /// meanwhile (nothing written).
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish_standing_rebuild(&self, org: OrgId, generation: i64, floor: Option<i64>) -> Result<bool> {
        let done = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            still_generation!(
                tx,
                sqlx::query(
                    "UPDATE training_standing_orgs SET built = generation, cursor = NULL \
                     WHERE org_id = $1 AND generation = $2",
                )
                .bind(org.as_uuid())
                .bind(generation)
            );
            if let Some(floor) = floor {
                exec_in_tx!(
                    tx,
                    "DELETE FROM training_standing_marks WHERE org_id = $1 AND id <= $2",
                    org.as_uuid(),
                    floor
                );
            }
            tx.commit().await?;
            true
        });
        Ok(done)
    }

    /// Mark the people whose row holds only until `now` (a completion dated after the
    /// row was made). Returns how many.
    ///
    /// # Errors
    /// The database failed.
    pub async fn mark_standing_rechecks(&self, org: OrgId, now: OffsetDateTime) -> Result<u64> {
        Ok(exec!(
            self,
            "INSERT INTO training_standing_marks (org_id, user_id) SELECT org_id, user_id FROM training_standing \
             WHERE org_id = $1 AND recheck_at IS NOT NULL AND recheck_at <= $2",
            org.as_uuid(),
            to_micros(now)
        ))
    }

    /// The oldest `limit` marks of the organisation.
    ///
    /// # Errors
    /// The database failed.
    pub async fn standing_marks(&self, org: OrgId, limit: i64) -> Result<Vec<StandingMark>> {
        let rows: Vec<MarkRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, user_id FROM training_standing_marks WHERE org_id = $1 ORDER BY id LIMIT $2",
            org.as_uuid(),
            limit
        );
        Ok(rows.into_iter().map(|r| StandingMark { id: r.id, user: UserId::from_uuid(r.user_id) }).collect())
    }

    /// Make the rows of the marked people again: delete the rows of `users`, insert
    /// `rows` (some of them; a person no assignment covers has none) and spend
    /// `marks`, in one transaction.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn replace_standings(
        &self,
        org: OrgId,
        users: &[UserId],
        rows: &[StandingRow],
        marks: &[i64],
    ) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in users.chunks(INSERT_CHUNK) {
                let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                let sql =
                    format!("DELETE FROM training_standing WHERE org_id = $1 AND user_id IN ({})", marks.join(", "));
                let mut q = sqlx::query(&sql).bind(org.as_uuid());
                for u in chunk {
                    q = q.bind(u.as_uuid());
                }
                q.execute(&mut *tx).await?;
            }
            replace_rows_in_tx!(tx, org, rows);
            for chunk in marks.chunks(INSERT_CHUNK) {
                let places: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                let sql =
                    format!("DELETE FROM training_standing_marks WHERE org_id = $1 AND id IN ({})", places.join(", "));
                let mut q = sqlx::query(&sql).bind(org.as_uuid());
                for m in chunk {
                    q = q.bind(*m);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The compliance dashboard's counts from the standing rows: every person's
    /// standing at `now` (ranks as `Standing::rank`), counted by position, base and
    /// standing; and the ids of the first `drill` people the filter keeps, worst
    /// first, then soonest due.
    ///
    /// A row's standing follows from two of its facts: overdue once `overdue_from`
    /// has come; before that, not started if `not_started`, else due soon within
    /// `DUE_SOON_DAYS` of `overdue_from` (every course of such a person completed, so
    /// their `soon_from` is exactly that; the domain's test says so). So the counts
    /// are two range counts per (position, base, not started) group, read in index
    /// order, and the drill-down walks the due-order index one standing at a time.
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn standing_tally(
        &self,
        org: OrgId,
        now: OffsetDateTime,
        filter: &TallyFilter<'_>,
        drill: i64,
    ) -> Result<Tally> {
        let soon = now + Duration::days(DUE_SOON_DAYS);
        type Count = (String, Option<String>, bool, i64, i64, i64);
        let counts: Vec<Count> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT position, base, not_started, CAST(COUNT(*) AS BIGINT), \
             CAST(SUM(CASE WHEN overdue_from <= $2 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN overdue_from <= $3 THEN 1 ELSE 0 END) AS BIGINT) \
             FROM training_standing WHERE org_id = $1 GROUP BY position, base, not_started",
            org.as_uuid(),
            to_micros(now),
            to_micros(soon)
        );
        let mut tally = Tally::default();
        for (position, base, not_started, all, overdue, by_soon) in counts {
            let position: Audience = stored("position", &position)?;
            let ranks: [(i64, i64); 3] = if not_started {
                [(3, overdue), (2, all - overdue), (0, 0)]
            } else {
                [(3, overdue), (1, by_soon - overdue), (0, all - by_soon)]
            };
            for (rank, people) in ranks.into_iter().filter(|(_, n)| *n > 0) {
                match tally.groups.iter_mut().find(|g| g.position == position && g.base == base && g.rank == rank) {
                    Some(g) => g.people += people,
                    None => tally.groups.push(TallyGroup { position, base: base.clone(), rank, people }),
                }
            }
        }
        // Worst first: each standing's people in due order, as the index holds them.
        let keep = "(CAST($5 AS TEXT) IS NULL OR position = CAST($5 AS TEXT)) \
                    AND (CAST($6 AS TEXT) IS NULL OR lower(base) = lower(CAST($6 AS TEXT)))";
        let ranks = [
            (3, "overdue_from <= $2"),
            (2, "not_started AND overdue_from > $2"),
            (1, "NOT not_started AND overdue_from > $2 AND overdue_from <= $3"),
            (0, "NOT not_started AND overdue_from > $3"),
        ];
        let parts: Vec<String> = ranks
            .iter()
            .filter(|(rank, _)| filter.rank.is_none_or(|r| r == *rank))
            .map(|(rank, when)| {
                format!(
                    "SELECT * FROM (SELECT CAST({rank} AS BIGINT) AS rank, overdue_from, user_id FROM training_standing \
                     WHERE org_id = $1 AND {when} AND {keep} ORDER BY overdue_from, user_id LIMIT $4) s{rank}"
                )
            })
            .collect();
        if parts.is_empty() || drill <= 0 {
            return Ok(tally);
        }
        let sql = format!(
            "SELECT user_id FROM ({}) d ORDER BY rank DESC, overdue_from, user_id LIMIT $4",
            parts.join(" UNION ALL ")
        );
        let ids: Vec<Uuid> = fetch!(
            self,
            query_scalar.fetch_all,
            &sql,
            org.as_uuid(),
            to_micros(now),
            to_micros(soon),
            drill,
            filter.position.map(Audience::as_str),
            filter.base
        );
        tally.drill = ids.into_iter().map(UserId::from_uuid).collect();
        Ok(tally)
    }

    /// One person's row, if they have one (for tests and checks).
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn standing_of(&self, org: OrgId, user: UserId) -> Result<Option<StandingRow>> {
        type Row = (String, Option<String>, i64, bool, Option<i64>, Option<i64>);
        let row: Option<Row> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT position, base, overdue_from, not_started, soon_from, recheck_at FROM training_standing \
             WHERE org_id = $1 AND user_id = $2",
            org.as_uuid(),
            user.as_uuid()
        );
        row.map(|(position, base, overdue_from, not_started, soon_from, recheck_at)| {
            Ok(StandingRow {
                user,
                position: stored("position", &position)?,
                base,
                summary: StandingSummary {
                    overdue_from: from_micros(overdue_from),
                    not_started,
                    soon_from: soon_from.map(from_micros),
                    recheck_at: recheck_at.map(from_micros),
                },
            })
        })
        .transpose()
    }

    /// Bring the organisation's standing rows up to date at `now`: every row again
    /// when an assignment changed (a page at a time, resumable), then the marked
    /// people, until no mark is left. One refresh per organisation at a time across
    /// nodes (a lease): another that finds it held does nothing and says `busy`
    /// (the caller may wait and ask again).
    ///
    /// # Errors
    /// The database failed; what was written holds (each step is its own transaction).
    pub async fn refresh_standings(&self, org: OrgId, now: OffsetDateTime) -> Result<StandingRefresh> {
        // Most counts find nothing to do: say so with one read, no write.
        if !self.standing_work(org, now).await? {
            return Ok(StandingRefresh::default());
        }
        let lease = format!("training-standing:{org}");
        let holder = Uuid::now_v7();
        if !self.take_lease(&lease, holder, now, now + REFRESH_LEASE).await? {
            return Ok(StandingRefresh { busy: true, ..StandingRefresh::default() });
        }
        let done = self.refresh_standings_held(org, now).await;
        self.release_lease(&lease, holder).await?;
        done
    }

    async fn refresh_standings_held(&self, org: OrgId, now: OffsetDateTime) -> Result<StandingRefresh> {
        let mut out = StandingRefresh::default();
        let mut state = self.standing_state(org).await?;
        while !state.is_built() {
            out.rebuilt = true;
            let assignments = self.assignments(org).await?;
            // Marks made before a rebuild that starts from the beginning are spent by it.
            let floor = match state.cursor {
                None => Some(self.standing_mark_floor(org).await?),
                Some(_) => None,
            };
            let mut after = state.cursor;
            let mut whole = true;
            loop {
                let page = self.trained_people(org, after, REFRESH_PAGE).await?;
                let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= REFRESH_PAGE;
                let last = if full { page.last().map(|p| p.id) } else { None };
                let rows = rows_of(&page, &assignments, now);
                if !self.rebuild_standing_page(org, state.generation, after, last, &rows).await? {
                    whole = false;
                    break;
                }
                if last.is_none() {
                    break;
                }
                after = last;
            }
            if whole && self.finish_standing_rebuild(org, state.generation, floor).await? {
                break;
            }
            // An assignment changed meanwhile: start again from the first person.
            exec!(self, "UPDATE training_standing_orgs SET cursor = NULL WHERE org_id = $1", org.as_uuid());
            state = self.standing_state(org).await?;
        }
        self.mark_standing_rechecks(org, now).await?;
        let assignments = self.assignments(org).await?;
        loop {
            let marks = self.standing_marks(org, REFRESH_PAGE).await?;
            if marks.is_empty() {
                break;
            }
            let mut users: Vec<UserId> = marks.iter().map(|m| m.user).collect();
            users.sort_by_key(|u| u.as_uuid());
            users.dedup();
            let people = self.trained_people_by_ids(org, &users).await?;
            let rows = rows_of(&people, &assignments, now);
            let ids: Vec<i64> = marks.iter().map(|m| m.id).collect();
            self.replace_standings(org, &users, &rows, &ids).await?;
            out.marked += users.len();
        }
        Ok(out)
    }
}
