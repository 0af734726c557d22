//! Scratch copies of the real content, to break in one way per test.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};

use sightline_content::{Severity, default_dir, load};

/// A scratch copy of the real content to break in one way; removed when dropped.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A scratch copy of the real content to break in one way.
pub fn scratch() -> Scratch {
    let dir = std::env::temp_dir().join(format!("sightline-content-{}-{}", std::process::id(), rand()));
    copy_dir(&default_dir(), &dir);
    Scratch(dir)
}

fn rand() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(s)).unwrap();
}

/// `s` without the line that starts with `start` (which must be there).
pub fn without_line(s: &str, start: &str) -> String {
    let at = s.find(start).unwrap();
    let end = at + s[at..].find('\n').unwrap() + 1;
    format!("{}{}", &s[..at], &s[end..])
}

/// Assert that one of `errors` says every one of `needles`.
#[track_caller]
pub fn assert_one_says(errors: &[String], needles: &[&str]) {
    assert!(
        errors.iter().any(|e| needles.iter().all(|n| e.contains(n))),
        "no error says all of {needles:?}: {errors:#?}"
    );
}

pub fn errors_of(dir: &Path) -> Vec<String> {
    load(dir).problems.into_iter().filter(|p| p.severity == Severity::Error).map(|p| p.to_string()).collect()
}
