//! One Aho-Corasick automaton per source language over the catalog's selective
//! literals: a source file that cannot satisfy any requirement built from them cannot
//! produce evidence and is never parsed.
//!
//! Each language only gets the literals that can matter in it (Java/Kotlin package
//! prefixes, Swift modules, npm names and page globals, pub.dev and crate names — chosen
//! by the ecosystem registering the language — and the capability APIs of that
//! language), so a common word in one ecosystem's identifiers never forces another
//! language's files through the parser.
//!
//! A requirement mirrors how the extractors match (docs/catalog.md): an SDK identifier
//! is looked up whole, so it counts only on identifier boundaries (`Adjust` is not in
//! `contentInsetAdjustmentBehavior`); a page global counts only where it is called or
//! dereferenced (`heap.track(`, `fbq(`), the only use the JavaScript analysis reads; a
//! capability API needs one of its method names (whole) and, besides, its receiver (the
//! extractor compares receivers by containment, so a substring) or one of its argument
//! hints (also containment).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{ApiDef, CapabilityDef, Language, SdkDef};
use crate::ecosystem;

#[derive(Debug)]
pub struct Prefilter {
    /// Every literal of every language, sorted, for `privlint catalog --literals`.
    literals: Vec<String>,
    /// Indexed like [`Language::ALL`]; `None` lets every file through (slow, never wrong).
    filters: Vec<Option<LanguageFilter>>,
}

/// Where an occurrence of a literal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Context {
    /// Anywhere, also inside a longer identifier.
    Anywhere,
    /// Not inside a longer identifier: no identifier character touches either end.
    Word,
    /// As a whole word, called or dereferenced: `(`, `.`, `?.` or `[` follows.
    Called,
}

/// One literal with the context it needs; requirements refer to these by index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Term {
    text: String,
    context: Context,
}

/// All of these groups must have a hit, any term of a group will do.
type Requirement = Vec<Vec<usize>>;

#[derive(Debug)]
struct LanguageFilter {
    automaton: AhoCorasick,
    terms: Vec<Term>,
    /// Terms enough by themselves (single-group requirements): the scan stops at one.
    sufficient: Vec<bool>,
    /// Requirements of two groups or more, checked after the scan.
    combined: Vec<Requirement>,
}

impl Prefilter {
    pub(super) fn build(sdks: &[SdkDef], capabilities: &[CapabilityDef]) -> Prefilter {
        let mut all = Vec::new();
        let mut filters = Vec::new();
        for language in Language::ALL {
            let requirements = language_requirements(language, sdks, capabilities);
            let filter = LanguageFilter::build(&requirements);
            if let Some(f) = &filter {
                all.extend(f.terms.iter().map(|t| t.text.clone()));
            }
            filters.push(filter);
        }
        all.sort();
        all.dedup();
        Prefilter {
            literals: all,
            filters,
        }
    }

    /// Whether a file of `language` mentions anything the catalog knows for it.
    pub fn is_relevant(&self, language: Language, bytes: &[u8]) -> bool {
        let index = Language::ALL.iter().position(|l| *l == language);
        match index.and_then(|i| self.filters.get(i)) {
            Some(Some(filter)) => filter.is_relevant(bytes),
            _ => true,
        }
    }

    /// Why a file of `language` passes: the literals of the first requirement it meets
    /// (for `PRIVLINT_STATS=files`, to review the literal sets on real code).
    pub fn reason(&self, language: Language, bytes: &[u8]) -> Option<Vec<&str>> {
        let index = Language::ALL.iter().position(|l| *l == language)?;
        let filter = self.filters.get(index)?.as_ref()?;
        let hit = filter.hits(bytes, false);
        let met = |groups: &Requirement| groups.iter().all(|g| g.iter().any(|&i| hit[i]));
        let sufficient = (0..hit.len()).find(|&i| hit[i] && filter.sufficient[i]);
        let (terms, combined) = match sufficient {
            Some(i) => (vec![i], None),
            None => (Vec::new(), filter.combined.iter().find(|g| met(g))),
        };
        let terms = combined.map_or(terms, |groups| {
            groups
                .iter()
                .filter_map(|g| g.iter().copied().find(|&i| hit[i]))
                .collect()
        });
        let texts: Vec<&str> = terms
            .iter()
            .map(|&i| filter.terms[i].text.as_str())
            .collect();
        (!texts.is_empty()).then_some(texts)
    }

    /// The literal set of all languages, one per line for `privlint catalog --literals`.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }
}

impl LanguageFilter {
    fn build(requirements: &[Vec<Vec<Term>>]) -> Option<LanguageFilter> {
        let mut terms: Vec<Term> = requirements.iter().flatten().flatten().cloned().collect();
        terms.retain(|t| t.text.len() >= 3);
        terms.sort();
        terms.dedup();
        let index = |t: &Term| terms.binary_search(t).ok();
        let mut sufficient = vec![false; terms.len()];
        let mut combined = Vec::new();
        for requirement in requirements {
            // A group left without literals (all too short) cannot be looked for: it is
            // left out, and a requirement left with no group at all is dropped, as a
            // too-short literal always was.
            let groups: Requirement = requirement
                .iter()
                .map(|group| group.iter().filter_map(index).collect::<Vec<_>>())
                .filter(|group| !group.is_empty())
                .collect();
            match groups.as_slice() {
                [] => {}
                [only] => only.iter().for_each(|&i| sufficient[i] = true),
                _ => combined.push(groups),
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A full DFA: one table lookup per byte on the hot path; a few MB for ~900
            // literals, built once.
            .kind(Some(AhoCorasickKind::DFA))
            .build(terms.iter().map(|t| &t.text))
            .ok()?;
        Some(LanguageFilter {
            automaton,
            terms,
            sufficient,
            combined,
        })
    }

    fn is_relevant(&self, bytes: &[u8]) -> bool {
        let hit = self.hits(bytes, true);
        hit.iter().zip(&self.sufficient).any(|(h, s)| *h && *s)
            || self
                .combined
                .iter()
                .any(|groups| groups.iter().all(|group| group.iter().any(|&i| hit[i])))
    }

    /// Which terms occur in their context; with `early`, the scan stops at the first
    /// term that is enough by itself.
    fn hits(&self, bytes: &[u8], early: bool) -> Vec<bool> {
        let mut hit = vec![false; self.terms.len()];
        for found in self.automaton.find_overlapping_iter(bytes) {
            let i = found.pattern().as_usize();
            if hit[i] || !in_context(bytes, found.start(), found.end(), self.terms[i].context) {
                continue;
            }
            hit[i] = true;
            if early && self.sufficient[i] {
                break;
            }
        }
        hit
    }
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn in_context(bytes: &[u8], start: usize, end: usize, context: Context) -> bool {
    if context == Context::Anywhere {
        return true;
    }
    let first = bytes[start];
    let last = bytes[end - 1];
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    // Only an identifier character of the literal can run on into a neighbour.
    let open_before = is_identifier_byte(first) && before.is_some_and(is_identifier_byte);
    let open_after = is_identifier_byte(last) && after.is_some_and(is_identifier_byte);
    if open_before || open_after {
        return false;
    }
    match context {
        Context::Called => {
            let rest = bytes[end..].iter().skip_while(|b| b.is_ascii_whitespace());
            matches!(rest.take(1).next(), Some(b'(' | b'.' | b'?' | b'['))
        }
        _ => true,
    }
}

fn words(texts: impl IntoIterator<Item = String>, context: Context) -> Vec<Term> {
    texts
        .into_iter()
        .map(|text| Term { text, context })
        .collect()
}

fn language_requirements(
    language: Language,
    sdks: &[SdkDef],
    capabilities: &[CapabilityDef],
) -> Vec<Vec<Vec<Term>>> {
    let support = ecosystem::language_support(language);
    let mut requirements = Vec::new();
    // Tie-API and sink receivers are not literals: those calls only count in a file that
    // imports the SDK (or names its package), which the identifiers below find.
    for sdk in sdks {
        let globals = &sdk.identifiers.web_globals;
        for literal in (support.sdk_literals)(&sdk.identifiers) {
            let context = if globals.contains(&literal) && is_plain_name(&literal) {
                Context::Called
            } else {
                Context::Word
            };
            requirements.push(vec![words([literal], context)]);
        }
    }
    for cap in capabilities {
        for api in cap.apis.iter().filter(|a| a.languages.contains(&language)) {
            requirements.push(api_requirement(api));
        }
        let packages = (support.package_literals)(&cap.packages);
        requirements.extend(
            packages
                .into_iter()
                .map(|p| vec![words([p], Context::Word)]),
        );
    }
    requirements
}

fn is_plain_name(text: &str) -> bool {
    text.bytes().all(is_identifier_byte)
}

/// What a file calling `api` must contain: one of its method names, whole (a call
/// matches on the method name), and — unless the method alone is enough — the receiver's
/// type name (or the variable name it usually gets) or the dotted object path as
/// written; for a call found by method name with argument hints, one of the hints.
fn api_requirement(api: &ApiDef) -> Vec<Vec<Term>> {
    // A Kotlin property read calls the Java getter (`lastLocation` → `getLastLocation`).
    let properties = api.methods.iter().filter_map(|m| {
        let rest = m.strip_prefix("get")?;
        rest.starts_with(|c: char| c.is_ascii_uppercase())
            .then(|| lower_camel(rest))
    });
    let methods = api.methods.iter().cloned().chain(properties);
    let mut groups = vec![words(methods, Context::Word)];
    match &api.receiver {
        Some(receiver) if !api.distinctive => {
            let last = receiver.rsplit('.').next().unwrap_or(receiver);
            let names = if last.starts_with(|c: char| c.is_ascii_uppercase()) {
                vec![last.to_string(), lower_camel(last)]
            } else {
                // `navigator.geolocation`, `Permission.microphone`: written out in code.
                vec![receiver.clone()]
            };
            groups.push(words(names, Context::Anywhere));
        }
        // Hints compare case-insensitively in the extractor; as literals they only ever
        // stood in for a receiver, so an API with a receiver does not need them here.
        _ if !api.argument_hints.is_empty() => {
            let hints = api.argument_hints.iter().filter_map(|h| {
                h.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .max_by_key(|t| t.len())
                    .map(str::to_string)
            });
            groups.push(words(hints, Context::Anywhere));
        }
        _ => {}
    }
    groups
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
        // ... and so is a Kotlin property read of its getter.
        assert!(prefilter.is_relevant(
            Language::Kotlin,
            b"val l = locationManager.lastKnownLocation\n"
        ));
    }

    #[test]
    fn literals_count_on_identifier_boundaries_only() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        assert!(prefilter.is_relevant(Language::Swift, b"import Adjust\n"));
        let inset = b"view.contentInsetAdjustmentBehavior = .never\n";
        assert!(!prefilter.is_relevant(Language::Swift, inset));
        let micros = b"val t = TIMEOUT_MICROSECONDS\n";
        assert!(!prefilter.is_relevant(Language::Kotlin, micros));
    }

    #[test]
    fn page_globals_count_only_where_called_or_dereferenced() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let js = Language::Javascript;
        assert!(!prefilter.is_relevant(js, b"const branch = git.currentBranch();\n"));
        assert!(prefilter.is_relevant(js, b"heap.track('Signed up');\n"));
        assert!(prefilter.is_relevant(js, b"window.heap .identify(id);\n"));
    }

    #[test]
    fn a_capability_api_needs_its_method_as_well_as_its_receiver() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let swift = Language::Swift;
        assert!(!prefilter.is_relevant(swift, b"let recorder = ScreenRecorder.shared\n"));
        assert!(prefilter.is_relevant(swift, b"try audioRecorder.record()\n"));
        // A distinctive call with an argument hint needs both.
        let js = Language::Javascript;
        assert!(!prefilter.is_relevant(js, b"const audio = new Audio(src);\n"));
        assert!(prefilter.is_relevant(js, b"navigator.webkitGetUserMedia({ audio: true }, ok)\n"));
    }
}
