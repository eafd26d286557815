//! What every lockfile reader shares: the resolved packages with their lines, which of
//! them the app declares, and the shortest chain of packages that pulls each other one
//! in. Readers build a [`LockGraph`]; [`LockGraph::report`] turns its catalog SDKs into
//! located, resolved `SdkPresence` evidence.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

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

    /// For each package reachable from `roots`, the package that first reaches it
    /// (breadth first, so chains are shortest); roots map to `None`.
    fn parents(&self, roots: &BTreeSet<String>) -> BTreeMap<String, Option<String>> {
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in &self.packages {
            edges
                .entry(p.name.as_str())
                .or_default()
                .extend(p.dependencies.iter().map(String::as_str));
        }
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
    pub fn report(&self, input: &FileInput, kind: IdKind, facts: &mut FileFacts) {
        let shipped = self.shipped();
        let dev_only = self.parents(&self.dev_direct);
        for package in &self.packages {
            let Some(sdk) = input.catalog.lookup(kind, &package.name) else {
                continue;
            };
            let reached = shipped.contains_key(&package.name);
            // Only development roots reach it: it never ships.
            if package.dev || (!reached && dev_only.contains_key(&package.name)) {
                continue;
            }
            let (direct, via) = self.resolve(&shipped, &package.name);
            // A vendor's umbrella package (`firebase` → `@firebase/analytics`) ships one
            // of its modules only when the app imports that module, which the source
            // scan sees; bundlers leave the others out. Reached only that way, the
            // module is no evidence.
            let umbrella = via
                .first()
                .is_some_and(|root| same_vendor(root, &package.name));
            if kind == IdKind::Npm && direct == Some(false) && umbrella {
                continue;
            }
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
                },
            );
        }
    }
}

/// Whether npm package `name` is a module of `umbrella`'s vendor: `@firebase/analytics`
/// of `firebase` or of `@firebase/app`.
fn same_vendor(umbrella: &str, name: &str) -> bool {
    let vendor = |n: &str| -> String {
        let n = n.strip_prefix('@').unwrap_or(n);
        n.split('/').next().unwrap_or(n).to_string()
    };
    name.starts_with('@') && vendor(umbrella) == vendor(name)
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

    #[test]
    fn a_module_belongs_to_its_vendors_umbrella_and_no_other() {
        assert!(same_vendor("firebase", "@firebase/analytics"));
        assert!(same_vendor("@firebase/app", "@firebase/analytics"));
        assert!(!same_vendor(
            "@acme/telemetry",
            "@amplitude/analytics-react-native"
        ));
        assert!(!same_vendor("firebase", "firebase-tools"));
    }

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
