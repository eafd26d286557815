//! Info.plist (XML or binary) and PrivacyInfo.xcprivacy.
//!
//! The `plist` crate parses both encodings. Positions come from the XML tree (roxmltree):
//! each evidence is placed on its `<key>NAME</key>` (or `<string>VALUE</string>`)
//! element, searched in document order; a binary plist has no lines, so its facts sit
//! at 1:1.

use std::io::Cursor;

use plist::{Dictionary, Value};

use crate::catalog::{Catalog, SwitchPlatform, parse_bool};
use crate::extract::FileInput;
use crate::extract::xml::{self, XmlRefusal};

mod binary_plist;
use crate::model::{EvidenceKind, FileFacts, Level, Location};

/// Usage descriptions, background modes and the reduced-accuracy flag of an Info.plist.
pub fn extract_info_plist(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some((root, mut finder)) = parse_dict(input, &mut facts) else {
        return facts;
    };
    usage_keys(input, &root, &mut finder, &mut facts);
    facts
}

/// The usage keys of a plist dictionary (Info.plist, or XcodeGen `info: properties:`),
/// shared with `xcode.rs` through [`usage_key_evidence`].
fn usage_keys(input: &FileInput, root: &Dictionary, finder: &mut Finder, facts: &mut FileFacts) {
    for (key, value) in root {
        if key == "UIBackgroundModes" {
            let at = finder.key(key);
            let modes = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for mode in modes.iter().filter_map(Value::as_string) {
                let mode_at = finder.string_after(at.as_ref(), mode);
                background_mode_evidence(
                    input.catalog,
                    mode,
                    mode_at.unwrap_or(input.loc(1, 1)),
                    facts,
                );
            }
        } else if key == "NSLocationDefaultAccuracyReduced" {
            if value.as_boolean() == Some(true) {
                let at = finder.key(key).unwrap_or(input.loc(1, 1));
                facts.push(
                    at,
                    EvidenceKind::CapabilityDeclared {
                        capability: "location".into(),
                        level: Level::coarse(),
                        removed: false,
                        key: "NSLocationDefaultAccuracyReduced".into(),
                    },
                    "NSLocationDefaultAccuracyReduced = true",
                );
            }
        } else if input
            .catalog
            .collection_switch(SwitchPlatform::Ios, key)
            .is_some()
        {
            let at = finder.key(key).unwrap_or(input.loc(1, 1));
            let flag = value
                .as_boolean()
                .or_else(|| value.as_string().and_then(parse_bool));
            crate::consent::switch_evidence(
                input.catalog,
                SwitchPlatform::Ios,
                key,
                flag,
                at,
                facts,
            );
        } else if is_usage_key(key) || input.catalog.plist_key(key).is_some() {
            let at = finder.key(key).unwrap_or(input.loc(1, 1));
            usage_key_evidence(input.catalog, key, at, facts);
        }
    }
}

/// Whether a key names a usage description (`NS…UsageDescription`, with the location
/// temporary-usage dictionary).
pub(crate) fn is_usage_key(key: &str) -> bool {
    key.starts_with("NS")
        && (key.ends_with("UsageDescription") || key.ends_with("UsageDescriptionDictionary"))
}

/// A usage description: always a purpose string, and a declared capability when the
/// catalog knows the key.
pub(crate) fn usage_key_evidence(
    catalog: &Catalog,
    key: &str,
    at: Location,
    facts: &mut FileFacts,
) {
    facts.push(
        at.clone(),
        EvidenceKind::PurposeString {
            key: key.to_string(),
        },
        key,
    );
    if let Some((capability, def)) = catalog.plist_key(key) {
        facts.push(
            at,
            EvidenceKind::CapabilityDeclared {
                capability: capability.id.clone(),
                level: Level {
                    precise: None,
                    background: def.background,
                },
                removed: false,
                key: key.to_string(),
            },
            key,
        );
    }
}

/// A `UIBackgroundModes` value the catalog ties to a capability.
pub(crate) fn background_mode_evidence(
    catalog: &Catalog,
    mode: &str,
    at: Location,
    facts: &mut FileFacts,
) {
    if let Some(capability) = catalog.background_mode(mode) {
        facts.push(
            at,
            EvidenceKind::CapabilityDeclared {
                capability: capability.id.clone(),
                level: Level::background(),
                removed: false,
                key: "UIBackgroundModes".into(),
            },
            format!("UIBackgroundModes: {mode}"),
        );
    }
}

/// `NSPrivacyTracking` and the collected data types of a privacy manifest.
pub fn extract_privacy_manifest(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some((root, mut finder)) = parse_dict(input, &mut facts) else {
        return facts;
    };
    if let Some(value) = root.get("NSPrivacyTracking") {
        let at = finder.key("NSPrivacyTracking").unwrap_or(input.loc(1, 1));
        match value.as_boolean() {
            Some(tracking) => facts.push(
                at,
                EvidenceKind::PrivacyManifestTracking { tracking },
                format!("NSPrivacyTracking = {tracking}"),
            ),
            None => facts.problem(at, "NSPrivacyTracking is not a boolean"),
        }
    }
    let Some(collected) = root.get("NSPrivacyCollectedDataTypes") else {
        return facts;
    };
    let list_at = finder.key("NSPrivacyCollectedDataTypes");
    let Some(entries) = collected.as_array() else {
        facts.problem(
            list_at.unwrap_or(input.loc(1, 1)),
            "NSPrivacyCollectedDataTypes is not an array",
        );
        return facts;
    };
    let mut cursor = list_at.clone();
    for entry in entries {
        let Some(data_type) = entry
            .as_dictionary()
            .and_then(|d| d.get("NSPrivacyCollectedDataType"))
            .and_then(Value::as_string)
        else {
            facts.problem(
                cursor.clone().unwrap_or(input.loc(1, 1)),
                "an NSPrivacyCollectedDataTypes entry has no NSPrivacyCollectedDataType string",
            );
            continue;
        };
        let at = finder.string_after(cursor.as_ref(), data_type);
        if at.is_some() {
            cursor = at.clone();
        }
        let detail = data_type_detail(data_type, entry.as_dictionary());
        facts.push(
            at.unwrap_or(input.loc(1, 1)),
            EvidenceKind::PrivacyManifestDataType {
                data_type: data_type.to_string(),
            },
            detail,
        );
    }
    facts
}

fn data_type_detail(data_type: &str, entry: Option<&Dictionary>) -> String {
    let Some(entry) = entry else {
        return data_type.to_string();
    };
    let flag = |key: &str| entry.get(key).and_then(Value::as_boolean);
    let mut parts = vec![data_type.to_string()];
    if let Some(linked) = flag("NSPrivacyCollectedDataTypeLinked") {
        parts.push(format!("linked={linked}"));
    }
    if let Some(tracking) = flag("NSPrivacyCollectedDataTypeTracking") {
        parts.push(format!("tracking={tracking}"));
    }
    let purposes: Vec<&str> = entry
        .get("NSPrivacyCollectedDataTypePurposes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_string).collect())
        .unwrap_or_default();
    if !purposes.is_empty() {
        parts.push(format!("purposes={}", purposes.join(",")));
    }
    parts.join(" ")
}

/// Parse the file as a plist whose root is a dictionary; report why not otherwise.
fn parse_dict<'i, 'a>(
    input: &'i FileInput<'a>,
    facts: &mut FileFacts,
) -> Option<(Dictionary, Finder<'i, 'a>)> {
    let binary = input.bytes.starts_with(b"bplist");
    let refusal = if binary {
        binary_plist::refusal(input.bytes)
    } else {
        xml::entity_declaration(input.text).map(|offset| {
            let refusal = XmlRefusal::EntityDeclared(offset);
            (offset, format!("the plist {}", refusal.message()))
        })
    };
    if let Some((offset, reason)) = refusal {
        let at = if binary {
            input.loc(1, 1)
        } else {
            input.at(offset)
        };
        facts.problem(at, reason);
        return None;
    }
    let parsed = if binary {
        Value::from_reader(Cursor::new(input.bytes))
    } else {
        // The text is already decoded (UTF-16 and BOMs handled); re-encoding keeps the
        // byte offsets in errors aligned with it.
        Value::from_reader_xml(Cursor::new(input.text.as_bytes()))
    };
    let finder = Finder::new(input, binary);
    match parsed {
        Ok(Value::Dictionary(dict)) => Some((dict, finder)),
        Ok(_) => {
            facts.problem(input.loc(1, 1), "the plist's root is not a dictionary");
            None
        }
        Err(e) => {
            let message = e.to_string();
            let at = error_offset(&message)
                .filter(|_| !binary)
                .map_or(input.loc(1, 1), |offset| input.at(offset));
            let form = if binary { "binary" } else { "XML" };
            facts.problem(at, format!("malformed {form} plist: {message}"));
            None
        }
    }
}

/// The byte offset the `plist` crate prints in its messages (`… (offset 123)`).
fn error_offset(message: &str) -> Option<usize> {
    let rest = &message[message.rfind("offset ")? + "offset ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Where keys and string values sit in the XML text, in document order, read from the
/// XML tree (roxmltree keeps every node's byte range).
struct Finder<'i, 'a> {
    input: &'i FileInput<'a>,
    binary: bool,
    /// Every `<key>` and `<string>` element: (is a key, its text, where its text starts).
    nodes: Vec<(bool, String, usize)>,
    /// Top-level keys are searched from here on, so repeated nested keys do not steal them.
    offset: usize,
}

impl<'i, 'a> Finder<'i, 'a> {
    fn new(input: &'i FileInput<'a>, binary: bool) -> Self {
        let mut nodes = Vec::new();
        // A text the plist crate accepts but roxmltree does not keeps its facts at 1:1.
        if !binary && let Ok(doc) = xml::parse(input.text) {
            for node in doc.descendants() {
                let is_key = node.has_tag_name("key");
                if !(is_key || node.has_tag_name("string")) {
                    continue;
                }
                // The content starts after the opening tag, text or not.
                let tag_len = if is_key {
                    "<key>".len()
                } else {
                    "<string>".len()
                };
                let start = node
                    .first_child()
                    .map_or(node.range().start + tag_len, |child| child.range().start);
                let text: String = node.children().filter_map(|c| c.text()).collect();
                nodes.push((is_key, text, start));
            }
        }
        Finder {
            input,
            binary,
            nodes,
            offset: 0,
        }
    }

    fn binary_loc(&self) -> Option<Location> {
        self.binary.then(|| self.input.loc(1, 1))
    }

    /// The first element of that kind and text at or after byte `from`.
    fn find(&self, is_key: bool, text: &str, from: usize) -> Option<usize> {
        self.nodes
            .iter()
            .find(|(k, t, at)| *k == is_key && *at >= from && t == text)
            .map(|&(_, _, at)| at)
    }

    /// The `<key>NAME</key>` of a top-level key (first occurrence after the previous key).
    fn key(&mut self, name: &str) -> Option<Location> {
        if let Some(at) = self.binary_loc() {
            return Some(at);
        }
        let found = self
            .find(true, name, self.offset)
            .or_else(|| self.find(true, name, 0))?;
        self.offset = found + 1;
        Some(self.input.at(found))
    }

    /// The `<string>VALUE</string>` after a location found earlier (or anywhere).
    fn string_after(&self, after: Option<&Location>, value: &str) -> Option<Location> {
        if let Some(at) = self.binary_loc() {
            return Some(at);
        }
        let start = after.map_or(Some(0), |loc| {
            self.input.lines().offset(loc.line, loc.column)
        })?;
        self.find(false, value, start).map(|at| self.input.at(at))
    }
}

/// A small catalog pinned for the iOS extractor tests, so they do not depend on the
/// shipped catalog's contents (which other work edits).
#[cfg(test)]
pub(crate) mod test_support {
    use crate::model::FileFacts;

    /// `line:column sdk detail` of every evidence, for exact assertions.
    pub(crate) fn summary(facts: &FileFacts) -> Vec<String> {
        facts
            .evidence
            .iter()
            .map(|e| {
                format!(
                    "{}:{} {} {}",
                    e.at.line,
                    e.at.column,
                    e.kind.sdk().unwrap_or("-"),
                    e.detail
                )
            })
            .collect()
    }

    use crate::catalog::{Catalog, CatalogFile};

    const YAML: &str = r#"
categories:
  - {id: advertising, description: ads}
  - {id: attribution, description: attribution}
  - {id: engagement, description: engagement}
capabilities:
  - id: location
    name: Location
    description: where the device is
    levels: true
    source: test
    plist_keys:
      - {key: NSLocationWhenInUseUsageDescription, required_for_use: true}
      - {key: NSLocationAlwaysAndWhenInUseUsageDescription, background: true}
    background_modes: [location]
    privacy_data_types:
      - {data_type: NSPrivacyCollectedDataTypePreciseLocation, precise: true}
  - id: microphone
    name: Microphone
    description: audio input
    source: test
    plist_keys:
      - {key: NSMicrophoneUsageDescription, required_for_use: true}
    background_modes: [audio]
  - id: contacts
    name: Contacts
    description: address book
    source: test
    plist_keys:
      - {key: NSContactsUsageDescription, required_for_use: true}
sdks:
  - id: braze
    name: Braze
    vendor: Braze
    category: engagement
    source: test
    identifiers:
      cocoapods: [BrazeKit, BrazeLocation]
      ios_modules: [BrazeKit]
      spm: [https://github.com/braze-inc/braze-swift-sdk]
    examples: {match: ["pod:BrazeKit"]}
  - id: google-mobile-ads
    name: Google Mobile Ads
    vendor: Google
    category: advertising
    source: test
    identifiers:
      cocoapods: [Google-Mobile-Ads-SDK]
      spm: [https://github.com/googleads/swift-package-manager-google-mobile-ads]
    examples: {match: ["pod:Google-Mobile-Ads-SDK"]}
  - id: appsflyer
    name: AppsFlyer
    vendor: AppsFlyer
    category: attribution
    source: test
    identifiers:
      cocoapods: [AppsFlyerFramework]
      spm: [https://github.com/AppsFlyerSDK/AppsFlyerFramework-Static]
      carthage: [AppsFlyerSDK/AppsFlyerFramework]
    examples: {match: ["pod:AppsFlyerFramework"]}
"#;

    pub(crate) fn catalog() -> Catalog {
        let file: CatalogFile = crate::yaml::from_str(YAML).expect("test catalog parses");
        Catalog::build("test".into(), file.categories, file.sdks, file.capabilities)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;

    fn run(f: fn(&FileInput) -> FileFacts, bytes: &[u8]) -> FileFacts {
        let catalog = test_support::catalog();
        let text = String::from_utf8_lossy(bytes).into_owned();
        let input = FileInput::new("App/Info.plist", bytes, &text, &catalog);
        f(&input)
    }

    fn summary(evidence: &[Evidence]) -> Vec<String> {
        evidence
            .iter()
            .map(|e| {
                let kind = match &e.kind {
                    EvidenceKind::PurposeString { key } => format!("purpose {key}"),
                    EvidenceKind::CapabilityDeclared {
                        capability, level, ..
                    } => {
                        format!(
                            "declared {capability} {:?} bg={}",
                            level.precise, level.background
                        )
                    }
                    EvidenceKind::PrivacyManifestDataType { data_type } => {
                        format!("datatype {data_type}")
                    }
                    EvidenceKind::PrivacyManifestTracking { tracking } => {
                        format!("tracking {tracking}")
                    }
                    other => format!("{other:?}"),
                };
                format!("{}:{} {kind}", e.at.line, e.at.column)
            })
            .collect()
    }

    const INFO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleName</key>
	<string>Demo</string>
	<key>NSLocationWhenInUseUsageDescription</key>
	<string>Shows nearby stores.</string>
	<key>NSUserTrackingUsageDescription</key>
	<string>Ads.</string>
	<key>UIBackgroundModes</key>
	<array>
		<string>remote-notification</string>
		<string>location</string>
	</array>
	<key>NSLocationDefaultAccuracyReduced</key>
	<true/>
</dict>
</plist>
"#;

    #[test]
    fn xml_info_plist_usage_keys_background_and_reduced_accuracy() {
        let facts = run(extract_info_plist, INFO.as_bytes());
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert!(facts.markers.is_empty());
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "7:7 purpose NSLocationWhenInUseUsageDescription",
                "7:7 declared location None bg=false",
                "9:7 purpose NSUserTrackingUsageDescription",
                "14:11 declared location None bg=true",
                "16:7 declared location Some(false) bg=false",
            ]
        );
    }

    #[test]
    fn binary_info_plist_is_read_at_line_one() {
        let mut dict = Dictionary::new();
        dict.insert(
            "NSMicrophoneUsageDescription".into(),
            Value::String("Voice notes".into()),
        );
        dict.insert("CFBundleName".into(), Value::String("Demo".into()));
        let mut bytes = Vec::new();
        Value::Dictionary(dict)
            .to_writer_binary(&mut bytes)
            .expect("binary plist is written");
        let facts = run(extract_info_plist, &bytes);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "1:1 purpose NSMicrophoneUsageDescription",
                "1:1 declared microphone None bg=false"
            ]
        );
    }

    #[test]
    fn malformed_plist_is_a_problem_with_position() {
        let text = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict>\n<key>A</key>\n<strin>x</string>\n</dict></plist>\n";
        let facts = run(extract_info_plist, text.as_bytes());
        assert!(facts.evidence.is_empty());
        assert_eq!(facts.problems.len(), 1);
        assert!(
            facts.problems[0].reason.starts_with("malformed XML plist"),
            "{}",
            facts.problems[0].reason
        );
        assert!(facts.problems[0].at.line > 1, "{:?}", facts.problems[0].at);
    }

    #[test]
    fn truncated_binary_plist_is_a_problem() {
        let facts = run(extract_info_plist, b"bplist00\x01\x02");
        assert_eq!(facts.problems.len(), 1);
        assert!(
            facts.problems[0]
                .reason
                .starts_with("malformed binary plist")
        );
    }

    const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>NSPrivacyTracking</key>
	<false/>
	<key>NSPrivacyCollectedDataTypes</key>
	<array>
		<dict>
			<key>NSPrivacyCollectedDataType</key>
			<string>NSPrivacyCollectedDataTypeEmailAddress</string>
			<key>NSPrivacyCollectedDataTypeLinked</key>
			<true/>
			<key>NSPrivacyCollectedDataTypeTracking</key>
			<false/>
			<key>NSPrivacyCollectedDataTypePurposes</key>
			<array>
				<string>NSPrivacyCollectedDataTypePurposeAppFunctionality</string>
			</array>
		</dict>
		<dict>
			<key>NSPrivacyCollectedDataType</key>
			<string>NSPrivacyCollectedDataTypePreciseLocation</string>
		</dict>
	</array>
</dict>
</plist>
"#;

    #[test]
    fn privacy_manifest_tracking_and_data_types() {
        let facts = run(extract_privacy_manifest, MANIFEST.as_bytes());
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "4:7 tracking false",
                "10:12 datatype NSPrivacyCollectedDataTypeEmailAddress",
                "22:12 datatype NSPrivacyCollectedDataTypePreciseLocation",
            ]
        );
        assert_eq!(
            facts.evidence[1].detail,
            "NSPrivacyCollectedDataTypeEmailAddress linked=true tracking=false purposes=NSPrivacyCollectedDataTypePurposeAppFunctionality"
        );
    }

    #[test]
    fn privacy_manifest_with_bad_entry_keeps_the_rest() {
        let text = MANIFEST.replacen(
            "<key>NSPrivacyCollectedDataType</key>\n\t\t\t<string>NSPrivacyCollectedDataTypeEmailAddress</string>",
            "",
            1,
        );
        let facts = run(extract_privacy_manifest, text.as_bytes());
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.evidence.len(), 2);
    }

    #[test]
    fn error_offset_is_read_from_message() {
        assert_eq!(error_offset("InvalidXmlSyntax (offset 42)"), Some(42));
        assert_eq!(error_offset("UnexpectedEof"), None);
    }
}
