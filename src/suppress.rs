//! Suppression, in three layers: inline `privlint: allow(RULE) -- reason` comments,
//! policy exceptions (with reason and expiry), and a baseline of fingerprints.
//! Allowances that match nothing are reported, so none goes stale silently.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::finding::Finding;
use crate::model::{InlineAllow, Location};
use crate::policy::{Date, Policy};
use crate::rules::{self, Draft, Rule};

const MARKER: &str = "privlint:";

/// Find `privlint: allow(...)` in the comments of a file's text (never in its strings).
pub fn inline_allows(path: &str, text: &str) -> Vec<InlineAllow> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let comments = comments_of(path, text);
    let mut in_comment = vec![false; text.len()];
    for c in &comments {
        in_comment[c.clone()].fill(true);
    }
    let holds_code = |range: Range<usize>| {
        text.as_bytes()[range.clone()]
            .iter()
            .zip(&in_comment[range])
            .any(|(b, commented)| !commented && !b.is_ascii_whitespace())
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let line_range = |line: usize| {
        let start = line_starts[line - 1];
        let end = line_starts.get(line).map_or(text.len(), |&next| next - 1);
        start..end
    };
    let mut out = Vec::new();
    for comment in &comments {
        let body = &text[comment.clone()];
        for (offset, _) in body.match_indices(MARKER) {
            let pos = comment.start + offset;
            let line_no = line_of(pos);
            let this_line = line_range(line_no);
            // The allow ends with its comment or its line, whichever comes first.
            let rest = &text[pos + MARKER.len()..comment.end.min(this_line.end)];
            let Some(allow) = parse_allow(rest) else {
                continue;
            };
            let trails_code = holds_code(this_line.start..comment.start.max(this_line.start));
            let covers_line = if trails_code {
                line_no
            } else {
                // The next line that holds something other than comments.
                (line_no + 1..=line_starts.len())
                    .find(|&l| holds_code(line_range(l)))
                    .unwrap_or(line_no)
            };
            let column = text[this_line.start..pos].chars().count() as u32 + 1;
            out.push(InlineAllow {
                at: Location::new(path, line_no as u32, column),
                rules: allow.0,
                reason: allow.1,
                covers_line: covers_line as u32,
            });
        }
    }
    out
}

/// `allow(A, B) -- reason` (after the marker) → rules and reason.
fn parse_allow(rest: &str) -> Option<(Vec<String>, Option<String>)> {
    let args = rest.trim_start().strip_prefix("allow(")?;
    let close = args.find(')')?;
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
    Some((rules, reason))
}

/// How comments and strings look in a file, by its name: only text inside a real comment
/// may carry a suppression, never a string literal that looks like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Syntax {
    /// `//` and `/* */`.
    slash_comments: bool,
    /// `#` to the end of the line, where it starts a word (YAML, TOML, Ruby).
    hash_comments: bool,
    /// `<!-- -->`.
    markup_comments: bool,
    /// `'…'` is a string (JavaScript, Dart, Groovy, YAML); otherwise only a char literal.
    single_quote_strings: bool,
    /// `` `…` `` is a string (JavaScript template literals).
    backtick_strings: bool,
}

const C_LIKE: Syntax = Syntax {
    slash_comments: true,
    hash_comments: false,
    markup_comments: false,
    single_quote_strings: false,
    backtick_strings: false,
};
const SCRIPT: Syntax = Syntax {
    single_quote_strings: true,
    backtick_strings: true,
    ..C_LIKE
};
const HASH: Syntax = Syntax {
    slash_comments: false,
    hash_comments: true,
    single_quote_strings: true,
    ..C_LIKE
};
const MARKUP: Syntax = Syntax {
    slash_comments: false,
    markup_comments: true,
    ..C_LIKE
};

/// Comment ranges of a file, by its kind. HTML pages take markup comments in the page
/// and script comments inside `<script>` elements.
fn comments_of(path: &str, text: &str) -> Vec<Range<usize>> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if !(name.ends_with(".html") || name.ends_with(".htm")) {
        return comment_ranges(text, syntax_of(&name));
    }
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let script = lower[at..]
            .find("<script")
            .and_then(|open| lower[at + open..].find('>').map(|gt| at + open + gt + 1));
        let page_end = script.unwrap_or(text.len());
        out.extend(shifted(comment_ranges(&text[at..page_end], MARKUP), at));
        let Some(body_start) = script else { break };
        let body_end = lower[body_start..]
            .find("</script")
            .map_or(text.len(), |e| body_start + e);
        out.extend(shifted(
            comment_ranges(&text[body_start..body_end], SCRIPT),
            body_start,
        ));
        at = body_end;
    }
    out
}

fn shifted(ranges: Vec<Range<usize>>, by: usize) -> impl Iterator<Item = Range<usize>> {
    ranges.into_iter().map(move |r| r.start + by..r.end + by)
}

/// The syntax of a file by its lower-cased name.
fn syntax_of(name: &str) -> Syntax {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match (name, extension) {
        ("podfile" | "cartfile" | "cartfile.resolved" | "gemfile", _) => HASH,
        (_, "yaml" | "yml" | "toml" | "lock" | "rb" | "properties" | "podspec") => HASH,
        (_, "xml" | "plist" | "xcprivacy" | "entitlements" | "storyboard" | "xib") => MARKUP,
        (_, "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" | "dart" | "gradle") => {
            SCRIPT
        }
        // Kotlin, Java, Swift, Objective-C, Rust, pbxproj, xcconfig, JSON(C) and the rest.
        _ => C_LIKE,
    }
}

/// Byte ranges of every comment in `text`, in order. Strings are skipped so a comment
/// opener inside one opens nothing; an unclosed string ends at its line's end, so one
/// stray quote cannot hide the rest of the file.
fn comment_ranges(text: &str, syntax: Syntax) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let line_end = |from: usize| memchr_newline(bytes, from);
    while i < bytes.len() {
        let rest = &bytes[i..];
        if syntax.slash_comments && rest.starts_with(b"//") {
            let end = line_end(i);
            out.push(i..end);
            i = end;
        } else if syntax.slash_comments && rest.starts_with(b"/*") {
            let end = find(bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2);
            out.push(i..end);
            i = end;
        } else if syntax.markup_comments && rest.starts_with(b"<!--") {
            let end = find(bytes, i + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            out.push(i..end);
            i = end;
        } else if syntax.hash_comments
            && bytes[i] == b'#'
            && (i == 0 || bytes[i - 1].is_ascii_whitespace())
        {
            let end = line_end(i);
            out.push(i..end);
            i = end;
        } else if rest.starts_with(b"\"\"\"") || rest.starts_with(b"'''") {
            // Kotlin, Swift, Dart, Groovy and Python-style multi-line strings.
            let end = find(bytes, i + 3, &rest[..3]).map_or(bytes.len(), |e| e + 3);
            i = end;
        } else if bytes[i] == b'"'
            || (bytes[i] == b'`' && syntax.backtick_strings)
            || (bytes[i] == b'\'' && syntax.single_quote_strings && quote_opens(syntax, bytes, i))
        {
            i = string_end(bytes, i, syntax.backtick_strings && bytes[i] == b'`');
        } else if bytes[i] == b'\'' {
            // A char literal (`'a'`, `'\n'`); anything else (a Rust lifetime) is one byte.
            i = char_literal_end(bytes, i).unwrap_or(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// In YAML, TOML and Ruby a quote opens a string only at the start of a value, not
/// inside a word (`don't`).
fn quote_opens(syntax: Syntax, bytes: &[u8], i: usize) -> bool {
    !syntax.hash_comments || i == 0 || !bytes[i - 1].is_ascii_alphanumeric()
}

fn string_end(bytes: &[u8], open: usize, multi_line: bool) -> usize {
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !multi_line => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn char_literal_end(bytes: &[u8], open: usize) -> Option<usize> {
    let body = bytes.get(open + 1..)?;
    let len = match body.first()? {
        b'\\' => 2 + body.get(2..)?.iter().take(10).position(|&b| b == b'\'')?,
        b'\'' | b'\n' => return None,
        _ => {
            // One character, possibly multi-byte UTF-8.
            let width = body[1..].iter().take(4).position(|&b| b == b'\'')?;
            if std::str::from_utf8(&body[..=width]).map_or(true, |s| s.chars().count() != 1) {
                return None;
            }
            width + 1
        }
    };
    Some(open + 1 + len + 1)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
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
    fn an_allow_inside_a_string_literal_suppresses_nothing_in_any_file_kind() {
        for (path, text) in [
            ("A.kt", "val s = \"// privlint: allow(PL102) -- x\"\n"),
            (
                "A.java",
                "String s = \"/* privlint: allow(PL102) -- x */\";\n",
            ),
            (
                "A.swift",
                "let s = \"\"\"\n// privlint: allow(PL102) -- x\n\"\"\"\n",
            ),
            ("a.js", "const s = '// privlint: allow(PL102) -- x';\n"),
            ("a.ts", "const s = `\n// privlint: allow(PL102) -- x\n`;\n"),
            ("main.dart", "final s = '// privlint: allow(PL102) -- x';\n"),
            ("main.rs", "let s = \"// privlint: allow(PL102) -- x\";\n"),
            ("build.gradle", "def s = '// privlint: allow(PL102) -- x'\n"),
            (
                "pubspec.yaml",
                "description: \"# privlint: allow(PL102) -- x\"\n",
            ),
            (
                "Cargo.toml",
                "description = \"# privlint: allow(PL102) -- x\"\n",
            ),
            (
                "Podfile",
                "pod 'X', :git => '# privlint: allow(PL102) -- x'\n",
            ),
            (
                "package.json",
                "{\"x\": \"// privlint: allow(PL102) -- x\"}\n",
            ),
            (
                "AndroidManifest.xml",
                "<a b=\"// privlint: allow(PL102) -- x\"/>\n",
            ),
            ("index.html", "<p>// privlint: allow(PL102) -- x</p>\n"),
        ] {
            assert_eq!(inline_allows(path, text), vec![], "{path}: {text}");
        }
    }

    #[test]
    fn real_comments_carry_allows_in_every_file_kind() {
        for (path, text) in [
            (
                "A.kt",
                "val url = \"https://x\" // privlint: allow(PL102) -- y\n",
            ),
            (
                "a.js",
                "const s = 'it\\'s'; /* privlint: allow(PL102) -- y */\n",
            ),
            (
                "main.rs",
                "fn f<'a>(s: &'a str) {} // privlint: allow(PL102) -- y\n",
            ),
            (
                "pubspec.yaml",
                "name: don't # privlint: allow(PL102) -- y\n",
            ),
            ("Podfile", "pod 'X' # privlint: allow(PL102) -- y\n"),
            (
                "AndroidManifest.xml",
                "<a/> <!-- privlint: allow(PL102) -- y -->\n",
            ),
            (
                "index.html",
                "<script>track() // privlint: allow(PL102) -- y\n</script>\n",
            ),
        ] {
            let allows = inline_allows(path, text);
            assert_eq!(allows.len(), 1, "{path}: {text}");
            assert_eq!(allows[0].rules, vec!["PL102"], "{path}");
            assert_eq!(allows[0].reason.as_deref(), Some("y"), "{path}");
            assert_eq!(allows[0].covers_line, 1, "{path}");
        }
    }

    #[test]
    fn a_block_comment_covers_the_first_code_line_after_it() {
        let text = "/*\n * privlint: allow(PL301) -- reviewed\n */\n\nanalytics.log(loc)\n";
        let allows = inline_allows("A.kt", text);
        assert_eq!(allows.len(), 1);
        assert_eq!(allows[0].at, Location::new("A.kt", 2, 4));
        assert_eq!(allows[0].covers_line, 5);
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
