//! The scope of a named file (the pre-commit case): the folder of the app it belongs to,
//! found from the ecosystems' project markers, module markers and folds.

use std::path::{Path, PathBuf};

use super::{ECOSYSTEMS, ProjectMarker};

/// Whether `dir` holds a project marker of any ecosystem.
fn is_project_folder(dir: &Path) -> bool {
    let markers = || ECOSYSTEMS.iter().flat_map(|e| e.project_markers);
    let has_file = markers().any(|m| matches!(m, ProjectMarker::File(f) if dir.join(f).is_file()));
    let suffixes: Vec<&str> = markers()
        .filter_map(|m| match m {
            ProjectMarker::FolderSuffix(s) => Some(*s),
            ProjectMarker::File(_) => None,
        })
        .collect();
    has_file
        || (!suffixes.is_empty()
            && std::fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    suffixes.iter().any(|s| name.ends_with(s))
                })
            }))
}

/// Whether `dir` holds a module marker (a Gradle module's build file).
fn is_module_folder(dir: &Path) -> bool {
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.module_markers)
        .any(|m| dir.join(m).is_file())
}

/// The project folder above a native folder (`android/`, `ios/`, `src-tauri/`) that an
/// ecosystem folds into it.
fn folded_into(folder: &Path) -> Option<&Path> {
    let name = folder.file_name()?.to_string_lossy();
    let parent = folder.parent()?;
    ECOSYSTEMS
        .iter()
        .flat_map(|e| e.folds)
        .any(|fold| {
            fold.folders.contains(&name.as_ref())
                && fold
                    .parent_marker
                    .is_none_or(|marker| parent.join(marker).is_file())
        })
        .then_some(parent)
}

/// The folder to analyse for a named file's app: the nearest ancestor holding a project
/// marker (a native folder widened to the cross-platform project it folds into), else
/// the nearest module folder, or `root` when there is none. Walking only that folder
/// keeps the pre-commit case fast in a large monorepo.
pub fn app_folder(root: &Path, named: &Path) -> PathBuf {
    let start = if named.is_dir() {
        named
    } else {
        named.parent().unwrap_or(root)
    };
    let below_root = || {
        start
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && *d != root)
    };
    // A module without settings of its own: the module folder, unless a settings file
    // above it makes it part of a multi-module project.
    let found = below_root()
        .find(|d| is_project_folder(d))
        .or_else(|| below_root().find(|d| is_module_folder(d)));
    let Some(mut folder) = found.map(Path::to_path_buf) else {
        return root.to_path_buf();
    };
    if let Some(parent) = folded_into(&folder) {
        folder = parent.to_path_buf();
    }
    if folder.as_os_str().is_empty() {
        root.to_path_buf()
    } else {
        folder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn a_named_file_is_scoped_to_its_project_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        touch(root, "apps/shop/package.json");
        touch(root, "apps/shop/android/settings.gradle");
        touch(root, "apps/shop/android/app/src/Main.kt");
        touch(root, "apps/flutter/pubspec.yaml");
        touch(root, "apps/flutter/ios/Runner.xcodeproj/project.pbxproj");
        touch(root, "apps/flutter/ios/Runner/AppDelegate.swift");
        touch(root, "libs/gradle-only/build.gradle.kts");
        touch(root, "libs/gradle-only/src/A.kt");
        touch(root, "tools/src-tauri/tauri.conf.json");
        touch(root, "tools/src-tauri/src/main.rs");
        touch(root, "loose/readme.kt");
        let scope = |rel: &str| {
            app_folder(root, &root.join(rel))
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        // React Native folds its android/ folder.
        assert_eq!(scope("apps/shop/android/app/src/Main.kt"), "apps/shop");
        // Flutter folds ios/, found by its `.xcodeproj` folder.
        assert_eq!(
            scope("apps/flutter/ios/Runner/AppDelegate.swift"),
            "apps/flutter"
        );
        // A Gradle module with no settings above it.
        assert_eq!(scope("libs/gradle-only/src/A.kt"), "libs/gradle-only");
        // src-tauri always belongs to the project above it, as in the linker's units.
        assert_eq!(scope("tools/src-tauri/src/main.rs"), "tools");
        // No project at all: the whole root.
        assert_eq!(scope("loose/readme.kt"), "");
    }
}
