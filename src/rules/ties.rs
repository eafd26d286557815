//! PL301 capability-flows-to-sdk, PL302 capability-passed-to-sdk,
//! PL303 sdk-collects-capability and PL304 audio-beacon.

use super::{Draft, Rule};
use crate::catalog::Catalog;
use crate::catalog::SdkDef;
use crate::finding::{Finding, TieKind};
use crate::link::AppUnit;
use crate::policy::Policy;

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    for tie in &unit.ties {
        let Some(sdk) = catalog.sdk(&tie.sdk) else {
            continue;
        };
        let Err(span) = policy.sdk_may_receive(&tie.capability, sdk) else {
            continue;
        };
        // SDKs that listen through a capability on their own (audio beacons through the
        // microphone) are reported by PL304 instead.
        if listens_through(catalog, sdk) == Some(tie.capability.as_str()) {
            continue;
        }
        let (code, message) = match tie.kind {
            TieKind::Flow => (
                Rule::CapabilityFlowsToSdk,
                format!(
                    "the {} read here flows into {} (`{}`)",
                    tie.capability, sdk.name, tie.detail
                ),
            ),
            TieKind::SdkApi => (
                Rule::CapabilityPassedToSdk,
                format!(
                    "`{}` hands the {} to {}",
                    tie.detail, tie.capability, sdk.name
                ),
            ),
            TieKind::AutoCollect | TieKind::SdkPermission => (
                Rule::SdkCollectsCapability,
                format!(
                    "{}: {} may not receive the {}",
                    tie.detail, sdk.name, tie.capability
                ),
            ),
        };
        // A collection tie's detail names the SDK's display name, which the catalog may
        // change; SDK id, capability, kind and path already make it unique (the linker
        // keeps one per SDK, capability and kind). Calls keep the call text as anchor.
        let anchor = match tie.kind {
            TieKind::Flow | TieKind::SdkApi => tie.detail.as_str(),
            TieKind::AutoCollect | TieKind::SdkPermission => "",
        };
        let mut draft = Draft::new(message, tie.at.clone())
            .sdk(&tie.sdk)
            .capability(&tie.capability)
            .tie(tie.kind)
            .identity(anchor);
        draft.source = tie.source.clone();
        if tie.chain.is_empty() {
            if let Some(source) = &tie.source {
                draft = draft.related(
                    source.clone(),
                    format!("the app grants the {} here", tie.capability),
                );
            }
        } else {
            for step in &tie.chain[..tie.chain.len().saturating_sub(1)] {
                draft = draft.related(step.at.clone(), step.message.clone());
            }
        }
        out.push(
            draft
                .policy_line(
                    span.as_ref(),
                    &format!("no SDK listed here may receive {}", tie.capability),
                )
                .finish(code),
        );
    }

    // PL304: an SDK that listens through a capability (an audio beacon through the
    // microphone) in an app that grants it.
    for sdk_id in unit.sdks.keys() {
        let Some(sdk) = catalog.sdk(sdk_id) else {
            continue;
        };
        let Some(capability) = listens_through(catalog, sdk) else {
            continue;
        };
        let Some(granted) = unit.capability(capability).filter(|c| c.granted()) else {
            continue;
        };
        if policy.sdk_may_receive(capability, sdk).is_ok() {
            continue;
        }
        let Some(anchor) = unit.sdk_anchor(sdk_id) else {
            continue;
        };
        let mut draft = Draft::new(
            format!(
                "{} is an {} SDK and the app can record audio: it may listen for ultrasonic beacons",
                sdk.name, sdk.category
            ),
            anchor.at.clone(),
        )
        .sdk(sdk_id)
        .capability(capability)
        .identity(&anchor.detail);
        if let Some(e) = granted.declared.first().or(granted.used.first()) {
            draft = draft.related(
                e.at.clone(),
                format!("the app can record audio: {}", e.detail),
            );
        }
        out.push(draft.finish(Rule::AudioBeacon));
    }
}

/// The capability an SDK uses on its own once granted, from its category (catalog data).
fn listens_through<'a>(catalog: &'a Catalog, sdk: &SdkDef) -> Option<&'a str> {
    catalog
        .category(&sdk.category)
        .and_then(|c| c.listens_through.as_deref())
}

// Documentation, printed by `privlint explain` and rendered into docs/rules.md.

pub(super) const PL301: &str = r####"# PL301 capability-flows-to-sdk

## What it does
Reports a `flow` tie: a value read from a capability API (a location fix, a contact, an audio buffer) reaches an argument of an SDK call in the same function or through one helper in the same file, through assignments, property reads, string templates, maps and bundles. The finding points at the SDK call; related locations show the chain from the source.

## Why it matters
This is the case users find creepy: their trip or address book handed to an ad or analytics vendor. Unlike mere presence, a flow is direct evidence that the data leaves.

## Example
```kotlin
fused.lastLocation.addOnSuccessListener { loc ->
    analytics.logEvent("visit", bundleOf("lat" to loc.latitude))   // PL301
}
```

## How to fix
Send only what the feature needs (a region name, a coarse bucket, nothing), or list the SDK under the capability's `sdks` in the policy after a privacy review.

## How to suppress
List the SDK under `capabilities.<cap>.sdks`, add a policy exception with `rule: capability-flows-to-sdk`, `sdk`, `capability`, `paths` and a `reason`, or write `privlint: allow(capability-flows-to-sdk) -- reason` on the call.
"####;

pub(super) const PL302: &str = r####"# PL302 capability-passed-to-sdk

## What it does
Reports an `sdk-api` tie: the app calls an SDK API that takes or switches on a capability, from the catalog (`setLocation`, `setLastKnownLocation`, `logLocation`, location-sharing toggles set to true).

## Why it matters
These APIs exist to give the SDK the capability; calling one is a decision to share it, and should be one the policy records.

## Example
```swift
braze.user.setLastKnownLocation(latitude: lat, longitude: lon)   // PL302
```

## How to fix
Remove the call, or allow the SDK under the capability's `sdks` after review.

## How to suppress
List the SDK under `capabilities.<cap>.sdks`, a policy exception, or `privlint: allow(capability-passed-to-sdk) -- reason`.
"####;

pub(super) const PL303: &str = r####"# PL303 sdk-collects-capability

## What it does
Reports an `auto-collect` tie (the app grants a capability and ships an SDK the catalog says collects it whenever granted) or an `sdk-permission` tie (the SDK's own Android manifest adds the permission through the manifest merger and the app does not strip it).

## Why it matters
Many SDKs read location or other data on their own once the app has the permission; the app team never wrote a line that shares it, but the data still leaves.

## Example
```xml
<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
```
```groovy
implementation 'com.example.ads:sdk:9.0'   // PL303: collects location when granted
```

## How to fix
Turn the SDK's collection off where it has a switch, drop the permission the SDK adds with `tools:node="remove"`, or replace the SDK.

## How to suppress
List the SDK under the capability's `sdks`, a policy exception with `rule: sdk-collects-capability`, or `privlint: allow(sdk-collects-capability) -- reason` on the dependency.
"####;

pub(super) const PL304: &str = r####"# PL304 audio-beacon

## What it does
Reports an SDK of the `audio-beacon` category in an app that can record audio (a microphone permission, usage description or recording API), unless the policy lists that SDK under `capabilities.microphone.sdks`. It replaces PL303 for the microphone tie of such SDKs.

## Why it matters
Audio-beacon SDKs listen for inaudible ultrasonic signals from TV ads and shops to link what people watch and where they go to their device. Users consent to a voice feature, not to that.

## Example
```groovy
implementation 'com.example.beacons:listener:2.1'   // PL304 when RECORD_AUDIO is declared
```

## How to fix
Remove the SDK. If the app really must ship it, list it under `capabilities.microphone.sdks` after review and disclose it.

## How to suppress
List the SDK under `capabilities.microphone.sdks`, a policy exception with `rule: audio-beacon`, or `privlint: allow(audio-beacon) -- reason`.
"####;
