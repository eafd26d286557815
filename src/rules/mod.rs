//! The rule registry: every rule's id, name, default severity and documentation in
//! one table, and `evaluate`, which runs them all. Each family lives in its own file.

mod capabilities;
mod docs;
mod sdks;
mod store;
mod ties;

use crate::catalog::Catalog;
use crate::finding::{Finding, Related, Severity, TieKind, stable_hash};
use crate::link::Facts;
use crate::model::Location;
use crate::policy::{Policy, PolicySpan};

/// One rule: stable code and name, default severity, one-line summary, long docs.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, example, how to fix, how to suppress.
    pub docs: &'static str,
}

/// Every rule privlint has. Codes and names are a contract: never renumber or rename.
pub const RULES: &[Rule] = &[
    rule(
        "PL101",
        "denied-sdk",
        Severity::Error,
        "A denied SDK ships with the app",
        docs::PL101,
    ),
    rule(
        "PL102",
        "unlisted-sdk",
        Severity::Warning,
        "A catalog SDK the policy names nowhere",
        docs::PL102,
    ),
    rule(
        "PL201",
        "denied-capability",
        Severity::Error,
        "The app declares or uses a capability the policy denies",
        docs::PL201,
    ),
    rule(
        "PL202",
        "precise-location",
        Severity::Error,
        "Precise location where the policy allows only coarse",
        docs::PL202,
    ),
    rule(
        "PL203",
        "background-location",
        Severity::Error,
        "Background location where the policy denies it",
        docs::PL203,
    ),
    rule(
        "PL301",
        "capability-flows-to-sdk",
        Severity::Error,
        "A value read from a sensitive API flows into an SDK call",
        docs::PL301,
    ),
    rule(
        "PL302",
        "capability-passed-to-sdk",
        Severity::Error,
        "An SDK API that takes or switches on a capability is called",
        docs::PL302,
    ),
    rule(
        "PL303",
        "sdk-collects-capability",
        Severity::Error,
        "An SDK collects a capability the app grants",
        docs::PL303,
    ),
    rule(
        "PL304",
        "audio-beacon",
        Severity::Error,
        "An audio-beacon SDK ships in an app that can record audio",
        docs::PL304,
    ),
    rule(
        "PL401",
        "missing-purpose-string",
        Severity::Error,
        "iOS code uses a capability with no usage description",
        docs::PL401,
    ),
    rule(
        "PL402",
        "privacy-manifest-gap",
        Severity::Error,
        "The privacy manifest omits what the app's SDKs collect",
        docs::PL402,
    ),
    rule(
        "PL501",
        "expired-exception",
        Severity::Error,
        "A policy exception is past its expiry date",
        docs::PL501,
    ),
    rule(
        "PL502",
        "unused-exception",
        Severity::Warning,
        "A policy exception or inline allow matched nothing",
        docs::PL502,
    ),
    rule(
        "PL503",
        "allow-without-reason",
        Severity::Warning,
        "An inline allow comment gives no reason",
        docs::PL503,
    ),
    rule(
        "PL900",
        "unanalyzed-file",
        Severity::Error,
        "A file could not be read or parsed",
        docs::PL900,
    ),
];

const fn rule(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    docs: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        severity,
        summary,
        docs,
    }
}

/// A rule by code (`PL101`, any case) or name (`denied-sdk`).
pub fn lookup(id: &str) -> Option<&'static Rule> {
    let id = id.trim();
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(id) || r.name == id)
}

pub(crate) fn by_code(code: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.code == code)
        .unwrap_or(&RULES[RULES.len() - 1])
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
    pub fn finish(self, code: &str) -> Finding {
        let rule = by_code(code);
        let tie = self.tie.map(|t| t.as_str()).unwrap_or("");
        let fingerprint = stable_hash(&[
            rule.code,
            &self.at.path,
            self.sdk.as_deref().unwrap_or(""),
            self.capability.as_deref().unwrap_or(""),
            tie,
            &self.identity,
        ]);
        Finding {
            rule: rule.name,
            code: rule.code,
            severity: rule.severity,
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

/// Run every policy rule over the linked facts.
pub fn evaluate(facts: &Facts, policy: &Policy, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for unit in &facts.units {
        sdks::check(unit, policy, catalog, &mut findings);
        capabilities::check(unit, policy, &mut findings);
        ties::check(unit, policy, catalog, &mut findings);
        store::check(unit, policy, catalog, &mut findings);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(seen.insert(r.name), "duplicate name {}", r.name);
            assert!(r.code.starts_with("PL") && r.code.len() == 5, "{}", r.code);
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## How to fix",
                "## How to suppress",
            ] {
                assert!(r.docs.contains(section), "{} docs lack {section}", r.code);
            }
        }
    }

    #[test]
    fn lookup_accepts_code_any_case_and_name() {
        assert_eq!(lookup("pl101").map(|r| r.name), Some("denied-sdk"));
        assert_eq!(lookup("audio-beacon").map(|r| r.code), Some("PL304"));
        assert!(lookup("PL999").is_none());
    }
}
