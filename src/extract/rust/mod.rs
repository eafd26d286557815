//! Rust and Tauri: `Cargo.toml`, Tauri configs and capabilities, Rust sources.

pub mod cargo;
pub mod cargo_lock;
pub mod lower;
pub mod tauri;

use crate::catalog::{IdKind, Identifiers, Language, PackagesDef};
use crate::ecosystem::NamePattern::{Affixes, Exact, Extension, ExtensionInside};
use crate::ecosystem::{
    Ecosystem, FileClaim, Fold, LanguageSupport, ProjectMarker, Reader, RootClaim, RootKind,
    SemgrepLanguage, SkipReason, SkippedDir,
};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

const RUST: Option<Platform> = Some(Platform::Rust);

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "rust",
    platforms: &[Platform::Rust],
    languages: &[LanguageSupport {
        language: Language::Rust,
        sdk_literals: crate_paths,
        package_literals: crate_package_paths,
        semgrep: Some(SemgrepLanguage {
            names: &["rust"],
            reserved_words: &[
                "default", "match", "move", "type", "use", "fn", "loop", "ref", "self", "crate",
            ],
            new_keyword: false,
        }),
    }],
    id_kinds: &[IdKind::Crate],
    files: &[
        FileClaim {
            kind: FileKind::CargoToml,
            names: &[Exact("Cargo.toml")],
            platform: RUST,
            reader: Reader::Manifest(cargo::extract),
        },
        FileClaim {
            kind: FileKind::CargoLock,
            names: &[Exact("Cargo.lock")],
            platform: RUST,
            reader: Reader::Manifest(cargo_lock::extract),
        },
        FileClaim {
            kind: FileKind::TauriConfig,
            names: &[
                Exact("tauri.conf.json"),
                Exact("tauri.conf.json5"),
                Affixes("tauri.", ".conf.json"),
            ],
            platform: RUST,
            reader: Reader::Manifest(tauri::extract_config),
        },
        FileClaim {
            kind: FileKind::TauriCapability,
            names: &[ExtensionInside("json", &["src-tauri", "capabilities"])],
            platform: RUST,
            reader: Reader::Manifest(tauri::extract_capability),
        },
        FileClaim {
            kind: FileKind::Rust,
            names: &[Extension("rs")],
            platform: RUST,
            reader: Reader::Source {
                language: Language::Rust,
                lower: lower::lower,
            },
        },
    ],
    project_markers: &[
        ProjectMarker::File("Cargo.toml"),
        ProjectMarker::File("tauri.conf.json"),
    ],
    module_markers: &[],
    skipped_dirs: &[SkippedDir {
        name: "target",
        why: SkipReason::BuildOutput,
    }],
    // A Tauri app's root is the folder above `src-tauri` (its web frontend lives there).
    folds: &[Fold {
        folders: &["src-tauri"],
        parent_marker: None,
    }],
    unit_root,
};

/// A Tauri config or a crate depending on `tauri` is a cross-platform root, folded out
/// of its `src-tauri` folder.
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    if !matches!(
        marker,
        Marker::TauriConfig | Marker::CargoPackage { tauri: true }
    ) {
        return None;
    }
    let dir = crate::ecosystem::unconditional_fold(dir).unwrap_or(dir);
    Some(RootClaim {
        dir: dir.to_string(),
        kind: RootKind::CrossPlatform(Platform::Rust),
    })
}

/// Rust code names a crate with `_` where crates.io may write `-`.
fn crate_paths(ids: &Identifiers) -> Vec<String> {
    ids.crates.iter().map(|c| c.replace('-', "_")).collect()
}

fn crate_package_paths(packages: &PackagesDef) -> Vec<String> {
    packages
        .crates
        .iter()
        .map(|c| c.replace('-', "_"))
        .collect()
}
