//! Reading one file's keys: each value checked for its type, its allowed values and the
//! catalog, into the typed sections of [`super::document`]. Validation never stops at the
//! first problem: every problem is recorded with its span.

use super::diagnostic::{FileRef, Issue, Span, suggest};
use super::document::{CapabilitySection, ExceptionEntry, ListEdit};
use super::tree::{Kind, Node};
use super::{Access, Date, Exception, PolicySpan, Precision, SdkSelector, Spanned, Unlisted};
use crate::catalog::Catalog;

/// Every rule a policy exception may name: `(code, kebab-case name)`. The rule registry
/// tests that it agrees with this table.
pub const RULE_NAMES: &[(&str, &str)] = &[
    ("PL101", "denied-sdk"),
    ("PL102", "unlisted-sdk"),
    ("PL201", "denied-capability"),
    ("PL202", "precise-location"),
    ("PL203", "background-location"),
    ("PL301", "capability-flows-to-sdk"),
    ("PL302", "capability-passed-to-sdk"),
    ("PL303", "sdk-collects-capability"),
    ("PL304", "audio-beacon"),
    ("PL401", "missing-purpose-string"),
    ("PL402", "privacy-manifest-gap"),
    ("PL501", "expired-exception"),
    ("PL502", "unused-exception"),
    ("PL601", "sdk-starts-before-consent"),
    ("PL900", "unanalyzed-file"),
];

pub(super) const UNLISTED_VALUES: &[(&str, Unlisted)] = &[
    ("allow", Unlisted::Allow),
    ("warn", Unlisted::Warn),
    ("deny", Unlisted::Deny),
];
pub(super) const ACCESS_VALUES: &[(&str, Access)] =
    &[("allow", Access::Allow), ("deny", Access::Deny)];
pub(super) const PRECISION_VALUES: &[(&str, Precision)] = &[
    ("coarse", Precision::Coarse),
    ("precise", Precision::Precise),
];

/// `` `sdks` `` and `allow` → `` `sdks.allow` ``: a key inside the mapping `what` names.
pub(super) fn key_path(what: &str, key: &str) -> String {
    format!("{}.{key}`", what.trim_end_matches('`'))
}

/// Reads the values of one file, recording every problem.
pub(super) struct Validator<'a> {
    file: &'a FileRef<'a>,
    catalog: &'a Catalog,
    issues: Vec<Issue>,
    /// Whether the capability being read has precision and background levels.
    capability_levels: bool,
}

impl<'a> Validator<'a> {
    /// `issues`: problems already found in the file (duplicate keys).
    pub(super) fn new(file: &'a FileRef<'a>, catalog: &'a Catalog, issues: Vec<Issue>) -> Self {
        Validator {
            file,
            catalog,
            issues,
            capability_levels: true,
        }
    }

    pub(super) fn into_issues(self) -> Vec<Issue> {
        self.issues
    }

    fn report(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn spanned<T>(&self, value: T, node: &Node) -> Spanned<T> {
        Spanned {
            value,
            span: Some(self.file.policy_span(node.span)),
        }
    }

    pub(super) fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.report(
            Issue::new(
                "wrong-type",
                Some(node.span),
                format!("{what} must be {expected}, found {}", node.describe()),
            )
            .label(format!("expected {expected}"))
            .help(format!(
                "write {what} as {expected}; docs/policy.md has examples"
            )),
        );
    }

    /// The entries of a mapping whose keys are in `allowed`; unknown keys are reported.
    pub(super) fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let mut out = Vec::new();
        for (key, name, value) in self.entries(node, what) {
            if allowed.contains(&name) {
                out.push((name, key, value));
            } else {
                let help = suggest(name, allowed.iter().copied()).unwrap_or_else(|| {
                    format!("the keys allowed in {what} are: {}", allowed.join(", "))
                });
                self.report(
                    Issue::new(
                        "unknown-key",
                        Some(key.span),
                        format!("unknown key `{name}` in {what}"),
                    )
                    .label("unknown key")
                    .help(help),
                );
            }
        }
        out
    }

    /// Every entry of a mapping with a scalar key (`null` counts as an empty mapping).
    fn entries<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n Node, &'n str, &'n Node)> {
        if node.is_null() {
            return Vec::new();
        }
        let Kind::Map(entries) = &node.kind else {
            self.wrong_type(node, what, "a mapping");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            match key.as_str() {
                Some(name) => out.push((key, name, value)),
                None => self.report(
                    Issue::new(
                        "wrong-type",
                        Some(key.span),
                        format!("keys in {what} must be plain names"),
                    )
                    .label("not a name")
                    .help("write the key as a plain word, like `allow:`"),
                ),
            }
        }
        out
    }

    pub(super) fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, what, "a string");
        }
        text
    }

    pub(super) fn boolean(&mut self, node: &Node, what: &str) -> Option<Spanned<bool>> {
        let value = match &node.kind {
            Kind::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if value.is_none() {
            self.wrong_type(node, what, "`true` or `false`");
        }
        value.map(|v| self.spanned(v, node))
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        node: &Node,
        what: &str,
        options: &[(&str, T)],
    ) -> Option<Spanned<T>> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let expected = format!("one of {}", names.join(", "));
        let text = self.string(node, what)?;
        if let Some((_, value)) = options.iter().find(|(n, _)| *n == text) {
            return Some(self.spanned(*value, node));
        }
        self.report(
            Issue::new(
                "invalid-value",
                Some(node.span),
                format!("invalid value `{text}` for {what}"),
            )
            .label(format!("expected {expected}"))
            .help(
                suggest(text, names.iter().copied())
                    .unwrap_or_else(|| format!("{what} is {expected}")),
            ),
        );
        None
    }

    /// A list, or `{add: [...]}` to append to the inherited one; `null` is an empty list.
    pub(super) fn list<T>(
        &mut self,
        node: &Node,
        what: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Option<ListEdit<T>> {
        let mut items_of =
            |this: &mut Self, seq: &[Node]| seq.iter().filter_map(|n| item(this, n)).collect();
        match &node.kind {
            _ if node.is_null() => Some(ListEdit::Replace(Vec::new())),
            Kind::Seq(seq) => Some(ListEdit::Replace(items_of(self, seq))),
            Kind::Map(_) => {
                let fields = self.fields(node, &format!("{what} {{add: …}}"), &["add"]);
                match fields.first() {
                    Some((_, _, value)) => match &value.kind {
                        Kind::Seq(seq) => Some(ListEdit::Add(items_of(self, seq))),
                        _ => {
                            self.wrong_type(value, &format!("`add` in {what}"), "a list");
                            None
                        }
                    },
                    None => {
                        self.report(
                            Issue::new("wrong-type", Some(node.span), format!("{what} must be a list"))
                                .label("expected a list or {add: [...]}")
                                .help("write a list `[a, b]` to replace the inherited list, or `{add: [a, b]}` to extend it"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(node, what, "a list (or `{add: [...]}`)");
                None
            }
        }
    }

    pub(super) fn selector(&mut self, node: &Node) -> Option<Spanned<SdkSelector>> {
        let text = self.string(node, "an SDK selector")?;
        if let Some(category) = text.strip_prefix("category:") {
            let known = self.catalog.category_ids();
            if known.contains(category) {
                return Some(self.spanned(SdkSelector::Category(category.to_string()), node));
            }
            let help = suggest(category, known.iter().copied())
                .map(|s| s.replace("did you mean `", "did you mean `category:"))
                .unwrap_or_else(|| {
                    format!(
                        "the catalog's categories are: {}",
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    )
                });
            self.report(
                Issue::new(
                    "unknown-category",
                    Some(node.span),
                    format!("unknown SDK category `{category}`"),
                )
                .label("not a catalog category")
                .help(help),
            );
            return None;
        }
        if self.catalog.sdk(text).is_some() {
            return Some(self.spanned(SdkSelector::Id(text.to_string()), node));
        }
        let help = if self.catalog.category(text).is_some() {
            format!("`{text}` is a category: write `category:{text}`")
        } else {
            suggest(text, self.catalog.sdks.iter().map(|s| s.id.as_str())).unwrap_or_else(|| {
                "`privlint catalog` lists the SDK ids; a category is written `category:NAME`".into()
            })
        };
        self.report(
            Issue::new(
                "unknown-sdk",
                Some(node.span),
                format!("unknown SDK id `{text}`"),
            )
            .label("not in the catalog")
            .help(help),
        );
        None
    }

    /// A consent gate id of the catalog (`consent.gates`).
    pub(super) fn consent_gate(&mut self, node: &Node) -> Option<Spanned<String>> {
        let text = self.string(node, "a consent gate id")?;
        if self.catalog.consent_gate(text).is_some() {
            return Some(self.spanned(text.to_string(), node));
        }
        let ids = self.catalog.consent_gates.iter().map(|g| g.id.as_str());
        let help = suggest(text, ids.clone()).unwrap_or_else(|| {
            format!(
                "the catalog's consent gates are: {}",
                ids.collect::<Vec<_>>().join(", ")
            )
        });
        self.report(
            Issue::new(
                "unknown-consent-gate",
                Some(node.span),
                format!("unknown consent gate `{text}`"),
            )
            .label("not a catalog consent gate")
            .help(help),
        );
        None
    }

    pub(super) fn glob(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = self.string(node, what)?;
        let problem = if text.trim().is_empty() {
            Some("an empty pattern".to_string())
        } else {
            ignore::overrides::OverrideBuilder::new("/")
                .add(text)
                .err()
                .map(|e| e.to_string())
        };
        match problem {
            None => Some(text.to_string()),
            Some(reason) => {
                self.report(
                    Issue::new("bad-glob", Some(node.span), format!("invalid path pattern `{text}`: {reason}"))
                        .label("invalid glob")
                        .help("patterns match scan-relative paths with `/`: `*` within a segment, `**` across segments"),
                );
                None
            }
        }
    }

    pub(super) fn version(&mut self, value: &Node) {
        let ok = matches!(&value.kind, Kind::Scalar { text, plain: true } if text == "1");
        if !ok {
            let shown = value.as_str().unwrap_or("?");
            self.report(
                Issue::new(
                    "unsupported-version",
                    Some(value.span),
                    format!("unsupported policy version `{shown}`"),
                )
                .label("expected 1")
                .help("this privlint reads policy schema version 1: write `version: 1`"),
            );
        }
    }

    /// The root is empty (or `null`).
    pub(super) fn report_empty(&mut self) {
        self.report(
            Issue::new("empty", Some(Span::start()), "the policy file is empty")
                .label("expected `version: 1`")
                .help("start the file with `version: 1`"),
        );
    }

    pub(super) fn report_missing_version(&mut self, root: &Node) {
        self.report(
            Issue::new(
                "missing-version",
                Some(root.head_span()),
                "the policy file has no `version`",
            )
            .label("`version: 1` expected in this mapping")
            .help("add `version: 1` as the first line"),
        );
    }

    /// `capabilities:`: each key a catalog capability id, each value its mapping.
    pub(super) fn capabilities(
        &mut self,
        node: &Node,
    ) -> Vec<(String, PolicySpan, CapabilitySection)> {
        let mut out = Vec::new();
        for (key, id, value) in self.entries(node, "`capabilities`") {
            let Some(def) = self.catalog.capability(id) else {
                let help = suggest(id, self.catalog.capabilities.iter().map(|c| c.id.as_str()))
                    .unwrap_or_else(|| {
                        let ids: Vec<&str> = self
                            .catalog
                            .capabilities
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect();
                        format!("the catalog's capabilities are: {}", ids.join(", "))
                    });
                self.report(
                    Issue::new(
                        "unknown-capability",
                        Some(key.span),
                        format!("unknown capability `{id}`"),
                    )
                    .label("not a catalog capability")
                    .help(help),
                );
                continue;
            };
            self.capability_levels = def.levels;
            let span = self.file.policy_span(key.span);
            let section = CapabilitySection::read(self, value, &format!("`capabilities.{id}`"));
            self.capability_levels = true;
            out.push((id.to_string(), span, section));
        }
        out
    }

    /// Whether `key` (`max_precision` or `background`) applies to the capability being
    /// read (`what` is `` `capabilities.ID` ``); reports it when it does not.
    pub(super) fn leveled(&mut self, key: &Node, what: &str) -> bool {
        if self.capability_levels {
            return true;
        }
        let name = key.as_str().unwrap_or_default();
        let field = key_path(what, name);
        let id = what.trim_matches('`').trim_start_matches("capabilities.");
        let with_levels: Vec<&str> = self
            .catalog
            .capabilities
            .iter()
            .filter(|c| c.levels)
            .map(|c| c.id.as_str())
            .collect();
        self.report(
            Issue::new(
                "not-applicable",
                Some(key.span),
                format!("{field} does not apply to `{id}`"),
            )
            .label(format!("`{id}` has no precision or background levels"))
            .help(format!(
                "`max_precision` and `background` apply only to: {}",
                with_levels.join(", ")
            )),
        );
        false
    }

    /// One entry of `exceptions:`; `None` when its rule or reason is missing or invalid
    /// (the problem is reported).
    pub(super) fn exception(&mut self, node: &Node) -> Option<Exception> {
        if !matches!(node.kind, Kind::Map(_)) {
            self.wrong_type(node, "an exception", "a mapping with `rule` and `reason`");
            return None;
        }
        let entry = ExceptionEntry::read(self, node, "an exception");
        for (seen, key, help) in [
            (
                entry.rule.is_some(),
                "rule",
                "name the rule it silences, by name or code (`capability-flows-to-sdk` or `PL301`)",
            ),
            (
                entry.reason.is_some(),
                "reason",
                "say why the exception is acceptable (a review, a ticket); `reason` is required",
            ),
        ] {
            if !seen {
                self.report(
                    Issue::new(
                        "missing-key",
                        Some(node.head_span()),
                        format!("this exception has no `{key}`"),
                    )
                    .label(format!("`{key}` missing in this exception"))
                    .help(help),
                );
            }
        }
        Some(Exception {
            rule: entry.rule.flatten()?,
            sdk: entry.sdk,
            capability: entry.capability,
            paths: entry.paths.unwrap_or_default(),
            reason: entry.reason.flatten()?,
            expires: entry.expires,
            span: Some(self.file.policy_span(node.head_span())),
        })
    }

    /// `sdk:` of an exception: one catalog SDK id.
    pub(super) fn exception_sdk(&mut self, value: &Node) -> Option<String> {
        let id = self.string(value, "`sdk` of an exception")?;
        if self.catalog.sdk(id).is_some() {
            return Some(id.to_string());
        }
        let help = suggest(id, self.catalog.sdks.iter().map(|s| s.id.as_str()))
            .unwrap_or_else(|| "an exception names one SDK by its catalog id".into());
        self.report(
            Issue::new(
                "unknown-sdk",
                Some(value.span),
                format!("unknown SDK id `{id}`"),
            )
            .label("not in the catalog")
            .help(help),
        );
        None
    }

    /// `capability:` of an exception: one catalog capability id.
    pub(super) fn exception_capability(&mut self, value: &Node) -> Option<String> {
        let id = self.string(value, "`capability` of an exception")?;
        if self.catalog.capability(id).is_some() {
            return Some(id.to_string());
        }
        let help = suggest(id, self.catalog.capabilities.iter().map(|c| c.id.as_str()));
        self.report(
            Issue::new(
                "unknown-capability",
                Some(value.span),
                format!("unknown capability `{id}`"),
            )
            .label("not a catalog capability")
            .help_opt(help),
        );
        None
    }

    /// `paths:` of an exception: a plain list of globs (no `{add: …}`).
    pub(super) fn exception_paths(&mut self, value: &Node) -> Option<Vec<String>> {
        match &value.kind {
            Kind::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|n| self.glob(n, "a path pattern"))
                    .collect(),
            ),
            _ => {
                self.wrong_type(value, "`paths` of an exception", "a list of path patterns");
                None
            }
        }
    }

    /// `reason:` of an exception: non-empty text, trimmed.
    pub(super) fn reason(&mut self, value: &Node) -> Option<String> {
        match value.as_str().map(str::trim) {
            Some(text) if !text.is_empty() => Some(text.to_string()),
            _ => {
                self.report(
                    Issue::new("empty-reason", Some(value.span), "an exception needs a non-empty `reason`")
                        .label("empty reason")
                        .help("say why the exception is acceptable, e.g. \"Geofencing campaigns, privacy review PR-123\""),
                );
                None
            }
        }
    }

    /// A rule name or code, normalised to the kebab-case name.
    pub(super) fn rule_name(&mut self, node: &Node) -> Option<String> {
        let text = self.string(node, "`rule` of an exception")?;
        if let Some((_, name)) = RULE_NAMES
            .iter()
            .find(|(code, name)| code.eq_ignore_ascii_case(text) || *name == text)
        {
            return Some((*name).to_string());
        }
        let candidates = RULE_NAMES.iter().flat_map(|(code, name)| [*code, *name]);
        let help = suggest(text, candidates).unwrap_or_else(|| {
            let all: Vec<String> = RULE_NAMES
                .iter()
                .map(|(c, n)| format!("{n} ({c})"))
                .collect();
            format!("known rules: {}", all.join(", "))
        });
        self.report(
            Issue::new(
                "unknown-rule",
                Some(node.span),
                format!("unknown rule `{text}`"),
            )
            .label(crate::rules::exception_refusal(text))
            .help(help),
        );
        None
    }

    pub(super) fn date(&mut self, node: &Node) -> Option<Date> {
        let text = self.string(node, "`expires`")?;
        let date = parse_date(text);
        if date.is_none() {
            self.report(
                Issue::new(
                    "bad-date",
                    Some(node.span),
                    format!("`{text}` is not a valid date"),
                )
                .label("expected YYYY-MM-DD")
                .help("write the date as YYYY-MM-DD, e.g. `expires: 2027-06-30`"),
            );
        }
        date
    }
}

/// `YYYY-MM-DD` with a real month and day (leap years included).
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days {
        return None;
    }
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}
