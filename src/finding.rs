//! The one finding model every rule produces and every reporter renders.

use serde::Serialize;

use crate::model::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Order matters: `Error` is the highest.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// The kind of link between an SDK and a capability, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieKind {
    Flow,
    SdkApi,
    AutoCollect,
    SdkPermission,
}

impl TieKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TieKind::Flow => "flow",
            TieKind::SdkApi => "sdk-api",
            TieKind::AutoCollect => "auto-collect",
            TieKind::SdkPermission => "sdk-permission",
        }
    }
}

/// A secondary location: a step of the evidence chain, or the policy line that forbids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Related {
    pub at: Location,
    pub message: String,
}

/// One policy break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Kebab-case rule name (`denied-sdk`).
    pub rule: &'static str,
    /// Stable code (`PL101`).
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub sdk: Option<String>,
    pub capability: Option<String>,
    pub tie: Option<TieKind>,
    pub at: Location,
    /// Source location of a tie's chain (its first step), when different from `at`.
    pub source: Option<Location>,
    pub related: Vec<Related>,
    /// Stable across unrelated edits and line moves: hashes rule, path, SDK, capability,
    /// tie kind and the matched detail, never line numbers.
    pub fingerprint: String,
}

impl Finding {
    /// The order every output uses: path, line, column, rule code, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.at.path,
            self.at.line,
            self.at.column,
            self.code,
            &self.message,
        )
    }
}

/// A 64-bit FNV-1a hash in hex: stable across platforms and releases (unlike `std`'s
/// hasher), which fingerprints and baselines need.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
