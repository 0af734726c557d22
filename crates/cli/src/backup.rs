//! `sightline backup`, `restore` and `verify`: an online copy of the embedded SQLite
//! database, putting one back, and the check that a database is whole and readable
//! with the key. The key is never in a backup: it is backed up separately (see
//! docs/operations.md), so a stolen backup alone reveals no report text.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sightline_domain::crypto::{MasterKey, Sealed};
use sightline_storage::{Db, Engine, StorageError};

use crate::{DbArgs, Fatal, keyfile, open, root_cause};

/// How the check of a database went.
pub struct Verified {
    pub audit_entries: u64,
    pub sampled: usize,
    pub reports: i64,
}

/// The audit chain intact end to end, and every sampled report opens with `key`.
/// Refuses (naming what failed) otherwise.
pub async fn verify(db: &Db, key: &MasterKey, sample: i64) -> Result<Verified, Fatal> {
    let audit_entries = match db.verify_audit_chain().await {
        Ok(n) => n,
        Err(StorageError::AuditChain(e)) => {
            return Err(Fatal(format!("the audit chain is broken at entry {}: {e}", e.seq())));
        }
        Err(e) => return Err(e.into()),
    };
    let reports = db.data_counts().await?.reports;
    let samples = db.sealed_sample(sample).await?;
    for s in &samples {
        let sealed = Sealed { body: s.body.clone(), wrapped_key: s.wrapped_key.clone() };
        if key.open(s.org, s.id, &sealed).is_err() {
            return Err(Fatal(format!(
                "report {} does not open with this key: wrong key file, or the data is damaged (nothing was written)",
                s.id
            )));
        }
    }
    Ok(Verified { audit_entries, sampled: samples.len(), reports })
}

/// `sightline backup --output F`.
pub async fn backup(db: &DbArgs, output: &Path) -> Result<ExitCode, Fatal> {
    if output.exists() {
        return Err(Fatal(format!("{} exists: choose a new file (a backup never overwrites)", output.display())));
    }
    let database = open(db).await?;
    if database.engine() == Engine::Postgres {
        database.close().await;
        return Err(Fatal(
            "a PostgreSQL database is backed up with pg_dump or pg_basebackup (docs/operations.md); \
             afterwards `sightline verify` checks a restored copy"
                .into(),
        ));
    }
    // Written beside the target and renamed when complete: a half-written file never
    // carries the backup's name.
    let partial = with_suffix(output, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = database.backup_into(&partial).await;
    database.close().await;
    result.map_err(|e| Fatal(format!("the backup failed: {}", root_cause(&e))))?;
    keyfile::private_file(&partial)?;
    sync_file(&partial)?;
    std::fs::rename(&partial, output)
        .map_err(|e| Fatal(format!("cannot move the backup to {}: {e}", output.display())))?;
    sync_parent(output);
    let copy = Db::open_sqlite(output).await.map_err(|e| Fatal(format!("the backup does not open: {e}")))?;
    let counts = copy.data_counts().await;
    copy.close().await;
    let counts = counts?;
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {} ({size} bytes): {} organisations, {} people, {} reports, {} audit entries. \
         The master key is not in it: keep its own copy.",
        output.display(),
        counts.organisations,
        counts.users,
        counts.reports,
        counts.audit_entries
    );
    Ok(ExitCode::SUCCESS)
}

/// `sightline restore F`: check the copy first (in a scratch file in the data folder),
/// refuse a data folder that holds data unless `force`, then put it in place.
pub async fn restore(db: &DbArgs, file: &Path, key_file: &Path, force: bool, sample: i64) -> Result<ExitCode, Fatal> {
    if db.database_url.is_some() {
        return Err(Fatal(
            "restore puts back a SQLite backup; a PostgreSQL database is restored with pg_restore or from a base \
             backup (docs/operations.md), then checked with `sightline verify`"
                .into(),
        ));
    }
    if !file.is_file() {
        return Err(Fatal(format!("no backup at {}", file.display())));
    }
    let key = keyfile::load(key_file)?;
    keyfile::private_dir(&db.data)?;
    let live = db.data.join("sightline.db");
    let scratch = db.data.join("sightline.db.restoring");
    remove_database_files(&scratch)?;
    std::fs::copy(file, &scratch).map_err(|e| Fatal(format!("cannot copy {}: {e}", file.display())))?;
    keyfile::private_file(&scratch)?;
    let checked = check_copy(&scratch, &key, sample).await;
    let checked = match checked {
        Ok(v) => v,
        Err(e) => {
            let _ = remove_database_files(&scratch);
            return Err(e);
        }
    };
    if live.exists() {
        let current = open(db).await?;
        let counts = current.data_counts().await;
        current.checkpoint().await?;
        current.close().await;
        let counts = counts?;
        if counts.holds_data() && !force {
            let _ = remove_database_files(&scratch);
            return Err(Fatal(format!(
                "{} already holds data ({} organisations, {} reports): nothing was written; \
                 stop the server and add --force to replace it",
                live.display(),
                counts.organisations,
                counts.reports
            )));
        }
    }
    // The old write-ahead log must never be applied to the restored file.
    remove_database_files(&live)?;
    std::fs::rename(&scratch, &live).map_err(|e| Fatal(format!("cannot put the backup in place: {e}")))?;
    sync_parent(&live);
    println!(
        "restored {} into {}: {} reports; audit chain intact ({} entries); {} sampled reports open with the key.",
        file.display(),
        live.display(),
        checked.reports,
        checked.audit_entries,
        checked.sampled
    );
    Ok(ExitCode::SUCCESS)
}

/// Open the scratch copy, bring it to this version's schema, check it, and leave it
/// as one file (no write-ahead log beside it).
async fn check_copy(scratch: &Path, key: &MasterKey, sample: i64) -> Result<Verified, Fatal> {
    let copy = Db::open_sqlite(scratch)
        .await
        .map_err(|e| Fatal(format!("the backup does not open as a database: {}", root_cause(&e))))?;
    let result = async {
        copy.migrate().await.map_err(|e| Fatal(format!("the backup cannot be brought up to date: {e}")))?;
        let v = verify(&copy, key, sample).await?;
        copy.checkpoint().await?;
        Ok(v)
    }
    .await;
    copy.close().await;
    result
}

/// `sightline verify`: the audit chain and a sample of sealed reports, on either engine.
pub async fn verify_command(db: &DbArgs, key_file: &Path, sample: i64) -> Result<ExitCode, Fatal> {
    let key = keyfile::load(key_file)?;
    let database = open(db).await?;
    let result = verify(&database, &key, sample).await;
    database.close().await;
    let v = result?;
    println!(
        "database intact: audit chain verified ({} entries); {} of {} reports sampled, each opens with the key.",
        v.audit_entries, v.sampled, v.reports
    );
    Ok(ExitCode::SUCCESS)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A SQLite database and the files SQLite keeps beside it.
fn remove_database_files(db: &Path) -> Result<(), Fatal> {
    for path in [db.to_path_buf(), with_suffix(db, "-wal"), with_suffix(db, "-shm")] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Fatal(format!("cannot remove {}: {e}", path.display()))),
        }
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<(), Fatal> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Fatal(format!("cannot write {} to disk: {e}", path.display())))
}

/// Make a rename durable (best effort: not every platform lets a folder be synced).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
}
