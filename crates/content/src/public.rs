//! The public pages' words (`content/public/<lang>/pages.toml`): the travellers'
//! home, the signs page, the help pages and the printable poster, in every language
//! the public pages speak; and the anonymous tip flow's (`content/public/<lang>/tip.toml`):
//! the form, the receipt, the status page and the messages of the form's errors.
//!
//! Each `pages.toml` holds every key of [`PUBLIC_KEYS`] and each `tip.toml` every key of
//! [`TIP_KEYS`] (a missing key and a key the pages do not know are both errors); a
//! `pages.toml` also holds a plain-words version of every indicator the catalogue marks
//! `public = true` (and of no other), the language's own name, its writing direction
//! and `reviewed`. Both files have `reviewed`: until a reviewer sets it to `true`, the
//! pages say the translation is not yet reviewed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sightline_domain::indicators::Catalogue;

use crate::{Collector, find_line, parse_toml, read};

/// The languages of the public pages, in the order the language switch lists them.
/// English is the fallback of the negotiation.
pub const PUBLIC_LANGS: [&str; 8] = ["en", "fi", "sv", "es", "fr", "ru", "uk", "ar"];

/// Every key the public pages use; each language file has exactly these.
pub const PUBLIC_KEYS: &[&str] = &[
    "site-name",
    "meta-description",
    "skip-to-content",
    "language-label",
    "unreviewed",
    "nav-label",
    "nav-home",
    "nav-signs",
    "nav-help",
    "nav-tell",
    "danger-now",
    "home-title",
    "home-lead",
    "is-heading",
    "is-text",
    "is-not-heading",
    "is-not-text",
    "signs-heading",
    "signs-text",
    "signs-link",
    "course-heading",
    "course-text",
    "course-link",
    "help-heading",
    "help-text",
    "help-link",
    "tell-heading",
    "tell-text",
    "tell-link",
    "partners-heading",
    "partners-text",
    "partners-link",
    "signs-title",
    "signs-intro",
    "signs-maybe",
    "signs-not-looks",
    "signs-what-heading",
    "signs-do-not-confront",
    "signs-do-not-show",
    "signs-do-tell",
    "help-title",
    "help-lead",
    "help-airport-label",
    "help-airport-hint",
    "help-show",
    "victim-heading",
    "victim-text",
    "victim-safe",
    "danger-heading",
    "danger-call",
    "danger-local",
    "lines-heading",
    "lines-none",
    "call",
    "hours-always",
    "hours-label",
    "languages-label",
    "in-country",
    "source-label",
    "checked-label",
    "staff-text",
    "not-found-title",
    "not-found-text",
    "back-to-help",
    "footer",
    "poster-title",
    "poster-text",
    "poster-staff",
    "poster-qr",
    "poster-link",
    "poster-bad-title",
    "poster-bad-text",
];

/// Every key the tip pages use (`tip.toml`); each language file has exactly these. The
/// `error-<code>` keys are the messages of the codes the tip flow's fields can fail
/// with (`error-invalid` stands in for a code without its own message).
pub const TIP_KEYS: &[&str] = &[
    "tip-title",
    "tip-first",
    "tip-do-not-intervene",
    "tip-anonymous",
    "tip-status-link",
    "tip-where-legend",
    "tip-airport",
    "tip-airport-help",
    "tip-place",
    "tip-flight",
    "tip-when-legend",
    "tip-date",
    "tip-time",
    "tip-signs-legend",
    "tip-signs-help",
    "tip-innocent",
    "tip-text",
    "tip-text-help",
    "tip-guard-warning",
    "tip-guard-confirm",
    "tip-contact",
    "tip-contact-help",
    "tip-send",
    "tip-pow-working",
    "tip-no-js",
    "tip-sent-title",
    "tip-receipt-lead",
    "tip-receipt-use",
    "tip-status-title",
    "tip-receipt",
    "tip-receipt-help",
    "tip-check",
    "tip-status",
    "tip-reference",
    "tip-received",
    "tip-thread",
    "tip-no-messages",
    "tip-from-desk",
    "tip-from-you",
    "tip-message",
    "tip-message-send",
    "tip-status-received",
    "tip-status-being_handled",
    "tip-status-handed_to_authorities",
    "tip-status-closed",
    "error-summary",
    "error-invalid",
    "error-required",
    "error-too-long",
    "error-control-characters",
    "error-throttled",
    "error-invalid-airport",
    "error-unknown-airport",
    "error-invalid-flight",
    "error-invalid-date",
    "error-out-of-range",
    "error-invalid-time",
    "error-too-many",
    "error-unknown-indicator",
    "error-nothing-reported",
    "error-guard-words",
    "error-pow-missing",
    "error-pow-invalid",
    "error-pow-expired",
    "error-pow-replayed",
    "error-unknown-receipt",
    "error-invalid-receipt",
];

/// The writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

/// One sign in a traveller's words: what they may see, and an innocent reading of it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicSign {
    pub label: String,
    pub innocent: String,
}

/// One language file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicFile {
    reviewed: bool,
    name: String,
    direction: Direction,
    text: BTreeMap<String, String>,
    #[serde(default)]
    signs: BTreeMap<String, PublicSign>,
}

/// One language's `tip.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TipFile {
    reviewed: bool,
    text: BTreeMap<String, String>,
}

/// The public pages' words in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicLang {
    pub code: &'static str,
    /// The language's own name, for the language switch.
    pub name: String,
    pub direction: Direction,
    /// A reviewer has checked the translation (`pages.toml`).
    pub reviewed: bool,
    /// A reviewer has checked the tip pages' translation (`tip.toml`).
    pub tip_reviewed: bool,
    /// The words of both files (their keys do not overlap).
    text: BTreeMap<String, String>,
    /// The public signs in catalogue order: (indicator code, words).
    pub signs: Vec<(String, PublicSign)>,
}

impl PublicLang {
    /// The text of `key` (every key is present once the content check passed).
    #[must_use]
    pub fn t(&self, key: &str) -> &str {
        self.text.get(key).map_or("", String::as_str)
    }
    /// The message of a field error's `code` (`error-<code>`), or the general one.
    #[must_use]
    pub fn error(&self, code: &str) -> &str {
        self.text.get(&format!("error-{code}")).map_or_else(|| self.t("error-invalid"), String::as_str)
    }
    /// The `dir` attribute.
    #[must_use]
    pub const fn dir(&self) -> &'static str {
        match self.direction {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Every language of the public pages, in [`PUBLIC_LANGS`] order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicText {
    pub langs: Vec<PublicLang>,
}

impl PublicText {
    /// The language with this code, if the public pages speak it.
    #[must_use]
    pub fn get(&self, code: &str) -> Option<&PublicLang> {
        self.langs.iter().find(|l| l.code == code)
    }
    /// English, or the first language held (an empty library has none).
    #[must_use]
    pub fn fallback(&self) -> Option<&PublicLang> {
        self.get("en").or_else(|| self.langs.first())
    }
}

/// Check one file's `[text]` against the keys its pages use: each present and not
/// empty, none unknown. `true` when it passes.
fn check_keys(c: &mut Collector, path: &Path, source: &str, text: &BTreeMap<String, String>, keys: &[&str]) -> bool {
    let mut ok = true;
    for key in keys {
        match text.get(*key) {
            None => {
                c.error(path, find_line(source, "[text]"), format!("the key {key:?} is missing"));
                ok = false;
            }
            Some(v) if v.trim().is_empty() => {
                c.error(path, find_line(source, &format!("{key} =")), format!("the key {key:?} is empty"));
                ok = false;
            }
            Some(_) => {}
        }
    }
    for key in text.keys().filter(|k| !keys.contains(&k.as_str())) {
        c.error(path, find_line(source, &format!("{key} =")), format!("unknown key {key:?}: the pages do not use it"));
        ok = false;
    }
    ok
}

/// Read and check one language's `tip.toml`.
fn load_tip(c: &mut Collector, path: &Path) -> Option<TipFile> {
    let text = read(c, path)?;
    let file = parse_toml::<TipFile>(c, path, &text)?;
    check_keys(c, path, &text, &file.text, TIP_KEYS).then_some(file)
}

/// Read and check `dir` (`content/public`) against the catalogue's public signs.
pub(crate) fn load(c: &mut Collector, dir: &Path, catalogue: Option<&Catalogue>) -> PublicText {
    let public_signs: Vec<&str> = catalogue
        .map(|cat| cat.indicators.iter().filter(|i| i.public).map(|i| i.code.as_str()).collect())
        .unwrap_or_default();
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            let mut extra: Vec<String> = rd
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !PUBLIC_LANGS.contains(&n.as_str()) && !n.starts_with('.') && n != "README.md")
                .collect();
            extra.sort();
            for name in extra {
                c.error(
                    &dir.join(&name),
                    None,
                    format!("{name:?} is not a language of the public pages ({})", PUBLIC_LANGS.join(", ")),
                );
            }
        }
        Err(e) => {
            c.error(dir, None, format!("cannot read the public pages' folder: {e}"));
            return PublicText::default();
        }
    }
    let mut langs = Vec::new();
    for code in PUBLIC_LANGS {
        let path = dir.join(code).join("pages.toml");
        let Some(text) = read(c, &path) else { continue };
        let Some(file) = parse_toml::<PublicFile>(c, &path, &text) else { continue };
        let tip = load_tip(c, &dir.join(code).join("tip.toml"));
        let mut ok = check_keys(c, &path, &text, &file.text, PUBLIC_KEYS) && tip.is_some();
        for code in &public_signs {
            match file.signs.get(*code) {
                None => {
                    c.error(&path, None, format!("the public sign {code} is missing ([signs.{code}])"));
                    ok = false;
                }
                Some(s) if s.label.trim().is_empty() || s.innocent.trim().is_empty() => {
                    c.error(
                        &path,
                        find_line(&text, &format!("[signs.{code}]")),
                        format!("{code}: label or innocent empty"),
                    );
                    ok = false;
                }
                Some(_) => {}
            }
        }
        for key in file.signs.keys().filter(|k| !public_signs.contains(&k.as_str())) {
            c.error(
                &path,
                find_line(&text, &format!("[signs.{key}]")),
                format!("{key} is not an indicator marked public = true in indicators.toml"),
            );
            ok = false;
        }
        if file.name.trim().is_empty() {
            c.error(&path, find_line(&text, "name ="), "name (the language's own name) is empty");
            ok = false;
        }
        if let (true, Some(tip)) = (ok, tip) {
            let mut signs = file.signs;
            let mut words = file.text;
            words.extend(tip.text);
            let ordered = public_signs.iter().filter_map(|code| signs.remove(*code).map(|s| ((*code).to_owned(), s)));
            langs.push(PublicLang {
                code,
                name: file.name,
                direction: file.direction,
                reviewed: file.reviewed,
                tip_reviewed: tip.reviewed,
                signs: ordered.collect(),
                text: words,
            });
        }
    }
    PublicText { langs }
}

#[cfg(test)]
mod tests {
    use super::{PUBLIC_KEYS, TIP_KEYS};

    #[test]
    fn the_two_files_keys_do_not_overlap() {
        let both: Vec<&&str> = TIP_KEYS.iter().filter(|k| PUBLIC_KEYS.contains(k)).collect();
        assert!(both.is_empty(), "{both:?}");
    }
}
