//! Hybrid apps: Capacitor (Ionic) and Cordova. Their web code is JavaScript/TypeScript
//! (read by the JavaScript ecosystem), their npm plugins are `package.json`
//! dependencies; this ecosystem adds what makes them one app: the Capacitor and Ionic
//! configs and a Cordova project's `config.xml` mark the folder whose web layer,
//! `android/` and `ios/` fold into one unit, and the files that only hybrid projects
//! have (`config.xml`, local plugins' `plugin.xml`, Capacitor's generated Gradle files)
//! are read for SDKs and capabilities.

pub mod capacitor;
pub mod cordova;

use crate::ecosystem::NamePattern::Exact;
use crate::ecosystem::{Ecosystem, FileClaim, Fold, ProjectMarker, Reader, RootClaim, RootKind};
use crate::model::{Marker, Platform};
use crate::walk::FileKind;

const CAPACITOR: Option<Platform> = Some(Platform::Capacitor);

/// The config files whose folder is a hybrid app's root (for a named file's scope).
const CONFIGS: [&str; 4] = [
    "capacitor.config.json",
    "capacitor.config.ts",
    "capacitor.config.js",
    "ionic.config.json",
];

/// Capacitor keeps its native projects in `android/` and `ios/` next to its config.
const fn native_folders(parent_marker: &'static str) -> Fold {
    Fold {
        folders: &["android", "ios"],
        parent_marker: Some(parent_marker),
    }
}

pub static ECOSYSTEM: Ecosystem = Ecosystem {
    name: "hybrid",
    platforms: &[Platform::Capacitor],
    // The web layer is JavaScript/TypeScript and npm: the JavaScript ecosystem's.
    languages: &[],
    id_kinds: &[],
    files: &[
        FileClaim {
            kind: FileKind::CapacitorConfig,
            names: &[Exact(CONFIGS[0]), Exact(CONFIGS[1]), Exact(CONFIGS[2])],
            platform: CAPACITOR,
            reader: Reader::Manifest(capacitor::extract_config),
        },
        FileClaim {
            kind: FileKind::IonicConfig,
            names: &[Exact(CONFIGS[3])],
            // An Ionic project without Capacitor or Cordova is a web app.
            platform: None,
            reader: Reader::Manifest(capacitor::extract_ionic_config),
        },
        FileClaim {
            kind: FileKind::CapacitorGradle,
            names: &[
                Exact("capacitor.settings.gradle"),
                Exact("capacitor.build.gradle"),
            ],
            platform: CAPACITOR,
            reader: Reader::Manifest(capacitor::extract_gradle),
        },
        FileClaim {
            kind: FileKind::CordovaConfig,
            names: &[Exact("config.xml")],
            // Capacitor generates a config.xml in its native projects too: the file's
            // content (`cordova::extract_config`) decides whether it is a Cordova app.
            platform: None,
            reader: Reader::Manifest(cordova::extract_config),
        },
        FileClaim {
            kind: FileKind::CordovaPlugin,
            names: &[Exact("plugin.xml")],
            platform: None,
            reader: Reader::Manifest(cordova::extract_plugin),
        },
    ],
    project_markers: &[
        ProjectMarker::File(CONFIGS[0]),
        ProjectMarker::File(CONFIGS[1]),
        ProjectMarker::File(CONFIGS[2]),
        ProjectMarker::File(CONFIGS[3]),
    ],
    module_markers: &[],
    // Cordova's `platforms/` and `plugins/` are generated, but the names are too common
    // to skip everywhere; Cordova's own .gitignore keeps them out of most trees.
    skipped_dirs: &[],
    folds: &[
        native_folders(CONFIGS[0]),
        native_folders(CONFIGS[1]),
        native_folders(CONFIGS[2]),
        native_folders(CONFIGS[3]),
    ],
    unit_root,
};

/// A Capacitor, Ionic or Cordova project is a cross-platform root: it absorbs its web
/// folder and its native projects.
fn unit_root(marker: &Marker, dir: &str) -> Option<RootClaim> {
    matches!(marker, Marker::HybridApp).then(|| RootClaim {
        dir: dir.to_string(),
        kind: RootKind::CrossPlatform(Platform::Capacitor),
    })
}

/// The npm package a path into `node_modules` names: `../node_modules/@scope/name/android`
/// → `@scope/name`. Capacitor's generated native files point at their plugins this way.
pub(crate) fn npm_package_in_path(path: &str) -> Option<String> {
    let (_, rest) = path.rsplit_once("node_modules/")?;
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let first = parts.next()?;
    let name = if first.starts_with('@') {
        format!("{first}/{}", parts.next()?)
    } else {
        first.to_string()
    };
    Some(name)
}

#[cfg(test)]
mod tests;
