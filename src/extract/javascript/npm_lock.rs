//! npm `package-lock.json` (lockfile versions 1–3) and `npm-shrinkwrap.json`.
//!
//! Versions 2 and 3 list every installed folder under `packages` (`""` is the app, with
//! its declared dependencies); version 1 nests `dependencies` with `requires`. Entries
//! marked `dev: true` are development-only and never ship. The JSON is parsed with
//! serde_json; the lines come from one pass over the text that records where each
//! package key is written.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage};
use crate::model::FileFacts;

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let root: Value = match serde_json::from_str(input.text) {
        Ok(v) => v,
        Err(e) => {
            let at = input.loc(e.line().max(1) as u32, e.column().max(1) as u32);
            facts.problem(at, format!("invalid JSON lockfile: {e}"));
            return facts;
        }
    };
    let keys = key_offsets(input.text);
    let graph = match root.get("packages").and_then(Value::as_object) {
        Some(packages) => from_packages(input, packages, &keys),
        None => match root.get("dependencies").and_then(Value::as_object) {
            Some(deps) => {
                let mut graph = LockGraph::default();
                from_nested(input, deps, &mut vec![], &keys, &mut graph);
                graph.roots_from_unrequired();
                graph
            }
            None => {
                if !root.is_object() {
                    facts.problem(input.loc(1, 1), "npm lockfile is not a JSON object");
                }
                return facts;
            }
        },
    };
    graph.report(input, IdKind::Npm, &mut facts);
    facts
}

fn names(entry: &Value, field: &str) -> Vec<String> {
    entry
        .get(field)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn shipped_dependency_names(entry: &Value) -> Vec<String> {
    ["dependencies", "optionalDependencies", "peerDependencies"]
        .iter()
        .flat_map(|f| names(entry, f))
        .collect()
}

/// Versions 2 and 3: `packages` keyed by install folder.
fn from_packages(
    input: &FileInput,
    packages: &Map<String, Value>,
    keys: &HashMap<Vec<String>, usize>,
) -> LockGraph {
    let mut graph = LockGraph {
        knows_direct: true,
        ..LockGraph::default()
    };
    for (folder, entry) in packages {
        let name = match folder.rsplit_once("node_modules/") {
            Some((_, name)) => name.to_string(),
            // The app ("") and its workspace folders: their dependencies are the app's.
            None => {
                graph.direct.extend(shipped_dependency_names(entry));
                graph.dev_direct.extend(names(entry, "devDependencies"));
                continue;
            }
        };
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let offset = keys.get(&vec!["packages".to_string(), folder.clone()]);
        let (line, column) = offset.map_or((1, 1), |&o| position(input, o));
        graph.packages.push(LockedPackage {
            name,
            version: entry
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_string),
            line,
            column,
            dev: entry.get("dev").and_then(Value::as_bool) == Some(true),
            dependencies: shipped_dependency_names(entry),
        });
    }
    graph
}

/// Version 1: `dependencies` nested by install folder, edges in `requires`.
fn from_nested(
    input: &FileInput,
    deps: &Map<String, Value>,
    path: &mut Vec<String>,
    keys: &HashMap<Vec<String>, usize>,
    graph: &mut LockGraph,
) {
    // Deeply nested trees are bounded by the JSON parser's own recursion limit (128).
    path.push("dependencies".to_string());
    for (name, entry) in deps {
        path.push(name.clone());
        let (line, column) = keys.get(path).map_or((1, 1), |&o| position(input, o));
        graph.packages.push(LockedPackage {
            name: name.clone(),
            version: entry
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_string),
            line,
            column,
            dev: entry.get("dev").and_then(Value::as_bool) == Some(true),
            dependencies: names(entry, "requires"),
        });
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            from_nested(input, nested, path, keys, graph);
        }
        path.pop();
    }
    path.pop();
}

fn position(input: &FileInput, offset: usize) -> (u32, u32) {
    let at = input.at(offset);
    (at.line, at.column)
}

/// Byte offsets of the object keys written directly under a `packages` or
/// `dependencies` key, by their full key path (`["packages", "node_modules/x"]`).
/// One pass; strings are skipped with their escapes. Runs only on text serde_json
/// accepted.
fn key_offsets(text: &str) -> HashMap<Vec<String>, usize> {
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    // Per open container: the key that opened it, and the last key read in it.
    let mut stack: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                let opener = stack.last().and_then(|(_, last)| last.clone());
                stack.push((opener, None));
            }
            b'}' | b']' => {
                stack.pop();
                if let Some(frame) = stack.last_mut() {
                    frame.1 = None;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                let mut j = end + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) == Some(&b':') {
                    let key = text.get(start + 1..end).unwrap_or("").to_string();
                    let parent = stack.last().and_then(|(opener, _)| opener.as_deref());
                    if matches!(parent, Some("packages" | "dependencies")) {
                        let mut path: Vec<String> = stack
                            .iter()
                            .filter_map(|(opener, _)| opener.clone())
                            .collect();
                        path.push(key.clone());
                        out.entry(path).or_insert(start);
                    }
                    if let Some(frame) = stack.last_mut() {
                        frame.1 = Some(key);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn sdk_rows(text: &str) -> Vec<String> {
        let catalog = Catalog::embedded().unwrap();
        let input = FileInput::new("package-lock.json", text.as_bytes(), text, &catalog);
        let facts = extract(&input);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        facts
            .evidence
            .iter()
            .map(|e| {
                let r = e.resolution.as_deref().unwrap();
                format!(
                    "{} {}:{} {:?} {}",
                    e.kind.sdk().unwrap(),
                    e.at.line,
                    e.at.column,
                    r.direct,
                    r.via.join(">")
                )
            })
            .collect()
    }

    const V3: &str = r#"{
  "name": "shop",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "dependencies": { "@acme/telemetry": "^1.0.0" },
      "devDependencies": { "jest": "^29" }
    },
    "node_modules/@acme/telemetry": {
      "version": "1.0.0",
      "dependencies": { "@amplitude/analytics-react-native": "^1.4.0" }
    },
    "node_modules/@amplitude/analytics-react-native": { "version": "1.4.0" },
    "node_modules/jest": { "version": "29.0.0", "dev": true,
      "dependencies": { "@segment/analytics-react-native": "^2" } },
    "node_modules/@segment/analytics-react-native": { "version": "2.0.0", "dev": true }
  }
}"#;

    #[test]
    fn v3_marks_transitive_sdks_with_their_chain_and_drops_dev_ones() {
        assert_eq!(
            sdk_rows(V3),
            vec!["amplitude 13:5 Some(false) @acme/telemetry"]
        );
    }

    #[test]
    fn a_vendor_umbrella_ships_its_modules_only_when_the_app_imports_them() {
        let lock = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": { "dependencies": { "firebase": "^11.3.1" } },
    "node_modules/firebase": { "version": "11.3.1",
      "dependencies": { "@firebase/analytics": "0.10.11" } },
    "node_modules/@firebase/analytics": { "version": "0.10.11" }
  }
}"#;
        assert!(sdk_rows(lock).is_empty(), "{:?}", sdk_rows(lock));
    }

    #[test]
    fn v1_nests_dependencies_and_finds_roots() {
        let v1 = r#"{
  "lockfileVersion": 1,
  "dependencies": {
    "wrapper": { "version": "1.0.0", "requires": { "@amplitude/analytics-react-native": "1" },
      "dependencies": {
        "@amplitude/analytics-react-native": { "version": "1.0.0" }
      }
    }
  }
}"#;
        assert_eq!(sdk_rows(v1), vec!["amplitude 6:9 Some(false) wrapper"]);
    }

    #[test]
    fn malformed_json_is_a_located_problem() {
        let catalog = Catalog::embedded().unwrap();
        let text = "{\n  \"packages\": {\n";
        let input = FileInput::new("package-lock.json", text.as_bytes(), text, &catalog);
        let facts = extract(&input);
        assert_eq!(facts.problems.len(), 1);
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn key_offsets_skip_escaped_quotes() {
        let text = r#"{"packages": {"a\"b": {}, "node_modules/x": {"dependencies": {"y": "1"}}}}"#;
        let keys = key_offsets(text);
        let x = keys[&vec!["packages".to_string(), "node_modules/x".to_string()]];
        assert_eq!(&text[x..x + 16], "\"node_modules/x\"");
        assert!(keys.contains_key(&vec![
            "packages".to_string(),
            "node_modules/x".to_string(),
            "dependencies".to_string(),
            "y".to_string()
        ]));
    }
}
