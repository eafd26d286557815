//! Android: manifests, Gradle builds and version catalogs, Kotlin and Java sources.

pub mod gradle;
pub mod gradle_lockfile;
pub mod java;
pub mod kotlin;
pub mod manifest;
pub mod version_catalog;

use crate::catalog::{IdKind, Identifiers, Language};
use crate::ecosystem::NamePattern::{Exact, Extension, Suffix};
use crate::ecosystem::{
    Ecosystem, FileClaim, LanguageSupport, ProjectMarker, Reader, RootClaim, RootKind,
    SemgrepLanguage, SkipReason, SkippedDir, no_literals,
};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

/// Folder names of Gradle build logic (`buildSrc`, the `build-logic` included build of
/// Gradle's guides): it runs at build time and ships in no app.
pub const BUILD_LOGIC_DIRS: [&str; 2] = ["buildSrc", "build-logic"];

const ANDROID: Option<Platform> = Some(Platform::Android);

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "android",
    platforms: &[Platform::Android],
    languages: &[
        LanguageSupport {
            language: Language::Kotlin,
            sdk_literals: package_prefixes,
            package_literals: no_literals,
            semgrep: Some(SemgrepLanguage {
                names: &["kotlin"],
                reserved_words: &[],
                new_keyword: false,
            }),
        },
        LanguageSupport {
            language: Language::Java,
            sdk_literals: package_prefixes,
            package_literals: no_literals,
            semgrep: Some(SemgrepLanguage {
                names: &["java"],
                reserved_words: &[
                    "default", "new", "class", "this", "super", "switch", "case", "import",
                    "package",
                ],
                new_keyword: true,
            }),
        },
    ],
    id_kinds: &[IdKind::Maven, IdKind::Package],
    files: &[
        FileClaim {
            kind: FileKind::AndroidManifest,
            names: &[Exact("AndroidManifest.xml")],
            platform: ANDROID,
            reader: Reader::Manifest(manifest::extract),
        },
        FileClaim {
            kind: FileKind::GradleBuild,
            names: &[Exact("build.gradle"), Exact("build.gradle.kts")],
            platform: ANDROID,
            reader: Reader::Manifest(gradle::extract_build),
        },
        FileClaim {
            kind: FileKind::GradleSettings,
            names: &[Exact("settings.gradle"), Exact("settings.gradle.kts")],
            platform: ANDROID,
            reader: Reader::Manifest(gradle::extract_settings),
        },
        FileClaim {
            kind: FileKind::GradleLockfile,
            names: &[Exact("gradle.lockfile"), Exact("settings-gradle.lockfile")],
            platform: ANDROID,
            reader: Reader::Manifest(gradle_lockfile::extract),
        },
        FileClaim {
            kind: FileKind::VersionCatalog,
            names: &[Suffix(".versions.toml")],
            platform: ANDROID,
            reader: Reader::Manifest(version_catalog::extract),
        },
        FileClaim {
            kind: FileKind::Kotlin,
            names: &[Extension("kt"), Extension("kts")],
            platform: ANDROID,
            reader: Reader::Source {
                language: Language::Kotlin,
                lower: kotlin::lower,
            },
        },
        FileClaim {
            kind: FileKind::Java,
            names: &[Extension("java")],
            platform: ANDROID,
            reader: Reader::Source {
                language: Language::Java,
                lower: java::lower,
            },
        },
    ],
    project_markers: &[
        ProjectMarker::File("settings.gradle"),
        ProjectMarker::File("settings.gradle.kts"),
    ],
    module_markers: &["build.gradle", "build.gradle.kts"],
    skipped_dirs: &[
        SkippedDir {
            name: "build",
            why: SkipReason::BuildOutput,
        },
        SkippedDir {
            name: ".gradle",
            why: SkipReason::BuildOutput,
        },
    ],
    folds: &[],
    unit_root,
};

/// An application module is an app; the Gradle module graph (`link::gradle`) decides
/// which library modules ship in it.
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    matches!(marker, Marker::AndroidApplication).then(|| RootClaim {
        dir: dir.to_string(),
        kind: RootKind::Native,
    })
}

/// Java/Kotlin sources name an SDK by its package.
fn package_prefixes(ids: &Identifiers) -> Vec<String> {
    ids.android_packages
        .iter()
        .map(|p| p.trim_end_matches('.').to_string())
        .collect()
}
