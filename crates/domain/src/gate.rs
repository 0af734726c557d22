//! The decision gate: does a report carry enough to leave the organisation?
//!
//! The rule is content a trainer can read (`content/gate.toml`): every sign the
//! reporter ticked scores points (most score 1; signs that are rarely innocent score
//! more), a few combinations add a bonus (fear alongside control; a child with doubt
//! about the adult's tie to them), and a report passes when it reaches the threshold
//! with at least two signs. A disclosure or immediate danger always passes, whatever
//! the points. The gate never blocks storing a report: it only decides what leaves the
//! organisation (a desk analyst can still override it, with a reason).
//!
//! The courses' scenario questions are the gate's test set: every "report" scenario
//! passes and no innocent look-alike does (`sightline content check` prints the table).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The gate rule, as written in `content/gate.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GateRule {
    pub schema_version: u32,
    /// Points a report needs to pass.
    pub threshold: u32,
    /// Fewest distinct signs a report needs to pass on points (one sign proves nothing).
    pub min_signs: usize,
    /// Points of a sign not listed in any `[[weight]]` group.
    pub default_weight: u32,
    #[serde(rename = "weight", default)]
    pub weights: Vec<WeightGroup>,
    #[serde(rename = "combination", default)]
    pub combinations: Vec<Combination>,
}

/// Signs that score more (or less) than the default, with the reason why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightGroup {
    pub points: u32,
    pub why: String,
    pub signs: Vec<String>,
}

/// A bonus when at least one sign of `any_of` and one of `with_any_of` were seen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Combination {
    pub name: String,
    pub points: u32,
    pub any_of: Vec<String>,
    pub with_any_of: Vec<String>,
}

/// Why the gate decided as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Because {
    /// The person disclosed or asked for help.
    Disclosure,
    /// Someone is in immediate danger.
    Danger,
    /// Enough points from enough signs.
    Points,
    /// Fewer signs than `min_signs`.
    TooFewSigns,
    /// Signs enough, points not.
    BelowThreshold,
}

impl Because {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Disclosure => "disclosure",
            Self::Danger => "danger",
            Self::Points => "points",
            Self::TooFewSigns => "too few signs",
            Self::BelowThreshold => "below threshold",
        }
    }
}

/// What the gate weighed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weighing {
    pub passed: bool,
    pub because: Because,
    /// Points of the signs and combinations (also computed when disclosure or danger
    /// decided).
    pub score: u32,
    pub threshold: u32,
    /// Distinct signs weighed.
    pub signs: usize,
    /// Names of the combinations that applied.
    pub combinations: Vec<String>,
}

impl GateRule {
    /// Points of one sign.
    #[must_use]
    pub fn weight(&self, code: &str) -> u32 {
        self.weights.iter().find(|g| g.signs.iter().any(|s| s == code)).map_or(self.default_weight, |g| g.points)
    }

    /// Weigh a report's signs and context.
    #[must_use]
    pub fn weigh(&self, signs: &[String], disclosed: bool, danger: bool) -> Weighing {
        let seen: BTreeSet<&str> = signs.iter().map(String::as_str).collect();
        let mut score: u32 = seen.iter().map(|c| self.weight(c)).sum();
        let mut combinations = Vec::new();
        for c in &self.combinations {
            let hit = |list: &[String]| list.iter().any(|s| seen.contains(s.as_str()));
            if hit(&c.any_of) && hit(&c.with_any_of) {
                score += c.points;
                combinations.push(c.name.clone());
            }
        }
        let because = if disclosed {
            Because::Disclosure
        } else if danger {
            Because::Danger
        } else if seen.len() < self.min_signs {
            Because::TooFewSigns
        } else if score >= self.threshold {
            Because::Points
        } else {
            Because::BelowThreshold
        };
        let passed = matches!(because, Because::Disclosure | Because::Danger | Because::Points);
        Weighing { passed, because, score, threshold: self.threshold, signs: seen.len(), combinations }
    }

    /// What is wrong with the rule, given which sign codes exist.
    #[must_use]
    pub fn problems(&self, known: impl Fn(&str) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        if self.schema_version != 1 {
            out.push(format!("schema_version must be 1, found {}", self.schema_version));
        }
        if self.threshold == 0 {
            out.push("threshold must be at least 1".into());
        }
        if self.min_signs < 2 {
            out.push("min_signs must be at least 2: one sign alone proves nothing".into());
        }
        let mut listed = BTreeSet::new();
        for g in &self.weights {
            if g.why.trim().is_empty() {
                out.push(format!("the weight group of {} points needs a `why`", g.points));
            }
            for s in &g.signs {
                if !known(s) {
                    out.push(format!("weight: {s} is not in indicators.toml"));
                }
                if !listed.insert(s.as_str()) {
                    out.push(format!("weight: {s} is listed in more than one group"));
                }
            }
        }
        for c in &self.combinations {
            if c.any_of.is_empty() || c.with_any_of.is_empty() {
                out.push(format!("combination {:?} needs signs in any_of and with_any_of", c.name));
            }
            for s in c.any_of.iter().chain(&c.with_any_of) {
                if !known(s) {
                    out.push(format!("combination {:?}: {s} is not in indicators.toml", c.name));
                }
            }
        }
        out
    }
}

/// The gate used when no rule is loaded (tests of other features): a disclosure or
/// danger, or two signs including one of the aviation core four.
#[must_use]
pub fn counting(signs: &[String], disclosed: bool, danger: bool, is_core_four: impl Fn(&str) -> bool) -> Weighing {
    let core = signs.iter().filter(|c| is_core_four(c)).count();
    let n = signs.len();
    let because = if disclosed {
        Because::Disclosure
    } else if danger {
        Because::Danger
    } else if n < 2 {
        Because::TooFewSigns
    } else if core >= 1 {
        Because::Points
    } else {
        Because::BelowThreshold
    };
    let passed = matches!(because, Because::Disclosure | Because::Danger | Because::Points);
    Weighing {
        passed,
        because,
        score: u32::try_from(core).unwrap_or(u32::MAX),
        threshold: 1,
        signs: n,
        combinations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> GateRule {
        GateRule {
            schema_version: 1,
            threshold: 5,
            min_signs: 2,
            default_weight: 1,
            weights: vec![
                WeightGroup { points: 2, why: "clearer".into(), signs: vec!["DOCS".into(), "FEAR".into()] },
                WeightGroup { points: 3, why: "strong".into(), signs: vec!["FOUND".into(), "TAXI".into()] },
            ],
            combinations: vec![Combination {
                name: "fear alongside control".into(),
                points: 1,
                any_of: vec!["FEAR".into()],
                with_any_of: vec!["DOCS".into(), "ESCORT".into()],
            }],
        }
    }

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn points_add_up_and_combinations_apply_once() {
        let r = rule();
        let w = r.weigh(&s(&["DOCS", "FEAR"]), false, false);
        assert_eq!((w.score, w.passed, w.because), (5, true, Because::Points));
        assert_eq!(w.combinations, vec!["fear alongside control".to_owned()]);
        let w = r.weigh(&s(&["DOCS", "FEAR", "ESCORT"]), false, false);
        assert_eq!(w.score, 6, "the bonus counts once however many signs match");
        let w = r.weigh(&s(&["DOCS", "ESCORT", "PROXY"]), false, false);
        assert_eq!((w.score, w.passed, w.because), (4, false, Because::BelowThreshold));
        let w = r.weigh(&s(&["DOCS", "DOCS", "PROXY"]), false, false);
        assert_eq!((w.score, w.signs), (3, 2), "a sign ticked twice counts once");
    }

    #[test]
    fn one_sign_never_passes_but_disclosure_and_danger_always_do() {
        let r = rule();
        let w = r.weigh(&s(&["FOUND"]), false, false);
        assert_eq!((w.passed, w.because), (false, Because::TooFewSigns));
        assert_eq!(r.weigh(&[], true, false).because, Because::Disclosure);
        assert_eq!(r.weigh(&[], false, true).because, Because::Danger);
        assert!(r.weigh(&s(&["EYES"]), false, true).passed);
    }

    #[test]
    fn a_rule_naming_unknown_signs_or_allowing_one_sign_is_refused() {
        let mut r = rule();
        r.min_signs = 1;
        r.weights[0].signs.push("NOPE".into());
        r.weights[1].signs.push("DOCS".into());
        let p = r.problems(|c| c != "NOPE");
        assert!(p.iter().any(|m| m.contains("min_signs")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("NOPE is not in")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("DOCS is listed in more than one")), "{p:?}");
        assert!(rule().problems(|_| true).is_empty());
    }

    #[test]
    fn the_fallback_counts_as_before() {
        let core = |c: &str| c == "DOCS";
        assert!(counting(&s(&["DOCS", "FEAR"]), false, false, core).passed);
        assert!(!counting(&s(&["DOCS"]), false, false, core).passed);
        assert!(!counting(&s(&["FEAR", "EYES"]), false, false, core).passed);
        assert!(counting(&[], true, false, core).passed);
    }
}
