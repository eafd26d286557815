//! `Cargo.lock`: every resolved crate as a `[[package]]` table, its edges in
//! `dependencies = ["name", "name version", …]`.
//!
//! The packages of the workspace itself have no `source`; their dependencies are the
//! app's own. The TOML is validated with the `toml` crate (a malformed file is a PL900
//! at its line) and read line by line for the positions.

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage};
use crate::model::FileFacts;

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if let Err(error) = input.text.parse::<toml::Table>() {
        let at = error
            .span()
            .map_or_else(|| input.loc(1, 1), |span| input.at(span.start));
        facts.problem(at, format!("invalid Cargo.lock: {}", error.message()));
        return facts;
    }
    let mut graph = LockGraph::default();
    let mut local: Vec<bool> = Vec::new();
    let mut in_dependencies = false;
    for (index, raw) in input.text.lines().enumerate() {
        let line = raw.trim();
        if line == "[[package]]" {
            graph.packages.push(LockedPackage {
                line: index as u32 + 1,
                column: 1,
                ..LockedPackage::default()
            });
            local.push(true);
            in_dependencies = false;
            continue;
        }
        if line.starts_with('[') {
            in_dependencies = false;
            continue;
        }
        let Some(package) = graph.packages.last_mut() else {
            continue;
        };
        let is_local = local.last_mut().expect("pushed with its package");
        if in_dependencies || line.starts_with("dependencies") {
            let items = line.strip_prefix("dependencies").map_or(line, |rest| {
                rest.trim_start().trim_start_matches('=').trim_start()
            });
            in_dependencies = !items.contains(']');
            for item in items.trim_matches(['[', ']']).split(',') {
                let name = item.trim().trim_matches('"');
                if let Some(name) = name.split(' ').next().filter(|n| !n.is_empty()) {
                    package.dependencies.push(name.to_string());
                }
            }
        } else if let Some(value) = string_field(line, "name") {
            // The entry's line is its name's.
            package.name = value;
            package.line = index as u32 + 1;
        } else if let Some(value) = string_field(line, "version") {
            package.version = Some(value);
        } else if line.starts_with("source") {
            *is_local = false;
        }
    }
    graph.direct = graph
        .packages
        .iter()
        .zip(&local)
        .filter(|(_, local)| **local)
        .flat_map(|(p, _)| p.dependencies.iter().cloned())
        .collect();
    graph.knows_direct = local.iter().any(|&l| l);
    graph.report(input, IdKind::Crate, &mut facts);
    facts
}

/// `key = "value"` → value.
fn string_field(line: &str, key: &str) -> Option<String> {
    let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
    Some(rest.trim().trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn run(text: &str) -> FileFacts {
        let catalog = Catalog::embedded().unwrap();
        let input = FileInput::new("Cargo.lock", text.as_bytes(), text, &catalog);
        extract(&input)
    }

    #[test]
    fn string_fields() {
        assert_eq!(string_field("name = \"x\"", "name"), Some("x".into()));
        assert_eq!(string_field("names = \"x\"", "name"), None);
    }

    #[test]
    fn crates_under_the_workspace_are_transitive_with_their_chain() {
        let text = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"telemetry\",\n]\n\n[[package]]\nname = \"telemetry\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\"sentry 0.34.0\"]\n\n[[package]]\nname = \"sentry\"\nversion = \"0.34.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let facts = run(text);
        assert!(facts.problems.is_empty());
        let e = &facts.evidence[0];
        assert_eq!((e.kind.sdk(), e.at.line), (Some("sentry"), 17));
        let r = e.resolution.as_deref().unwrap();
        assert_eq!(
            (r.direct, r.via.clone()),
            (Some(false), vec!["telemetry".to_string()])
        );
        assert_eq!(r.version.as_deref(), Some("0.34.0"));
    }

    #[test]
    fn malformed_toml_is_a_located_problem() {
        let facts = run("[[package]]\nname = \"x\n");
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 2);
    }
}
