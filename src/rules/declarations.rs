//! PL403 declared-data-not-found: the store declarations checked against the evidence
//! from the other side of PL402 — what a committed privacy manifest declares that
//! nothing in the app accounts for.

use super::{Draft, Rule};
use crate::catalog::Catalog;
use crate::declare::StoreData;
use crate::finding::Finding;
use crate::link::AppUnit;
use crate::model::{EvidenceKind, Platform};
use crate::policy::Policy;

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    let apple = [Platform::Ios, Platform::ReactNative, Platform::Flutter];
    if !policy.requires_privacy_manifest() || !apple.iter().any(|p| unit.has_platform(*p)) {
        return;
    }
    let data = StoreData::embedded();
    for evidence in &unit.other {
        let EvidenceKind::PrivacyManifestDataType { data_type } = &evidence.kind else {
            continue;
        };
        // Only data types that stand for a capability: privlint sees every way an app
        // gets those, so their absence means something (an email field it cannot see).
        let Some((capability, _)) = catalog.data_type(data_type) else {
            continue;
        };
        if unit.capability(&capability.id).is_some_and(|c| c.granted())
            || collected_by_a_shipped_sdk(unit, data, data_type)
        {
            continue;
        }
        out.push(
            Draft::new(
                format!(
                    "PrivacyInfo.xcprivacy declares {data_type}, but the app has no {} (no permission, usage description or API call) and no shipped SDK is known to collect it",
                    capability.id
                ),
                evidence.at.clone(),
            )
            .capability(&capability.id)
            .identity(data_type)
            .finish(Rule::DeclaredDataNotFound),
        );
    }
}

/// Whether a shipped SDK collects the data type by its vendor's disclosure (an SDK
/// can read coarse location from the IP address without any permission).
fn collected_by_a_shipped_sdk(unit: &AppUnit, data: &StoreData, data_type: &str) -> bool {
    unit.sdks.keys().filter_map(|sdk| data.sdk(sdk)).any(|d| {
        d.collects.iter().any(|id| {
            data.data_type(id)
                .is_some_and(|t| t.manifest.as_deref() == Some(data_type))
        })
    })
}

// Documentation, printed by `privlint explain` and rendered into docs/rules.md.

pub(super) const PL403: &str = r####"# PL403 declared-data-not-found

## What it does
On iOS (and React Native or Flutter apps with an `ios/` folder), reports a data type in the app's PrivacyInfo.xcprivacy `NSPrivacyCollectedDataTypes` that stands for a capability (location, audio, contacts, photos) when nothing in the app has that capability — no permission, usage description, config plugin or API call — and no shipped SDK is known to collect it (from its vendor's disclosure in `policies/stores/declarations.yaml`). Active when `require.privacy_manifest` is true. A note: over-declaring is not a rejection, but it is drift.

## Why it matters
A declaration that names data the app no longer touches was copied from another app or outlived a removed feature. The privacy label then tells users the app collects their location when it does not, and the next reviewer cannot trust the file to match the code. Data types privlint cannot observe (email address, user ID, purchase history) are never reported.

## Example
```xml
<key>NSPrivacyCollectedDataType</key>
<string>NSPrivacyCollectedDataTypePreciseLocation</string>   <!-- PL403: no location anywhere -->
```

## How to fix
Remove the entry if the feature is gone; if an SDK privlint does not know collects it, keep the entry and add an exception naming why. `privlint declare privacy-manifest` drafts the entries the evidence supports.

## How to suppress
A policy exception with `rule: declared-data-not-found` (and `capability:`), `privlint: allow(declared-data-not-found) -- reason` in the manifest, or `require.privacy_manifest: false`.
"####;
