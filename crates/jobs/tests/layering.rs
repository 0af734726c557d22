//! Background work lives here: the web crate has no outbound client and no job loop,
//! and `serve` starts the jobs through the one runner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn crates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn the_web_crate_has_no_http_or_smtp_client_and_no_job_loop() {
    let manifest = std::fs::read_to_string(crates().join("web/Cargo.toml")).unwrap();
    for client in ["ureq", "lettre"] {
        assert!(!manifest.lines().any(|l| l.trim_start().starts_with(client)), "web depends on {client}");
    }
    let mut sources = Vec::new();
    rust_sources(&crates().join("web/src"), &mut sources);
    for (path, text) in &sources {
        for banned in ["ureq::", "lettre::", "tokio::time::interval"] {
            assert!(!text.contains(banned), "{} uses {banned}", path.display());
        }
    }
}

#[test]
fn serve_runs_its_background_work_through_the_one_runner() {
    let main = std::fs::read_to_string(crates().join("cli/src/main.rs")).unwrap();
    assert!(main.contains("sightline_jobs::Runner") || main.contains("Runner::new()"));
    assert!(!main.contains("tokio::time::interval"), "no loop of its own in the binary");
}
