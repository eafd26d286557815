//! Gradle build and settings scripts (Groovy `build.gradle` and Kotlin `build.gradle.kts`),
//! read as tokens and never evaluated.
//!
//! The tokenizer skips `//` and `/* */` comments and understands `'…'`, `"…"`, `'''…'''`
//! and `"""…"""` literals; `$var` / `${…}` interpolation stays in the literal's text.
//! Only strings that *are* the data (coordinates, plugin ids, project paths) are read.
//!
//! `extract_build`:
//! - dependencies in every configuration (`implementation`, `api`, `compileOnly`,
//!   `runtimeOnly`, `kapt`, `ksp`, `annotationProcessor`, legacy `compile`/`provided`,
//!   and variant forms `freeImplementation`, `"freeImplementation"(…)`,
//!   `add("freeImplementation", …)`), in string notation `'g:a:v'`, Groovy map notation
//!   `group: 'g', name: 'a'`, KTS named arguments `group = "g", name = "a"`, inside
//!   `platform(…)` / `enforcedPlatform(…)` and lists; `{ exclude … }` closures are skipped.
//!   A coordinate that maps to a catalog SDK → `SdkPresence { via: Dependency }` at the
//!   string, detail `group:artifact[:version] (configuration)`. Test configurations
//!   (`testImplementation`, `androidTestImplementation`, `testFreeImplementation`, …) are
//!   recognised but ship nothing, so they produce no evidence and no markers.
//! - version catalog accessors in shipped configurations (`libs.foo.bar`,
//!   `libs.bundles.x`, `libs.findLibrary("x").get()`, `libs.findBundle("x")`, with
//!   `.get()` / `.asProvider()` suffixes) → `Marker::VersionCatalogUse { catalog,
//!   accessor }`, normalised like the catalog's aliases (`version_catalog::
//!   normalise_alias`). A per-file extractor cannot read the TOML: `version_catalog.rs`
//!   reports the SDK entries and the linker keeps those some build file uses. Any dotted
//!   name is recorded with its root as the catalog name (`deps.x` names catalog `deps`);
//!   the linker only compares it with catalogs that exist. `versions.*` and `plugins.*`
//!   are not libraries and are not recorded.
//! - `project(":x")`, `project(path: ":x")`, `project(path = ":x")` and typesafe
//!   `projects.feature.someLib` → `Marker::GradleProjectDependency`. Typesafe accessors
//!   are mapped back best effort: segments become path elements and camelCase becomes
//!   kebab-case (`projects.feature.someLib` → `:feature:some-lib`); Gradle's accessor
//!   for `:feature:someLib` is the same, so the linker should compare project names with
//!   `-`/`_` removed and case ignored.
//! - every build file → `Marker::GradleModule`; applying `com.android.application`
//!   (`plugins { id(…) }`, `id '…'`, `apply plugin: '…'`, `apply(plugin = "…")`, or an
//!   `alias(libs.plugins.…)` / convention plugin id containing `android.application` or
//!   `android-application`) → `Marker::AndroidApplication`. `… apply false` (root build
//!   files declaring plugin versions) applies nothing.
//!
//! `extract_settings`: `include ':a', ':b:c'` / `include(":a")` →
//! `Marker::GradleInclude`; `project(':x').projectDir = new File(settingsDir, 'p')` or
//! `= file("p")` gives its `dir`, joined with the settings file's directory so it is
//! relative to the scan root.

use std::collections::BTreeMap;

use crate::extract::FileInput;
use crate::extract::android::version_catalog::normalise_alias;
use crate::model::{EvidenceKind, FileFacts, Marker, Presence};

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's content as written (interpolation kept as text).
    Str(String),
    Punct(char),
    Number,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Byte offset of the token's first character.
    start: usize,
    /// A line break separates this token from the previous one.
    newline_before: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut newline_before = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            newline_before = true;
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
        } else if text[i..].starts_with("/*") {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2);
            newline_before |= text[i..end].contains('\n');
            i = end;
        } else if b == b'"' || b == b'\'' {
            let (value, end) = string_literal(text, i);
            tokens.push(Token {
                tok: Tok::Str(value),
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            let end = i + text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(text.len() - i);
            tokens.push(Token {
                tok: Tok::Ident(text[i..end].to_string()),
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else if b.is_ascii_digit() {
            let end = i + text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .unwrap_or(text.len() - i);
            tokens.push(Token {
                tok: Tok::Number,
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            tokens.push(Token {
                tok: Tok::Punct(c),
                start: i,
                newline_before,
            });
            newline_before = false;
            i += c.len_utf8();
        }
    }
    tokens
}

/// The content of the string literal starting at `start` (a quote) and the offset just
/// past it. Unterminated literals run to the end of the text.
fn string_literal(text: &str, start: usize) -> (String, usize) {
    let quote = text.as_bytes()[start];
    let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
    if text[start..].starts_with(triple) {
        let body = start + 3;
        let end = text[body..].find(triple).map_or(text.len(), |n| body + n);
        return (text[body..end].to_string(), (end + 3).min(text.len()));
    }
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                // Skip the escaped character whole (it may be multi-byte).
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            b'\n' => break,
            b if b == quote => return (text[start + 1..i].to_string(), i + 1),
            b'$' if quote == b'"' && bytes.get(i + 1) == Some(&b'{') => {
                i = skip_interpolation(text, i + 2);
            }
            _ => i += 1,
        }
    }
    let end = i.min(text.len());
    (text.get(start + 1..end).unwrap_or("").to_string(), end)
}

/// Offset just past the `}` closing an interpolation whose body starts at `i`.
fn skip_interpolation(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' | b'\'' => {
                let (_, end) = string_literal(text, i);
                i = end;
                continue;
            }
            b'\n' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

// ---------------------------------------------------------------------------------------
// Token helpers

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(name)) => Some(name),
        _ => None,
    }
}

fn string(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Str(value)) => Some(value),
        _ => None,
    }
}

fn is_punct(tokens: &[Token], i: usize, c: char) -> bool {
    matches!(tokens.get(i).map(|t| &t.tok), Some(Tok::Punct(p)) if *p == c)
}

/// Index of the bracket closing the one at `open`, or the end of the tokens.
fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
    }
    tokens.len()
}

/// Split a token range on top-level commas.
fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (i, token) in tokens.iter().enumerate() {
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(&tokens[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
    }
    parts.push(&tokens[from..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The end (exclusive) of a Groovy command-call argument list starting at `from`: it
/// runs to a line break not preceded by a comma, a `;`, a top-level `{` (a closure) or
/// an unbalanced closing bracket.
fn command_end(tokens: &[Token], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i < tokens.len() {
        let token = &tokens[i];
        if i > from && depth == 0 && token.newline_before && !is_punct(tokens, i - 1, ',') {
            return i;
        }
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' => depth += 1,
                '{' if depth == 0 => return i,
                '{' => depth += 1,
                ')' | ']' | '}' => {
                    if depth == 0 {
                        return i;
                    }
                    depth -= 1;
                }
                ';' if depth == 0 => return i,
                _ => {}
            }
        }
        i += 1;
    }
    tokens.len()
}

// ---------------------------------------------------------------------------------------
// Configurations

const BASE_CONFIGURATIONS: [&str; 11] = [
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
fn is_configuration(name: &str) -> bool {
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
fn is_test_configuration(name: &str) -> bool {
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
fn dependency_statement(
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
fn dependency_list(input: &FileInput, args: &[Token], config: &str, facts: &mut FileFacts) {
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
fn map_notation(args: &[Token]) -> Option<String> {
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
fn dependency_notation(input: &FileInput, arg: &[Token], config: &str, facts: &mut FileFacts) {
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
fn catalog_accessor(input: &FileInput, catalog: &str, arg: &[Token], facts: &mut FileFacts) {
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

fn project_dependency(input: &FileInput, inner: &[Token], head: &Token, facts: &mut FileFacts) {
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
fn typesafe_project(input: &FileInput, arg: &[Token], facts: &mut FileFacts) {
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

fn kebab_case(segment: &str) -> String {
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
fn project_path(path: &str) -> String {
    let path = path.trim();
    if path.starts_with(':') {
        path.to_string()
    } else {
        format!(":{path}")
    }
}

/// A `group:artifact[:version…]` string that maps to an SDK → evidence.
fn sdk_dependency(
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
fn plugin_application(tokens: &[Token], i: usize) -> Option<(String, usize)> {
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

fn is_application_plugin(plugin: &str) -> bool {
    plugin == "com.android.application"
        || plugin.contains("android.application")
        || plugin.contains("android-application")
}

// ---------------------------------------------------------------------------------------
// Settings scripts

pub fn extract_settings(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let tokens = tokenize(input.text);
    let settings_dir = input.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut includes: Vec<(String, usize)> = Vec::new();
    let mut dirs: BTreeMap<String, String> = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let after_dot = i > 0 && is_punct(&tokens, i - 1, '.');
        let mut next = i + 1;
        match ident(&tokens, i) {
            Some("include") if !after_dot => {
                let (args, end) = if is_punct(&tokens, i + 1, '(') {
                    let close = matching(&tokens, i + 1);
                    (tokens.get(i + 2..close).unwrap_or_default(), close + 1)
                } else {
                    let end = command_end(&tokens, i + 1);
                    (tokens.get(i + 1..end).unwrap_or_default(), end)
                };
                for arg in split_commas(args) {
                    if let [single] = arg
                        && let Tok::Str(path) = &single.tok
                    {
                        includes.push((project_path(path), single.start));
                    }
                }
                next = end;
            }
            Some("project") if !after_dot && is_punct(&tokens, i + 1, '(') => {
                let close = matching(&tokens, i + 1);
                if let (Some(project), true, Some("projectDir"), true) = (
                    string(&tokens, i + 2),
                    is_punct(&tokens, close + 1, '.'),
                    ident(&tokens, close + 2),
                    is_punct(&tokens, close + 3, '='),
                ) {
                    let end = command_end(&tokens, close + 4);
                    let value = tokens.get(close + 4..end).unwrap_or_default();
                    if let Some(dir) = project_dir(value)
                        .and_then(|relative| join_relative(settings_dir, &relative))
                    {
                        dirs.insert(project_path(project), dir);
                    }
                    next = end;
                }
            }
            _ => {}
        }
        i = next.max(i + 1);
    }
    for (project, at) in includes {
        let dir = dirs.get(&project).cloned();
        facts.marker(input.at(at), Marker::GradleInclude { project, dir });
    }
    facts
}

/// The directory a `projectDir = …` expression names, relative to the settings file:
/// `new File(settingsDir, 'p')`, `File(rootDir, "p")`, `file("p")`, `file("$rootDir/p")`.
fn project_dir(value: &[Token]) -> Option<String> {
    let last = value.iter().rev().find_map(|t| match &t.tok {
        Tok::Str(s) => Some(s.as_str()),
        _ => None,
    })?;
    let stripped = [
        "$rootDir/",
        "${rootDir}/",
        "$settingsDir/",
        "${settingsDir}/",
    ]
    .iter()
    .find_map(|prefix| last.strip_prefix(prefix))
    .unwrap_or(last);
    if stripped.contains('$') || stripped.starts_with('/') || stripped.contains(":\\") {
        return None;
    }
    Some(stripped.to_string())
}

/// `base/relative` normalised (`.` and `..` resolved); `None` if it leaves the scan root.
fn join_relative(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for segment in relative.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::MarkerAt;

    fn run(path: &str, text: &str, settings: bool) -> FileFacts {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        if settings {
            extract_settings(&input)
        } else {
            extract_build(&input)
        }
    }

    fn deps(facts: &FileFacts) -> Vec<(u32, String, String)> {
        facts
            .evidence
            .iter()
            .map(|e| {
                (
                    e.at.line,
                    e.kind.sdk().unwrap_or("-").to_string(),
                    e.detail.clone(),
                )
            })
            .collect()
    }

    fn markers(facts: &FileFacts) -> Vec<&Marker> {
        facts
            .markers
            .iter()
            .map(|MarkerAt { marker, .. }| marker)
            .collect()
    }

    #[test]
    fn groovy_dependency_notations() {
        let facts = run(
            "app/build.gradle",
            r#"
plugins {
    id 'com.android.application'
}
dependencies {
    implementation 'com.appsflyer:af-android-sdk:6.15.0'
    // implementation 'com.appsflyer:af-android-sdk:1.0'
    /* api 'com.appsflyer:af-android-sdk:2.0' */
    api group: 'com.appsflyer', name: 'af-android-sdk', version: "$afVersion"
    freeImplementation('com.appsflyer:af-android-sdk:6.1') {
        exclude group: 'com.appsflyer', module: 'af-android-sdk'
    }
    testImplementation 'com.appsflyer:af-android-sdk:6.15.0'
    androidTestImplementation("com.appsflyer:af-android-sdk:6.15.0")
    implementation platform('com.appsflyer:af-android-sdk:6.0'), 'androidx.core:core:1.0'
    implementation "com.appsflyer:af-android-sdk:${versions.af}"
    implementation libs.appsflyer
    def s = "implementation 'com.appsflyer:af-android-sdk:1'"
}
"#,
            false,
        );
        assert_eq!(
            deps(&facts),
            vec![
                (
                    6,
                    "appsflyer".into(),
                    "com.appsflyer:af-android-sdk:6.15.0 (implementation)".into()
                ),
                (
                    9,
                    "appsflyer".into(),
                    "com.appsflyer:af-android-sdk:$afVersion (api)".into()
                ),
                (
                    10,
                    "appsflyer".into(),
                    "com.appsflyer:af-android-sdk:6.1 (freeImplementation)".into()
                ),
                (
                    15,
                    "appsflyer".into(),
                    "com.appsflyer:af-android-sdk:6.0 (implementation)".into()
                ),
                (
                    16,
                    "appsflyer".into(),
                    "com.appsflyer:af-android-sdk:${versions.af} (implementation)".into()
                ),
            ]
        );
        assert_eq!(
            markers(&facts),
            vec![
                &Marker::GradleModule,
                &Marker::AndroidApplication,
                &Marker::VersionCatalogUse {
                    catalog: "libs".into(),
                    accessor: "appsflyer".into()
                },
            ]
        );
        assert_eq!(facts.markers[1].at.line, 3);
        assert_eq!(facts.markers[2].at.line, 17);
    }

    #[test]
    fn kts_dependency_notations_and_projects() {
        let facts = run(
            "app/build.gradle.kts",
            r#"plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
}
dependencies {
    implementation(project(":core"))
    implementation(project(path = ":analytics"))
    api(projects.feature.someLib)
    "freeImplementation"("com.appsflyer:af-android-sdk:6.15.0")
    add("paidImplementation", "com.appsflyer:af-android-sdk:6.15.0")
    implementation(group = "com.appsflyer", name = "af-android-sdk", version = "6")
    implementation(enforcedPlatform("com.appsflyer:af-android-sdk:6")) { because("bom") }
    testImplementation(project(":testing"))
    implementation(libs.findLibrary("appsflyer").get())
}
"#,
            false,
        );
        let lines: Vec<u32> = facts.evidence.iter().map(|e| e.at.line).collect();
        assert_eq!(lines, vec![9, 10, 11, 12]);
        assert_eq!(
            facts.evidence[0].detail,
            "com.appsflyer:af-android-sdk:6.15.0 (freeImplementation)"
        );
        assert_eq!(
            facts.evidence[1].detail,
            "com.appsflyer:af-android-sdk:6.15.0 (paidImplementation)"
        );
        assert_eq!(
            markers(&facts),
            vec![
                &Marker::GradleModule,
                &Marker::AndroidApplication,
                &Marker::GradleProjectDependency {
                    project: ":core".into()
                },
                &Marker::GradleProjectDependency {
                    project: ":analytics".into()
                },
                &Marker::GradleProjectDependency {
                    project: ":feature:some-lib".into()
                },
                &Marker::VersionCatalogUse {
                    catalog: "libs".into(),
                    accessor: "appsflyer".into()
                },
            ]
        );
    }

    fn catalog_uses(facts: &FileFacts) -> Vec<(u32, String, String)> {
        facts
            .markers
            .iter()
            .filter_map(|m| match &m.marker {
                Marker::VersionCatalogUse { catalog, accessor } => {
                    Some((m.at.line, catalog.clone(), accessor.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn version_catalog_accessors_in_shipped_configurations() {
        let facts = run(
            "app/build.gradle.kts",
            r#"plugins {
    alias(libs.plugins.android.application)
}
dependencies {
    implementation(libs.firebase.analytics)
    implementation(platform(libs.firebase.bom))
    "freeImplementation"(libs.bundles.measurement)
    add("paidApi", libs.findLibrary("app_flyer-Sdk").get())
    ksp(libs.findBundle("processors").get())
    implementation(libs.androidx.compose.asProvider()) { exclude(group = "x") }
    runtimeOnly(libs.versions.kotlin)
    compileOnly(deps.legacy.adjust)
    testImplementation(libs.junit)
    androidTestImplementation(libs.bundles.espresso)
    // implementation(libs.commented.out)
    implementation(libs.findLibrary("$name").get())
}
"#,
            false,
        );
        let libs = |line: u32, accessor: &str| (line, "libs".to_string(), accessor.to_string());
        assert_eq!(
            catalog_uses(&facts),
            vec![
                libs(5, "firebase.analytics"),
                libs(6, "firebase.bom"),
                libs(7, "bundles.measurement"),
                libs(8, "app.flyer.sdk"),
                libs(9, "bundles.processors"),
                libs(10, "androidx.compose"),
                (12, "deps".into(), "legacy.adjust".into()),
            ]
        );
        let groovy = run(
            "app/build.gradle",
            "dependencies {\n    implementation libs.firebase.analytics, libs.bundles.ads\n    \
             kapt libs.findLibrary('room-compiler').get()\n}\n",
            false,
        );
        assert_eq!(
            catalog_uses(&groovy),
            vec![
                libs(2, "firebase.analytics"),
                libs(2, "bundles.ads"),
                libs(3, "room.compiler"),
            ]
        );
    }

    #[test]
    fn library_and_apply_false_are_not_applications() {
        let root = run(
            "build.gradle.kts",
            r#"plugins {
    id("com.android.application") version "8.5.0" apply false
    alias(libs.plugins.android.application) apply false
}
"#,
            false,
        );
        assert_eq!(markers(&root), vec![&Marker::GradleModule]);
        let library = run(
            "core/build.gradle",
            "apply plugin: 'com.android.library'\n",
            false,
        );
        assert_eq!(markers(&library), vec![&Marker::GradleModule]);
        let legacy_app = run(
            "app/build.gradle",
            "apply plugin: 'com.android.application'\n",
            false,
        );
        assert_eq!(
            markers(&legacy_app),
            vec![&Marker::GradleModule, &Marker::AndroidApplication]
        );
    }

    #[test]
    fn configuration_names() {
        for name in [
            "implementation",
            "freeImplementation",
            "freeDebugApi",
            "kaptDebug",
            "ksp",
            "annotationProcessor",
            "androidTestImplementation",
            "compileOnly",
        ] {
            assert!(is_configuration(name), "{name}");
        }
        for name in [
            "implementations",
            "Implementation",
            "classpath",
            "id",
            "apiKey",
        ] {
            assert!(!is_configuration(name), "{name}");
        }
        assert!(is_test_configuration("testFreeImplementation"));
        assert!(is_test_configuration("androidTestApi"));
        assert!(!is_test_configuration("freeImplementation"));
    }

    #[test]
    fn settings_includes_and_project_dirs() {
        let groovy = run(
            "android/settings.gradle",
            r#"rootProject.name = 'acme'
include ':app', ':libs:core'
include ':analytics'
// include ':ignored'
project(':analytics').projectDir = new File(settingsDir, '../shared/analytics')
"#,
            true,
        );
        let got: Vec<(u32, &Marker)> = groovy
            .markers
            .iter()
            .map(|m| (m.at.line, &m.marker))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    2,
                    &Marker::GradleInclude {
                        project: ":app".into(),
                        dir: None
                    }
                ),
                (
                    2,
                    &Marker::GradleInclude {
                        project: ":libs:core".into(),
                        dir: None
                    }
                ),
                (
                    3,
                    &Marker::GradleInclude {
                        project: ":analytics".into(),
                        dir: Some("shared/analytics".into())
                    }
                ),
            ]
        );
        let kts = run(
            "settings.gradle.kts",
            "include(\":app\", \"core\")\nproject(\":core\").projectDir = file(\"modules/core\")\n",
            true,
        );
        assert_eq!(
            markers(&kts),
            vec![
                &Marker::GradleInclude {
                    project: ":app".into(),
                    dir: None
                },
                &Marker::GradleInclude {
                    project: ":core".into(),
                    dir: Some("modules/core".into())
                },
            ]
        );
    }

    #[test]
    fn tokenizer_survives_garbage() {
        for text in [
            "'unterminated",
            "\"${",
            "/* open",
            "implementation(",
            "\"\"\"",
            "é'x",
        ] {
            let facts = run("build.gradle", text, false);
            assert!(facts.evidence.is_empty());
        }
        // Every prefix of a tricky script: escapes before multi-byte characters,
        // nested interpolation, unbalanced brackets. None may panic.
        let tricky = "dependencies {\n  implementation \"a:b:${v[\"x\"]}\\é\" // ü\n  \
                      api('com.appsflyer:af-android-sdk:1') { exclude group: 'ä' }\n  \
                      add(\"freeApi\", project(path: ':x'))\n}\ninclude ':é'\n";
        let catalog = Catalog::embedded().expect("catalog");
        for (end, _) in tricky.char_indices() {
            let text = &tricky[..end];
            let input = FileInput::new("build.gradle", text.as_bytes(), text, &catalog);
            extract_build(&input);
            extract_settings(&input);
        }
        let full = run("build.gradle", tricky, false);
        assert_eq!(full.evidence.len(), 1, "{:?}", full.evidence);
    }
}
