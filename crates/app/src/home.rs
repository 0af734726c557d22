//! The signed-in home page's data, and remembering a person's language.

use sightline_storage::{Organisation, UserRecord};

use crate::{App, Caller, Result};

/// What the home page shows besides the caller's own record.
pub struct HomeSummary {
    /// The caller's organisation.
    pub org: Organisation,
    /// Unused two-factor recovery codes.
    pub recovery_left: i64,
}

impl App {
    /// The caller's organisation and how many recovery codes they have left.
    ///
    /// # Errors
    /// The database failed.
    pub async fn home_summary(&self, caller: &Caller) -> Result<HomeSummary> {
        let org = self.db.get_org(caller.org()).await?;
        let recovery_left = self.db.recovery_codes_left(caller.id()).await?;
        Ok(HomeSummary { org, recovery_left })
    }

    /// Remember a signed-in person's language on their account (any session, even one
    /// still owing its second factor: the language is not a secret).
    ///
    /// # Errors
    /// The database failed.
    pub async fn remember_locale(&self, user: &UserRecord, code: &str) -> Result<()> {
        Ok(self.db.set_locale(user.org_id, user.id, code).await?)
    }
}
