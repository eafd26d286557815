//! `privlint init`: a commented starting policy that accepts what the tree ships today,
//! so an existing app starts green and every later change is a conscious edit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::catalog::Catalog;
use crate::scan::Analysis;

/// Categories `init` never allows on its own: they stay denied, as in `recommended`.
const ALWAYS_DENIED: &[&str] = &["audio-beacon", "location-broker"];

pub fn starting_policy(analysis: &Analysis, catalog: &Catalog) -> String {
    let mut allow: BTreeMap<String, String> = BTreeMap::new();
    let mut deny: BTreeMap<String, String> = BTreeMap::new();
    let mut receivers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut capabilities: BTreeSet<String> = BTreeSet::new();
    for unit in &analysis.facts.units {
        for (id, evidence) in &unit.sdks {
            let Some(sdk) = catalog.sdk(id) else { continue };
            let first = evidence
                .first()
                .map(|e| format!("{}:{}", e.at.path, e.at.line))
                .unwrap_or_default();
            let comment = format!("{} ({}) — {first}", sdk.name, sdk.category);
            if ALWAYS_DENIED.contains(&sdk.category.as_str()) {
                deny.insert(id.clone(), comment);
            } else {
                allow.insert(id.clone(), comment);
            }
        }
        for (id, facts) in &unit.capabilities {
            if facts.granted() {
                capabilities.insert(id.clone());
            }
        }
        for tie in &unit.ties {
            receivers
                .entry(tie.capability.clone())
                .or_default()
                .insert(tie.sdk.clone());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/privlint/privlint/main/privlint.schema.json"
    );
    let _ = writeln!(
        out,
        "# privlint policy, written by `privlint init` from what this tree ships today."
    );
    let _ = writeln!(
        out,
        "# Every SDK below was found in the code; review each line, then tighten."
    );
    let _ = writeln!(out, "version: 1");
    let _ = writeln!(out, "extends: recommended");
    let _ = writeln!(out, "sdks:");
    let _ = writeln!(out, "  allow:");
    if allow.is_empty() {
        let _ = writeln!(out, "    []");
    }
    for (id, comment) in &allow {
        let _ = writeln!(out, "    - {id}  # {comment}");
    }
    let _ = writeln!(out, "  deny:");
    let _ = writeln!(out, "    - \"category:audio-beacon\"");
    let _ = writeln!(out, "    - \"category:location-broker\"");
    for (id, comment) in &deny {
        let _ = writeln!(out, "    - {id}  # found: {comment}");
    }
    let _ = writeln!(out, "  unlisted: warn");
    let _ = writeln!(out, "capabilities:");
    for id in ["microphone", "location", "contacts"]
        .iter()
        .map(|s| s.to_string())
        .chain(capabilities.clone())
    {
        if catalog.capability(&id).is_none()
            || (!capabilities.contains(&id)
                && !["microphone", "location", "contacts"].contains(&id.as_str()))
        {
            continue;
        }
        // A capability the app does not use today is denied, so that starting to use it
        // is a conscious edit of this file (PL201), like any new SDK.
        let (used, app) = if capabilities.contains(&id) {
            ("the app uses it today", "allow")
        } else {
            (
                "not used today: a new use is a finding until allowed here",
                "deny",
            )
        };
        let sdks: Vec<&String> = receivers
            .get(&id)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        let list = sdks
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if out.contains(&format!("\n  {id}:")) {
            continue;
        }
        let _ = writeln!(out, "  {id}:  # {used}");
        let _ = writeln!(out, "    app: {app}");
        let _ = writeln!(
            out,
            "    sdks: [{list}]  # SDKs that receive or collect it today"
        );
    }
    out
}
