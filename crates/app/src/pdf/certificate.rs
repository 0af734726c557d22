//! The training certificate: one A4 landscape page with a frame, the holder's name in
//! large bold type (any script the bundled fonts have: Latin, Greek, Cyrillic,
//! Arabic and Hebrew, shaped and in its own direction), the course, the dates, the
//! code, and a QR code to the verification page that is also a link.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

use super::text::{Align, Dir, Paragraph, Style, Weight};
use super::{gold, ink, link, navy, qr, rule, stroke_rect};

/// What the certificate says, already in its language.
pub struct CertificateText<'a> {
    pub brand: &'a str,
    pub heading: &'a str,
    pub certifies: &'a str,
    pub name: &'a str,
    pub completed: &'a str,
    pub course: &'a str,
    pub language_line: &'a str,
    pub issued_line: &'a str,
    pub valid_line: &'a str,
    pub code_line: &'a str,
    pub verify_line: &'a str,
    pub verify_url: &'a str,
    pub footer: &'a str,
}

const W: f32 = 842.0;
const H: f32 = 595.0;

/// `text` on one line centred on the page, its baseline at `y` (from the top), in
/// its own direction, shrunk until it fits `max_width`.
fn centred(
    s: &mut krilla::surface::Surface<'_>,
    text: &str,
    y: f32,
    style: Style,
    max_width: f32,
) -> Result<(), String> {
    let mut style = style;
    let mut p = Paragraph::new(text, style, f32::INFINITY, Dir::Auto)?;
    while p.width() > max_width && style.size > 8.0 {
        style = style.sized(style.size - 0.5);
        p = Paragraph::new(text, style, f32::INFINITY, Dir::Auto)?;
    }
    p.draw(s, 0.0, y - style.size, W, Align::Centre);
    Ok(())
}

/// `text` on one line from `x`, its baseline at `y`.
fn at(s: &mut krilla::surface::Surface<'_>, text: &str, (x, y): (f32, f32), style: Style) -> Result<(), String> {
    Paragraph::new(text, style, f32::INFINITY, Dir::Auto)?.draw(s, x, y - style.size, 0.0, Align::Left);
    Ok(())
}

/// The certificate as PDF bytes.
///
/// # Errors
/// The fonts do not load, the address is too long for a QR code, or krilla refused
/// the document.
pub fn certificate(t: &CertificateText<'_>) -> Result<Vec<u8>, String> {
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("{} - {}", t.heading, t.name)).creator("Sightline".to_owned()));
    let settings = PageSettings::from_wh(W, H).ok_or("page size")?;
    let mut page = document.start_page_with(settings);
    let (qr_size, qr_x, qr_y) = (124.0, W - 80.0 - 124.0, H - 78.0 - 124.0);
    {
        let mut s = page.surface();
        // Frame: a navy border and a fine inner line, with a gold rule under the heading.
        stroke_rect(&mut s, (22.0, 22.0, W - 44.0, H - 44.0), navy(), 4.0);
        stroke_rect(&mut s, (32.0, 32.0, W - 64.0, H - 64.0), navy(), 0.75);
        rule(&mut s, (W / 2.0 - 90.0, W / 2.0 + 90.0, 155.0), gold(), 2.0);

        let (regular, bold) = (Style::new(Weight::Regular, 13.0, ink()), Style::new(Weight::Bold, 13.0, ink()));
        centred(&mut s, t.brand, 83.0, Style::new(Weight::Bold, 15.0, navy()), 600.0)?;
        centred(&mut s, t.heading, 137.0, Style::new(Weight::Bold, 30.0, navy()), 680.0)?;
        centred(&mut s, t.certifies, 187.0, regular, 680.0)?;
        centred(&mut s, t.name, 233.0, bold.sized(32.0), 680.0)?;
        centred(&mut s, t.completed, 269.0, regular, 680.0)?;
        centred(&mut s, t.course, 303.0, Style::new(Weight::Bold, 19.0, navy()), 680.0)?;
        centred(&mut s, t.language_line, 331.0, regular.sized(11.5), 680.0)?;

        at(&mut s, t.issued_line, (80.0, 417.0), regular.sized(12.0))?;
        at(&mut s, t.valid_line, (80.0, 437.0), bold.sized(12.0))?;
        at(&mut s, t.code_line, (80.0, 457.0), regular.sized(12.0))?;
        at(&mut s, t.verify_line, (80.0, 487.0), regular.sized(9.5))?;
        at(&mut s, t.verify_url, (80.0, 501.0), Style::new(Weight::Regular, 9.5, navy()))?;
        centred(&mut s, t.footer, 543.0, regular.sized(9.0), 740.0)?;

        // The QR code that leads to the verification page.
        qr(&mut s, t.verify_url, (qr_x, qr_y, qr_size))?;
        s.finish();
    }
    link(&mut page, (qr_x, qr_y, qr_size, qr_size), t.verify_url);
    link(&mut page, (78.0, 490.0, 420.0, 14.0), t.verify_url);
    page.finish();
    super::finish(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        certificate(&CertificateText {
            brand: "Sightline",
            heading: "Todistus suoritetusta koulutuksesta",
            certifies: "Tällä todistetaan, että",
            name,
            completed: "on suorittanut koulutuksen",
            course: "Matkustamohenkilökunta: mahdollisen ihmiskaupan tunnistaminen",
            language_line: "Kieli: suomi",
            issued_line: "Myönnetty: 2026-11-28",
            valid_line: "Voimassa: 2027-11-28 asti",
            code_line: "Todistuksen tunnus: SL-ABCD-EFGH-IJKL",
            verify_line: "Tarkista todistus:",
            verify_url: "https://sightline.example/verify/SL-ABCD-EFGH-IJKL",
            footer: "Yksi tunnusmerkki ei todista mitään.",
        })
        .unwrap()
    }

    /// What poppler reads from the PDF: its text, and the page at 60 dpi in grey
    /// (width, height, one byte a pixel); `None` (said on stderr) where poppler is not
    /// installed, which CI does not allow.
    fn poppler(pdf: &[u8], file: &str) -> Option<(String, usize, usize, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{file}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let Ok(text) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() else {
            assert!(std::env::var_os("CI").is_none(), "CI must check the PDF: install poppler-utils");
            let _ =
                std::io::Write::write_all(&mut std::io::stderr(), b"SKIPPED poppler checks: poppler-utils missing\n");
            return None;
        };
        let out = dir.join(file);
        for args in [&["-png", "-r", "60", "-singlefile"][..], &["-gray", "-r", "60", "-singlefile"][..]] {
            let status = std::process::Command::new("pdftoppm").args(args).arg(&path).arg(&out).status().unwrap();
            assert!(status.success());
        }
        let pgm = std::fs::read(out.with_extension("pgm")).unwrap();
        // P5 <width> <height> 255, then the pixels.
        let mut fields = pgm.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty());
        assert_eq!(fields.next(), Some(&b"P5"[..]));
        let mut num = || -> usize { std::str::from_utf8(fields.next().unwrap()).unwrap().parse().unwrap() };
        let (w, h, _max) = (num(), num(), num());
        let pixels = pgm[pgm.len() - w * h..].to_vec();
        Some((String::from_utf8_lossy(&text.stdout).into_owned(), w, h, pixels))
    }

    /// Dark pixels in the band of the name (its baseline is 233 pt from the top),
    /// inside the frame.
    fn ink_in_name_band(w: usize, pixels: &[u8]) -> usize {
        let (top, bottom, left, right) = (190 * 60 / 72, 245 * 60 / 72, 100 * 60 / 72, 742 * 60 / 72);
        (top..bottom).map(|y| pixels[y * w + left..y * w + right].iter().filter(|&&p| p < 128).count()).sum()
    }

    #[test]
    fn writes_a_small_pdf_with_the_address_as_a_link() {
        let pdf = sample("Äijä Öberg");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
        let url = b"https://sightline.example/verify/SL-ABCD-EFGH-IJKL";
        assert!(pdf.windows(url.len()).any(|w| w == url), "the link carries the address");
        if let Some((text, ..)) = poppler(&pdf, "sample-certificate") {
            assert!(text.contains("Äijä Öberg"), "{text}");
            assert!(text.contains("SL-ABCD-EFGH-IJKL"));
        }
    }

    #[test]
    fn names_in_cyrillic_greek_arabic_and_hebrew_print() {
        let blank = sample("");
        let Some((_, w, _, blank_pixels)) = poppler(&blank, "sample-certificate-no-name") else { return };
        assert_eq!(ink_in_name_band(w, &blank_pixels), 0, "nothing in the name's band without a name");
        for (file, name) in [
            ("sample-certificate-cyrillic-greek", "Олена Ковальчук-Παπαδοπούλου"),
            ("sample-certificate-arabic", "مريم عبد الله الحسن"),
            ("sample-certificate-hebrew", "דוד בן־עמי"),
        ] {
            assert!(super::super::text::covered(name), "{name}: the fonts have every letter");
            let pdf = sample(name);
            assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
            let (text, w, _, pixels) = poppler(&pdf, file).unwrap();
            let ink = ink_in_name_band(w, &pixels);
            assert!(ink > 300, "{name}: the name is drawn ({ink} dark pixels)");
            // The words come back as text (poppler may order right-to-left words
            // either way round).
            for word in name.split([' ', '-', '־']) {
                assert!(text.contains(word), "{name}: {word:?} not in {text}");
            }
        }
    }
}
