//! The App Store forms: fastlane's `app_privacy_details.json` (what
//! `upload_app_privacy_details_to_app_store` reads) and a `PrivacyInfo.xcprivacy`
//! property list whose comments cite the evidence of every entry.

use serde_json::{Value, json};

use super::{Declaration, StoreData};

pub(super) fn app_privacy_json(declaration: &Declaration, data: &StoreData) -> String {
    let mut usages: Vec<Value> = Vec::new();
    for entry in &declaration.entries {
        let Some(category) = &entry.data.app_store else {
            continue;
        };
        let mut purposes: Vec<&str> = Vec::new();
        for p in entry.purposes.iter().filter_map(|p| data.purpose(p)) {
            if !purposes.contains(&p.app_store.as_str()) {
                purposes.push(&p.app_store);
            }
        }
        let mut protections = vec!["DATA_LINKED_TO_YOU"];
        if entry.tracking {
            protections.push("DATA_USED_TO_TRACK_YOU");
        }
        usages.push(json!({
            "category": category,
            "purposes": purposes,
            "data_protections": protections,
        }));
    }
    if usages.is_empty() {
        usages.push(json!({"data_protections": ["DATA_NOT_COLLECTED"]}));
    }
    let mut text = serde_json::to_string_pretty(&usages).unwrap_or_default();
    text.push('\n');
    text
}

pub(super) fn privacy_manifest(declaration: &Declaration, data: &StoreData) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n",
        "<plist version=\"1.0\">\n<dict>\n",
    ));
    out.push_str("\t<key>NSPrivacyTracking</key>\n");
    out.push_str(if declaration.tracking() {
        "\t<true/>\n"
    } else {
        "\t<false/>\n"
    });
    for cite in &declaration.tracking_sdks {
        out.push_str(&comment(
            1,
            &format!("{}:{} {}", cite.at.path, cite.at.line, cite.why),
        ));
    }
    out.push_str("\t<key>NSPrivacyTrackingDomains</key>\n");
    if declaration.tracking() {
        out.push_str(&comment(
            1,
            "TODO: the domains the tracking SDKs connect to",
        ));
    }
    out.push_str("\t<array/>\n");
    out.push_str("\t<key>NSPrivacyCollectedDataTypes</key>\n");
    let entries: Vec<_> = declaration
        .entries
        .iter()
        .filter_map(|e| e.data.manifest.as_ref().map(|m| (e, m)))
        .collect();
    if entries.is_empty() {
        out.push_str("\t<array/>\n");
    } else {
        out.push_str("\t<array>\n");
        for (entry, data_type) in entries {
            out.push_str(&comment(2, &entry.data.name));
            for cite in &entry.evidence {
                out.push_str(&comment(
                    2,
                    &format!("{}:{} {}", cite.at.path, cite.at.line, cite.why),
                ));
            }
            out.push_str("\t\t<dict>\n");
            out.push_str("\t\t\t<key>NSPrivacyCollectedDataType</key>\n");
            out.push_str(&format!("\t\t\t<string>{}</string>\n", escape(data_type)));
            out.push_str("\t\t\t<key>NSPrivacyCollectedDataTypeLinked</key>\n\t\t\t<true/>\n");
            out.push_str("\t\t\t<key>NSPrivacyCollectedDataTypeTracking</key>\n");
            out.push_str(if entry.tracking {
                "\t\t\t<true/>\n"
            } else {
                "\t\t\t<false/>\n"
            });
            out.push_str("\t\t\t<key>NSPrivacyCollectedDataTypePurposes</key>\n\t\t\t<array>\n");
            let mut written: Vec<&str> = Vec::new();
            for p in entry.purposes.iter().filter_map(|p| data.purpose(p)) {
                if !written.contains(&p.manifest.as_str()) {
                    written.push(&p.manifest);
                    out.push_str(&format!(
                        "\t\t\t\t<string>{}</string>\n",
                        escape(&p.manifest)
                    ));
                }
            }
            out.push_str("\t\t\t</array>\n\t\t</dict>\n");
        }
        out.push_str("\t</array>\n");
    }
    out.push_str("\t<key>NSPrivacyAccessedAPITypes</key>\n");
    out.push_str(&comment(
        1,
        "TODO: the required-reason APIs the app's own code calls, with their reasons",
    ));
    out.push_str("\t<array/>\n</dict>\n</plist>\n");
    out
}

/// An XML comment at `depth` tabs; `--` may not appear inside one.
pub(super) fn comment(depth: usize, text: &str) -> String {
    let mut text = text.to_string();
    while text.contains("--") {
        text = text.replace("--", "- -");
    }
    if text.ends_with('-') {
        text.push(' ');
    }
    format!("{}<!-- {} -->\n", "\t".repeat(depth), text)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
