//! Gradle dependency locking: `gradle.lockfile` (per module) and
//! `settings-gradle.lockfile`, one resolved `group:artifact:version=configurations`
//! per line.
//!
//! A lockfile records the whole resolved classpath but no graph, so its entries are
//! neither direct nor transitive (`direct: None`); the build file says which are
//! declared. Entries only test, lint or annotation-processor configurations use never
//! ship, nor do `debug…` ones when the file also locks a `release…` configuration.

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage};
use crate::model::FileFacts;

/// A configuration whose classpath never reaches the shipped app.
fn is_build_only(configuration: &str, has_release: bool) -> bool {
    let c = configuration.to_ascii_lowercase();
    c.starts_with("test")
        || c.contains("unittest")
        || c.contains("androidtest")
        || c.contains("testfixtures")
        || c.starts_with("lint")
        || c.starts_with("kapt")
        || c.starts_with("ksp")
        || c.contains("annotationprocessor")
        || (has_release && c.starts_with("debug"))
}

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let has_release = input.text.lines().any(|l| {
        l.split_once('=')
            .is_some_and(|(_, c)| c.contains("release"))
    });
    let mut graph = LockGraph::default();
    for (index, raw) in input.text.lines().enumerate() {
        let number = index as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((coordinate, configurations)) = line.split_once('=') else {
            facts.problem(
                input.loc(number, 1),
                "gradle.lockfile: line without `=configurations`",
            );
            return facts;
        };
        if coordinate == "empty" {
            continue;
        }
        let parts: Vec<&str> = coordinate.split(':').collect();
        let [group, artifact, version] = parts[..] else {
            facts.problem(
                input.loc(number, 1),
                format!("gradle.lockfile: `{coordinate}` is not group:artifact:version"),
            );
            return facts;
        };
        let shipped = configurations
            .split(',')
            .any(|c| !c.trim().is_empty() && !is_build_only(c.trim(), has_release));
        graph.packages.push(LockedPackage {
            name: format!("{group}:{artifact}"),
            version: Some(version.to_string()),
            line: number,
            column: raw.len() as u32 - raw.trim_start().len() as u32 + 1,
            dev: !shipped,
            dependencies: Vec::new(),
        });
    }
    graph.report(input, IdKind::Maven, &mut facts);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn run(text: &str) -> FileFacts {
        let catalog = Catalog::embedded().unwrap();
        let input = FileInput::new("app/gradle.lockfile", text.as_bytes(), text, &catalog);
        extract(&input)
    }

    #[test]
    fn shipped_entries_only_with_unknown_directness() {
        let text = "# This is a Gradle generated file for dependency locking.\n\
com.amplitude:android-sdk:2.39.0=debugRuntimeClasspath,releaseRuntimeClasspath\n\
com.appsflyer:af-android-sdk:6.0.0=debugRuntimeClasspath\n\
com.segment.analytics.android:analytics:4.0.0=testRuntimeClasspath\n\
empty=annotationProcessor\n";
        let facts = run(text);
        let rows: Vec<(String, u32, Option<bool>)> = facts
            .evidence
            .iter()
            .map(|e| {
                (
                    e.kind.sdk().unwrap().to_string(),
                    e.at.line,
                    e.resolution.as_ref().unwrap().direct,
                )
            })
            .collect();
        assert_eq!(rows, vec![("amplitude".to_string(), 2, None)]);
    }

    #[test]
    fn a_line_that_is_not_a_lock_entry_is_a_problem() {
        assert_eq!(run("com.example:lib=release\n").problems.len(), 1);
        assert_eq!(run("garbage\n").problems.len(), 1);
    }
}
