//! Retention and legal hold (issue 15, item 1), for an organisation's administrators
//! (or platform admins): the retention policy (how long a closed case keeps its text,
//! by outcome, and public tips) and the legal hold that keeps a case from the purge.
//! The purge itself is background work (`sightline_jobs::retention`, run by the job
//! runner and `sightline purge`). Every change is audited.

use sightline_domain::audit::AuditAction;
use sightline_domain::ids::OrgId;
use sightline_domain::retention::{self, RetentionPolicy};
use sightline_storage::Owned;
use uuid::Uuid;

use crate::access::{Asker, OrRefuse};
use crate::{App, Caller, Result};

/// A policy in words for the audit trail: `field=days` of each period set, or `keep`.
fn describe(p: &RetentionPolicy) -> String {
    let set: Vec<String> =
        p.by_field().iter().filter_map(|(f, d)| d.map(|d| format!("{}={d}", f.trim_end_matches("_days")))).collect();
    if set.is_empty() { "keep everything".to_owned() } else { set.join(" ") }
}

impl App {
    /// The organisation's retention policy.
    ///
    /// # Errors
    /// As [`Self::administer`]; the database failed.
    pub async fn retention_policy(&self, caller: &Caller, org: OrgId) -> Result<RetentionPolicy> {
        let org = self.administer(caller, org).await?;
        Ok(self.db.retention_policy(org).await?)
    }

    /// Set the organisation's retention policy from the periods as typed
    /// (`value(field)`, fields [`retention::FIELDS`]; empty keeps for ever). Audited.
    ///
    /// # Errors
    /// As [`Self::administer`]; every period out of range
    /// ([`crate::AppError::Invalid`]).
    pub async fn set_retention_policy<'a>(
        &self,
        caller: &Caller,
        org: OrgId,
        value: impl Fn(&'static str) -> &'a str,
    ) -> Result<RetentionPolicy> {
        let (org, audit) = self.settings_admin(caller, org, AuditAction::RetentionChanged).await?;
        let policy = RetentionPolicy::parse(value).map_err(crate::AppError::Invalid)?;
        self.db.set_retention_policy(org, &policy, &audit.detail(describe(&policy)), self.now()).await?;
        Ok(policy)
    }

    /// Place (or restate) a legal hold on the organisation's case `id`: nothing under
    /// hold is purged. The organisation's administrators and platform admins; the
    /// reason is required. Audited; another organisation's case is "not found" (and
    /// that attempt audited).
    ///
    /// # Errors
    /// As [`Self::administer`]; `reason` missing or too long; no such case.
    pub async fn place_legal_hold(&self, caller: &Caller, org: OrgId, id: Uuid, reason: &str) -> Result<()> {
        let (org, audit) = self.settings_admin(caller, org, AuditAction::LegalHoldPlaced).await?;
        self.held_case(caller, org, id).await?;
        let reason = retention::parse_hold_reason(reason)?;
        let audit = audit.target("report", id).detail(format!("{} characters of reason", reason.chars().count()));
        self.db.set_legal_hold(org, id, Some((&reason, caller.id())), &audit, self.now()).await?;
        Ok(())
    }

    /// Lift the legal hold on the organisation's case `id` (the purge may then
    /// remove its text when due). Audited.
    ///
    /// # Errors
    /// As [`Self::place_legal_hold`]; the case is not under hold ("not found").
    pub async fn lift_legal_hold(&self, caller: &Caller, org: OrgId, id: Uuid) -> Result<()> {
        let (org, audit) = self.settings_admin(caller, org, AuditAction::LegalHoldLifted).await?;
        self.held_case(caller, org, id).await?;
        self.db.set_legal_hold(org, id, None, &audit.target("report", id), self.now()).await?;
        Ok(())
    }

    /// The organisation's case `id`; another's is "not found", the attempt audited.
    async fn held_case(&self, caller: &Caller, org: OrgId, id: Uuid) -> Result<()> {
        self.db.case(org, id).await.or_refuse(self, Asker::of(caller), Owned::Report(id)).await?;
        Ok(())
    }
}
