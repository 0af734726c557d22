//! `sightline keys rotate`: re-wrap every data key under a new master key (or under
//! one organisation's next key generation) while the server runs.
//!
//! 1. The rotation is recorded in the database (`key_rotations`, a cursor per sealed
//!    column) before anything changes, so running the command again resumes it.
//! 2. Master key: the key file becomes a ring — the new key first (current), the old
//!    after it — and the command waits `--grace-seconds` while running servers reload
//!    it (they re-read the file every few seconds and on SIGHUP), so from then on
//!    they seal under the new key and open both. One organisation: its generation moves
//!    up in the database; servers pick it up on the same reload.
//! 3. Every sealed column is walked in id order in batches: each data key not yet
//!    under the new key is unwrapped and wrapped again (bodies are not touched); each
//!    batch and its cursor commit together.
//! 4. Verify: every sealed value is read again; stragglers (sealed meanwhile by a node
//!    that had not reloaded, or changed under the batch) are re-wrapped, and the pass
//!    repeats until one finds every value under the new key and opening with the new
//!    key alone. Any value that no key opens stops the rotation before step 5.
//! 5. Master key: the old key is written to `<key file>.retired-<id>` (for old
//!    backups only: move it offline) and the key file holds the new key alone.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sightline_app::security::{sealed_from_text, sealed_to_text};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::crypto::{KeyRing, Sealed};
use sightline_domain::ids::OrgId;
use sightline_storage::{Db, KeyRotation, Rewrap, SEALED_COLUMNS, SealedRow, SealedValue, StorageError};
use uuid::Uuid;

use crate::{Fatal, keyfile};

/// How the command runs (the hidden knobs let tests crash it mid-way).
pub struct Options {
    pub batch: i64,
    pub grace: Duration,
    /// A pause after each batch (tests; throttling on a busy server).
    pub pause: Duration,
}

#[allow(clippy::disallowed_methods)]
fn now() -> time::OffsetDateTime {
    sightline_app::Clock::System.now()
}

fn random_nonce() -> Result<[u8; 24], Fatal> {
    let mut n = [0u8; 24];
    getrandom::fill(&mut n).map_err(|e| Fatal(format!("no randomness: {e}")))?;
    Ok(n)
}

/// Run a storage call again while the database says it is busy (a server writing at
/// the same moment), up to about 30 s.
macro_rules! busy_retry {
    ($call:expr) => {{
        let mut tries = 0;
        loop {
            match $call.await {
                Err(StorageError::Busy(_)) if tries < 300 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => break other.map_err(storage),
            }
        }
    }};
}

fn storage(e: StorageError) -> Fatal {
    Fatal(format!("database: {e}"))
}

/// Rotate the master key in `key_file` to the key in `new_key_file` (created if missing).
pub async fn rotate_master(db: &Db, key_file: &Path, new_key_file: &Path, o: &Options) -> Result<(), Fatal> {
    let old_keys = keyfile::read_keys(key_file).map_err(|e| e.fatal(key_file))?;
    let new = match keyfile::read_keys(new_key_file) {
        Ok(keys) => keys[0],
        Err(keyfile::ReadError::Missing) => {
            println!("Created a new key in {}.", new_key_file.display());
            keyfile::create_key(new_key_file)?
        }
        Err(e) => return Err(e.fatal(new_key_file)),
    };
    let new_id = KeyRing::new(new, &[]).current_id().to_string();
    let rotation = match db.open_key_rotation().await.map_err(storage)? {
        Some(r) if r.org.is_none() && r.new_key_id == new_id => {
            println!(
                "Resuming the rotation to key {new_id} started at {} ({} re-wrapped so far).",
                r.started_at, r.rewrapped
            );
            r
        }
        Some(r) => return Err(another(&r)),
        None => {
            if old_keys == [new] {
                return Err(Fatal(format!("the key file already holds only key {new_id}: nothing to rotate")));
            }
            // The derived secrets (tip receipt pepper, proof-of-work key) must exist,
            // sealed under the old key, before the new key becomes current.
            let old_ring = sightline_domain::crypto::MasterKey::from_ring(KeyRing::new(old_keys[0], &old_keys[1..]));
            for label in [sightline_app::tips::POW_LABEL, sightline_app::tips::PEPPER_LABEL] {
                sightline_app::keys::derived_key(db, &old_ring, label, now())
                    .await
                    .map_err(|e| Fatal(format!("derived secret {label}: {e}")))?;
            }
            let r = KeyRotation {
                id: Uuid::now_v7(),
                org: None,
                new_key_id: new_id.clone(),
                generation: 0,
                started_at: now(),
                finished_at: None,
                rewrapped: 0,
            };
            let audit = NewAuditEntry::new(AuditAction::KeyRotationStarted)
                .target("key_rotation", r.id)
                .detail(format!("master key {} -> {new_id}", KeyRing::new(old_keys[0], &[]).current_id()));
            busy_retry!(db.start_key_rotation(&r, &audit))?;
            println!("Started rotation {} to key {new_id}.", r.id);
            r
        }
    };
    // The ring: the new key first, then every other key the file held.
    let mut ring_keys = vec![new];
    ring_keys.extend(old_keys.iter().filter(|k| **k != new));
    if old_keys != ring_keys {
        keyfile::write_keys(key_file, &ring_keys)?;
        println!(
            "{} now holds the new key (current) and the old one. Running servers reload it within 2 s (or on SIGHUP).",
            key_file.display()
        );
    }
    wait_for_servers(o.grace).await;
    let ring = KeyRing::new(new, &ring_keys[1..]).with_generations(db.org_key_generations().await.map_err(storage)?);
    rewrap_all(db, &rotation, &ring, None, o).await?;
    verify(db, &ring, None, o).await?;

    // Retire the old keys: kept beside the key file for old backups only.
    for old in ring_keys.iter().skip(1) {
        let id = KeyRing::new(*old, &[]).current_id();
        let retired = retired_path(key_file, &id.to_string());
        if !retired.exists() {
            keyfile::write_keys(&retired, &[*old])?;
        }
        println!(
            "Retired key {id}, written to {}: move it offline with the backups taken before now, then delete it here.",
            retired.display()
        );
    }
    keyfile::write_keys(key_file, &[new])?;
    finish(db, &rotation, format!("master key {new_id}")).await?;
    println!("{} now holds only key {new_id}. Rotation {} finished.", key_file.display(), rotation.id);
    Ok(())
}

fn retired_path(key_file: &Path, id: &str) -> PathBuf {
    let mut name = key_file.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(format!(".retired-{id}"));
    key_file.with_file_name(name)
}

/// Rotate one organisation's key generation (the master key stays).
pub async fn rotate_org(db: &Db, key_file: &Path, org: OrgId, o: &Options) -> Result<(), Fatal> {
    let keys = keyfile::read_keys(key_file).map_err(|e| e.fatal(key_file))?;
    let current = KeyRing::new(keys[0], &[]).current_id().to_string();
    let rotation = match db.open_key_rotation().await.map_err(storage)? {
        Some(r) if r.org == Some(org) => {
            println!("Resuming the rotation of organisation {org} to key generation {}.", r.generation);
            r
        }
        Some(r) => return Err(another(&r)),
        None => {
            let generation = db.org_key_generation(org).await.map_err(storage)? + 1;
            let r = KeyRotation {
                id: Uuid::now_v7(),
                org: Some(org),
                new_key_id: current.clone(),
                generation,
                started_at: now(),
                finished_at: None,
                rewrapped: 0,
            };
            let audit = NewAuditEntry::new(AuditAction::KeyRotationStarted)
                .org(org)
                .target("key_rotation", r.id)
                .detail(format!("organisation key generation {generation}"));
            busy_retry!(db.start_key_rotation(&r, &audit))?;
            println!("Started rotation {} of organisation {org} to key generation {generation}.", r.id);
            r
        }
    };
    wait_for_servers(o.grace).await;
    let ring = KeyRing::new(keys[0], &keys[1..]).with_generations(db.org_key_generations().await.map_err(storage)?);
    rewrap_all(db, &rotation, &ring, Some(org), o).await?;
    verify(db, &ring, Some(org), o).await?;
    finish(db, &rotation, format!("organisation key generation {}", rotation.generation)).await?;
    println!("Rotation {} finished: organisation {org} is at key generation {}.", rotation.id, rotation.generation);
    Ok(())
}

fn another(r: &KeyRotation) -> Fatal {
    let what = r.org.map_or_else(|| format!("to master key {}", r.new_key_id), |o| format!("of organisation {o}"));
    Fatal(format!(
        "rotation {} {what}, started at {}, is unfinished: run the same command again to finish it first",
        r.id, r.started_at
    ))
}

async fn wait_for_servers(grace: Duration) {
    if !grace.is_zero() {
        println!("Waiting {} s for running servers to load the keys …", grace.as_secs());
        tokio::time::sleep(grace).await;
    }
}

async fn finish(db: &Db, rotation: &KeyRotation, what: String) -> Result<(), Fatal> {
    let mut audit =
        NewAuditEntry::new(AuditAction::KeyRotationFinished).target("key_rotation", rotation.id).detail(what);
    if let Some(org) = rotation.org {
        audit = audit.org(org);
    }
    busy_retry!(db.finish_key_rotation(rotation.id, &audit, now()))
}

/// The sealed value of a row as (body, wrapped key).
fn sealed_of(row: &SealedRow) -> Option<Sealed> {
    match &row.value {
        SealedValue::Blob { body, wrapped_key } => {
            Some(Sealed { body: body.clone(), wrapped_key: wrapped_key.clone() })
        }
        SealedValue::Text(t) => sealed_from_text(t),
    }
}

/// The row's value with its data key wrapped under the ring's current key and
/// generation; `None` when no key of the ring opens it.
fn rewrapped(ring: &KeyRing, row: &SealedRow) -> Result<Option<Rewrap>, Fatal> {
    let Some(sealed) = sealed_of(row) else { return Ok(None) };
    let Ok(wrapped_key) = ring.rewrap(row.org, row.record, &sealed.wrapped_key, &random_nonce()?) else {
        return Ok(None);
    };
    let new = match &row.value {
        SealedValue::Blob { body, .. } => SealedValue::Blob { body: body.clone(), wrapped_key },
        SealedValue::Text(_) => SealedValue::Text(sealed_to_text(&Sealed { body: sealed.body, wrapped_key })),
    };
    Ok(Some(Rewrap { id: row.id, old: row.value.clone(), new }))
}

fn needs_rewrap(ring: &KeyRing, row: &SealedRow) -> bool {
    sealed_of(row).is_none_or(|s| !ring.is_current(row.org, &s.wrapped_key))
}

async fn rewrap_all(
    db: &Db,
    rotation: &KeyRotation,
    ring: &KeyRing,
    org: Option<OrgId>,
    o: &Options,
) -> Result<(), Fatal> {
    let started = Instant::now();
    let mut total = 0u64;
    for column in SEALED_COLUMNS {
        let (mut after, done) = db.rotation_cursor(rotation.id, column).await.map_err(storage)?;
        if done {
            continue;
        }
        loop {
            let rows = db.sealed_batch(column, after, o.batch, org).await.map_err(storage)?;
            let last = rows.last().map_or(after, |r| r.id);
            let finished = i64::try_from(rows.len()).unwrap_or(i64::MAX) < o.batch;
            let mut rewraps = Vec::new();
            for row in rows.iter().filter(|r| needs_rewrap(ring, r)) {
                // One that no key opens is left as it is: the check names it.
                if let Some(r) = rewrapped(ring, row)? {
                    rewraps.push(r);
                }
            }
            total += busy_retry!(db.write_rewraps(column, &rewraps, Some((rotation.id, last, finished))))?;
            after = last;
            if finished {
                break;
            }
            if !o.pause.is_zero() {
                tokio::time::sleep(o.pause).await;
            }
        }
        println!("  {:<36} done ({total} re-wrapped so far, {:.1} s)", column.name, started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Read everything again until one pass finds every value under the ring's current key
/// and opening with it alone; stragglers are re-wrapped on the way.
async fn verify(db: &Db, ring: &KeyRing, org: Option<OrgId>, o: &Options) -> Result<(), Fatal> {
    for pass in 1..=5 {
        // Reload the ring's generations: an organisation's may have moved.
        let keys = ring.clone().with_generations(db.org_key_generations().await.map_err(storage)?);
        let alone = keys.current_only();
        let (mut checked, mut stragglers, mut unreadable) = (0u64, 0u64, Vec::new());
        for column in SEALED_COLUMNS {
            let mut after = Uuid::nil();
            loop {
                let rows = db.sealed_batch(column, after, o.batch.max(100), org).await.map_err(storage)?;
                let Some(last) = rows.last().map(|r| r.id) else { break };
                let mut rewraps = Vec::new();
                for row in &rows {
                    checked += 1;
                    if needs_rewrap(&alone, row) {
                        match rewrapped(&keys, row)? {
                            Some(r) => rewraps.push(r),
                            None => unreadable.push(format!("{} {}", column.name, row.id)),
                        }
                    } else if sealed_of(row).is_none_or(|s| alone.open(row.org, row.record, &s).is_err()) {
                        unreadable.push(format!("{} {}", column.name, row.id));
                    }
                }
                stragglers += u64::try_from(rewraps.len()).unwrap_or(0);
                busy_retry!(db.write_rewraps(column, &rewraps, None))?;
                after = last;
            }
        }
        if !unreadable.is_empty() {
            return Err(Fatal(format!(
                "{} sealed values open with no key of the ring, so the old key is kept (the rotation stays open): {}",
                unreadable.len(),
                unreadable.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        println!("Check {pass}: {checked} sealed values, {stragglers} re-wrapped now.");
        if stragglers == 0 {
            return Ok(());
        }
    }
    Err(Fatal(
        "values keep arriving under the old key: a server has not loaded the new key file; put it on every node, \
         then run the command again"
            .into(),
    ))
}
