//! Rust manifests: `Cargo.toml`.
//!
//! Every dependency table whose crates are compiled into the product is read:
//! `[dependencies]`, `[target.'cfg(..)'.dependencies]` and `[workspace.dependencies]`
//! (the versions members inherit). `[dev-dependencies]` only build tests and
//! `[build-dependencies]` only run on the build machine, so neither ships anything.
//! A renamed dependency (`ph = { package = "posthog-rs" }`) is looked up by its real
//! package name. Crates that merely grant a capability (`tauri-plugin-geolocation`)
//! are not evidence on their own: the capability comes from the Tauri capability files
//! and the code that calls it.

use toml::{Table, Value};
use toml_edit::TableLike;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Location, Marker, Presence};

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let root: Table = match input.text.parse() {
        Ok(table) => table,
        Err(error) => {
            let error: toml::de::Error = error;
            let at = error
                .span()
                .map_or_else(|| input.loc(1, 1), |span| input.at(span.start));
            facts.problem(at, format!("invalid TOML: {}", error.message()));
            return facts;
        }
    };
    // `toml` has accepted the text, so the span-keeping parser does too.
    let spans = toml_edit::ImDocument::parse(input.text).ok();
    let mut tauri = false;
    for (table_path, deps) in shipping_tables(&root) {
        for (key, spec) in deps {
            let package = spec
                .get("package")
                .and_then(Value::as_str)
                .unwrap_or(key.as_str());
            if package == "tauri" {
                tauri = true;
            }
            let Some(sdk) = input.catalog.lookup(IdKind::Crate, package) else {
                continue;
            };
            let at = spans
                .as_ref()
                .and_then(|doc| dependency_offset(doc.as_table(), &table_path, key))
                .map_or_else(|| input.loc(1, 1), |offset| input.at(offset));
            let renamed = if package == key {
                String::new()
            } else {
                format!(" (as {key})")
            };
            facts.push(
                at,
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Dependency,
                },
                format!("{package} {}{renamed}", describe_spec(spec)),
            );
        }
    }
    facts.marker(
        Location::new(input.path, 1, 1),
        Marker::CargoPackage { tauri },
    );
    facts
}

/// The dependency tables that ship, each with its path of table names.
fn shipping_tables(root: &Table) -> Vec<(Vec<String>, &Table)> {
    let mut tables = Vec::new();
    if let Some(Value::Table(deps)) = root.get("dependencies") {
        tables.push((vec!["dependencies".to_string()], deps));
    }
    if let Some(Value::Table(targets)) = root.get("target") {
        for (cfg, target) in targets {
            if let Some(Value::Table(deps)) = target.get("dependencies") {
                let path = vec![
                    "target".to_string(),
                    cfg.clone(),
                    "dependencies".to_string(),
                ];
                tables.push((path, deps));
            }
        }
    }
    if let Some(Value::Table(deps)) = root.get("workspace").and_then(|w| w.get("dependencies")) {
        tables.push((
            vec!["workspace".to_string(), "dependencies".to_string()],
            deps,
        ));
    }
    tables
}

/// The version (or git / path source) of a dependency spec, for the evidence detail.
fn describe_spec(spec: &Value) -> String {
    match spec {
        Value::String(version) => version.clone(),
        Value::Table(table) => {
            let field = |name: &str| table.get(name).and_then(Value::as_str);
            if let Some(git) = field("git") {
                format!("git {git}")
            } else if let Some(path) = field("path") {
                format!("path {path}")
            } else if table.get("workspace").and_then(Value::as_bool) == Some(true) {
                "workspace".to_string()
            } else {
                field("version").unwrap_or("*").to_string()
            }
        }
        _ => "*".to_string(),
    }
}

/// Where dependency `name` of the table at `table_path` is written: its
/// `[dependencies.name]` header when it has one, else its key.
fn dependency_offset(root: &toml_edit::Table, table_path: &[String], name: &str) -> Option<usize> {
    let mut table: &dyn TableLike = root;
    for segment in table_path {
        table = table.get(segment)?.as_table_like()?;
    }
    let (key, item) = table.get_key_value(name)?;
    let header = match item {
        toml_edit::Item::Table(own) if !own.is_dotted() && !own.is_implicit() => own.span(),
        _ => None,
    };
    header.or_else(|| key.span()).map(|span| span.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::flutter::pubspec::test_catalog;

    fn run(text: &str) -> FileFacts {
        let catalog = test_catalog();
        let input = FileInput::new("src-tauri/Cargo.toml", text.as_bytes(), text, &catalog);
        extract(&input)
    }

    fn sdk_positions(facts: &FileFacts) -> Vec<(String, u32, u32)> {
        facts
            .evidence
            .iter()
            .filter_map(|e| match &e.kind {
                EvidenceKind::SdkPresence {
                    sdk,
                    via: Presence::Dependency,
                } => Some((sdk.clone(), e.at.line, e.at.column)),
                _ => None,
            })
            .collect()
    }

    fn tauri_marker(facts: &FileFacts) -> Option<bool> {
        facts.markers.iter().find_map(|m| match m.marker {
            Marker::CargoPackage { tauri } => Some(tauri),
            _ => None,
        })
    }

    #[test]
    fn plain_dependency_is_located_on_its_key() {
        let facts = run(
            "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\nposthog-rs = \"0.3\"\n",
        );
        assert_eq!(sdk_positions(&facts), vec![("posthog".to_string(), 6, 1)]);
        assert_eq!(facts.evidence[0].detail, "posthog-rs 0.3");
        assert_eq!(tauri_marker(&facts), Some(false));
    }

    #[test]
    fn renamed_target_and_table_forms() {
        let text = r#"[package]
name = "app"

[dependencies]
tauri = { version = "2", features = [] }
ph = { package = "posthog-rs", version = "0.3" }

[target.'cfg(target_os = "android")'.dependencies]
  posthog_rs = "0.3"

[workspace.dependencies.posthog-rs]
version = "0.3"
"#;
        let facts = run(text);
        assert_eq!(
            sdk_positions(&facts),
            vec![
                ("posthog".to_string(), 6, 1),
                ("posthog".to_string(), 9, 3),
                ("posthog".to_string(), 11, 1),
            ]
        );
        assert_eq!(facts.evidence[0].detail, "posthog-rs 0.3 (as ph)");
        assert_eq!(tauri_marker(&facts), Some(true));
    }

    #[test]
    fn dev_and_build_dependencies_ship_nothing() {
        let text = "[package]\nname = \"app\"\n[dev-dependencies]\nposthog-rs = \"0.3\"\n[build-dependencies]\nposthog-rs = \"0.3\"\ntauri = \"2\"\n[target.'cfg(unix)'.dev-dependencies]\nposthog-rs = \"0.3\"\n";
        let facts = run(text);
        assert!(facts.evidence.is_empty(), "{:?}", facts.evidence);
        assert_eq!(tauri_marker(&facts), Some(false));
    }

    #[test]
    fn capability_crates_are_not_evidence() {
        let facts = run("[dependencies]\ntauri-plugin-geolocation = \"2\"\n");
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn renamed_tauri_counts_as_tauri() {
        let facts = run("[dependencies]\nt = { package = \"tauri\", version = \"2\" }\n");
        assert_eq!(tauri_marker(&facts), Some(true));
    }

    #[test]
    fn malformed_toml_is_a_located_problem() {
        let facts = run("[package]\nname = \"app\"\n[dependencies\nx = 1\n");
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 3);
        assert!(facts.problems[0].reason.starts_with("invalid TOML"));
        assert!(facts.markers.is_empty());
    }

    #[test]
    fn quoted_dotted_and_inline_table_forms_are_located_on_their_key() {
        let text = "[dependencies]\n\"posthog-rs\" = \"0.3\"\n[target.'cfg(a.b)'.dependencies]\nposthog-rs.version = \"0.3\"\n[workspace]\ndependencies = { serde = \"1\", posthog-rs = \"0.3\" }\n";
        assert_eq!(
            sdk_positions(&run(text)),
            vec![
                ("posthog".to_string(), 2, 1),
                ("posthog".to_string(), 4, 1),
                ("posthog".to_string(), 6, 31),
            ]
        );
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
        let text = include_str!("../../../fixtures/tauri/geo-analytics/src-tauri/Cargo.toml");
        assert_eq!(
            sdk_positions(&run(text)),
            vec![("posthog".to_string(), 17, 1)]
        );
        assert_eq!(tauri_marker(&run(text)), Some(true));
        for prefix in prefixes(text) {
            run(prefix);
        }
    }
}
