//! The free-text guard's word lists (`content/free-text-guard.toml`): words that
//! describe ethnicity, skin colour, religion or nationality, one list per language
//! the app supports. The report page is given its language's list and warns before
//! sending (describe behaviour and clothing, not origin); nothing is refused.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::Collector;

/// The languages the app supports; each needs a list.
pub const LANGUAGES: [&str; 2] = ["en", "fi"];
/// Fewer words than this in a language is an error (a list was lost or cut).
const MIN_WORDS: usize = 20;

/// Word lists by language code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardWords(BTreeMap<String, Vec<String>>);

#[derive(Deserialize)]
struct List {
    words: Vec<String>,
}

impl GuardWords {
    /// The list for `lang` (`en` when it has none).
    #[must_use]
    pub fn for_lang(&self, lang: &str) -> &[String] {
        self.0.get(lang).or_else(|| self.0.get("en")).map_or(&[], Vec::as_slice)
    }

    /// Which entries `text` contains (lower-cased words; `*` matches a word's start;
    /// a phrase matches consecutive words).
    #[must_use]
    pub fn matches<'a>(&'a self, lang: &str, text: &str) -> Vec<&'a str> {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
        let hit = |entry: &str| {
            let parts: Vec<&str> = entry.split(' ').collect();
            words.windows(parts.len()).any(|w| {
                w.iter().zip(&parts).all(|(word, part)| match part.strip_suffix('*') {
                    Some(prefix) => word.starts_with(prefix),
                    None => word == part,
                })
            })
        };
        self.for_lang(lang).iter().map(String::as_str).filter(|e| hit(e)).collect()
    }
}

/// What is wrong with one entry, if anything.
fn entry_problem(word: &str) -> Option<&'static str> {
    let body = word.strip_suffix('*').unwrap_or(word);
    if body.is_empty() || body.chars().count() < 2 {
        return Some("is too short");
    }
    if word != word.trim() || body.contains("  ") {
        return Some("has extra spaces");
    }
    if body.chars().any(|c| !(c.is_alphabetic() || c == ' ')) {
        return Some("may hold only letters and single spaces, and end in *");
    }
    if word.to_lowercase() != word {
        return Some("must be lower case");
    }
    None
}

pub(crate) fn load(c: &mut Collector, path: &Path) -> GuardWords {
    let Some(text) = crate::read(c, path) else { return GuardWords::default() };
    let Some(lists) = crate::parse_toml::<BTreeMap<String, List>>(c, path, &text) else {
        return GuardWords::default();
    };
    for lang in LANGUAGES {
        match lists.get(lang) {
            None => c.error(path, None, format!("no word list for the app's language `{lang}`")),
            Some(l) if l.words.len() < MIN_WORDS => {
                c.error(
                    path,
                    crate::find_line(&text, &format!("[{lang}]")),
                    format!("`{lang}` has fewer than {MIN_WORDS} words"),
                );
            }
            Some(_) => {}
        }
    }
    for (lang, list) in &lists {
        let mut seen = std::collections::BTreeSet::new();
        for word in &list.words {
            let line = crate::find_line(&text, &format!("\"{word}\""));
            if let Some(why) = entry_problem(word) {
                c.error(path, line, format!("`{lang}` word \"{word}\" {why}"));
            }
            if !seen.insert(word.as_str()) {
                c.error(path, line, format!("`{lang}` word \"{word}\" appears twice"));
            }
        }
    }
    GuardWords(lists.into_iter().map(|(k, v)| (k, v.words)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_prefixes_and_phrases_match_whole_words() {
        let g = GuardWords(BTreeMap::from([(
            "en".to_owned(),
            vec!["nigerian*".to_owned(), "black man".to_owned(), "thai".to_owned()],
        )]));
        assert_eq!(g.matches("en", "Two Nigerians, one in a red coat"), vec!["nigerian*"]);
        assert_eq!(g.matches("en", "A black man in a grey suit"), vec!["black man"]);
        assert!(g.matches("en", "black jacket, white shoes, thailand sticker").is_empty());
        assert_eq!(g.matches("fi", "thai"), vec!["thai"], "falls back to English");
        assert_eq!(entry_problem("Thai"), Some("must be lower case"));
        assert_eq!(entry_problem("a1"), Some("may hold only letters and single spaces, and end in *"));
        assert_eq!(entry_problem("afrikkalai*"), None);
    }
}
