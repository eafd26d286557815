//! Extraction: one pure function per file kind, `bytes → FileFacts`.
//!
//! Manifests and build files are always parsed. Source files pass the catalog
//! prefilter first, then are lowered to [`ir::SourceIr`] by their language module and
//! matched against the catalog by [`analyze`].

pub mod analyze;
pub mod ir;
pub mod treesitter;

pub mod android;
pub mod apple;
pub mod flutter;
pub mod javascript;
pub mod rust;

use android::{gradle, java, kotlin, manifest as android_manifest, version_catalog};
use apple::{cocoapods, objc, plist, swift, swiftpm, xcode};
use flutter::{dart, pubspec};
use javascript::{expo, html, lower as javascript_lower, package_json};
use rust::{cargo, lower as rust_lower, tauri};

use crate::catalog::{Catalog, Language};
use std::sync::OnceLock;

use crate::model::{FileFacts, Location};
use crate::position::LineIndex;
use crate::walk::FileKind;

/// One file handed to an extractor.
pub struct FileInput<'a> {
    /// Relative to the scan root, `/`-separated: the path every location uses.
    pub path: &'a str,
    /// The raw bytes (binary plists need them).
    pub bytes: &'a [u8],
    /// The text, decoded from UTF-8 (BOM stripped) or UTF-16; lossy for stray bytes.
    pub text: &'a str,
    pub catalog: &'a Catalog,
    /// Built on the first position asked for: most source files never need one.
    lines: OnceLock<LineIndex>,
}

impl<'a> FileInput<'a> {
    pub fn new(path: &'a str, bytes: &'a [u8], text: &'a str, catalog: &'a Catalog) -> Self {
        Self {
            path,
            bytes,
            text,
            catalog,
            lines: OnceLock::new(),
        }
    }

    /// The line index of `text`, shared by every position asked of this file.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// Location of byte `offset` of `text` (column in characters).
    pub fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines().line_column(offset);
        Location::new(self.path, line, column)
    }

    /// Location of a 1-based line and column.
    pub fn loc(&self, line: u32, column: u32) -> Location {
        Location::new(self.path, line, column)
    }
}

/// The language whose lowering handles a source file kind.
pub fn language_of(kind: FileKind) -> Option<Language> {
    Some(match kind {
        FileKind::Kotlin => Language::Kotlin,
        FileKind::Java => Language::Java,
        FileKind::Swift => Language::Swift,
        FileKind::ObjectiveC => Language::Objc,
        FileKind::JavaScript | FileKind::TypeScript => Language::Javascript,
        FileKind::Dart => Language::Dart,
        FileKind::Rust => Language::Rust,
        _ => return None,
    })
}

/// Extract the facts of one file. Never panics on bad input: parse failures become
/// `FileFacts::problems` (PL900).
pub fn extract(kind: FileKind, input: &FileInput) -> FileFacts {
    treesitter::reset_column_mark();
    match kind {
        FileKind::AndroidManifest => android_manifest::extract(input),
        FileKind::GradleBuild => gradle::extract_build(input),
        FileKind::GradleSettings => gradle::extract_settings(input),
        FileKind::VersionCatalog => version_catalog::extract(input),
        FileKind::InfoPlist => plist::extract_info_plist(input),
        FileKind::PrivacyManifest => plist::extract_privacy_manifest(input),
        FileKind::XcodeProject => xcode::extract_pbxproj(input),
        FileKind::Xcconfig => xcode::extract_xcconfig(input),
        FileKind::XcodeGen => xcode::extract_xcodegen(input),
        FileKind::Podfile => cocoapods::extract_podfile(input),
        FileKind::PodfileLock => cocoapods::extract_lock(input),
        FileKind::PackageSwift => swiftpm::extract_package_swift(input),
        FileKind::PackageResolved => swiftpm::extract_package_resolved(input),
        FileKind::Cartfile => swiftpm::extract_cartfile(input),
        FileKind::PackageJson => package_json::extract(input),
        FileKind::ExpoConfig => expo::extract(input),
        FileKind::Html => html::extract(input),
        FileKind::Pubspec => pubspec::extract(input),
        FileKind::PubspecLock => pubspec::extract_lock(input),
        FileKind::CargoToml => cargo::extract(input),
        FileKind::TauriConfig => tauri::extract_config(input),
        FileKind::TauriCapability => tauri::extract_capability(input),
        FileKind::Kotlin
        | FileKind::Java
        | FileKind::Swift
        | FileKind::ObjectiveC
        | FileKind::JavaScript
        | FileKind::TypeScript
        | FileKind::Dart
        | FileKind::Rust => extract_source(kind, input),
    }
}

fn extract_source(kind: FileKind, input: &FileInput) -> FileFacts {
    let Some(language) = language_of(kind) else {
        return FileFacts::default();
    };
    if !input
        .catalog
        .prefilter()
        .is_relevant(language, input.text.as_bytes())
    {
        return FileFacts::default();
    }
    let lowered = match kind {
        FileKind::Kotlin => kotlin::lower(input),
        FileKind::Java => java::lower(input),
        FileKind::Swift => swift::lower(input),
        FileKind::ObjectiveC => objc::lower(input),
        FileKind::JavaScript => javascript_lower::lower(input, false),
        FileKind::TypeScript => javascript_lower::lower(input, true),
        FileKind::Dart => dart::lower(input),
        FileKind::Rust => rust_lower::lower(input),
        _ => return FileFacts::default(),
    };
    match lowered {
        Ok(ir) => analyze::analyze(input, language, &ir),
        Err(reason) => {
            let mut facts = FileFacts::default();
            facts.problem(input.loc(1, 1), reason);
            facts
        }
    }
}

/// The flows the whole extraction finds in one file, as `(sdk, capability, sink line)`,
/// against the embedded catalog: shared by the language modules' flow tests.
#[cfg(test)]
pub(crate) fn test_flows(kind: FileKind, path: &str, text: &str) -> Vec<(String, String, u32)> {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    extract(kind, &input)
        .evidence
        .into_iter()
        .filter_map(|e| match e.kind {
            crate::model::EvidenceKind::Flow {
                sdk, capability, ..
            } => Some((sdk, capability, e.at.line)),
            _ => None,
        })
        .collect()
}
