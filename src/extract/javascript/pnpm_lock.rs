//! `pnpm-lock.yaml` (lockfile versions 5.x to 9), read line by line: pnpm writes it as
//! block YAML with two-space indentation, one package per key.
//!
//! The app's dependencies are the top-level `dependencies` (v5, v6 single project) or
//! each `importers` entry's (workspaces, v9); `devDependencies` are development-only,
//! as are packages v5/v6 mark `dev: true`. Package keys are `/name/1.0.0` (v5),
//! `/name@1.0.0` (v6) or `name@1.0.0` (v9, whose edges sit under `snapshots`), with an
//! optional `(peer@x)` suffix.

use std::collections::HashMap;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage};
use crate::model::FileFacts;

#[derive(Clone, Copy, PartialEq)]
enum Section {
    /// `importers:` (or the top-level dependency maps of a single project).
    Importers,
    /// `packages:` or `snapshots:`.
    Packages,
    Other,
}

/// Which dependency map the current lines belong to.
#[derive(Clone, Copy, PartialEq)]
enum DependencyMap {
    Shipped,
    Dev,
    None,
}

fn dependency_map(key: &str) -> DependencyMap {
    match key {
        "dependencies" | "optionalDependencies" => DependencyMap::Shipped,
        "devDependencies" => DependencyMap::Dev,
        _ => DependencyMap::None,
    }
}

/// The package name of a `packages`/`snapshots` key.
fn package_name(key: &str) -> (String, Option<String>) {
    let key = key.trim_matches(|c| c == '\'' || c == '"');
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    match key[1.min(key.len())..].rfind('@') {
        Some(i) => (key[..i + 1].to_string(), Some(key[i + 2..].to_string())),
        None => match key.rsplit_once('/') {
            Some((name, version)) => (name.to_string(), Some(version.to_string())),
            None => (key.to_string(), None),
        },
    }
}

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if !input
        .text
        .lines()
        .any(|l| l.starts_with("lockfileVersion:"))
    {
        facts.problem(input.loc(1, 1), "pnpm-lock.yaml without `lockfileVersion`");
        return facts;
    }
    let mut graph = LockGraph {
        knows_direct: true,
        ..LockGraph::default()
    };
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut section = Section::Other;
    let mut map = DependencyMap::None;
    // Indentation of the dependency names under the current map.
    let mut names_indent = 0;
    let mut current: Option<usize> = None;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index as u32 + 1;
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let key = trimmed
            .strip_suffix(':')
            .or_else(|| trimmed.split_once(": ").map(|(k, _)| k))
            .unwrap_or("");
        if indent == 0 {
            current = None;
            map = dependency_map(key);
            names_indent = if key == "importers" { 6 } else { 2 };
            section = match key {
                "importers" => Section::Importers,
                "packages" | "snapshots" => Section::Packages,
                _ if map != DependencyMap::None => Section::Importers,
                _ => Section::Other,
            };
            continue;
        }
        match section {
            Section::Importers => {
                // `importers:` has the importer at 2, its maps at 4, names at 6; a
                // top-level map (v5, v6 single project) has its names at 2.
                if names_indent == 6 && indent == 2 {
                    map = DependencyMap::None;
                } else if names_indent == 6 && indent == 4 {
                    map = dependency_map(key);
                } else if indent == names_indent && !key.is_empty() {
                    let name = key.trim_matches(|c| c == '\'' || c == '"').to_string();
                    match map {
                        DependencyMap::Shipped => {
                            graph.direct.insert(name);
                        }
                        DependencyMap::Dev => {
                            graph.dev_direct.insert(name);
                        }
                        DependencyMap::None => {}
                    }
                }
            }
            Section::Packages => {
                if indent == 2 && !key.is_empty() {
                    let (name, version) = package_name(key);
                    let slot = *by_key.entry(key.to_string()).or_insert_with(|| {
                        graph.packages.push(LockedPackage {
                            name,
                            version,
                            line: number,
                            column: 3,
                            ..LockedPackage::default()
                        });
                        graph.packages.len() - 1
                    });
                    current = Some(slot);
                    map = DependencyMap::None;
                } else if let Some(slot) = current {
                    if indent == 4 {
                        map = dependency_map(key);
                        if trimmed == "dev: true" {
                            graph.packages[slot].dev = true;
                        }
                    } else if indent == 6 && map == DependencyMap::Shipped && !key.is_empty() {
                        let name = key.trim_matches(|c| c == '\'' || c == '"').to_string();
                        graph.packages[slot].dependencies.push(name);
                    }
                }
            }
            Section::Other => {}
        }
    }
    graph.report(input, IdKind::Npm, &mut facts);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn rows(text: &str) -> Vec<String> {
        let catalog = Catalog::embedded().unwrap();
        let input = FileInput::new("pnpm-lock.yaml", text.as_bytes(), text, &catalog);
        let facts = extract(&input);
        assert!(facts.problems.is_empty());
        facts
            .evidence
            .iter()
            .map(|e| {
                let r = e.resolution.as_deref().unwrap();
                format!(
                    "{} {} {:?} {}",
                    e.kind.sdk().unwrap(),
                    e.at.line,
                    r.direct,
                    r.via.join(">")
                )
            })
            .collect()
    }

    #[test]
    fn package_keys_of_every_version() {
        assert_eq!(
            package_name("/@amplitude/analytics-react-native@1.4.0(react@18.0.0)"),
            (
                "@amplitude/analytics-react-native".to_string(),
                Some("1.4.0".to_string())
            )
        );
        assert_eq!(
            package_name("/react/18.2.0"),
            ("react".to_string(), Some("18.2.0".to_string()))
        );
        assert_eq!(
            package_name("'@scope/x@1.0.0'"),
            ("@scope/x".to_string(), Some("1.0.0".to_string()))
        );
    }

    #[test]
    fn v9_importers_and_snapshots() {
        let text = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      '@acme/telemetry':\n        specifier: ^1.0.0\n        version: 1.0.0\n    devDependencies:\n      jest-amp:\n        specifier: ^1\n        version: 1.0.0\n\npackages:\n\n  '@acme/telemetry@1.0.0':\n    resolution: {integrity: sha512-x}\n\n  '@amplitude/analytics-react-native@1.4.0':\n    resolution: {integrity: sha512-y}\n\n  '@segment/analytics-react-native@2.0.0':\n    resolution: {integrity: sha512-z}\n\nsnapshots:\n\n  '@acme/telemetry@1.0.0':\n    dependencies:\n      '@amplitude/analytics-react-native': 1.4.0\n\n  '@amplitude/analytics-react-native@1.4.0': {}\n\n  jest-amp@1.0.0:\n    dependencies:\n      '@segment/analytics-react-native': 2.0.0\n";
        assert_eq!(rows(text), vec!["amplitude 20 Some(false) @acme/telemetry"]);
    }

    #[test]
    fn v6_top_level_dependencies_and_dev_flags() {
        let text = "lockfileVersion: '6.0'\n\ndependencies:\n  '@amplitude/analytics-react-native':\n    specifier: ^1.4.0\n    version: 1.4.0\n\npackages:\n\n  /@amplitude/analytics-react-native@1.4.0:\n    resolution: {integrity: sha512-y}\n    dev: false\n\n  /@segment/analytics-react-native@2.0.0:\n    resolution: {integrity: sha512-z}\n    dev: true\n";
        assert_eq!(rows(text), vec!["amplitude 10 Some(true) "]);
    }

    #[test]
    fn without_a_version_it_is_not_a_pnpm_lockfile() {
        let catalog = Catalog::embedded().unwrap();
        let text = "packages: {}\n";
        let input = FileInput::new("pnpm-lock.yaml", text.as_bytes(), text, &catalog);
        assert_eq!(extract(&input).problems.len(), 1);
    }
}
