//! `--format json`: the versioned contract documented in docs/json-output.md.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Report;
use crate::finding::Severity;

/// Bump on any incompatible change, with a note in docs/json-output.md.
pub const JSON_VERSION: u32 = 1;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "code": f.code,
                "severity": f.severity.as_str(),
                "message": f.message,
                "sdk": f.sdk,
                "capability": f.capability,
                "tie": f.tie.map(|t| t.as_str()),
                "path": f.at.path,
                "line": f.at.line,
                "column": f.at.column,
                "related": f.related.iter().map(|r| json!({
                    "path": r.at.path,
                    "line": r.at.line,
                    "column": r.at.column,
                    "message": r.message,
                })).collect::<Vec<_>>(),
                "fingerprint": f.fingerprint,
            })
        })
        .collect();
    let doc = json!({
        "version": JSON_VERSION,
        "tool": {"name": "privlint", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "summary": {
            "files_scanned": report.files_scanned,
            "files_skipped": report.skipped.len(),
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "notes": report.count(Severity::Note),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
