//! The public help pages: for an airport, the lines the public may call there. No
//! caller: anyone may read them, without an account; nothing about the reader is
//! recorded. Only directory entries marked public are shown.

use sightline_domain::directory::{ContactKind, DirectoryEntry, RouteQuery, route};
use sightline_domain::report::{Airport, AirportLookup};

use crate::{App, AppError, Result};

/// What the help page of one airport shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicHelp {
    pub airport: Airport,
    /// The emergency numbers that cover the airport (first on the page).
    pub emergency: Vec<DirectoryEntry>,
    /// The other public lines, 24/7 phones first, then the airport's own, the
    /// country's, the region's and international ones.
    pub lines: Vec<DirectoryEntry>,
}

/// An IATA code as typed in an address or a form: three letters, any case.
#[must_use]
pub fn airport_code(input: &str) -> Option<String> {
    let code = input.trim();
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic())).then(|| code.to_ascii_uppercase())
}

impl App {
    /// The public lines for an airport (IATA code, any case).
    ///
    /// # Errors
    /// `NotFound` for a code that is not a known airport; the database failed.
    pub async fn public_help(&self, code: &str) -> Result<PublicHelp> {
        let code = airport_code(code).ok_or(AppError::NotFound)?;
        let airport = self.library.airports.airport(&code).cloned().ok_or(AppError::NotFound)?;
        let stored = self.db.public_directory_for(&airport.country).await?;
        let q = RouteQuery { country: &airport.country, airport: &airport.iata, urgent: true };
        let routed: Vec<DirectoryEntry> =
            route(&stored, |s| &s.entry, q).into_iter().map(|s| s.entry.clone()).filter(|e| e.public).collect();
        let (emergency, lines) = routed.into_iter().partition(|e| e.kind == ContactKind::Emergency);
        Ok(PublicHelp { airport, emergency, lines })
    }
}

#[cfg(test)]
mod tests {
    use super::airport_code;

    #[test]
    fn an_airport_code_is_three_letters_in_any_case() {
        assert_eq!(airport_code("hel").as_deref(), Some("HEL"));
        assert_eq!(airport_code(" Jfk ").as_deref(), Some("JFK"));
        for bad in ["", "HE", "HELS", "H3L", "ÄÖÅ", "../"] {
            assert_eq!(airport_code(bad), None, "{bad:?}");
        }
    }
}
