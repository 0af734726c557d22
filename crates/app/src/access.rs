//! The one place a refused access to another organisation's record is decided and
//! recorded. Every "not yours → 404" of a signed-in person goes through [`refuse`]
//! (or [`OrRefuse::or_refuse`] on an organisation-scoped lookup): the answer is
//! "not found", and when the record exists in another organisation the attempt is
//! written to the audit trail as `access.cross_org_denied` (a mistyped id is not).

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_storage::{Owned, StorageError, UserRecord};

use crate::{App, Caller};

/// Who was refused: the signed-in person, their address, and the organisation the
/// request acts for (their own, or the one a platform admin is administering).
#[derive(Clone, Copy)]
pub struct Asker<'a> {
    pub user: &'a UserRecord,
    pub ip: Option<&'a str>,
    pub org: OrgId,
}

impl<'a> Asker<'a> {
    #[must_use]
    pub const fn new(user: &'a UserRecord, ip: Option<&'a str>) -> Self {
        Self { user, ip, org: user.org_id }
    }

    /// The caller of a use case.
    #[must_use]
    pub fn of(caller: &'a Caller) -> Self {
        Self::new(caller.user(), caller.ip())
    }

    /// The request acts for `org` (an admin page of that organisation).
    #[must_use]
    pub const fn acting_for(mut self, org: OrgId) -> Self {
        self.org = org;
        self
    }
}

/// Record the attempt if `target` belongs to an organisation other than the one the
/// request acts for. Returns whether it did.
///
/// # Errors
/// The database failed.
pub async fn record_if_foreign(app: &App, asker: Asker<'_>, target: Owned<'_>) -> Result<bool, StorageError> {
    let owner = app.db.owner_of(target).await?;
    if owner.is_none_or(|o| o == asker.org) {
        return Ok(false);
    }
    let entry = NewAuditEntry::new(AuditAction::CrossOrgAccessDenied)
        .org(asker.user.org_id)
        .actor(asker.user.id)
        .target(target.kind(), target.id())
        .ip(asker.ip.map(str::to_owned));
    app.db.append_audit(&entry, app.now()).await?;
    Ok(true)
}

/// Refuse the asker `target`: the error to answer with is "not found" (pages and API
/// map it to 404), after recording a cross-organisation attempt.
pub async fn refuse(app: &App, asker: Asker<'_>, target: Owned<'_>) -> StorageError {
    match record_if_foreign(app, asker, target).await {
        Ok(_) => StorageError::NotFound,
        Err(e) => e,
    }
}

/// For the result of an organisation-scoped lookup: "not found" is a refusal.
pub trait OrRefuse<T> {
    /// On [`StorageError::NotFound`], [`refuse`] the asker `target`.
    fn or_refuse(
        self,
        app: &App,
        asker: Asker<'_>,
        target: Owned<'_>,
    ) -> impl Future<Output = Result<T, StorageError>> + Send;
}

impl<T: Send> OrRefuse<T> for Result<T, StorageError> {
    async fn or_refuse(self, app: &App, asker: Asker<'_>, target: Owned<'_>) -> Result<T, StorageError> {
        match self {
            Err(StorageError::NotFound) => Err(refuse(app, asker, target).await),
            other => other,
        }
    }
}
