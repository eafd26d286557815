//! What the consent facts of one app unit say per SDK: whether its collection waits for
//! the user's answer (`gated`), starts without it (`ungated`), or privlint cannot tell
//! (`unknown`). The inventory shows it; PL601 judges it against the policy.

use std::collections::BTreeSet;

use super::SDK_HOLD;
use crate::catalog::{Catalog, SdkDef};
use crate::link::AppUnit;
use crate::model::{Evidence, EvidenceKind, Platform};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    Gated,
    Ungated,
    Unknown,
}

impl ConsentState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Gated => "gated",
            ConsentState::Ungated => "ungated",
            ConsentState::Unknown => "unknown",
        }
    }
}

/// The unit's start calls of `sdk`: (evidence, gate it waits for, runs at start-up).
pub fn starts<'u>(
    unit: &'u AppUnit,
    sdk: &'u str,
) -> impl Iterator<Item = (&'u Evidence, Option<&'u str>, bool)> + 'u {
    unit.other.iter().filter_map(move |e| match &e.kind {
        EvidenceKind::SdkStart {
            sdk: s,
            gate,
            startup,
        } if s == sdk => Some((e, gate.as_deref(), *startup)),
        _ => None,
    })
}

/// The consent gates the unit calls, in order, with the first place each is seen.
pub fn gates(unit: &AppUnit) -> Vec<(&str, &Evidence)> {
    let mut seen = BTreeSet::new();
    unit.other
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::ConsentGate { gate } if seen.insert(gate.as_str()) => {
                Some((gate.as_str(), e))
            }
            _ => None,
        })
        .collect()
}

/// The platforms whose collection switch of `sdk` the unit needs and sets to hold it:
/// `(needed, held)`. Needed are the unit's Android and iOS platforms the SDK has a
/// switch for.
pub fn switch_platforms(unit: &AppUnit, sdk: &SdkDef) -> (BTreeSet<Platform>, BTreeSet<Platform>) {
    let needed: BTreeSet<Platform> = sdk
        .consent
        .iter()
        .flat_map(|c| c.switches.iter().map(|s| s.platform.platform()))
        .filter(|p| unit.has_platform(*p))
        .collect();
    let held = unit
        .other
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::CollectionSwitch {
                sdk: s,
                platform,
                held: true,
            } if *s == sdk.id => Some(*platform),
            _ => None,
        })
        .collect();
    (needed, held)
}

/// Every needed switch holds collection (and at least one is needed).
pub fn held_at_launch(unit: &AppUnit, sdk: &SdkDef) -> bool {
    let (needed, held) = switch_platforms(unit, sdk);
    !needed.is_empty() && needed.is_subset(&held)
}

/// An automatic SDK on a platform of the unit whose switch does not hold it. Platforms
/// the SDK has no switch for (the web) are not judged by switches.
pub fn collects_from_launch(unit: &AppUnit, sdk: &SdkDef) -> bool {
    let automatic = sdk.consent.as_ref().is_some_and(|c| c.automatic);
    let (needed, held) = switch_platforms(unit, sdk);
    automatic && !needed.is_empty() && !needed.is_subset(&held)
}

/// A start waits when its gate counts (`counts`) or the SDK holds itself.
pub fn waits(gate: Option<&str>, counts: &dyn Fn(&str) -> bool) -> bool {
    gate.is_some_and(|g| g == SDK_HOLD || counts(g))
}

/// The consent state of one SDK of the unit, counting every catalog gate.
pub fn state(unit: &AppUnit, catalog: &Catalog, sdk_id: &str) -> ConsentState {
    let Some(sdk) = catalog.sdk(sdk_id) else {
        return ConsentState::Unknown;
    };
    let Some(consent) = &sdk.consent else {
        return ConsentState::Unknown;
    };
    let every = |_: &str| true;
    let mut any_gated = false;
    for (_, gate, startup) in starts(unit, sdk_id) {
        if waits(gate, &every) {
            any_gated = true;
        } else if startup {
            return ConsentState::Ungated;
        }
    }
    let held = held_at_launch(unit, sdk);
    if collects_from_launch(unit, sdk) && consent.automatic {
        return ConsentState::Ungated;
    }
    if held || any_gated {
        ConsentState::Gated
    } else {
        ConsentState::Unknown
    }
}
