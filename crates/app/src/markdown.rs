//! Lessons are Markdown: one rendering for the site's lesson pages and the SCORM
//! package, so a course edit reads the same in both; and the one text escape for the
//! HTML and XML written by hand (the SCORM package, the SVG charts).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd, html};

/// A lesson body as HTML. The lesson's own headings start at level `first` (2 under a
/// page whose `h1` is the lesson's title) whatever level the author chose, keeping the
/// outline without gaps. Lessons are Markdown without HTML: any HTML in them is shown
/// as text, never rendered.
#[must_use]
pub fn lesson_html(body: &str, first: usize) -> String {
    let top = Parser::new(body)
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(first);
    let shift = |level: HeadingLevel| {
        let n = (level as usize + first).saturating_sub(top).clamp(first.clamp(1, 6), 6);
        HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
    };
    let parser = Parser::new(body).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: shift(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// Text for HTML and XML, in element content and in quoted attributes.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lesson_html;

    #[test]
    fn headings_shift_and_html_stays_text() {
        let h = lesson_html("# A\n\n### B\n\n<script>x</script>\n", 3);
        assert!(h.contains("<h3>A</h3>") && h.contains("<h5>B</h5>"), "{h}");
        assert!(h.contains("&lt;script&gt;") && !h.contains("<script>"), "{h}");
        assert!(lesson_html("## Sources", 2).contains("<h2>Sources</h2>"));
        assert_eq!(super::escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
