//! Learning records: lesson progress, scenario-check attempts, certificates.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StorageError, from_micros, to_micros};

/// Who an attempt belongs to: a signed-in user, or an anonymous browser (the public
/// course), known only by the hash of a random cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Learner {
    User { org: OrgId, user: UserId },
    Anonymous { hash: Vec<u8> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: Uuid,
    pub course_id: String,
    pub lang: String,
    /// JSON: the drawn questions with their option order.
    pub drawn: String,
    /// JSON: the graded answers, once submitted.
    pub graded: Option<String>,
    pub percent: Option<i64>,
    pub passed: Option<bool>,
    pub started_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub id: Uuid,
    pub code: String,
    /// The attempt that earned it; none once the holder's training records were
    /// purged (or the certificate became a tombstone).
    pub attempt_id: Option<Uuid>,
    pub org_id: Option<OrgId>,
    pub user_id: Option<UserId>,
    pub name: String,
    pub course_id: String,
    pub lang: String,
    pub issued_at: OffsetDateTime,
    pub valid_until: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoke_reason: Option<String>,
}

/// A staff certificate that expires soon, and whom to remind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDue {
    pub certificate: Uuid,
    pub org_id: OrgId,
    pub email: String,
    pub name: String,
    pub locale: Option<String>,
    pub course_id: String,
    pub lang: String,
    pub valid_until: OffsetDateTime,
}

/// A certificate due a reminder, with its holder.
#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: Uuid,
    org_id: Uuid,
    email: String,
    name: String,
    locale: Option<String>,
    course_id: String,
    lang: String,
    valid_until: i64,
}

/// A certificate to issue.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub code: String,
    pub attempt_id: Uuid,
    pub name: String,
    pub course_id: String,
    pub lang: String,
    pub issued_at: OffsetDateTime,
    pub valid_until: OffsetDateTime,
}

/// A `check_attempts` row as [`ATTEMPT_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: Uuid,
    course_id: String,
    lang: String,
    drawn: String,
    graded: Option<String>,
    percent: Option<i64>,
    passed: Option<bool>,
    started_at: i64,
    submitted_at: Option<i64>,
}
const ATTEMPT_COLUMNS: &str = "id, course_id, lang, drawn, graded, percent, passed, started_at, submitted_at";

fn to_attempt(r: AttemptRow) -> Attempt {
    Attempt {
        id: r.id,
        course_id: r.course_id,
        lang: r.lang,
        drawn: r.drawn,
        graded: r.graded,
        percent: r.percent,
        passed: r.passed,
        started_at: from_micros(r.started_at),
        submitted_at: r.submitted_at.map(from_micros),
    }
}

/// A `certificates` row as [`CERT_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct CertRow {
    id: Uuid,
    code: String,
    attempt_id: Option<Uuid>,
    org_id: Option<Uuid>,
    user_id: Option<Uuid>,
    name: String,
    course_id: String,
    lang: String,
    issued_at: i64,
    valid_until: i64,
    revoked_at: Option<i64>,
    revoke_reason: Option<String>,
}
const CERT_COLUMNS: &str =
    "id, code, attempt_id, org_id, user_id, name, course_id, lang, issued_at, valid_until, revoked_at, revoke_reason";

fn to_cert(r: CertRow) -> Certificate {
    Certificate {
        id: r.id,
        code: r.code,
        attempt_id: r.attempt_id,
        org_id: r.org_id.map(OrgId::from_uuid),
        user_id: r.user_id.map(UserId::from_uuid),
        name: r.name,
        course_id: r.course_id,
        lang: r.lang,
        issued_at: from_micros(r.issued_at),
        valid_until: from_micros(r.valid_until),
        revoked_at: r.revoked_at.map(from_micros),
        revoke_reason: r.revoke_reason,
    }
}

impl Learner {
    fn parts(&self) -> (Option<Uuid>, Option<Uuid>, Option<&[u8]>) {
        match self {
            Self::User { org, user } => (Some(org.as_uuid()), Some(user.as_uuid()), None),
            Self::Anonymous { hash } => (None, None, Some(hash.as_slice())),
        }
    }
    /// The SQL condition selecting this learner's rows, with bind positions from `$n`.
    fn clause(&self, n: usize) -> String {
        match self {
            Self::User { .. } => format!("org_id = ${n} AND user_id = ${}", n + 1),
            Self::Anonymous { .. } => format!("anon_hash = ${n}"),
        }
    }
}

/// Bind a learner's key after a query's other values, where [`Learner::clause`]
/// numbered them.
macro_rules! bind_learner {
    ($q:expr, $learner:expr) => {
        match $learner {
            Learner::User { org, user } => $q.bind(org.as_uuid()).bind(user.as_uuid()),
            Learner::Anonymous { hash } => $q.bind(hash.clone()),
        }
    };
}

impl Db {
    /// Mark a lesson as read (idempotent).
    ///
    /// # Errors
    /// The database failed.
    pub async fn mark_lesson_done(
        &self,
        org: OrgId,
        user: UserId,
        course: &str,
        slug: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.mark_lesson_done_queued(org, user, course, slug, &[], now).await.map(|_| ())
    }

    /// Mark a lesson as read (idempotent) and, the first time, queue `xapi` — while
    /// the organisation has xAPI on — in the same transaction. Returns whether it was
    /// read for the first time.
    ///
    /// # Errors
    /// The database failed.
    pub async fn mark_lesson_done_queued(
        &self,
        org: OrgId,
        user: UserId,
        course: &str,
        slug: &str,
        xapi: &[crate::NewStatement],
        now: OffsetDateTime,
    ) -> Result<bool> {
        Ok(db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let first = sqlx::query(
                "INSERT INTO lesson_progress (org_id, user_id, course_id, lesson_slug, completed_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, course_id, lesson_slug) DO NOTHING",
            )
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .bind(course)
            .bind(slug)
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if first {
                xapi_in_tx!(tx, org, xapi, now);
            }
            tx.commit().await?;
            first
        }))
    }

    /// The lessons a user has read in a course.
    ///
    /// # Errors
    /// The database failed.
    pub async fn lessons_done(&self, org: OrgId, user: UserId, course: &str) -> Result<Vec<String>> {
        let slugs: Vec<String> = db_run!(self, |p| {
            sqlx::query_scalar(
            "SELECT lesson_slug FROM lesson_progress WHERE org_id = $1 AND user_id = $2 AND course_id = $3 ORDER BY lesson_slug"
        )
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .bind(course)
        .fetch_all(p)
        .await?
        });
        Ok(slugs)
    }

    /// Start an attempt with its draw (JSON). Returns its id.
    ///
    /// # Errors
    /// The database failed.
    pub async fn create_attempt(
        &self,
        learner: &Learner,
        course: &str,
        lang: &str,
        drawn: &str,
        now: OffsetDateTime,
    ) -> Result<Uuid> {
        let id = Uuid::now_v7();
        let (org, user, anon) = learner.parts();
        exec!(
            self,
            "INSERT INTO check_attempts (id, org_id, user_id, anon_hash, course_id, lang, drawn, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            id,
            org,
            user,
            anon,
            course,
            lang,
            drawn,
            to_micros(now)
        );
        Ok(id)
    }

    /// One of this learner's attempts.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not theirs.
    pub async fn attempt(&self, learner: &Learner, id: Uuid) -> Result<Attempt> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM check_attempts WHERE id = $1 AND {}", learner.clause(2));
        let row: Option<AttemptRow> = db_run!(self, |p| {
            let q = sqlx::query_as(&sql).bind(id);
            let q = bind_learner!(q, learner);
            q.fetch_optional(p).await?
        });
        row.map(to_attempt).ok_or(StorageError::NotFound)
    }

    /// This learner's attempts at a course, newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn attempts(&self, learner: &Learner, course: &str) -> Result<Vec<Attempt>> {
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM check_attempts WHERE course_id = $1 AND {} ORDER BY started_at DESC, id DESC",
            learner.clause(2)
        );
        let rows: Vec<AttemptRow> = db_run!(self, |p| {
            let q = sqlx::query_as(&sql).bind(course);
            let q = bind_learner!(q, learner);
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(to_attempt).collect())
    }

    /// Record the grade of an unsubmitted attempt, and for a signed-in learner who
    /// passed, issue their certificate in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] (`attempt`) if it was already submitted;
    /// [`StorageError::NotFound`] if it is not this learner's.
    #[allow(clippy::too_many_arguments)]
    pub async fn submit_attempt(
        &self,
        learner: &Learner,
        id: Uuid,
        graded: &str,
        percent: u32,
        passed: bool,
        certificate: Option<&NewCertificate>,
        now: OffsetDateTime,
    ) -> Result<()> {
        self.submit_attempt_queued(learner, id, (graded, percent, passed), certificate, &[], now).await
    }

    /// [`Db::submit_attempt`] (`grade`: the graded answers' JSON, percent, passed),
    /// and for a signed-in learner also queue `xapi` — while their organisation has
    /// xAPI on — in the same transaction.
    ///
    /// # Errors
    /// As [`Db::submit_attempt`].
    pub async fn submit_attempt_queued(
        &self,
        learner: &Learner,
        id: Uuid,
        (graded, percent, passed): (&str, u32, bool),
        certificate: Option<&NewCertificate>,
        xapi: &[crate::NewStatement],
        now: OffsetDateTime,
    ) -> Result<()> {
        self.attempt(learner, id).await?;
        let sql = format!(
            "UPDATE check_attempts SET graded = $1, percent = $2, passed = $3, submitted_at = $4 \
             WHERE id = $5 AND submitted_at IS NULL AND {}",
            learner.clause(6)
        );
        let percent = i64::from(percent);
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let q = sqlx::query(&sql).bind(graded).bind(percent).bind(passed).bind(to_micros(now)).bind(id);
            let q = bind_learner!(q, learner);
            one_row_or!(tx, StorageError::Conflict { field: "attempt" }, q);
            if let (Some(c), Learner::User { org, user }) = (certificate, learner) {
                insert_cert!(tx, c, Some(org.as_uuid()), Some(user.as_uuid()));
                let audit = NewAuditEntry::new(AuditAction::CertificateIssued)
                    .org(*org)
                    .actor(*user)
                    .target("certificate", &c.code)
                    .detail(c.course_id.clone());
                audit_in_tx!(tx, &audit, now);
            }
            if let Learner::User { org, .. } = learner {
                xapi_in_tx!(tx, org, xapi, now);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Issue a certificate for an anonymous learner's passed attempt (the public
    /// course: the name is optional, so this is a separate step).
    ///
    /// # Errors
    /// [`StorageError::NotFound`] unless the attempt is this learner's and passed;
    /// [`StorageError::Conflict`] if it already has a certificate.
    pub async fn issue_public_certificate(&self, learner: &Learner, c: &NewCertificate) -> Result<()> {
        let attempt = self.attempt(learner, c.attempt_id).await?;
        if attempt.passed != Some(true) {
            return Err(StorageError::NotFound);
        }
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let none: Option<Uuid> = None;
            insert_cert!(tx, c, none, none);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A certificate by its public code (a tombstone is "not found": see
    /// [`Db::certificate_tombstone`]).
    ///
    /// # Errors
    /// [`StorageError::NotFound`].
    pub async fn certificate(&self, code: &str) -> Result<Certificate> {
        let sql = format!("SELECT {CERT_COLUMNS} FROM certificates WHERE code = $1 AND purged_at IS NULL");
        let row: Option<CertRow> = fetch!(self, query_as.fetch_optional, &sql, code);
        row.map(to_cert).ok_or(StorageError::NotFound)
    }

    /// The certificate issued for an attempt, if any.
    ///
    /// # Errors
    /// The database failed.
    pub async fn certificate_for_attempt(&self, attempt: Uuid) -> Result<Option<Certificate>> {
        let sql = format!("SELECT {CERT_COLUMNS} FROM certificates WHERE attempt_id = $1");
        let row: Option<CertRow> = fetch!(self, query_as.fetch_optional, &sql, attempt);
        Ok(row.map(to_cert))
    }

    /// An organisation's certificates (for compliance tracking), newest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn certificates_for_org(&self, org: OrgId) -> Result<Vec<Certificate>> {
        let sql = format!(
            "SELECT {CERT_COLUMNS} FROM certificates WHERE org_id = $1 AND purged_at IS NULL ORDER BY issued_at DESC"
        );
        let rows: Vec<CertRow> = fetch!(self, query_as.fetch_all, &sql, org.as_uuid());
        Ok(rows.into_iter().map(to_cert).collect())
    }

    /// Revoke one of the organisation's certificates, with a reason, audited.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it is not this organisation's or already revoked.
    pub async fn revoke_certificate(
        &self,
        org: OrgId,
        code: &str,
        by: UserId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let audit = NewAuditEntry::new(AuditAction::CertificateRevoked)
            .org(org)
            .actor(by)
            .target("certificate", code)
            .detail(reason.to_owned());
        audited_tx!(self, &audit, now, |tx| {
            one_row_or!(
                tx,
                StorageError::NotFound,
                sqlx::query(
                    "UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
                 WHERE org_id = $4 AND code = $5 AND revoked_at IS NULL",
                )
                .bind(to_micros(now))
                .bind(by.as_uuid())
                .bind(reason)
                .bind(org.as_uuid())
                .bind(code)
            );
            count_certificate_in_tx!(tx, code, -1);
        });
        Ok(())
    }

    /// Staff certificates expiring after `now` and by `horizon` whose holder has not
    /// been reminded, is active, and holds no newer certificate for the course.
    ///
    /// # Errors
    /// The database failed.
    pub async fn certificates_due_reminder(
        &self,
        now: OffsetDateTime,
        horizon: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<ReminderDue>> {
        let rows: Vec<ReminderRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT c.id, c.org_id, u.email, u.name, u.locale, c.course_id, c.lang, c.valid_until \
             FROM certificates c JOIN users u ON u.id = c.user_id AND u.org_id = c.org_id \
             WHERE c.reminded_at IS NULL AND c.revoked_at IS NULL AND c.valid_until > $1 AND c.valid_until <= $2 \
             AND u.active = TRUE AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.user_id = c.user_id \
             AND n.course_id = c.course_id AND n.revoked_at IS NULL AND n.valid_until > c.valid_until) \
             ORDER BY c.valid_until LIMIT $3",
            to_micros(now),
            to_micros(horizon),
            limit
        );
        Ok(rows
            .into_iter()
            .map(|r| ReminderDue {
                certificate: r.id,
                org_id: OrgId::from_uuid(r.org_id),
                email: r.email,
                name: r.name,
                locale: r.locale,
                course_id: r.course_id,
                lang: r.lang,
                valid_until: from_micros(r.valid_until),
            })
            .collect())
    }

    /// Mark a certificate's holder reminded and queue the e-mail, in one transaction.
    /// Returns false if someone else reminded them first.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn remind_certificate(
        &self,
        org: OrgId,
        certificate: Uuid,
        mail: &crate::NewMail,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let done = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE certificates SET reminded_at = $1 WHERE id = $2 AND org_id = $3 AND reminded_at IS NULL",
            )
            .bind(to_micros(now))
            .bind(certificate)
            .bind(org.as_uuid())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                mail_in_tx!(tx, org, mail, now);
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            n == 1
        });
        Ok(done)
    }
}
