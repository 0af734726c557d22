#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Read as _;

use sightline_domain::learn::{Course, mix_needs};

use super::*;

const CP: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
const ADLCP: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";

fn library() -> sightline_content::Library {
    sightline_content::load(&sightline_content::default_dir()).ok().unwrap()
}

fn course(id: &str) -> Course {
    library().course(id).unwrap().clone()
}

/// The files of a package, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().into_owned(), text)
        })
        .collect()
}

/// The JSON the SCO reads.
fn sco_data(index: &str) -> serde_json::Value {
    let start = index.find("id=\"sco-data\">").unwrap() + "id=\"sco-data\">".len();
    let end = start + index[start..].find("</script>").unwrap();
    serde_json::from_str(&index[start..end]).unwrap()
}

/// The child element `name` in the IMS CP namespace.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|x| x.is_element() && x.tag_name().name() == name && x.tag_name().namespace() == Some(CP))
}

#[test]
fn the_manifest_is_scorm_1_2_with_one_sco_and_the_pass_mark() {
    let c = course("cabin-crew");
    let p = build(&c, "fi", [7; 16], [1; 8]).unwrap();
    let files = unzip(&p.bytes);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        ["imsmanifest.xml", "index.html", "sco.css", "sco.js"]
    );
    let xml = &files["imsmanifest.xml"];
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some(CP), "manifest"));
    let meta = child(root, "metadata").unwrap();
    assert_eq!(child(meta, "schema").unwrap().text(), Some("ADL SCORM"));
    assert_eq!(child(meta, "schemaversion").unwrap().text(), Some("1.2"));
    let orgs = child(root, "organizations").unwrap();
    let org = child(orgs, "organization").unwrap();
    assert_eq!(orgs.attribute("default"), org.attribute("identifier"));
    assert_eq!(child(org, "title").unwrap().text(), Some(c.title.get("fi")));
    let item = child(org, "item").unwrap();
    let mastery = item.children().find(|x| x.tag_name().name() == "masteryscore").unwrap();
    assert_eq!(mastery.tag_name().namespace(), Some(ADLCP));
    assert_eq!(mastery.text(), Some("80"));
    let resources = child(root, "resources").unwrap();
    let res: Vec<_> = resources.children().filter(roxmltree::Node::is_element).collect();
    assert_eq!(res.len(), 1, "one SCO");
    assert_eq!(item.attribute("identifierref"), res[0].attribute("identifier"));
    assert_eq!(res[0].attribute((ADLCP, "scormtype")), Some("sco"), "SCORM 1.2 spells it in lower case");
    assert_eq!(res[0].attribute("type"), Some("webcontent"));
    assert_eq!(res[0].attribute("href"), Some("index.html"));
    let listed: Vec<_> = res[0].children().filter_map(|f| f.attribute("href")).collect();
    assert_eq!(listed, FILES);
    for f in listed {
        assert!(files.contains_key(f), "{f} is in the zip");
    }
    assert!(p.missing.is_empty(), "the Finnish course is complete: {:?}", p.missing);
    assert_eq!(p.file_name, "sightline-cabin-crew-fi-scorm12.zip");
}

#[test]
fn titles_are_escaped_in_the_manifest() {
    let mut c = course("cabin-crew");
    c.title.0.insert("en".into(), "Crew & <ground> \"staff\"".into());
    let doc_text = manifest(&c, "en");
    let doc = roxmltree::Document::parse(&doc_text).unwrap();
    let title = doc.descendants().find(|n| n.tag_name().name() == "title").unwrap();
    assert_eq!(title.text(), Some("Crew & <ground> \"staff\""));
}

#[test]
fn the_package_holds_no_answer_key_in_plain_sight() {
    let c = course("cabin-crew");
    let p = build(&c, "en", [3; 16], [9; 8]).unwrap();
    let files = unzip(&p.bytes);
    let index = &files["index.html"];
    let data = sco_data(index);
    let salt = data["salt"].as_str().unwrap();
    assert_eq!(salt, data_encoding::HEXLOWER.encode(&[3; 16]));
    // No flags, no explanations, no innocent/urgent marks anywhere in the package.
    for (name, text) in &files {
        for word in ["\"correct\"", "\"innocent\"", "\"explanation\"", "\"expected\"", "\"disclosure\"", "\"danger\""] {
            assert!(!text.contains(word), "{name} contains {word}");
        }
    }
    let bank = &c.texts["en"].questions;
    for q in bank {
        assert!(!index.contains(&q.explanation.replace('\'', "&#39;")) && !index.contains(&q.explanation), "{}", q.id);
    }
    let questions = data["questions"].as_array().unwrap();
    assert!(!questions.is_empty());
    for shipped in questions {
        let id = shipped["id"].as_str().unwrap();
        let key = shipped["key"].as_str().unwrap();
        let q = bank.iter().find(|q| q.id == id).unwrap();
        let right_text = &q.options[q.correct_index().unwrap()].text;
        let options = shipped["options"].as_array().unwrap();
        assert_eq!(options.len(), q.options.len());
        // Exactly one option hashes to the key, and it is the right one.
        let hits: Vec<_> = options.iter().filter(|o| answer_hash(salt, id, o["id"].as_str().unwrap()) == key).collect();
        assert_eq!(hits.len(), 1, "{id}");
        assert_eq!(hits[0]["text"].as_str().unwrap(), right_text, "{id}");
        // The key is not an option id, nor the hash of one without the salt.
        assert!(options.iter().all(|o| o["id"].as_str().unwrap() != key));
        assert_ne!(answer_hash("", id, hits[0]["id"].as_str().unwrap()), key);
    }
    // The right option is not always in the same place.
    let places: BTreeSet<usize> = questions
        .iter()
        .map(|s| {
            let key = s["key"].as_str().unwrap();
            let id = s["id"].as_str().unwrap();
            s["options"]
                .as_array()
                .unwrap()
                .iter()
                .position(|o| answer_hash(salt, id, o["id"].as_str().unwrap()) == key)
                .unwrap()
        })
        .collect();
    assert!(places.len() > 1, "{places:?}");
    // A new export has a new salt: yesterday's hashes say nothing about today's package.
    let again = export(&c, "en").unwrap();
    assert_ne!(sco_data(&unzip(&again.bytes)["index.html"])["salt"], data["salt"]);
}

#[test]
fn every_form_keeps_the_draw_and_its_mix() {
    let c = course("cabin-crew");
    let (index, _) = sco_page(&c, "en", "s", &mut Rng::from_seed([5; 8])).unwrap();
    let data = sco_data(&index);
    let forms = data["forms"].as_array().unwrap();
    assert_eq!(forms.len(), FORMS);
    let (innocent, urgent) = mix_needs(c.draw);
    for form in forms {
        let ids: Vec<&str> = form.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(ids.len(), c.draw);
        let qs: Vec<_> = ids.iter().map(|id| c.question("en", id).unwrap().item).collect();
        assert!(qs.iter().filter(|q| q.innocent).count() >= innocent);
        assert!(qs.iter().filter(|q| q.is_urgent()).count() >= urgent);
        for id in ids {
            assert!(data["questions"].as_array().unwrap().iter().any(|q| q["id"] == id), "{id} is shipped");
        }
    }
    assert_eq!(data["pass"], c.pass_percent);
}

#[test]
fn lessons_come_from_the_same_markdown_without_raw_html() {
    let mut c = course("cabin-crew");
    let en = c.texts.get_mut("en").unwrap();
    en.lessons[0].body.push_str("\n\n<script>alert(1)</script>\n");
    let (index, _) = sco_page(&c, "en", "s", &mut Rng::from_seed([1; 8])).unwrap();
    assert!(index.contains(&lesson_html(&c.texts["en"].lessons[1].body, 3)));
    assert!(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(index.matches("<script").count(), 2, "the data and sco.js only");
    assert!(!index.contains("src=\"http"), "no remote script");
    assert!(!index.contains("stylesheet\" href=\"http"), "no remote style");
    for l in &c.texts["en"].lessons {
        assert!(index.contains(&format!("id=\"lesson-{}\"", l.slug)));
    }
}

#[test]
fn missing_translations_are_exported_in_english_and_listed() {
    // Cabin crew has no Swedish version: everything falls back and is listed.
    let c = course("cabin-crew");
    let p = build(&c, "sv", [1; 16], [1; 8]).unwrap();
    assert!(p.missing.contains(&"title".to_owned()) && p.missing.contains(&"summary".to_owned()));
    for l in &c.texts["en"].lessons {
        assert!(p.missing.contains(&format!("lesson {}", l.slug)), "{}", l.slug);
    }
    assert!(p.missing.iter().any(|m| m.starts_with("question ")));
    let index = &unzip(&p.bytes)["index.html"];
    assert!(index.contains("<html lang=\"sv\">") && index.contains("class=\"note\""));
    assert!(index.contains(&format!("id=\"lesson-{}\" lang=\"en\"", c.texts["en"].lessons[0].slug)));
    // One Finnish lesson removed: only it is listed.
    let mut c = course("cabin-crew");
    let gone = c.texts.get_mut("fi").unwrap().lessons.remove(1).slug;
    let p = build(&c, "fi", [1; 16], [1; 8]).unwrap();
    assert_eq!(p.missing, vec![format!("lesson {gone}")]);
    // A language Sightline has no content in is refused at the field.
    let err = build(&c, "de", [1; 16], [1; 8]).unwrap_err();
    assert!(matches!(err, AppError::Invalid(ref e) if e[0].field == "lang"), "{err}");
}

#[test]
fn every_course_exports_small_and_fast() {
    for c in &library().courses {
        for lang in &c.languages {
            let t = std::time::Instant::now();
            let p = export(c, lang).unwrap();
            let took = t.elapsed();
            assert!(p.bytes.len() < 2 * 1024 * 1024, "{} {lang}: {} bytes", c.id, p.bytes.len());
            assert!(took < std::time::Duration::from_secs(1), "{} {lang}: {took:?}", c.id);
        }
    }
}
