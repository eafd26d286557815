//! `--format github`: GitHub Actions workflow commands (`::error file=…::message`), which
//! the runner turns into annotations on the pull request's diff.
//!
//! GitHub shows at most 10 annotations of each type per step (and 50 per job), so the
//! first 10 errors, warnings and notices become annotations; the rest are summarised in
//! one `::notice::` and printed as plain log lines, so none is lost.

use std::io::{self, Write};
use std::path::Path;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::policy::PolicyOrigin;

/// GitHub's per-step limit for each annotation type.
pub const ANNOTATIONS_PER_TYPE: usize = 10;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let prefix = path_prefix(report.root);
    let mut shown = [0usize; 3];
    let mut rest: Vec<&Finding> = Vec::new();
    for f in report.findings {
        let slot = &mut shown[severity_slot(f.severity)];
        if *slot < ANNOTATIONS_PER_TYPE {
            *slot += 1;
            writeln!(out, "{}", annotation(f, &prefix))?;
        } else {
            rest.push(f);
        }
    }
    if !rest.is_empty() {
        writeln!(
            out,
            "::notice title=privlint::{}",
            escape_data(&format!(
                "{} more findings are not shown as annotations (GitHub shows {ANNOTATIONS_PER_TYPE} per type); they are listed in this step's log",
                rest.len()
            ))
        )?;
        for f in rest {
            writeln!(
                out,
                "{}: {} {} {}{}:{}:{}: {}",
                f.severity.as_str(),
                f.code,
                f.rule,
                prefix,
                f.at.path,
                f.at.line,
                f.at.column,
                f.message
            )?;
        }
    }
    if let PolicyOrigin::DefaultPreset(name) = report.policy {
        writeln!(
            out,
            "privlint: no privlint.yaml found: the `{name}` preset applies"
        )?;
    }
    super::human::write_summary(report, out)
}

fn severity_slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One workflow command. Our locations are points, so `col` is always given.
pub fn annotation(f: &Finding, prefix: &str) -> String {
    let mut properties = vec![format!(
        "file={}",
        escape_property(&format!("{prefix}{}", f.at.path))
    )];
    if f.at.line >= 1 {
        properties.push(format!("line={}", f.at.line));
        if f.at.column >= 1 {
            properties.push(format!("col={}", f.at.column));
        }
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.code, f.rule))
    ));
    let mut message = f.message.clone();
    for r in &f.related {
        message.push_str(&format!(
            "\n  {}{}:{}: {}",
            prefix_for(&r.at.path, prefix),
            r.at.path,
            r.at.line,
            r.message
        ));
    }
    message.push_str(&format!("\nSee `privlint explain {}`.", f.code));
    format!(
        "::{} {}::{}",
        command(f.severity),
        properties.join(","),
        escape_data(&message)
    )
}

/// Related locations outside the scan (an absolute `--policy` path) keep their path.
fn prefix_for<'a>(path: &str, prefix: &'a str) -> &'a str {
    if path.starts_with('/') { "" } else { prefix }
}

/// Annotations need paths relative to the workspace (the working directory), while
/// findings are relative to the scanned folder: prefix the folder when it is relative.
fn path_prefix(root: &Path) -> String {
    if root.is_absolute() {
        let current = std::env::current_dir().ok();
        let inside = current.as_deref().and_then(|c| root.strip_prefix(c).ok());
        return match inside {
            Some(rel) => folder_prefix(rel),
            None => format!(
                "{}/",
                root.to_string_lossy()
                    .replace('\\', "/")
                    .trim_end_matches('/')
            ),
        };
    }
    folder_prefix(root)
}

fn folder_prefix(rel: &Path) -> String {
    let text = rel.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./").trim_end_matches('/');
    if text.is_empty() || text == "." {
        String::new()
    } else {
        format!("{text}/")
    }
}

/// Message escaping of workflow commands.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property escaping: data escaping plus `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::finding::Related;
    use crate::model::Location;

    fn finding(code: &'static str, rule: &'static str, severity: Severity, line: u32) -> Finding {
        Finding {
            rule,
            code,
            severity,
            message: format!("message {line}"),
            sdk: None,
            capability: None,
            tie: None,
            at: Location::new("app/build.gradle", line, 5),
            source: None,
            related: Vec::new(),
            fingerprint: String::new(),
        }
    }

    fn render(findings: &[Finding], root: &str) -> String {
        let catalog = Catalog::embedded().unwrap();
        let origin = PolicyOrigin::File("privlint.yaml".into());
        let report = Report {
            findings,
            files_scanned: 1,
            skipped: &[],
            policy: &origin,
            root: Path::new(root),
            apps: 1,
            units: &[],
            catalog: &catalog,
            introduced: None,
            baseline_hidden: 0,
        };
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn annotation_carries_file_line_col_title_and_related_steps() {
        let mut f = finding("PL301", "capability-flows-to-sdk", Severity::Error, 12);
        f.message = "the location flows into AppsFlyer, 100%".into();
        f.related.push(Related {
            at: Location::new("privlint.yaml", 6, 3),
            message: "no SDK listed here may receive location".into(),
        });
        assert_eq!(
            annotation(&f, "mobile/"),
            "::error file=mobile/app/build.gradle,line=12,col=5,title=PL301 capability-flows-to-sdk::\
             the location flows into AppsFlyer, 100%25%0A  mobile/privlint.yaml:6: no SDK listed here may receive location\
             %0ASee `privlint explain PL301`."
        );
    }

    #[test]
    fn notes_become_notices_and_the_scan_folder_prefixes_paths() {
        let text = render(
            &[finding("PL502", "unused-exception", Severity::Note, 1)],
            "./mobile",
        );
        assert!(
            text.starts_with(
                "::notice file=mobile/app/build.gradle,line=1,col=5,title=PL502 unused-exception::"
            ),
            "{text}"
        );
    }

    #[test]
    fn beyond_ten_per_type_findings_are_summarised_and_listed() {
        let mut findings: Vec<Finding> = (1..=12)
            .map(|l| finding("PL101", "denied-sdk", Severity::Error, l))
            .collect();
        findings.push(finding("PL102", "unlisted-sdk", Severity::Warning, 20));
        let text = render(&findings, ".");
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error ")).count(),
            10
        );
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::warning ")).count(),
            1
        );
        assert!(
            text.contains("::notice title=privlint::2 more findings are not shown as annotations")
        );
        assert!(text.contains("\nerror: PL101 denied-sdk app/build.gradle:11:5: message 11\n"));
        assert!(text.contains("\nerror: PL101 denied-sdk app/build.gradle:12:5: message 12\n"));
        assert!(text.contains("privlint: 12 errors, 1 warning, 0 notes"));
    }
}
