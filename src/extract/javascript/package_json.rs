//! `package.json`: npm dependencies → SDK presence, plus the project marker the linker
//! uses to find React Native, Expo and web app units.
//!
//! Also home of the small "JSON with positions" helpers the JavaScript-world extractors
//! share ([`parse_json_tolerant`], [`LocatedJson`]): `serde_json` gives the value, a
//! second pass over the (cleaned) text records where every key and value starts.
//!
//! **Tolerance:** real-world `package.json` and `app.json` files are sometimes edited by
//! hand and carry `//` or `/* */` comments or trailing commas. npm itself rejects those,
//! but the intent is unambiguous, so when strict parsing fails we strip comments and
//! trailing commas (outside strings) and try again; if that parses, the file is used as
//! is and no problem is reported. Only JSON that is still broken becomes a problem.

use std::collections::HashMap;

use serde_json::Value;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence};

/// A Cordova project lists its installed plugins under `cordova.plugins` (the plugins
/// themselves are often only devDependencies): each one ships in the app.
fn cordova_plugins(
    input: &FileInput,
    json: &LocatedJson,
    root: &serde_json::Map<String, Value>,
    facts: &mut FileFacts,
) {
    let Some(plugins) = root
        .get("cordova")
        .and_then(|c| c.get("plugins"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let plugins_pointer = pointer_child(&pointer_child("", "cordova"), "plugins");
    for name in plugins.keys() {
        let Some(sdk) = input.catalog.lookup(IdKind::Npm, name) else {
            continue;
        };
        let offset = json
            .key_offset(&pointer_child(&plugins_pointer, name))
            .unwrap_or(0);
        facts.push(
            input.at(offset),
            EvidenceKind::SdkPresence {
                sdk: sdk.id.clone(),
                via: Presence::Dependency,
            },
            format!("{name} (Cordova plugin)"),
        );
    }
}

/// Sections whose packages ship to users. `devDependencies` is read for markers only.
const SHIPPED_SECTIONS: [&str; 3] = ["dependencies", "optionalDependencies", "peerDependencies"];
/// Sections consulted to decide whether the project is a React Native / Expo project.
const MARKER_SECTIONS: [&str; 2] = ["dependencies", "devDependencies"];

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let json = match parse_json_tolerant(input.text) {
        Ok(json) => json,
        Err(error) => {
            facts.problem(input.loc(error.line, error.column), error.message);
            return facts;
        }
    };
    let Some(root) = json.value.as_object() else {
        facts.problem(input.loc(1, 1), "package.json is not a JSON object");
        return facts;
    };

    for section in SHIPPED_SECTIONS {
        let Some(deps) = root.get(section).and_then(Value::as_object) else {
            continue;
        };
        let section_pointer = pointer_child("", section);
        for (name, range) in deps {
            let Some(sdk) = input.catalog.lookup(IdKind::Npm, name) else {
                // Capability packages (expo-location, …) say nothing by themselves:
                // their use is found in code or config.
                continue;
            };
            let pointer = pointer_child(&section_pointer, name);
            let offset = json.key_offset(&pointer).unwrap_or(0);
            let detail = match range.as_str() {
                Some(range) => format!("{name}@{range}"),
                None => name.clone(),
            };
            facts.push(
                input.at(offset),
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Dependency,
                },
                detail,
            );
        }
    }

    cordova_plugins(input, &json, root, &mut facts);

    // serde_json orders keys by name; report in file order.
    facts.evidence.sort_by(|a, b| a.at.cmp(&b.at));

    let depends_on = |package: &str| {
        MARKER_SECTIONS.iter().any(|section| {
            root.get(*section)
                .and_then(Value::as_object)
                .is_some_and(|deps| deps.contains_key(package))
        })
    };
    facts.marker(
        input.loc(1, 1),
        Marker::PackageJson {
            name: root.get("name").and_then(Value::as_str).map(str::to_string),
            react_native: depends_on("react-native"),
            expo: depends_on("expo"),
        },
    );
    // The roots of this package's share of a workspace's shared lockfile.
    let mut declared: Vec<String> = SHIPPED_SECTIONS
        .iter()
        .filter_map(|section| root.get(*section).and_then(Value::as_object))
        .flat_map(|deps| deps.keys().cloned())
        .collect();
    declared.sort();
    declared.dedup();
    if !declared.is_empty() {
        facts.marker(input.loc(1, 1), Marker::NpmDependencies { names: declared });
    }
    facts
}

/// A parsed JSON document with the byte offsets of its keys and values, addressed by
/// JSON pointer (RFC 6901: `/expo/plugins/0`).
#[derive(Debug, Clone, Default)]
pub(crate) struct LocatedJson {
    pub value: Value,
    positions: HashMap<String, JsonPosition>,
}

#[derive(Debug, Clone, Copy)]
struct JsonPosition {
    key: Option<usize>,
    value: usize,
}

impl LocatedJson {
    pub(crate) fn new(value: Value) -> Self {
        LocatedJson {
            value,
            positions: HashMap::new(),
        }
    }

    /// Record where the member at `pointer` starts (its key, when it has one) and where
    /// its value starts.
    pub(crate) fn record(&mut self, pointer: String, key: Option<usize>, value: usize) {
        self.positions.insert(pointer, JsonPosition { key, value });
    }

    /// Offset of the key of the object member at `pointer` (the value's offset for
    /// array elements and the root).
    pub(crate) fn key_offset(&self, pointer: &str) -> Option<usize> {
        self.positions
            .get(pointer)
            .map(|p| p.key.unwrap_or(p.value))
    }

    /// Offset of the value at `pointer`.
    pub(crate) fn value_offset(&self, pointer: &str) -> Option<usize> {
        self.positions.get(pointer).map(|p| p.value)
    }
}

/// `parent` pointer extended by one member name or array index, escaped per RFC 6901.
pub(crate) fn pointer_child(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Why a JSON text could not be parsed, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Parse JSON strictly, or else after blanking comments and trailing commas (see the
/// module doc). Positions refer to the original text: blanking keeps every byte offset.
pub(crate) fn parse_json_tolerant(text: &str) -> Result<LocatedJson, JsonError> {
    let strict_error = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(locate(text, value)),
        Err(e) => e,
    };
    let cleaned = blank_comments_and_trailing_commas(text);
    match serde_json::from_str::<Value>(&cleaned) {
        Ok(value) => Ok(locate(&cleaned, value)),
        Err(_) => Err(JsonError {
            line: strict_error.line().max(1) as u32,
            column: strict_error.column().max(1) as u32,
            message: format!("invalid JSON: {strict_error}"),
        }),
    }
}

/// Replace `//` and `/* */` comments and commas that precede `}` or `]` with spaces,
/// outside string literals. Newlines are kept, so lines and offsets do not move.
fn blank_comments_and_trailing_commas(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (b, bytes.get(i + 1).copied()) {
            (b'"', _) => in_string = true,
            (b'/', Some(b'/')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    bytes[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let mut closed = false;
                while i < bytes.len() {
                    if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        bytes[i] = b' ';
                        bytes[i + 1] = b' ';
                        i += 2;
                        closed = true;
                        break;
                    }
                    if bytes[i] != b'\n' {
                        bytes[i] = b' ';
                    }
                    i += 1;
                }
                if !closed {
                    break;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Trailing commas, now that comments are blank.
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if matches!(next, Some(b'}') | Some(b']')) {
                bytes[i] = b' ';
            }
        }
        i += 1;
    }
    // Only whole characters (comments, ASCII commas) were replaced by ASCII spaces.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Record the positions of every key and value of `text`, which `serde_json` has just
/// accepted (so it is valid JSON, nested at most serde_json's 128 levels).
fn locate(text: &str, value: Value) -> LocatedJson {
    let mut located = LocatedJson::new(value);
    let mut scanner = PositionScanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out: &mut located,
    };
    scanner.skip_ws();
    scanner.value(String::new(), None);
    located
}

struct PositionScanner<'a, 'o> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: &'o mut LocatedJson,
}

impl PositionScanner<'_, '_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, pointer: String, key: Option<usize>) {
        let start = self.pos;
        self.out.record(pointer.clone(), key, start);
        match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b'"') => {
                            let key_start = self.pos;
                            let name = self.string();
                            self.skip_ws();
                            if self.bytes.get(self.pos) == Some(&b':') {
                                self.pos += 1;
                            }
                            self.skip_ws();
                            self.value(pointer_child(&pointer, &name), Some(key_start));
                            self.skip_ws();
                            if self.bytes.get(self.pos) == Some(&b',') {
                                self.pos += 1;
                            }
                        }
                        Some(b'}') => {
                            self.pos += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b']') => {
                            self.pos += 1;
                            return;
                        }
                        Some(_) => {
                            self.value(pointer_child(&pointer, &index.to_string()), None);
                            index += 1;
                            self.skip_ws();
                            if self.bytes.get(self.pos) == Some(&b',') {
                                self.pos += 1;
                            }
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    /// Consume a string literal and return its decoded contents.
    fn string(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = self
            .text
            .get(start..self.pos.min(self.text.len()))
            .unwrap_or("");
        serde_json::from_str::<String>(raw).unwrap_or_default()
    }
}

/// A catalog built from inline YAML, for the JavaScript-world extractor tests: they
/// must not depend on what the shipped catalog happens to hold.
#[cfg(test)]
pub(crate) fn test_catalog(yaml: &str) -> crate::catalog::Catalog {
    let file: crate::catalog::CatalogFile = crate::yaml::from_str(yaml).expect("test catalog YAML");
    crate::catalog::Catalog::build("test".into(), file.categories, file.sdks, file.capabilities)
}

/// The catalog entries the JavaScript-world extractor tests share.
#[cfg(test)]
pub(crate) const JS_TEST_CATALOG: &str = r#"
sdks:
  - id: appsflyer
    name: AppsFlyer
    vendor: AppsFlyer
    category: attribution
    source: test
    identifiers:
      npm: [react-native-appsflyer]
      web_script_hosts: [websdk.appsflyersdk.com]
    examples: {match: []}
  - id: segment
    name: Segment
    vendor: Twilio
    category: analytics
    source: test
    identifiers:
      npm: ["@segment/analytics-react-native"]
    examples: {match: []}
  - id: firebase-analytics
    name: Firebase Analytics
    vendor: Google
    category: analytics
    source: test
    identifiers:
      npm: ["@react-native-firebase/*"]
    examples: {match: []}
  - id: google-analytics
    name: Google Analytics
    vendor: Google
    category: analytics
    source: test
    identifiers:
      web_script_hosts: [googletagmanager.com/gtag/js]
      web_globals: ["gtag(", window.dataLayer]
    examples: {match: []}
  - id: meta-pixel
    name: Meta Pixel
    vendor: Meta
    category: advertising
    source: test
    identifiers:
      web_script_hosts: [connect.facebook.net/en_US/fbevents.js]
      web_globals: ["fbq("]
    examples: {match: []}
  - id: tiktok-pixel
    name: TikTok Pixel
    vendor: TikTok
    category: advertising
    source: test
    identifiers:
      web_globals: ["ttq."]
    examples: {match: []}
capabilities:
  - id: location
    name: Location
    description: where the device is
    levels: true
    source: test
    android_permissions:
      - {name: android.permission.ACCESS_FINE_LOCATION, precise: true}
      - {name: android.permission.ACCESS_COARSE_LOCATION, precise: false}
      - {name: android.permission.ACCESS_BACKGROUND_LOCATION, background: true}
    plist_keys:
      - {key: NSLocationWhenInUseUsageDescription, required_for_use: true}
      - {key: NSLocationAlwaysAndWhenInUseUsageDescription, background: true}
    background_modes: [location]
    packages: {npm: [expo-location]}
    expo_plugins:
      - plugin: expo-location
        background_options: [isAndroidBackgroundLocationEnabled, isIosBackgroundLocationEnabled]
    web_features: [geolocation]
  - id: microphone
    name: Microphone
    description: audio input
    source: test
    android_permissions:
      - {name: android.permission.RECORD_AUDIO}
    plist_keys:
      - {key: NSMicrophoneUsageDescription, required_for_use: true}
    packages: {npm: [expo-av, expo-audio]}
    expo_plugins:
      - plugin: expo-av
      - plugin: expo-audio
        background_options: [enableBackgroundRecording]
    web_features: [microphone]
  - id: contacts
    name: Contacts
    description: address book
    source: test
    android_permissions:
      - {name: android.permission.READ_CONTACTS}
    plist_keys:
      - {key: NSContactsUsageDescription, required_for_use: true}
    packages: {npm: [expo-contacts]}
    expo_plugins:
      - plugin: expo-contacts
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::{Evidence, Location};

    fn run(catalog: &Catalog, text: &str) -> FileFacts {
        let input = FileInput::new("app/package.json", text.as_bytes(), text, catalog);
        extract(&input)
    }

    fn sdk_evidence(facts: &FileFacts) -> Vec<(String, u32, String)> {
        facts
            .evidence
            .iter()
            .map(
                |Evidence {
                     at, kind, detail, ..
                 }| match kind {
                    EvidenceKind::SdkPresence { sdk, via } => {
                        assert_eq!(*via, Presence::Dependency);
                        (sdk.clone(), at.line, detail.clone())
                    }
                    other => panic!("unexpected evidence {other:?}"),
                },
            )
            .collect()
    }

    const APP: &str = r#"{
  "name": "geo-app",
  "version": "1.0.0",
  "dependencies": {
    "expo": "~51.0.0",
    "expo-location": "~17.0.1",
    "react-native": "0.74.1",
    "react-native-appsflyer": "^6.13.0"
  },
  "devDependencies": {
    "@segment/analytics-react-native": "^2.0.0"
  },
  "optionalDependencies": {
    "@react-native-firebase/analytics": "^20.0.0"
  },
  "peerDependencies": {
    "@segment/analytics-react-native": "^2.0.0"
  }
}"#;

    #[test]
    fn dependencies_optional_and_peer_are_sdks_dev_dependencies_are_not() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, APP);
        assert_eq!(
            sdk_evidence(&facts),
            vec![
                (
                    "appsflyer".into(),
                    8,
                    "react-native-appsflyer@^6.13.0".into()
                ),
                (
                    "firebase-analytics".into(),
                    14,
                    "@react-native-firebase/analytics@^20.0.0".into()
                ),
                (
                    "segment".into(),
                    17,
                    "@segment/analytics-react-native@^2.0.0".into()
                ),
            ]
        );
        assert!(facts.problems.is_empty());
    }

    #[test]
    fn key_column_points_at_the_dependency_name() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, APP);
        assert_eq!(
            facts.evidence[0].at,
            Location::new("app/package.json", 8, 5)
        );
    }

    #[test]
    fn marker_records_name_react_native_and_expo() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, APP);
        assert_eq!(facts.markers.len(), 2);
        assert_eq!(facts.markers[0].at.line, 1);
        assert_eq!(
            facts.markers[0].marker,
            Marker::PackageJson {
                name: Some("geo-app".into()),
                react_native: true,
                expo: true,
            }
        );
        // Shipped sections only, sorted: a workspace's roots in a shared lockfile.
        let Marker::NpmDependencies { names } = &facts.markers[1].marker else {
            panic!("{:?}", facts.markers[1]);
        };
        assert_eq!(
            names,
            &[
                "@react-native-firebase/analytics",
                "@segment/analytics-react-native",
                "expo",
                "expo-location",
                "react-native",
                "react-native-appsflyer"
            ]
        );
    }

    #[test]
    fn react_native_in_dev_dependencies_counts_for_the_marker() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            r#"{"devDependencies": {"react-native": "0.74.0"}, "peerDependencies": {"expo": "*"}}"#,
        );
        assert_eq!(
            facts.markers[0].marker,
            Marker::PackageJson {
                name: None,
                react_native: true,
                expo: false,
            }
        );
    }

    #[test]
    fn capability_packages_alone_produce_nothing() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            r#"{"dependencies": {"expo-location": "1", "expo-contacts": "1", "left-pad": "1"}}"#,
        );
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn workspace_root_is_just_a_package() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            r#"{"name": "mono", "private": true, "workspaces": {"packages": ["apps/*"]}}"#,
        );
        assert!(facts.evidence.is_empty());
        assert!(facts.problems.is_empty());
        assert_eq!(
            facts.markers[0].marker,
            Marker::PackageJson {
                name: Some("mono".into()),
                react_native: false,
                expo: false,
            }
        );
    }

    #[test]
    fn comments_and_trailing_commas_are_tolerated_without_a_problem() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let text = "{\n  // the app\n  \"dependencies\": {\n    /* attribution */ \"react-native-appsflyer\": \"6.0.0\", // pinned\n    \"url\": \"http://x//y\",\n  },\n}\n";
        let facts = run(&catalog, text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            sdk_evidence(&facts),
            vec![("appsflyer".into(), 4, "react-native-appsflyer@6.0.0".into())]
        );
        assert_eq!(facts.evidence[0].at.column, 23);
    }

    #[test]
    fn broken_json_is_a_problem_with_line_and_column() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            "{\n  \"dependencies\": {\n    \"a\" \"1\"\n  }\n}\n",
        );
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 3);
        assert!(facts.problems[0].reason.starts_with("invalid JSON"));
        assert!(facts.evidence.is_empty());
        assert!(facts.markers.is_empty());
    }

    #[test]
    fn non_object_root_is_a_problem() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, "[1, 2]");
        assert_eq!(facts.problems.len(), 1);
    }

    #[test]
    fn strings_containing_comment_markers_survive_cleaning() {
        let cleaned = blank_comments_and_trailing_commas("{\"a\": \"/* no */ // no\", } // yes");
        assert_eq!(cleaned, "{\"a\": \"/* no */ // no\"  }       ");
        let unterminated = blank_comments_and_trailing_commas("{} /* é");
        assert_eq!(unterminated.len(), "{} /* é".len());
    }

    #[test]
    fn positions_cover_nested_keys_and_array_elements() {
        let json = parse_json_tolerant("{\"a/b\": [1, {\"c\": \"ü\"}], \"d\": true}").unwrap();
        assert_eq!(json.key_offset("/a~1b"), Some(1));
        assert_eq!(json.value_offset("/a~1b"), Some(8));
        assert_eq!(json.value_offset("/a~1b/1"), Some(12));
        assert_eq!(json.key_offset("/a~1b/1/c"), Some(13));
        assert_eq!(json.key_offset("/d"), Some(26));
    }
}

/// The same extractors against the shipped catalog: the ids and entries the fixtures
/// rely on.
#[cfg(test)]
mod embedded_catalog_tests {
    use crate::catalog::Catalog;
    use crate::extract::FileInput;
    use crate::extract::javascript::{expo, html, package_json};
    use crate::model::{EvidenceKind, FileFacts};

    fn run(extract: fn(&FileInput) -> FileFacts, path: &str, text: &str) -> Vec<String> {
        let catalog = Catalog::embedded().expect("embedded catalog");
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        extract(&input)
            .evidence
            .iter()
            .map(|e| match &e.kind {
                EvidenceKind::SdkPresence { sdk, .. } => format!("sdk {sdk} {}", e.at.line),
                EvidenceKind::CapabilityDeclared {
                    capability, level, ..
                } => format!("{capability} bg={} {}", level.background, e.at.line),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn package_json_npm_sdks() {
        let found = run(
            package_json::extract,
            "package.json",
            "{\"dependencies\": {\n\"@segment/analytics-react-native\": \"2\",\n\"@leanplum/react-native-sdk\": \"2\",\n\"expo-location\": \"17\"}}",
        );
        assert_eq!(found, vec!["sdk segment 2", "sdk leanplum 3"]);
    }

    #[test]
    fn expo_location_plugin_with_background() {
        let found = run(
            expo::extract,
            "app.json",
            "{\"expo\": {\"plugins\": [\n[\"expo-location\", {\n\"isIosBackgroundLocationEnabled\": true}]]}}",
        );
        assert_eq!(found, vec!["location bg=true 3"]);
    }

    #[test]
    fn gtag_script_and_meta_pixel_snippet() {
        let found = run(
            html::extract,
            "index.html",
            "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n<script>\nfbq('init', '1');\n</script>",
        );
        // The pixel's `init` is also a start (consent, issue 23).
        assert_eq!(
            found,
            vec![
                "sdk google-analytics 1",
                "sdk meta-pixel 3",
                "SdkStart { sdk: \"meta-pixel\", gate: None, startup: true }"
            ]
        );
    }
}

/// Every prefix of realistic inputs (cut anywhere, as an editor save or a bad merge
/// might) goes through the extractors without a panic.
#[cfg(test)]
mod truncation_tests {
    use super::{JS_TEST_CATALOG, test_catalog};
    use crate::extract::FileInput;
    use crate::extract::javascript::{expo, html, lower as javascript, package_json};

    const PACKAGE: &str = "{\"name\": \"a\", // c\n\"dependencies\": {\"react-native-appsflyer\": \"6\", \"é\": \"1\",},}";
    const APP_CONFIG: &str = "export default ({ config }) => ({ ...config, plugins: [['expo-location', { isIosBackgroundLocationEnabled: true }]], ios: { infoPlist: { NSMicrophoneUsageDescription: `Voix ${x}` } } });";
    const PAGE: &str = "<html><!-- x --><script src='https://websdk.appsflyersdk.com/a.js'></script><script>navigator.geolocation.getCurrentPosition(p => fbq('track', { l: p.coords.latitude }));</script><iframe allow=\"microphone\"></iframe>";

    #[test]
    fn prefixes_never_panic() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        for (path, text) in [
            ("package.json", PACKAGE),
            ("app.config.js", APP_CONFIG),
            ("app.json", PACKAGE),
            ("index.html", PAGE),
            ("a.tsx", APP_CONFIG),
        ] {
            for (cut, _) in text.char_indices() {
                let prefix = &text[..cut];
                let input = FileInput::new(path, prefix.as_bytes(), prefix, &catalog);
                match path {
                    "package.json" => drop(package_json::extract(&input)),
                    "index.html" => drop(html::extract(&input)),
                    "a.tsx" => drop(javascript::lower(&input, true)),
                    _ => drop(expo::extract(&input)),
                }
            }
        }
        // The complete texts do produce evidence, so the loop exercised real paths.
        let input = FileInput::new("index.html", PAGE.as_bytes(), PAGE, &catalog);
        assert!(!html::extract(&input).evidence.is_empty());
    }
}
