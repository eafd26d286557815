//! Ecosystems as the unit of knowledge. Each folder under `src/extract/` describes its
//! ecosystem once, in an [`Ecosystem`] value in its `mod.rs`: the files it claims (by
//! name), the project markers that make a folder an app root, the folders it knows to be
//! build outputs or vendored code, its platforms, source languages and identifier kinds,
//! and how its units fold. [`ECOSYSTEMS`] registers them; `walk`, `extract`, `link`, the
//! named-file scope ([`app_folder`]) and the Semgrep export read these descriptions
//! instead of keeping parallel lists.

mod app_folder;

use std::path::Path;

pub use app_folder::app_folder;

use crate::catalog::{IdKind, Identifiers, Language, PackagesDef};
use crate::extract::ir::SourceIr;
use crate::extract::{FileInput, android, apple, flutter, hybrid, javascript, rust};
use crate::model::{FileFacts, Marker, Platform};
use crate::walk::FileKind;

/// Every ecosystem privlint knows, one registration line each.
pub static ECOSYSTEMS: &[&Ecosystem] = &[
    &android::ECOSYSTEM,
    &apple::ECOSYSTEM,
    &javascript::ECOSYSTEM,
    &flutter::ECOSYSTEM,
    &rust::ECOSYSTEM,
    &hybrid::ECOSYSTEM,
];

/// What one ecosystem knows about files, folders and apps.
pub struct Ecosystem {
    pub name: &'static str,
    /// The platforms its units can have (each file claim names at most one of them).
    pub platforms: &'static [Platform],
    pub languages: &'static [LanguageSupport],
    /// The catalog identifier kinds its manifests and sources resolve.
    pub id_kinds: &'static [IdKind],
    pub files: &'static [FileClaim],
    /// Entries whose presence makes a folder a project folder (for a named file's scope).
    pub project_markers: &'static [ProjectMarker],
    /// Files of a module of a larger project: its folder is a named file's scope only when
    /// no project marker is found above the file.
    pub module_markers: &'static [&'static str],
    pub skipped_dirs: &'static [SkippedDir],
    /// Native folders a project root of this ecosystem absorbs.
    pub folds: &'static [Fold],
    /// The unit root (if any) a marker of this ecosystem's files makes of `dir`, the
    /// folder of the file holding it.
    pub unit_root: fn(&Marker, &str) -> Option<RootClaim>,
}

/// A file kind an ecosystem claims: which names it has, which platform it shows and how
/// it is read.
pub struct FileClaim {
    pub kind: FileKind,
    pub names: &'static [NamePattern],
    /// The platform a unit holding this file has; `None` when the file says nothing of it
    /// (a `package.json` is web and React Native alike).
    pub platform: Option<Platform>,
    pub reader: Reader,
}

/// How a file name is recognised. Exact names win over affixes, affixes over extensions,
/// whichever ecosystem claims them (`build.gradle.kts` is Gradle, not Kotlin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePattern {
    Exact(&'static str),
    /// The name ends with this (`-Info.plist`).
    Suffix(&'static str),
    /// The name starts with the first and ends with the second (`tauri.*.conf.json`).
    Affixes(&'static str, &'static str),
    /// The text after the last `.`.
    Extension(&'static str),
    /// An extension, only directly inside these nested folders (`src-tauri/capabilities`).
    ExtensionInside(&'static str, &'static [&'static str]),
}

impl NamePattern {
    /// 0 for exact names, 1 for affixes, 2 for extensions: the order they are tried in.
    fn rank(self) -> u8 {
        match self {
            NamePattern::Exact(_) => 0,
            NamePattern::Suffix(_) | NamePattern::Affixes(..) => 1,
            NamePattern::Extension(_) | NamePattern::ExtensionInside(..) => 2,
        }
    }

    fn matches(self, path: &Path, name: &str) -> bool {
        let extension = || name.rsplit_once('.').map(|(_, e)| e);
        match self {
            NamePattern::Exact(exact) => name == exact,
            NamePattern::Suffix(suffix) => name.ends_with(suffix),
            NamePattern::Affixes(prefix, suffix) => {
                name.starts_with(prefix) && name.ends_with(suffix)
            }
            NamePattern::Extension(ext) => extension() == Some(ext),
            NamePattern::ExtensionInside(ext, folders) => {
                extension() == Some(ext) && directly_inside(path, folders)
            }
        }
    }
}

/// Whether the folders holding `path` end with `folders` (outermost first).
fn directly_inside(path: &Path, folders: &[&str]) -> bool {
    let mut parents = path.ancestors().skip(1);
    folders.iter().rev().all(|folder| {
        parents
            .next()
            .is_some_and(|p| p.file_name().is_some_and(|n| n == *folder))
    })
}

/// How the extraction reads a claimed file.
#[derive(Clone, Copy)]
pub enum Reader {
    /// Manifests and build files: always parsed.
    Manifest(fn(&FileInput) -> FileFacts),
    /// Source files: prefiltered for `language`, then lowered to the shared IR.
    Source {
        language: Language,
        lower: fn(&FileInput) -> Result<SourceIr, String>,
    },
}

/// A source language of an ecosystem, with what the prefilter and the Semgrep export
/// need of it.
pub struct LanguageSupport {
    pub language: Language,
    /// The literals of an SDK's identifiers a file of this language must contain to
    /// import it (the prefilter's selective words).
    pub sdk_literals: fn(&Identifiers) -> Vec<String>,
    /// The literals of a capability's packages (npm, pub.dev, crates) in this language.
    pub package_literals: fn(&PackagesDef) -> Vec<String>,
    /// `None`: Semgrep has no parser for it.
    pub semgrep: Option<SemgrepLanguage>,
}

pub struct SemgrepLanguage {
    /// Semgrep's language names.
    pub names: &'static [&'static str],
    /// Words that cannot follow `.` in a call pattern.
    pub reserved_words: &'static [&'static str],
    /// Constructors are written `new T(...)`.
    pub new_keyword: bool,
}

/// An entry that marks a project folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectMarker {
    File(&'static str),
    /// A folder whose name ends with this (`.xcodeproj`).
    FolderSuffix(&'static str),
}

/// A folder never analysed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedDir {
    pub name: &'static str,
    pub why: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Third-party code the app's manifests already declare.
    Vendored,
    BuildOutput,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Vendored => {
                "vendored third-party code (the app's dependencies are read from its manifests)"
            }
            SkipReason::BuildOutput => "build output or tool cache",
        }
    }
}

/// Native folders (`android/`, `ios/`) that belong to the project above them: always,
/// or only when that folder holds `parent_marker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub folders: &'static [&'static str],
    pub parent_marker: Option<&'static str>,
}

/// The unit root a marker makes of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootClaim {
    pub dir: String,
    pub kind: RootKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RootKind {
    /// React Native, Expo, Flutter, Tauri: absorbs the native and web roots inside it.
    CrossPlatform(Platform),
    /// An Android application module, an iOS app.
    Native,
    /// A web folder, a root only when it lies in no other unit (an Android module's
    /// folder outside its sources does not count) and, unless it holds a page, holds no
    /// other web folder; page folders inside a page folder are part of that site.
    Web,
}

/// The claim on a file kind (every kind has exactly one; a unit test checks it).
pub fn claim_of(kind: FileKind) -> &'static FileClaim {
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.files)
        .find(|c| c.kind == kind)
        .expect("every FileKind is claimed by an ecosystem")
}

/// The kind of the file at `path`, from its name (and, for a few, its folders).
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    (0..=2).find_map(|rank| {
        ECOSYSTEMS.iter().flat_map(|e| e.files).find_map(|claim| {
            claim
                .names
                .iter()
                .any(|p| p.rank() == rank && p.matches(path, name))
                .then_some(claim.kind)
        })
    })
}

/// The source language of a file kind (`None` for manifests).
pub fn language_of(kind: FileKind) -> Option<Language> {
    match claim_of(kind).reader {
        Reader::Source { language, .. } => Some(language),
        Reader::Manifest(_) => None,
    }
}

/// The platform a file of this kind gives its unit.
pub fn platform_of(kind: FileKind) -> Option<Platform> {
    claim_of(kind).platform
}

/// Why a folder of this name is skipped, when an ecosystem knows it as build output or
/// vendored code.
pub fn skipped_dir(name: &str) -> Option<SkipReason> {
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.skipped_dirs)
        .find(|d| d.name == name)
        .map(|d| d.why)
}

/// What an ecosystem registers for a language (every language has one; a test checks it).
pub fn language_support(language: Language) -> &'static LanguageSupport {
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.languages)
        .find(|l| l.language == language)
        .expect("every Language is registered by an ecosystem")
}

/// For a language whose files name no packages of this kind.
pub fn no_literals<T>(_: &T) -> Vec<String> {
    Vec::new()
}

/// The Semgrep description of a language, if Semgrep can parse it.
pub fn semgrep_language(language: Language) -> Option<&'static SemgrepLanguage> {
    language_support(language).semgrep.as_ref()
}

/// The unit root a marker makes of `dir`, asking every ecosystem.
pub fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    ECOSYSTEMS.iter().find_map(|e| (e.unit_root)(marker, dir))
}

/// The project folder a folded native folder belongs to: `app/src-tauri` → `app`
/// (folds with no parent marker only; those with one need the file system).
pub fn unconditional_fold(dir: &str) -> Option<&str> {
    let (parent, last) = dir.rsplit_once('/').unwrap_or(("", dir));
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.folds)
        .any(|f| f.parent_marker.is_none() && f.folders.contains(&last))
        .then_some(parent)
}

#[cfg(test)]
mod tests;
