//! Retention of training records, certificates and audit entries (issue 15, item 1,
//! continued; migration 0032). Each kind has its due rule in SQL, a count for
//! `sightline purge --dry-run` and a batch that does the work in one transaction,
//! after taking the audit chain's lock (as `purge_batch`):
//!
//! - **training**: a person who left (`users.left_at`) `training_days` ago loses their
//!   lesson progress, check attempts (with their answers) and reminders; a certificate
//!   of theirs loses its link to the attempt. One `training.purged` entry per person.
//! - **certificates**: a certificate expired `certificates_days` ago becomes a
//!   tombstone: course, organisation, language, issue, expiry and revocation dates,
//!   position at issue and its code stay; holder, name, attempt, revoker and reason go.
//!   One `certificate.purged` entry per certificate.
//! - **audit**: an entry older than `audit_days` loses its detail, address and actor
//!   (`redacted_at` set; seq, time, organisation, action, target and hashes stay), never
//!   one about a case under legal hold nor an `audit.redacted` record. One
//!   `audit.redacted` entry per organisation and batch names the range it covers; the
//!   chain's verifier wants it. The database's guard (migration 0032) allows exactly
//!   this update, by its own clock.

use sightline_domain::audit::{AuditAction, NewAuditEntry, REDACTED_RANGE};
use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, from_micros, to_micros};

/// People who left whose training records are due at `$1` (and still have some).
const TRAINING_DUE: &str = "FROM users u JOIN org_retention p ON p.org_id = u.org_id \
     WHERE u.active = FALSE AND u.left_at IS NOT NULL AND p.training_days IS NOT NULL \
     AND u.left_at + 86400000000 * p.training_days <= $1 \
     AND (EXISTS (SELECT 1 FROM lesson_progress l WHERE l.org_id = u.org_id AND l.user_id = u.id) \
       OR EXISTS (SELECT 1 FROM check_attempts a WHERE a.org_id = u.org_id AND a.user_id = u.id))";

/// Certificates due at `$1`: expired `certificates_days` ago, not yet tombstones.
const CERTIFICATES_DUE: &str = "FROM certificates c JOIN org_retention p ON p.org_id = c.org_id \
     WHERE c.purged_at IS NULL AND p.certificates_days IS NOT NULL \
     AND c.valid_until + 86400000000 * p.certificates_days <= $1";

/// Audit entries due at `$1`: older than their organisation's audit period, not yet
/// redacted, not a redaction record. (Entries about held cases are left out by the
/// caller, after this text.)
const AUDIT_DUE: &str = "FROM audit_log a JOIN org_retention p ON p.org_id = a.org_id \
     WHERE a.redacted_at IS NULL AND p.audit_days IS NOT NULL AND a.action <> 'audit.redacted' \
     AND a.at < $1 - 86400000000 * p.audit_days";

/// What the retention purge would remove at a moment, by kind (`--dry-run`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueCounts {
    /// People who left whose training records are due.
    pub training: i64,
    /// Certificates due to become tombstones.
    pub certificates: i64,
    /// Audit entries due to be redacted.
    pub audit: i64,
}

/// A certificate tombstone as the public verification page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateTombstone {
    pub course_id: String,
    pub issued_at: OffsetDateTime,
    pub valid_until: OffsetDateTime,
    pub purged_at: OffsetDateTime,
}

/// The held cases' ids as the audit log names them (`target_id`), and the SQL that
/// leaves their entries out, binding from `$first`.
fn held_clause(held: &[String], first: usize) -> String {
    if held.is_empty() {
        return String::new();
    }
    let marks: Vec<String> = (0..held.len()).map(|i| format!("${}", first + i)).collect();
    // COALESCE: an entry without a target is not about a held case (NOT NULL would
    // leave it out).
    format!(" AND NOT (COALESCE(a.target_kind, '') = 'report' AND COALESCE(a.target_id, '') IN ({}))", marks.join(", "))
}

impl Db {
    /// A person leaves the organisation: deactivated (no sign-in, sessions ended,
    /// tokens revoked), `left_at` set — from then the training period runs. Audited
    /// (`user.deactivated`) in the same transaction.
    ///
    /// # Errors
    /// [`crate::StorageError::NotFound`] when the organisation has no such active
    /// person; the database failed.
    pub async fn deactivate_user(
        &self,
        org: OrgId,
        user: UserId,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        audited_tx!(self, audit, now, |tx| {
            one_row_or!(
                tx,
                crate::StorageError::NotFound,
                sqlx::query(
                    "UPDATE users SET active = FALSE, left_at = $3 \
                     WHERE org_id = $1 AND id = $2 AND active = TRUE AND tip_line = FALSE"
                )
                .bind(org.as_uuid())
                .bind(user.as_uuid())
                .bind(to_micros(now))
            );
            exec_in_tx!(tx, "DELETE FROM sessions WHERE user_id = $1", user.as_uuid());
            revoke_tokens_in_tx!(tx, org, user, audit.actor, "left the organisation", now);
        });
        Ok(())
    }

    /// How much of each kind is due at `now` (changes nothing).
    ///
    /// # Errors
    /// The database failed.
    pub async fn due_counts(&self, now: OffsetDateTime) -> Result<DueCounts> {
        let held = self.held_case_ids().await?;
        let at = to_micros(now);
        Ok(DueCounts {
            training: self.count_due(&format!("SELECT COUNT(*) {TRAINING_DUE}"), at, &[]).await?,
            certificates: self.count_due(&format!("SELECT COUNT(*) {CERTIFICATES_DUE}"), at, &[]).await?,
            audit: self.count_due(&format!("SELECT COUNT(*) {AUDIT_DUE}{}", held_clause(&held, 2)), at, &held).await?,
        })
    }

    /// One due count: `sql` binds the moment as `$1`, then `held`.
    async fn count_due(&self, sql: &str, at: i64, held: &[String]) -> Result<i64> {
        Ok(db_run!(self, |p| {
            let mut q = sqlx::query_scalar(sql).bind(at);
            for h in held {
                q = q.bind(h);
            }
            q.fetch_one(p).await?
        }))
    }

    /// The ids of every case under legal hold, as text (as audit entries name them).
    async fn held_case_ids(&self) -> Result<Vec<String>> {
        let ids: Vec<Uuid> = fetch!(self, query_scalar.fetch_all, "SELECT id FROM reports WHERE hold_at IS NOT NULL");
        Ok(ids.into_iter().map(|u| u.to_string()).collect())
    }

    /// Remove the training records of up to `limit` people whose training period has
    /// passed since they left, in one transaction, one `training.purged` entry each.
    /// Returns the people.
    ///
    /// # Errors
    /// The database failed; nothing of this batch was written.
    pub async fn purge_training_batch(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<(OrgId, UserId)>> {
        let sql = format!("SELECT u.org_id, u.id, u.left_at {TRAINING_DUE} ORDER BY u.left_at, u.id LIMIT $2");
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(tx, "UPDATE audit_head SET seq = seq WHERE id = 1");
            let rows: Vec<(Uuid, Uuid, i64)> =
                sqlx::query_as(&sql).bind(to_micros(now)).bind(limit).fetch_all(&mut *tx).await?;
            let mut done = Vec::with_capacity(rows.len());
            for (org, user, left_at) in rows {
                exec_in_tx!(
                    tx,
                    "UPDATE certificates SET attempt_id = NULL WHERE attempt_id IN \
                     (SELECT id FROM check_attempts WHERE org_id = $1 AND user_id = $2)",
                    org,
                    user
                );
                let mut removed = [0u64; 3];
                for (n, sql) in [
                    "DELETE FROM check_attempts WHERE org_id = $1 AND user_id = $2",
                    "DELETE FROM lesson_progress WHERE org_id = $1 AND user_id = $2",
                    "DELETE FROM training_reminders WHERE user_id = $2 AND EXISTS \
                     (SELECT 1 FROM users u WHERE u.id = $2 AND u.org_id = $1)",
                ]
                .into_iter()
                .enumerate()
                {
                    removed[n] = sqlx::query(sql).bind(org).bind(user).execute(&mut *tx).await?.rows_affected();
                }
                let (org, user) = (OrgId::from_uuid(org), UserId::from_uuid(user));
                let audit =
                    NewAuditEntry::new(AuditAction::TrainingPurged).org(org).target("user", user).detail(format!(
                        "retention: left {}; {} check attempt(s), {} lesson(s), {} reminder(s) removed",
                        from_micros(left_at).date(),
                        removed[0],
                        removed[1],
                        removed[2]
                    ));
                audit_in_tx!(tx, &audit, now);
                done.push((org, user));
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    /// The organisations with certificates due at `now`, each with the earliest issue
    /// time among them (the compliance figures from that fiscal year on are frozen
    /// before the certificates go).
    ///
    /// # Errors
    /// The database failed.
    pub async fn certificates_due_by_org(&self, now: OffsetDateTime) -> Result<Vec<(OrgId, OffsetDateTime)>> {
        let sql = format!("SELECT c.org_id, MIN(c.issued_at) {CERTIFICATES_DUE} GROUP BY c.org_id ORDER BY c.org_id");
        let rows: Vec<(Uuid, i64)> = fetch!(self, query_as.fetch_all, &sql, to_micros(now));
        Ok(rows.into_iter().map(|(o, at)| (OrgId::from_uuid(o), from_micros(at))).collect())
    }

    /// Make up to `limit` due certificates tombstones in one transaction, one
    /// `certificate.purged` entry each. Returns their ids.
    ///
    /// # Errors
    /// The database failed; nothing of this batch was written.
    pub async fn purge_certificates_batch(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<Uuid>> {
        let sql = format!(
            "SELECT c.id, c.org_id, c.course_id, c.issued_at, c.valid_until {CERTIFICATES_DUE} \
             ORDER BY c.valid_until, c.id LIMIT $2"
        );
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(tx, "UPDATE audit_head SET seq = seq WHERE id = 1");
            let rows: Vec<(Uuid, Uuid, String, i64, i64)> =
                sqlx::query_as(&sql).bind(to_micros(now)).bind(limit).fetch_all(&mut *tx).await?;
            let mut done = Vec::with_capacity(rows.len());
            for (id, org, course, issued, until) in rows {
                let n = sqlx::query(
                    "UPDATE certificates SET user_id = NULL, name = '', attempt_id = NULL, revoked_by = NULL, \
                     revoke_reason = NULL, purged_at = $3 WHERE org_id = $1 AND id = $2 AND purged_at IS NULL",
                )
                .bind(org)
                .bind(id)
                .bind(to_micros(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    continue;
                }
                let audit = NewAuditEntry::new(AuditAction::CertificatePurged)
                    .org(OrgId::from_uuid(org))
                    .target("certificate", id)
                    .detail(format!(
                        "retention: {course}, issued {}, expired {}",
                        from_micros(issued).date(),
                        from_micros(until).date()
                    ));
                audit_in_tx!(tx, &audit, now);
                done.push(id);
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    /// The tombstone of the certificate with `code`, if it is one.
    ///
    /// # Errors
    /// The database failed.
    pub async fn certificate_tombstone(&self, code: &str) -> Result<Option<CertificateTombstone>> {
        let row: Option<(String, i64, i64, i64)> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT course_id, issued_at, valid_until, purged_at FROM certificates \
             WHERE code = $1 AND purged_at IS NOT NULL",
            code
        );
        Ok(row.map(|(course_id, issued, until, purged)| CertificateTombstone {
            course_id,
            issued_at: from_micros(issued),
            valid_until: from_micros(until),
            purged_at: from_micros(purged),
        }))
    }

    /// Redact up to `limit` due audit entries in one transaction (never one about a
    /// case under hold), then append one `audit.redacted` record per organisation
    /// naming the range of sequence numbers it covers. Returns how many entries were
    /// redacted.
    ///
    /// # Errors
    /// The database failed (or its guard refused: the database's clock is behind
    /// `now`); nothing of this batch was written.
    pub async fn redact_audit_batch(&self, now: OffsetDateTime, limit: i64) -> Result<usize> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(tx, "UPDATE audit_head SET seq = seq WHERE id = 1");
            // Holds are placed with an audit entry, so under the chain's lock the
            // list cannot change until this batch commits.
            let held: Vec<String> = sqlx::query_scalar::<_, Uuid>("SELECT id FROM reports WHERE hold_at IS NOT NULL")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|u| u.to_string())
                .collect();
            let sql = format!(
                "SELECT a.seq, a.org_id, p.audit_days {AUDIT_DUE}{} ORDER BY a.seq LIMIT $2",
                held_clause(&held, 3)
            );
            let mut q = sqlx::query_as(&sql).bind(to_micros(now)).bind(limit);
            for h in &held {
                q = q.bind(h);
            }
            let rows: Vec<(i64, Uuid, i64)> = q.fetch_all(&mut *tx).await?;
            // Per organisation: the first and last seq redacted, how many, its period.
            let mut runs: Vec<(Uuid, i64, i64, usize, i64)> = Vec::new();
            for (seq, org, days) in &rows {
                exec_in_tx!(
                    tx,
                    "UPDATE audit_log SET detail = '', ip = NULL, actor_id = NULL, redacted_at = $2 \
                     WHERE seq = $1 AND redacted_at IS NULL",
                    seq,
                    to_micros(now)
                );
                match runs.iter_mut().find(|r| r.0 == *org) {
                    Some(r) => {
                        r.2 = *seq;
                        r.3 += 1;
                    }
                    None => runs.push((*org, *seq, *seq, 1, *days)),
                }
            }
            for (org, first, last, n, days) in runs {
                let audit = NewAuditEntry::new(AuditAction::AuditRedacted)
                    .org(OrgId::from_uuid(org))
                    .target(REDACTED_RANGE, format!("{first}-{last}"))
                    .detail(format!("retention: {n} entries older than {days} days redacted (detail, address, actor)"));
                audit_in_tx!(tx, &audit, now);
            }
            tx.commit().await?;
            Ok(rows.len())
        })
    }

    /// A past fiscal year's compliance figures as frozen (JSON), if they were.
    ///
    /// # Errors
    /// The database failed.
    pub async fn frozen_compliance_year(&self, org: OrgId, year: i32) -> Result<Option<String>> {
        Ok(fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT figures FROM compliance_years WHERE org_id = $1 AND fiscal_year = $2",
            org.as_uuid(),
            i64::from(year)
        ))
    }

    /// Freeze a past fiscal year's compliance figures (the first freeze stands).
    ///
    /// # Errors
    /// The database failed.
    pub async fn freeze_compliance_year(
        &self,
        org: OrgId,
        year: i32,
        figures: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        exec!(
            self,
            "INSERT INTO compliance_years (org_id, fiscal_year, figures, frozen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, fiscal_year) DO NOTHING",
            org.as_uuid(),
            i64::from(year),
            figures,
            to_micros(now)
        );
        Ok(())
    }
}
