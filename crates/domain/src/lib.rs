//! Pure types and rules of Sightline.
//!
//! This crate never performs I/O and never imports an async runtime, an HTTP
//! framework or a database driver. Time is a parameter; the one clock reading is a
//! new UUIDv7 id (`ids.rs`), which carries its creation time
//! (`crates/cli/tests/layering.rs` checks both).

/// A closed set of named values stored and sent as strings: the one table per enum.
/// Gives `ALL` (an array, in declaration order), `as_str`, `Display`, serde (through
/// `as_str` and `FromStr`, so the wire form is the table's string), and a `FromStr`
/// that fails with `FieldError(field, code)`; `code` defaults to `"unknown-value"`.
/// `lenient` parsing also ignores case and reads `-` and spaces as `_` (for values
/// people type, such as roles in a roster file).
macro_rules! simple_enum {
    (@code) => { "unknown-value" };
    (@code $code:literal) => { $code };
    (@lenient) => { false };
    (@lenient $lenient:ident) => { true };
    ($(#[$m:meta])* $name:ident, $field:literal $(, $code:literal)? $(, $lenient:ident)?
        { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $variant),+ }
        impl $name {
            pub const ALL: [Self; [$($s),+].len()] = [$(Self::$variant),+];
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),+ }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl ::std::str::FromStr for $name {
            type Err = $crate::FieldError;
            fn from_str(s: &str) -> Result<Self, $crate::FieldError> {
                let lenient = simple_enum!(@lenient $($lenient)?);
                Self::ALL.into_iter().find(|v| $crate::enum_value_matches(v.as_str(), s, lenient))
                    .ok_or($crate::FieldError::new($field, simple_enum!(@code $($code)?)))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(|_| <D::Error as ::serde::de::Error>::unknown_variant(&s, &[$($s),+]))
            }
        }
    };
}

/// Does typed `input` name the enum value `value`? Exact after trimming, or with
/// `lenient` also case-blind and with `-` and spaces read as `_`.
#[doc(hidden)]
#[must_use]
pub fn enum_value_matches(value: &str, input: &str, lenient: bool) -> bool {
    let input = input.trim();
    if !lenient {
        return value == input;
    }
    value.len() == input.len()
        && value.bytes().zip(input.bytes()).all(|(v, i)| {
            let i = if i == b'-' || i == b' ' { b'_' } else { i };
            v.eq_ignore_ascii_case(&i)
        })
}

pub mod assign;
pub mod audit;
pub mod authority;
pub mod crypto;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod export;
pub mod gate;
pub mod ids;
pub mod indicators;
pub mod learn;
pub mod navigation;
pub mod oidc;
pub mod org;
pub mod partner;
pub mod referral;
pub mod report;
pub mod retention;
pub mod roster;
pub mod signin;
pub mod stats;
pub mod tip;
pub mod totp;
pub mod triage;
pub mod user;
pub mod xapi;

pub use error::{FieldError, FieldErrors};

#[cfg(test)]
mod tests {
    use crate::directory::DirectoryChangeKind;
    use crate::learn::Audience;
    use crate::org::OrgKind;
    use crate::partner::Service;
    use crate::report::{AgeRange, Awareness, PerceivedGender, Phase, ReporterRole};
    use crate::triage::{AlertKind, CaseEventKind, CaseStatus, Outcome};
    use crate::user::{Role, Scope};

    /// Every value of every table reads back what it writes, as text and as JSON, and
    /// no two values share a string.
    macro_rules! round_trip {
        ($($t:ty),+) => {$(
            let mut seen = std::collections::BTreeSet::new();
            for v in <$t>::ALL {
                assert!(seen.insert(v.as_str()), "{} repeats {}", stringify!($t), v);
                assert_eq!(v.as_str().parse::<$t>(), Ok(v));
                assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{}\"", v.as_str()));
                assert_eq!(serde_json::from_str::<$t>(&format!("\"{v}\"")).unwrap(), v);
            }
            assert!("no-such-value".parse::<$t>().is_err());
            assert!(serde_json::from_str::<$t>("\"no-such-value\"").is_err());
        )+};
    }

    #[test]
    fn every_enum_table_round_trips() {
        round_trip!(
            DirectoryChangeKind,
            Audience,
            OrgKind,
            AgeRange,
            Awareness,
            Phase,
            PerceivedGender,
            ReporterRole,
            AlertKind,
            CaseEventKind,
            CaseStatus,
            Outcome,
            Role,
            Scope,
            Service
        );
    }

    #[test]
    fn lenient_tables_read_what_people_type_and_strict_ones_do_not() {
        assert_eq!(" Desk-Analyst ".parse::<Role>(), Ok(Role::DeskAnalyst));
        assert_eq!("cabin crew".parse::<Audience>(), Ok(Audience::CabinCrew));
        assert_eq!("NGO".parse::<OrgKind>(), Ok(OrgKind::Ngo));
        assert_eq!("nobody".parse::<Role>(), Err(crate::FieldError::new("role", "unknown-role")));
        assert_eq!("Closed".parse::<CaseStatus>(), Err(crate::FieldError::new("status", "unknown-value")));
        assert_eq!(" closed ".parse::<CaseStatus>(), Ok(CaseStatus::Closed));
        assert_eq!("handed-over".parse::<CaseStatus>(), Err(crate::FieldError::new("status", "unknown-value")));
    }
}
