//! AndroidManifest.xml: declared permissions and foreground-service types.
//!
//! - `<uses-permission>` / `<uses-permission-sdk-23>` naming a catalog permission →
//!   `CapabilityDeclared` with the permission's precision/background flags; with
//!   `tools:node="remove"` the same fact with `removed: true` (the app strips what a
//!   library's manifest would merge in). `android:maxSdkVersion` is noted in the detail.
//! - `<service android:foregroundServiceType="location|microphone">` → one
//!   `CapabilityDeclared` per catalog type (a location service is background location).
//! - `<meta-data>` naming a catalog SDK's collection switch → `CollectionSwitch`
//!   (`crate::consent`); other `<meta-data>` and unknown permissions produce nothing.
//! - Malformed XML → a problem at the parser's line and column.

use roxmltree::Node;

use crate::extract::FileInput;
use crate::extract::xml::{self, XmlRefusal};
use crate::model::{EvidenceKind, FileFacts, Level};

const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";
const TOOLS_NS: &str = "http://schemas.android.com/tools";

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let doc = match xml::parse(input.text) {
        Ok(doc) => doc,
        Err(refusal @ XmlRefusal::EntityDeclared(offset)) => {
            let reason = format!("AndroidManifest.xml {}", refusal.message());
            facts.problem(input.at(offset), reason);
            return facts;
        }
        Err(XmlRefusal::Malformed { row, col, message }) => {
            facts.problem(
                input.loc(row, col),
                format!("AndroidManifest.xml is not well-formed XML: {message}"),
            );
            return facts;
        }
    };
    for node in doc.descendants().filter(Node::is_element) {
        match node.tag_name().name() {
            "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                permission(input, node, &mut facts);
            }
            "service" => foreground_service(input, node, &mut facts),
            "meta-data" => collection_switch(input, node, &mut facts),
            _ => {}
        }
    }
    facts
}

fn permission(input: &FileInput, node: Node, facts: &mut FileFacts) {
    let Some(name) = node.attribute((ANDROID_NS, "name")) else {
        return;
    };
    let Some((capability, def)) = input.catalog.permission(name.trim()) else {
        return;
    };
    let removed = node
        .attribute((TOOLS_NS, "node"))
        .is_some_and(|v| v.trim() == "remove");
    let detail = match node.attribute((ANDROID_NS, "maxSdkVersion")) {
        Some(max) => format!("{} (maxSdkVersion {})", name.trim(), max.trim()),
        None => name.trim().to_string(),
    };
    facts.push(
        input.at(node.range().start),
        EvidenceKind::CapabilityDeclared {
            capability: capability.id.clone(),
            level: Level {
                precise: def.precise,
                background: def.background,
            },
            removed,
            key: name.trim().to_string(),
        },
        detail,
    );
}

/// `<meta-data android:name=… android:value=…>` naming an SDK's collection switch.
fn collection_switch(input: &FileInput, node: Node, facts: &mut FileFacts) {
    let (Some(name), Some(value)) = (
        node.attribute((ANDROID_NS, "name")),
        node.attribute((ANDROID_NS, "value")),
    ) else {
        return;
    };
    crate::consent::switch_evidence(
        input.catalog,
        crate::catalog::SwitchPlatform::Android,
        name.trim(),
        crate::catalog::parse_bool(value),
        input.at(node.range().start),
        facts,
    );
}

fn foreground_service(input: &FileInput, node: Node, facts: &mut FileFacts) {
    let Some(types) = node.attribute((ANDROID_NS, "foregroundServiceType")) else {
        return;
    };
    let removed = node
        .attribute((TOOLS_NS, "node"))
        .is_some_and(|v| v.trim() == "remove");
    let service = node.attribute((ANDROID_NS, "name")).unwrap_or("?");
    for ty in types.split('|').map(str::trim).filter(|t| !t.is_empty()) {
        let Some(capability) = input.catalog.foreground_service_type(ty) else {
            continue;
        };
        // A foreground service keeps running when the app leaves the screen: for a
        // capability with levels (location) that is background use.
        let level = Level {
            precise: None,
            background: capability.levels,
        };
        facts.push(
            input.at(node.range().start),
            EvidenceKind::CapabilityDeclared {
                capability: capability.id.clone(),
                level,
                removed,
                key: format!("android:foregroundServiceType={ty}"),
            },
            format!("android:foregroundServiceType={ty} ({service})"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn run(xml: &str) -> FileFacts {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(
            "app/src/main/AndroidManifest.xml",
            xml.as_bytes(),
            xml,
            &catalog,
        );
        extract(&input)
    }

    fn declared(facts: &FileFacts) -> Vec<(String, Level, bool, u32, String)> {
        facts
            .evidence
            .iter()
            .filter_map(|e| match &e.kind {
                EvidenceKind::CapabilityDeclared {
                    capability,
                    level,
                    removed,
                    ..
                } => Some((
                    capability.clone(),
                    *level,
                    *removed,
                    e.at.line,
                    e.detail.clone(),
                )),
                _ => None,
            })
            .collect()
    }

    const MANIFEST: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools"
    package="com.acme.app">
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" android:maxSdkVersion="28" />
    <uses-permission android:name="android.permission.ACCESS_COARSE_LOCATION" tools:node="remove" />
    <uses-permission-sdk-23 android:name="android.permission.RECORD_AUDIO" />
    <uses-permission android:name="android.permission.INTERNET" />
    <!-- <uses-permission android:name="android.permission.READ_CONTACTS" /> -->
    <application>
        <meta-data android:name="com.google.android.gms.ads.APPLICATION_ID" android:value="x" />
        <service android:name=".TrackerService" android:foregroundServiceType="location|dataSync" />
    </application>
</manifest>
"#;

    #[test]
    fn permissions_levels_removal_and_max_sdk() {
        let got = declared(&run(MANIFEST));
        assert_eq!(
            got[0],
            (
                "location".to_string(),
                Level::precise(),
                false,
                5,
                "android.permission.ACCESS_FINE_LOCATION (maxSdkVersion 28)".to_string()
            )
        );
        assert_eq!(
            got[1],
            (
                "location".to_string(),
                Level::coarse(),
                true,
                6,
                "android.permission.ACCESS_COARSE_LOCATION".to_string()
            )
        );
        assert_eq!(got[2].0, "microphone");
        assert_eq!(got[2].3, 7);
        assert!(!got[2].2);
    }

    #[test]
    fn foreground_service_location_is_background() {
        let got = declared(&run(MANIFEST));
        assert_eq!(
            got.len(),
            4,
            "INTERNET, meta-data and comments give nothing: {got:?}"
        );
        assert_eq!(got[3].0, "location");
        assert!(got[3].1.background);
        assert_eq!(got[3].3, 12);
        assert_eq!(
            got[3].4,
            "android:foregroundServiceType=location (.TrackerService)"
        );
    }

    #[test]
    fn malformed_xml_is_a_problem_with_position() {
        let facts = run("<manifest>\n  <application>\n</manifest>\n");
        assert!(facts.evidence.is_empty());
        assert_eq!(facts.problems.len(), 1);
        let problem = &facts.problems[0];
        assert_eq!(problem.at.line, 3);
        assert!(
            problem.reason.contains("not well-formed"),
            "{}",
            problem.reason
        );
    }
}
