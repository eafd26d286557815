//! Loading `privlint.yaml`: YAML events → a spanned node tree ([`super::tree`]) → the typed
//! document of one file ([`super::document`], read and checked by [`super::validate`]) →
//! merged over whatever it `extends` → [`Policy`].
//!
//! Every problem of every file in the `extends` chain is returned together in one
//! [`PolicyError`].

use std::path::{Component, Path, PathBuf};

use miette::NamedSource;

use super::diagnostic::{
    FileRef, Issue, PolicyError, PolicyProblem, Span, preset_list_help, suggest,
};
use super::document::PolicyDocument;
use super::tree::parse_tree;
use super::validate::Validator;
use super::{Policy, PolicyOrigin, presets};
use crate::catalog::Catalog;

/// Policy file names looked for in each directory, in order of preference.
pub const POLICY_FILE_NAMES: &[&str] = &["privlint.yaml", "privlint.yml", ".privlint.yaml"];

/// A policy file larger than this is refused before parsing.
const MAX_POLICY_BYTES: usize = 1 << 20;
/// Files in one `extends` chain.
const MAX_EXTENDS: usize = 8;

// ---------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------

/// The policy file governing `start` (a file or directory): the first of
/// [`POLICY_FILE_NAMES`] in `start`'s directory or any ancestor, up to the filesystem root.
/// Found in `start`'s own directory, the path is `start`-relative as given
/// (`app/privlint.yaml`); found higher up, it is absolute.
pub fn find_policy_file(start: &Path) -> Option<PathBuf> {
    let start_dir = if start.is_file() {
        start.parent().unwrap_or(Path::new(""))
    } else {
        start
    };
    let lookup = if start_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start_dir
    };
    let absolute = lookup
        .canonicalize()
        .or_else(|_| std::path::absolute(lookup))
        .ok()?;
    for (depth, dir) in absolute.ancestors().enumerate() {
        for name in POLICY_FILE_NAMES {
            if dir.join(name).is_file() {
                return Some(if depth == 0 {
                    start_dir.join(name)
                } else {
                    dir.join(name)
                });
            }
        }
    }
    None
}

/// Load and validate a policy file; `extends` paths resolve against its directory.
pub fn load_file(path: &Path, catalog: &Catalog) -> Result<Policy, PolicyError> {
    let display = display_path(path);
    let text = match read_policy(path) {
        Ok(text) => text,
        Err(reason) => {
            let issue = Issue::new(
                "unreadable",
                None,
                format!("cannot read {display}: {reason}"),
            )
            .help("check the path given to --policy");
            let file = FileRef {
                display: &display,
                text: "",
            };
            return Err(PolicyError {
                src: NamedSource::new(&display, String::new()),
                problems: file.problems(vec![issue]),
                file: display,
            });
        }
    };
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let key = path
        .canonicalize()
        .map_or_else(|_| display.clone(), |p| p.display().to_string());
    load_root(
        &display,
        &text,
        Some(&base_dir),
        key,
        PolicyOrigin::File(display.clone()),
        catalog,
    )
}

/// Load and validate policy text; `name` is its display path, `base_dir` the directory
/// `extends` paths resolve against (`None`: only presets may be extended).
pub fn load_str(
    name: &str,
    text: &str,
    base_dir: Option<&Path>,
    catalog: &Catalog,
) -> Result<Policy, PolicyError> {
    // The text usually is `base_dir/<file name of name>`: use that file's identity so an
    // `extends` cycle back to it is caught on the first lap.
    let key = base_dir
        .zip(Path::new(name).file_name())
        .and_then(|(dir, file)| dir.join(file).canonicalize().ok())
        .filter(|path| path.is_file())
        .map_or_else(|| name.to_string(), |path| path.display().to_string());
    load_root(
        name,
        text,
        base_dir,
        key,
        PolicyOrigin::File(name.to_string()),
        catalog,
    )
}

/// Load one of the shipped presets (`recommended`, `strict`, `kids`). Its spans name the
/// file `preset:<name>`; its origin is [`PolicyOrigin::DefaultPreset`].
pub fn load_preset(name: &str, catalog: &Catalog) -> Result<Policy, PolicyError> {
    let display = format!("preset:{name}");
    let Some(text) = presets::preset(name) else {
        let names = presets::PRESETS.iter().map(|(n, _)| *n);
        let issue = Issue::new("unknown-preset", None, format!("unknown preset `{name}`"))
            .help(suggest(name, names).unwrap_or_else(preset_list_help));
        let file = FileRef {
            display: &display,
            text: "",
        };
        return Err(PolicyError {
            src: NamedSource::new(&display, String::new()),
            problems: file.problems(vec![issue]),
            file: display,
        });
    };
    load_root(
        &display,
        text,
        None,
        display.clone(),
        PolicyOrigin::DefaultPreset(name.to_string()),
        catalog,
    )
}

fn load_root(
    display: &str,
    text: &str,
    base_dir: Option<&Path>,
    key: String,
    origin: PolicyOrigin,
    catalog: &Catalog,
) -> Result<Policy, PolicyError> {
    let mut loader = Loader {
        catalog,
        chain: vec![(key, display.to_string())],
        repo_root: base_dir.map(repository_root),
    };
    let (mut policy, problems) = loader.load_doc(display, text, base_dir);
    if problems.is_empty() {
        policy.origin = origin;
        Ok(policy)
    } else {
        Err(PolicyError {
            file: display.to_string(),
            src: NamedSource::new(display, text.to_string()).with_language("yaml"),
            problems,
        })
    }
}

fn read_policy(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a file".into());
    }
    if meta.len() > MAX_POLICY_BYTES as u64 {
        return Err(format!("larger than {MAX_POLICY_BYTES} bytes"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

fn display_path(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// The directory `extends` paths must stay inside: the nearest ancestor of `dir` holding
/// `.git`, or `dir` itself outside a repository.
fn repository_root(dir: &Path) -> PathBuf {
    let dir = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// `a/b/../c` → `a/c` without touching the filesystem; `None` when `..` climbs above the
/// start of the path.
fn normalize_lexically(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if depth == 0 {
                    return None;
                }
                out.pop();
                depth -= 1;
            }
            Component::Normal(part) => {
                out.push(part);
                depth += 1;
            }
            Component::RootDir | Component::Prefix(_) => {
                out.push(component.as_os_str());
            }
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Loading an `extends` chain
// ---------------------------------------------------------------------------------------

struct Loader<'c> {
    catalog: &'c Catalog,
    /// `(identity, display)` of every file being loaded, outermost first (cycle check).
    chain: Vec<(String, String)>,
    /// Where `extends` paths must stay; `None` when loading text without a directory.
    repo_root: Option<PathBuf>,
}

impl Loader<'_> {
    /// Parse, validate and merge one file over what it extends. Returns the merged policy
    /// and every problem of this file (first, by position) and of the files it extends.
    fn load_doc(
        &mut self,
        display: &str,
        text: &str,
        base_dir: Option<&Path>,
    ) -> (Policy, Vec<PolicyProblem>) {
        let file = FileRef { display, text };
        if text.len() > MAX_POLICY_BYTES {
            let issue = Issue::new(
                "too-large",
                None,
                format!("the policy file is larger than {MAX_POLICY_BYTES} bytes"),
            );
            return (Policy::empty(), file.problems(vec![issue]));
        }
        if let Some(offset) = text.find('\0') {
            // A NUL would end the text early in some readers: refuse it rather than read
            // a policy that is shorter than the file.
            let before = &text[..offset];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let span = Span {
                offset,
                len: 1,
                line: u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX),
                column: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
            };
            let issue = Issue::new("nul-byte", Some(span), "the policy contains a NUL byte")
                .label("NUL byte")
                .help("a policy is plain UTF-8 text; remove the NUL byte (was the file saved as UTF-16?)");
            return (Policy::empty(), file.problems(vec![issue]));
        }
        let tree = match parse_tree(text) {
            Ok(tree) => tree,
            Err(issue) => return (Policy::empty(), file.problems(vec![issue])),
        };
        let mut validator = Validator::new(&file, self.catalog, tree.issues);
        let document = PolicyDocument::read_root(&mut validator, tree.root.as_ref());
        let mut issues = validator.into_issues();
        let mut base_problems = Vec::new();
        let mut base = Policy::empty();
        if let Some((target, span)) = &document.extends {
            match self.resolve_extends(display, target, *span, base_dir) {
                Ok((policy, problems)) => {
                    base = policy;
                    base_problems = problems;
                }
                Err(issue) => issues.push(issue),
            }
        }
        document.apply_to(&mut base);
        let mut problems = file.problems(issues);
        problems.extend(base_problems);
        (base, problems)
    }

    fn resolve_extends(
        &mut self,
        from_display: &str,
        target: &str,
        span: Span,
        base_dir: Option<&Path>,
    ) -> Result<(Policy, Vec<PolicyProblem>), Issue> {
        if self.chain.len() >= MAX_EXTENDS {
            return Err(Issue::new(
                "extends-depth",
                Some(span),
                format!("`extends` chain is longer than {MAX_EXTENDS} files"),
            )
            .label("one extends too many"));
        }
        let looks_like_path = target.contains('/')
            || target.contains('\\')
            || target.ends_with(".yaml")
            || target.ends_with(".yml");
        if !looks_like_path {
            let Some(text) = presets::preset(target) else {
                let names = presets::PRESETS.iter().map(|(n, _)| *n);
                return Err(Issue::new(
                    "unknown-preset",
                    Some(span),
                    format!("unknown preset `{target}`"),
                )
                .label("not a preset")
                .help(suggest(target, names).unwrap_or_else(preset_list_help)));
            };
            let key = format!("preset:{target}");
            return self.descend(key.clone(), key, text.to_string(), None, span);
        }
        let Some(base_dir) = base_dir else {
            let message = if from_display.starts_with("preset:") {
                "a preset may only extend another preset"
            } else {
                "`extends` with a path needs the policy to be read from a file"
            };
            return Err(Issue::new("extends-path", Some(span), message)
                .label("path not allowed here")
                .help("extend a preset (recommended, strict, kids) or load the policy with --policy FILE"));
        };
        let relative = Path::new(target);
        if relative.has_root() || relative.is_absolute() || target.starts_with('~') {
            return Err(Issue::new(
                "extends-escape",
                Some(span),
                format!("`extends: {target}` is an absolute path"),
            )
            .label("absolute path")
            .help("write a path relative to this policy file, inside the repository"));
        }
        let root = self
            .repo_root
            .clone()
            .unwrap_or_else(|| repository_root(base_dir));
        let escape = || {
            Issue::new(
                "extends-escape",
                Some(span),
                format!("`extends: {target}` leaves the repository"),
            )
            .label("outside the repository")
            .help(format!(
                "the extended file must be inside {} (the repository holding this policy)",
                root.display()
            ))
        };
        let base_abs = base_dir
            .canonicalize()
            .or_else(|_| std::path::absolute(base_dir))
            .map_err(|e| {
                Issue::new(
                    "unreadable",
                    Some(span),
                    format!("cannot resolve `{target}`: {e}"),
                )
            })?;
        let joined = normalize_lexically(&base_abs.join(relative)).ok_or_else(escape)?;
        if !joined.starts_with(&root) {
            return Err(escape());
        }
        let canonical = joined.canonicalize().map_err(|e| {
            Issue::new(
                "unreadable",
                Some(span),
                format!("cannot read `{target}`: {e}"),
            )
            .label("no such policy file")
            .help("the path is relative to the directory of this policy file")
        })?;
        // A symbolic link could point out of the repository even when the path does not.
        if !canonical.starts_with(&root) {
            return Err(escape());
        }
        let text = read_policy(&canonical).map_err(|reason| {
            Issue::new(
                "unreadable",
                Some(span),
                format!("cannot read `{target}`: {reason}"),
            )
            .label("unreadable")
        })?;
        let display = Path::new(from_display)
            .parent()
            .map(|p| p.join(relative))
            .and_then(|p| normalize_lexically(&p))
            .map_or_else(|| target.to_string(), |p| display_path(&p));
        let dir = canonical.parent().map(Path::to_path_buf);
        self.descend(canonical.display().to_string(), display, text, dir, span)
    }

    fn descend(
        &mut self,
        key: String,
        display: String,
        text: String,
        dir: Option<PathBuf>,
        span: Span,
    ) -> Result<(Policy, Vec<PolicyProblem>), Issue> {
        if let Some(start) = self.chain.iter().position(|(k, _)| *k == key) {
            let cycle: Vec<&str> = self.chain[start..]
                .iter()
                .map(|(_, d)| d.as_str())
                .chain([display.as_str()])
                .collect();
            return Err(Issue::new(
                "extends-cycle",
                Some(span),
                format!("`extends` forms a cycle: {}", cycle.join(" → ")),
            )
            .label("extends a file that extends this one")
            .help("remove one `extends` of the cycle"));
        }
        self.chain.push((key, display.clone()));
        let result = self.load_doc(&display, &text, dir.as_deref());
        self.chain.pop();
        Ok(result)
    }
}

#[cfg(test)]
mod tests;
