//! XcodeGen `project.yml` specs: Swift packages (refined by the products targets link),
//! application targets, Info.plist properties and `INFOPLIST_KEY_` settings.

use std::collections::{HashMap, HashSet};

use crate::extract::FileInput;
use crate::extract::apple::plist::{is_usage_key, usage_key_evidence};
use crate::extract::apple::xcode::{
    INFOPLIST_KEY_PREFIX, MAX_DEPTH, build_setting, spm_dependency,
};
use crate::model::{FileFacts, Marker};
use crate::yaml::Value;

/// XcodeGen target dependencies `- package: Name` with `product: P` or
/// `products: [P, …]` (no product means the product named like the package).
fn xcodegen_linked_products(doc: &Value) -> HashMap<String, Vec<String>> {
    let mut linked: HashMap<String, Vec<String>> = HashMap::new();
    let targets = doc.get("targets").and_then(Value::as_mapping);
    for (_, target) in targets.into_iter().flatten() {
        let dependencies = target.get("dependencies").and_then(Value::as_sequence);
        for dependency in dependencies.into_iter().flatten() {
            let Some(package) = dependency.get("package").and_then(Value::as_str) else {
                continue;
            };
            let mut names: Vec<String> = dependency
                .get("products")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            if let Some(product) = dependency.get("product").and_then(Value::as_str) {
                names.push(product.to_string());
            }
            if names.is_empty() {
                names.push(package.to_string());
            }
            let entry = linked.entry(package.to_string()).or_default();
            for name in names {
                if !entry.contains(&name) {
                    entry.push(name);
                }
            }
        }
    }
    linked
}

/// XcodeGen `project.yml`: packages, application targets, Info.plist properties and
/// `INFOPLIST_KEY_` settings.
pub fn extract_xcodegen(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let doc: Value = match crate::yaml::from_str(input.text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.offset.map_or(input.loc(1, 1), |offset| input.at(offset));
            facts.problem(at, format!("malformed XcodeGen spec: {e}"));
            return facts;
        }
    };
    let lines = YamlLines::new(input.text);
    let linked = xcodegen_linked_products(&doc);
    if let Some(packages) = doc.get("packages").and_then(Value::as_mapping) {
        for (name, spec) in packages {
            let url = if let Some(url) = spec.get("url").and_then(Value::as_str) {
                url.to_string()
            } else if let Some(repo) = spec.get("github").and_then(Value::as_str) {
                format!("https://github.com/{repo}")
            } else {
                continue;
            };
            let written = spec
                .get("url")
                .or_else(|| spec.get("github"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let at_offset = lines
                .find(written)
                .or_else(|| name.as_str().and_then(|n| lines.find(n)));
            let at = at_offset.map_or(input.loc(1, 1), |o| input.at(o));
            let products: Vec<(&str, usize)> = name
                .as_str()
                .and_then(|n| linked.get(n))
                .into_iter()
                .flatten()
                .map(|product| {
                    let offset = lines
                        .find_where(|line| {
                            let value = line.trim_start().trim_start_matches("- ");
                            let value = value.strip_prefix("product:")?.trim();
                            (value.trim_matches(['"', '\'']) == product.as_str())
                                .then(|| line.len() - line.trim_start().len())
                        })
                        .or(at_offset)
                        .unwrap_or(0);
                    (product.as_str(), offset)
                })
                .collect();
            spm_dependency(input, &url, at, &products, &mut facts);
        }
    }
    let mut is_app = false;
    let mut seen = HashSet::new();
    if let Some(targets) = doc.get("targets").and_then(Value::as_mapping) {
        for (_, target) in targets {
            let kind = target.get("type").and_then(Value::as_str);
            is_app |= kind == Some("application");
            let properties = target
                .get("info")
                .and_then(|i| i.get("properties"))
                .and_then(Value::as_mapping);
            for (key, _) in properties.into_iter().flatten() {
                let Some(key) = key.as_str() else { continue };
                if (is_usage_key(key) || input.catalog.plist_key(key).is_some())
                    && seen.insert(key.to_string())
                {
                    let at = lines.find_key(key).map_or(input.loc(1, 1), |o| input.at(o));
                    usage_key_evidence(input.catalog, key, at, &mut facts);
                }
            }
            if let Some(settings) = target.get("settings") {
                yaml_settings(input, &lines, settings, &mut seen, &mut facts, 0);
            }
        }
    }
    if let Some(settings) = doc.get("settings") {
        yaml_settings(input, &lines, settings, &mut seen, &mut facts, 0);
    }
    if is_app {
        facts.marker(input.loc(1, 1), Marker::IosApp);
    }
    facts
}

/// Every `INFOPLIST_KEY_…` key under an XcodeGen `settings:` (base, configs, groups).
fn yaml_settings(
    input: &FileInput,
    lines: &YamlLines,
    value: &Value,
    seen: &mut HashSet<String>,
    facts: &mut FileFacts,
    depth: usize,
) {
    let Some(map) = value.as_mapping() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for (key, inner) in map {
        if let Some(key) = key.as_str()
            && key.starts_with(INFOPLIST_KEY_PREFIX)
        {
            let at = lines.find_key(key).map_or(input.loc(1, 1), |o| input.at(o));
            build_setting(input, key, at, seen, facts);
        } else {
            yaml_settings(input, lines, inner, seen, facts, depth + 1);
        }
    }
}

/// Finds where a YAML scalar is written, skipping comment lines (the loose value tree
/// carries no positions).
struct YamlLines<'a> {
    text: &'a str,
}

impl<'a> YamlLines<'a> {
    fn new(text: &'a str) -> Self {
        Self { text }
    }

    fn find_where(&self, mut hit: impl FnMut(&str) -> Option<usize>) -> Option<usize> {
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let code = line.split(" #").next().unwrap_or(line);
            if !line.trim_start().starts_with('#')
                && let Some(i) = hit(code)
            {
                return Some(start + i);
            }
            start += line.len();
        }
        None
    }

    /// First non-comment occurrence of a scalar.
    fn find(&self, value: &str) -> Option<usize> {
        if value.is_empty() {
            return None;
        }
        self.find_where(|line| line.find(value))
    }

    /// First line whose key (before `:`) is `key`, possibly quoted.
    fn find_key(&self, key: &str) -> Option<usize> {
        self.find_where(|line| {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let trimmed = trimmed.trim_start_matches("- ");
            let name = trimmed.split(':').next()?.trim().trim_matches(['"', '\'']);
            (name == key && trimmed.contains(':')).then_some(indent)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::apple::xcode::tests::{run, summary};

    #[test]
    fn xcodegen_products_refine_shared_package() {
        let text = "packages:\n  Firebase:\n    url: https://github.com/firebase/firebase-ios-sdk\n    from: 11.0.0\ntargets:\n  App:\n    type: application\n    dependencies:\n      - package: Firebase\n        product: FirebaseMessaging\n  Widget:\n    type: app-extension\n    dependencies:\n      - package: Firebase\n        product: FirebaseCrashlytics\n";
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let input = FileInput::new("project.yml", text.as_bytes(), text, &catalog);
        let facts = extract_xcodegen(&input);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            summary(&facts.evidence),
            vec!["15:9 sdk firebase-crashlytics Dependency"]
        );
    }

    #[test]
    fn xcodegen_packages_targets_and_properties() {
        let text = r#"name: Demo
# packages:
#   Old: {url: https://github.com/googleads/swift-package-manager-google-mobile-ads}
packages:
  BrazeKit:
    url: https://github.com/braze-inc/braze-swift-sdk
    from: 9.0.0
  AppsFlyer:
    github: AppsFlyerSDK/AppsFlyerFramework-Static
    from: 6.0.0
targets:
  Demo:
    type: application
    platform: iOS
    info:
      path: Demo/Info.plist
      properties:
        NSLocationAlwaysAndWhenInUseUsageDescription: "Geofences"
    settings:
      base:
        INFOPLIST_KEY_NSMicrophoneUsageDescription: "Voice"
    dependencies:
      - package: BrazeKit
"#;
        let facts = run(extract_xcodegen, "project.yml", text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            facts.markers.iter().map(|m| &m.marker).collect::<Vec<_>>(),
            vec![
                &Marker::SwiftPackageProducts {
                    url: "https://github.com/braze-inc/braze-swift-sdk".into(),
                    products: vec!["BrazeKit".into()]
                },
                &Marker::IosApp
            ]
        );
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "6:10 sdk braze Dependency",
                "9:13 sdk appsflyer Dependency",
                "18:9 purpose NSLocationAlwaysAndWhenInUseUsageDescription",
                "18:9 declared location bg=true",
                "21:9 purpose NSMicrophoneUsageDescription",
                "21:9 declared microphone bg=false",
            ]
        );
    }

    #[test]
    fn xcodegen_framework_only_and_malformed() {
        let facts = run(
            extract_xcodegen,
            "project.yml",
            "targets:\n  Kit:\n    type: framework\n",
        );
        assert!(facts.markers.is_empty());
        let facts = run(extract_xcodegen, "project.yml", "targets: [\n  a: b\n");
        assert_eq!(facts.problems.len(), 1);
    }
}
