//! `--changed-since REF` reports what the change introduces relative to REF's own tree:
//! a finding REF already had is not reported again, however its file was edited.

mod ci_tools;

use std::path::Path;
use std::process::{Command, Output};

use ci_tools::{copy_tree, init_repo, repo_root, write};

const REPORTER: &str = "app/src/main/java/com/example/shop/LocationReporter.kt";

/// The fixtures/ci app (AppsFlyer receiving the location) committed on `main`.
fn committed_app(dir: &Path) {
    copy_tree(&repo_root().join("fixtures/ci/ad-location"), dir);
    std::fs::remove_file(dir.join("expected.txt")).expect("remove expected.txt");
    init_repo(dir);
}

fn scan_since(repo: &Path, reference: &str, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privlint"))
        .current_dir(repo)
        .args(["scan", ".", "--color", "never", "--format", format])
        .args(["--changed-since", reference])
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint")
}

fn rules_reported(output: &Output) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON report on stdout");
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn a_comment_in_a_file_with_a_finding_introduces_nothing() {
    let work = tempfile::tempdir().expect("temp dir");
    let repo = work.path().join("shop");
    committed_app(&repo);
    let path = repo.join(REPORTER);
    let text = std::fs::read_to_string(&path).expect("reporter");
    // Lines move: the finding's line changes, its fingerprint does not.
    write(
        &repo,
        REPORTER,
        &format!("// Sends visits to attribution.\n// Reviewed.\n{text}"),
    );
    let run = scan_since(&repo, "main", "json");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(rules_reported(&run).is_empty());

    let markdown = scan_since(&repo, "main", "markdown");
    let text = String::from_utf8_lossy(&markdown.stdout);
    assert!(
        text.contains("The change brings no SDK, capability or tie the apps did not have."),
        "{text}"
    );
}

#[test]
fn a_new_flow_is_reported_and_the_old_one_is_not() {
    let work = tempfile::tempdir().expect("temp dir");
    let repo = work.path().join("shop");
    committed_app(&repo);
    // A second reporter in the same change sends the location to Firebase Analytics,
    // which the committed app did not ship.
    let gradle = std::fs::read_to_string(repo.join("app/build.gradle")).expect("gradle");
    write(
        &repo,
        "app/build.gradle",
        &gradle.replace(
            "dependencies {\n",
            "dependencies {\n    implementation 'com.google.firebase:firebase-analytics:22.1.0'\n",
        ),
    );
    write(
        &repo,
        "app/src/main/java/com/example/shop/VisitLogger.kt",
        "package com.example.shop\n\n\
         import android.location.LocationManager\n\
         import com.google.firebase.analytics.FirebaseAnalytics\n\n\
         class VisitLogger(private val manager: LocationManager, private val analytics: FirebaseAnalytics) {\n\
         \x20   fun log() {\n\
         \x20       val here = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER)\n\
         \x20       analytics.setUserProperty(\"where\", here.toString())\n\
         \x20   }\n\
         }\n",
    );
    let run = scan_since(&repo, "main", "json");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let reported = rules_reported(&run);
    assert!(!reported.is_empty(), "the new flow is reported: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    for finding in json["findings"].as_array().expect("findings") {
        let path = finding["path"].as_str().unwrap_or("");
        assert_ne!(
            path, REPORTER,
            "AppsFlyer's flow was there at main: {finding}"
        );
    }
    let markdown =
        String::from_utf8_lossy(&scan_since(&repo, "main", "markdown").stdout).into_owned();
    assert!(markdown.contains("`firebase-analytics`"), "{markdown}");
    assert!(!markdown.contains("| SDK | `appsflyer`"), "{markdown}");
}

#[test]
fn outside_a_repository_it_says_so_in_one_line() {
    let work = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo_root().join("fixtures/ci/ad-location"), work.path());
    let run = scan_since(work.path(), "main", "json");
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("--changed-since needs a git work tree"),
        "{stderr}"
    );
}
