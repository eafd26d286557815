//! Report delivery: a reader that stops early, an output that would overwrite an input,
//! baselines that are not regular files.

use std::io::Read;
use std::process::{Command, Stdio};

const FIXTURE: &str = "fixtures/android/multi-module";

/// An app with one location-to-analytics flow in each of `files` Kotlin files: an
/// inventory (one evidence line per file) far larger than a pipe's buffer.
fn app_with_many_findings(root: &std::path::Path, files: usize) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("settings.gradle", "include ':app'\n");
    write(
        "app/build.gradle",
        "plugins { id 'com.android.application' }\ndependencies {\n    implementation 'com.google.firebase:firebase-analytics:22.0.0'\n}\n",
    );
    write(
        "app/src/main/AndroidManifest.xml",
        "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.ACCESS_FINE_LOCATION\"/>\n</manifest>\n",
    );
    for i in 0..files {
        write(
            &format!("app/src/main/java/com/example/Screen{i}.kt"),
            &format!(
                "package com.example\n\nimport android.location.LocationManager\nimport com.google.firebase.analytics.FirebaseAnalytics\n\nclass Screen{i}(private val m: LocationManager, private val a: FirebaseAnalytics) {{\n    fun report() {{\n        val here = m.getLastKnownLocation(\"gps\")\n        val b = android.os.Bundle()\n        b.putDouble(\"lat\", here!!.latitude)\n        a.logEvent(\"s{i}\", b)\n    }}\n}}\n"
            ),
        );
    }
}

#[test]
fn a_reader_that_stops_early_does_not_fail_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    app_with_many_findings(dir.path(), 400);
    let mut child = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args([
            "inventory",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run privlint");
    // Read one byte, then hang up, as `| head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(first[0], b'{');
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_report_never_overwrites_a_scanned_file_or_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app/src/main")).unwrap();
    let manifest = root.join("app/src/main/AndroidManifest.xml");
    let manifest_text = "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.RECORD_AUDIO\"/>\n</manifest>\n";
    std::fs::write(&manifest, manifest_text).unwrap();
    std::fs::write(root.join("privlint.yaml"), "version: 1\n").unwrap();
    for target in ["privlint.yaml", "app/src/main/AndroidManifest.xml"] {
        let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
            .args(["scan", ".", "--format", "json", "--output", target])
            .current_dir(root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(
            stderr.contains("refusing to write the report over"),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), manifest_text);
    assert_eq!(
        std::fs::read_to_string(root.join("privlint.yaml")).unwrap(),
        "version: 1\n"
    );
    // A new file is written whole, with no temporary left beside it.
    let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", ".", "--format", "json", "--output", "report.json"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    let report = std::fs::read_to_string(root.join("report.json")).unwrap();
    assert!(report.trim_end().ends_with('}'), "{report}");
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[cfg(unix)]
#[test]
fn a_baseline_that_is_not_a_regular_file_is_refused_at_once() {
    for baseline in ["/dev/zero", "/dev/null"] {
        let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
            .args(["scan", FIXTURE, "--baseline", baseline])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

/// A file name with a newline and an escape sequence can neither break a report line nor
/// forge a workflow command; the file is still analysed, under its escaped name.
#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("web")).unwrap();
    let name = "x\n::error file=forged.kt,line=1::FORGED\u{1b}[31m.html";
    std::fs::write(
        dir.path().join("web").join(name),
        "<script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n",
    )
    .unwrap();
    for format in ["concise", "github", "human", "json", "sarif", "markdown"] {
        let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
            .args(["scan", ".", "--format", format, "--fail-on", "never"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{format}: {stdout}");
        assert!(
            !stdout.contains('\u{1b}'),
            "{format}: raw escape in {stdout}"
        );
        assert!(
            !stdout.lines().any(|l| l.starts_with("::error file=forged")),
            "{format}: forged workflow command in {stdout}"
        );
        // JSON escapes the backslash once more, SARIF percent-encodes its URIs.
        assert!(
            stdout.contains("u{a}") || stdout.contains("u%7Ba%7D"),
            "{format}: {stdout}"
        );
    }
    let concise = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", ".", "--format", "concise"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&concise.stdout),
        "PL102 web/x\\u{a}::error file=forged.kt,line=1::FORGED\\u{1b}[31m.html:1:14 unlisted-sdk sdk=google-analytics capability=- tie=-\n"
    );
}
