//! Flutter: `pubspec.yaml`, `pubspec.lock` and Dart sources.

pub mod dart;
pub mod pubspec;

use crate::catalog::{IdKind, Identifiers, Language, PackagesDef};
use crate::ecosystem::NamePattern::{Exact, Extension};
use crate::ecosystem::{
    Ecosystem, FileClaim, Fold, LanguageSupport, ProjectMarker, Reader, RootClaim, RootKind,
    SemgrepLanguage, SkipReason, SkippedDir,
};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

const FLUTTER: Option<Platform> = Some(Platform::Flutter);

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "flutter",
    platforms: &[Platform::Flutter],
    languages: &[LanguageSupport {
        language: Language::Dart,
        sdk_literals: pub_imports,
        package_literals: pub_package_imports,
        semgrep: Some(SemgrepLanguage {
            names: &["dart"],
            reserved_words: &[
                "default", "new", "class", "switch", "case", "import", "this", "super",
            ],
            new_keyword: false,
        }),
    }],
    id_kinds: &[IdKind::Pub],
    files: &[
        FileClaim {
            kind: FileKind::Pubspec,
            names: &[Exact("pubspec.yaml")],
            platform: FLUTTER,
            reader: Reader::Manifest(pubspec::extract),
        },
        FileClaim {
            kind: FileKind::PubspecLock,
            names: &[Exact("pubspec.lock")],
            platform: FLUTTER,
            reader: Reader::Manifest(pubspec::extract_lock),
        },
        FileClaim {
            kind: FileKind::Dart,
            names: &[Extension("dart")],
            platform: FLUTTER,
            reader: Reader::Source {
                language: Language::Dart,
                lower: dart::lower,
            },
        },
    ],
    project_markers: &[ProjectMarker::File("pubspec.yaml")],
    module_markers: &[],
    skipped_dirs: &[
        SkippedDir {
            name: ".dart_tool",
            why: SkipReason::BuildOutput,
        },
        SkippedDir {
            name: ".pub-cache",
            why: SkipReason::Vendored,
        },
    ],
    folds: &[Fold {
        folders: &["android", "ios", "macos", "web"],
        parent_marker: Some("pubspec.yaml"),
    }],
    unit_root,
};

/// A Flutter app (not a plugin or pure Dart package) is a cross-platform root; local
/// packages it depends on by path ship inside it (`link::units`).
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    matches!(marker, Marker::FlutterApp).then(|| RootClaim {
        dir: dir.to_string(),
        kind: RootKind::CrossPlatform(Platform::Flutter),
    })
}

/// Dart imports a pub.dev package as `package:name/`.
fn pub_imports(ids: &Identifiers) -> Vec<String> {
    ids.pub_dev
        .iter()
        .map(|n| format!("package:{n}/"))
        .collect()
}

fn pub_package_imports(packages: &PackagesDef) -> Vec<String> {
    packages
        .pub_dev
        .iter()
        .map(|n| format!("package:{n}/"))
        .collect()
}
