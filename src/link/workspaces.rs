//! Workspace monorepos (npm, Yarn and pnpm workspaces) keep one lockfile at the root for
//! every workspace package, and a file above the units belongs to every unit below it.
//! Each unit keeps only the lockfile entries its own packages reach, walked from the
//! dependencies its own package.json files declare (and, through them, the other
//! workspace packages they name) along the shortest paths the lockfile records
//! (`Resolution::toward`).
//!
//! The lockfiles' own workspace records (pnpm `importers`, npm `packages["apps/x"]`,
//! Berry `workspace:` entries) list the same names as those package.json files, and a
//! Yarn v1 lockfile has none, so the package.json files are the one source for every
//! format.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::units::Layout;
use super::{AnalysedFile, is_within, parent_dir};
use crate::extract::lockfile::package_of;
use crate::model::{Evidence, Marker, Resolution};
use crate::walk::FileKind;

#[derive(Default)]
pub(super) struct Workspaces {
    /// Unit root → the npm names its own package.json files declare for shipping.
    declared: BTreeMap<String, BTreeSet<String>>,
    /// Unit roots holding a package.json of their own (declaring something or not).
    with_package: BTreeSet<String>,
    /// Package name → the names its package.json declares (workspace packages).
    packages: BTreeMap<String, BTreeSet<String>>,
}

impl Workspaces {
    pub(super) fn collect(files: &[AnalysedFile], layout: &Layout) -> Workspaces {
        let mut out = Workspaces::default();
        for file in files.iter().filter(|f| f.kind == FileKind::PackageJson) {
            let dir = parent_dir(&file.path);
            let mut name = None;
            let mut names: BTreeSet<String> = BTreeSet::new();
            for m in &file.facts.markers {
                match &m.marker {
                    Marker::PackageJson { name: n, .. } => name = n.clone(),
                    Marker::NpmDependencies { names: n } => names.extend(n.iter().cloned()),
                    _ => {}
                }
            }
            // A package.json above a unit (the monorepo's own) belongs to it as a shared
            // file, but its dependencies are not the unit's.
            for root in layout.units_of(&file.path, file.kind) {
                if is_within(dir, &root) {
                    out.with_package.insert(root.clone());
                    out.declared
                        .entry(root)
                        .or_default()
                        .extend(names.iter().cloned());
                }
            }
            if let Some(name) = name {
                out.packages.entry(name).or_default().extend(names);
            }
        }
        out
    }

    /// `evidence` of `file` as the unit at `root` sees it: an npm lockfile entry keeps
    /// the shortest chain from the unit's own dependencies, and is dropped when none of
    /// them reaches it. Anything else, and units without a package.json, are unchanged.
    pub(super) fn attribute(
        &self,
        file: &AnalysedFile,
        evidence: &Evidence,
        root: &str,
    ) -> Option<Evidence> {
        let npm_lockfile = matches!(
            file.kind,
            FileKind::NpmLock | FileKind::YarnLock | FileKind::PnpmLock | FileKind::BunLock
        );
        let Some(resolution) = evidence.resolution.as_deref() else {
            return Some(evidence.clone());
        };
        if !npm_lockfile || resolution.direct.is_none() || !self.with_package.contains(root) {
            return Some(evidence.clone());
        }
        let own = self.declared.get(root)?;
        let routes = self.routes(own, package_of(&evidence.detail), &resolution.toward);
        let shortest = routes.iter().map(Vec::len).min()?;
        // The lockfile's own chain when it is one of the shortest, so a single app's
        // output does not depend on how ties are broken.
        let via = if resolution.via.len() == shortest && routes.contains(&resolution.via) {
            resolution.via.clone()
        } else {
            routes.into_iter().find(|r| r.len() == shortest)?
        };
        let mut refined = evidence.clone();
        refined.resolution = Some(Box::new(Resolution {
            direct: Some(own.contains(package_of(&evidence.detail))),
            via,
            ..resolution.clone()
        }));
        Some(refined)
    }

    /// Every shortest chain, per starting name, from the names `own` declares to
    /// `package` (the packages walked, without `package`): through workspace packages
    /// first (breadth first), then along `toward`.
    fn routes(
        &self,
        own: &BTreeSet<String>,
        package: &str,
        toward: &BTreeMap<String, String>,
    ) -> Vec<Vec<String>> {
        let mut routes = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut queue: VecDeque<(&str, Vec<String>)> =
            own.iter().map(|n| (n.as_str(), Vec::new())).collect();
        while let Some((name, walked)) = queue.pop_front() {
            if !seen.insert(name) {
                continue;
            }
            if name == package {
                routes.push(walked.clone());
            } else if toward.contains_key(name) {
                let mut chain = walked.clone();
                let mut at = name;
                // `toward` is a BFS tree, so the walk ends; the bound costs nothing.
                while at != package && chain.len() <= walked.len() + toward.len() {
                    chain.push(at.to_string());
                    match toward.get(at) {
                        Some(next) => at = next.as_str(),
                        None => break,
                    }
                }
                if at == package {
                    routes.push(chain);
                }
            }
            if let Some(declared) = self.packages.get(name) {
                let mut through = walked;
                through.push(name.to_string());
                for next in declared {
                    queue.push_back((next.as_str(), through.clone()));
                }
            }
        }
        routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn toward(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn routes_walk_workspace_packages_then_the_lockfile() {
        let workspaces = Workspaces {
            packages: [("@acme/ui".to_string(), names(&["@acme/telemetry"]))].into(),
            ..Workspaces::default()
        };
        let lock = toward(&[("@acme/telemetry", "core"), ("core", "sdk")]);
        assert_eq!(
            workspaces.routes(&names(&["@acme/ui", "react"]), "sdk", &lock),
            vec![vec!["@acme/ui", "@acme/telemetry", "core"]]
        );
        assert_eq!(
            workspaces.routes(&names(&["sdk"]), "sdk", &lock),
            vec![Vec::<String>::new()]
        );
        assert!(
            workspaces
                .routes(&names(&["react"]), "sdk", &lock)
                .is_empty()
        );
    }

    #[test]
    fn a_cycle_of_workspace_packages_ends() {
        let workspaces = Workspaces {
            packages: [
                ("a".to_string(), names(&["b"])),
                ("b".to_string(), names(&["a"])),
            ]
            .into(),
            ..Workspaces::default()
        };
        assert!(
            workspaces
                .routes(&names(&["a"]), "sdk", &BTreeMap::new())
                .is_empty()
        );
    }
}
