//! PDFs: training certificates, the public help posters and the fiscal year's
//! training figures (`year`), drawn with krilla (which
//! writes the PDF and embeds subsets of the fonts) and shaped text (`text`: fonts
//! per script, Arabic joined and right to left, Hebrew). A QR code is drawn as
//! vector squares and also made a link, so the PDF carries its address as text.

mod certificate;
mod poster;
pub mod text;
mod year;

pub use certificate::{CertificateText, certificate};
pub use poster::{Paper, Poster, poster};
pub use year::{YearText, year_report};

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Rect};
use krilla::num::NormalizedF32;
use krilla::page::Page;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use qrcode::{Color, QrCode};

use text::fill;

/// The brand's colours.
pub(crate) fn navy() -> rgb::Color {
    rgb::Color::new(11, 61, 92)
}
pub(crate) fn gold() -> rgb::Color {
    rgb::Color::new(242, 177, 52)
}
pub(crate) fn ink() -> rgb::Color {
    rgb::Color::new(19, 33, 44)
}

/// A filled rectangle (krilla's coordinates: from the top left, in points).
pub(crate) fn fill_rect(s: &mut Surface<'_>, (x, y, w, h): (f32, f32, f32, f32), color: rgb::Color) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        s.set_stroke(None);
        s.set_fill(Some(fill(color)));
        s.draw_path(&path);
    }
}

/// The outline of a rectangle.
pub(crate) fn stroke_rect(s: &mut Surface<'_>, (x, y, w, h): (f32, f32, f32, f32), color: rgb::Color, width: f32) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke { paint: color.into(), width, opacity: NormalizedF32::ONE, ..Stroke::default() }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

/// A line from (x0, y) to (x1, y).
pub(crate) fn rule(s: &mut Surface<'_>, (x0, x1, y): (f32, f32, f32), color: rgb::Color, width: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x0, y);
    pb.line_to(x1, y);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke { paint: color.into(), width, opacity: NormalizedF32::ONE, ..Stroke::default() }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

/// The QR code of `url` in the square at (x, y) of side `size`, with a quiet zone of
/// two modules on white, drawn as merged runs of dark modules.
///
/// # Errors
/// The address is too long for a QR code.
pub(crate) fn qr(s: &mut Surface<'_>, url: &str, (x0, y0, size): (f32, f32, f32)) -> Result<(), String> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| format!("QR code: {e}"))?;
    let n = code.width();
    let quiet = 2.0;
    #[allow(clippy::cast_precision_loss)]
    let module = size / (n as f32 + 2.0 * quiet);
    fill_rect(s, (x0, y0, size, size), rgb::Color::new(255, 255, 255));
    let colors = code.to_colors();
    let mut pb = PathBuilder::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                #[allow(clippy::cast_precision_loss)]
                let r = Rect::from_xywh(
                    x0 + (quiet + start as f32) * module,
                    y0 + (quiet + row as f32) * module,
                    (col - start) as f32 * module,
                    module,
                );
                if let Some(r) = r {
                    pb.push_rect(r);
                }
            } else {
                col += 1;
            }
        }
    }
    if let Some(path) = pb.finish() {
        s.set_fill(Some(fill(rgb::Color::new(0, 0, 0))));
        s.draw_path(&path);
    }
    Ok(())
}

/// Make the area (x, y, w, h) of the page a link to `url`.
pub(crate) fn link(page: &mut Page<'_>, (x, y, w, h): (f32, f32, f32, f32), url: &str) {
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        page.add_annotation(LinkAnnotation::new(rect, Target::Action(LinkAction::new(url.to_owned()).into())).into());
    }
}

/// The finished PDF.
///
/// # Errors
/// krilla refused the document.
pub(crate) fn finish(document: Document) -> Result<Vec<u8>, String> {
    document.finish().map_err(|e| format!("PDF: {e:?}"))
}
