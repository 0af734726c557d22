//! What key rotation needs from the database: every sealed column listed once
//! ([`SEALED_COLUMNS`]), read in id order in batches, data keys written back guarded
//! by their old value (a row the server changed meanwhile is left for the final
//! check), each batch with its cursor in one transaction so a crash loses nothing and
//! a restart resumes; the rotation's record; organisations' key generations; and the
//! derived secrets that must outlive a rotation. No key is ever stored here: the
//! crypto is the caller's (`sightline keys rotate`), this layer moves bytes.

use std::collections::HashMap;

use sightline_domain::audit::NewAuditEntry;
use sightline_domain::ids::OrgId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StorageError, to_micros};

/// How a column holds its sealed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedForm {
    /// Two BLOB columns: the body and the wrapped data key.
    Blob { body: &'static str, wrapped_key: &'static str },
    /// One TEXT column `sealed:v1:<body>.<wrapped key>` (base64url, no padding).
    Text { column: &'static str },
}

/// Whose key seals a column's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedOwner {
    /// This expression's organisation.
    Org(&'static str),
    /// The platform (the nil organisation id): secrets of no organisation.
    Platform,
}

/// One sealed column: where its rows are, whose key and which record id they are
/// sealed to (the associated data), and how to write a re-wrapped key back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    /// `table.column`: the cursor's name and what the operator reads.
    pub name: &'static str,
    /// The table written back (the row's primary key is `pk`, a UUID).
    pub table: &'static str,
    pub pk: &'static str,
    /// The FROM clause (the table, joined where the organisation is elsewhere), with
    /// the table's columns qualified by `t.`.
    from: &'static str,
    pub owner: SealedOwner,
    /// The record id the value is sealed to.
    record: &'static str,
    pub form: SealedForm,
}

const fn blob(
    name: &'static str,
    table: &'static str,
    from: &'static str,
    org: &'static str,
    record: &'static str,
    body: &'static str,
) -> SealedColumn {
    SealedColumn {
        name,
        table,
        pk: "id",
        from,
        owner: SealedOwner::Org(org),
        record,
        form: SealedForm::Blob { body, wrapped_key: "wrapped_key" },
    }
}

const fn org_secret(name: &'static str, table: &'static str, from: &'static str, column: &'static str) -> SealedColumn {
    SealedColumn {
        name,
        table,
        pk: "org_id",
        from,
        owner: SealedOwner::Org("t.org_id"),
        record: "t.org_id",
        form: SealedForm::Text { column },
    }
}

/// Every sealed column in the schema. A test compares this list with the migrated
/// schema (every column named like `sealed`, `wrapped` or `secret` must be here), so a
/// new sealed column cannot be left out of rotations unnoticed.
pub const SEALED_COLUMNS: &[SealedColumn] = &[
    blob("reports.sealed", "reports", "reports t", "t.org_id", "t.id", "sealed"),
    // Notes are sealed to their case (the report), not to the event.
    blob("case_events.sealed", "case_events", "case_events t", "t.org_id", "t.report_id", "sealed"),
    blob("mail_outbox.sealed_body", "mail_outbox", "mail_outbox t", "t.org_id", "t.id", "sealed_body"),
    blob("tip_messages.sealed", "tip_messages", "tip_messages t", "t.org_id", "t.id", "sealed"),
    // Referrals and their messages are sealed under the referring organisation's key.
    blob("referrals.sealed", "referrals", "referrals t", "t.org_id", "t.id", "sealed"),
    blob(
        "referral_messages.sealed",
        "referral_messages",
        "referral_messages t JOIN referrals r ON r.id = t.referral_id",
        "r.org_id",
        "t.id",
        "sealed",
    ),
    SealedColumn {
        name: "users.totp_secret",
        table: "users",
        pk: "id",
        from: "users t",
        owner: SealedOwner::Org("t.org_id"),
        record: "t.id",
        form: SealedForm::Text { column: "totp_secret" },
    },
    SealedColumn {
        name: "users.totp_pending_secret",
        table: "users",
        pk: "id",
        from: "users t",
        owner: SealedOwner::Org("t.org_id"),
        record: "t.id",
        form: SealedForm::Text { column: "totp_pending_secret" },
    },
    org_secret("org_alerts.webhook_secret", "org_alerts", "org_alerts t", "webhook_secret"),
    org_secret("org_referral_hooks.webhook_secret", "org_referral_hooks", "org_referral_hooks t", "webhook_secret"),
    org_secret("org_sso.client_secret", "org_sso", "org_sso t", "client_secret"),
    org_secret("org_xapi.auth_secret", "org_xapi", "org_xapi t", "auth_secret"),
    SealedColumn {
        name: "derived_secrets.sealed",
        table: "derived_secrets",
        pk: "id",
        from: "derived_secrets t",
        owner: SealedOwner::Platform,
        record: "t.id",
        form: SealedForm::Text { column: "sealed" },
    },
];

impl SealedColumn {
    /// The column holding the sealed value (the body, for the two-column form).
    #[must_use]
    pub const fn column(&self) -> &'static str {
        match self.form {
            SealedForm::Blob { body, .. } => body,
            SealedForm::Text { column } => column,
        }
    }

    /// The column a re-wrap writes.
    const fn written(&self) -> &'static str {
        match self.form {
            SealedForm::Blob { wrapped_key, .. } => wrapped_key,
            SealedForm::Text { column } => column,
        }
    }
}

/// A sealed value as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealedValue {
    Blob { body: Vec<u8>, wrapped_key: Vec<u8> },
    Text(String),
}

/// One sealed row: its id, whose key and which record it is sealed to, its value.
#[derive(Debug, Clone)]
pub struct SealedRow {
    pub id: Uuid,
    pub org: OrgId,
    pub record: Uuid,
    pub value: SealedValue,
}

/// A re-wrapped row to write back: the value read (the guard) and the new one (for
/// the two-column form only the wrapped key is written; the body stays).
#[derive(Debug, Clone)]
pub struct Rewrap {
    pub id: Uuid,
    pub old: SealedValue,
    pub new: SealedValue,
}

/// A rotation: of the master key (`org` none) or of one organisation's generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRotation {
    pub id: Uuid,
    pub org: Option<OrgId>,
    /// The new master key's public id (hex).
    pub new_key_id: String,
    /// An organisation's rotation: the generation it moves to.
    pub generation: u32,
    pub started_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    /// Rows re-wrapped so far.
    pub rewrapped: i64,
}

#[derive(sqlx::FromRow)]
struct RotationRow {
    id: Uuid,
    org_id: Option<Uuid>,
    new_key_id: String,
    generation: i64,
    started_at: i64,
    finished_at: Option<i64>,
    rewrapped: i64,
}

impl TryFrom<RotationRow> for KeyRotation {
    type Error = StorageError;
    fn try_from(r: RotationRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            org: r.org_id.map(OrgId::from_uuid),
            new_key_id: r.new_key_id,
            generation: u32::try_from(r.generation)
                .map_err(|_| StorageError::corrupt("key generation", &r.generation.to_string()))?,
            started_at: crate::from_micros(r.started_at),
            finished_at: r.finished_at.map(crate::from_micros),
            rewrapped: r.rewrapped,
        })
    }
}

/// (row id, organisation, record, body, wrapped key).
type BlobRow = (Uuid, Uuid, Uuid, Vec<u8>, Vec<u8>);

const ROTATION_COLUMNS: &str = "id, org_id, new_key_id, generation, started_at, finished_at, rewrapped";

impl Db {
    /// Up to `limit` rows of `column` after id `after`, in id order (only rows holding
    /// a value; only `org`'s when given — the platform's secrets belong to no
    /// organisation and are left out then).
    ///
    /// # Errors
    /// The database failed.
    pub async fn sealed_batch(
        &self,
        column: &SealedColumn,
        after: Uuid,
        limit: i64,
        org: Option<OrgId>,
    ) -> Result<Vec<SealedRow>> {
        let (org_expr, platform) = match column.owner {
            SealedOwner::Org(e) => (e, false),
            SealedOwner::Platform if org.is_some() => return Ok(Vec::new()),
            SealedOwner::Platform => ("t.id", true),
        };
        let filter = if org.is_some() { format!(" AND {org_expr} = $3") } else { String::new() };
        let (pk, record, from) = (column.pk, column.record, column.from);
        let org_id = org.map(|o| o.as_uuid());
        let owner = |o: Uuid| if platform { OrgId::from_uuid(Uuid::nil()) } else { OrgId::from_uuid(o) };
        // The rows of one page: after `after` ($1), at most `limit` ($2), only `org`'s
        // ($3) when given.
        macro_rules! page {
            ($db:expr, $sql:expr) => {
                db_run!($db, |p| {
                    let q = sqlx::query_as($sql).bind(after).bind(limit);
                    match org_id {
                        Some(o) => q.bind(o).fetch_all(p).await?,
                        None => q.fetch_all(p).await?,
                    }
                })
            };
        }
        match column.form {
            SealedForm::Blob { body, wrapped_key } => {
                let sql = format!(
                    "SELECT t.{pk}, {org_expr}, {record}, t.{body}, t.{wrapped_key} FROM {from} \
                     WHERE t.{pk} > $1 AND t.{body} IS NOT NULL AND t.{wrapped_key} IS NOT NULL \
                     AND length(t.{wrapped_key}) > 0{filter} \
                     ORDER BY t.{pk} LIMIT $2"
                );
                let rows: Vec<BlobRow> = page!(self, &sql);
                Ok(rows
                    .into_iter()
                    .map(|(id, o, record, body, wrapped_key)| SealedRow {
                        id,
                        org: owner(o),
                        record,
                        value: SealedValue::Blob { body, wrapped_key },
                    })
                    .collect())
            }
            SealedForm::Text { column: c } => {
                let sql = format!(
                    "SELECT t.{pk}, {org_expr}, {record}, t.{c} FROM {from} \
                     WHERE t.{pk} > $1 AND t.{c} IS NOT NULL{filter} ORDER BY t.{pk} LIMIT $2"
                );
                let rows: Vec<(Uuid, Uuid, Uuid, String)> = page!(self, &sql);
                Ok(rows
                    .into_iter()
                    .map(|(id, o, record, text)| SealedRow {
                        id,
                        org: owner(o),
                        record,
                        value: SealedValue::Text(text),
                    })
                    .collect())
            }
        }
    }

    /// Write re-wrapped values back, each only if the row still holds the value read
    /// (a row changed meanwhile is skipped: the final check finds it), and, when
    /// `rotation` is given, move its cursor for `column` to `after` (`done` at the
    /// end) and count the rows — all in one transaction. Returns the rows written.
    ///
    /// # Errors
    /// The database failed; nothing was written.
    pub async fn write_rewraps(
        &self,
        column: &SealedColumn,
        rewraps: &[Rewrap],
        rotation: Option<(Uuid, Uuid, bool)>,
    ) -> Result<u64> {
        let (table, pk, written) = (column.table, column.pk, column.written());
        let sql = format!("UPDATE {table} SET {written} = $1 WHERE {pk} = $2 AND {written} = $3");
        db_run!(self, |p| {
            let mut tx = p.begin().await?;
            let mut n = 0;
            for r in rewraps {
                let done = match (&r.old, &r.new) {
                    (SealedValue::Blob { wrapped_key: old, .. }, SealedValue::Blob { wrapped_key: new, .. }) => {
                        sqlx::query(&sql).bind(new).bind(r.id).bind(old).execute(&mut *tx).await?
                    }
                    (SealedValue::Text(old), SealedValue::Text(new)) => {
                        sqlx::query(&sql).bind(new).bind(r.id).bind(old).execute(&mut *tx).await?
                    }
                    _ => return Err(StorageError::Corrupt(format!("{}: a re-wrap of another form", column.name))),
                };
                n += done.rows_affected();
            }
            if let Some((rotation, after, finished)) = rotation {
                exec_in_tx!(
                    tx,
                    "UPDATE key_rotation_cursors SET after_id = $1, done = $2 \
                     WHERE rotation_id = $3 AND sealed_column = $4",
                    after,
                    finished,
                    rotation,
                    column.name
                );
                exec_in_tx!(
                    tx,
                    "UPDATE key_rotations SET rewrapped = rewrapped + $1 WHERE id = $2",
                    i64::try_from(n).unwrap_or(i64::MAX),
                    rotation
                );
            }
            tx.commit().await?;
            Ok(n)
        })
    }

    /// The rotation not yet finished, if any (there is at most one).
    ///
    /// # Errors
    /// The database failed.
    pub async fn open_key_rotation(&self) -> Result<Option<KeyRotation>> {
        let sql = format!(
            "SELECT {ROTATION_COLUMNS} FROM key_rotations WHERE finished_at IS NULL ORDER BY started_at LIMIT 1"
        );
        let row: Option<RotationRow> = fetch!(self, query_as.fetch_optional, &sql);
        row.map(KeyRotation::try_from).transpose()
    }

    /// A rotation by id.
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn key_rotation(&self, id: Uuid) -> Result<KeyRotation> {
        let sql = format!("SELECT {ROTATION_COLUMNS} FROM key_rotations WHERE id = $1");
        let row: RotationRow = fetch!(self, query_as.fetch_one, &sql, id);
        row.try_into()
    }

    /// Record a new rotation with a cursor at the start of every sealed column, audited;
    /// for an organisation's rotation its generation moves to the rotation's at once
    /// (servers then seal under it as soon as they reload). Refused with
    /// [`StorageError::Conflict`] (`rotation`) while another rotation is unfinished.
    ///
    /// # Errors
    /// Another rotation is open; the organisation does not exist; the database failed.
    pub async fn start_key_rotation(&self, rotation: &KeyRotation, audit: &NewAuditEntry) -> Result<()> {
        let now = rotation.started_at;
        audited_tx!(self, audit, now, |tx| {
            exec_in_tx!(
                tx,
                "INSERT INTO key_rotations (id, org_id, new_key_id, generation, started_at, finished_at, rewrapped) \
                 VALUES ($1, $2, $3, $4, $5, NULL, 0)",
                rotation.id,
                rotation.org.map(|o| o.as_uuid()),
                &rotation.new_key_id,
                i64::from(rotation.generation),
                to_micros(now)
            );
            // Written first, then counted: a write opens the transaction, so SQLite waits
            // for a busy server instead of failing to upgrade a read.
            let (open,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM key_rotations WHERE finished_at IS NULL")
                .fetch_one(&mut *tx)
                .await?;
            if open > 1 {
                tx.rollback().await?;
                return Err(StorageError::Conflict { field: "rotation" });
            }
            if let Some(org) = rotation.org {
                one_row_or!(
                    tx,
                    StorageError::NotFound,
                    sqlx::query("UPDATE organisations SET key_generation = $1 WHERE id = $2")
                        .bind(i64::from(rotation.generation))
                        .bind(org.as_uuid())
                );
            }
            for c in SEALED_COLUMNS {
                exec_in_tx!(
                    tx,
                    "INSERT INTO key_rotation_cursors (rotation_id, sealed_column, after_id, done) \
                     VALUES ($1, $2, $3, FALSE)",
                    rotation.id,
                    c.name,
                    Uuid::nil()
                );
            }
        });
        Ok(())
    }

    /// Where a rotation's pass over `column` stands: the last id done, and whether it is finished.
    ///
    /// # Errors
    /// The database failed.
    pub async fn rotation_cursor(&self, rotation: Uuid, column: &SealedColumn) -> Result<(Uuid, bool)> {
        let row: Option<(Uuid, bool)> = fetch!(
            self,
            query_as.fetch_optional,
            "SELECT after_id, done FROM key_rotation_cursors WHERE rotation_id = $1 AND sealed_column = $2",
            rotation,
            column.name
        );
        Ok(row.unwrap_or((Uuid::nil(), false)))
    }

    /// Mark a rotation finished (after its check passed), audited.
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish_key_rotation(&self, id: Uuid, audit: &NewAuditEntry, now: OffsetDateTime) -> Result<()> {
        audited_exec!(
            self,
            audit,
            now,
            "UPDATE key_rotations SET finished_at = $1 WHERE id = $2 AND finished_at IS NULL",
            to_micros(now),
            id
        );
        Ok(())
    }

    /// Every organisation's key generation that is not 0.
    ///
    /// # Errors
    /// The database failed.
    pub async fn org_key_generations(&self) -> Result<HashMap<OrgId, u32>> {
        let rows: Vec<(Uuid, i64)> =
            fetch!(self, query_as.fetch_all, "SELECT id, key_generation FROM organisations WHERE key_generation > 0");
        rows.into_iter()
            .map(|(id, g)| {
                let g = u32::try_from(g).map_err(|_| StorageError::corrupt("key generation", &g.to_string()))?;
                Ok((OrgId::from_uuid(id), g))
            })
            .collect()
    }

    /// The organisation's key generation.
    ///
    /// # Errors
    /// [`StorageError::NotFound`]; the database failed.
    pub async fn org_key_generation(&self, org: OrgId) -> Result<u32> {
        let (g,): (i64,) =
            fetch!(self, query_as.fetch_one, "SELECT key_generation FROM organisations WHERE id = $1", org.as_uuid());
        u32::try_from(g).map_err(|_| StorageError::corrupt("key generation", &g.to_string()))
    }

    /// The sealed value of derived secret `label`: the one stored, or else `make(id)`'s,
    /// stored now (the first writer wins when several nodes start at once). `make`
    /// seals the secret to record `id`.
    ///
    /// # Errors
    /// `make` failed; the database failed.
    pub async fn derived_secret(
        &self,
        label: &str,
        make: impl FnOnce(Uuid) -> std::result::Result<String, String>,
        now: OffsetDateTime,
    ) -> Result<(Uuid, String)> {
        const SELECT: &str = "SELECT id, sealed FROM derived_secrets WHERE label = $1";
        let found: Option<(Uuid, String)> = fetch!(self, query_as.fetch_optional, SELECT, label);
        if let Some(found) = found {
            return Ok(found);
        }
        let id = Uuid::now_v7();
        let sealed = make(id).map_err(StorageError::Corrupt)?;
        exec!(
            self,
            "INSERT INTO derived_secrets (id, label, sealed, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (label) DO NOTHING",
            id,
            label,
            &sealed,
            to_micros(now),
        );
        Ok(fetch!(self, query_as.fetch_one, SELECT, label))
    }
}
