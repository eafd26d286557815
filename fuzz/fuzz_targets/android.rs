//! Android manifest, Gradle build and settings scripts, Gradle version catalogs.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

const KINDS: &[(FileKind, &str)] = &[
    (
        FileKind::AndroidManifest,
        "app/src/main/AndroidManifest.xml",
    ),
    (FileKind::GradleBuild, "app/build.gradle.kts"),
    (FileKind::GradleBuild, "app/build.gradle"),
    (FileKind::GradleSettings, "settings.gradle.kts"),
    (FileKind::VersionCatalog, "gradle/libs.versions.toml"),
];

fuzz_target!(|data: &[u8]| {
    if let Some((kind, path, bytes)) = pick(data, KINDS) {
        run_extractor(kind, path, bytes);
    }
});
