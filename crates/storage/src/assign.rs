//! Training assignments (migration 0025): which position (and base) must take which
//! course, the organisation's reminder offsets and fiscal year, the people an
//! assignment may cover with their completions (paged), and the reminder claims —
//! one row per (person, assignment, due date, offset), inserted with
//! `ON CONFLICT DO NOTHING` in the same transaction as the e-mail, so each reminder
//! is queued once on any number of nodes. The admins' digest of people newly overdue
//! claims those rows again (`digest_id`) in the transaction that queues it.

use sightline_domain::assign::{AssignmentTerms, DEFAULT_OFFSETS, offsets_text, parse_offsets};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, NewMail, Result, StorageError, from_micros, to_micros};

/// The most assignments one organisation may hold.
pub const MAX_ASSIGNMENTS: i64 = 200;

/// An assignment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: Uuid,
    pub org_id: OrgId,
    pub terms: AssignmentTerms,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// An organisation's training settings (the defaults when it never set them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSettings {
    /// Days before the due date, largest first; 0 is the day it becomes overdue.
    pub offsets: Vec<u32>,
    /// 1–12.
    pub fiscal_start_month: u8,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        Self { offsets: DEFAULT_OFFSETS.to_vec(), fiscal_start_month: 1 }
    }
}

/// A person an assignment may cover: active, with a position; their completions
/// (certificates not revoked) oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainedPerson {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub locale: Option<String>,
    pub position: Option<Audience>,
    pub base: Option<String>,
    /// When they joined the organisation (their account was made).
    pub joined: OffsetDateTime,
    /// (course, issued at), oldest first.
    pub completions: Vec<(String, OffsetDateTime)>,
}

/// A reminder to claim and queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderClaim {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub assignment_id: Uuid,
    pub due_at: OffsetDateTime,
    pub offset_days: u32,
}

/// Someone newly overdue, as the admins' digest names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverduePerson {
    pub name: String,
    pub position: Option<Audience>,
    pub base: Option<String>,
    pub course_id: String,
    pub due_at: OffsetDateTime,
}

/// An administrator the digest goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminContact {
    pub email: String,
    pub name: String,
    pub locale: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    id: Uuid,
    org_id: Uuid,
    course_id: String,
    position: String,
    base: Option<String>,
    due_days: i64,
    recur_months: i64,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

fn to_assignment(r: AssignmentRow) -> Result<Assignment> {
    let count = |what, n: i64| u32::try_from(n).map_err(|_| StorageError::corrupt(what, &n.to_string()));
    Ok(Assignment {
        id: r.id,
        org_id: OrgId::from_uuid(r.org_id),
        terms: AssignmentTerms {
            course: r.course_id,
            position: stored("position", &r.position)?,
            base: r.base,
            due_days: count("due days", r.due_days)?,
            recur_months: count("recurrence", r.recur_months)?,
        },
        created_at: from_micros(r.created_at),
        updated_at: from_micros(r.updated_at),
        version: r.version,
    })
}

/// What the dashboard's drill-down keeps: a position, a base (any case), a standing rank.
#[derive(Debug, Clone, Copy, Default)]
pub struct TallyFilter<'a> {
    pub position: Option<Audience>,
    pub base: Option<&'a str>,
    pub rank: Option<i64>,
}

/// How many people of a position and base stand at a rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyGroup {
    pub position: Audience,
    pub base: Option<String>,
    pub rank: i64,
    pub people: i64,
}

/// [`Db::standing_tally`]'s answer: every group (unfiltered) and the drill-down's ids.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub groups: Vec<TallyGroup>,
    pub drill: Vec<UserId>,
}

#[derive(sqlx::FromRow)]
struct CompletionRow {
    course_id: String,
    issued_at: i64,
}

#[derive(sqlx::FromRow)]
struct OverdueRow {
    name: String,
    position: Option<String>,
    base: Option<String>,
    course_id: String,
    due_at: i64,
}

#[derive(sqlx::FromRow)]
struct AdminRow {
    email: String,
    name: String,
    locale: Option<String>,
}

const ASSIGNMENT_COLUMNS: &str =
    "id, org_id, course_id, position, base, due_days, recur_months, created_at, updated_at, version";

fn assignment_audit(org: OrgId, by: UserId, id: Uuid, what: &str, t: &AssignmentTerms) -> NewAuditEntry {
    NewAuditEntry::new(AuditAction::AssignmentChanged).org(org).actor(by).target("assignment", id).detail(format!(
        "{what}: {} for {}{} (due {} days after joining, every {} months)",
        t.course,
        t.position,
        t.base.as_deref().map(|b| format!(" at {b}")).unwrap_or_default(),
        t.due_days,
        t.recur_months
    ))
}

impl Db {
    /// The organisation's assignments, by position, course and base.
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn assignments(&self, org: OrgId) -> Result<Vec<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM training_assignments WHERE org_id = $1 \
             ORDER BY position, course_id, base, id LIMIT $2"
        );
        let rows: Vec<AssignmentRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid(), MAX_ASSIGNMENTS);
        rows.into_iter().map(to_assignment).collect()
    }

    /// Assign a course, audited in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `course` when the organisation already holds
    /// [`MAX_ASSIGNMENTS`]; the database failed.
    pub async fn create_assignment(
        &self,
        org: OrgId,
        by: UserId,
        t: &AssignmentTerms,
        now: OffsetDateTime,
    ) -> Result<Uuid> {
        let id = Uuid::now_v7();
        let audit = assignment_audit(org, by, id, "assigned", t);
        audited_tx!(self, &audit, now, |tx| {
            let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM training_assignments WHERE org_id = $1")
                .bind(org.as_uuid())
                .fetch_one(&mut *tx)
                .await?;
            if held >= MAX_ASSIGNMENTS {
                tx.rollback().await?;
                return Err(StorageError::Conflict { field: "course" });
            }
            exec_in_tx!(
                tx,
                "INSERT INTO training_assignments (id, org_id, course_id, position, base, due_days, recur_months, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                id,
                org.as_uuid(),
                &t.course,
                t.position.as_str(),
                t.base.as_deref(),
                i64::from(t.due_days),
                i64::from(t.recur_months),
                by.as_uuid(),
                to_micros(now)
            );
        });
        Ok(id)
    }

    /// Change an assignment, guarded by its version, audited in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `version` (changed meanwhile, or not this
    /// organisation's); the database failed.
    pub async fn update_assignment(
        &self,
        org: OrgId,
        id: Uuid,
        version: i64,
        by: UserId,
        t: &AssignmentTerms,
        now: OffsetDateTime,
    ) -> Result<()> {
        let audit = assignment_audit(org, by, id, "changed", t);
        audited_tx!(self, &audit, now, |tx| {
            update_if_version!(
                tx,
                sqlx::query(
                    "UPDATE training_assignments SET course_id = $1, position = $2, base = $3, due_days = $4, \
                     recur_months = $5, updated_at = $6, version = version + 1 \
                     WHERE id = $7 AND org_id = $8 AND version = $9",
                )
                .bind(&t.course)
                .bind(t.position.as_str())
                .bind(t.base.as_deref())
                .bind(i64::from(t.due_days))
                .bind(i64::from(t.recur_months))
                .bind(to_micros(now))
                .bind(id)
                .bind(org.as_uuid())
                .bind(version)
            );
        });
        Ok(())
    }

    /// Remove an assignment (and its reminder claims), audited in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's; the database failed.
    pub async fn delete_assignment(&self, org: OrgId, id: Uuid, by: UserId, now: OffsetDateTime) -> Result<()> {
        let sql = format!("SELECT {ASSIGNMENT_COLUMNS} FROM training_assignments WHERE id = $1 AND org_id = $2");
        let row: Option<AssignmentRow> = fetch!(self, query_as.fetch_optional, &sql, id, org.as_uuid());
        let a = to_assignment(row.ok_or(StorageError::NotFound)?)?;
        let audit = assignment_audit(org, by, id, "removed", &a.terms);
        audited_tx!(self, &audit, now, |tx| {
            exec_in_tx!(
                tx,
                "DELETE FROM training_reminders WHERE assignment_id = $1 AND org_id = $2",
                id,
                org.as_uuid()
            );
            one_row_or!(
                tx,
                StorageError::NotFound,
                sqlx::query("DELETE FROM training_assignments WHERE id = $1 AND org_id = $2")
                    .bind(id)
                    .bind(org.as_uuid())
            );
        });
        Ok(())
    }

    /// The bases the organisation's people work at, as written on their records.
    ///
    /// # Errors
    /// The database failed.
    pub async fn org_bases(&self, org: OrgId) -> Result<Vec<String>> {
        let bases: Vec<String> = fetch!(
            self,
            query_scalar.fetch_all,
            "SELECT DISTINCT base FROM users WHERE org_id = $1 AND base IS NOT NULL ORDER BY base",
            org.as_uuid()
        );
        Ok(bases)
    }

    /// The organisation's reminder offsets and fiscal year start (the defaults when unset).
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn training_settings(&self, org: OrgId) -> Result<TrainingSettings> {
        let row: Option<(String, i64)> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT reminder_offsets, fiscal_start_month FROM training_settings WHERE org_id = $1",
            org.as_uuid()
        );
        let Some((offsets, month)) = row else { return Ok(TrainingSettings::default()) };
        Ok(TrainingSettings {
            offsets: parse_offsets(&offsets).map_err(|_| StorageError::corrupt("reminder offsets", &offsets))?,
            fiscal_start_month: u8::try_from(month)
                .map_err(|_| StorageError::corrupt("fiscal start month", &month.to_string()))?,
        })
    }

    /// Set the organisation's reminder offsets and fiscal year start, audited.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn set_training_settings(
        &self,
        org: OrgId,
        by: UserId,
        s: &TrainingSettings,
        now: OffsetDateTime,
    ) -> Result<()> {
        let offsets = offsets_text(&s.offsets);
        let audit = NewAuditEntry::new(AuditAction::TrainingSettingsChanged)
            .org(org)
            .actor(by)
            .target("organisation", org)
            .detail(format!("reminders {offsets}; fiscal year from month {}", s.fiscal_start_month));
        audited_exec!(
            self,
            &audit,
            now,
            "INSERT INTO training_settings (org_id, reminder_offsets, fiscal_start_month, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO UPDATE SET reminder_offsets = $2, \
             fiscal_start_month = $3, updated_at = $4",
            org.as_uuid(),
            &offsets,
            i64::from(s.fiscal_start_month),
            to_micros(now)
        );
        Ok(())
    }

    /// Organisations holding at least one assignment, after `after`, by id (paged).
    ///
    /// # Errors
    /// The database failed.
    pub async fn orgs_with_assignments(&self, after: Option<OrgId>, limit: i64) -> Result<Vec<OrgId>> {
        let after = after.map_or(Uuid::nil(), |o| o.as_uuid());
        let ids: Vec<Uuid> = fetch!(
            self,
            query_scalar.fetch_all,
            "SELECT DISTINCT org_id FROM training_assignments WHERE org_id > $1 ORDER BY org_id LIMIT $2",
            after,
            limit
        );
        Ok(ids.into_iter().map(OrgId::from_uuid).collect())
    }

    /// One page of the organisation's active people with a position, by id after
    /// `after`, with every completion (certificate not revoked) of theirs.
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn trained_people(&self, org: OrgId, after: Option<UserId>, limit: i64) -> Result<Vec<TrainedPerson>> {
        self.packed_people(org, after, limit, None).await
    }

    /// These people of the organisation (active, with a position) with their
    /// completions, in id order; ids not found are left out.
    ///
    /// # Errors
    /// The database failed; a stored value did not parse.
    pub async fn trained_people_by_ids(&self, org: OrgId, ids: &[UserId]) -> Result<Vec<TrainedPerson>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.packed_people(org, None, i64::try_from(ids.len()).unwrap_or(i64::MAX), Some(ids)).await
    }

    async fn packed_people(
        &self,
        org: OrgId,
        after: Option<UserId>,
        limit: i64,
        ids: Option<&[UserId]>,
    ) -> Result<Vec<TrainedPerson>> {
        let after = after.map_or(Uuid::nil(), |u| u.as_uuid());
        let only = ids.map_or(String::new(), |ids| {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 4)).collect();
            format!(" AND id IN ({})", marks.join(", "))
        });
        // The page comes back as one JSON document (one row), not a row per person and
        // per certificate: SQLite's driver hands every row from its worker thread to the
        // caller's, a thread switch each, which made a 50,000-person dashboard take
        // seconds (BENCHMARKS.md, "Compliance dashboard"). Each person is
        // [id, name, email, locale, position, base, created_at, [[course, issued_at]…]].
        let sql = match self.engine() {
            crate::Engine::Sqlite => format!(
                "SELECT json_group_array(json_array(lower(hex(u.id)), u.name, u.email, u.locale, u.position, \
                 u.base, u.created_at, json((SELECT json_group_array(json_array(c.course_id, c.issued_at)) \
                 FROM certificates c WHERE c.org_id = u.org_id AND c.user_id = u.id AND c.revoked_at IS NULL)))) \
                 FROM (SELECT id, org_id, name, email, locale, position, base, created_at FROM users \
                 WHERE org_id = $1 AND id > $2 AND active = TRUE AND position IS NOT NULL AND tip_line = FALSE{only} \
                 ORDER BY id LIMIT $3) u"
            ),
            crate::Engine::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array(u.id::text, u.name, u.email, u.locale, u.position, \
                 u.base, u.created_at, (SELECT COALESCE(json_agg(json_build_array(c.course_id, c.issued_at)), \
                 '[]'::json) FROM certificates c WHERE c.org_id = u.org_id AND c.user_id = u.id \
                 AND c.revoked_at IS NULL))), '[]'::json)::text \
                 FROM (SELECT id, org_id, name, email, locale, position, base, created_at FROM users \
                 WHERE org_id = $1 AND id > $2 AND active = TRUE AND position IS NOT NULL AND tip_line = FALSE{only} \
                 ORDER BY id LIMIT $3) u"
            ),
        };
        let doc: Option<String> = db_run!(self, |p| {
            let mut q = sqlx::query_scalar(&sql).bind(org.as_uuid()).bind(after).bind(limit);
            for id in ids.unwrap_or_default() {
                q = q.bind(id.as_uuid());
            }
            q.fetch_one(p).await?
        });
        type Packed = (String, String, String, Option<String>, Option<String>, Option<String>, i64, Vec<(String, i64)>);
        let packed: Vec<Packed> = serde_json::from_str(doc.as_deref().unwrap_or("[]"))
            .map_err(|e| StorageError::corrupt("trained people", &e.to_string()))?;
        let mut people = packed
            .into_iter()
            .map(|(id, name, email, locale, position, base, created_at, mut done)| {
                done.sort_by_key(|(_, at)| *at);
                Ok(TrainedPerson {
                    id: UserId::from_uuid(stored("user id", &id)?),
                    name,
                    email,
                    locale,
                    position: position.as_deref().map(|p| stored("position", p)).transpose()?,
                    base,
                    joined: from_micros(created_at),
                    completions: done.into_iter().map(|(course, at)| (course, from_micros(at))).collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Aggregates promise no order: the page in id order, so the next starts after its last.
        people.sort_by_key(|p| p.id.as_uuid());
        Ok(people)
    }

    /// One person's completions (certificates not revoked), oldest first: (course, issued at).
    ///
    /// # Errors
    /// The database failed.
    pub async fn completions_of(&self, org: OrgId, user: UserId) -> Result<Vec<(String, OffsetDateTime)>> {
        let rows: Vec<CompletionRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT course_id, issued_at FROM certificates \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL ORDER BY issued_at",
            org.as_uuid(),
            user.as_uuid()
        );
        Ok(rows.into_iter().map(|r| (r.course_id, from_micros(r.issued_at))).collect())
    }

    /// Claim a reminder and queue its e-mail, in one transaction. Returns false if
    /// it was claimed before (by this node or another): nothing is queued.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn claim_assignment_reminder(
        &self,
        c: &ReminderClaim,
        mail: &NewMail,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let done = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "INSERT INTO training_reminders (org_id, user_id, assignment_id, due_at, offset_days, sent_at) \
                 SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM training_assignments WHERE id = $3 \
                 AND org_id = $1) ON CONFLICT (user_id, assignment_id, due_at, offset_days) DO NOTHING",
            )
            .bind(c.org_id.as_uuid())
            .bind(c.user_id.as_uuid())
            .bind(c.assignment_id)
            .bind(to_micros(c.due_at))
            .bind(i64::from(c.offset_days))
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                mail_in_tx!(tx, c.org_id, mail, now);
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            n == 1
        });
        Ok(done)
    }

    /// The admins' digest of people newly overdue: claim every overdue reminder of
    /// the organisation no digest has named yet, and queue the e-mails `write` makes
    /// of them for the organisation's active admins, in one transaction. Nothing newly
    /// overdue (or another node took them first): nothing is queued. Returns how many
    /// people the digest named.
    ///
    /// # Errors
    /// The database failed, or `write` did (a message); nothing was written.
    pub async fn digest_overdue<F>(&self, org: OrgId, now: OffsetDateTime, write: F) -> Result<usize>
    where
        F: FnOnce(&[AdminContact], &[OverduePerson]) -> std::result::Result<Vec<NewMail>, String>,
    {
        let digest = Uuid::now_v7();
        let named = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let claimed = sqlx::query(
                "UPDATE training_reminders SET digest_id = $1 \
                 WHERE org_id = $2 AND offset_days = 0 AND digest_id IS NULL",
            )
            .bind(digest)
            .bind(org.as_uuid())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                tx.rollback().await?;
                return Ok(0);
            }
            let rows: Vec<OverdueRow> = sqlx::query_as(
                "SELECT u.name, u.position, u.base, a.course_id, r.due_at FROM training_reminders r \
                 JOIN users u ON u.id = r.user_id AND u.org_id = r.org_id \
                 JOIN training_assignments a ON a.id = r.assignment_id AND a.org_id = r.org_id \
                 WHERE r.org_id = $1 AND r.offset_days = 0 AND r.digest_id = $2 ORDER BY u.name, a.course_id",
            )
            .bind(org.as_uuid())
            .bind(digest)
            .fetch_all(&mut *tx)
            .await?;
            let admins: Vec<AdminRow> = sqlx::query_as(
                "SELECT u.email, u.name, u.locale FROM users u JOIN user_roles r ON r.user_id = u.id \
                 WHERE u.org_id = $1 AND r.role = 'org_admin' AND u.active = TRUE ORDER BY u.email",
            )
            .bind(org.as_uuid())
            .fetch_all(&mut *tx)
            .await?;
            let people = rows
                .into_iter()
                .map(|r| {
                    Ok(OverduePerson {
                        name: r.name,
                        position: r.position.as_deref().map(|p| stored("position", p)).transpose()?,
                        base: r.base,
                        course_id: r.course_id,
                        due_at: from_micros(r.due_at),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let admins: Vec<AdminContact> =
                admins.into_iter().map(|a| AdminContact { email: a.email, name: a.name, locale: a.locale }).collect();
            let mails = match write(&admins, &people) {
                Ok(m) => m,
                Err(e) => {
                    tx.rollback().await?;
                    return Err(StorageError::Batch(format!("the overdue digest could not be written: {e}")));
                }
            };
            for m in &mails {
                mail_in_tx!(tx, org, m, now);
            }
            tx.commit().await?;
            people.len()
        });
        Ok(named)
    }
}
