//! The public pages' words (`content/public/<lang>/pages.toml`): the travellers'
//! home, the signs page and the help pages, in every language the public pages speak.
//!
//! Each language file holds every key of [`PUBLIC_KEYS`] (a missing key and a key the
//! pages do not know are both errors), a plain-words version of every indicator the
//! catalogue marks `public = true` (and of no other), its own name, its writing
//! direction and `reviewed`: until a reviewer sets it to `true`, the pages say the
//! translation is not yet reviewed.

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

/// The public pages' words in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicLang {
    pub code: &'static str,
    /// The language's own name, for the language switch.
    pub name: String,
    pub direction: Direction,
    /// A reviewer has checked the translation.
    pub reviewed: bool,
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
        let mut ok = true;
        for key in PUBLIC_KEYS {
            match file.text.get(*key) {
                None => {
                    c.error(&path, find_line(&text, "[text]"), format!("the key {key:?} is missing"));
                    ok = false;
                }
                Some(v) if v.trim().is_empty() => {
                    c.error(&path, find_line(&text, &format!("{key} =")), format!("the key {key:?} is empty"));
                    ok = false;
                }
                Some(_) => {}
            }
        }
        for key in file.text.keys().filter(|k| !PUBLIC_KEYS.contains(&k.as_str())) {
            c.error(
                &path,
                find_line(&text, &format!("{key} =")),
                format!("unknown key {key:?}: the pages do not use it"),
            );
            ok = false;
        }
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
        if ok {
            let mut signs = file.signs;
            let ordered = public_signs.iter().filter_map(|code| signs.remove(*code).map(|s| ((*code).to_owned(), s)));
            langs.push(PublicLang {
                code,
                name: file.name,
                direction: file.direction,
                reviewed: file.reviewed,
                signs: ordered.collect(),
                text: file.text,
            });
        }
    }
    PublicText { langs }
}
