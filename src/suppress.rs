//! Suppression, in three layers: inline `privlint: allow(RULE) -- reason` comments,
//! policy exceptions (with reason and expiry), and a baseline of fingerprints.
//! Allowances that match nothing are reported, so none goes stale silently.

use std::collections::BTreeSet;

use crate::finding::Finding;
use crate::model::{InlineAllow, Location};
use crate::policy::{Date, Policy};
use crate::rules::{self, Draft, Rule};

const MARKER: &str = "privlint:";
/// Comment openers in every language and format privlint reads.
const COMMENT_OPENERS: &[&str] = &["//", "#", "/*", "<!--", "--", "*"];

/// Find `privlint: allow(...)` comments in a file's text.
pub fn inline_allows(path: &str, text: &str) -> Vec<InlineAllow> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..pos];
        let Some(opener) = COMMENT_OPENERS
            .iter()
            .filter_map(|o| before.rfind(o).map(|i| (i, o)))
            .min_by_key(|(i, _)| *i)
        else {
            continue;
        };
        let rest = line[pos + MARKER.len()..].trim_start();
        let Some(args) = rest.strip_prefix("allow(") else {
            continue;
        };
        let Some(close) = args.find(')') else {
            continue;
        };
        let rules: Vec<String> = args[..close]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let tail = args[close + 1..]
            .trim()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim();
        let reason = tail
            .strip_prefix("--")
            .or_else(|| tail.strip_prefix(':'))
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        let line_no = index as u32 + 1;
        let trails_code = !before[..opener.0].trim().is_empty();
        let covers_line = if trails_code {
            line_no
        } else {
            // The next line that holds something other than a comment.
            lines
                .iter()
                .enumerate()
                .skip(index + 1)
                .find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !COMMENT_OPENERS.iter().any(|o| t.starts_with(o))
                })
                .map_or(line_no, |(i, _)| i as u32 + 1)
        };
        let column = line[..pos].chars().count() as u32 + 1;
        out.push(InlineAllow {
            at: Location::new(path, line_no, column),
            rules,
            reason,
            covers_line,
        });
    }
    out
}

/// Today's date in UTC, from the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → calendar date (proleptic Gregorian).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

fn rule_matches(written: &str, finding: &Finding) -> bool {
    rules::lookup(written).is_some_and(|r| r.code == finding.code)
}

/// Apply every suppression layer; returns the findings that remain plus the findings
/// about the suppressions themselves (PL501, PL502, PL503).
pub fn apply(
    findings: Vec<Finding>,
    allows: &[InlineAllow],
    policy: &Policy,
    baseline: &BTreeSet<String>,
    today: Date,
) -> Vec<Finding> {
    let ignore = crate::scan_globs(&policy.ignore_paths);
    let exception_globs: Vec<Option<globset::GlobSet>> = policy
        .exceptions
        .iter()
        .map(|e| crate::scan_globs(&e.paths))
        .collect();
    let mut used_allows = vec![false; allows.len()];
    let mut used_exceptions = vec![false; policy.exceptions.len()];
    let mut kept = Vec::new();
    for finding in findings {
        if ignore
            .as_ref()
            .is_some_and(|g| g.is_match(&finding.at.path))
        {
            continue;
        }
        if baseline.contains(&finding.fingerprint) {
            continue;
        }
        let allow = allows.iter().position(|a| {
            a.at.path == finding.at.path
                && a.covers_line == finding.at.line
                && a.rules.iter().any(|r| rule_matches(r, &finding))
        });
        if let Some(i) = allow {
            used_allows[i] = true;
            continue;
        }
        let exception = policy.exceptions.iter().enumerate().position(|(i, e)| {
            let not_expired = e.expires.is_none_or(|d| d >= today);
            not_expired
                && rules::lookup(&e.rule).is_some_and(|r| r.code == finding.code)
                && e.sdk
                    .as_ref()
                    .is_none_or(|s| finding.sdk.as_ref() == Some(s))
                && e.capability
                    .as_ref()
                    .is_none_or(|c| finding.capability.as_ref() == Some(c))
                && exception_globs[i]
                    .as_ref()
                    .is_none_or(|g| g.is_match(&finding.at.path))
        });
        if let Some(i) = exception {
            used_exceptions[i] = true;
            continue;
        }
        kept.push(finding);
    }
    for (allow, used) in allows.iter().zip(&used_allows) {
        let names = allow.rules.join(", ");
        if !used {
            kept.push(
                Draft::new(
                    format!("`privlint: allow({names})` suppresses nothing here: remove it"),
                    allow.at.clone(),
                )
                .identity(format!("allow:{names}"))
                .finish(Rule::UnusedException),
            );
        }
        if allow.reason.is_none() {
            kept.push(
                Draft::new(
                    format!("`privlint: allow({names})` gives no reason: add `-- why` after it"),
                    allow.at.clone(),
                )
                .identity(format!("reason:{names}"))
                .finish(Rule::AllowWithoutReason),
            );
        }
    }
    for (exception, used) in policy.exceptions.iter().zip(&used_exceptions) {
        let Some(span) = &exception.span else {
            continue;
        };
        let label = exception_label(exception);
        if let Some(expires) = exception.expires
            && expires < today
        {
            kept.push(
                Draft::new(
                    format!("the exception for {label} expired on {expires}; it no longer suppresses anything"),
                    span.location(),
                )
                .identity(format!("expired:{label}"))
                .finish(Rule::ExpiredException),
            );
        } else if !used {
            kept.push(
                Draft::new(
                    format!("the exception for {label} matched no finding: remove it"),
                    span.location(),
                )
                .identity(format!("unused:{label}"))
                .finish(Rule::UnusedException),
            );
        }
    }
    kept
}

fn exception_label(e: &crate::policy::Exception) -> String {
    let mut parts = vec![format!("`{}`", e.rule)];
    if let Some(s) = &e.sdk {
        parts.push(format!("sdk `{s}`"));
    }
    if let Some(c) = &e.capability {
        parts.push(format!("capability `{c}`"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_allow_covers_its_own_line() {
        let text = "val x = 1\nanalytics.log(loc) // privlint: allow(PL301) -- store locator\n";
        let allows = inline_allows("a.kt", text);
        assert_eq!(allows.len(), 1);
        assert_eq!(allows[0].covers_line, 2);
        assert_eq!(allows[0].rules, vec!["PL301"]);
        assert_eq!(allows[0].reason.as_deref(), Some("store locator"));
    }

    #[test]
    fn allow_on_its_own_line_covers_the_next_code_line() {
        let text = "<!-- privlint: allow(denied-capability) -->\n\n<uses-permission/>\n";
        let allows = inline_allows("AndroidManifest.xml", text);
        assert_eq!(allows[0].covers_line, 3);
        assert_eq!(allows[0].reason, None);
    }

    #[test]
    fn marker_outside_a_comment_is_ignored() {
        let text = "let s = \"privlint: allow(PL301)\"\n";
        assert!(inline_allows("a.js", text).is_empty());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            civil_from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            civil_from_days(20_415),
            Date {
                year: 2025,
                month: 11,
                day: 23
            }
        );
    }
}
