//! `privlint inventory`: the policy-free facts per app unit (the transparency report).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::link::AppUnit;
use crate::model::{Evidence, EvidenceKind, Location, Presence};

/// Bump on any incompatible change, with a note in docs/json-output.md.
pub const INVENTORY_VERSION: u32 = 1;

fn loc(at: &Location) -> Value {
    json!({"path": at.path, "line": at.line})
}

fn presence_kind(e: &Evidence) -> &'static str {
    match e.kind {
        EvidenceKind::SdkPresence {
            via: Presence::Dependency,
            ..
        } => "dependency",
        EvidenceKind::SdkPresence {
            via: Presence::Import,
            ..
        } => "import",
        EvidenceKind::SdkPresence {
            via: Presence::Script,
            ..
        } => "script",
        _ => "other",
    }
}

/// One presence; a lockfile entry adds `direct` (when the lockfile says), `via` and
/// `version` (inventory 1, additive).
fn evidence_json(e: &Evidence) -> Value {
    let mut out = json!({"path": e.at.path, "line": e.at.line, "kind": presence_kind(e)});
    if let (Some(r), Some(map)) = (&e.resolution, out.as_object_mut()) {
        if let Some(direct) = r.direct {
            map.insert("direct".into(), json!(direct));
        }
        map.insert("via".into(), json!(r.via));
        if let Some(version) = &r.version {
            map.insert("version".into(), json!(version));
        }
    }
    out
}

pub fn to_json(units: &[AppUnit], catalog: &Catalog) -> Value {
    let apps: Vec<Value> = units
        .iter()
        .map(|unit| {
            let sdks: Vec<Value> = unit
                .sdks
                .iter()
                .map(|(id, evidence)| {
                    json!({
                        "id": id,
                        "category": catalog.sdk(id).map(|s| s.category.as_str()),
                        "evidence": evidence.iter().map(evidence_json).collect::<Vec<_>>(),
                        "consent": crate::consent::assess::state(unit, catalog, id).as_str(),
                    })
                })
                .collect();
            let capabilities: Vec<Value> = unit
                .capabilities
                .iter()
                .filter(|(_, c)| c.granted() || !c.removed.is_empty())
                .map(|(id, c)| {
                    let levels = catalog.capability(id).is_some_and(|d| d.levels);
                    json!({
                        "id": id,
                        "precise": levels.then_some(c.precise),
                        "background": c.background,
                        "declared": c.declared.iter().map(|e| loc(&e.at)).collect::<Vec<_>>(),
                        "used": c.used.iter().map(|e| loc(&e.at)).collect::<Vec<_>>(),
                        "removed": c.removed.iter().map(|e| loc(&e.at)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let ties: Vec<Value> = unit
                .ties
                .iter()
                .map(|t| {
                    json!({
                        "sdk": t.sdk,
                        "capability": t.capability,
                        "kind": t.kind.as_str(),
                        "path": t.at.path,
                        "line": t.at.line,
                        "source": t.source.as_ref().map(loc),
                    })
                })
                .collect();
            json!({
                "root": unit.root,
                "platforms": unit.platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "sdks": sdks,
                "capabilities": capabilities,
                "ties": ties,
            })
        })
        .collect();
    json!({"version": INVENTORY_VERSION, "apps": apps})
}

pub fn write_json(units: &[AppUnit], catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_json(units, catalog))?;
    writeln!(out)
}

/// One line per fact, for tests and terminals.
pub fn write_concise(units: &[AppUnit], catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    for unit in units {
        let platforms: Vec<&str> = unit.platforms.iter().map(|p| p.as_str()).collect();
        writeln!(out, "app {} [{}]", unit.root, platforms.join(","))?;
        for (id, evidence) in &unit.sdks {
            let category = catalog.sdk(id).map_or("?", |s| s.category.as_str());
            let first = unit
                .sdk_anchor(id)
                .or(evidence.first())
                .map(|e| format!("{}:{}", e.at.path, e.at.line));
            let via = unit.transitive_note(id);
            writeln!(
                out,
                "  sdk {id} ({category}) {}{via}",
                first.unwrap_or_default()
            )?;
        }
        for (id, c) in unit.capabilities.iter().filter(|(_, c)| c.granted()) {
            // Precision means something only for capabilities with levels (location),
            // as in the JSON inventory.
            let levels = catalog.capability(id).is_some_and(|d| d.levels);
            let precise = if levels {
                format!(" precise={}", c.precise)
            } else {
                String::new()
            };
            writeln!(
                out,
                "  capability {id} declared={} used={} removed={}{precise} background={}",
                c.declared.len(),
                c.used.len(),
                c.removed.len(),
                c.background
            )?;
        }
        for t in &unit.ties {
            writeln!(
                out,
                "  tie {} {} {} {}:{}",
                t.sdk,
                t.capability,
                t.kind.as_str(),
                t.at.path,
                t.at.line
            )?;
        }
    }
    Ok(())
}
