//! Languages. Messages live in `locales/<lang>/*.ftl` (Fluent), embedded at compile
//! time; a key missing in one language falls back to English.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    pub(crate) static LOCALES = {
        locales: "./locales",
        fallback_language: "en-US",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en-US");
static FI: LanguageIdentifier = langid!("fi");

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fi,
}

impl Lang {
    pub const ALL: [Self; 2] = [Self::En, Self::Fi];

    /// The code used in cookies, the database and `lang` attributes.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fi => "fi",
        }
    }

    /// The language's own name, for the language switch.
    #[must_use]
    pub const fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fi => "Suomi",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = primary_subtag(code);
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first supported language in an `Accept-Language` header.
    #[must_use]
    pub fn from_accept_language(header: &str) -> Option<Self> {
        accept_language(header).into_iter().find_map(Self::from_code)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::En => &EN,
            Self::Fi => &FI,
        }
    }

    /// The message `key` in this language.
    #[must_use]
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with named arguments.
    #[must_use]
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// Does this language define `key` itself (without falling back)?
    #[must_use]
    pub fn has(self, key: &str) -> bool {
        LOCALES.lookup_single_language::<&str>(self.id(), key, None).is_ok()
    }
}

/// The language tags of an `Accept-Language` header, most wanted first (by `q`,
/// then in the order given); tags with `q=0` ("not acceptable") are left out.
#[must_use]
pub fn accept_language(header: &str) -> Vec<&str> {
    let mut tagged: Vec<(f32, &str)> = header
        .split(',')
        .map(|part| {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q =
                it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
            (q, tag)
        })
        .filter(|(q, tag)| *q > 0.0 && !tag.is_empty())
        .collect();
    tagged.sort_by(|a, b| b.0.total_cmp(&a.0));
    tagged.into_iter().map(|(_, tag)| tag).collect()
}

/// The primary subtag of a language tag, lower case (`pt-BR` → `pt`).
#[must_use]
pub fn primary_subtag(tag: &str) -> String {
    tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_from_accept_language() {
        assert_eq!(Lang::from_accept_language("fi-FI,fi;q=0.9,en;q=0.8"), Some(Lang::Fi));
        assert_eq!(Lang::from_accept_language("sv;q=0.9,en-GB;q=0.8,fi;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::from_accept_language("fi;q=0, en;q=0.5"), Some(Lang::En), "q=0 is not acceptable");
        assert_eq!(accept_language("ar-EG, uk;q=0.8, *;q=0.1"), vec!["ar-EG", "uk", "*"]);
        assert_eq!(primary_subtag("ar-EG"), "ar");
    }

    #[test]
    fn every_english_key_is_translated_to_finnish() {
        let en = [include_str!("../locales/en-US/main.ftl"), include_str!("../locales/en-US/tip.ftl")].concat();
        let fi = [include_str!("../locales/fi/main.ftl"), include_str!("../locales/fi/tip.ftl")].concat();
        let keys = |src: &str| -> Vec<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '.']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_owned))
                .collect()
        };
        // A key written twice (two branches adding the same message) makes the bundle
        // refuse to load at the first page: say which one here instead.
        for (lang, src) in [("en", &en), ("fi", &fi)] {
            let mut all = keys(src);
            all.sort();
            let twice: Vec<&String> = all.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
            assert!(twice.is_empty(), "{lang} has these keys twice: {twice:?}");
        }
        let fi_keys = keys(&fi);
        let missing: Vec<String> = keys(&en).into_iter().filter(|k| !fi_keys.contains(k)).collect();
        assert!(missing.is_empty(), "Finnish lacks: {missing:?}");
        assert!(Lang::Fi.has("sign-in"));
        assert_ne!(Lang::Fi.t("sign-in"), Lang::En.t("sign-in"));
    }
}
