//! Learn, the training use cases: progress through a role course, the scenario check
//! (drawn, graded and stored), certificates (issued on passing, the public course's
//! on request, downloaded as a PDF, verified by anyone, revoked by an administrator)
//! and an organisation's training compliance.
//!
//! A staff course is taken by a signed-in person; the public course also by an
//! anonymous browser, known only by the hash of a random token it keeps in a cookie
//! ([`Learner::Browser`]). Its lesson progress stays in the browser.

use std::collections::HashMap;

use sightline_domain::ids::OrgId;
use sightline_domain::learn::{self, Audience, CertificateStatus, Course, Drawn, GradeError, Graded, Rng};
use sightline_domain::user::{PersonName, Role};
use sightline_storage::{self as storage, Attempt, Certificate, NewCertificate, Owned, StorageError, UserRecord};
use uuid::Uuid;

use crate::access::{Asker, OrRefuse, refuse};
use crate::pdf::{self, CertificateText};
use crate::security::{hash_token, random_bytes};
use crate::xapi;
use crate::{App, AppError, Caller, Result};
use sightline_domain::xapi::Event;

/// Who is learning.
#[derive(Debug, Clone)]
pub enum Learner {
    /// A signed-in person past the two-factor gate.
    Person(Box<Caller>),
    /// An anonymous browser on the public course: the hash of its token.
    Browser(Vec<u8>),
    /// An anonymous browser with no token yet.
    Nobody,
}

impl Learner {
    /// The anonymous browser holding `token` (from its cookie).
    #[must_use]
    pub fn browser(token: &str) -> Self {
        Self::Browser(hash_token(token))
    }

    /// The signed-in person, or the browser's token if it has one.
    #[must_use]
    pub fn of(caller: Option<Caller>, token: Option<&str>) -> Self {
        match (caller, token) {
            (Some(c), _) => Self::Person(Box::new(c)),
            (None, Some(t)) => Self::browser(t),
            (None, None) => Self::Nobody,
        }
    }

    #[must_use]
    pub fn caller(&self) -> Option<&Caller> {
        match self {
            Self::Person(c) => Some(c.as_ref()),
            _ => None,
        }
    }

    /// The key storage keeps attempts under.
    fn key(&self) -> Option<storage::Learner> {
        match self {
            Self::Person(c) => Some(storage::Learner::User { org: c.org(), user: c.id() }),
            Self::Browser(hash) => Some(storage::Learner::Anonymous { hash: hash.clone() }),
            Self::Nobody => None,
        }
    }
}

/// A certificate with its standing now.
pub type Standing = (Certificate, CertificateStatus);

/// What the public verification of a code found.
#[derive(Debug, Clone)]
pub enum Verified {
    /// The certificate and its standing now.
    Found(Standing),
    /// A tombstone: the certificate was removed under its organisation's retention
    /// policy (course and dates only, nothing about its holder).
    Removed(sightline_storage::CertificateTombstone),
}

/// One course on the course list, for this learner.
#[derive(Debug, Clone)]
pub struct CourseCard<'a> {
    pub course: &'a Course,
    /// Is it a course for the learner's position (the public course for anonymous
    /// learners; any staff course for a person with no position)?
    pub theirs: bool,
    /// Lessons read.
    pub done: usize,
    /// The learner's newest certificate of this course.
    pub certificate: Option<Standing>,
}

/// Where a learner stands in one course.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Slugs of the lessons read.
    pub done: Vec<String>,
    /// Their check attempts, newest first.
    pub attempts: Vec<Attempt>,
    /// The certificate of their newest passed attempt that has one.
    pub certificate: Option<Standing>,
}

/// A scenario check as stored: the questions drawn (with their option order), the
/// grade once submitted, and its certificate when one was issued.
#[derive(Debug, Clone)]
pub struct Check {
    pub attempt: Attempt,
    pub drawn: Vec<Drawn>,
    /// Empty until submitted.
    pub graded: Vec<Graded>,
    pub certificate: Option<Certificate>,
}

/// What submitting a check did.
#[derive(Debug, Clone)]
pub enum Submitted {
    /// Graded and stored (with a certificate when a signed-in person passed).
    Graded,
    /// Not every question was answered: nothing was stored. The check to show again
    /// with the answers given, and how many are missing.
    Unanswered { check: Box<Check>, answers: HashMap<String, usize>, missing: usize },
}

/// One person's row of the compliance table.
#[derive(Debug, Clone)]
pub struct TrainingRow {
    pub user: UserRecord,
    /// Per staff course: their newest certificate.
    pub cells: Vec<Option<Standing>>,
    /// Compliance (domain rule: [`learn::compliant`]); none when no course is required.
    pub compliant: Option<bool>,
}

/// An organisation's training compliance.
#[derive(Debug, Clone)]
pub struct Training<'a> {
    pub org_name: String,
    /// The staff courses, the table's columns.
    pub courses: Vec<&'a Course>,
    pub rows: Vec<TrainingRow>,
    /// People holding a valid certificate of the course their position requires.
    pub valid: usize,
    /// People whose required course's certificate is missing, expired or revoked.
    pub due: usize,
}

/// The certificate's words in its language (the web layer translates them).
#[derive(Debug, Clone, Default)]
pub struct CertificateWords {
    pub heading: String,
    pub certifies: String,
    pub completed: String,
    pub language_line: String,
    pub issued_line: String,
    pub valid_line: String,
    pub code_line: String,
    pub verify_line: String,
    pub verify_url: String,
    pub footer: String,
}

fn standing(c: Certificate, now: time::OffsetDateTime) -> Standing {
    let status = learn::certificate_status(c.valid_until, c.revoked_at.is_some(), now);
    (c, status)
}

/// The newest of `certs` that `user` holds for `course`.
fn newest<'c>(certs: &'c [Certificate], user: sightline_domain::ids::UserId, course: &str) -> Option<&'c Certificate> {
    certs.iter().filter(|c| c.user_id == Some(user) && c.course_id == course).max_by_key(|c| c.issued_at)
}

fn drawn_of(a: &Attempt) -> Result<Vec<Drawn>> {
    serde_json::from_str(&a.drawn).map_err(|e| AppError::Internal(format!("stored draw: {e}")))
}

fn new_certificate(attempt: &Attempt, name: String, now: time::OffsetDateTime) -> Result<NewCertificate> {
    Ok(NewCertificate {
        code: learn::certificate_code(random_bytes::<8>().map_err(AppError::Internal)?),
        attempt_id: attempt.id,
        name,
        course_id: attempt.course_id.clone(),
        lang: attempt.lang.clone(),
        issued_at: now,
        valid_until: learn::valid_until(now),
    })
}

impl App {
    /// A course of the library.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub fn course(&self, id: &str) -> Result<&Course> {
        self.library.course(id).ok_or(AppError::NotFound)
    }

    /// The course list for this learner. Anonymous learners see the public course only;
    /// `public_done` is the public course's progress kept in their browser.
    ///
    /// # Errors
    /// The database failed.
    pub async fn courses(&self, who: &Learner, public_done: &[String]) -> Result<Vec<CourseCard<'_>>> {
        let me = who.caller();
        let certs = match me {
            Some(c) => self.db.certificates_for_org(c.org()).await?,
            None => Vec::new(),
        };
        let now = self.now();
        let mut cards = Vec::new();
        for course in &self.library.courses {
            let theirs = match me {
                None => course.audience == Audience::Public,
                Some(c) => c.position.map_or(course.audience != Audience::Public, |p| course.audience == p),
            };
            if me.is_none() && !theirs {
                continue;
            }
            let done = match me {
                Some(c) => self.db.lessons_done(c.org(), c.id(), &course.id).await?.len(),
                None => public_done.len().min(course.lessons(learn::FALLBACK_LANG).len()),
            };
            let certificate = me.and_then(|c| newest(&certs, c.id(), &course.id)).map(|c| standing(c.clone(), now));
            cards.push(CourseCard { course, theirs, done, certificate });
        }
        Ok(cards)
    }

    /// Where the learner stands in `course`. A staff course needs a signed-in person
    /// (the web layer sends anyone else to sign in first).
    ///
    /// # Errors
    /// No such course; the database failed.
    pub async fn progress(&self, who: &Learner, course: &str, public_done: &[String]) -> Result<Progress> {
        let course = self.course(course)?;
        let done = self.lessons_read(who, &course.id, public_done).await?;
        let attempts = match who.key() {
            Some(k) => self.db.attempts(&k, &course.id).await?,
            None => Vec::new(),
        };
        let mut certificate = None;
        for a in attempts.iter().filter(|a| a.passed == Some(true)) {
            if let Some(c) = self.db.certificate_for_attempt(a.id).await? {
                certificate = Some(standing(c, self.now()));
                break;
            }
        }
        Ok(Progress { done, attempts, certificate })
    }

    /// The slugs of the lessons of `course` the learner has read (an anonymous
    /// learner's, `public_done`, are kept in their browser).
    ///
    /// # Errors
    /// The database failed.
    pub async fn lessons_read(&self, who: &Learner, course: &str, public_done: &[String]) -> Result<Vec<String>> {
        Ok(match who.caller() {
            Some(c) => self.db.lessons_done(c.org(), c.id(), course).await?,
            None => public_done.to_vec(),
        })
    }

    /// Record that a signed-in person read a lesson (an anonymous learner's progress
    /// stays in their browser).
    ///
    /// # Errors
    /// No such course or lesson; the database failed.
    /// The first time, an xAPI `experienced` statement is queued with it (while the
    /// organisation has xAPI on).
    pub async fn lesson_done(&self, caller: &Caller, course: &str, slug: &str) -> Result<()> {
        let course = self.course(course)?;
        let lang = caller.locale.as_deref().filter(|l| course.languages.iter().any(|c| c == l));
        let lang = lang.unwrap_or(learn::FALLBACK_LANG);
        let lessons = course.lessons(lang);
        let Some(lesson) = lessons.iter().find(|l| l.item.slug == slug) else {
            return Err(AppError::NotFound);
        };
        let course_title = xapi::title(course, lang);
        let event = Event::Lesson { course: &course.id, course_title, slug, title: &lesson.item.title };
        let statements = self.statements(caller, &[event], lang).await?;
        self.db.mark_lesson_done_queued(caller.org(), caller.id(), &course.id, slug, &statements, self.now()).await?;
        Ok(())
    }

    /// Start a scenario check: draw its questions (domain rule: [`learn::draw`]) and
    /// store the attempt, shown in `lang`. Returns the attempt's id.
    ///
    /// # Errors
    /// No such course; a learner with no identity ([`Learner::Nobody`]: give the
    /// browser a token first); the database failed.
    pub async fn start_check(&self, who: &Learner, course: &str, lang: &str) -> Result<Uuid> {
        let course = self.course(course)?;
        let key = who.key().ok_or(AppError::Forbidden)?;
        let mut rng = Rng::from_seed(random_bytes::<8>().map_err(AppError::Internal)?);
        let drawn = learn::draw(course, &mut rng);
        let json = serde_json::to_string(&drawn).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(self.db.create_attempt(&key, &course.id, lang, &json, self.now()).await?)
    }

    /// The learner's own attempt of `course`. Another person's is "not found", and a
    /// signed-in person's attempt on another organisation's is audited.
    async fn own_attempt(&self, who: &Learner, course: &Course, id: Uuid) -> Result<(storage::Learner, Attempt)> {
        let key = who.key().ok_or(AppError::NotFound)?;
        let found = self.db.attempt(&key, id).await;
        let a = match who.caller() {
            Some(c) => found.or_refuse(self, Asker::of(c), Owned::Attempt(id)).await?,
            None => found?,
        };
        if a.course_id != course.id {
            return Err(AppError::NotFound);
        }
        Ok((key, a))
    }

    /// A check of the learner's: its questions, and once submitted its grade and
    /// certificate.
    ///
    /// # Errors
    /// No such course; not the learner's attempt of it; a stored draw or grade that
    /// cannot be read.
    pub async fn check(&self, who: &Learner, course: &str, attempt: Uuid) -> Result<Check> {
        let course = self.course(course)?;
        let (_, a) = self.own_attempt(who, course, attempt).await?;
        self.check_of(a).await
    }

    async fn check_of(&self, attempt: Attempt) -> Result<Check> {
        let drawn = drawn_of(&attempt)?;
        let (graded, certificate) = if attempt.submitted_at.is_some() {
            let graded = serde_json::from_str(attempt.graded.as_deref().unwrap_or("[]"))
                .map_err(|e| AppError::Internal(format!("stored grade: {e}")))?;
            (graded, self.db.certificate_for_attempt(attempt.id).await?)
        } else {
            (Vec::new(), None)
        };
        Ok(Check { attempt, drawn, graded, certificate })
    }

    /// Submit a check once: `answers` are (question id, chosen position) as sent.
    /// Graded by the domain ([`learn::grade`]); a signed-in person who passes gets a
    /// certificate in their name, valid for a year.
    ///
    /// # Errors
    /// As [`Self::check`]; already submitted ([`AppError::Conflict`] on `attempt`);
    /// answers that are not the drawn questions' options — tampering —
    /// ([`AppError::Invalid`] on `answers`).
    pub async fn submit_check(
        &self,
        who: &Learner,
        course: &str,
        attempt: Uuid,
        answers: &[(&str, &str)],
    ) -> Result<Submitted> {
        let tampered = || AppError::field("answers", "tampered");
        let course = self.course(course)?;
        let (key, a) = self.own_attempt(who, course, attempt).await?;
        if a.submitted_at.is_some() {
            return Err(AppError::Conflict { field: "attempt" });
        }
        let mut chosen = HashMap::new();
        for (question, pos) in answers {
            let pos = pos.parse::<usize>().map_err(|_| tampered())?;
            if chosen.insert((*question).to_owned(), pos).is_some() {
                return Err(tampered());
            }
        }
        let drawn = drawn_of(&a)?;
        let grade = match learn::grade(course, &drawn, &chosen) {
            Ok(g) => g,
            Err(GradeError::Unanswered(_)) => {
                let missing = drawn.iter().filter(|d| !chosen.contains_key(&d.id)).count();
                let check = Box::new(self.check_of(a).await?);
                return Ok(Submitted::Unanswered { check, answers: chosen, missing });
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt = %a.id, "tampered check submission");
                return Err(tampered());
            }
        };
        let graded = serde_json::to_string(&grade.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        let certificate = match who.caller() {
            Some(c) if grade.passed => Some(new_certificate(&a, c.name.clone(), now)?),
            _ => None,
        };
        let statements = match who.caller() {
            Some(c) => {
                let course_title = xapi::title(course, &a.lang);
                let (id, percent, passed) = (course.id.as_str(), grade.percent, grade.passed);
                let check = Event::Check { course: id, course_title, percent, passed };
                let completed = Event::Course { course: id, course_title, percent };
                let events = if passed { vec![check, completed] } else { vec![check] };
                self.statements(c, &events, &a.lang).await?
            }
            None => Vec::new(),
        };
        let grade_row = (graded.as_str(), grade.percent, grade.passed);
        self.db.submit_attempt_queued(&key, a.id, grade_row, certificate.as_ref(), &statements, now).await.map_err(
            |e| match e {
                StorageError::Conflict { .. } => AppError::Conflict { field: "attempt" },
                other => other.into(),
            },
        )?;
        Ok(Submitted::Graded)
    }

    /// The public course's optional certificate, in the name the learner gives, for
    /// a passed attempt. Asking again changes nothing.
    ///
    /// # Errors
    /// Not the public course, not the learner's attempt or not passed
    /// ([`AppError::NotFound`]); the name is invalid ([`AppError::Invalid`]).
    pub async fn issue_public_certificate(&self, who: &Learner, course: &str, attempt: Uuid, name: &str) -> Result<()> {
        let course = self.course(course)?;
        if course.audience != Audience::Public {
            return Err(AppError::NotFound);
        }
        let (key, a) = self.own_attempt(who, course, attempt).await?;
        if a.passed != Some(true) {
            return Err(AppError::NotFound);
        }
        let name = PersonName::parse(name)?;
        let c = new_certificate(&a, name.as_str().to_owned(), self.now())?;
        match self.db.issue_public_certificate(&key, &c).await {
            Ok(()) | Err(StorageError::Conflict { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// May `who` download `c`? Its holder, their organisation's admins, platform
    /// admins, or the anonymous browser that earned it.
    async fn may_download(&self, who: &Learner, c: &Certificate) -> Result<bool> {
        match who {
            Learner::Person(u) => Ok(c.user_id == Some(u.id())
                || u.has(Role::PlatformAdmin)
                || (c.org_id == Some(u.org()) && u.has(Role::OrgAdmin))),
            Learner::Browser(hash) if c.user_id.is_none() => {
                let Some(attempt) = c.attempt_id else { return Ok(false) };
                match self.db.attempt(&storage::Learner::Anonymous { hash: hash.clone() }, attempt).await {
                    Ok(_) => Ok(true),
                    Err(StorageError::NotFound) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }
            _ => Ok(false),
        }
    }

    /// The certificate `code` as a PDF, for those who may download it. `words` gives
    /// its wording in the certificate's language. Returns the certificate and the PDF.
    ///
    /// # Errors
    /// No such certificate, or not the learner's to download ("not found"; a
    /// signed-in person's attempt is audited when the certificate is another
    /// organisation's).
    pub async fn certificate_pdf(
        &self,
        who: &Learner,
        code: &str,
        words: impl FnOnce(&Certificate) -> CertificateWords,
    ) -> Result<(Certificate, Vec<u8>)> {
        let c = self.db.certificate(code).await?;
        if !self.may_download(who, &c).await? {
            return Err(match who.caller() {
                Some(u) => refuse(self, Asker::of(u), Owned::Certificate(&c.code)).await.into(),
                None => AppError::NotFound,
            });
        }
        let course =
            self.library.course(&c.course_id).map_or_else(|| c.course_id.clone(), |k| k.title.get(&c.lang).to_owned());
        let w = words(&c);
        let pdf = pdf::certificate(&CertificateText {
            brand: "Sightline",
            heading: &w.heading,
            certifies: &w.certifies,
            name: &c.name,
            completed: &w.completed,
            course: &course,
            language_line: &w.language_line,
            issued_line: &w.issued_line,
            valid_line: &w.valid_line,
            code_line: &w.code_line,
            verify_line: &w.verify_line,
            verify_url: &w.verify_url,
            footer: &w.footer,
        })
        .map_err(AppError::Internal)?;
        Ok((c, pdf))
    }

    /// Public verification: the certificate `code` and its standing now, or its
    /// tombstone when the retention policy removed it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] (no certificate ever had this code); the database failed.
    pub async fn verify_certificate(&self, code: &str) -> Result<Verified> {
        match self.db.certificate(code).await {
            Ok(c) => Ok(Verified::Found(standing(c, self.now()))),
            Err(StorageError::NotFound) => match self.db.certificate_tombstone(code).await? {
                Some(t) => Ok(Verified::Removed(t)),
                None => Err(AppError::NotFound),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// An organisation's training compliance: each person's newest certificate of
    /// each staff course, and whether they hold a valid one of the course their
    /// position requires.
    ///
    /// # Errors
    /// Not an admin of `org` (see [`AppError::Forbidden`], [`AppError::NotFound`]);
    /// the database failed.
    pub async fn training(&self, caller: &Caller, org: OrgId) -> Result<Training<'_>> {
        self.administer(caller, org).await?;
        let org_name = self.db.get_org(org).await?.name;
        let users = self.db.list_users(org).await?;
        let certs = self.db.certificates_for_org(org).await?;
        let now = self.now();
        let courses: Vec<&Course> = self.library.courses.iter().filter(|c| c.audience != Audience::Public).collect();
        let audiences: Vec<Audience> = courses.iter().map(|c| c.audience).collect();
        let (mut valid, mut due) = (0, 0);
        let rows = users
            .into_iter()
            .map(|user| {
                let cells: Vec<Option<Standing>> =
                    courses.iter().map(|k| newest(&certs, user.id, &k.id).map(|c| standing(c.clone(), now))).collect();
                let statuses: Vec<_> = cells.iter().map(|c| c.as_ref().map(|(_, s)| *s)).collect();
                let compliant = learn::compliant(user.position, &audiences, &statuses);
                match compliant {
                    Some(true) => valid += 1,
                    Some(false) => due += 1,
                    None => {}
                }
                TrainingRow { user, cells, compliant }
            })
            .collect();
        Ok(Training { org_name, courses, rows, valid, due })
    }

    /// Revoke a certificate of `org`'s (the reason as the domain shapes it:
    /// [`learn::revocation_reason`]). Audited by storage.
    ///
    /// # Errors
    /// Not an admin of `org`; no such certificate in `org` ("not found"; audited when
    /// it is another organisation's).
    pub async fn revoke_certificate(&self, caller: &Caller, org: OrgId, code: &str, reason: &str) -> Result<()> {
        self.administer(caller, org).await?;
        let reason = learn::revocation_reason(reason);
        self.db
            .revoke_certificate(org, code, caller.id(), &reason, self.now())
            .await
            .or_refuse(self, Asker::of(caller).acting_for(org), Owned::Certificate(code))
            .await?;
        Ok(())
    }
}
