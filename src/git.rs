//! Running `git` on a tree privlint does not trust.
//!
//! `--changed-since` asks git which files changed. A scanned repository's own
//! `.git/config` can name programs that git runs as a side effect of reading
//! (`core.fsmonitor`, `diff.external`, textconv and clean/smudge filters, pagers, hooks …);
//! privlint promises never to execute anything from the scanned tree. So every git call
//! here: ignores the system and global configuration, runs with a neutral `HOME`, passes
//! `--no-ext-diff --no-textconv` where it diffs, and overrides on the command line (which
//! beats the repository's config) every key of the repository's configuration that names a
//! program, plus the known ones that are set by default elsewhere.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

/// Keys that name a program git may run, overridden whether the repository sets them or not.
const ALWAYS_NEUTRAL: &[(&str, &str)] = &[
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("core.sshCommand", ""),
    ("core.gitProxy", ""),
    ("core.askPass", ""),
    ("core.editor", ""),
    ("core.untrackedCache", "false"),
    ("diff.external", ""),
    ("credential.helper", ""),
    ("gpg.program", ""),
    ("protocol.allow", "never"),
    ("submodule.recurse", "false"),
];

/// Whether a configuration key (lower-cased, as `git config --list` prints it) names a
/// program or a shell command that git could run while diffing or listing files.
fn runs_a_program(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or("");
    let section = key.split('.').next().unwrap_or("");
    match section {
        // filter.<driver>.clean|smudge|process, diff.<driver>.textconv|command,
        // merge.<driver>.driver
        "filter" => matches!(last, "clean" | "smudge" | "process"),
        "diff" => matches!(last, "textconv" | "command" | "external"),
        "merge" => last == "driver",
        "core" => matches!(
            last,
            "fsmonitor" | "hookspath" | "pager" | "sshcommand" | "gitproxy" | "askpass" | "editor"
        ),
        "pager" | "alias" | "credential" | "gpg" | "sequence" | "uploadpack" | "receive" => true,
        "remote" => matches!(last, "uploadpack" | "receivepack" | "proxy"),
        "url" | "include" | "includeif" => false,
        _ => matches!(last, "command" | "cmd" | "program" | "helper" | "editor"),
    }
}

/// The neutral value for an overridden key: booleans and paths that disable the feature,
/// an empty command elsewhere (git treats an empty filter/textconv command as none).
fn neutral_value(key: &str) -> &'static str {
    match key {
        "core.fsmonitor" => "false",
        "core.hookspath" => "/dev/null",
        "core.pager" => "cat",
        _ => "",
    }
}

/// A git command for `repo_dir` with the environment and the command-line overrides that
/// keep the repository's configuration from running programs.
fn base_command(repo_dir: &Path, overrides: &[(String, String)]) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(repo_dir);
    command.arg("--no-pager");
    for (key, value) in overrides {
        command.arg("-c").arg(format!("{key}={value}"));
    }
    neutral_environment(&mut command);
    command
}

fn neutral_environment(command: &mut Command) {
    // A HOME without a .gitconfig, no system config, no prompts, no pager, no locks taken.
    let home: OsString = std::env::temp_dir().join("privlint-empty-home").into();
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .env("PAGER", "cat")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1");
    for variable in [
        "GIT_EXTERNAL_DIFF",
        "GIT_DIFF_OPTS",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "GIT_EDITOR",
        "GIT_PROXY_COMMAND",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_EXEC_PATH",
        "GIT_TRACE",
    ] {
        command.env_remove(variable);
    }
}

/// Every override for `repo_dir`: the fixed list, and each program-naming key the
/// repository's own configuration (and what it includes) sets. Reading the configuration
/// runs nothing.
fn overrides_for(repo_dir: &Path) -> Vec<(String, String)> {
    let mut overrides: Vec<(String, String)> = ALWAYS_NEUTRAL
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let listed = base_command(repo_dir, &overrides)
        .args(["config", "--list", "--null"])
        .output();
    if let Ok(listed) = listed {
        for entry in listed.stdout.split(|b| *b == 0) {
            let entry = String::from_utf8_lossy(entry);
            let key = entry.split('\n').next().unwrap_or("").trim().to_lowercase();
            if !key.is_empty() && runs_a_program(&key) && !overrides.iter().any(|(k, _)| *k == key)
            {
                if let Some(driver) = key
                    .strip_prefix("filter.")
                    .and_then(|rest| rest.rsplit_once('.'))
                    .map(|(driver, _)| driver.to_string())
                {
                    // A required filter with no command would fail the diff instead.
                    overrides.push((format!("filter.{driver}.required"), "false".into()));
                }
                let value = neutral_value(&key).to_string();
                overrides.push((key, value));
            }
        }
    }
    overrides
}

/// Run `git ARGS` in `repo_dir` safely (see the module docs).
pub fn run(repo_dir: &Path, args: &[&str]) -> std::io::Result<Output> {
    let overrides = overrides_for(repo_dir);
    let mut command = base_command(repo_dir, &overrides);
    let mut args = args.to_vec();
    if args.first() == Some(&"diff") {
        args.splice(1..1, ["--no-ext-diff", "--no-textconv"]);
    }
    command.args(&args).output()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_naming_keys_are_recognised() {
        for key in [
            "filter.lfs.clean",
            "filter.x.smudge",
            "filter.x.process",
            "diff.pdf.textconv",
            "diff.x.command",
            "core.fsmonitor",
            "core.hookspath",
            "core.pager",
            "core.sshcommand",
            "pager.diff",
            "alias.st",
            "credential.helper",
            "merge.ours.driver",
            "remote.origin.uploadpack",
        ] {
            assert!(runs_a_program(key), "{key}");
        }
        for key in [
            "user.name",
            "core.bare",
            "core.autocrlf",
            "remote.origin.url",
            "diff.renames",
            "include.path",
        ] {
            assert!(!runs_a_program(key), "{key}");
        }
    }
}
