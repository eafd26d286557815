//! JavaScript apps: npm `package.json` and lockfiles (npm, Yarn, pnpm, Bun), Expo configs, web pages, JavaScript and TypeScript
//! sources.

pub mod bun_lock;
pub mod expo;
pub mod html;
pub mod lower;
pub mod npm_lock;
pub mod package_json;
pub mod pnpm_lock;
pub mod yarn_lock;

use crate::catalog::{IdKind, Identifiers, Language, PackagesDef};
use crate::ecosystem::NamePattern::{Exact, Extension};
use crate::ecosystem::{
    Ecosystem, FileClaim, Fold, LanguageSupport, ProjectMarker, Reader, RootClaim, RootKind,
    SemgrepLanguage, SkipReason, SkippedDir,
};
use crate::extract::FileInput;
use crate::extract::ir::SourceIr;
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

const fn build_output(name: &'static str) -> SkippedDir {
    SkippedDir {
        name,
        why: SkipReason::BuildOutput,
    }
}

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "javascript",
    platforms: &[Platform::ReactNative, Platform::Web],
    languages: &[LanguageSupport {
        language: Language::Javascript,
        sdk_literals: script_literals,
        package_literals: npm_packages,
        semgrep: Some(SemgrepLanguage {
            names: &["javascript", "typescript"],
            reserved_words: &[],
            new_keyword: true,
        }),
    }],
    id_kinds: &[IdKind::Npm, IdKind::Script, IdKind::Global],
    files: &[
        // Web and React Native alike: the markers decide.
        FileClaim {
            kind: FileKind::PackageJson,
            names: &[Exact("package.json")],
            platform: None,
            reader: Reader::Manifest(package_json::extract),
        },
        FileClaim {
            kind: FileKind::NpmLock,
            names: &[Exact("package-lock.json"), Exact("npm-shrinkwrap.json")],
            platform: None,
            reader: Reader::Manifest(npm_lock::extract),
        },
        FileClaim {
            kind: FileKind::YarnLock,
            names: &[Exact("yarn.lock")],
            platform: None,
            reader: Reader::Manifest(yarn_lock::extract),
        },
        FileClaim {
            kind: FileKind::PnpmLock,
            names: &[Exact("pnpm-lock.yaml")],
            platform: None,
            reader: Reader::Manifest(pnpm_lock::extract),
        },
        FileClaim {
            kind: FileKind::BunLock,
            names: &[Exact("bun.lock")],
            platform: None,
            reader: Reader::Manifest(bun_lock::extract),
        },
        FileClaim {
            kind: FileKind::ExpoConfig,
            names: &[
                Exact("app.json"),
                Exact("app.config.json"),
                Exact("app.config.js"),
                Exact("app.config.ts"),
            ],
            platform: Some(Platform::ReactNative),
            reader: Reader::Manifest(expo::extract),
        },
        FileClaim {
            kind: FileKind::Html,
            names: &[Extension("html"), Extension("htm")],
            platform: Some(Platform::Web),
            reader: Reader::Manifest(html::extract),
        },
        FileClaim {
            kind: FileKind::JavaScript,
            names: &[
                Extension("js"),
                Extension("jsx"),
                Extension("mjs"),
                Extension("cjs"),
            ],
            platform: None,
            reader: Reader::Source {
                language: Language::Javascript,
                lower: lower_javascript,
            },
        },
        FileClaim {
            kind: FileKind::TypeScript,
            names: &[
                Extension("ts"),
                Extension("tsx"),
                Extension("mts"),
                Extension("cts"),
            ],
            platform: None,
            reader: Reader::Source {
                language: Language::Javascript,
                lower: lower_typescript,
            },
        },
    ],
    project_markers: &[ProjectMarker::File("package.json")],
    module_markers: &[],
    skipped_dirs: &[
        SkippedDir {
            name: "node_modules",
            why: SkipReason::Vendored,
        },
        SkippedDir {
            name: "bower_components",
            why: SkipReason::Vendored,
        },
        build_output(".next"),
        build_output(".expo"),
        build_output(".svelte-kit"),
        build_output("dist"),
    ],
    folds: &[Fold {
        folders: &["android", "ios", "macos", "web"],
        parent_marker: Some("package.json"),
    }],
    unit_root,
};

fn lower_javascript(input: &FileInput) -> Result<SourceIr, String> {
    lower::lower(input, false)
}

fn lower_typescript(input: &FileInput) -> Result<SourceIr, String> {
    lower::lower(input, true)
}

/// A React Native or Expo package is a cross-platform root; any other package.json or
/// an HTML page makes a web folder.
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    let kind = match marker {
        Marker::PackageJson {
            react_native, expo, ..
        } if *react_native || *expo => RootKind::CrossPlatform(Platform::ReactNative),
        Marker::PackageJson { .. } | Marker::WebPage => RootKind::Web,
        _ => return None,
    };
    Some(RootClaim {
        dir: dir.to_string(),
        kind,
    })
}

/// Scripts import an npm package (a scope's name for `@scope/*`), call a page global or
/// load a script host.
fn script_literals(ids: &Identifiers) -> Vec<String> {
    let npm = ids.npm.iter().map(|n| n.trim_end_matches("/*").to_string());
    let globals = ids.web_globals.iter().cloned();
    let hosts = ids
        .web_script_hosts
        .iter()
        .map(|h| h.split('/').next().unwrap_or(h).to_string());
    npm.chain(globals).chain(hosts).collect()
}

fn npm_packages(packages: &PackagesDef) -> Vec<String> {
    packages.npm.clone()
}
