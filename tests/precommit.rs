//! The pre-commit hooks (`.pre-commit-hooks.yaml`) run by the real `pre-commit` client
//! in a throw-away app repository:
//! - `privlint-rust`: `pre-commit try-repo` installs it from a snapshot of this checkout
//!   (with `cargo install`, offline). A change that hands location to an attribution SDK
//!   is blocked; a clean change passes.
//! - `privlint` (the default): from the mirror repository scripts/pre-commit-mirror.sh
//!   writes, pip installs the `privlint` wheel — here a wheel holding this build, served
//!   from a local folder with no index — and nothing compiles.
//!
//! Needs `pre-commit` and the setuptools wheel in `.tools/wheels` (scripts/ci-tools.sh);
//! skipped with a notice when missing, failed under `PRIVLINT_REQUIRE_TOOLS=1`.

mod ci_tools;

use std::path::Path;
use std::process::{Command, Output};

use ci_tools::{git, init_repo, repo_root, snapshot_checkout, tool, write};

const POLICY: &str = "\
version: 1
sdks:
  allow: [appsflyer]
capabilities:
  location: { app: allow, sdks: [] }
";

const BUILD_GRADLE: &str = "\
plugins {
    id 'com.android.application'
}

android {
    namespace 'com.example.maps'
    compileSdk 34
}

dependencies {
    implementation 'com.google.android.gms:play-services-location:21.3.0'
}
";

const MANIFEST: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    <application android:label="Maps" />
</manifest>
"#;

const MAP_SCREEN: &str = "\
package com.example.maps

import android.content.Context
import com.google.android.gms.location.LocationServices

class MapScreen(private val context: Context) {
    fun centre(show: (Double, Double) -> Unit) {
        val client = LocationServices.getFusedLocationProviderClient(context)
        client.lastLocation.addOnSuccessListener { location ->
            show(location.latitude, location.longitude)
        }
    }
}
";

/// The app's own use of location, extended: still no SDK involved.
const MAP_SCREEN_CLEAN_CHANGE: &str = "\
package com.example.maps

import android.content.Context
import com.google.android.gms.location.LocationServices

class MapScreen(private val context: Context) {
    fun centre(show: (Double, Double) -> Unit) {
        val client = LocationServices.getFusedLocationProviderClient(context)
        client.lastLocation.addOnSuccessListener { location ->
            show(location.latitude, location.longitude)
        }
    }

    fun zoomLevel(): Int = 14
}
";

/// The change under review: an attribution SDK that receives the location.
const REPORTER: &str = "\
package com.example.maps

import android.content.Context
import com.appsflyer.AppsFlyerLib
import com.google.android.gms.location.LocationServices

class VisitReporter(private val context: Context) {
    fun report() {
        LocationServices.getFusedLocationProviderClient(context).lastLocation
            .addOnSuccessListener { location ->
                AppsFlyerLib.getInstance().logLocation(context, location.latitude, location.longitude)
            }
    }
}
";

fn try_repo(pre_commit: &Path, hook_repo: &Path, app: &Path, files: &[&str]) -> Output {
    let hook_target = repo_root().join("target/precommit-hook");
    Command::new(pre_commit)
        .current_dir(app)
        .args(["try-repo", "--color", "never"])
        .arg(hook_repo)
        .args(["privlint-rust", "--verbose", "--files"])
        .args(files)
        // pre-commit builds the hook with `cargo install --path`: offline from the local
        // registry cache, into a target folder kept between runs, and unoptimised — the
        // test is about installing and running the hook, not about a fast binary.
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", hook_target)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("NO_COLOR", "1")
        .output()
        .expect("run pre-commit")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The app repository before the change: the app's own location use, no SDK.
fn maps_app(app: &Path) {
    write(app, "privlint.yaml", POLICY);
    write(app, "settings.gradle.kts", "include(\":app\")\n");
    write(app, "app/build.gradle", BUILD_GRADLE);
    write(app, "app/src/main/AndroidManifest.xml", MANIFEST);
    write(app, MAP_SCREEN_PATH, MAP_SCREEN);
    init_repo(app);
}

const MAP_SCREEN_PATH: &str = "app/src/main/java/com/example/maps/MapScreen.kt";
const REPORTER_PATH: &str = "app/src/main/java/com/example/maps/VisitReporter.kt";

/// Stage the change under review: AppsFlyer added and handed the location.
fn stage_the_sdk_change(app: &Path) {
    let gradle_with_sdk = BUILD_GRADLE.replace(
        "    implementation 'com.google.android.gms:play-services-location:21.3.0'\n",
        "    implementation 'com.google.android.gms:play-services-location:21.3.0'\n    implementation 'com.appsflyer:af-android-sdk:6.14.0'\n",
    );
    write(app, "app/build.gradle", &gradle_with_sdk);
    write(app, REPORTER_PATH, REPORTER);
    git(app, &["add", "-A"]);
}

fn assert_blocked(blocked: &Output) {
    let blocked_text = text(blocked);
    assert_eq!(
        blocked.status.code(),
        Some(1),
        "the change must be blocked:\n{blocked_text}"
    );
    assert!(blocked_text.contains("Failed"), "{blocked_text}");
    assert!(
        blocked_text.contains("PL301") && blocked_text.contains("capability-flows-to-sdk"),
        "the finding must be shown:\n{blocked_text}"
    );
    assert!(blocked_text.contains("VisitReporter.kt"), "{blocked_text}");
}

#[test]
fn rust_hook_blocks_a_change_that_hands_location_to_an_sdk_and_passes_a_clean_one() {
    let Some(pre_commit) = tool("pre-commit", "--version") else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let hook_repo = work.path().join("privlint");
    snapshot_checkout(&hook_repo);

    let app = work.path().join("maps");
    maps_app(&app);
    let map_screen = MAP_SCREEN_PATH;

    // A clean change: the app's own location code grows, no SDK receives anything.
    write(&app, map_screen, MAP_SCREEN_CLEAN_CHANGE);
    git(&app, &["add", "-A"]);
    let clean = try_repo(&pre_commit, &hook_repo, &app, &[map_screen]);
    let clean_text = text(&clean);
    assert!(
        clean.status.success(),
        "a clean change must pass:\n{clean_text}"
    );
    assert!(
        clean_text.contains("privlint") && clean_text.contains("Passed"),
        "{clean_text}"
    );
    git(&app, &["commit", "-q", "-m", "zoom level"]);

    // The change under review adds AppsFlyer and hands it the location.
    stage_the_sdk_change(&app);
    let blocked = try_repo(
        &pre_commit,
        &hook_repo,
        &app,
        &["app/build.gradle", REPORTER_PATH],
    );
    assert_blocked(&blocked);
}

/// A wheel as maturin's `bindings = "bin"` makes it: the binary in `.data/scripts`, which
/// pip installs into the environment's `bin/`. Here it holds this build.
const MAKE_WHEEL: &str = r#"
import sys, zipfile
binary, out, version = sys.argv[1], sys.argv[2], sys.argv[3]
name = f"privlint-{version}"
with zipfile.ZipFile(f"{out}/{name}-py3-none-any.whl", "w") as whl:
    info = zipfile.ZipInfo(f"{name}.data/scripts/privlint")
    info.external_attr = 0o100755 << 16  # a regular file, executable
    whl.writestr(info, open(binary, "rb").read())
    whl.writestr(f"{name}.dist-info/METADATA",
                 f"Metadata-Version: 2.1\nName: privlint\nVersion: {version}\n")
    whl.writestr(f"{name}.dist-info/WHEEL",
                 "Wheel-Version: 1.0\nGenerator: privlint-test\nRoot-Is-Purelib: false\nTag: py3-none-any\n")
    whl.writestr(f"{name}.dist-info/RECORD",
                 f"{name}.data/scripts/privlint,,\n{name}.dist-info/METADATA,,\n"
                 f"{name}.dist-info/WHEEL,,\n{name}.dist-info/RECORD,,\n")
"#;

#[test]
fn default_hook_from_the_mirror_installs_the_wheel_and_blocks_the_change() {
    let Some(pre_commit) = tool("pre-commit", "--version") else {
        return;
    };
    let setuptools_wheels = repo_root().join(".tools/wheels");
    let has_setuptools = std::fs::read_dir(&setuptools_wheels).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("setuptools-"))
    });
    if !has_setuptools {
        ci_tools::missing::<()>("the setuptools wheel in .tools/wheels");
        return;
    }
    let Some(python) = ci_tools::find("python3").or_else(|| ci_tools::missing("python3")) else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let version = env!("CARGO_PKG_VERSION");

    // The mirror repository as the release writes it.
    let mirror = work.path().join("privlint-pre-commit");
    let rendered = Command::new("bash")
        .arg(repo_root().join("scripts/pre-commit-mirror.sh"))
        .arg(version)
        .arg(&mirror)
        .output()
        .expect("run pre-commit-mirror.sh");
    assert!(rendered.status.success(), "{}", text(&rendered));
    let hooks = std::fs::read_to_string(mirror.join(".pre-commit-hooks.yaml")).expect("hooks");
    assert!(hooks.contains("- id: privlint\n") && hooks.contains("language: python"));
    assert!(!hooks.contains("- id: privlint-rust"), "{hooks}");
    init_repo(&mirror);

    // "PyPI": a local folder with the privlint wheel and setuptools, and no index.
    let wheels = work.path().join("wheels");
    std::fs::create_dir_all(&wheels).expect("wheels folder");
    let made = Command::new(python)
        .arg("-c")
        .arg(MAKE_WHEEL)
        .arg(env!("CARGO_BIN_EXE_privlint"))
        .arg(&wheels)
        .arg(version)
        .output()
        .expect("make the wheel");
    assert!(made.status.success(), "{}", text(&made));

    let app = work.path().join("maps");
    maps_app(&app);
    stage_the_sdk_change(&app);
    let blocked = Command::new(pre_commit)
        .current_dir(&app)
        .args(["try-repo", "--color", "never"])
        .arg(&mirror)
        .args([
            "privlint",
            "--verbose",
            "--files",
            "app/build.gradle",
            REPORTER_PATH,
        ])
        .env("PRE_COMMIT_HOME", work.path().join("pre-commit-home"))
        .env("PIP_NO_INDEX", "1")
        .env(
            "PIP_FIND_LINKS",
            format!("{} {}", wheels.display(), setuptools_wheels.display()),
        )
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .expect("run pre-commit");
    assert_blocked(&blocked);
    assert!(!text(&blocked).contains("Compiling"), "{}", text(&blocked));
}
