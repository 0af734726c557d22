//! The master key file: 32 random bytes, base64, readable only by the owner. It lives
//! outside the database (by default next to the SQLite file, or wherever
//! `--key-file` says), so a database copy alone never reveals report text.

use std::io::Write;
use std::path::Path;

use sightline_domain::crypto::MasterKey;

use crate::Fatal;

pub fn load_or_create(path: &Path) -> Result<MasterKey, Fatal> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(text.trim())
            .ok_or_else(|| Fatal(format!("key file {} is not a base64-encoded 32-byte key", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path),
        Err(e) => Err(Fatal(format!("cannot read key file {}: {e}", path.display()))),
    }
}

/// The key at `path`, which must exist (restore and verify never make a new one).
pub fn load(path: &Path) -> Result<MasterKey, Fatal> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Fatal(format!("cannot read key file {}: {e}", path.display())))?;
    parse(text.trim()).ok_or_else(|| Fatal(format!("key file {} is not a base64-encoded 32-byte key", path.display())))
}

fn parse(text: &str) -> Option<MasterKey> {
    let bytes = data_encoding::BASE64.decode(text.as_bytes()).ok()?;
    let key: [u8; 32] = bytes.try_into().ok()?;
    Some(MasterKey::from_bytes(key))
}

fn create(path: &Path) -> Result<MasterKey, Fatal> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_dir(dir)?;
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| Fatal(format!("no randomness for a new key: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).map_err(|e| Fatal(format!("cannot create key file {}: {e}", path.display())))?;
    writeln!(f, "{}", data_encoding::BASE64.encode(&key))
        .and_then(|()| f.sync_all())
        .map_err(|e| Fatal(format!("cannot write key file {}: {e}", path.display())))?;
    tracing::warn!(
        path = %path.display(),
        "created a new master key; back it up: report text cannot be read without it"
    );
    Ok(MasterKey::from_bytes(key))
}

/// Create a folder (and its parents) that only its owner can enter (0700 on Unix).
/// An existing folder is left as it is: the operator may have chosen its mode.
///
/// # Errors
/// The folder cannot be created.
pub fn private_dir(dir: &Path) -> Result<(), Fatal> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Fatal(format!("cannot create data directory {}: {e}", dir.display())))
}

/// Make sure a database file is readable by its owner only (0600 on Unix): created
/// so if missing (SQLite then gives its -wal and -shm files the same mode), tightened
/// if it exists with a looser mode.
///
/// # Errors
/// The file cannot be created or its mode changed.
pub fn private_file(path: &Path) -> Result<(), Fatal> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let f = options.open(path).map_err(|e| Fatal(format!("cannot open {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = f.metadata().map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))?;
        if meta.permissions().mode() & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Fatal(format!("cannot make {} private: {e}", path.display())))?;
        }
    }
    drop(f);
    Ok(())
}
