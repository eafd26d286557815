//! The facts privlint finds, shared by every stage of the pipeline.
//!
//! Extractors produce [`FileFacts`]; the linker turns them into app units and ties;
//! rules turn those into findings (see `crate::finding`).

use std::collections::BTreeMap;

use serde::Serialize;

/// A place in a scanned file. Paths are relative to the scan root, with `/`;
/// line and column are 1-based (column counts characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(path: impl Into<String>, line: u32, column: u32) -> Self {
        Self {
            path: path.into(),
            line,
            column,
        }
    }

    /// The location of byte `offset` in `text`.
    pub fn at_offset(path: &str, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        Self::new(path, line, column)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The ecosystem a piece of evidence comes from; an app unit lists the platforms it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    Android,
    Ios,
    ReactNative,
    Flutter,
    /// A Capacitor (Ionic) or Cordova hybrid app.
    Capacitor,
    Web,
    Rust,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Android => "android",
            Platform::Ios => "ios",
            Platform::ReactNative => "react-native",
            Platform::Flutter => "flutter",
            Platform::Capacitor => "capacitor",
            Platform::Web => "web",
            Platform::Rust => "rust",
        }
    }
}

/// How an SDK was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// Declared as a dependency in a build or package manifest.
    Dependency,
    /// Imported (or referenced by a qualified name) in source.
    Import,
    /// Loaded by a `<script src>` or a known inline snippet.
    Script,
}

/// Location precision and background flags attached to a capability fact.
/// `precise: None` means the fact says nothing about precision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Level {
    pub precise: Option<bool>,
    pub background: bool,
}

impl Level {
    pub const NONE: Level = Level {
        precise: None,
        background: false,
    };
    pub fn precise() -> Self {
        Level {
            precise: Some(true),
            background: false,
        }
    }
    pub fn coarse() -> Self {
        Level {
            precise: Some(false),
            background: false,
        }
    }
    pub fn background() -> Self {
        Level {
            precise: None,
            background: true,
        }
    }
}

/// One step of a data-flow chain: where the value went and what happened there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Step {
    pub at: Location,
    pub message: String,
}

/// One located fact found in one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Evidence {
    pub at: Location,
    pub kind: EvidenceKind,
    /// Short human text: the coordinate, key, API or import that was matched.
    pub detail: String,
    /// For a dependency a lockfile resolves: whether the app declares it and which
    /// packages pull it in. `None` for everything else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Box<Resolution>>,
}

impl Evidence {
    /// Pulled in by another package, as a lockfile records it.
    pub fn is_transitive(&self) -> bool {
        self.resolution.as_ref().and_then(|r| r.direct) == Some(false)
    }
}

/// How a lockfile says a package got into the build.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Resolution {
    /// The app declares it (`Some(true)`), another package pulls it in (`Some(false)`),
    /// or the lockfile does not say (`None`: `gradle.lockfile`).
    pub direct: Option<bool>,
    /// The packages that bring it in, from the app's own dependency down to its parent;
    /// empty when direct or when the lockfile records no graph.
    pub via: Vec<String>,
    /// The resolved version, when the lockfile gives one.
    pub version: Option<String>,
    /// Every package of the lockfile graph that pulls this one in, mapped to its
    /// dependency one step closer to it (a shortest path), so the linker can walk from
    /// each workspace's own dependencies (`crate::link::workspaces`). Internal: empty
    /// for formats whose graph is not read per workspace, and never part of an output.
    #[serde(skip)]
    pub toward: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// The SDK ships with the app or is imported.
    SdkPresence { sdk: String, via: Presence },
    /// A permission, usage key, config entry or manifest data type grants (or, with
    /// `removed`, explicitly strips) a capability.
    CapabilityDeclared {
        capability: String,
        level: Level,
        /// `tools:node="remove"`, `blockedPermissions`: the app strips it.
        removed: bool,
        /// What declares it (a permission, usage key, plugin or feature name): a strip
        /// cancels the declarations of the same key.
        key: String,
    },
    /// A platform API that reads the capability is called.
    CapabilityUse { capability: String, level: Level },
    /// An SDK API that takes or switches on a capability is called (the call is the sink).
    SdkApiCall { sdk: String, capability: String },
    /// A value read from a capability API reaches an argument of an SDK call.
    /// `at` is the sink; `chain` runs from the source to the sink.
    Flow {
        sdk: String,
        capability: String,
        chain: Vec<Step>,
    },
    /// The privacy manifest (PrivacyInfo.xcprivacy) declares a collected data type.
    PrivacyManifestDataType { data_type: String },
    /// The privacy manifest sets `NSPrivacyTracking`.
    PrivacyManifestTracking { tracking: bool },
    /// A usage description (Info.plist key or build setting) is present.
    PurposeString { key: String },
    /// An Xcode build setting `INFOPLIST_FILE` names a target's Info.plist; `path` is
    /// scan-relative (resolved against the project's folder).
    InfoPlistFile { path: String },
    /// A consent gate's call or answer handler (a CMP, Google UMP, ATT, Consent Mode
    /// defaults); see `crate::consent`.
    ConsentGate { gate: String },
    /// A manifest or Info.plist switch of an SDK's automatic collection; `held` when its
    /// value holds collection until the app turns it on.
    CollectionSwitch {
        sdk: String,
        platform: Platform,
        held: bool,
    },
    /// An SDK call that starts or enables collection; `gate` is the consent gate (or
    /// `sdk-hold`) it waits for, `startup` whether it runs when the app starts.
    SdkStart {
        sdk: String,
        gate: Option<String>,
        startup: bool,
    },
}

impl EvidenceKind {
    pub fn sdk(&self) -> Option<&str> {
        match self {
            EvidenceKind::SdkPresence { sdk, .. }
            | EvidenceKind::SdkApiCall { sdk, .. }
            | EvidenceKind::Flow { sdk, .. } => Some(sdk),
            _ => None,
        }
    }
    pub fn capability(&self) -> Option<&str> {
        match self {
            EvidenceKind::CapabilityDeclared { capability, .. }
            | EvidenceKind::CapabilityUse { capability, .. }
            | EvidenceKind::SdkApiCall { capability, .. }
            | EvidenceKind::Flow { capability, .. } => Some(capability),
            _ => None,
        }
    }
}

/// Facts about the project layout, used to build app units.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Marker {
    /// A Gradle module applying `com.android.application`.
    AndroidApplication,
    /// A Gradle module applying `com.android.library` (or any other Gradle module).
    GradleModule,
    /// `project(":path")` dependency of the Gradle module this file belongs to.
    GradleProjectDependency { project: String },
    /// `include(":a:b")` in settings.gradle; `dir` is the module directory relative to
    /// the scan root when settings gives one (`projectDir = file(...)`).
    GradleInclude {
        project: String,
        dir: Option<String>,
    },
    /// An Xcode project, XcodeGen spec or Podfile: the directory is an iOS app.
    IosApp,
    /// A package.json; `react_native` when it depends on react-native or expo.
    PackageJson {
        name: Option<String>,
        react_native: bool,
        expo: bool,
    },
    /// A pubspec.yaml of a Flutter app (not a plugin or a pure Dart package).
    FlutterApp,
    /// A shipped dependency on a local package by path (pubspec `path:`); `dir` is as
    /// written, relative to the folder of the file that declares it.
    LocalPackageDependency { dir: String },
    /// A Cargo.toml (a `tauri` dependency makes it a Tauri app).
    CargoPackage { tauri: bool },
    /// tauri.conf.json: the Tauri app's root is the parent of its `src-tauri` folder.
    TauriConfig,
    /// An HTML page: its folder is a web root unless it lies inside another unit.
    WebPage,
    /// A local script a page loads (`<script src="../js/ga.js">`) or a script imports
    /// (`import "./ga.js"`): `path` as written, relative to the file's folder, without
    /// query or fragment. The script ships in the units of the file that names it.
    LocalScript { path: String },
    /// A Capacitor config, an `ionic.config.json` or a Cordova project's `config.xml`:
    /// the folder is a hybrid app that folds its web layer, `android/` and `ios/`.
    HybridApp,
    /// A version catalog accessor a Gradle build file uses in a shipped dependency
    /// configuration: `libs.firebase.analytics` → catalog `libs`, accessor
    /// `firebase.analytics`; `libs.bundles.x` → `bundles.x`; `libs.findLibrary("a-b")`
    /// → `a.b`. Accessors are normalised like Gradle does (`-`, `_` → `.`), lowercase.
    VersionCatalogUse { catalog: String, accessor: String },
    /// A `[libraries]` entry of a version catalog that maps to `sdk`; it sits at the same
    /// location as that entry's `SdkPresence`. `alias` is normalised as in
    /// `VersionCatalogUse`.
    VersionCatalogLibrary { alias: String, sdk: String },
    /// A `[bundles]` entry of a version catalog and its member aliases (normalised).
    VersionCatalogBundle {
        bundle: String,
        members: Vec<String>,
    },
    /// The products a target links from a Swift package (pbxproj
    /// `XCSwiftPackageProductDependency`, XcodeGen `dependencies`, Package.swift
    /// `.product(name:package:)`); `url` as written.
    SwiftPackageProducts { url: String, products: Vec<String> },
    /// The npm packages a package.json declares for shipping (`dependencies`,
    /// `optionalDependencies`, `peerDependencies`), sorted: the roots from which a
    /// workspace's share of a shared lockfile is walked.
    NpmDependencies { names: Vec<String> },
}

/// A located project marker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MarkerAt {
    pub at: Location,
    pub marker: Marker,
}

/// `privlint: allow(RULE) -- reason` written in a comment of a scanned file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InlineAllow {
    pub at: Location,
    /// Rule names or codes as written.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// The line the comment covers: its own line when it trails code, else the next
    /// line holding code.
    pub covers_line: u32,
}

/// Why a file could not be analysed (PL900).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileProblem {
    pub at: Location,
    pub reason: String,
}

/// Everything one extractor found in one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    pub evidence: Vec<Evidence>,
    pub markers: Vec<MarkerAt>,
    pub allows: Vec<InlineAllow>,
    pub problems: Vec<FileProblem>,
    /// What each function does with the values it gets and makes, for the cross-file
    /// flow linker; internal, never part of an output.
    #[serde(skip)]
    pub summary: Option<Box<crate::extract::analyze::summary::FileSummary>>,
}

impl FileFacts {
    pub fn push(&mut self, at: Location, kind: EvidenceKind, detail: impl Into<String>) {
        self.evidence.push(Evidence {
            at,
            kind,
            detail: detail.into(),
            resolution: None,
        });
    }
    /// An SDK dependency resolved by a lockfile.
    pub fn push_resolved(
        &mut self,
        at: Location,
        sdk: String,
        detail: impl Into<String>,
        resolution: Resolution,
    ) {
        self.evidence.push(Evidence {
            at,
            kind: EvidenceKind::SdkPresence {
                sdk,
                via: Presence::Dependency,
            },
            detail: detail.into(),
            resolution: Some(Box::new(resolution)),
        });
    }
    pub fn marker(&mut self, at: Location, marker: Marker) {
        self.markers.push(MarkerAt { at, marker });
    }
    pub fn problem(&mut self, at: Location, reason: impl Into<String>) {
        self.problems.push(FileProblem {
            at,
            reason: reason.into(),
        });
    }
    pub fn extend(&mut self, other: FileFacts) {
        self.evidence.extend(other.evidence);
        self.markers.extend(other.markers);
        self.allows.extend(other.allows);
        self.problems.extend(other.problems);
        if other.summary.is_some() {
            self.summary = other.summary;
        }
    }
}
