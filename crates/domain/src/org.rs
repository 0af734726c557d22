//! Organisations.

use std::fmt;

use serde::Serialize;

use crate::FieldError;

simple_enum!(
    /// What an organisation is. Decides which features it uses (airlines file crew
    /// reports, NGOs and authorities receive referrals).
    OrgKind, "kind", "unknown-org-kind", lenient {
        Airline => "airline", Airport => "airport", Ngo => "ngo", Authority => "authority",
    }
);

/// An organisation's display name: trimmed, 2 to 120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    /// # Errors
    /// `name`/`too-short`, `name`/`too-long` or `name`/`control-characters`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        crate::user::parse_display_text(input, "name", 2, 120).map(Self)
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_reject_unknown() {
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>(), Ok(kind));
        }
        assert_eq!("NGO".parse::<OrgKind>(), Ok(OrgKind::Ngo));
        assert_eq!("hotel".parse::<OrgKind>(), Err(FieldError::new("kind", "unknown-org-kind")));
    }

    #[test]
    fn org_names_are_trimmed_and_bounded() {
        assert_eq!(OrgName::parse("  Finnair  ").map(|n| n.as_str().to_owned()), Ok("Finnair".to_owned()));
        assert!(OrgName::parse("A").is_err());
        assert!(OrgName::parse(&"x".repeat(121)).is_err());
        assert!(OrgName::parse("Bad\u{7}name").is_err());
    }
}
