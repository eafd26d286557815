//! How a policy problem is told: every problem of every file in an `extends` chain is
//! gathered into one [`PolicyError`] (exit code 2), each a miette diagnostic labelled at the
//! offending key or value, with a "did you mean" where a known name is close.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use thiserror::Error;

use super::{PolicySpan, presets};

/// A policy that cannot be used (exit code 2). Holds every problem found, each with its
/// own label, help and position.
#[derive(Debug, Error, Diagnostic)]
#[error("policy {file} is not valid ({} problem{})", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(
    code(privlint::policy::invalid),
    help("docs/policy.md describes every key of the policy file")
)]
pub struct PolicyError {
    /// Display path of the policy file that was loaded (or `preset:NAME`).
    pub file: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[related]
    pub problems: Vec<PolicyProblem>,
}

/// One problem in a policy file, labelled at the offending key or value.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct PolicyProblem {
    /// Short kebab-case kind (`unknown-key`, `wrong-type`, `unknown-sdk` …); the diagnostic
    /// code is `privlint::policy::<kind>`.
    pub kind: &'static str,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// Where it is; `None` for problems without a position (an unreadable file).
    pub span: Option<PolicySpan>,
    src: Option<NamedSource<String>>,
}

impl Diagnostic for PolicyProblem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("privlint::policy::{}", self.kind)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(self.label.clone()),
            span.offset,
            span.len,
        ))))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
}

/// A problem before it is tied to its file.
#[derive(Debug, Clone)]
pub(super) struct Issue {
    kind: &'static str,
    message: String,
    label: String,
    help: Option<String>,
    span: Option<Span>,
}

impl Issue {
    pub(super) fn new(kind: &'static str, span: Option<Span>, message: impl Into<String>) -> Issue {
        Issue {
            kind,
            message: message.into(),
            label: "here".into(),
            help: None,
            span,
        }
    }

    pub(super) fn label(mut self, label: impl Into<String>) -> Issue {
        self.label = label.into();
        self
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> Issue {
        self.help = Some(help.into());
        self
    }

    pub(super) fn help_opt(mut self, help: Option<String>) -> Issue {
        self.help = help.or(self.help);
        self
    }
}

/// The file a set of issues belongs to.
pub(super) struct FileRef<'a> {
    pub(super) display: &'a str,
    pub(super) text: &'a str,
}

impl FileRef<'_> {
    pub(super) fn policy_span(&self, span: Span) -> PolicySpan {
        PolicySpan {
            file: self.display.to_string(),
            line: span.line,
            column: span.column,
            offset: span.offset,
            len: span.len,
        }
    }

    pub(super) fn problems(&self, mut issues: Vec<Issue>) -> Vec<PolicyProblem> {
        issues.sort_by_key(|i| i.span.map_or(0, |s| s.offset));
        let src = NamedSource::new(self.display, self.text.to_string()).with_language("yaml");
        issues
            .into_iter()
            .map(|i| PolicyProblem {
                kind: i.kind,
                message: i.message,
                label: i.label,
                help: i.help,
                span: i.span.map(|s| self.policy_span(s)),
                src: Some(src.clone()),
            })
            .collect()
    }
}

/// A position in the policy text: byte offset and length (for miette) and 1-based line
/// and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) offset: usize,
    pub(super) len: usize,
    pub(super) line: u32,
    pub(super) column: u32,
}

impl Span {
    pub(super) fn start() -> Span {
        Span {
            offset: 0,
            len: 0,
            line: 1,
            column: 1,
        }
    }

    pub(super) fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// Edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `input`: within edit distance 2, or one containing the other
/// (at least three characters long). Ties go to the earliest candidate.
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let needle = input.to_ascii_lowercase().replace('_', "-");
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let hay = candidate.to_ascii_lowercase().replace('_', "-");
        if hay == needle && candidate != input {
            return Some(candidate);
        }
        // Long inputs skip the quadratic distance (policy values are short).
        let distance = if needle.len() <= 64 {
            levenshtein(&needle, &hay)
        } else {
            usize::MAX
        };
        let close = distance <= 2 && distance < needle.chars().count();
        let contains =
            needle.len() >= 3 && hay.len() >= 3 && (hay.contains(&needle) || needle.contains(&hay));
        if close || contains {
            let score = if close { distance } else { 3 };
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

pub(super) fn suggest<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

pub(super) fn preset_list_help() -> String {
    let names: Vec<&str> = presets::PRESETS.iter().map(|(n, _)| *n).collect();
    format!(
        "the presets are {}; a file is written as a relative path like `policies/base.yaml`",
        names.join(", ")
    )
}
