//! The report's rules, one set for the server and the browser: the shared vectors in
//! `report_vectors.json` are run here through the domain's parser, and in Chromium
//! through `static/report.js` (`browser::the_report_page_keeps_the_rules_of_the_server`).
//! The expected relay messages are generated from the domain:
//! `SIGHTLINE_VECTORS_UPDATE=1 cargo test -p sightline-web --test web -- vectors` writes them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use sightline_domain::report::{RelayCodeword, ReportInput};

pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/web/report_vectors.json")
}

pub fn load() -> Value {
    serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap()
}

pub fn library() -> sightline_content::Library {
    sightline_content::load(&sightline_content::default_dir()).ok().unwrap()
}

/// A case's input: `base` with `patch` applied (`"indicators": "ALL"` is every sign).
pub fn input(vectors: &Value, case: &Value, library: &sightline_content::Library) -> Value {
    let mut input = vectors["base"].clone();
    for (k, v) in case["patch"].as_object().unwrap() {
        input[k] = if v == "ALL" {
            library.indicators.indicators.iter().map(|i| Value::from(i.code.clone())).collect()
        } else {
            v.clone()
        };
    }
    input
}

/// `[[field, code], …]` as a set.
pub fn pairs(v: &Value) -> BTreeSet<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_domain_parser_agrees_with_the_shared_vectors() {
    let library = library();
    let mut vectors = load();
    let reference = vectors["reference"].as_str().unwrap().to_owned();
    let update = std::env::var_os("SIGHTLINE_VECTORS_UPDATE").is_some();
    let mut wrong = Vec::new();
    let cases = vectors["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 30, "the vectors cover the rules");
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let input: ReportInput = serde_json::from_value(input(&vectors, case, &library)).unwrap();
        let (errors, flags, relay) = match input.parse(&library.airports, &library.indicators) {
            Ok(r) => {
                let flags = r.flags.iter().map(|e| (e.field.to_owned(), e.code.to_owned())).collect();
                let relay = r.relay(&library.indicators, &reference, &RelayCodeword::default()).encode();
                (BTreeSet::new(), flags, Value::from(relay))
            }
            Err(errs) => {
                (errs.iter().map(|e| (e.field.to_owned(), e.code.to_owned())).collect(), BTreeSet::new(), Value::Null)
            }
        };
        if errors != pairs(&case["errors"]) || flags != pairs(&case["flags"]) {
            wrong.push(format!("{name}: errors {errors:?}, flags {flags:?}"));
        }
        if update {
            vectors["cases"][i]["relay"] = relay;
        } else if case["relay"] != relay {
            wrong.push(format!("{name}: relay {relay} (vectors: {})", case["relay"]));
        }
    }
    if update {
        std::fs::write(path(), serde_json::to_string_pretty(&vectors).unwrap() + "\n").unwrap();
    }
    assert!(wrong.is_empty(), "the domain and the vectors differ:\n{}", wrong.join("\n"));
}
