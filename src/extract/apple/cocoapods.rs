//! CocoaPods: `Podfile` (Ruby, tokenised line by line, never evaluated) and
//! `Podfile.lock` (YAML).

use std::collections::HashSet;

use crate::extract::FileInput;
use crate::extract::lockfile::{LockGraph, LockedPackage};
use crate::model::{EvidenceKind, FileFacts, Marker, Presence, Resolution};

/// Every `pod 'Name'` of a Podfile, wherever it sits (`target … do`, `abstract_target`,
/// `def helper … end`); the Podfile's folder is an iOS app.
pub fn extract_podfile(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    facts.marker(input.loc(1, 1), Marker::IosApp);
    let mut seen = HashSet::new();
    let mut in_block_comment = false;
    let mut line_start = 0;
    for line in input.text.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        // Ruby block comments: `=begin` … `=end` at the start of a line.
        if in_block_comment {
            in_block_comment = !line.starts_with("=end");
            continue;
        }
        if line.starts_with("=begin") {
            in_block_comment = true;
            continue;
        }
        for statement in statements(line) {
            let Some(pod) = pod_statement(&statement) else {
                continue;
            };
            if !seen.insert(pod.name.clone()) {
                continue;
            }
            let Some(sdk) = input.catalog.sdk_for_pod(&pod.name) else {
                continue;
            };
            let detail = match &pod.requirement {
                Some(req) => format!("pod '{}', '{req}'", pod.name),
                None => format!("pod '{}'", pod.name),
            };
            facts.push(
                input.at(offset + statement.offset),
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Dependency,
                },
                detail,
            );
        }
    }
    facts
}

/// One Ruby statement as tokens, with the byte offset (in its line) where it starts.
struct Statement {
    offset: usize,
    tokens: Vec<RubyToken>,
}

#[derive(Debug, PartialEq)]
enum RubyToken {
    Word(String),
    Str(String),
    Punct(char),
}

/// Split a line into statements (`;` separates them) of tokens, dropping the `#`
/// comment; string contents are kept as strings, never as words.
fn statements(line: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut current = Statement {
        offset: 0,
        tokens: Vec::new(),
    };
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if current.tokens.is_empty() && !c.is_whitespace() {
            current.offset = i;
        }
        match c {
            '#' => break,
            ';' => {
                out.push(std::mem::replace(
                    &mut current,
                    Statement {
                        offset: i + 1,
                        tokens: Vec::new(),
                    },
                ));
            }
            '\'' | '"' => {
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        d if d == c => {
                            closed = true;
                            break;
                        }
                        d => value.push(d),
                    }
                }
                if closed {
                    current.tokens.push(RubyToken::Str(value));
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == ':' => {
                let mut word = c.to_string();
                while let Some(&(_, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '?' || d == '!' {
                        word.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                current.tokens.push(RubyToken::Word(word));
            }
            c if c.is_whitespace() => {}
            c => current.tokens.push(RubyToken::Punct(c)),
        }
    }
    out.push(current);
    out.retain(|s| !s.tokens.is_empty());
    out
}

struct PodRef {
    name: String,
    requirement: Option<String>,
}

/// `pod 'Name'`, `pod('Name', '~> 1.0')`, `pod "Name/Sub", :git => …`.
fn pod_statement(statement: &Statement) -> Option<PodRef> {
    let mut tokens = statement.tokens.iter();
    if tokens.next()? != &RubyToken::Word("pod".into()) {
        return None;
    }
    let mut next = tokens.next()?;
    if next == &RubyToken::Punct('(') {
        next = tokens.next()?;
    }
    let RubyToken::Str(name) = next else {
        return None;
    };
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    // A version requirement is a string argument right after the name.
    let requirement = match (tokens.next(), tokens.next()) {
        (Some(RubyToken::Punct(',')), Some(RubyToken::Str(req))) => Some(req.clone()),
        _ => None,
    };
    Some(PodRef {
        name: name.to_string(),
        requirement,
    })
}

/// The pods of a Podfile.lock (`PODS`, their nested dependencies and `DEPENDENCIES`),
/// each once, at its first line, with the locked version.
pub fn extract_lock(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    if let Err(e) = crate::yaml::from_str::<crate::yaml::Value>(input.text) {
        let at = e.offset.map_or(input.loc(1, 1), |offset| input.at(offset));
        facts.problem(at, format!("malformed Podfile.lock: {e}"));
        return facts;
    }
    let mut section = "";
    let mut seen = HashSet::new();
    let mut line_start = 0;
    let mut entries: Vec<LockEntry> = Vec::new();
    for line in input.text.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        let trimmed = line.trim_end();
        if !trimmed.starts_with([' ', '-']) {
            section = trimmed.split(':').next().unwrap_or("");
            continue;
        }
        if section != "PODS" && section != "DEPENDENCIES" {
            continue;
        }
        let body = trimmed.trim_start();
        let Some(item) = body.strip_prefix("- ") else {
            continue;
        };
        let indent = trimmed.len() - body.len();
        // Top-level entries sit at two spaces; deeper ones are a pod's dependencies.
        let nested = indent > 2;
        let item = item.trim().trim_end_matches(':').trim_matches(['"', '\'']);
        let (name, version) = match item.split_once(" (") {
            Some((name, rest)) => (name.trim(), Some(rest.trim_end_matches(')'))),
            None => (item.trim(), None),
        };
        if name.is_empty() {
            continue;
        }
        entries.push((
            name.to_string(),
            version.map(str::to_string),
            section == "PODS" && !nested,
            offset + indent + 2,
            section == "DEPENDENCIES",
        ));
    }
    let graph = pod_graph(&entries);
    let shipped = graph.shipped();
    for (name, _, _, offset, _) in &entries {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(sdk) = input.catalog.sdk_for_pod(name) else {
            continue;
        };
        // The version a top-level PODS entry locks; nested and DEPENDENCIES entries
        // only hold requirements.
        let locked = entries
            .iter()
            .find(|(n, v, top, _, _)| n == name && *top && v.is_some())
            .and_then(|(_, v, _, _, _)| v.clone());
        let detail = match &locked {
            Some(version) => format!("{name} {version}"),
            None => name.clone(),
        };
        let (direct, via) = graph.resolve(&shipped, name);
        facts.push_resolved(
            input.at(*offset),
            sdk.id.clone(),
            detail,
            Resolution {
                direct,
                via,
                version: locked,
                ..Resolution::default()
            },
        );
    }
    facts
}

/// A Podfile.lock entry: name, locked version, top-level `PODS` entry, offset, listed
/// under `DEPENDENCIES`.
type LockEntry = (String, Option<String>, bool, usize, bool);

/// The pod graph of a Podfile.lock: each top-level `PODS` entry with the entries
/// nested under it; `DEPENDENCIES` are the app's own.
fn pod_graph(entries: &[LockEntry]) -> LockGraph {
    let mut graph = LockGraph::default();
    for (name, _, top, _, declared) in entries {
        if *declared {
            graph.direct.insert(name.clone());
            graph.knows_direct = true;
        } else if *top {
            graph.packages.push(LockedPackage {
                name: name.clone(),
                ..LockedPackage::default()
            });
        } else if let Some(parent) = graph.packages.last_mut() {
            parent.dependencies.push(name.clone());
        }
    }
    graph
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;

    fn run(f: fn(&FileInput) -> FileFacts, text: &str) -> FileFacts {
        let catalog = test_support::catalog();
        let input = FileInput::new("ios/Podfile", text.as_bytes(), text, &catalog);
        f(&input)
    }

    use crate::extract::apple::plist::test_support::summary;

    #[test]
    fn podfile_pods_in_targets_helpers_and_abstract_targets() {
        let text = r#"platform :ios, '15.0'
# pod 'Google-Mobile-Ads-SDK'  (commented out)
use_frameworks!

def tracking_pods
  pod 'AppsFlyerFramework', '~> 6.12'
end

abstract_target 'Shared' do
  pod "BrazeKit", :git => 'https://github.com/braze-inc/braze-swift-sdk-prebuilt-static.git'
  target 'Demo' do
    tracking_pods
    pod('Google-Mobile-Ads-SDK')
    pod 'BrazeLocation/Core'; pod 'Alamofire'
    pod 'BrazeKit'
  end
end
=begin
pod 'Unused'
=end
puts "pod 'AppsFlyerFramework'"
"#;
        let facts = run(extract_podfile, text);
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].marker, Marker::IosApp);
        assert_eq!(
            summary(&facts),
            vec![
                "6:3 appsflyer pod 'AppsFlyerFramework', '~> 6.12'",
                "10:3 braze pod 'BrazeKit'",
                "13:5 google-mobile-ads pod 'Google-Mobile-Ads-SDK'",
                "14:5 braze pod 'BrazeLocation/Core'",
            ]
        );
    }

    #[test]
    fn podfile_garbage_never_panics() {
        for text in [
            "pod",
            "pod '",
            "pod (",
            "pod 'é",
            "\u{feff}pod 'BrazeKit'\n",
            "pod \"a\\",
        ] {
            let _ = run(extract_podfile, text);
        }
    }

    const LOCK: &str = r#"PODS:
  - AppsFlyerFramework (6.12.2):
    - AppsFlyerFramework/Main (= 6.12.2)
  - AppsFlyerFramework/Main (6.12.2)
  - BrazeKit (9.0.0)
  - "Google-Mobile-Ads-SDK (11.2.0)":
    - GoogleUserMessagingPlatform (>= 1.1)
  - GoogleUserMessagingPlatform (2.1.0)

DEPENDENCIES:
  - AppsFlyerFramework (~> 6.12)
  - BrazeKit
  - Google-Mobile-Ads-SDK

SPEC REPOS:
  trunk:
    - BrazeKit

SPEC CHECKSUMS:
  BrazeKit: 0123456789abcdef

COCOAPODS: 1.15.2
"#;

    #[test]
    fn lock_pods_say_which_the_app_declares_and_what_pulls_the_rest() {
        let facts = run(extract_lock, LOCK);
        let rows: Vec<String> = facts
            .evidence
            .iter()
            .map(|e| {
                let r = e.resolution.as_deref().expect("lock evidence is resolved");
                format!("{} {:?} {}", e.detail, r.direct, r.via.join(">"))
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                "AppsFlyerFramework 6.12.2 Some(true) ",
                "AppsFlyerFramework/Main 6.12.2 Some(false) AppsFlyerFramework",
                "BrazeKit 9.0.0 Some(true) ",
                "Google-Mobile-Ads-SDK 11.2.0 Some(true) ",
            ]
        );
    }

    #[test]
    fn lock_pods_with_versions_once_each() {
        let facts = run(extract_lock, LOCK);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert!(facts.markers.is_empty());
        assert_eq!(
            summary(&facts),
            vec![
                "2:5 appsflyer AppsFlyerFramework 6.12.2",
                "3:7 appsflyer AppsFlyerFramework/Main 6.12.2",
                "5:5 braze BrazeKit 9.0.0",
                "6:5 google-mobile-ads Google-Mobile-Ads-SDK 11.2.0",
            ]
        );
    }

    #[test]
    fn lock_malformed_yaml_is_a_problem() {
        let facts = run(extract_lock, "PODS:\n  - BrazeKit (9.0.0)\n - [oops\n");
        assert_eq!(facts.problems.len(), 1);
        assert!(facts.evidence.is_empty());
    }
}
