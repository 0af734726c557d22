//! The public pages for travellers: no account, the language from `?lang=` then
//! `Accept-Language`, only directory entries marked public, an unknown airport as a
//! 404 with a way back, no cookie, no referrer, and each page under 30 KB.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::{Resp, TestApp, engines};

/// Every public page (the help page of one airport stands for all of them).
const PAGES: [&str; 4] = ["/public", "/public/signs", "/help", "/help/HEL"];
const LANGS: [&str; 8] = ["en", "fi", "sv", "es", "fr", "ru", "uk", "ar"];

async fn get_with_language(app: &mut TestApp, path: &str, accept: &str) -> Resp {
    let req = Request::get(path).header(header::ACCEPT_LANGUAGE, accept).body(Body::empty()).unwrap();
    app.send(req).await
}

/// The `<html …>` start tag.
fn html_tag(body: &str) -> &str {
    let start = body.find("<html").unwrap();
    &body[start..start + body[start..].find('>').unwrap() + 1]
}

#[tokio::test]
async fn an_airports_help_page_lists_only_public_lines_emergency_first() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let r = app.get("/help/HEL").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let body = &r.body;
        assert!(body.contains("Helsinki"), "the airport is named");
        // The emergency number first, then Finland's public 24/7 line, with tap-to-call
        // links in E.164 (the local number for a short code), source and check date.
        let emergency = body.find("href=\"tel:112\"").expect("112 as tel:");
        let assistance = body.find("href=\"tel:+358295463177\"").expect("the assistance system in E.164");
        assert!(emergency < assistance, "emergency first");
        assert!(body.find("In danger now?").unwrap() < emergency);
        assert!(body.contains("href=\"tel:0295463177\""), "the local number as well");
        assert!(body.contains("https://migri.fi/en/assistance-system-for-victims-of-human-trafficking"));
        assert!(body.contains("2026-12-02"), "the date it was checked");
        assert!(body.contains("Open 24 hours, every day"));
        // Not public: the police's office-hours e-mail; nor the EU 112 (Finland has its own).
        assert!(!body.contains("ihmiskauppa@poliisi.fi") && !body.contains("Police of Finland"), "not public");
        assert!(!body.contains("European emergency number"));
        assert!(body.contains("You can ask for help") && body.contains("interpreter"), "plain words");

        // The same page for a lower-case code.
        let lower = app.get("/help/hel").await;
        assert_eq!(lower.status, StatusCode::OK);
        assert!(lower.body.contains("href=\"tel:+358295463177\""));

        // The US: 911 first, then the public hotline, never the HSI tip line (not
        // marked public).
        let jfk = app.get("/help/JFK").await;
        assert_eq!(jfk.status, StatusCode::OK);
        let hotline = jfk.body.find("href=\"tel:+18883737888\"").expect("the national hotline");
        let emergency = jfk.body.find("href=\"tel:911\"").expect("911 as tel:");
        assert!(emergency < hotline, "emergency first");
        assert!(!jfk.body.contains("+18663472423") && !jfk.body.contains("HSI"), "the HSI line is not public");
        // The UK: a public helpline but no emergency entry, so the page says to call the
        // local emergency number.
        let lhr = app.get("/help/LHR?lang=en").await;
        assert_eq!(lhr.status, StatusCode::OK);
        assert!(lhr.body.contains("href=\"tel:+448000121700\""), "the UK helpline");
        assert!(lhr.body.contains("Call the local emergency number"));

        // Germany: the EU's 112 for danger, then the federal helpline (a short code).
        let ber = app.get("/help/BER?lang=en").await;
        assert_eq!(ber.status, StatusCode::OK);
        assert!(ber.body.contains("href=\"tel:112\"") && ber.body.contains("European emergency number"));
        assert!(ber.body.contains("href=\"tel:116016\""), "{}", ber.body);
        // A country with no public line: said plainly, with the EU's 112 for danger.
        let cdg = app.get("/help/CDG?lang=en").await;
        assert_eq!(cdg.status, StatusCode::OK);
        assert!(cdg.body.contains("href=\"tel:112\"") && cdg.body.contains("European emergency number"));
        assert!(cdg.body.contains("We do not yet have a checked help line for this country"));
        app.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_airport_is_a_404_with_a_way_back() {
    let mut app = TestApp::with_content(crate::support::engines().await.remove(0)).await;
    for path in ["/help/ZZZ", "/help/HELSINKI", "/help/12A", "/help?airport=zzz", "/help/%3Cb%3E"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("We do not know this airport"), "{path}: {}", r.body);
        assert!(r.body.contains("href=\"/help?lang=en\""), "a way back: {path}");
        assert!(r.body.contains("name=\"airport\""), "the form again: {path}");
        assert!(!r.body.contains("<b>"), "escaped");
    }
    let fi = app.get("/help/ZZZ?lang=fi").await;
    assert!(fi.body.contains("Emme tunne tätä lentoasemaa") && fi.body.contains("href=\"/help?lang=fi\""));
    // The form: a known code (any case) goes to its page, in the same language.
    let r = app.get("/help?airport=hel&lang=uk").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/help/HEL?lang=uk"));
    let empty = app.get("/help?airport=").await;
    assert_eq!(empty.status, StatusCode::OK, "an empty form is the help page");
    app.finish().await;
}

#[tokio::test]
async fn the_language_comes_from_the_query_then_accept_language() {
    let mut app = TestApp::with_content(crate::support::engines().await.remove(0)).await;
    let r = app.get("/public").await;
    assert_eq!(html_tag(&r.body), r#"<html lang="en" dir="ltr">"#, "English by default");
    let r = get_with_language(&mut app, "/help/HEL", "de-DE, ar-EG;q=0.9, en;q=0.5").await;
    assert_eq!(html_tag(&r.body), r#"<html lang="ar" dir="rtl">"#, "the first language the pages speak");
    assert!(r.body.contains("في خطر الآن؟"), "the Arabic words");
    assert!(r.body.contains("<span dir=\"ltr\">+358295463177</span>"), "numbers stay left to right");
    let r = get_with_language(&mut app, "/help/HEL?lang=fi", "ar").await;
    assert_eq!(html_tag(&r.body), r#"<html lang="fi" dir="ltr">"#, "?lang= first");
    let r = get_with_language(&mut app, "/public/signs?lang=xx", "sv;q=0.5, ru;q=0.8").await;
    assert_eq!(html_tag(&r.body), r#"<html lang="ru" dir="ltr">"#, "unknown ?lang=: the header, by q");
    let r = get_with_language(&mut app, "/public", "uk;q=0, es").await;
    assert_eq!(html_tag(&r.body), r#"<html lang="es" dir="ltr">"#, "q=0 is refused");
    // Every language: its own words, the switch to the others, links that keep it,
    // and the note while the translation is unreviewed.
    for lang in LANGS {
        let r = app.get(&format!("/public?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(html_tag(&r.body).contains(&format!("lang=\"{lang}\"")));
        let words = &app.state.library.public.get(lang).unwrap();
        assert!(r.body.contains(&askama_escape(words.t("home-title"))), "{lang}");
        assert!(!words.reviewed, "{lang} is marked unreviewed until a reviewer checks it");
        assert!(r.body.contains(&askama_escape(words.t("unreviewed"))), "{lang}: the note");
        for other in LANGS {
            assert!(r.body.contains(&format!("href=\"/public?lang={other}\" lang=\"{other}\"")), "{lang}: switch");
        }
        assert!(r.body.contains(&format!("href=\"/tip?lang={lang}\"")), "tell us, in {lang}");
        assert!(r.body.contains(&format!("href=\"/help?lang={lang}\"")));
        assert!(r.body.contains("href=\"/learn/public\""), "the public course");
    }
    app.finish().await;
}

/// Askama's escaping of text (enough for the words in these files).
pub(crate) fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[tokio::test]
async fn a_reviewed_language_has_no_note() {
    let mut library = sightline_content::load(&sightline_content::default_dir()).ok().unwrap();
    for l in &mut library.public.langs {
        l.reviewed = l.code == "fi";
    }
    let mut app = TestApp::builder().with_library(library).build().await;
    let fi = app.get("/public?lang=fi").await;
    assert!(!fi.body.contains("class=\"unreviewed\""), "reviewed: no note");
    let sv = app.get("/public?lang=sv").await;
    assert!(sv.body.contains("class=\"unreviewed\""));
    app.finish().await;
}

#[tokio::test]
async fn the_signs_page_shows_the_public_signs_gently() {
    let mut app = TestApp::with_content(crate::support::engines().await.remove(0)).await;
    let r = app.get("/public/signs").await;
    assert_eq!(r.status, StatusCode::OK);
    let public: Vec<_> = app.state.library.indicators.indicators.iter().filter(|i| i.public).collect();
    assert!(public.len() >= 5, "a handful of signs a passenger can see");
    for (code, sign) in &app.state.library.public.get("en").unwrap().signs {
        assert!(r.body.contains(&askama_escape(&sign.label)), "{code}");
        assert!(r.body.contains(&askama_escape(&sign.innocent)), "{code}: its innocent reading");
    }
    assert_eq!(r.body.matches("It may also be:").count(), public.len());
    assert!(r.body.contains("No sign is proof") || r.body.contains("one sign alone means very little"));
    assert!(r.body.contains("Do not confront anyone"));
    assert!(r.body.contains("call the emergency number"));
    assert!(r.body.contains("How someone looks is never a sign"));
    app.finish().await;
}

#[tokio::test]
async fn public_pages_set_no_cookie_send_no_referrer_and_weigh_under_30_kb() {
    let mut app = TestApp::with_content(crate::support::engines().await.remove(0)).await;
    let css = app.get("/static/public.css").await;
    assert_eq!(css.status, StatusCode::OK);
    let icon = app.get("/favicon.svg").await;
    let mut heaviest = (0, String::new());
    for path in PAGES {
        for lang in LANGS {
            let url = format!("{path}?lang={lang}");
            let r = app.get(&url).await;
            assert_eq!(r.status, StatusCode::OK, "{url}");
            let h = &r.headers;
            assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{url}");
            assert_eq!(h[header::CACHE_CONTROL], "no-store", "{url}");
            assert_eq!(h[header::VARY], "Accept-Language", "{url}");
            assert!(h.get(header::SET_COOKIE).is_none(), "{url}: no cookie");
            assert!(h.get(header::CONTENT_SECURITY_POLICY).is_some());
            assert!(!r.body.contains("<script"), "{url}: no script");
            // Uncompressed, with everything it loads: above what is transferred.
            let total = r.body.len() + css.body.len() + icon.body.len();
            assert!(total < 30 * 1024, "{url}: {total} bytes");
            if total > heaviest.0 {
                heaviest = (total, url);
            }
        }
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("heaviest public page with its assets, uncompressed: {} bytes ({})\n", heaviest.0, heaviest.1)
            .as_bytes(),
    );
    // The staff pages keep their policy.
    let landing = app.get("/").await;
    assert_eq!(landing.headers[header::REFERRER_POLICY], "same-origin");
    assert!(landing.body.contains("href=\"/public?lang=en\""), "the landing page links the public pages");
    app.finish().await;
}

#[tokio::test]
async fn an_entry_made_public_in_the_admin_form_shows_and_one_made_private_goes() {
    for db in engines().await {
        // After the content file's entries were checked (2026-12-02).
        let clock = sightline_web::Clock::fixed(time::macros::datetime!(2026-12-03 09:00 UTC));
        let mut admin = TestApp::builder().on(db).with_content().with_clock(clock).build().await;
        admin.set_up_platform_admin().await;
        let mut traveller = admin.another_browser();
        assert!(traveller.get("/help/HEL").await.body.contains("tel:+358295463177"));

        // Untick "public" on the Finnish assistance system: it leaves the help page.
        let all = admin.state.db.directory().await.unwrap();
        let s = all.iter().find(|s| s.entry.organisation.contains("National Assistance System")).unwrap();
        assert!(s.entry.public);
        let page = format!("/directory/{}", s.id);
        let form = admin.get(&page).await;
        assert!(form.body.contains("name=\"public\" value=\"on\""), "the tick is on the form");
        let mut draft = sightline_domain::directory::DirectoryDraft::of(&s.entry);
        draft.public = String::new();
        let version = s.version.to_string();
        let fields = draft_fields(&draft, &version);
        let r = admin.submit(&page, &page, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let help = traveller.get("/help/HEL").await;
        assert!(!help.body.contains("+358295463177"), "no longer public");
        assert!(help.body.contains("tel:112"), "the emergency number stays");

        // A new public line for HEL, ticked in the form: on the page at once.
        let mut new = draft.clone();
        new.organisation = "Helsinki Airport help point".into();
        new.airport = "HEL".into();
        new.phone = "+358 9 8188 0000".into();
        new.local_number = String::new();
        new.public = "on".into();
        let r = admin.submit("/directory/new", "/directory", &draft_fields(&new, "")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let help = traveller.get("/help/HEL").await;
        assert!(help.body.contains("href=\"tel:+358981880000\"") && help.body.contains("Helsinki Airport help point"));
        // A public line with nothing to call is refused at the field.
        new.phone = String::new();
        new.email = "help@example.org".into();
        new.organisation = "E-mail only".into();
        let r = admin.submit("/directory/new", "/directory", &draft_fields(&new, "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("A public line needs a phone or local number to call."), "{}", r.body);
        admin.finish().await;
    }
}

fn draft_fields<'a>(d: &'a sightline_domain::directory::DirectoryDraft, version: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("country", d.country.as_str()),
        ("airport", d.airport.as_str()),
        ("organisation", d.organisation.as_str()),
        ("kind", d.kind.as_str()),
        ("phone", d.phone.as_str()),
        ("local_number", d.local_number.as_str()),
        ("email", d.email.as_str()),
        ("hours", d.hours.as_str()),
        ("notes", d.notes.as_str()),
        ("languages", d.languages.as_str()),
        ("languages_over", d.languages_over.as_str()),
        ("source", d.source.as_str()),
        ("last_verified", d.last_verified.as_str()),
    ];
    if !d.dialable_from_abroad.is_empty() {
        v.push(("dialable_from_abroad", "on"));
    }
    if !d.public.is_empty() {
        v.push(("public", "on"));
    }
    if !version.is_empty() {
        v.push(("version", version));
    }
    v
}
