//! The registry's invariants: every file kind, language and identifier kind belongs to
//! exactly one ecosystem, and no name, marker or skipped folder is claimed twice.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

fn count<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

fn duplicates<T: Ord + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    count(items)
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(item, _)| item)
        .collect()
}

#[test]
fn every_file_kind_is_claimed_by_exactly_one_ecosystem() {
    let claimed = count(ECOSYSTEMS.iter().flat_map(|e| e.files).map(|c| c.kind));
    for kind in FileKind::ALL {
        assert_eq!(claimed.get(&kind), Some(&1), "{kind:?}");
    }
    assert_eq!(claimed.len(), FileKind::ALL.len());
}

#[test]
fn names_markers_and_skipped_folders_are_unique() {
    let names = ECOSYSTEMS
        .iter()
        .flat_map(|e| e.files)
        .flat_map(|c| c.names)
        .map(|p| format!("{p:?}"));
    assert_eq!(duplicates(names), Vec::<String>::new());
    let markers = ECOSYSTEMS
        .iter()
        .flat_map(|e| e.project_markers)
        .map(|m| format!("{m:?}"));
    assert_eq!(duplicates(markers), Vec::<String>::new());
    let skipped = ECOSYSTEMS
        .iter()
        .flat_map(|e| e.skipped_dirs)
        .map(|d| d.name);
    assert_eq!(duplicates(skipped), Vec::<&str>::new());
    let ecosystems = ECOSYSTEMS.iter().map(|e| e.name);
    assert_eq!(duplicates(ecosystems), Vec::<&str>::new());
}

#[test]
fn every_language_and_identifier_kind_belongs_to_one_ecosystem() {
    let languages = count(
        ECOSYSTEMS
            .iter()
            .flat_map(|e| e.languages)
            .map(|l| l.language),
    );
    for language in Language::ALL {
        assert_eq!(languages.get(&language), Some(&1), "{language:?}");
    }
    let id_kinds = count(ECOSYSTEMS.iter().flat_map(|e| e.id_kinds).copied());
    for kind in IdKind::ALL {
        assert_eq!(id_kinds.get(&kind), Some(&1), "{kind:?}");
    }
}

#[test]
fn claims_stay_within_their_ecosystem() {
    for ecosystem in ECOSYSTEMS {
        for claim in ecosystem.files {
            if let Some(platform) = claim.platform {
                assert!(
                    ecosystem.platforms.contains(&platform),
                    "{}: {:?} shows {platform:?}",
                    ecosystem.name,
                    claim.kind
                );
            }
            if let Reader::Source { language, .. } = claim.reader {
                assert!(
                    ecosystem.languages.iter().any(|l| l.language == language),
                    "{}: {:?} is read as {language:?}",
                    ecosystem.name,
                    claim.kind
                );
            }
        }
    }
}

#[test]
fn files_are_classified_by_name_with_exact_names_first() {
    let cases: &[(&str, Option<FileKind>)] = &[
        (
            "app/src/main/AndroidManifest.xml",
            Some(FileKind::AndroidManifest),
        ),
        // An exact name beats the `.kts` extension.
        ("app/build.gradle.kts", Some(FileKind::GradleBuild)),
        ("settings.gradle", Some(FileKind::GradleSettings)),
        ("gradle/libs.versions.toml", Some(FileKind::VersionCatalog)),
        ("app/src/Main.kt", Some(FileKind::Kotlin)),
        ("build-logic/plugin.gradle.kts", Some(FileKind::Kotlin)),
        ("App/Info.plist", Some(FileKind::InfoPlist)),
        ("App/Share-Info.plist", Some(FileKind::InfoPlist)),
        ("App/Settings.plist", None),
        (
            "App.xcodeproj/project.pbxproj",
            Some(FileKind::XcodeProject),
        ),
        ("Config/Base.xcconfig", Some(FileKind::Xcconfig)),
        ("project.yaml", Some(FileKind::XcodeGen)),
        ("Cartfile.private", Some(FileKind::Cartfile)),
        ("Sources/App.swift", Some(FileKind::Swift)),
        ("Sources/App.h", Some(FileKind::ObjectiveC)),
        // `app.config.js` is an Expo config, not a script.
        ("app.config.js", Some(FileKind::ExpoConfig)),
        ("src/index.mjs", Some(FileKind::JavaScript)),
        ("src/App.tsx", Some(FileKind::TypeScript)),
        ("public/index.htm", Some(FileKind::Html)),
        ("package.json", Some(FileKind::PackageJson)),
        ("lib/main.dart", Some(FileKind::Dart)),
        ("pubspec.lock", Some(FileKind::PubspecLock)),
        ("src-tauri/Cargo.toml", Some(FileKind::CargoToml)),
        ("src-tauri/tauri.conf.json5", Some(FileKind::TauriConfig)),
        (
            "src-tauri/tauri.macos.conf.json",
            Some(FileKind::TauriConfig),
        ),
        (
            "src-tauri/capabilities/default.json",
            Some(FileKind::TauriCapability),
        ),
        (
            "app/src-tauri/capabilities/default.json",
            Some(FileKind::TauriCapability),
        ),
        ("other/capabilities/default.json", None),
        ("src-tauri/default.json", None),
        ("src/lib.rs", Some(FileKind::Rust)),
        ("Makefile", None),
        ("README.md", None),
    ];
    for (path, kind) in cases {
        assert_eq!(classify(Path::new(path)), *kind, "{path}");
    }
}

#[test]
fn folders_are_skipped_with_their_ecosystems_reason() {
    assert_eq!(skipped_dir("node_modules"), Some(SkipReason::Vendored));
    assert_eq!(skipped_dir("Pods"), Some(SkipReason::Vendored));
    assert_eq!(skipped_dir("build"), Some(SkipReason::BuildOutput));
    assert_eq!(skipped_dir("target"), Some(SkipReason::BuildOutput));
    assert_eq!(skipped_dir("src"), None);
}

#[test]
fn markers_make_unit_roots() {
    let root = |marker: Marker, dir: &str| unit_root(&marker, dir);
    assert_eq!(
        root(Marker::IosApp, "ios/App.xcodeproj"),
        Some(RootClaim {
            dir: "ios".into(),
            kind: RootKind::Native
        })
    );
    assert_eq!(
        root(Marker::TauriConfig, "desk/src-tauri").map(|c| c.dir),
        Some("desk".into())
    );
    assert_eq!(
        root(Marker::TauriConfig, "src-tauri").map(|c| c.dir),
        Some(String::new())
    );
    assert_eq!(
        root(
            Marker::PackageJson {
                name: None,
                react_native: false,
                expo: true
            },
            "mobile"
        )
        .map(|c| c.kind),
        Some(RootKind::CrossPlatform(Platform::ReactNative))
    );
    assert_eq!(root(Marker::CargoPackage { tauri: false }, "cli"), None);
    assert_eq!(root(Marker::GradleModule, "lib"), None);
}
