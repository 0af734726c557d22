//! Organisations.

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::{ApiTokenId, OrgId, UserId};
use sightline_domain::org::{OrgKind, OrgName};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::stored;
use crate::{Db, Result, StorageError, from_micros};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    pub created_at: OffsetDateTime,
    pub user_count: i64,
}

/// A record that belongs to one organisation, named by the id a request carried.
/// [`Db::owner_of`] says whose it is, so that a refused request for another
/// organisation's record can be told apart from a mistyped id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owned<'a> {
    Organisation(OrgId),
    User(UserId),
    /// A crew report (a case on the desk).
    Report(Uuid),
    /// A certificate, by its code.
    Certificate(&'a str),
    ApiToken(ApiTokenId),
    /// A knowledge-check attempt.
    Attempt(Uuid),
    /// A referral (its referring organisation owns it).
    Referral(Uuid),
}

impl Owned<'_> {
    /// The audit trail's name for the kind of record.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Organisation(_) => "organisation",
            Self::User(_) => "user",
            Self::Report(_) => "report",
            Self::Certificate(_) => "certificate",
            Self::ApiToken(_) => "api_token",
            Self::Attempt(_) => "check_attempt",
            Self::Referral(_) => "referral",
        }
    }

    /// The id as the request carried it.
    #[must_use]
    pub fn id(&self) -> String {
        match self {
            Self::Organisation(id) => id.to_string(),
            Self::User(id) => id.to_string(),
            Self::Report(id) | Self::Attempt(id) | Self::Referral(id) => id.to_string(),
            Self::Certificate(code) => (*code).to_owned(),
            Self::ApiToken(id) => id.to_string(),
        }
    }
}

/// An `organisations` row with its number of users.
#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    name: String,
    kind: String,
    created_at: i64,
    user_count: i64,
}

fn to_org(r: OrgRow) -> Result<Organisation> {
    Ok(Organisation {
        id: OrgId::from_uuid(r.id),
        name: r.name,
        kind: stored("organisation kind", &r.kind)?,
        created_at: from_micros(r.created_at),
        user_count: r.user_count,
    })
}

const SELECT: &str = "SELECT o.id, o.name, o.kind, o.created_at, \
     (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id AND NOT u.tip_line) AS user_count FROM organisations o";

/// The key that makes organisation names unique regardless of case and spacing.
pub(crate) fn name_key(name: &OrgName) -> String {
    name.as_str().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Insert an organisation inside an open transaction.
macro_rules! insert_org_in_tx {
    ($tx:expr, $id:expr, $name:expr, $kind:expr, $now:expr) => {
        sqlx::query("INSERT INTO organisations (id, name, name_key, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind($id.as_uuid())
            .bind($name.as_str())
            .bind($crate::orgs::name_key($name))
            .bind($kind.as_str())
            .bind($crate::to_micros($now))
            .execute(&mut *$tx)
            .await
            .map_err(StorageError::unique("name"))?
    };
}
pub(crate) use insert_org_in_tx;

impl Db {
    /// Create an organisation and audit it.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `name` if the name is taken.
    pub async fn create_org(
        &self,
        name: &OrgName,
        kind: OrgKind,
        audit: NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<OrgId> {
        let id = OrgId::new();
        let audit = audit.org(id).target("organisation", id).detail(format!("{} ({kind})", name.as_str()));
        audited_tx!(self, &audit, now, |tx| {
            insert_org_in_tx!(tx, id, name, kind, now);
        });
        Ok(id)
    }

    /// Every organisation (for platform admins), by name.
    ///
    /// # Errors
    /// The database failed.
    pub async fn list_orgs(&self) -> Result<Vec<Organisation>> {
        let sql = format!("{SELECT} ORDER BY o.name_key");
        let rows: Vec<OrgRow> = fetch!(self, query_as.fetch_all, &sql);
        rows.into_iter().map(to_org).collect()
    }

    /// The organisations of these kinds except `except`, by name (the desk's choice of
    /// partners on every case view: only those rows are read).
    ///
    /// # Errors
    /// The database failed.
    pub async fn orgs_of_kinds(&self, kinds: &[OrgKind], except: OrgId) -> Result<Vec<Organisation>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let slots: Vec<String> = (2..kinds.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE o.id <> $1 AND o.kind IN ({}) ORDER BY o.name_key", slots.join(", "));
        let rows: Vec<OrgRow> = db_run!(self, |p| {
            let mut q = sqlx::query_as(&sql).bind(except.as_uuid());
            for k in kinds {
                q = q.bind(k.as_str());
            }
            q.fetch_all(p).await?
        });
        rows.into_iter().map(to_org).collect()
    }

    /// One organisation.
    ///
    /// # Errors
    /// [`StorageError::NotFound`].
    pub async fn get_org(&self, id: OrgId) -> Result<Organisation> {
        let sql = format!("{SELECT} WHERE o.id = $1");
        let row: Option<OrgRow> = fetch!(self, query_as.fetch_optional, &sql, id.as_uuid());
        row.map(to_org).transpose()?.ok_or(StorageError::NotFound)
    }

    /// Look an organisation up by name (case-insensitive).
    ///
    /// # Errors
    /// [`StorageError::NotFound`].
    pub async fn org_by_name(&self, name: &OrgName) -> Result<Organisation> {
        let sql = format!("{SELECT} WHERE o.name_key = $1");
        let row: Option<OrgRow> = fetch!(self, query_as.fetch_optional, &sql, name_key(name));
        row.map(to_org).transpose()?.ok_or(StorageError::NotFound)
    }

    /// Number of organisations.
    ///
    /// # Errors
    /// The database failed.
    pub async fn count_orgs(&self) -> Result<i64> {
        let n: i64 = fetch!(self, query_scalar.fetch_one, "SELECT COUNT(*) FROM organisations");
        Ok(n)
    }

    /// The organisation that holds this record, if it exists and belongs to one (an
    /// anonymous learner's attempt or certificate belongs to none).
    ///
    /// # Errors
    /// The database failed.
    pub async fn owner_of(&self, target: Owned<'_>) -> Result<Option<OrgId>> {
        let sql = match target {
            Owned::Organisation(_) => "SELECT id FROM organisations WHERE id = $1",
            Owned::User(_) => "SELECT org_id FROM users WHERE id = $1",
            Owned::Report(_) => "SELECT org_id FROM reports WHERE id = $1",
            Owned::Certificate(_) => "SELECT org_id FROM certificates WHERE code = $1",
            Owned::ApiToken(_) => "SELECT org_id FROM api_tokens WHERE id = $1",
            Owned::Attempt(_) => "SELECT org_id FROM check_attempts WHERE id = $1",
            Owned::Referral(_) => "SELECT org_id FROM referrals WHERE id = $1",
        };
        let id = match target {
            Owned::Certificate(code) => {
                let row: Option<Option<Uuid>> = fetch!(self, query_scalar.fetch_optional, sql, code);
                return Ok(row.flatten().map(OrgId::from_uuid));
            }
            Owned::Organisation(id) => id.as_uuid(),
            Owned::User(id) => id.as_uuid(),
            Owned::ApiToken(id) => id.as_uuid(),
            Owned::Report(id) | Owned::Attempt(id) | Owned::Referral(id) => id,
        };
        let row: Option<Option<Uuid>> = fetch!(self, query_scalar.fetch_optional, sql, id);
        Ok(row.flatten().map(OrgId::from_uuid))
    }
}
