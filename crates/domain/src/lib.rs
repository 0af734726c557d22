//! Pure types and rules of Sightline.
//!
//! This crate never performs I/O, never reads the clock and never imports an async
//! runtime, an HTTP framework or a database driver. Time is always a parameter.

pub mod audit;
pub mod authority;
pub mod crypto;
pub mod directory;
pub mod error;
pub mod export;
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

pub use error::FieldError;
