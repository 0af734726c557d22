//! Fresh databases for tests, on both engines, and a description of a migrated
//! schema ([`schema`]) for the parity test. Used by this crate's tests and by the web
//! and CLI crates' tests (behind the `testing` feature); not part of the product.

pub mod bulk;
pub mod schema;
pub mod sealed;

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{Db, Inner, Result, StorageError};

/// The variable that names a PostgreSQL server for tests (a URL whose user may
/// create databases).
pub const PG_ENV: &str = "SIGHTLINE_TEST_DATABASE_URL";

/// A migrated database that is removed when dropped (best effort): the SQLite
/// file's directory is deleted, the PostgreSQL database dropped (`WITH (FORCE)`, on a
/// fresh connection in a thread of its own, so it works inside or outside a runtime).
pub struct TestDb {
    pub db: Db,
    /// How to reach this database from another process: a SQLite file path or a
    /// PostgreSQL URL.
    pub location: String,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(PathBuf),
    PgDatabase { admin: Box<PgConnectOptions>, name: String },
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// A fresh SQLite database file in the system temp directory.
///
/// # Errors
/// The file cannot be created or migrated.
pub async fn sqlite() -> Result<TestDb> {
    let dir = std::env::temp_dir().join(format!("sightline-test-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let path = dir.join("sightline.db");
    let db = Db::open_sqlite(&path).await?;
    db.migrate().await?;
    Ok(TestDb { db, location: path.display().to_string(), cleanup: Some(Cleanup::File(dir)) })
}

/// The PostgreSQL admin URL for tests, if configured. In CI (`CI` set) a missing
/// URL is an error, so PostgreSQL tests are never skipped there.
///
/// # Errors
/// `CI` is set but [`PG_ENV`] is not.
pub fn postgres_url() -> Result<Option<String>, String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Ok(Some(url)),
        _ if std::env::var_os("CI").is_some() => {
            Err(format!("{PG_ENV} is not set, but CI is: PostgreSQL tests must run in CI"))
        }
        _ => Ok(None),
    }
}

/// A fresh, migrated PostgreSQL database created on the server at `admin_url`.
///
/// # Errors
/// The server cannot be reached or the database cannot be created.
pub async fn postgres(admin_url: &str) -> Result<TestDb> {
    let admin = PgConnectOptions::from_str(admin_url).map_err(StorageError::connect)?;
    let name = format!("sightline_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = admin.connect().await.map_err(StorageError::connect)?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
    conn.close().await?;
    let location = with_database(admin_url, &name);
    let options = admin.clone().database(&name);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(StorageError::connect)?;
    let db = Db(Inner::Pg(pool), crate::live::Hooks::default());
    db.migrate().await?;
    Ok(TestDb { db, location, cleanup: Some(Cleanup::PgDatabase { admin: Box::new(admin), name }) })
}

impl TestDb {
    /// Close the pool and remove the database.
    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Some(c) = self.cleanup.take() {
            c.run().await;
        }
    }
}

impl Cleanup {
    async fn run(self) {
        match self {
            Self::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::PgDatabase { admin, name } => {
                if let Ok(mut conn) = (*admin).connect().await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                    let _ = conn.close().await;
                }
            }
        }
    }
}

impl Drop for TestDb {
    /// A test that ends without [`TestDb::cleanup`] (a failed assertion, say) still
    /// leaves nothing behind. Blocks until the database is gone.
    fn drop(&mut self) {
        let Some(c) = self.cleanup.take() else { return };
        let worker = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(c.run());
            }
        });
        let _ = worker.join();
    }
}

/// SQLite: `PRAGMA cache_size` and `PRAGMA cache_spill` of every connection the pool
/// may open, read on each while all are held at once (so each answer is another
/// connection's); `None` on PostgreSQL.
///
/// # Errors
/// A connection could not be opened or the database failed.
pub async fn sqlite_cache_settings(db: &Db) -> Result<Option<Vec<(i64, i64)>>> {
    let crate::Inner::Sqlite(p) = &db.0 else { return Ok(None) };
    let mut held = Vec::new();
    for _ in 0..p.options().get_max_connections() {
        held.push(p.acquire().await?);
    }
    let mut settings = Vec::with_capacity(held.len());
    for conn in &mut held {
        let size: i64 = sqlx::query_scalar("PRAGMA cache_size").fetch_one(&mut **conn).await?;
        let spill: i64 = sqlx::query_scalar("PRAGMA cache_spill").fetch_one(&mut **conn).await?;
        settings.push((size, spill));
    }
    Ok(Some(settings))
}

/// Run raw SQL (tests use it to tamper with data, as an attacker with database
/// access would).
///
/// # Errors
/// The statement failed.
pub async fn execute(db: &Db, sql: &str) -> Result<u64> {
    Ok(db_run!(db, |p| sqlx::query(sql).execute(p).await?.rows_affected()))
}

/// Every row of every table as text (SQLite's `quote()` of each column; PostgreSQL's
/// text form of the row), one line per row prefixed by its table: for tests that
/// check what was never stored (a tipster's address or user agent).
///
/// # Errors
/// The database failed.
pub async fn dump_text(db: &Db) -> Result<String> {
    let mut out = String::new();
    match &db.0 {
        crate::Inner::Sqlite(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(p)
            .await?;
            for t in tables {
                let cols: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)").bind(&t).fetch_all(p).await?;
                let expr = cols.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || ',' || ");
                let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {expr} FROM \"{t}\"")).fetch_all(p).await?;
                for r in rows {
                    out.push_str(&format!("{t}: {r}\n"));
                }
            }
        }
        crate::Inner::Pg(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            )
            .fetch_all(p)
            .await?;
            for t in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT x::text FROM \"{t}\" x")).fetch_all(p).await?;
                for r in rows {
                    out.push_str(&format!("{t}: {r}\n"));
                }
            }
        }
    }
    Ok(out)
}

/// A cabin-crew report on flight AY123 (HEL to JFK, 2026-11-28) with one potential
/// victim and one companion; `variant` makes its reference, hash and sealed bytes its
/// own, and an even one says the danger is immediate. Tests change what they need with
/// struct update syntax.
#[must_use]
pub fn report(
    id: uuid::Uuid,
    org: crate::OrgId,
    reporter: sightline_domain::ids::UserId,
    variant: u8,
    scheduled_arrival: Option<time::OffsetDateTime>,
) -> crate::NewReport {
    use sightline_domain::report::{Awareness, Phase, ReporterRole};
    crate::NewReport {
        id,
        org_id: org,
        reporter_id: reporter,
        reference: format!("REF{variant}"),
        content_hash: vec![variant; 32],
        client_created_at: None,
        reporter_role: ReporterRole::CabinCrew,
        phase: Phase::InFlight,
        flight: "AY123".into(),
        flight_date: "2026-11-28".into(),
        origin: "HEL".into(),
        destination: "JFK".into(),
        scheduled_arrival,
        place: String::new(),
        flags: String::new(),
        seats: "23A 23B".into(),
        potential_victims: 1,
        companions: 1,
        indicators: "DOC-HELD-BY-OTHER".into(),
        route_region: "europe>northern_america".into(),
        disclosed: false,
        companion_aware: Awareness::Unknown,
        immediate_danger: variant.is_multiple_of(2),
        gate_passed: true,
        relay_message: "SUSPECTED HUMAN TRAFFICKING AY123".into(),
        sealed: vec![variant; 64],
        wrapped_key: vec![variant; 72],
    }
}

/// A referral of report `report_id` to the NGO `to` (named `name`) with the person's
/// consent, its shared record already sealed (stand-in bytes).
pub fn ngo_referral(report_id: uuid::Uuid, to: sightline_domain::ids::OrgId, name: &str) -> crate::NewReferral {
    use sightline_domain::referral::{Consent, LawfulBasis, Profile, RecipientKind, ReferralReason};
    crate::NewReferral {
        id: uuid::Uuid::now_v7(),
        report_id,
        recipient: crate::Recipient::Org(to),
        recipient_name: name.into(),
        recipient_kind: RecipientKind::Ngo,
        consent: Consent::Given,
        lawful_basis: LawfulBasis::Consent,
        reason: ReferralReason::AdditionalServicesRequired,
        profile: Profile::Ngo,
        gate_override: None,
        sealed: (vec![7; 40], vec![8; 72]),
    }
}

/// A caseworker's step to `to` with this note in the case's history: no support
/// recorded, no message, no hand-over.
#[must_use]
pub fn referral_step<'a>(
    to: sightline_domain::referral::ReferralStatus,
    case_note: &str,
    actor: sightline_domain::ids::UserId,
) -> crate::ReferralStep<'a> {
    crate::ReferralStep { to, support: None, message: None, case_note: case_note.into(), hand_over: false, actor }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}
