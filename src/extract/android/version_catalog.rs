//! Gradle version catalogs (`gradle/libs.versions.toml`).
//!
//! Every `[libraries]` entry whose `group:artifact` maps to a catalog SDK becomes
//! `SdkPresence { via: Dependency }` at the entry's key, detail `alias = group:artifact`,
//! and a `Marker::VersionCatalogLibrary { alias, sdk }` at the same location; every
//! `[bundles]` entry becomes `Marker::VersionCatalogBundle { bundle, members }`.
//! Build files name entries through `libs.foo.bar` accessors (`gradle.rs` records them
//! as `Marker::VersionCatalogUse`); the linker keeps an entry's presence in an app unit
//! only when a build file of that unit uses the alias, directly or through a bundle.
//! Aliases are normalised as Gradle derives accessors: `-`, `_` and `.` all become `.`.
//! Accepted entry forms: `"g:a:v"`, `{ module = "g:a", version.ref = "x" }`,
//! `{ group = "g", name = "a", version = "v" }`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence};

#[derive(Deserialize)]
struct CatalogToml {
    #[serde(default)]
    libraries: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    bundles: BTreeMap<Spanned<String>, toml::Value>,
}

/// An alias or accessor path as Gradle's generated accessors see it: `firebase-analytics`,
/// `firebase_analytics` and `firebase.analytics` are all `libs.firebase.analytics`.
/// Lowercased so a camelCase alias matches however a build file spells it.
pub fn normalise_alias(alias: &str) -> String {
    alias
        .trim()
        .chars()
        .map(|c| match c {
            '-' | '_' => '.',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let parsed: CatalogToml = match toml::from_str(input.text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let at = error.span().map_or(0, |span| span.start);
            facts.problem(
                input.at(at),
                format!("version catalog is not valid TOML: {}", error.message()),
            );
            return facts;
        }
    };
    let mut entries: Vec<_> = parsed.libraries.into_iter().collect();
    // Report in file order, not alias order.
    entries.sort_by_key(|(alias, _)| alias.span().start);
    for (alias, value) in entries {
        let Some(coordinate) = coordinate(value.get_ref()) else {
            continue;
        };
        let Some(sdk) = input.catalog.sdk_for_maven(&coordinate) else {
            continue;
        };
        let at = input.at(alias.span().start);
        facts.marker(
            at.clone(),
            Marker::VersionCatalogLibrary {
                alias: normalise_alias(alias.get_ref()),
                sdk: sdk.id.clone(),
            },
        );
        facts.push(
            at,
            EvidenceKind::SdkPresence {
                sdk: sdk.id.clone(),
                via: Presence::Dependency,
            },
            format!("{} = {coordinate}", alias.get_ref()),
        );
    }
    let mut bundles: Vec<_> = parsed.bundles.into_iter().collect();
    bundles.sort_by_key(|(bundle, _)| bundle.span().start);
    for (bundle, members) in bundles {
        // A bundle is a list of library aliases; anything else names nothing.
        let members: Vec<String> = members
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .map(normalise_alias)
            .collect();
        facts.marker(
            input.at(bundle.span().start),
            Marker::VersionCatalogBundle {
                bundle: normalise_alias(bundle.get_ref()),
                members,
            },
        );
    }
    facts
}

/// `group:artifact` of one `[libraries]` value, without its version.
fn coordinate(value: &toml::Value) -> Option<String> {
    let (group, artifact) = match value {
        toml::Value::String(notation) => {
            let mut parts = notation.split(':');
            (parts.next()?.trim(), parts.next()?.trim())
        }
        toml::Value::Table(table) => match table.get("module").and_then(toml::Value::as_str) {
            Some(module) => module.split_once(':')?,
            None => (table.get("group")?.as_str()?, table.get("name")?.as_str()?),
        },
        _ => return None,
    };
    let (group, artifact) = (group.trim(), artifact.trim());
    (!group.is_empty() && !artifact.is_empty()).then(|| format!("{group}:{artifact}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn run(text: &str) -> FileFacts {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new("gradle/libs.versions.toml", text.as_bytes(), text, &catalog);
        extract(&input)
    }

    #[test]
    fn every_library_form_maps_to_its_sdk() {
        let facts = run(r#"[versions]
appsflyer = "6.15.0"

[libraries]
androidx-core = { module = "androidx.core:core-ktx", version = "1.13.1" }
appsflyer = { module = "com.appsflyer:af-android-sdk", version.ref = "appsflyer" }
appsflyer-plain = "com.appsflyer:af-android-sdk:6.15.0"
appsflyer-split = { group = "com.appsflyer", name = "af-android-sdk", version.ref = "appsflyer" }

[plugins]
android-application = { id = "com.android.application", version = "8.5.0" }
"#);
        let got: Vec<(u32, &str, &str)> = facts
            .evidence
            .iter()
            .map(|e| (e.at.line, e.kind.sdk().unwrap_or("-"), e.detail.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (6, "appsflyer", "appsflyer = com.appsflyer:af-android-sdk"),
                (
                    7,
                    "appsflyer",
                    "appsflyer-plain = com.appsflyer:af-android-sdk"
                ),
                (
                    8,
                    "appsflyer",
                    "appsflyer-split = com.appsflyer:af-android-sdk"
                ),
            ]
        );
        assert!(matches!(
            facts.evidence[0].kind,
            EvidenceKind::SdkPresence {
                via: Presence::Dependency,
                ..
            }
        ));
    }

    #[test]
    fn sdk_entries_and_bundles_are_markers_with_normalised_aliases() {
        let facts = run(r#"[libraries]
androidx-core = { module = "androidx.core:core-ktx", version = "1.13.1" }
firebase_Analytics = { module = "com.google.firebase:firebase-analytics" }

[bundles]
measurement = ["firebase_Analytics", "androidx-core"]
odd-bundle = "not-a-list"
"#);
        let got: Vec<(u32, &Marker)> = facts
            .markers
            .iter()
            .map(|m| (m.at.line, &m.marker))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    3,
                    &Marker::VersionCatalogLibrary {
                        alias: "firebase.analytics".into(),
                        sdk: "firebase-analytics".into()
                    }
                ),
                (
                    6,
                    &Marker::VersionCatalogBundle {
                        bundle: "measurement".into(),
                        members: vec!["firebase.analytics".into(), "androidx.core".into()]
                    }
                ),
                (
                    7,
                    &Marker::VersionCatalogBundle {
                        bundle: "odd.bundle".into(),
                        members: vec![]
                    }
                ),
            ]
        );
        // The marker and the evidence share their location: the linker joins them.
        assert_eq!(facts.evidence.len(), 1);
        assert_eq!(facts.evidence[0].at, facts.markers[0].at);
    }

    #[test]
    fn malformed_toml_is_a_problem_with_position() {
        let facts = run("[libraries]\nfoo = { module = \"a:b\"\nbar = 1\n");
        assert!(facts.evidence.is_empty());
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 2);
    }
}
