//! One line per finding: `CODE path:line:col rule sdk=… capability=… tie=…`.
//! Used by the fixture tests and handy in terminals and scripts.

use std::io::{self, Write};

use super::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings {
        writeln!(
            out,
            "{} {}:{}:{} {} sdk={} capability={} tie={}",
            f.code,
            f.at.path,
            f.at.line,
            f.at.column,
            f.rule,
            f.sdk.as_deref().unwrap_or("-"),
            f.capability.as_deref().unwrap_or("-"),
            f.tie.map_or("-", |t| t.as_str()),
        )?;
    }
    Ok(())
}
