//! Sightline's content — the indicator catalogue and the courses — lives in plain
//! files under `content/` that non-programmers edit. This crate reads them into
//! domain types and checks every rule, reporting each problem with its file and line.
//! `sightline content check` prints the report; the server refuses to start while
//! there is any error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod guard;
pub mod public;
use sightline_domain::directory::{CopySites, Directory, DirectoryEntry};
use sightline_domain::indicators::Catalogue;
use sightline_domain::learn::{
    Audience, CONTENT_LANGS, Course, CourseText, FALLBACK_LANG, Lesson, Localised, Question,
};
use sightline_domain::referral::ControlMapping;
use sightline_domain::report::{Airport, AirportLookup};

mod citations;
mod gate_check;
pub use gate_check::{GateRow, MAX_LONGEST_RIGHT_PERCENT, longest_right};

/// Fewest questions in a staff course's bank, and in the public course's.
pub const MIN_STAFF_QUESTIONS: usize = 20;
pub const MIN_PUBLIC_QUESTIONS: usize = 12;
/// Share of innocent look-alike questions a bank needs, in percent.
pub const MIN_INNOCENT_PERCENT: usize = 30;

/// The heading of a lesson's closing sources section, per language.
pub const SOURCES_HEADINGS: [&str; 3] = ["## Sources", "## Lähteet", "## Källor"];

/// Everything the product shows from `content/`.
#[derive(Debug, Clone)]
pub struct Library {
    pub indicators: Catalogue,
    pub courses: Vec<Course>,
    pub airports: Airports,
    /// Whom the desk contacts at a destination (`content/directory.toml`).
    pub directory: Directory,
    /// The free-text guard's words per language (`content/free-text-guard.toml`).
    pub guard: guard::GuardWords,
    /// The public pages' words per language (`content/public/<lang>/pages.toml`).
    pub public: public::PublicText,
    /// The HTCDS methods of control each sign suggests (`content/htcds/mapping.toml`).
    pub htcds: ControlMapping,
    /// The regions statistics count routes by (`content/regions.toml`).
    pub regions: sightline_domain::stats::Regions,
}

/// The bundled airport data (`content/airports.csv`, generated from `airportsdata`).
#[derive(Debug, Clone, Default)]
pub struct Airports(HashMap<String, Airport>);

impl Airports {
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Every airport, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Airport> {
        self.0.values()
    }
    /// A small set for tests.
    #[must_use]
    pub fn of(list: Vec<Airport>) -> Self {
        Self(list.into_iter().map(|a| (a.iata.clone(), a)).collect())
    }
}

impl AirportLookup for Airports {
    fn airport(&self, iata: &str) -> Option<&Airport> {
        self.0.get(iata)
    }
}

impl Library {
    /// A library with no courses and no indicators (tests of other features).
    #[must_use]
    pub fn empty() -> Self {
        Self {
            indicators: Catalogue {
                schema_version: 1,
                categories: Vec::new(),
                indicators: Vec::new(),
                sources: Vec::new(),
                gate: None,
            },
            courses: Vec::new(),
            airports: Airports::default(),
            directory: Directory::default(),
            guard: guard::GuardWords::default(),
            public: public::PublicText::default(),
            htcds: ControlMapping::default(),
            regions: sightline_domain::stats::Regions::default(),
        }
    }

    /// The route region of a route between two airports (IATA codes; empty or
    /// unknown ones count as unknown): see [`sightline_domain::stats::Regions::route`].
    #[must_use]
    pub fn route_region(&self, origin: &str, destination: &str) -> String {
        let country = |iata: &str| self.airports.airport(iata).map(|a| a.country.as_str());
        self.regions.route(country(origin), country(destination))
    }

    #[must_use]
    pub fn course(&self, id: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Shown, but content still loads (e.g. a translation missing: English is shown).
    Warning,
    Error,
}

/// One thing wrong with the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.line {
            Some(l) => write!(f, "{}:{l}: {kind}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {kind}: {}", self.file.display(), self.message),
        }
    }
}

/// Per course and language: what a training manager wants to know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub course: String,
    pub lang: String,
    pub lessons: usize,
    pub minutes: u32,
    pub questions: usize,
    pub innocent: usize,
    pub innocent_percent: usize,
    /// Share of questions whose right option is the longest (see
    /// [`MAX_LONGEST_RIGHT_PERCENT`]).
    pub longest_right_percent: usize,
}

/// The result of reading `content/`.
#[derive(Debug, Clone)]
pub struct Report {
    pub library: Option<Library>,
    pub problems: Vec<Problem>,
    pub stats: Vec<Stats>,
    /// The decision gate run on every course scenario.
    pub gate: Vec<GateRow>,
}

impl Report {
    #[must_use]
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }
    /// The library, if there is no error.
    #[must_use]
    pub fn ok(self) -> Option<Library> {
        if self.errors() == 0 { self.library } else { None }
    }
}

struct Collector {
    problems: Vec<Problem>,
}

impl Collector {
    fn error(&mut self, file: &Path, line: Option<usize>, message: impl Into<String>) {
        self.problems.push(Problem { severity: Severity::Error, file: file.to_owned(), line, message: message.into() });
    }
    fn warn(&mut self, file: &Path, line: Option<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            file: file.to_owned(),
            line,
            message: message.into(),
        });
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

/// Line of the first line containing `needle`.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

fn read(c: &mut Collector, path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) => {
            c.error(path, None, format!("cannot read: {e}"));
            None
        }
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(c: &mut Collector, path: &Path, text: &str) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            c.error(path, line, e.message().to_owned());
            None
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    id: String,
    audience: String,
    minutes: u32,
    draw: usize,
    pass_percent: u32,
    languages: Vec<String>,
    title: Localised,
    summary: Localised,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFront {
    title: String,
    minutes: u32,
}

#[derive(Deserialize)]
struct QuestionFile {
    #[serde(rename = "question", default)]
    questions: Vec<Question>,
}

/// Read and check everything under `dir` (the `content/` folder).
#[must_use]
pub fn load(dir: &Path) -> Report {
    let mut c = Collector { problems: Vec::new() };
    let mut indicators = load_indicators(&mut c, &dir.join("indicators.toml"));
    let rule = gate_check::load_gate(&mut c, &dir.join("gate.toml"), indicators.as_ref());
    let mut courses = Vec::new();
    let courses_dir = dir.join("courses");
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&courses_dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(e) => {
            c.error(&courses_dir, None, format!("cannot read the courses folder: {e}"));
            Vec::new()
        }
    };
    folders.sort();
    for folder in folders {
        if let Some(course) = load_course(&mut c, &folder, indicators.as_ref()) {
            courses.push(course);
        }
    }
    let mut stats = Vec::new();
    for course in &courses {
        for lang in &course.languages {
            let Some(t) = course.texts.get(lang) else { continue };
            let innocent = t.questions.iter().filter(|q| q.innocent).count();
            stats.push(Stats {
                course: course.id.clone(),
                lang: lang.clone(),
                lessons: t.lessons.len(),
                minutes: t.lessons.iter().map(|l| l.minutes).sum(),
                questions: t.questions.len(),
                innocent,
                innocent_percent: if t.questions.is_empty() { 0 } else { innocent * 100 / t.questions.len() },
                longest_right_percent: {
                    let (longest, total) = longest_right(&t.questions);
                    gate_check::percent(longest, total)
                },
            });
        }
    }
    let gate = rule.as_ref().map(|r| gate_check::gate_table(&mut c, dir, &courses, r)).unwrap_or_default();
    if let Some(cat) = indicators.as_mut() {
        cat.gate = rule;
    }
    let airports = load_airports(&mut c, &dir.join("airports.csv"));
    let directory = load_directory(&mut c, &dir.join("directory.toml"));
    check_directory_sources(&mut c, &dir.join("copy-sites.toml"), &dir.join("directory.toml"), &directory);
    citations::check_cited_links(&mut c, dir);
    let guard = guard::load(&mut c, &dir.join("free-text-guard.toml"));
    let public = public::load(&mut c, &dir.join("public"), indicators.as_ref());
    let htcds = load_htcds(&mut c, &dir.join("htcds").join("mapping.toml"), indicators.as_ref());
    let regions = load_regions(&mut c, &dir.join("regions.toml"), &airports);
    let library = indicators.map(|indicators| Library {
        indicators,
        courses,
        airports,
        directory,
        guard,
        public,
        htcds,
        regions,
    });
    Report { library, problems: c.problems, stats, gate }
}

/// Countries that are in no region on purpose (reports touching them count as
/// "unknown"): Antarctica, which M49 puts in none.
const NO_REGION: [&str; 1] = ["AQ"];

fn load_regions(c: &mut Collector, path: &Path, airports: &Airports) -> sightline_domain::stats::Regions {
    let Some(text) = read(c, path) else { return Default::default() };
    let Some(regions) = parse_toml::<sightline_domain::stats::Regions>(c, path, &text) else {
        return Default::default();
    };
    for message in regions.problems() {
        c.error(path, None, message);
    }
    let mut missing: Vec<&str> = airports
        .iter()
        .map(|a| a.country.as_str())
        .filter(|country| regions.of(country).is_none() && !NO_REGION.contains(country))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        c.error(path, None, format!("airports.csv has countries in no region: {}", missing.join(", ")));
    }
    regions
}

fn load_indicators(c: &mut Collector, path: &Path) -> Option<Catalogue> {
    let text = read(c, path)?;
    let cat: Catalogue = parse_toml(c, path, &text)?;
    for (code, message) in cat.problems() {
        let line =
            find_line(&text, &format!("code = \"{code}\"")).or_else(|| find_line(&text, &format!("key = \"{code}\"")));
        c.error(path, line, message);
    }
    Some(cat)
}

/// The sign → HTCDS methods-of-control table: every sign must be in the catalogue,
/// every value in the HTCDS list (serde refuses an unknown one).
fn load_htcds(c: &mut Collector, path: &Path, catalogue: Option<&Catalogue>) -> ControlMapping {
    let Some(text) = read(c, path) else { return ControlMapping::default() };
    let Some(mapping) = parse_toml::<ControlMapping>(c, path, &text) else { return ControlMapping::default() };
    if let Some(cat) = catalogue {
        for (code, values) in &mapping.methods_of_control {
            if !cat.indicators.iter().any(|i| &i.code == code) {
                c.error(
                    path,
                    find_line(&text, &format!("\"{code}\"")),
                    format!("{code}: no such sign in indicators.toml"),
                );
            }
            if values.is_empty() {
                c.error(path, None, format!("{code}: no method of control given (leave the sign out instead)"));
            }
        }
    }
    mapping
}

fn load_directory(c: &mut Collector, path: &Path) -> Directory {
    let Some(text) = read(c, path) else { return Directory::default() };
    let Some(directory) = parse_toml::<Directory>(c, path, &text) else { return Directory::default() };
    let starts: Vec<usize> =
        text.lines().enumerate().filter(|(_, l)| l.trim() == "[[entry]]").map(|(i, _)| i + 1).collect();
    for (i, message) in directory.problems() {
        c.error(path, starts.get(i).copied(), message);
    }
    directory
}

/// Directory sources on a known copy site or test server (`content/copy-sites.toml`).
fn check_directory_sources(c: &mut Collector, deny_path: &Path, path: &Path, directory: &Directory) {
    let Some(deny) = read(c, deny_path) else { return };
    let Some(sites) = parse_toml::<CopySites>(c, deny_path, &deny) else { return };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for (i, message) in sites.problems(directory) {
        let line = directory.entries.get(i).and_then(|e| find_line(&text, &format!("source = \"{}\"", e.source)));
        c.error(path, line, message);
    }
}

fn load_airports(c: &mut Collector, path: &Path) -> Airports {
    let Some(text) = read(c, path) else { return Airports::default() };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header_ok = reader
        .headers()
        .map(|h| h.iter().collect::<Vec<_>>() == ["iata", "icao", "name", "city", "country", "tz", "lat", "lon"])
        .unwrap_or(false);
    if !header_ok {
        c.error(path, Some(1), "the header must be iata,icao,name,city,country,tz,lat,lon");
        return Airports::default();
    }
    let mut map = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let Ok(row) = row else {
            c.error(path, Some(line), "this line is not valid CSV");
            continue;
        };
        let get = |n: usize| row.get(n).unwrap_or("").to_owned();
        let (iata, country, tz) = (get(0), get(4), get(5));
        if iata.len() != 3 || !iata.bytes().all(|b| b.is_ascii_uppercase()) {
            c.error(path, Some(line), format!("{iata:?} is not a three-letter IATA code"));
            continue;
        }
        if country.len() != 2 || tz.is_empty() {
            c.error(path, Some(line), format!("{iata}: country must be two letters and tz must be set"));
            continue;
        }
        let airport = Airport { iata: iata.clone(), name: get(2), city: get(3), country, tz };
        if map.insert(iata.clone(), airport).is_some() {
            c.error(path, Some(line), format!("{iata} appears twice"));
        }
    }
    Airports(map)
}

fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("+++\n").or_else(|| text.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.strip_prefix('\n').or_else(|| after.strip_prefix("\r\n")).unwrap_or(after);
    let body_line = front.lines().count() + 3;
    Some((front, body, body_line))
}

fn check_links(c: &mut Collector, path: &Path, body: &str, body_line: usize, slugs: &BTreeSet<String>) {
    // Markdown links: [text](target)
    for (i, line) in body.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            let ok = if target.starts_with("https://") || target.starts_with("http://") {
                target.len() > 10 && !target.contains(' ')
            } else if let Some(slug) = target.strip_prefix("./") {
                slugs.contains(slug.trim_end_matches(".md"))
            } else {
                slugs.contains(target.trim_end_matches(".md"))
            };
            if !ok {
                c.error(
                    path,
                    Some(body_line + i),
                    format!(
                        "link {target:?} does not resolve (use an absolute https:// link or another lesson's file name)"
                    ),
                );
            }
            rest = &after[end..];
        }
    }
}

fn load_lessons(c: &mut Collector, dir: &Path) -> Vec<Lesson> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "md")).collect()
        })
        .unwrap_or_default();
    files.sort();
    let slugs: BTreeSet<String> =
        files.iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
    let mut lessons = Vec::new();
    for path in files {
        let Some(text) = read(c, &path) else { continue };
        let slug = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some((front, body, body_line)) = split_front_matter(&text) else {
            c.error(&path, Some(1), "a lesson starts with a front matter block between +++ lines (title, minutes)");
            continue;
        };
        let Some(meta) = parse_toml::<LessonFront>(c, &path, front) else { continue };
        if meta.title.trim().is_empty() {
            c.error(&path, Some(2), "the lesson needs a title");
        }
        if meta.minutes == 0 {
            c.error(&path, find_line(&text, "minutes"), "minutes must be at least 1");
        }
        let heading = SOURCES_HEADINGS.iter().filter_map(|h| body.rfind(h)).max();
        match heading {
            None => c.error(
                &path,
                None,
                "every lesson ends with a \"## Sources\" section (fi: \"## Lähteet\", sv: \"## Källor\")",
            ),
            Some(at) => {
                let sources = &body[at..];
                if !sources.contains("http://") && !sources.contains("https://") {
                    c.error(&path, Some(body_line + line_of(body, at) - 1), "the Sources section lists no link");
                }
                if body[at..].lines().skip(1).any(|l| l.starts_with("## ")) {
                    c.error(&path, Some(body_line + line_of(body, at) - 1), "\"## Sources\" must be the last section");
                }
            }
        }
        if body.contains('<') && body.contains('>') && body.contains("</") {
            c.error(&path, None, "raw HTML is not allowed in lessons; use Markdown");
        }
        check_links(c, &path, body, body_line, &slugs);
        lessons.push(Lesson { slug, title: meta.title, minutes: meta.minutes, body: body.to_owned() });
    }
    lessons
}

fn check_questions(c: &mut Collector, path: &Path, text: &str, qs: &[Question], indicators: Option<&Catalogue>) {
    let mut ids = BTreeSet::new();
    for q in qs {
        let line = find_line(text, &format!("id = \"{}\"", q.id));
        if !ids.insert(q.id.as_str()) {
            c.error(path, line, format!("question id {} is used twice", q.id));
        }
        if !(3..=4).contains(&q.options.len()) {
            c.error(path, line, format!("question {} has {} options; it needs 3 or 4", q.id, q.options.len()));
        }
        let right = q.options.iter().filter(|o| o.correct).count();
        if right != 1 {
            c.error(path, line, format!("question {} has {right} right options; it needs exactly one", q.id));
        }
        if q.scenario.trim().is_empty() || q.explanation.trim().is_empty() {
            c.error(path, line, format!("question {} needs a scenario and an explanation", q.id));
        }
        if let Some(cat) = indicators {
            for code in &q.indicators {
                if cat.get(code).is_none() {
                    c.error(
                        path,
                        line,
                        format!("question {} names indicator {code}, which is not in indicators.toml", q.id),
                    );
                }
            }
        }
    }
}

fn load_course(c: &mut Collector, folder: &Path, indicators: Option<&Catalogue>) -> Option<Course> {
    let path = folder.join("course.toml");
    let text = read(c, &path)?;
    let meta: CourseFile = parse_toml(c, &path, &text)?;
    let folder_name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if meta.id != folder_name {
        c.error(
            &path,
            find_line(&text, "id ="),
            format!("id {:?} must equal the folder name {folder_name:?}", meta.id),
        );
    }
    let audience = match meta.audience.parse::<Audience>() {
        Ok(a) => a,
        Err(_) => {
            c.error(&path, find_line(&text, "audience"), format!("unknown audience {:?}", meta.audience));
            return None;
        }
    };
    if !meta.languages.iter().any(|l| l == FALLBACK_LANG) {
        c.error(&path, find_line(&text, "languages"), "languages must include \"en\"");
    }
    for l in &meta.languages {
        if !CONTENT_LANGS.contains(&l.as_str()) {
            c.error(&path, find_line(&text, "languages"), format!("unknown language {l:?}; use en, fi or sv"));
        }
        for (what, loc) in [("title", &meta.title), ("summary", &meta.summary)] {
            if !loc.0.contains_key(l) {
                c.warn(&path, find_line(&text, what), format!("{what}.{l} is missing; English is shown"));
            }
        }
    }
    if !(20..=30).contains(&meta.minutes) {
        c.error(&path, find_line(&text, "minutes"), "a course takes 20 to 30 minutes");
    }
    if meta.pass_percent == 0 || meta.pass_percent > 100 {
        c.error(&path, find_line(&text, "pass_percent"), "pass_percent must be 1-100");
    }

    let mut texts = BTreeMap::new();
    for lang in &meta.languages {
        let dir = folder.join(lang);
        if !dir.is_dir() {
            c.error(&dir, None, format!("language {lang} is listed in course.toml but has no folder"));
            continue;
        }
        let lessons = load_lessons(c, &dir);
        let qpath = dir.join("questions.toml");
        let questions = match read(c, &qpath) {
            Some(qt) => match parse_toml::<QuestionFile>(c, &qpath, &qt) {
                Some(f) => {
                    check_questions(c, &qpath, &qt, &f.questions, indicators);
                    gate_check::check_bank(c, &qpath, &qt, &f.questions);
                    f.questions
                }
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        texts.insert(lang.clone(), CourseText { lessons, questions });
    }

    // The English version is the reference every other language is checked against.
    if let Some(en) = texts.get(FALLBACK_LANG) {
        let en_dir = folder.join(FALLBACK_LANG);
        if !(4..=6).contains(&en.lessons.len()) {
            c.error(&en_dir, None, format!("a course has 4 to 6 lessons; found {}", en.lessons.len()));
        }
        let total: u32 = en.lessons.iter().map(|l| l.minutes).sum();
        if total != meta.minutes {
            c.error(
                &path,
                find_line(&text, "minutes"),
                format!("lesson minutes add up to {total}, course.toml says {}", meta.minutes),
            );
        }
        let min = if audience == Audience::Public { MIN_PUBLIC_QUESTIONS } else { MIN_STAFF_QUESTIONS };
        let qpath = en_dir.join("questions.toml");
        if en.questions.len() < min {
            c.error(
                &qpath,
                None,
                format!("the bank has {} questions; this course needs at least {min}", en.questions.len()),
            );
        }
        let innocent = en.questions.iter().filter(|q| q.innocent).count();
        if !en.questions.is_empty() && innocent * 100 < MIN_INNOCENT_PERCENT * en.questions.len() {
            c.error(
                &qpath,
                None,
                format!(
                    "{innocent} of {} questions are innocent look-alikes; at least {MIN_INNOCENT_PERCENT}% are needed",
                    en.questions.len()
                ),
            );
        }
        gate_check::check_mix(c, &qpath, meta.draw, &en.questions);
        if meta.draw == 0 || meta.draw > en.questions.len() {
            c.error(
                &path,
                find_line(&text, "draw"),
                format!("draw must be between 1 and the bank size ({})", en.questions.len()),
            );
        }
        for (lang, t) in &texts {
            if lang == FALLBACK_LANG {
                continue;
            }
            let dir = folder.join(lang);
            for l in &en.lessons {
                if !t.lessons.iter().any(|x| x.slug == l.slug) {
                    c.warn(&dir, None, format!("lesson {} has no {lang} translation; English is shown", l.slug));
                }
            }
            for l in &t.lessons {
                if !en.lessons.iter().any(|x| x.slug == l.slug) {
                    c.error(
                        &dir.join(format!("{}.md", l.slug)),
                        None,
                        "this lesson has no English original with the same file name",
                    );
                }
            }
            let qpath = dir.join("questions.toml");
            let en_ids: BTreeSet<&str> = en.questions.iter().map(|q| q.id.as_str()).collect();
            let ids: BTreeSet<&str> = t.questions.iter().map(|q| q.id.as_str()).collect();
            for missing in en_ids.difference(&ids) {
                c.error(
                    &qpath,
                    None,
                    format!("question {missing} is missing in {lang}: every language has the same question ids"),
                );
            }
            for extra in ids.difference(&en_ids) {
                c.error(&qpath, None, format!("question {extra} is not in the English bank"));
            }
            let qt = std::fs::read_to_string(&qpath).unwrap_or_default();
            gate_check::check_same_tags(c, &qpath, &qt, &en.questions, &t.questions);
            for q in &t.questions {
                if let Some(e) = en.questions.iter().find(|x| x.id == q.id)
                    && (e.options.len() != q.options.len() || e.correct_index() != q.correct_index())
                {
                    let qt = std::fs::read_to_string(&qpath).unwrap_or_default();
                    c.error(
                        &qpath,
                        find_line(&qt, &format!("id = \"{}\"", q.id)),
                        format!("question {} must have the same options and the same right option as in English", q.id),
                    );
                }
            }
        }
    }
    Some(Course {
        id: meta.id,
        audience,
        minutes: meta.minutes,
        draw: meta.draw,
        pass_percent: meta.pass_percent,
        languages: meta.languages,
        title: meta.title,
        summary: meta.summary,
        texts,
    })
}

/// The repository's own `content/` folder, for tests and for the binary's default.
#[must_use]
pub fn default_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// The directory written in the data file's format (`content/directory.toml`), for
/// `sightline directory export`: what platform admins changed in the browser can be
/// reviewed and brought back into the content folder.
///
/// # Errors
/// An entry could not be written as TOML.
pub fn directory_toml(entries: &[DirectoryEntry], exported_on: &str) -> Result<String, String> {
    let directory = Directory { schema_version: 2, entries: entries.to_vec() };
    let body = toml::to_string(&directory).map_err(|e| e.to_string())?;
    Ok(format!(
        "# Sightline routing directory, exported from the database on {exported_on} by\n\
         # `sightline directory export`. Same format as content/directory.toml: check every\n\
         # number at its official source before relying on it; never copy one from memory.\n\
         #\n\
         # kind: police | border_guard | national_hotline | victim_assistance | emergency\n\
         # country: ISO 3166-1 alpha-2, or \"EU\" for every EU member state\n\
         # airport: an IATA code, when the contact is for one airport only (optional)\n\n{body}"
    ))
}
