//! The pre-commit hook (`.pre-commit-hooks.yaml`) run by the real `pre-commit` client:
//! `pre-commit try-repo` installs the hook from a snapshot of this checkout (with
//! `cargo install`, offline) and runs it in a throw-away app repository. A change that
//! hands location to an attribution SDK is blocked; a clean change passes.
//!
//! Needs `pre-commit` (scripts/ci-tools.sh); skipped with a notice when missing, failed
//! under `PRIVLINT_REQUIRE_TOOLS=1`.

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
        .args(["privlint", "--verbose", "--files"])
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

#[test]
fn hook_blocks_a_change_that_hands_location_to_an_sdk_and_passes_a_clean_one() {
    let Some(pre_commit) = tool("pre-commit", "--version") else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let hook_repo = work.path().join("privlint");
    snapshot_checkout(&hook_repo);

    let app = work.path().join("maps");
    write(&app, "privlint.yaml", POLICY);
    write(&app, "settings.gradle.kts", "include(\":app\")\n");
    write(&app, "app/build.gradle", BUILD_GRADLE);
    write(&app, "app/src/main/AndroidManifest.xml", MANIFEST);
    let map_screen = "app/src/main/java/com/example/maps/MapScreen.kt";
    write(&app, map_screen, MAP_SCREEN);
    init_repo(&app);

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
    let reporter = "app/src/main/java/com/example/maps/VisitReporter.kt";
    let gradle_with_sdk = BUILD_GRADLE.replace(
        "    implementation 'com.google.android.gms:play-services-location:21.3.0'\n",
        "    implementation 'com.google.android.gms:play-services-location:21.3.0'\n    implementation 'com.appsflyer:af-android-sdk:6.14.0'\n",
    );
    write(&app, "app/build.gradle", &gradle_with_sdk);
    write(&app, reporter, REPORTER);
    git(&app, &["add", "-A"]);
    let blocked = try_repo(
        &pre_commit,
        &hook_repo,
        &app,
        &["app/build.gradle", reporter],
    );
    let blocked_text = text(&blocked);
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
