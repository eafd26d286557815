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
use crate::git::Revision;
use crate::link::AppUnit;
use crate::policy::Policy;
use crate::scan::{self, ScanOptions};

/// Files changed since `reference` (committed, staged, unstaged and untracked), relative
/// to the scan root. Read with git; privlint never writes to the repository.
pub fn changed_files(root: &Path, reference: &Revision) -> Result<BTreeSet<String>, String> {
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
            reference.as_str(),
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

/// The app units (their scan-relative roots, `""` for the scan root) holding a changed
/// file: the nearest unit above each file. Only these are compared with REF.
pub fn changed_units(units: &[AppUnit], changed: &BTreeSet<String>) -> Vec<String> {
    let mut folders: Vec<String> = Vec::new();
    for file in changed {
        let nearest = units
            .iter()
            .map(|u| u.root.as_str())
            .filter(|root| *root == "." || in_folder(file, root))
            .max_by_key(|root| if *root == "." { 0 } else { root.len() });
        if let Some(root) = nearest {
            let folder = if root == "." { "" } else { root };
            if !folders.iter().any(|f| f == folder) {
                folders.push(folder.to_string());
            }
        }
    }
    if folders.iter().any(String::is_empty) {
        return vec![String::new()];
    }
    folders.sort();
    folders
}

/// Whether a scan-relative `path` lies in `folder` (`""` is the scan root).
pub fn in_folder(path: &str, folder: &str) -> bool {
    folder.is_empty() || path == folder || path.starts_with(&format!("{folder}/"))
}

/// The folders to walk under `root` for `folders` (empty: the whole root).
pub fn subroots(root: &Path, folders: &[String]) -> Vec<PathBuf> {
    if folders.iter().any(String::is_empty) {
        return Vec::new();
    }
    folders.iter().map(|f| root.join(f)).collect()
}

/// What REF had in the changed app folders.
#[derive(Default)]
pub struct BaseScan {
    pub units: Vec<AppUnit>,
    /// Fingerprints of every finding REF had, before any suppression.
    pub fingerprints: BTreeSet<String>,
}

/// Scan REF's version of `folders` under `root` with the same catalog and policy.
pub fn scan_base(
    root: &Path,
    reference: &Revision,
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
    let fingerprints = crate::rules::findings(&analysis, policy, catalog)
        .into_iter()
        .map(|f| f.fingerprint)
        .collect();
    Ok(BaseScan {
        units: analysis.facts.units,
        fingerprints,
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

    fn unit(root: &str) -> AppUnit {
        AppUnit {
            root: root.into(),
            ..AppUnit::default()
        }
    }

    #[test]
    fn each_changed_file_picks_its_nearest_unit() {
        let units = [unit("."), unit("apps/shop"), unit("apps/shop-admin")];
        let changed: BTreeSet<String> = ["apps/shop/app/build.gradle", "apps/shop-admin/x.kt"]
            .map(String::from)
            .into();
        assert_eq!(
            changed_units(&units, &changed),
            vec!["apps/shop".to_string(), "apps/shop-admin".to_string()]
        );
        let root_file: BTreeSet<String> = ["README.md".to_string()].into();
        assert_eq!(changed_units(&units, &root_file), vec![String::new()]);
        assert!(changed_units(&units[1..], &root_file).is_empty());
        assert!(subroots(Path::new("/r"), &[String::new()]).is_empty());
        assert_eq!(
            subroots(Path::new("/r"), &["a".to_string()]),
            vec![Path::new("/r").join("a")]
        );
    }
}
