//! The public help pages: for an airport, the lines the public may call there. No
//! caller: anyone may read them, without an account; nothing about the reader is
//! recorded. Only directory entries marked public are shown, on the page and on its
//! printable poster.

use sightline_domain::directory::{ContactKind, DirectoryEntry, RouteQuery, route};
use sightline_domain::report::{Airport, AirportLookup};

use crate::pdf::{Paper, Poster, poster};
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

    /// The printable poster of an airport's help page (IATA code, any case): the
    /// lines of [`App::public_help`], in one or two of the public pages' languages
    /// (codes), with a QR code to `url` (the absolute address of the help page).
    /// Made on a blocking thread.
    ///
    /// # Errors
    /// `NotFound` for a code that is not a known airport; `Invalid` (`lang`) for no
    /// language, more than two, or one the public pages do not speak; the database
    /// failed.
    pub async fn public_poster(&self, code: &str, langs: &[String], paper: Paper, url: String) -> Result<Vec<u8>> {
        if langs.is_empty() || langs.len() > 2 {
            return Err(AppError::field("lang", "poster-languages"));
        }
        if langs.iter().any(|l| self.library.public.get(l).is_none()) {
            return Err(AppError::field("lang", "unknown-value"));
        }
        let help = self.public_help(code).await?;
        let (library, langs) = (self.library.clone(), langs.to_vec());
        tokio::task::spawn_blocking(move || {
            let words: Vec<_> = langs.iter().filter_map(|l| library.public.get(l)).collect();
            poster(&Poster {
                langs: &words,
                airport: &help.airport,
                emergency: &help.emergency,
                lines: &help.lines,
                url: &url,
                paper,
            })
        })
        .await
        .map_err(|e| AppError::Internal(format!("poster: {e}")))?
        .map_err(AppError::Internal)
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
