//! PL301 capability-flows-to-sdk, PL302 capability-passed-to-sdk,
//! PL303 sdk-collects-capability and PL304 audio-beacon.

use super::Draft;
use crate::catalog::Catalog;
use crate::finding::{Finding, TieKind};
use crate::link::AppUnit;
use crate::policy::Policy;

const AUDIO_BEACON: &str = "audio-beacon";
const MICROPHONE: &str = "microphone";

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    for tie in &unit.ties {
        let Some(sdk) = catalog.sdk(&tie.sdk) else {
            continue;
        };
        let Err(span) = policy.sdk_may_receive(&tie.capability, sdk) else {
            continue;
        };
        // Audio beacons listening through the microphone are reported by PL304 instead.
        if sdk.category == AUDIO_BEACON && tie.capability == MICROPHONE {
            continue;
        }
        let (code, message) = match tie.kind {
            TieKind::Flow => (
                "PL301",
                format!(
                    "the {} read here flows into {} (`{}`)",
                    tie.capability, sdk.name, tie.detail
                ),
            ),
            TieKind::SdkApi => (
                "PL302",
                format!(
                    "`{}` hands the {} to {}",
                    tie.detail, tie.capability, sdk.name
                ),
            ),
            TieKind::AutoCollect | TieKind::SdkPermission => (
                "PL303",
                format!(
                    "{}: {} may not receive the {}",
                    tie.detail, sdk.name, tie.capability
                ),
            ),
        };
        let mut draft = Draft::new(message, tie.at.clone())
            .sdk(&tie.sdk)
            .capability(&tie.capability)
            .tie(tie.kind)
            .identity(&tie.detail);
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

    // PL304: an audio-beacon SDK in an app that can record audio.
    let records_audio = unit.capability(MICROPHONE).is_some_and(|c| c.granted());
    if !records_audio {
        return;
    }
    for sdk_id in unit.sdks.keys() {
        let Some(sdk) = catalog.sdk(sdk_id) else {
            continue;
        };
        if sdk.category != AUDIO_BEACON || policy.sdk_may_receive(MICROPHONE, sdk).is_ok() {
            continue;
        }
        let Some(anchor) = unit.sdk_anchor(sdk_id) else {
            continue;
        };
        let mut draft = Draft::new(
            format!(
                "{} is an audio-beacon SDK and the app can record audio: it may listen for ultrasonic beacons",
                sdk.name
            ),
            anchor.at.clone(),
        )
        .sdk(sdk_id)
        .capability(MICROPHONE)
        .identity(&anchor.detail);
        if let Some(mic) = unit.capability(MICROPHONE)
            && let Some(e) = mic.declared.first().or(mic.used.first())
        {
            draft = draft.related(
                e.at.clone(),
                format!("the app can record audio: {}", e.detail),
            );
        }
        out.push(draft.finish("PL304"));
    }
}
