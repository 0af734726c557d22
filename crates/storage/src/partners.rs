//! Partner pages (migration 0023): one profile per organisation, written by its
//! admins (version-guarded, audited in the same transaction), read by the public
//! pages only when published; and the counts the page's impact figures are made of.
//! Every read and write of a profile names its organisation; the one lookup across
//! organisations is the public one by slug, which returns only published profiles.

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::{OrgId, UserId};
use sightline_domain::org::OrgKind;
use sightline_domain::partner::{Profile, ProfileDraft, services_text};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros, to_micros};

/// A stored partner profile with its organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerPage {
    pub org_id: OrgId,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub profile: Profile,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// What a partner page's impact figures count, before suppression.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnerCounts {
    /// People of the organisation holding a certificate not revoked (courses belong
    /// to no organisation: its own people trained through Sightline).
    pub trained: u64,
    /// Referrals made to the organisation.
    pub referrals: u64,
    /// Of those, the ones with support recorded (other than "declined by the person").
    pub supported: u64,
}

/// The most partners the public list shows.
pub const MAX_PARTNERS: i64 = 200;

const COLUMNS: &str = "p.org_id, o.name AS org_name, o.kind AS org_kind, p.slug, p.about, p.services, p.phone, \
     p.website, p.email, p.donation_url, p.published, p.updated_at, p.version";

#[derive(sqlx::FromRow)]
struct Row {
    org_id: Uuid,
    org_name: String,
    org_kind: String,
    slug: String,
    about: String,
    services: String,
    phone: Option<String>,
    website: Option<String>,
    email: Option<String>,
    donation_url: Option<String>,
    published: bool,
    updated_at: i64,
    version: i64,
}

impl TryFrom<Row> for PartnerPage {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self> {
        // Read back through the same rules it was written with: a stored value the
        // rules refuse is corrupt, never shown.
        let draft = ProfileDraft {
            slug: r.slug,
            about: r.about,
            services: r.services.split_whitespace().map(str::to_owned).collect(),
            phone: r.phone.unwrap_or_default(),
            website: r.website.unwrap_or_default(),
            email: r.email.unwrap_or_default(),
            donation_url: r.donation_url.unwrap_or_default(),
            published: r.published,
        };
        let profile =
            Profile::parse(&draft).map_err(|_| StorageError::corrupt("partner profile", &r.org_id.to_string()))?;
        Ok(Self {
            org_id: OrgId::from_uuid(r.org_id),
            org_name: r.org_name,
            org_kind: stored("organisation kind", &r.org_kind)?,
            profile,
            updated_at: from_micros(r.updated_at),
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CountsRow {
    trained: i64,
    referrals: i64,
    supported: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Db {
    /// The organisation's profile, published or not (for its admins).
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn partner_page(&self, org: OrgId) -> Result<Option<PartnerPage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_profiles p JOIN organisations o ON o.id = p.org_id WHERE p.org_id = $1"
        );
        let row: Option<Row> = fetch!(self, query_as.fetch_optional, &sql, org.as_uuid());
        row.map(TryInto::try_into).transpose()
    }

    /// A published profile by its slug (the public page); an unpublished or unknown
    /// one is [`StorageError::NotFound`].
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn published_partner(&self, slug: &str) -> Result<PartnerPage> {
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_profiles p JOIN organisations o ON o.id = p.org_id \
             WHERE p.slug = $1 AND p.published = TRUE"
        );
        let row: Option<Row> = fetch!(self, query_as.fetch_optional, &sql, slug);
        row.ok_or(StorageError::NotFound)?.try_into()
    }

    /// Every published profile, by organisation name, at most [`MAX_PARTNERS`].
    ///
    /// # Errors
    /// The database failed; a stored value does not read back.
    pub async fn published_partners(&self) -> Result<Vec<PartnerPage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_profiles p JOIN organisations o ON o.id = p.org_id \
             WHERE p.published = TRUE ORDER BY o.name_key, p.slug LIMIT {MAX_PARTNERS}"
        );
        let rows: Vec<Row> = fetch!(self, query_as.fetch_all, &sql);
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Create (`version` 0) or change (`version` as read) the organisation's profile,
    /// with the audit entry, in one transaction. Returns the new version.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `version` when it changed (or was created)
    /// meanwhile, on `slug` when another organisation's page has that address; the
    /// database failed.
    pub async fn put_partner_page(
        &self,
        org: OrgId,
        profile: &Profile,
        version: i64,
        actor: UserId,
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<i64> {
        let p = profile;
        let services = services_text(&p.services);
        let phone = p.phone.as_ref().map(|v| v.as_str().to_owned());
        let website = p.website.as_ref().map(|v| v.as_str().to_owned());
        let email = p.email.as_ref().map(|v| v.as_str().to_owned());
        let donation = p.donation_url.as_ref().map(|v| v.as_str().to_owned());
        let sql = if version == 0 {
            "INSERT INTO partner_profiles (org_id, slug, about, services, phone, website, email, donation_url, \
             published, updated_at, updated_by, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CAST($12 AS BIGINT) + 1) \
             ON CONFLICT (org_id) DO NOTHING"
        } else {
            "UPDATE partner_profiles SET slug = $2, about = $3, services = $4, phone = $5, website = $6, email = $7, \
             donation_url = $8, published = $9, updated_at = $10, updated_by = $11, version = version + 1 \
             WHERE org_id = $1 AND version = $12"
        };
        audited_tx!(self, audit, now, |tx| {
            let done = sqlx::query(sql)
                .bind(org.as_uuid())
                .bind(p.slug.as_str())
                .bind(&p.about)
                .bind(&services)
                .bind(phone.as_deref())
                .bind(website.as_deref())
                .bind(email.as_deref())
                .bind(donation.as_deref())
                .bind(p.published)
                .bind(to_micros(now))
                .bind(actor.as_uuid())
                .bind(version)
                .execute(&mut *tx)
                .await
                .map_err(StorageError::unique("slug"))?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Err(StorageError::Conflict { field: "version" });
            }
        });
        Ok(version + 1)
    }

    /// The counts of the organisation's impact figures, over all time.
    ///
    /// # Errors
    /// The database failed.
    pub async fn partner_counts(&self, org: OrgId) -> Result<PartnerCounts> {
        let row: CountsRow = fetch!(
            self,
            query_as.fetch_one,
            "SELECT \
             (SELECT COUNT(DISTINCT user_id) FROM certificates \
              WHERE org_id = $1 AND user_id IS NOT NULL AND revoked_at IS NULL) AS trained, \
             (SELECT COUNT(*) FROM referrals WHERE recipient_org_id = $1) AS referrals, \
             (SELECT COUNT(*) FROM referrals WHERE recipient_org_id = $1 AND status = 'accepted' \
              AND support <> '' AND support <> 'declined_by_person') AS supported",
            org.as_uuid()
        );
        Ok(PartnerCounts {
            trained: count(row.trained),
            referrals: count(row.referrals),
            supported: count(row.supported),
        })
    }
}
