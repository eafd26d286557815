//! Every identifier kind the catalog has is exercised by at least one fixture app: the
//! inventory of the fixtures must show SDK evidence from each kind of file.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn kind_of(path: &str, evidence_kind: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    Some(match (name, ext, evidence_kind) {
        ("build.gradle" | "build.gradle.kts", _, _) | (_, "toml", _)
            if !name.starts_with("Cargo") =>
        {
            "maven"
        }
        (_, "kt" | "java", _) => "package",
        ("Podfile" | "Podfile.lock", _, _) => "pod",
        (_, "swift" | "m" | "mm", _) => "module",
        ("Package.resolved" | "Package.swift" | "project.pbxproj" | "project.yml", _, _) => "spm",
        ("Cartfile" | "Cartfile.resolved", _, _) => "carthage",
        ("package.json", _, _) | (_, "js" | "jsx" | "ts" | "tsx", "import") => "npm",
        (_, "js" | "jsx" | "ts" | "tsx", "script") => "global",
        ("pubspec.yaml" | "pubspec.lock", _, _) | (_, "dart", _) => "pub",
        ("Cargo.toml", _, _) | (_, "rs", _) => "crate",
        (_, "html" | "htm", "script") => "script",
        _ => return None,
    })
}

#[test]
fn every_identifier_kind_is_exercised_by_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
        if !dir.join("expected.txt").is_file() {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
            .args(["inventory", "--format", "json"])
            .arg(&dir)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for app in doc["apps"].as_array().into_iter().flatten() {
            for sdk in app["sdks"].as_array().into_iter().flatten() {
                for e in sdk["evidence"].as_array().into_iter().flatten() {
                    if let Some(kind) = kind_of(
                        e["path"].as_str().unwrap_or(""),
                        e["kind"].as_str().unwrap_or(""),
                    ) {
                        seen.insert(kind);
                    }
                }
            }
        }
    }
    let all: BTreeSet<&str> = [
        "maven", "package", "pod", "module", "spm", "carthage", "npm", "global", "pub", "crate",
        "script",
    ]
    .into();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "identifier kinds no fixture exercises: {missing:?}"
    );
}
