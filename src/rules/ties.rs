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
