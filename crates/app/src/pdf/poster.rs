//! The help poster of one airport, for restrooms, gates and arrival halls: one page
//! (A4, or A3 at the same layout scaled up) in one or two languages. From the top:
//! the plain-words message to a potential victim, what to do in danger now with the
//! emergency number first, the public help lines of the airport's country (each with
//! its publisher and the day it was checked, in small print), where staff can help,
//! and a QR code to the airport's help page in the poster's first language.
//!
//! The words are the public pages' (`content/public/<lang>/pages.toml`, keys
//! `poster-*` and the help page's); the numbers are the help page's. A language
//! written right to left is set right-aligned; numbers, dates and addresses stay
//! left to right inside it.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::Transform;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use sightline_content::public::{Direction, PublicLang};
use sightline_domain::directory::{DirectoryEntry, Hours};
use sightline_domain::report::Airport;

use super::text::{Align, Dir, Paragraph, Style, Weight, width};
use super::{fill_rect, gold, ink, link, navy, qr};

/// The paper a poster is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    /// `A4` or `A3`, any case.
    #[must_use]
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_uppercase().as_str() {
            "A4" => Some(Self::A4),
            "A3" => Some(Self::A3),
            _ => None,
        }
    }
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A4 => "A4",
            Self::A3 => "A3",
        }
    }
    /// A3 is A4 scaled by √2.
    const fn scale(self) -> f32 {
        match self {
            Self::A4 => 1.0,
            Self::A3 => std::f32::consts::SQRT_2,
        }
    }
}

/// What one poster shows.
pub struct Poster<'a> {
    /// One or two languages; the first leads.
    pub langs: &'a [&'a PublicLang],
    pub airport: &'a Airport,
    /// Emergency numbers, first on the poster.
    pub emergency: &'a [DirectoryEntry],
    /// The other public lines, in the help page's order.
    pub lines: &'a [DirectoryEntry],
    /// The absolute address of the airport's help page (the QR code).
    pub url: &'a str,
    pub paper: Paper,
}

/// A4 in points; margins; the QR code's side.
const W: f32 = 595.28;
const H: f32 = 841.89;
const M: f32 = 40.0;
const CW: f32 = W - 2.0 * M;
const QR: f32 = 150.0;
/// The most help lines a poster lists (the help page behind the QR code has all).
const MAX_LINES: usize = 4;

fn white() -> rgb::Color {
    rgb::Color::new(255, 255, 255)
}
fn grey() -> rgb::Color {
    rgb::Color::new(72, 86, 99)
}
fn red() -> rgb::Color {
    rgb::Color::new(163, 26, 26)
}
fn pale_red() -> rgb::Color {
    rgb::Color::new(253, 236, 234)
}

fn rtl(l: &PublicLang) -> bool {
    l.direction == Direction::Rtl
}

/// `text` kept left to right inside a right-to-left sentence (an isolate).
fn ltr(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

/// Who published a line's source: the host of its address, without `www.`.
fn publisher(source: &str) -> &str {
    let rest = source.split_once("://").map_or(source, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host)
}

/// What is drawn, in order.
enum Op {
    Rect((f32, f32, f32, f32), rgb::Color),
    Text { p: Paragraph, x: f32, top: f32, w: f32, align: Align },
    Qr((f32, f32, f32)),
}

/// The page laid out from the top down.
struct Flow {
    ops: Vec<Op>,
    y: f32,
}

impl Flow {
    fn text(&mut self, text: &str, style: Style, dir: Dir, align: Align, (x, w): (f32, f32)) -> Result<(), String> {
        let p = Paragraph::new(text, style, w, dir)?;
        let h = p.height();
        self.ops.push(Op::Text { p, x, top: self.y, w, align });
        self.y += h;
        Ok(())
    }
    /// The same words in each language, the first larger.
    fn each(
        &mut self,
        langs: &[&PublicLang],
        key: &str,
        (first, second): (Style, Style),
        gap: f32,
        (x, w): (f32, f32),
    ) -> Result<(), String> {
        for (i, l) in langs.iter().enumerate() {
            let style = if i == 0 { first } else { second };
            self.text(l.t(key), style, Dir::of(rtl(l)), Align::start(rtl(l)), (x, w))?;
            self.y += gap;
        }
        Ok(())
    }
}

/// The number to call for a line, and the in-country number shown under it.
fn numbers(e: &DirectoryEntry) -> (String, Option<&str>) {
    match (&e.phone, e.local_number.as_deref()) {
        (Some(p), local) => (p.as_str().to_owned(), local),
        (None, Some(local)) => (local.to_owned(), None),
        (None, None) => (String::new(), None),
    }
}

/// Everything above the QR code, with text at `k` times its full size.
fn layout(p: &Poster<'_>, k: f32) -> Result<Flow, String> {
    let (first, langs) = (p.langs[0], p.langs);
    let side = Align::start(rtl(first));
    let dir = Dir::of(rtl(first));
    let full = (M, CW);
    let style = |weight, size: f32, color| Style::new(weight, size * k, color);
    let mut f = Flow { ops: Vec::new(), y: M * 0.8 };

    // The band: the airport and the message.
    let band = f.ops.len();
    let airport = format!("{} ({})", p.airport.name, p.airport.iata);
    f.text(&airport, style(Weight::Regular, 12.0, white()), Dir::Auto, side, full)?;
    f.y += 10.0 * k;
    f.each(
        langs,
        "poster-title",
        (style(Weight::Bold, 40.0, white()), style(Weight::Bold, 26.0, gold())),
        4.0 * k,
        full,
    )?;
    f.y += 14.0 * k;
    f.ops.insert(band, Op::Rect((0.0, 0.0, W, f.y), navy()));
    f.y += 20.0 * k;

    let (body, body2) = (style(Weight::Regular, 15.0, ink()), style(Weight::Regular, 12.5, grey()));
    f.each(langs, "poster-text", (body, body2), 6.0 * k, full)?;
    f.each(langs, "victim-safe", (body.sized(body.size * 0.9), body2.sized(body2.size * 0.9)), 4.0 * k, full)?;
    f.y += 14.0 * k;

    // In danger now: the emergency numbers, in a red box.
    let top = f.y;
    let mark = f.ops.len();
    f.y += 12.0 * k;
    let inner = (M + 18.0, CW - 36.0);
    f.each(
        langs,
        "danger-heading",
        (style(Weight::Bold, 21.0, red()), style(Weight::Bold, 15.0, grey())),
        2.0 * k,
        inner,
    )?;
    let mut shown: Vec<&str> = Vec::new();
    for e in p.emergency {
        if let Some(n) = e.local_number.as_deref().or(e.phone.as_ref().map(|p| p.as_str()))
            && !shown.contains(&n)
        {
            shown.push(n);
        }
    }
    if shown.is_empty() {
        f.each(langs, "danger-local", (body, body2), 4.0 * k, inner)?;
    } else {
        f.each(langs, "danger-call", (body, body2), 2.0 * k, inner)?;
        f.text(&shown.join("  ·  "), style(Weight::Bold, 46.0, red()), Dir::Ltr, side, inner)?;
    }
    f.y += 10.0 * k;
    f.ops.insert(mark, Op::Rect((M, top, CW, f.y - top), pale_red()));
    let bar = if rtl(first) { W - M - 6.0 } else { M };
    f.ops.insert(mark + 1, Op::Rect((bar, top, 6.0, f.y - top), red()));
    f.y += 18.0 * k;

    // The help lines.
    f.each(
        langs,
        "lines-heading",
        (style(Weight::Bold, 19.0, navy()), style(Weight::Bold, 14.0, grey())),
        2.0 * k,
        full,
    )?;
    f.y += 6.0 * k;
    if p.lines.is_empty() {
        f.each(langs, "lines-none", (body, body2), 4.0 * k, full)?;
    }
    let small = Style::new(Weight::Regular, (8.5 * k).max(7.0), grey());
    for e in p.lines.iter().take(MAX_LINES) {
        f.text(&e.organisation, style(Weight::Bold, 12.0, ink()), Dir::Auto, side, full)?;
        let (call, local) = numbers(e);
        f.text(&call, style(Weight::Bold, 30.0, navy()), Dir::Ltr, side, full)?;
        let mut facts = Vec::new();
        if let Some(local) = local {
            facts.push(format!("{} {}", first.t("in-country"), ltr(local)));
        }
        match &e.hours {
            Hours::Always => facts.push(first.t("hours-always").to_owned()),
            h if !h.as_str().is_empty() => facts.push(format!("{} {}", first.t("hours-label"), ltr(h.as_str()))),
            _ => {}
        }
        if !facts.is_empty() {
            f.text(&facts.join(" · "), style(Weight::Regular, 11.0, ink()), dir, side, full)?;
        }
        let source = format!(
            "{}: {} · {} {}",
            first.t("source-label"),
            ltr(publisher(&e.source)),
            first.t("checked-label"),
            ltr(&e.last_verified)
        );
        f.text(&source, small, dir, side, full)?;
        f.y += 10.0 * k;
    }
    f.y += 4.0 * k;
    f.each(langs, "poster-staff", (body.sized(body.size * 0.9), body2.sized(body2.size * 0.9)), 4.0 * k, full)?;
    Ok(f)
}

/// The QR code at the foot of the page, and beside it what it is for and its address.
fn foot(p: &Poster<'_>, f: &mut Flow) -> Result<(f32, f32), String> {
    let first = p.langs[0];
    let (qx, qy) = (if rtl(first) { W - M - QR } else { M }, H - M - QR);
    f.ops.push(Op::Qr((qx, qy, QR)));
    let column = (if rtl(first) { M } else { M + QR + 18.0 }, CW - QR - 18.0);
    f.y = qy + 8.0;
    f.each(
        p.langs,
        "poster-qr",
        (Style::new(Weight::Bold, 13.0, ink()), Style::new(Weight::Regular, 11.0, grey())),
        6.0,
        column,
    )?;
    let mut url = Style::new(Weight::Regular, 10.0, navy());
    while width(p.url, url)? > column.1 && url.size > 5.0 {
        url = url.sized(url.size - 0.5);
    }
    f.y += 4.0;
    f.text(p.url, url, Dir::Ltr, Align::start(rtl(first)), column)?;
    Ok((qx, qy))
}

/// The poster as PDF bytes.
///
/// # Errors
/// No language, the fonts do not load, the address is too long for a QR code, or
/// krilla refused the document.
pub fn poster(p: &Poster<'_>) -> Result<Vec<u8>, String> {
    let first = p.langs.first().ok_or("a poster needs a language")?;
    // The largest text that leaves room for the QR code.
    let limit = H - M - QR - 16.0;
    let mut k = 1.0;
    let mut flow = layout(p, k)?;
    while flow.y > limit && k > 0.45 {
        k -= 0.05;
        flow = layout(p, k)?;
    }
    let (qx, qy) = foot(p, &mut flow)?;

    let scale = p.paper.scale();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} · {} ({})", first.t("poster-title"), p.airport.name, p.airport.iata))
            .language(first.code.to_owned())
            .creator("Sightline".to_owned()),
    );
    let settings = PageSettings::from_wh(W * scale, H * scale).ok_or("page size")?;
    let mut page = document.start_page_with(settings);
    {
        let mut s = page.surface();
        s.push_transform(&Transform::from_scale(scale, scale));
        for op in &flow.ops {
            match op {
                Op::Rect(r, color) => fill_rect(&mut s, *r, *color),
                Op::Text { p, x, top, w, align } => {
                    p.draw(&mut s, *x, *top, *w, *align);
                }
                Op::Qr(square) => qr(&mut s, p.url, *square)?,
            }
        }
        s.pop();
        s.finish();
    }
    link(&mut page, (qx * scale, qy * scale, QR * scale, QR * scale), p.url);
    page.finish();
    super::finish(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_and_publisher() {
        assert_eq!(Paper::parse("a3"), Some(Paper::A3));
        assert_eq!(Paper::parse(" A4 "), Some(Paper::A4));
        assert_eq!(Paper::parse("A5"), None);
        assert_eq!(Paper::parse(""), None);
        assert_eq!(publisher("https://www.migri.fi/en/x?y=1"), "migri.fi");
        assert_eq!(publisher("http://humantraffickinghotline.org/es/misi%C3%B3n"), "humantraffickinghotline.org");
        assert_eq!(publisher("0800222777.org.za"), "0800222777.org.za");
    }
}
