//! Files people open in a spreadsheet.

/// A cell as it must be written to a CSV file that a spreadsheet will open: a value
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
/// formula (CSV injection), so it gets a leading `'`, which spreadsheets show as
/// text and do not evaluate. Other values are unchanged.
#[must_use]
pub fn spreadsheet_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_cell;

    #[test]
    fn formula_starts_are_neutralised() {
        for v in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_cell(v), format!("'{v}"), "{v:?}");
        }
        for v in ["Helsinki Police", "AY5", "2026-12-02", "", "a=b"] {
            assert_eq!(spreadsheet_cell(v), v);
        }
    }
}
