//! `--changed-since REF`: what a change introduces, judged against REF's own tree.
//!
//! Listing the findings whose evidence lies in changed files is not enough: a comment
//! added to a file that already sends a location to an SDK would "introduce" that finding
//! again. So privlint writes the files of REF (only the app folders that hold a change)
//! into a temporary folder, scans them with the same catalog and policy, and reports only
//! the findings whose fingerprints REF did not have. Fingerprints hash stable anchors
//! (rule, SDK, capability, path, API or key), never line numbers, so moved or commented
//! code keeps its fingerprint.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::link::AppUnit;
use crate::policy::Policy;
use crate::scan::{self, ScanOptions};

/// Files changed since `reference` (committed, staged, unstaged and untracked), relative
/// to the scan root. Read with git; privlint never writes to the repository.
pub fn changed_files(root: &Path, reference: &str) -> Result<BTreeSet<String>, String> {
    if reference.starts_with('-') {
        return Err(format!("invalid git reference `{reference}`"));
    }
    let inside = crate::git::run(root, &["rev-parse", "--is-inside-work-tree"])
        .map_err(|e| format!("cannot run git for --changed-since: {e}"))?;
    if !inside.status.success() || inside.stdout.trim_ascii() != b"true" {
        return Err(format!(
            "--changed-since needs a git work tree, and {} is not in one",
            root.display()
        ));
    }
    let mut out = BTreeSet::new();
    for args in [
        vec![
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            reference,
            "--",
        ],
        vec!["ls-files", "--others", "--exclude-standard"],
    ] {
        let output = crate::git::run(root, &args)
            .map_err(|e| format!("cannot run git for --changed-since: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "git could not list changes since `{reference}`: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        out.extend(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_string),
        );
    }
    Ok(out)
}

/// The app folders (relative to `root`, `""` for the root itself) that hold a changed
/// file: both sides of the comparison scan only these, so they link the same way.
pub fn changed_app_folders(root: &Path, changed: &BTreeSet<String>) -> Vec<String> {
    let mut folders: Vec<String> = Vec::new();
    for file in changed {
        let folder = crate::ecosystem::app_folder(root, &root.join(file));
        let relative = folder
            .strip_prefix(root)
            .unwrap_or(&folder)
            .to_string_lossy()
            .replace('\\', "/");
        if !folders.contains(&relative) {
            folders.push(relative);
        }
    }
    if folders.iter().any(String::is_empty) {
        return vec![String::new()];
    }
    folders.sort();
    // A folder inside another listed folder is walked with it.
    let mut kept: Vec<String> = Vec::new();
    for folder in folders {
        if !kept.iter().any(|k| folder.starts_with(&format!("{k}/"))) {
            kept.push(folder);
        }
    }
    kept
}

/// The folders to walk under `root` for `folders` (empty: the whole root).
pub fn subroots(root: &Path, folders: &[String]) -> Vec<PathBuf> {
    if folders.iter().any(String::is_empty) {
        return Vec::new();
    }
    folders.iter().map(|f| root.join(f)).collect()
}

/// What REF had in the changed app folders.
pub struct BaseScan {
    pub units: Vec<AppUnit>,
    /// Fingerprints of every finding REF had, before any suppression.
    pub fingerprints: BTreeSet<String>,
}

/// Scan REF's version of `folders` under `root` with the same catalog and policy.
pub fn scan_base(
    root: &Path,
    reference: &str,
    folders: &[String],
    catalog: &Catalog,
    policy: &Policy,
    options: &ScanOptions,
) -> Result<BaseScan, String> {
    let scratch = Scratch::new()?;
    crate::git::write_tree(
        root,
        reference,
        folders,
        &scratch.path,
        options.max_file_size,
    )?;
    let base_options = ScanOptions {
        threads: options.threads,
        max_file_size: options.max_file_size,
        ignore: options.ignore.clone(),
        subroots: subroots(&scratch.path, folders)
            .into_iter()
            .filter(|s| s.is_dir())
            .collect(),
        progress: None,
    };
    if base_options.subroots.is_empty() && !folders.iter().any(String::is_empty) {
        // None of the changed app folders existed at REF: everything in them is new.
        return Ok(BaseScan {
            units: Vec::new(),
            fingerprints: BTreeSet::new(),
        });
    }
    let analysis = scan::analyse(&scratch.path, catalog, &base_options);
    let mut findings: Vec<Finding> = crate::rules::evaluate(&analysis.facts, policy, catalog);
    findings.extend(analysis.problems.iter().map(crate::rules::unanalyzed_file));
    Ok(BaseScan {
        units: analysis.facts.units,
        fingerprints: findings.into_iter().map(|f| f.fingerprint).collect(),
    })
}

/// A private temporary folder, removed when dropped (never inside the scanned tree).
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Result<Self, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("privlint-base-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path)
            .map_err(|e| format!("cannot make a folder for the base tree: {e}"))?;
        Ok(Scratch { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_at_the_root_walks_everything_and_nested_folders_fold() {
        let root = Path::new("/nonexistent-root");
        let changed: BTreeSet<String> = ["README.md".to_string()].into();
        assert_eq!(changed_app_folders(root, &changed), vec![String::new()]);
        assert!(subroots(root, &[String::new()]).is_empty());
        assert_eq!(
            subroots(root, &["a".to_string(), "b/c".to_string()]),
            vec![root.join("a"), root.join("b/c")]
        );
    }
}
