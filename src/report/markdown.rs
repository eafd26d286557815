//! `--format markdown`: a GitHub job summary or pull-request comment — the policy in
//! force, what a `--changed-since` change introduces, the findings table with counts,
//! and per app an SDK × capability table. `privlint inventory --format markdown` shares
//! the per-app table ([`write_inventory`]).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::Report;
use super::changes::{Introduced, SHOWN_PER_KIND};
use crate::catalog::Catalog;
use crate::finding::{Finding, Severity};
use crate::link::AppUnit;
use crate::policy::PolicyOrigin;

/// Rows of the findings table; past this the rest are counted (PR comments are
/// limited to 65,536 characters, job summaries to 1 MiB).
pub const MAX_FINDING_ROWS: usize = 100;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let notes = report.count(Severity::Note);
    let verdict = if report.findings.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(notes, "note")
        )
    };
    writeln!(out, "## privlint: {verdict}\n")?;
    let policy = match report.policy {
        PolicyOrigin::File(path) => format!("Policy: `{}`", code(path)),
        PolicyOrigin::DefaultPreset(name) => {
            format!(
                "Policy: no `privlint.yaml` found, the `{}` preset applies",
                code(name)
            )
        }
    };
    let mut counts = String::new();
    if !report.skipped.is_empty() {
        counts.push_str(&format!(", {} skipped", report.skipped.len()));
    }
    if report.baseline_hidden > 0 {
        counts.push_str(&format!(
            ", {} hidden by the baseline",
            report.baseline_hidden
        ));
    }
    writeln!(
        out,
        "{policy} · {} · {} scanned{counts}\n",
        plural(report.apps, "app"),
        plural(report.files_scanned, "file"),
    )?;

    if let Some(introduced) = report.introduced {
        writeln!(
            out,
            "### What the changes since `{}` introduce\n",
            code(&introduced.reference)
        )?;
        if introduced.is_empty() {
            writeln!(
                out,
                "The change brings no SDK, capability or tie the apps did not have.\n"
            )?;
        } else {
            write_introduced(introduced, report, out)?;
        }
    }

    if !report.findings.is_empty() {
        writeln!(out, "### Findings\n")?;
        writeln!(out, "| Severity | Rule | Location | Message |")?;
        writeln!(out, "|---|---|---|---|")?;
        for f in report.findings.iter().take(MAX_FINDING_ROWS) {
            writeln!(
                out,
                "| {} | `{}` {} | `{}:{}:{}` | {} |",
                f.severity.as_str(),
                f.code,
                f.rule,
                code(&f.at.path),
                f.at.line,
                f.at.column,
                cell(&f.message)
            )?;
        }
        if report.findings.len() > MAX_FINDING_ROWS {
            writeln!(
                out,
                "\n… and {} more findings (see the annotations or the SARIF report).",
                report.findings.len() - MAX_FINDING_ROWS
            )?;
        }
        writeln!(out, "\n{}\n", rule_counts(report))?;
    }

    if !report.units.is_empty() {
        writeln!(out, "### SDKs and capabilities per app\n")?;
        for unit in report.units {
            write_unit_table(unit, report.catalog, out)?;
        }
    }
    Ok(())
}

/// The privacy diff: one row per SDK, capability and tie the change brings in, with its
/// evidence and what the policy says about it (the findings on the same SDK/capability
/// in that app, or that it passes).
fn write_introduced(
    introduced: &Introduced,
    report: &Report,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "| New | What | Evidence | Policy |")?;
    writeln!(out, "|---|---|---|---|")?;
    let evidence = |at: &crate::model::Location, detail: &str| {
        let place = format!("`{}:{}`", code(&at.path), at.line);
        if detail.is_empty() {
            place
        } else {
            format!("{place} {}", cell(detail))
        }
    };
    let in_app = |app: &str| {
        if app == "." {
            String::new()
        } else {
            format!(" in `{}`", code(app))
        }
    };
    let mut rows = Vec::new();
    capped_rows(&mut rows, &introduced.sdks, "SDKs", |s| {
        let category = report.catalog.sdk(&s.sdk).map_or(String::new(), |d| {
            format!(" ({})", cell(d.category.as_str()))
        });
        format!(
            "| SDK | `{}`{category}{} | {} | {} |",
            code(&s.sdk),
            in_app(&s.app),
            evidence(&s.at, &s.detail),
            verdict(report.findings, &s.app, Some(&s.sdk), None)
        )
    });
    capped_rows(&mut rows, &introduced.capabilities, "capabilities", |c| {
        format!(
            "| capability | `{}` {}{} | {} | {} |",
            code(&c.capability),
            c.how,
            in_app(&c.app),
            evidence(&c.at, &c.detail),
            verdict(report.findings, &c.app, None, Some(&c.capability))
        )
    });
    capped_rows(&mut rows, &introduced.ties, "ties", |t| {
        format!(
            "| tie | `{}` → `{}` ({}){} | {} | {} |",
            code(&t.sdk),
            code(&t.capability),
            t.kind,
            in_app(&t.app),
            evidence(&t.at, &t.detail),
            verdict(report.findings, &t.app, Some(&t.sdk), Some(&t.capability))
        )
    });
    for row in rows {
        writeln!(out, "{row}")?;
    }
    writeln!(out)
}

fn capped_rows<T>(rows: &mut Vec<String>, items: &[T], noun: &str, row: impl Fn(&T) -> String) {
    rows.extend(items.iter().take(SHOWN_PER_KIND).map(row));
    if items.len() > SHOWN_PER_KIND {
        rows.push(format!(
            "| … | and {} more {noun} | | |",
            items.len() - SHOWN_PER_KIND
        ));
    }
}

/// The findings about exactly this SDK and/or capability in `app`, or "passes".
fn verdict(findings: &[Finding], app: &str, sdk: Option<&str>, capability: Option<&str>) -> String {
    let in_app = |path: &str| {
        app == "." || path == app || path.strip_prefix(app).is_some_and(|r| r.starts_with('/'))
    };
    let mut seen = BTreeSet::new();
    let verdicts: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.sdk.as_deref() == sdk && f.capability.as_deref() == capability && in_app(&f.at.path)
        })
        .filter(|f| seen.insert(f.code))
        .map(|f| format!("**{}** `{}` {}", f.severity.as_str(), f.code, f.rule))
        .collect();
    if verdicts.is_empty() {
        "passes".to_string()
    } else {
        verdicts.join("; ")
    }
}

/// `privlint inventory --format markdown`: the per-app tables and where each fact is.
pub fn write_inventory(
    units: &[AppUnit],
    catalog: &Catalog,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "# privlint inventory\n")?;
    if units.is_empty() {
        return writeln!(out, "No app found.");
    }
    for unit in units {
        write_unit_table(unit, catalog, out)?;
        let mut evidence = Vec::new();
        for (id, list) in &unit.sdks {
            if let Some(e) = unit.sdk_anchor(id).or(list.first()) {
                evidence.push(format!(
                    "SDK `{}`: `{}:{}` ({})",
                    code(id),
                    code(&e.at.path),
                    e.at.line,
                    cell(&e.detail)
                ));
            }
        }
        for (id, c) in unit.capabilities.iter().filter(|(_, c)| c.granted()) {
            for (how, list) in [("declared", &c.declared), ("used", &c.used)] {
                if let Some(e) = list.first() {
                    evidence.push(format!(
                        "capability `{}` {how}: `{}:{}` ({})",
                        code(id),
                        code(&e.at.path),
                        e.at.line,
                        cell(&e.detail)
                    ));
                }
            }
        }
        for t in &unit.ties {
            evidence.push(format!(
                "tie `{}` → `{}` ({}): `{}:{}`",
                code(&t.sdk),
                code(&t.capability),
                t.kind.as_str(),
                code(&t.at.path),
                t.at.line
            ));
        }
        if !evidence.is_empty() {
            writeln!(out, "<details><summary>Evidence</summary>\n")?;
            for line in evidence {
                writeln!(out, "- {line}")?;
            }
            writeln!(out, "\n</details>\n")?;
        }
    }
    Ok(())
}

/// One app: a row for the app itself (what it declares and uses), then one row per SDK
/// with the kinds of its ties to each capability.
pub fn write_unit_table(unit: &AppUnit, catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let platforms: Vec<&str> = unit.platforms.iter().map(|p| p.as_str()).collect();
    writeln!(
        out,
        "#### App `{}` ({})\n",
        code(&unit.root),
        platforms.join(", ")
    )?;
    let mut capabilities: BTreeSet<&str> = unit
        .capabilities
        .iter()
        .filter(|(_, c)| c.granted())
        .map(|(id, _)| id.as_str())
        .collect();
    capabilities.extend(unit.ties.iter().map(|t| t.capability.as_str()));
    if unit.sdks.is_empty() {
        let list: Vec<String> = capabilities
            .iter()
            .map(|c| format!("`{}`", code(c)))
            .collect();
        let caps = if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        };
        return writeln!(out, "No catalog SDK. Capabilities: {caps}.\n");
    }
    if capabilities.is_empty() {
        let list: Vec<String> = unit.sdks.keys().map(|s| format!("`{}`", code(s))).collect();
        return writeln!(out, "No sensitive capability. SDKs: {}.\n", list.join(", "));
    }
    let mut kinds: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for t in &unit.ties {
        kinds
            .entry((t.sdk.as_str(), t.capability.as_str()))
            .or_default()
            .insert(t.kind.as_str());
    }
    let header: Vec<String> = capabilities
        .iter()
        .map(|c| format!("`{}`", code(c)))
        .collect();
    writeln!(out, "| SDK | category | {} |", header.join(" | "))?;
    writeln!(out, "|---|---|{}", "---|".repeat(capabilities.len()))?;
    let app_cells: Vec<String> = capabilities
        .iter()
        .map(|c| {
            let Some(facts) = unit.capability(c).filter(|f| f.granted()) else {
                return "—".to_string();
            };
            let mut parts = Vec::new();
            if !facts.declared.is_empty() {
                parts.push("declared");
            }
            if !facts.used.is_empty() {
                parts.push("used");
            }
            let levels = catalog.capability(c).is_some_and(|d| d.levels);
            if levels && facts.precise {
                parts.push("precise");
            }
            if facts.background {
                parts.push("background");
            }
            parts.join(", ")
        })
        .collect();
    writeln!(out, "| *the app* | | {} |", app_cells.join(" | "))?;
    for sdk in unit.sdks.keys() {
        let category = catalog.sdk(sdk).map_or("?", |s| s.category.as_str());
        let cells: Vec<String> = capabilities
            .iter()
            .map(|c| match kinds.get(&(sdk.as_str(), *c)) {
                Some(k) => format!(
                    "**tied**: {}",
                    k.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                None => "—".to_string(),
            })
            .collect();
        writeln!(
            out,
            "| `{}` | {} | {} |",
            code(sdk),
            cell(category),
            cells.join(" | ")
        )?;
    }
    writeln!(out)
}

/// `**3** PL301 · **1** PL102`: findings per rule, most first.
fn rule_counts(report: &Report) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in report.findings {
        *counts.entry(f.code).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = counts.iter().map(|(c, n)| format!("**{n}** {c}")).collect();
    format!("By rule: {}", parts.join(" · "))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Text inside a table cell or list item: one line, no column breaks, no raw HTML.
fn cell(text: &str) -> String {
    text.replace('\r', "")
        .replace('\n', " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text inside a backtick code span: backticks would end it, pipes would split a cell.
fn code(text: &str) -> String {
    text.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, TieKind};
    use crate::link::{CapabilityFacts, Tie};
    use crate::model::{Evidence, EvidenceKind, Level, Location, Platform, Presence};
    use crate::report::changes::{Introduced, IntroducedSdk};

    fn unit() -> AppUnit {
        let mut unit = AppUnit {
            root: "app".into(),
            ..AppUnit::default()
        };
        unit.platforms.insert(Platform::Android);
        for sdk in ["appsflyer", "braze"] {
            unit.sdks.insert(
                sdk.into(),
                vec![Evidence {
                    at: Location::new("app/build.gradle", 18, 5),
                    kind: EvidenceKind::SdkPresence {
                        sdk: sdk.into(),
                        via: Presence::Dependency,
                    },
                    detail: format!("{sdk}:sdk:1.0"),
                    resolution: None,
                }],
            );
        }
        unit.capabilities.insert(
            "location".into(),
            CapabilityFacts {
                declared: vec![Evidence {
                    at: Location::new("app/AndroidManifest.xml", 4, 5),
                    kind: EvidenceKind::CapabilityDeclared {
                        capability: "location".into(),
                        level: Level::precise(),
                        removed: false,
                        key: "ACCESS_FINE_LOCATION".into(),
                    },
                    detail: "ACCESS_FINE_LOCATION".into(),
                    resolution: None,
                }],
                precise: true,
                ..CapabilityFacts::default()
            },
        );
        unit.ties.push(Tie {
            sdk: "appsflyer".into(),
            capability: "location".into(),
            kind: TieKind::Flow,
            at: Location::new("app/Reporter.kt", 12, 44),
            source: None,
            chain: Vec::new(),
            detail: "logLocation".into(),
        });
        unit
    }

    fn finding(message: &str) -> Finding {
        Finding {
            rule: "capability-flows-to-sdk",
            code: "PL301",
            severity: Severity::Error,
            message: message.into(),
            sdk: Some("appsflyer".into()),
            capability: Some("location".into()),
            tie: Some(TieKind::Flow),
            at: Location::new("app/Reporter.kt", 12, 44),
            source: None,
            related: Vec::new(),
            fingerprint: String::new(),
        }
    }

    #[test]
    fn unit_table_has_app_row_and_tie_kinds() {
        let catalog = Catalog::embedded().unwrap();
        let mut out = Vec::new();
        write_unit_table(&unit(), &catalog, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "#### App `app` (android)\n\n\
             | SDK | category | `location` |\n\
             |---|---|---|\n\
             | *the app* | | declared, precise |\n\
             | `appsflyer` | attribution | **tied**: flow |\n\
             | `braze` | engagement | — |\n\n"
        );
    }

    #[test]
    fn summary_has_policy_changes_findings_and_counts() {
        let catalog = Catalog::embedded().unwrap();
        let units = [unit()];
        let findings = [finding("flows | into <SDK>\nnext")];
        let origin = PolicyOrigin::DefaultPreset("recommended".into());
        let introduced = Introduced {
            reference: "origin/main".into(),
            sdks: vec![IntroducedSdk {
                app: "app".into(),
                sdk: "appsflyer".into(),
                at: Location::new("app/build.gradle", 18, 5),
                detail: "com.appsflyer:af-android-sdk:6.14.0".into(),
            }],
            ..Introduced::default()
        };
        let report = Report {
            findings: &findings,
            files_scanned: 4,
            skipped: &[],
            policy: &origin,
            root: std::path::Path::new("."),
            apps: 1,
            units: &units,
            catalog: &catalog,
            introduced: Some(&introduced),
            baseline_hidden: 0,
        };
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("## privlint: 1 error, 0 warnings, 0 notes\n\n"),
            "{text}"
        );
        assert!(text.contains("Policy: no `privlint.yaml` found, the `recommended` preset applies · 1 app · 4 files scanned\n"));
        assert!(text.contains(
            "### What the changes since `origin/main` introduce\n\n\
             | New | What | Evidence | Policy |\n|---|---|---|---|\n\
             | SDK | `appsflyer` (attribution) in `app` | `app/build.gradle:18` com.appsflyer:af-android-sdk:6.14.0 | passes |\n\n"
        ), "{text}");
        assert!(text.contains(
            "| error | `PL301` capability-flows-to-sdk | `app/Reporter.kt:12:44` | flows \\| into &lt;SDK&gt; next |\n"
        ));
        assert!(text.contains("By rule: **1** PL301"));
        assert!(text.contains("| `appsflyer` | attribution | **tied**: flow |"));
    }

    #[test]
    fn inventory_lists_evidence_under_the_table() {
        let catalog = Catalog::embedded().unwrap();
        let mut out = Vec::new();
        write_inventory(&[unit()], &catalog, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("# privlint inventory\n\n#### App `app` (android)"));
        assert!(text.contains("- SDK `appsflyer`: `app/build.gradle:18` (appsflyer:sdk:1.0)\n"));
        assert!(text.contains(
            "- capability `location` declared: `app/AndroidManifest.xml:4` (ACCESS_FINE_LOCATION)\n"
        ));
        assert!(text.contains("- tie `appsflyer` → `location` (flow): `app/Reporter.kt:12`\n"));
    }
}
