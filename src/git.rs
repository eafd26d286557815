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
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

/// A revision named by the user (`--changed-since REF`). It is made only by
/// [`Revision::new`], which refuses text git would read as an option (`--output=…`), so
/// the git calls that take one need no check of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision(String);

impl Revision {
    pub fn new(text: &str) -> Result<Revision, String> {
        if text.starts_with('-') {
            return Err(format!("invalid git reference `{text}`"));
        }
        Ok(Revision(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
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

/// Write the files of `reference`'s tree under `repo_dir` into `dest`, at the same
/// relative paths: only regular files, only those under one of `folders` (relative to
/// `repo_dir`; empty: all), none larger than `max_bytes`. Links and submodules are left
/// out (privlint never follows a link). Blobs are read raw with `cat-file --batch`, which
/// runs no filter or textconv. Returns how many files were written.
pub fn write_tree(
    repo_dir: &Path,
    reference: &Revision,
    folders: &[String],
    dest: &Path,
    max_bytes: u64,
) -> Result<usize, String> {
    let listed = run(repo_dir, &["ls-tree", "-r", "-z", "-l", reference.as_str()])
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "git cannot read the tree of `{reference}`: {}",
            String::from_utf8_lossy(&listed.stderr).trim()
        ));
    }
    let wanted = |path: &str| {
        folders.is_empty()
            || folders
                .iter()
                .any(|f| f.is_empty() || f == "." || path.starts_with(&format!("{f}/")))
    };
    // `<mode> blob <sha> <size>\t<path>`; regular files only.
    let mut blobs: Vec<(String, String)> = Vec::new();
    for record in listed.stdout.split(|b| *b == 0) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, "blob", sha, size] = fields[..] else {
            continue;
        };
        let regular = mode == "100644" || mode == "100755";
        let small = size.parse::<u64>().is_ok_and(|s| s <= max_bytes);
        let safe = !path.split('/').any(|part| part == ".." || part.is_empty());
        if regular && small && safe && wanted(path) {
            blobs.push((sha.to_string(), path.to_string()));
        }
    }
    let overrides = overrides_for(repo_dir);
    let mut child = base_command(repo_dir, &overrides)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let (Some(mut input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("cannot talk to git cat-file".into());
    };
    let mut output = BufReader::new(output);
    let mut written = 0;
    let mut result = Ok(());
    for (sha, path) in &blobs {
        if let Err(e) = copy_blob(&mut input, &mut output, sha, &dest.join(path)) {
            result = Err(format!("cannot copy {path} from `{reference}`: {e}"));
            break;
        }
        written += 1;
    }
    drop(input);
    let _ = child.wait();
    result.map(|()| written)
}

/// Ask `cat-file --batch` for one blob and write it to `to`.
fn copy_blob(
    input: &mut impl Write,
    output: &mut impl BufRead,
    sha: &str,
    to: &Path,
) -> std::io::Result<()> {
    writeln!(input, "{sha}")?;
    input.flush()?;
    let mut header = String::new();
    output.read_line(&mut header)?;
    let size: u64 = header
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("unexpected answer `{}`", header.trim())))?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::File::create(to)?;
    let copied = std::io::copy(&mut output.by_ref().take(size), &mut file)?;
    if copied != size {
        return Err(std::io::Error::other("blob ended early"));
    }
    let mut newline = [0u8; 1];
    output.read_exact(&mut newline)?;
    Ok(())
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
