//! Text on a PDF page: each character in the first bundled font that has it (Noto
//! Sans for Latin, Greek and Cyrillic, Noto Sans Arabic, Noto Sans Hebrew), shaped
//! with rustybuzz (Arabic letters joined), ordered for display with the Unicode
//! bidirectional algorithm (right-to-left runs, numbers left to right inside them),
//! and broken into lines at spaces. krilla embeds a subset of each font used and
//! maps every glyph back to its text, so the PDF can be searched and copied.

use std::ops::Range;
use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::geom::Point;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{Level, ParagraphBidiInfo};

/// The bundled fonts (SIL Open Font License; see crates/app/fonts/OFL.txt).
static FONT_FILES: [&[u8]; 5] = [
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../fonts/NotoSansHebrew-Bold.ttf"),
];

/// Which fonts a weight tries, in order (indexes into [`FONT_FILES`]). Hebrew has
/// one weight only: names are what it is for.
const REGULAR: [usize; 3] = [0, 2, 4];
const BOLD: [usize; 3] = [1, 3, 4];

/// One font: for shaping (rustybuzz) and for the PDF (krilla).
struct Face {
    shaper: rustybuzz::Face<'static>,
    font: Font,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Self> {
        Some(Self { shaper: rustybuzz::Face::from_slice(data, 0)?, font: Font::new(data.into(), 0)? })
    }
    fn covers(&self, c: char) -> bool {
        AsRef::<rustybuzz::ttf_parser::Face<'_>>::as_ref(&self.shaper).glyph_index(c).is_some()
    }
}

static FACES: LazyLock<Option<Vec<Face>>> = LazyLock::new(|| FONT_FILES.iter().map(|d| Face::load(d)).collect());

/// The fonts, loaded once.
///
/// # Errors
/// A bundled font does not load (a broken build).
fn faces() -> Result<&'static [Face], String> {
    FACES.as_deref().ok_or_else(|| "a bundled font does not load".to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub weight: Weight,
    pub size: f32,
    pub color: rgb::Color,
}

impl Style {
    pub const fn new(weight: Weight, size: f32, color: rgb::Color) -> Self {
        Self { weight, size, color }
    }
    #[must_use]
    pub const fn sized(self, size: f32) -> Self {
        Self { size, ..self }
    }
    const fn chain(self) -> [usize; 3] {
        match self.weight {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }
}

/// Characters that steer the bidirectional algorithm and are not drawn.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Arabic script (the text needs taller lines).
fn is_arabic(c: char) -> bool {
    matches!(u32::from(c), 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Every letter of `text` is in one of the bundled fonts.
#[must_use]
pub fn covered(text: &str) -> bool {
    faces().is_ok_and(|faces| {
        text.chars().filter(|c| !c.is_whitespace() && !is_bidi_control(*c)).all(|c| faces.iter().any(|f| f.covers(c)))
    })
}

/// `text` cut into runs of one font each: a letter goes to the first font of the
/// chain that has it; a space, digit or punctuation mark stays with the font before
/// it when that font has it. Bidi controls are left out.
fn font_runs(faces: &[Face], text: &str, chain: [usize; 3]) -> Vec<(Range<usize>, usize)> {
    let mut runs: Vec<(Range<usize>, usize)> = Vec::new();
    let mut prev: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_bidi_control(c) {
            prev = None;
            continue;
        }
        let face = match prev {
            Some(p) if !c.is_alphabetic() && faces[p].covers(c) => p,
            _ => chain.iter().copied().find(|&f| faces[f].covers(c)).unwrap_or(chain[0]),
        };
        let end = i + c.len_utf8();
        match runs.last_mut() {
            Some((r, f)) if *f == face && r.end == i => r.end = end,
            _ => runs.push((i..end, face)),
        }
        prev = Some(face);
    }
    runs
}

/// A run of glyphs in one font, in display order.
pub struct GlyphRun {
    face: usize,
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// Advance at 1 pt.
    advance: f32,
}

fn shape(faces: &[Face], face: usize, text: &str, rtl: Option<bool>) -> GlyphRun {
    let f = &faces[face];
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    match rtl {
        Some(true) => buffer.set_direction(Direction::RightToLeft),
        Some(false) => buffer.set_direction(Direction::LeftToRight),
        None => {}
    }
    buffer.guess_segment_properties();
    let out = rustybuzz::shape(&f.shaper, &[], buffer);
    let upem = f.font.units_per_em();
    // Each glyph maps back to its cluster: from its start to the next cluster's.
    let mut starts: Vec<usize> = out.glyph_infos().iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    #[allow(clippy::cast_precision_loss)]
    let glyphs: Vec<KrillaGlyph> = out
        .glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = starts.iter().copied().find(|&s| s > start).unwrap_or(text.len());
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end,
                None,
            )
        })
        .collect();
    let advance = glyphs.iter().map(|g| g.x_advance).sum();
    GlyphRun { face, text: text.to_owned(), glyphs, advance }
}

/// The width of `text` on one line, in points.
///
/// # Errors
/// The fonts do not load.
pub fn width(text: &str, style: Style) -> Result<f32, String> {
    let faces = faces()?;
    let units: f32 =
        font_runs(faces, text, style.chain()).into_iter().map(|(r, f)| shape(faces, f, &text[r], None).advance).sum();
    Ok(units * style.size)
}

/// One line, shaped and in display order, ready to draw.
pub struct Line {
    runs: Vec<GlyphRun>,
    pub style: Style,
    /// Width in points.
    pub width: f32,
}

/// A paragraph's base direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ltr,
    Rtl,
    /// From its first letter (a name, an organisation).
    Auto,
}

impl Dir {
    #[must_use]
    pub const fn of(rtl: bool) -> Self {
        if rtl { Self::Rtl } else { Self::Ltr }
    }
}

/// A paragraph broken into lines no wider than a width.
pub struct Paragraph {
    pub lines: Vec<Line>,
    pub style: Style,
    /// Distance between baselines, in points.
    pub leading: f32,
    /// Right-to-left paragraph: its lines start at the right.
    pub rtl: bool,
}

impl Paragraph {
    /// `text` set in `style`, broken at spaces into lines of at most `max_width`
    /// (a word longer than that gets a line of its own), in a paragraph of direction
    /// `dir`.
    ///
    /// # Errors
    /// The fonts do not load.
    pub fn new(text: &str, style: Style, max_width: f32, dir: Dir) -> Result<Self, String> {
        let faces = faces()?;
        let text = text.trim();
        let leading = style.size * if text.chars().any(is_arabic) { 1.5 } else { 1.25 };
        if text.is_empty() {
            return Ok(Self { lines: Vec::new(), style, leading, rtl: dir == Dir::Rtl });
        }
        let level = match dir {
            Dir::Ltr => Some(Level::ltr()),
            Dir::Rtl => Some(Level::rtl()),
            Dir::Auto => None,
        };
        let bidi = ParagraphBidiInfo::new(text, level);
        let rtl = bidi.paragraph_level.is_rtl();
        let space = width(" ", style)?;
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let (mut current, mut current_width): (Option<Range<usize>>, f32) = (None, 0.0);
        let mut at = 0;
        for word in text.split(' ') {
            let range = at..at + word.len();
            at = range.end + 1;
            if word.is_empty() {
                continue;
            }
            let w = width(word, style)?;
            current = match current {
                Some(r) if current_width + space + w <= max_width => {
                    current_width += space + w;
                    Some(r.start..range.end)
                }
                Some(r) => {
                    ranges.push(r);
                    current_width = w;
                    Some(range)
                }
                None => {
                    current_width = w;
                    Some(range)
                }
            };
        }
        ranges.extend(current);
        let lines = ranges.into_iter().map(|r| line(faces, &bidi, r, style)).collect();
        Ok(Self { lines, style, leading, rtl })
    }

    /// The paragraph's height: from the top of its first line to below its last.
    #[must_use]
    pub fn height(&self) -> f32 {
        match self.lines.len() {
            0 => 0.0,
            #[allow(clippy::cast_precision_loss)]
            n => self.style.size * 1.3 + (n - 1) as f32 * self.leading,
        }
    }

    /// The widest line.
    #[must_use]
    pub fn width(&self) -> f32 {
        self.lines.iter().map(|l| l.width).fold(0.0, f32::max)
    }
}

/// Shape the line `range` of a paragraph: its level runs in display order, each cut
/// into font runs (in reverse order inside a right-to-left run).
fn line(faces: &[Face], bidi: &ParagraphBidiInfo<'_>, range: Range<usize>, style: Style) -> Line {
    let text = bidi.text;
    let (levels, runs) = bidi.visual_runs(range);
    let mut out = Vec::new();
    for run in runs {
        let rtl = levels[run.start].is_rtl();
        let mut pieces = font_runs(faces, &text[run.clone()], style.chain());
        if rtl {
            pieces.reverse();
        }
        for (r, face) in pieces {
            let slice = &text[run.start + r.start..run.start + r.end];
            out.push(shape(faces, face, slice, Some(rtl)));
        }
    }
    let width = out.iter().map(|r| r.advance).sum::<f32>() * style.size;
    Line { runs: out, style, width }
}

/// Where a line sits across its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Centre,
}

impl Align {
    /// Where a paragraph in a language starts: the left, or the right for a
    /// right-to-left one.
    #[must_use]
    pub const fn start(rtl: bool) -> Self {
        if rtl { Self::Right } else { Self::Left }
    }
}

/// Fill colour for `draw_path` and glyphs.
pub fn fill(color: rgb::Color) -> Fill {
    Fill { paint: color.into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

impl Line {
    /// Draw the line with its left end at `x` on the baseline `y` (krilla's
    /// coordinates: from the top left, in points).
    pub fn draw(&self, surface: &mut Surface<'_>, x: f32, y: f32) {
        let Ok(faces) = faces() else { return };
        surface.set_fill(Some(fill(self.style.color)));
        let mut x = x;
        for run in &self.runs {
            surface.draw_glyphs(
                Point::from_xy(x, y),
                &run.glyphs,
                faces[run.face].font.clone(),
                &run.text,
                self.style.size,
                false,
            );
            x += run.advance * self.style.size;
        }
    }
}

impl Paragraph {
    /// Draw the paragraph in the box from `left` to `left + width`, its first line's
    /// top at `top`. Returns the height used.
    pub fn draw(&self, surface: &mut Surface<'_>, left: f32, top: f32, width: f32, align: Align) -> f32 {
        let mut baseline = top + self.style.size;
        for l in &self.lines {
            let x = match align {
                Align::Centre => left + (width - l.width) / 2.0,
                Align::Left => left,
                Align::Right => left + width - l.width,
            };
            l.draw(surface, x, baseline);
            baseline += self.leading;
        }
        self.height()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ink() -> rgb::Color {
        rgb::Color::new(0, 0, 0)
    }

    #[test]
    fn each_script_gets_a_font_that_has_it() {
        let faces = faces().unwrap();
        let runs = font_runs(faces, "Call 112 · اتصل 112 · שלום", REGULAR);
        let fonts: Vec<usize> = runs.iter().map(|(_, f)| *f).collect();
        // Latin, then Arabic (its digits stay with it), then Hebrew.
        assert_eq!(fonts.first(), Some(&0));
        assert!(fonts.contains(&2) && fonts.contains(&4), "{runs:?}");
        let arabic = runs.iter().find(|(_, f)| *f == 2).unwrap();
        assert!("Call 112 · اتصل 112 · שלום"[arabic.0.clone()].contains("اتصل 112"), "{runs:?}");
        assert!(font_runs(faces, "a\u{2066}b\u{2069}", REGULAR).iter().all(|(r, _)| r.len() == 1));
    }

    #[test]
    fn arabic_is_joined_and_set_right_to_left_with_numbers_left_to_right() {
        let faces = faces().unwrap();
        let style = Style::new(Weight::Regular, 10.0, ink());
        // Joined letters: the shaped word has other glyphs than the letters alone.
        let joined = shape(faces, 2, "مرحبا", Some(true));
        let alone: Vec<u32> =
            "مرحبا".chars().map(|c| shape(faces, 2, &c.to_string(), Some(true)).glyphs[0].glyph_id.to_u32()).collect();
        let shaped: Vec<u32> = joined.glyphs.iter().map(|g| g.glyph_id.to_u32()).rev().collect();
        assert_ne!(shaped, alone, "contextual forms");
        // A right-to-left paragraph: the number keeps its order, and ends up on the
        // left of the Arabic word that comes before it.
        let p = Paragraph::new("اتصل 112", style, 500.0, Dir::Rtl).unwrap();
        let runs = &p.lines[0].runs;
        assert_eq!(runs.first().unwrap().text, "112", "the number is drawn first, at the left");
        assert!(runs.last().unwrap().text.contains("اتصل"));
        assert!(p.rtl);
        assert!(Paragraph::new("مريم", style, 500.0, Dir::Auto).unwrap().rtl, "a name's own direction");
        assert!(!Paragraph::new("Aino", style, 500.0, Dir::Auto).unwrap().rtl);
    }

    #[test]
    fn paragraphs_break_at_spaces_within_the_width() {
        let style = Style::new(Weight::Bold, 12.0, ink());
        let text = "You can ask for help, wherever you are travelling, in your own language.";
        let p = Paragraph::new(text, style, 120.0, Dir::Ltr).unwrap();
        assert!(p.lines.len() >= 4, "{}", p.lines.len());
        assert!(p.lines.iter().all(|l| l.width <= 120.5), "no line wider than the box");
        let all: String = p.lines.iter().flat_map(|l| l.runs.iter().map(|r| r.text.clone())).collect();
        assert_eq!(all.replace(' ', ""), text.replace(' ', ""), "every word, in order");
        assert!(width("Sightline", style).unwrap() > 50.0);
        assert!(Paragraph::new("  ", style, 100.0, Dir::Auto).unwrap().lines.is_empty());
    }
}
