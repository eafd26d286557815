//! The declared privacy policy (`privlint.yaml`), resolved: presets merged, every key
//! validated. The rules only see the types here.
//!
//! Loading, one concept per module: `tree` (YAML → spanned nodes), `document` (the typed
//! keys of one file and how a file merges over what it extends), `validate` (each value
//! checked, every problem kept), `diagnostic` (how problems are told), `load` (entry
//! points and the `extends` chain), `schema` (the JSON schema generated from `document`).

mod diagnostic;
mod document;
mod load;
pub mod presets;
mod schema;
mod tree;
mod validate;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, SdkDef};
use crate::model::Location;

pub use diagnostic::{PolicyError, PolicyProblem, closest, levenshtein};
pub use load::{POLICY_FILE_NAMES, find_policy_file, load_file, load_preset, load_str};
pub use schema::json_schema;
pub use validate::{RULE_NAMES, parse_date};

/// Where a policy value was written: a file (relative to the scan root when inside it)
/// and a 1-based line and column, plus the byte range for miette labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpan {
    /// Display path of the policy file (or `preset:recommended`).
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    pub len: usize,
}

impl PolicySpan {
    pub fn location(&self) -> Location {
        Location::new(self.file.clone(), self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOrigin {
    /// A policy file (path as given or found).
    File(String),
    /// No policy file: this preset applies (the output says so).
    DefaultPreset(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkSelector {
    Id(String),
    Category(String),
}

impl SdkSelector {
    pub fn matches(&self, sdk: &SdkDef) -> bool {
        match self {
            SdkSelector::Id(id) => *id == sdk.id,
            SdkSelector::Category(c) => *c == sdk.category,
        }
    }
    /// An id beats a category.
    pub fn specificity(&self) -> u8 {
        match self {
            SdkSelector::Id(_) => 2,
            SdkSelector::Category(_) => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Option<PolicySpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlisted {
    Allow,
    Warn,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allow,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Coarse,
    Precise,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkRules {
    pub allow: Vec<Spanned<SdkSelector>>,
    pub deny: Vec<Spanned<SdkSelector>>,
    pub unlisted: Spanned<Unlisted>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityRule {
    /// `app:`; defaults to allow.
    pub app: Spanned<Access>,
    /// `max_precision:`; `None` imposes nothing (no PL202).
    pub max_precision: Option<Spanned<Precision>>,
    /// `background:`; `None` imposes nothing (no PL203).
    pub background: Option<Spanned<Access>>,
    /// Who may receive or collect it; empty means no SDK may.
    pub sdks: Vec<Spanned<SdkSelector>>,
    /// Where the capability's entry is written.
    pub span: Option<PolicySpan>,
}

impl Default for CapabilityRule {
    fn default() -> Self {
        CapabilityRule {
            app: Spanned {
                value: Access::Allow,
                span: None,
            },
            max_precision: None,
            background: None,
            sdks: Vec::new(),
            span: None,
        }
    }
}

/// `consent:` (issue 23): SDKs must wait for the user's answer (`required`), given
/// through one of `gates` (catalog consent gate ids; empty: any catalog gate).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentRule {
    pub required: Option<Spanned<bool>>,
    pub gates: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Require {
    pub purpose_strings: Option<Spanned<bool>>,
    pub privacy_manifest: Option<Spanned<bool>>,
}

/// A calendar date (`expires: 2027-06-30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Rule name (kebab-case), normalised from a name or code.
    pub rule: String,
    pub sdk: Option<String>,
    pub capability: Option<String>,
    /// Glob patterns over scan-relative paths; empty matches every path.
    pub paths: Vec<String>,
    pub reason: String,
    pub expires: Option<Date>,
    pub span: Option<PolicySpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub origin: PolicyOrigin,
    pub sdks: SdkRules,
    /// Keyed by capability id; a capability not named has the default rule.
    pub capabilities: BTreeMap<String, CapabilityRule>,
    pub require: Require,
    pub consent: ConsentRule,
    /// `paths.ignore` globs over scan-relative paths.
    pub ignore_paths: Vec<String>,
    pub exceptions: Vec<Exception>,
}

/// What the policy says about one SDK's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkVerdict {
    Allowed(Option<PolicySpan>),
    Denied(Option<PolicySpan>),
    /// Named nowhere; `unlisted` decides.
    Unlisted(Unlisted, Option<PolicySpan>),
}

impl Policy {
    /// This policy as found in `folder` (scan-relative, `""` for the scan root): its path
    /// patterns (`paths.ignore`, exception `paths`) are written relative to its own
    /// folder, so they are prefixed with it to match scan-relative paths.
    pub fn rebased(mut self, folder: &str) -> Policy {
        let folder = folder.trim_matches('/');
        if folder.is_empty() || folder == "." {
            return self;
        }
        let rebase = |glob: &mut String| {
            *glob = format!("{folder}/{}", glob.trim_start_matches('/'));
        };
        self.ignore_paths.iter_mut().for_each(rebase);
        for exception in &mut self.exceptions {
            exception.paths.iter_mut().for_each(rebase);
        }
        self
    }

    /// Resolve `sdks.allow`/`sdks.deny` for one SDK: an id beats a category; at equal
    /// specificity `deny` beats `allow`.
    pub fn sdk_verdict(&self, sdk: &SdkDef) -> SdkVerdict {
        let best = |list: &[Spanned<SdkSelector>]| {
            list.iter()
                .filter(|s| s.value.matches(sdk))
                .max_by_key(|s| s.value.specificity())
                .map(|s| (s.value.specificity(), s.span.clone()))
        };
        match (best(&self.sdks.allow), best(&self.sdks.deny)) {
            (None, None) => {
                SdkVerdict::Unlisted(self.sdks.unlisted.value, self.sdks.unlisted.span.clone())
            }
            (Some((_, span)), None) => SdkVerdict::Allowed(span),
            (None, Some((_, span))) => SdkVerdict::Denied(span),
            (Some((a, a_span)), Some((d, d_span))) => {
                if a > d {
                    SdkVerdict::Allowed(a_span)
                } else {
                    SdkVerdict::Denied(d_span)
                }
            }
        }
    }

    /// The rule for a capability (the default when the policy does not name it).
    pub fn capability(&self, id: &str) -> CapabilityRule {
        self.capabilities.get(id).cloned().unwrap_or_default()
    }

    /// Whether `sdk` may receive or collect `capability`; `Err` carries the span of the
    /// capability entry that forbids it (for the "defined here" label).
    pub fn sdk_may_receive(
        &self,
        capability: &str,
        sdk: &SdkDef,
    ) -> Result<(), Option<PolicySpan>> {
        let rule = self.capabilities.get(capability);
        match rule {
            Some(rule) if rule.sdks.iter().any(|s| s.value.matches(sdk)) => Ok(()),
            Some(rule) => Err(rule.span.clone()),
            None => Err(None),
        }
    }

    pub fn requires_purpose_strings(&self) -> bool {
        self.require
            .purpose_strings
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// `consent.required: true`: PL601 runs.
    pub fn requires_consent(&self) -> bool {
        self.consent.required.as_ref().is_some_and(|s| s.value)
    }

    /// Whether the policy counts this consent gate (every gate when `consent.gates` is empty).
    pub fn counts_consent_gate(&self, gate: &str) -> bool {
        self.consent.gates.is_empty() || self.consent.gates.iter().any(|g| g.value == gate)
    }

    pub fn requires_privacy_manifest(&self) -> bool {
        self.require
            .privacy_manifest
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// Every SDK id and category the policy names, for checks against the catalog.
    pub fn named_selectors(&self) -> impl Iterator<Item = &Spanned<SdkSelector>> {
        self.sdks
            .allow
            .iter()
            .chain(&self.sdks.deny)
            .chain(self.capabilities.values().flat_map(|c| &c.sdks))
    }

    /// Whether the policy names this SDK anywhere (by id or category), which makes it
    /// "listed" for PL102.
    pub fn names_sdk(&self, sdk: &SdkDef) -> bool {
        self.named_selectors().any(|s| s.value.matches(sdk))
    }
}

/// Checks needing the catalog: unknown SDK ids, categories and capabilities. Used by the
/// loader; exposed for tests.
pub fn catalog_problems(policy: &Policy, catalog: &Catalog) -> Vec<(String, Option<PolicySpan>)> {
    let mut out = Vec::new();
    for s in policy.named_selectors() {
        match &s.value {
            SdkSelector::Id(id) if catalog.sdk(id).is_none() => {
                out.push((format!("unknown SDK id `{id}`"), s.span.clone()));
            }
            SdkSelector::Category(c) if catalog.category(c).is_none() => {
                out.push((format!("unknown SDK category `{c}`"), s.span.clone()));
            }
            _ => {}
        }
    }
    out
}
