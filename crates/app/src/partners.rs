//! Partner pages: an NGO's (or authority's) public page at `/partners/{slug}`, which
//! its administrators write ([`App::partner_page_edit`], [`App::save_partner_page`],
//! audited), and which anyone reads once published ([`App::public_partner`],
//! [`App::public_partners`]) with impact figures from Sightline's own data, each
//! published through the statistics' suppression (`partner::figure`: below k = 11 it
//! is hidden).

use sightline_domain::FieldError;
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::OrgId;
use sightline_domain::org::OrgKind;
use sightline_domain::partner::{Profile, ProfileDraft, Slug, figure};
use sightline_domain::stats::Shown;
use sightline_storage::{Organisation, PartnerPage, StorageError};

use crate::{App, AppError, Caller, Result};

/// What the edit form starts from.
#[derive(Debug, Clone)]
pub struct PartnerEdit {
    pub org: Organisation,
    /// The stored page, if there is one.
    pub page: Option<PartnerPage>,
    /// The address the organisation's name suggests (for a first page).
    pub suggested_slug: Slug,
}

/// A published page with its impact figures, as the public sees them.
#[derive(Debug, Clone)]
pub struct PublicPartner {
    pub page: PartnerPage,
    pub figures: Figures,
}

/// Impact figures, each shown or hidden (fewer than k = 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// People of the organisation who earned a Sightline certificate (not revoked).
    pub trained: Shown,
    /// Referrals the organisation received.
    pub referrals: Shown,
    /// Referrals with support recorded (other than declined by the person).
    pub supported: Shown,
}

/// Which organisations may have a partner page: NGOs and authorities.
#[must_use]
pub const fn may_have_page(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Ngo | OrgKind::Authority)
}

impl App {
    /// The organisation's page for its administrators to edit.
    ///
    /// # Errors
    /// As [`App::administer`]; [`AppError::Forbidden`] for an airline or airport.
    pub async fn partner_page_edit(&self, caller: &Caller, org: OrgId) -> Result<PartnerEdit> {
        let org = self.administered_org(caller, org).await?;
        if !may_have_page(org.kind) {
            return Err(AppError::Forbidden);
        }
        let page = self.db.partner_page(org.id).await?;
        let suggested_slug = Slug::from_name(&org.name);
        Ok(PartnerEdit { org, page, suggested_slug })
    }

    /// Save the organisation's page (`version` 0 makes it; otherwise the version the
    /// form was read at), audited (`org.partner_page_changed`). Returns the new version.
    ///
    /// # Errors
    /// As [`App::partner_page_edit`]; every field at fault ([`AppError::Invalid`],
    /// `slug`/`slug-taken` when another organisation's page has the address);
    /// [`AppError::Conflict`] on `version` when it changed meanwhile.
    pub async fn save_partner_page(
        &self,
        caller: &Caller,
        org: OrgId,
        draft: &ProfileDraft,
        version: i64,
    ) -> Result<i64> {
        let edit = self.partner_page_edit(caller, org).await?;
        let profile = Profile::parse(draft).map_err(|e| AppError::Invalid(e.0))?;
        let audit = NewAuditEntry::new(AuditAction::PartnerPageChanged)
            .org(edit.org.id)
            .actor(caller.id())
            .ip(caller.ip().map(str::to_owned))
            .target("organisation", edit.org.id)
            .detail(format!("/partners/{} published: {}", profile.slug, profile.published));
        match self.db.put_partner_page(edit.org.id, &profile, version.max(0), caller.id(), &audit, self.now()).await {
            Err(StorageError::Conflict { field: "slug" }) => {
                Err(AppError::Invalid(vec![FieldError::new("slug", "slug-taken")]))
            }
            other => Ok(other?),
        }
    }

    /// A published partner page with its figures, for anyone (no caller: public data).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for an unknown or unpublished slug; the database failed.
    pub async fn public_partner(&self, slug: &str) -> Result<PublicPartner> {
        let Ok(slug) = Slug::parse(slug) else { return Err(AppError::NotFound) };
        let page = self.db.published_partner(slug.as_str()).await?;
        let c = self.db.partner_counts(page.org_id).await?;
        let figures =
            Figures { trained: figure(c.trained), referrals: figure(c.referrals), supported: figure(c.supported) };
        Ok(PublicPartner { page, figures })
    }

    /// Every published partner page (the public lists).
    ///
    /// # Errors
    /// The database failed.
    pub async fn public_partners(&self) -> Result<Vec<PartnerPage>> {
        Ok(self.db.published_partners().await?)
    }
}
