//! An organisation's people, for its administrators (or a platform admin acting for
//! it): the list, invitations by link, roster import, roles, positions, password
//! reset links, people made through the API, and the organisation's audit trail.
//! Authorisation is [`App::administer`]; another organisation's person is "not
//! found", and the attempt audited.

use sightline_domain::FieldError;
use sightline_domain::FieldErrors;
use sightline_domain::audit::{AuditAction, AuditEntry, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::learn::Audience;
use sightline_domain::roster::{self, RowError};
use sightline_domain::user::{Email, PersonName, Role, Roles, parse_optional_short};
use sightline_storage::{
    Invitation, MailKind, MailStatus, NewMail, NewUser, Organisation, Owned, UserRecord, WelcomeLink,
};
use time::{Duration, OffsetDateTime};

use crate::access::{Asker, OrRefuse};
use crate::security::{hash_token, new_token};
use crate::{App, AppError, Caller, Result};

/// Invitation links stay valid this long.
pub const INVITATION_DAYS: i64 = 14;
/// Password reset links stay valid this long.
pub const RESET_HOURS: i64 = 24;
/// First-password links e-mailed to people imported from a roster stay valid this long.
pub const WELCOME_DAYS: i64 = 7;
/// How many recent e-mails the people page lists.
const MAILS: i64 = 20;
/// How many audit entries the audit page lists.
const AUDIT_ROWS: i64 = 200;

/// How links and their e-mails are written: the web layer knows the public address
/// and the wording in the admin's language.
pub trait Letters: Sync {
    /// The full address of a path on this server.
    fn link(&self, path: &str) -> String;
    /// The letter carrying `url` to `(address, name)`, sealed for the outbox; none
    /// when the server cannot send e-mail.
    ///
    /// # Errors
    /// No randomness was available, or sealing failed.
    fn letter(
        &self,
        org: &Organisation,
        kind: MailKind,
        to: (&str, &str),
        url: &str,
        expires_at: OffsetDateTime,
    ) -> Result<Option<NewMail>, String>;
}

/// An organisation's people page.
pub struct People {
    pub org: Organisation,
    pub users: Vec<UserRecord>,
    /// Invitations not yet accepted.
    pub invitations: Vec<Invitation>,
    /// The roles the caller may give.
    pub grantable: Vec<Role>,
    /// The latest e-mails to the organisation's people.
    pub mails: Vec<MailStatus>,
}

/// A link just made.
#[derive(Debug, Clone)]
pub struct Link {
    pub url: String,
    /// The address it is for.
    pub to: String,
    /// It was e-mailed (queued in the outbox).
    pub emailed: bool,
}

/// Who to invite.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub roles: Roles,
    pub send_email: bool,
}

/// A person made through the API, as given.
#[derive(Debug, Clone, Default)]
pub struct NewPerson<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub roles: &'a [String],
    pub base: &'a str,
    pub employee_id: &'a str,
    /// Empty for none.
    pub position: &'a str,
}

/// What a roster import did.
pub enum RosterOutcome {
    /// How many people were added, and whether their first-password links were e-mailed.
    Imported { count: usize, emailed: bool },
    /// Nothing was imported: every row at fault.
    Refused(Vec<RowError>),
}

fn row(line: usize, field: &'static str, code: &'static str) -> RowError {
    RowError { line, error: FieldError::new(field, code) }
}

impl App {
    /// A person of the organisation the caller administers; anyone else's is "not
    /// found" (another organisation's is audited).
    async fn person(&self, caller: &Caller, org: OrgId, user: UserId) -> Result<UserRecord> {
        let asker = Asker::of(caller).acting_for(org);
        Ok(self.db.get_user(org, user).await.or_refuse(self, asker, Owned::User(user)).await?)
    }

    fn audit(&self, caller: &Caller, action: AuditAction) -> NewAuditEntry {
        NewAuditEntry::new(action).actor(caller.id()).ip(caller.ip().map(str::to_owned))
    }

    /// An organisation's people, pending invitations and recent e-mails.
    ///
    /// # Errors
    /// As [`Self::administer`]; no such organisation.
    pub async fn people(&self, caller: &Caller, org: OrgId) -> Result<People> {
        let org = self.administered_org(caller, org).await?;
        let grantable =
            Role::ALL.into_iter().filter(|r| r.grantable_by_org_admin() || caller.has(Role::PlatformAdmin)).collect();
        Ok(People {
            users: self.db.list_users(org.id).await?,
            invitations: self
                .db
                .list_invitations(org.id)
                .await?
                .into_iter()
                .filter(|i| i.accepted_at.is_none())
                .collect(),
            mails: self.db.mail_status(org.id, MAILS).await?,
            grantable,
            org,
        })
    }

    /// An organisation's people, as the API lists them.
    ///
    /// # Errors
    /// As [`Self::people`].
    pub async fn list_people(&self, caller: &Caller, org: OrgId) -> Result<Vec<UserRecord>> {
        let org = self.administered_org(caller, org).await?;
        Ok(self.db.list_users(org.id).await?)
    }

    /// Invite someone by a link valid [`INVITATION_DAYS`], e-mailed when asked and possible.
    ///
    /// # Errors
    /// As [`Self::administer`]; only a platform admin may give the platform admin
    /// role ([`AppError::Forbidden`]); every field at fault (no role is
    /// `role_learner`: `role-required`); the address has an account
    /// ([`AppError::Conflict`] on `email`).
    pub async fn invite(&self, caller: &Caller, org: OrgId, i: &Invite<'_>, letters: &dyn Letters) -> Result<Link> {
        let org = self.administer(caller, org).await?;
        let (email, name) = (Email::parse(i.email), PersonName::parse(i.name));
        let no_role = i.roles.is_empty().then(|| FieldError::new("role_learner", "role-required"));
        if i.roles.contains(Role::PlatformAdmin) && !caller.has(Role::PlatformAdmin) {
            return Err(AppError::Forbidden);
        }
        let (email, name) = match (email, name, no_role) {
            (Ok(email), Ok(name), None) => (email, name),
            (email, name, no_role) => {
                return Err(AppError::Invalid(email.err().into_iter().chain(name.err()).chain(no_role).collect()));
            }
        };
        let token = new_token().map_err(AppError::Internal)?;
        let now = self.now();
        let expires_at = now + Duration::days(INVITATION_DAYS);
        let url = letters.link(&format!("/invite/{token}"));
        let organisation = self.db.get_org(org).await?;
        let mail = if i.send_email {
            let who = (email.as_str(), name.as_str());
            letters.letter(&organisation, MailKind::Invitation, who, &url, expires_at).map_err(AppError::Internal)?
        } else {
            None
        };
        let hash = hash_token(&token);
        self.db
            .create_invitation(org, caller.id(), &email, &name, &i.roles, &hash, expires_at, mail.as_ref(), now)
            .await?;
        Ok(Link { url, to: email.to_string(), emailed: mail.is_some() })
    }

    /// Import a roster (CSV): every row or none; first-password links valid
    /// [`WELCOME_DAYS`] are e-mailed when asked and possible.
    ///
    /// # Errors
    /// As [`Self::administer`]; the database failed. Rows at fault are
    /// [`RosterOutcome::Refused`].
    pub async fn import_roster(
        &self,
        caller: &Caller,
        org: OrgId,
        file: Option<&[u8]>,
        send_email: bool,
        letters: &dyn Letters,
    ) -> Result<RosterOutcome> {
        let org = self.administer(caller, org).await?;
        let Some(bytes) = file.filter(|b| !b.is_empty()) else {
            return Ok(RosterOutcome::Refused(vec![row(0, "file", "file-required")]));
        };
        let rows = match roster::parse(bytes) {
            Ok(rows) => rows,
            Err(errors) => return Ok(RosterOutcome::Refused(errors)),
        };
        if !caller.has(Role::PlatformAdmin) {
            let refused: Vec<RowError> = rows
                .iter()
                .filter(|r| r.roles.contains(Role::PlatformAdmin))
                .map(|r| row(r.line, "role", "role-not-allowed"))
                .collect();
            if !refused.is_empty() {
                return Ok(RosterOutcome::Refused(refused));
            }
        }
        let mut welcome = Vec::new();
        if send_email {
            let organisation = self.db.get_org(org).await?;
            let expires_at = self.now() + Duration::days(WELCOME_DAYS);
            for r in &rows {
                let token = new_token().map_err(AppError::Internal)?;
                let url = letters.link(&format!("/reset/{token}"));
                let who = (r.email.as_str(), r.name.as_str());
                let mail = letters
                    .letter(&organisation, MailKind::Welcome, who, &url, expires_at)
                    .map_err(AppError::Internal)?;
                if let Some(mail) = mail {
                    welcome.push(WelcomeLink { token_hash: hash_token(&token), mail });
                }
            }
        }
        let audit = self.audit(caller, AuditAction::RosterImported);
        match self.db.import_roster(org, &rows, audit, &welcome, self.now()).await {
            Ok(count) => {
                self.tokens.invalidate();
                Ok(RosterOutcome::Imported { count, emailed: !welcome.is_empty() })
            }
            Err(sightline_storage::StorageError::RosterConflicts(c)) => {
                Ok(RosterOutcome::Refused(c.into_iter().map(|(line, _)| row(line, "email", "email-taken")).collect()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Change a person's roles. Returns the person as they were.
    ///
    /// # Errors
    /// As [`Self::administer`]; not a person of the organisation; giving or taking
    /// the platform admin role without it ([`AppError::Forbidden`]); no role, or
    /// one's own roles (`roles`: `role-required`, `own-roles`).
    pub async fn set_roles(&self, caller: &Caller, org: OrgId, user: UserId, roles: &Roles) -> Result<UserRecord> {
        let org = self.administer(caller, org).await?;
        let target = self.person(caller, org, user).await?;
        let touches_platform = roles.contains(Role::PlatformAdmin) != target.has_role(Role::PlatformAdmin);
        if touches_platform && !caller.has(Role::PlatformAdmin) {
            return Err(AppError::Forbidden);
        }
        if roles.is_empty() {
            return Err(AppError::field("roles", "role-required"));
        }
        if user == caller.id() {
            return Err(AppError::field("roles", "own-roles"));
        }
        let audit = self.audit(caller, AuditAction::RolesChanged);
        self.db.set_roles(org, user, roles, audit, self.now()).await?;
        self.tokens.invalidate();
        Ok(target)
    }

    /// Set a person's position (which decides their course), or none. Returns the person.
    ///
    /// # Errors
    /// As [`Self::administer`]; not a person of the organisation; an unknown
    /// position ([`AppError::NotFound`], as before).
    pub async fn set_position(&self, caller: &Caller, org: OrgId, user: UserId, position: &str) -> Result<UserRecord> {
        let org = self.administer(caller, org).await?;
        let position = match position.trim() {
            "" => None,
            p => Some(p.parse::<Audience>().map_err(|_| AppError::NotFound)?),
        };
        let target = self.person(caller, org, user).await?;
        self.db.set_position(org, user, position).await?;
        self.tokens.invalidate();
        let entry = self
            .audit(caller, AuditAction::PositionChanged)
            .org(org)
            .target("user", user)
            .detail(position.map_or("none", Audience::as_str).to_owned());
        self.db.append_audit(&entry, self.now()).await?;
        Ok(target)
    }

    /// A person leaves the organisation: they can no longer sign in (sessions ended,
    /// tokens revoked) and from now the retention policy's training period runs for
    /// their training records. Audited (`user.deactivated`). The admin confirms it
    /// (`confirmed`); one's own account cannot be deactivated.
    ///
    /// # Errors
    /// As [`Self::administer`]; not an active person of the organisation; not
    /// confirmed (`confirm`/`required`); one's own account (`confirm`/`own-account`).
    pub async fn deactivate_person(
        &self,
        caller: &Caller,
        org: OrgId,
        user: UserId,
        confirmed: bool,
    ) -> Result<UserRecord> {
        let org = self.administer(caller, org).await?;
        let target = self.person(caller, org, user).await?;
        if user == caller.id() {
            return Err(AppError::field("confirm", "own-account"));
        }
        if !confirmed {
            return Err(AppError::field("confirm", "required"));
        }
        let audit = self.audit(caller, AuditAction::UserDeactivated).org(org).target("user", user);
        self.db.deactivate_user(org, user, &audit, self.now()).await?;
        self.tokens.invalidate();
        Ok(target)
    }

    /// Make a password reset link valid [`RESET_HOURS`], e-mailed when asked and
    /// possible.
    ///
    /// # Errors
    /// As [`Self::administer`]; not a person of the organisation.
    pub async fn reset_link(
        &self,
        caller: &Caller,
        org: OrgId,
        user: UserId,
        send_email: bool,
        letters: &dyn Letters,
    ) -> Result<Link> {
        let org = self.administer(caller, org).await?;
        let target = self.person(caller, org, user).await?;
        let token = new_token().map_err(AppError::Internal)?;
        let now = self.now();
        let expires_at = now + Duration::hours(RESET_HOURS);
        let url = letters.link(&format!("/reset/{token}"));
        let organisation = self.db.get_org(org).await?;
        let mail = if send_email {
            let who = (target.email.as_str(), target.name.as_str());
            letters.letter(&organisation, MailKind::Reset, who, &url, expires_at).map_err(AppError::Internal)?
        } else {
            None
        };
        self.db
            .create_password_reset(org, user, caller.id(), &hash_token(&token), expires_at, mail.as_ref(), now)
            .await?;
        Ok(Link { url, to: target.email, emailed: mail.is_some() })
    }

    /// Make a person without a password (the API): an admin then issues a reset link.
    ///
    /// # Errors
    /// As [`Self::administer`]; no such organisation; the roles are invalid (the
    /// platform admin without it ([`AppError::Forbidden`]); every field at fault; the address has an account ([`AppError::Conflict`]).
    pub async fn create_person(&self, caller: &Caller, org: OrgId, p: &NewPerson<'_>) -> Result<UserRecord> {
        let org = self.administered_org(caller, org).await?.id;
        let mut errors = FieldErrors::new();
        let roles = errors.check(Roles::parse_list(&p.roles.join(",")));
        if roles.as_ref().is_some_and(|r| r.contains(Role::PlatformAdmin)) && !caller.has(Role::PlatformAdmin) {
            return Err(AppError::Forbidden);
        }
        let name = errors.check(PersonName::parse(p.name));
        let email = errors.check(Email::parse(p.email));
        let base = errors.check(parse_optional_short(p.base, "base", 40));
        let employee_id = errors.check(parse_optional_short(p.employee_id, "employee_id", 40));
        let position = errors.check(match p.position {
            "" => Ok(None),
            s => s.parse().map(Some),
        });
        let new = errors.or_value(|| {
            Some(NewUser {
                name: name?,
                email: email?,
                roles: roles?,
                base: base?,
                employee_id: employee_id?,
                password_hash: None,
                position: position?,
            })
        })?;
        let id = self.db.create_user(org, &new, self.audit(caller, AuditAction::UserCreated), self.now()).await?;
        Ok(self.db.get_user(org, id).await?)
    }

    /// The organisation's audit trail (newest first) and its people (for names).
    ///
    /// # Errors
    /// As [`Self::administer`]; no such organisation.
    pub async fn org_audit(
        &self,
        caller: &Caller,
        org: OrgId,
    ) -> Result<(Organisation, Vec<AuditEntry>, Vec<UserRecord>)> {
        let org = self.administered_org(caller, org).await?;
        let entries = self.db.audit_for_org(org.id, AUDIT_ROWS).await?.entries;
        let people = self.db.list_users(org.id).await?;
        Ok((org, entries, people))
    }
}
