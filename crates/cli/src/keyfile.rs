//! The master key file: 32 random bytes, base64, readable only by the owner. It lives
//! outside the database (by default next to the SQLite file, or wherever
//! `--key-file` says), so a database copy alone never reveals report text.

use std::io::Write;
use std::path::Path;

use sightline_domain::crypto::{KeyRing, MasterKey};

use crate::Fatal;

pub fn load_or_create(path: &Path) -> Result<MasterKey, Fatal> {
    match read_keys(path) {
        Ok(keys) => Ok(MasterKey::from_ring(ring(&keys))),
        Err(ReadError::Missing) => create(path),
        Err(e) => Err(e.fatal(path)),
    }
}

/// The key ring at `path`, which must exist (restore and verify never make a new one).
pub fn load(path: &Path) -> Result<MasterKey, Fatal> {
    Ok(MasterKey::from_ring(load_ring(path)?))
}

/// The key ring at `path`: the first key is current, any further ones retired (kept
/// only to open what a rotation has not yet re-wrapped).
pub fn load_ring(path: &Path) -> Result<KeyRing, Fatal> {
    read_keys(path).map(|keys| ring(&keys)).map_err(|e| e.fatal(path))
}

fn ring(keys: &[[u8; 32]]) -> KeyRing {
    KeyRing::new(keys[0], &keys[1..])
}

pub enum ReadError {
    Missing,
    Unreadable(String),
    Malformed,
}

impl ReadError {
    pub fn fatal(self, path: &Path) -> Fatal {
        match self {
            Self::Missing => Fatal(format!("key file {} does not exist", path.display())),
            Self::Unreadable(e) => Fatal(format!("cannot read key file {}: {e}", path.display())),
            Self::Malformed => Fatal(format!(
                "key file {} is not a base64-encoded 32-byte key (one a line: the current key first)",
                path.display()
            )),
        }
    }
}

/// The keys in a key file: one base64 key a line, the current one first (a file of one
/// line is one key, as before rings). Blank lines and `#` comments are skipped.
pub fn read_keys(path: &Path) -> Result<Vec<[u8; 32]>, ReadError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Unreadable(e.to_string())),
    };
    let keys: Vec<[u8; 32]> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(parse)
        .collect::<Option<_>>()
        .ok_or(ReadError::Malformed)?;
    if keys.is_empty() {
        return Err(ReadError::Malformed);
    }
    Ok(keys)
}

fn parse(text: &str) -> Option<[u8; 32]> {
    let bytes = data_encoding::BASE64.decode(text.as_bytes()).ok()?;
    bytes.try_into().ok()
}

/// Replace the key file at `path` with these keys (the current one first), atomically:
/// written beside it with mode 0600, synced, then renamed over it.
pub fn write_keys(path: &Path, keys: &[[u8; 32]]) -> Result<(), Fatal> {
    let partial = path.with_extension("writing");
    let _ = std::fs::remove_file(&partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let text: String = keys.iter().map(|k| format!("{}\n", data_encoding::BASE64.encode(k))).collect();
    let fail = |e: std::io::Error| Fatal(format!("cannot write key file {}: {e}", partial.display()));
    let mut f = options.open(&partial).map_err(fail)?;
    f.write_all(text.as_bytes()).and_then(|()| f.sync_all()).map_err(fail)?;
    drop(f);
    std::fs::rename(&partial, path).map_err(|e| Fatal(format!("cannot replace key file {}: {e}", path.display())))?;
    if let Some(d) = path.parent().filter(|d| !d.as_os_str().is_empty()).and_then(|d| std::fs::File::open(d).ok()) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new random key in a new file (0600) at `path`.
pub fn create_key(path: &Path) -> Result<[u8; 32], Fatal> {
    create(path).map(|_| ()).and_then(|()| match read_keys(path) {
        Ok(keys) => Ok(keys[0]),
        Err(e) => Err(e.fatal(path)),
    })
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
