//! `--format sarif` against the official OASIS SARIF 2.1.0 schema
//! (tests/data/sarif-schema-2.1.0.json), validated with Python's `jsonschema` to avoid a
//! heavy Rust dependency, plus the parts code-scanning services rely on: rule metadata,
//! fingerprints, related locations and the code flow of a tie.
//!
//! Schema validation needs python3 with `jsonschema` (scripts/ci-tools.sh); skipped with
//! a notice when missing, failed under `PRIVLINT_REQUIRE_TOOLS=1`.

mod ci_tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use ci_tools::{python_with, repo_root};
use serde_json::Value;

fn sarif_of(dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", "--format", "sarif", "--fail-on", "never"])
        .arg(dir)
        .output()
        .expect("run privlint");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 SARIF")
}

fn fixture_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.is_dir()) {
        if path.join("expected.txt").is_file() {
            out.push(path.clone());
        }
        fixture_dirs(&path, out);
    }
}

const VALIDATE: &str = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator = jsonschema.Draft4Validator(schema)
problems = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
        problems += 1
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{path}: {where}: {error.message[:300]}")
print(f"validated {len(sys.argv) - 2} files, {problems} problems")
sys.exit(1 if problems else 0)
"#;

#[test]
fn sarif_of_every_fixture_is_valid_against_the_oasis_schema() {
    let Some(python) = python_with("jsonschema") else {
        return;
    };
    let mut dirs = Vec::new();
    fixture_dirs(&repo_root().join("fixtures"), &mut dirs);
    assert!(
        dirs.iter().any(|d| d.ends_with("ci/ad-location")),
        "the ci fixture is missing"
    );
    let out = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let file = out.path().join(format!("{i}.sarif"));
        std::fs::write(&file, sarif_of(dir)).expect("write SARIF");
        files.push(file);
    }
    let output = Command::new(python)
        .arg("-c")
        .arg(VALIDATE)
        .arg(repo_root().join("tests/data/sarif-schema-2.1.0.json"))
        .args(&files)
        .output()
        .expect("run python");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "SARIF does not match the schema:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        report.contains(&format!("validated {} files, 0 problems", dirs.len())),
        "{report}"
    );
}

#[test]
fn a_flow_tie_is_a_result_with_rule_fingerprint_related_locations_and_code_flow() {
    let log: Value = serde_json::from_str(&sarif_of(&repo_root().join("fixtures/ci/ad-location")))
        .expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "privlint");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.iter().all(|r| {
        r["id"].as_str().is_some_and(|id| id.starts_with("PL"))
            && r["help"]["markdown"].is_string()
            && r["properties"]["security-severity"].is_string()
    }));

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:#?}");
    let result = &results[0];
    assert_eq!(result["ruleId"], "PL301");
    let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "PL301");
    assert_eq!(result["level"], "error");
    let primary = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        primary["artifactLocation"]["uri"],
        "app/src/main/java/com/example/shop/LocationReporter.kt"
    );
    assert_eq!(primary["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(primary["region"]["startLine"], 12);
    assert_eq!(primary["region"]["startColumn"], 44);
    assert!(
        result["partialFingerprints"]["privlint/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 16)
    );
    let related: Vec<&str> = result["relatedLocations"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            r["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert!(
        related.contains(&"privlint.yaml"),
        "the policy line is related: {related:?}"
    );

    let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("thread flow");
    let first = &steps[0]["location"];
    let last = &steps[steps.len() - 1]["location"];
    assert_eq!(
        first["physicalLocation"]["region"]["startLine"], 10,
        "source first"
    );
    assert!(
        first["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("lastLocation"))
    );
    assert_eq!(
        last["physicalLocation"]["region"]["startLine"], 12,
        "sink last"
    );
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with("/ad-location/"))
    );
}
