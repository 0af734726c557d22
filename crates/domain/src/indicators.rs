//! The indicator catalogue: behaviours and circumstances that may point to
//! trafficking. An indicator never proves anything; each carries the innocent
//! explanations to weigh. The catalogue is content (`content/indicators.toml`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::learn::Localised;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Category {
    pub code: String,
    pub label: Localised,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Indicator {
    /// Stable code, e.g. `DOC-HELD-BY-OTHER`. Never changed or reused.
    pub code: String,
    pub category: String,
    /// One of the aviation "core four".
    #[serde(default)]
    pub core_four: bool,
    /// 2–6 characters for the captain's relay message.
    pub short: String,
    pub label: Localised,
    pub explanation: Localised,
    /// Innocent explanations to weigh, by language.
    pub innocent: BTreeMap<String, Vec<String>>,
    pub sources: Vec<String>,
    /// A sign a traveller can see without questioning anyone: shown on the public
    /// pages (in plain words of their own: `content/public/<lang>/pages.toml`) and
    /// offered on the anonymous tip form.
    #[serde(default)]
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Source {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub publisher: String,
    pub url: String,
    pub accessed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Catalogue {
    pub schema_version: u32,
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
    /// The decision gate's rule (`content/gate.toml`), set by the content loader;
    /// `None` falls back to [`crate::gate::counting`].
    #[serde(skip)]
    pub gate: Option<crate::gate::GateRule>,
}

impl Catalogue {
    #[must_use]
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// Every rule the catalogue must keep, as messages naming the indicator.
    #[must_use]
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen_codes = std::collections::BTreeSet::new();
        let mut seen_short = std::collections::BTreeSet::new();
        for i in &self.indicators {
            let mut p = |m: String| out.push((i.code.clone(), m));
            if !seen_codes.insert(&i.code) {
                p(format!("indicator code {} is used twice", i.code));
            }
            if !seen_short.insert(&i.short) {
                p(format!("short code {} is used twice", i.short));
            }
            let code_ok = !i.code.is_empty()
                && i.code.len() <= 24
                && i.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
            if !code_ok {
                p(format!("code {:?} must be A-Z, 0-9 and '-', at most 24 characters", i.code));
            }
            let short_ok = (2..=6).contains(&i.short.len())
                && i.short.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !short_ok {
                p(format!("short code {:?} must be 2-6 characters A-Z or 0-9", i.short));
            }
            if !self.categories.iter().any(|c| c.code == i.category) {
                p(format!("category {} does not exist", i.category));
            }
            for s in &i.sources {
                if !self.sources.iter().any(|x| &x.key == s) {
                    p(format!("source {s} does not exist"));
                }
            }
            if i.sources.is_empty() {
                p("needs at least one source".into());
            }
            for (what, text) in [("label", &i.label), ("explanation", &i.explanation)] {
                if text.0.get("en").is_none_or(|t| t.trim().is_empty()) {
                    p(format!("{what}.en is missing"));
                }
            }
            if i.innocent.get("en").is_none_or(Vec::is_empty) {
                p("needs at least one innocent explanation in English (innocent.en)".into());
            }
        }
        let core = self.indicators.iter().filter(|i| i.core_four).count();
        if core != 4 {
            out.push(("catalogue".into(), format!("exactly 4 indicators must be core_four, found {core}")));
        }
        for s in &self.sources {
            if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
                out.push((s.key.clone(), format!("source url {:?} must be an absolute http(s) link", s.url)));
            }
        }
        out
    }
}

impl crate::report::IndicatorLookup for Catalogue {
    fn short_code(&self, code: &str) -> Option<&str> {
        self.get(code).map(|i| i.short.as_str())
    }
    fn gate_rule(&self) -> Option<&crate::gate::GateRule> {
        self.gate.as_ref()
    }
    fn is_core_four(&self, code: &str) -> bool {
        self.get(code).is_some_and(|i| i.core_four)
    }
}
