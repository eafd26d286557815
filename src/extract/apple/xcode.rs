//! Xcode projects: `project.pbxproj`, `.xcconfig` build settings and XcodeGen specs.
//!
//! A pbxproj is an old-style (OpenStep) ASCII plist. It is read with a small
//! tokenizer and recursive-descent reader that keeps each string's byte offset, so
//! evidence points at the build setting or package URL it came from.

use std::collections::{HashMap, HashSet};

use crate::catalog::{Catalog, IdKind, SdkDef};
use crate::extract::FileInput;
use crate::extract::apple::plist::{is_usage_key, usage_key_evidence};
use crate::model::{EvidenceKind, FileFacts, Location, Marker, Presence};
use crate::yaml::Value;

const APPLICATION_PRODUCT: &str = "com.apple.product-type.application";
const INFOPLIST_KEY_PREFIX: &str = "INFOPLIST_KEY_";
/// Deeper nesting than any real project: stop instead of overflowing the stack.
const MAX_DEPTH: usize = 64;

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
fn build_setting(
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
fn spm_dependency(
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

/// XcodeGen target dependencies `- package: Name` with `product: P` or
/// `products: [P, …]` (no product means the product named like the package).
fn xcodegen_linked_products(doc: &Value) -> HashMap<String, Vec<String>> {
    let mut linked: HashMap<String, Vec<String>> = HashMap::new();
    let targets = doc.get("targets").and_then(Value::as_mapping);
    for (_, target) in targets.into_iter().flatten() {
        let dependencies = target.get("dependencies").and_then(Value::as_sequence);
        for dependency in dependencies.into_iter().flatten() {
            let Some(package) = dependency.get("package").and_then(Value::as_str) else {
                continue;
            };
            let mut names: Vec<String> = dependency
                .get("products")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            if let Some(product) = dependency.get("product").and_then(Value::as_str) {
                names.push(product.to_string());
            }
            if names.is_empty() {
                names.push(package.to_string());
            }
            let entry = linked.entry(package.to_string()).or_default();
            for name in names {
                if !entry.contains(&name) {
                    entry.push(name);
                }
            }
        }
    }
    linked
}

/// XcodeGen `project.yml`: packages, application targets, Info.plist properties and
/// `INFOPLIST_KEY_` settings.
pub fn extract_xcodegen(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let doc: Value = match crate::yaml::from_str(input.text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.offset.map_or(input.loc(1, 1), |offset| input.at(offset));
            facts.problem(at, format!("malformed XcodeGen spec: {e}"));
            return facts;
        }
    };
    let lines = YamlLines::new(input.text);
    let linked = xcodegen_linked_products(&doc);
    if let Some(packages) = doc.get("packages").and_then(Value::as_mapping) {
        for (name, spec) in packages {
            let url = if let Some(url) = spec.get("url").and_then(Value::as_str) {
                url.to_string()
            } else if let Some(repo) = spec.get("github").and_then(Value::as_str) {
                format!("https://github.com/{repo}")
            } else {
                continue;
            };
            let written = spec
                .get("url")
                .or_else(|| spec.get("github"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let at_offset = lines
                .find(written)
                .or_else(|| name.as_str().and_then(|n| lines.find(n)));
            let at = at_offset.map_or(input.loc(1, 1), |o| input.at(o));
            let products: Vec<(&str, usize)> = name
                .as_str()
                .and_then(|n| linked.get(n))
                .into_iter()
                .flatten()
                .map(|product| {
                    let offset = lines
                        .find_where(|line| {
                            let value = line.trim_start().trim_start_matches("- ");
                            let value = value.strip_prefix("product:")?.trim();
                            (value.trim_matches(['"', '\'']) == product.as_str())
                                .then(|| line.len() - line.trim_start().len())
                        })
                        .or(at_offset)
                        .unwrap_or(0);
                    (product.as_str(), offset)
                })
                .collect();
            spm_dependency(input, &url, at, &products, &mut facts);
        }
    }
    let mut is_app = false;
    let mut seen = HashSet::new();
    if let Some(targets) = doc.get("targets").and_then(Value::as_mapping) {
        for (_, target) in targets {
            let kind = target.get("type").and_then(Value::as_str);
            is_app |= kind == Some("application");
            let properties = target
                .get("info")
                .and_then(|i| i.get("properties"))
                .and_then(Value::as_mapping);
            for (key, _) in properties.into_iter().flatten() {
                let Some(key) = key.as_str() else { continue };
                if (is_usage_key(key) || input.catalog.plist_key(key).is_some())
                    && seen.insert(key.to_string())
                {
                    let at = lines.find_key(key).map_or(input.loc(1, 1), |o| input.at(o));
                    usage_key_evidence(input.catalog, key, at, &mut facts);
                }
            }
            if let Some(settings) = target.get("settings") {
                yaml_settings(input, &lines, settings, &mut seen, &mut facts, 0);
            }
        }
    }
    if let Some(settings) = doc.get("settings") {
        yaml_settings(input, &lines, settings, &mut seen, &mut facts, 0);
    }
    if is_app {
        facts.marker(input.loc(1, 1), Marker::IosApp);
    }
    facts
}

/// Every `INFOPLIST_KEY_…` key under an XcodeGen `settings:` (base, configs, groups).
fn yaml_settings(
    input: &FileInput,
    lines: &YamlLines,
    value: &Value,
    seen: &mut HashSet<String>,
    facts: &mut FileFacts,
    depth: usize,
) {
    let Some(map) = value.as_mapping() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for (key, inner) in map {
        if let Some(key) = key.as_str()
            && key.starts_with(INFOPLIST_KEY_PREFIX)
        {
            let at = lines.find_key(key).map_or(input.loc(1, 1), |o| input.at(o));
            build_setting(input, key, at, seen, facts);
        } else {
            yaml_settings(input, lines, inner, seen, facts, depth + 1);
        }
    }
}

/// Finds where a YAML scalar is written, skipping comment lines (the loose value tree
/// carries no positions).
struct YamlLines<'a> {
    text: &'a str,
}

impl<'a> YamlLines<'a> {
    fn new(text: &'a str) -> Self {
        Self { text }
    }

    fn find_where(&self, mut hit: impl FnMut(&str) -> Option<usize>) -> Option<usize> {
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let code = line.split(" #").next().unwrap_or(line);
            if !line.trim_start().starts_with('#')
                && let Some(i) = hit(code)
            {
                return Some(start + i);
            }
            start += line.len();
        }
        None
    }

    /// First non-comment occurrence of a scalar.
    fn find(&self, value: &str) -> Option<usize> {
        if value.is_empty() {
            return None;
        }
        self.find_where(|line| line.find(value))
    }

    /// First line whose key (before `:`) is `key`, possibly quoted.
    fn find_key(&self, key: &str) -> Option<usize> {
        self.find_where(|line| {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let trimmed = trimmed.trim_start_matches("- ");
            let name = trimmed.split(':').next()?.trim().trim_matches(['"', '\'']);
            (name == key && trimmed.contains(':')).then_some(indent)
        })
    }
}

/// A value of an old-style plist, with the byte offset of each string.
#[derive(Debug)]
enum PbxValue {
    Str(String, usize),
    /// Entries in file order: key, byte offset of the key, value.
    Dict(Vec<(String, usize, PbxValue)>),
    /// Arrays are read for syntax only: nothing privlint needs lives in one.
    Array,
}

impl PbxValue {
    fn get(&self, key: &str) -> Option<&PbxValue> {
        match self {
            PbxValue::Dict(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }
    fn entries(&self) -> Option<&[(String, usize, PbxValue)]> {
        match self {
            PbxValue::Dict(entries) => Some(entries),
            _ => None,
        }
    }
    fn string(&self) -> Option<&str> {
        match self {
            PbxValue::Str(s, _) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Punct(u8),
    Str(String),
}

/// Tokenizer + reader for old-style plists. Errors carry a byte offset.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

type ReadResult<T> = Result<T, (usize, String)>;

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn document(&mut self) -> ReadResult<PbxValue> {
        let value = self.value(0)?;
        match self.next_token()? {
            None => Ok(value),
            Some((offset, _)) => Err((offset, "unexpected text after the root dictionary".into())),
        }
    }

    fn value(&mut self, depth: usize) -> ReadResult<PbxValue> {
        if depth > MAX_DEPTH {
            return Err((self.pos, "nesting is too deep".into()));
        }
        match self.next_token()? {
            Some((offset, Token::Str(s))) => Ok(PbxValue::Str(s, offset)),
            Some((_, Token::Punct(b'{'))) => self.dict(depth),
            Some((_, Token::Punct(b'('))) => self.array(depth),
            Some((offset, Token::Punct(c))) => {
                Err((offset, format!("expected a value, found `{}`", c as char)))
            }
            None => Err((self.text.len(), "unexpected end of file".into())),
        }
    }

    fn dict(&mut self, depth: usize) -> ReadResult<PbxValue> {
        let mut entries = Vec::new();
        loop {
            let (key_offset, key) = match self.next_token()? {
                Some((_, Token::Punct(b'}'))) => return Ok(PbxValue::Dict(entries)),
                Some((offset, Token::Str(key))) => (offset, key),
                Some((offset, Token::Punct(c))) => {
                    return Err((
                        offset,
                        format!("expected a key or `}}`, found `{}`", c as char),
                    ));
                }
                None => return Err((self.text.len(), "unclosed dictionary".into())),
            };
            self.expect(b'=')?;
            let value = self.value(depth + 1)?;
            self.expect(b';')?;
            entries.push((key, key_offset, value));
        }
    }

    fn array(&mut self, depth: usize) -> ReadResult<PbxValue> {
        loop {
            let save = self.pos;
            if let Some((_, Token::Punct(b')'))) = self.next_token()? {
                return Ok(PbxValue::Array);
            }
            self.pos = save;
            self.value(depth + 1)?;
            match self.next_token()? {
                Some((_, Token::Punct(b','))) => {}
                Some((_, Token::Punct(b')'))) => return Ok(PbxValue::Array),
                Some((offset, _)) => {
                    return Err((offset, "expected `,` or `)` in an array".into()));
                }
                None => return Err((self.text.len(), "unclosed array".into())),
            }
        }
    }

    fn expect(&mut self, wanted: u8) -> ReadResult<()> {
        match self.next_token()? {
            Some((_, Token::Punct(c))) if c == wanted => Ok(()),
            Some((offset, _)) => Err((offset, format!("expected `{}`", wanted as char))),
            None => Err((
                self.text.len(),
                format!("expected `{}` before the end of file", wanted as char),
            )),
        }
    }

    /// The next token and its byte offset, skipping whitespace and comments.
    fn next_token(&mut self) -> ReadResult<Option<(usize, Token)>> {
        let bytes = self.text.as_bytes();
        loop {
            while bytes.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
            let rest = &bytes[self.pos.min(bytes.len())..];
            if rest.starts_with(b"//") {
                self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            } else if rest.starts_with(b"/*") {
                match self.text[self.pos + 2..].find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => return Err((self.pos, "unclosed comment".into())),
                }
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(None);
        };
        match first {
            b'{' | b'}' | b'(' | b')' | b'=' | b';' | b',' => {
                self.pos += 1;
                Ok(Some((start, Token::Punct(first))))
            }
            b'"' | b'\'' => self.quoted(first).map(|s| Some((start, Token::Str(s)))),
            _ if is_bare(first) => {
                while bytes.get(self.pos).is_some_and(|&b| is_bare(b)) {
                    self.pos += 1;
                }
                Ok(Some((
                    start,
                    Token::Str(self.text[start..self.pos].to_string()),
                )))
            }
            _ => Err((start, "unexpected character".into())),
        }
    }

    fn quoted(&mut self, quote: u8) -> ReadResult<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c as u32 == quote as u32 => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err((start, "unclosed string".into()))
    }
}

/// Characters of an unquoted old-style plist string.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'$' | b'.' | b'/' | b':' | b'-' | b'+' | b'[' | b']' | b'*' | b'<' | b'>'
        )
        || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;
    use crate::model::Evidence;

    fn run(f: fn(&FileInput) -> FileFacts, path: &str, text: &str) -> FileFacts {
        let catalog = test_support::catalog();
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        f(&input)
    }

    fn summary(evidence: &[Evidence]) -> Vec<String> {
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
    fn xcodegen_products_refine_shared_package() {
        let text = "packages:\n  Firebase:\n    url: https://github.com/firebase/firebase-ios-sdk\n    from: 11.0.0\ntargets:\n  App:\n    type: application\n    dependencies:\n      - package: Firebase\n        product: FirebaseMessaging\n  Widget:\n    type: app-extension\n    dependencies:\n      - package: Firebase\n        product: FirebaseCrashlytics\n";
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let input = FileInput::new("project.yml", text.as_bytes(), text, &catalog);
        let facts = extract_xcodegen(&input);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            summary(&facts.evidence),
            vec!["15:9 sdk firebase-crashlytics Dependency"]
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

    #[test]
    fn xcodegen_packages_targets_and_properties() {
        let text = r#"name: Demo
# packages:
#   Old: {url: https://github.com/googleads/swift-package-manager-google-mobile-ads}
packages:
  BrazeKit:
    url: https://github.com/braze-inc/braze-swift-sdk
    from: 9.0.0
  AppsFlyer:
    github: AppsFlyerSDK/AppsFlyerFramework-Static
    from: 6.0.0
targets:
  Demo:
    type: application
    platform: iOS
    info:
      path: Demo/Info.plist
      properties:
        NSLocationAlwaysAndWhenInUseUsageDescription: "Geofences"
    settings:
      base:
        INFOPLIST_KEY_NSMicrophoneUsageDescription: "Voice"
    dependencies:
      - package: BrazeKit
"#;
        let facts = run(extract_xcodegen, "project.yml", text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            facts.markers.iter().map(|m| &m.marker).collect::<Vec<_>>(),
            vec![
                &Marker::SwiftPackageProducts {
                    url: "https://github.com/braze-inc/braze-swift-sdk".into(),
                    products: vec!["BrazeKit".into()]
                },
                &Marker::IosApp
            ]
        );
        assert_eq!(
            summary(&facts.evidence),
            vec![
                "6:10 sdk braze Dependency",
                "9:13 sdk appsflyer Dependency",
                "18:9 purpose NSLocationAlwaysAndWhenInUseUsageDescription",
                "18:9 declared location bg=true",
                "21:9 purpose NSMicrophoneUsageDescription",
                "21:9 declared microphone bg=false",
            ]
        );
    }

    #[test]
    fn xcodegen_framework_only_and_malformed() {
        let facts = run(
            extract_xcodegen,
            "project.yml",
            "targets:\n  Kit:\n    type: framework\n",
        );
        assert!(facts.markers.is_empty());
        let facts = run(extract_xcodegen, "project.yml", "targets: [\n  a: b\n");
        assert_eq!(facts.problems.len(), 1);
    }
}
