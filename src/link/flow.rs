//! Flows across functions and files of one app unit, from the function summaries the
//! extractors made (`crate::extract::analyze::summary`).
//!
//! Calls are resolved by each language's own visibility rules ([`Resolver`]): a name
//! is followed only into a file the caller can see (imported, same package or module),
//! and only when exactly one function there has that name. Then, up to [`MAX_HOPS`]
//! rounds, each function learns which parameters reach an SDK sink, which reach its
//! return value, and whether a capability read reaches its return value. A capability
//! value that reaches a sink through at least one of those facts is a `flow`, with every
//! hop in its chain. The in-file pass keeps the flows it finds itself.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::catalog::Language;
use crate::extract::analyze::summary::{Carried, Carrier, FileSummary, FunctionSummary};
use crate::model::{Evidence, EvidenceKind, Location, Step};

/// Function boundaries a value is followed across.
const MAX_HOPS: usize = 6;
/// Longest chain kept (steps).
const MAX_CHAIN: usize = 40;
/// Paths kept per parameter: the first found are the shortest.
const MAX_PATHS: usize = 4;

/// One summarised file of the unit.
pub(super) struct SummaryFile<'a> {
    pub path: &'a str,
    pub summary: &'a FileSummary,
}

/// A function: file index, function index.
type FnRef = (usize, usize);

/// A way from a parameter to an SDK sink, with the steps after the parameter.
#[derive(Clone, Debug, PartialEq)]
struct SinkPath {
    sdk: String,
    at: Location,
    call: String,
    steps: Vec<Step>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Derived {
    /// Per parameter: the sinks it reaches.
    param_sinks: Vec<Vec<SinkPath>>,
    /// Per parameter: the steps by which it reaches the return value.
    param_returns: Vec<Option<Vec<Step>>>,
    /// A capability read that reaches the return value, with its chain.
    returned_source: Option<(String, Vec<Step>)>,
}

/// The flow evidence of a unit that the in-file pass did not find (`known`).
pub(super) fn flows(files: &[SummaryFile], known: &[Evidence]) -> Vec<Evidence> {
    let resolver = Resolver::new(files);
    let callees: Vec<Vec<Vec<Option<FnRef>>>> = files
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            f.summary
                .functions
                .iter()
                .map(|func| {
                    func.calls
                        .iter()
                        .map(|c| resolver.resolve(fi, c.receiver.as_deref(), &c.method))
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut derived: Vec<Vec<Derived>> = files
        .iter()
        .map(|f| vec![Derived::default(); f.summary.functions.len()])
        .collect();
    for _ in 0..MAX_HOPS {
        let next: Vec<Vec<Derived>> = files
            .iter()
            .enumerate()
            .map(|(fi, f)| {
                f.summary
                    .functions
                    .iter()
                    .enumerate()
                    .map(|(gi, func)| {
                        let eval = Eval {
                            files,
                            derived: &derived,
                            callees: &callees[fi][gi],
                            function: func,
                        };
                        eval.derive()
                    })
                    .collect()
            })
            .collect();
        if next == derived {
            break;
        }
        derived = next;
    }
    let known: BTreeSet<(&Location, &str, &str)> = known
        .iter()
        .filter_map(|e| match &e.kind {
            EvidenceKind::Flow {
                sdk, capability, ..
            } => Some((&e.at, sdk.as_str(), capability.as_str())),
            _ => None,
        })
        .collect();
    let mut out: Vec<Evidence> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for (gi, func) in f.summary.functions.iter().enumerate() {
            let eval = Eval {
                files,
                derived: &derived,
                callees: &callees[fi][gi],
                function: func,
            };
            for (capability, path) in eval.flows() {
                let duplicate = known.contains(&(&path.at, path.sdk.as_str(), capability.as_str()))
                    || out.iter().any(|e| {
                        e.at == path.at
                            && e.kind.sdk() == Some(path.sdk.as_str())
                            && e.kind.capability() == Some(capability.as_str())
                    });
                if duplicate {
                    continue;
                }
                out.push(Evidence {
                    at: path.at.clone(),
                    kind: EvidenceKind::Flow {
                        sdk: path.sdk.clone(),
                        capability,
                        chain: path.steps,
                    },
                    detail: path.call,
                    resolution: None,
                });
            }
        }
    }
    out
}

struct Eval<'e, 'a> {
    files: &'e [SummaryFile<'a>],
    derived: &'e [Vec<Derived>],
    callees: &'e [Option<FnRef>],
    function: &'e FunctionSummary,
}

impl Eval<'_, '_> {
    fn callee(&self, call: usize) -> Option<(&FunctionSummary, &Derived)> {
        let (fi, gi) = (*self.callees.get(call)?)?;
        Some((
            self.files.get(fi)?.summary.functions.get(gi)?,
            self.derived.get(fi)?.get(gi)?,
        ))
    }

    /// The capability read a carried value holds, with its chain up to the place.
    fn source(&self, carried: &Carried, depth: usize) -> Option<(String, Vec<Step>)> {
        if depth > MAX_HOPS {
            return None;
        }
        match &carried.carrier {
            Carrier::Param(_) => None,
            Carrier::Source { capability } | Carrier::Field { capability } => {
                Some((capability.clone(), carried.steps.clone()))
            }
            Carrier::Result(k) => {
                let call = self.function.calls.get(*k)?;
                let (callee, derived) = self.callee(*k)?;
                let (capability, mut chain) = match &derived.returned_source {
                    Some(found) => found.clone(),
                    None => call.args.iter().enumerate().find_map(|(j, arg)| {
                        let returned = derived.param_returns.get(j)?.as_ref()?;
                        arg.iter().find_map(|c| {
                            let (capability, mut chain) = self.source(c, depth + 1)?;
                            chain.push(passed(&call.at, callee, j));
                            chain.extend(returned.iter().cloned());
                            Some((capability, chain))
                        })
                    })?,
                };
                chain.push(Step {
                    at: call.at.clone(),
                    message: format!("returned by `{}`", callee.name),
                });
                chain.extend(carried.steps.iter().cloned());
                Some((capability, bounded(chain)))
            }
        }
    }

    /// The parameters a carried value holds, each with its steps up to the place.
    fn params(&self, carried: &Carried, depth: usize) -> Vec<(usize, Vec<Step>)> {
        if depth > MAX_HOPS {
            return Vec::new();
        }
        match &carried.carrier {
            Carrier::Param(i) => vec![(*i, carried.steps.clone())],
            Carrier::Source { .. } | Carrier::Field { .. } => Vec::new(),
            Carrier::Result(k) => {
                let (Some(call), Some((callee, derived))) =
                    (self.function.calls.get(*k), self.callee(*k))
                else {
                    return Vec::new();
                };
                let mut out = Vec::new();
                for (j, arg) in call.args.iter().enumerate() {
                    let Some(Some(returned)) = derived.param_returns.get(j) else {
                        continue;
                    };
                    for c in arg {
                        for (i, mut steps) in self.params(c, depth + 1) {
                            steps.push(passed(&call.at, callee, j));
                            steps.extend(returned.iter().cloned());
                            steps.push(Step {
                                at: call.at.clone(),
                                message: format!("returned by `{}`", callee.name),
                            });
                            steps.extend(carried.steps.iter().cloned());
                            out.push((i, bounded(steps)));
                        }
                    }
                }
                out
            }
        }
    }

    /// Every way a value reaches a sink in this function: `(what carries it, path,
    /// whether the sink call is in this function itself)`.
    fn sink_paths(&self) -> Vec<(&Carried, SinkPath, bool)> {
        let mut out = Vec::new();
        for hit in &self.function.sinks {
            let mut steps = Vec::new();
            steps.push(Step {
                at: hit.at.clone(),
                message: format!("passed to `{}` of {}", hit.call, hit.sdk_name),
            });
            out.push((
                &hit.carried,
                SinkPath {
                    sdk: hit.sdk.clone(),
                    at: hit.at.clone(),
                    call: hit.call.clone(),
                    steps,
                },
                true,
            ));
        }
        for (k, call) in self.function.calls.iter().enumerate() {
            let Some((callee, derived)) = self.callee(k) else {
                continue;
            };
            for (j, arg) in call.args.iter().enumerate() {
                let Some(paths) = derived.param_sinks.get(j) else {
                    continue;
                };
                for path in paths {
                    for c in arg {
                        let mut steps = vec![passed(&call.at, callee, j)];
                        steps.extend(path.steps.iter().cloned());
                        out.push((
                            c,
                            SinkPath {
                                steps: bounded(steps),
                                ..path.clone()
                            },
                            false,
                        ));
                    }
                }
            }
        }
        out
    }

    fn derive(&self) -> Derived {
        let n = self.function.params.len();
        let mut derived = Derived {
            param_sinks: vec![Vec::new(); n],
            param_returns: vec![None; n],
            returned_source: None,
        };
        for (carried, path, _) in self.sink_paths() {
            for (i, mut steps) in self.params(carried, 0) {
                let Some(list) = derived.param_sinks.get_mut(i) else {
                    continue;
                };
                steps.extend(path.steps.iter().cloned());
                if list.len() < MAX_PATHS && !list.iter().any(|p| p.at == path.at) {
                    list.push(SinkPath {
                        steps: bounded(steps),
                        ..path.clone()
                    });
                }
            }
        }
        for carried in &self.function.returns {
            if derived.returned_source.is_none() {
                derived.returned_source = self.source(carried, 0);
            }
            for (i, steps) in self.params(carried, 0) {
                if let Some(slot @ None) = derived.param_returns.get_mut(i) {
                    *slot = Some(steps);
                }
            }
        }
        derived
    }

    /// Capability values of this function that reach a sink: `(capability, path)` with
    /// the full chain from the read to the sink.
    fn flows(&self) -> Vec<(String, SinkPath)> {
        let mut out = Vec::new();
        for (carried, path, direct) in self.sink_paths() {
            // A read and an SDK call in the same function are the in-file pass's to
            // judge (it knows failure callbacks, sanitisers and argument values).
            if direct && matches!(carried.carrier, Carrier::Source { .. }) {
                continue;
            }
            if let Some((capability, mut chain)) = self.source(carried, 0) {
                chain.extend(path.steps.iter().cloned());
                out.push((
                    capability,
                    SinkPath {
                        steps: bounded(chain),
                        ..path
                    },
                ));
            }
        }
        out
    }
}

fn passed(at: &Location, callee: &FunctionSummary, index: usize) -> Step {
    let param = callee.params.get(index).map_or("?", String::as_str);
    Step {
        at: at.clone(),
        message: format!("passed to `{}` as `{param}`", callee.name),
    }
}

fn bounded(mut steps: Vec<Step>) -> Vec<Step> {
    if steps.len() > MAX_CHAIN {
        let tail = steps.split_off(steps.len() - MAX_CHAIN / 2);
        steps.truncate(MAX_CHAIN / 2);
        steps.extend(tail);
    }
    steps
}

/// Which function a call names, by the calling file's language rules.
///
/// Resolution runs once per call of every summarised file, so it works from indexes
/// (functions by name, files by folder, module lookups remembered) rather than scanning
/// every file per call: on a 3,000-file app a scan per call was quadratic.
struct Resolver<'r, 'a> {
    files: &'r [SummaryFile<'a>],
    /// Index of each file by path.
    by_path: HashMap<&'a str, usize>,
    /// Every named function (last `.` segment of its name, `<top>` left out).
    by_name: HashMap<&'a str, Vec<FnRef>>,
    /// JS alias specifiers and Dart imports already looked up.
    modules: RefCell<HashMap<String, Vec<usize>>>,
}

impl<'r, 'a> Resolver<'r, 'a> {
    fn new(files: &'r [SummaryFile<'a>]) -> Self {
        let mut by_name: HashMap<&'a str, Vec<FnRef>> = HashMap::new();
        for (fi, file) in files.iter().enumerate() {
            for (gi, f) in file.summary.functions.iter().enumerate() {
                if f.name != "<top>" {
                    let name = f.name.rsplit('.').next().unwrap_or(&f.name);
                    by_name.entry(name).or_default().push((fi, gi));
                }
            }
        }
        Resolver {
            files,
            by_path: files.iter().enumerate().map(|(i, f)| (f.path, i)).collect(),
            by_name,
            modules: RefCell::new(HashMap::new()),
        }
    }

    fn resolve(&self, file: usize, receiver: Option<&str>, method: &str) -> Option<FnRef> {
        let caller = self.files.get(file)?;
        let local = matches!(receiver, None | Some("this" | "self" | "Self"));
        if local && let Some(found) = self.unique(method, |fi| fi == file) {
            return Some(found);
        }
        let root = receiver.map(|r| r.split(['.', '(', '?', '!', ':']).next().unwrap_or(r));
        let dir = parent(caller.path);
        let imports = &caller.summary.imports;
        match caller.summary.language {
            Language::Javascript => {
                // Only a name an import binds: `track(..)` or `analytics.track(..)`.
                let name = root.unwrap_or(method);
                let visible: BTreeSet<usize> = imports
                    .iter()
                    .filter(|(_, bindings)| bindings.iter().any(|b| b == name))
                    .flat_map(|(path, _)| self.javascript_module(dir, path))
                    .collect();
                self.unique(method, |fi| fi != file && visible.contains(&fi))
            }
            Language::Kotlin | Language::Java => {
                // The same package (folder), and classes or functions it imports.
                let language = caller.summary.language;
                self.unique(method, |fi| {
                    let callee = &self.files[fi];
                    let fdir = parent(callee.path);
                    if fi == file {
                        return false;
                    }
                    if fdir == dir && callee.summary.language == language {
                        return true;
                    }
                    imports.iter().any(|(path, _)| {
                        let (package, last) = path.rsplit_once('.').unwrap_or(("", path));
                        in_package(fdir, package)
                            && (stem(callee.path) == last || last == method || last == "*")
                    })
                })
            }
            Language::Dart => {
                let visible: BTreeSet<usize> = imports
                    .iter()
                    .flat_map(|(path, _)| self.dart_library(dir, path))
                    .collect();
                self.unique(method, |fi| fi != file && visible.contains(&fi))
            }
            Language::Rust => {
                // `mod x;` siblings and `use crate::a::b` paths, by the module a call names.
                let module = root.map(|r| r.rsplit("::").next().unwrap_or(r));
                let mut names: Vec<&str> = module.into_iter().collect();
                for (path, bindings) in imports {
                    let segments: Vec<&str> = path.split("::").collect();
                    if segments.last() == Some(&method) || bindings.iter().any(|b| b == method) {
                        names.extend(segments.iter().rev().nth(1));
                    }
                }
                self.unique(method, |fi| {
                    let f = &self.files[fi];
                    fi != file
                        && f.summary.language == Language::Rust
                        && names.iter().any(|n| {
                            stem(f.path) == *n
                                || (stem(f.path) == "mod" && parent(f.path).ends_with(n))
                        })
                })
            }
            // Swift and Objective-C see every name of their module (the unit).
            Language::Swift | Language::Objc => self.unique(method, |fi| {
                fi != file
                    && matches!(
                        self.files[fi].summary.language,
                        Language::Swift | Language::Objc
                    )
            }),
        }
    }

    /// The one function named `method` (by its name, or its last `.` segment) in a file
    /// `visible` accepts; none when no function or several do.
    fn unique(&self, method: &str, visible: impl Fn(usize) -> bool) -> Option<FnRef> {
        let mut found = self
            .by_name
            .get(method)?
            .iter()
            .filter(|(fi, _)| visible(*fi));
        let first = found.next()?;
        found.next().is_none().then_some(*first)
    }

    /// A JS module specifier's file: relative to the importer, or an app-root alias
    /// (`sharedHelpers/tracking`, `@/lib/x`) matched by path suffix.
    fn javascript_module(&self, dir: &str, specifier: &str) -> Vec<usize> {
        const EXTENSIONS: &[&str] = &[
            "",
            ".js",
            ".jsx",
            ".ts",
            ".tsx",
            ".mjs",
            ".cjs",
            "/index.js",
            "/index.ts",
            "/index.tsx",
            "/index.jsx",
        ];
        let relative = specifier.starts_with("./") || specifier.starts_with("../");
        if relative {
            let base = super::join_dir(dir, specifier);
            return EXTENSIONS
                .iter()
                .filter_map(|e| self.by_path.get(format!("{base}{e}").as_str()).copied())
                .take(1)
                .collect();
        }
        let alias = specifier
            .strip_prefix("@/")
            .or_else(|| specifier.strip_prefix("~/"))
            .unwrap_or(specifier);
        if !alias.contains('/') || alias.starts_with('@') {
            return Vec::new();
        }
        self.remembered(format!("js:{alias}"), || {
            let found: Vec<usize> = self
                .files
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    EXTENSIONS.iter().any(|e| {
                        f.path
                            .strip_suffix(e)
                            .is_some_and(|p| ends_with_segments(p, alias))
                    })
                })
                .map(|(i, _)| i)
                .collect();
            // An alias that names several files is no import we can follow.
            if found.len() == 1 { found } else { Vec::new() }
        })
    }

    /// A Dart import's library: relative to the importer, or `package:<name>/x.dart`
    /// as `lib/x.dart` of the unit.
    fn dart_library(&self, dir: &str, path: &str) -> Vec<usize> {
        let target = match path.strip_prefix("package:") {
            Some(rest) => {
                let Some((_, inner)) = rest.split_once('/') else {
                    return Vec::new();
                };
                format!("lib/{inner}")
            }
            None if !path.contains(':') => super::join_dir(dir, path),
            None => return Vec::new(),
        };
        self.remembered(format!("dart:{target}"), || {
            self.files
                .iter()
                .position(|f| ends_with_segments(f.path, &target))
                .into_iter()
                .collect()
        })
    }

    fn remembered(&self, key: String, find: impl FnOnce() -> Vec<usize>) -> Vec<usize> {
        if let Some(found) = self.modules.borrow().get(&key) {
            return found.clone();
        }
        let found = find();
        self.modules.borrow_mut().insert(key, found.clone());
        found
    }
}

/// `path` is `tail`, or ends with `/tail`.
fn ends_with_segments(path: &str, tail: &str) -> bool {
    path.strip_suffix(tail)
        .is_some_and(|head| head.is_empty() || head.ends_with('/'))
}

/// A file in folder `dir` belongs to the Kotlin/Java `package` (dots) when the folder
/// ends with the package's segments.
fn in_package(dir: &str, package: &str) -> bool {
    let mut dir_segments = dir.rsplit('/');
    let mut wanted = package.rsplit('.');
    loop {
        match (wanted.next(), dir_segments.next()) {
            (None, _) => return true,
            (Some(w), Some(d)) if w == d => {}
            _ => return false,
        }
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests;
