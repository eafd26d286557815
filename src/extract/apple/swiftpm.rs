//! Swift Package Manager (`Package.swift`, `Package.resolved`) and Carthage
//! (`Cartfile`, `Cartfile.resolved`).

use crate::catalog::{Catalog, IdKind, SdkDef};
use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Location, Marker, Presence};

/// `.package(url: "…", …)`, `.package(name: …, url: …)` and `.package(id: "scope.name", …)`
/// dependencies of a manifest. The manifest is Swift code but is never executed: a
/// tokenizer that skips comments finds the calls.
///
/// Target dependencies `.product(name: "P", package: "p")` on a package the catalog
/// knows become `Marker::SwiftPackageProducts { url, products }` (the linker refines
/// lock-file pins with them) and, when a product is a catalog module, presence of that
/// SDK at the product name, as `xcode.rs` does for pbxproj products.
pub fn extract_package_swift(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let tokens = swift_tokens(input.text);
    // (package identity, URL) of every `.package(url:)`.
    let mut packages: Vec<(String, String)> = Vec::new();
    // (package identity as written, product name, offset of the name).
    let mut products: Vec<(String, String, usize)> = Vec::new();
    for (i, window) in tokens.windows(3).enumerate() {
        let call = match window {
            [
                SwiftToken {
                    kind: Tok::Punct('.'),
                    ..
                },
                SwiftToken {
                    kind: Tok::Ident(name),
                    ..
                },
                SwiftToken {
                    kind: Tok::Punct('('),
                    ..
                },
            ] => name.as_str(),
            _ => continue,
        };
        if call == "product" {
            let args = call_arguments(tokens.get(i + 3..).unwrap_or_default());
            let arg = |label: &str| args.iter().find(|(l, _, _)| l == label);
            if let (Some((_, name, offset)), Some((_, package, _))) = (arg("name"), arg("package"))
                && !name.is_empty()
            {
                products.push((package.clone(), name.clone(), *offset));
            }
            continue;
        }
        if call != "package" {
            continue;
        }
        let args = call_arguments(tokens.get(i + 3..).unwrap_or_default());
        if let Some((_, url, _)) = args.iter().find(|(label, _, _)| label == "url") {
            // SwiftPM names a package by its URL's last path component, or (tools
            // versions before 5.5) by an explicit `name:`.
            let identity = args
                .iter()
                .find(|(label, _, _)| label == "name")
                .map_or_else(|| url_identity(url), |(_, name, _)| name.clone());
            packages.push((identity.to_ascii_lowercase(), url.clone()));
        }
        let found = args
            .iter()
            .find(|(label, _, _)| label == "url")
            .map(|(_, value, offset)| (input.catalog.lookup(IdKind::Spm, value), value, offset))
            .or_else(|| {
                args.iter()
                    .find(|(label, _, _)| label == "id")
                    .map(|(_, value, offset)| {
                        (registry_lookup(input.catalog, value), value, offset)
                    })
            });
        if let Some((Some(sdk), value, offset)) = found {
            push_presence(&mut facts, input.at(*offset), sdk, value.to_string());
        }
    }
    linked_products(input, &packages, &products, &mut facts);
    facts
}

/// `https://github.com/firebase/firebase-ios-sdk.git` → `firebase-ios-sdk`.
fn url_identity(url: &str) -> String {
    let path = url.trim().trim_end_matches('/');
    let last = path.rsplit(['/', ':']).next().unwrap_or(path);
    last.trim_end_matches(".git").to_string()
}

/// Markers (and product-level presence) for the products targets link from packages
/// the catalog knows.
fn linked_products(
    input: &FileInput,
    packages: &[(String, String)],
    products: &[(String, String, usize)],
    facts: &mut FileFacts,
) {
    for (identity, url) in packages {
        let Some(owner) = input.catalog.lookup(IdKind::Spm, url) else {
            continue;
        };
        let linked: Vec<&(String, String, usize)> = products
            .iter()
            .filter(|(package, _, _)| package.to_ascii_lowercase() == *identity)
            .collect();
        let Some(&(_, _, first)) = linked.first() else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        for (_, name, offset) in &linked {
            if names.contains(name) {
                continue;
            }
            names.push(name.clone());
            if let Some(sdk) = crate::extract::apple::xcode::product_sdk(input.catalog, owner, name)
                && !owner.identifiers.ios_modules.is_empty()
            {
                push_presence(facts, input.at(*offset), sdk, format!("{url} ({name})"));
            }
        }
        facts.marker(
            input.at(*first),
            Marker::SwiftPackageProducts {
                url: url.clone(),
                products: names,
            },
        );
    }
}

/// A registry identity `scope.name` is compared with the catalog's SPM entries as is
/// (catalog entries may list registry ids next to URLs).
fn registry_lookup<'c>(catalog: &'c Catalog, id: &str) -> Option<&'c SdkDef> {
    catalog.lookup(IdKind::Spm, id)
}

fn push_presence(facts: &mut FileFacts, at: Location, sdk: &SdkDef, detail: String) {
    facts.push(
        at,
        EvidenceKind::SdkPresence {
            sdk: sdk.id.clone(),
            via: Presence::Dependency,
        },
        detail,
    );
}

/// Labelled string arguments of the call whose `(` was just consumed, up to its `)`:
/// `(label, string value, byte offset of the string)`.
fn call_arguments(tokens: &[SwiftToken]) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match &token.kind {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Tok::Str(value) if depth == 0 && i >= 2 => {
                if let (Tok::Ident(label), Tok::Punct(':')) =
                    (&tokens[i - 2].kind, &tokens[i - 1].kind)
                {
                    out.push((label.clone(), value.clone(), token.offset));
                }
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal without interpolation (its contents, escapes resolved).
    Str(String),
    Punct(char),
}

#[derive(Debug)]
struct SwiftToken {
    kind: Tok,
    offset: usize,
}

/// Swift tokens without comments (nested `/* */` included) or whitespace. Strings with
/// interpolation become an empty `Str`: they name nothing a manifest lookup could use.
fn swift_tokens(text: &str) -> Vec<SwiftToken> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            i += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            let mut depth = 0usize;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b == b'"' {
            let start = i;
            let multiline = rest.starts_with(b"\"\"\"");
            let quote: &[u8] = if multiline { b"\"\"\"" } else { b"\"" };
            i += quote.len();
            let mut value = Vec::new();
            let mut interpolated = false;
            while i < bytes.len() && !bytes[i..].starts_with(quote) {
                if bytes[i] == b'\\' {
                    interpolated |= bytes.get(i + 1) == Some(&b'(');
                    if let Some(&escaped) = bytes.get(i + 1) {
                        value.push(escaped);
                    }
                    i += 2;
                } else if !multiline && bytes[i] == b'\n' {
                    break;
                } else {
                    value.push(bytes[i]);
                    i += 1;
                }
            }
            i = (i + quote.len()).min(bytes.len());
            let value = if interpolated {
                String::new()
            } else {
                String::from_utf8_lossy(&value).into_owned()
            };
            out.push(SwiftToken {
                kind: Tok::Str(value),
                offset: start,
            });
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            let start = i;
            while bytes
                .get(i)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
            {
                i += 1;
            }
            out.push(SwiftToken {
                kind: Tok::Ident(String::from_utf8_lossy(&bytes[start..i]).into_owned()),
                offset: start,
            });
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else {
            out.push(SwiftToken {
                kind: Tok::Punct(b as char),
                offset: i,
            });
            i += 1;
        }
    }
    out
}

/// Pins of a `Package.resolved`, v1 (`object.pins[].repositoryURL`) or v2/v3
/// (`pins[].location`), with their version or revision.
pub fn extract_package_resolved(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let doc: serde_json::Value = match serde_json::from_str(input.text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = input.loc(e.line().max(1) as u32, e.column().max(1) as u32);
            facts.problem(at, format!("malformed Package.resolved: {e}"));
            return facts;
        }
    };
    let pins = doc
        .get("pins")
        .or_else(|| doc.get("object").and_then(|o| o.get("pins")))
        .and_then(serde_json::Value::as_array);
    let Some(pins) = pins else {
        facts.problem(input.loc(1, 1), "Package.resolved has no `pins` array");
        return facts;
    };
    let mut cursor = 0;
    for pin in pins {
        let Some(url) = pin
            .get("location")
            .or_else(|| pin.get("repositoryURL"))
            .and_then(serde_json::Value::as_str)
        else {
            continue;
        };
        let offset = find_json_string(input.text, url, cursor);
        if let Some(o) = offset {
            cursor = o + 1;
        }
        let Some(sdk) = input.catalog.lookup(IdKind::Spm, url) else {
            continue;
        };
        let state = pin.get("state");
        let field = |name: &str| {
            state
                .and_then(|s| s.get(name))
                .and_then(serde_json::Value::as_str)
        };
        let detail = match field("version")
            .or_else(|| field("branch"))
            .or_else(|| field("revision"))
        {
            Some(version) => format!("{url} {version}"),
            None => url.to_string(),
        };
        let at = offset.map_or(input.loc(1, 1), |o| input.at(o));
        push_presence(&mut facts, at, sdk, detail);
    }
    facts
}

/// Byte offset of the JSON string literal `"value"` at or after `from` (also tried
/// with `/` escaped as `\/`).
fn find_json_string(text: &str, value: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    [
        format!("\"{value}\""),
        format!("\"{}\"", value.replace('/', "\\/")),
    ]
    .iter()
    .find_map(|needle| rest.find(needle.as_str()))
    .map(|i| from + i)
}

/// `github "owner/repo"`, `git "url"` and `binary "url"` lines of a Cartfile.
pub fn extract_cartfile(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut line_start = 0;
    for line in input.text.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let Some((origin, rest)) = body.split_once(char::is_whitespace) else {
            continue;
        };
        let Some(value) = rest
            .trim_start()
            .strip_prefix('"')
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let sdk = match origin {
            "github" => github_lookup(input.catalog, value),
            "git" => git_lookup(input.catalog, value),
            "binary" => input.catalog.lookup(IdKind::Carthage, value),
            _ => continue,
        };
        if let Some(sdk) = sdk {
            let version = rest.trim_start().splitn(3, '"').nth(2).unwrap_or("").trim();
            let detail = if version.is_empty() {
                format!("{origin} \"{value}\"")
            } else {
                format!("{origin} \"{value}\" {version}")
            };
            push_presence(&mut facts, input.at(offset + indent), sdk, detail);
        }
    }
    facts
}

/// `owner/repo` (or a full URL, which `github` also accepts).
fn github_lookup<'c>(catalog: &'c Catalog, value: &str) -> Option<&'c SdkDef> {
    if value.contains("://") {
        return git_lookup(catalog, value);
    }
    catalog
        .lookup(IdKind::Carthage, value)
        .or_else(|| catalog.lookup(IdKind::Spm, &format!("https://github.com/{value}")))
}

fn git_lookup<'c>(catalog: &'c Catalog, url: &str) -> Option<&'c SdkDef> {
    let github_repo = url
        .split_once("github.com/")
        .or_else(|| url.split_once("github.com:"))
        .map(|(_, repo)| repo.trim_end_matches('/').trim_end_matches(".git"));
    github_repo
        .and_then(|repo| catalog.lookup(IdKind::Carthage, repo))
        .or_else(|| catalog.lookup(IdKind::Spm, url))
        .or_else(|| catalog.lookup(IdKind::Carthage, url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;

    fn run(f: fn(&FileInput) -> FileFacts, text: &str) -> FileFacts {
        let catalog = test_support::catalog();
        let input = FileInput::new("Package.swift", text.as_bytes(), text, &catalog);
        f(&input)
    }

    use crate::extract::apple::plist::test_support::summary;

    #[test]
    fn package_swift_dependencies() {
        let text = r#"// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "Demo",
    dependencies: [
        // .package(url: "https://github.com/googleads/swift-package-manager-google-mobile-ads", from: "11.0.0"),
        /* .package(url: "https://github.com/AppsFlyerSDK/AppsFlyerFramework-Static", from: "6.0.0"), /* nested */ */
        .package(url: "https://github.com/braze-inc/braze-swift-sdk.git", from: "9.0.0"),
        .package(name: "AppsFlyerLib", url: "https://github.com/AppsFlyerSDK/AppsFlyerFramework-Static", .upToNextMajor(from: "6.12.0")),
        .package(id: "apple.swift-collections", from: "1.0.0"),
        .package(path: "../LocalKit"),
    ],
    targets: [.target(name: "Demo", dependencies: [.product(name: "BrazeKit", package: "braze-swift-sdk")])]
)
let note = "\(x) .package(url: \"https://github.com/googleads/swift-package-manager-google-mobile-ads\")"
"#;
        let facts = run(extract_package_swift, text);
        assert_eq!(
            summary(&facts),
            vec![
                "9:23 braze https://github.com/braze-inc/braze-swift-sdk.git",
                "10:45 appsflyer https://github.com/AppsFlyerSDK/AppsFlyerFramework-Static",
                "14:67 braze https://github.com/braze-inc/braze-swift-sdk.git (BrazeKit)",
            ]
        );
        assert_eq!(
            facts.markers.iter().map(|m| &m.marker).collect::<Vec<_>>(),
            vec![&Marker::SwiftPackageProducts {
                url: "https://github.com/braze-inc/braze-swift-sdk.git".into(),
                products: vec!["BrazeKit".into()]
            }]
        );
    }

    #[test]
    fn package_swift_linked_products_refine_a_shared_package() {
        let text = r#"// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "Relay",
    dependencies: [
        .package(url: "https://github.com/firebase/firebase-ios-sdk.git", from: "11.0.0"),
        .package(name: "Ads", url: "https://github.com/googleads/swift-package-manager-google-mobile-ads", from: "11.0.0"),
    ],
    targets: [
        .target(name: "Relay", dependencies: [
            .product(name: "FirebaseMessaging", package: "firebase-ios-sdk"),
            .product(name: "FirebaseCrashlytics", package: "Firebase-iOS-SDK"),
            // .product(name: "FirebaseAnalytics", package: "firebase-ios-sdk"),
        ]),
        .testTarget(name: "RelayTests", dependencies: [.product(name: "FirebaseMessaging", package: "firebase-ios-sdk")]),
    ]
)
"#;
        let catalog = crate::catalog::Catalog::embedded().expect("catalog");
        let input = FileInput::new("Package.swift", text.as_bytes(), text, &catalog);
        let facts = extract_package_swift(&input);
        // The URL evidence stays (the linker refines it); the Crashlytics product names
        // its own SDK at the product line.
        assert_eq!(
            summary(&facts),
            vec![
                "7:23 firebase-analytics https://github.com/firebase/firebase-ios-sdk.git",
                "8:36 google-mobile-ads https://github.com/googleads/swift-package-manager-google-mobile-ads",
                "13:28 firebase-crashlytics https://github.com/firebase/firebase-ios-sdk.git (FirebaseCrashlytics)",
            ]
        );
        let got: Vec<(u32, &Marker)> = facts
            .markers
            .iter()
            .map(|m| (m.at.line, &m.marker))
            .collect();
        // `Ads` is linked by no product: no marker, so its URL stays the evidence.
        assert_eq!(
            got,
            vec![(
                12,
                &Marker::SwiftPackageProducts {
                    url: "https://github.com/firebase/firebase-ios-sdk.git".into(),
                    products: vec!["FirebaseMessaging".into(), "FirebaseCrashlytics".into()]
                }
            )]
        );
        assert_eq!(
            url_identity("git@github.com:firebase/firebase-ios-sdk.git/"),
            "firebase-ios-sdk"
        );
    }

    #[test]
    fn package_resolved_v1_v2_v3() {
        let v1 = r#"{
  "object": {
    "pins": [
      {
        "package": "Braze",
        "repositoryURL": "https://github.com/braze-inc/braze-swift-sdk",
        "state": { "branch": null, "revision": "abc", "version": "9.0.0" }
      }
    ]
  },
  "version": 1
}"#;
        assert_eq!(
            summary(&run(extract_package_resolved, v1)),
            vec!["6:26 braze https://github.com/braze-inc/braze-swift-sdk 9.0.0"]
        );
        let v2 = r#"{
  "pins" : [
    {
      "identity" : "alamofire",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/Alamofire/Alamofire.git",
      "state" : { "revision" : "1", "version" : "5.8.0" }
    },
    {
      "identity" : "swift-package-manager-google-mobile-ads",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/googleads/swift-package-manager-google-mobile-ads.git",
      "state" : { "revision" : "deadbeef" }
    }
  ],
  "version" : 3
}"#;
        assert_eq!(
            summary(&run(extract_package_resolved, v2)),
            vec![
                "12:20 google-mobile-ads https://github.com/googleads/swift-package-manager-google-mobile-ads.git deadbeef"
            ]
        );
    }

    #[test]
    fn package_resolved_malformed_has_position() {
        let facts = run(
            extract_package_resolved,
            "{\n  \"pins\": [\n    { \"location\": }\n",
        );
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 3);
        let facts = run(extract_package_resolved, "{\"version\": 2}");
        assert_eq!(facts.problems.len(), 1);
    }

    #[test]
    fn cartfile_lines() {
        let text = "# Cartfile\ngithub \"AppsFlyerSDK/AppsFlyerFramework\" ~> 6.0\ngithub \"braze-inc/braze-swift-sdk\"\ngit \"https://github.com/AppsFlyerSDK/AppsFlyerFramework.git\" \"main\"\nbinary \"https://example.com/Unknown.json\"\n  github \"Alamofire/Alamofire\"\n";
        let facts = run(extract_cartfile, text);
        assert_eq!(
            summary(&facts),
            vec![
                "2:1 appsflyer github \"AppsFlyerSDK/AppsFlyerFramework\" ~> 6.0",
                "3:1 braze github \"braze-inc/braze-swift-sdk\"",
                "4:1 appsflyer git \"https://github.com/AppsFlyerSDK/AppsFlyerFramework.git\" \"main\"",
            ]
        );
    }

    #[test]
    fn tokenizer_survives_garbage() {
        for text in [
            "\"",
            "/*",
            "/* /* */",
            ".package(",
            ".package(url:",
            "\"\\",
            "é.package(url: \"x\"",
        ] {
            let _ = run(extract_package_swift, text);
        }
    }
}
