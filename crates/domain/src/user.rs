//! People, their roles and the rules on what they type.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::FieldError;

simple_enum!(
    /// What a user may do. A user holds one or more roles within their organisation.
    Role, "role", "unknown-role", lenient {
        /// Takes courses.
        Learner => "learner",
        /// Files crew reports.
        Reporter => "reporter",
        /// Works the security-desk queue.
        DeskAnalyst => "desk_analyst",
        /// Manages the organisation's users.
        OrgAdmin => "org_admin",
        /// Runs the platform: organisations, the routing directory.
        PlatformAdmin => "platform_admin",
        /// Works a partner organisation's (NGO's or authority's) referrals.
        Caseworker => "caseworker",
    }
);

impl Role {
    /// Roles that see case details or manage people must sign in with a second factor.
    #[must_use]
    pub const fn requires_two_factor(self) -> bool {
        matches!(self, Self::DeskAnalyst | Self::OrgAdmin | Self::PlatformAdmin | Self::Caseworker)
    }

    /// Roles an organisation admin may grant. Platform admin is granted only by a
    /// platform admin.
    #[must_use]
    pub const fn grantable_by_org_admin(self) -> bool {
        !matches!(self, Self::PlatformAdmin)
    }
}

/// The set of roles a user holds. Never empty once parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    #[must_use]
    pub fn of(roles: impl IntoIterator<Item = Role>) -> Self {
        Self(roles.into_iter().collect())
    }
    #[must_use]
    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Does any held role demand two-factor sign-in?
    #[must_use]
    pub fn require_two_factor(&self) -> bool {
        self.0.iter().any(|r| r.requires_two_factor())
    }
    /// The two-factor rule, the one place it is decided, for a browser session and an
    /// API token alike: may a person holding these roles act, given whether they
    /// have enrolled a second factor and whether this credential has passed it?
    /// (An API token counts as having passed it: it only works once its holder has
    /// enrolled.)
    #[must_use]
    pub fn two_factor_gate(&self, enrolled: bool, passed: bool) -> Gate {
        if enrolled && !passed {
            Gate::NeedsSecondFactor
        } else if !enrolled && self.require_two_factor() {
            Gate::NeedsEnrolment
        } else {
            Gate::Open
        }
    }
    /// Parse a list such as `"reporter; learner"` or `"desk_analyst,learner"`.
    ///
    /// # Errors
    /// `role`/`unknown-role` or `role`/`required`.
    pub fn parse_list(input: &str) -> Result<Self, FieldError> {
        let roles = input
            .split([',', ';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<BTreeSet<Role>, _>>()?;
        if roles.is_empty() {
            return Err(FieldError::new("role", "required"));
        }
        Ok(Self(roles))
    }
}

/// What still stands between a signed-in person (or their API token) and the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Enrolled, but this session has not passed the second factor yet.
    NeedsSecondFactor,
    /// Their roles require two-factor sign-in and they have not enrolled.
    NeedsEnrolment,
}

simple_enum!(
    /// What an API token may be used for, chosen when it is made.
    Scope, "scopes", "unknown-scope", lenient {
        /// Send crew reports (`PUT /api/v1/reports/{id}`).
        ReportsWrite => "reports:write",
        /// Read: who am I, the directory, organisations and people (as the roles allow).
        Read => "read",
        /// Administer: create organisations and people (as the roles allow).
        Admin => "admin",
        /// Referrals (`/api/v1/referrals`, `/api/v1/cases/{id}/referrals`): a desk analyst
        /// makes them; a partner's caseworker reads those made to their organisation,
        /// acknowledges, accepts or declines them and records the support given.
        Referrals => "referrals",
    }
);

impl Scope {
    /// May a person with these roles hold a token with this scope? A scope never
    /// grants more than the roles: reports need a reporter, administration an admin.
    #[must_use]
    pub fn grantable_to(self, roles: &Roles) -> bool {
        match self {
            Self::ReportsWrite => roles.contains(Role::Reporter),
            Self::Read => !roles.is_empty(),
            Self::Admin => roles.contains(Role::OrgAdmin) || roles.contains(Role::PlatformAdmin),
            Self::Referrals => roles.contains(Role::Caseworker) || roles.contains(Role::DeskAnalyst),
        }
    }
}

/// The scopes of one API token. Never empty once parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    #[must_use]
    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }
    #[must_use]
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
    /// Every scope a person with these roles may give a token.
    #[must_use]
    pub fn grantable(roles: &Roles) -> Self {
        Self::of(Scope::ALL.into_iter().filter(|s| s.grantable_to(roles)))
    }
    /// Least privilege: what a person's roles most need a token for — sending
    /// reports for a reporter, reading for everyone else. Never administration.
    #[must_use]
    pub fn default_for(roles: &Roles) -> Self {
        Self::of([if roles.contains(Role::Reporter) { Scope::ReportsWrite } else { Scope::Read }])
    }
    /// Parse a list such as `"reports:write,read"` (commas, semicolons or spaces).
    ///
    /// # Errors
    /// `scopes`/`unknown-scope` or `scopes`/`required`.
    pub fn parse_list(input: &str) -> Result<Self, FieldError> {
        let scopes = input
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(str::parse)
            .collect::<Result<BTreeSet<Scope>, _>>()?;
        if scopes.is_empty() {
            return Err(FieldError::new("scopes", "required"));
        }
        Ok(Self(scopes))
    }
    /// These scopes, for a new token of a person with `roles`.
    ///
    /// # Errors
    /// `scopes`/`required` when empty, `scopes`/`scope-not-allowed` when one goes
    /// beyond the roles.
    pub fn for_roles(self, roles: &Roles) -> Result<Self, FieldError> {
        if self.0.is_empty() {
            Err(FieldError::new("scopes", "required"))
        } else if self.iter().all(|s| s.grantable_to(roles)) {
            Ok(self)
        } else {
            Err(FieldError::new("scopes", "scope-not-allowed"))
        }
    }
}

impl fmt::Display for Scopes {
    /// Comma-separated, in a fixed order (how they are stored).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iter().map(Scope::as_str).collect::<Vec<_>>().join(","))
    }
}

/// An e-mail address, trimmed and lower-cased. Checks the shape only
/// (`local@domain.tld`); whether it receives mail is not our business here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// # Errors
    /// `email`/`required`, `email`/`invalid-email` or `email`/`too-long`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new("email", "required"));
        }
        if s.len() > 254 {
            return Err(FieldError::new("email", "too-long"));
        }
        let invalid = FieldError::new("email", "invalid-email");
        let (local, domain) = s.split_once('@').ok_or(invalid.clone())?;
        let ok_chars =
            |part: &str| part.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"@\\".contains(c));
        if local.is_empty()
            || local.len() > 64
            || !ok_chars(local)
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || !ok_chars(domain)
        {
            return Err(invalid);
        }
        Ok(Self(s))
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as they want it shown (on certificates too): 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    /// # Errors
    /// `name`/`required`, `name`/`too-long` or `name`/`control-characters`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_display_text(input, "name", 1, 100).map(Self)
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The label a person gives one of their API tokens: 1 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    /// # Errors
    /// `name`/`required`, `name`/`too-long` or `name`/`control-characters`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_display_text(input, "name", 1, 60).map(Self)
    }
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a token made in the browser stays valid: 30, 90 or 365 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(i64);

impl TokenLifetime {
    pub const CHOICES: [i64; 3] = [30, 90, 365];
    /// # Errors
    /// `days`/`unknown-value` for anything but the choices.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        input
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| Self::CHOICES.contains(d))
            .map(Self)
            .ok_or(FieldError::new("days", "unknown-value"))
    }
    #[must_use]
    pub const fn days(self) -> i64 {
        self.0
    }
}

/// A new password. Follows OWASP's current advice: length over composition rules,
/// 12 to 128 characters, not all the same character, not the e-mail address.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    /// # Errors
    /// `password`/`too-short`, `password`/`too-long` or `password`/`too-weak`.
    pub fn parse(input: &str, email: Option<&Email>) -> Result<Self, FieldError> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(FieldError::new("password", "password-too-short"));
        }
        if n > Self::MAX_CHARS {
            return Err(FieldError::new("password", "too-long"));
        }
        let mut chars = input.chars();
        let first = chars.next();
        let single_char = chars.all(|c| Some(c) == first);
        let is_email = email.is_some_and(|e| e.as_str().eq_ignore_ascii_case(input.trim()));
        if single_char || is_email {
            return Err(FieldError::new("password", "too-weak"));
        }
        Ok(Self(input.to_owned()))
    }
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Optional short free text such as a crew base (`HEL`) or an employee number.
///
/// # Errors
/// `<field>`/`too-long` or `<field>`/`control-characters`.
pub fn parse_optional_short(input: &str, field: &'static str, max: usize) -> Result<Option<String>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_display_text(s, field, 1, max).map(Some)
}

pub(crate) fn parse_display_text(
    input: &str,
    field: &'static str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let s = input.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "required"));
    }
    if n < min {
        return Err(FieldError::new(field, "too-short"));
    }
    if n > max {
        return Err(FieldError::new(field, "too-long"));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "control-characters"));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_in_several_spellings() {
        assert_eq!("desk analyst".parse::<Role>(), Ok(Role::DeskAnalyst));
        assert_eq!("Desk-Analyst".parse::<Role>(), Ok(Role::DeskAnalyst));
        assert_eq!("org_admin".parse::<Role>(), Ok(Role::OrgAdmin));
        assert!("captain".parse::<Role>().is_err());
        let roles = Roles::parse_list("reporter; learner").unwrap();
        assert!(roles.contains(Role::Reporter) && roles.contains(Role::Learner));
        assert!(!roles.require_two_factor());
        assert!(Roles::parse_list("learner,desk_analyst").unwrap().require_two_factor());
        assert_eq!(Roles::parse_list(" ; "), Err(FieldError::new("role", "required")));
    }

    #[test]
    fn two_factor_is_required_exactly_for_analysts_admins_and_caseworkers() {
        let required: Vec<Role> = Role::ALL.into_iter().filter(|r| r.requires_two_factor()).collect();
        assert_eq!(required, vec![Role::DeskAnalyst, Role::OrgAdmin, Role::PlatformAdmin, Role::Caseworker]);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Crew.Member@Airline.EXAMPLE ").unwrap().as_str(), "crew.member@airline.example");
        for bad in ["", "no-at-sign", "a@b", "a@.b.c", "a b@c.d", "@c.d", "a@c..d"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn passwords_follow_length_rules() {
        let email = Email::parse("a@b.example").unwrap();
        assert!(NewPassword::parse("short", None).is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaaaaaa", None).is_err());
        assert!(NewPassword::parse("a@b.example", Some(&email)).is_err());
        assert!(NewPassword::parse(&"ab".repeat(65), None).is_err());
        assert!(NewPassword::parse("correct horse battery", Some(&email)).is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("correct horse battery", None).unwrap()), "NewPassword(***)");
    }

    #[test]
    fn optional_short_text() {
        assert_eq!(parse_optional_short("  ", "base", 10), Ok(None));
        assert_eq!(parse_optional_short(" HEL ", "base", 10), Ok(Some("HEL".to_owned())));
        assert!(parse_optional_short("HELSINKI-VANTAA", "base", 10).is_err());
    }

    #[test]
    fn the_two_factor_gate_is_one_rule_for_sessions_and_tokens() {
        let analyst = Roles::of([Role::DeskAnalyst]);
        let crew = Roles::of([Role::Reporter]);
        assert_eq!(analyst.two_factor_gate(false, false), Gate::NeedsEnrolment);
        assert_eq!(analyst.two_factor_gate(false, true), Gate::NeedsEnrolment, "a token of a person never enrolled");
        assert_eq!(analyst.two_factor_gate(true, false), Gate::NeedsSecondFactor);
        assert_eq!(analyst.two_factor_gate(true, true), Gate::Open);
        assert_eq!(crew.two_factor_gate(false, false), Gate::Open);
        assert_eq!(crew.two_factor_gate(true, false), Gate::NeedsSecondFactor, "enrolled people always pass it");
    }

    #[test]
    fn token_scopes_never_exceed_the_roles_and_default_to_least_privilege() {
        let crew = Roles::of([Role::Reporter, Role::Learner]);
        let admin = Roles::of([Role::OrgAdmin]);
        assert_eq!(Scopes::default_for(&crew), Scopes::of([Scope::ReportsWrite]));
        assert_eq!(Scopes::default_for(&admin), Scopes::of([Scope::Read]));
        assert_eq!(Scopes::grantable(&crew), Scopes::of([Scope::ReportsWrite, Scope::Read]));
        assert_eq!(Scopes::grantable(&admin), Scopes::of([Scope::Read, Scope::Admin]));
        let both = Scopes::parse_list(" read, reports:write ").unwrap();
        assert_eq!(both.to_string(), "reports:write,read");
        assert_eq!(Scopes::parse_list(&both.to_string()).unwrap(), both);
        assert!(both.clone().for_roles(&crew).is_ok());
        assert_eq!(both.for_roles(&admin).unwrap_err(), FieldError::new("scopes", "scope-not-allowed"));
        assert_eq!(Scopes::parse_list("admin").unwrap().for_roles(&crew).unwrap_err().code, "scope-not-allowed");
        assert_eq!(Scopes::parse_list("write").unwrap_err(), FieldError::new("scopes", "unknown-scope"));
        assert_eq!(Scopes::parse_list(" , ").unwrap_err(), FieldError::new("scopes", "required"));
        assert_eq!(Scopes::default().for_roles(&crew).unwrap_err().code, "required");
    }

    #[test]
    fn token_names_and_lifetimes_are_parsed() {
        assert_eq!(TokenName::parse("  desk integration ").unwrap().as_str(), "desk integration");
        assert_eq!(TokenName::parse(" ").unwrap_err(), FieldError::new("name", "required"));
        assert_eq!(TokenName::parse(&"x".repeat(61)).unwrap_err(), FieldError::new("name", "too-long"));
        assert_eq!(TokenLifetime::parse("90").unwrap().days(), 90);
        for bad in ["0", "7", "forever", "", "-30"] {
            assert_eq!(TokenLifetime::parse(bad).unwrap_err(), FieldError::new("days", "unknown-value"), "{bad}");
        }
    }
}
