//! From a scan command's arguments to its judged findings: where to scan, which policy
//! judges which paths (the nearest `privlint.yaml` above each, or `--policy`), the scan,
//! the rules, suppressions, the named-file and `--changed-since` filters.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::app::{Failure, load_catalog, usage, with_progress};
use crate::catalog::Catalog;
use crate::cli::ScanArgs;
use crate::ecosystem;
use crate::finding::Finding;
use crate::git::Revision;
use crate::link::AppUnit;
use crate::policy::{self, Policy, PolicyOrigin};
use crate::rules;
use crate::scan::{self, Analysis, ScanOptions};
use crate::since;
use crate::suppress;

/// Where to scan and which files the user named (the pre-commit case).
struct Target {
    root: PathBuf,
    /// Scan-relative files or folders whose findings are reported; empty: all.
    only: Vec<String>,
    /// The app folders of the named files: the only folders walked; empty: all.
    context: Vec<PathBuf>,
}

fn resolve_target(paths: &[PathBuf]) -> Result<Target, Failure> {
    for p in paths {
        if !p.exists() {
            return Err(usage(format!("{}: no such file or folder", p.display())));
        }
    }
    if paths.is_empty() {
        return Ok(Target {
            root: PathBuf::from("."),
            only: Vec::new(),
            context: Vec::new(),
        });
    }
    if let [single] = paths
        && single.is_dir()
    {
        return Ok(Target {
            root: single.clone(),
            only: Vec::new(),
            context: Vec::new(),
        });
    }
    // Named files: scan the current folder for context, report only theirs.
    let root = PathBuf::from(".");
    // Absolute names (some editors and hooks pass them) are made relative to the
    // current folder, where the scan starts.
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let paths: Vec<PathBuf> = paths
        .iter()
        .map(|p| match (&cwd, p.is_absolute()) {
            (Some(cwd), true) => p
                .canonicalize()
                .ok()
                .and_then(|abs| abs.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| p.clone()),
            _ => p.clone(),
        })
        .collect();
    let only = paths
        .iter()
        .map(|p| {
            let p = p.strip_prefix("./").unwrap_or(p);
            p.to_string_lossy()
                .replace('\\', "/")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let mut context: Vec<PathBuf> = Vec::new();
    for dir in paths.iter().map(|p| ecosystem::app_folder(&root, p)) {
        if !context.iter().any(|c| dir.starts_with(c)) {
            context.retain(|c| !c.starts_with(&dir));
            context.push(dir);
        }
    }
    Ok(Target {
        root,
        only,
        context,
    })
}

/// The policy file that judges `path` when none is given: the nearest above it.
fn nearest_policy(path: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    policy::find_policy_file(&start)
}

/// The policy for a group of paths that share their nearest policy file (or `--policy`).
/// A found policy that lies inside the scanned folder matches paths relative to its own
/// folder, as when that folder is scanned itself.
fn load_policy(
    args: &ScanArgs,
    target: &Target,
    paths: &[PathBuf],
    catalog: &Catalog,
) -> Result<Policy, Failure> {
    let to_failure = |e: policy::PolicyError| Box::new(e) as Failure;
    if let Some(file) = &args.policy {
        let mut loaded = policy::load_file(file, catalog).map_err(to_failure)?;
        if let Some(label) = &args.policy_label {
            loaded.origin = PolicyOrigin::File(label.clone());
        }
        return Ok(loaded);
    }
    let root = std::fs::canonicalize(&target.root).unwrap_or_else(|_| target.root.clone());
    let found = match paths.first() {
        Some(first) if !target.context.is_empty() || !target.only.is_empty() => {
            nearest_policy(first)
        }
        _ => nearest_policy(&root),
    };
    match found {
        Some(file) => {
            // Show the policy path relative to the scan root when it lies inside it.
            let inside = file.strip_prefix(&root).ok().map(Path::to_path_buf);
            let shown = inside.clone().unwrap_or_else(|| file.clone());
            let text = read_found_policy(&file)?;
            let loaded = policy::load_str(&shown.to_string_lossy(), &text, file.parent(), catalog)
                .map_err(to_failure)?;
            let folder = inside
                .as_deref()
                .and_then(Path::parent)
                .map(|f| f.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            Ok(loaded.rebased(&folder))
        }
        None => {
            let mut p = policy::load_preset("recommended", catalog).map_err(to_failure)?;
            p.origin = PolicyOrigin::DefaultPreset("recommended".into());
            Ok(p)
        }
    }
}

/// The largest policy file read; a bigger one is refused before it is read.
const MAX_FOUND_POLICY_BYTES: u64 = 1 << 20;

/// Read a policy file found by walking up from the scanned path. It may be a link into
/// the repository, never out of it (a link to `/proc/self/environ` or `/etc/passwd` would
/// otherwise be echoed in the error snippet), and it is read with a size bound, since
/// `/proc`-like files report no size.
fn read_found_policy(file: &Path) -> Result<String, Failure> {
    let refuse = |why: String| usage(format!("refusing policy {}: {why}", file.display()));
    let folder = file.parent().unwrap_or(Path::new("."));
    let repository = std::fs::canonicalize(folder)
        .unwrap_or_else(|_| folder.to_path_buf())
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf);
    let target = std::fs::canonicalize(file).map_err(|e| refuse(e.to_string()))?;
    let confined_to = repository
        .unwrap_or_else(|| std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf()));
    if !target.starts_with(&confined_to) {
        return Err(refuse(format!(
            "it is a link to {}, outside {}",
            target.display(),
            confined_to.display()
        )));
    }
    crate::output::read_small_input(&target, MAX_FOUND_POLICY_BYTES).map_err(refuse)
}

/// What a scan command produced: the analysis, its sorted findings, and with
/// `--changed-since` what the reference had.
pub struct Scanned {
    pub analysis: Analysis,
    pub policy: Policy,
    pub catalog: Catalog,
    pub findings: Vec<Finding>,
    pub changed: Option<Change>,
    /// Findings the baseline hid.
    pub baseline_hidden: usize,
}

/// `--changed-since`: the reference, the files changed since it and its app units.
pub struct Change {
    pub reference: String,
    pub files: BTreeSet<String>,
    /// The units compared with REF (those holding a change), by scan-relative root.
    pub compared: Vec<AppUnit>,
    pub base_units: Vec<AppUnit>,
}

/// Scan, evaluate and suppress: the findings of a scan command, sorted. Named paths
/// whose nearest policy files differ are judged each by their own and reported together.
pub fn findings_for(args: &ScanArgs) -> Result<Scanned, Failure> {
    let groups = policy_groups(args);
    let mut judged: Option<Scanned> = None;
    for paths in &groups {
        let next = judge(args, paths)?;
        judged = Some(match judged {
            None => next,
            Some(so_far) => so_far.merge(next),
        });
    }
    match judged {
        Some(scanned) => Ok(scanned),
        None => judge(args, &args.paths),
    }
}

/// The named paths grouped by the policy that judges them: one group when `--policy` is
/// given, a single folder (or nothing) is scanned, or all share their nearest policy.
fn policy_groups(args: &ScanArgs) -> Vec<Vec<PathBuf>> {
    let single_folder = matches!(&args.paths[..], [one] if one.is_dir());
    if args.policy.is_some() || args.paths.len() < 2 && single_folder || args.paths.is_empty() {
        return vec![args.paths.clone()];
    }
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    for path in &args.paths {
        let policy = nearest_policy(path);
        match groups.iter_mut().find(|(p, _)| *p == policy) {
            Some((_, paths)) => paths.push(path.clone()),
            None => groups.push((policy, vec![path.clone()])),
        }
    }
    groups.into_iter().map(|(_, paths)| paths).collect()
}

impl Scanned {
    /// Two groups' results as one report: their apps, files and findings together.
    fn merge(mut self, other: Scanned) -> Scanned {
        for unit in other.analysis.facts.units {
            if !self
                .analysis
                .facts
                .units
                .iter()
                .any(|u| u.root == unit.root)
            {
                self.analysis.facts.units.push(unit);
            }
        }
        self.analysis.problems.extend(other.analysis.problems);
        self.analysis.skipped.extend(other.analysis.skipped);
        self.analysis.allows.extend(other.analysis.allows);
        self.analysis.files_scanned += other.analysis.files_scanned;
        self.findings.extend(other.findings);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        self.baseline_hidden += other.baseline_hidden;
        if self.policy.origin != other.policy.origin {
            self.policy.origin = PolicyOrigin::File(format!(
                "{}, {}",
                origin_text(&self.policy.origin),
                origin_text(&other.policy.origin)
            ));
        }
        if let (Some(mine), Some(theirs)) = (&mut self.changed, other.changed) {
            mine.files.extend(theirs.files);
            mine.compared.extend(theirs.compared);
            mine.base_units.extend(theirs.base_units);
        }
        self
    }
}

fn origin_text(origin: &PolicyOrigin) -> String {
    match origin {
        PolicyOrigin::File(path) => path.clone(),
        PolicyOrigin::DefaultPreset(name) => format!("the `{name}` preset"),
    }
}

/// Scan `paths`, evaluate and suppress: their findings, sorted.
fn judge(args: &ScanArgs, paths: &[PathBuf]) -> Result<Scanned, Failure> {
    let catalog = load_catalog(&args.catalog)?;
    let target = resolve_target(paths)?;
    let policy = load_policy(args, &target, paths, &catalog)?;
    let since = match &args.changed_since {
        Some(reference) => {
            let revision = Revision::new(reference).map_err(usage)?;
            let files = since::changed_files(&target.root, &revision).map_err(usage)?;
            Some((revision, files))
        }
        None => None,
    };
    let progress = std::sync::Arc::new(scan::Progress::default());
    let options = ScanOptions {
        threads: args.threads,
        max_file_size: args.max_file_size,
        ignore: policy.ignore_paths.clone(),
        subroots: target.context.clone(),
        progress: Some(progress.clone()),
    };
    let analysis = with_progress(args.quiet, &progress, || {
        scan::analyse(&target.root, &catalog, &options)
    });
    let findings = rules::findings(&analysis, &policy, &catalog);
    let baseline = match &args.baseline {
        Some(file) => read_baseline(file)?,
        None => BTreeSet::new(),
    };
    let baseline_hidden = findings
        .iter()
        .filter(|f| baseline.contains(&f.fingerprint))
        .count();
    let mut findings = suppress::apply(
        findings,
        &analysis.allows,
        &policy,
        &baseline,
        suppress::today(),
    );
    if !target.only.is_empty() {
        findings.retain(|f| {
            target
                .only
                .iter()
                .any(|o| f.at.path == *o || f.at.path.starts_with(&format!("{o}/")))
        });
    }
    let mut changed = None;
    if let Some((reference, files)) = since {
        // Compare the units holding a change with the same units at REF; findings
        // elsewhere are not the change's.
        let folders = since::changed_units(&analysis.facts.units, &files);
        let base = if folders.is_empty() {
            since::BaseScan::default()
        } else {
            since::scan_base(
                &target.root,
                &reference,
                &folders,
                &catalog,
                &policy,
                &options,
            )
            .map_err(usage)?
        };
        findings.retain(|f| {
            let compared = folders.iter().any(|d| since::in_folder(&f.at.path, d));
            (compared || files.contains(&f.at.path)) && !base.fingerprints.contains(&f.fingerprint)
        });
        let compared = analysis
            .facts
            .units
            .iter()
            .filter(|u| {
                let root = if u.root == "." { "" } else { u.root.as_str() };
                folders.iter().any(|d| d == root)
            })
            .cloned()
            .collect();
        changed = Some(Change {
            reference: reference.to_string(),
            files,
            compared,
            base_units: base.units,
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    Ok(Scanned {
        analysis,
        policy,
        catalog,
        findings,
        changed,
        baseline_hidden,
    })
}

/// The largest baseline read (a fingerprint line is about 80 bytes).
const MAX_BASELINE_BYTES: u64 = 64 << 20;

fn read_baseline(file: &Path) -> Result<BTreeSet<String>, Failure> {
    let text = crate::output::read_small_input(file, MAX_BASELINE_BYTES)
        .map_err(|e| usage(format!("cannot read baseline {}: {e}", file.display())))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}
