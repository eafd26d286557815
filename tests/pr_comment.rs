//! The action's sticky pull-request comment (scripts/pr-comment.sh, `comment: true`).
//!
//! The body for the `fixtures/ci` change — a pull request that adds AppsFlyer and hands
//! it the location — is compared with `tests/data/pr-comment-ci.md` exactly (regenerate
//! with `UPDATE_EXPECTED=1 cargo test --test pr_comment`). The posting logic runs against
//! a stand-in `gh` that records its calls: the first run creates the comment, the next
//! one edits it in place, and a read-only token (a fork's pull request) puts the body in
//! the job summary instead of failing.

mod ci_tools;

use std::path::Path;
use std::process::{Command, Output};

use ci_tools::{copy_tree, git, init_repo, repo_root, write};

const REPORTER: &str = "app/src/main/java/com/example/shop/LocationReporter.kt";
const APPSFLYER_LINE: &str = "    implementation 'com.appsflyer:af-android-sdk:6.14.0'\n";

/// The fixtures/ci app as a repository: `main` without AppsFlyer and its location
/// reporter, the checked-out branch `add-attribution` with them (the fixture as it is).
fn ci_change(dir: &Path) {
    let fixture = repo_root().join("fixtures/ci/ad-location");
    copy_tree(&fixture, dir);
    std::fs::remove_file(dir.join("expected.txt")).expect("remove expected.txt");
    let gradle = std::fs::read_to_string(dir.join("app/build.gradle")).expect("gradle");
    assert!(gradle.contains(APPSFLYER_LINE));
    write(dir, "app/build.gradle", &gradle.replace(APPSFLYER_LINE, ""));
    std::fs::remove_file(dir.join(REPORTER)).expect("remove reporter");
    init_repo(dir);
    git(dir, &["checkout", "-q", "-b", "add-attribution"]);
    copy_tree(&fixture.join("app"), &dir.join("app"));
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Report visits to AppsFlyer"]);
}

/// What the action's comment step runs: the markdown report relative to the base.
fn markdown_report(repo: &Path, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_privlint"))
        .current_dir(repo)
        .args(["scan", ".", "--color", "never", "--format", "markdown"])
        .args(["--fail-on", "never", "--changed-since", "main", "--output"])
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("run privlint");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn comment_script(args: &[&str], env: &[(&str, &str)], path: Option<&str>) -> Output {
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("scripts/pr-comment.sh"))
        .args(args)
        .envs(env.iter().copied());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("run pr-comment.sh")
}

#[test]
fn comment_body_for_the_ci_fixture_change_matches_the_snapshot() {
    let work = tempfile::tempdir().expect("temp dir");
    let repo = work.path().join("shop");
    ci_change(&repo);
    let report = work.path().join("report.md");
    markdown_report(&repo, &report);

    let output = comment_script(&["body", &report.to_string_lossy()], &[], None);
    assert!(output.status.success());
    let body = String::from_utf8(output.stdout).expect("UTF-8 body");

    let expected_path = repo_root().join("tests/data/pr-comment-ci.md");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&expected_path, &body).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        body == expected,
        "the comment body changed (UPDATE_EXPECTED=1 cargo test --test pr_comment):\n{body}"
    );
}

/// A stand-in `gh`: records each call, keeps the comment ids it created, answers like
/// `gh api` with `--jq` (ids on GET, the comment URL on POST/PATCH), and refuses
/// everything with HTTP 403 when `FAKE_GH_FORBIDDEN` is set.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
state="$FAKE_GH_STATE"
echo "$*" >> "$state/calls"
if [ -n "${FAKE_GH_FORBIDDEN:-}" ]; then
  echo "gh: Resource not accessible by integration (HTTP 403)" >&2
  exit 1
fi
method=GET; body=""; prev=""
for arg in "$@"; do
  case "$prev" in
    --method) method="$arg" ;;
    -F) body="${arg#body=@}" ;;
  esac
  prev="$arg"
done
case "$method" in
  GET) cat "$state/ids" 2>/dev/null || true ;;
  POST) echo 101 >> "$state/ids"; cp "$body" "$state/posted"; echo "https://github.com/o/r/pull/7#issuecomment-101" ;;
  PATCH) cp "$body" "$state/patched"; echo "https://github.com/o/r/pull/7#issuecomment-101" ;;
esac
"#;

struct FakeGh {
    dir: tempfile::TempDir,
    path: String,
}

impl FakeGh {
    fn new() -> FakeGh {
        let dir = tempfile::tempdir().expect("temp dir");
        let gh = dir.path().join("gh");
        std::fs::write(&gh, FAKE_GH).expect("write gh");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = format!(
            "{}:{}",
            dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        FakeGh { dir, path }
    }

    fn state(&self) -> &Path {
        self.dir.path()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.state().join(name)).unwrap_or_default()
    }
}

fn post(gh: &FakeGh, report: &Path, summary: &Path, forbidden: bool) -> Output {
    let state = gh.state().to_string_lossy().into_owned();
    let summary = summary.to_string_lossy().into_owned();
    let mut env = vec![
        ("FAKE_GH_STATE", state.as_str()),
        ("GITHUB_REPOSITORY", "o/r"),
        ("PR_NUMBER", "7"),
        ("GITHUB_STEP_SUMMARY", summary.as_str()),
    ];
    if forbidden {
        env.push(("FAKE_GH_FORBIDDEN", "1"));
    }
    comment_script(
        &["post", &report.to_string_lossy()],
        &env,
        Some(gh.path.as_str()),
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_comment_is_created_once_then_edited_in_place() {
    let work = tempfile::tempdir().expect("temp dir");
    let report = work.path().join("report.md");
    std::fs::write(&report, "## privlint: no findings\n").expect("write report");
    let summary = work.path().join("summary.md");
    let gh = FakeGh::new();

    let first = post(&gh, &report, &summary, false);
    assert!(first.status.success(), "{}", stdout(&first));
    assert!(
        stdout(&first).contains("commented on the pull request: https://github.com/o/r/pull/7"),
        "{}",
        stdout(&first)
    );
    let posted = gh.read("posted");
    assert!(
        posted.starts_with("<!-- privlint:pr-comment -->\n## privlint: no findings\n"),
        "{posted}"
    );

    let second = post(&gh, &report, &summary, false);
    assert!(second.status.success(), "{}", stdout(&second));
    assert!(stdout(&second).contains("updated the pull-request comment"));
    assert_eq!(gh.read("patched"), posted);
    let calls: Vec<String> = gh.read("calls").lines().map(str::to_string).collect();
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert!(calls[0].starts_with("api --paginate repos/o/r/issues/7/comments --jq"));
    assert!(calls[1].starts_with("api --method POST repos/o/r/issues/7/comments -F body=@"));
    assert!(calls[3].starts_with("api --method PATCH repos/o/r/issues/comments/101 -F body=@"));
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap_or_default()
            .is_empty(),
        "nothing goes to the summary when the comment is written"
    );
}

#[test]
fn without_permission_to_comment_the_body_goes_to_the_job_summary() {
    let work = tempfile::tempdir().expect("temp dir");
    let report = work.path().join("report.md");
    std::fs::write(&report, "## privlint: 1 error, 0 warnings, 0 notes\n").expect("write");
    let summary = work.path().join("summary.md");
    let gh = FakeGh::new();

    let output = post(&gh, &report, &summary, true);
    assert!(
        output.status.success(),
        "a fork's read-only token must not fail the step: {}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains(
            "::notice title=privlint::could not write the pull-request comment (listing comments failed: gh: Resource not accessible by integration (HTTP 403))"
        ),
        "{}",
        stdout(&output)
    );
    let written = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        written.starts_with("<!-- privlint:pr-comment -->\n## privlint: 1 error"),
        "{written}"
    );
}
