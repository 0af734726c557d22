//! Roster import: a CSV file of staff that an organisation admin uploads.
//!
//! Columns (header required, any order, case-insensitive): `name`, `email`, `role`,
//! `base`, `employee_id`. `role` may list several roles separated by `;`.
//! Parsing is all-or-nothing at the caller: if any row has an error, nothing is
//! imported and every error is reported with its line number.

use std::collections::HashMap;

use crate::FieldError;
use crate::learn::Audience;
use crate::user::{Email, PersonName, Roles, parse_optional_short};

/// The most rows one upload may hold.
pub const MAX_ROWS: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub name: PersonName,
    pub email: Email,
    pub roles: Roles,
    pub base: Option<String>,
    pub employee_id: Option<String>,
    /// The job the person does, which decides their course.
    pub position: Option<Audience>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file; 1 is the header.
    pub line: usize,
    pub error: FieldError,
}

const COLUMNS: [&str; 6] = ["name", "email", "role", "base", "employee_id", "position"];

/// Parse a roster file. Returns the good rows, or every problem found.
///
/// # Errors
/// One [`RowError`] per bad field, duplicate e-mail or malformed line.
pub fn parse(bytes: &[u8]) -> Result<Vec<RosterRow>, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let header_error = |code| Err(vec![RowError { line: 1, error: FieldError::new("file", code) }]);
    let Ok(headers) = reader.headers().cloned() else {
        return header_error("not-csv");
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.to_ascii_lowercase().replace([' ', '-'], "_");
        if let Some(col) = COLUMNS.iter().find(|c| **c == h) {
            index.insert(col, i);
        }
    }
    for required in ["name", "email", "role"] {
        if !index.contains_key(required) {
            return header_error("missing-column");
        }
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<Email, usize> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        if n >= MAX_ROWS {
            errors.push(RowError { line, error: FieldError::new("file", "too-many-rows") });
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(RowError { line, error: FieldError::new("file", "not-csv") });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |col: &str| index.get(col).and_then(|i| record.get(*i)).unwrap_or("");
        let mut push = |e: FieldError| errors.push(RowError { line, error: e });
        let name = PersonName::parse(get("name")).map_err(&mut push).ok();
        let email = Email::parse(get("email")).map_err(&mut push).ok();
        let roles = Roles::parse_list(get("role")).map_err(&mut push).ok();
        let base = parse_optional_short(get("base"), "base", 40).map_err(&mut push).ok();
        let employee_id = parse_optional_short(get("employee_id"), "employee_id", 40).map_err(&mut push).ok();
        let position = match get("position").trim() {
            "" => Some(None),
            p => p.parse::<Audience>().map(Some).map_err(&mut push).ok(),
        };
        if let Some(email) = &email
            && seen.insert(email.clone(), line).is_some()
        {
            push(FieldError::new("email", "duplicate-in-file"));
            continue;
        }
        if let (Some(name), Some(email), Some(roles), Some(base), Some(employee_id), Some(position)) =
            (name, email, roles, base, employee_id, position)
        {
            rows.push(RosterRow { line, name, email, roles, base, employee_id, position });
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::Role;

    #[test]
    fn parses_a_good_file_in_any_column_order() {
        let csv = "Email,Name,Role,Base,Employee ID,Position\n\
                   anna@air.example,Anna Virtanen,reporter;learner,HEL,F123,cabin crew\n\
                   ben@air.example,Ben Ode,desk_analyst,,,\n";
        let rows = parse(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].email.as_str(), "anna@air.example");
        assert!(rows[0].roles.contains(Role::Reporter));
        assert_eq!(rows[0].base.as_deref(), Some("HEL"));
        assert_eq!(rows[1].employee_id, None);
        assert_eq!(rows[0].position, Some(Audience::CabinCrew));
        assert_eq!(rows[1].position, None);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let csv = "name,email,role\n\
                   Anna,anna@air.example,reporter\n\
                   ,bad-email,pilot\n\
                   Anna Again,ANNA@air.example,learner\n";
        let errors = parse(csv.as_bytes()).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errors.iter().map(|e| (e.line, e.error.field, e.error.code)).collect();
        assert_eq!(
            got,
            vec![
                (3, "name", "required"),
                (3, "email", "invalid-email"),
                (3, "role", "unknown-role"),
                (4, "email", "duplicate-in-file"),
            ]
        );
    }

    #[test]
    fn rejects_files_without_required_columns() {
        let errors = parse(b"name,mail\nA,b@c.de\n").unwrap_err();
        assert_eq!(errors[0].error.code, "missing-column");
    }
}
