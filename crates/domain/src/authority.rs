//! Handing a case to an authority: the message the desk reads out or sends, and the
//! record of the contact (who was contacted, how, and why when the report did not pass
//! the decision gate). Pure: the case's facts and the clock's reading come in.

use time::OffsetDateTime;

use crate::FieldError;
use crate::report::{PersonDescription, SealedText};

/// How the desk reached an authority.
pub const CONTACT_METHODS: [&str; 5] = ["phone", "email", "radio", "in_person", "other"];
/// The longest reference an authority gives (a case or incident number).
pub const MAX_REFERENCE: usize = 120;
/// The longest reason for contacting an authority about a report that did not pass the gate.
pub const MAX_GATE_OVERRIDE: usize = 500;

/// What the case says, for the message to an authority.
#[derive(Debug, Clone)]
pub struct CaseFacts<'a> {
    pub flight: &'a str,
    pub flight_date: &'a str,
    pub origin: &'a str,
    pub destination: &'a str,
    pub scheduled_arrival: Option<OffsetDateTime>,
    /// Space-separated seats, as stored.
    pub seats: &'a str,
    pub potential_victims: i32,
    pub companions: i32,
    /// The signs observed, already named (English: the message goes to authorities).
    pub signs: Vec<&'a str>,
    pub reporter_role: &'a str,
    pub reference: &'a str,
}

/// `YYYY-MM-DD HH:MM UTC`.
#[must_use]
pub fn utc_minute(t: &OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

fn person(p: &PersonDescription) -> String {
    let clothing = if p.clothing.is_empty() { String::new() } else { format!(", {}", p.clothing) };
    format!("{} {}{clothing}.", p.age_range.as_str().replace('_', " "), p.gender.as_str())
}

/// The message the desk gives the destination's authorities: the flight, where the
/// potential victims sit, what was observed, who reported it, and whom to call back.
/// It asks them to meet the aircraft; it never says trafficking is proven.
#[must_use]
pub fn message(case: &CaseFacts<'_>, text: &SealedText, analyst: &str, organisation: &str) -> String {
    let arrival = case.scheduled_arrival.as_ref().map_or_else(|| "—".to_owned(), utc_minute);
    let seats = if case.seats.is_empty() { "unknown" } else { case.seats };
    let people = text.people().map(person).collect::<Vec<_>>().join(" ");
    format!(
        "Suspected human trafficking — {flight} on {date}, {origin} to {dest}, scheduled arrival {arrival}. \
         Seats {seats}. Potential victims: {v}; companions: {co}. Observed: {inds}. {people} \
         Reported by {role} (our reference {reference}). Please meet the aircraft. Call back: {analyst} at {organisation}.",
        flight = case.flight,
        date = case.flight_date,
        origin = case.origin,
        dest = case.destination,
        v = case.potential_victims,
        co = case.companions,
        inds = case.signs.join("; "),
        role = case.reporter_role.replace('_', " "),
        reference = case.reference,
    )
}

/// A contact with an authority as the desk entered it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub method: String,
    pub reference: String,
    /// Why the report went out although it did not pass the decision gate.
    pub gate_override: Option<String>,
}

impl ContactRecord {
    /// Check what the desk entered. A report that did not pass the decision gate goes
    /// to an authority only with the analyst's reason (an indicator never proves
    /// trafficking: the gate is the organisation's last look before anything leaves it).
    ///
    /// # Errors
    /// Every field at fault.
    pub fn parse(
        method: &str,
        reference: &str,
        gate_override: &str,
        gate_passed: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !CONTACT_METHODS.contains(&method) {
            errors.push(FieldError::new("method", "unknown-value"));
        }
        if reference.chars().count() > MAX_REFERENCE || gate_override.chars().count() > MAX_GATE_OVERRIDE {
            errors.push(FieldError::new("reference", "too-long"));
        }
        let gate_override = gate_override.trim();
        if !gate_passed && gate_override.is_empty() {
            errors.push(FieldError::new("gate_override", "reason-required"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            method: method.to_owned(),
            reference: reference.trim().to_owned(),
            gate_override: (!gate_passed).then(|| gate_override.to_owned()),
        })
    }
}

/// The longest note on a case.
pub const MAX_NOTE: usize = 4000;

/// A note on a case: trimmed, not empty, at most [`MAX_NOTE`] characters.
///
/// # Errors
/// `note`: `required` or `too-long`.
pub fn parse_note(note: &str) -> Result<&str, FieldError> {
    let text = note.trim();
    if text.is_empty() {
        Err(FieldError::new("note", "required"))
    } else if text.chars().count() > MAX_NOTE {
        Err(FieldError::new("note", "too-long"))
    } else {
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AgeRange, PerceivedGender};

    fn facts() -> CaseFacts<'static> {
        CaseFacts {
            flight: "AY1",
            flight_date: "2026-12-02",
            origin: "HEL",
            destination: "LHR",
            scheduled_arrival: Some(time::macros::datetime!(2026-12-02 14:05 UTC)),
            seats: "",
            potential_victims: 1,
            companions: 2,
            signs: vec!["Scripted answers", "Someone else holds the documents"],
            reporter_role: "cabin_crew",
            reference: "SL-ABC",
        }
    }

    #[test]
    fn the_message_names_flight_seats_people_and_whom_to_call_back() {
        let text = SealedText {
            victims: vec![PersonDescription {
                age_range: AgeRange::Child,
                gender: PerceivedGender::Female,
                clothing: "red coat".into(),
            }],
            ..SealedText::default()
        };
        let m = message(&facts(), &text, "Dana Desk", "Example Air");
        assert!(m.contains("AY1 on 2026-12-02, HEL to LHR, scheduled arrival 2026-12-02 14:05 UTC."), "{m}");
        assert!(m.contains("Seats unknown."), "{m}");
        assert!(m.contains("Observed: Scripted answers; Someone else holds the documents."), "{m}");
        assert!(m.contains("child female, red coat."), "{m}");
        assert!(m.contains("Reported by cabin crew (our reference SL-ABC)"), "{m}");
        assert!(m.ends_with("Call back: Dana Desk at Example Air."), "{m}");
        let none = CaseFacts { scheduled_arrival: None, seats: "12A 12B", ..facts() };
        let m = message(&none, &SealedText::default(), "A", "B");
        assert!(m.contains("scheduled arrival —.") && m.contains("Seats 12A 12B."), "{m}");
    }

    #[test]
    fn a_contact_needs_a_known_method_and_a_reason_when_the_gate_did_not_pass() {
        let ok = ContactRecord::parse("phone", " 123 ", "", true).unwrap();
        assert_eq!(ok, ContactRecord { method: "phone".into(), reference: "123".into(), gate_override: None });
        let errors = ContactRecord::parse("pigeon", &"x".repeat(121), " ", false).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [("method", "unknown-value"), ("reference", "too-long"), ("gate_override", "reason-required")]
        );
        let why = ContactRecord::parse("email", "", " seen twice ", false).unwrap();
        assert_eq!(why.gate_override.as_deref(), Some("seen twice"));
    }

    #[test]
    fn a_note_is_trimmed_and_bounded() {
        assert_eq!(parse_note("  hello ").unwrap(), "hello");
        assert_eq!(parse_note("   ").unwrap_err().code, "required");
        assert_eq!(parse_note(&"é".repeat(4001)).unwrap_err().code, "too-long");
        assert!(parse_note(&"é".repeat(4000)).is_ok());
    }
}
