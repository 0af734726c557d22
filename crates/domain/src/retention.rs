//! Retention (issue 15, item 1): how long a closed case keeps its sealed text and
//! personal data, per organisation, and the legal hold that stops the purge.
//!
//! A period is a whole number of days from the day the case was closed, between
//! [`MIN_DAYS`] and [`MAX_DAYS`]; `None` keeps the text for ever, which is the
//! default for every period (nothing is removed until an administrator chooses to).
//! A public tip is kept for the tips period when one is set, otherwise by its
//! outcome like any case. When a period has passed the purge removes the text and
//! keeps a tombstone (see `docs/operations.md`, "Retention and legal hold").

use time::{Duration, OffsetDateTime};

use crate::FieldError;
use crate::triage::Outcome;

/// The shortest period, in days.
pub const MIN_DAYS: u32 = 1;
/// The longest period, in days (ten years).
pub const MAX_DAYS: u32 = 3650;
/// The shortest audit period, in days: an audit entry keeps its detail, address and
/// actor for at least a year (the database's guard refuses less).
pub const MIN_AUDIT_DAYS: u32 = 365;
/// The longest legal-hold reason, in characters.
pub const MAX_HOLD_REASON: usize = 500;

/// An organisation's retention periods, in days; `None` keeps for ever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub met_on_arrival: Option<u32>,
    pub referred_to_ngo: Option<u32>,
    pub no_action_innocent: Option<u32>,
    pub insufficient_information: Option<u32>,
    pub other: Option<u32>,
    /// Public tips and their messages (whatever the outcome), when set.
    pub tips: Option<u32>,
    /// A person's training records (lesson progress, check attempts and answers),
    /// counted from the day they left the organisation.
    pub training: Option<u32>,
    /// A certificate, counted from the day it expired; then a tombstone with no link
    /// to its holder.
    pub certificates: Option<u32>,
    /// An audit entry's detail, address and actor, counted from the day it was
    /// written (at least [`MIN_AUDIT_DAYS`]); then redacted, its hashes kept.
    pub audit: Option<u32>,
}

/// The form field of each period, in the order a form shows them.
pub const FIELDS: [&str; 9] = [
    "met_on_arrival_days",
    "referred_to_ngo_days",
    "no_action_innocent_days",
    "insufficient_information_days",
    "other_days",
    "tips_days",
    "training_days",
    "certificates_days",
    "audit_days",
];

impl RetentionPolicy {
    /// The period of a closed case with this outcome (a public tip's when
    /// `public_tip` and the tips period is set). A case closed without an outcome
    /// counts as `other`.
    #[must_use]
    pub const fn days_for(&self, outcome: Option<Outcome>, public_tip: bool) -> Option<u32> {
        if public_tip && self.tips.is_some() {
            return self.tips;
        }
        match outcome {
            Some(Outcome::MetOnArrival) => self.met_on_arrival,
            Some(Outcome::ReferredToNgo) => self.referred_to_ngo,
            Some(Outcome::NoActionInnocent) => self.no_action_innocent,
            Some(Outcome::InsufficientInformation) => self.insufficient_information,
            Some(Outcome::Other) | None => self.other,
        }
    }

    /// When a case closed at `closed_at` is due to be purged; `None`: never.
    #[must_use]
    pub fn due_at(
        &self,
        closed_at: OffsetDateTime,
        outcome: Option<Outcome>,
        public_tip: bool,
    ) -> Option<OffsetDateTime> {
        self.days_for(outcome, public_tip).map(|d| closed_at + Duration::days(i64::from(d)))
    }

    /// The periods by form field, in [`FIELDS`] order.
    #[must_use]
    pub const fn by_field(&self) -> [(&'static str, Option<u32>); 9] {
        [
            (FIELDS[0], self.met_on_arrival),
            (FIELDS[1], self.referred_to_ngo),
            (FIELDS[2], self.no_action_innocent),
            (FIELDS[3], self.insufficient_information),
            (FIELDS[4], self.other),
            (FIELDS[5], self.tips),
            (FIELDS[6], self.training),
            (FIELDS[7], self.certificates),
            (FIELDS[8], self.audit),
        ]
    }

    /// Parse the periods as typed, in [`FIELDS`] order (`value(field)`): empty keeps
    /// for ever; otherwise a whole number of days within [`MIN_DAYS`]..=[`MAX_DAYS`]
    /// (`out-of-range`, also for what is not a number; the audit period from
    /// [`MIN_AUDIT_DAYS`]). Every field at fault.
    ///
    /// # Errors
    /// The fields at fault.
    pub fn parse<'a>(value: impl Fn(&'static str) -> &'a str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut policy = Self::default();
        for (slot, field) in policy.slots().into_iter().zip(FIELDS) {
            match parse_days(field, value(field)) {
                Ok(d) => *slot = d,
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() { Ok(policy) } else { Err(errors) }
    }

    /// The periods to fill, in [`FIELDS`] order.
    fn slots(&mut self) -> [&mut Option<u32>; 9] {
        [
            &mut self.met_on_arrival,
            &mut self.referred_to_ngo,
            &mut self.no_action_innocent,
            &mut self.insufficient_information,
            &mut self.other,
            &mut self.tips,
            &mut self.training,
            &mut self.certificates,
            &mut self.audit,
        ]
    }
}

/// The shortest period a field accepts: [`MIN_AUDIT_DAYS`] for `audit_days`,
/// [`MIN_DAYS`] for the others.
#[must_use]
pub fn min_days(field: &str) -> u32 {
    if field == "audit_days" { MIN_AUDIT_DAYS } else { MIN_DAYS }
}

/// One period as typed: empty is `None` (keep for ever).
///
/// # Errors
/// `out-of-range` at `field` (also for what is not a number).
pub fn parse_days(field: &'static str, typed: &str) -> Result<Option<u32>, FieldError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    match typed.parse::<u32>() {
        Ok(d) if (min_days(field)..=MAX_DAYS).contains(&d) => Ok(Some(d)),
        _ => Err(FieldError::new(field, "out-of-range")),
    }
}

/// A legal hold's reason: required, at most [`MAX_HOLD_REASON`] characters, no
/// control characters but line breaks.
///
/// # Errors
/// `hold_reason`: `required`, `too-long`, `control-characters`.
pub fn parse_hold_reason(typed: &str) -> Result<String, FieldError> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err(FieldError::new("hold_reason", "required"));
    }
    if reason.chars().count() > MAX_HOLD_REASON {
        return Err(FieldError::new("hold_reason", "too-long"));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new("hold_reason", "control-characters"));
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'static str, &'a str)]) -> impl Fn(&'static str) -> &'a str {
        move |f| pairs.iter().find(|(k, _)| *k == f).map_or("", |(_, v)| v)
    }

    #[test]
    fn empty_keeps_for_ever_and_is_the_default() {
        let p = RetentionPolicy::parse(form(&[])).unwrap();
        assert_eq!(p, RetentionPolicy::default());
        assert_eq!(p.due_at(OffsetDateTime::UNIX_EPOCH, Some(Outcome::NoActionInnocent), false), None);
    }

    #[test]
    fn bounds_are_checked_at_every_field() {
        let errors = RetentionPolicy::parse(form(&[
            ("met_on_arrival_days", "0"),
            ("referred_to_ngo_days", "3651"),
            ("no_action_innocent_days", "ninety"),
            ("other_days", "-5"),
            ("tips_days", "3650"),
        ]))
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("met_on_arrival_days", "out-of-range"),
                FieldError::new("referred_to_ngo_days", "out-of-range"),
                FieldError::new("no_action_innocent_days", "out-of-range"),
                FieldError::new("other_days", "out-of-range"),
            ]
        );
        assert_eq!(parse_days("tips_days", " 1 "), Ok(Some(1)));
        assert_eq!(parse_days("training_days", "1"), Ok(Some(1)));
        assert_eq!(parse_days("certificates_days", "3650"), Ok(Some(3650)));
        assert_eq!(parse_days("audit_days", "364"), Err(FieldError::new("audit_days", "out-of-range")));
        assert_eq!(parse_days("audit_days", "365"), Ok(Some(365)));
        assert_eq!(parse_days("tips_days", "99999999999999"), Err(FieldError::new("tips_days", "out-of-range")));
    }

    #[test]
    fn due_by_outcome_and_tips_period() {
        let p = RetentionPolicy::parse(form(&[
            ("no_action_innocent_days", "90"),
            ("referred_to_ngo_days", "730"),
            ("tips_days", "30"),
        ]))
        .unwrap();
        let closed = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(p.due_at(closed, Some(Outcome::NoActionInnocent), false), Some(closed + Duration::days(90)));
        assert_eq!(p.due_at(closed, Some(Outcome::ReferredToNgo), false), Some(closed + Duration::days(730)));
        assert_eq!(p.due_at(closed, Some(Outcome::MetOnArrival), false), None);
        assert_eq!(p.due_at(closed, Some(Outcome::MetOnArrival), true), Some(closed + Duration::days(30)));
        assert_eq!(p.days_for(None, false), None);
    }

    #[test]
    fn a_hold_needs_a_reason() {
        assert_eq!(parse_hold_reason("  "), Err(FieldError::new("hold_reason", "required")));
        assert_eq!(parse_hold_reason(&"x".repeat(501)), Err(FieldError::new("hold_reason", "too-long")));
        assert_eq!(parse_hold_reason("a\u{7}"), Err(FieldError::new("hold_reason", "control-characters")));
        assert_eq!(parse_hold_reason(" Police request 12/2026 "), Ok("Police request 12/2026".to_owned()));
    }
}
