//! CLI cases as data, in the manner of `trycmd`: each `tests/cmd/NAME.toml` holds the
//! arguments and the expected exit status; `NAME.in/` (optional) is copied to a scratch
//! folder that becomes the working directory (`input = "OTHER.in"` shares another
//! case's folder); `NAME.stdout` and, when present,
//! `NAME.stderr` hold the expected output, byte for byte; `stderr_contains = [...]`
//! names text stderr must contain where its exact rendering is not the point.
//! Regenerate the expected output with `UPDATE_CMD=1 cargo test --test cmd`.
//!
//! ```toml
//! # One line on what the case shows.
//! args = ["scan", ".", "--format", "concise"]
//! status = 1
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    status: i32,
    /// An input folder shared with other cases, instead of `NAME.in/`.
    input: Option<String>,
    /// Text stderr must contain, for diagnostics whose exact rendering is not the point.
    #[serde(default)]
    stderr_contains: Vec<String>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let entries = std::fs::read_dir(from).expect("read case input");
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Compares `actual` with the file `expected` (or rewrites it under UPDATE_CMD);
/// returns a description of the difference.
fn compare(name: &str, what: &str, expected: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_CMD").is_some() {
        std::fs::write(expected, actual).expect("update expected output");
        return None;
    }
    let wanted = std::fs::read_to_string(expected).unwrap_or_default();
    (wanted != actual)
        .then(|| format!("{name}: {what} differs\n--- expected\n{wanted}--- actual\n{actual}"))
}

fn run_case(toml_path: &Path) -> Vec<String> {
    let name = toml_path
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let case: Case = toml::from_str(&std::fs::read_to_string(toml_path).expect("read case"))
        .unwrap_or_else(|e| panic!("{name}.toml: {e}"));
    let scratch = tempfile::tempdir().expect("tempdir");
    let input = match &case.input {
        Some(folder) => cases_dir().join(folder),
        None => toml_path.with_extension("in"),
    };
    if input.is_dir() {
        copy_tree(&input, scratch.path());
    }
    let output = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(&case.args)
        .current_dir(scratch.path())
        .env("NO_COLOR", "1")
        .env("CI", "true")
        // TERM=dumb asks for narrated human output; the cases say which style they want.
        .env_remove("TERM")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run privlint");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if output.status.code() != Some(case.status) {
        problems.push(format!(
            "{name}: exit status {:?}, expected {}\nstderr:\n{stderr}",
            output.status.code(),
            case.status
        ));
    }
    problems.extend(compare(
        &name,
        "stdout",
        &toml_path.with_extension("stdout"),
        &stdout,
    ));
    for wanted in &case.stderr_contains {
        if !stderr.contains(wanted.as_str()) {
            problems.push(format!("{name}: stderr lacks `{wanted}`:\n{stderr}"));
        }
    }
    let stderr_file = toml_path.with_extension("stderr");
    if stderr_file.is_file() {
        problems.extend(compare(&name, "stderr", &stderr_file, &stderr));
    }
    problems
}

#[test]
fn cli_cases() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cmd")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "the CLI cases are missing: {cases:?}");
    let problems: Vec<String> = cases.iter().flat_map(|c| run_case(c)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
