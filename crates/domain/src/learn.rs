//! Courses, lessons, scenario checks and grading. Content arrives already parsed
//! (see the `sightline-content` crate); this module holds the rules: which language
//! to show, how a check is drawn and shuffled, how it is graded, when a certificate
//! expires.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Languages content may be written in. English is the fallback.
pub const CONTENT_LANGS: [&str; 3] = ["en", "fi", "sv"];
pub const FALLBACK_LANG: &str = "en";

simple_enum!(
    /// Whom a course is for: a person's job, not their permissions.
    Audience, "position", "unknown-position", lenient {
        CabinCrew => "cabin_crew", FlightDeck => "flight_deck", Ground => "ground", Security => "security",
        Public => "public",
    }
);

impl Audience {
    pub const STAFF: [Self; 4] = [Self::CabinCrew, Self::FlightDeck, Self::Ground, Self::Security];
}

/// A text in several languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Localised(pub BTreeMap<String, String>);

impl Localised {
    /// The text in `lang`, else English, else any.
    #[must_use]
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(FALLBACK_LANG))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// File stem, e.g. `01-what-is-trafficking`; the same in every language.
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    /// Markdown, ending with a `## Sources` section.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct QuestionOption {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Question {
    pub id: String,
    /// A look-alike innocent situation: the right action is to keep observing or not
    /// to report.
    #[serde(default)]
    pub innocent: bool,
    #[serde(default)]
    pub indicators: Vec<String>,
    pub scenario: String,
    pub explanation: String,
    #[serde(rename = "option")]
    pub options: Vec<QuestionOption>,
}

impl Question {
    /// Index of the right option in the bank's order.
    #[must_use]
    pub fn correct_index(&self) -> Option<usize> {
        self.options.iter().position(|o| o.correct)
    }
}

/// One language's version of a course.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CourseText {
    pub lessons: Vec<Lesson>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub id: String,
    pub audience: Audience,
    pub minutes: u32,
    pub draw: usize,
    pub pass_percent: u32,
    pub languages: Vec<String>,
    pub title: Localised,
    pub summary: Localised,
    /// By language code.
    pub texts: BTreeMap<String, CourseText>,
}

/// What a learner sees in a language, and whether it fell back to English.
pub struct Shown<'a, T> {
    pub item: &'a T,
    pub fell_back: bool,
}

impl Course {
    fn text(&self, lang: &str) -> Option<&CourseText> {
        self.texts.get(lang).or_else(|| self.texts.get(FALLBACK_LANG))
    }

    /// The lesson list in `lang`, falling back to English lesson by lesson.
    #[must_use]
    pub fn lessons(&self, lang: &str) -> Vec<Shown<'_, Lesson>> {
        let Some(en) = self.texts.get(FALLBACK_LANG) else { return Vec::new() };
        let local = self.texts.get(lang);
        en.lessons
            .iter()
            .map(|l| match local.and_then(|t| t.lessons.iter().find(|x| x.slug == l.slug)) {
                Some(found) => Shown { item: found, fell_back: false },
                None => Shown { item: l, fell_back: lang != FALLBACK_LANG },
            })
            .collect()
    }

    /// A question in `lang`, falling back to English.
    #[must_use]
    pub fn question(&self, lang: &str, id: &str) -> Option<Shown<'_, Question>> {
        let local = self.texts.get(lang).and_then(|t| t.questions.iter().find(|q| q.id == id));
        match local {
            Some(q) => Some(Shown { item: q, fell_back: false }),
            None => self
                .text(FALLBACK_LANG)
                .and_then(|t| t.questions.iter().find(|q| q.id == id))
                .map(|q| Shown { item: q, fell_back: lang != FALLBACK_LANG }),
        }
    }

    /// The ids in the English bank (the authoritative list).
    #[must_use]
    pub fn question_ids(&self) -> Vec<&str> {
        self.texts.get(FALLBACK_LANG).map(|t| t.questions.iter().map(|q| q.id.as_str()).collect()).unwrap_or_default()
    }

    #[must_use]
    pub fn total_minutes(&self, lang: &str) -> u32 {
        self.lessons(lang).iter().map(|l| l.item.minutes).sum()
    }
}

/// A small deterministic generator (SplitMix64) seeded by the caller, so drawing is
/// pure and testable; the web layer seeds it from the system's random source.
pub struct Rng(u64);

impl Rng {
    #[must_use]
    pub fn from_seed(seed: [u8; 8]) -> Self {
        Self(u64::from_le_bytes(seed))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = n as u64;
        usize::try_from(self.next_u64() % n64.max(1)).unwrap_or(0)
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// One drawn question: its id and the order its options are shown in (indices into
/// the bank's option list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub id: String,
    pub order: Vec<usize>,
}

/// Draw `course.draw` questions at random with their options shuffled.
#[must_use]
pub fn draw(course: &Course, rng: &mut Rng) -> Vec<Drawn> {
    let mut ids: Vec<&str> = course.question_ids();
    rng.shuffle(&mut ids);
    ids.truncate(course.draw);
    ids.into_iter()
        .filter_map(|id| {
            let q = course.question(FALLBACK_LANG, id)?;
            let mut order: Vec<usize> = (0..q.item.options.len()).collect();
            rng.shuffle(&mut order);
            Some(Drawn { id: id.to_owned(), order })
        })
        .collect()
}

/// Why a submitted check cannot be graded. Each is the learner's (or a tamperer's)
/// input, answered with a 4xx; the attempt is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("question {0} is not in this attempt")]
    NotInDraw(String),
    #[error("question {0} has no option {1}")]
    NoSuchOption(String, usize),
    #[error("question {0} was not answered")]
    Unanswered(String),
    #[error("the course no longer has question {0}")]
    UnknownQuestion(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graded {
    pub id: String,
    /// Shown position the learner chose.
    pub chosen: usize,
    /// Shown position of the right option.
    pub correct: usize,
}

impl Graded {
    #[must_use]
    pub const fn is_right(&self) -> bool {
        self.chosen == self.correct
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    pub answers: Vec<Graded>,
    pub right: usize,
    pub total: usize,
    pub percent: u32,
    pub passed: bool,
}

/// Grade answers (shown option positions, by question id) against a draw.
///
/// # Errors
/// [`GradeError`] for an answer outside the draw, an impossible option, or a
/// question left unanswered.
pub fn grade(course: &Course, drawn: &[Drawn], answers: &HashMap<String, usize>) -> Result<Grade, GradeError> {
    let in_draw: BTreeSet<&str> = drawn.iter().map(|d| d.id.as_str()).collect();
    if let Some(extra) = answers.keys().find(|k| !in_draw.contains(k.as_str())) {
        return Err(GradeError::NotInDraw(extra.clone()));
    }
    let mut graded = Vec::with_capacity(drawn.len());
    for d in drawn {
        let q = course.question(FALLBACK_LANG, &d.id).ok_or_else(|| GradeError::UnknownQuestion(d.id.clone()))?;
        let chosen = *answers.get(&d.id).ok_or_else(|| GradeError::Unanswered(d.id.clone()))?;
        if chosen >= d.order.len() {
            return Err(GradeError::NoSuchOption(d.id.clone(), chosen));
        }
        let right_in_bank = q.item.correct_index().ok_or_else(|| GradeError::UnknownQuestion(d.id.clone()))?;
        let correct = d.order.iter().position(|i| *i == right_in_bank).unwrap_or(usize::MAX);
        graded.push(Graded { id: d.id.clone(), chosen, correct });
    }
    let right = graded.iter().filter(|g| g.is_right()).count();
    let total = graded.len();
    let percent = (right * 100).checked_div(total).map_or(0, |p| u32::try_from(p).unwrap_or(0));
    Ok(Grade { answers: graded, right, total, percent, passed: total > 0 && percent >= course.pass_percent })
}

/// Certificates are valid for twelve months (annual recurrence).
#[must_use]
pub fn valid_until(issued: OffsetDateTime) -> OffsetDateTime {
    let date = issued.date();
    let next = date.replace_year(date.year() + 1).unwrap_or_else(|_| date.saturating_add(time::Duration::days(365)));
    issued.replace_date(next)
}

/// A certificate's standing at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateStatus {
    Valid,
    Expired,
    Revoked,
}

#[must_use]
pub fn certificate_status(valid_until: OffsetDateTime, revoked: bool, now: OffsetDateTime) -> CertificateStatus {
    if revoked {
        CertificateStatus::Revoked
    } else if now >= valid_until {
        CertificateStatus::Expired
    } else {
        CertificateStatus::Valid
    }
}

/// Compliance: a person whose position has a staff course must hold a valid
/// certificate of that course. `courses` are the staff courses' audiences and
/// `newest` the person's newest certificate status for each, in the same order.
/// `None` when no course is required of them (no position, or none matches).
#[must_use]
pub fn compliant(
    position: Option<Audience>,
    courses: &[Audience],
    newest: &[Option<CertificateStatus>],
) -> Option<bool> {
    let required = position.and_then(|p| courses.iter().position(|a| *a == p))?;
    Some(matches!(newest.get(required), Some(Some(CertificateStatus::Valid))))
}

/// The reason recorded when an administrator revokes a certificate: what they wrote
/// (at most 200 characters), or a plain default.
#[must_use]
pub fn revocation_reason(input: &str) -> String {
    let reason = input.trim();
    let reason = if reason.is_empty() { "revoked by an administrator" } else { reason };
    reason.chars().take(200).collect()
}

/// A certificate code people can read aloud: `SL-XXXX-XXXX-XXXX` (base32, no padding).
#[must_use]
pub fn certificate_code(random: [u8; 8]) -> String {
    let s = data_encoding::BASE32_NOPAD.encode(&random);
    format!("SL-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn q(id: &str, correct: usize, n: usize) -> Question {
        Question {
            id: id.into(),
            innocent: false,
            indicators: vec![],
            scenario: format!("scenario {id}"),
            explanation: "because".into(),
            options: (0..n).map(|i| QuestionOption { text: format!("{id}-{i}"), correct: i == correct }).collect(),
        }
    }

    fn course(n: usize) -> Course {
        let questions = (0..n).map(|i| q(&format!("q{i:02}"), i % 3, 3)).collect();
        let mut texts = BTreeMap::new();
        texts.insert("en".into(), CourseText { lessons: vec![], questions });
        Course {
            id: "c".into(),
            audience: Audience::CabinCrew,
            minutes: 20,
            draw: 10,
            pass_percent: 80,
            languages: vec!["en".into()],
            title: Localised::default(),
            summary: Localised::default(),
            texts,
        }
    }

    fn answers_right(c: &Course, drawn: &[Drawn], wrong: usize) -> HashMap<String, usize> {
        drawn
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let right = c.question("en", &d.id).unwrap().item.correct_index().unwrap();
                let pos = d.order.iter().position(|x| *x == right).unwrap();
                (d.id.clone(), if i < wrong { (pos + 1) % d.order.len() } else { pos })
            })
            .collect()
    }

    #[test]
    fn draws_ten_distinct_questions_with_shuffled_options() {
        let c = course(22);
        let d = draw(&c, &mut Rng::from_seed([1; 8]));
        assert_eq!(d.len(), 10);
        let ids: BTreeSet<_> = d.iter().map(|x| &x.id).collect();
        assert_eq!(ids.len(), 10);
        assert!(d.iter().all(|x| {
            let mut o = x.order.clone();
            o.sort_unstable();
            o == vec![0, 1, 2]
        }));
        let other = draw(&c, &mut Rng::from_seed([2; 8]));
        assert_ne!(d, other, "a retry draws afresh");
    }

    #[test]
    fn grading_maps_shown_positions_back_and_applies_the_pass_mark() {
        let c = course(22);
        let d = draw(&c, &mut Rng::from_seed([3; 8]));
        let g = grade(&c, &d, &answers_right(&c, &d, 0)).unwrap();
        assert_eq!((g.right, g.percent, g.passed), (10, 100, true));
        let g = grade(&c, &d, &answers_right(&c, &d, 2)).unwrap();
        assert_eq!((g.right, g.percent, g.passed), (8, 80, true), "80% passes");
        let g = grade(&c, &d, &answers_right(&c, &d, 3)).unwrap();
        assert_eq!((g.percent, g.passed), (70, false));
        assert!(!g.answers[0].is_right() && g.answers[5].is_right());
    }

    #[test]
    fn tampered_submissions_are_refused() {
        let c = course(22);
        let d = draw(&c, &mut Rng::from_seed([4; 8]));
        let mut a = answers_right(&c, &d, 0);
        let outside = c.question_ids().into_iter().find(|id| !d.iter().any(|x| x.id == *id)).unwrap();
        a.insert(outside.to_owned(), 0);
        assert_eq!(grade(&c, &d, &a), Err(GradeError::NotInDraw(outside.to_owned())));
        let mut a = answers_right(&c, &d, 0);
        a.insert(d[0].id.clone(), 7);
        assert_eq!(grade(&c, &d, &a), Err(GradeError::NoSuchOption(d[0].id.clone(), 7)));
        let mut a = answers_right(&c, &d, 0);
        a.remove(&d[1].id);
        assert_eq!(grade(&c, &d, &a), Err(GradeError::Unanswered(d[1].id.clone())));
    }

    #[test]
    fn certificates_last_twelve_months() {
        let issued = datetime!(2026-11-28 10:00 UTC);
        let until = valid_until(issued);
        assert_eq!(until, datetime!(2027-11-28 10:00 UTC));
        assert_eq!(valid_until(datetime!(2028-02-29 10:00 UTC)).date(), time::macros::date!(2029 - 02 - 28));
        assert_eq!(certificate_status(until, false, issued), CertificateStatus::Valid);
        assert_eq!(certificate_status(until, false, until), CertificateStatus::Expired);
        assert_eq!(certificate_status(until, true, issued), CertificateStatus::Revoked);
        let code = certificate_code([9; 8]);
        assert!(code.starts_with("SL-") && code.len() == 17, "{code}");
    }

    #[test]
    fn text_falls_back_to_english() {
        let mut l = Localised::default();
        l.0.insert("en".into(), "Hello".into());
        assert_eq!(l.get("fi"), "Hello");
        l.0.insert("fi".into(), "Hei".into());
        assert_eq!(l.get("fi"), "Hei");
        let c = course(12);
        let shown = c.question("sv", "q01").unwrap();
        assert!(shown.fell_back);
    }

    #[test]
    fn compliance_is_a_valid_certificate_of_the_course_for_ones_position() {
        use Audience::*;
        use CertificateStatus::*;
        let courses = [CabinCrew, FlightDeck];
        assert_eq!(compliant(Some(FlightDeck), &courses, &[None, Some(Valid)]), Some(true));
        assert_eq!(compliant(Some(FlightDeck), &courses, &[Some(Valid), Some(Expired)]), Some(false));
        assert_eq!(compliant(Some(CabinCrew), &courses, &[Some(Revoked), None]), Some(false));
        assert_eq!(compliant(Some(CabinCrew), &courses, &[None, None]), Some(false));
        assert_eq!(compliant(None, &courses, &[Some(Valid), None]), None, "no position, nothing required");
        assert_eq!(compliant(Some(Ground), &courses, &[Some(Valid), None]), None, "no course for the position");
    }

    #[test]
    fn a_revocation_always_has_a_short_reason() {
        assert_eq!(revocation_reason("  "), "revoked by an administrator");
        assert_eq!(revocation_reason(" left the airline "), "left the airline");
        assert_eq!(revocation_reason(&"x".repeat(300)).chars().count(), 200);
    }
}
