//! Public tips: which organisation covers which airport, the platform's public desk,
//! storing a tip (a report flagged `public_tip`, filed under the organisation's
//! inactive tip-line account, with its receipt's lookup and hash), finding tips by a
//! receipt's lookup, and the sealed two-way thread. Nothing here stores the sender's
//! address or any other metadata of the request.

use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::ids::{OrgId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::reports::insert_reports;
use crate::{Db, NewReport, Result, StorageError, from_micros, to_micros};

/// The organisation's inactive tip-line account inside an open transaction `$tx`,
/// made on first use: public tips are filed under it, and the retention purge moves a
/// purged crew report's reporter link to it. Its value is the account's id.
macro_rules! tip_line_in_tx {
    ($tx:ident, $org:expr, $now:expr) => {{
        let org: sightline_domain::ids::OrgId = $org;
        let email = format!("tip-line+{}@public.invalid", org.as_uuid().simple());
        exec_in_tx!(
            $tx,
            "INSERT INTO users (id, org_id, name, email, active, tip_line, created_at) \
             VALUES ($1, $2, 'Public tip line', $3, FALSE, TRUE, $4) ON CONFLICT (email) DO NOTHING",
            sightline_domain::ids::UserId::new().as_uuid(),
            org.as_uuid(),
            &email,
            $crate::to_micros($now)
        );
        let line: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND org_id = $2 AND tip_line")
            .bind(&email)
            .bind(org.as_uuid())
            .fetch_one(&mut *$tx)
            .await?;
        line
    }};
}

/// The name the public desk is created with.
pub const PUBLIC_DESK_NAME: &str = "Public tip desk";

/// A tip ready to store: the report (validated, sealed) and the receipt's lookup and
/// Argon2id hash. The report's `reporter_id` is ignored: a tip is filed under the
/// receiving organisation's tip-line account.
#[derive(Debug, Clone)]
pub struct NewTip {
    pub report: NewReport,
    pub lookup: i64,
    pub receipt_hash: String,
    /// When it was seen, as the tipster gave it.
    pub seen: String,
}

/// A stored tip found by its receipt's lookup (the hash still has to be checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipKey {
    pub org_id: OrgId,
    pub report_id: Uuid,
    pub receipt_hash: String,
}

/// A message of a tip's thread, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipMessage {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub from_desk: bool,
    pub actor_id: Option<UserId>,
    pub sealed: (Vec<u8>, Vec<u8>),
}

/// A message about to be stored (sealed by the caller under its own id).
#[derive(Debug, Clone)]
pub struct NewTipMessage {
    pub id: Uuid,
    pub org_id: OrgId,
    pub report_id: Uuid,
    pub from_desk: bool,
    pub actor_id: Option<UserId>,
    pub sealed: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    org_id: Uuid,
    report_id: Uuid,
    receipt_hash: String,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: Uuid,
    at: i64,
    from_desk: bool,
    actor_id: Option<Uuid>,
    sealed: Vec<u8>,
    wrapped_key: Vec<u8>,
}

/// The most airports one organisation covers.
pub const MAX_AIRPORTS: usize = 200;

impl Db {
    /// The airports (IATA) an organisation covers, sorted.
    ///
    /// # Errors
    /// The database failed.
    pub async fn org_airports(&self, org: OrgId) -> Result<Vec<String>> {
        let rows: Vec<String> = fetch!(
            self,
            query_scalar.fetch_all,
            "SELECT airport FROM org_airports WHERE org_id = $1 ORDER BY airport",
            org.as_uuid()
        );
        Ok(rows)
    }

    /// Replace the airports an organisation covers (already checked codes), audited
    /// in the same transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `airports` when another organisation covers one
    /// of them (nothing changes); the database failed.
    pub async fn set_org_airports(
        &self,
        org: OrgId,
        airports: &[String],
        audit: &NewAuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            exec_in_tx!(tx, "DELETE FROM org_airports WHERE org_id = $1", org.as_uuid());
            for a in airports {
                sqlx::query("INSERT INTO org_airports (airport, org_id, updated_at) VALUES ($1, $2, $3)")
                    .bind(a)
                    .bind(org.as_uuid())
                    .bind(to_micros(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(StorageError::unique("airports"))?;
            }
            audit_in_tx!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The organisation whose desk takes tips about `airport`, if one covers it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn covering_org(&self, airport: &str) -> Result<Option<OrgId>> {
        let id: Option<Uuid> =
            fetch!(self, query_scalar.fetch_optional, "SELECT org_id FROM org_airports WHERE airport = $1", airport);
        Ok(id.map(OrgId::from_uuid))
    }

    /// The platform's public desk, created (kind `ngo`, named [`PUBLIC_DESK_NAME`],
    /// audited) the first time it is needed.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `name` when another organisation already has that
    /// name; the database failed.
    pub async fn public_desk(&self, now: OffsetDateTime) -> Result<OrgId> {
        let find = "SELECT id FROM organisations WHERE public_desk";
        let found: Option<Uuid> = fetch!(self, query_scalar.fetch_optional, find);
        if let Some(id) = found {
            return Ok(OrgId::from_uuid(id));
        }
        let id = OrgId::new();
        let audit = NewAuditEntry::new(AuditAction::OrgCreated)
            .org(id)
            .target("organisation", id)
            .detail(format!("{PUBLIC_DESK_NAME} (ngo, public desk)"));
        let made: Option<Uuid> = db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "INSERT INTO organisations (id, name, name_key, kind, created_at, public_desk) \
                 VALUES ($1, $2, $3, 'ngo', $4, TRUE) ON CONFLICT DO NOTHING",
            )
            .bind(id.as_uuid())
            .bind(PUBLIC_DESK_NAME)
            .bind(PUBLIC_DESK_NAME.to_lowercase())
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                audit_in_tx!(tx, &audit, now);
            }
            tx.commit().await?;
            sqlx::query_scalar(find).fetch_optional(p).await?
        });
        made.map(OrgId::from_uuid).ok_or(StorageError::Conflict { field: "name" })
    }

    /// Whether this organisation is the platform's public desk.
    ///
    /// # Errors
    /// The database failed.
    pub async fn is_public_desk(&self, org: OrgId) -> Result<bool> {
        let v: Option<bool> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT public_desk FROM organisations WHERE id = $1",
            org.as_uuid()
        );
        Ok(v.unwrap_or(false))
    }

    /// Store a tip: the organisation's tip-line account (made on its first tip), the
    /// report, the tip's receipt lookup and hash, and a `tip.received` audit entry
    /// with no actor and no address — in one transaction.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] on `id` if the id is taken (nothing is stored); the
    /// database failed.
    pub async fn put_tip(&self, tip: &NewTip, now: OffsetDateTime) -> Result<()> {
        let r = &tip.report;
        let org = r.org_id;
        let audit = NewAuditEntry::new(AuditAction::TipReceived).org(org).target("report", r.id).detail(format!(
            "{} {}",
            r.reference,
            if r.origin.is_empty() { "-" } else { &r.origin }
        ));
        audited_tx!(self, &audit, now, queue = [(org, r.id, crate::QueueChangeKind::New)], |tx| {
            let line = tip_line_in_tx!(tx, org, now);
            one_row_or!(
                tx,
                StorageError::Conflict { field: "id" },
                insert_reports!(std::iter::once((r, line, true)), now).build()
            );
            count_reports_in_tx!(tx, [r], sightline_domain::stats::month_of(now));
            exec_in_tx!(
                tx,
                "INSERT INTO tips (report_id, org_id, lookup, receipt_hash, seen, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                r.id,
                org.as_uuid(),
                tip.lookup,
                &tip.receipt_hash,
                &tip.seen,
                to_micros(now)
            );
        });
        Ok(())
    }

    /// Spend a public tip's proof-of-work challenge (its nonce) once, for every node
    /// on this database: `false` if it was spent already. It is kept until
    /// `expires_at` (unix seconds), when the challenge itself has expired, and purged
    /// after ([`Db::purge_expired`]).
    ///
    /// # Errors
    /// The database failed.
    pub async fn spend_challenge(&self, nonce: &str, expires_at: i64) -> Result<bool> {
        let added = exec!(
            self,
            "INSERT INTO spent_challenges (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
            nonce,
            expires_at
        );
        Ok(added == 1)
    }

    /// The tips whose receipt has this lookup, in any organisation (the receipt is
    /// the key: this and sign-in by e-mail are the lookups that cross organisations).
    /// Usually none or one; each hash must still be verified.
    ///
    /// # Errors
    /// The database failed.
    pub async fn tips_by_lookup(&self, lookup: i64) -> Result<Vec<TipKey>> {
        let rows: Vec<KeyRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT org_id, report_id, receipt_hash FROM tips WHERE lookup = $1 ORDER BY report_id LIMIT 16",
            lookup
        );
        Ok(rows
            .into_iter()
            .map(|r| TipKey {
                org_id: OrgId::from_uuid(r.org_id),
                report_id: r.report_id,
                receipt_hash: r.receipt_hash,
            })
            .collect())
    }

    /// When a tip says it was seen (`None`: not a tip of this organisation).
    ///
    /// # Errors
    /// The database failed.
    pub async fn tip_seen(&self, org: OrgId, report: Uuid) -> Result<Option<String>> {
        let v: Option<String> = fetch!(
            self,
            query_scalar.fetch_optional,
            "SELECT seen FROM tips WHERE org_id = $1 AND report_id = $2",
            org.as_uuid(),
            report
        );
        Ok(v)
    }

    /// A tip's thread, oldest first (still sealed).
    ///
    /// # Errors
    /// The database failed.
    pub async fn tip_messages(&self, org: OrgId, report: Uuid) -> Result<Vec<TipMessage>> {
        let rows: Vec<MessageRow> = fetch!(
            self,
            query_as.fetch_all,
            "SELECT id, at, from_desk, actor_id, sealed, wrapped_key FROM tip_messages \
             WHERE org_id = $1 AND report_id = $2 ORDER BY at, id",
            org.as_uuid(),
            report
        );
        Ok(rows
            .into_iter()
            .map(|r| TipMessage {
                id: r.id,
                at: from_micros(r.at),
                from_desk: r.from_desk,
                actor_id: r.actor_id.map(UserId::from_uuid),
                sealed: (r.sealed, r.wrapped_key),
            })
            .collect())
    }

    /// Add a message to a tip's thread, audited in the same transaction (`tip.replied`
    /// by the analyst, or `tip.message_received` with no actor and no address).
    ///
    /// # Errors
    /// [`StorageError::NotFound`] when the report is not a tip of this organisation;
    /// the database failed.
    pub async fn add_tip_message(&self, m: &NewTipMessage, now: OffsetDateTime) -> Result<()> {
        let mut audit =
            NewAuditEntry::new(if m.from_desk { AuditAction::TipReplied } else { AuditAction::TipMessageReceived })
                .org(m.org_id)
                .target("report", m.report_id);
        if let Some(a) = m.actor_id {
            audit = audit.actor(a);
        }
        audited_one_row!(
            self,
            &audit,
            now,
            "INSERT INTO tip_messages (id, org_id, report_id, at, from_desk, actor_id, sealed, wrapped_key) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS \
             (SELECT 1 FROM tips WHERE org_id = $9 AND report_id = $10)",
            m.id,
            m.org_id.as_uuid(),
            m.report_id,
            to_micros(now),
            m.from_desk,
            m.actor_id.map(|a| a.as_uuid()),
            &m.sealed,
            &m.wrapped_key,
            m.org_id.as_uuid(),
            m.report_id,
        );
        Ok(())
    }
}
