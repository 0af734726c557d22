//! A migrated schema, described the same way on both engines, and the comparison
//! the parity test runs (`crates/storage/tests/parity.rs`).
//!
//! What is compared, per table: each column's normalised [`Type`] and whether it may
//! be NULL; the primary key; unique constraints (by columns); foreign keys (columns,
//! referenced table and columns, `ON DELETE` action); and the indexes that are not
//! a constraint's own (by name: columns, unique, partial). Not compared: CHECK
//! constraints, defaults and triggers (each engine spells them its own way).
//!
//! Types are normalised to a small set. SQLite stores every integer in 64 bits, so
//! its `INTEGER` (and `BIGINT`) is [`Type::BigInt`]; PostgreSQL's `INTEGER` and
//! `SMALLINT` are [`Type::Integer`], its `BIGINT` [`Type::BigInt`]. A SQLite `BLOB`
//! is [`Type::Bytes`], and matches both PostgreSQL's `BYTEA` and `UUID` (SQLite has
//! no UUID type; a `Uuid` is stored there as 16 bytes).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::{Db, Inner, Result};

/// A column type, normalised across engines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    /// A 32-bit (or smaller) integer: only PostgreSQL has one.
    Integer,
    BigInt,
    Text,
    Bytes,
    Uuid,
    Bool,
    Real,
    /// Anything else, as the engine names it.
    Other(String),
}

impl Type {
    /// SQLite's declared type, by its affinity rules, with `BOOLEAN` kept apart.
    #[must_use]
    pub fn from_sqlite(declared: &str) -> Self {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Self::BigInt
        } else if t.starts_with("BOOL") {
            Self::Bool
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Self::Text
        } else if t.contains("BLOB") || t.is_empty() {
            Self::Bytes
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Self::Real
        } else {
            Self::Other(t)
        }
    }

    /// PostgreSQL's type name (`pg_type.typname`).
    #[must_use]
    pub fn from_postgres(typname: &str) -> Self {
        match typname {
            "int2" | "int4" => Self::Integer,
            "int8" => Self::BigInt,
            "text" | "varchar" | "bpchar" => Self::Text,
            "bytea" => Self::Bytes,
            "uuid" => Self::Uuid,
            "bool" => Self::Bool,
            "float4" | "float8" | "numeric" => Self::Real,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The same type on both engines (bytes stand for a UUID on SQLite).
    #[must_use]
    pub fn matches(&self, other: &Self) -> bool {
        self == other || matches!((self, other), (Self::Bytes, Self::Uuid) | (Self::Uuid, Self::Bytes))
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer => f.write_str("integer"),
            Self::BigInt => f.write_str("bigint"),
            Self::Text => f.write_str("text"),
            Self::Bytes => f.write_str("bytes"),
            Self::Uuid => f.write_str("uuid"),
            Self::Bool => f.write_str("bool"),
            Self::Real => f.write_str("real"),
            Self::Other(t) => write!(f, "other({t})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub ty: Type,
    pub not_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    pub references: Vec<String>,
    /// `NO ACTION`, `CASCADE`, `SET NULL`, `RESTRICT` or `SET DEFAULT`.
    pub on_delete: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Column names in order; `<expr>` for an expression.
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    pub primary_key: Vec<String>,
    pub unique: BTreeSet<Vec<String>>,
    pub foreign_keys: BTreeSet<ForeignKey>,
    pub indexes: BTreeMap<String, Index>,
}

/// Every table of a migrated database (the migrations' own bookkeeping left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

/// One difference between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub table: String,
    /// The column, index or constraint that differs (empty for the table itself).
    pub item: String,
    /// What differs: `table`, `column`, `type`, `nullability`, `primary key`,
    /// `unique`, `foreign key`, `index`.
    pub what: &'static str,
    pub detail: String,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item.is_empty() {
            write!(f, "{}: {}: {}", self.table, self.what, self.detail)
        } else {
            write!(f, "{}.{}: {}: {}", self.table, self.item, self.what, self.detail)
        }
    }
}

/// Every difference between schema `a` (named `an`) and `b` (named `bn`).
#[must_use]
pub fn compare(an: &str, a: &Schema, bn: &str, b: &Schema) -> Vec<Drift> {
    let mut out = Vec::new();
    let mut drift = |table: &str, item: &str, what: &'static str, detail: String| {
        out.push(Drift { table: table.to_owned(), item: item.to_owned(), what, detail });
    };
    let show = |v: Option<&dyn fmt::Debug>| v.map_or_else(|| "none".to_owned(), |v| format!("{v:?}"));
    for name in a.tables.keys().chain(b.tables.keys()).collect::<BTreeSet<_>>() {
        let (Some(ta), Some(tb)) = (a.tables.get(name), b.tables.get(name)) else {
            let only = if a.tables.contains_key(name) { an } else { bn };
            drift(name, "", "table", format!("only on {only}"));
            continue;
        };
        for col in ta.columns.keys().chain(tb.columns.keys()).collect::<BTreeSet<_>>() {
            match (ta.columns.get(col), tb.columns.get(col)) {
                (Some(ca), Some(cb)) => {
                    if !ca.ty.matches(&cb.ty) {
                        drift(name, col, "type", format!("{an}: {}, {bn}: {}", ca.ty, cb.ty));
                    }
                    if ca.not_null != cb.not_null {
                        let n = |nn: bool| if nn { "NOT NULL" } else { "NULL" };
                        drift(name, col, "nullability", format!("{an}: {}, {bn}: {}", n(ca.not_null), n(cb.not_null)));
                    }
                }
                (ca, _) => drift(name, col, "column", format!("only on {}", if ca.is_some() { an } else { bn })),
            }
        }
        if ta.primary_key != tb.primary_key {
            drift(name, "", "primary key", format!("{an}: {:?}, {bn}: {:?}", ta.primary_key, tb.primary_key));
        }
        for u in ta.unique.symmetric_difference(&tb.unique) {
            let only = if ta.unique.contains(u) { an } else { bn };
            drift(name, &u.join(", "), "unique", format!("only on {only}"));
        }
        for fk in ta.foreign_keys.symmetric_difference(&tb.foreign_keys) {
            let only = if ta.foreign_keys.contains(fk) { an } else { bn };
            let item = fk.columns.join(", ");
            let detail =
                format!("-> {}({}) ON DELETE {} only on {only}", fk.table, fk.references.join(", "), fk.on_delete);
            drift(name, &item, "foreign key", detail);
        }
        for idx in ta.indexes.keys().chain(tb.indexes.keys()).collect::<BTreeSet<_>>() {
            let (ia, ib) = (ta.indexes.get(idx), tb.indexes.get(idx));
            if ia != ib {
                let detail = format!(
                    "{an}: {}, {bn}: {}",
                    show(ia.map(|i| i as &dyn fmt::Debug)),
                    show(ib.map(|i| i as &dyn fmt::Debug))
                );
                drift(name, idx, "index", detail);
            }
        }
    }
    out
}

#[derive(sqlx::FromRow)]
struct SqliteColumn {
    name: String,
    ty: String,
    not_null: i64,
    pk: i64,
}

#[derive(sqlx::FromRow)]
struct SqliteIndex {
    name: String,
    is_unique: i64,
    origin: String,
    partial: i64,
}

#[derive(sqlx::FromRow)]
struct SqliteForeignKey {
    id: i64,
    table_name: String,
    from_column: String,
    to_column: Option<String>,
    on_delete: String,
}

#[derive(sqlx::FromRow)]
struct PgColumn {
    table_name: String,
    name: String,
    ty: String,
    not_null: bool,
}

#[derive(sqlx::FromRow)]
struct PgConstraint {
    table_name: String,
    contype: String,
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    on_delete: String,
}

#[derive(sqlx::FromRow)]
struct PgIndex {
    name: String,
    table_name: String,
    is_unique: bool,
    partial: bool,
    columns: Vec<String>,
}

/// PostgreSQL's `confdeltype` as SQLite spells the action.
fn pg_on_delete(code: &str) -> String {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "r" => "RESTRICT",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
    .to_owned()
}

/// Describe the migrated schema of `db`.
///
/// # Errors
/// The database failed.
pub async fn describe(db: &Db) -> Result<Schema> {
    match &db.0 {
        Inner::Sqlite(p) => describe_sqlite(p).await,
        Inner::Pg(p) => describe_postgres(p).await,
    }
}

async fn describe_sqlite(p: &sqlx::SqlitePool) -> Result<Schema> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(p)
    .await?;
    let mut schema = Schema::default();
    for name in names {
        let mut t = Table::default();
        let cols: Vec<SqliteColumn> = sqlx::query_as(
            "SELECT name, type AS ty, \"notnull\" AS not_null, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(p)
        .await?;
        let mut pk: Vec<(i64, String)> = cols.iter().filter(|c| c.pk > 0).map(|c| (c.pk, c.name.clone())).collect();
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, n)| n).collect();
        // An `INTEGER PRIMARY KEY` is the rowid: never NULL, whatever the declaration.
        let rowid = match (t.primary_key.as_slice(), cols.iter().find(|c| c.pk == 1)) {
            ([_], Some(c)) if c.ty.eq_ignore_ascii_case("INTEGER") => Some(c.name.clone()),
            _ => None,
        };
        for c in cols {
            let not_null = c.not_null != 0 || rowid.as_deref() == Some(c.name.as_str());
            t.columns.insert(c.name, Column { ty: Type::from_sqlite(&c.ty), not_null });
        }
        let indexes: Vec<SqliteIndex> = sqlx::query_as(
            "SELECT name, \"unique\" AS is_unique, origin, partial FROM pragma_index_list($1) ORDER BY name",
        )
        .bind(&name)
        .fetch_all(p)
        .await?;
        for i in indexes {
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&i.name)
                    .fetch_all(p)
                    .await?;
            let columns: Vec<String> = columns.into_iter().map(|c| c.unwrap_or_else(|| "<expr>".into())).collect();
            match i.origin.as_str() {
                "pk" => {}
                "u" => {
                    t.unique.insert(columns);
                }
                _ => {
                    t.indexes.insert(i.name, Index { columns, unique: i.is_unique != 0, partial: i.partial != 0 });
                }
            }
        }
        let fks: Vec<SqliteForeignKey> = sqlx::query_as(
            "SELECT id, \"table\" AS table_name, \"from\" AS from_column, \"to\" AS to_column, on_delete \
             FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(p)
        .await?;
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for fk in fks {
            let entry = by_id.entry(fk.id).or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                table: fk.table_name.clone(),
                references: Vec::new(),
                on_delete: fk.on_delete.to_ascii_uppercase(),
            });
            entry.columns.push(fk.from_column);
            // No column named: the referenced table's primary key (filled in below).
            entry.references.extend(fk.to_column);
        }
        t.foreign_keys = by_id.into_values().collect();
        schema.tables.insert(name, t);
    }
    let pks: BTreeMap<String, Vec<String>> =
        schema.tables.iter().map(|(n, t)| (n.clone(), t.primary_key.clone())).collect();
    for t in schema.tables.values_mut() {
        t.foreign_keys = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .map(|mut fk| {
                if fk.references.is_empty() {
                    fk.references = pks.get(&fk.table).cloned().unwrap_or_default();
                }
                fk
            })
            .collect();
    }
    Ok(schema)
}

async fn describe_postgres(p: &sqlx::PgPool) -> Result<Schema> {
    let cols: Vec<PgColumn> = sqlx::query_as(
        "SELECT c.relname::text AS table_name, a.attname::text AS name, t.typname::text AS ty, \
         a.attnotnull AS not_null \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid \
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped \
         AND c.relname <> '_sqlx_migrations' ORDER BY c.relname, a.attnum",
    )
    .fetch_all(p)
    .await?;
    let mut schema = Schema::default();
    for c in cols {
        let t = schema.tables.entry(c.table_name).or_default();
        t.columns.insert(c.name, Column { ty: Type::from_postgres(&c.ty), not_null: c.not_null });
    }
    let constraints: Vec<PgConstraint> = sqlx::query_as(
        "SELECT rel.relname::text AS table_name, con.contype::text AS contype, \
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns, \
         COALESCE(frel.relname::text, '') AS ref_table, \
         ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_columns, \
         con.confdeltype::text AS on_delete \
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = rel.relnamespace LEFT JOIN pg_class frel ON frel.oid = con.confrelid \
         WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f') \
         AND rel.relname <> '_sqlx_migrations'",
    )
    .fetch_all(p)
    .await?;
    for c in constraints {
        let t = schema.tables.entry(c.table_name).or_default();
        match c.contype.as_str() {
            "p" => t.primary_key = c.columns,
            "u" => {
                t.unique.insert(c.columns);
            }
            _ => {
                t.foreign_keys.insert(ForeignKey {
                    columns: c.columns,
                    table: c.ref_table,
                    references: c.ref_columns,
                    on_delete: pg_on_delete(&c.on_delete),
                });
            }
        }
    }
    let indexes: Vec<PgIndex> = sqlx::query_as(
        "SELECT i.relname::text AS name, t.relname::text AS table_name, ix.indisunique AS is_unique, \
         ix.indpred IS NOT NULL AS partial, \
         ARRAY(SELECT COALESCE(a.attname::text, '<expr>') FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o) \
               LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n AND k.n > 0 ORDER BY k.o) AS columns \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u'))",
    )
    .fetch_all(p)
    .await?;
    for i in indexes {
        let t = schema.tables.entry(i.table_name).or_default();
        t.indexes.insert(i.name, Index { columns: i.columns, unique: i.is_unique, partial: i.partial });
    }
    Ok(schema)
}
