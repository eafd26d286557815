//! App units: their roots (from the markers each ecosystem turns into roots), how
//! cross-platform roots absorb the native and web roots inside them, Flutter's local
//! packages, and which units a file belongs to.
//!
//! A static site is one unit: page folders inside a page folder are part of it. A web
//! folder in an Android module outside its source sets (`docs/`) is a site of its own.
//! A script a page or another script loads by a local path (`Marker::LocalScript`) also
//! belongs to the loader's units, so `<script src="../shared/ga.js">` makes the shared
//! file's SDKs the site's.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
        // Folders with a page (`index.html`), and Android application modules.
        let mut pages: BTreeSet<String> = BTreeSet::new();
        let mut android_apps: BTreeSet<String> = BTreeSet::new();
        let mut gradle = GradleGraph::default();
        // package folder → the local package folders it depends on by path
        let mut local_deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();

        for file in files {
            let dir = parent_dir(&file.path);
            for m in &file.facts.markers {
                gradle.add(dir, &m.marker);
                match &m.marker {
                    Marker::WebPage => {
                        pages.insert(dir.to_string());
                    }
                    Marker::AndroidApplication => {
                        android_apps.insert(dir.to_string());
                    }
                    _ => {}
                }
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
        // A web folder inside another unit is part of it, and one holding an app is no
        // site; but a web folder in an Android application module outside its source
        // sets (`docs/`, `website/`) ships in no APK: it is a site of its own.
        let candidates: Vec<&String> = web_candidates
            .iter()
            .filter(|dir| {
                !raw_roots.keys().any(|r| {
                    (is_within(dir, r) && !(android_apps.contains(r) && outside_sources(dir, r)))
                        || is_within(r, dir)
                })
            })
            .collect();
        // A site is one unit: a page folder inside another page folder is part of that
        // site, not a site of its own.
        let sites: Vec<&String> = candidates
            .iter()
            .copied()
            .filter(|dir| {
                !pages.contains(*dir)
                    || !candidates.iter().any(|outer| {
                        outer != dir && pages.contains(*outer) && is_within(dir, outer)
                    })
            })
            .collect();
        for dir in &sites {
            // A folder holding another web folder (tooling package.json above `src/`
            // or `docs/`) is not the site: the inner folder is. A page folder is a site.
            let holds_site = !pages.contains(*dir)
                && sites
                    .iter()
                    .any(|inner| inner != dir && is_within(inner, dir));
            if !holds_site {
                roots.insert((*dir).clone(), RootKind::Web);
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
        let deepest_root = self.deepest_root(dir);
        // Inside a Gradle module: the apps that reach the module (unless a site inside
        // the module's folder holds the file).
        if let Some((module, units)) = self
            .module_units
            .iter()
            .filter(|(m, _)| is_within(dir, m))
            .max_by_key(|(m, _)| m.len())
            && !units.is_empty()
            && !deepest_root.as_ref().is_some_and(|r| {
                r.len() > module.len() && self.roots.get(r) == Some(&RootKind::Web)
            })
        {
            let mut out: BTreeSet<String> = units.clone();
            // A module inside a cross-platform root also belongs to that root.
            if let Some(root) = deepest_root
                && matches!(self.roots.get(&root), Some(RootKind::CrossPlatform(_)))
            {
                out = [root].into();
            }
            return out.into_iter().collect();
        }
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

    /// The units of every file of `files`, in order: where the file lies (`units_of`),
    /// and for a script that a page or another script loads (`Marker::LocalScript`) also
    /// the units of the files loading it. A loaded script that lies in no unit belongs
    /// only to its loaders: a site's `../shared/ga.js` is that site's analytics.
    pub(super) fn file_units(&self, files: &[AnalysedFile]) -> Vec<Vec<String>> {
        let index: HashMap<&str, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.as_str(), i))
            .collect();
        let mut own: Vec<BTreeSet<String>> = Vec::with_capacity(files.len());
        let mut located: Vec<bool> = Vec::with_capacity(files.len());
        for file in files {
            own.push(self.units_of(&file.path, file.kind).into_iter().collect());
            located.push(self.lies_in_a_unit(&file.path));
        }
        let mut loads: Vec<(usize, usize)> = Vec::new();
        for (from, file) in files.iter().enumerate() {
            for m in &file.facts.markers {
                let Marker::LocalScript { path } = &m.marker else {
                    continue;
                };
                // `/js/ga.js` is relative to the site's root, anything else to the file.
                let bases: Vec<&str> = match path.strip_prefix('/') {
                    Some(_) => own[from].iter().map(String::as_str).collect(),
                    None => vec![parent_dir(&file.path)],
                };
                for base in bases {
                    if let Some(to) = resolve_script(&index, base, path.trim_start_matches('/'))
                        && to != from
                    {
                        loads.push((from, to));
                    }
                }
            }
        }
        let mut joined: Vec<BTreeSet<String>> = vec![BTreeSet::new(); files.len()];
        let effective = |i: usize, joined: &[BTreeSet<String>]| -> BTreeSet<String> {
            if located[i] || joined[i].is_empty() {
                own[i].union(&joined[i]).cloned().collect()
            } else {
                joined[i].clone()
            }
        };
        // A page loads a module that imports another: follow chains, to a bound.
        for _ in 0..MAX_SCRIPT_HOPS {
            let mut changed = false;
            for &(from, to) in &loads {
                for unit in effective(from, &joined) {
                    changed |= joined[to].insert(unit);
                }
            }
            if !changed {
                break;
            }
        }
        (0..files.len())
            .map(|i| effective(i, &joined).into_iter().collect())
            .collect()
    }

    /// Whether a file lies inside a unit's folder (an app, a module an app reaches, a
    /// shipped local package), rather than only above or beside the apps.
    fn lies_in_a_unit(&self, path: &str) -> bool {
        let dir = parent_dir(path);
        self.deepest_root(dir).is_some()
            || self
                .module_units
                .iter()
                .any(|(m, units)| !units.is_empty() && is_within(dir, m))
            || self.package_units.keys().any(|p| is_within(dir, p))
    }

    fn deepest_root(&self, dir: &str) -> Option<String> {
        self.roots
            .keys()
            .filter(|r| is_within(dir, r))
            .max_by_key(|r| r.len())
            .cloned()
    }
}

/// How many loads deep a script is followed from the page (page → module → module …).
const MAX_SCRIPT_HOPS: usize = 8;

/// Whether `dir` lies in the Android module `module` but outside its source sets
/// (`src/`), whose assets ship in the APK.
fn outside_sources(dir: &str, module: &str) -> bool {
    let sources = join_dir(module, "src");
    !is_within(dir, &sources)
}

/// The analysed file a local script reference names from folder `base`: the path as
/// written, else with a script extension or as a folder's `index` (`./ga` →
/// `ga.js`). `None` when it names no analysed file or climbs above the scan root.
fn resolve_script(index: &HashMap<&str, usize>, base: &str, rel: &str) -> Option<usize> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let path = parts.join("/");
    const SUFFIXES: &[&str] = &[
        "",
        ".js",
        ".mjs",
        ".ts",
        ".tsx",
        ".jsx",
        "/index.js",
        "/index.ts",
    ];
    SUFFIXES
        .iter()
        .find_map(|suffix| index.get(format!("{path}{suffix}").as_str()).copied())
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
