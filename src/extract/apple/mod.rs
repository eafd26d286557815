//! iOS and macOS: property lists, privacy manifests, Xcode projects, CocoaPods, SwiftPM,
//! Carthage, Swift and Objective-C sources.

pub mod cocoapods;
pub mod objc;
pub mod plist;
pub mod swift;
pub mod swiftpm;
pub mod xcode;
pub mod xcodegen;

use crate::catalog::{IdKind, Identifiers, Language};
use crate::ecosystem::NamePattern::{Exact, Extension, Suffix};
use crate::ecosystem::{
    Ecosystem, FileClaim, LanguageSupport, ProjectMarker, Reader, RootClaim, RootKind,
    SemgrepLanguage, SkipReason, SkippedDir, no_literals,
};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

const IOS: Option<Platform> = Some(Platform::Ios);

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "apple",
    platforms: &[Platform::Ios],
    languages: &[
        LanguageSupport {
            language: Language::Swift,
            sdk_literals: module_names,
            package_literals: no_literals,
            semgrep: Some(SemgrepLanguage {
                names: &["swift"],
                reserved_words: &[],
                new_keyword: false,
            }),
        },
        // Semgrep has no Objective-C parser.
        LanguageSupport {
            language: Language::Objc,
            sdk_literals: module_names,
            package_literals: no_literals,
            semgrep: None,
        },
    ],
    id_kinds: &[IdKind::Pod, IdKind::Module, IdKind::Spm, IdKind::Carthage],
    files: &[
        FileClaim {
            kind: FileKind::InfoPlist,
            names: &[Exact("Info.plist"), Suffix("-Info.plist")],
            platform: IOS,
            reader: Reader::Manifest(plist::extract_info_plist),
        },
        FileClaim {
            kind: FileKind::PrivacyManifest,
            names: &[Exact("PrivacyInfo.xcprivacy")],
            platform: IOS,
            reader: Reader::Manifest(plist::extract_privacy_manifest),
        },
        FileClaim {
            kind: FileKind::XcodeProject,
            names: &[Exact("project.pbxproj")],
            platform: IOS,
            reader: Reader::Manifest(xcode::extract_pbxproj),
        },
        FileClaim {
            kind: FileKind::Xcconfig,
            names: &[Extension("xcconfig")],
            platform: IOS,
            reader: Reader::Manifest(xcode::extract_xcconfig),
        },
        FileClaim {
            kind: FileKind::XcodeGen,
            names: &[Exact("project.yml"), Exact("project.yaml")],
            platform: IOS,
            reader: Reader::Manifest(xcodegen::extract_xcodegen),
        },
        FileClaim {
            kind: FileKind::Podfile,
            names: &[Exact("Podfile")],
            platform: IOS,
            reader: Reader::Manifest(cocoapods::extract_podfile),
        },
        FileClaim {
            kind: FileKind::PodfileLock,
            names: &[Exact("Podfile.lock")],
            platform: IOS,
            reader: Reader::Manifest(cocoapods::extract_lock),
        },
        FileClaim {
            kind: FileKind::PackageSwift,
            names: &[Exact("Package.swift")],
            platform: IOS,
            reader: Reader::Manifest(swiftpm::extract_package_swift),
        },
        FileClaim {
            kind: FileKind::PackageResolved,
            names: &[Exact("Package.resolved")],
            platform: IOS,
            reader: Reader::Manifest(swiftpm::extract_package_resolved),
        },
        FileClaim {
            kind: FileKind::Cartfile,
            names: &[
                Exact("Cartfile"),
                Exact("Cartfile.resolved"),
                Exact("Cartfile.private"),
            ],
            platform: IOS,
            reader: Reader::Manifest(swiftpm::extract_cartfile),
        },
        FileClaim {
            kind: FileKind::Swift,
            names: &[Extension("swift")],
            platform: IOS,
            reader: Reader::Source {
                language: Language::Swift,
                lower: swift::lower,
            },
        },
        FileClaim {
            kind: FileKind::ObjectiveC,
            names: &[Extension("m"), Extension("mm"), Extension("h")],
            platform: IOS,
            reader: Reader::Source {
                language: Language::Objc,
                lower: objc::lower,
            },
        },
    ],
    project_markers: &[
        ProjectMarker::File("Podfile"),
        ProjectMarker::File("project.yml"),
        ProjectMarker::FolderSuffix(".xcodeproj"),
    ],
    module_markers: &[],
    skipped_dirs: &[
        SkippedDir {
            name: "Pods",
            why: SkipReason::Vendored,
        },
        SkippedDir {
            name: "Carthage",
            why: SkipReason::Vendored,
        },
        SkippedDir {
            name: ".build",
            why: SkipReason::BuildOutput,
        },
        SkippedDir {
            name: "DerivedData",
            why: SkipReason::BuildOutput,
        },
    ],
    folds: &[],
    unit_root,
};

/// An Xcode project, XcodeGen spec or Podfile makes an app of the folder holding its
/// project bundle (`App/App.xcodeproj/project.pbxproj` → `App`).
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    if !matches!(marker, Marker::IosApp) {
        return None;
    }
    let mut dir = dir;
    while dir.ends_with(".xcodeproj") || dir.ends_with(".xcworkspace") {
        dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    Some(RootClaim {
        dir: dir.to_string(),
        kind: RootKind::Native,
    })
}

/// Swift and Objective-C sources import an SDK by its module.
fn module_names(ids: &Identifiers) -> Vec<String> {
    ids.ios_modules.clone()
}
