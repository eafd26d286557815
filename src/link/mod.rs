//! Linking: group files into app units from project markers, then derive the ties
//! between SDKs and capabilities inside each unit. Two unrelated apps never tie.
//!
//! [`units`] finds the unit roots (from the markers each ecosystem turns into roots, see
//! `crate::ecosystem`) and which units a file belongs to, with the Gradle module graph in
//! [`gradle`]; [`shipped`] refines evidence a per-file extractor over-approximates;
//! [`ties`] derives the ties of one unit.

mod flow;
mod gradle;
mod shipped;
pub mod test_code;
mod ties;
mod units;
mod workspaces;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::ecosystem::{self, RootKind};
use crate::finding::TieKind;
use crate::model::{Evidence, EvidenceKind, FileFacts, Level, Location, Platform, Presence, Step};
use crate::walk::FileKind;

use shipped::Shipped;
use units::Layout;
use workspaces::Workspaces;

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
    /// The SDK's most telling presence: a dependency the app declares first, then one
    /// a lockfile says another package pulls in, then an import.
    pub fn sdk_anchor(&self, sdk: &str) -> Option<&Evidence> {
        let list = self.sdks.get(sdk)?;
        let dependency = |e: &&Evidence| {
            matches!(
                e.kind,
                EvidenceKind::SdkPresence {
                    via: Presence::Dependency,
                    ..
                }
            )
        };
        list.iter()
            .filter(dependency)
            .find(|e| !e.is_transitive())
            .or_else(|| list.iter().find(dependency))
            .or_else(|| list.first())
    }

    /// ` via a → b` (or ` through another package` when the chain is unknown) for an SDK that
    /// only other packages pull in; empty otherwise.
    pub fn transitive_note(&self, sdk: &str) -> String {
        if !self.sdk_only_transitive(sdk) {
            return String::new();
        }
        match self.sdk_anchor(sdk).and_then(|e| e.resolution.as_deref()) {
            Some(r) if !r.via.is_empty() => format!(" via {}", r.via.join(" → ")),
            _ => " through another package".to_string(),
        }
    }

    /// Whether the SDK arrives only through other packages, as lockfiles record it.
    pub fn sdk_only_transitive(&self, sdk: &str) -> bool {
        self.sdks
            .get(sdk)
            .is_some_and(|list| !list.is_empty() && list.iter().all(Evidence::is_transitive))
    }
}

/// The linked facts of a whole scan.
#[derive(Debug, Default)]
pub struct Facts {
    pub units: Vec<AppUnit>,
}

/// Group files into app units and compute ties.
pub fn link(files: &[AnalysedFile], catalog: &Catalog) -> Facts {
    let layout = Layout::discover(files);
    let shipped = Shipped::collect(files, &layout);
    let workspaces = Workspaces::collect(files, &layout);
    let file_units = layout.file_units(files);
    let mut units: BTreeMap<String, AppUnit> = BTreeMap::new();
    for (file, roots) in files.iter().zip(file_units) {
        for root in roots {
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
            if let Some(p) = ecosystem::platform_of(file.kind) {
                unit.platforms.insert(p);
            }
            unit.files.insert(file.path.clone());
            // Test and tooling code is built into test runners, never into the app: it
            // neither declares nor uses capabilities, ships no SDK and makes no tie.
            let test_code = test_code::is_test_path(&file.path);
            let kept: Vec<Evidence> = file
                .facts
                .evidence
                .iter()
                .filter(|e| !test_code && shipped.keeps(file, e, &root, catalog))
                .filter_map(|e| workspaces.attribute(file, e, &root))
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
    let by_path: BTreeMap<&str, &AnalysedFile> =
        files.iter().map(|f| (f.path.as_str(), f)).collect();
    for unit in &mut units {
        let summarised: Vec<flow::SummaryFile> = unit
            .files
            .iter()
            .filter(|path| !test_code::is_test_path(path))
            .filter_map(|path| {
                let file = by_path.get(path.as_str())?;
                Some(flow::SummaryFile {
                    path: file.path.as_str(),
                    summary: file.facts.summary.as_deref()?,
                })
            })
            .collect();
        let crossing = flow::flows(&summarised, &unit.other);
        unit.other.extend(crossing);
        finish_capabilities(unit);
        unit.ties = ties::ties(unit, catalog);
    }
    Facts { units }
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

#[cfg(test)]
mod tests;
