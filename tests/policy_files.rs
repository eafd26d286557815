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
