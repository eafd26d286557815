//! Xcode projects: `project.pbxproj` and `.xcconfig` build settings, and what they share
//! with XcodeGen specs (`xcodegen`): `INFOPLIST_KEY_` usage settings and Swift package
//! references refined by the products targets link.
//!
//! A pbxproj is an old-style (OpenStep) ASCII plist, read by [`openstep`], which keeps
//! each string's byte offset so evidence points at the build setting or package URL it
//! came from.

mod openstep;

use std::collections::{HashMap, HashSet};

use crate::catalog::{Catalog, IdKind, SdkDef};
use crate::extract::FileInput;
use crate::extract::apple::plist::{is_usage_key, usage_key_evidence};
use crate::model::{EvidenceKind, FileFacts, Location, Marker, Presence};
use openstep::{PbxValue, Reader};

const APPLICATION_PRODUCT: &str = "com.apple.product-type.application";
pub(super) const INFOPLIST_KEY_PREFIX: &str = "INFOPLIST_KEY_";
/// Deeper nesting than any real project: stop instead of overflowing the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// Application targets, `INFOPLIST_KEY_…UsageDescription` build settings and remote
/// Swift package references of a `project.pbxproj`.
pub fn extract_pbxproj(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let root = match Reader::new(input.text).document() {
        Ok(root) => root,
        Err((offset, reason)) => {
            facts.problem(
                input.at(offset),
                format!("malformed project.pbxproj: {reason}"),
            );
            return facts;
        }
    };
    let Some(objects) = root.get("objects").and_then(PbxValue::entries) else {
        facts.problem(
            input.loc(1, 1),
            "project.pbxproj has no `objects` dictionary",
        );
        return facts;
    };
    let mut seen_keys = HashSet::new();
    let mut is_app = false;
    // Package references (object id, URL, offset) and the products targets link from
    // each, resolved after the loop: objects may come in any order.
    let mut packages: Vec<(&str, &str, usize)> = Vec::new();
    let mut products: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
    for (object_id, _, object) in objects {
        match object.get("isa").and_then(PbxValue::string) {
            Some("PBXNativeTarget") => {
                is_app |= object.get("productType").and_then(PbxValue::string)
                    == Some(APPLICATION_PRODUCT);
            }
            Some("XCBuildConfiguration") => {
                let settings = object.get("buildSettings").and_then(PbxValue::entries);
                for (key, offset, value) in settings.unwrap_or_default() {
                    build_setting_at(input, key, *offset, &mut seen_keys, &mut facts);
                    if key == "INFOPLIST_FILE"
                        && let Some(file) = value.string()
                    {
                        info_plist_file(input, file, *offset, &mut facts);
                    }
                }
            }
            Some("XCRemoteSwiftPackageReference") => {
                if let Some(PbxValue::Str(url, offset)) = object.get("repositoryURL") {
                    packages.push((object_id, url, *offset));
                }
            }
            Some("XCSwiftPackageProductDependency") => {
                let package = object.get("package").and_then(PbxValue::string);
                if let (Some(package), Some(PbxValue::Str(name, offset))) =
                    (package, object.get("productName"))
                {
                    products.entry(package).or_default().push((name, *offset));
                }
            }
            _ => {}
        }
    }
    for (object_id, url, offset) in packages {
        let linked = products.get(object_id).map_or(&[][..], Vec::as_slice);
        spm_dependency(input, url, input.at(offset), linked, &mut facts);
    }
    if is_app {
        facts.marker(input.loc(1, 1), Marker::IosApp);
    }
    facts
}

/// `INFOPLIST_KEY_<usage key>`: one piece of evidence per key, however many
/// configurations (Debug, Release…) repeat it.
pub(super) fn build_setting(
    input: &FileInput,
    setting: &str,
    at: Location,
    seen: &mut HashSet<String>,
    facts: &mut FileFacts,
) {
    usage_setting(input, setting, || at, seen, facts);
}

/// [`build_setting`] at byte `offset`. The location is computed only for a setting
/// that becomes evidence: a large project has tens of thousands of settings.
fn build_setting_at(
    input: &FileInput,
    setting: &str,
    offset: usize,
    seen: &mut HashSet<String>,
    facts: &mut FileFacts,
) {
    usage_setting(input, setting, || input.at(offset), seen, facts);
}

fn usage_setting(
    input: &FileInput,
    setting: &str,
    at: impl FnOnce() -> Location,
    seen: &mut HashSet<String>,
    facts: &mut FileFacts,
) {
    // Conditional settings look like `INFOPLIST_KEY_X[sdk=iphoneos*]`.
    let setting = setting.split('[').next().unwrap_or(setting).trim();
    let Some(key) = setting.strip_prefix(INFOPLIST_KEY_PREFIX) else {
        return;
    };
    let known = is_usage_key(key) || input.catalog.plist_key(key).is_some();
    if known && seen.insert(key.to_string()) {
        usage_key_evidence(input.catalog, key, at(), facts);
    }
}

/// A Swift package repository URL the catalog knows, refined by the products the
/// targets link from it. One repository can ship several SDKs (firebase-ios-sdk ships
/// Analytics, Crashlytics, Messaging…), so a linked product that is a catalog module
/// names its SDK at the product; a package linked only through products that belong
/// to no catalog SDK (FirebaseMessaging) is not the SDK that owns its URL. Without
/// linked products, or when the owner lists no modules to compare with, the URL is
/// the evidence.
pub(super) fn spm_dependency(
    input: &FileInput,
    url: &str,
    at: Location,
    products: &[(&str, usize)],
    facts: &mut FileFacts,
) {
    let Some(owner) = input.catalog.lookup(IdKind::Spm, url) else {
        return;
    };
    let owner_modules = &owner.identifiers.ios_modules;
    // Build-tool plugins (`plugin:Name`) run at build time and ship nothing.
    let shipped: Vec<&(&str, usize)> = products
        .iter()
        .filter(|(name, _)| !name.starts_with("plugin:"))
        .collect();
    if let Some(&&(_, first)) = shipped.first() {
        // Lock files (Package.resolved) pin the URL whatever is linked: the linker
        // compares their pins with these products.
        let mut names: Vec<String> = Vec::new();
        for (name, _) in &shipped {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        facts.marker(
            input.at(first),
            Marker::SwiftPackageProducts {
                url: url.to_string(),
                products: names,
            },
        );
    }
    if shipped.is_empty() || owner_modules.is_empty() {
        push_spm(facts, at, &owner.id, url.to_string());
        return;
    }
    let mut reported = HashSet::new();
    for &&(name, offset) in &shipped {
        let sdk = product_sdk(input.catalog, owner, name);
        if let Some(sdk) = sdk
            && reported.insert(sdk.id.clone())
        {
            push_spm(facts, input.at(offset), &sdk.id, format!("{url} ({name})"));
        }
    }
}

/// The SDK a Swift package product ships, if any: a product that is a catalog module
/// names its SDK; a product variant keeps the module name of the package's owner as a
/// prefix (`FirebaseAnalyticsWithoutAdIdSupport`). Shared with the linker, which refines
/// lock-file pins by the products linked from them.
pub fn product_sdk<'c>(
    catalog: &'c Catalog,
    owner: &'c SdkDef,
    product: &str,
) -> Option<&'c SdkDef> {
    catalog.lookup(IdKind::Module, product).or_else(|| {
        owner
            .identifiers
            .ios_modules
            .iter()
            .any(|m| product.starts_with(m.as_str()))
            .then_some(owner)
    })
}

/// `INFOPLIST_FILE = App/Info.plist`: the target's Info.plist, relative to the folder
/// holding the `.xcodeproj` (`$(SRCROOT)` and `$(PROJECT_DIR)` are that folder). A value
/// built from other variables, or leaving the scan root, names nothing we can point at.
fn info_plist_file(input: &FileInput, file: &str, offset: usize, facts: &mut FileFacts) {
    let file = file
        .trim_start_matches("$(SRCROOT)/")
        .trim_start_matches("$(PROJECT_DIR)/")
        .trim_start_matches("./");
    if file.is_empty() || file.contains('$') || file.starts_with('/') {
        return;
    }
    // project.pbxproj sits in `<dir>/<Name>.xcodeproj/`.
    let project_dir = input
        .path
        .rsplitn(3, '/')
        .nth(2)
        .filter(|_| input.path.matches('/').count() >= 2)
        .unwrap_or("");
    let mut parts: Vec<&str> = project_dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in file.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return;
                }
            }
            s => parts.push(s),
        }
    }
    let path = parts.join("/");
    facts.push(
        input.at(offset),
        EvidenceKind::InfoPlistFile { path: path.clone() },
        format!("INFOPLIST_FILE {path}"),
    );
}

fn push_spm(facts: &mut FileFacts, at: Location, sdk: &str, detail: String) {
    facts.push(
        at,
        EvidenceKind::SdkPresence {
            sdk: sdk.to_string(),
            via: Presence::Dependency,
        },
        detail,
    );
}

/// `INFOPLIST_KEY_…UsageDescription = …` lines of an `.xcconfig`.
pub fn extract_xcconfig(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut seen = HashSet::new();
    let mut line_start = 0;
    for line in input.text.split_inclusive('\n') {
        let code = line.split("//").next().unwrap_or("");
        if let Some((setting, _)) = code.split_once('=') {
            let indent = setting.len() - setting.trim_start().len();
            build_setting_at(
                input,
                setting.trim(),
                line_start + indent,
                &mut seen,
                &mut facts,
            );
        }
        line_start += line.len();
    }
    facts
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;
    use crate::model::Evidence;

    pub(in crate::extract::apple) fn run(
        f: fn(&FileInput) -> FileFacts,
        path: &str,
        text: &str,
    ) -> FileFacts {
        let catalog = test_support::catalog();
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        f(&input)
    }

    pub(in crate::extract::apple) fn summary(evidence: &[Evidence]) -> Vec<String> {
        evidence
            .iter()
            .map(|e| {
                let kind = match &e.kind {
                    EvidenceKind::PurposeString { key } => format!("purpose {key}"),
                    EvidenceKind::CapabilityDeclared {
                        capability, level, ..
                    } => {
                        format!("declared {capability} bg={}", level.background)
                    }
                    EvidenceKind::SdkPresence { sdk, via } => format!("sdk {sdk} {via:?}"),
                    other => format!("{other:?}"),
                };
                format!("{}:{} {kind}", e.at.line, e.at.column)
            })
            .collect()
    }

    const PBXPROJ: &str = r#"// !$*UTF8*$!
{
	archiveVersion = 1;
	classes = {
	};
	objectVersion = 56;
	objects = {

/* Begin PBXNativeTarget section */
		1A0000000000000000000001 /* Demo */ = {
			isa = PBXNativeTarget;
			buildPhases = (
				1A0000000000000000000002 /* Sources */,
			);
			name = Demo;
			productName = Demo;
			productType = "com.apple.product-type.application";
		};
/* End PBXNativeTarget section */
		1A0000000000000000000003 /* Debug */ = {
			isa = XCBuildConfiguration;
			buildSettings = {
				INFOPLIST_KEY_NSMicrophoneUsageDescription = "Records voice memos.";
				INFOPLIST_KEY_UILaunchScreen_Generation = YES;
				PRODUCT_BUNDLE_IDENTIFIER = com.example.demo;
			};
			name = Debug;
		};
		1A0000000000000000000004 /* Release */ = {
			isa = XCBuildConfiguration;
			buildSettings = {
				INFOPLIST_KEY_NSMicrophoneUsageDescription = "Records voice memos.";
			};
			name = Release;
		};
		1A0000000000000000000005 /* XCRemoteSwiftPackageReference "braze-swift-sdk" */ = {
			isa = XCRemoteSwiftPackageReference;
			repositoryURL = "https://github.com/braze-inc/braze-swift-sdk.git";
			requirement = {
				kind = upToNextMajorVersion;
				minimumVersion = 9.0.0;
			};
		};
		1A0000000000000000000006 /* XCRemoteSwiftPackageReference "Alamofire" */ = {
			isa = XCRemoteSwiftPackageReference;
			repositoryURL = "https://github.com/Alamofire/Alamofire";
		};
	};
	rootObject = 1A0000000000000000000007 /* Project object */;
}
"#;

    #[test]
    fn pbxproj_app_target_build_settings_and_packages() {
        let facts = run(extract_pbxproj, "Demo.xcodeproj/project.pbxproj", PBXPROJ);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].marker, Marker::IosApp);
        assert_eq!(facts.markers[0].at.line, 1);
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "23:5 purpose NSMicrophoneUsageDescription",
                "23:5 declared microphone bg=false",
                "38:20 sdk braze Dependency",
            ]
        );
    }

    /// A project with `configurations` build configurations of many ordinary settings
    /// (some with non-ASCII values) and one usage key in the last configuration.
    fn large_pbxproj(configurations: usize) -> String {
        let mut objects = String::new();
        for c in 0..configurations {
            objects.push_str(&format!(
                "\t\tC{c:023} /* Débogage {c} */ = {{\n\t\t\tisa = XCBuildConfiguration;\n\t\t\tbuildSettings = {{\n"
            ));
            for s in 0..40 {
                objects.push_str(&format!("\t\t\t\tSETTING_{s} = \"valeur é€😀 {s}\";\n"));
            }
            if c + 1 == configurations {
                objects.push_str(
                    "\t\t\t\tINFOPLIST_KEY_NSMicrophoneUsageDescription = \"Mémos vocaux.\";\n",
                );
            }
            objects.push_str("\t\t\t};\n\t\t\tname = Debug;\n\t\t};\n");
        }
        format!("// !$*UTF8*$!\n{{\n\tobjects = {{\n{objects}\t}};\n}}\n")
    }

    #[test]
    fn pbxproj_locations_from_the_line_index_match_counting_from_the_start() {
        let text = large_pbxproj(300);
        let facts = run(extract_pbxproj, "Big.xcodeproj/project.pbxproj", &text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let offset = text.find("INFOPLIST_KEY_NSMicrophone").unwrap();
        let counted = Location::at_offset("Big.xcodeproj/project.pbxproj", &text, offset);
        assert_eq!(
            summary(&facts.evidence),
            vec![
                format!("{}:5 purpose NSMicrophoneUsageDescription", counted.line),
                format!("{}:5 declared microphone bg=false", counted.line),
            ]
        );
        assert!(facts.evidence.iter().all(|e| e.at == counted));
    }

    /// A pbxproj linking `products` from one firebase-ios-sdk package reference.
    fn firebase_pbxproj(products: &[&str]) -> String {
        let mut objects = String::from(
            "\t\tAA01 /* XCRemoteSwiftPackageReference */ = {\n\t\t\tisa = XCRemoteSwiftPackageReference;\n\t\t\trepositoryURL = \"https://github.com/firebase/firebase-ios-sdk.git\";\n\t\t};\n",
        );
        for (i, product) in products.iter().enumerate() {
            objects.push_str(&format!(
                "\t\tBB0{i} /* {product} */ = {{\n\t\t\tisa = XCSwiftPackageProductDependency;\n\t\t\tpackage = AA01;\n\t\t\tproductName = {product};\n\t\t}};\n"
            ));
        }
        format!("{{\n\tobjects = {{\n{objects}\t}};\n}}\n")
    }

    fn run_embedded(text: &str) -> Vec<String> {
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let input = FileInput::new(
            "App.xcodeproj/project.pbxproj",
            text.as_bytes(),
            text,
            &catalog,
        );
        let facts = extract_pbxproj(&input);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        summary(&facts.evidence)
    }

    #[test]
    fn pbxproj_shared_package_url_is_refined_by_linked_products() {
        // Only FirebaseMessaging linked: the Firebase URL is not Firebase Analytics.
        assert!(run_embedded(&firebase_pbxproj(&["FirebaseMessaging"])).is_empty());
        // The linked products are recorded for the linker (lock-file pins).
        let text = firebase_pbxproj(&["FirebaseMessaging", "plugin:Lint", "FirebaseMessaging"]);
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let input = FileInput::new(
            "App.xcodeproj/project.pbxproj",
            text.as_bytes(),
            &text,
            &catalog,
        );
        let markers: Vec<(u32, Marker)> = extract_pbxproj(&input)
            .markers
            .into_iter()
            .map(|m| (m.at.line, m.marker))
            .collect();
        assert_eq!(
            markers,
            vec![(
                10,
                Marker::SwiftPackageProducts {
                    url: "https://github.com/firebase/firebase-ios-sdk.git".into(),
                    products: vec!["FirebaseMessaging".into()]
                }
            )]
        );
        // Analytics and Crashlytics linked: one SDK each, at the product name.
        assert_eq!(
            run_embedded(&firebase_pbxproj(&[
                "FirebaseMessaging",
                "FirebaseAnalytics",
                "FirebaseCrashlytics",
            ])),
            vec![
                "15:18 sdk firebase-analytics Dependency",
                "20:18 sdk firebase-crashlytics Dependency",
            ]
        );
        // A product variant keeps the module name as its prefix.
        assert_eq!(
            run_embedded(&firebase_pbxproj(&["FirebaseAnalyticsWithoutAdIdSupport"])),
            vec!["10:18 sdk firebase-analytics Dependency"]
        );
        // No product linked (a package added but not yet used): the URL is the evidence.
        assert_eq!(
            run_embedded(&firebase_pbxproj(&[])),
            vec!["5:20 sdk firebase-analytics Dependency"]
        );
    }

    #[test]
    fn pbxproj_framework_target_is_not_an_app() {
        let text = PBXPROJ.replace("product-type.application", "product-type.framework");
        let facts = run(extract_pbxproj, "Kit.xcodeproj/project.pbxproj", &text);
        assert!(facts.markers.is_empty());
    }

    #[test]
    fn pbxproj_comment_mentioning_a_setting_is_ignored() {
        let text = PBXPROJ.replace(
            "PRODUCT_BUNDLE_IDENTIFIER = com.example.demo;",
            "/* INFOPLIST_KEY_NSContactsUsageDescription = \"x\"; */ PRODUCT_BUNDLE_IDENTIFIER = com.example.demo;",
        );
        let facts = run(extract_pbxproj, "p/project.pbxproj", &text);
        assert!(
            !summary(&facts.evidence)
                .iter()
                .any(|s| s.contains("Contacts"))
        );
    }

    #[test]
    fn malformed_pbxproj_is_a_problem_at_the_break() {
        let text = PBXPROJ.replace("name = Debug;", "name = Debug");
        let facts = run(extract_pbxproj, "p/project.pbxproj", &text);
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 28, "{:?}", facts.problems[0]);
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn pbxproj_never_panics_on_garbage() {
        for text in [
            "",
            "{",
            "{ a = (",
            "{ a = \"unclosed",
            "/* x",
            "{ a = b; } trailing",
            "\u{e9}{}",
        ] {
            let facts = run(extract_pbxproj, "p/project.pbxproj", text);
            assert_eq!(facts.problems.len(), 1, "{text:?}");
        }
    }

    #[test]
    fn xcconfig_usage_keys() {
        let text = "// Shared.xcconfig\n#include \"Base.xcconfig\"\nPRODUCT_NAME = Demo\n  INFOPLIST_KEY_NSMicrophoneUsageDescription = Records voice memos // why\n// INFOPLIST_KEY_NSContactsUsageDescription = no\nINFOPLIST_KEY_NSMicrophoneUsageDescription[sdk=iphoneos*] = again\n";
        let facts = run(extract_xcconfig, "Config/Shared.xcconfig", text);
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "4:3 purpose NSMicrophoneUsageDescription",
                "4:3 declared microphone bg=false"
            ]
        );
    }
}
