//! Linking: group files into app units from project markers, then derive the ties
//! between SDKs and capabilities inside each unit. Two unrelated apps never tie.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::{Catalog, IdKind};
use crate::finding::TieKind;
use crate::model::{
    Evidence, EvidenceKind, FileFacts, Level, Location, Marker, Platform, Presence, Step,
};
use crate::walk::FileKind;

/// One analysed file, as the linker sees it.
pub struct AnalysedFile {
    pub path: String,
    pub kind: FileKind,
    pub facts: FileFacts,
}

/// A link between an SDK and a capability, with its evidence chain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tie {
    pub sdk: String,
    pub capability: String,
    pub kind: TieKind,
    /// The sink: the SDK call, or the dependency line for collection ties.
    pub at: Location,
    /// Where the capability comes from (the API read, or the permission line).
    pub source: Option<Location>,
    /// Source → … → sink for flows; empty otherwise.
    pub chain: Vec<Step>,
    pub detail: String,
}

/// What one capability looks like in one unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CapabilityFacts {
    pub declared: Vec<Evidence>,
    pub used: Vec<Evidence>,
    pub removed: Vec<Evidence>,
    /// Whether the unit reads precise location (see `precision`).
    pub precise: bool,
    pub background: bool,
}

impl CapabilityFacts {
    /// Declared (and not stripped) or used: the app has the capability.
    pub fn granted(&self) -> bool {
        !self.declared.is_empty() || !self.used.is_empty()
    }
}

/// One app: its root folder, its platforms, and everything found in its files.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AppUnit {
    /// Scan-relative folder (`.` for the scan root).
    pub root: String,
    pub platforms: BTreeSet<Platform>,
    pub files: BTreeSet<String>,
    /// Presence evidence per SDK id.
    pub sdks: BTreeMap<String, Vec<Evidence>>,
    pub capabilities: BTreeMap<String, CapabilityFacts>,
    pub ties: Vec<Tie>,
    /// Everything else the rules look at (purpose strings, privacy manifest facts).
    pub other: Vec<Evidence>,
}

impl AppUnit {
    pub fn capability(&self, id: &str) -> Option<&CapabilityFacts> {
        self.capabilities.get(id)
    }
    pub fn has_platform(&self, platform: Platform) -> bool {
        self.platforms.contains(&platform)
    }
    /// The SDK's most telling presence: a dependency line first, then an import.
    pub fn sdk_anchor(&self, sdk: &str) -> Option<&Evidence> {
        let list = self.sdks.get(sdk)?;
        list.iter()
            .find(|e| {
                matches!(
                    e.kind,
                    EvidenceKind::SdkPresence {
                        via: Presence::Dependency,
                        ..
                    }
                )
            })
            .or_else(|| list.first())
    }
}

/// The linked facts of a whole scan.
#[derive(Debug, Default)]
pub struct Facts {
    pub units: Vec<AppUnit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RootKind {
    CrossPlatform(Platform),
    AndroidApp,
    Ios,
    Web,
}

/// Group files into app units and compute ties.
pub fn link(files: &[AnalysedFile], catalog: &Catalog) -> Facts {
    let layout = Layout::discover(files);
    let shipped = Shipped::collect(files, &layout);
    let mut units: BTreeMap<String, AppUnit> = BTreeMap::new();
    for file in files {
        for root in layout.units_of(&file.path, file.kind) {
            let unit = units.entry(root.clone()).or_insert_with(|| AppUnit {
                root: if root.is_empty() {
                    ".".into()
                } else {
                    root.clone()
                },
                ..AppUnit::default()
            });
            if let Some(RootKind::CrossPlatform(p)) = layout.roots.get(&root) {
                unit.platforms.insert(*p);
            }
            if let Some(p) = platform_of(file.kind) {
                unit.platforms.insert(p);
            }
            unit.files.insert(file.path.clone());
            let kept: Vec<Evidence> = file
                .facts
                .evidence
                .iter()
                .filter(|e| shipped.keeps(file, e, &root, catalog))
                .cloned()
                .collect();
            add_evidence(unit, &kept);
        }
    }
    let mut units: Vec<AppUnit> = units.into_values().collect();
    // Files outside every app (tooling above a web folder, Gradle modules no app
    // reaches) make a catch-all unit at the scan root; with no evidence it is no app.
    units.retain(|u| {
        u.root != "."
            || layout.roots.contains_key("")
            || !u.sdks.is_empty()
            || !u.capabilities.is_empty()
            || !u.other.is_empty()
    });
    for unit in &mut units {
        finish_capabilities(unit);
        unit.ties = ties(unit, catalog);
    }
    Facts { units }
}

fn platform_of(kind: FileKind) -> Option<Platform> {
    Some(match kind {
        FileKind::AndroidManifest
        | FileKind::GradleBuild
        | FileKind::GradleSettings
        | FileKind::VersionCatalog
        | FileKind::Kotlin
        | FileKind::Java => Platform::Android,
        FileKind::InfoPlist
        | FileKind::PrivacyManifest
        | FileKind::XcodeProject
        | FileKind::Xcconfig
        | FileKind::Podfile
        | FileKind::PodfileLock
        | FileKind::PackageSwift
        | FileKind::PackageResolved
        | FileKind::XcodeGen
        | FileKind::Cartfile
        | FileKind::Swift
        | FileKind::ObjectiveC => Platform::Ios,
        FileKind::Html => Platform::Web,
        FileKind::ExpoConfig => Platform::ReactNative,
        FileKind::Pubspec | FileKind::PubspecLock | FileKind::Dart => Platform::Flutter,
        FileKind::CargoToml
        | FileKind::Rust
        | FileKind::TauriConfig
        | FileKind::TauriCapability => Platform::Rust,
        FileKind::PackageJson | FileKind::JavaScript | FileKind::TypeScript => return None,
    })
}

/// Folder names of Gradle build logic (never shipped).
const GRADLE_BUILD_LOGIC: [&str; 2] = ["buildSrc", "build-logic"];

/// Unit roots and the Android module graph, from the markers of every file.
struct Layout {
    /// Unit root folder → kind (after merging native folders into cross-platform roots).
    roots: BTreeMap<String, RootKind>,
    /// Gradle module folder → the unit roots (application modules) that reach it.
    module_units: BTreeMap<String, BTreeSet<String>>,
    /// Local package folder (a pubspec `path:` dependency) → the app roots shipping it.
    package_units: BTreeMap<String, BTreeSet<String>>,
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Whether `dir` is `ancestor` or lies under it ("" is the scan root).
fn is_within(dir: &str, ancestor: &str) -> bool {
    ancestor.is_empty()
        || dir == ancestor
        || (dir.starts_with(ancestor) && dir.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

fn join_dir(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if base.is_empty() {
        vec![]
    } else {
        base.split('/').collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

impl Layout {
    fn discover(files: &[AnalysedFile]) -> Layout {
        let mut raw_roots: BTreeMap<String, RootKind> = BTreeMap::new();
        let mut modules: BTreeSet<String> = BTreeSet::new();
        let mut apps: BTreeSet<String> = BTreeSet::new();
        let mut project_deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // settings folder → (project path → module folder)
        let mut includes: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut web_candidates: BTreeSet<String> = BTreeSet::new();
        // package folder → the local package folders it depends on by path
        let mut local_deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();

        for file in files {
            let dir = parent_dir(&file.path).to_string();
            for m in &file.facts.markers {
                match &m.marker {
                    Marker::AndroidApplication => {
                        apps.insert(dir.clone());
                        modules.insert(dir.clone());
                    }
                    Marker::GradleModule => {
                        modules.insert(dir.clone());
                    }
                    Marker::GradleProjectDependency { project } => {
                        project_deps
                            .entry(dir.clone())
                            .or_default()
                            .push(project.clone());
                    }
                    Marker::GradleInclude {
                        project,
                        dir: module_dir,
                    } => {
                        let module_dir = module_dir.clone().unwrap_or_else(|| {
                            join_dir(&dir, &project.trim_start_matches(':').replace(':', "/"))
                        });
                        includes
                            .entry(dir.clone())
                            .or_default()
                            .insert(project.clone(), module_dir);
                    }
                    Marker::IosApp => {
                        let mut d = dir.as_str();
                        while d.ends_with(".xcodeproj") || d.ends_with(".xcworkspace") {
                            d = parent_dir(d);
                        }
                        raw_roots.entry(d.to_string()).or_insert(RootKind::Ios);
                    }
                    Marker::PackageJson {
                        react_native, expo, ..
                    } => {
                        if *react_native || *expo {
                            raw_roots.insert(
                                dir.clone(),
                                RootKind::CrossPlatform(Platform::ReactNative),
                            );
                        } else {
                            web_candidates.insert(dir.clone());
                        }
                    }
                    Marker::FlutterApp => {
                        raw_roots.insert(dir.clone(), RootKind::CrossPlatform(Platform::Flutter));
                    }
                    Marker::TauriConfig | Marker::CargoPackage { tauri: true } => {
                        let root = if dir == "src-tauri" {
                            String::new()
                        } else if let Some(p) = dir.strip_suffix("/src-tauri") {
                            p.to_string()
                        } else {
                            dir.clone()
                        };
                        raw_roots.insert(root, RootKind::CrossPlatform(Platform::Rust));
                    }
                    Marker::CargoPackage { tauri: false } => {}
                    Marker::LocalPackageDependency { dir: rel } => {
                        let target = join_dir(&dir, rel);
                        if target != dir {
                            local_deps.entry(dir.clone()).or_default().insert(target);
                        }
                    }
                    Marker::WebPage => {
                        web_candidates.insert(dir.clone());
                    }
                    // Read by `Shipped`: they refine evidence, not the layout.
                    Marker::VersionCatalogUse { .. }
                    | Marker::VersionCatalogLibrary { .. }
                    | Marker::VersionCatalogBundle { .. }
                    | Marker::SwiftPackageProducts { .. } => {}
                }
            }
        }
        for app in &apps {
            raw_roots.entry(app.clone()).or_insert(RootKind::AndroidApp);
        }

        // A Flutter "app" another Flutter app depends on by path is a package of that
        // app (a monorepo's `packages/…`): it ships inside it and is no unit of its own.
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
            raw_roots
                .retain(|root, _| !reached.contains(root) || !package_units.contains_key(root));
        }

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

        // Android module graph: each application module reaches modules via project().
        let resolve_project = |from: &str, project: &str| -> String {
            let settings = includes
                .keys()
                .filter(|s| is_within(from, s))
                .max_by_key(|s| s.len());
            if let Some(settings) = settings
                && let Some(dir) = includes[settings].get(project)
            {
                return dir.clone();
            }
            let base = settings.cloned().unwrap_or_default();
            join_dir(&base, &project.trim_start_matches(':').replace(':', "/"))
        };
        let mut module_units: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for app in &apps {
            let unit = redirect.get(app).cloned().unwrap_or_else(|| app.clone());
            let mut stack = vec![app.clone()];
            let mut seen = BTreeSet::new();
            while let Some(module) = stack.pop() {
                if !seen.insert(module.clone()) {
                    continue;
                }
                module_units
                    .entry(module.clone())
                    .or_default()
                    .insert(unit.clone());
                for dep in project_deps.get(&module).into_iter().flatten() {
                    stack.push(resolve_project(&module, dep));
                }
            }
        }
        for module in &modules {
            module_units.entry(module.clone()).or_default();
        }
        Layout {
            roots,
            module_units,
            package_units,
        }
    }

    /// The unit roots a file belongs to.
    fn units_of(&self, path: &str, kind: FileKind) -> Vec<String> {
        let dir = parent_dir(path);
        // Gradle build logic (`buildSrc`, the `build-logic` included build of Gradle's
        // own guides) runs at build time and ships in no app: its imports of SDK Gradle
        // plugins are not SDKs in the app.
        if dir
            .split('/')
            .any(|segment| GRADLE_BUILD_LOGIC.contains(&segment))
        {
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

/// A version catalog file's accessor root: `gradle/libs.versions.toml` → `libs`.
fn catalog_name(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".versions.toml").unwrap_or(name)
}

/// `https://github.com/Firebase/firebase-ios-sdk.git/` and `git@github.com:firebase/
/// firebase-ios-sdk` → `github.com/firebase/firebase-ios-sdk`.
fn normalise_package_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once("://").map_or(url, |(_, rest)| rest);
    let url = url
        .strip_prefix("git@")
        .map_or_else(|| url.to_string(), |rest| rest.replacen(':', "/", 1));
    let url = url.trim_start_matches("www.");
    let url = url.trim_end_matches('/').trim_end_matches(".git");
    url.to_ascii_lowercase()
}

/// What the build files of each unit actually ship, for evidence that a per-file
/// extractor could only over-approximate:
/// - version catalog entries: `libs.versions.toml` lists aliases, build files use some
///   of them (`Marker::VersionCatalogUse`); an entry counts in a unit only when a build
///   file of that unit uses it, directly or through a bundle;
/// - Swift package lock pins: `Package.resolved` pins every package of the graph and a
///   `.package(url:)` names a repository that may ship several SDKs; where the unit says
///   which products it links from that URL (`Marker::SwiftPackageProducts`), the pin
///   counts for an SDK only if one of those products ships it.
#[derive(Default)]
struct Shipped {
    /// (unit root, catalog name) → accessors used by the unit's build files.
    catalog_uses: BTreeMap<(String, String), BTreeSet<String>>,
    /// Catalog names some build file of the scan uses at all.
    catalogs_used: BTreeSet<String>,
    /// Catalog names used by build files that belong to no app (a script applied with
    /// `apply from:` outside every module): such uses may serve any unit.
    catalogs_used_anywhere: BTreeMap<String, BTreeSet<String>>,
    /// Version catalog entries: (location, sdk) → alias.
    libraries: BTreeMap<(Location, String), String>,
    /// Catalog file path → bundle → member aliases.
    bundles: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Convention plugins (build-logic, buildSrc) can add catalog entries by name from
    /// code privlint does not resolve.
    build_logic: bool,
    /// (unit root, normalised package URL) → products linked from it.
    package_products: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Shipped {
    fn collect(files: &[AnalysedFile], layout: &Layout) -> Shipped {
        let mut out = Shipped::default();
        for file in files {
            let in_build_logic = parent_dir(&file.path)
                .split('/')
                .any(|segment| GRADLE_BUILD_LOGIC.contains(&segment));
            if in_build_logic
                && matches!(
                    file.kind,
                    FileKind::Kotlin | FileKind::Java | FileKind::GradleBuild
                )
            {
                out.build_logic = true;
            }
            if file.facts.markers.is_empty() {
                continue;
            }
            let units = layout.units_of(&file.path, file.kind);
            // The catch-all unit at the scan root (no app there) holds shared scripts.
            let orphan = units.is_empty()
                || (units.iter().all(String::is_empty) && !layout.roots.contains_key(""));
            for m in &file.facts.markers {
                match &m.marker {
                    Marker::VersionCatalogUse { catalog, accessor } => {
                        out.catalogs_used.insert(catalog.clone());
                        if orphan {
                            out.catalogs_used_anywhere
                                .entry(catalog.clone())
                                .or_default()
                                .insert(accessor.clone());
                        }
                        for root in &units {
                            out.catalog_uses
                                .entry((root.clone(), catalog.clone()))
                                .or_default()
                                .insert(accessor.clone());
                        }
                    }
                    Marker::VersionCatalogLibrary { alias, sdk } => {
                        out.libraries
                            .insert((m.at.clone(), sdk.clone()), alias.clone());
                    }
                    Marker::VersionCatalogBundle { bundle, members } => {
                        out.bundles
                            .entry(file.path.clone())
                            .or_default()
                            .insert(bundle.clone(), members.clone());
                    }
                    Marker::SwiftPackageProducts { url, products } => {
                        for root in &units {
                            out.package_products
                                .entry((root.clone(), normalise_package_url(url)))
                                .or_default()
                                .extend(products.iter().cloned());
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether `evidence` of `file` counts in the unit at `root`.
    fn keeps(
        &self,
        file: &AnalysedFile,
        evidence: &Evidence,
        root: &str,
        catalog: &Catalog,
    ) -> bool {
        let EvidenceKind::SdkPresence { sdk, .. } = &evidence.kind else {
            return true;
        };
        match file.kind {
            FileKind::VersionCatalog => self.catalog_entry_ships(file, evidence, sdk, root),
            FileKind::PackageResolved | FileKind::PackageSwift => {
                self.package_pin_ships(evidence, sdk, root, catalog)
            }
            _ => true,
        }
    }

    fn catalog_entry_ships(
        &self,
        file: &AnalysedFile,
        evidence: &Evidence,
        sdk: &str,
        root: &str,
    ) -> bool {
        let Some(alias) = self.libraries.get(&(evidence.at.clone(), sdk.to_string())) else {
            return true;
        };
        let name = catalog_name(&file.path);
        // Fallback to "every entry ships" when nothing tells which entries are used:
        // no build file uses this catalog's accessors (a differently named catalog, or
        // one consumed only by convention plugins), or convention plugins exist, whose
        // `libs.findLibrary("…")` calls in Kotlin code privlint does not resolve.
        if self.build_logic || !self.catalogs_used.contains(name) {
            return true;
        }
        let no_uses = BTreeSet::new();
        let unit_uses = self
            .catalog_uses
            .get(&(root.to_string(), name.to_string()))
            .unwrap_or(&no_uses);
        let shared_uses = self.catalogs_used_anywhere.get(name).unwrap_or(&no_uses);
        let bundles = self.bundles.get(&file.path);
        unit_uses.iter().chain(shared_uses).any(|accessor| {
            accessor == alias
                || accessor.strip_prefix("bundles.").is_some_and(|bundle| {
                    bundles
                        .and_then(|b| b.get(bundle))
                        .is_some_and(|members| members.contains(alias))
                })
        })
    }

    fn package_pin_ships(
        &self,
        evidence: &Evidence,
        sdk: &str,
        root: &str,
        catalog: &Catalog,
    ) -> bool {
        // Package.resolved details are `url version`, Package.swift ones `url` or
        // `url (Product)`: the URL comes first.
        let Some(url) = evidence.detail.split_whitespace().next() else {
            return true;
        };
        let Some(products) = self
            .package_products
            .get(&(root.to_string(), normalise_package_url(url)))
        else {
            // Nothing in the unit says which products are linked: the pin is the evidence.
            return true;
        };
        let Some(owner) = catalog.lookup(IdKind::Spm, url) else {
            return true;
        };
        if owner.identifiers.ios_modules.is_empty() {
            return true;
        }
        products.iter().any(|product| {
            crate::extract::apple::xcode::product_sdk(catalog, owner, product)
                .is_some_and(|s| s.id == sdk)
        })
    }
}

fn add_evidence(unit: &mut AppUnit, evidence: &[Evidence]) {
    for e in evidence {
        match &e.kind {
            EvidenceKind::SdkPresence { sdk, .. } => {
                unit.sdks.entry(sdk.clone()).or_default().push(e.clone());
            }
            EvidenceKind::CapabilityDeclared {
                capability,
                removed,
                ..
            } => {
                let c = unit.capabilities.entry(capability.clone()).or_default();
                if *removed {
                    c.removed.push(e.clone())
                } else {
                    c.declared.push(e.clone())
                }
            }
            EvidenceKind::CapabilityUse { capability, .. } => {
                unit.capabilities
                    .entry(capability.clone())
                    .or_default()
                    .used
                    .push(e.clone());
            }
            _ => unit.other.push(e.clone()),
        }
    }
}

/// The permission (or key) a declaration names.
pub fn declared_key(e: &Evidence) -> &str {
    match &e.kind {
        EvidenceKind::CapabilityDeclared { key, .. } => key,
        _ => "",
    }
}

fn level_of(e: &Evidence) -> Level {
    match &e.kind {
        EvidenceKind::CapabilityDeclared { level, .. }
        | EvidenceKind::CapabilityUse { level, .. } => *level,
        _ => Level::NONE,
    }
}

fn finish_capabilities(unit: &mut AppUnit) {
    for facts in unit.capabilities.values_mut() {
        // The manifest merger drops a permission any manifest of the unit removes.
        let removed: BTreeSet<String> = facts
            .removed
            .iter()
            .map(|e| declared_key(e).to_string())
            .collect();
        facts
            .declared
            .retain(|e| !removed.contains(declared_key(e)));
        facts.declared.sort();
        facts.declared.dedup();
        facts.used.sort();
        facts.used.dedup();
        facts.removed.sort();
        facts.removed.dedup();
        let all = facts.declared.iter().chain(&facts.used);
        let levels: Vec<Level> = all.map(level_of).collect();
        let any_precise = levels.iter().any(|l| l.precise == Some(true));
        let any_coarse = levels.iter().any(|l| l.precise == Some(false));
        // Without a coarse-only declaration, platforms give full accuracy.
        facts.precise = any_precise || (!any_coarse && !levels.is_empty());
        facts.background = levels.iter().any(|l| l.background);
    }
    for list in unit.sdks.values_mut() {
        list.sort();
        list.dedup();
    }
    unit.other.sort();
    unit.other.dedup();
}

fn ties(unit: &AppUnit, catalog: &Catalog) -> Vec<Tie> {
    let mut out = Vec::new();
    for e in &unit.other {
        // A call that only looks like an SDK call (a receiver named `analytics`) is no tie
        // when the app ships no such SDK.
        if e.kind.sdk().is_some_and(|sdk| !unit.sdks.contains_key(sdk)) {
            continue;
        }
        match &e.kind {
            EvidenceKind::Flow {
                sdk,
                capability,
                chain,
            } => out.push(Tie {
                sdk: sdk.clone(),
                capability: capability.clone(),
                kind: TieKind::Flow,
                at: e.at.clone(),
                source: chain.first().map(|s| s.at.clone()),
                chain: chain.clone(),
                detail: e.detail.clone(),
            }),
            EvidenceKind::SdkApiCall { sdk, capability } => out.push(Tie {
                sdk: sdk.clone(),
                capability: capability.clone(),
                kind: TieKind::SdkApi,
                at: e.at.clone(),
                source: None,
                chain: Vec::new(),
                detail: e.detail.clone(),
            }),
            _ => {}
        }
    }
    let removed: BTreeSet<&str> = unit
        .capabilities
        .values()
        .flat_map(|c| c.removed.iter().map(declared_key))
        .collect();
    for sdk_id in unit.sdks.keys() {
        let Some(sdk) = catalog.sdk(sdk_id) else {
            continue;
        };
        let Some(anchor) = unit.sdk_anchor(sdk_id) else {
            continue;
        };
        for collect in sdk.collects.iter().filter(|c| !c.opt_in) {
            let Some(cap) = unit.capability(&collect.capability) else {
                continue;
            };
            if !cap.granted() {
                continue;
            }
            out.push(Tie {
                sdk: sdk_id.clone(),
                capability: collect.capability.clone(),
                kind: TieKind::AutoCollect,
                at: anchor.at.clone(),
                source: cap
                    .declared
                    .first()
                    .or(cap.used.first())
                    .map(|e| e.at.clone()),
                chain: Vec::new(),
                detail: format!(
                    "{} collects {} when the app grants it",
                    sdk.name, collect.capability
                ),
            });
        }
        let dependencies: Vec<&Evidence> = unit.sdks[sdk_id]
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EvidenceKind::SdkPresence {
                        via: Presence::Dependency,
                        ..
                    }
                )
            })
            .collect();
        for perm in &sdk.permissions {
            let shipped = match &perm.artifact {
                Some(artifact) => dependencies
                    .iter()
                    .find(|e| e.detail.contains(artifact.as_str())),
                None => dependencies.first(),
            };
            let Some(dep) = shipped else { continue };
            if removed.contains(perm.permission.as_str()) {
                continue;
            }
            let Some((cap, _)) = catalog.permission(&perm.permission) else {
                continue;
            };
            out.push(Tie {
                sdk: sdk_id.clone(),
                capability: cap.id.clone(),
                kind: TieKind::SdkPermission,
                at: dep.at.clone(),
                source: None,
                chain: Vec::new(),
                detail: format!(
                    "{} adds {} through the manifest merger",
                    sdk.name, perm.permission
                ),
            });
        }
    }
    out.sort();
    // One collection tie per SDK, capability and kind; every call site stays.
    out.dedup_by(|a, b| {
        a.sdk == b.sdk
            && a.capability == b.capability
            && a.kind == b.kind
            && matches!(a.kind, TieKind::AutoCollect | TieKind::SdkPermission)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, kind: FileKind) -> AnalysedFile {
        AnalysedFile {
            path: path.into(),
            kind,
            facts: FileFacts::default(),
        }
    }

    fn with_marker(mut f: AnalysedFile, line: u32, marker: Marker) -> AnalysedFile {
        let at = Location::new(f.path.clone(), line, 1);
        f.facts.marker(at, marker);
        f
    }

    fn presence(path: &str, line: u32, sdk: &str, detail: &str) -> Evidence {
        Evidence {
            at: Location::new(path, line, 1),
            kind: EvidenceKind::SdkPresence {
                sdk: sdk.into(),
                via: Presence::Dependency,
            },
            detail: detail.into(),
        }
    }

    fn uses(path: &str, accessors: &[&str]) -> AnalysedFile {
        let mut f = with_marker(file(path, FileKind::GradleBuild), 1, Marker::GradleModule);
        for (i, accessor) in accessors.iter().enumerate() {
            f = with_marker(
                f,
                i as u32 + 2,
                Marker::VersionCatalogUse {
                    catalog: "libs".into(),
                    accessor: (*accessor).into(),
                },
            );
        }
        f
    }

    /// `gradle/libs.versions.toml` with firebase-analytics (line 2), appsflyer (line 3),
    /// braze (line 4) and a bundle `engagement = [braze]`.
    fn version_catalog() -> AnalysedFile {
        let path = "gradle/libs.versions.toml";
        let mut f = file(path, FileKind::VersionCatalog);
        for (line, alias, sdk) in [
            (2, "firebase.analytics", "firebase-analytics"),
            (3, "appsflyer", "appsflyer"),
            (4, "braze.android", "braze"),
        ] {
            f = with_marker(
                f,
                line,
                Marker::VersionCatalogLibrary {
                    alias: alias.into(),
                    sdk: sdk.into(),
                },
            );
            f.facts
                .evidence
                .push(presence(path, line, sdk, &format!("{alias} = g:a")));
        }
        with_marker(
            f,
            6,
            Marker::VersionCatalogBundle {
                bundle: "engagement".into(),
                members: vec!["braze.android".into()],
            },
        )
    }

    fn android_app(dir: &str, accessors: &[&str]) -> AnalysedFile {
        with_marker(
            uses(&format!("{dir}/build.gradle.kts"), accessors),
            1,
            Marker::AndroidApplication,
        )
    }

    fn sdks_of(facts: &Facts) -> Vec<(String, Vec<String>)> {
        facts
            .units
            .iter()
            .map(|u| (u.root.clone(), u.sdks.keys().cloned().collect()))
            .collect()
    }

    #[test]
    fn catalog_entry_counts_only_in_units_whose_build_files_use_it() {
        let catalog = Catalog::embedded().unwrap();
        let files = vec![
            version_catalog(),
            android_app("phone", &["firebase.analytics", "androidx.core"]),
            android_app("watch", &["bundles.engagement"]),
        ];
        assert_eq!(
            sdks_of(&link(&files, &catalog)),
            vec![
                ("phone".into(), vec!["firebase-analytics".into()]),
                ("watch".into(), vec!["braze".into()]),
            ]
        );
        // The kept evidence still points at the catalog line.
        let facts = link(&files, &catalog);
        assert_eq!(
            facts.units[0].sdks["firebase-analytics"][0].at,
            Location::new("gradle/libs.versions.toml", 2, 1)
        );
    }

    #[test]
    fn catalog_entries_all_count_when_no_build_file_names_them() {
        let catalog = Catalog::embedded().unwrap();
        let every = vec![
            "appsflyer".to_string(),
            "braze".into(),
            "firebase-analytics".into(),
        ];
        // No `libs.` accessor anywhere (a convention plugin consumes the catalog).
        let files = vec![version_catalog(), android_app("app", &[])];
        assert_eq!(
            sdks_of(&link(&files, &catalog)),
            vec![("app".into(), every.clone())]
        );
        // Convention plugins exist: their `findLibrary("…")` calls are not resolved.
        let files = vec![
            version_catalog(),
            android_app("app", &["appsflyer"]),
            file(
                "build-logic/convention/src/main/kotlin/FirebaseConventionPlugin.kt",
                FileKind::Kotlin,
            ),
        ];
        assert_eq!(
            sdks_of(&link(&files, &catalog)),
            vec![("app".into(), every)]
        );
        // A script plugin outside every module (`apply from:`) serves every unit.
        let files = vec![
            version_catalog(),
            android_app("app", &["appsflyer"]),
            uses("gradle/firebase.gradle", &["firebase.analytics"]),
        ];
        assert_eq!(
            sdks_of(&link(&files, &catalog)),
            vec![(
                "app".into(),
                vec!["appsflyer".into(), "firebase-analytics".into()]
            )]
        );
    }

    const FIREBASE_URL: &str = "https://github.com/firebase/firebase-ios-sdk";

    fn ios_app(dir: &str, products: Option<&[&str]>) -> Vec<AnalysedFile> {
        let mut project = with_marker(
            file(
                &format!("{dir}/App.xcodeproj/project.pbxproj"),
                FileKind::XcodeProject,
            ),
            1,
            Marker::IosApp,
        );
        if let Some(products) = products {
            project = with_marker(
                project,
                20,
                Marker::SwiftPackageProducts {
                    url: format!("{FIREBASE_URL}.git"),
                    products: products.iter().map(|p| p.to_string()).collect(),
                },
            );
        }
        let resolved_path = format!("{dir}/App.xcodeproj/project.xcworkspace/Package.resolved");
        let mut resolved = file(&resolved_path, FileKind::PackageResolved);
        resolved.facts.evidence.push(presence(
            &resolved_path,
            7,
            "firebase-analytics",
            &format!("{FIREBASE_URL} 11.2.0"),
        ));
        vec![project, resolved]
    }

    #[test]
    fn lock_pin_counts_only_when_a_linked_product_ships_its_sdk() {
        let catalog = Catalog::embedded().unwrap();
        let case = |products: Option<&[&str]>| {
            let facts = link(&ios_app("ios", products), &catalog);
            sdks_of(&facts)
        };
        let analytics = vec![("ios".to_string(), vec!["firebase-analytics".to_string()])];
        let none = vec![("ios".to_string(), Vec::<String>::new())];
        assert_eq!(case(Some(&["FirebaseMessaging"])), none);
        assert_eq!(
            case(Some(&["FirebaseMessaging", "FirebaseCrashlytics"])),
            none
        );
        assert_eq!(
            case(Some(&["FirebaseAnalyticsWithoutAdIdSupport"])),
            analytics
        );
        // Nothing says which products are linked: the pin is the evidence.
        assert_eq!(case(None), analytics);
        // Another app's linked products say nothing about this one.
        let mut files = ios_app("messenger", Some(&["FirebaseMessaging"]));
        files.extend(ios_app("tracker", None));
        assert_eq!(
            sdks_of(&link(&files, &catalog)),
            vec![
                ("messenger".into(), vec![]),
                ("tracker".into(), vec!["firebase-analytics".into()]),
            ]
        );
    }

    #[test]
    fn package_urls_compare_without_scheme_suffix_or_case() {
        for url in [
            "https://github.com/Firebase/firebase-ios-sdk.git",
            "https://www.github.com/firebase/firebase-ios-sdk/",
            "git@github.com:firebase/firebase-ios-sdk.git",
        ] {
            assert_eq!(
                normalise_package_url(url),
                "github.com/firebase/firebase-ios-sdk"
            );
        }
        assert_eq!(catalog_name("gradle/libs.versions.toml"), "libs");
        assert_eq!(catalog_name("androidx.versions.toml"), "androidx");
    }
}
