//! The `privlint.yaml` found by walking up from the scanned path is read as carefully as
//! `--policy` and `extends:`: no link out of the repository, no unbounded read, and an
//! error never echoes what it refused to read.

use std::path::Path;
use std::process::{Command, Output};

fn scan(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", ".", "--format", "concise"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PRIVLINT_TEST_SECRET", "s3cr3t-token-value")
        .output()
        .expect("run privlint")
}

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("web")).unwrap();
    std::fs::write(
        dir.path().join("web/index.html"),
        "<script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n",
    )
    .unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn a_policy_linked_out_of_the_repository_is_refused_unread() {
    for target in ["/proc/self/environ", "/etc/passwd"] {
        if !Path::new(target).exists() {
            continue;
        }
        let dir = repository();
        std::os::unix::fs::symlink(target, dir.path().join("privlint.yaml")).unwrap();
        let out = scan(dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains("outside"), "{target}: {stderr}");
        assert!(!stderr.contains("s3cr3t-token-value"), "{target}: {stderr}");
        assert!(!stderr.contains("root:"), "{target}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_policy_linked_inside_the_repository_is_used() {
    let dir = repository();
    std::fs::create_dir(dir.path().join("conf")).unwrap();
    std::fs::write(
        dir.path().join("conf/privlint.yaml"),
        "version: 1\nsdks:\n  deny: [google-analytics]\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("conf/privlint.yaml", dir.path().join("privlint.yaml")).unwrap();
    let out = scan(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("PL101 web/index.html:1:"), "{stdout}");
}

#[test]
fn an_oversize_found_policy_is_refused_before_reading() {
    let dir = repository();
    let mut text = String::from("version: 1\n");
    while text.len() <= 1 << 20 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(dir.path().join("privlint.yaml"), text).unwrap();
    let out = scan(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("larger than 1048576 bytes"), "{stderr}");
}

/// A monorepo: the root policy allows Google Analytics, `apps/stores` has a policy of
/// its own that denies it and ignores its `samples/` folder; `apps/blog` has none.
fn monorepo() -> tempfile::TempDir {
    let dir = repository();
    let root = dir.path();
    std::fs::write(
        root.join("privlint.yaml"),
        "version: 1\nsdks:\n  allow: [google-analytics]\n",
    )
    .unwrap();
    let page = "<script src=\"https://www.googletagmanager.com/gtag/js?id=G-2\"></script>\n";
    for folder in ["apps/stores/web", "apps/stores/samples", "apps/blog/web"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(root.join(folder).join("index.html"), page).unwrap();
    }
    std::fs::write(
        root.join("apps/stores/privlint.yaml"),
        "version: 1\nsdks:\n  deny: [google-analytics]\npaths:\n  ignore: [\"samples/**\"]\n",
    )
    .unwrap();
    dir
}

fn scan_named(dir: &Path, names: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(["scan", "--format", "concise"])
        .args(names)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_named_file_is_judged_by_the_nearest_policy_above_it() {
    let dir = monorepo();
    let stores = scan_named(dir.path(), &["apps/stores/web/index.html"]);
    assert!(
        stores.starts_with("PL101 apps/stores/web/index.html:"),
        "apps/stores/privlint.yaml denies it: {stores}"
    );
    let blog = scan_named(dir.path(), &["apps/blog/web/index.html"]);
    assert_eq!(blog.trim(), "", "the root policy allows it");
    // Its ignore pattern is relative to its own folder, as when the folder is scanned.
    let sample = scan_named(dir.path(), &["apps/stores/samples/index.html"]);
    assert_eq!(sample.trim(), "", "{sample}");
}

#[test]
fn several_named_paths_are_each_judged_as_when_named_alone() {
    let dir = monorepo();
    let both = scan_named(
        dir.path(),
        &["apps/blog/web/index.html", "apps/stores/web/index.html"],
    );
    let alone = scan_named(dir.path(), &["apps/stores/web/index.html"]);
    assert_eq!(
        both, alone,
        "the blog page is allowed, the stores page denied"
    );
}
