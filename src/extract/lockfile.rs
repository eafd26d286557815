//! What every lockfile reader shares: the resolved packages with their lines, which of
//! them the app declares, and the shortest chain of packages that pulls each other one
//! in. Readers build a [`LockGraph`]; [`LockGraph::report`] turns its catalog SDKs into
//! located, resolved `SdkPresence` evidence.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::model::{FileFacts, Resolution};

/// One resolved package entry of a lockfile.
#[derive(Debug, Clone, Default)]
pub struct LockedPackage {
    /// The name the catalog knows it by (npm name, `group:artifact`, crate, pod).
    pub name: String,
    pub version: Option<String>,
    /// Where the entry starts (1-based).
    pub line: u32,
    pub column: u32,
    /// The lockfile marks it development-only (`dev: true`).
    pub dev: bool,
    /// Names of the packages it depends on.
    pub dependencies: Vec<String>,
}

/// The resolved packages of one lockfile and the app's own dependencies.
#[derive(Debug, Default)]
pub struct LockGraph {
    pub packages: Vec<LockedPackage>,
    /// Names the app declares for shipping code.
    pub direct: BTreeSet<String>,
    /// Names the app declares only for development (`devDependencies`).
    pub dev_direct: BTreeSet<String>,
    /// Whether `direct` is what the lockfile says (false: it records no app
    /// dependencies, so nothing is called direct or transitive).
    pub knows_direct: bool,
}

impl LockGraph {
    /// When the lockfile lists no app dependencies, the packages no other package
    /// depends on are the app's own (yarn v1, npm v1, Cargo.lock without local roots).
    pub fn roots_from_unrequired(&mut self) {
        let required: BTreeSet<&str> = self
            .packages
            .iter()
            .flat_map(|p| p.dependencies.iter().map(String::as_str))
            .collect();
        self.direct = self
            .packages
            .iter()
            .filter(|p| !p.dev && !required.contains(p.name.as_str()))
            .map(|p| p.name.clone())
            .collect();
        self.knows_direct = true;
    }

    /// Dependency edges by package, without the `skip`ped ones.
    fn edges(&self, skip: &HashSet<(&str, &str)>) -> Edges<'_> {
        let mut edges: Edges = BTreeMap::new();
        for p in &self.packages {
            let from = p.name.as_str();
            edges.entry(from).or_default().extend(
                p.dependencies
                    .iter()
                    .map(String::as_str)
                    .filter(|to| !skip.contains(&(from, *to))),
            );
        }
        edges
    }

    /// For each package reachable from `roots`, the package that first reaches it
    /// (breadth first, so chains are shortest); roots map to `None`.
    fn parents(&self, roots: &BTreeSet<String>) -> BTreeMap<String, Option<String>> {
        parents(&self.edges(&HashSet::new()), roots)
    }

    /// The packages the app's shipped dependencies reach, each with its parent.
    pub fn shipped(&self) -> BTreeMap<String, Option<String>> {
        self.parents(&self.direct)
    }

    /// Whether the app declares `name`, and the chain that pulls it in otherwise.
    pub fn resolve(
        &self,
        shipped: &BTreeMap<String, Option<String>>,
        name: &str,
    ) -> (Option<bool>, Vec<String>) {
        if !self.knows_direct {
            (None, Vec::new())
        } else if self.direct.contains(name) {
            (Some(true), Vec::new())
        } else {
            (Some(false), chain(shipped, name))
        }
    }

    /// Push one resolved `SdkPresence` per catalog SDK entry that ships.
    ///
    /// An umbrella's edge to one of its optional modules (catalog `umbrellas`) does not
    /// ship the module: a package reached only through such edges is no evidence. For
    /// npm, each entry also records every package that pulls it in (`toward`), so the
    /// linker can give each workspace of a monorepo only what its own packages reach.
    pub fn report(&self, input: &FileInput, kind: IdKind, facts: &mut FileFacts) {
        let optional: HashSet<(&str, &str)> = if kind == IdKind::Npm {
            input.catalog.optional_edges().collect()
        } else {
            HashSet::new()
        };
        let edges = self.edges(&optional);
        let shipped = parents(&edges, &self.direct);
        let through_umbrellas = if optional.is_empty() {
            BTreeMap::new()
        } else {
            self.parents(&self.direct)
        };
        let dev_only = parents(&edges, &self.dev_direct);
        let mut dependents: Option<Edges> = None;
        for package in &self.packages {
            let Some(sdk) = input.catalog.lookup(kind, &package.name) else {
                continue;
            };
            let reached = shipped.contains_key(&package.name);
            // Only development roots reach it: it never ships.
            if package.dev || (!reached && dev_only.contains_key(&package.name)) {
                continue;
            }
            // Only an umbrella reaches it: it ships when imported, which the source
            // scan sees.
            if !reached && through_umbrellas.contains_key(&package.name) {
                continue;
            }
            let (direct, via) = self.resolve(&shipped, &package.name);
            let toward = if kind == IdKind::Npm {
                let dependents = dependents.get_or_insert_with(|| reverse(&edges));
                toward(dependents, &package.name)
            } else {
                BTreeMap::new()
            };
            let version = package.version.clone();
            // The chain stays out of the detail: findings hash it into their identity.
            let detail = match &version {
                Some(v) => format!("{} {v}", package.name),
                None => package.name.clone(),
            };
            facts.push_resolved(
                input.loc(package.line, package.column),
                sdk.id.clone(),
                detail,
                Resolution {
                    direct,
                    via,
                    version,
                    toward,
                },
            );
        }
    }
}

/// The package a lockfile evidence's `detail` names (`name` or `name version`).
pub fn package_of(detail: &str) -> &str {
    detail.split_whitespace().next().unwrap_or(detail)
}

type Edges<'a> = BTreeMap<&'a str, Vec<&'a str>>;

/// For each package reachable from `roots` over `edges`, the package that first reaches
/// it (breadth first, so chains are shortest); roots map to `None`.
fn parents(edges: &Edges, roots: &BTreeSet<String>) -> BTreeMap<String, Option<String>> {
    let mut parent: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for root in roots {
        parent.insert(root.clone(), None);
        queue.push_back(root);
    }
    while let Some(name) = queue.pop_front() {
        for &next in edges.get(name).map(Vec::as_slice).unwrap_or(&[]) {
            if !parent.contains_key(next) {
                parent.insert(next.to_string(), Some(name.to_string()));
                queue.push_back(next);
            }
        }
    }
    parent
}

/// The edges turned around: package → the packages that depend on it.
fn reverse<'a>(edges: &Edges<'a>) -> Edges<'a> {
    let mut out: Edges = BTreeMap::new();
    for (&from, tos) in edges {
        for &to in tos {
            out.entry(to).or_default().push(from);
        }
    }
    out
}

/// Every package that pulls `name` in, mapped to its dependency one step closer to
/// `name` on a shortest path (breadth first over `dependents`).
fn toward(dependents: &Edges, name: &str) -> BTreeMap<String, String> {
    let mut next: BTreeMap<String, String> = BTreeMap::new();
    let mut queue: VecDeque<&str> = VecDeque::from([name]);
    while let Some(at) = queue.pop_front() {
        for &dependent in dependents.get(at).map(Vec::as_slice).unwrap_or(&[]) {
            if dependent != name && !next.contains_key(dependent) {
                next.insert(dependent.to_string(), at.to_string());
                queue.push_back(dependent);
            }
        }
    }
    next
}

/// The chain from a root down to `name`'s parent, or empty when nothing reaches it.
fn chain(parents: &BTreeMap<String, Option<String>>, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = parents.get(name).cloned().flatten();
    while let Some(parent) = at {
        // A cycle cannot happen in a BFS tree, but a bound costs nothing.
        if out.len() > parents.len() {
            break;
        }
        at = parents.get(&parent).cloned().flatten();
        out.push(parent);
    }
    out.reverse();
    out
}

/// The npm package name of a descriptor such as `@scope/name@^1.0` or `name@npm:1.2`.
pub fn npm_name(descriptor: &str) -> &str {
    let d = descriptor.trim().trim_matches('"').trim_matches('\'');
    match d[1.min(d.len())..].find('@') {
        Some(i) => &d[..i + 1],
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(name: &str, deps: &[&str]) -> LockedPackage {
        LockedPackage {
            name: name.into(),
            line: 1,
            column: 1,
            dependencies: deps.iter().map(|d| d.to_string()).collect(),
            ..LockedPackage::default()
        }
    }

    #[test]
    fn chains_are_shortest_and_run_from_the_root() {
        let graph = LockGraph {
            packages: vec![
                package("wrapper", &["core"]),
                package("core", &["sdk"]),
                package("other", &["sdk"]),
                package("sdk", &[]),
            ],
            direct: ["wrapper".to_string()].into(),
            ..LockGraph::default()
        };
        let parents = graph.parents(&graph.direct);
        assert_eq!(chain(&parents, "sdk"), vec!["wrapper", "core"]);
        assert_eq!(chain(&parents, "wrapper"), Vec::<String>::new());
        assert!(!parents.contains_key("other"));
    }

    #[test]
    fn unrequired_packages_are_the_roots() {
        let mut graph = LockGraph {
            packages: vec![package("app-dep", &["sdk"]), package("sdk", &[])],
            ..LockGraph::default()
        };
        graph.roots_from_unrequired();
        assert_eq!(graph.direct, ["app-dep".to_string()].into());
    }

    #[test]
    fn npm_names_keep_scopes() {
        assert_eq!(
            npm_name("\"@amplitude/analytics@^1.0\""),
            "@amplitude/analytics"
        );
        assert_eq!(npm_name("react@npm:18.2.0"), "react");
        assert_eq!(npm_name("react"), "react");
        assert_eq!(npm_name(""), "");
    }
}
