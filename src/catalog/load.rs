//! Reading catalog YAML (embedded or from `--catalog DIR`) and checking it.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::{CapabilityDef, Catalog, CatalogFile, CategoryDef, SdkDef};

/// The catalog files compiled into the binary, in load order.
pub const EMBEDDED_FILES: &[(&str, &str)] = &[
    (
        "categories.yaml",
        include_str!("../../policies/catalog/categories.yaml"),
    ),
    (
        "capabilities.yaml",
        include_str!("../../policies/catalog/capabilities.yaml"),
    ),
    (
        "sdks-advertising.yaml",
        include_str!("../../policies/catalog/sdks-advertising.yaml"),
    ),
    (
        "sdks-attribution.yaml",
        include_str!("../../policies/catalog/sdks-attribution.yaml"),
    ),
    (
        "sdks-analytics.yaml",
        include_str!("../../policies/catalog/sdks-analytics.yaml"),
    ),
    (
        "sdks-engagement.yaml",
        include_str!("../../policies/catalog/sdks-engagement.yaml"),
    ),
    (
        "sdks-session-replay.yaml",
        include_str!("../../policies/catalog/sdks-session-replay.yaml"),
    ),
    (
        "sdks-audio-beacon.yaml",
        include_str!("../../policies/catalog/sdks-audio-beacon.yaml"),
    ),
    (
        "sdks-location-broker.yaml",
        include_str!("../../policies/catalog/sdks-location-broker.yaml"),
    ),
    (
        "sdks-other.yaml",
        include_str!("../../policies/catalog/sdks-other.yaml"),
    ),
    (
        "consent-gates.yaml",
        include_str!("../../policies/catalog/consent-gates.yaml"),
    ),
];

/// A catalog that cannot be used: exit code 2.
#[derive(Debug, Error, Diagnostic)]
pub enum CatalogError {
    #[error("cannot read catalog {path}: {reason}")]
    #[diagnostic(code(privlint::catalog::io))]
    Io { path: String, reason: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(Box<CatalogSyntaxError>),
    #[error("the catalog has {} problem(s)", problems.len())]
    #[diagnostic(code(privlint::catalog::invalid))]
    Invalid {
        #[related]
        problems: Vec<CatalogProblem>,
    },
}

/// A catalog file that is not valid YAML or does not follow the schema.
#[derive(Debug, Error, Diagnostic)]
#[error("catalog file {name} is not valid: {message}")]
#[diagnostic(code(privlint::catalog::syntax))]
pub struct CatalogSyntaxError {
    pub name: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("here")]
    pub span: Option<SourceSpan>,
}

/// One semantic problem in a catalog (unknown category, duplicate id, failing example…).
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(privlint::catalog::entry))]
pub struct CatalogProblem {
    pub message: String,
}

/// The embedded catalog's entries as parsed, kept for the process: `--version` and the
/// command both need the catalog, and its YAML is most of a one-file run's cost.
struct Parsed {
    version: String,
    categories: Vec<CategoryDef>,
    sdks: Vec<SdkDef>,
    capabilities: Vec<CapabilityDef>,
    consent_gates: Vec<super::ConsentGateDef>,
}

pub(super) fn load_embedded() -> Result<Catalog, CatalogError> {
    static PARSED: OnceLock<Option<Parsed>> = OnceLock::new();
    let files = || {
        EMBEDDED_FILES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect()
    };
    // The embedded files are part of the build and `check` passes on them (a unit test
    // says so), so they are not checked again on every run.
    match PARSED.get_or_init(|| parse(files()).ok()) {
        Some(p) => {
            let mut catalog = Catalog::build(
                p.version.clone(),
                p.categories.clone(),
                p.sdks.clone(),
                p.capabilities.clone(),
            );
            catalog.consent_gates = p.consent_gates.clone();
            Ok(catalog)
        }
        // Unreachable with a tested build; the full path gives the diagnostic.
        None => assemble(files()),
    }
}

pub(super) fn load_dir(dir: &Path) -> Result<Catalog, CatalogError> {
    let io = |e: &dyn std::fmt::Display| CatalogError::Io {
        path: dir.display().to_string(),
        reason: e.to_string(),
    };
    if !dir.is_dir() {
        return Err(io(&"not a directory"));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| io(&e))?;
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if entry.file_type().is_file() && is_yaml {
            let text = std::fs::read_to_string(path).map_err(|e| CatalogError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
            files.push((name, text));
        }
    }
    if files.is_empty() {
        return Err(io(&"no *.yaml catalog files in it"));
    }
    assemble(files)
}

fn assemble(files: Vec<(String, String)>) -> Result<Catalog, CatalogError> {
    let parsed = parse(files)?;
    let mut catalog = Catalog::build(
        parsed.version,
        parsed.categories,
        parsed.sdks,
        parsed.capabilities,
    );
    catalog.consent_gates = parsed.consent_gates;
    let problems = check(&catalog);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(CatalogError::Invalid { problems })
    }
}

fn parse(files: Vec<(String, String)>) -> Result<Parsed, CatalogError> {
    let mut version = None;
    let mut categories = Vec::new();
    let mut sdks = Vec::new();
    let mut capabilities = Vec::new();
    let mut consent_gates = Vec::new();
    for (name, text) in files {
        let file: CatalogFile = match crate::yaml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                let span = e.offset.map(|offset| SourceSpan::from((offset, 1)));
                return Err(CatalogError::Syntax(Box::new(CatalogSyntaxError {
                    message: e.to_string(),
                    src: NamedSource::new(&name, text),
                    name,
                    span,
                })));
            }
        };
        version = version.or(file.version);
        categories.extend(file.categories);
        sdks.extend(file.sdks);
        capabilities.extend(file.capabilities);
        consent_gates.extend(file.consent_gates);
    }
    Ok(Parsed {
        version: version.unwrap_or_else(|| "unversioned".into()),
        categories,
        sdks,
        capabilities,
        consent_gates,
    })
}

/// Every semantic check `privlint catalog check` runs: unique ids, known references,
/// well-formed identifiers and passing self-test examples.
pub(super) fn check(catalog: &Catalog) -> Vec<CatalogProblem> {
    let mut problems = Vec::new();
    let mut say = |message: String| problems.push(CatalogProblem { message });
    let mut seen = HashSet::new();
    for c in &catalog.categories {
        if !seen.insert(format!("category:{}", c.id)) {
            say(format!("category `{}` is defined twice", c.id));
        }
    }
    for c in &catalog.capabilities {
        if !seen.insert(format!("capability:{}", c.id)) {
            say(format!("capability `{}` is defined twice", c.id));
        }
    }
    let known_capability = |id: &str| catalog.capability(id).is_some();
    for sdk in &catalog.sdks {
        if !seen.insert(format!("sdk:{}", sdk.id)) {
            say(format!("SDK `{}` is defined twice", sdk.id));
        }
        if catalog.category(&sdk.category).is_none() {
            say(format!(
                "SDK `{}` has unknown category `{}`",
                sdk.id, sdk.category
            ));
        }
        let caps = sdk
            .collects
            .iter()
            .map(|c| &c.capability)
            .chain(sdk.tie_apis.iter().map(|t| &t.capability));
        for cap in caps {
            if !known_capability(cap) {
                say(format!(
                    "SDK `{}` refers to unknown capability `{cap}`",
                    sdk.id
                ));
            }
        }
        for p in &sdk.permissions {
            if catalog.permission(&p.permission).is_none() {
                say(format!(
                    "SDK `{}` lists permission `{}` that no capability defines",
                    sdk.id, p.permission
                ));
            }
        }
        for m in &sdk.identifiers.maven {
            if m.split(':').count() != 2 || m.contains(' ') {
                say(format!(
                    "SDK `{}`: maven identifier `{m}` is not `group:artifact`",
                    sdk.id
                ));
            }
        }
        for p in &sdk.identifiers.android_packages {
            let ok = p
                .trim_end_matches('.')
                .split('.')
                .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_alphanumeric() || c == '_'));
            if !ok || !p.contains('.') {
                say(format!(
                    "SDK `{}`: package prefix `{p}` is not a dotted Java name with two or more segments",
                    sdk.id
                ));
            }
        }
        for umbrella in &sdk.umbrellas {
            let optional = |module: &str| {
                catalog
                    .optional_edges()
                    .any(|edge| edge == (umbrella.npm.as_str(), module))
            };
            if umbrella.modules.is_empty() || umbrella.examples.matches.is_empty() {
                say(format!(
                    "SDK `{}`: umbrella `{}` needs `modules` and `examples.match`",
                    sdk.id, umbrella.npm
                ));
            }
            for ex in umbrella
                .examples
                .matches
                .iter()
                .filter(|m| !optional(m.as_str()))
            {
                say(format!(
                    "SDK `{}`: umbrella `{}` example `{ex}` is not one of its optional modules",
                    sdk.id, umbrella.npm
                ));
            }
            for ex in umbrella
                .examples
                .no_match
                .iter()
                .filter(|m| optional(m.as_str()))
            {
                say(format!(
                    "SDK `{}`: umbrella `{}` no_match example `{ex}` is an optional module",
                    sdk.id, umbrella.npm
                ));
            }
        }
        if sdk.examples.matches.is_empty() {
            say(format!("SDK `{}` has no `examples.match`", sdk.id));
        }
        for ex in &sdk.examples.matches {
            match catalog.lookup_example(ex) {
                Some(found) if found.id == sdk.id => {}
                Some(found) => say(format!(
                    "SDK `{}`: example `{ex}` resolves to `{}` instead",
                    sdk.id, found.id
                )),
                None => say(format!(
                    "SDK `{}`: example `{ex}` does not resolve (kinds: maven, package, pod, module, spm, carthage, npm, pub, crate, script, global)",
                    sdk.id
                )),
            }
        }
        for ex in &sdk.examples.no_match {
            if catalog.lookup_example(ex).is_some_and(|f| f.id == sdk.id) {
                say(format!(
                    "SDK `{}`: no_match example `{ex}` resolves to it",
                    sdk.id
                ));
            }
        }
    }
    super::consent::check(catalog, &mut say);
    problems
}

impl Catalog {
    /// Run the catalog checks again (for `privlint catalog check`).
    pub fn problems(&self) -> Vec<CatalogProblem> {
        check(self)
    }
}
