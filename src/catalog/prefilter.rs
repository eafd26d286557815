//! One Aho-Corasick automaton per source language over the catalog's selective
//! literals: a source file with no hit cannot produce evidence and is never parsed.
//!
//! Each language only gets the literals that can matter in it (Java/Kotlin package
//! prefixes, Swift modules, npm names and page globals, pub.dev and crate names — chosen
//! by the ecosystem registering the language — and the capability APIs of that
//! language), so a common word in one ecosystem's identifiers
//! never forces another language's files through the parser.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{ApiDef, CapabilityDef, Language, SdkDef};
use crate::ecosystem;

#[derive(Debug)]
pub struct Prefilter {
    /// Every literal of every language, sorted, for `privlint catalog --literals`.
    literals: Vec<String>,
    /// Indexed like [`Language::ALL`]; `None` lets every file through (slow, never wrong).
    automata: Vec<Option<AhoCorasick>>,
}

impl Prefilter {
    pub(super) fn build(sdks: &[SdkDef], capabilities: &[CapabilityDef]) -> Prefilter {
        let mut all = Vec::new();
        let mut automata = Vec::new();
        for language in Language::ALL {
            let mut literals = language_literals(language, sdks, capabilities);
            literals.retain(|l| l.len() >= 3);
            literals.sort();
            literals.dedup();
            automata.push(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    // A full DFA: one table lookup per byte on the hot path; a few MB
                    // for ~900 literals, built once.
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .ok(),
            );
            all.extend(literals);
        }
        all.sort();
        all.dedup();
        Prefilter {
            literals: all,
            automata,
        }
    }

    /// Whether a file of `language` mentions anything the catalog knows for it.
    pub fn is_relevant(&self, language: Language, bytes: &[u8]) -> bool {
        let index = Language::ALL.iter().position(|l| *l == language);
        match index.and_then(|i| self.automata.get(i)) {
            Some(Some(ac)) => ac.is_match(bytes),
            _ => true,
        }
    }

    /// The literal set of all languages, one per line for `privlint catalog --literals`.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }
}

fn language_literals(
    language: Language,
    sdks: &[SdkDef],
    capabilities: &[CapabilityDef],
) -> Vec<String> {
    let support = ecosystem::language_support(language);
    let mut literals: Vec<String> = Vec::new();
    // Tie-API and sink receivers are not literals: those calls only count in a file that
    // imports the SDK (or names its package), which the identifiers below find.
    for sdk in sdks {
        literals.extend((support.sdk_literals)(&sdk.identifiers));
    }
    for cap in capabilities {
        for api in cap.apis.iter().filter(|a| a.languages.contains(&language)) {
            literals.extend(api_literals(api));
        }
        literals.extend((support.package_literals)(&cap.packages));
    }
    literals
}

/// What a file calling `api` must contain: the receiver's type name (and the variable
/// name it usually gets), a dotted object path as written, or — for calls found by
/// method name — the argument hint or the method itself.
fn api_literals(api: &ApiDef) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, Language};

    #[test]
    fn each_language_sees_only_its_own_identifiers() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let kotlin = b"import com.appsflyer.AppsFlyerLib\n";
        assert!(prefilter.is_relevant(Language::Kotlin, kotlin));
        // A page global is no reason to parse a Kotlin file.
        assert!(!prefilter.is_relevant(Language::Kotlin, b"val heap = gtag(branch)\n"));
        assert!(prefilter.is_relevant(Language::Javascript, b"gtag('event', 'x');\n"));
        assert!(prefilter.is_relevant(
            Language::Dart,
            b"import 'package:geolocator/geolocator.dart';\n"
        ));
        assert!(
            !prefilter.is_relevant(Language::Dart, b"import 'package:flutter/material.dart';\n")
        );
        // A variable named after its type is enough for a capability API.
        assert!(prefilter.is_relevant(
            Language::Kotlin,
            b"locationManager.getLastKnownLocation(p)\n"
        ));
    }
}
