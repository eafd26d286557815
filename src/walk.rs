//! Discovery: which files to look at, and what kind each one is (by name only).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::ecosystem::{self, SkipReason};

/// What a file is, decided from its name (and, for a few, its folders). The kinds are the
/// shared vocabulary of walk, extract and link; which ecosystem claims each kind, by which
/// names, and how it is read is written once in that ecosystem's [`Ecosystem`]
/// description (`crate::ecosystem`).
///
/// [`Ecosystem`]: crate::ecosystem::Ecosystem
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    AndroidManifest,
    /// `build.gradle` or `build.gradle.kts`.
    GradleBuild,
    /// `settings.gradle` or `settings.gradle.kts`.
    GradleSettings,
    /// `*.versions.toml` (Gradle version catalog).
    VersionCatalog,
    Kotlin,
    Java,
    /// `Info.plist`, `*-Info.plist`, `*.plist` holding app settings (XML or binary).
    InfoPlist,
    /// `PrivacyInfo.xcprivacy`.
    PrivacyManifest,
    /// `project.pbxproj`.
    XcodeProject,
    Xcconfig,
    Podfile,
    PodfileLock,
    PackageSwift,
    PackageResolved,
    /// XcodeGen `project.yml`.
    XcodeGen,
    /// `Cartfile`, `Cartfile.resolved`.
    Cartfile,
    Swift,
    ObjectiveC,
    PackageJson,
    /// `app.json`, `app.config.json`, `app.config.js`, `app.config.ts`.
    ExpoConfig,
    JavaScript,
    TypeScript,
    Html,
    Pubspec,
    PubspecLock,
    Dart,
    CargoToml,
    Rust,
    /// `tauri.conf.json` (and `tauri.*.conf.json`).
    TauriConfig,
    /// `capabilities/*.json` under a `src-tauri` folder.
    TauriCapability,
    /// `capacitor.config.json`, `capacitor.config.ts`, `capacitor.config.js`.
    CapacitorConfig,
    /// `ionic.config.json`.
    IonicConfig,
    /// Cordova `config.xml`.
    CordovaConfig,
    /// A Cordova plugin's `plugin.xml`.
    CordovaPlugin,
    /// Capacitor's generated `capacitor.settings.gradle` and `capacitor.build.gradle`.
    CapacitorGradle,
    /// `package-lock.json`, `npm-shrinkwrap.json`.
    NpmLock,
    /// `yarn.lock` (v1 and Berry).
    YarnLock,
    /// `pnpm-lock.yaml`.
    PnpmLock,
    /// `bun.lock` (Bun's text lockfile).
    BunLock,
    /// `gradle.lockfile`, `settings-gradle.lockfile`.
    GradleLockfile,
    CargoLock,
}

impl FileKind {
    /// Every kind, for the registry's completeness test.
    #[cfg(test)]
    pub const ALL: [FileKind; 41] = [
        FileKind::AndroidManifest,
        FileKind::GradleBuild,
        FileKind::GradleSettings,
        FileKind::VersionCatalog,
        FileKind::Kotlin,
        FileKind::Java,
        FileKind::InfoPlist,
        FileKind::PrivacyManifest,
        FileKind::XcodeProject,
        FileKind::Xcconfig,
        FileKind::Podfile,
        FileKind::PodfileLock,
        FileKind::PackageSwift,
        FileKind::PackageResolved,
        FileKind::XcodeGen,
        FileKind::Cartfile,
        FileKind::Swift,
        FileKind::ObjectiveC,
        FileKind::PackageJson,
        FileKind::ExpoConfig,
        FileKind::JavaScript,
        FileKind::TypeScript,
        FileKind::Html,
        FileKind::Pubspec,
        FileKind::PubspecLock,
        FileKind::Dart,
        FileKind::CargoToml,
        FileKind::Rust,
        FileKind::TauriConfig,
        FileKind::TauriCapability,
        FileKind::CapacitorConfig,
        FileKind::IonicConfig,
        FileKind::CordovaConfig,
        FileKind::CordovaPlugin,
        FileKind::CapacitorGradle,
        FileKind::NpmLock,
        FileKind::YarnLock,
        FileKind::PnpmLock,
        FileKind::BunLock,
        FileKind::GradleLockfile,
        FileKind::CargoLock,
    ];

    /// Source files go through the prefilter; manifests are always parsed.
    pub fn is_source(self) -> bool {
        ecosystem::language_of(self).is_some()
    }

    pub fn classify(path: &Path) -> Option<FileKind> {
        ecosystem::classify(path)
    }
}

/// A file the walk found, with its path relative to the scan root (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub relative: String,
    pub absolute: PathBuf,
    pub kind: FileKind,
}

/// Something the walk could not enter or that it skipped, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkProblem {
    pub relative: String,
    pub reason: String,
}

/// What the walk could not enter or skipped (the files themselves go to `found`).
#[derive(Debug, Default)]
pub struct WalkResult {
    pub problems: Vec<WalkProblem>,
    /// Files skipped on purpose (bundles, minified code, vendored folders), with reason.
    pub skipped: Vec<WalkProblem>,
}

/// Version-control and editor folders: never app code, skipped without a line in the
/// report. Build outputs and vendored folders come from the ecosystems.
const QUIET_SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".svn", ".idea"];

/// Walk `root` in parallel, never following symbolic links (so never leaving the root),
/// skipping build outputs and vendored folders (listed, with the reason).
///
/// `.gitignore`, `.ignore` and git's exclude files are not read: they live in the tree
/// being judged, so a pull request could add `*.kt` to one and hide its own code. The
/// policy's `paths.ignore` is the only way to exclude files from judgement.
///
/// `subroots` (folders under `root`) limit the walk to those folders; paths stay
/// relative to `root`. Empty means the whole root.
///
/// Each file found is handed to `found` at once (from the walker's threads, in no
/// particular order), so extraction can start before the walk ends.
pub fn walk(
    root: &Path,
    subroots: &[PathBuf],
    threads: usize,
    found: &(dyn Fn(Candidate) + Sync),
) -> WalkResult {
    let result = Mutex::new(WalkResult::default());
    let root_owned = root.to_path_buf();
    let mut builder = WalkBuilder::new(subroots.first().map_or(root, PathBuf::as_path));
    for extra in subroots.iter().skip(1) {
        builder.add(extra);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .ignore(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .parents(false)
        .threads(threads);
    // Skipped folders are listed (once each, with the reason), never dropped silently.
    let skipped_dirs = std::sync::Arc::new(Mutex::new(Vec::new()));
    let skipped_in_filter = std::sync::Arc::clone(&skipped_dirs);
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let skip = is_dir && entry.depth() > 0 && is_skipped_dir(entry.file_name());
        if skip && skipped_dir_reason(entry.file_name()).is_some() {
            let mut list = skipped_in_filter.lock().unwrap_or_else(|e| e.into_inner());
            list.push(entry.path().to_path_buf());
        }
        !skip
    });
    builder.build_parallel().run(|| {
        let result = &result;
        let root = &root_owned;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if entry.depth() > 0 && entry.path_is_symlink() {
                        // Never followed (it may lead out of the root), never silent.
                        if FileKind::classify(entry.path()).is_some() {
                            let relative =
                                relative_path(root, entry.path()).unwrap_or_else(|lossy| lossy);
                            let mut r = result.lock().unwrap_or_else(|e| e.into_inner());
                            r.skipped.push(WalkProblem {
                                relative,
                                reason: "symbolic link, not followed".into(),
                            });
                        }
                        return WalkState::Continue;
                    }
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if !is_file {
                        return WalkState::Continue;
                    }
                    let path = entry.path();
                    let relative = relative_path(root, path);
                    match relative {
                        Ok(relative) => {
                            if let Some(kind) = FileKind::classify(path) {
                                found(Candidate {
                                    relative,
                                    absolute: path.to_path_buf(),
                                    kind,
                                });
                            }
                        }
                        Err(relative) => {
                            // Classify the lossy name: `caf\u{FFFD}.kt` is still Kotlin.
                            if FileKind::classify(Path::new(&relative)).is_some() {
                                let mut r = result.lock().unwrap_or_else(|e| e.into_inner());
                                r.problems.push(WalkProblem {
                                    relative,
                                    reason: "the file name is not valid UTF-8".into(),
                                });
                            }
                        }
                    }
                }
                Err(err) => {
                    let relative = error_path(&err)
                        .map(|p| relative_path(root, &p).unwrap_or_else(|lossy| lossy))
                        .unwrap_or_else(|| ".".into());
                    let mut r = result.lock().unwrap_or_else(|e| e.into_inner());
                    r.problems.push(WalkProblem {
                        relative,
                        reason: describe_walk_error(&err),
                    });
                }
            }
            WalkState::Continue
        })
    });
    let mut result = result.into_inner().unwrap_or_else(|e| e.into_inner());
    result.problems.sort();
    result.problems.dedup();
    let dirs = std::mem::take(&mut *skipped_dirs.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in dirs {
        let name = dir.file_name().unwrap_or_default().to_os_string();
        let relative = relative_path(root, &dir).unwrap_or_else(|lossy| lossy);
        if let Some(reason) = skipped_dir_reason(&name) {
            result.skipped.push(WalkProblem {
                relative: format!("{relative}/"),
                reason: reason.to_string(),
            });
        }
    }
    result.skipped.sort();
    result
}

/// Why a skipped folder is not analysed; `None` for version-control and editor folders,
/// which are never app code and not worth a line in every report.
fn skipped_dir_reason(name: &std::ffi::OsStr) -> Option<&'static str> {
    ecosystem::skipped_dir(name.to_str()?).map(SkipReason::as_str)
}

fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| QUIET_SKIPPED_DIRS.contains(&n) || ecosystem::skipped_dir(n).is_some())
}

/// `/`-separated path of `path` relative to `root`; `Err` holds a lossy rendering when
/// the path is not valid UTF-8. Control characters are written as `\u{…}` escapes: a
/// file name must never break a report line or forge a workflow command (`\n::error`),
/// and the file is still analysed under its escaped name.
pub fn relative_path(root: &Path, path: &Path) -> Result<String, String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    let mut lossy = false;
    for c in rel.components() {
        match c.as_os_str().to_str() {
            Some(s) => parts.push(escape_controls(s)),
            None => {
                lossy = true;
                parts.push(escape_controls(&c.as_os_str().to_string_lossy()));
            }
        }
    }
    let joined = if parts.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| ".".into())
    } else {
        parts.join("/")
    };
    if lossy { Err(joined) } else { Ok(joined) }
}

/// `name` with every control character written as its `\u{…}` escape.
fn escape_controls(name: &str) -> String {
    if !name.chars().any(char::is_control) {
        return name.to_string();
    }
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe_walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to {}", ancestor.display())
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe_walk_error(err),
        ignore::Error::Io(e) => format!("cannot read: {e}"),
        other => other.to_string(),
    }
}
