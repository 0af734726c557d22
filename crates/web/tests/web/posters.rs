//! The printable help posters (`/posters/{airport}.pdf`): a PDF per language that
//! poppler renders, whose QR code (read back with zxing-cpp) leads to exactly the
//! airport's help page in the poster's language, whose text (pdftotext) holds the
//! words in Cyrillic and Arabic and the numbers with their sources; A3 as asked; the
//! public pages' headers; and clear 404 and 400 pages for what cannot be made.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::{StatusCode, header};

use crate::support::{Resp, TestApp, engines};

const LANGS: [&str; 8] = ["en", "fi", "sv", "es", "fr", "ru", "uk", "ar"];

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Is `tool` there? In CI it must be; elsewhere its check is skipped, said on stderr.
fn have(tool: &str, check: &mut Command, install: &str) -> bool {
    let ok = check.output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must run the poster checks with {tool}: {install}");
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("SKIPPED poster checks that need {tool} ({install})\n").as_bytes(),
        );
    }
    ok
}

fn have_poppler() -> bool {
    have("poppler", Command::new("pdftoppm").arg("-v"), "apt-get install poppler-utils")
}

fn have_zxing() -> bool {
    have("zxing-cpp", Command::new("python3").args(["-c", "import zxingcpp, PIL"]), "pip install zxing-cpp pillow")
}

/// The poster at `path`: a PDF with the public pages' headers, saved as `name`.pdf.
fn saved(r: &Resp, path: &str, name: &str) -> PathBuf {
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf", "{path}");
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
    assert!(r.headers.get(header::SET_COOKIE).is_none(), "{path}: no cookie");
    assert!(r.bytes.starts_with(b"%PDF-"), "{path}");
    assert!(r.bytes.len() < 400 * 1024, "{path}: {} bytes", r.bytes.len());
    let file = screenshots_dir().join(format!("{name}.pdf"));
    std::fs::write(&file, &r.bytes).unwrap();
    file
}

/// The page rendered by poppler at 100 dpi (PNG), and the PDF's text.
fn render(pdf: &Path) -> (PathBuf, String) {
    let png = pdf.with_extension("png");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "100", "-singlefile"])
        .arg(pdf)
        .arg(png.with_extension(""))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm {}", pdf.display());
    let text = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(text.status.success());
    (png, String::from_utf8_lossy(&text.stdout).into_owned())
}

/// Every QR code zxing-cpp finds in the PNG, as text.
fn qr_codes(png: &Path) -> Vec<String> {
    let script = "import sys, zxingcpp\nfrom PIL import Image\n\
                  for b in zxingcpp.read_barcodes(Image.open(sys.argv[1])):\n    print(b.format.name, b.text)";
    let out = Command::new("python3").args(["-c", script]).arg(png).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.strip_prefix("QRCode ")).map(str::to_owned).collect()
}

#[tokio::test]
async fn a_poster_in_each_language_renders_with_a_qr_code_to_its_help_page() {
    let mut app = TestApp::with_content(engines().await.remove(0)).await;
    let (poppler, zxing) = (have_poppler(), have_poppler() && have_zxing());
    for lang in LANGS {
        let path = format!("/posters/JFK.pdf?lang={lang}&size=A4");
        let r = app.get(&path).await;
        let pdf = saved(&r, &path, &format!("poster-JFK-{lang}-A4"));
        if !poppler {
            continue;
        }
        let (png, text) = render(&pdf);
        // The US hotline, its publisher and the day it was checked.
        assert!(text.contains("+18883737888") && text.contains("1-888-373-7888"), "{lang}: {text}");
        assert!(text.contains("humantraffickinghotline.org") && text.contains("2026-12-02"), "{lang}: {text}");
        assert!(!text.contains("+18663472423"), "{lang}: the HSI line is not public");
        let words = app.state.library.public.get(lang).unwrap();
        let expected: &[&str] = match lang {
            "ru" => &["попросить", "помощи", "переводчика"],
            "uk" => &["попросити", "допомогу", "перекладача"],
            "ar" => &["يمكنك طلب المساعدة", "ذنبك", "مترجم"],
            _ => &[words.t("poster-title")],
        };
        // Lines break anywhere: compare with single spaces, and without the
        // direction marks poppler puts around right-to-left lines.
        let flat = |s: &str| {
            let s: String =
                s.chars().filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}')).collect();
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        for word in expected {
            assert!(flat(&text).contains(&flat(word)), "{lang}: {word:?} not in {text}");
        }
        if zxing {
            assert_eq!(qr_codes(&png), [format!("http://sightline.test/help/JFK?lang={lang}")], "{lang}");
        }
    }
    // Finland in Arabic: the emergency number first, right to left around it.
    let r = app.get("/posters/HEL.pdf?lang=ar").await;
    let pdf = saved(&r, "/posters/HEL.pdf?lang=ar", "poster-HEL-ar-A4");
    if poppler {
        let (png, text) = render(&pdf);
        assert!(text.contains("112") && text.contains("+358295463177") && text.contains("migri.fi"), "{text}");
        let (danger, line) = (text.find("112").unwrap(), text.find("+358295463177").unwrap());
        assert!(danger < line, "the emergency number first");
        if zxing {
            assert_eq!(qr_codes(&png), ["http://sightline.test/help/HEL?lang=ar"]);
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn a_poster_in_two_languages_and_on_a3_from_either_engine() {
    for db in engines().await {
        let mut app = TestApp::with_content(db).await;
        let path = "/posters/hel.pdf?lang=fi&lang=en&size=a3";
        let r = app.get(path).await;
        assert!(
            r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("help-HEL-fi-en-A3.pdf"),
            "{:?}",
            r.headers
        );
        let pdf = saved(&r, path, "poster-HEL-fi-en-A3");
        if !have_poppler() {
            app.finish().await;
            continue;
        }
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A3)"), "{info}");
        let (png, text) = render(&pdf);
        for words in ["Voit pyytää apua", "You can ask for help", "112", "+358295463177", "029 546 3177", "migri.fi"]
        {
            assert!(text.contains(words), "{words:?} not in {text}");
        }
        // Not public: the police's office-hours line.
        assert!(!text.contains("Police of Finland"), "{text}");
        if have_zxing() {
            assert_eq!(qr_codes(&png), ["http://sightline.test/help/HEL?lang=fi"], "the first language's page");
        }
        // Without a language: the reader's (Accept-Language), then English.
        let r = app
            .send(
                axum::http::Request::get("/posters/HEL.pdf")
                    .header(header::ACCEPT_LANGUAGE, "sv")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        let (_, text) = render(&saved(&r, "/posters/HEL.pdf", "poster-HEL-default"));
        assert!(text.contains("Du kan be om hjälp"), "{text}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_poster_that_cannot_be_made_is_a_clear_404_or_400() {
    let mut app = TestApp::with_content(engines().await.remove(0)).await;
    for path in ["/posters/ZZZ.pdf", "/posters/HEL", "/posters/H3L.pdf?lang=en", "/posters/HELSINKI.pdf"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("We do not know this airport"), "{path}: {}", r.body);
        assert!(r.body.contains("name=\"airport\""), "the form again: {path}");
        assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    }
    for path in [
        "/posters/HEL.pdf?lang=xx",
        "/posters/HEL.pdf?lang=",
        "/posters/HEL.pdf?lang=en&size=A5",
        "/posters/HEL.pdf?size=letter",
        "/posters/HEL.pdf?lang=en&lang=fi&lang=sv",
        "/posters/HEL.pdf?lang=%3Cb%3E",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(r.body.contains("We cannot make this poster"), "{path}: {}", r.body);
        assert!(r.body.contains("href=\"/posters/HEL.pdf?lang=ar&amp;size=A4\""), "what can be made: {path}");
        assert!(r.body.contains("href=\"/help/HEL?lang=en\""), "the help page: {path}");
        assert!(!r.body.contains("<b>"), "escaped");
        assert!(r.headers.get(header::SET_COOKIE).is_none());
        assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    }
    // In the language asked for, when it is one the pages speak.
    let r = app.get("/posters/HEL.pdf?lang=fi&size=B5").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Tätä julistetta ei voi tehdä"), "{}", r.body);
    app.finish().await;
}

#[tokio::test]
async fn the_help_page_links_its_poster_in_its_language() {
    let mut app = TestApp::with_content(engines().await.remove(0)).await;
    for lang in LANGS {
        let r = app.get(&format!("/help/HEL?lang={lang}")).await;
        let words = app.state.library.public.get(lang).unwrap();
        assert!(
            r.body.contains(&format!(
                "<a href=\"/posters/HEL.pdf?lang={lang}&amp;size=A4\" id=\"poster-link\">{}</a>",
                words.t("poster-link")
            )),
            "{lang}"
        );
        assert!(r.body.contains(&format!("href=\"/posters/HEL.pdf?lang={lang}&amp;size=A3\"")), "{lang}");
    }
    app.finish().await;
}
