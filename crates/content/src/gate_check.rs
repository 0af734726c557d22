//! Checks that keep the courses and the decision gate honest: the gate rule
//! (`content/gate.toml`), the scenario tags of every question bank, the gate run on
//! every scenario (the table `sightline content check` prints), the draw's mix rules,
//! and a bank where the right option is too often the longest one.

use std::path::Path;

use sightline_domain::gate::GateRule;
use sightline_domain::indicators::Catalogue;
use sightline_domain::learn::{Course, Expected, FALLBACK_LANG, Question, mix_needs};

use crate::{Collector, find_line, parse_toml, read};

/// `content check` warns when the right option is the longest in more than this share
/// of a bank's questions (choosing the longest option must not pass the check).
pub const MAX_LONGEST_RIGHT_PERCENT: usize = 40;

/// One scenario run through the decision gate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GateRow {
    pub course: String,
    pub scenario: String,
    pub expected: &'static str,
    pub passed: bool,
    /// Why: disclosure, danger, points, too few signs, below threshold.
    pub because: &'static str,
    pub score: u32,
    pub threshold: u32,
}

impl GateRow {
    /// The gate decided as the course teaches.
    #[must_use]
    pub fn agrees(&self) -> bool {
        (self.expected == Expected::Report.as_str()) == self.passed
    }
}

pub(crate) fn load_gate(c: &mut Collector, path: &Path, catalogue: Option<&Catalogue>) -> Option<GateRule> {
    let text = read(c, path)?;
    let rule: GateRule = parse_toml(c, path, &text)?;
    let known = |code: &str| catalogue.is_none_or(|cat| cat.get(code).is_some());
    for message in rule.problems(known) {
        let code = message
            .split_whitespace()
            .find(|w| w.contains('-') && w.chars().all(|ch| ch.is_ascii_uppercase() || ch == '-'));
        let line = code.and_then(|code| find_line(&text, &format!("\"{code}\"")));
        c.error(path, line, message);
    }
    Some(rule)
}

/// How many questions have the right option as their longest (ties count), of how many.
#[must_use]
pub fn longest_right(questions: &[Question]) -> (usize, usize) {
    let longest = questions
        .iter()
        .filter(|q| {
            let len = |t: &str| t.chars().count();
            let max = q.options.iter().map(|o| len(&o.text)).max().unwrap_or(0);
            q.options.iter().any(|o| o.correct && len(&o.text) == max)
        })
        .count();
    (longest, questions.len())
}

/// Percent of `part` in `whole`, rounded down (0 for an empty whole).
pub(crate) fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// Scenario tags and the longest-option share of one bank (any language).
pub(crate) fn check_bank(c: &mut Collector, path: &Path, text: &str, questions: &[Question]) {
    for q in questions {
        let line = find_line(text, &format!("id = \"{}\"", q.id));
        if q.innocent && q.expected != Some(Expected::Innocent) {
            c.error(path, line, format!("question {} is an innocent look-alike: tag it expected = \"innocent\"", q.id));
        }
        if !q.innocent && q.expected == Some(Expected::Innocent) {
            c.error(path, line, format!("question {} is expected = \"innocent\" but not innocent = true", q.id));
        }
        if q.is_urgent() && q.expected != Some(Expected::Report) {
            c.error(
                path,
                line,
                format!("question {} shows a disclosure or danger: tag it expected = \"report\"", q.id),
            );
        }
        if q.expected == Some(Expected::Report) && q.indicators.is_empty() && !q.is_urgent() {
            c.error(
                path,
                line,
                format!("report scenario {} names no sign (indicators) and no disclosure or danger", q.id),
            );
        }
    }
    let (longest, total) = longest_right(questions);
    if longest * 100 > MAX_LONGEST_RIGHT_PERCENT * total {
        c.warn(
            path,
            None,
            format!(
                "the right option is the longest in {longest} of {total} questions ({}%); at most \
                 {MAX_LONGEST_RIGHT_PERCENT}% keeps 'pick the longest' from passing: rewrite some options",
                percent(longest, total)
            ),
        );
    }
}

/// A translated bank carries the same scenario tags as the English one.
pub(crate) fn check_same_tags(c: &mut Collector, path: &Path, text: &str, en: &[Question], local: &[Question]) {
    for q in local {
        let Some(e) = en.iter().find(|x| x.id == q.id) else { continue };
        let tags = |x: &Question| (x.innocent, x.indicators.clone(), x.expected, x.disclosure, x.danger);
        if tags(e) != tags(q) {
            c.error(
                path,
                find_line(text, &format!("id = \"{}\"", q.id)),
                format!(
                    "question {} must have the same innocent, indicators, expected, disclosure and danger as in English",
                    q.id
                ),
            );
        }
    }
}

/// The English bank can fill every draw by the mix rules.
pub(crate) fn check_mix(c: &mut Collector, path: &Path, draw: usize, en: &[Question]) {
    let (need_innocent, need_urgent) = mix_needs(draw);
    let innocent = en.iter().filter(|q| q.innocent).count();
    let urgent = en.iter().filter(|q| q.is_urgent()).count();
    if innocent < need_innocent || urgent < need_urgent {
        c.error(
            path,
            None,
            format!(
                "a draw of {draw} needs {need_innocent} innocent look-alikes and {need_urgent} disclosure or danger \
                 scenario; the bank has {innocent} and {urgent}"
            ),
        );
    }
}

/// Run the gate on every tagged scenario of every course (English banks); a
/// disagreement with the course is an error naming the question.
pub(crate) fn gate_table(c: &mut Collector, dir: &Path, courses: &[Course], rule: &GateRule) -> Vec<GateRow> {
    let mut rows = Vec::new();
    for course in courses {
        let Some(en) = course.texts.get(FALLBACK_LANG) else { continue };
        let path = dir.join("courses").join(&course.id).join(FALLBACK_LANG).join("questions.toml");
        for q in &en.questions {
            let Some(expected) = q.expected else { continue };
            let w = rule.weigh(&q.indicators, q.disclosure, q.danger);
            let row = GateRow {
                course: course.id.clone(),
                scenario: q.id.clone(),
                expected: expected.as_str(),
                passed: w.passed,
                because: w.because.as_str(),
                score: w.score,
                threshold: w.threshold,
            };
            if !row.agrees() {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let what = if w.passed { "passes the gate" } else { "does not pass the gate" };
                c.error(
                    &path,
                    find_line(&text, &format!("id = \"{}\"", q.id)),
                    format!(
                        "{} scenario {} {what} ({} of {} points): change the weights in gate.toml or the scenario's signs",
                        expected.as_str(),
                        q.id,
                        w.score,
                        w.threshold
                    ),
                );
            }
            rows.push(row);
        }
    }
    rows
}
