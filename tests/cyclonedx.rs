//! `privlint inventory --format cyclonedx` against the CycloneDX 1.5 JSON schema, as the
//! CycloneDX Python library bundles it (its strict variant, which rejects unknown
//! properties), plus what the SBOM says of a transitive SDK in a workspace monorepo.
//!
//! Schema validation needs python3 with `cyclonedx-python-lib[json-validation]`
//! (scripts/ci-tools.sh); skipped with a notice when missing, failed under
//! `PRIVLINT_REQUIRE_TOOLS=1`.

mod ci_tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use ci_tools::{python_with, repo_root};
use serde_json::Value;

fn sbom_of(dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["inventory", "--format", "cyclonedx"])
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
    String::from_utf8(output.stdout).expect("UTF-8 SBOM")
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
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
validator = JsonStrictValidator(SchemaVersion.V1_5)
problems = 0
for path in sys.argv[1:]:
    error = validator.validate_str(open(path, encoding="utf-8").read())
    if error is not None:
        problems += 1
        print(f"{path}: {str(error)[:400]}")
print(f"validated {len(sys.argv) - 1} files, {problems} problems")
sys.exit(1 if problems else 0)
"#;

#[test]
fn the_sbom_of_every_fixture_is_valid_cyclonedx_1_5() {
    let Some(python) = python_with("cyclonedx.validation.json") else {
        return;
    };
    let mut dirs = Vec::new();
    fixture_dirs(&repo_root().join("fixtures"), &mut dirs);
    let out = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let file = out.path().join(format!("{i}.cdx.json"));
        std::fs::write(&file, sbom_of(dir)).expect("write SBOM");
        files.push(file);
    }
    let output = Command::new(python)
        .arg("-c")
        .arg(VALIDATE)
        .args(&files)
        .output()
        .expect("run python");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "SBOM does not match the schema:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        report.contains(&format!("validated {} files, 0 problems", dirs.len())),
        "{report}"
    );
}

fn property<'a>(component: &'a Value, name: &str) -> Vec<&'a str> {
    component["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name)
        .filter_map(|p| p["value"].as_str())
        .collect()
}

#[test]
fn a_workspace_sdk_is_a_transitive_component_of_its_own_app_only() {
    let bom: Value =
        serde_json::from_str(&sbom_of(&repo_root().join("fixtures/lockfile-workspaces")))
            .expect("JSON");
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.5");
    let apps = bom["components"].as_array().expect("apps");
    let names: Vec<&str> = apps.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["apps/admin", "apps/shop", "packages/ui"]);
    let admin = apps[0]["components"].as_array().expect("admin SDKs");
    assert_eq!(admin.len(), 1, "{admin:#?}");
    let sdk = &admin[0];
    assert_eq!(sdk["type"], "library");
    assert_eq!(sdk["name"], "@amplitude/analytics-browser");
    assert_eq!(sdk["version"], "2.3.1");
    assert_eq!(sdk["purl"], "pkg:npm/%40amplitude/analytics-browser@2.3.1");
    assert_eq!(
        sdk["evidence"]["occurrences"][0]["location"],
        "yarn.lock:23"
    );
    assert_eq!(property(sdk, "privlint:sdk"), ["amplitude"]);
    assert_eq!(property(sdk, "privlint:category"), ["analytics"]);
    assert_eq!(property(sdk, "privlint:direct"), ["false"]);
    assert_eq!(
        property(sdk, "privlint:via"),
        ["@acme/telemetry > @acme/telemetry-core"]
    );
    for other in &apps[1..] {
        assert!(
            other["components"].as_array().is_some_and(Vec::is_empty),
            "{other:#?}"
        );
    }
}
