//! First run: the one-time setup link creates the operator's organisation and the
//! first platform administrator (audited by storage in the same transaction).

use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, NewPassword, PersonName, Role, Roles};
use sightline_storage::{NewUser, UserRecord};

use crate::links::hash_new_password;
use crate::security::hash_token;
use crate::{App, Result};

/// The first administrator and their organisation, as parsed from the setup form.
pub struct FirstAdmin<'a> {
    pub org_name: &'a OrgName,
    pub org_kind: OrgKind,
    pub name: PersonName,
    pub email: Email,
    pub password: &'a NewPassword,
}

impl App {
    /// Whether the setup link is still good.
    ///
    /// # Errors
    /// The database failed.
    pub async fn setup_link_valid(&self, token: &str) -> Result<bool> {
        Ok(self.db.setup_token_valid(&hash_token(token), self.now()).await?)
    }

    /// Create the operator's organisation and its first platform administrator.
    ///
    /// # Errors
    /// [`crate::AppError::Conflict`] (`email` or the organisation's name is taken);
    /// [`crate::AppError::LinkUsedOrExpired`]; the database failed.
    pub async fn complete_setup(&self, token: &str, admin: FirstAdmin<'_>, ip: Option<String>) -> Result<UserRecord> {
        let user = NewUser {
            name: admin.name,
            email: admin.email,
            roles: Roles::of([Role::PlatformAdmin, Role::OrgAdmin, Role::Learner]),
            base: None,
            employee_id: None,
            password_hash: Some(hash_new_password(admin.password).await?),
            position: None,
        };
        let (org, id) =
            self.db.complete_setup(&hash_token(token), admin.org_name, admin.org_kind, &user, ip, self.now()).await?;
        Ok(self.db.get_user(org, id).await?)
    }
}
