//! A scan in a real terminal: the progress line on stderr must never block the scan.
//! Runs the binary under a pseudo-terminal (util-linux `script`), as a user's shell would.

#![allow(clippy::print_stderr)] // a test that skips says so

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An Android app with enough Kotlin sources that pass the prefilter (a location read and
/// an analytics call in each) to keep the scan busy while the progress line is drawn.
fn busy_android_app(dir: &Path) {
    write(dir, "settings.gradle", "include ':app'\n");
    write(
        dir,
        "app/build.gradle",
        "plugins { id 'com.android.application' }\ndependencies {\n    implementation 'com.google.firebase:firebase-analytics:22.0.0'\n}\n",
    );
    write(
        dir,
        "app/src/main/AndroidManifest.xml",
        "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.ACCESS_FINE_LOCATION\"/>\n</manifest>\n",
    );
    for i in 0..600 {
        write(
            dir,
            &format!("app/src/main/java/com/example/geo/Screen{i}.kt"),
            &format!(
                "package com.example.geo\n\nimport android.location.LocationManager\nimport com.google.firebase.analytics.FirebaseAnalytics\n\nclass Screen{i}(private val manager: LocationManager, private val analytics: FirebaseAnalytics) {{\n    fun report() {{\n        val here = manager.getLastKnownLocation(\"gps\")\n        val bundle = android.os.Bundle()\n        bundle.putDouble(\"lat\", here!!.latitude)\n        analytics.logEvent(\"screen{i}\", bundle)\n    }}\n}}\n"
            ),
        );
    }
}

#[test]
fn an_interactive_scan_with_progress_exits() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        if std::env::var_os("PRIVLINT_REQUIRE_TOOLS").is_some() {
            panic!("`script` is required when PRIVLINT_REQUIRE_TOOLS is set");
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    busy_android_app(dir.path());
    let transcript = dir.path().join("transcript.txt");
    let command = format!(
        "'{}' scan '{}' --fail-on never",
        env!("CARGO_BIN_EXE_privlint"),
        dir.path().display()
    );
    // `script -q -e -c CMD FILE`: run CMD with its stdin/stdout/stderr on a new pty.
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&transcript)
        .env_remove("CI")
        .env_remove("PRE_COMMIT")
        .env("NO_COLOR", "1")
        // Show the progress line at once, so it is drawn while the scan is still running.
        .env("PRIVLINT_PROGRESS_AFTER_MS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run script");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("an interactive scan did not exit within 120 s (progress line deadlock)");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let seen = String::from_utf8_lossy(&std::fs::read(&transcript).unwrap()).into_owned();
    assert_eq!(status.code(), Some(0), "{seen}");
    assert!(
        seen.contains("privlint: scanning"),
        "the progress line was drawn on the terminal: {seen}"
    );
    assert!(
        seen.contains("/603 files, "),
        "the progress line counts files done of the 603 found: {seen}"
    );
    assert!(
        seen.contains("PL301"),
        "the findings follow the progress line: {seen}"
    );
}

/// A valid one-line `package.json` of 1 MB whose SDK sits far into the line: the
/// graphical renderer on a terminal must not panic (miette does on such labels), and the
/// finding still names its position.
#[test]
fn a_finding_on_a_megabyte_line_renders_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        assert!(
            std::env::var_os("PRIVLINT_REQUIRE_TOOLS").is_none(),
            "`script` is required when PRIVLINT_REQUIRE_TOOLS is set"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut dependencies = String::new();
    let mut i = 0;
    while dependencies.len() < 1 << 20 {
        dependencies.push_str(&format!("\"pkg-{i:06}\":\"1.0.0\","));
        i += 1;
    }
    let manifest = format!(
        "{{\"name\":\"app\",\"dependencies\":{{{dependencies}\"@segment/analytics-react-native\":\"2.0.0\"}}}}\n"
    );
    write(dir.path(), "package.json", &manifest);
    let transcript = dir.path().join("transcript.txt");
    let command = format!(
        "'{}' scan '{}' --max-file-size 4194304 --fail-on never",
        env!("CARGO_BIN_EXE_privlint"),
        dir.path().join("package.json").display()
    );
    let status = Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&transcript)
        .current_dir(dir.path())
        .env_remove("CI")
        .env_remove("PRE_COMMIT")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run script");
    let seen = String::from_utf8_lossy(&std::fs::read(&transcript).unwrap()).into_owned();
    assert_eq!(status.code(), Some(0), "{seen}");
    assert!(!seen.contains("panicked"), "{seen}");
    assert!(seen.contains("PL102"), "{seen}");
    assert!(
        seen.contains("package.json:1:"),
        "the position replaces the snippet: {seen}"
    );
}
