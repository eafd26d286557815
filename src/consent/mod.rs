//! Consent before collection (issue 23): the facts, found in what the extractors already
//! read, and what they mean per app unit ([`assess`]).
//!
//! - a manifest `<meta-data>` or Info.plist key the catalog lists as an SDK's collection
//!   switch becomes `CollectionSwitch` ([`switch_evidence`]);
//! - in lowered sources ([`source_evidence`]): a consent gate's call (or handler
//!   method) becomes `ConsentGate`, and an SDK's start or enable call becomes
//!   `SdkStart`, saying which gate it waits for and whether it runs at start-up.
//!
//! A start waits for a gate when, in the same file, it is written inside a gate call
//! that delivers the answer through a callback, follows a check of the stored answer in
//! the same function, follows a default that denies collection (Consent Mode) or the
//! SDK's own hold, or sits in a method that receives the answer. Nothing is followed
//! across functions or files yet: a start in a helper that only the gate calls is
//! neither gated nor at start-up, so it is left alone.

pub mod assess;
mod extent;

use crate::catalog::{Catalog, GateRole, Language, SwitchPlatform};
use crate::extract::FileInput;
use crate::extract::ir::{CallIr, FunctionIr, Op, SourceIr};
use crate::model::{EvidenceKind, FileFacts, Location};

/// The gate id a start held by its SDK's own call reports (`fbq('consent', 'revoke')`).
pub const SDK_HOLD: &str = "sdk-hold";

/// A manifest or plist key: a `CollectionSwitch` when the catalog lists it and the
/// value is a boolean (a resource reference such as `@bool/x` says nothing).
pub fn switch_evidence(
    catalog: &Catalog,
    platform: SwitchPlatform,
    key: &str,
    value: Option<bool>,
    at: Location,
    facts: &mut FileFacts,
) {
    let (Some((sdk, switch)), Some(value)) = (catalog.collection_switch(platform, key), value)
    else {
        return;
    };
    facts.push(
        at,
        EvidenceKind::CollectionSwitch {
            sdk: sdk.id.clone(),
            platform: platform.platform(),
            held: value == switch.held,
        },
        format!("{key}={value}"),
    );
}

/// Functions that run when the app starts, by language: `Application`/`Activity`
/// `onCreate`, the app delegate's launch methods, module top level, `main`.
fn is_startup(language: Language, function: &str) -> bool {
    let last = function.rsplit('.').next().unwrap_or(function);
    match language {
        Language::Kotlin | Language::Java => last == "onCreate",
        Language::Swift | Language::Objc => {
            function.contains("didFinishLaunching") || function.contains("willFinishLaunching")
        }
        Language::Javascript => function == "<top>",
        Language::Dart | Language::Rust => last == "main",
    }
}

/// A gate call seen in the file.
struct GateCall<'c> {
    gate: &'c crate::catalog::ConsentGateDef,
    role: GateRole,
    function: usize,
    op: usize,
    at: &'c Location,
    /// End byte of a callback call's text (its arguments and trailing closure).
    end: Option<usize>,
}

/// Gate and start facts of one lowered source file. `facts` already holds the file's
/// SDK presence (imports, page globals): only SDKs the file names are looked for.
pub fn source_evidence(
    input: &FileInput,
    language: Language,
    ir: &SourceIr,
    facts: &mut FileFacts,
) {
    let catalog = input.catalog;
    let file_sdks: Vec<&str> = facts
        .evidence
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::SdkPresence { sdk, .. } => Some(sdk.as_str()),
            _ => None,
        })
        .collect();
    // Only files naming an SDK are read for gates too: files the prefilter rejects are
    // lowered for their cross-file summary alone, and their facts are dropped.
    if file_sdks.is_empty() {
        return;
    }
    let sdks: Vec<_> = catalog
        .sdks
        .iter()
        .filter(|s| s.consent.is_some() && file_sdks.contains(&s.id.as_str()))
        .collect();
    // Line offsets are needed only to measure a callback gate's text.
    let line_starts = std::cell::OnceCell::new();
    let lines = || line_starts.get_or_init(|| extent::LineStarts::new(input.text));
    let calls = || {
        ir.functions.iter().enumerate().flat_map(|(fi, f)| {
            f.ops
                .iter()
                .enumerate()
                .filter_map(move |(oi, op)| match op {
                    Op::Call(c) => Some((fi, oi, c)),
                    _ => None,
                })
        })
    };
    let mut gates: Vec<GateCall> = Vec::new();
    let mut new_facts = FileFacts::default();
    for (fi, oi, call) in calls() {
        for gate in &catalog.consent_gates {
            let Some(role) = role_of(gate, language, call) else {
                continue;
            };
            let end = (role == GateRole::Callback)
                .then(|| extent::call_end(input.text, lines(), call))
                .flatten();
            gates.push(GateCall {
                gate,
                role,
                function: fi,
                op: oi,
                at: &call.at,
                end,
            });
            new_facts.push(
                call.at.clone(),
                EvidenceKind::ConsentGate {
                    gate: gate.id.clone(),
                },
                display(call),
            );
        }
    }
    let handler_gate = |f: &FunctionIr| {
        catalog
            .consent_gates
            .iter()
            .find(|g| g.is_handler(&f.name))
            .map(|g| g.id.as_str())
    };
    for f in &ir.functions {
        if let Some(gate) = handler_gate(f) {
            new_facts.push(
                f.at.clone(),
                EvidenceKind::ConsentGate {
                    gate: gate.to_string(),
                },
                f.name.clone(),
            );
        }
    }
    let holds: Vec<(&str, &Location)> = calls()
        .flat_map(|(_, _, call)| {
            sdks.iter().filter_map(move |sdk| {
                let consent = sdk.consent.as_ref()?;
                consent
                    .holds
                    .iter()
                    .any(|h| matches(h, language, call))
                    .then_some((sdk.id.as_str(), &call.at))
            })
        })
        .collect();
    for (fi, oi, call) in calls() {
        for sdk in &sdks {
            let Some(consent) = &sdk.consent else {
                continue;
            };
            if !consent.starts.iter().any(|s| matches(s, language, call)) {
                continue;
            }
            let function = &ir.functions[fi];
            let waits_for = gates
                .iter()
                .find(|g| match g.role {
                    GateRole::Callback => {
                        g.at < &call.at
                            && g.end
                                .is_some_and(|end| lines().offset(input.text, &call.at) < end)
                    }
                    GateRole::Check => g.function == fi && g.op < oi,
                    GateRole::Default => g.at < &call.at && g.gate.default_holds_sdk(&sdk.id),
                })
                .map(|g| g.gate.id.clone())
                .or_else(|| handler_gate(function).map(str::to_string))
                .or_else(|| {
                    holds
                        .iter()
                        .any(|(id, at)| *id == sdk.id && *at < &call.at)
                        .then(|| SDK_HOLD.to_string())
                });
            new_facts.push(
                call.at.clone(),
                EvidenceKind::SdkStart {
                    sdk: sdk.id.clone(),
                    gate: waits_for,
                    startup: is_startup(language, &function.name),
                },
                display(call),
            );
        }
    }
    facts.evidence.extend(new_facts.evidence);
}

fn role_of(
    gate: &crate::catalog::ConsentGateDef,
    language: Language,
    call: &CallIr,
) -> Option<GateRole> {
    gate.role_of(
        language,
        call.receiver.as_deref(),
        &call.method,
        &call.args_text,
    )
}

fn matches(def: &crate::catalog::ConsentCall, language: Language, call: &CallIr) -> bool {
    def.matches(
        language,
        call.receiver.as_deref(),
        &call.method,
        &call.args_text,
    )
}

/// `receiver.method` (long receivers elided), or `function('first argument')` for a bare
/// call (`gtag('config')`, `fbq('init')`), as findings show a call.
fn display(call: &CallIr) -> String {
    match &call.receiver {
        Some(r) if r.len() <= 60 => format!("{r}.{}", call.method),
        Some(_) => format!("….{}", call.method),
        None => {
            let first = call.args_text.split(',').next().unwrap_or("").trim();
            if first.starts_with(['\'', '"']) && first.len() <= 40 {
                format!("{}({first})", call.method)
            } else {
                call.method.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests;
