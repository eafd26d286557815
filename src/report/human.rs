//! Human output through miette: snippets with colour on a terminal, the same snippets
//! without colour in logs and pipes, narrated plain text for screen readers.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource,
    NarratableReportHandler, SourceCode,
};

use super::Report;
use crate::finding::{Finding, Severity};
use crate::policy::PolicyOrigin;
use crate::position::LineIndex;
use crate::rules;

/// How findings are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Graphical, with colour (a terminal).
    Colored,
    /// Graphical with Unicode box drawing and no colour (CI logs, pipes, pre-commit).
    Plain,
    /// miette's narratable text, for screen readers (`--narrate`, `TERM=dumb`).
    Narrated,
}

pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    if let PolicyOrigin::DefaultPreset(name) = report.policy {
        writeln!(
            out,
            "note: no privlint.yaml found: using the `{name}` preset (run `privlint init` to write one)\n"
        )?;
    }
    let mut sources: HashMap<String, Option<Source>> = HashMap::new();
    for finding in report.findings {
        let source = sources
            .entry(finding.at.path.clone())
            .or_insert_with(|| read_text(report.root, &finding.at.path).map(Source::new));
        let diagnostic = FindingDiagnostic::new(finding, source.as_ref());
        let mut rendered = String::new();
        let result = match style {
            Style::Colored => GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
                .with_width(110)
                .render_report(&mut rendered, &diagnostic),
            Style::Plain => GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_width(110)
                .render_report(&mut rendered, &diagnostic),
            Style::Narrated => {
                NarratableReportHandler::new().render_report(&mut rendered, &diagnostic)
            }
        };
        if result.is_err() {
            rendered = format!(
                "{} {}:{}:{}: {}\n",
                finding.code, finding.at.path, finding.at.line, finding.at.column, finding.message
            );
        }
        writeln!(out, "{}", rendered.trim_end())?;
        writeln!(out)?;
    }
    if let Some(introduced) = report.introduced {
        super::changes::write_text(introduced, out)?;
    }
    write_summary(report, out)
}

/// The closing line: counts, apps, files, and what was skipped (never silently).
pub fn write_summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let hidden = if report.baseline_hidden == 0 {
        String::new()
    } else {
        format!(", {} hidden by the baseline", report.baseline_hidden)
    };
    writeln!(
        out,
        "privlint: {}, {}, {} in {} ({} scanned, {} skipped){hidden}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Note), "note"),
        plural(report.apps, "app"),
        plural(report.files_scanned, "file"),
        report.skipped.len(),
    )?;
    for s in report.skipped.iter().take(20) {
        writeln!(out, "  skipped {}: {}", s.path, s.reason)?;
    }
    if report.skipped.len() > 20 {
        writeln!(
            out,
            "  … and {} more skipped files",
            report.skipped.len() - 20
        )?;
    }
    Ok(())
}

fn read_text(root: &std::path::Path, path: &str) -> Option<String> {
    let full = root.join(path);
    let meta = std::fs::metadata(&full).ok()?;
    if meta.len() > 8 * 1024 * 1024 {
        return None;
    }
    let bytes = std::fs::read(full).ok()?;
    let text = String::from_utf8_lossy(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes))
        .into_owned();
    (!text.contains('\0')).then_some(text)
}

/// The longest source line shown in a snippet. Longer lines are unreadable in a terminal,
/// and miette's graphical handler panics on a label far into a very long line.
const MAX_SNIPPET_LINE_BYTES: usize = 1_000;

/// A file shown in snippets, with its line index (read once however many findings).
struct Source {
    text: String,
    lines: LineIndex,
}

impl Source {
    fn new(text: String) -> Self {
        let lines = LineIndex::new(&text);
        Source { text, lines }
    }

    /// Byte offset of a 1-based line and column (characters), and the length of the
    /// token there; `None` for a line too long to show (minified or generated files),
    /// whose finding then prints its position instead of a snippet.
    fn span(&self, line: u32, column: u32) -> Option<(usize, usize)> {
        // Line 0 never comes from an extractor; it stands for the first line.
        let line = line.max(1);
        let range = self.lines.line_range(line)?;
        if range.len() > MAX_SNIPPET_LINE_BYTES {
            return None;
        }
        let offset = self.lines.offset(line, column)?;
        Some((offset, token_len(&self.text, offset)))
    }
}

/// Length of the token at `offset`, for a readable underline.
fn token_len(text: &str, offset: usize) -> usize {
    text[offset..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '@' | '$')))
        .map_or(text.len() - offset, |(i, _)| i)
        .max(1)
}

struct FindingDiagnostic {
    message: String,
    code: String,
    severity: miette::Severity,
    help: String,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
}

impl FindingDiagnostic {
    fn new(finding: &Finding, source: Option<&Source>) -> FindingDiagnostic {
        let rule = rules::lookup(finding.code);
        let mut notes = Vec::new();
        let mut labels = Vec::new();
        if let Some(span) = source.and_then(|s| s.span(finding.at.line, finding.at.column)) {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(finding.rule.to_string()),
                span,
            ));
        }
        for related in &finding.related {
            let same_file = related.at.path == finding.at.path;
            let offset = source
                .filter(|_| same_file)
                .and_then(|s| s.span(related.at.line, related.at.column));
            match offset {
                Some(span) => labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    span,
                )),
                None => notes.push(format!(
                    "{}:{}:{}: {}",
                    related.at.path, related.at.line, related.at.column, related.message
                )),
            }
        }
        let mut help = String::new();
        if labels.is_empty() {
            help.push_str(&format!(
                "at {}:{}:{}\n",
                finding.at.path, finding.at.line, finding.at.column
            ));
        }
        for n in notes {
            help.push_str(&n);
            help.push('\n');
        }
        if let Some(rule) = rule {
            help.push_str(&format!(
                "{} — see `privlint explain {}`",
                rule.summary, rule.code
            ));
        }
        FindingDiagnostic {
            message: finding.message.clone(),
            code: format!("{}({})", finding.code, finding.rule),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            help,
            source: source.map(|s| NamedSource::new(finding.at.path.clone(), s.text.clone())),
            labels,
        }
    }
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.labels.is_empty() {
            return None;
        }
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}
