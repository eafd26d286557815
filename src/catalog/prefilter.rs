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
            literals.extend(sdk.tie_apis.iter().filter_map(|t| t.receiver.clone()));
            literals.extend(sdk.sinks.iter().filter_map(|s| s.receiver.clone()));
        }
        for cap in capabilities {
            for api in &cap.apis {
                match &api.receiver {
                    Some(receiver) if !api.distinctive => {
                        // `navigator.geolocation` is found by its last segment.
                        let last = receiver.rsplit('.').next().unwrap_or(receiver);
                        literals.push(last.to_string());
                    }
                    _ => literals.extend(api.methods.iter().cloned()),
                }
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
            // Receivers match case-insensitively (`locationManager` for `LocationManager`).
            .ascii_case_insensitive(true)
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

fn host_of(entry: &str) -> String {
    entry.split('/').next().unwrap_or(entry).to_string()
}
