//! Who is asking.

use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::user::{Gate, Role};
use sightline_storage::UserRecord;

use crate::AppError;

/// The person a use case acts for: signed in, past every factor their roles require
/// (the one place the two-factor gate is applied, for browser sessions and API tokens
/// alike), with the address they came from for the audit trail.
#[derive(Debug, Clone)]
pub struct Caller {
    user: UserRecord,
    ip: Option<String>,
}

/// A caller is a signed-in person: their record's fields read through.
impl std::ops::Deref for Caller {
    type Target = UserRecord;
    fn deref(&self) -> &UserRecord {
        &self.user
    }
}

impl Caller {
    /// A signed-in person whose session or token has passed `two_factor_passed`.
    ///
    /// # Errors
    /// The [`Gate`] they still have to pass (a second factor, or enrolling one).
    pub fn signed_in(user: UserRecord, two_factor_passed: bool, ip: Option<String>) -> Result<Self, Gate> {
        Self::signed_in_with(user, two_factor_passed, false, ip)
    }

    /// As [`Self::signed_in`], for a session whose identity provider vouched for a
    /// second factor (`by_provider`, single sign-on): that counts as enrolled and passed.
    ///
    /// # Errors
    /// The [`Gate`] they still have to pass.
    pub fn signed_in_with(
        user: UserRecord,
        two_factor_passed: bool,
        by_provider: bool,
        ip: Option<String>,
    ) -> Result<Self, Gate> {
        let enrolled = user.two_factor_enabled() || by_provider;
        match user.roles.two_factor_gate(enrolled, two_factor_passed || by_provider) {
            Gate::Open => Ok(Self { user, ip }),
            other => Err(other),
        }
    }

    #[must_use]
    pub const fn user(&self) -> &UserRecord {
        &self.user
    }
    #[must_use]
    pub const fn id(&self) -> UserId {
        self.user.id
    }
    /// The caller's own organisation: every query of theirs is scoped to it.
    #[must_use]
    pub const fn org(&self) -> OrgId {
        self.user.org_id
    }
    #[must_use]
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }
    #[must_use]
    pub fn has(&self, role: Role) -> bool {
        self.user.has_role(role)
    }

    /// Authorisation: the caller holds `role`.
    ///
    /// # Errors
    /// [`AppError::Forbidden`].
    pub fn require(&self, role: Role) -> Result<&Self, AppError> {
        if self.has(role) { Ok(self) } else { Err(AppError::Forbidden) }
    }
}
