//! Organisations: who may administer one (the one authorisation rule for every
//! admin page and API call of an organisation), and the platform administrators'
//! list and creation of organisations.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::Role;
use sightline_storage::{Organisation, Owned};

use crate::access::{self, Asker};
use crate::{App, AppError, Caller, Result};

impl App {
    /// Authorisation for an organisation's administration: the caller is its
    /// organisation admin, or a platform admin acting for it. Another organisation
    /// does not exist for anyone else, and the attempt is audited
    /// (`access.cross_org_denied`, see [`crate::access`]).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] in one's own organisation without the role;
    /// [`AppError::NotFound`] for another organisation.
    pub async fn administer(&self, caller: &Caller, org: OrgId) -> Result<OrgId> {
        if caller.has(Role::PlatformAdmin) || (caller.org() == org && caller.has(Role::OrgAdmin)) {
            Ok(org)
        } else if caller.org() == org {
            Err(AppError::Forbidden)
        } else {
            Err(access::refuse(self, Asker::of(caller), Owned::Organisation(org)).await.into())
        }
    }

    /// Every organisation, by name (platform administrators).
    ///
    /// # Errors
    /// Not a platform admin; the database failed.
    pub async fn list_orgs(&self, caller: &Caller) -> Result<Vec<Organisation>> {
        caller.require(Role::PlatformAdmin)?;
        Ok(self.db.list_orgs().await?)
    }

    /// Create an organisation (platform administrators), audited (`org.created`).
    ///
    /// # Errors
    /// Not a platform admin; every field at fault ([`AppError::Invalid`]); the name
    /// is taken ([`AppError::Conflict`] on `name`).
    pub async fn create_org(&self, caller: &Caller, name: &str, kind: &str) -> Result<Organisation> {
        let me = caller.require(Role::PlatformAdmin)?;
        let (name, kind) = match (OrgName::parse(name), kind.parse::<OrgKind>()) {
            (Ok(name), Ok(kind)) => (name, kind),
            (name, kind) => return Err(AppError::Invalid(name.err().into_iter().chain(kind.err()).collect())),
        };
        let audit = NewAuditEntry::new(AuditAction::OrgCreated).actor(me.id()).ip(me.ip().map(str::to_owned));
        let id = self.db.create_org(&name, kind, audit, self.now()).await?;
        Ok(self.db.get_org(id).await?)
    }

    /// An organisation the caller administers ([`Self::administer`]).
    ///
    /// # Errors
    /// As [`Self::administer`]; no such organisation.
    pub async fn administered_org(&self, caller: &Caller, org: OrgId) -> Result<Organisation> {
        let org = self.administer(caller, org).await?;
        Ok(self.db.get_org(org).await?)
    }
}
