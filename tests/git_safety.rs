//! `--changed-since` runs git on the scanned repository. A hostile `.git/config` names
//! programs git would run as a side effect (fsmonitor, clean filters, external diff,
//! textconv, pagers); privlint must run none of them.

#![allow(clippy::print_stderr)] // a test that skips says so

use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "git {args:?}");
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A committed Android app without SDKs, then a change to its Kotlin source that imports
/// Adjust, then a `.git/config` whose every program-naming key creates a marker file
/// named after the key.
fn hostile_repository(root: &Path, markers: &Path) -> Vec<&'static str> {
    write(root, "settings.gradle", "include ':app'\n");
    write(
        root,
        "app/build.gradle",
        "plugins { id 'com.android.application' }\ndependencies {\n}\n",
    );
    write(
        root,
        "app/src/main/java/com/example/Main.kt",
        "package com.example\n\nclass Main\n",
    );
    write(root, ".gitattributes", "*.kt filter=evil diff=evil\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    write(
        root,
        "app/src/main/java/com/example/Main.kt",
        "package com.example\n\nimport com.adjust.sdk.Adjust\n\nclass Main\n",
    );
    let touch = |name: &str| format!("touch '{}'", markers.join(name).display());
    let config = format!(
        "[core]\n\tfsmonitor = \"{fsmonitor}\"\n\tpager = {pager}\n\thooksPath = {hooks}\n\
         [diff]\n\texternal = {external}\n\
         [diff \"evil\"]\n\ttextconv = {textconv}\n\tcommand = {command}\n\
         [filter \"evil\"]\n\tclean = {clean}\n\tsmudge = {smudge}\n\trequired = true\n\
         [pager]\n\tdiff = {pager_diff}\n",
        fsmonitor = touch("fsmonitor"),
        pager = touch("pager"),
        hooks = markers.display(),
        external = touch("external"),
        textconv = touch("textconv"),
        command = touch("command"),
        clean = touch("clean") + "; cat",
        smudge = touch("smudge") + "; cat",
        pager_diff = touch("pager-diff"),
    );
    let path = root.join(".git/config");
    let mut existing = std::fs::read_to_string(&path).unwrap();
    existing.push_str(&config);
    std::fs::write(path, existing).unwrap();
    vec![
        "fsmonitor",
        "pager",
        "external",
        "textconv",
        "command",
        "clean",
        "smudge",
        "pager-diff",
    ]
}

#[test]
fn changed_since_runs_nothing_from_the_repository_config() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("SKIPPED: git is not installed, --changed-since cannot run here");
        assert!(
            std::env::var_os("PRIVLINT_REQUIRE_TOOLS").is_none(),
            "git is required when PRIVLINT_REQUIRE_TOOLS is set"
        );
        return;
    }
    let repo = tempfile::tempdir().unwrap();
    let markers = tempfile::tempdir().unwrap();
    let names = hostile_repository(repo.path(), markers.path());

    // The same repository makes a plain `git diff` run the hostile fsmonitor and clean
    // filter: the test would catch a privlint that ran git naively.
    let plain = tempfile::tempdir().unwrap();
    let plain_markers = tempfile::tempdir().unwrap();
    hostile_repository(plain.path(), plain_markers.path());
    let _ = Command::new("git")
        .args(["diff", "--name-only", "HEAD", "--"])
        .current_dir(plain.path())
        .output();
    assert!(
        plain_markers.path().join("fsmonitor").exists()
            || plain_markers.path().join("clean").exists(),
        "a plain git diff runs the hostile configuration (test premise)"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args([
            "scan",
            ".",
            "--changed-since",
            "HEAD",
            "--format",
            "concise",
        ])
        .current_dir(repo.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ran: Vec<_> = names
        .iter()
        .filter(|name| markers.path().join(name).exists())
        .collect();
    assert!(ran.is_empty(), "privlint let git run: {ran:?}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The Adjust import exists only in the working tree's change, so its finding shows
    // only when git really listed the changed file and read the committed tree.
    assert_eq!(
        stdout.trim(),
        "PL102 app/src/main/java/com/example/Main.kt:3:1 unlisted-sdk sdk=adjust capability=- tie=-",
        "the changed file is still judged"
    );
}
