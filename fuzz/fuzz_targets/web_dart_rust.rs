//! package.json and the npm, Yarn, pnpm and Bun lockfiles, Expo app.json, HTML,
//! pubspec.yaml/.lock, Cargo.toml, Tauri config and capability files.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

const KINDS: &[(FileKind, &str)] = &[
    (FileKind::PackageJson, "package.json"),
    (FileKind::NpmLock, "package-lock.json"),
    (FileKind::YarnLock, "yarn.lock"),
    (FileKind::PnpmLock, "pnpm-lock.yaml"),
    (FileKind::BunLock, "bun.lock"),
    (FileKind::ExpoConfig, "app.json"),
    (FileKind::Html, "public/index.html"),
    (FileKind::Pubspec, "pubspec.yaml"),
    (FileKind::PubspecLock, "pubspec.lock"),
    (FileKind::CargoToml, "src-tauri/Cargo.toml"),
    (FileKind::TauriConfig, "src-tauri/tauri.conf.json"),
    (
        FileKind::TauriCapability,
        "src-tauri/capabilities/default.json",
    ),
];

fuzz_target!(|data: &[u8]| {
    if let Some((kind, path, bytes)) = pick(data, KINDS) {
        run_extractor(kind, path, bytes);
    }
});
