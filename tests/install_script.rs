//! scripts/install-privlint.sh, the action's installer, against a fake release served by
//! `python3 -m http.server` on 127.0.0.1 (no other network): a good checksum installs
//! (and a second run reuses the install), a wrong checksum fails closed without trying
//! anything else, a release without an asset for the platform falls back to pip and then
//! to cargo (a stand-in `cargo` that records how it was called), and a plain-http
//! download base other than the loopback is refused.

mod ci_tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ci_tools::{LocalServer, repo_root, write};

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = "0.1.0";
/// The "binary" of the fake release: a script that answers `--version`.
const FAKE_BINARY: &str = "#!/bin/sh\necho \"privlint 0.1.0 (fake release)\"\n";

fn sha256_hex(path: &Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("run sha256sum");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .expect("a checksum")
        .to_string()
}

/// A release folder `v0.1.0/` with the asset and its `.sha256`; `checksum` overrides the
/// published checksum (a tampered or corrupt download).
fn fake_release(root: &Path, checksum: Option<&str>) {
    let asset = format!("v{VERSION}/privlint-{TARGET}");
    write(root, &asset, FAKE_BINARY);
    let real = sha256_hex(&root.join(&asset));
    let published = checksum.unwrap_or(&real);
    write(
        root,
        &format!("{asset}.sha256"),
        &format!("{published}  privlint-{TARGET}\n"),
    );
}

fn install(server: &str, version: &str, dest: &Path, path_env: Option<&str>) -> Output {
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("scripts/install-privlint.sh"))
        .arg(version)
        .arg(dest)
        .args(["--source", "/nonexistent/privlint-source"])
        .env("PRIVLINT_DOWNLOAD_BASE", server)
        .env("PRIVLINT_TARGET", TARGET)
        // pip asks the local server (which has no package index) and nothing else.
        .env("PIP_INDEX_URL", format!("{server}/simple/"))
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_NO_INPUT", "1");
    if let Some(path) = path_env {
        command.env("PATH", path);
    }
    command.output().expect("run install-privlint.sh")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn last_line(output: &Output) -> PathBuf {
    PathBuf::from(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .last()
            .unwrap_or_default(),
    )
}

#[test]
fn a_release_binary_with_a_good_checksum_installs_and_is_reused() {
    let release = tempfile::tempdir().expect("temp dir");
    fake_release(release.path(), None);
    let Some(server) = LocalServer::serve(release.path()) else {
        return;
    };
    let dest = tempfile::tempdir().expect("temp dir");

    let first = install(&server.url, VERSION, dest.path(), None);
    assert!(first.status.success(), "{}", stderr(&first));
    let bin = last_line(&first);
    assert_eq!(bin, dest.path().join("bin/privlint"));
    assert!(
        stderr(&first).contains(&format!("installed the release binary privlint-{TARGET}")),
        "{}",
        stderr(&first)
    );
    let version = Command::new(&bin).arg("--version").output().expect("run");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        "privlint 0.1.0 (fake release)\n"
    );

    // As after an actions/cache restore: the same version is found, nothing downloaded.
    let second = install(&server.url, VERSION, dest.path(), None);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(last_line(&second), bin);
    assert!(
        stderr(&second).contains("privlint 0.1.0 is already installed"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn a_wrong_checksum_fails_closed() {
    let release = tempfile::tempdir().expect("temp dir");
    fake_release(release.path(), Some(&"0".repeat(64)));
    let Some(server) = LocalServer::serve(release.path()) else {
        return;
    };
    let dest = tempfile::tempdir().expect("temp dir");

    let output = install(&server.url, VERSION, dest.path(), None);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("checksum mismatch for privlint-{TARGET}")),
        "{text}"
    );
    assert!(
        !text.contains("pip"),
        "no fallback after a bad download:\n{text}"
    );
    assert!(!dest.path().join("bin/privlint").exists());
    assert!(String::from_utf8_lossy(&output.stdout).is_empty());
}

#[test]
fn a_missing_asset_falls_back_to_pip_then_cargo() {
    let release = tempfile::tempdir().expect("temp dir");
    fake_release(release.path(), None);
    let Some(server) = LocalServer::serve(release.path()) else {
        return;
    };
    // A stand-in cargo: records its arguments and "installs" into --root.
    let tools = tempfile::tempdir().expect("temp dir");
    let calls = tools.path().join("cargo-calls");
    write(
        tools.path(),
        "cargo",
        &format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\nprintf '#!/bin/sh\\necho privlint 0.0.9\\n' > \"$2/bin/privlint\"\nchmod +x \"$2/bin/privlint\"\n",
            calls.display()
        ),
    );
    make_executable(&tools.path().join("cargo"));
    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let dest = tempfile::tempdir().expect("temp dir");

    // The release has no v0.0.9: no asset, no wheel on the (local) index, so cargo.
    let output = install(&server.url, "0.0.9", dest.path(), Some(&path));
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains(&format!("release v0.0.9 has no privlint-{TARGET}")),
        "{text}"
    );
    assert!(
        text.contains("trying pip install privlint==0.0.9"),
        "{text}"
    );
    assert!(text.contains("falling back to cargo install"), "{text}");
    assert_eq!(last_line(&output), dest.path().join("cargo/bin/privlint"));
    let recorded = std::fs::read_to_string(&calls).expect("cargo was called");
    assert_eq!(
        recorded.trim(),
        format!(
            "install --locked --root {}/cargo --path /nonexistent/privlint-source",
            dest.path().display()
        )
    );
}

#[test]
fn plain_http_is_refused_except_on_the_loopback() {
    let dest = tempfile::tempdir().expect("temp dir");
    let output = install("http://example.invalid", VERSION, dest.path(), None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("refusing a non-https download base"),
        "{}",
        stderr(&output)
    );
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path).expect("stat").permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions).expect("chmod");
}
