//! `privlint declare` on the fixtures under `fixtures/declare/`: each draft must equal
//! its `expected-<form>.<ext>` byte for byte, its review notes `expected-<form>.notes`,
//! and parse back with a real parser of its format. `UPDATE_EXPECT=1` rewrites the
//! expectations (review the diff: they are the contract).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMS: [(&str, &str); 3] = [
    ("play-data-safety", "csv"),
    ("app-privacy", "json"),
    ("privacy-manifest", "xcprivacy"),
];

fn declare(form: &str, dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privlint"))
        .arg("declare")
        .arg(form)
        .arg(dir)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint")
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/declare");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/declare")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn check(expected: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(expected, actual).expect("write expectation");
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_default();
    if want != actual {
        failures.push(format!(
            "{} differs:\n--- expected\n{want}\n--- actual\n{actual}",
            expected.display()
        ));
    }
}

#[test]
fn drafts_match_their_expectations_and_parse_back() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in fixtures() {
        for (form, ext) in FORMS {
            let expected = dir.join(format!("expected-{form}.{ext}"));
            if !expected.exists() && std::env::var_os("UPDATE_EXPECT").is_none() {
                continue;
            }
            let output = declare(form, &dir, &[]);
            if output.status.code() != Some(0) {
                if expected.exists() {
                    failures.push(format!(
                        "{} {form}: exit {:?}: {}",
                        dir.display(),
                        output.status.code(),
                        String::from_utf8_lossy(&output.stderr)
                    ));
                }
                continue;
            }
            let text = String::from_utf8(output.stdout).expect("UTF-8 draft");
            let notes = String::from_utf8(output.stderr).expect("UTF-8 notes");
            check(&expected, &text, &mut failures);
            check(
                &dir.join(format!("expected-{form}.notes")),
                &notes,
                &mut failures,
            );
            parses_back(form, &text);
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} drafts checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each draft read back with a real parser of its format, and its shape checked.
fn parses_back(form: &str, text: &str) {
    match form {
        "play-data-safety" => {
            let rows = csv_rows(text);
            assert_eq!(
                rows[0],
                [
                    "Question ID (machine readable)",
                    "Response ID (machine readable)",
                    "Response value",
                    "Answer requirement",
                    "Human-friendly question label"
                ]
            );
            for row in &rows {
                assert_eq!(row.len(), 5, "{row:?}");
                assert!(
                    ["", "true", "false"].contains(&row[2].as_str())
                        || row[0] == "Question ID (machine readable)",
                    "{row:?}"
                );
            }
        }
        "app-privacy" => {
            let doc: serde_json::Value = serde_json::from_str(text).expect("JSON");
            for usage in doc.as_array().expect("an array of usages") {
                let protections = usage["data_protections"].as_array().expect("protections");
                assert!(!protections.is_empty());
                if usage.get("category").is_some() {
                    assert!(!usage["purposes"].as_array().expect("purposes").is_empty());
                }
            }
        }
        _ => {
            let value = plist::Value::from_reader_xml(text.as_bytes()).expect("property list");
            let dict = value.as_dictionary().expect("a dictionary");
            for key in [
                "NSPrivacyTracking",
                "NSPrivacyTrackingDomains",
                "NSPrivacyCollectedDataTypes",
                "NSPrivacyAccessedAPITypes",
            ] {
                assert!(dict.contains_key(key), "{key}");
            }
            for item in dict["NSPrivacyCollectedDataTypes"]
                .as_array()
                .expect("array")
            {
                let item = item.as_dictionary().expect("dict");
                assert!(item["NSPrivacyCollectedDataType"].as_string().is_some());
                assert!(
                    item["NSPrivacyCollectedDataTypeLinked"]
                        .as_boolean()
                        .is_some()
                );
                assert!(
                    item["NSPrivacyCollectedDataTypeTracking"]
                        .as_boolean()
                        .is_some()
                );
                assert!(
                    !item["NSPrivacyCollectedDataTypePurposes"]
                        .as_array()
                        .expect("purposes")
                        .is_empty()
                );
            }
        }
    }
}

/// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "CSV ends mid-row"
    );
    rows
}

#[test]
fn a_tree_without_an_app_for_the_store_is_a_usage_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/declare/ios-radio");
    let output = declare("play-data-safety", &dir, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no app for Google Play"));
    assert!(output.stdout.is_empty());
}

#[test]
fn several_apps_need_app_and_a_wrong_app_names_the_apps() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/declare");
    let output = declare("app-privacy", &dir, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 apps for the App Store under") && stderr.contains("name one with --app"),
        "{stderr}"
    );
    let output = declare("app-privacy", &dir, &["--app", "ios-radio/"]);
    assert_eq!(output.status.code(), Some(0));
    let alone = declare("app-privacy", &dir.join("ios-radio"), &[]);
    assert_eq!(
        output.stdout, alone.stdout,
        "the same draft from the app's own folder"
    );
    let output = declare("app-privacy", &dir, &["--app", "nowhere"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no app for the App Store at `nowhere`"),
        "{stderr}"
    );
}
