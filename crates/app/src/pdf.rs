//! Certificate PDFs, written directly: one A4 landscape page, the PDF base-14 fonts
//! Helvetica and Helvetica-Bold (WinAnsiEncoding), vector lines and a vector QR code.
//! No font files for Western names, so a certificate is a few kilobytes and renders
//! the same everywhere. A name with letters outside Windows-1252 (Greek, Cyrillic,
//! Central European, Vietnamese …) is written in DejaVu Sans Bold instead, embedded as
//! a subset of just its letters (a CID font with a ToUnicode map, so it can be
//! searched and copied). Scripts that need shaping or right-to-left ordering (Arabic,
//! Hebrew, Indic …) and letters the font lacks fall back to transliteration (Ł → L)
//! or `?`; the verification page always shows the exact name.

use qrcode::{Color, QrCode};
use std::collections::BTreeMap;

/// DejaVu Sans Bold (Bitstream Vera licence; see crates/app/fonts/DejaVu-LICENSE.txt).
static NAME_FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

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
const NAVY: &str = "0.043 0.239 0.361";
const GOLD: &str = "0.949 0.694 0.204";
const INK: &str = "0.075 0.129 0.173";

/// Helvetica widths (per 1000 em) for ASCII 32..=126, from the Adobe AFM files.
const HELV: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];
const HELV_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

/// The Latin letter an accented or non-1252 letter is measured (and, if needed,
/// written) as.
fn base_letter(c: char) -> char {
    match c {
        'À'..='Å' | 'Ą' | 'Ă' | 'Ā' => 'A',
        'à'..='å' | 'ą' | 'ă' | 'ā' => 'a',
        'Ç' | 'Č' | 'Ć' => 'C',
        'ç' | 'č' | 'ć' => 'c',
        'È'..='Ë' | 'Ę' | 'Ě' | 'Ē' => 'E',
        'è'..='ë' | 'ę' | 'ě' | 'ē' => 'e',
        'Ì'..='Ï' | 'İ' | 'Ī' => 'I',
        'ì'..='ï' | 'ı' | 'ī' => 'i',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ò'..='Ö' | 'Ø' | 'Ő' | 'Ō' => 'O',
        'ò'..='ö' | 'ø' | 'ő' | 'ō' => 'o',
        'Ù'..='Ü' | 'Ű' | 'Ů' | 'Ū' => 'U',
        'ù'..='ü' | 'ű' | 'ů' | 'ū' => 'u',
        'Ý' | 'Ÿ' => 'Y',
        'ý' | 'ÿ' => 'y',
        'Š' | 'Ś' | 'Ş' | 'Ș' => 'S',
        'š' | 'ś' | 'ş' | 'ș' | 'ß' => 's',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        'ž' | 'ź' | 'ż' => 'z',
        'Ł' => 'L',
        'ł' => 'l',
        'Đ' | 'Ð' => 'D',
        'đ' | 'ð' => 'd',
        'Ř' => 'R',
        'ř' => 'r',
        'Ť' | 'Ț' => 'T',
        'ť' | 'ț' => 't',
        'Ğ' => 'G',
        'ğ' => 'g',
        'Þ' => 'P',
        'þ' => 'p',
        'Æ' | 'Œ' => 'E',
        'æ' | 'œ' => 'e',
        _ => c,
    }
}

/// Windows-1252 byte for a character, transliterating where needed.
fn win_ansi(c: char) -> u8 {
    let special = match c {
        '€' => Some(0x80),
        '‚' => Some(0x82),
        '„' => Some(0x84),
        '…' => Some(0x85),
        '‘' => Some(0x91),
        '’' => Some(0x92),
        '“' => Some(0x93),
        '”' => Some(0x94),
        '•' => Some(0x95),
        '–' => Some(0x96),
        '—' => Some(0x97),
        'Š' => Some(0x8A),
        'Œ' => Some(0x8C),
        'Ž' => Some(0x8E),
        'š' => Some(0x9A),
        'œ' => Some(0x9C),
        'ž' => Some(0x9E),
        'Ÿ' => Some(0x9F),
        _ => None,
    };
    if let Some(b) = special {
        return b;
    }
    let code = u32::from(c);
    if (32..127).contains(&code) || (160..=255).contains(&code) {
        return u8::try_from(code).unwrap_or(b'?');
    }
    let base = base_letter(c);
    if base == c { b'?' } else { u8::try_from(u32::from(base)).unwrap_or(b'?') }
}

fn char_width(c: char, bold: bool) -> f32 {
    let table = if bold { &HELV_BOLD } else { &HELV };
    let mut m = base_letter(c);
    if matches!(c, '–') {
        m = '-';
    }
    let w = match u32::from(m) {
        code @ 32..=126 => table[usize::try_from(code - 32).unwrap_or(0)],
        _ => 556,
    };
    f32::from(w)
}

/// Width of `s` in points at `size`.
#[must_use]
pub fn text_width(s: &str, size: f32, bold: bool) -> f32 {
    s.chars().map(|c| char_width(c, bold)).sum::<f32>() * size / 1000.0
}

fn pdf_string(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// A name written in the embedded font: glyphs of a subset, and what the PDF needs.
struct EmbeddedName {
    /// The subset's glyph id (used as CID) for each character of the name.
    cids: Vec<u16>,
    /// Advance per CID, per 1000 em.
    widths: BTreeMap<u16, u32>,
    /// The character each CID shows (for copy and search).
    unicode: BTreeMap<u16, char>,
    subset: Vec<u8>,
    /// `[x0 y0 x1 y1]`, ascent, descent, cap height, per 1000 em.
    bbox: [i32; 4],
    ascent: i32,
    descent: i32,
    cap_height: i32,
}

/// Characters whose correct display needs shaping or right-to-left ordering, which
/// this writer does not do.
fn needs_shaping(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0x0900..=0x0DFF | 0x0E00..=0x0EFF | 0xFB1D..=0xFEFF)
}

/// The name in the embedded font, when Windows-1252 cannot show it and the font can.
fn embed_name(name: &str) -> Option<EmbeddedName> {
    if name.chars().all(|c| win_ansi(c) != b'?' || c == '?') || name.chars().any(needs_shaping) {
        return None;
    }
    let face = ttf_parser::Face::parse(NAME_FONT, 0).ok()?;
    let per_em = f32::from(face.units_per_em());
    #[allow(clippy::cast_possible_truncation)]
    let scale = |v: f32| (v * 1000.0 / per_em).round() as i32;
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut cids = Vec::new();
    let mut widths = BTreeMap::new();
    let mut unicode = BTreeMap::new();
    for c in name.chars() {
        let gid = face.glyph_index(c)?;
        let cid = remapper.remap(gid.0);
        let advance = scale(f32::from(face.glyph_hor_advance(gid).unwrap_or(0)));
        widths.insert(cid, u32::try_from(advance).unwrap_or(0));
        unicode.insert(cid, c);
        cids.push(cid);
    }
    let subset = subsetter::subset(NAME_FONT, 0, &remapper).ok()?;
    let b = face.global_bounding_box();
    Some(EmbeddedName {
        cids,
        widths,
        unicode,
        subset,
        bbox: [
            scale(f32::from(b.x_min)),
            scale(f32::from(b.y_min)),
            scale(f32::from(b.x_max)),
            scale(f32::from(b.y_max)),
        ],
        ascent: scale(f32::from(face.ascender())),
        descent: scale(f32::from(face.descender())),
        cap_height: scale(f32::from(face.capital_height().unwrap_or(face.ascender()))),
    })
}

impl EmbeddedName {
    fn width(&self, size: f32) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let units: f32 = self.cids.iter().map(|c| self.widths.get(c).copied().unwrap_or(0) as f32).sum();
        units * size / 1000.0
    }

    /// The PDF objects for font resource `first` (Type0 font, CID font, descriptor,
    /// font file, ToUnicode map), numbered from `first`.
    fn objects(&self, first: usize) -> Vec<Vec<u8>> {
        const NAME: &str = "SLNAME+DejaVuSans-Bold";
        let w: String = self.widths.iter().map(|(cid, w)| format!("{cid} [{w}] ")).collect();
        let [x0, y0, x1, y1] = self.bbox;
        let mut file =
            format!("<< /Length {} /Length1 {} >>\nstream\n", self.subset.len(), self.subset.len()).into_bytes();
        file.extend_from_slice(&self.subset);
        file.extend_from_slice(b"\nendstream");
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        cmap.push_str(&format!("{} beginbfchar\n", self.unicode.len()));
        for (cid, c) in &self.unicode {
            let utf16: String = c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("{u:04X}")).collect();
            cmap.push_str(&format!("<{cid:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        let mut to_unicode = format!("<< /Length {} >>\nstream\n", cmap.len()).into_bytes();
        to_unicode.extend_from_slice(cmap.as_bytes());
        to_unicode.extend_from_slice(b"endstream");
        vec![
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{NAME} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                first + 1,
                first + 4
            )
            .into_bytes(),
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{NAME} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /W [{w}] /CIDToGIDMap /Identity >>",
                first + 2
            )
            .into_bytes(),
            format!(
                "<< /Type /FontDescriptor /FontName /{NAME} /Flags 32 /FontBBox [{x0} {y0} {x1} {y1}] \
                 /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 120 /FontFile2 {} 0 R >>",
                self.ascent,
                self.descent,
                self.cap_height,
                first + 3
            )
            .into_bytes(),
            file,
            to_unicode,
        ]
    }
}

struct Page {
    ops: Vec<u8>,
}

impl Page {
    fn raw(&mut self, s: &str) {
        self.ops.extend_from_slice(s.as_bytes());
        self.ops.push(b'\n');
    }
    /// Text centred on the page at height `y`, shrunk to fit `max_width`.
    fn centred(&mut self, s: &str, y: f32, (size, bold, color): (f32, bool, &str), max_width: f32) {
        let cx = W / 2.0;
        let mut size = size;
        while text_width(s, size, bold) > max_width && size > 8.0 {
            size -= 0.5;
        }
        let x = cx - text_width(s, size, bold) / 2.0;
        self.text(s, x, y, size, bold, color);
    }
    /// A name in the embedded font (`/F3`), centred like [`Page::centred`].
    fn centred_embedded(&mut self, e: &EmbeddedName, y: f32, (size, color): (f32, &str), max_width: f32) {
        let mut size = size;
        while e.width(size) > max_width && size > 8.0 {
            size -= 0.5;
        }
        let x = W / 2.0 - e.width(size) / 2.0;
        let hex: String = e.cids.iter().map(|c| format!("{c:04X}")).collect();
        self.raw(&format!("BT {color} rg /F3 {size:.1} Tf {x:.2} {y:.2} Td <{hex}> Tj ET"));
    }
    fn text(&mut self, s: &str, x: f32, y: f32, size: f32, bold: bool, color: &str) {
        let font = if bold { "F2" } else { "F1" };
        self.raw(&format!("BT {color} rg /{font} {size:.1} Tf {x:.2} {y:.2} Td"));
        self.ops.extend_from_slice(&pdf_string(s));
        self.raw(" Tj ET");
    }
}

/// The certificate as PDF bytes.
#[must_use]
pub fn certificate(t: &CertificateText<'_>) -> Vec<u8> {
    let mut p = Page { ops: Vec::new() };
    // Frame: a navy border and a fine inner line, with a gold rule under the heading.
    p.raw(&format!("{NAVY} RG 4 w 22 22 {:.0} {:.0} re S", W - 44.0, H - 44.0));
    p.raw(&format!("{NAVY} RG 0.75 w 32 32 {:.0} {:.0} re S", W - 64.0, H - 64.0));
    p.raw(&format!("{GOLD} RG 2 w {:.0} 440 m {:.0} 440 l S", W / 2.0 - 90.0, W / 2.0 + 90.0));

    p.centred(t.brand, 512.0, (15.0, true, NAVY), 600.0);
    p.centred(t.heading, 458.0, (30.0, true, NAVY), 680.0);
    p.centred(t.certifies, 408.0, (13.0, false, INK), 680.0);
    let embedded = embed_name(t.name);
    match &embedded {
        Some(e) => p.centred_embedded(e, 362.0, (32.0, INK), 680.0),
        None => p.centred(t.name, 362.0, (32.0, true, INK), 680.0),
    }
    p.centred(t.completed, 326.0, (13.0, false, INK), 680.0);
    p.centred(t.course, 292.0, (19.0, true, NAVY), 680.0);
    p.centred(t.language_line, 264.0, (11.5, false, INK), 680.0);

    p.text(t.issued_line, 80.0, 178.0, 12.0, false, INK);
    p.text(t.valid_line, 80.0, 158.0, 12.0, true, INK);
    p.text(t.code_line, 80.0, 138.0, 12.0, false, INK);
    p.text(t.verify_line, 80.0, 108.0, 9.5, false, INK);
    p.text(t.verify_url, 80.0, 94.0, 9.5, false, NAVY);
    p.centred(t.footer, 52.0, (9.0, false, INK), 740.0);

    // The QR code that leads to the verification page, drawn as merged module runs.
    if let Ok(qr) = QrCode::new(t.verify_url.as_bytes()) {
        let n = qr.width();
        let size = 124.0;
        let quiet = 2.0;
        #[allow(clippy::cast_precision_loss)]
        let module = size / (n as f32 + 2.0 * quiet);
        let (x0, y0) = (W - 80.0 - size, 78.0);
        p.raw(&format!("1 1 1 rg {x0:.2} {y0:.2} {size:.2} {size:.2} re f"));
        p.raw("0 0 0 rg");
        let colors = qr.to_colors();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == Color::Dark {
                        col += 1;
                    }
                    #[allow(clippy::cast_precision_loss)]
                    let (x, y, w) = (
                        x0 + (quiet + start as f32) * module,
                        y0 + size - (quiet + row as f32 + 1.0) * module,
                        (col - start) as f32 * module,
                    );
                    p.raw(&format!("{x:.2} {y:.2} {w:.2} {module:.2} re"));
                } else {
                    col += 1;
                }
            }
        }
        p.raw("f");
    }

    let f3 = if embedded.is_some() { " /F3 8 0 R" } else { "" };
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {W:.0} {H:.0}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R{f3} >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        {
            let mut s = format!("<< /Length {} >>\nstream\n", p.ops.len()).into_bytes();
            s.extend_from_slice(&p.ops);
            s.extend_from_slice(b"endstream");
            s
        },
        {
            // The title as UTF-16 (a PDF text string), so any name shows exactly.
            let title: String =
                format!("{} - {}", t.heading, t.name).encode_utf16().map(|u| format!("{u:04X}")).collect();
            format!("<< /Title <FEFF{title}> /Producer (Sightline) >>").into_bytes()
        },
    ];
    if let Some(e) = &embedded {
        objects.extend(e.objects(8));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
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
    }

    #[test]
    fn writes_a_well_formed_small_pdf() {
        let pdf = sample("Äijä Öberg");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sample-certificate.pdf"), &pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
        // The xref offsets point at the objects.
        let text = String::from_utf8_lossy(&pdf);
        let startxref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[startxref..].starts_with(b"xref"));
        let table = String::from_utf8(pdf[startxref..].to_vec()).unwrap();
        let first_obj: usize = table.lines().nth(3).unwrap()[..10].parse().unwrap();
        assert!(pdf[first_obj..].starts_with(b"1 0 obj"));
        // Finnish letters are encoded as Windows-1252 bytes.
        assert!(pdf.windows(4).any(|w| w == b"(\xC4ij\xE4" || w == [b'(', 0xC4, b'i', b'j']));
    }

    #[test]
    fn names_beyond_windows_1252_are_written_in_an_embedded_subset() {
        let name = "Олена Ковальчук-Παπαδοπούλου";
        let pdf = sample(name);
        assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Subtype /Type0") && text.contains("/ToUnicode 12 0 R") && text.contains("/F3 8 0 R"));
        let e = embed_name(name).unwrap();
        assert_eq!(e.unicode.len(), name.chars().collect::<std::collections::HashSet<_>>().len());
        let back: String = e.cids.iter().map(|c| e.unicode[c]).collect();
        assert_eq!(back, name, "the ToUnicode map gives the name back");
        assert!(e.subset.len() < 40 * 1024, "a subset, not the whole font: {} bytes", e.subset.len());
        assert!(ttf_parser::Face::parse(&e.subset, 0).is_ok(), "the subset is a font");
        let hex: String = e.cids.iter().map(|c| format!("{c:04X}")).collect();
        assert!(text.contains(&format!("<{hex}> Tj")));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sample-certificate-cyrillic-greek.pdf");
        std::fs::write(&file, &pdf).unwrap();
        // Where poppler is installed (always in CI), its text extraction reads the name.
        match std::process::Command::new("pdftotext").arg(&file).arg("-").output() {
            Ok(out) => {
                assert!(String::from_utf8_lossy(&out.stdout).contains(name), "{}", String::from_utf8_lossy(&out.stdout))
            }
            Err(_) => {
                assert!(std::env::var_os("CI").is_none(), "CI must check the PDF text: install poppler-utils");
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    b"SKIPPED pdftotext check: poppler-utils missing\n",
                );
            }
        }
        // Western names stay in the built-in fonts; right-to-left scripts are not embedded.
        assert!(embed_name("Äijä Öberg").is_none());
        assert!(embed_name("مريم").is_none());
        assert!(!String::from_utf8_lossy(&sample("Äijä Öberg")).contains("/Type0"));
    }

    #[test]
    fn transliterates_what_the_font_cannot_show() {
        assert_eq!(win_ansi('ä'), 0xE4);
        assert_eq!(win_ansi('Ł'), b'L');
        assert_eq!(win_ansi('ş'), b's');
        assert_eq!(win_ansi('Ж'), b'?');
        assert_eq!(pdf_string("a(b)"), b"(a\\(b\\))".to_vec());
        assert!((text_width("Sightline", 10.0, false) - 38.35).abs() < 0.01);
    }
}
