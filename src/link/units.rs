//! App units: their roots (from the markers each ecosystem turns into roots), how
//! cross-platform roots absorb the native and web roots inside them, Flutter's local
//! packages, and which units a file belongs to.

use std::collections::{BTreeMap, BTreeSet};

use super::gradle::{GradleGraph, in_build_logic};
use super::{AnalysedFile, is_within, join_dir, parent_dir};
use crate::ecosystem::{self, RootKind};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

/// Unit roots and the Android module graph, from the markers of every file.
pub(super) struct Layout {
    /// Unit root folder → kind (after merging native folders into cross-platform roots).
    pub(super) roots: BTreeMap<String, RootKind>,
    /// Gradle module folder → the unit roots (application modules) that reach it.
    module_units: BTreeMap<String, BTreeSet<String>>,
    /// Local package folder (a pubspec `path:` dependency) → the app roots shipping it.
    package_units: BTreeMap<String, BTreeSet<String>>,
}

impl Layout {
    pub(super) fn discover(files: &[AnalysedFile]) -> Layout {
        let mut raw_roots: BTreeMap<String, RootKind> = BTreeMap::new();
        let mut native_roots: Vec<String> = Vec::new();
        let mut web_candidates: BTreeSet<String> = BTreeSet::new();
        let mut gradle = GradleGraph::default();
        // package folder → the local package folders it depends on by path
        let mut local_deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();

        for file in files {
            let dir = parent_dir(&file.path);
            for m in &file.facts.markers {
                gradle.add(dir, &m.marker);
                if let Marker::LocalPackageDependency { dir: rel } = &m.marker {
                    let target = join_dir(dir, rel);
                    if target != dir {
                        local_deps
                            .entry(dir.to_string())
                            .or_default()
                            .insert(target);
                    }
                }
                let Some(claim) = ecosystem::unit_root(&m.marker, dir) else {
                    continue;
                };
                match claim.kind {
                    RootKind::CrossPlatform(_) => {
                        raw_roots.insert(claim.dir, claim.kind);
                    }
                    RootKind::Native => native_roots.push(claim.dir),
                    RootKind::Web => {
                        web_candidates.insert(claim.dir);
                    }
                }
            }
        }
        // A cross-platform root at the same folder wins over a native one.
        for root in native_roots {
            raw_roots.entry(root).or_insert(RootKind::Native);
        }

        let package_units = absorb_local_packages(&mut raw_roots, &local_deps);

        // Cross-platform roots absorb the native and web roots inside them.
        let cross: Vec<String> = raw_roots
            .iter()
            .filter(|(_, k)| matches!(k, RootKind::CrossPlatform(_)))
            .map(|(r, _)| r.clone())
            .collect();
        let absorbing = |dir: &str| -> Option<String> {
            cross
                .iter()
                .filter(|c| is_within(dir, c) && c.as_str() != dir)
                .max_by_key(|c| c.len())
                .cloned()
        };
        let mut roots: BTreeMap<String, RootKind> = BTreeMap::new();
        let mut redirect: BTreeMap<String, String> = BTreeMap::new();
        for (root, kind) in &raw_roots {
            match (kind, absorbing(root)) {
                (RootKind::CrossPlatform(_), _) | (_, None) => {
                    roots.insert(root.clone(), *kind);
                }
                (_, Some(outer)) => {
                    redirect.insert(root.clone(), outer);
                }
            }
        }
        for dir in &web_candidates {
            let inside_other = raw_roots
                .keys()
                .any(|r| is_within(dir, r) || is_within(r, dir));
            // A folder holding another web folder (tooling package.json above `src/`
            // or `docs/`) is not the site: the inner folder is.
            let holds_site = web_candidates
                .iter()
                .any(|inner| inner != dir && is_within(inner, dir));
            if !inside_other && !holds_site {
                roots.insert(dir.clone(), RootKind::Web);
            }
        }

        Layout {
            roots,
            module_units: gradle.module_units(&redirect),
            package_units,
        }
    }

    /// The unit roots a file belongs to.
    pub(super) fn units_of(&self, path: &str, kind: FileKind) -> Vec<String> {
        let dir = parent_dir(path);
        // Gradle build logic runs at build time and ships in no app: its imports of SDK
        // Gradle plugins are not SDKs in the app.
        if in_build_logic(dir) {
            return Vec::new();
        }
        // Inside a Gradle module: the apps that reach the module.
        if let Some((_, units)) = self
            .module_units
            .iter()
            .filter(|(m, _)| is_within(dir, m))
            .max_by_key(|(m, _)| m.len())
            && !units.is_empty()
        {
            let deepest_root = self.deepest_root(dir);
            let mut out: BTreeSet<String> = units.clone();
            // A module inside a cross-platform root also belongs to that root.
            if let Some(root) = deepest_root
                && matches!(self.roots.get(&root), Some(RootKind::CrossPlatform(_)))
            {
                out = [root].into();
            }
            return out.into_iter().collect();
        }
        let deepest_root = self.deepest_root(dir);
        // Inside a local package that apps ship (and not inside an app nested deeper).
        if let Some((package, units)) = self
            .package_units
            .iter()
            .filter(|(p, _)| is_within(dir, p))
            .max_by_key(|(p, _)| p.len())
            && deepest_root
                .as_ref()
                .is_none_or(|r| r.len() < package.len())
        {
            return units.iter().cloned().collect();
        }
        if let Some(root) = deepest_root {
            return vec![root];
        }
        // Shared build files above the apps (a version catalog in `gradle/`, a root
        // build.gradle): they belong to every unit below their project folder.
        let context = if kind == FileKind::VersionCatalog {
            parent_dir(dir)
        } else {
            dir
        };
        let below: Vec<String> = self
            .roots
            .keys()
            .filter(|r| is_within(r, context))
            .cloned()
            .collect();
        if below.is_empty() {
            vec![String::new()]
        } else {
            below
        }
    }

    fn deepest_root(&self, dir: &str) -> Option<String> {
        self.roots
            .keys()
            .filter(|r| is_within(dir, r))
            .max_by_key(|r| r.len())
            .cloned()
    }
}

/// A Flutter "app" another Flutter app depends on by path is a package of that app (a
/// monorepo's `packages/…`): it ships inside it and is no unit of its own. Removes such
/// roots from `raw_roots` and returns package folder → the app roots shipping it.
fn absorb_local_packages(
    raw_roots: &mut BTreeMap<String, RootKind>,
    local_deps: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let is_flutter = |r: &String| {
        matches!(
            raw_roots.get(r),
            Some(RootKind::CrossPlatform(Platform::Flutter))
        )
    };
    let reached: BTreeSet<String> = local_deps
        .iter()
        .filter(|(from, _)| is_flutter(from))
        .flat_map(|(_, deps)| deps.iter().filter(|d| is_flutter(d)).cloned())
        .collect();
    let flutter_apps: Vec<String> = raw_roots
        .keys()
        .filter(|r| is_flutter(r) && !reached.contains(*r))
        .cloned()
        .collect();
    let mut package_units: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Every package reached from no app (a cycle) stays a unit: never lose files.
    if !flutter_apps.is_empty() {
        for app in &flutter_apps {
            let mut stack: Vec<String> =
                local_deps.get(app).into_iter().flatten().cloned().collect();
            let mut seen = BTreeSet::new();
            while let Some(package) = stack.pop() {
                if package == *app || !seen.insert(package.clone()) {
                    continue;
                }
                package_units
                    .entry(package.clone())
                    .or_default()
                    .insert(app.clone());
                stack.extend(local_deps.get(&package).into_iter().flatten().cloned());
            }
        }
        raw_roots.retain(|root, _| !reached.contains(root) || !package_units.contains_key(root));
    }
    package_units
}
