//! Every link cited anywhere in `content/` — lesson Markdown, question banks,
//! `url`/`source` fields of the data files — is refused when its host (or a parent
//! domain) is on the deny-list of copy sites and test servers (`content/copy-sites.toml`).
//! Directory sources are checked by `check_directory_sources`, so their lines are skipped here.

use std::path::{Path, PathBuf};

use sightline_domain::directory::CopySites;

use crate::{Collector, parse_toml, read};

/// The deny-list itself names the hosts, so it is not scanned.
const DENY_LIST: &str = "copy-sites.toml";

/// Check every cited link under `dir` against the deny-list.
pub(crate) fn check_cited_links(c: &mut Collector, dir: &Path) {
    let deny_path = dir.join(DENY_LIST);
    let Some(deny) = read(c, &deny_path) else { return };
    let Some(sites) = parse_toml::<CopySites>(c, &deny_path, &deny) else { return };
    let mut files = Vec::new();
    collect_files(dir, &mut files);
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let directory = file.file_name().is_some_and(|n| n == "directory.toml");
        for (line, link) in links(&text) {
            if directory && text.lines().nth(line - 1).is_some_and(|l| l.trim_start().starts_with("source =")) {
                continue;
            }
            if let Some(site) = sites.denied(link) {
                c.error(
                    &file,
                    Some(line),
                    format!(
                        "{link} is on the copy-site list ({}): cite the publisher's own page or leave the claim out",
                        site.why
                    ),
                );
            }
        }
    }
}

/// The Markdown and TOML files under `dir`, except the deny-list.
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.is_dir() {
            collect_files(&path, out);
        } else if path.file_name().is_some_and(|n| n != DENY_LIST)
            && path.extension().is_some_and(|e| e == "md" || e == "toml")
        {
            out.push(path);
        }
    }
}

/// Every `http://` or `https://` link in `text`, with its 1-based line.
fn links(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("http://").into_iter().chain(rest.find("https://")).min() {
            let tail = &rest[start..];
            let end = tail.find(|ch: char| ch.is_whitespace() || "()<>\"'`[]".contains(ch)).unwrap_or(tail.len());
            out.push((i + 1, &tail[..end]));
            rest = &tail[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::links;

    #[test]
    fn links_are_found_in_markdown_and_toml_with_their_lines() {
        let text =
            "intro\n- [IATA](https://www.iata.org/x) and <http://a.example/b>\nurl = \"https://c.example/d?e=1\"\n";
        assert_eq!(
            links(text),
            vec![(2, "https://www.iata.org/x"), (2, "http://a.example/b"), (3, "https://c.example/d?e=1")]
        );
        assert!(links("no link here").is_empty());
    }
}
