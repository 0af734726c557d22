//! Bar charts drawn on the server as small SVG: horizontal bars, one or two series
//! per category, each category's name above its bars (long region and sign names
//! fit a phone). Drawn 320 units wide and scaled by the page. A hidden number gets
//! no bar, only the word the tables use. The numbers are also in the table beside
//! every chart; the SVG's title says so.

use std::fmt::Write;

use sightline_app::markdown::escape;
use sightline_domain::stats::Shown;

/// Width of the drawing, in SVG units.
const WIDTH: u32 = 320;
/// Room on the right of the longest bar for its number.
const VALUE_ROOM: u32 = 56;
const LABEL: u32 = 15;
const BAR: u32 = 10;
const GAP: u32 = 8;
/// The series' fills (classes `s0`, `s1` in the stylesheets): at least 3:1 against
/// white (WCAG 1.4.11), and told apart by the legend's order too, not by colour alone.
pub const FILLS: [&str; 2] = ["#0b3d5c", "#a15c00"];

/// One chart: its title (also the SVG's accessible name), the names of its series
/// (shown as a legend when there are two) and per category its name and one number
/// per series.
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub series: &'a [&'a str],
    pub categories: Vec<(String, Vec<Shown>)>,
    /// The word a hidden number is shown as.
    pub hidden: &'a str,
    /// How numbers are written (the page's language).
    pub number: &'a dyn Fn(u64) -> String,
}

impl Chart<'_> {
    /// The chart as an `<svg>` element.
    #[must_use]
    pub fn svg(&self) -> String {
        let n = self.series.len().max(1);
        let legend = if n > 1 { LABEL + GAP / 2 } else { 0 };
        let row = LABEL + n as u32 * (BAR + 2) + GAP;
        let height = legend + row * self.categories.len() as u32 + 2;
        let max =
            self.categories.iter().flat_map(|(_, v)| v.iter().filter_map(|s| s.count())).max().unwrap_or(0).max(1);
        let room = WIDTH - VALUE_ROOM;
        let mut out = String::with_capacity(256 + self.categories.len() * 160);
        let _ = write!(
            out,
            r##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-t"><title id="{id}-t">{title}</title><g font-size="11" fill="#13212c">"##,
            id = escape(self.id),
            title = escape(self.title),
        );
        if n > 1 {
            let mut x = 0;
            for (i, name) in self.series.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<path class="s{}" d="M{x} 2h10v10h-10z"/><text x="{}" y="11">{}</text>"#,
                    i % FILLS.len(),
                    x + 14,
                    escape(name)
                );
                x += 14 + 7 * name.chars().count() as u32 + 12;
            }
        }
        for (c, (name, values)) in self.categories.iter().enumerate() {
            let top = legend + c as u32 * row;
            let _ = write!(out, r#"<text y="{}">{}</text>"#, top + 11, escape(&fit(name)));
            for (s, value) in values.iter().enumerate().take(n) {
                let y = top + LABEL + s as u32 * (BAR + 2);
                match value {
                    Shown::Count(v) => {
                        // Scaled to the largest number; a non-zero count is at least a sliver.
                        let w = if *v == 0 { 0 } else { ((*v * u64::from(room)) / max).max(2) };
                        if w > 0 {
                            let _ = write!(out, r#"<path class="s{}" d="M0 {y}h{w}v{BAR}H0z"/>"#, s % FILLS.len());
                        }
                        let _ =
                            write!(out, r#"<text x="{}" y="{}">{}</text>"#, w + 4, y + 9, escape(&(self.number)(*v)));
                    }
                    Shown::Hidden => {
                        let _ = write!(out, r#"<text class="h" y="{}">{}</text>"#, y + 9, escape(self.hidden));
                    }
                }
            }
        }
        out.push_str("</g></svg>");
        out
    }
}

/// A stacked bar per category: its parts side by side in one bar (the training
/// standings: current, due soon, overdue, not started), each part its own class
/// (`p0` … `p3`, filled in the stylesheet) and the category's total at the bar's end;
/// a legend on top names the parts in order. Bars are scaled to the largest total.
pub struct Stacked<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub parts: [&'a str; 4],
    /// (name, the link a click on the bar follows, the four counts).
    pub categories: Vec<(String, String, [usize; 4])>,
}

impl Stacked<'_> {
    /// The chart as an `<svg>` element.
    #[must_use]
    pub fn svg(&self) -> String {
        let legend = 2 * LABEL + 2;
        let row = LABEL + BAR + 4 + GAP;
        let height = legend + row * self.categories.len() as u32 + 2;
        let max = self.categories.iter().map(|(_, _, v)| v.iter().sum::<usize>()).max().unwrap_or(0).max(1);
        let room = (WIDTH - VALUE_ROOM) as usize;
        let mut out = String::with_capacity(512 + self.categories.len() * 300);
        let _ = write!(
            out,
            r##"<svg class="chart stacked" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-t"><title id="{id}-t">{title}</title><g font-size="11" fill="#13212c">"##,
            id = escape(self.id),
            title = escape(self.title),
        );
        // The legend in two lines of two, so it fits a phone.
        for (i, name) in self.parts.iter().enumerate() {
            let (x, y) = (if i % 2 == 0 { 0 } else { WIDTH / 2 }, (i as u32 / 2) * LABEL);
            let _ = write!(
                out,
                r#"<path class="p{i}" d="M{x} {}h10v10h-10z"/><text x="{}" y="{}">{}</text>"#,
                y + 2,
                x + 14,
                y + 11,
                escape(name)
            );
        }
        for (c, (name, href, values)) in self.categories.iter().enumerate() {
            let top = legend + c as u32 * row;
            let total: usize = values.iter().sum();
            let _ = write!(out, r#"<a href="{}"><text y="{}">{}</text>"#, escape(href), top + 11, escape(&fit(name)));
            let y = top + LABEL + 2;
            let mut x = 0;
            for (i, v) in values.iter().enumerate() {
                let w = if *v == 0 { 0 } else { ((v * room) / max).max(2) };
                if w > 0 {
                    let _ = write!(out, r#"<path class="p{i}" d="M{x} {y}h{w}v{BAR}h-{w}z"/>"#);
                }
                x += w;
            }
            let _ = write!(out, r#"<text x="{}" y="{}">{total}</text></a>"#, x + 4, y + 9);
        }
        out.push_str("</g></svg>");
        out
    }
}

/// The most characters of a category's name that fit the drawing's width at its font
/// size; a longer name ends with "…" (the table beside has it whole).
const NAME_CHARS: usize = 50;

fn fit(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        return name.to_owned();
    }
    let mut short: String = name.chars().take(NAME_CHARS - 1).collect();
    // At a word's end when there is one.
    if let Some(space) = short.rfind(' ') {
        short.truncate(space);
    }
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn chart(categories: Vec<(String, Vec<Shown>)>, series: &[&str]) -> String {
        let number = |n: u64| n.to_string();
        Chart { id: "c", title: "Reports <by> month", series, categories, hidden: "hidden", number: &number }.svg()
    }

    /// The bars' lengths (the `h` of each bar's path; the legend's squares start at y 2).
    fn widths(svg: &str) -> Vec<u64> {
        svg.split("d=\"M0 ")
            .skip(1)
            .filter(|p| !p.starts_with("2h"))
            .map(|p| p.split('h').nth(1).unwrap().split('v').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn stacked_bars_add_up_their_parts() {
        let svg = Stacked {
            id: "p",
            title: "By <position>",
            parts: ["Current", "Due soon", "Overdue", "Not started"],
            categories: vec![
                ("Cabin crew".into(), "/x?a=1&b=2".into(), [2, 0, 1, 1]),
                ("Ground".into(), "/y".into(), [1, 0, 0, 0]),
            ],
        }
        .svg();
        assert!(svg.contains("By &lt;position&gt;") && svg.contains("href=\"/x?a=1&amp;b=2\""));
        // 264 units for the largest total (4): 2 → 132, 1 → 66; no bar for 0.
        assert!(svg.contains(r#"class="p0" d="M0 "#) && svg.contains("h132v10h-132z"));
        assert!(svg.contains(r#"<path class="p2" d="M132 "#) && svg.contains(r#"<path class="p3" d="M198 "#));
        assert_eq!(svg.matches("<path class=\"p1\"").count(), 1, "only the legend's: no part for 0");
        assert!(svg.contains(">4</text></a>") && svg.contains(">1</text></a>"));
    }

    #[test]
    fn bars_are_proportional_and_hidden_numbers_get_no_bar() {
        let svg = chart(
            vec![
                ("A".into(), vec![Shown::Count(100)]),
                ("B".into(), vec![Shown::Count(50)]),
                ("C".into(), vec![Shown::Hidden]),
                ("D".into(), vec![Shown::Count(0)]),
            ],
            &["Reports"],
        );
        assert_eq!(widths(&svg), vec![264, 132], "the hidden one and the zero have no bar: {svg}");
        assert!(svg.contains(">0</text>"), "a zero is still written");
        assert!(svg.contains(">hidden</text>"));
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"c-t\""));
        assert!(svg.contains("<title id=\"c-t\">Reports &lt;by&gt; month</title>"), "escaped");
        assert!(!svg.contains(" 2h10"), "no legend for one series");
    }

    #[test]
    fn two_series_have_a_legend_and_two_bars_per_category() {
        let svg =
            chart(vec![("Jan & Feb".into(), vec![Shown::Count(30), Shown::Count(12)])], &["Reports", "Escalated"]);
        assert_eq!(widths(&svg), vec![264, 105]);
        assert!(svg.contains(">Escalated</text>") && svg.contains("Jan &amp; Feb"));
        assert_eq!(svg.matches("class=\"s1\"").count(), 2, "legend and bar");
    }

    #[test]
    fn long_names_are_shortened_to_fit() {
        let long = "Document looks forged, altered or issued to someone else entirely";
        let svg = chart(vec![(long.into(), vec![Shown::Count(3)])], &["Reports"]);
        assert!(svg.contains(">Document looks forged, altered or issued to…</text>"), "{svg}");
        assert_eq!(fit("Within Europe"), "Within Europe");
    }

    #[test]
    fn a_chart_stays_small() {
        let cats = (0..50).map(|i| (format!("Sign number {i}"), vec![Shown::Count(i * 37)])).collect();
        let svg = chart(cats, &["Reports"]);
        assert!(svg.len() < 50 * 120, "{} bytes", svg.len());
        // Well formed enough for a browser: every element opened is closed.
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
    }
}
