//! Credentials: the setup link, sessions, API tokens, invitations, password resets,
//! two-factor secrets and recovery codes, sign-in attempts.
//!
//! Secrets handed to people (links, cookies, tokens) are never stored: only their
//! SHA-256 hashes are, made by the caller.
//!
//! - `setup`: the first-run setup link;
//! - `sessions`: browser sessions, and purging what has expired;
//! - `tokens`: personal API tokens;
//! - `invitations`: invitations and password-reset links;
//! - `throttle`: sign-in attempts counted per account and address;
//! - `two_factor`: TOTP secrets and recovery codes.

mod invitations;
mod sessions;
mod setup;
mod throttle;
mod tokens;
mod two_factor;

pub use invitations::{Invitation, PasswordReset};
pub use sessions::{NewSession, SessionRecord};
pub use throttle::LoginFailures;
pub use tokens::ApiTokenRecord;
