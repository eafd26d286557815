//! Flutter / Dart manifests: `pubspec.yaml` and `pubspec.lock`.
//!
//! Structure comes from [`crate::yaml`]; line numbers come from locating the keys in the
//! text by indentation (the loose value tree carries no positions).
//!
//! What ships: `dependencies` and `dependency_overrides` of the pubspec, and the
//! `direct main`, `direct overridden` and `transitive` packages of the lock file.
//! `dev_dependencies` (and lock entries marked `direct dev`) never reach users, so they
//! are not evidence.

use crate::yaml::Value;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence, Resolution};

/// Sections of a pubspec whose packages ship with the app.
const SHIPPING_SECTIONS: [&str; 2] = ["dependencies", "dependency_overrides"];

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(root) = parse_yaml(input, &mut facts) else {
        return facts;
    };
    let keys = KeyIndex::new(input.text);
    for section in SHIPPING_SECTIONS {
        let Some(Value::Mapping(deps)) = root.get(section) else {
            continue;
        };
        for (name, spec) in deps {
            let Some(name) = name.as_str() else { continue };
            // A local package (a monorepo's `packages/…`) ships inside this app: the
            // linker folds its files into the app instead of making it an app of its own.
            if let Some(dir) = spec.get("path").and_then(Value::as_str) {
                let at = keys
                    .locate(&[section, name])
                    .map_or_else(|| input.loc(1, 1), |(line, col)| input.loc(line, col));
                facts.marker(
                    at,
                    Marker::LocalPackageDependency {
                        dir: dir.to_string(),
                    },
                );
            }
            let Some(sdk) = input.catalog.lookup(IdKind::Pub, name) else {
                continue;
            };
            let at = keys
                .locate(&[section, name])
                .map_or_else(|| input.loc(1, 1), |(line, col)| input.loc(line, col));
            let detail = format!("{name}: {}", describe_spec(spec));
            facts.push(
                at,
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Dependency,
                },
                detail,
            );
        }
    }
    if is_flutter_app(&root) {
        facts.marker(input.loc(1, 1), Marker::FlutterApp);
    }
    facts
}

pub fn extract_lock(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(root) = parse_yaml(input, &mut facts) else {
        return facts;
    };
    let Some(Value::Mapping(packages)) = root.get("packages") else {
        return facts;
    };
    let keys = KeyIndex::new(input.text);
    for (name, entry) in packages {
        let Some(name) = name.as_str() else { continue };
        let dependency = entry
            .get("dependency")
            .and_then(Value::as_str)
            .unwrap_or("");
        // "direct dev" packages are test and tooling code; everything else is compiled in.
        if dependency.contains("dev") {
            continue;
        }
        let Some(sdk) = input.catalog.lookup(IdKind::Pub, name) else {
            continue;
        };
        let version = entry.get("version").and_then(Value::as_str).unwrap_or("?");
        let at = keys
            .locate(&["packages", name])
            .map_or_else(|| input.loc(1, 1), |(line, col)| input.loc(line, col));
        // pubspec.lock records which packages the app declares but no graph.
        let direct = match dependency {
            "transitive" => Some(false),
            d if d.starts_with("direct") => Some(true),
            _ => None,
        };
        facts.push_resolved(
            at,
            sdk.id.clone(),
            format!("{name} {version} ({dependency})"),
            Resolution {
                direct,
                via: Vec::new(),
                version: Some(version.to_string()),
                ..Resolution::default()
            },
        );
    }
    facts
}

/// Parse the document; malformed YAML becomes a located problem.
fn parse_yaml(input: &FileInput, facts: &mut FileFacts) -> Option<Value> {
    match crate::yaml::from_str::<Value>(input.text) {
        Ok(value) => Some(value),
        Err(error) => {
            let at = error
                .position
                .map_or_else(|| input.loc(1, 1), |(line, column)| input.loc(line, column));
            facts.problem(at, format!("invalid YAML: {error}"));
            None
        }
    }
}

/// A Flutter app depends on the flutter SDK and is not a plugin package.
fn is_flutter_app(root: &Value) -> bool {
    let depends_on_flutter = root
        .get("dependencies")
        .and_then(|d| d.get("flutter"))
        .and_then(|f| f.get("sdk"))
        .and_then(Value::as_str)
        == Some("flutter");
    let is_plugin = root
        .get("flutter")
        .and_then(|f| f.get("plugin"))
        .is_some_and(|p| !p.is_null());
    depends_on_flutter && !is_plugin
}

/// A short description of a dependency spec: the version constraint, git URL or path.
fn describe_spec(spec: &Value) -> String {
    match spec {
        Value::Null => "any".to_string(),
        Value::String(version) => version.clone(),
        Value::Int(_) | Value::Float(_) => spec.to_string(),
        Value::Mapping(_) => {
            if let Some(git) = spec.get("git") {
                let url = git
                    .as_str()
                    .or_else(|| git.get("url").and_then(Value::as_str))
                    .unwrap_or("?");
                format!("git {url}")
            } else if let Some(path) = spec.get("path").and_then(Value::as_str) {
                format!("path {path}")
            } else if let Some(sdk) = spec.get("sdk").and_then(Value::as_str) {
                format!("sdk {sdk}")
            } else {
                let version = spec.get("version").and_then(Value::as_str).unwrap_or("any");
                match spec.get("hosted") {
                    Some(hosted) => {
                        let url = hosted
                            .as_str()
                            .or_else(|| hosted.get("url").and_then(Value::as_str))
                            .unwrap_or("?");
                        format!("{version} hosted {url}")
                    }
                    None => version.to_string(),
                }
            }
        }
        _ => "?".to_string(),
    }
}

/// Block-mapping keys of a YAML text with their indentation and position, enough to
/// find where `section: name:` is written.
struct KeyIndex {
    /// (indent in characters, key, line, column), in text order.
    keys: Vec<(usize, String, u32, u32)>,
}

impl KeyIndex {
    fn new(text: &str) -> KeyIndex {
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
                continue;
            }
            let indent = line.chars().count() - trimmed.chars().count();
            if let Some(key) = key_of(trimmed) {
                keys.push((indent, key, index as u32 + 1, indent as u32 + 1));
            }
        }
        KeyIndex { keys }
    }

    /// Line and column of the key at `path` (top-level key first), following indentation.
    fn locate(&self, path: &[&str]) -> Option<(u32, u32)> {
        let mut start = 0;
        let mut parent_indent: Option<usize> = None;
        let mut found = None;
        for segment in path {
            // The direct children of the parent are its first deeper key's indent.
            let scope: Vec<_> = self.keys[start..]
                .iter()
                .enumerate()
                .take_while(|(_, (indent, ..))| parent_indent.is_none_or(|p| *indent > p))
                .collect();
            let child_indent = match parent_indent {
                None => 0,
                Some(_) => scope.first().map(|(_, k)| k.0)?,
            };
            let (offset, key) = scope
                .into_iter()
                .find(|(_, (indent, key, ..))| *indent == child_indent && key == segment)?;
            start += offset + 1;
            parent_indent = Some(key.0);
            found = Some((key.2, key.3));
        }
        found
    }
}

/// The key of a `key: value` or `key:` line (quotes removed), if the line is one.
fn key_of(line: &str) -> Option<String> {
    let (key, rest) = if let Some(quote) = line.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let body = &line[1..];
        let end = body.find(quote)?;
        (body[..end].to_string(), &body[end + 1..])
    } else {
        let colon = line
            .find(": ")
            .or_else(|| line.strip_suffix(':').map(str::len))?;
        let (key, rest) = line.split_at(colon);
        (key.trim_end().to_string(), rest)
    };
    let rest = rest.trim_start();
    (rest.starts_with(':') && !key.is_empty()).then_some(key)
}

/// A small catalog for the tests of this family of extractors, independent of what the
/// shipped catalog holds: `firebase-analytics` (pub `firebase_analytics`), `posthog`
/// (crate `posthog-rs`) and the `location` capability (Tauri `geolocation:`).
#[cfg(test)]
pub(crate) fn test_catalog() -> crate::catalog::Catalog {
    let yaml = r#"
sdks:
  - id: firebase-analytics
    name: Google Analytics for Firebase
    vendor: Google
    category: analytics
    source: test
    identifiers: { pub_dev: [firebase_analytics], android_packages: [com.google.firebase.analytics] }
    sinks:
      - { languages: [dart], methods: [logEvent], receiver: FirebaseAnalytics, source: test }
    examples: { match: ["pub:firebase_analytics"] }
  - id: posthog
    name: PostHog
    vendor: PostHog
    category: analytics
    source: test
    identifiers: { crates: [posthog-rs], pub_dev: [posthog_flutter] }
    examples: { match: ["crate:posthog-rs"] }
capabilities:
  - id: location
    name: Location
    description: where the device is
    levels: true
    source: test
    tauri_permissions: ["geolocation:"]
    packages: { pub_dev: [geolocator], crates: [tauri-plugin-geolocation] }
  - id: microphone
    name: Microphone
    description: audio input
    source: test
    tauri_permissions: ["mic-recorder:"]
"#;
    let file: crate::catalog::CatalogFile = crate::yaml::from_str(yaml).expect("test catalog");
    crate::catalog::Catalog::build(String::new(), Vec::new(), file.sdks, file.capabilities)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::Evidence;

    fn run(text: &str, f: fn(&FileInput) -> FileFacts, catalog: &Catalog) -> FileFacts {
        let input = FileInput::new("app/pubspec.yaml", text.as_bytes(), text, catalog);
        f(&input)
    }

    fn pub_sdk() -> (String, String) {
        ("firebase-analytics".into(), "firebase_analytics".into())
    }

    fn sdk_lines(facts: &FileFacts) -> Vec<(String, u32, u32)> {
        facts
            .evidence
            .iter()
            .filter_map(|Evidence { at, kind, .. }| match kind {
                EvidenceKind::SdkPresence { sdk, via } => {
                    assert_eq!(*via, Presence::Dependency);
                    Some((sdk.clone(), at.line, at.column))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn key_index_follows_indentation() {
        let text = "name: x\ndependencies:\n  flutter:\n    sdk: flutter\n  # comment: no\n  geo: ^1.0\ndev_dependencies:\n  geo: ^1.0\n";
        let keys = KeyIndex::new(text);
        assert_eq!(keys.locate(&["dependencies", "geo"]), Some((6, 3)));
        assert_eq!(keys.locate(&["dev_dependencies", "geo"]), Some((8, 3)));
        assert_eq!(
            keys.locate(&["dependencies", "flutter", "sdk"]),
            Some((4, 5))
        );
        // `sdk` is not a direct child of `dependencies`.
        assert_eq!(keys.locate(&["dependencies", "sdk"]), None);
        assert_eq!(keys.locate(&["missing"]), None);
    }

    #[test]
    fn key_of_handles_quotes_and_values() {
        assert_eq!(key_of("a: b").as_deref(), Some("a"));
        assert_eq!(key_of("a:").as_deref(), Some("a"));
        assert_eq!(key_of("'a b': 1").as_deref(), Some("a b"));
        assert_eq!(key_of("url: https://x"), Some("url".to_string()));
        assert_eq!(key_of("plain text"), None);
    }

    #[test]
    fn dependency_forms_are_found_and_dev_dependencies_ignored() {
        let catalog = test_catalog();
        let (id, name) = pub_sdk();
        let text = format!(
            "name: demo\ndependencies:\n  flutter:\n    sdk: flutter\n  {name}: ^1.0.0\ndev_dependencies:\n  {name}: ^1.0.0\n"
        );
        let facts = run(&text, extract, &catalog);
        assert_eq!(sdk_lines(&facts), vec![(id.clone(), 5, 3)]);
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].marker, Marker::FlutterApp);

        let hosted = format!(
            "name: demo\ndependencies:\n  {name}:\n    hosted: https://pub.example.com\n    version: ^2.0.0\n"
        );
        let facts = run(&hosted, extract, &catalog);
        assert_eq!(sdk_lines(&facts), vec![(id.clone(), 3, 3)]);
        assert!(
            facts.evidence[0]
                .detail
                .contains("hosted https://pub.example.com")
        );
        assert!(facts.markers.is_empty(), "no flutter sdk dependency");

        let git = format!(
            "name: demo\ndependency_overrides:\n  {name}:\n    git:\n      url: https://example.com/x.git\n  other:\n    path: ../other\n"
        );
        let facts = run(&git, extract, &catalog);
        assert_eq!(sdk_lines(&facts), vec![(id, 3, 3)]);
        assert!(
            facts.evidence[0]
                .detail
                .contains("git https://example.com/x.git")
        );
    }

    #[test]
    fn plugin_packages_are_not_apps() {
        let catalog = test_catalog();
        let text = "name: my_plugin\ndependencies:\n  flutter:\n    sdk: flutter\nflutter:\n  plugin:\n    platforms:\n      android:\n        package: com.example\n";
        let facts = run(text, extract, &catalog);
        assert!(facts.markers.is_empty());
        let app = "name: app\ndependencies:\n  flutter:\n    sdk: flutter\nflutter:\n  uses-material-design: true\n";
        let facts = run(app, extract, &catalog);
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].at.line, 1);
    }

    #[test]
    fn path_dependencies_are_local_package_markers() {
        let catalog = test_catalog();
        let text = "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n  scanner:\n    path: ../scanner\n  firebase_analytics: ^11.0.0\ndev_dependencies:\n  test_kit:\n    path: ../test_kit\n";
        let facts = run(text, extract, &catalog);
        let markers: Vec<(u32, u32, &Marker)> = facts
            .markers
            .iter()
            .map(|m| (m.at.line, m.at.column, &m.marker))
            .collect();
        // dev_dependencies ship nothing: no marker for ../test_kit.
        assert_eq!(
            markers,
            vec![
                (
                    5,
                    3,
                    &Marker::LocalPackageDependency {
                        dir: "../scanner".into()
                    }
                ),
                (1, 1, &Marker::FlutterApp),
            ]
        );
        assert_eq!(sdk_lines(&facts), vec![(pub_sdk().0, 7, 3)]);
    }

    #[test]
    fn lock_keeps_main_and_transitive_packages_only() {
        let catalog = test_catalog();
        let (id, name) = pub_sdk();
        let entry = |dep: &str| {
            format!(
                "  {name}:\n    dependency: \"{dep}\"\n    description:\n      name: {name}\n      url: \"https://pub.dev\"\n    source: hosted\n    version: \"1.2.3\"\n"
            )
        };
        for (dep, ships) in [
            ("direct main", true),
            ("transitive", true),
            ("direct overridden", true),
            ("direct dev", false),
        ] {
            let text = format!(
                "packages:\n{}sdks:\n  dart: \">=3.0.0 <4.0.0\"\n",
                entry(dep)
            );
            let facts = run(&text, extract_lock, &catalog);
            if ships {
                assert_eq!(sdk_lines(&facts), vec![(id.clone(), 2, 3)], "{dep}");
                assert_eq!(facts.evidence[0].detail, format!("{name} 1.2.3 ({dep})"));
            } else {
                assert!(facts.evidence.is_empty(), "{dep}");
            }
        }
    }

    #[test]
    fn malformed_yaml_is_a_located_problem() {
        let catalog = test_catalog();
        let text = "name: demo\ndependencies:\n  a: [1, 2\n  b: 3\n";
        let facts = run(text, extract, &catalog);
        assert_eq!(facts.problems.len(), 1);
        assert!(facts.problems[0].reason.starts_with("invalid YAML"));
        assert!(facts.problems[0].at.line >= 3, "{:?}", facts.problems[0]);
        let facts = run("packages: [\n", extract_lock, &catalog);
        assert_eq!(facts.problems.len(), 1);
    }

    #[test]
    fn unknown_packages_and_odd_documents_give_nothing() {
        let catalog = test_catalog();
        for text in [
            "",
            "just a string",
            "dependencies: 3",
            "dependencies:\n  - a\n",
            "packages:\n  x: 1\n",
        ] {
            assert!(run(text, extract, &catalog).evidence.is_empty());
            assert!(run(text, extract_lock, &catalog).evidence.is_empty());
        }
    }

    /// Every prefix of a real file (cut on char boundaries): never a panic.
    fn prefixes(text: &str) -> impl Iterator<Item = &str> {
        (0..=text.len())
            .step_by(5)
            .filter(|&end| text.is_char_boundary(end))
            .map(|end| &text[..end])
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let catalog = test_catalog();
        let text = include_str!("../../../fixtures/flutter/ads-analytics/pubspec.yaml");
        let facts = run(text, extract, &catalog);
        assert_eq!(
            sdk_lines(&facts),
            vec![("firebase-analytics".to_string(), 13, 3)]
        );
        for prefix in prefixes(text) {
            run(prefix, extract, &catalog);
            run(prefix, extract_lock, &catalog);
        }
    }
}
