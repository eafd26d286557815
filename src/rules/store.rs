//! PL401 missing-purpose-string and PL402 privacy-manifest-gap: the App Store checks.

use std::collections::{BTreeMap, BTreeSet};

use super::{Draft, Rule};
use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::finding::TieKind;
use crate::link::test_code::is_test_path;
use crate::link::{AppUnit, Tie};
use crate::model::{EvidenceKind, Platform};
use crate::policy::Policy;

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    if !unit.has_platform(Platform::Ios) {
        return;
    }
    if policy.requires_purpose_strings() {
        missing_purpose_strings(unit, catalog, out);
    }
    if policy.requires_privacy_manifest() {
        privacy_manifest_gaps(unit, catalog, out);
    }
}

fn missing_purpose_strings(unit: &AppUnit, catalog: &Catalog, out: &mut Vec<Finding>) {
    let keys: BTreeSet<&str> = unit
        .other
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::PurposeString { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let info_plist = app_info_plist(unit);
    for (id, facts) in &unit.capabilities {
        let Some(def) = catalog.capability(id) else {
            continue;
        };
        if def.plist_keys.is_empty() || facts.used.is_empty() {
            continue;
        }
        // Expo and other config files that declare the capability also write the key.
        let declared_by_config = facts
            .declared
            .iter()
            .any(|e| e.at.path.ends_with("app.json") || e.at.path.contains("app.config."));
        if declared_by_config || def.plist_keys.iter().any(|k| keys.contains(k.key.as_str())) {
            continue;
        }
        let needed: Vec<&str> = def
            .plist_keys
            .iter()
            .filter(|k| k.required_for_use)
            .map(|k| k.key.as_str())
            .collect();
        let needed = if needed.is_empty() {
            def.plist_keys
                .first()
                .map(|k| k.key.as_str())
                .unwrap_or_default()
                .to_string()
        } else {
            needed.join(" or ")
        };
        let first = &facts.used[0];
        let mut draft = Draft::new(
            format!(
                "`{}` uses the {id} but the app has no {needed}: iOS terminates the app when it asks",
                first.detail
            ),
            first.at.clone(),
        )
        .capability(id)
        .identity(&needed);
        for other in facts.used.iter().skip(1).take(5) {
            draft = draft.related(
                other.at.clone(),
                format!("also used here: {}", other.detail),
            );
        }
        if let Some(plist) = info_plist {
            draft = draft.related(
                crate::model::Location::new(plist.clone(), 1, 1),
                format!("add {needed} to this Info.plist"),
            );
        }
        out.push(draft.finish(Rule::MissingPurposeString));
    }
}

fn privacy_manifest_gaps(unit: &AppUnit, catalog: &Catalog, out: &mut Vec<Finding>) {
    let manifest_facts: Vec<_> = unit
        .other
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EvidenceKind::PrivacyManifestDataType { .. }
                    | EvidenceKind::PrivacyManifestTracking { .. }
            )
        })
        .collect();
    let Some(manifest) = unit
        .files
        .iter()
        .find(|f| f.ends_with("PrivacyInfo.xcprivacy"))
    else {
        return;
    };
    let manifest_at = manifest_facts
        .first()
        .map(|e| e.at.clone())
        .unwrap_or_else(|| crate::model::Location::new(manifest.clone(), 1, 1));
    // Per capability, the precision of each data type the manifest declares
    // (`None` for a type without levels).
    let mut declared: BTreeMap<String, Vec<Option<bool>>> = BTreeMap::new();
    for e in &manifest_facts {
        if let EvidenceKind::PrivacyManifestDataType { data_type } = &e.kind
            && let Some((cap, def)) = catalog.data_type(data_type)
        {
            declared
                .entry(cap.id.clone())
                .or_default()
                .push(def.precise);
        }
    }
    let mut reported = BTreeSet::new();
    for tie in &unit.ties {
        let Some(cap) = catalog.capability(&tie.capability) else {
            continue;
        };
        if cap.privacy_data_types.is_empty() {
            continue;
        }
        let gap = match declared.get(&tie.capability) {
            None => ManifestGap::Undeclared,
            // Declared coarse only (every declared type says `precise: false`) while
            // the SDK receives precise data: the label understates what is collected.
            Some(levels)
                if levels.iter().all(|p| *p == Some(false)) && sends_precise(unit, tie) =>
            {
                ManifestGap::OnlyCoarse
            }
            Some(_) => continue,
        };
        if !reported.insert((tie.sdk.clone(), tie.capability.clone())) {
            continue;
        }
        let sdk_name = catalog
            .sdk(&tie.sdk)
            .map_or(tie.sdk.as_str(), |s| s.name.as_str());
        let (message, identity) = match gap {
            ManifestGap::Undeclared => {
                let types: Vec<&str> = cap
                    .privacy_data_types
                    .iter()
                    .map(|d| d.data_type.as_str())
                    .collect();
                (
                    format!(
                        "{sdk_name} receives the {} ({}), but PrivacyInfo.xcprivacy declares none of {}",
                        tie.capability,
                        tie.kind.as_str(),
                        types.join(", ")
                    ),
                    "data-type",
                )
            }
            ManifestGap::OnlyCoarse => {
                let precise: Vec<&str> = cap
                    .privacy_data_types
                    .iter()
                    .filter(|d| d.precise == Some(true))
                    .map(|d| d.data_type.as_str())
                    .collect();
                (
                    format!(
                        "{sdk_name} receives the precise {} ({}), but PrivacyInfo.xcprivacy declares only the coarse data type, not {}",
                        tie.capability,
                        tie.kind.as_str(),
                        precise.join(" or ")
                    ),
                    "precision",
                )
            }
        };
        out.push(
            Draft::new(message, tie.at.clone())
                .sdk(&tie.sdk)
                .capability(&tie.capability)
                .tie(tie.kind)
                .identity(identity)
                .related(manifest_at.clone(), "the privacy manifest")
                .finish(Rule::PrivacyManifestGap),
        );
    }
    let tracking_false = manifest_facts.iter().find(|e| {
        matches!(
            e.kind,
            EvidenceKind::PrivacyManifestTracking { tracking: false }
        )
    });
    if let Some(tracking) = tracking_false {
        for sdk_id in unit.sdks.keys() {
            let Some(sdk) = catalog.sdk(sdk_id) else {
                continue;
            };
            if !catalog
                .category(&sdk.category)
                .is_some_and(|c| c.apple_tracking)
            {
                continue;
            }
            let Some(anchor) = unit.sdk_anchor(sdk_id) else {
                continue;
            };
            out.push(
                Draft::new(
                    format!(
                        "{} is an {} SDK, but PrivacyInfo.xcprivacy declares NSPrivacyTracking false",
                        sdk.name, sdk.category
                    ),
                    anchor.at.clone(),
                )
                .sdk(sdk_id)
                .identity("tracking")
                .related(tracking.at.clone(), "NSPrivacyTracking is false here")
                .finish(Rule::PrivacyManifestGap),
            );
        }
    }
}

/// The app target's Info.plist, where a missing usage description goes: the Xcode
/// project's `INFOPLIST_FILE` when it names a file of the unit, else a file named
/// `Info.plist` (or `<Target>-Info.plist`). Never a test target's, and never a
/// configuration file that merely ends in `-Info.plist` (`GoogleService-Info.plist`).
fn app_info_plist(unit: &AppUnit) -> Option<&String> {
    let candidate = |path: &&String| !is_test_path(path) && unit.files.contains(*path);
    let from_project: Vec<&String> = unit
        .other
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::InfoPlistFile { path } => Some(path),
            _ => None,
        })
        .filter(candidate)
        .collect();
    if let Some(first) = from_project.iter().min_by_key(|p| (p.len(), p.as_str())) {
        return Some(first);
    }
    let named = |exact: bool| {
        unit.files
            .iter()
            .filter(|f| {
                let name = f.rsplit('/').next().unwrap_or(f);
                if exact {
                    name == "Info.plist"
                } else {
                    name.ends_with("-Info.plist") && !NOT_TARGET_PLISTS.contains(&name)
                }
            })
            .filter(candidate)
            .min_by_key(|p| (p.matches('/').count(), p.as_str()))
    };
    named(true).or_else(|| named(false))
}

/// Property lists named `*-Info.plist` that configure an SDK, not a target.
const NOT_TARGET_PLISTS: &[&str] = &["GoogleService-Info.plist"];

enum ManifestGap {
    /// None of the capability's data types is declared.
    Undeclared,
    /// Only coarse types are declared while the SDK receives precise data.
    OnlyCoarse,
}

/// Whether the tie hands the SDK precise data: a flow carries the precision of the API
/// read it starts from; other ties get whatever the unit reads.
fn sends_precise(unit: &AppUnit, tie: &Tie) -> bool {
    let Some(facts) = unit.capability(&tie.capability) else {
        return false;
    };
    let source_level = (tie.kind == TieKind::Flow)
        .then_some(tie.source.as_ref())
        .flatten()
        .and_then(|source| facts.used.iter().find(|e| &e.at == source))
        .and_then(|e| match &e.kind {
            EvidenceKind::CapabilityUse { level, .. } => level.precise,
            _ => None,
        });
    source_level.unwrap_or(facts.precise)
}

// Documentation, printed by `privlint explain` and rendered into docs/rules.md.

pub(super) const PL401: &str = r####"# PL401 missing-purpose-string

## What it does
On iOS, reports code that uses a capability (location, microphone, contacts …) when the app has none of the capability's usage descriptions, neither in Info.plist nor as an `INFOPLIST_KEY_…` build setting nor through an Expo config. Active when `require.purpose_strings` is true.

## Why it matters
iOS terminates an app that asks for a protected resource without a usage description, and App Review rejects it. Catching it before upload saves a release cycle.

## Example
```swift
let store = CNContactStore()
store.requestAccess(for: .contacts) { _, _ in }   // PL401 without NSContactsUsageDescription
```

## How to fix
Add the usage description key (e.g. NSContactsUsageDescription) with a sentence telling users why, to Info.plist or the target's build settings.

## How to suppress
Set `require.purpose_strings: false`, a policy exception with `rule: missing-purpose-string`, or `privlint: allow(missing-purpose-string) -- reason`.
"####;

pub(super) const PL402: &str = r####"# PL402 privacy-manifest-gap

## What it does
On iOS, when the app has a PrivacyInfo.xcprivacy, reports a tie whose capability is collected by an SDK while the manifest declares none of the capability's data types, and an advertising or attribution SDK while the manifest says `NSPrivacyTracking` false. Active when `require.privacy_manifest` is true.

## Why it matters
The privacy manifest feeds the App Store privacy label. A label that omits what SDKs collect misleads users and is grounds for rejection.

## Example
```xml
<key>NSPrivacyTracking</key><false/>   <!-- while an attribution SDK ships: PL402 -->
```

## How to fix
Add the collected data type (NSPrivacyCollectedDataTypePreciseLocation …) with its purposes to the manifest, set NSPrivacyTracking to true with the tracking domains, or remove the SDK.

## How to suppress
Set `require.privacy_manifest: false`, a policy exception with `rule: privacy-manifest-gap`, or `privlint: allow(privacy-manifest-gap) -- reason`.
"####;
