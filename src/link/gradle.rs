//! The Android module graph: which Gradle modules ship in which application module,
//! through `project(...)` dependencies resolved against the settings' `include`s.

use std::collections::{BTreeMap, BTreeSet};

use super::{is_within, join_dir};
use crate::extract::android::BUILD_LOGIC_DIRS;
use crate::model::Marker;

/// Whether a folder lies in Gradle build logic (`buildSrc`, `build-logic`): it runs at
/// build time and ships in no app.
pub(super) fn in_build_logic(dir: &str) -> bool {
    dir.split('/')
        .any(|segment| BUILD_LOGIC_DIRS.contains(&segment))
}

/// The Gradle facts of a scan, collected from the markers of its build files.
#[derive(Default)]
pub(super) struct GradleGraph {
    modules: BTreeSet<String>,
    /// Application modules (each is an app, or part of the cross-platform app above it).
    apps: BTreeSet<String>,
    /// Module folder → the `project(":path")` paths it depends on.
    project_deps: BTreeMap<String, Vec<String>>,
    /// Settings folder → (project path → module folder).
    includes: BTreeMap<String, BTreeMap<String, String>>,
}

impl GradleGraph {
    /// Record a marker found in a file of folder `dir` (other markers are ignored).
    pub(super) fn add(&mut self, dir: &str, marker: &Marker) {
        match marker {
            Marker::AndroidApplication => {
                self.apps.insert(dir.to_string());
                self.modules.insert(dir.to_string());
            }
            Marker::GradleModule => {
                self.modules.insert(dir.to_string());
            }
            Marker::GradleProjectDependency { project } => {
                self.project_deps
                    .entry(dir.to_string())
                    .or_default()
                    .push(project.clone());
            }
            Marker::GradleInclude {
                project,
                dir: module_dir,
            } => {
                let module_dir = module_dir.clone().unwrap_or_else(|| {
                    join_dir(dir, &project.trim_start_matches(':').replace(':', "/"))
                });
                self.includes
                    .entry(dir.to_string())
                    .or_default()
                    .insert(project.clone(), module_dir);
            }
            _ => {}
        }
    }

    /// The folder of `project` as seen from module `from`: the nearest settings file's
    /// include, else the project path below that settings folder.
    fn resolve_project(&self, from: &str, project: &str) -> String {
        let settings = self
            .includes
            .keys()
            .filter(|s| is_within(from, s))
            .max_by_key(|s| s.len());
        if let Some(settings) = settings
            && let Some(dir) = self.includes[settings].get(project)
        {
            return dir.clone();
        }
        let base = settings.cloned().unwrap_or_default();
        join_dir(&base, &project.trim_start_matches(':').replace(':', "/"))
    }

    /// Gradle module folder → the unit roots that reach it; `redirect` maps an
    /// application module absorbed by a cross-platform root to that root. Modules no
    /// application reaches map to no unit.
    pub(super) fn module_units(
        &self,
        redirect: &BTreeMap<String, String>,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let mut module_units: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for app in &self.apps {
            let unit = redirect.get(app).cloned().unwrap_or_else(|| app.clone());
            let mut stack = vec![app.clone()];
            let mut seen = BTreeSet::new();
            while let Some(module) = stack.pop() {
                if !seen.insert(module.clone()) {
                    continue;
                }
                module_units
                    .entry(module.clone())
                    .or_default()
                    .insert(unit.clone());
                for dep in self.project_deps.get(&module).into_iter().flatten() {
                    stack.push(self.resolve_project(&module, dep));
                }
            }
        }
        for module in &self.modules {
            module_units.entry(module.clone()).or_default();
        }
        module_units
    }
}
