//! The command-line contract that needs code to check: the JSON schema of `scan` and
//! `inventory`, baselines, fingerprints, `init` and `catalog check`. Cases that are
//! arguments, an input folder and an expected output live in tests/cmd/ (tests/cmd.rs).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn privlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A tiny Android app: application module, fine location, an attribution SDK that the
/// policy below denies.
fn android_app(dir: &Path, policy: Option<&str>) {
    write(dir, "settings.gradle", "include ':app'\n");
    write(
        dir,
        "app/build.gradle",
        "plugins { id 'com.android.application' }\n\ndependencies {\n    implementation 'com.appsflyer:af-android-sdk:6.14.0'\n}\n",
    );
    write(
        dir,
        "app/src/main/AndroidManifest.xml",
        "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.ACCESS_FINE_LOCATION\"/>\n</manifest>\n",
    );
    if let Some(policy) = policy {
        write(dir, "privlint.yaml", policy);
    }
}

const DENY_APPSFLYER: &str = "version: 1\nsdks:\n  deny: [appsflyer]\n";

#[test]
fn json_output_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), Some(DENY_APPSFLYER));
    let out = privlint(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&doc), ["findings", "summary", "tool", "version"]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "privlint");
    assert_eq!(
        keys(&doc["summary"]),
        [
            "errors",
            "files_scanned",
            "files_skipped",
            "notes",
            "warnings"
        ]
    );
    let findings = doc["findings"].as_array().unwrap();
    let denied = findings
        .iter()
        .find(|f| f["code"] == "PL101")
        .expect("PL101 for the denied SDK");
    assert_eq!(
        keys(denied),
        [
            "capability",
            "code",
            "column",
            "fingerprint",
            "line",
            "message",
            "path",
            "related",
            "rule",
            "sdk",
            "severity",
            "tie"
        ]
    );
    assert_eq!(denied["rule"], "denied-sdk");
    assert_eq!(denied["severity"], "error");
    assert_eq!(denied["sdk"], "appsflyer");
    assert_eq!(denied["path"], "app/build.gradle");
    assert_eq!(denied["line"], 4);
    assert!(denied["capability"].is_null());
    // The policy line that denies it is a related location.
    let related = denied["related"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["path"] == "privlint.yaml" && r["line"] == 3),
        "{related:?}"
    );
    assert!(doc["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn no_policy_file_uses_the_recommended_preset_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), None);
    let out = privlint(&["scan", dir.path().to_str().unwrap(), "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("recommended"), "{text}");
    assert!(text.contains("privlint: "), "summary line missing:\n{text}");
}

#[test]
fn inventory_json_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), None);
    let out = privlint(&[
        "inventory",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let app = &doc["apps"][0];
    assert_eq!(app["root"], "app");
    assert_eq!(app["platforms"], serde_json::json!(["android"]));
    assert_eq!(app["sdks"][0]["id"], "appsflyer");
    assert_eq!(app["sdks"][0]["evidence"][0]["kind"], "dependency");
    let location = app["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "location")
        .unwrap();
    assert_eq!(location["precise"], true);
    assert_eq!(
        location["declared"][0]["path"],
        "app/src/main/AndroidManifest.xml"
    );
}

#[test]
fn init_writes_a_policy_that_starts_green_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), None);
    // A tie the starting policy must accept: the app calls an AppsFlyer location API.
    write(
        dir.path(),
        "app/src/main/java/com/acme/Geo.java",
        "package com.acme;\n\nimport com.appsflyer.AppsFlyerLib;\n\nclass Geo {\n    void share(android.content.Context c) {\n        AppsFlyerLib.getInstance().logLocation(c, 1.0, 2.0);\n    }\n}\n",
    );
    let path = dir.path().to_str().unwrap();
    let before = privlint(&["scan", path, "--format", "concise"]);
    assert_eq!(
        before.status.code(),
        Some(1),
        "the tree breaks the recommended preset"
    );
    let out = privlint(&["init", path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy = std::fs::read_to_string(dir.path().join("privlint.yaml")).unwrap();
    assert!(policy.contains("- appsflyer"), "{policy}");
    let after = privlint(&["scan", path, "--format", "concise"]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "not green after init:\n{}{}",
        String::from_utf8_lossy(&after.stdout),
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(privlint(&["init", path]).status.code(), Some(2));
    assert_eq!(privlint(&["init", path, "--force"]).status.code(), Some(0));
}

#[test]
fn baseline_survives_line_moves_and_catches_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), Some(DENY_APPSFLYER));
    let source = "package com.acme;\n\nimport com.appsflyer.AppsFlyerLib;\n\nclass Geo {\n    void share(android.content.Context c) {\n        AppsFlyerLib.getInstance().logLocation(c, 1.0, 2.0);\n    }\n}\n";
    write(dir.path(), "app/src/main/java/com/acme/Geo.java", source);
    let path = dir.path().to_str().unwrap();
    let baseline = dir.path().join("privlint-baseline.txt");
    let out = privlint(&["baseline", "write", baseline.to_str().unwrap(), path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            path,
            "--format",
            "concise",
            "--baseline",
            baseline.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        privlint(&args)
    };
    assert_eq!(
        scan(&[]).status.code(),
        Some(0),
        "baselined findings still reported"
    );
    // The summary says how many findings the baseline hid.
    let recorded = std::fs::read_to_string(&baseline)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    assert!(recorded > 0);
    let human = privlint(&["scan", path, "--baseline", baseline.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&human.stdout);
    assert!(
        summary.contains(&format!("skipped), {recorded} hidden by the baseline\n")),
        "{summary}"
    );
    // Unrelated edits move every line down: the fingerprints still match.
    write(
        dir.path(),
        "app/src/main/java/com/acme/Geo.java",
        &format!("// Store finder attribution.\n\n\n{source}"),
    );
    let moved = scan(&[]);
    assert_eq!(
        moved.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&moved.stdout)
    );
    // A new tie is not in the baseline.
    write(
        dir.path(),
        "app/src/main/java/com/acme/Visit.java",
        "package com.acme;\n\nimport com.appsflyer.AppsFlyerLib;\n\nclass Visit {\n    void log(android.content.Context c) {\n        AppsFlyerLib.getInstance().logLocation(c, 3.0, 4.0);\n    }\n}\n",
    );
    let new = scan(&[]);
    let text = String::from_utf8_lossy(&new.stdout);
    assert_eq!(new.status.code(), Some(1), "{text}");
    assert!(text.contains("Visit.java"), "{text}");
    assert!(!text.contains("Geo.java"), "{text}");
}

#[test]
fn catalog_check_validates_a_user_catalog() {
    let good = privlint(&[
        "catalog",
        "check",
        concat!(env!("CARGO_MANIFEST_DIR"), "/policies/catalog"),
    ]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sdks.yaml",
        "categories:\n  - {id: analytics, description: x}\nsdks:\n  - id: acme\n    name: Acme\n    vendor: Acme\n    category: analytcs\n    source: test\n    identifiers: {npm: [acme-analytics]}\n    examples: {match: [\"npm:acme-analytic\"]}\n",
    );
    let bad = privlint(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("unknown category `analytcs`"), "{err}");
    assert!(err.contains("npm:acme-analytic"), "{err}");
    write(dir.path(), "sdks.yaml", "sdks:\n  - id: [broken\n");
    let broken = privlint(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(2));
}

#[test]
fn a_named_file_is_analysed_with_its_own_app_only() {
    let dir = tempfile::tempdir().unwrap();
    android_app(&dir.path().join("apps/shop"), Some(DENY_APPSFLYER));
    write(
        &dir.path().join("apps/shop"),
        "settings.gradle",
        "include ':app'\n",
    );
    // Another app of the monorepo: not walked when only a shop file is named.
    android_app(&dir.path().join("apps/news"), None);
    write(
        &dir.path().join("apps/news"),
        "settings.gradle",
        "include ':app'\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args([
            "scan",
            "apps/shop/app/build.gradle",
            "--policy",
            "apps/shop/privlint.yaml",
            "--format",
            "json",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    // settings.gradle, app/build.gradle and the manifest of the shop app; not the news app.
    assert_eq!(doc["summary"]["files_scanned"], 3, "{doc}");
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{doc}");
    assert_eq!(findings[0]["code"], "PL101");
    assert_eq!(findings[0]["path"], "apps/shop/app/build.gradle");
}

#[test]
fn an_absolute_named_file_is_reported_like_a_relative_one() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), Some(DENY_APPSFLYER));
    let absolute = dir.path().canonicalize().unwrap().join("app/build.gradle");
    let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", absolute.to_str().unwrap(), "--format", "concise"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PL101 app/build.gradle:4"), "{text}");
}

/// The fingerprints of a JSON scan of `dir`, by rule code.
fn fingerprints(dir: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["scan", dir.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = privlint(&args);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_unanalyzed_file_keeps_its_fingerprint_when_lines_are_added_above() {
    let dir = tempfile::tempdir().unwrap();
    android_app(dir.path(), Some(DENY_APPSFLYER));
    let manifest = "app/src/main/AndroidManifest.xml";
    let broken = "<manifest>\n  <uses-permission android:name=\"x\">\n</manifest>\n";
    write(dir.path(), manifest, broken);
    let before = fingerprints(dir.path(), &[]);
    write(
        dir.path(),
        manifest,
        &format!("<!-- a -->\n<!-- b -->\n{broken}"),
    );
    let after = fingerprints(dir.path(), &[]);
    let pl900 = |all: &[(String, String)]| {
        all.iter()
            .find(|(code, _)| code == "PL900")
            .map(|(_, fp)| fp.clone())
    };
    assert!(pl900(&before).is_some(), "{before:?}");
    assert_eq!(pl900(&before), pl900(&after));
}

#[test]
fn a_collection_tie_keeps_its_fingerprint_when_the_catalog_renames_the_sdk() {
    // Leanplum collects location when granted: PL303 in this fixture.
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/android/sdk-collects");
    let catalog = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/catalog");
    for entry in std::fs::read_dir(&source).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let renamed = text.replace("name: Leanplum", "name: Leanplum by CleverTap");
        std::fs::write(catalog.path().join(entry.file_name()), renamed).unwrap();
    }
    let embedded = fingerprints(&app, &[]);
    let renamed = fingerprints(&app, &["--catalog", catalog.path().to_str().unwrap()]);
    let pl303: Vec<_> = embedded.iter().filter(|(c, _)| c == "PL303").collect();
    assert!(!pl303.is_empty(), "no PL303 to compare: {embedded:?}");
    assert_eq!(embedded, renamed);
    // The rename did reach the report (else the test proves nothing).
    let json = |extra: &[&str]| {
        let mut args = vec!["scan", app.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        String::from_utf8_lossy(&privlint(&args).stdout).into_owned()
    };
    assert!(
        json(&["--catalog", catalog.path().to_str().unwrap()]).contains("Leanplum by CleverTap")
    );
}

/// `privlint init` denies the first-class capabilities the app does not use, so a new use
/// is a conscious edit of the policy.
const MANIFEST_HEAD: &str =
    "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n";

#[test]
fn init_denies_the_capabilities_the_app_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "settings.gradle", "include ':app'\n");
    write(
        root,
        "app/build.gradle",
        "plugins { id 'com.android.application' }\n",
    );
    write(
        root,
        "app/src/main/AndroidManifest.xml",
        &format!(
            "{MANIFEST_HEAD}    <uses-permission android:name=\"android.permission.ACCESS_COARSE_LOCATION\"/>\n</manifest>\n"
        ),
    );
    let path = root.to_str().unwrap();
    assert_eq!(privlint(&["init", path]).status.code(), Some(0));
    let policy = std::fs::read_to_string(root.join("privlint.yaml")).unwrap();
    let block = |id: &str| {
        let start = policy
            .find(&format!("\n  {id}:"))
            .unwrap_or_else(|| panic!("{id} missing:\n{policy}"));
        policy[start..]
            .lines()
            .nth(2)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    assert_eq!(block("location"), "app: allow", "{policy}");
    assert_eq!(block("microphone"), "app: deny", "{policy}");
    assert_eq!(block("contacts"), "app: deny", "{policy}");

    let green = privlint(&["scan", path, "--format", "concise"]);
    assert_eq!(
        green.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&green.stdout)
    );

    // The first microphone permission is a finding against the starting policy.
    write(
        root,
        "app/src/main/AndroidManifest.xml",
        &format!(
            "{MANIFEST_HEAD}    <uses-permission android:name=\"android.permission.ACCESS_COARSE_LOCATION\"/>\n    <uses-permission android:name=\"android.permission.RECORD_AUDIO\"/>\n</manifest>\n"
        ),
    );
    let red = privlint(&["scan", path, "--format", "concise"]);
    let stdout = String::from_utf8_lossy(&red.stdout);
    assert_eq!(red.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("PL201 app/src/main/AndroidManifest.xml:3:"),
        "{stdout}"
    );
}
