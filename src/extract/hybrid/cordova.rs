//! Cordova's `config.xml` (the project) and `plugin.xml` (a plugin kept in the app's tree).
//!
//! Both are XML; the same elements mean the same in each, wherever they sit (top level or
//! inside a `<platform name="android|ios">` block):
//! - `<plugin name="…" spec="…">` (config.xml) and `<dependency id="…">` (plugin.xml): an
//!   npm package; a catalog SDK → `SdkPresence` (capability plugins say nothing by
//!   themselves, as in `package.json`);
//! - `<uses-permission android:name="…">` inside `<config-file>` / `<edit-config>` →
//!   `CapabilityDeclared`, as in an AndroidManifest;
//! - `<edit-config target="NS…UsageDescription">` and `<config-file parent="NS…Usage…">`
//!   for a plist → `PurposeString` (+ `CapabilityDeclared` for a catalog key);
//!   `<config-file parent="UIBackgroundModes">` values → background `CapabilityDeclared`;
//! - `<framework src="group:artifact:version">` (Android) → a Maven coordinate,
//!   `<framework src="Pod" type="podspec">` and `<pod name="…">` → a CocoaPods pod.
//!
//! A `config.xml` whose root is `<widget id="…">` is a Cordova project →
//! `Marker::HybridApp`. Capacitor writes id-less `<widget>` files into its native
//! projects; those are read but mark nothing. A file that is not a Cordova file (another
//! tool's `config.xml`, an Eclipse `plugin.xml`) yields nothing, and is only a problem
//! when it names Cordova and does not parse.

use roxmltree::{Document, Node, ParsingOptions};

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::apple::plist::{background_mode_evidence, is_usage_key, usage_key_evidence};
use crate::model::{EvidenceKind, FileFacts, Level, Marker, Presence};

const PLUGIN_NAMESPACE: &str = "http://apache.org/cordova/ns/plugins/1.0";

pub fn extract_config(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if !input.text.contains("<widget") {
        return facts;
    }
    let Some(doc) = parse(input, "config.xml", &mut facts) else {
        return facts;
    };
    let root = doc.root_element();
    if root.tag_name().name() != "widget" {
        return facts;
    }
    if root.attribute("id").is_some_and(|id| !id.trim().is_empty()) {
        facts.marker(input.at(root.range().start), Marker::HybridApp);
    }
    read_elements(input, root, &mut facts);
    facts
}

pub fn extract_plugin(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if !input.text.contains(PLUGIN_NAMESPACE) {
        return facts;
    }
    let Some(doc) = parse(input, "plugin.xml", &mut facts) else {
        return facts;
    };
    let root = doc.root_element();
    if root.tag_name().name() != "plugin" {
        return facts;
    }
    read_elements(input, root, &mut facts);
    facts
}

fn parse<'t>(input: &FileInput<'t>, name: &str, facts: &mut FileFacts) -> Option<Document<'t>> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    match Document::parse_with_options(input.text, options) {
        Ok(doc) => Some(doc),
        Err(error) => {
            let pos = error.pos();
            facts.problem(
                input.loc(pos.row, pos.col),
                format!("{name} is not well-formed XML: {error}"),
            );
            None
        }
    }
}

fn read_elements(input: &FileInput, root: Node, facts: &mut FileFacts) {
    for node in root.descendants().filter(Node::is_element) {
        match node.tag_name().name() {
            "plugin" if node != root => npm_package(input, node, "name", facts),
            "dependency" => npm_package(input, node, "id", facts),
            "uses-permission" | "uses-permission-sdk-23" => permission(input, node, facts),
            "edit-config" => {
                if let Some(target) = node.attribute("target") {
                    plist_entry(input, node, target.trim(), facts);
                }
            }
            "config-file" => {
                if let Some(parent) = node.attribute("parent") {
                    plist_entry(input, node, parent.trim(), facts);
                }
            }
            "framework" => framework(input, node, facts),
            "pod" => {
                if let Some(name) = node.attribute("name") {
                    sdk(input, node, IdKind::Pod, name.trim(), "pod", facts);
                }
            }
            _ => {}
        }
    }
}

fn npm_package(input: &FileInput, node: Node, attribute: &str, facts: &mut FileFacts) {
    let Some(name) = node.attribute(attribute).map(str::trim) else {
        return;
    };
    let detail = match node.attribute("spec").or_else(|| node.attribute("version")) {
        Some(spec) => format!("{name}@{} (Cordova plugin)", spec.trim()),
        None => format!("{name} (Cordova plugin)"),
    };
    if let Some(found) = input.catalog.lookup(IdKind::Npm, name) {
        facts.push(
            input.at(node.range().start),
            EvidenceKind::SdkPresence {
                sdk: found.id.clone(),
                via: Presence::Dependency,
            },
            detail,
        );
    }
}

/// `android:name` (or a `name` in any namespace: Cordova files declare the prefix
/// themselves, and some omit it).
fn permission(input: &FileInput, node: Node, facts: &mut FileFacts) {
    let Some(name) = node
        .attributes()
        .find(|a| a.name() == "name")
        .map(|a| a.value().trim())
    else {
        return;
    };
    let Some((capability, def)) = input.catalog.permission(name) else {
        return;
    };
    facts.push(
        input.at(node.range().start),
        EvidenceKind::CapabilityDeclared {
            capability: capability.id.clone(),
            level: Level {
                precise: def.precise,
                background: def.background,
            },
            removed: false,
            key: name.to_string(),
        },
        name,
    );
}

/// An `<edit-config>` / `<config-file>` that writes a plist key: a usage description,
/// or background modes (the `<string>` values inside).
fn plist_entry(input: &FileInput, node: Node, key: &str, facts: &mut FileFacts) {
    let at = input.at(node.range().start);
    if is_usage_key(key) {
        usage_key_evidence(input.catalog, key, at, facts);
    } else if key == "UIBackgroundModes" {
        for value in node
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "string")
        {
            if let Some(mode) = value.text() {
                background_mode_evidence(
                    input.catalog,
                    mode.trim(),
                    input.at(value.range().start),
                    facts,
                );
            }
        }
    }
}

/// `<framework src>`: a Maven coordinate on Android, a pod when `type="podspec"`;
/// local files (`custom="true"`, `type="gradleReference"`) and system frameworks
/// (`Foo.framework`) name no SDK.
fn framework(input: &FileInput, node: Node, facts: &mut FileFacts) {
    let Some(src) = node.attribute("src").map(str::trim) else {
        return;
    };
    if node.attribute("custom") == Some("true") {
        return;
    }
    match node.attribute("type") {
        Some("podspec") => sdk(input, node, IdKind::Pod, src, "framework", facts),
        None if src.contains(':') && !src.contains('/') => {
            sdk(input, node, IdKind::Maven, src, "framework", facts);
        }
        _ => {}
    }
}

fn sdk(
    input: &FileInput,
    node: Node,
    kind: IdKind,
    name: &str,
    element: &str,
    facts: &mut FileFacts,
) {
    if let Some(found) = input.catalog.lookup(kind, name) {
        facts.push(
            input.at(node.range().start),
            EvidenceKind::SdkPresence {
                sdk: found.id.clone(),
                via: Presence::Dependency,
            },
            format!("{name} (Cordova {element})"),
        );
    }
}
