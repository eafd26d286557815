//! Loading `privlint.yaml`: YAML events → a spanned node tree → a validated layer → merged
//! over whatever it `extends` → [`Policy`].
//!
//! The YAML goes through the event parser of [`crate::yaml`] rather than serde so that every key and
//! value keeps its position (miette labels point at the offending key or value), duplicate
//! keys are caught, and aliases are expanded under a node budget (an alias bomb is an
//! error, not a hang). Validation never stops at the first problem: every problem of every
//! file in the `extends` chain is returned together in one [`PolicyError`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use thiserror::Error;

use super::{
    Access, ConsentRule, Date, Exception, Policy, PolicyOrigin, PolicySpan, Precision, Require,
    SdkRules, SdkSelector, Spanned, Unlisted, presets,
};
use crate::catalog::Catalog;
use crate::yaml::events::{Event, Marker, Parser, ScalarStyle};

/// Every rule a policy exception may name: `(code, kebab-case name)`. The rule registry
/// tests that it agrees with this table.
pub const RULE_NAMES: &[(&str, &str)] = &[
    ("PL101", "denied-sdk"),
    ("PL102", "unlisted-sdk"),
    ("PL201", "denied-capability"),
    ("PL202", "precise-location"),
    ("PL203", "background-location"),
    ("PL301", "capability-flows-to-sdk"),
    ("PL302", "capability-passed-to-sdk"),
    ("PL303", "sdk-collects-capability"),
    ("PL304", "audio-beacon"),
    ("PL401", "missing-purpose-string"),
    ("PL402", "privacy-manifest-gap"),
    ("PL501", "expired-exception"),
    ("PL502", "unused-exception"),
    ("PL601", "sdk-starts-before-consent"),
    ("PL900", "unanalyzed-file"),
];

/// Policy file names looked for in each directory, in order of preference.
pub const POLICY_FILE_NAMES: &[&str] = &["privlint.yaml", "privlint.yml", ".privlint.yaml"];

/// The keys each mapping of schema v1 accepts (the JSON schema test checks them).
pub(crate) const TOP_LEVEL_KEYS: &[&str] = &[
    "version",
    "extends",
    "sdks",
    "capabilities",
    "require",
    "paths",
    "exceptions",
    "consent",
];
pub(crate) const SDKS_KEYS: &[&str] = &["allow", "deny", "unlisted"];
pub(crate) const CAPABILITY_KEYS: &[&str] = &["app", "max_precision", "background", "sdks"];
pub(crate) const REQUIRE_KEYS: &[&str] = &["purpose_strings", "privacy_manifest"];
pub(crate) const PATHS_KEYS: &[&str] = &["ignore"];
pub(crate) const CONSENT_KEYS: &[&str] = &["required", "gates"];
pub(crate) const EXCEPTION_KEYS: &[&str] =
    &["rule", "sdk", "capability", "paths", "reason", "expires"];

const UNLISTED_VALUES: &[(&str, Unlisted)] = &[
    ("allow", Unlisted::Allow),
    ("warn", Unlisted::Warn),
    ("deny", Unlisted::Deny),
];
const ACCESS_VALUES: &[(&str, Access)] = &[("allow", Access::Allow), ("deny", Access::Deny)];
const PRECISION_VALUES: &[(&str, Precision)] = &[
    ("coarse", Precision::Coarse),
    ("precise", Precision::Precise),
];

/// A policy file larger than this is refused before parsing.
const MAX_POLICY_BYTES: usize = 1 << 20;
/// Nodes a document may hold after alias expansion; real policies hold a few hundred.
const MAX_NODES: usize = 10_000;
/// Nesting depth of collections; schema v1 needs five.
const MAX_DEPTH: usize = 32;
/// Files in one `extends` chain.
const MAX_EXTENDS: usize = 8;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A policy that cannot be used (exit code 2). Holds every problem found, each with its
/// own label, help and position.
#[derive(Debug, Error, Diagnostic)]
#[error("policy {file} is not valid ({} problem{})", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(
    code(privlint::policy::invalid),
    help("docs/policy.md describes every key of the policy file")
)]
pub struct PolicyError {
    /// Display path of the policy file that was loaded (or `preset:NAME`).
    pub file: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[related]
    pub problems: Vec<PolicyProblem>,
}

/// One problem in a policy file, labelled at the offending key or value.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct PolicyProblem {
    /// Short kebab-case kind (`unknown-key`, `wrong-type`, `unknown-sdk` …); the diagnostic
    /// code is `privlint::policy::<kind>`.
    pub kind: &'static str,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// Where it is; `None` for problems without a position (an unreadable file).
    pub span: Option<PolicySpan>,
    src: Option<NamedSource<String>>,
}

impl Diagnostic for PolicyProblem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("privlint::policy::{}", self.kind)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            span.offset,
            span.len,
        ))))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
}

/// A problem before it is tied to its file.
#[derive(Debug, Clone)]
struct Issue {
    kind: &'static str,
    message: String,
    label: String,
    help: Option<String>,
    span: Option<Span>,
}

impl Issue {
    fn new(kind: &'static str, span: Option<Span>, message: impl Into<String>) -> Issue {
        Issue {
            kind,
            message: message.into(),
            label: "here".into(),
            help: None,
            span,
        }
    }

    fn label(mut self, label: impl Into<String>) -> Issue {
        self.label = label.into();
        self
    }

    fn help(mut self, help: impl Into<String>) -> Issue {
        self.help = Some(help.into());
        self
    }

    fn help_opt(mut self, help: Option<String>) -> Issue {
        self.help = help.or(self.help);
        self
    }
}

/// The file a set of issues belongs to.
struct FileRef<'a> {
    display: &'a str,
    text: &'a str,
}

impl FileRef<'_> {
    fn policy_span(&self, span: Span) -> PolicySpan {
        PolicySpan {
            file: self.display.to_string(),
            line: span.line,
            column: span.column,
            offset: span.offset,
            len: span.len,
        }
    }

    fn problems(&self, mut issues: Vec<Issue>) -> Vec<PolicyProblem> {
        issues.sort_by_key(|i| i.span.map_or(0, |s| s.offset));
        let src = NamedSource::new(self.display, self.text.to_string()).with_language("yaml");
        issues
            .into_iter()
            .map(|i| PolicyProblem {
                kind: i.kind,
                message: i.message,
                label: i.label,
                help: i.help,
                span: i.span.map(|s| self.policy_span(s)),
                src: Some(src.clone()),
            })
            .collect()
    }
}

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
            return (empty_policy(), file.problems(vec![issue]));
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
            return (empty_policy(), file.problems(vec![issue]));
        }
        let tree = match parse_tree(text) {
            Ok(tree) => tree,
            Err(issue) => return (empty_policy(), file.problems(vec![issue])),
        };
        let mut validator = Validator {
            file: &file,
            catalog: self.catalog,
            issues: tree.issues,
        };
        let layer = validator.layer(tree.root.as_ref());
        let mut issues = validator.issues;
        let mut base_problems = Vec::new();
        let mut base = empty_policy();
        if let Some((target, span)) = &layer.extends {
            match self.resolve_extends(display, target, *span, base_dir) {
                Ok((policy, problems)) => {
                    base = policy;
                    base_problems = problems;
                }
                Err(issue) => issues.push(issue),
            }
        }
        apply_layer(&mut base, layer);
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

fn empty_policy() -> Policy {
    Policy {
        origin: PolicyOrigin::File(String::new()),
        sdks: SdkRules {
            allow: Vec::new(),
            deny: Vec::new(),
            unlisted: Spanned {
                value: Unlisted::Warn,
                span: None,
            },
        },
        capabilities: BTreeMap::new(),
        require: Require::default(),
        consent: ConsentRule::default(),
        ignore_paths: Vec::new(),
        exceptions: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// One file's keys, validated, before merging
// ---------------------------------------------------------------------------------------

/// A list as written: replacing the inherited one, or `{add: [...]}` appending to it.
#[derive(Debug)]
enum ListEdit<T> {
    Replace(Vec<T>),
    Add(Vec<T>),
}

#[derive(Debug, Default)]
struct CapabilityLayer {
    app: Option<Spanned<Access>>,
    max_precision: Option<Spanned<Precision>>,
    background: Option<Spanned<Access>>,
    sdks: Option<ListEdit<Spanned<SdkSelector>>>,
    span: Option<PolicySpan>,
}

#[derive(Debug, Default)]
struct Layer {
    extends: Option<(String, Span)>,
    allow: Option<ListEdit<Spanned<SdkSelector>>>,
    deny: Option<ListEdit<Spanned<SdkSelector>>>,
    unlisted: Option<Spanned<Unlisted>>,
    capabilities: Vec<(String, CapabilityLayer)>,
    purpose_strings: Option<Spanned<bool>>,
    privacy_manifest: Option<Spanned<bool>>,
    ignore: Option<ListEdit<String>>,
    exceptions: Option<ListEdit<Exception>>,
    consent_required: Option<Spanned<bool>>,
    consent_gates: Option<ListEdit<Spanned<String>>>,
}

fn apply_list<T>(target: &mut Vec<T>, edit: Option<ListEdit<T>>) {
    match edit {
        None => {}
        Some(ListEdit::Replace(items)) => *target = items,
        Some(ListEdit::Add(items)) => target.extend(items),
    }
}

/// The file's own keys over the inherited policy, key by key.
fn apply_layer(policy: &mut Policy, layer: Layer) {
    apply_list(&mut policy.sdks.allow, layer.allow);
    apply_list(&mut policy.sdks.deny, layer.deny);
    if let Some(unlisted) = layer.unlisted {
        policy.sdks.unlisted = unlisted;
    }
    for (id, cap) in layer.capabilities {
        let rule = policy.capabilities.entry(id).or_default();
        if let Some(app) = cap.app {
            rule.app = app;
        }
        if cap.max_precision.is_some() {
            rule.max_precision = cap.max_precision;
        }
        if cap.background.is_some() {
            rule.background = cap.background;
        }
        apply_list(&mut rule.sdks, cap.sdks);
        rule.span = cap.span;
    }
    if layer.purpose_strings.is_some() {
        policy.require.purpose_strings = layer.purpose_strings;
    }
    if layer.privacy_manifest.is_some() {
        policy.require.privacy_manifest = layer.privacy_manifest;
    }
    apply_list(&mut policy.ignore_paths, layer.ignore);
    apply_list(&mut policy.exceptions, layer.exceptions);
    if layer.consent_required.is_some() {
        policy.consent.required = layer.consent_required;
    }
    apply_list(&mut policy.consent.gates, layer.consent_gates);
}

struct Validator<'a> {
    file: &'a FileRef<'a>,
    catalog: &'a Catalog,
    issues: Vec<Issue>,
}

impl Validator<'_> {
    fn report(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn spanned<T>(&self, value: T, node: &Node) -> Spanned<T> {
        Spanned {
            value,
            span: Some(self.file.policy_span(node.span)),
        }
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.report(
            Issue::new(
                "wrong-type",
                Some(node.span),
                format!("{what} must be {expected}, found {}", node.describe()),
            )
            .label(format!("expected {expected}"))
            .help(format!(
                "write {what} as {expected}; docs/policy.md has examples"
            )),
        );
    }

    /// The entries of a mapping whose keys are in `allowed`; unknown keys are reported.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let mut out = Vec::new();
        for (key, name, value) in self.entries(node, what) {
            if allowed.contains(&name) {
                out.push((name, key, value));
            } else {
                let help = suggest(name, allowed.iter().copied()).unwrap_or_else(|| {
                    format!("the keys allowed in {what} are: {}", allowed.join(", "))
                });
                self.report(
                    Issue::new(
                        "unknown-key",
                        Some(key.span),
                        format!("unknown key `{name}` in {what}"),
                    )
                    .label("unknown key")
                    .help(help),
                );
            }
        }
        out
    }

    /// Every entry of a mapping with a scalar key (`null` counts as an empty mapping).
    fn entries<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, &'n str, &'n Node)> {
        if node.is_null() {
            return Vec::new();
        }
        let Kind::Map(entries) = &node.kind else {
            self.wrong_type(node, what, "a mapping");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            match key.as_str() {
                Some(name) => out.push((key, name, value)),
                None => self.report(
                    Issue::new(
                        "wrong-type",
                        Some(key.span),
                        format!("keys in {what} must be plain names"),
                    )
                    .label("not a name")
                    .help("write the key as a plain word, like `allow:`"),
                ),
            }
        }
        out
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, what, "a string");
        }
        text
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<Spanned<bool>> {
        let value = match &node.kind {
            Kind::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if value.is_none() {
            self.wrong_type(node, what, "`true` or `false`");
        }
        value.map(|v| self.spanned(v, node))
    }

    fn choice<T: Copy>(
        &mut self,
        node: &Node,
        what: &str,
        options: &[(&str, T)],
    ) -> Option<Spanned<T>> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let expected = format!("one of {}", names.join(", "));
        let text = self.string(node, what)?;
        if let Some((_, value)) = options.iter().find(|(n, _)| *n == text) {
            return Some(self.spanned(*value, node));
        }
        self.report(
            Issue::new(
                "invalid-value",
                Some(node.span),
                format!("invalid value `{text}` for {what}"),
            )
            .label(format!("expected {expected}"))
            .help(
                suggest(text, names.iter().copied())
                    .unwrap_or_else(|| format!("{what} is {expected}")),
            ),
        );
        None
    }

    /// A list, or `{add: [...]}` to append to the inherited one; `null` is an empty list.
    fn list<T>(
        &mut self,
        node: &Node,
        what: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Option<ListEdit<T>> {
        let mut items_of =
            |this: &mut Self, seq: &[Node]| seq.iter().filter_map(|n| item(this, n)).collect();
        match &node.kind {
            _ if node.is_null() => Some(ListEdit::Replace(Vec::new())),
            Kind::Seq(seq) => Some(ListEdit::Replace(items_of(self, seq))),
            Kind::Map(_) => {
                let fields = self.fields(node, &format!("{what} {{add: …}}"), &["add"]);
                match fields.first() {
                    Some((_, _, value)) => match &value.kind {
                        Kind::Seq(seq) => Some(ListEdit::Add(items_of(self, seq))),
                        _ => {
                            self.wrong_type(value, &format!("`add` in {what}"), "a list");
                            None
                        }
                    },
                    None => {
                        self.report(
                            Issue::new("wrong-type", Some(node.span), format!("{what} must be a list"))
                                .label("expected a list or {add: [...]}")
                                .help("write a list `[a, b]` to replace the inherited list, or `{add: [a, b]}` to extend it"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(node, what, "a list (or `{add: [...]}`)");
                None
            }
        }
    }

    fn selector(&mut self, node: &Node) -> Option<Spanned<SdkSelector>> {
        let text = self.string(node, "an SDK selector")?;
        if let Some(category) = text.strip_prefix("category:") {
            let known = self.catalog.category_ids();
            if known.contains(category) {
                return Some(self.spanned(SdkSelector::Category(category.to_string()), node));
            }
            let help = suggest(category, known.iter().copied())
                .map(|s| s.replace("did you mean `", "did you mean `category:"))
                .unwrap_or_else(|| {
                    format!(
                        "the catalog's categories are: {}",
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    )
                });
            self.report(
                Issue::new(
                    "unknown-category",
                    Some(node.span),
                    format!("unknown SDK category `{category}`"),
                )
                .label("not a catalog category")
                .help(help),
            );
            return None;
        }
        if self.catalog.sdk(text).is_some() {
            return Some(self.spanned(SdkSelector::Id(text.to_string()), node));
        }
        let help = if self.catalog.category(text).is_some() {
            format!("`{text}` is a category: write `category:{text}`")
        } else {
            suggest(text, self.catalog.sdks.iter().map(|s| s.id.as_str())).unwrap_or_else(|| {
                "`privlint catalog` lists the SDK ids; a category is written `category:NAME`".into()
            })
        };
        self.report(
            Issue::new(
                "unknown-sdk",
                Some(node.span),
                format!("unknown SDK id `{text}`"),
            )
            .label("not in the catalog")
            .help(help),
        );
        None
    }

    /// A consent gate id of the catalog (`consent.gates`).
    fn consent_gate(&mut self, node: &Node) -> Option<Spanned<String>> {
        let text = self.string(node, "a consent gate id")?;
        if self.catalog.consent_gate(text).is_some() {
            return Some(self.spanned(text.to_string(), node));
        }
        let ids = self.catalog.consent_gates.iter().map(|g| g.id.as_str());
        let help = suggest(text, ids.clone()).unwrap_or_else(|| {
            format!(
                "the catalog's consent gates are: {}",
                ids.collect::<Vec<_>>().join(", ")
            )
        });
        self.report(
            Issue::new(
                "unknown-consent-gate",
                Some(node.span),
                format!("unknown consent gate `{text}`"),
            )
            .label("not a catalog consent gate")
            .help(help),
        );
        None
    }

    fn glob(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = self.string(node, what)?;
        let problem = if text.trim().is_empty() {
            Some("an empty pattern".to_string())
        } else {
            ignore::overrides::OverrideBuilder::new("/")
                .add(text)
                .err()
                .map(|e| e.to_string())
        };
        match problem {
            None => Some(text.to_string()),
            Some(reason) => {
                self.report(
                    Issue::new("bad-glob", Some(node.span), format!("invalid path pattern `{text}`: {reason}"))
                        .label("invalid glob")
                        .help("patterns match scan-relative paths with `/`: `*` within a segment, `**` across segments"),
                );
                None
            }
        }
    }

    fn layer(&mut self, root: Option<&Node>) -> Layer {
        let mut layer = Layer::default();
        let Some(root) = root.filter(|r| !r.is_null()) else {
            self.report(
                Issue::new("empty", Some(Span::start()), "the policy file is empty")
                    .label("expected `version: 1`")
                    .help("start the file with `version: 1`"),
            );
            return layer;
        };
        if !matches!(root.kind, Kind::Map(_)) {
            self.wrong_type(
                root,
                "the policy file",
                "a mapping of keys (`version: 1`, `sdks:` …)",
            );
            return layer;
        }
        let mut saw_version = false;
        for (name, key, value) in self.fields(root, "the policy file", TOP_LEVEL_KEYS) {
            match name {
                "version" => {
                    saw_version = true;
                    self.version(value);
                }
                "extends" => {
                    if let Some(target) = self.string(value, "`extends`") {
                        layer.extends = Some((target.to_string(), value.span));
                    }
                }
                "sdks" => self.sdks(value, &mut layer),
                "capabilities" => self.capabilities(value, &mut layer),
                "require" => {
                    for (name, _, value) in self.fields(value, "`require`", REQUIRE_KEYS) {
                        let flag = self.boolean(value, &format!("`require.{name}`"));
                        if name == "purpose_strings" {
                            layer.purpose_strings = flag;
                        } else {
                            layer.privacy_manifest = flag;
                        }
                    }
                }
                "paths" => {
                    for (_, _, value) in self.fields(value, "`paths`", PATHS_KEYS) {
                        layer.ignore =
                            self.list(value, "`paths.ignore`", |v, n| v.glob(n, "a path pattern"));
                    }
                }
                "exceptions" => {
                    layer.exceptions = self.list(value, "`exceptions`", |v, n| v.exception(n));
                }
                "consent" => {
                    for (name, _, value) in self.fields(value, "`consent`", CONSENT_KEYS) {
                        if name == "required" {
                            layer.consent_required = self.boolean(value, "`consent.required`");
                        } else {
                            layer.consent_gates =
                                self.list(value, "`consent.gates`", |v, n| v.consent_gate(n));
                        }
                    }
                }
                _ => debug_assert!(
                    false,
                    "key {name} at {:?} accepted but not handled",
                    key.span
                ),
            }
        }
        if !saw_version {
            self.report(
                Issue::new(
                    "missing-version",
                    Some(root.head_span()),
                    "the policy file has no `version`",
                )
                .label("`version: 1` expected in this mapping")
                .help("add `version: 1` as the first line"),
            );
        }
        layer
    }

    fn version(&mut self, value: &Node) {
        let ok = matches!(&value.kind, Kind::Scalar { text, plain: true } if text == "1");
        if !ok {
            let shown = value.as_str().unwrap_or("?");
            self.report(
                Issue::new(
                    "unsupported-version",
                    Some(value.span),
                    format!("unsupported policy version `{shown}`"),
                )
                .label("expected 1")
                .help("this privlint reads policy schema version 1: write `version: 1`"),
            );
        }
    }

    fn sdks(&mut self, node: &Node, layer: &mut Layer) {
        for (name, _, value) in self.fields(node, "`sdks`", SDKS_KEYS) {
            match name {
                "allow" => layer.allow = self.list(value, "`sdks.allow`", Self::selector),
                "deny" => layer.deny = self.list(value, "`sdks.deny`", Self::selector),
                _ => layer.unlisted = self.choice(value, "`sdks.unlisted`", UNLISTED_VALUES),
            }
        }
    }

    fn capabilities(&mut self, node: &Node, layer: &mut Layer) {
        for (key, id, value) in self.entries(node, "`capabilities`") {
            let Some(def) = self.catalog.capability(id) else {
                let help = suggest(id, self.catalog.capabilities.iter().map(|c| c.id.as_str()))
                    .unwrap_or_else(|| {
                        let ids: Vec<&str> = self
                            .catalog
                            .capabilities
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect();
                        format!("the catalog's capabilities are: {}", ids.join(", "))
                    });
                self.report(
                    Issue::new(
                        "unknown-capability",
                        Some(key.span),
                        format!("unknown capability `{id}`"),
                    )
                    .label("not a catalog capability")
                    .help(help),
                );
                continue;
            };
            let levels = def.levels;
            let mut cap = CapabilityLayer {
                span: Some(self.file.policy_span(key.span)),
                ..CapabilityLayer::default()
            };
            let what = format!("`capabilities.{id}`");
            for (name, field_key, value) in self.fields(value, &what, CAPABILITY_KEYS) {
                let field = format!("`capabilities.{id}.{name}`");
                if !levels && (name == "max_precision" || name == "background") {
                    let with_levels: Vec<&str> = self
                        .catalog
                        .capabilities
                        .iter()
                        .filter(|c| c.levels)
                        .map(|c| c.id.as_str())
                        .collect();
                    self.report(
                        Issue::new(
                            "not-applicable",
                            Some(field_key.span),
                            format!("{field} does not apply to `{id}`"),
                        )
                        .label(format!("`{id}` has no precision or background levels"))
                        .help(format!(
                            "`max_precision` and `background` apply only to: {}",
                            with_levels.join(", ")
                        )),
                    );
                    continue;
                }
                match name {
                    "app" => cap.app = self.choice(value, &field, ACCESS_VALUES),
                    "max_precision" => {
                        cap.max_precision = self.choice(value, &field, PRECISION_VALUES)
                    }
                    "background" => cap.background = self.choice(value, &field, ACCESS_VALUES),
                    _ => cap.sdks = self.list(value, &field, Self::selector),
                }
            }
            layer.capabilities.push((id.to_string(), cap));
        }
    }

    fn exception(&mut self, node: &Node) -> Option<Exception> {
        if !matches!(node.kind, Kind::Map(_)) {
            self.wrong_type(node, "an exception", "a mapping with `rule` and `reason`");
            return None;
        }
        let mut rule = None;
        let mut rule_seen = false;
        let mut reason = None;
        let mut reason_seen = false;
        let mut exception = Exception {
            rule: String::new(),
            sdk: None,
            capability: None,
            paths: Vec::new(),
            reason: String::new(),
            expires: None,
            span: Some(self.file.policy_span(node.head_span())),
        };
        for (name, _, value) in self.fields(node, "an exception", EXCEPTION_KEYS) {
            match name {
                "rule" => {
                    rule_seen = true;
                    rule = self.rule_name(value);
                }
                "sdk" => {
                    let id = self.string(value, "`sdk` of an exception");
                    if let Some(id) = id {
                        if self.catalog.sdk(id).is_some() {
                            exception.sdk = Some(id.to_string());
                        } else {
                            let help = suggest(id, self.catalog.sdks.iter().map(|s| s.id.as_str()))
                                .unwrap_or_else(|| {
                                    "an exception names one SDK by its catalog id".into()
                                });
                            self.report(
                                Issue::new(
                                    "unknown-sdk",
                                    Some(value.span),
                                    format!("unknown SDK id `{id}`"),
                                )
                                .label("not in the catalog")
                                .help(help),
                            );
                        }
                    }
                }
                "capability" => {
                    if let Some(id) = self.string(value, "`capability` of an exception") {
                        if self.catalog.capability(id).is_some() {
                            exception.capability = Some(id.to_string());
                        } else {
                            let help = suggest(
                                id,
                                self.catalog.capabilities.iter().map(|c| c.id.as_str()),
                            );
                            self.report(
                                Issue::new(
                                    "unknown-capability",
                                    Some(value.span),
                                    format!("unknown capability `{id}`"),
                                )
                                .label("not a catalog capability")
                                .help_opt(help),
                            );
                        }
                    }
                }
                "paths" => match &value.kind {
                    Kind::Seq(items) => {
                        exception.paths = items
                            .iter()
                            .filter_map(|n| self.glob(n, "a path pattern"))
                            .collect();
                    }
                    _ => {
                        self.wrong_type(value, "`paths` of an exception", "a list of path patterns")
                    }
                },
                "reason" => {
                    reason_seen = true;
                    match value.as_str().map(str::trim) {
                        Some(text) if !text.is_empty() => reason = Some(text.to_string()),
                        _ => self.report(
                            Issue::new("empty-reason", Some(value.span), "an exception needs a non-empty `reason`")
                                .label("empty reason")
                                .help("say why the exception is acceptable, e.g. \"Geofencing campaigns, privacy review PR-123\""),
                        ),
                    }
                }
                _ => exception.expires = self.date(value),
            }
        }
        for (seen, key, help) in [
            (
                rule_seen,
                "rule",
                "name the rule it silences, by name or code (`capability-flows-to-sdk` or `PL301`)",
            ),
            (
                reason_seen,
                "reason",
                "say why the exception is acceptable (a review, a ticket); `reason` is required",
            ),
        ] {
            if !seen {
                self.report(
                    Issue::new(
                        "missing-key",
                        Some(node.head_span()),
                        format!("this exception has no `{key}`"),
                    )
                    .label(format!("`{key}` missing in this exception"))
                    .help(help),
                );
            }
        }
        exception.rule = rule?;
        exception.reason = reason?;
        Some(exception)
    }

    /// A rule name or code, normalised to the kebab-case name.
    fn rule_name(&mut self, node: &Node) -> Option<String> {
        let text = self.string(node, "`rule` of an exception")?;
        if let Some((_, name)) = RULE_NAMES
            .iter()
            .find(|(code, name)| code.eq_ignore_ascii_case(text) || *name == text)
        {
            return Some((*name).to_string());
        }
        let candidates = RULE_NAMES.iter().flat_map(|(code, name)| [*code, *name]);
        let help = suggest(text, candidates).unwrap_or_else(|| {
            let all: Vec<String> = RULE_NAMES
                .iter()
                .map(|(c, n)| format!("{n} ({c})"))
                .collect();
            format!("known rules: {}", all.join(", "))
        });
        self.report(
            Issue::new(
                "unknown-rule",
                Some(node.span),
                format!("unknown rule `{text}`"),
            )
            .label(crate::rules::exception_refusal(text))
            .help(help),
        );
        None
    }

    fn date(&mut self, node: &Node) -> Option<Date> {
        let text = self.string(node, "`expires`")?;
        let date = parse_date(text);
        if date.is_none() {
            self.report(
                Issue::new(
                    "bad-date",
                    Some(node.span),
                    format!("`{text}` is not a valid date"),
                )
                .label("expected YYYY-MM-DD")
                .help("write the date as YYYY-MM-DD, e.g. `expires: 2027-06-30`"),
            );
        }
        date
    }
}

/// `YYYY-MM-DD` with a real month and day (leap years included).
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days {
        return None;
    }
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

// ---------------------------------------------------------------------------------------
// "Did you mean"
// ---------------------------------------------------------------------------------------

/// Edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `input`: within edit distance 2, or one containing the other
/// (at least three characters long). Ties go to the earliest candidate.
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let needle = input.to_ascii_lowercase().replace('_', "-");
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let hay = candidate.to_ascii_lowercase().replace('_', "-");
        if hay == needle && candidate != input {
            return Some(candidate);
        }
        // Long inputs skip the quadratic distance (policy values are short).
        let distance = if needle.len() <= 64 {
            levenshtein(&needle, &hay)
        } else {
            usize::MAX
        };
        let close = distance <= 2 && distance < needle.chars().count();
        let contains =
            needle.len() >= 3 && hay.len() >= 3 && (hay.contains(&needle) || needle.contains(&hay));
        if close || contains {
            let score = if close { distance } else { 3 };
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

fn suggest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

fn preset_list_help() -> String {
    let names: Vec<&str> = presets::PRESETS.iter().map(|(n, _)| *n).collect();
    format!(
        "the presets are {}; a file is written as a relative path like `policies/base.yaml`",
        names.join(", ")
    )
}

// ---------------------------------------------------------------------------------------
// YAML events → spanned node tree
// ---------------------------------------------------------------------------------------

/// A position in the policy text: byte offset and length (for miette) and 1-based line
/// and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    offset: usize,
    len: usize,
    line: u32,
    column: u32,
}

impl Span {
    fn start() -> Span {
        Span {
            offset: 0,
            len: 0,
            line: 1,
            column: 1,
        }
    }

    fn end(&self) -> usize {
        self.offset + self.len
    }
}

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    span: Span,
    /// Nodes in this subtree (the alias budget counts them).
    size: usize,
    /// Nesting levels in this subtree.
    height: usize,
}

#[derive(Debug, Clone)]
enum Kind {
    /// `plain` scalars may be null, booleans or numbers; quoted and block ones are strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            _ if self.is_null() => "nothing (null)",
            Kind::Scalar { text, plain: true }
                if matches!(
                    text.as_str(),
                    "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
                ) =>
            {
                "a boolean"
            }
            Kind::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => "a number",
            Kind::Scalar { .. } => "a string",
        }
    }

    /// Where a missing-key label goes: the first key of a mapping, else the node.
    fn head_span(&self) -> Span {
        match &self.kind {
            Kind::Map(entries) => entries.first().map_or(self.span, |(k, _)| k.span),
            _ => self.span,
        }
    }
}

struct SourceMap<'t> {
    text: &'t str,
    /// Byte offset of each character, for non-ASCII text (parser marks count chars).
    char_bytes: Option<Vec<usize>>,
}

impl<'t> SourceMap<'t> {
    fn new(text: &'t str) -> Self {
        let char_bytes = (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect());
        SourceMap { text, char_bytes }
    }

    fn byte_offset(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(table) => table.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    /// Parser marks: char index, 1-based line, 0-based column.
    fn span(&self, mark: Marker, len: usize) -> Span {
        let offset = self.byte_offset(mark.index());
        Span {
            offset,
            len: len.min(self.text.len().saturating_sub(offset)),
            line: u32::try_from(mark.line().max(1)).unwrap_or(u32::MAX),
            column: u32::try_from(mark.col() + 1).unwrap_or(u32::MAX),
        }
    }

    /// Bytes the scalar occupies in the source, quotes included.
    fn scalar_len(&self, offset: usize, style: ScalarStyle, value: &str) -> usize {
        let rest = self.text.get(offset..).unwrap_or("");
        match style {
            ScalarStyle::Plain => {
                if rest.starts_with(value) {
                    value.len()
                } else {
                    rest.find('\n').unwrap_or(rest.len())
                }
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let quote = if style == ScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                let mut chars = rest.char_indices().skip(1).peekable();
                while let Some((i, c)) = chars.next() {
                    if quote == '"' && c == '\\' {
                        chars.next();
                    } else if c == quote {
                        if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                            chars.next();
                        } else {
                            return i + 1;
                        }
                    }
                }
                rest.len()
            }
            _ => 1,
        }
    }
}

struct Tree {
    root: Option<Node>,
    /// Problems that do not stop parsing (duplicate keys).
    issues: Vec<Issue>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Span,
        anchor: usize,
    },
}

struct TreeBuilder<'t> {
    map: SourceMap<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    issues: Vec<Issue>,
}

fn parse_tree(text: &str) -> Result<Tree, Issue> {
    let mut builder = TreeBuilder {
        map: SourceMap::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        issues: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, mark) = next.map(|(event, span)| (event, span.start)).map_err(|e| {
            let span = builder.map.span(*e.marker(), 1);
            Issue::new(
                "yaml-syntax",
                Some(span),
                format!("invalid YAML: {}", e.info()),
            )
            .label("here")
            .help("fix the YAML syntax (indentation, quotes, `key: value` pairs)")
        })?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(Issue::new(
                        "multiple-documents",
                        Some(builder.map.span(mark, 3)),
                        "a policy file holds one YAML document",
                    )
                    .label("second document")
                    .help("remove the `---` separator and merge the documents"));
                }
            }
            Event::Alias(id) => builder.alias(id, mark)?,
            Event::Scalar(value, style, anchor, tag) => {
                let value = value.into_owned();
                if tag.is_some() {
                    return Err(tag_issue(builder.map.span(mark, 1)));
                }
                let span = {
                    let offset = builder.map.byte_offset(mark.index());
                    builder
                        .map
                        .span(mark, builder.map.scalar_len(offset, style, &value))
                };
                let node = Node {
                    kind: Kind::Scalar {
                        text: value,
                        plain: style == ScalarStyle::Plain,
                    },
                    span,
                    size: 1,
                    height: 0,
                };
                builder.count(1, span)?;
                builder.complete(node, anchor);
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                let span = builder.map.span(mark, 1);
                if tag.is_some() {
                    return Err(tag_issue(span));
                }
                if builder.stack.len() >= MAX_DEPTH {
                    return Err(depth_issue(span));
                }
                builder.count(1, span)?;
                builder
                    .stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq {
                            items: Vec::new(),
                            start: span,
                            anchor,
                        }
                    } else {
                        Frame::Map {
                            entries: Vec::new(),
                            key: None,
                            start: span,
                            anchor,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(mark),
            Event::UnresolvedAlias(_) => {
                return Err(Issue::new(
                    "yaml-syntax",
                    Some(builder.map.span(mark, 1)),
                    "alias to an unknown anchor",
                )
                .label("unknown alias"));
            }
            // Stream and document ends, anchor names and comments carry no policy data.
            _ => {}
        }
    }
    Ok(Tree {
        root: builder.root,
        issues: builder.issues,
    })
}

fn tag_issue(span: Span) -> Issue {
    Issue::new(
        "yaml-tag",
        Some(span),
        "YAML tags are not supported in a policy file",
    )
    .label("tag")
    .help("remove the `!tag`; quote the value if it should be a string")
}

fn depth_issue(span: Span) -> Issue {
    Issue::new(
        "too-deep",
        Some(span),
        format!("the policy nests deeper than {MAX_DEPTH} levels"),
    )
    .label("too deep")
    .help("a policy file needs at most five levels of nesting")
}

impl TreeBuilder<'_> {
    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Issue> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(Issue::new(
                "too-many-nodes",
                Some(span),
                format!("the policy expands to more than {MAX_NODES} YAML nodes"),
            )
            .label("expansion exceeds the budget here")
            .help("aliases (`*name`) that repeat large anchors multiply the document; write the values out"));
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), Issue> {
        let span = self.map.span(mark, 1);
        let Some(target) = self.anchors.get(&id) else {
            return Err(
                Issue::new("yaml-syntax", Some(span), "alias to an unknown anchor")
                    .label("unknown alias"),
            );
        };
        // Check the budget before cloning, so a bomb never allocates.
        let (size, height) = (target.size, target.height);
        self.count(size, span)?;
        if self.stack.len() + height > MAX_DEPTH {
            return Err(depth_issue(span));
        }
        let node = self.anchors.get(&id).cloned();
        if let Some(node) = node {
            self.complete(node, 0);
        }
        Ok(())
    }

    /// Attach a finished node to its parent (or make it the root).
    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn close(&mut self, mark: Marker) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end_mark = self.map.span(mark, 1);
        let (kind, start, anchor, children) = match frame {
            Frame::Seq {
                items,
                start,
                anchor,
            } => {
                let spans: Vec<Span> = items.iter().map(|n| n.span).collect();
                (Kind::Seq(items), start, anchor, spans)
            }
            Frame::Map {
                entries,
                start,
                anchor,
                ..
            } => {
                let entries = self.without_duplicates(entries);
                let spans: Vec<Span> = entries.iter().flat_map(|(k, v)| [k.span, v.span]).collect();
                (Kind::Map(entries), start, anchor, spans)
            }
        };
        // Block mappings are marked at their first `:`; start at the first key instead.
        let head = children
            .iter()
            .copied()
            .filter(|s| s.offset < start.offset)
            .min_by_key(|s| s.offset)
            .unwrap_or(start);
        let flow = matches!(
            self.map.text.as_bytes().get(start.offset),
            Some(b'[' | b'{')
        );
        let end = if flow {
            end_mark.offset + 1
        } else {
            children.iter().map(Span::end).max().unwrap_or(start.end())
        };
        let span = Span {
            len: end
                .saturating_sub(head.offset)
                .min(self.map.text.len().saturating_sub(head.offset)),
            ..head
        };
        let (size, height) = match &kind {
            Kind::Seq(items) => (
                1 + items.iter().map(|n| n.size).sum::<usize>(),
                1 + items.iter().map(|n| n.height).max().unwrap_or(0),
            ),
            Kind::Map(entries) => (
                1 + entries.iter().map(|(k, v)| k.size + v.size).sum::<usize>(),
                1 + entries
                    .iter()
                    .map(|(k, v)| k.height.max(v.height))
                    .max()
                    .unwrap_or(0),
            ),
            Kind::Scalar { .. } => (1, 0),
        };
        self.complete(
            Node {
                kind,
                span,
                size,
                height,
            },
            anchor,
        );
    }

    /// Report every repeated key (keeping the first) — YAML says keys are unique and
    /// silently keeping one would hide an edit.
    fn without_duplicates(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let mut first_at: HashMap<String, Span> = HashMap::new();
        let mut kept = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if let Kind::Scalar { text, .. } = &key.kind {
                if let Some(first) = first_at.get(text) {
                    self.issues.push(
                        Issue::new(
                            "duplicate-key",
                            Some(key.span),
                            format!("duplicate key `{text}`"),
                        )
                        .label("defined again here")
                        .help(format!(
                            "`{text}` is already defined at line {}:{}; keep one of them",
                            first.line, first.column
                        )),
                    );
                    continue;
                }
                first_at.insert(text.clone(), key.span);
            }
            kept.push((key, value));
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogFile;
    use crate::policy::SdkVerdict;

    const TEST_CATALOG: &str = r#"
categories:
  - { id: advertising, description: ads }
  - { id: attribution, description: attribution }
  - { id: analytics, description: analytics }
  - { id: engagement, description: engagement }
  - { id: session-replay, description: replay }
  - { id: audio-beacon, description: beacons }
  - { id: location-broker, description: brokers }
capabilities:
  - { id: microphone, name: Microphone, description: mic, source: test }
  - { id: location, name: Location, description: loc, source: test, levels: true }
  - { id: contacts, name: Contacts, description: contacts, source: test }
  - { id: camera, name: Camera, description: camera, source: test }
sdks:
  - { id: braze, name: Braze, vendor: Braze, category: engagement, source: test, examples: { match: [] } }
  - { id: onesignal, name: OneSignal, vendor: OneSignal, category: engagement, source: test, examples: { match: [] } }
  - { id: firebase-analytics, name: Firebase Analytics, vendor: Google, category: analytics, source: test, examples: { match: [] } }
  - { id: appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: attribution, source: test, examples: { match: [] } }
  - { id: admob, name: AdMob, vendor: Google, category: advertising, source: test, examples: { match: [] } }
  - { id: lisnr, name: LISNR, vendor: LISNR, category: audio-beacon, source: test, examples: { match: [] } }
  - { id: fullstory, name: FullStory, vendor: FullStory, category: session-replay, source: test, examples: { match: [] } }
"#;

    fn catalog() -> Catalog {
        let file: CatalogFile = crate::yaml::from_str(TEST_CATALOG).expect("test catalog parses");
        Catalog::build("test".into(), file.categories, file.sdks, file.capabilities)
    }

    fn load(text: &str) -> Result<Policy, PolicyError> {
        load_str("privlint.yaml", text, None, &catalog())
    }

    fn ok(text: &str) -> Policy {
        match load(text) {
            Ok(p) => p,
            Err(e) => panic!("policy should load, got: {}", render(&e)),
        }
    }

    fn err(text: &str) -> PolicyError {
        load(text).expect_err("policy should be refused")
    }

    /// `(kind, line, column)` of every problem.
    fn problem_positions(e: &PolicyError) -> Vec<(&'static str, u32, u32)> {
        e.problems
            .iter()
            .map(|p| {
                let span = p.span.as_ref().expect("problem has a span");
                (p.kind, span.line, span.column)
            })
            .collect()
    }

    fn render(e: &PolicyError) -> String {
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, e)
            .expect("render");
        out
    }

    fn sdk<'c>(catalog: &'c Catalog, id: &str) -> &'c crate::catalog::SdkDef {
        catalog.sdk(id).expect("sdk in test catalog")
    }

    fn selectors(list: &[Spanned<SdkSelector>]) -> Vec<String> {
        list.iter()
            .map(|s| match &s.value {
                SdkSelector::Id(id) => id.clone(),
                SdkSelector::Category(c) => format!("category:{c}"),
            })
            .collect()
    }

    #[test]
    fn minimal_policy_has_the_documented_defaults() {
        let policy = ok("version: 1\n");
        assert_eq!(policy.origin, PolicyOrigin::File("privlint.yaml".into()));
        assert_eq!(policy.sdks.unlisted.value, Unlisted::Warn);
        assert!(policy.sdks.unlisted.span.is_none());
        assert!(policy.sdks.allow.is_empty() && policy.sdks.deny.is_empty());
        assert_eq!(policy.capability("location").app.value, Access::Allow);
        assert!(policy.capability("location").max_precision.is_none());
        assert!(!policy.requires_purpose_strings());
        assert!(!policy.requires_privacy_manifest());
        let catalog = catalog();
        assert_eq!(
            policy.sdk_verdict(sdk(&catalog, "braze")),
            SdkVerdict::Unlisted(Unlisted::Warn, None)
        );
    }

    #[test]
    fn named_capability_without_sdks_lets_no_sdk_receive_it() {
        let policy = ok(
            "version: 1\ncapabilities:\n  microphone: {}\n  contacts:\n  location: { sdks: [braze] }\n",
        );
        let catalog = catalog();
        let mic = policy.capability("microphone");
        assert_eq!(mic.app.value, Access::Allow);
        assert!(mic.sdks.is_empty());
        let err_span = policy
            .sdk_may_receive("microphone", sdk(&catalog, "braze"))
            .expect_err("no sdk may receive the microphone");
        assert_eq!(err_span.map(|s| (s.line, s.column)), Some((3, 3)));
        assert!(policy.capabilities.contains_key("contacts"));
        assert!(
            policy
                .sdk_may_receive("location", sdk(&catalog, "braze"))
                .is_ok()
        );
        assert!(
            policy
                .sdk_may_receive("location", sdk(&catalog, "onesignal"))
                .is_err()
        );
    }

    #[test]
    fn design_example_loads_with_spans() {
        let text = r#"version: 1
extends: recommended
sdks:
  allow: [firebase-analytics, "category:attribution"]
  deny: ["category:audio-beacon", admob]
  unlisted: warn
capabilities:
  microphone: { app: allow, sdks: [] }
  location:   { app: allow, max_precision: coarse, background: deny, sdks: [braze] }
  contacts:   { app: deny }
require: { purpose_strings: true, privacy_manifest: true }
paths: { ignore: ["**/test/**", "samples/**"] }
exceptions:
  - rule: capability-flows-to-sdk
    sdk: braze
    capability: location
    paths: ["android/app/src/main/java/com/acme/geo/**"]
    reason: "Geofencing campaigns, privacy review PR-123"
    expires: 2027-06-30
"#;
        let policy = ok(text);
        assert_eq!(
            selectors(&policy.sdks.allow),
            ["firebase-analytics", "category:attribution"]
        );
        assert_eq!(
            selectors(&policy.sdks.deny),
            ["category:audio-beacon", "admob"]
        );
        let admob = policy.sdks.deny[1].span.clone().expect("span");
        assert_eq!(
            (admob.file.as_str(), admob.line, admob.column),
            ("privlint.yaml", 5, 35)
        );
        assert_eq!(&text[admob.offset..admob.offset + admob.len], "admob");
        let quoted = policy.sdks.deny[0].span.clone().expect("span");
        assert_eq!(
            &text[quoted.offset..quoted.offset + quoted.len],
            "\"category:audio-beacon\""
        );
        let location = policy.capability("location");
        assert_eq!(
            location.max_precision.map(|p| p.value),
            Some(Precision::Coarse)
        );
        assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
        assert_eq!(location.span.map(|s| (s.line, s.column)), Some((9, 3)));
        assert_eq!(policy.capability("contacts").app.value, Access::Deny);
        assert!(policy.requires_purpose_strings() && policy.requires_privacy_manifest());
        assert_eq!(policy.ignore_paths, ["**/test/**", "samples/**"]);
        let exception = &policy.exceptions[0];
        assert_eq!(exception.rule, "capability-flows-to-sdk");
        assert_eq!(exception.sdk.as_deref(), Some("braze"));
        assert_eq!(exception.capability.as_deref(), Some("location"));
        assert_eq!(
            exception.reason,
            "Geofencing campaigns, privacy review PR-123"
        );
        assert_eq!(
            exception.expires,
            Some(Date {
                year: 2027,
                month: 6,
                day: 30
            })
        );
        assert_eq!(
            exception.span.as_ref().map(|s| (s.line, s.column)),
            Some((14, 5))
        );
        // `extends: recommended` still contributes keys the file does not set.
        assert!(policy.capabilities.contains_key("microphone"));
    }

    #[test]
    fn an_id_beats_a_category() {
        let policy = ok("version: 1\nsdks:\n  allow: [braze]\n  deny: [\"category:engagement\"]\n");
        let catalog = catalog();
        assert!(
            matches!(policy.sdk_verdict(sdk(&catalog, "braze")), SdkVerdict::Allowed(Some(s)) if s.line == 3)
        );
        assert!(
            matches!(policy.sdk_verdict(sdk(&catalog, "onesignal")), SdkVerdict::Denied(Some(s)) if s.line == 4)
        );
        let reverse =
            ok("version: 1\nsdks:\n  allow: [\"category:engagement\"]\n  deny: [braze]\n");
        assert!(matches!(
            reverse.sdk_verdict(sdk(&catalog, "braze")),
            SdkVerdict::Denied(_)
        ));
        assert!(matches!(
            reverse.sdk_verdict(sdk(&catalog, "onesignal")),
            SdkVerdict::Allowed(_)
        ));
    }

    #[test]
    fn deny_beats_allow_at_equal_specificity() {
        let catalog = catalog();
        let ids = ok("version: 1\nsdks: { allow: [braze], deny: [braze] }\n");
        assert!(matches!(
            ids.sdk_verdict(sdk(&catalog, "braze")),
            SdkVerdict::Denied(_)
        ));
        let categories = ok(
            "version: 1\nsdks: { allow: [\"category:engagement\"], deny: [\"category:engagement\"] }\n",
        );
        assert!(matches!(
            categories.sdk_verdict(sdk(&catalog, "onesignal")),
            SdkVerdict::Denied(_)
        ));
    }

    #[test]
    fn unlisted_value_is_read() {
        let policy = ok("version: 1\nsdks: { unlisted: deny }\n");
        assert_eq!(policy.sdks.unlisted.value, Unlisted::Deny);
        let catalog = catalog();
        assert!(matches!(
            policy.sdk_verdict(sdk(&catalog, "admob")),
            SdkVerdict::Unlisted(Unlisted::Deny, Some(_))
        ));
    }

    #[test]
    fn extends_replaces_lists_unless_add() {
        let replaced = ok("version: 1\nextends: recommended\nsdks:\n  deny: [admob]\n");
        assert_eq!(selectors(&replaced.sdks.deny), ["admob"]);
        let added = ok("version: 1\nextends: recommended\nsdks:\n  deny: { add: [admob] }\n");
        assert_eq!(
            selectors(&added.sdks.deny),
            ["category:audio-beacon", "category:location-broker", "admob"]
        );
        // Inherited entries keep the preset's spans, appended ones the file's.
        assert_eq!(
            added.sdks.deny[0].span.as_ref().map(|s| s.file.as_str()),
            Some("preset:recommended")
        );
        assert_eq!(
            added.sdks.deny[2]
                .span
                .as_ref()
                .map(|s| (s.file.as_str(), s.line)),
            Some(("privlint.yaml", 4))
        );
        // `{add}` on a list nothing defines starts from the empty list.
        let fresh = ok("version: 1\nsdks:\n  allow: { add: [braze] }\n");
        assert_eq!(selectors(&fresh.sdks.allow), ["braze"]);
    }

    #[test]
    fn extends_overrides_capabilities_key_by_key() {
        let policy = ok(
            "version: 1\nextends: strict\ncapabilities:\n  location: { sdks: { add: [braze] } }\n",
        );
        let location = policy.capability("location");
        assert_eq!(
            location.max_precision.map(|p| p.value),
            Some(Precision::Coarse)
        );
        assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
        assert_eq!(selectors(&location.sdks), ["braze"]);
        assert_eq!(
            location.span.map(|s| (s.file, s.line)),
            Some(("privlint.yaml".to_string(), 4))
        );
        let precise = ok(
            "version: 1\nextends: strict\ncapabilities:\n  location: { max_precision: precise }\n",
        );
        assert_eq!(
            precise
                .capability("location")
                .max_precision
                .map(|p| p.value),
            Some(Precision::Precise)
        );
    }

    #[test]
    fn presets_load_and_chain() {
        let catalog = catalog();
        let recommended = load_preset("recommended", &catalog).expect("recommended loads");
        assert_eq!(
            recommended.origin,
            PolicyOrigin::DefaultPreset("recommended".into())
        );
        assert_eq!(
            selectors(&recommended.sdks.deny),
            ["category:audio-beacon", "category:location-broker"]
        );
        assert_eq!(recommended.sdks.unlisted.value, Unlisted::Warn);
        for capability in ["microphone", "contacts", "location"] {
            let rule = recommended.capabilities.get(capability).expect("named");
            assert!(rule.sdks.is_empty(), "{capability}");
            assert_eq!(
                rule.span.as_ref().map(|s| s.file.as_str()),
                Some("preset:recommended")
            );
        }
        assert!(recommended.requires_purpose_strings() && recommended.requires_privacy_manifest());

        let strict = load_preset("strict", &catalog).expect("strict loads");
        assert_eq!(strict.sdks.unlisted.value, Unlisted::Deny);
        assert_eq!(
            strict.sdks.unlisted.span.as_ref().map(|s| s.file.as_str()),
            Some("preset:strict")
        );
        let location = strict.capability("location");
        assert_eq!(
            location.max_precision.map(|p| p.value),
            Some(Precision::Coarse)
        );
        assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
        assert!(location.sdks.is_empty());
        assert_eq!(
            selectors(&strict.sdks.deny),
            selectors(&recommended.sdks.deny)
        );
        assert!(strict.requires_privacy_manifest());

        let kids = load_preset("kids", &catalog).expect("kids loads");
        assert_eq!(
            selectors(&kids.sdks.deny),
            [
                "category:audio-beacon",
                "category:location-broker",
                "category:advertising",
                "category:attribution",
                "category:session-replay"
            ]
        );
        assert!(matches!(
            kids.sdk_verdict(sdk(&catalog, "admob")),
            SdkVerdict::Denied(_)
        ));
        for capability in ["microphone", "contacts", "location", "camera"] {
            for sdk_id in ["braze", "firebase-analytics", "admob"] {
                assert!(
                    kids.sdk_may_receive(capability, sdk(&catalog, sdk_id))
                        .is_err()
                );
            }
        }
        assert!(load_preset("lenient", &catalog).is_err());
    }

    #[test]
    fn presets_load_against_the_embedded_catalog() {
        let catalog = Catalog::embedded().expect("embedded catalog loads");
        for (name, _) in presets::PRESETS {
            if let Err(e) = load_preset(name, &catalog) {
                panic!("preset {name} does not load: {}", render(&e));
            }
        }
    }

    #[test]
    fn unknown_preset_suggests_one() {
        let e = err("version: 1\nextends: stric\n");
        assert_eq!(problem_positions(&e), [("unknown-preset", 2, 10)]);
        assert_eq!(
            e.problems[0].help.as_deref(),
            Some("did you mean `strict`?")
        );
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
        dir
    }

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn extends_a_relative_file_inside_the_repository() {
        let repo = repo();
        write(
            &repo.path().join("policies/base.yaml"),
            "version: 1\nextends: kids\nsdks:\n  allow: [braze]\n",
        );
        let app = repo.path().join("apps/one/privlint.yaml");
        write(
            &app,
            "version: 1\nextends: ../../policies/base.yaml\nsdks:\n  deny: { add: [onesignal] }\n",
        );
        let policy = load_file(&app, &catalog()).expect("chain loads");
        assert_eq!(selectors(&policy.sdks.allow), ["braze"]);
        assert_eq!(
            selectors(&policy.sdks.deny).last().map(String::as_str),
            Some("onesignal")
        );
        assert_eq!(selectors(&policy.sdks.deny).len(), 6);
        let braze_span = policy.sdks.allow[0].span.as_ref().expect("span");
        let expected_display = display_path(&repo.path().join("policies/base.yaml"));
        assert_eq!(braze_span.file, expected_display);
        assert_eq!(policy.origin, PolicyOrigin::File(display_path(&app)));
    }

    #[test]
    fn extends_paths_cannot_leave_the_repository() {
        let outer = tempfile::tempdir().expect("tempdir");
        write(&outer.path().join("outside.yaml"), "version: 1\n");
        let repo_dir = outer.path().join("repo");
        std::fs::create_dir_all(repo_dir.join(".git")).expect("mkdir");
        let catalog = catalog();
        let escape = load_str(
            "privlint.yaml",
            "version: 1\nextends: ../outside.yaml\n",
            Some(&repo_dir),
            &catalog,
        )
        .expect_err("escape refused");
        assert_eq!(problem_positions(&escape), [("extends-escape", 2, 10)]);
        let absolute = format!(
            "version: 1\nextends: {}\n",
            outer.path().join("outside.yaml").display()
        );
        let absolute = load_str("privlint.yaml", &absolute, Some(&repo_dir), &catalog)
            .expect_err("absolute refused");
        assert_eq!(absolute.problems[0].kind, "extends-escape");
        let without_dir = load_str(
            "privlint.yaml",
            "version: 1\nextends: base.yaml\n",
            None,
            &catalog,
        )
        .expect_err("no base dir");
        assert_eq!(without_dir.problems[0].kind, "extends-path");
        let missing = load_str(
            "privlint.yaml",
            "version: 1\nextends: nope.yaml\n",
            Some(&repo_dir),
            &catalog,
        )
        .expect_err("missing file");
        assert_eq!(missing.problems[0].kind, "unreadable");
    }

    #[cfg(unix)]
    #[test]
    fn extends_symlink_out_of_the_repository_is_refused() {
        let outer = tempfile::tempdir().expect("tempdir");
        write(&outer.path().join("outside.yaml"), "version: 1\n");
        let repo_dir = outer.path().join("repo");
        std::fs::create_dir_all(repo_dir.join(".git")).expect("mkdir");
        std::os::unix::fs::symlink(
            outer.path().join("outside.yaml"),
            repo_dir.join("link.yaml"),
        )
        .expect("symlink");
        let e = load_str(
            "privlint.yaml",
            "version: 1\nextends: link.yaml\n",
            Some(&repo_dir),
            &catalog(),
        )
        .expect_err("symlink escape refused");
        assert_eq!(e.problems[0].kind, "extends-escape");
    }

    #[test]
    fn extends_cycle_is_an_error() {
        let repo = repo();
        write(&repo.path().join("a.yaml"), "version: 1\nextends: b.yaml\n");
        write(
            &repo.path().join("b.yaml"),
            "version: 1\nextends: ./a.yaml\n",
        );
        let e = load_file(&repo.path().join("a.yaml"), &catalog()).expect_err("cycle refused");
        assert_eq!(e.problems.len(), 1);
        let problem = &e.problems[0];
        assert_eq!(problem.kind, "extends-cycle");
        assert!(
            problem
                .span
                .as_ref()
                .is_some_and(|s| s.file.ends_with("b.yaml") && s.line == 2)
        );
        assert!(problem.message.contains("a.yaml → ") && problem.message.contains("b.yaml → "));
        // The same through `load_str` with the file's directory, as the CLI loads it.
        let text = std::fs::read_to_string(repo.path().join("a.yaml")).expect("read");
        let e =
            load_str("a.yaml", &text, Some(repo.path()), &catalog()).expect_err("cycle refused");
        assert_eq!(e.problems.len(), 1);
        assert_eq!(
            e.problems[0].message,
            "`extends` forms a cycle: a.yaml → b.yaml → a.yaml"
        );
    }

    #[test]
    fn errors_in_an_extended_file_name_that_file() {
        let repo = repo();
        write(
            &repo.path().join("base.yaml"),
            "version: 1\nsdks:\n  deny: [brazee]\n",
        );
        let policy_path = repo.path().join("privlint.yaml");
        write(
            &policy_path,
            "version: 1\nextends: base.yaml\nsdks: { unlisted: maybe }\n",
        );
        let e = load_file(&policy_path, &catalog()).expect_err("both files have problems");
        let files: Vec<(&str, String)> = e
            .problems
            .iter()
            .map(|p| {
                (
                    p.kind,
                    p.span.as_ref().map(|s| s.file.clone()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].0, "invalid-value");
        assert!(files[0].1.ends_with("/privlint.yaml"));
        assert_eq!(files[1].0, "unknown-sdk");
        assert!(files[1].1.ends_with("/base.yaml"));
        let rendered = render(&e);
        assert!(rendered.contains("base.yaml:3:10"), "{rendered}");
        assert!(rendered.contains("privlint.yaml:3:19"), "{rendered}");
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let bomb = r#"version: 1
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"#;
        let started = std::time::Instant::now();
        let e = err(bomb);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].kind, "too-many-nodes");
        assert_eq!(e.problems[0].span.as_ref().map(|s| s.line), Some(6));
    }

    #[test]
    fn small_aliases_are_expanded() {
        let policy = ok(
            "version: 1\nsdks:\n  allow: &mine [braze, appsflyer]\ncapabilities:\n  location: { sdks: *mine }\n",
        );
        assert_eq!(
            selectors(&policy.capability("location").sdks),
            ["braze", "appsflyer"]
        );
    }

    #[test]
    fn a_nul_byte_is_an_error_at_its_position() {
        let e = err("version: 1\nsdks:\n  allow: [braze]\0\n  deny: [appsflyer]\n");
        assert_eq!(problem_positions(&e), [("nul-byte", 3, 17)]);
    }

    #[test]
    fn a_utf8_byte_order_mark_is_accepted() {
        let policy = ok("\u{feff}version: 1\nsdks:\n  allow: [braze]\n");
        assert_eq!(selectors(&policy.sdks.allow), ["braze"]);
        let e = err("\u{feff}version: 1\nsdks:\n  alow: [braze]\n");
        assert_eq!(
            e.problems[0].span.as_ref().map(|s| (s.line, s.column)),
            Some((3, 3))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let block: String = (0..40).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        let e = err(&format!("version: 1\n{block}"));
        // The label points at the first key of the mapping that is too deep.
        assert_eq!(problem_positions(&e), [("too-deep", 34, 65)]);
        // The parser may refuse deep flow nesting itself, before the builder sees it.
        let flow = format!("version: 1\nx: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let e = err(&flow);
        assert!(matches!(e.problems[0].kind, "too-deep" | "yaml-syntax"));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = err("version: 1\nsdks:\n  unlisted: warn\n  allow: [braze]\n  unlisted: deny\n");
        assert_eq!(problem_positions(&e), [("duplicate-key", 5, 3)]);
        assert_eq!(
            e.problems[0].help.as_deref(),
            Some("`unlisted` is already defined at line 3:3; keep one of them")
        );
    }

    #[test]
    fn every_error_is_collected_with_its_position() {
        let text = r#"version: 1
sdks:
  alow: [braze]
  deny: [brazee, "category:advertisin", advertising]
  unlisted: sometimes
capabilities:
  microphon: { app: allow }
  location: { app: maybe, max_precision: precise }
  contacts: { max_precision: coarse }
require: { purpose_strings: "yes" }
paths: { ignore: ["src/[oops"] }
exceptions:
  - rule: capability-flow-to-sdk
    reason: "   "
    expires: 2027-02-30
  - rule: PL999
    sdk: braze
  - sdk: braze
    reason: ok
colour: blue
"#;
        let e = err(text);
        assert_eq!(
            problem_positions(&e),
            [
                ("unknown-key", 3, 3),
                ("unknown-sdk", 4, 10),
                ("unknown-category", 4, 18),
                ("unknown-sdk", 4, 41),
                ("invalid-value", 5, 13),
                ("unknown-capability", 7, 3),
                ("invalid-value", 8, 20),
                ("not-applicable", 9, 15),
                ("wrong-type", 10, 29),
                ("bad-glob", 11, 19),
                ("unknown-rule", 13, 11),
                ("empty-reason", 14, 13),
                ("bad-date", 15, 14),
                ("missing-key", 16, 5),
                ("unknown-rule", 16, 11),
                ("missing-key", 18, 5),
                ("unknown-key", 20, 1),
            ]
        );
        let help = |i: usize| e.problems[i].help.clone().unwrap_or_default();
        assert_eq!(help(0), "did you mean `allow`?");
        assert_eq!(help(1), "did you mean `braze`?");
        assert_eq!(help(2), "did you mean `category:advertising`?");
        assert_eq!(
            help(3),
            "`advertising` is a category: write `category:advertising`"
        );
        assert_eq!(help(4), "`sdks.unlisted` is one of allow, warn, deny");
        assert_eq!(help(5), "did you mean `microphone`?");
        assert_eq!(help(10), "did you mean `capability-flows-to-sdk`?");
        assert_eq!(e.problems[13].message, "this exception has no `reason`");
        assert_eq!(e.problems[15].message, "this exception has no `rule`");
        assert!(help(16).starts_with("the keys allowed in the policy file are: version, extends"));
        assert!(e.to_string().contains("17 problems"), "{e}");
    }

    #[test]
    fn graphical_report_shows_label_positions() {
        let e = err("version: 1\nsdks:\n  deny: [brazee]\n  unlisetd: deny\n");
        let out = render(&e);
        assert!(out.contains("privlint.yaml:3:10"), "{out}");
        assert!(out.contains("privlint.yaml:4:3"), "{out}");
        assert!(out.contains("not in the catalog"), "{out}");
        assert!(out.contains("did you mean `braze`?"), "{out}");
        assert!(out.contains("did you mean `unlisted`?"), "{out}");
        assert!(out.contains("privlint::policy::unknown-key"), "{out}");
    }

    #[test]
    fn offsets_are_bytes_after_non_ascii_text() {
        let text =
            "# Politique de confidentialité — équipe mobile\nversion: 1\nsdks: { deny: [brazé] }\n";
        let e = err(text);
        let span = e.problems[0].span.clone().expect("span");
        assert_eq!((span.line, span.column), (3, 16));
        assert_eq!(&text[span.offset..span.offset + span.len], "brazé");
        assert!(render(&e).contains("privlint.yaml:3:16"));
    }

    #[test]
    fn exception_rules_are_normalised_from_codes() {
        let policy = ok(
            "version: 1\nexceptions:\n  - { rule: PL301, reason: reviewed }\n  - { rule: pl502, reason: reviewed, paths: [\"a/**\"] }\n",
        );
        assert_eq!(policy.exceptions[0].rule, "capability-flows-to-sdk");
        assert_eq!(policy.exceptions[1].rule, "unused-exception");
        assert_eq!(policy.exceptions[1].paths, ["a/**"]);
        assert!(policy.exceptions[0].expires.is_none());
    }

    #[test]
    fn exceptions_support_add_over_a_base() {
        let repo = repo();
        write(
            &repo.path().join("base.yaml"),
            "version: 1\nexceptions:\n  - { rule: denied-sdk, sdk: admob, reason: legacy }\n",
        );
        let policy = load_str(
            "privlint.yaml",
            "version: 1\nextends: base.yaml\nexceptions: { add: [{ rule: PL102, reason: new }] }\n",
            Some(repo.path()),
            &catalog(),
        )
        .expect("loads");
        let rules: Vec<&str> = policy.exceptions.iter().map(|e| e.rule.as_str()).collect();
        assert_eq!(rules, ["denied-sdk", "unlisted-sdk"]);
    }

    #[test]
    fn version_is_required_and_must_be_one() {
        assert_eq!(
            problem_positions(&err("sdks: { unlisted: deny }\n")),
            [("missing-version", 1, 1)]
        );
        assert_eq!(
            problem_positions(&err("version: 2\n")),
            [("unsupported-version", 1, 10)]
        );
        assert_eq!(
            problem_positions(&err("version: \"1\"\n")),
            [("unsupported-version", 1, 10)]
        );
        assert_eq!(problem_positions(&err("")), [("empty", 1, 1)]);
        assert_eq!(
            problem_positions(&err("- version\n")),
            [("wrong-type", 1, 1)]
        );
    }

    #[test]
    fn yaml_syntax_errors_are_located() {
        let e = err("version: 1\nsdks:\n  deny: [braze\n");
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].kind, "yaml-syntax");
        assert!(e.problems[0].span.as_ref().is_some_and(|s| s.line >= 3));
        let tags = err("version: 1\nsdks: !!map { }\n");
        assert_eq!(tags.problems[0].kind, "yaml-tag");
        let two = err("version: 1\n---\nversion: 1\n");
        assert_eq!(problem_positions(&two), [("multiple-documents", 2, 1)]);
    }

    #[test]
    fn wrong_list_shapes_are_explained() {
        let e = err("version: 1\nsdks:\n  allow: braze\n  deny: { append: [admob] }\n");
        assert_eq!(
            problem_positions(&e),
            [
                ("wrong-type", 3, 10),
                ("wrong-type", 4, 9),
                ("unknown-key", 4, 11)
            ]
        );
        assert_eq!(
            e.problems[2].help.as_deref(),
            Some("the keys allowed in `sdks.deny` {add: …} are: add")
        );
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            parse_date("2028-02-29"),
            Some(Date {
                year: 2028,
                month: 2,
                day: 29
            })
        );
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("2027-13-01"), None);
        assert_eq!(parse_date("2027-6-30"), None);
        assert_eq!(parse_date("2027-06-3a"), None);
        assert_eq!(parse_date("2027-06-30T00"), None);
    }

    #[test]
    fn closest_finds_near_names() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("élan", "elan"), 1);
        let keys = ["purpose_strings", "privacy_manifest"];
        assert_eq!(closest("purpose-strings", keys), Some("purpose_strings"));
        assert_eq!(closest("privacy", keys), Some("privacy_manifest"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(closest("x", ["y", "ab"]), None);
        assert_eq!(
            closest("firebase", ["firebase-analytics", "braze"]),
            Some("firebase-analytics")
        );
    }

    #[test]
    fn rule_table_is_consistent() {
        let mut codes: Vec<&str> = RULE_NAMES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULE_NAMES.len());
        for (code, name) in RULE_NAMES {
            assert!(code.starts_with("PL") && code.len() == 5, "{code}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
        }
    }

    #[test]
    fn policy_file_is_found_upwards() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("apps/one/src");
        std::fs::create_dir_all(&nested).expect("mkdir");
        write(&dir.path().join(".privlint.yaml"), "version: 1\n");
        let found = find_policy_file(&nested).expect("found in an ancestor");
        assert_eq!(
            found.canonicalize().expect("exists"),
            dir.path()
                .join(".privlint.yaml")
                .canonicalize()
                .expect("exists")
        );
        // Preference order within one directory, and the nearest directory wins.
        write(&dir.path().join("privlint.yaml"), "version: 1\n");
        let found = find_policy_file(&nested).expect("found");
        assert!(found.ends_with("privlint.yaml") && !found.ends_with(".privlint.yaml"));
        write(&dir.path().join("apps/privlint.yml"), "version: 1\n");
        let found = find_policy_file(&nested.join("Main.kt")).expect("found");
        assert!(found.ends_with("apps/privlint.yml"));
        // In the start directory itself, the path stays as given.
        assert_eq!(
            find_policy_file(&dir.path().join("apps")),
            Some(dir.path().join("apps/privlint.yml"))
        );
    }
}
