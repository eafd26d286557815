//! Reporters: one per output format, each writing a [`Report`] to a `&mut dyn Write`.

pub mod concise;
pub mod human;
pub mod inventory;
pub mod json;

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
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
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
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
pub fn write(format: Format, report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, color, out),
        Format::Json => json::write(report, out),
        Format::Concise => concise::write(report, out),
        Format::Sarif | Format::Github | Format::Markdown => {
            writeln!(out, "this output format is not available in this build")
        }
    }
}
