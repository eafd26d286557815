//! The pipeline: walk → classify → extract (in parallel) → link. Policy evaluation,
//! suppression and reporting build on the [`Analysis`] this returns.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::extract::analyze::summary::{Carried, Carrier, FunctionSummary};
use crate::extract::{self, FileInput};
use crate::link::{self, AnalysedFile, Facts};
use crate::model::{FileFacts, FileProblem, InlineAllow, Location};
use crate::suppress;
use crate::walk::{self, FileKind};

mod generated;

/// Files above this size are not analysed (reported, never silent). Real manifests
/// and hand-written sources are far smaller; generated bundles are not worth parsing.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Bracket or tag nesting beyond this is not analysed (PL900): hand-written code never
/// comes close, and the parsers and lowerings behind it recurse per level.
pub const MAX_NESTING: usize = 2_000;

/// Stack of each extraction thread (address space; only what is used is touched).
/// Recursive-descent parsers (syn, serde, plist) and tree lowerings use stack per
/// nesting level: [`MAX_NESTING`] levels and [`crate::extract::treesitter::MAX_TREE_DEPTH`]
/// tree levels take up to ~40 MiB in a debug build; this leaves room to spare.
const EXTRACT_STACK_SIZE: usize = 128 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub threads: usize,
    pub max_file_size: u64,
    /// `paths.ignore` globs of the policy (scan-relative).
    pub ignore: Vec<String>,
    /// Folders under the root to walk instead of the whole root (the app folders of the
    /// files named on the command line).
    pub subroots: Vec<PathBuf>,
    /// Counts files as they are analysed, for a progress line.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// How far a running scan is: files found by the walk, files analysed so far.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: std::sync::atomic::AtomicUsize,
    pub done: std::sync::atomic::AtomicUsize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: 0,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            ignore: Vec::new(),
            subroots: Vec::new(),
            progress: None,
        }
    }
}

/// A file that was deliberately not analysed, with the reason (counted as skipped).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Everything the scan found before the policy is applied.
#[derive(Debug)]
pub struct Analysis {
    pub root: PathBuf,
    pub facts: Facts,
    /// PL900 material: files that could not be analysed.
    pub problems: Vec<FileProblem>,
    pub skipped: Vec<Skipped>,
    pub allows: Vec<InlineAllow>,
    pub files_scanned: usize,
}

/// Walk `root`, extract every file in parallel and link the results.
pub fn analyse(root: &Path, catalog: &Catalog, options: &ScanOptions) -> Analysis {
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(EXTRACT_STACK_SIZE)
        .build()
        .ok();
    let (walked, mut results) = in_pool(pool.as_ref(), || {
        walk_and_extract(root, catalog, options, threads)
    });
    // The walk hands files over in no particular order: sorted here, the rest of the
    // pipeline sees them as a sorted walk would give them.
    results.sort_by(|a, b| a.0.relative.cmp(&b.0.relative));
    let (results, hops) = in_pool(pool.as_ref(), || summarise_hops(results, catalog));

    let mut problems: Vec<FileProblem> = walked
        .problems
        .into_iter()
        .map(|p| FileProblem {
            at: Location::new(p.relative, 1, 1),
            reason: p.reason,
        })
        .collect();
    let mut skipped: Vec<Skipped> = walked
        .skipped
        .into_iter()
        .map(|s| Skipped {
            path: s.relative,
            reason: s.reason,
        })
        .collect();
    let mut allows = Vec::new();
    let mut files = Vec::new();
    let files_scanned = results.len();
    let mut stats = PrefilterStats {
        hops,
        ..PrefilterStats::default()
    };
    for (candidate, outcome) in results {
        let (path, kind) = (candidate.relative, candidate.kind);
        stats.count(&path, &outcome);
        match outcome {
            FileOutcome::Analysed(mut facts, _) => {
                problems.append(&mut facts.problems);
                allows.append(&mut facts.allows);
                files.push(AnalysedFile { path, kind, facts });
            }
            FileOutcome::Skipped(reason) | FileOutcome::Generated(reason) => {
                skipped.push(Skipped { path, reason })
            }
        }
    }
    problems.sort();
    problems.dedup();
    skipped.sort();
    allows.sort();
    let facts = link::link(&files, catalog);
    stats.report_if_asked();
    Analysis {
        root: root.to_path_buf(),
        facts,
        problems,
        skipped,
        allows,
        files_scanned,
    }
}

fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The walk streams into the extraction: each file found is analysed on the pool while
/// the walk goes on (in the current pool, in no particular order).
fn walk_and_extract(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
    threads: usize,
) -> (walk::WalkResult, Vec<(walk::Candidate, FileOutcome)>) {
    let ignore = crate::scan_globs(&options.ignore);
    let (sender, receiver) = std::sync::mpsc::channel::<walk::Candidate>();
    std::thread::scope(|scope| {
        let walker = scope.spawn(move || {
            let found = |candidate: walk::Candidate| {
                if ignore
                    .as_ref()
                    .is_some_and(|g| g.is_match(&candidate.relative))
                {
                    return;
                }
                if let Some(progress) = &options.progress {
                    progress.total.fetch_add(1, Ordering::Relaxed);
                }
                // The receiver lives until every sender is gone; a send cannot fail.
                let _ = sender.send(candidate);
            };
            let walked = walk::walk(root, &options.subroots, threads, &found);
            drop(sender);
            walked
        });
        let results = receiver
            .into_iter()
            .par_bridge()
            .map(|c| {
                let outcome = analyse_file(
                    &c.absolute,
                    &c.relative,
                    c.kind,
                    catalog,
                    options.max_file_size,
                );
                if let Some(progress) = &options.progress {
                    progress.done.fetch_add(1, Ordering::Relaxed);
                }
                (c, outcome)
            })
            .collect::<Vec<_>>();
        let walked = walker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (walked, results)
    })
}

/// Rounds of [`summarise_hops`]: how many files the prefilter rejected may stand in a
/// row between a capability read and an SDK call (a view model between a service and an
/// analytics wrapper is one).
const HOP_ROUNDS: usize = 2;

/// Cross-file flow passes through files that name nothing the catalog knows (a view
/// model handing a location from a service to an analytics wrapper). Parsing every such
/// file would cost the prefilter's savings, so only those that name a file or function
/// already summarised — a file stem or a function name, as a whole word — are lowered
/// for their function summary, in a few rounds.
fn summarise_hops(
    mut results: Vec<(walk::Candidate, FileOutcome)>,
    catalog: &Catalog,
) -> (Vec<(walk::Candidate, FileOutcome)>, HopStats) {
    let mut stats = HopStats::default();
    // Every capability read passes the prefilter, so if no summary holds one, no value
    // can cross a file and no hop is worth a parse.
    let any_source = results.iter().any(|(_, outcome)| {
        matches!(outcome, FileOutcome::Analysed(facts, _)
            if facts.summary.as_ref().is_some_and(|s| s.functions.iter().any(reads_capability)))
    });
    if !any_source {
        return (results, stats);
    }
    let mut needles = Needles::default();
    let known = |results: &[(walk::Candidate, FileOutcome)], needles: &mut Needles| {
        // A function can be a hop only if it carries something: it sends a value to an
        // SDK, returns a capability read, or calls such a function. Names of functions
        // that do neither (most of an app) would make nearly every file a candidate.
        for _ in 0..=MAX_HOPS_IN_FILES {
            let before = needles.words.len();
            for (candidate, outcome) in results {
                let FileOutcome::Analysed(facts, _) = outcome else {
                    continue;
                };
                let Some(summary) = &facts.summary else {
                    continue;
                };
                let live: Vec<String> = summary
                    .functions
                    .iter()
                    .filter(|f| carries(f, &needles.methods))
                    .map(|f| f.name.clone())
                    .collect();
                if live.is_empty() {
                    continue;
                }
                let stem = Path::new(&candidate.relative)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned());
                for name in stem.into_iter().chain(live) {
                    needles.add(name);
                }
            }
            if needles.words.len() == before {
                break;
            }
        }
    };
    known(&results, &mut needles);
    for _ in 0..HOP_ROUNDS {
        if needles.words.is_empty() {
            break;
        }
        let Ok(matcher) = aho_corasick::AhoCorasick::new(&needles.words) else {
            break;
        };
        let hops: Vec<usize> = results
            .iter()
            .enumerate()
            .filter(|(_, (_, outcome))| {
                matches!(outcome, FileOutcome::Analysed(f, Route::Rejected) if f.summary.is_none())
            })
            .map(|(i, _)| i)
            .collect();
        stats.reread += hops.len();
        let summaries: Vec<(
            usize,
            Option<Box<crate::extract::analyze::summary::FileSummary>>,
        )> = hops
            .par_iter()
            .filter_map(|&i| {
                let c = &results[i].0;
                let bytes = std::fs::read(&c.absolute).ok()?;
                let text = std::str::from_utf8(&bytes).ok()?;
                let names_one = matcher
                    .find_iter(text)
                    .any(|m| whole_word(text.as_bytes(), m.start(), m.end()));
                if !names_one || nesting_beyond_limit(text, c.kind).is_some() {
                    return None;
                }
                let input = FileInput::new(&c.relative, &bytes, text, catalog);
                let summary = quietly_caught(|| extract::extract(c.kind, &input))
                    .ok()
                    .and_then(|facts| facts.summary);
                Some((i, summary))
            })
            .collect();
        stats.lowered += summaries.len();
        if summaries.is_empty() {
            break;
        }
        let before = needles.words.len();
        for (i, summary) in summaries {
            if let FileOutcome::Analysed(facts, _) = &mut results[i].1 {
                facts.summary = summary;
            }
        }
        known(&results, &mut needles);
        if needles.words.len() == before {
            break;
        }
    }
    (results, stats)
}

/// What [`summarise_hops`] cost: source files read again (every prefilter-rejected one,
/// once per round) and files lowered for their summary.
#[derive(Debug, Default)]
struct HopStats {
    reread: usize,
    lowered: usize,
}

/// Rounds of "calls a function that carries" followed inside the files already summarised.
const MAX_HOPS_IN_FILES: usize = 6;

/// Names that make a rejected file worth summarising: stems of files and names of
/// functions that may carry a capability value.
#[derive(Default)]
struct Needles {
    words: Vec<String>,
    /// Function names' last `.` segment, as calls spell them.
    methods: std::collections::HashSet<String>,
    seen: std::collections::HashSet<String>,
}

impl Needles {
    fn add(&mut self, name: String) {
        if name.len() < 3 || !self.seen.insert(name.clone()) {
            return;
        }
        self.methods
            .insert(name.rsplit('.').next().unwrap_or(&name).to_owned());
        self.words.push(name);
    }
}

/// Whether a summarised function may carry a capability value across files: it hands a
/// parameter to an SDK, returns a capability read, or calls a function in `methods`.
fn carries(function: &FunctionSummary, methods: &std::collections::HashSet<String>) -> bool {
    function
        .sinks
        .iter()
        .any(|s| matches!(s.carried.carrier, Carrier::Param(_)))
        || function
            .returns
            .iter()
            .any(|r| matches!(r.carrier, Carrier::Source { .. } | Carrier::Field { .. }))
        || function.calls.iter().any(|c| methods.contains(&c.method))
}

/// Whether a summarised function reads a capability (directly or through a field).
fn reads_capability(function: &FunctionSummary) -> bool {
    let read = |c: &Carried| matches!(c.carrier, Carrier::Source { .. } | Carrier::Field { .. });
    function.returns.iter().any(read)
        || function.sinks.iter().any(|s| read(&s.carried))
        || function
            .calls
            .iter()
            .any(|c| c.args.iter().flatten().any(read))
}

/// Whether `text[start..end]` is a whole identifier (not part of a longer one).
fn whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let before = start > 0 && part(text[start - 1]);
    let after = text.get(end).is_some_and(|b| part(*b));
    !before && !after
}

enum FileOutcome {
    Analysed(FileFacts, Route),
    Skipped(String),
    /// Generated code naming no SDK in an import: not parsed, listed as skipped.
    Generated(String),
}

/// How a file went through the pipeline: what the prefilter decided for a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Manifests, build files and other non-source formats: always parsed.
    NotSource,
    /// A source file the prefilter rejected: read once, never parsed.
    Rejected,
    /// A source file the prefilter let through to the parser.
    Parsed,
}

/// Counts for `PRIVLINT_STATS`: how selective the prefilter is on a real tree. A
/// parsed source file yielding neither evidence nor a marker was parsed for nothing.
#[derive(Debug, Default)]
struct PrefilterStats {
    sources: usize,
    parsed: usize,
    parsed_with_facts: usize,
    parsed_for_nothing: Vec<String>,
    generated_skipped: usize,
    hops: HopStats,
}

impl PrefilterStats {
    fn count(&mut self, path: &str, outcome: &FileOutcome) {
        let (facts, route) = match outcome {
            FileOutcome::Analysed(facts, route) => (facts, route),
            FileOutcome::Generated(_) => {
                self.sources += 1;
                self.generated_skipped += 1;
                return;
            }
            FileOutcome::Skipped(_) => return,
        };
        match route {
            Route::NotSource => return,
            Route::Rejected => {}
            Route::Parsed if facts.evidence.is_empty() && facts.markers.is_empty() => {
                self.parsed_for_nothing.push(path.to_string());
            }
            Route::Parsed => self.parsed_with_facts += 1,
        }
        self.sources += 1;
        if *route == Route::Parsed {
            self.parsed += 1;
        }
    }

    /// `PRIVLINT_STATS=1` prints one summary line on stderr, `PRIVLINT_STATS=files` also
    /// every source file parsed for nothing (to review the literal sets on real code).
    fn report_if_asked(&self) {
        let Ok(mode) = std::env::var("PRIVLINT_STATS") else {
            return;
        };
        let mut err = std::io::stderr().lock();
        let share = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        let _ = writeln!(
            err,
            "privlint stats: {} source files, {} parsed ({:.1} %), {} with facts, {} parsed for nothing ({:.1} % of parsed), {} generated not parsed; cross-file hops: {} files read again, {} lowered",
            self.sources,
            self.parsed,
            share(self.parsed, self.sources),
            self.parsed_with_facts,
            self.parsed_for_nothing.len(),
            share(self.parsed_for_nothing.len(), self.parsed),
            self.generated_skipped,
            self.hops.reread,
            self.hops.lowered,
        );
        if mode == "files" {
            for path in &self.parsed_for_nothing {
                let _ = writeln!(err, "privlint stats: parsed for nothing: {path}");
            }
        }
    }
}

fn analyse_file(
    absolute: &Path,
    relative: &str,
    kind: FileKind,
    catalog: &Catalog,
    max_size: u64,
) -> FileOutcome {
    let problem = |reason: String| {
        let mut facts = FileFacts::default();
        facts.problem(Location::new(relative, 1, 1), reason);
        FileOutcome::Analysed(facts, Route::NotSource)
    };
    match std::fs::metadata(absolute) {
        Ok(m) if m.len() > max_size => {
            let reason = format!(
                "larger than the {} MiB limit ({} bytes; raise it with --max-file-size)",
                max_size / (1024 * 1024),
                m.len()
            );
            return if kind.is_source() {
                FileOutcome::Skipped(reason)
            } else {
                problem(reason)
            };
        }
        Ok(_) => {}
        Err(e) => return problem(format!("cannot read: {e}")),
    }
    let bytes = match std::fs::read(absolute) {
        Ok(b) => b,
        Err(e) => return problem(format!("cannot read: {e}")),
    };
    let text = match decode(&bytes, kind) {
        Ok(t) => t,
        Err(reason) => return problem(reason),
    };
    let prefilter = catalog.prefilter();
    let route = match crate::extract::language_of(kind) {
        Some(language) if prefilter.is_relevant(language, text.as_bytes()) => {
            if let Some(generated) = generated::generated_reason(relative, &text)
                && !prefilter.imports_something(language, text.as_bytes())
            {
                return FileOutcome::Generated(format!(
                    "{generated} naming no SDK or capability package in an import: not parsed"
                ));
            }
            Route::Parsed
        }
        Some(_) => Route::Rejected,
        None => Route::NotSource,
    };
    if route == Route::Rejected {
        // Nothing the catalog knows is in this source file: done after one pass.
        return FileOutcome::Analysed(
            FileFacts {
                allows: suppress::inline_allows(relative, &text),
                ..FileFacts::default()
            },
            route,
        );
    }
    if route == Route::Parsed
        && let Some(language) = crate::extract::language_of(kind)
        && std::env::var("PRIVLINT_STATS").is_ok_and(|v| v == "files")
    {
        let reason = catalog.prefilter().reason(language, text.as_bytes());
        let _ = writeln!(
            std::io::stderr(),
            "privlint stats: {relative} passes on {}",
            reason.unwrap_or_default().join(" + ")
        );
    }
    if let Some(depth) = nesting_beyond_limit(&text, kind) {
        return problem(format!(
            "nests deeper than {MAX_NESTING} levels (at least {depth}); not parsed, to keep the scan bounded"
        ));
    }
    let input = FileInput::new(relative, &bytes, &text, catalog);
    // A bug in one extractor must not take the scan down: it becomes PL900.
    let extracted = quietly_caught(|| extract::extract(kind, &input));
    match extracted {
        Ok(mut facts) => {
            if let Some(skip) = facts
                .problems
                .iter()
                .find_map(|p| p.reason.strip_prefix("skipped: "))
            {
                return FileOutcome::Skipped(skip.to_string());
            }
            facts.allows = suppress::inline_allows(relative, &text);
            FileOutcome::Analysed(facts, route)
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            problem(format!(
                "internal error while analysing this file ({message}); please report it"
            ))
        }
    }
}

/// The nesting depth reached when it exceeds [`MAX_NESTING`]: element depth for XML
/// formats, `(`/`[`/`{` depth for everything else (an over-estimate in strings and
/// comments, which never matters at this limit).
fn nesting_beyond_limit(text: &str, kind: FileKind) -> Option<usize> {
    let xml = matches!(kind, FileKind::AndroidManifest | FileKind::PrivacyManifest)
        || (kind == FileKind::InfoPlist && !text.is_empty());
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut deepest: usize = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if xml {
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            match (b, next) {
                (b'<', b'/') => depth = depth.saturating_sub(1),
                (b'<', n) if n.is_ascii_alphabetic() || n == b'_' || n == b':' => depth += 1,
                (b'/', b'>') => depth = depth.saturating_sub(1),
                _ => continue,
            }
        } else {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => continue,
            }
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING * 8 {
            break;
        }
    }
    (deepest > MAX_NESTING).then_some(deepest)
}

/// Bytes → text: UTF-8 (BOM stripped), UTF-16 with a BOM, or lossy UTF-8 for stray
/// bytes. Binary content in a text format is an error (binary plists are bytes, fine).
fn decode(bytes: &[u8], kind: FileKind) -> Result<String, String> {
    if kind == FileKind::InfoPlist && bytes.starts_with(b"bplist") {
        return Ok(String::new());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(String::from_utf8_lossy(rest).into_owned());
    }
    for (bom, little) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
        if let Some(rest) = bytes.strip_prefix(&bom) {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| {
                    if little {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            return String::from_utf16(&units).map_err(|_| "invalid UTF-16 text".to_string());
        }
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err("binary content in a text file".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(String::from_utf8_lossy(bytes).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_one_file_is_caught_and_the_thread_goes_on() {
        let caught = quietly_caught(|| -> u8 { panic!("extractor bug") });
        let message = caught.expect_err("the panic is caught");
        assert_eq!(message.downcast_ref::<&str>(), Some(&"extractor bug"));
        assert_eq!(quietly_caught(|| 7).ok(), Some(7));
        assert!(!CATCHING.with(std::cell::Cell::get));
    }

    #[test]
    fn nesting_guard_counts_brackets_and_xml_elements() {
        let deep = format!(
            "{}{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert_eq!(
            nesting_beyond_limit(&deep, FileKind::Kotlin),
            Some(MAX_NESTING + 1)
        );
        let ok = "(".repeat(MAX_NESTING) + &")".repeat(MAX_NESTING);
        assert_eq!(nesting_beyond_limit(&ok, FileKind::Rust), None);
        let flat = "<a/>".repeat(10 * MAX_NESTING);
        assert_eq!(nesting_beyond_limit(&flat, FileKind::AndroidManifest), None);
        let tags = "<a>".repeat(MAX_NESTING + 5);
        assert_eq!(
            nesting_beyond_limit(&tags, FileKind::InfoPlist),
            Some(MAX_NESTING + 5)
        );
    }

    #[test]
    fn the_streamed_walk_gives_the_same_analysis_on_any_thread_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/src/main/java/com/acme")).expect("mkdir");
        std::fs::write(
            root.join("app/build.gradle"),
            "plugins { id 'com.android.application' }\ndependencies { implementation 'com.appsflyer:af-android-sdk:6.12.1' }\n",
        )
        .expect("write");
        for i in 0..40 {
            let text = if i % 7 == 0 {
                format!(
                    "package com.acme\nimport com.appsflyer.AppsFlyerLib\nclass Screen{i} {{ fun go() = AppsFlyerLib.getInstance() }}\n"
                )
            } else {
                format!("package com.acme\nclass Plain{i} {{ fun n() = {i} }}\n")
            };
            let path = root.join(format!("app/src/main/java/com/acme/F{i:02}.kt"));
            std::fs::write(path, text).expect("write");
        }
        let catalog = Catalog::embedded().expect("catalog");
        let run = |threads: usize| {
            let progress = std::sync::Arc::new(Progress::default());
            let options = ScanOptions {
                threads,
                progress: Some(progress.clone()),
                ..ScanOptions::default()
            };
            let analysis = analyse(root, &catalog, &options);
            assert_eq!(progress.total.load(Ordering::Relaxed), 41);
            assert_eq!(progress.done.load(Ordering::Relaxed), 41);
            assert_eq!(analysis.files_scanned, 41);
            format!(
                "{:?}",
                (&analysis.facts, &analysis.problems, &analysis.skipped)
            )
        };
        let one = run(1);
        assert!(one.contains("appsflyer"));
        assert_eq!(one, run(4));
    }

    #[test]
    fn decode_handles_boms_utf16_and_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc", FileKind::Kotlin).unwrap(), "abc");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ab".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, FileKind::PackageJson).unwrap(), "ab");
        assert!(decode(b"a\0b", FileKind::Swift).is_err());
        assert_eq!(decode(b"caf\xE9", FileKind::Java).unwrap(), "caf\u{FFFD}");
    }
}

thread_local! {
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run one file's extraction, catching a panic. The panic is reported as PL900 naming
/// the file, so the default hook's stderr message (and backtrace) is kept out of the
/// output while this thread is inside; panics elsewhere still print as usual.
fn quietly_caught<T>(work: impl FnOnce() -> T) -> std::thread::Result<T> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    CATCHING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(false));
    result
}
