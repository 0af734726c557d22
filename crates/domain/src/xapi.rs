//! xAPI 1.0.3 statements for the organisation's Learning Record Store (issue 14,
//! item 4): a person `experienced` a lesson, `passed` or `failed` the scenario check,
//! `completed` the course. Verbs from the ADL registry; activity ids stable per
//! course, lesson and check under the organisation's activity base IRI; a result with
//! the scaled score. Pure: the statement id and the time are parameters (the id is
//! fixed when the statement is queued, so a retry is idempotent at the LRS).
//!
//! The actor is, by default, an `account` whose name is the person's opaque id under
//! the organisation's home page — no e-mail address reaches the LRS; an organisation
//! may choose `mbox` (the person's e-mail) instead.
//!
//! Specification: <https://github.com/adlnet/xAPI-Spec/blob/1.0.3/xAPI-Data.md>
//! (§2.4.2 actor and inverse functional identifiers, §2.4.3 verb, §2.4.4.1 activity,
//! §2.4.5 result and score, §2.4.7 timestamp).

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::FieldError;
use crate::triage::WebhookUrl;

/// The xAPI version the statements follow (`X-Experience-API-Version`).
pub const VERSION: &str = "1.0.3";

simple_enum!(
    /// How a person is named in the LRS.
    ActorForm, "actor_form" {
        /// An opaque id under the organisation's home page (default; no e-mail).
        Account => "account",
        /// Their e-mail address (`mailto:`).
        Mbox => "mbox",
    }
);

simple_enum!(
    /// What a statement says the person did (ADL verb registry).
    Verb, "verb" {
        Experienced => "experienced",
        Passed => "passed",
        Failed => "failed",
        Completed => "completed",
    }
);

impl Verb {
    /// The verb a statement of `event` carries.
    #[must_use]
    pub const fn of(event: &Event<'_>) -> Self {
        match event {
            Event::Lesson { .. } => Self::Experienced,
            Event::Check { passed: true, .. } => Self::Passed,
            Event::Check { passed: false, .. } => Self::Failed,
            Event::Course { .. } => Self::Completed,
        }
    }

    /// The verb's IRI in the ADL registry.
    #[must_use]
    pub fn iri(self) -> String {
        format!("http://adlnet.gov/expapi/verbs/{}", self.as_str())
    }
}

/// The activity type IRIs (ADL registry).
pub mod activity_type {
    pub const COURSE: &str = "http://adlnet.gov/expapi/activities/course";
    pub const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
    pub const ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
}

/// An LRS endpoint as an administrator typed it: an https address (plain http only
/// on this machine — a test LRS — or where the operator allows private addresses),
/// without user name or password, kept without a trailing slash so
/// `{endpoint}/statements` is the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(String);

impl Endpoint {
    /// # Errors
    /// `lrs_endpoint`/`required`, `too-long`, `invalid-url` or `https-required`.
    pub fn parse(input: &str, allow_private: bool) -> Result<Self, FieldError> {
        let url = WebhookUrl::parse(input).map_err(|e| FieldError::new("lrs_endpoint", e.code))?;
        let https = url.as_str().get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        let test_lrs = allow_private && url.is_private_host();
        if !(https || test_lrs) {
            return Err(FieldError::new("lrs_endpoint", "https-required"));
        }
        if url.is_private_host() && !allow_private {
            return Err(FieldError::new("lrs_endpoint", "private-address"));
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Where statements are posted.
    #[must_use]
    pub fn statements(endpoint: &str) -> String {
        format!("{}/statements", endpoint.trim_end_matches('/'))
    }
}

/// An IRI the organisation sets (home page, activity base): an http(s) address.
///
/// # Errors
/// `field`/`invalid-url` or `too-long`.
pub fn parse_iri(field: &'static str, input: &str) -> Result<String, FieldError> {
    let url = WebhookUrl::parse(input).map_err(|e| FieldError::new(field, e.code))?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// How the organisation names people and activities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    pub actor_form: ActorForm,
    /// The account's `homePage`.
    pub home_page: String,
    /// Activity ids start with it (no trailing slash).
    pub activity_base: String,
}

/// The learner, as the statement names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person<'a> {
    /// Stable and opaque (the user's id).
    pub id: Uuid,
    pub email: &'a str,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// Read a lesson of a course.
    Lesson { course: &'a str, course_title: &'a str, slug: &'a str, title: &'a str },
    /// Submitted the scenario check: the score in percent and the outcome.
    Check { course: &'a str, course_title: &'a str, percent: u32, passed: bool },
    /// Completed the course (passed its check after its lessons).
    Course { course: &'a str, course_title: &'a str, percent: u32 },
}

/// A statement, serialised as the LRS receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub id: Uuid,
    pub actor: Actor,
    pub verb: VerbRef,
    pub object: Activity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<StatementResult>,
    pub context: Context,
    pub timestamp: String,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub object_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mbox: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub home_page: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerbRef {
    pub id: String,
    pub display: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub object_type: &'static str,
    pub id: String,
    pub definition: Definition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementResult {
    pub score: Score,
    pub success: bool,
    pub completion: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub scaled: f64,
    pub raw: u32,
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    pub platform: &'static str,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_activities: Option<ContextActivities>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextActivities {
    pub parent: Vec<ActivityRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityRef {
    pub object_type: &'static str,
    pub id: String,
}

fn words(lang: &str, text: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(lang.to_owned(), text.to_owned())])
}

/// The course's activity id.
#[must_use]
pub fn course_iri(base: &str, course: &str) -> String {
    format!("{}/{course}", base.trim_end_matches('/'))
}

fn score(percent: u32) -> Score {
    let raw = percent.min(100);
    Score { scaled: f64::from(raw) / 100.0, raw, min: 0, max: 100 }
}

/// The statement `id` records for `event` by `person` at `at`, named per `naming`,
/// in `lang` (an RFC 5646 tag such as `en` or `fi`).
#[must_use]
pub fn statement(
    id: Uuid,
    naming: &Naming,
    person: &Person<'_>,
    event: &Event<'_>,
    lang: &str,
    at: OffsetDateTime,
) -> Statement {
    let actor = match naming.actor_form {
        ActorForm::Account => Actor {
            object_type: "Agent",
            account: Some(Account { home_page: naming.home_page.clone(), name: person.id.to_string() }),
            mbox: None,
        },
        ActorForm::Mbox => {
            Actor { object_type: "Agent", account: None, mbox: Some(format!("mailto:{}", person.email.trim())) }
        }
    };
    let base = naming.activity_base.as_str();
    let verb = Verb::of(event);
    let (iri, kind, name, course, result) = match *event {
        Event::Lesson { course, slug, title, .. } => {
            (format!("{}/lessons/{slug}", course_iri(base, course)), activity_type::LESSON, title, Some(course), None)
        }
        Event::Check { course, percent, passed, course_title } => (
            format!("{}/check", course_iri(base, course)),
            activity_type::ASSESSMENT,
            course_title,
            Some(course),
            Some(StatementResult { score: score(percent), success: passed, completion: true }),
        ),
        Event::Course { course, course_title, percent } => (
            course_iri(base, course),
            activity_type::COURSE,
            course_title,
            None,
            Some(StatementResult { score: score(percent), success: true, completion: true }),
        ),
    };
    let parent = course
        .map(|c| ContextActivities { parent: vec![ActivityRef { object_type: "Activity", id: course_iri(base, c) }] });
    Statement {
        id,
        actor,
        verb: VerbRef { id: verb.iri(), display: words("en-US", verb.as_str()) },
        object: Activity { object_type: "Activity", id: iri, definition: Definition { kind, name: words(lang, name) } },
        result,
        context: Context { platform: "Sightline", language: lang.to_owned(), context_activities: parent },
        timestamp: timestamp(at),
        version: VERSION,
    }
}

/// An ISO 8601 timestamp in UTC with milliseconds (xAPI §4.5).
#[must_use]
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn naming(form: ActorForm) -> Naming {
        Naming {
            actor_form: form,
            home_page: "https://sightline.example".into(),
            activity_base: "https://sightline.example/learn/".into(),
        }
    }

    const ID: Uuid = Uuid::from_u128(0x0190_a1b2_c3d4_7e5f_8a9b_0c1d_2e3f_4a5b);
    const USER: Uuid = Uuid::from_u128(0x0190_a1b2_c3d4_7e5f_8a9b_0c1d_2e3f_0001);

    fn json(s: &Statement) -> serde_json::Value {
        serde_json::to_value(s).unwrap()
    }

    #[test]
    fn a_passed_check_has_the_adl_verb_the_scaled_score_and_an_opaque_account() {
        let person = Person { id: USER, email: "aino@airline.example" };
        let event = Event::Check { course: "cabin-crew", course_title: "Cabin crew", percent: 80, passed: true };
        let at = datetime!(2026-12-03 11:00:00.25 +2);
        let v = json(&statement(ID, &naming(ActorForm::Account), &person, &event, "fi", at));
        assert_eq!(v["id"], ID.to_string());
        assert_eq!(v["verb"]["id"], "http://adlnet.gov/expapi/verbs/passed");
        assert_eq!(v["actor"]["objectType"], "Agent");
        assert_eq!(v["actor"]["account"]["homePage"], "https://sightline.example");
        assert_eq!(v["actor"]["account"]["name"], USER.to_string());
        assert!(v["actor"].get("mbox").is_none(), "no e-mail address with the account form");
        assert!(!v.to_string().contains("aino@"), "the e-mail appears nowhere: {v}");
        assert_eq!(v["object"]["id"], "https://sightline.example/learn/cabin-crew/check");
        assert_eq!(v["object"]["definition"]["type"], activity_type::ASSESSMENT);
        assert_eq!(v["object"]["definition"]["name"]["fi"], "Cabin crew");
        assert_eq!(v["result"]["score"]["scaled"], 0.8);
        assert_eq!(v["result"]["score"]["raw"], 80);
        assert_eq!(v["result"]["score"]["min"], 0);
        assert_eq!(v["result"]["score"]["max"], 100);
        assert_eq!(v["result"]["success"], true);
        assert_eq!(v["result"]["completion"], true);
        assert_eq!(v["timestamp"], "2026-12-03T09:00:00.250Z", "UTC");
        assert_eq!(v["context"]["contextActivities"]["parent"][0]["id"], "https://sightline.example/learn/cabin-crew");
        assert_eq!(v["version"], "1.0.3");
    }

    #[test]
    fn a_failed_check_a_lesson_and_the_course() {
        let person = Person { id: USER, email: "aino@airline.example" };
        let n = naming(ActorForm::Account);
        let at = datetime!(2026-12-03 11:00 UTC);
        let failed = Event::Check { course: "c", course_title: "C", percent: 40, passed: false };
        let v = json(&statement(ID, &n, &person, &failed, "en", at));
        assert_eq!(v["verb"]["id"], "http://adlnet.gov/expapi/verbs/failed");
        assert_eq!(v["result"]["success"], false);
        assert_eq!(v["result"]["score"]["scaled"], 0.4);
        let lesson = Event::Lesson { course: "c", course_title: "C", slug: "signs", title: "Signs" };
        let v = json(&statement(ID, &n, &person, &lesson, "en", at));
        assert_eq!(v["verb"]["id"], "http://adlnet.gov/expapi/verbs/experienced");
        assert_eq!(v["object"]["id"], "https://sightline.example/learn/c/lessons/signs");
        assert_eq!(v["object"]["definition"]["type"], activity_type::LESSON);
        assert!(v.get("result").is_none(), "reading a lesson has no result");
        let done = Event::Course { course: "c", course_title: "C", percent: 100 };
        let v = json(&statement(ID, &n, &person, &done, "en", at));
        assert_eq!(v["verb"]["id"], "http://adlnet.gov/expapi/verbs/completed");
        assert_eq!(v["object"]["id"], "https://sightline.example/learn/c");
        assert_eq!(v["object"]["definition"]["type"], activity_type::COURSE);
        assert_eq!(v["result"]["score"]["scaled"], 1.0);
        assert!(v["context"].get("contextActivities").is_none(), "the course has no parent");
    }

    #[test]
    fn the_mbox_form_names_the_person_by_e_mail() {
        let person = Person { id: USER, email: "aino@airline.example" };
        let event = Event::Course { course: "c", course_title: "C", percent: 90 };
        let v = json(&statement(ID, &naming(ActorForm::Mbox), &person, &event, "en", datetime!(2026-12-03 11:00 UTC)));
        assert_eq!(v["actor"]["mbox"], "mailto:aino@airline.example");
        assert!(v["actor"].get("account").is_none(), "exactly one identifier");
    }

    #[test]
    fn an_endpoint_is_https_or_on_this_machine() {
        assert_eq!(Endpoint::parse("https://lrs.example/xapi/", false).unwrap().as_str(), "https://lrs.example/xapi");
        let code = |s: &str, private| Endpoint::parse(s, private).unwrap_err().code;
        assert_eq!(code("http://lrs.example/xapi", false), "https-required");
        assert_eq!(code("http://lrs.example/xapi", true), "https-required", "plain http only on this machine");
        assert_eq!(code("not a url", false), "invalid-url");
        assert_eq!(code("", false), "required");
        assert_eq!(code("http://127.0.0.1:8100/xAPI", false), "https-required");
        assert_eq!(code("https://127.0.0.1:8100/xAPI", false), "private-address");
        assert!(Endpoint::parse("http://127.0.0.1:8100/xAPI", true).is_ok(), "a test LRS on loopback");
        assert_eq!(Endpoint::parse("bad", false).unwrap_err().field, "lrs_endpoint");
        assert_eq!(Endpoint::statements("https://lrs.example/xapi/"), "https://lrs.example/xapi/statements");
    }

    #[test]
    fn scores_stay_in_range_and_names_round_trip() {
        assert!((score(130).scaled - 1.0).abs() < f64::EPSILON);
        for f in ActorForm::ALL {
            assert_eq!(f.as_str().parse::<ActorForm>(), Ok(f));
        }
        assert_eq!(timestamp(datetime!(2026-01-02 03:04:05 UTC)), "2026-01-02T03:04:05.000Z");
    }
}
