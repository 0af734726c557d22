//! Schema parity: both engines' migrations must build the same schema — tables,
//! columns (normalised types, nullability), primary keys, unique constraints,
//! foreign keys and indexes (see `sightline_storage::testing::schema` for what is
//! compared and how types are normalised). The SQLite schema is checked on its own
//! always; the comparison runs when `SIGHTLINE_TEST_DATABASE_URL` names a
//! PostgreSQL server (always in CI) and prints a SKIPPED line otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;

use sightline_storage::testing::schema::{self, Column, Drift, Index, Schema, Table, Type};
use sightline_storage::testing::{self, PG_ENV};

/// Differences that are deliberate: (table, item, what), each with a comment saying
/// why. None today: migration 0016 removed the last ones (PostgreSQL's INTEGER
/// columns, SQLite's nullable primary keys).
const ALLOWED: &[(&str, &str, &str)] = &[];

fn allowed(d: &Drift) -> bool {
    ALLOWED.iter().any(|(t, i, w)| d.table == *t && d.item == *i && d.what == *w)
}

fn report(drifts: &[Drift]) -> String {
    drifts.iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn both_engines_migrate_to_the_same_schema() {
    let lite = testing::sqlite().await.unwrap();
    let sqlite = schema::describe(&lite).await.unwrap();
    lite.cleanup().await;
    check_alone("sqlite", &sqlite);

    let url = match testing::postgres_url() {
        Err(e) => panic!("{e}"),
        Ok(None) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED schema parity with PostgreSQL: {PG_ENV} is not set");
            return;
        }
        Ok(Some(url)) => url,
    };
    let pg = testing::postgres(&url).await.unwrap();
    let postgres = schema::describe(&pg).await.unwrap();
    pg.cleanup().await;
    check_alone("postgres", &postgres);

    let drifts = schema::compare("sqlite", &sqlite, "postgres", &postgres);
    let unexplained: Vec<Drift> = drifts.iter().filter(|d| !allowed(d)).cloned().collect();
    assert!(unexplained.is_empty(), "the engines' schemas drifted:\n{}", report(&unexplained));
    // An allowed difference that no longer exists should leave the list.
    for (t, i, w) in ALLOWED {
        assert!(
            drifts.iter().any(|d| d.table == *t && d.item == *i && d.what == *w),
            "{t}.{i}: {w} is no longer different: remove it from ALLOWED"
        );
    }
}

/// What holds on each engine by itself: every table has a primary key, every
/// foreign key names a table and columns that exist, and every `version` and every
/// timestamp (`*_at`) is a 64-bit integer.
fn check_alone(engine: &str, s: &Schema) {
    assert!(s.tables.len() > 20, "{engine}: the migrations ran ({} tables)", s.tables.len());
    let mut problems = Vec::new();
    for (name, t) in &s.tables {
        if t.primary_key.is_empty() && name != "merge_dismissals" {
            problems.push(format!("{name}: no primary key"));
        }
        for fk in &t.foreign_keys {
            let target = s.tables.get(&fk.table);
            if !fk.references.iter().all(|c| target.is_some_and(|t| t.columns.contains_key(c))) {
                problems.push(format!("{name}: foreign key to missing {}({:?})", fk.table, fk.references));
            }
        }
        for (col, c) in &t.columns {
            // `client_created_at` is the device's own clock reading, kept as it came.
            let timestamp = col.ends_with("_at") && col != "client_created_at";
            if (col == "version" || timestamp) && c.ty != Type::BigInt {
                problems.push(format!("{name}.{col}: {} where bigint is expected", c.ty));
            }
        }
    }
    assert!(problems.is_empty(), "{engine}:\n{}", problems.join("\n"));
}

// ----- the comparison itself can fail ------------------------------------------

fn table(cols: &[(&str, Type, bool)], pk: &[&str]) -> Table {
    Table {
        columns: cols.iter().map(|(n, ty, nn)| ((*n).to_owned(), Column { ty: ty.clone(), not_null: *nn })).collect(),
        primary_key: pk.iter().map(|c| (*c).to_owned()).collect(),
        ..Table::default()
    }
}

fn one(name: &str, t: Table) -> Schema {
    Schema { tables: BTreeMap::from([(name.to_owned(), t)]) }
}

#[test]
fn the_comparison_reports_each_kind_of_drift() {
    let base =
        table(&[("id", Type::Bytes, true), ("version", Type::BigInt, true), ("note", Type::Text, false)], &["id"]);
    let same =
        table(&[("id", Type::Uuid, true), ("version", Type::BigInt, true), ("note", Type::Text, false)], &["id"]);
    assert!(schema::compare("a", &one("t", base.clone()), "b", &one("t", same)).is_empty(), "bytes match a UUID");

    // The drift this issue found: a version column of another width.
    let mut narrow = base.clone();
    narrow.columns.insert("version".into(), Column { ty: Type::Integer, not_null: true });
    let d = schema::compare("sqlite", &one("reports", base.clone()), "postgres", &one("reports", narrow));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].to_string(), "reports.version: type: sqlite: bigint, postgres: integer");

    let mut other = base.clone();
    other.columns.insert("note".into(), Column { ty: Type::Text, not_null: true });
    other.columns.remove("version");
    other.columns.insert("extra".into(), Column { ty: Type::Bool, not_null: false });
    other.primary_key = vec!["id".into(), "note".into()];
    other.unique.insert(vec!["note".into()]);
    other.foreign_keys.insert(schema::ForeignKey {
        columns: vec!["id".into()],
        table: "u".into(),
        references: vec!["id".into()],
        on_delete: "CASCADE".into(),
    });
    other.indexes.insert("t_note".into(), Index { columns: vec!["note".into()], unique: false, partial: true });
    let mut a = one("t", base.clone());
    a.tables.insert("only_a".into(), Table::default());
    let d = schema::compare("a", &a, "b", &one("t", other));
    let kinds: Vec<(&str, &str)> = d.iter().map(|d| (d.item.as_str(), d.what)).collect();
    assert_eq!(
        kinds,
        [
            ("", "table"),
            ("extra", "column"),
            ("note", "nullability"),
            ("version", "column"),
            ("", "primary key"),
            ("note", "unique"),
            ("id", "foreign key"),
            ("t_note", "index"),
        ],
        "{}",
        report(&d)
    );
}

#[test]
fn types_are_normalised_per_engine() {
    assert_eq!(Type::from_sqlite("INTEGER"), Type::BigInt, "SQLite integers are 64-bit");
    assert_eq!(Type::from_sqlite("BIGINT"), Type::BigInt);
    assert_eq!(Type::from_sqlite("BOOLEAN"), Type::Bool);
    assert_eq!(Type::from_sqlite("BLOB"), Type::Bytes);
    assert_eq!(Type::from_postgres("int4"), Type::Integer);
    assert_eq!(Type::from_postgres("int8"), Type::BigInt);
    assert_eq!(Type::from_postgres("uuid"), Type::Uuid);
    assert!(Type::Bytes.matches(&Type::Uuid) && !Type::Integer.matches(&Type::BigInt));
}
