//! `--changed-since REF`: what the change brings into each app — the SDKs,
//! capabilities and ties the app did not have at REF. Shown by the human and markdown
//! reports, kept short on purpose (a reviewer's summary, not an inventory).

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::link::AppUnit;
use crate::model::{Evidence, Location};

/// Items listed per kind before "… and N more".
pub const SHOWN_PER_KIND: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducedSdk {
    pub app: String,
    pub sdk: String,
    pub at: Location,
    /// What the evidence says (the dependency, import or call), for the reviewer.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducedCapability {
    pub app: String,
    pub capability: String,
    /// "declared" or "used": how the first changed evidence grants it.
    pub how: &'static str,
    pub at: Location,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducedTie {
    pub app: String,
    pub sdk: String,
    pub capability: String,
    pub kind: &'static str,
    pub at: Location,
    pub detail: String,
}

/// What the files changed since `reference` contribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Introduced {
    pub reference: String,
    pub sdks: Vec<IntroducedSdk>,
    pub capabilities: Vec<IntroducedCapability>,
    pub ties: Vec<IntroducedTie>,
}

impl Introduced {
    pub fn is_empty(&self) -> bool {
        self.sdks.is_empty() && self.capabilities.is_empty() && self.ties.is_empty()
    }

    /// One line per item, capped per kind: `sdk appsflyer (app) at path:line`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let app = |a: &str| {
            if a == "." {
                String::new()
            } else {
                format!(" in {a}")
            }
        };
        let at = |l: &Location| format!("{}:{}", l.path, l.line);
        capped(&mut lines, &self.sdks, "SDKs", |s| {
            format!("SDK `{}`{} at {}", s.sdk, app(&s.app), at(&s.at))
        });
        capped(&mut lines, &self.capabilities, "capabilities", |c| {
            format!(
                "capability `{}` {}{} at {}",
                c.capability,
                c.how,
                app(&c.app),
                at(&c.at)
            )
        });
        capped(&mut lines, &self.ties, "ties", |t| {
            format!(
                "tie `{}` → `{}` ({}){} at {}",
                t.sdk,
                t.capability,
                t.kind,
                app(&t.app),
                at(&t.at)
            )
        });
        lines
    }
}

fn capped<T>(lines: &mut Vec<String>, items: &[T], noun: &str, line: impl Fn(&T) -> String) {
    lines.extend(items.iter().take(SHOWN_PER_KIND).map(line));
    if items.len() > SHOWN_PER_KIND {
        lines.push(format!(
            "… and {} more {noun}",
            items.len() - SHOWN_PER_KIND
        ));
    }
}

/// What each unit has that the same unit at the reference (`base`, scanned from the
/// reference's tree) did not: SDKs, capabilities (declared or used) and ties. The
/// evidence shown is the first in a changed file, else the first there is.
pub fn introduced(
    reference: &str,
    units: &[AppUnit],
    base: &[AppUnit],
    changed: &BTreeSet<String>,
) -> Introduced {
    let touched = |at: &Location| changed.contains(&at.path);
    let shown = |list: &'_ [Evidence]| -> Option<Evidence> {
        list.iter()
            .find(|e| touched(&e.at))
            .or_else(|| list.first())
            .cloned()
    };
    let mut out = Introduced {
        reference: reference.to_string(),
        ..Introduced::default()
    };
    for unit in units {
        let before = base.iter().find(|b| b.root == unit.root);
        for (sdk, evidence) in &unit.sdks {
            if before.is_some_and(|b| b.sdks.contains_key(sdk)) {
                continue;
            }
            if let Some(e) = shown(evidence) {
                out.sdks.push(IntroducedSdk {
                    app: unit.root.clone(),
                    sdk: sdk.clone(),
                    at: e.at,
                    detail: e.detail,
                });
            }
        }
        for (capability, facts) in &unit.capabilities {
            let had = before.and_then(|b| b.capabilities.get(capability));
            let declared_now = had.is_none_or(|h| h.declared.is_empty());
            let used_now = had.is_none_or(|h| h.used.is_empty());
            let declared = shown(&facts.declared)
                .filter(|_| declared_now)
                .map(|e| ("declared", e));
            let used = || shown(&facts.used).filter(|_| used_now).map(|e| ("used", e));
            if let Some((how, e)) = declared.or_else(used) {
                out.capabilities.push(IntroducedCapability {
                    app: unit.root.clone(),
                    capability: capability.clone(),
                    how,
                    at: e.at,
                    detail: e.detail,
                });
            }
        }
        for tie in &unit.ties {
            let existed = before.is_some_and(|b| {
                b.ties.iter().any(|t| {
                    t.sdk == tie.sdk && t.capability == tie.capability && t.kind == tie.kind
                })
            });
            let already_listed = out.ties.iter().any(|t| {
                t.app == unit.root
                    && t.sdk == tie.sdk
                    && t.capability == tie.capability
                    && t.kind == tie.kind.as_str()
            });
            if !existed && !already_listed {
                out.ties.push(IntroducedTie {
                    app: unit.root.clone(),
                    sdk: tie.sdk.clone(),
                    capability: tie.capability.clone(),
                    kind: tie.kind.as_str(),
                    at: tie.at.clone(),
                    detail: tie.detail.clone(),
                });
            }
        }
    }
    out
}

/// The plain-text block of the human report.
pub fn write_text(introduced: &Introduced, out: &mut dyn Write) -> io::Result<()> {
    if introduced.is_empty() {
        return writeln!(
            out,
            "changes since {}: no SDK, capability or tie that it did not have\n",
            introduced.reference
        );
    }
    writeln!(out, "changes since {} introduce:", introduced.reference)?;
    for line in introduced.lines() {
        writeln!(out, "  - {}", line.replace('`', ""))?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::TieKind;
    use crate::link::{CapabilityFacts, Tie};
    use crate::model::{Evidence, EvidenceKind, Level, Presence, Step};

    fn evidence(path: &str, line: u32, kind: EvidenceKind) -> Evidence {
        Evidence {
            at: Location::new(path, line, 1),
            kind,
            detail: String::new(),
            resolution: None,
        }
    }

    fn unit() -> AppUnit {
        let mut unit = AppUnit {
            root: "app".into(),
            ..AppUnit::default()
        };
        unit.sdks.insert(
            "appsflyer".into(),
            vec![evidence(
                "app/build.gradle",
                18,
                EvidenceKind::SdkPresence {
                    sdk: "appsflyer".into(),
                    via: Presence::Dependency,
                },
            )],
        );
        unit.sdks.insert(
            "braze".into(),
            vec![evidence(
                "app/old.gradle",
                3,
                EvidenceKind::SdkPresence {
                    sdk: "braze".into(),
                    via: Presence::Dependency,
                },
            )],
        );
        unit.capabilities.insert(
            "location".into(),
            CapabilityFacts {
                declared: vec![evidence(
                    "app/AndroidManifest.xml",
                    4,
                    EvidenceKind::CapabilityDeclared {
                        capability: "location".into(),
                        level: Level::precise(),
                        removed: false,
                        key: "android.permission.ACCESS_FINE_LOCATION".into(),
                    },
                )],
                ..CapabilityFacts::default()
            },
        );
        unit.ties.push(Tie {
            sdk: "appsflyer".into(),
            capability: "location".into(),
            kind: TieKind::Flow,
            at: Location::new("app/Old.kt", 12, 44),
            source: Some(Location::new("app/Old.kt", 10, 16)),
            chain: vec![Step {
                at: Location::new("app/Helper.kt", 5, 1),
                message: "via helper".into(),
            }],
            detail: String::new(),
        });
        unit
    }

    #[test]
    fn lists_what_the_reference_did_not_have() {
        // At the reference the app had Braze and the location permission, no AppsFlyer
        // and no tie; the change brought AppsFlyer and its flow.
        let mut before = unit();
        before.sdks.remove("appsflyer");
        before.ties.clear();
        let changed: BTreeSet<String> = ["app/build.gradle", "app/Helper.kt"]
            .map(String::from)
            .into();
        let found = introduced("origin/main", &[unit()], &[before], &changed);
        assert_eq!(found.sdks.len(), 1);
        assert_eq!(found.sdks[0].sdk, "appsflyer");
        assert_eq!(found.sdks[0].at.line, 18);
        assert!(
            found.capabilities.is_empty(),
            "the permission was there before"
        );
        assert_eq!(found.ties.len(), 1);
        assert_eq!(
            found.lines(),
            vec![
                "SDK `appsflyer` in app at app/build.gradle:18".to_string(),
                "tie `appsflyer` → `location` (flow) in app at app/Old.kt:12".to_string(),
            ]
        );
    }

    #[test]
    fn a_new_app_brings_everything_it_has() {
        let found = introduced("origin/main", &[unit()], &[], &BTreeSet::new());
        assert_eq!(found.sdks.len(), 2);
        assert_eq!(found.capabilities.len(), 1);
        assert_eq!(found.capabilities[0].how, "declared");
        assert_eq!(found.ties.len(), 1);
    }

    #[test]
    fn an_unchanged_app_introduces_nothing_and_says_so() {
        let found = introduced("HEAD~1", &[unit()], &[unit()], &BTreeSet::new());
        assert!(found.is_empty());
        let mut text = Vec::new();
        write_text(&found, &mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "changes since HEAD~1: no SDK, capability or tie that it did not have\n\n"
        );
    }

    #[test]
    fn long_lists_are_capped() {
        let mut found = Introduced::default();
        for i in 0..(SHOWN_PER_KIND + 3) {
            found.sdks.push(IntroducedSdk {
                app: ".".into(),
                sdk: format!("sdk{i}"),
                at: Location::new("build.gradle", 1, 1),
                detail: String::new(),
            });
        }
        let lines = found.lines();
        assert_eq!(lines.len(), SHOWN_PER_KIND + 1);
        assert_eq!(lines.last().map(String::as_str), Some("… and 3 more SDKs"));
    }
}
