//! Info.plist, PrivacyInfo.xcprivacy, project.pbxproj, xcconfig, XcodeGen, Podfile,
//! Podfile.lock, Package.swift, Package.resolved, Cartfile.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

const KINDS: &[(FileKind, &str)] = &[
    (FileKind::InfoPlist, "ios/App/Info.plist"),
    (FileKind::PrivacyManifest, "ios/App/PrivacyInfo.xcprivacy"),
    (FileKind::XcodeProject, "ios/App.xcodeproj/project.pbxproj"),
    (FileKind::Xcconfig, "ios/App.xcconfig"),
    (FileKind::XcodeGen, "ios/project.yml"),
    (FileKind::Podfile, "ios/Podfile"),
    (FileKind::PodfileLock, "ios/Podfile.lock"),
    (FileKind::PackageSwift, "Package.swift"),
    (FileKind::PackageResolved, "Package.resolved"),
    (FileKind::Cartfile, "Cartfile"),
];

fuzz_target!(|data: &[u8]| {
    if let Some((kind, path, bytes)) = pick(data, KINDS) {
        run_extractor(kind, path, bytes);
    }
});
