//! The content checker against the repository's real content and against small
//! broken copies of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_one_says, edit, errors_of, scratch, without_line};
use sightline_content::{Severity, default_dir, load};

#[test]
fn the_repository_content_is_valid() {
    let report = load(&default_dir());
    let errors: Vec<String> =
        report.problems.iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "content errors:\n{}", errors.join("\n"));
    let library = report.ok().unwrap();
    for id in ["cabin-crew", "flight-deck", "ground-gate", "security-ops", "public"] {
        let course = library.course(id).unwrap_or_else(|| panic!("course {id} missing"));
        assert!(course.languages.iter().any(|l| l == "fi"), "{id} in Finnish");
    }
    assert!(library.course("public").unwrap().languages.iter().any(|l| l == "sv"));
    assert!((32..=40).contains(&library.indicators.indicators.len()));
    use sightline_domain::report::AirportLookup;
    let hel = library.airports.airport("HEL").expect("HEL");
    assert_eq!((hel.country.as_str(), hel.tz.as_str()), ("FI", "Europe/Helsinki"));
    assert!(library.airports.len() > 7_000);
    use sightline_domain::directory::RouteQuery;
    let fi = library.directory.route(RouteQuery { country: "FI", airport: "HEL", urgent: true });
    assert!(fi.iter().any(|e| e.email.as_deref() == Some("ihmiskauppa@poliisi.fi")), "Finnish police");
    assert!(fi.iter().any(|e| e.local_number.as_deref() == Some("112")));
    assert!(fi[0].hours.is_always(), "urgent: a 24/7 line first, not the office-hours e-mail");
    assert!(library.directory.entries.iter().all(|e| e.source.starts_with("http")));
    assert!(library.directory.countries().len() >= 20, "{:?}", library.directory.countries());
}

#[test]
fn a_question_without_exactly_one_right_option_is_named_with_file_and_line() {
    let dir = scratch();
    let q = dir.join("courses/public/en/questions.toml");
    let text = std::fs::read_to_string(&q).unwrap();
    // Take away the first question's right option.
    let first = text.find("[[question]]").unwrap();
    let next = text[first + 12..].find("[[question]]").map_or(text.len(), |i| i + first + 12);
    let block = text[first..next].replace("correct = true\n", "");
    let broken = format!("{}{}{}", &text[..first], block, &text[next..]);
    std::fs::write(&q, broken).unwrap();
    let errors = errors_of(&dir);
    let hit = errors.iter().find(|e| e.contains("right options; it needs exactly one")).expect("reported");
    assert!(hit.contains("courses/public/en/questions.toml:"), "{hit}");
    let line: usize = hit.split(':').nth(1).unwrap().parse().unwrap();
    assert!(text.lines().nth(line - 1).unwrap().contains("id = \"pu-01\""), "line {line} names the question");
}

#[test]
fn unknown_indicators_missing_translations_and_bad_links_are_reported() {
    let dir = scratch();
    edit(&dir.join("courses/ground-gate/en/questions.toml"), |s| {
        s.replacen("indicators = [", "indicators = [\"NO-SUCH-SIGN\", ", 1)
    });
    // Drop one question from the Finnish bank.
    edit(&dir.join("courses/ground-gate/fi/questions.toml"), |s| {
        let last = s.rfind("[[question]]").unwrap();
        s[..last].to_owned()
    });
    edit(&dir.join("courses/ground-gate/en/02-signs-at-the-desk.md"), |s| {
        format!("{s}\nSee [this](nowhere-lesson).\n")
    });
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["names indicator NO-SUCH-SIGN"]);
    assert_one_says(&errors, &["is missing in fi: every language has the same question ids"]);
    assert_one_says(&errors, &["link \"nowhere-lesson\" does not resolve"]);
}

#[test]
fn lessons_need_sources_and_the_bank_needs_innocent_scenarios() {
    let dir = scratch();
    edit(&dir.join("courses/security-ops/en/01-what-trafficking-is.md"), |s| {
        let at = s.rfind("## Sources").unwrap();
        s[..at].to_owned()
    });
    edit(&dir.join("courses/security-ops/en/questions.toml"), |s| s.replace("innocent = true", "innocent = false"));
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["01-what-trafficking-is.md", "Sources"]);
    assert_one_says(&errors, &["innocent look-alikes; at least 30% are needed"]);
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let dir = scratch();
    edit(&dir.join("indicators.toml"), |s| s.replacen("schema_version = 1", "schema_version = 1\nthis is not toml", 1));
    let errors = errors_of(&dir);
    let hit = errors.iter().find(|e| e.contains("indicators.toml:")).expect("reported");
    let text = std::fs::read_to_string(dir.join("indicators.toml")).unwrap();
    let line: usize = hit.split("indicators.toml:").nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
    assert_eq!(text.lines().nth(line - 1).unwrap(), "this is not toml");
}

#[test]
fn an_exported_directory_is_a_valid_data_file_with_the_same_entries() {
    let library = load(&default_dir()).ok().unwrap();
    let text = sightline_content::directory_toml(&library.directory.entries, "2026-11-28").unwrap();
    assert!(text.starts_with("# Sightline routing directory, exported"));
    let dir = scratch();
    std::fs::write(dir.join("directory.toml"), &text).unwrap();
    let report = load(&dir);
    assert!(report.errors() == 0, "{:?}", report.problems);
    assert_eq!(report.ok().unwrap().directory.entries, library.directory.entries, "round trip");
}

#[test]
fn a_directory_entry_without_a_source_link_or_listed_twice_is_named() {
    let dir = scratch();
    edit(&dir.join("directory.toml"), |t| {
        let t = t.replacen(
            "source = \"https://ihmiskauppa.fi/en/human-trafficking/anti-trafficking-action-in-finland/pre-trial-investigation-authorities\"",
            "source = \"from a colleague\"",
            1,
        );
        let first = t.find("[[entry]]").unwrap();
        let second = t[first + 1..].find("[[entry]]").unwrap() + first + 1;
        let copy = t[first..second].to_owned();
        format!("{t}\n{copy}")
    });
    let first_entry =
        std::fs::read_to_string(dir.join("directory.toml")).unwrap().lines().position(|l| l == "[[entry]]").unwrap()
            + 1;
    let errors = errors_of(&dir);
    let at = format!("directory.toml:{first_entry}:");
    assert!(errors.iter().any(|e| e.contains(&at) && e.contains("source")), "{errors:?}");
    assert_one_says(&errors, &["listed twice"]);
}

/// The free-text guard's word lists: every language the app supports, lower case,
/// no word twice; each problem named with its line.
#[test]
fn the_free_text_guard_lists_are_checked() {
    let lib = load(&default_dir()).ok().unwrap();
    for lang in sightline_content::guard::LANGUAGES {
        assert!(lib.guard.for_lang(lang).len() >= 20, "{lang}");
    }
    assert_eq!(lib.guard.matches("en", "grey suit, Nigerian accent"), vec!["nigerian*"]);
    assert!(lib.guard.matches("en", "black jacket, white trainers, red scarf").is_empty(), "colours of clothing pass");
    assert_eq!(lib.guard.matches("fi", "Tummaihoinen mies"), vec!["tummaihoi*"]);
    let dir = scratch();
    let file = dir.join("free-text-guard.toml");
    edit(&file, |s| s.replacen("\"thai\"", "\"Thai\"", 1).replacen("\"jewish\",", "\"jewish\", \"jewish\",", 1));
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["free-text-guard.toml:", "\"Thai\" must be lower case"]);
    assert_one_says(&errors, &["\"jewish\" appears twice"]);
    edit(&file, |s| s.split("[fi]").next().unwrap_or_default().to_owned());
    assert!(errors_of(&dir).iter().any(|e| e.contains("no word list for the app's language `fi`")));
}

/// The first directory entry's block in the real file, to break in one way.
fn break_first_entry(f: impl FnOnce(String) -> String) -> Vec<String> {
    let dir = scratch();
    edit(&dir.join("directory.toml"), |t| {
        let first = t.find("[[entry]]").unwrap();
        let second = t[first + 1..].find("[[entry]]").unwrap() + first + 1;
        format!("{}{}{}", &t[..first], f(t[first..second].to_owned()), &t[second..])
    });
    errors_of(&dir)
}

#[test]
fn a_directory_phone_not_in_e164_fails_the_check() {
    let errors =
        break_first_entry(|b| b.replacen("kind = \"police\"", "kind = \"police\"\nphone = \"029 546 3177\"", 1));
    assert_one_says(&errors, &["directory.toml", "E.164"]);
}

#[test]
fn a_directory_entry_without_a_source_or_check_date_fails_the_check() {
    let no_source =
        break_first_entry(|b| b.lines().filter(|l| !l.starts_with("source =")).map(|l| format!("{l}\n")).collect());
    assert!(no_source.iter().any(|e| e.contains("directory.toml") && e.contains("source")), "{no_source:?}");
    let no_date = break_first_entry(|b| {
        b.lines().filter(|l| !l.starts_with("last_verified =")).map(|l| format!("{l}\n")).collect()
    });
    assert!(no_date.iter().any(|e| e.contains("directory.toml") && e.contains("last_verified")), "{no_date:?}");
    let bad_date = break_first_entry(|b| b.replace("last_verified = \"2026-12-02\"", "last_verified = \"last week\""));
    assert!(bad_date.iter().any(|e| e.contains("last_verified") && e.contains("invalid-date")), "{bad_date:?}");
}

#[test]
fn a_directory_source_on_a_copy_site_fails_the_check() {
    let clean = errors_of(&default_dir());
    assert!(clean.is_empty(), "{clean:?}");
    for copy in [
        "http://makehumantraffickinghistory.org/make-history/suspect-trafficking-taking-place/",
        "https://www.pubt.io/view/E63D3DEDE81EC79CD015B5F76CA741DD8592E87F",
        "https://web.test.ohchr.un-icc.cloud/en/stories/2018/06/aviation",
    ] {
        let errors = break_first_entry(|b| {
            let line = b.lines().find(|l| l.starts_with("source =")).unwrap().to_owned();
            b.replace(&line, &format!("source = \"{copy}\""))
        });
        assert!(errors.iter().any(|e| e.contains("copy-site list")), "{copy}: {errors:?}");
    }
}

#[test]
fn a_copy_site_cited_in_a_lesson_or_the_catalogue_fails_the_check_with_file_and_link() {
    assert!(errors_of(&default_dir()).is_empty(), "the real content cites no copy site");
    let dir = scratch();
    let lesson = dir.join("courses/public/en/01-what-trafficking-is.md");
    let copy = "https://vdocuments.site/guidance-on-human-trafficking.html";
    edit(&lesson, |s| format!("{s}- [Guidance (copy)]({copy}) — a copy, accessed 2026-11-28\n"));
    let catalogue = dir.join("indicators.toml");
    let test_server = "https://ngtest.aviationweek.com/business-aviation/story";
    edit(&catalogue, |s| {
        s.replace(
            "url = \"https://aviationweek.com/business-aviation/",
            "url = \"https://ngtest.aviationweek.com/business-aviation/",
        )
    });
    let errors = errors_of(&dir);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("01-what-trafficking-is.md") && e.contains(copy) && e.contains("copy-site list")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("indicators.toml") && e.contains("ngtest.aviationweek.com")),
        "{test_server}: {errors:?}"
    );
    assert!(!errors.iter().any(|e| e.contains("iata.org")), "the publisher's own pages pass: {errors:?}");
}

#[test]
fn the_public_pages_are_in_eight_languages_arabic_right_to_left() {
    let library = load(&default_dir()).ok().unwrap();
    let codes: Vec<&str> = library.public.langs.iter().map(|l| l.code).collect();
    assert_eq!(codes, sightline_content::public::PUBLIC_LANGS);
    let public: Vec<&str> =
        library.indicators.indicators.iter().filter(|i| i.public).map(|i| i.code.as_str()).collect();
    assert!(public.len() >= 5, "{public:?}");
    for l in &library.public.langs {
        assert_eq!(l.dir(), if l.code == "ar" { "rtl" } else { "ltr" }, "{}", l.code);
        for key in sightline_content::public::PUBLIC_KEYS {
            assert!(!l.t(key).trim().is_empty(), "{}: {key}", l.code);
        }
        assert_eq!(l.signs.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), public, "{}", l.code);
    }
    // Only lines marked public reach the help pages, and each has a number to call.
    let entries = &library.directory.entries;
    assert!(entries.iter().any(|e| e.public) && entries.iter().any(|e| !e.public));
    assert!(entries.iter().filter(|e| e.public).all(|e| e.phone.is_some() || e.local_number.is_some()));
    assert!(!entries.iter().any(|e| e.public && e.email.as_deref() == Some("ihmiskauppa@poliisi.fi")));
}

#[test]
fn a_public_language_file_missing_a_key_or_with_an_unknown_one_fails_the_check() {
    let dir = scratch();
    let uk = dir.join("public/uk/pages.toml");
    edit(&uk, |s| without_line(&s, "victim-safe ="));
    edit(&dir.join("public/fi/pages.toml"), |s| s.replace("[text]\n", "[text]\nvictim-hint = \"Ylimääräinen\"\n"));
    // A poster's words are keys like the pages' own.
    edit(&dir.join("public/ar/pages.toml"), |s| without_line(&s, "poster-qr ="));
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["public/ar/pages.toml", "\"poster-qr\" is missing"]);
    assert_one_says(&errors, &["public/uk/pages.toml", "\"victim-safe\" is missing"]);
    let unknown = errors.iter().find(|e| e.contains("unknown key \"victim-hint\"")).expect("the unknown key");
    assert!(unknown.contains("public/fi/pages.toml:"), "named with its line: {unknown}");
}

#[test]
fn a_tip_language_file_missing_a_key_or_with_an_unknown_one_fails_the_check() {
    let dir = scratch();
    // Arabic loses an error message, Ukrainian gains a key the tip pages do not use.
    edit(&dir.join("public/ar/tip.toml"), |s| without_line(&s, "error-unknown-airport ="));
    edit(&dir.join("public/uk/tip.toml"), |s| s.replace("[text]\n", "[text]\ntip-photo = \"Фото\"\n"));
    // A key left empty, and a language without its tip file.
    edit(&dir.join("public/es/tip.toml"), |s| {
        let start = s.find("tip-send =").unwrap();
        let end = start + s[start..].find('\n').unwrap();
        format!("{}tip-send = \"  \"{}", &s[..start], &s[end..])
    });
    std::fs::remove_file(dir.join("public/fr/tip.toml")).unwrap();
    let errors = errors_of(&dir);
    let has = |file: &str, needle: &str| errors.iter().any(|e| e.contains(file) && e.contains(needle));
    assert!(has("public/ar/tip.toml", "\"error-unknown-airport\" is missing"), "{errors:?}");
    assert!(has("public/uk/tip.toml:", "unknown key \"tip-photo\""), "named with its line: {errors:?}");
    assert!(has("public/es/tip.toml:", "\"tip-send\" is empty"), "{errors:?}");
    assert!(has("public/fr/tip.toml", "cannot read"), "{errors:?}");
    // The pages' own file is not where tip keys go.
    edit(&dir.join("public/fi/pages.toml"), |s| s.replace("[text]\n", "[text]\ntip-send = \"Lähetä\"\n"));
    let errors = errors_of(&dir);
    assert!(errors.iter().any(|e| e.contains("public/fi/pages.toml:") && e.contains("unknown key \"tip-send\"")));
    // The content as shipped passes: every language has every tip key.
    let library = load(&default_dir()).ok().unwrap();
    for l in &library.public.langs {
        for key in sightline_content::public::TIP_KEYS {
            assert!(!l.t(key).trim().is_empty(), "{} {key}", l.code);
        }
        assert!(!l.tip_reviewed, "{}: no reviewer has read the tip pages yet", l.code);
    }
    assert_eq!(library.public.get("ar").unwrap().dir(), "rtl");
}

#[test]
fn public_signs_must_match_the_catalogue_and_languages_the_list() {
    let dir = scratch();
    // A sign the catalogue does not mark public, and one it does that a file lacks.
    edit(&dir.join("public/es/pages.toml"), |s| s.replace("[signs.BEH-FEARFUL]", "[signs.BEH-RAVENOUS]"));
    // A language the public pages do not speak, and one missing.
    std::fs::create_dir_all(dir.join("public/de")).unwrap();
    std::fs::remove_file(dir.join("public/sv/pages.toml")).unwrap();
    // An unknown top-level field and a direction that is neither ltr nor rtl.
    edit(&dir.join("public/ar/pages.toml"), |s| s.replace("direction = \"rtl\"", "direction = \"right\""));
    edit(&dir.join("public/fr/pages.toml"), |s| s.replace("reviewed = false", "reviewed = false\nreviewer = \"me\""));
    let errors = errors_of(&dir);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(has("BEH-RAVENOUS is not an indicator marked public = true"), "{errors:?}");
    assert!(has("public/es/pages.toml") && has("the public sign BEH-FEARFUL is missing"), "{errors:?}");
    assert!(has("\"de\" is not a language of the public pages"), "{errors:?}");
    assert!(has("public/sv/pages.toml") && has("cannot read"), "{errors:?}");
    assert!(has("public/ar/pages.toml"), "the direction: {errors:?}");
    assert!(has("public/fr/pages.toml") && has("reviewer"), "unknown field: {errors:?}");

    // A directory entry marked public with nothing to call.
    let dir = scratch();
    edit(&dir.join("directory.toml"), |s| {
        s.replacen("email = \"ihmiskauppa@poliisi.fi\"\n", "email = \"ihmiskauppa@poliisi.fi\"\npublic = true\n", 1)
    });
    let errors = errors_of(&dir);
    assert_one_says(&errors, &[": public-needs-number"]);
}
