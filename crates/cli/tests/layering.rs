//! The layering invariants of ARCHITECTURE.md, checked on the source tree: which crate
//! may depend on which, which names may appear where, and who may read the clock.
//! Each check names the file and line that breaks it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The lines of a file that are not in its `#[cfg(test)] mod tests` (which, by the
/// house style, is the file's last item) and are not comments.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_owned()));
    }
    out
}

/// `(file:line, line)` for each code line under `crates/<crate>/<sub>` containing `needle`.
fn occurrences(krate: &str, sub: &str, needle: &str) -> Vec<String> {
    let dir = root().join("crates").join(krate).join(sub);
    if !dir.exists() {
        return Vec::new();
    }
    rust_files(&dir)
        .iter()
        .flat_map(|f| {
            code_lines(f)
                .into_iter()
                .filter(|(_, l)| l.contains(needle))
                .map(move |(n, l)| format!("{}:{n}: {}", f.strip_prefix(root()).unwrap_or(f).display(), l.trim()))
        })
        .collect()
}

/// The names in a crate's `[dependencies]` table (not dev-dependencies, and not the
/// optional ones that only a test feature such as `testing` turns on).
fn dependencies(krate: &str) -> Vec<String> {
    let text = fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let Some(deps) = manifest.get("dependencies").and_then(|d| d.as_table()) else { return Vec::new() };
    deps.iter()
        .filter(|(_, spec)| !spec.get("optional").and_then(toml::Value::as_bool).unwrap_or(false))
        .map(|(name, _)| name.clone())
        .collect()
}

fn crates() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| root().join("crates").join(n).join("Cargo.toml").exists())
        .collect();
    names.sort();
    names
}

#[test]
fn each_crate_depends_only_on_the_layers_below_it() {
    // (crate, dependencies it must never have)
    let rules: &[(&str, &[&str])] = &[
        ("domain", &["tokio", "sqlx", "axum", "ureq", "lettre", "sightline-storage", "sightline-app", "sightline-web"]),
        ("content", &["tokio", "sqlx", "axum", "sightline-storage", "sightline-app", "sightline-web"]),
        ("storage", &["tokio", "axum", "ureq", "lettre", "sightline-content", "sightline-app", "sightline-web"]),
        ("app", &["sqlx", "axum", "tower", "askama", "sightline-web"]),
        ("jobs", &["sqlx", "axum", "askama", "sightline-web"]),
        ("web", &["sqlx"]),
    ];
    let mut broken = Vec::new();
    for (krate, banned) in rules {
        if !crates().iter().any(|c| c == krate) {
            continue;
        }
        let deps = dependencies(krate);
        broken.extend(
            banned.iter().filter(|b| deps.iter().any(|d| d == *b)).map(|b| format!("crates/{krate} depends on {b}")),
        );
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn sqlx_is_named_only_in_the_storage_crate() {
    let offenders: Vec<String> = crates()
        .iter()
        .filter(|c| c.as_str() != "storage")
        .flat_map(|c| {
            ["src", "tests", "examples"].into_iter().flat_map(move |sub| occurrences(c, sub, concat!("sqlx", "::")))
        })
        .collect();
    assert!(offenders.is_empty(), "sqlx outside crates/storage:\n{}", offenders.join("\n"));
}

#[test]
fn http_lives_in_the_web_crate_only() {
    let offenders: Vec<String> = ["domain", "content", "storage", "app", "jobs"]
        .into_iter()
        .flat_map(|c| occurrences(c, "src", "axum::").into_iter().chain(occurrences(c, "src", "askama")))
        .collect();
    assert!(offenders.is_empty(), "HTTP or templates below the web crate:\n{}", offenders.join("\n"));
}

#[test]
fn the_domain_does_no_io_and_reads_the_clock_only_to_make_ids() {
    let mut offenders = Vec::new();
    for needle in ["tokio", "std::fs", "std::net::TcpStream", "now_utc", "SystemTime", "Instant::now", "getrandom"] {
        offenders.extend(occurrences("domain", "src", needle));
    }
    // A UUIDv7 carries its creation time: the id constructors in ids.rs are the one
    // place the domain may take it.
    offenders.extend(
        occurrences("domain", "src", "now_v7").into_iter().filter(|o| !o.starts_with("crates/domain/src/ids.rs")),
    );
    assert!(offenders.is_empty(), "the domain reads the world:\n{}", offenders.join("\n"));
}

#[test]
fn only_the_clock_reads_the_system_time() {
    let offenders: Vec<String> = crates()
        .iter()
        .flat_map(|c| occurrences(c, "src", "now_utc()"))
        .filter(|o| !o.starts_with("crates/app/src/clock.rs"))
        .collect();
    assert!(offenders.is_empty(), "the system clock read outside Clock:\n{}", offenders.join("\n"));
}

#[test]
fn the_storage_seam_exports_no_macro_and_no_engine() {
    let mut offenders = occurrences("storage", "src", "#[macro_export]");
    offenders.extend(occurrences("storage", "src", "pub enum Db"));
    assert!(offenders.is_empty(), "the storage seam leaks:\n{}", offenders.join("\n"));
}

#[test]
fn web_handlers_reach_the_database_only_through_the_app() {
    // `lib.rs` wires the app and the jobs together (it hands the jobs the pool); every
    // handler, extractor and page calls an `App` use case instead.
    let offenders: Vec<String> = [".db.", "state.db", "sightline_storage::Db"]
        .into_iter()
        .flat_map(|needle| occurrences("web", "src", needle))
        .filter(|o| !o.starts_with("crates/web/src/lib.rs"))
        .collect();
    assert!(offenders.is_empty(), "web code reaching the database:\n{}", offenders.join("\n"));
}

#[test]
fn page_forms_are_checked_in_one_place() {
    // Every page form goes through `CsrfForm` (or `OrgForm`/`CaseForm`, which use it):
    // no bare `Form` extractor and no hand-written token check, but the one multipart
    // upload (the roster), which reads its token from the multipart body.
    let mut offenders = occurrences("web", "src/pages", "Form(");
    offenders.retain(|o| o.contains("axum::") || o.contains(" Form("));
    offenders.extend(occurrences("web", "src/pages", "extract::Form"));
    offenders
        .extend(occurrences("web", "src/pages", "check_csrf(").into_iter().filter(|o| !o.contains("pages/users.rs")));
    assert!(offenders.is_empty(), "page forms checked outside CsrfForm:\n{}", offenders.join("\n"));
}

#[test]
fn the_checks_above_can_fail() {
    // The helpers find what they look for: this file names them in its own code.
    assert!(!occurrences("cli", "tests", "fn occurrences(").is_empty());
    assert!(dependencies("cli").iter().any(|d| d == "sightline-app"));
    assert!(crates().iter().any(|c| c == "domain") && crates().iter().any(|c| c == "web"));
}
