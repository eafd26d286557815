//! Test and tooling code: sources that are built into test runners (unit, instrumented,
//! UI and end-to-end suites), never into the shipped app. Such a file neither declares
//! nor uses a capability for the app and never makes a tie (issue 14.8).

/// Folder names that hold only tests, wherever they sit (`src/test`, `__tests__`,
/// `e2e/`, `androidTest`).
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "androidTest",
    "androidTestDebug",
    "testDebug",
    "testRelease",
    "sharedTest",
    "testFixtures",
    "integration_test",
    "test_driver",
    "e2e",
    "detox",
    "cypress",
    "playwright",
    "selenium",
    "appium",
    "spec",
    "specs",
];

/// Folder name endings of Xcode test targets (`AppTests/`, `AppUITests/`) and Swift
/// package test targets.
const TEST_DIR_SUFFIXES: &[&str] = &["Tests", "UITests", "Test"];

/// File name parts of test sources: `x.test.ts`, `x.spec.js`, `x_test.dart`,
/// `FooTest.kt`, `FooTests.swift`.
const TEST_FILE_INFIXES: &[&str] = &[".test.", ".spec.", ".e2e.", "_test.", "_spec."];
const TEST_FILE_STEM_SUFFIXES: &[&str] = &["Test", "Tests", "Spec", "UITest", "UITests"];

/// Whether `path` (scan-relative, `/`-separated) is test code.
pub fn is_test_path(path: &str) -> bool {
    let mut segments: Vec<&str> = path.split('/').collect();
    let Some(file) = segments.pop() else {
        return false;
    };
    let in_test_dir = segments.iter().any(|dir| {
        TEST_DIRS.contains(dir)
            || TEST_DIR_SUFFIXES
                .iter()
                .any(|s| dir.len() > s.len() && dir.ends_with(s))
    });
    if in_test_dir {
        return true;
    }
    if TEST_FILE_INFIXES.iter().any(|i| file.contains(i)) {
        return true;
    }
    let stem = file.split('.').next().unwrap_or(file);
    TEST_FILE_STEM_SUFFIXES
        .iter()
        .any(|s| stem.len() > s.len() && stem.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_folders_and_files_are_test_code() {
        for path in [
            "app/src/test/java/com/acme/MapTest.kt",
            "app/src/androidTest/java/com/acme/Flow.kt",
            "src/__tests__/geo.js",
            "src/geo.test.ts",
            "src/geo.spec.tsx",
            "e2e/login.js",
            "integration_test/app_test.dart",
            "test/widget_test.dart",
            "ios/AppTests/LocationTests.swift",
            "ios/AppUITests/Flow.swift",
            "Sources/Geo/GeoSpec.swift",
        ] {
            assert!(is_test_path(path), "{path}");
        }
    }

    #[test]
    fn app_code_with_test_like_words_is_not_test_code() {
        for path in [
            "app/src/main/java/com/acme/Contest.kt",
            "src/latest.js",
            "lib/testimonials.dart",
            "ios/App/Attestation.swift",
            "ios/App/Info.plist",
            "src/Tests.swift",
            "web/protest/index.html",
        ] {
            assert!(!is_test_path(path), "{path}");
        }
    }
}
