//! Settings scripts: included projects and their directories.

use std::collections::BTreeMap;

use crate::extract::FileInput;
use crate::model::{FileFacts, Marker};

use super::build::project_path;
use super::tokens::*;

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
pub(super) fn project_dir(value: &[Token]) -> Option<String> {
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
pub(super) fn join_relative(base: &str, relative: &str) -> Option<String> {
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
