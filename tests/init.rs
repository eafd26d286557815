//! `privlint init`: the starting policy accepts what the tree uses today and denies the
//! first-class capabilities it does not use, so a new use is a conscious edit.

use std::path::Path;
use std::process::{Command, Output};

fn privlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const MANIFEST_HEAD: &str =
    "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n";

#[test]
fn init_denies_the_capabilities_the_app_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "settings.gradle", "include ':app'\n");
    write(
        root,
        "app/build.gradle",
        "plugins { id 'com.android.application' }\n",
    );
    write(
        root,
        "app/src/main/AndroidManifest.xml",
        &format!(
            "{MANIFEST_HEAD}    <uses-permission android:name=\"android.permission.ACCESS_COARSE_LOCATION\"/>\n</manifest>\n"
        ),
    );
    let path = root.to_str().unwrap();
    assert_eq!(privlint(&["init", path]).status.code(), Some(0));
    let policy = std::fs::read_to_string(root.join("privlint.yaml")).unwrap();
    let block = |id: &str| {
        let start = policy
            .find(&format!("\n  {id}:"))
            .unwrap_or_else(|| panic!("{id} missing:\n{policy}"));
        policy[start..]
            .lines()
            .nth(2)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    assert_eq!(block("location"), "app: allow", "{policy}");
    assert_eq!(block("microphone"), "app: deny", "{policy}");
    assert_eq!(block("contacts"), "app: deny", "{policy}");

    let green = privlint(&["scan", path, "--format", "concise"]);
    assert_eq!(
        green.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&green.stdout)
    );

    // The first microphone permission is a finding against the starting policy.
    write(
        root,
        "app/src/main/AndroidManifest.xml",
        &format!(
            "{MANIFEST_HEAD}    <uses-permission android:name=\"android.permission.ACCESS_COARSE_LOCATION\"/>\n    <uses-permission android:name=\"android.permission.RECORD_AUDIO\"/>\n</manifest>\n"
        ),
    );
    let red = privlint(&["scan", path, "--format", "concise"]);
    let stdout = String::from_utf8_lossy(&red.stdout);
    assert_eq!(red.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("PL201 app/src/main/AndroidManifest.xml:3:"),
        "{stdout}"
    );
}
