//! What the build files of each unit actually ship (version catalog entries, Swift
//! package pins), for evidence a per-file extractor can only over-approximate.

use std::collections::{BTreeMap, BTreeSet};

use super::gradle::in_build_logic;
use super::units::Layout;
use super::{AnalysedFile, parent_dir};
use crate::catalog::{Catalog, IdKind};
use crate::model::{Evidence, EvidenceKind, Location, Marker};
use crate::walk::FileKind;

/// A version catalog file's accessor root: `gradle/libs.versions.toml` → `libs`.
pub(super) fn catalog_name(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".versions.toml").unwrap_or(name)
}

/// `https://github.com/Firebase/firebase-ios-sdk.git/` and `git@github.com:firebase/
/// firebase-ios-sdk` → `github.com/firebase/firebase-ios-sdk`.
pub(super) fn normalise_package_url(url: &str) -> String {
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
pub(super) struct Shipped {
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
    pub(super) fn collect(files: &[AnalysedFile], layout: &Layout) -> Shipped {
        let mut out = Shipped::default();
        for file in files {
            if in_build_logic(parent_dir(&file.path))
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
    pub(super) fn keeps(
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
