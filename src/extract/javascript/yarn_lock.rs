//! `yarn.lock`: Yarn v1 (its own format, not YAML) and Yarn Berry (a YAML subset),
//! read line by line; both write one entry per package at column 1 with two-space
//! indented fields.
//!
//! Berry records the app itself as a `workspace:` entry whose dependencies are the
//! app's; v1 records no app dependencies, so the packages nobody requires are taken as
//! the app's own. Neither format marks development-only packages, so a yarn.lock alone
//! cannot drop them (the app's package.json still tells direct dev dependencies apart).

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage, npm_name};
use crate::model::FileFacts;

/// Which block of an entry the indented lines belong to.
#[derive(PartialEq)]
enum Block {
    Fields,
    Dependencies,
    Other,
}

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut graph = LockGraph::default();
    let mut berry = false;
    let mut workspace_roots: Vec<String> = Vec::new();
    // The entry being read: a package, or a Berry workspace (its dependencies are roots).
    let mut current: Option<LockedPackage> = None;
    let mut in_workspace = false;
    let mut block = Block::Other;
    for (index, raw) in input.text.lines().enumerate() {
        let number = index as u32 + 1;
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 {
            if let Some(done) = current.take() {
                graph.packages.push(done);
            }
            in_workspace = false;
            block = Block::Other;
            let Some(header) = line.strip_suffix(':') else {
                facts.problem(input.loc(number, 1), "yarn.lock: entry header without `:`");
                return facts;
            };
            if header == "__metadata" {
                berry = true;
                continue;
            }
            let first = header.split(", ").next().unwrap_or(header);
            if first.contains("@workspace:") {
                in_workspace = true;
                block = Block::Fields;
                continue;
            }
            block = Block::Fields;
            current = Some(LockedPackage {
                name: npm_name(first).to_string(),
                line: number,
                column: 1,
                ..LockedPackage::default()
            });
            continue;
        }
        if current.is_none() && !in_workspace {
            // `__metadata` fields, or indented text before any entry.
            if block == Block::Other && !berry {
                facts.problem(
                    input.loc(number, indent as u32 + 1),
                    "yarn.lock: indented line outside an entry",
                );
                return facts;
            }
            continue;
        }
        if indent == 2 {
            block = if matches!(
                trimmed,
                "dependencies:" | "optionalDependencies:" | "peerDependencies:"
            ) {
                Block::Dependencies
            } else {
                if let Some(p) = current.as_mut()
                    && let Some(v) = trimmed
                        .strip_prefix("version ")
                        .or_else(|| trimmed.strip_prefix("version: "))
                {
                    p.version = Some(v.trim().trim_matches('"').to_string());
                }
                if trimmed.ends_with(':') {
                    Block::Other
                } else {
                    Block::Fields
                }
            };
            continue;
        }
        if indent >= 4 && block == Block::Dependencies {
            // v1: `name "range"`; Berry: `name: range`.
            let name = trimmed
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .trim_matches('"');
            if name.is_empty() {
                continue;
            }
            if in_workspace {
                workspace_roots.push(name.to_string());
            } else if let Some(p) = current.as_mut() {
                p.dependencies.push(name.to_string());
            }
        }
    }
    if let Some(done) = current.take() {
        graph.packages.push(done);
    }
    if berry && !workspace_roots.is_empty() {
        graph.direct = workspace_roots.into_iter().collect();
        graph.knows_direct = true;
    } else {
        graph.roots_from_unrequired();
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
        let input = FileInput::new("yarn.lock", text.as_bytes(), text, &catalog);
        let facts = extract(&input);
        let rows = facts
            .evidence
            .iter()
            .map(|e| {
                let r = e.resolution.as_deref().unwrap();
                format!(
                    "{} {} {:?} {} {}",
                    e.kind.sdk().unwrap(),
                    e.at.line,
                    r.direct,
                    r.via.join(">"),
                    r.version.clone().unwrap_or_default()
                )
            })
            .collect();
        (rows, facts.problems.len())
    }

    #[test]
    fn v1_entries_have_versions_and_chains() {
        let text = "# yarn lockfile v1\n\n\n\"@acme/telemetry@^1.0.0\":\n  version \"1.0.0\"\n  resolved \"https://r/x.tgz\"\n  dependencies:\n    \"@amplitude/analytics-react-native\" \"^1.4.0\"\n\n\"@amplitude/analytics-react-native@^1.4.0\", \"@amplitude/analytics-react-native@^1.4.1\":\n  version \"1.4.2\"\n";
        assert_eq!(
            rows(text),
            (
                vec!["amplitude 10 Some(false) @acme/telemetry 1.4.2".to_string()],
                0
            )
        );
    }

    #[test]
    fn berry_workspace_dependencies_are_direct() {
        let text = "__metadata:\n  version: 8\n  cacheKey: 10\n\n\"@amplitude/analytics-react-native@npm:^1.4.0\":\n  version: 1.4.2\n  resolution: \"@amplitude/analytics-react-native@npm:1.4.2\"\n  languageName: node\n  linkType: hard\n\n\"shop@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"shop@workspace:.\"\n  dependencies:\n    \"@amplitude/analytics-react-native\": \"npm:^1.4.0\"\n  languageName: unknown\n  linkType: soft\n";
        assert_eq!(
            rows(text),
            (vec!["amplitude 5 Some(true)  1.4.2".to_string()], 0)
        );
    }

    #[test]
    fn a_broken_header_is_a_problem() {
        assert_eq!(rows("this is not a lockfile\n").1, 1);
        assert_eq!(rows("  version \"1\"\n").1, 1);
    }
}
