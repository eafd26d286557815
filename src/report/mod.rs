//! Reporters: one per output format, each writing a [`Report`] to a `&mut dyn Write`.

pub mod changes;
pub mod concise;
pub mod cyclonedx;
pub mod github;
pub mod human;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod sarif;

use std::io::{self, Write};

use crate::catalog::Catalog;
use crate::finding::{Finding, Severity};
use crate::link::AppUnit;
use crate::policy::PolicyOrigin;
use crate::scan::Skipped;

/// What every reporter renders.
pub struct Report<'a> {
    /// Sorted findings.
    pub findings: &'a [Finding],
    pub files_scanned: usize,
    pub skipped: &'a [Skipped],
    pub policy: &'a PolicyOrigin,
    /// The scan root, to read file text for snippets.
    pub root: &'a std::path::Path,
    pub apps: usize,
    /// The linked app units: the SDK × capability tables and SARIF code flows.
    pub units: &'a [AppUnit],
    pub catalog: &'a Catalog,
    /// With `--changed-since`: the SDKs, capabilities and ties the change brings in.
    pub introduced: Option<&'a changes::Introduced>,
    /// Findings hidden because their fingerprints are in the `--baseline` file.
    pub baseline_hidden: usize,
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Concise,
    Sarif,
    Github,
    Markdown,
}

/// Render `report` in `format`. Formats written by other modules plug in here.
pub fn write(
    format: Format,
    report: &Report,
    style: human::Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, style, out),
        Format::Json => json::write(report, out),
        Format::Concise => concise::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}
