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
//! `contentInsetAdjustmentBehavior`); a Swift or Objective-C module counts only where it
//! is imported (a module is reachable no other way, and `Segment` or `Branch` elsewhere
//! is just a word); a page global counts only where it is called or dereferenced
//! (`heap.track(`, `fbq(`), the only use the JavaScript analysis reads; a capability API
//! needs one of its method names (whole), its receiver unless the method is distinctive
//! (the extractor compares receivers by containment, so a substring, but not one inside
//! the method name itself: `Location` in `getLocation`), and one of its argument hints
//! when it has some (compared case-insensitively, as the extractor does).
//!
//! The automata are built per language on first use: a named-file run needs one.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{ApiDef, CapabilityDef, Language, SdkDef};
use crate::ecosystem;

#[derive(Debug)]
pub struct Prefilter {
    /// Every literal of every language, sorted, for `privlint catalog --literals`.
    literals: Vec<String>,
    /// Indexed like [`Language::ALL`]: each language's requirements, and its automata
    /// once a file of it has been looked at.
    languages: Vec<LazyFilter>,
}

#[derive(Debug)]
struct LazyFilter {
    requirements: Vec<Vec<Vec<Term>>>,
    /// `None` inside: no automaton could be built, every file passes (slow, never wrong).
    filter: OnceLock<Option<LanguageFilter>>,
}

/// Where an occurrence of a literal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Context {
    /// Anywhere, also inside a longer identifier.
    Anywhere,
    /// Anywhere, in any ASCII case (argument hints: the extractor lower-cases both sides).
    AnyCase,
    /// Not inside a longer identifier: no identifier character touches either end.
    Word,
    /// As a whole word, called or dereferenced: `(`, `.`, `?.` or `[` follows.
    Called,
    /// As a whole word on an import line (`import Adjust`, `@import Adjust;`).
    Imported,
}

/// One literal with the context it needs; requirements refer to these by index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Term {
    text: String,
    context: Context,
    /// An SDK identifier or a capability package (not an API's method, receiver or hint):
    /// what an import names.
    identifier: bool,
}

/// All of these groups must have a hit, any term of a group will do.
type Requirement = Vec<Vec<usize>>;

#[derive(Debug)]
struct LanguageFilter {
    terms: Vec<Term>,
    /// Case-sensitive automaton over every term but the `AnyCase` ones; its pattern ids
    /// map to term indexes through `exact_terms`.
    exact: AhoCorasick,
    exact_terms: Vec<usize>,
    /// Case-insensitive automaton over the `AnyCase` terms, run only when a requirement
    /// waits for one of them.
    any_case: Option<AhoCorasick>,
    any_case_terms: Vec<usize>,
    /// Terms enough by themselves (single-group requirements): the scan stops at one.
    sufficient: Vec<bool>,
    /// Requirements of two groups or more, checked after the scan.
    combined: Vec<Requirement>,
    /// For each term, the longer word terms containing it and where (`Location` is at 3
    /// in `getLocation`): an occurrence inside one of those is no receiver of its own.
    containers: Vec<Vec<(usize, usize)>>,
}

/// Which terms occur in their context in one file.
#[derive(Debug)]
struct Hits {
    /// Some occurrence lies inside no occurrence of a longer term.
    free: Vec<bool>,
    /// The longer terms whose occurrences the other occurrences lie inside.
    inside: Vec<Vec<usize>>,
    /// Some identifier term occurs on an import line (only looked for when asked).
    imported: bool,
}

/// How far [`LanguageFilter::scan`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Stop at the first term enough by itself.
    UntilSufficient,
    /// Stop at the first identifier on an import line.
    UntilImported,
    /// Every term.
    All,
}

impl Prefilter {
    pub(super) fn build(sdks: &[SdkDef], capabilities: &[CapabilityDef]) -> Prefilter {
        let mut all = Vec::new();
        let mut languages = Vec::new();
        for language in Language::ALL {
            let requirements = language_requirements(language, sdks, capabilities);
            all.extend(
                requirements
                    .iter()
                    .flatten()
                    .flatten()
                    .filter(|t| t.text.len() >= MIN_LITERAL)
                    .map(|t| t.text.clone()),
            );
            languages.push(LazyFilter {
                requirements,
                filter: OnceLock::new(),
            });
        }
        all.sort();
        all.dedup();
        Prefilter {
            literals: all,
            languages,
        }
    }

    fn filter(&self, language: Language) -> Option<&LanguageFilter> {
        let index = Language::ALL.iter().position(|l| *l == language)?;
        let lazy = self.languages.get(index)?;
        lazy.filter
            .get_or_init(|| LanguageFilter::build(&lazy.requirements))
            .as_ref()
    }

    /// Whether a file of `language` mentions anything the catalog knows for it.
    pub fn is_relevant(&self, language: Language, bytes: &[u8]) -> bool {
        self.filter(language)
            .is_none_or(|filter| filter.passes(&filter.scan(bytes, Scan::UntilSufficient)))
    }

    /// Whether a file of `language` names an SDK or a capability package on an import
    /// line (`import com.appsflyer…`, `import Adjust`, `from 'expo-location'`): generated
    /// code is parsed only then.
    pub fn imports_something(&self, language: Language, bytes: &[u8]) -> bool {
        self.filter(language).is_none_or(|filter| {
            let hits = filter.scan(bytes, Scan::UntilImported);
            hits.imported && filter.passes(&hits)
        })
    }

    /// Why a file of `language` passes: the literals of the first requirement it meets
    /// (for `PRIVLINT_STATS=files`, to review the literal sets on real code).
    pub fn reason(&self, language: Language, bytes: &[u8]) -> Option<Vec<&str>> {
        let filter = self.filter(language)?;
        let hits = filter.scan(bytes, Scan::All);
        let sufficient = (0..filter.terms.len()).find(|&i| filter.sufficient[i] && hits.any(i));
        let terms: Vec<usize> = match sufficient {
            Some(i) => vec![i],
            None => filter
                .combined
                .iter()
                .find(|r| hits.meet(r))
                .map(|groups| {
                    groups
                        .iter()
                        .filter_map(|g| g.iter().copied().find(|&i| hits.counts(i, groups)))
                        .collect()
                })
                .unwrap_or_default(),
        };
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

/// Shorter literals are not looked for (a group left with none is left out).
const MIN_LITERAL: usize = 3;

impl LanguageFilter {
    fn build(requirements: &[Vec<Vec<Term>>]) -> Option<LanguageFilter> {
        // A group with a literal too short to look for cannot be checked (a file might
        // hold only that one): it is left out, which lets more files through, never
        // fewer; a requirement left with no group at all is dropped.
        let searchable = |group: &&Vec<Term>| group.iter().all(|t| t.text.len() >= MIN_LITERAL);
        let mut terms: Vec<Term> = requirements
            .iter()
            .flat_map(|r| r.iter().filter(searchable))
            .flatten()
            .cloned()
            .collect();
        terms.sort();
        terms.dedup();
        let index = |t: &Term| terms.binary_search(t).ok();
        let mut sufficient = vec![false; terms.len()];
        let mut combined = Vec::new();
        for requirement in requirements {
            let groups: Requirement = requirement
                .iter()
                .filter(searchable)
                .map(|group| group.iter().filter_map(index).collect::<Vec<_>>())
                .filter(|group| !group.is_empty())
                .collect();
            match groups.as_slice() {
                [] => {}
                [only] => only.iter().for_each(|&i| sufficient[i] = true),
                _ => combined.push(groups),
            }
        }
        let (any_case_terms, exact_terms): (Vec<usize>, Vec<usize>) =
            (0..terms.len()).partition(|&i| terms[i].context == Context::AnyCase);
        let exact = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A full DFA: one table lookup per byte on the hot path; a few MB for ~900
            // literals, built once.
            .kind(Some(AhoCorasickKind::DFA))
            .build(exact_terms.iter().map(|&i| &terms[i].text))
            .ok()?;
        let any_case = if any_case_terms.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(any_case_terms.iter().map(|&i| &terms[i].text))
                    .ok()?,
            )
        };
        let containers = terms
            .iter()
            .map(|inner| {
                if inner.context != Context::Anywhere {
                    return Vec::new();
                }
                exact_terms
                    .iter()
                    .filter(|&&j| terms[j].context != Context::Anywhere)
                    .filter(|&&j| terms[j].text.len() > inner.text.len())
                    .flat_map(|&j| {
                        terms[j]
                            .text
                            .match_indices(inner.text.as_str())
                            .map(move |(at, _)| (j, at))
                    })
                    .collect()
            })
            .collect();
        Some(LanguageFilter {
            terms,
            exact,
            exact_terms,
            any_case,
            any_case_terms,
            sufficient,
            combined,
            containers,
        })
    }

    fn passes(&self, hits: &Hits) -> bool {
        (0..self.terms.len()).any(|i| self.sufficient[i] && hits.any(i))
            || self.combined.iter().any(|r| hits.meet(r))
    }

    fn scan(&self, bytes: &[u8], scan: Scan) -> Hits {
        let n = self.terms.len();
        let mut hits = Hits {
            free: vec![false; n],
            inside: vec![Vec::new(); n],
            imported: false,
        };
        let want_imports = scan == Scan::UntilImported;
        for found in self.exact.find_overlapping_iter(bytes) {
            let i = self.exact_terms[found.pattern().as_usize()];
            let term = &self.terms[i];
            let look_for_import = want_imports && term.identifier && !hits.imported;
            if hits.free[i] && !look_for_import {
                continue;
            }
            let (start, end) = (found.start(), found.end());
            if !in_context(bytes, start, end, term.context) {
                continue;
            }
            match self.container_around(bytes, i, start) {
                Some(j) if !hits.inside[i].contains(&j) => hits.inside[i].push(j),
                Some(_) => {}
                None => hits.free[i] = true,
            }
            if look_for_import && in_import(bytes, start) {
                hits.imported = true;
            }
            let done = match scan {
                Scan::UntilSufficient => hits.free[i] && self.sufficient[i],
                Scan::UntilImported => hits.imported,
                Scan::All => false,
            };
            if done {
                return hits;
            }
        }
        // Argument hints are looked for only when a requirement waits for nothing else.
        let waiting = self.combined.iter().any(|r| {
            r.iter().any(|g| self.is_any_case(g))
                && r.iter()
                    .filter(|g| !self.is_any_case(g))
                    .all(|g| g.iter().any(|&i| hits.counts(i, r)))
        });
        if let Some(any_case) = self.any_case.as_ref().filter(|_| waiting) {
            for found in any_case.find_overlapping_iter(bytes) {
                hits.free[self.any_case_terms[found.pattern().as_usize()]] = true;
            }
        }
        hits
    }

    fn is_any_case(&self, group: &[usize]) -> bool {
        group
            .iter()
            .all(|&i| self.terms[i].context == Context::AnyCase)
    }

    /// The longer word term whose in-context occurrence holds term `i`'s occurrence at
    /// `start`, if any.
    fn container_around(&self, bytes: &[u8], i: usize, start: usize) -> Option<usize> {
        self.containers[i].iter().find_map(|&(j, at)| {
            let outer = &self.terms[j];
            let from = start.checked_sub(at)?;
            let to = from + outer.text.len();
            (bytes.get(from..to) == Some(outer.text.as_bytes())
                && in_context(bytes, from, to, outer.context))
            .then_some(j)
        })
    }
}

impl Hits {
    /// Term `i` occurs at all.
    fn any(&self, i: usize) -> bool {
        self.free[i] || !self.inside[i].is_empty()
    }

    /// Term `i` occurs for `requirement`: somewhere of its own, or inside a longer term
    /// that is not one of the requirement's (a receiver inside the method name it goes
    /// with is no receiver).
    fn counts(&self, i: usize, requirement: &Requirement) -> bool {
        self.free[i]
            || self.inside[i]
                .iter()
                .any(|j| !requirement.iter().flatten().any(|k| k == j))
    }

    fn meet(&self, requirement: &Requirement) -> bool {
        requirement
            .iter()
            .all(|group| group.iter().any(|&i| self.counts(i, requirement)))
    }
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn in_context(bytes: &[u8], start: usize, end: usize, context: Context) -> bool {
    if matches!(context, Context::Anywhere | Context::AnyCase) {
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
        Context::Imported => in_import(bytes, start),
        _ => true,
    }
}

/// Words that open an import, a re-export or a module load in the languages privlint
/// reads (`import`, `#import`, `@import`, `#include`, `@_exported import`, `require(`,
/// `} from '…'` closing a multi-line import, `export … from`, Rust `use` and
/// `extern crate`).
const IMPORT_WORDS: &[&[u8]] = &[
    b"import", b"include", b"require", b"from", b"export", b"use", b"extern",
];

/// How far back on its line an import word is looked for.
const IMPORT_LOOKBACK: usize = 512;

/// Whether the line holding `start` has an import word before it.
fn in_import(bytes: &[u8], start: usize) -> bool {
    let floor = start.saturating_sub(IMPORT_LOOKBACK);
    let line_start = bytes[floor..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(floor, |p| floor + p + 1);
    bytes[line_start..start]
        .split(|&b| !is_identifier_byte(b))
        .any(|word| IMPORT_WORDS.contains(&word))
}

fn words(texts: impl IntoIterator<Item = String>, context: Context, identifier: bool) -> Vec<Term> {
    texts
        .into_iter()
        .map(|text| Term {
            text,
            context,
            identifier,
        })
        .collect()
}

/// Swift and Objective-C reach a module only through an import (`import Adjust`,
/// `@import Adjust;`, `#import <Adjust/Adjust.h>`); Java and Kotlin packages, npm and
/// pub.dev names and crates also count written out in full elsewhere.
fn identifier_context(language: Language) -> Context {
    match language {
        Language::Swift | Language::Objc => Context::Imported,
        _ => Context::Word,
    }
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
                identifier_context(language)
            };
            requirements.push(vec![words([literal], context, true)]);
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
                .map(|p| vec![words([p], Context::Word, true)]),
        );
    }
    requirements
}

fn is_plain_name(text: &str) -> bool {
    text.bytes().all(is_identifier_byte)
}

/// What a file calling `api` must contain: one of its method names, whole (a call
/// matches on the method name); unless the method alone is enough, the receiver's type
/// name (or the variable name it usually gets) or the dotted object path as written; and
/// one of its argument hints when it has any (the extractor requires one in the argument
/// values, which are text of the same file).
fn api_requirement(api: &ApiDef) -> Vec<Vec<Term>> {
    // A Kotlin property read calls the Java getter (`lastLocation` → `getLastLocation`).
    let properties = api.methods.iter().filter_map(|m| {
        let rest = m.strip_prefix("get")?;
        rest.starts_with(|c: char| c.is_ascii_uppercase())
            .then(|| lower_camel(rest))
    });
    let methods = api.methods.iter().cloned().chain(properties);
    let mut groups = vec![words(methods, Context::Word, false)];
    if let Some(receiver) = api.receiver.as_ref().filter(|_| !api.distinctive) {
        let last = receiver.rsplit('.').next().unwrap_or(receiver);
        let names = if last.starts_with(|c: char| c.is_ascii_uppercase()) {
            vec![last.to_string(), lower_camel(last)]
        } else {
            // `navigator.geolocation`, `Permission.microphone`: written out in code.
            vec![receiver.clone()]
        };
        groups.push(words(names, Context::Anywhere, false));
    }
    if !api.argument_hints.is_empty() {
        // The extractor compares hint and arguments with whitespace removed.
        let hints = api
            .argument_hints
            .iter()
            .map(|h| h.split_whitespace().collect::<String>());
        groups.push(words(hints, Context::AnyCase, false));
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

    #[test]
    fn swift_and_objc_modules_count_only_where_imported() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let swift = Language::Swift;
        assert!(prefilter.is_relevant(swift, b"@_exported import Segment\n"));
        assert!(prefilter.is_relevant(swift, b"import class Segment.Analytics\n"));
        // A module name elsewhere is a word like any other.
        assert!(!prefilter.is_relevant(swift, b"let s = Segment(start: 0, end: 3)\n"));
        let objc = Language::Objc;
        assert!(prefilter.is_relevant(objc, b"#import <Adjust/Adjust.h>\n"));
        assert!(prefilter.is_relevant(objc, b"@import Adjust;\n"));
        assert!(!prefilter.is_relevant(objc, b"[self.branch setTitle:@\"Branch\"];\n"));
    }

    #[test]
    fn a_receiver_inside_its_own_method_name_is_no_receiver() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let dart = Language::Dart;
        // `Location` only inside `getLocation`: the call has no location receiver.
        assert!(!prefilter.is_relevant(dart, b"final p = await repo.getLocation();\n"));
        assert!(prefilter.is_relevant(dart, b"final p = await location.getLocation();\n"));
        assert!(prefilter.is_relevant(dart, b"final l = Location();\nawait l.getLocation();\n"));
    }

    #[test]
    fn an_api_with_argument_hints_needs_one_in_any_case() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let js = Language::Javascript;
        let camera = b"request(PERMISSIONS.IOS.CAMERA).then(go);\n";
        assert!(!prefilter.is_relevant(js, camera));
        let location = b"request(PERMISSIONS.IOS.LOCATION_WHEN_IN_USE).then(go);\n";
        assert!(prefilter.is_relevant(js, location));
        let kotlin = Language::Kotlin;
        let media = b"contentResolver.query(MediaStore.Images.Media.EXTERNAL_CONTENT_URI, p, null, null, null)\n";
        assert!(!prefilter.is_relevant(kotlin, media));
        let contacts =
            b"contentResolver.query(ContactsContract.Contacts.CONTENT_URI, p, null, null, null)\n";
        assert!(prefilter.is_relevant(kotlin, contacts));
        // The extractor lower-cases hints and arguments: so does the prefilter.
        let swift = Language::Swift;
        assert!(!prefilter.is_relevant(
            swift,
            b"try session.setCategory(.playback)\nlet recorded = true\n"
        ));
        assert!(prefilter.is_relevant(swift, b"try session.setCategory(.PlayAndRecord)\n"));
    }

    #[test]
    fn imports_are_told_apart_from_other_mentions() {
        let catalog = Catalog::embedded().expect("catalog");
        let prefilter = catalog.prefilter();
        let kotlin = Language::Kotlin;
        assert!(prefilter.imports_something(kotlin, b"import com.appsflyer.AppsFlyerLib\n"));
        let qualified = b"val lib = com.appsflyer.AppsFlyerLib.getInstance()\n";
        assert!(prefilter.is_relevant(kotlin, qualified));
        assert!(!prefilter.imports_something(kotlin, qualified));
        let js = Language::Javascript;
        let multi_line = b"import {\n  getCurrentPositionAsync,\n} from 'expo-location';\n";
        assert!(prefilter.imports_something(js, multi_line));
        assert!(prefilter.imports_something(js, b"const m = require('mixpanel-browser');\n"));
        // A capability call alone is no import.
        let call = b"navigator.geolocation.getCurrentPosition(ok)\n";
        assert!(prefilter.is_relevant(js, call));
        assert!(!prefilter.imports_something(js, call));
    }
}
