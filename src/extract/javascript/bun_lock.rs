//! `bun.lock`, Bun's text lockfile (JSON with trailing commas, lockfile version 1).
//!
//! `workspaces` maps each workspace folder (`""` is the app) to its declared
//! `dependencies` / `devDependencies`; `packages` maps each install path (`name`, or
//! `parent/name` for a nested copy) to an array whose first item is `name@version` (a
//! workspace package's is `name@workspace:path`) and whose third item, when an object,
//! holds that package's own dependency maps. Bun marks no package as development-only:
//! what only the workspaces' `devDependencies` reach never ships.

use serde_json::Value;

use super::package_json::{parse_json_tolerant, pointer_child};
use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage, npm_name};
use crate::model::FileFacts;

const SHIPPED: [&str; 3] = ["dependencies", "optionalDependencies", "peerDependencies"];

fn names<'a>(entry: &'a Value, fields: &'a [&str]) -> impl Iterator<Item = String> + 'a {
    fields
        .iter()
        .filter_map(|f| entry.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
}

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
        facts.problem(input.loc(1, 1), "bun.lock is not a JSON object");
        return facts;
    };
    let mut graph = LockGraph {
        knows_direct: true,
        ..LockGraph::default()
    };
    for workspace in root
        .get("workspaces")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|w| w.values())
    {
        graph.direct.extend(names(workspace, &SHIPPED));
        graph
            .dev_direct
            .extend(names(workspace, &["devDependencies"]));
    }
    let packages_pointer = pointer_child("", "packages");
    for (path, entry) in root
        .get("packages")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(resolved) = entry.get(0).and_then(Value::as_str) else {
            let offset = json
                .key_offset(&pointer_child(&packages_pointer, path))
                .unwrap_or(0);
            facts.problem(
                input.at(offset),
                format!("bun.lock: package `{path}` has no `name@version`"),
            );
            continue;
        };
        let name = npm_name(resolved);
        let version = resolved.get(name.len() + 1..).unwrap_or("");
        if version.starts_with("workspace:") || version.starts_with("link:") {
            continue;
        }
        let offset = json
            .key_offset(&pointer_child(&packages_pointer, path))
            .unwrap_or(0);
        let at = input.at(offset);
        let metadata = entry
            .as_array()
            .and_then(|items| items.iter().find(|item| item.is_object()));
        graph.packages.push(LockedPackage {
            name: name.to_string(),
            version: (!version.is_empty()).then(|| version.to_string()),
            line: at.line,
            column: at.column,
            dev: false,
            dependencies: metadata
                .map(|m| names(m, &SHIPPED).collect())
                .unwrap_or_default(),
        });
    }
    graph.report(input, IdKind::Npm, &mut facts);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn rows(text: &str) -> (Vec<String>, usize) {
        let catalog = Catalog::embedded().unwrap();
        let input = FileInput::new("bun.lock", text.as_bytes(), text, &catalog);
        let facts = extract(&input);
        let rows = facts
            .evidence
            .iter()
            .map(|e| {
                let r = e.resolution.as_deref().unwrap();
                format!(
                    "{} {}:{} {:?} {} {}",
                    e.kind.sdk().unwrap(),
                    e.at.line,
                    e.at.column,
                    r.direct,
                    r.via.join(">"),
                    r.version.clone().unwrap_or_default()
                )
            })
            .collect();
        (rows, facts.problems.len())
    }

    const LOCK: &str = r#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "shop",
      "dependencies": {
        "@acme/telemetry": "^1.0.0",
      },
      "devDependencies": {
        "@acme/e2e": "^1.0.0",
      },
    },
  },
  "packages": {
    "@acme/e2e": ["@acme/e2e@1.0.0", "", { "dependencies": { "@segment/analytics-next": "^1.60.0" } }, "sha512-a"],
    "@acme/telemetry": ["@acme/telemetry@1.0.0", "", { "dependencies": { "@amplitude/analytics-browser": "^2.0.0" } }, "sha512-b"],
    "@amplitude/analytics-browser": ["@amplitude/analytics-browser@2.3.1", "", {}, "sha512-c"],
    "@segment/analytics-next": ["@segment/analytics-next@1.60.0", "", {}, "sha512-d"],
  }
}
"#;

    #[test]
    fn transitive_sdks_have_chains_and_dev_only_ones_are_dropped() {
        assert_eq!(
            rows(LOCK),
            (
                vec!["amplitude 17:5 Some(false) @acme/telemetry 2.3.1".to_string()],
                0
            )
        );
    }

    #[test]
    fn broken_input_is_a_located_problem() {
        assert_eq!(rows("{\n  \"packages\": {\n").1, 1);
        assert_eq!(rows("[1, 2]").1, 1);
        assert_eq!(rows("{\"packages\": {\"x\": [7]}}").1, 1);
    }
}
