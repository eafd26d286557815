//! Build scripts: dependencies, catalog accessors, project dependencies and the
//! application plugin.

use std::collections::BTreeMap;

use crate::extract::FileInput;
use crate::extract::android::version_catalog::normalise_alias;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence};

use super::tokens::*;

// ---------------------------------------------------------------------------------------
// Configurations

pub(super) const BASE_CONFIGURATIONS: [&str; 11] = [
    "implementation",
    "api",
    "compileOnly",
    "runtimeOnly",
    "kapt",
    "ksp",
    "annotationProcessor",
    "compile",
    "provided",
    "apk",
    "compileOnlyApi",
];

/// Whether `name` is a dependency configuration: a base name, or a variant such as
/// `freeImplementation`, `freeDebugApi`, `kaptDebug`, `androidTestImplementation`.
pub(super) fn is_configuration(name: &str) -> bool {
    BASE_CONFIGURATIONS.iter().any(|base| {
        if name == *base {
            return true;
        }
        let mut capitalized = String::with_capacity(base.len());
        let mut chars = base.chars();
        if let Some(first) = chars.next() {
            capitalized.extend(first.to_uppercase());
            capitalized.push_str(chars.as_str());
        }
        let variant_prefix = name.len() > base.len()
            && name.ends_with(capitalized.as_str())
            && name.starts_with(|c: char| c.is_ascii_lowercase());
        // Processors take a variant suffix: `kaptDebug`, `kspFreeRelease`.
        let processor_suffix = matches!(*base, "kapt" | "ksp" | "annotationProcessor")
            && name.starts_with(base)
            && name[base.len()..].starts_with(|c: char| c.is_ascii_uppercase());
        variant_prefix || processor_suffix
    })
}

/// Test configurations compile tests only; nothing in them ships in the app.
pub(super) fn is_test_configuration(name: &str) -> bool {
    name.starts_with("test") || name.starts_with("androidTest") || name.contains("Test")
}

// ---------------------------------------------------------------------------------------
// Build scripts

pub fn extract_build(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    facts.marker(input.loc(1, 1), Marker::GradleModule);
    let tokens = tokenize(input.text);
    let mut application_marked = false;
    let mut i = 0;
    while i < tokens.len() {
        let after_dot = i > 0 && is_punct(&tokens, i - 1, '.');
        let mut next = i + 1;
        match &tokens[i].tok {
            Tok::Ident(name) if !after_dot && is_configuration(name) => {
                next = dependency_statement(input, &tokens, i + 1, name, &mut facts);
            }
            Tok::Str(name) if is_configuration(name) && is_punct(&tokens, i + 1, '(') => {
                next = dependency_statement(input, &tokens, i + 1, name, &mut facts);
            }
            Tok::Ident(name) if !after_dot && name == "add" && is_punct(&tokens, i + 1, '(') => {
                let close = matching(&tokens, i + 1);
                let args = split_commas(tokens.get(i + 2..close).unwrap_or_default());
                if let (Some(first), Some(rest)) = (args.first(), args.get(1..))
                    && let [config] = first
                    && let Tok::Str(config) = &config.tok
                    && is_configuration(config)
                {
                    for arg in rest {
                        dependency_notation(input, arg, config, &mut facts);
                    }
                    next = close + 1;
                }
            }
            Tok::Ident(name)
                if !after_dot && (name == "id" || name == "alias" || name == "apply") =>
            {
                if let Some((plugin, at)) = plugin_application(&tokens, i)
                    && !application_marked
                    && is_application_plugin(&plugin)
                {
                    application_marked = true;
                    facts.marker(input.at(at), Marker::AndroidApplication);
                }
            }
            _ => {}
        }
        i = next.max(i + 1);
    }
    facts
}

/// Read the arguments of a dependency declaration whose configuration token is just
/// before `from`; returns the index to continue scanning at.
pub(super) fn dependency_statement(
    input: &FileInput,
    tokens: &[Token],
    from: usize,
    config: &str,
    facts: &mut FileFacts,
) -> usize {
    let (args, mut next) = if is_punct(tokens, from, '(') {
        let close = matching(tokens, from);
        (tokens.get(from + 1..close).unwrap_or_default(), close + 1)
    } else if is_punct(tokens, from, '{')
        || is_punct(tokens, from, '=')
        || is_punct(tokens, from, '.')
    {
        // `implementation { … }` (configuration block) or a property: no dependency.
        return from;
    } else {
        let end = command_end(tokens, from);
        (tokens.get(from..end).unwrap_or_default(), end)
    };
    // `(…) { exclude … }` / `'…', { … }`: the closure configures, it declares nothing.
    if is_punct(tokens, next, '{') {
        next = matching(tokens, next) + 1;
    }
    if !is_test_configuration(config) {
        dependency_list(input, args, config, facts);
    }
    next
}

/// A comma-separated dependency argument list (or Groovy/KTS map notation).
pub(super) fn dependency_list(
    input: &FileInput,
    args: &[Token],
    config: &str,
    facts: &mut FileFacts,
) {
    if let Some(coordinate) = map_notation(args) {
        let at = args.first().map_or(0, |t| t.start);
        sdk_dependency(input, &coordinate, at, config, facts);
        return;
    }
    for arg in split_commas(args) {
        dependency_notation(input, arg, config, facts);
    }
}

/// `group: 'g', name: 'a', version: 'v'` or `group = "g", name = "a"`.
pub(super) fn map_notation(args: &[Token]) -> Option<String> {
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    for part in split_commas(args) {
        if let [key, sep, value] = part
            && let (Tok::Ident(key), Tok::Punct(':' | '='), Tok::Str(value)) =
                (&key.tok, &sep.tok, &value.tok)
        {
            fields.insert(key, value);
        }
    }
    let group = fields.get("group")?;
    let name = fields.get("name")?;
    Some(match fields.get("version") {
        Some(version) => format!("{group}:{name}:{version}"),
        None => format!("{group}:{name}"),
    })
}

/// One dependency argument: a coordinate string, `platform(…)`, `project(…)`,
/// `projects.x`, a list, or something unresolvable (`libs.x`, variables).
pub(super) fn dependency_notation(
    input: &FileInput,
    arg: &[Token],
    config: &str,
    facts: &mut FileFacts,
) {
    match arg {
        [] => {}
        [single] => {
            if let Tok::Str(coordinate) = &single.tok {
                sdk_dependency(input, coordinate, single.start, config, facts);
            }
        }
        [open, inner @ .., close]
            if matches!(open.tok, Tok::Punct('[' | '('))
                && matches!(close.tok, Tok::Punct(']' | ')')) =>
        {
            dependency_list(input, inner, config, facts);
        }
        [head, open, ..] if matches!(open.tok, Tok::Punct('(')) => {
            let close = matching(arg, 1);
            let inner = arg.get(2..close).unwrap_or_default();
            match &head.tok {
                Tok::Ident(f) if f == "project" => project_dependency(input, inner, head, facts),
                Tok::Ident(f)
                    if matches!(
                        f.as_str(),
                        "platform" | "enforcedPlatform" | "testFixtures" | "variantOf"
                    ) =>
                {
                    dependency_list(input, inner, config, facts);
                }
                _ => {}
            }
        }
        [head, dot, ..] if matches!(dot.tok, Tok::Punct('.')) => {
            if let Tok::Ident(root) = &head.tok {
                if root == "projects" {
                    typesafe_project(input, arg, facts);
                } else {
                    catalog_accessor(input, root, arg, facts);
                }
            }
        }
        _ => {}
    }
}

/// `libs.firebase.analytics`, `libs.bundles.x`, `libs.findLibrary("x").get()`,
/// `libs.findBundle("x")` → `Marker::VersionCatalogUse` (see the module doc).
pub(super) fn catalog_accessor(
    input: &FileInput,
    catalog: &str,
    arg: &[Token],
    facts: &mut FileFacts,
) {
    let mut segments: Vec<&str> = Vec::new();
    let mut i = 1;
    while is_punct(arg, i, '.') {
        let Some(segment) = ident(arg, i + 1) else {
            break;
        };
        if is_punct(arg, i + 2, '(') {
            // A call ends the accessor: `findLibrary("x")` / `findBundle("x")` name the
            // entry; `get()`, `asProvider()` only unwrap the provider.
            if segments.is_empty()
                && let Some(name) = string(arg, i + 3)
                && is_punct(arg, i + 4, ')')
                && !name.contains('$')
            {
                match segment {
                    "findLibrary" => segments.push(name),
                    "findBundle" => segments.extend(["bundles", name]),
                    _ => {}
                }
            }
            break;
        }
        segments.push(segment);
        i += 2;
    }
    if segments.is_empty() || matches!(segments.first(), Some(&("versions" | "plugins"))) {
        return;
    }
    let Some(head) = arg.first() else { return };
    facts.marker(
        input.at(head.start),
        Marker::VersionCatalogUse {
            catalog: catalog.to_string(),
            accessor: normalise_alias(&segments.join(".")),
        },
    );
}

pub(super) fn project_dependency(
    input: &FileInput,
    inner: &[Token],
    head: &Token,
    facts: &mut FileFacts,
) {
    let path = match inner {
        [single] => match &single.tok {
            Tok::Str(p) => Some(p.as_str()),
            _ => None,
        },
        _ => split_commas(inner).into_iter().find_map(|part| match part {
            [key, sep, value] => match (&key.tok, &sep.tok, &value.tok) {
                (Tok::Ident(k), Tok::Punct(':' | '='), Tok::Str(v)) if k == "path" => {
                    Some(v.as_str())
                }
                _ => None,
            },
            _ => None,
        }),
    };
    if let Some(path) = path {
        facts.marker(
            input.at(head.start),
            Marker::GradleProjectDependency {
                project: project_path(path),
            },
        );
    }
}

/// `projects.feature.someLib` → `:feature:some-lib`.
pub(super) fn typesafe_project(input: &FileInput, arg: &[Token], facts: &mut FileFacts) {
    let mut segments = Vec::new();
    let mut i = 1;
    while is_punct(arg, i, '.') {
        match ident(arg, i + 1) {
            Some(segment) => segments.push(kebab_case(segment)),
            None => break,
        }
        i += 2;
    }
    if segments.is_empty() {
        return;
    }
    let Some(head) = arg.first() else { return };
    facts.marker(
        input.at(head.start),
        Marker::GradleProjectDependency {
            project: format!(":{}", segments.join(":")),
        },
    );
}

pub(super) fn kebab_case(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() + 4);
    for (i, c) in segment.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `:a:b` from `:a:b`, `a:b` or `a`.
pub(super) fn project_path(path: &str) -> String {
    let path = path.trim();
    if path.starts_with(':') {
        path.to_string()
    } else {
        format!(":{path}")
    }
}

/// A `group:artifact[:version…]` string that maps to an SDK → evidence.
pub(super) fn sdk_dependency(
    input: &FileInput,
    coordinate: &str,
    at: usize,
    config: &str,
    facts: &mut FileFacts,
) {
    let coordinate = coordinate.trim();
    let mut parts = coordinate.split(':');
    let (Some(group), Some(artifact)) = (parts.next(), parts.next()) else {
        return;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if !plain(group) || !plain(artifact) {
        return;
    }
    let Some(sdk) = input.catalog.sdk_for_maven(&format!("{group}:{artifact}")) else {
        return;
    };
    facts.push(
        input.at(at),
        EvidenceKind::SdkPresence {
            sdk: sdk.id.clone(),
            via: Presence::Dependency,
        },
        format!("{coordinate} ({config})"),
    );
}

// ---------------------------------------------------------------------------------------
// Plugins

/// The plugin id (or alias accessor) applied by the `id`/`alias`/`apply` at `i`, with the
/// offset of the id; `None` when the statement is not a plugin application or says
/// `apply false`.
pub(super) fn plugin_application(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let keyword = ident(tokens, i)?;
    let (plugin, at, end) = match keyword {
        "id" => {
            if is_punct(tokens, i + 1, '(') {
                (
                    string(tokens, i + 2)?.to_string(),
                    tokens[i + 2].start,
                    i + 4,
                )
            } else {
                (
                    string(tokens, i + 1)?.to_string(),
                    tokens[i + 1].start,
                    i + 2,
                )
            }
        }
        "alias" => {
            if !is_punct(tokens, i + 1, '(') {
                return None;
            }
            let close = matching(tokens, i + 1);
            let accessor: String = tokens
                .get(i + 2..close)?
                .iter()
                .map(|t| match &t.tok {
                    Tok::Ident(s) => s.clone(),
                    Tok::Punct(c) => c.to_string(),
                    _ => String::new(),
                })
                .collect();
            (accessor, tokens.get(i + 2)?.start, close + 1)
        }
        "apply" => {
            // `apply plugin: 'x'` and `apply(plugin = "x")`.
            let from = if is_punct(tokens, i + 1, '(') {
                i + 2
            } else {
                i + 1
            };
            if ident(tokens, from)? != "plugin"
                || !(is_punct(tokens, from + 1, ':') || is_punct(tokens, from + 1, '='))
            {
                return None;
            }
            (
                string(tokens, from + 2)?.to_string(),
                tokens[from + 2].start,
                from + 3,
            )
        }
        _ => return None,
    };
    // `id("x") version "1.0" apply false`: declared for subprojects, not applied here.
    let mut j = end;
    while j < tokens.len() && (j == end || !tokens[j].newline_before) {
        if ident(tokens, j) == Some("apply") && ident(tokens, j + 1) == Some("false") {
            return None;
        }
        j += 1;
    }
    Some((plugin, at))
}

pub(super) fn is_application_plugin(plugin: &str) -> bool {
    plugin == "com.android.application"
        || plugin.contains("android.application")
        || plugin.contains("android-application")
}
