//! Pure types and rules of Sightline.
//!
//! This crate never performs I/O and never imports an async runtime, an HTTP
//! framework or a database driver. Time is a parameter; the one clock reading is a
//! new UUIDv7 id (`ids.rs`), which carries its creation time
//! (`crates/cli/tests/layering.rs` checks both).

/// A closed set of named values stored and sent as snake_case strings: `ALL`,
/// `as_str`, `Display`, serde, and a `FromStr` that fails with `FieldError(field, "unknown-value")`.
macro_rules! simple_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
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
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
                    .ok_or($crate::FieldError::new($field, "unknown-value"))
            }
        }
    };
}

pub mod audit;
pub mod authority;
pub mod crypto;
pub mod directory;
pub mod error;
pub mod export;
pub mod gate;
pub mod ids;
pub mod indicators;
pub mod learn;
pub mod navigation;
pub mod org;
pub mod report;
pub mod roster;
pub mod signin;
pub mod totp;
pub mod triage;
pub mod user;

pub use error::{FieldError, FieldErrors};
