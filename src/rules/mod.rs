//! The rule registry: every rule is one variant of [`Rule`], defined once below with its
//! code, name, default severity, summary, documentation and SARIF metadata. `explain`,
//! docs/rules.md, the README table, SARIF rule metadata and exception validation all
//! read it. `evaluate` runs every family; each family lives in its own file.

mod capabilities;
mod consent;
mod declarations;
mod docs;
mod sdks;
mod store;
mod ties;

use crate::catalog::Catalog;
use crate::finding::{Finding, Related, Severity, TieKind, stable_hash};
use crate::link::Facts;
use crate::model::{FileProblem, Location};
use crate::policy::{Policy, PolicySpan};
use crate::scan::Analysis;

/// Declares [`Rule`] and its table from one entry per rule.
macro_rules! rules {
    ($(
        $(#[$meta:meta])*
        $variant:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            security_severity: $security:literal,
            summary: $summary:literal,
            docs: $docs:path,
            excepted: $excepted:expr $(,)?
        }
    ),* $(,)?) => {
        /// Every rule privlint has. Codes and names are a contract: never renumber or rename.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($(#[$meta])* $variant,)*
        }

        impl Rule {
            /// Every rule, in code order (the order of `explain`, docs and SARIF).
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// Everything known about the rule, from its one definition.
            pub const fn spec(self) -> &'static RuleSpec {
                match self {
                    $(Rule::$variant => &RuleSpec {
                        code: $code,
                        name: $name,
                        severity: Severity::$severity,
                        security_severity: $security,
                        summary: $summary,
                        docs: $docs,
                        excepted: $excepted,
                    },)*
                }
            }
        }
    };
}

/// What a rule is, besides the checks that produce it.
#[derive(Debug)]
pub struct RuleSpec {
    /// Stable code (`PL101`).
    pub code: &'static str,
    /// Stable kebab-case name (`denied-sdk`).
    pub name: &'static str,
    pub severity: Severity,
    /// GitHub code scanning's `security-severity` (CVSS-like, 0–10).
    pub security_severity: &'static str,
    /// One line, for `explain`'s list, the docs table and SARIF's short description.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, example, how to fix, how to suppress.
    pub docs: &'static str,
    /// `Err(why)` when a policy exception may not name this rule.
    pub excepted: Result<(), &'static str>,
}

const EXCEPTABLE: Result<(), &str> = Ok(());

rules! {
    DeniedSdk {
        code: "PL101",
        name: "denied-sdk",
        severity: Error,
        security_severity: "7.0",
        summary: "A denied SDK ships with the app",
        docs: sdks::PL101,
        excepted: EXCEPTABLE,
    },
    UnlistedSdk {
        code: "PL102",
        name: "unlisted-sdk",
        severity: Warning,
        security_severity: "4.0",
        summary: "A catalog SDK the policy names nowhere",
        docs: sdks::PL102,
        excepted: EXCEPTABLE,
    },
    DeniedCapability {
        code: "PL201",
        name: "denied-capability",
        severity: Error,
        security_severity: "7.0",
        summary: "The app declares or uses a capability the policy denies",
        docs: capabilities::PL201,
        excepted: EXCEPTABLE,
    },
    PreciseLocation {
        code: "PL202",
        name: "precise-location",
        severity: Error,
        security_severity: "7.0",
        summary: "Precise location where the policy allows only coarse",
        docs: capabilities::PL202,
        excepted: EXCEPTABLE,
    },
    BackgroundLocation {
        code: "PL203",
        name: "background-location",
        severity: Error,
        security_severity: "7.0",
        summary: "Background location where the policy denies it",
        docs: capabilities::PL203,
        excepted: EXCEPTABLE,
    },
    CapabilityFlowsToSdk {
        code: "PL301",
        name: "capability-flows-to-sdk",
        severity: Error,
        security_severity: "8.0",
        summary: "A value read from a sensitive API flows into an SDK call",
        docs: ties::PL301,
        excepted: EXCEPTABLE,
    },
    CapabilityPassedToSdk {
        code: "PL302",
        name: "capability-passed-to-sdk",
        severity: Error,
        security_severity: "8.0",
        summary: "An SDK API that takes or switches on a capability is called",
        docs: ties::PL302,
        excepted: EXCEPTABLE,
    },
    SdkCollectsCapability {
        code: "PL303",
        name: "sdk-collects-capability",
        severity: Error,
        security_severity: "7.0",
        summary: "An SDK collects a capability the app grants",
        docs: ties::PL303,
        excepted: EXCEPTABLE,
    },
    AudioBeacon {
        code: "PL304",
        name: "audio-beacon",
        severity: Error,
        security_severity: "8.0",
        summary: "An audio-beacon SDK ships in an app that can record audio",
        docs: ties::PL304,
        excepted: EXCEPTABLE,
    },
    MissingPurposeString {
        code: "PL401",
        name: "missing-purpose-string",
        severity: Error,
        security_severity: "5.0",
        summary: "iOS code uses a capability with no usage description",
        docs: store::PL401,
        excepted: EXCEPTABLE,
    },
    PrivacyManifestGap {
        code: "PL402",
        name: "privacy-manifest-gap",
        severity: Error,
        security_severity: "5.0",
        summary: "The privacy manifest omits what the app's SDKs collect",
        docs: store::PL402,
        excepted: EXCEPTABLE,
    },
    DeclaredDataNotFound {
        code: "PL403",
        name: "declared-data-not-found",
        severity: Note,
        security_severity: "2.0",
        summary: "The privacy manifest declares data nothing in the app collects",
        docs: declarations::PL403,
        excepted: EXCEPTABLE,
    },
    ExpiredException {
        code: "PL501",
        name: "expired-exception",
        severity: Error,
        security_severity: "2.0",
        summary: "A policy exception is past its expiry date",
        docs: docs::PL501,
        excepted: EXCEPTABLE,
    },
    UnusedException {
        code: "PL502",
        name: "unused-exception",
        severity: Warning,
        security_severity: "2.0",
        summary: "A policy exception or inline allow matched nothing",
        docs: docs::PL502,
        excepted: EXCEPTABLE,
    },
    AllowWithoutReason {
        code: "PL503",
        name: "allow-without-reason",
        severity: Warning,
        security_severity: "2.0",
        summary: "An inline allow comment gives no reason",
        docs: docs::PL503,
        // An exception would silence the very check that keeps inline allows reviewable.
        excepted: Err(
            "PL503 allow-without-reason cannot be excepted: it asks for the reason an inline allow lacks, so write `-- why` after that comment instead",
        ),
    },
    SdkStartsBeforeConsent {
        code: "PL601",
        name: "sdk-starts-before-consent",
        severity: Error,
        security_severity: "6.0",
        summary: "A tracking SDK starts collecting before a consent gate answers",
        docs: consent::PL601,
        excepted: EXCEPTABLE,
    },
    UnanalyzedFile {
        code: "PL900",
        name: "unanalyzed-file",
        severity: Error,
        security_severity: "2.0",
        summary: "A file could not be read or parsed",
        docs: docs::PL900,
        excepted: EXCEPTABLE,
    },
}

impl Rule {
    pub const fn code(self) -> &'static str {
        self.spec().code
    }
    pub const fn name(self) -> &'static str {
        self.spec().name
    }
    pub const fn severity(self) -> Severity {
        self.spec().severity
    }
    pub const fn summary(self) -> &'static str {
        self.spec().summary
    }
    pub const fn docs(self) -> &'static str {
        self.spec().docs
    }
    pub const fn security_severity(self) -> &'static str {
        self.spec().security_severity
    }
    /// A rule by code (`PL101`, any case) or name (`denied-sdk`).
    pub fn lookup(id: &str) -> Option<Rule> {
        let id = id.trim();
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(id) || r.name() == id)
    }
    /// The rule's family, from the hundreds of its code (a SARIF tag).
    pub fn family(self) -> &'static str {
        match self.code().get(..3) {
            Some("PL1") => "sdk",
            Some("PL2") => "capability",
            Some("PL3") => "data-flow",
            Some("PL4") => "app-store",
            Some("PL5") => "policy",
            Some("PL6") => "consent",
            _ => "analysis",
        }
    }
    /// The rule's section in docs/rules.md (GitHub's heading anchor).
    pub fn help_uri(self) -> String {
        format!(
            "{}/blob/main/docs/rules.md#{}-{}",
            env!("CARGO_PKG_REPOSITORY"),
            self.code().to_ascii_lowercase(),
            self.name()
        )
    }
    /// Whether a policy exception may name the rule; `Err` says why not.
    pub fn excepted(self) -> Result<(), &'static str> {
        self.spec().excepted
    }
}

/// The definition of a rule by code (`PL101`, any case) or name (`denied-sdk`).
pub fn lookup(id: &str) -> Option<&'static RuleSpec> {
    Rule::lookup(id).map(Rule::spec)
}

/// `(code, name)` of every rule a policy exception may name, in code order: what the
/// policy loader accepts and the JSON schema's `rule` enum lists.
pub fn exception_rules() -> Vec<(&'static str, &'static str)> {
    Rule::ALL
        .iter()
        .filter(|r| r.excepted().is_ok())
        .map(|r| (r.code(), r.name()))
        .collect()
}

/// Why an exception's `rule: WRITTEN` is refused: a rule that may not be excepted says
/// why, anything else is no rule at all.
pub fn exception_refusal(written: &str) -> &'static str {
    match Rule::lookup(written).map(Rule::excepted) {
        Some(Err(why)) => why,
        _ => "not a privlint rule",
    }
}

/// The rules table of docs/rules.md and the README, one row per rule; each code links
/// to `{link_base}#<its section>` of docs/rules.md.
pub fn markdown_table(link_base: &str) -> String {
    let mut out = String::from("| code | name | default severity | summary |\n|---|---|---|---|\n");
    for r in Rule::ALL {
        out.push_str(&format!(
            "| [{}]({}) | {} | {} | {} |\n",
            r.code(),
            format_args!("{link_base}#{}-{}", r.code().to_ascii_lowercase(), r.name()),
            r.name(),
            r.severity().as_str(),
            r.summary()
        ));
    }
    out
}

/// Everything a finding needs besides its rule.
pub(crate) struct Draft {
    pub message: String,
    pub at: Location,
    pub sdk: Option<String>,
    pub capability: Option<String>,
    pub tie: Option<TieKind>,
    pub source: Option<Location>,
    pub related: Vec<Related>,
    /// What makes this finding itself (an API, a key, a coordinate), for the fingerprint.
    pub identity: String,
}

impl Draft {
    pub fn new(message: String, at: Location) -> Draft {
        Draft {
            message,
            at,
            sdk: None,
            capability: None,
            tie: None,
            source: None,
            related: Vec::new(),
            identity: String::new(),
        }
    }
    pub fn sdk(mut self, sdk: &str) -> Draft {
        self.sdk = Some(sdk.to_string());
        self
    }
    pub fn capability(mut self, capability: &str) -> Draft {
        self.capability = Some(capability.to_string());
        self
    }
    pub fn tie(mut self, tie: TieKind) -> Draft {
        self.tie = Some(tie);
        self
    }
    pub fn identity(mut self, identity: impl Into<String>) -> Draft {
        self.identity = identity.into();
        self
    }
    pub fn related(mut self, at: Location, message: impl Into<String>) -> Draft {
        self.related.push(Related {
            at,
            message: message.into(),
        });
        self
    }
    /// "defined here": the policy line that forbids, when the policy is a file.
    pub fn policy_line(self, span: Option<&PolicySpan>, message: &str) -> Draft {
        match span {
            Some(span) if !span.file.starts_with("preset:") => {
                self.related(span.location(), message.to_string())
            }
            _ => self,
        }
    }
    pub fn finish(self, rule: Rule) -> Finding {
        let tie = self.tie.map(|t| t.as_str()).unwrap_or("");
        let fingerprint = stable_hash(&[
            rule.code(),
            &self.at.path,
            self.sdk.as_deref().unwrap_or(""),
            self.capability.as_deref().unwrap_or(""),
            tie,
            &self.identity,
        ]);
        Finding {
            rule: rule.name(),
            code: rule.code(),
            severity: rule.severity(),
            message: self.message,
            sdk: self.sdk,
            capability: self.capability,
            tie: self.tie,
            at: self.at,
            source: self.source,
            related: self.related,
            fingerprint,
        }
    }
}

/// PL900 for a file that could not be analysed. Its identity is the reason with every
/// number masked: reasons name positions ("at 5:1", "line 12") and sizes, which move
/// when unrelated lines are added, and a fingerprint must not.
pub fn unanalyzed_file(problem: &FileProblem) -> Finding {
    let mut anchor = String::with_capacity(problem.reason.len());
    for c in problem.reason.chars() {
        if !c.is_ascii_digit() {
            anchor.push(c);
        } else if !anchor.ends_with('#') {
            anchor.push('#');
        }
    }
    Draft::new(
        format!("not analysed: {}", problem.reason),
        problem.at.clone(),
    )
    .identity(anchor)
    .finish(Rule::UnanalyzedFile)
}

/// Run every policy rule over the linked facts.
pub fn evaluate(facts: &Facts, policy: &Policy, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for unit in &facts.units {
        sdks::check(unit, policy, catalog, &mut findings);
        capabilities::check(unit, policy, &mut findings);
        ties::check(unit, policy, catalog, &mut findings);
        store::check(unit, policy, catalog, &mut findings);
        declarations::check(unit, policy, catalog, &mut findings);
        consent::check(unit, policy, catalog, &mut findings);
    }
    findings
}

/// Every finding of a scan before suppression: the rules' findings and a PL900 for each
/// file that could not be analysed. Judging a scan and reading REF's fingerprints for
/// `--changed-since` both take this, so the two cannot drift apart.
pub fn findings(analysis: &Analysis, policy: &Policy, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = evaluate(&analysis.facts, policy, catalog);
    findings.extend(analysis.problems.iter().map(unanalyzed_file));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert!(seen.insert(r.name()), "duplicate name {}", r.name());
            assert!(
                r.code().starts_with("PL") && r.code().len() == 5,
                "{}",
                r.code()
            );
            assert!(r.name().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(
                r.docs()
                    .starts_with(&format!("# {} {}\n", r.code(), r.name())),
                "{} docs must open with `# CODE name`",
                r.code()
            );
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## How to fix",
                "## How to suppress",
            ] {
                assert!(
                    r.docs().contains(section),
                    "{} docs lack {section}",
                    r.code()
                );
            }
            let security: f32 = r.security_severity().parse().expect("a number");
            assert!((0.0..=10.0).contains(&security), "{}", r.code());
        }
    }

    #[test]
    fn rules_are_listed_in_code_order() {
        let codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn lookup_accepts_code_any_case_and_name() {
        assert_eq!(Rule::lookup("pl101"), Some(Rule::DeniedSdk));
        assert_eq!(lookup("audio-beacon").map(|r| r.code), Some("PL304"));
        assert!(lookup("PL999").is_none());
    }

    #[test]
    fn allow_without_reason_cannot_be_excepted_and_says_why() {
        assert!(!exception_rules().iter().any(|(code, _)| *code == "PL503"));
        assert_eq!(exception_rules().len(), Rule::ALL.len() - 1);
        assert!(exception_refusal("allow-without-reason").contains("cannot be excepted"));
        assert!(exception_refusal("PL503").contains("cannot be excepted"));
        assert_eq!(exception_refusal("no-such-rule"), "not a privlint rule");
    }

    #[test]
    fn unanalyzed_file_fingerprint_ignores_the_line_the_reason_names() {
        let problem = |line: u32| FileProblem {
            at: Location::new("app/AndroidManifest.xml", line, 1),
            reason: format!("the XML is malformed at {line}:1"),
        };
        let (before, after) = (unanalyzed_file(&problem(5)), unanalyzed_file(&problem(9)));
        assert_eq!(before.fingerprint, after.fingerprint);
        assert_eq!(before.message, "not analysed: the XML is malformed at 5:1");
        let other = FileProblem {
            at: Location::new("app/AndroidManifest.xml", 5, 1),
            reason: "cannot read: permission denied".into(),
        };
        assert_ne!(unanalyzed_file(&other).fingerprint, before.fingerprint);
    }

    #[test]
    fn help_uri_points_at_the_rule_section() {
        assert!(
            Rule::DeniedSdk
                .help_uri()
                .ends_with("/blob/main/docs/rules.md#pl101-denied-sdk")
        );
    }
}
