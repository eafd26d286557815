//! The ties of one unit: flows and SDK-API calls found in its sources, and the
//! collection ties (`auto-collect`, `sdk-permission`) the catalog implies.

use std::collections::BTreeSet;

use super::{AppUnit, Tie, declared_key};
use crate::catalog::Catalog;
use crate::finding::TieKind;
use crate::model::{Evidence, EvidenceKind, Presence};

pub(super) fn ties(unit: &AppUnit, catalog: &Catalog) -> Vec<Tie> {
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
