//! One Aho-Corasick automaton over every selective literal in the catalog: a source
//! file with no hit cannot produce evidence and is never parsed.

use aho_corasick::{AhoCorasick, MatchKind};

use super::{CapabilityDef, SdkDef};

#[derive(Debug)]
pub struct Prefilter {
    literals: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Prefilter {
    pub(super) fn build(sdks: &[SdkDef], capabilities: &[CapabilityDef]) -> Prefilter {
        let mut literals: Vec<String> = Vec::new();
        for sdk in sdks {
            let ids = &sdk.identifiers;
            literals.extend(
                ids.android_packages
                    .iter()
                    .map(|p| p.trim_end_matches('.').to_string()),
            );
            literals.extend(ids.ios_modules.iter().cloned());
            literals.extend(ids.npm.iter().map(|n| n.trim_end_matches("/*").to_string()));
            literals.extend(ids.pub_dev.iter().map(|n| format!("package:{n}/")));
            literals.extend(ids.crates.iter().map(|c| c.replace('-', "_")));
            literals.extend(ids.web_globals.iter().cloned());
            literals.extend(ids.web_script_hosts.iter().map(|h| host_of(h)));
            // Tie-API and sink receivers are not literals: those calls only count in a
            // file that imports the SDK (or names its package), which the identifiers
            // above already find.
        }
        for cap in capabilities {
            for api in &cap.apis {
                literals.extend(api_literals(api));
            }
            literals.extend(cap.packages.npm.iter().cloned());
            literals.extend(cap.packages.pub_dev.iter().map(|n| format!("package:{n}/")));
            literals.extend(cap.packages.crates.iter().map(|c| c.replace('-', "_")));
        }
        literals.retain(|l| l.len() >= 3);
        literals.sort();
        literals.dedup();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&literals)
            .ok();
        Prefilter {
            literals,
            automaton,
        }
    }

    /// Whether the bytes mention anything the catalog knows. A catalog whose automaton
    /// could not be built lets every file through (slow, never wrong).
    pub fn is_relevant(&self, bytes: &[u8]) -> bool {
        match &self.automaton {
            Some(ac) => ac.is_match(bytes),
            None => true,
        }
    }

    /// The literal set, one per line for `privlint catalog --literals`.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }
}

/// What a file calling `api` must contain: the receiver's type name (and the variable
/// name it usually gets), a dotted object path as written, or — for calls found by
/// method name — the argument hint or the method itself.
fn api_literals(api: &super::ApiDef) -> Vec<String> {
    match &api.receiver {
        Some(receiver) if !api.distinctive => {
            let last = receiver.rsplit('.').next().unwrap_or(receiver);
            if last.starts_with(|c: char| c.is_ascii_uppercase()) {
                vec![last.to_string(), lower_camel(last)]
            } else {
                // `navigator.geolocation`, `Permission.microphone`: written out in code.
                vec![receiver.clone()]
            }
        }
        _ if !api.argument_hints.is_empty() => api
            .argument_hints
            .iter()
            .filter_map(|h| {
                h.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .max_by_key(|t| t.len())
                    .map(str::to_string)
            })
            .collect(),
        _ => api.methods.clone(),
    }
}

fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn host_of(entry: &str) -> String {
    entry.split('/').next().unwrap_or(entry).to_string()
}
