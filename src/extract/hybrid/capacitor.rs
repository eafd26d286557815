//! Capacitor and Ionic project files.
//!
//! - `capacitor.config.json|ts|js` → `Marker::HybridApp`. Script configs are never run
//!   and not even parsed: their presence is what counts (a JSON config that does not
//!   parse is a problem, as for any manifest).
//! - `ionic.config.json` → `Marker::HybridApp` when its `integrations` name `capacitor`
//!   or `cordova`; an Ionic project with neither is a web app and marks nothing.
//! - `capacitor.settings.gradle` (generated): each plugin module's
//!   `projectDir = new File('../node_modules/<package>/android')` → the npm package; one
//!   that is a catalog SDK → `SdkPresence` (the plugin ships in the Android app).
//! - `capacitor.build.gradle` (generated): the Maven dependencies Cordova plugins add
//!   (read as a Gradle build file; its module markers are dropped, since the file is a
//!   part of the `android/app` module, not a module of its own).

use serde_json::Value;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::android::gradle;
use crate::extract::hybrid::npm_package_in_path;
use crate::extract::javascript::package_json::parse_json_tolerant;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence};

pub fn extract_config(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if input.path.ends_with(".json")
        && let Err(error) = parse_json_tolerant(input.text)
    {
        facts.problem(input.loc(error.line, error.column), error.message);
        return facts;
    }
    facts.marker(input.loc(1, 1), Marker::HybridApp);
    facts
}

pub fn extract_ionic_config(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let json = match parse_json_tolerant(input.text) {
        Ok(json) => json,
        Err(error) => {
            facts.problem(input.loc(error.line, error.column), error.message);
            return facts;
        }
    };
    let native = json
        .value
        .get("integrations")
        .and_then(Value::as_object)
        .is_some_and(|i| i.contains_key("capacitor") || i.contains_key("cordova"));
    if native {
        facts.marker(input.loc(1, 1), Marker::HybridApp);
    }
    facts
}

pub fn extract_gradle(input: &FileInput) -> FileFacts {
    if input.path.ends_with("capacitor.build.gradle") {
        let mut facts = gradle::extract_build(input);
        facts.markers.clear();
        return facts;
    }
    let mut facts = FileFacts::default();
    for (offset, literal) in quoted_strings(input.text) {
        let Some(package) = npm_package_in_path(literal) else {
            continue;
        };
        let Some(sdk) = input.catalog.lookup(IdKind::Npm, &package) else {
            continue;
        };
        facts.push(
            input.at(offset),
            EvidenceKind::SdkPresence {
                sdk: sdk.id.clone(),
                via: Presence::Dependency,
            },
            format!("{package} (Capacitor Android plugin)"),
        );
    }
    facts
}

/// Every `'…'` or `"…"` literal on a line (Capacitor writes one path per line), with
/// the offset of its first character; `//` comments are skipped.
pub(super) fn quoted_strings(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        let mut consumed = 0;
        while let Some(open) = rest.find(['\'', '"']) {
            let quote = rest.as_bytes()[open] as char;
            let body = &rest[open + 1..];
            let Some(close) = body.find(quote) else { break };
            out.push((line_start + consumed + open + 1, &body[..close]));
            let advance = open + 1 + close + 1;
            consumed += advance;
            rest = &rest[advance..];
        }
        line_start += line.len();
    }
    out
}
