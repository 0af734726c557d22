//! SCORM 1.2 export of a course in one language: a zip with `imsmanifest.xml` and one
//! SCO (`index.html`, `sco.js`, `sco.css`) that shows the lessons, rendered from the
//! same Markdown as the site, then the scenario check, and reports
//! `cmi.core.lesson_status` (passed/failed) and `cmi.core.score.*` to the LMS through
//! the SCORM 1.2 runtime API (see `docs/scorm.md`).
//!
//! SCORM 1.2 has no server-side grading: the SCO grades in the learner's browser. The
//! package therefore never holds the answer key as option ids: each question carries
//! SHA-256(salt `:` question id `:` option id) of its right option (a new random salt
//! per export), the options are shuffled and renamed, and the explanations (which name
//! the right action) stay on Sightline. A learner who reads the package cannot see
//! the key; one who runs code can still find it by hashing each option.
//!
//! Everything here is pure apart from [`App::scorm_package`] (authorisation) and the
//! random salt of [`export`]; the zip is written in memory.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sightline_domain::ids::OrgId;
use sightline_domain::learn::{self, CONTENT_LANGS, Course, FALLBACK_LANG, Rng};

use crate::markdown::{escape as esc, lesson_html};
use crate::security::random_bytes;
use crate::{App, AppError, Caller, Result};

/// The SCO's script and styles, written for Sightline (no third-party code, no CDN).
const SCO_JS: &str = include_str!("sco.js");
const SCO_CSS: &str = include_str!("sco.css");

/// How many draws of the check the package carries; the SCO picks one at random per
/// attempt. Drawn here by the domain's own [`learn::draw`], so the mix rules (innocent
/// look-alikes, an urgent scenario) hold without shipping which question is which.
pub const FORMS: usize = 24;

/// The files of a package, in the manifest's order.
pub const FILES: [&str; 3] = ["index.html", "sco.js", "sco.css"];

/// A built package.
#[derive(Debug, Clone)]
pub struct Package {
    /// The zip file.
    pub bytes: Vec<u8>,
    /// What the language lacks and the package shows in English instead, e.g.
    /// `lesson 02-signs-on-board`, `question cc-04`, `title`.
    pub missing: Vec<String>,
    /// A file name to save it as: `sightline-<course>-<lang>-scorm12.zip`.
    pub file_name: String,
}

/// The words of the SCO's own interface (the lessons and questions come from the
/// course). `{name}` placeholders are filled in by the script.
#[derive(Debug, Clone, Serialize)]
struct Words {
    contents: &'static str,
    fallback: &'static str,
    check_title: &'static str,
    check_lead: &'static str,
    start: &'static str,
    again: &'static str,
    question: &'static str,
    submit: &'static str,
    answer_all: &'static str,
    passed: &'static str,
    not_passed: &'static str,
    score: &'static str,
    need: &'static str,
    your_answer: &'static str,
    right: &'static str,
    wrong: &'static str,
    better: &'static str,
    recorded: &'static str,
    no_lms: &'static str,
}

const EN: Words = Words {
    contents: "Contents",
    fallback: "Part of this course is not yet translated into your language; that part is shown in English.",
    check_title: "Scenario check",
    check_lead: "{count} scenarios are drawn at random, some of them innocent situations that only look suspicious. \
                 Choose the best action for each. You pass with {percent} % right answers.",
    start: "Start the scenario check",
    again: "Start a new attempt",
    question: "Scenario {n}",
    submit: "Submit my answers",
    answer_all: "Answer every question before submitting ({count} still open).",
    passed: "Passed",
    not_passed: "Not passed yet",
    score: "{right} of {total} right ({percent} %)",
    need: "You need {percent} %. A new attempt draws new scenarios.",
    your_answer: "Your answer:",
    right: "right",
    wrong: "not the best action",
    better: "Better:",
    recorded: "Your result has been sent to your learning system.",
    no_lms: "No learning system was found: your result is shown here but not recorded.",
};

const FI: Words = Words {
    contents: "Sisältö",
    fallback: "Osaa tästä kurssista ei ole vielä käännetty kielellesi; se osa näytetään englanniksi.",
    check_title: "Tilannetehtävät",
    check_lead: "Tehtävät arvotaan satunnaisesti: {count} tilannetta, joista osa on viattomia tilanteita, jotka vain \
                 näyttävät epäilyttäviltä. Valitse jokaiseen paras toimintatapa. Läpäiset, kun vähintään {percent} % \
                 vastauksista on oikein.",
    start: "Aloita tilannetehtävät",
    again: "Aloita uusi yritys",
    question: "Tilanne {n}",
    submit: "Lähetä vastaukset",
    answer_all: "Vastaa kaikkiin kysymyksiin ennen lähettämistä (vastaamatta: {count}).",
    passed: "Hyväksytty",
    not_passed: "Ei vielä hyväksytty",
    score: "Oikein {right}/{total} ({percent} %)",
    need: "Tarvitset {percent} %. Uuteen yritykseen arvotaan uudet tilanteet.",
    your_answer: "Vastauksesi:",
    right: "oikein",
    wrong: "ei paras toimintatapa",
    better: "Parempi:",
    recorded: "Tuloksesi on lähetetty oppimisympäristöösi.",
    no_lms: "Oppimisympäristöä ei löytynyt: tulos näkyy tässä, mutta sitä ei tallenneta.",
};

const SV: Words = Words {
    contents: "Innehåll",
    fallback: "En del av kursen är ännu inte översatt till ditt språk; den delen visas på engelska.",
    check_title: "Scenariofrågor",
    check_lead: "{count} situationer lottas, en del av dem oskyldiga situationer som bara ser misstänkta ut. Välj det \
                 bästa sättet att agera i varje. Du blir godkänd med {percent} % rätta svar.",
    start: "Börja scenariofrågorna",
    again: "Börja ett nytt försök",
    question: "Situation {n}",
    submit: "Skicka mina svar",
    answer_all: "Svara på alla frågor innan du skickar ({count} obesvarade).",
    passed: "Godkänd",
    not_passed: "Inte godkänd än",
    score: "{right} av {total} rätt ({percent} %)",
    need: "Du behöver {percent} %. Ett nytt försök lottar nya situationer.",
    your_answer: "Ditt svar:",
    right: "rätt",
    wrong: "inte det bästa sättet",
    better: "Bättre:",
    recorded: "Ditt resultat har skickats till din lärplattform.",
    no_lms: "Ingen lärplattform hittades: resultatet visas här men sparas inte.",
};

/// The interface words in `lang`, or English (and `false`).
fn words(lang: &str) -> (Words, bool) {
    match lang {
        "fi" => (FI, true),
        "sv" => (SV, true),
        _ => (EN, lang == FALLBACK_LANG),
    }
}

/// The answer-key entry of one option: lower-case hex SHA-256 of
/// `salt:question:option`. The package stores it for the right option only.
#[must_use]
pub fn answer_hash(salt: &str, question: &str, option: &str) -> String {
    let digest = Sha256::digest(format!("{salt}:{question}:{option}").as_bytes());
    data_encoding::HEXLOWER.encode(&digest)
}

/// `imsmanifest.xml` (SCORM 1.2 CAM, IMS Content Packaging 1.1.2): one organisation,
/// one item with the course's pass mark as `adlcp:masteryscore`, one SCO resource.
#[must_use]
pub fn manifest(course: &Course, lang: &str) -> String {
    let id = format!("sightline-{}-{lang}", course.id);
    let title = esc(course.title.get(lang));
    let files: String = FILES.iter().map(|f| format!("      <file href=\"{f}\"/>\n")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-{id}">
    <organization identifier="ORG-{id}">
      <title>{title}</title>
      <item identifier="ITEM-{id}" identifierref="RES-{id}" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>{pass}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-{id}" type="webcontent" adlcp:scormtype="sco" href="index.html">
{files}    </resource>
  </resources>
</manifest>
"#,
        pass = course.pass_percent,
    )
}

#[derive(Serialize)]
struct ShippedOption {
    id: String,
    text: String,
}

#[derive(Serialize)]
struct ShippedQuestion {
    id: String,
    scenario: String,
    options: Vec<ShippedOption>,
    /// [`answer_hash`] of the right option.
    key: String,
}

/// What the script reads: no explanations, no `correct` flags, no innocent/urgent
/// marks (the forms are drawn here).
#[derive(Serialize)]
struct ScoData {
    course: String,
    lang: String,
    pass: u32,
    salt: String,
    forms: Vec<Vec<String>>,
    questions: Vec<ShippedQuestion>,
    words: Words,
}

/// JSON safe inside `<script type="application/json">`: no `<`, `>` or `&`.
fn script_json(data: &ScoData) -> Result<String> {
    let json = serde_json::to_string(data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

/// What `course` lacks in `lang` and a package shows in English instead: `title`,
/// `summary`, `lesson <slug>`, `question <id>` (and `interface words` for a language
/// the SCO's own words are not written in).
#[must_use]
pub fn missing(course: &Course, lang: &str) -> Vec<String> {
    let mut missing = Vec::new();
    if !words(lang).1 {
        missing.push("interface words".to_owned());
    }
    for (what, text) in [("title", &course.title), ("summary", &course.summary)] {
        if lang != FALLBACK_LANG && !text.0.contains_key(lang) {
            missing.push(what.to_owned());
        }
    }
    for l in course.lessons(lang).iter().filter(|l| l.fell_back) {
        missing.push(format!("lesson {}", l.item.slug));
    }
    for id in course.question_ids() {
        if course.question(lang, id).is_some_and(|q| q.fell_back) {
            missing.push(format!("question {id}"));
        }
    }
    missing
}

/// The SCO page and what the language lacked ([`missing`]). `salt` is the answer key's salt, `rng`
/// draws the forms and shuffles the options.
///
/// # Errors
/// The course has no English question bank to draw from.
pub fn sco_page(course: &Course, lang: &str, salt: &str, rng: &mut Rng) -> Result<(String, Vec<String>)> {
    let missing = missing(course, lang);
    let (words, _) = words(lang);
    let lessons = course.lessons(lang);
    let forms: Vec<Vec<String>> =
        (0..FORMS).map(|_| learn::draw(course, rng).into_iter().map(|d| d.id).collect()).collect();
    if forms.iter().all(Vec::is_empty) {
        return Err(AppError::field("course", "unknown-value"));
    }
    let used: BTreeSet<&str> = forms.iter().flatten().map(String::as_str).collect();
    let mut questions = Vec::with_capacity(used.len());
    for id in course.question_ids().into_iter().filter(|id| used.contains(id)) {
        let Some(q) = course.question(lang, id).map(|s| s.item) else { continue };
        let mut order: Vec<usize> = (0..q.options.len()).collect();
        rng.shuffle(&mut order);
        let options: Vec<ShippedOption> = order
            .iter()
            .enumerate()
            .map(|(n, &i)| ShippedOption { id: option_id(n), text: q.options[i].text.clone() })
            .collect();
        let right = q.correct_index().and_then(|r| order.iter().position(|&i| i == r));
        let Some(right) = right else { return Err(AppError::field("course", "unknown-value")) };
        questions.push(ShippedQuestion {
            id: id.to_owned(),
            scenario: q.scenario.clone(),
            key: answer_hash(salt, id, &option_id(right)),
            options,
        });
    }
    let data = ScoData {
        course: course.id.clone(),
        lang: lang.to_owned(),
        pass: course.pass_percent,
        salt: salt.to_owned(),
        forms,
        questions,
        words: words.clone(),
    };
    let title = esc(course.title.get(lang));
    let mut toc = String::new();
    let mut body = String::new();
    for l in &lessons {
        let slug = esc(&l.item.slug);
        let title = esc(&l.item.title);
        let lang_attr = if l.fell_back { format!(" lang=\"{FALLBACK_LANG}\"") } else { String::new() };
        let _ = writeln!(toc, "<li><a href=\"#lesson-{slug}\"{lang_attr}>{title}</a></li>");
        let _ = writeln!(
            body,
            "<section class=\"lesson\" id=\"lesson-{slug}\"{lang_attr}>\n<h2>{title}</h2>\n{}</section>",
            lesson_html(&l.item.body, 3)
        );
    }
    let note =
        if missing.is_empty() { String::new() } else { format!("<p class=\"note\">{}</p>\n", esc(words.fallback)) };
    let page = format!(
        r##"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="sco.css">
</head>
<body>
<main>
<h1>{title}</h1>
<p class="summary">{summary}</p>
{note}<p id="lms-note" class="note" hidden></p>
<nav aria-labelledby="toc-title"><h2 id="toc-title">{contents}</h2>
<ol>
{toc}<li><a href="#check">{check_title}</a></li>
</ol></nav>
{body}<section id="check" aria-labelledby="check-title">
<h2 id="check-title">{check_title}</h2>
<p id="check-lead"></p>
<form id="check-form" novalidate hidden></form>
<div id="result" role="status" aria-live="polite" hidden></div>
<p><button type="button" id="start">{start}</button></p>
</section>
</main>
<script type="application/json" id="sco-data">{json}</script>
<script src="sco.js"></script>
</body>
</html>
"##,
        summary = esc(course.summary.get(lang)),
        contents = esc(words.contents),
        check_title = esc(words.check_title),
        start = esc(words.start),
        json = script_json(&data)?,
    );
    Ok((page, missing))
}

/// Options are named `a`, `b`, `c` … in the shuffled order.
fn option_id(n: usize) -> String {
    char::from(b'a' + u8::try_from(n % 26).unwrap_or(0)).to_string()
}

/// Build the package of `course` in `lang` (one of [`CONTENT_LANGS`]; what it lacks is
/// exported in English and listed in [`Package::missing`]).
///
/// # Errors
/// A language Sightline has no content in (`lang`, `unknown-value`); a course without
/// an English question bank; the zip could not be written.
pub fn build(course: &Course, lang: &str, salt: [u8; 16], seed: [u8; 8]) -> Result<Package> {
    if !CONTENT_LANGS.contains(&lang) {
        return Err(AppError::field("lang", "unknown-value"));
    }
    let salt = data_encoding::HEXLOWER.encode(&salt);
    let mut rng = Rng::from_seed(seed);
    let (index, missing) = sco_page(course, lang, &salt, &mut rng)?;
    let manifest = manifest(course, lang);
    let files =
        [("imsmanifest.xml", manifest.as_str()), ("index.html", &index), ("sco.js", SCO_JS), ("sco.css", SCO_CSS)];
    let bytes = zip(&files).map_err(|e| AppError::Internal(format!("SCORM zip: {e}")))?;
    Ok(Package { bytes, missing, file_name: format!("sightline-{}-{lang}-scorm12.zip", course.id) })
}

/// A zip (deflated) of `files`, in memory.
fn zip(files: &[(&str, &str)]) -> std::result::Result<Vec<u8>, zip::result::ZipError> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        w.start_file(*name, options)?;
        w.write_all(text.as_bytes())?;
    }
    Ok(w.finish()?.into_inner())
}

/// [`build`] with a fresh random salt and draw.
///
/// # Errors
/// As [`build`]; no randomness from the system.
pub fn export(course: &Course, lang: &str) -> Result<Package> {
    let salt = random_bytes::<16>().map_err(AppError::Internal)?;
    let seed = random_bytes::<8>().map_err(AppError::Internal)?;
    build(course, lang, salt, seed)
}

impl App {
    /// The SCORM 1.2 package of a course for `org`'s LMS (org administrators).
    ///
    /// # Errors
    /// Not an admin of `org`; no such course; as [`build`].
    pub async fn scorm_package(&self, caller: &Caller, org: OrgId, course: &str, lang: &str) -> Result<Package> {
        self.administer(caller, org).await?;
        export(self.course(course)?, lang)
    }
}

#[cfg(test)]
mod tests;
