//! The fiscal year's training figures, printable: one A4 page with the organisation,
//! the period, when "current" was counted, and a table of staff assigned, trained
//! during the year and current, by position, with the total.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

use super::text::{Align, Dir, Paragraph, Style, Weight};
use super::{fill_rect, ink, navy, rule};

/// What the page says, already in its language. `rows` and `total` are the table's
/// cells in `header`'s order.
pub struct YearText<'a> {
    pub brand: &'a str,
    pub heading: &'a str,
    pub org: &'a str,
    pub period: &'a str,
    pub as_of: &'a str,
    pub header: [&'a str; 4],
    pub rows: Vec<[String; 4]>,
    pub total: [String; 4],
    pub note: &'a str,
}

const W: f32 = 595.0;
const H: f32 = 842.0;
const LEFT: f32 = 56.0;
const COLS: [f32; 4] = [56.0, 230.0, 333.0, 436.0];

fn text(
    s: &mut krilla::surface::Surface<'_>,
    t: &str,
    (x, top, width): (f32, f32, f32),
    style: Style,
    align: Align,
) -> Result<f32, String> {
    Ok(Paragraph::new(t, style, width, Dir::Auto)?.draw(s, x, top, width, align))
}

/// The page as PDF bytes.
///
/// # Errors
/// The fonts do not load, or krilla refused the document.
pub fn year_report(t: &YearText<'_>) -> Result<Vec<u8>, String> {
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("{} - {}", t.heading, t.org)).creator("Sightline".to_owned()));
    let settings = PageSettings::from_wh(W, H).ok_or("page size")?;
    let mut page = document.start_page_with(settings);
    {
        let mut s = page.surface();
        let regular = Style::new(Weight::Regular, 11.0, ink());
        let bold = Style::new(Weight::Bold, 11.0, ink());
        let width = W - 2.0 * LEFT;
        let mut y = 56.0;
        y += text(&mut s, t.brand, (LEFT, y, width), Style::new(Weight::Bold, 12.0, navy()), Align::Left)?;
        y += 6.0;
        y += text(&mut s, t.heading, (LEFT, y, width), Style::new(Weight::Bold, 22.0, navy()), Align::Left)?;
        y += 8.0;
        y += text(&mut s, t.org, (LEFT, y, width), bold.sized(14.0), Align::Left)?;
        y += 4.0;
        y += text(&mut s, t.period, (LEFT, y, width), regular, Align::Left)?;
        y += text(&mut s, t.as_of, (LEFT, y, width), regular, Align::Left)?;
        y += 18.0;

        // The table: a navy header band, a line per position, the total in bold.
        let cell =
            |i: usize| (COLS[i], if i + 1 < COLS.len() { COLS[i + 1] - COLS[i] - 8.0 } else { W - LEFT - COLS[i] });
        let white = Style::new(Weight::Bold, 10.5, krilla::color::rgb::Color::new(255, 255, 255));
        let heads = t
            .header
            .iter()
            .enumerate()
            .map(|(i, h)| Paragraph::new(h, white, cell(i).1, Dir::Auto))
            .collect::<Result<Vec<_>, _>>()?;
        let band = heads.iter().map(Paragraph::height).fold(0.0_f32, f32::max);
        fill_rect(&mut s, (LEFT - 4.0, y - 5.0, width + 8.0, band + 10.0), navy());
        for (i, p) in heads.iter().enumerate() {
            let (x, w) = cell(i);
            p.draw(&mut s, x, y, w, if i == 0 { Align::Left } else { Align::Right });
        }
        y += band + 12.0;
        let row =
            |s: &mut krilla::surface::Surface<'_>, cells: &[String; 4], style: Style, y: f32| -> Result<f32, String> {
                let mut h: f32 = 0.0;
                for (i, c) in cells.iter().enumerate() {
                    let (x, w) = cell(i);
                    h = h.max(text(s, c, (x, y, w), style, if i == 0 { Align::Left } else { Align::Right })?);
                }
                rule(s, (LEFT - 4.0, W - LEFT + 4.0, y + h + 4.0), ink(), 0.3);
                Ok(h + 9.0)
            };
        for r in &t.rows {
            y += row(&mut s, r, regular, y)?;
        }
        y += row(&mut s, &t.total, bold, y)?;
        y += 18.0;
        text(&mut s, t.note, (LEFT, y, width), regular.sized(9.5), Align::Left)?;
        s.finish();
    }
    page.finish();
    super::finish(document)
}
