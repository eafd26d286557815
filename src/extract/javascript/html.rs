//! HTML pages: a tolerant tag scan (no DOM) for what a page loads and runs.
//!
//! - `<script src>` (and `data-src`, used by consent managers) whose URL the catalog
//!   knows, by host or else by a `web_snippets` shape (file name, attributes, query:
//!   a self-hosted `script.js` with `data-website-id`) → `SdkPresence { via: Script }`
//!   at the URL; an `<iframe src>` on a known host (a tag manager's `<noscript>`) too;
//! - inline `<script>` bodies (JavaScript types, and `type="text/plain"` scripts a consent
//!   manager activates later, recognised by their `data-*` attributes) are lowered like a
//!   `.js` file, with locations in the page, and analysed; a call of a catalog SDK's
//!   `web_globals` snippet function (`fbq(…)`, `gtag(…)`, `ttq.load(…)`) → `SdkPresence
//!   { via: Script }` at its first call; an inline loader matching a `web_snippets`
//!   `inline` shape (the GTM container loader) → the same, once per SDK per page;
//! - `<iframe allow="microphone; geolocation">` → `CapabilityDeclared` for the
//!   capabilities whose `web_features` match;
//! - `index.html` files carry the `WebPage` marker.
//!
//! Nothing inside `<!-- … -->` counts; `<style>` and `<textarea>` bodies are skipped.

use std::collections::BTreeSet;

use crate::catalog::Language;
use crate::extract::FileInput;
use crate::extract::analyze;
use crate::extract::javascript::lower::{self as javascript, Dialect};
use crate::model::{EvidenceKind, FileFacts, Level, Marker, Presence, line_column};

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let name = input.path.rsplit('/').next().unwrap_or(input.path);
    if name.eq_ignore_ascii_case("index.html") {
        facts.marker(input.loc(1, 1), Marker::WebPage);
    }
    let mut page = Page {
        input,
        globals: snippet_globals(input),
        snippet_sdks_seen: BTreeSet::new(),
        facts,
    };
    page.scan();
    page.facts
}

/// One tag attribute: lower-cased name, and value with the offset where it starts.
struct Attribute {
    name: String,
    value: Option<(String, usize)>,
}

struct Page<'a, 'i> {
    input: &'a FileInput<'i>,
    /// `(global name, sdk id)`, e.g. `("fbq", "meta-pixel")`.
    globals: Vec<(String, String)>,
    snippet_sdks_seen: BTreeSet<String>,
    facts: FileFacts,
}

/// Snippet globals as plain names: catalog entries may be written `fbq(`, `ttq.` or
/// `window.dataLayer`.
fn snippet_globals(input: &FileInput) -> Vec<(String, String)> {
    let mut globals = Vec::new();
    for sdk in &input.catalog.sdks {
        for global in &sdk.identifiers.web_globals {
            let name = global
                .trim()
                .trim_end_matches(['(', '.'])
                .trim_start_matches("window.");
            if !name.is_empty() {
                globals.push((name.to_string(), sdk.id.clone()));
            }
        }
    }
    globals
}

/// The file a `<script src>` names inside the site, without query or fragment: relative
/// to the page (`js/ga.js`, `../js/ga.js`) or, written with a leading `/`, to the site's
/// root. `None` for another host, a protocol-relative or `data:` URL, or a template.
pub(crate) fn local_script_path(url: &str) -> Option<&str> {
    let url = url.trim();
    let path = url.split(['?', '#']).next().unwrap_or("");
    let foreign = url.starts_with("//")
        || path.contains(':')
        || path.contains("{{")
        || path.contains("${")
        || path.contains('<');
    (!foreign && !path.is_empty() && !path.ends_with('/')).then_some(path)
}

/// Position of `needle` (ASCII, lower case) in `haystack` from `from`, ignoring case.
fn find_ci(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

impl Page<'_, '_> {
    fn scan(&mut self) {
        let bytes = self.input.text.as_bytes();
        let mut i = 0;
        while let Some(lt) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == b'<'))
            .map(|p| p + i)
        {
            if bytes[lt..].starts_with(b"<!--") {
                match find_ci(bytes, lt + 4, b"-->") {
                    Some(end) => i = end + 3,
                    None => return,
                }
                continue;
            }
            let name_start = lt + 1;
            let mut name_end = name_start;
            while bytes
                .get(name_end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
            {
                name_end += 1;
            }
            if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
                i = lt + 1;
                continue;
            }
            let tag = slice(self.input.text, name_start, name_end).to_ascii_lowercase();
            let (attributes, tag_end) = self.attributes(name_end);
            match tag.as_str() {
                "script" => {
                    let body_end = find_ci(bytes, tag_end, b"</script").unwrap_or(bytes.len());
                    self.script(&attributes, tag_end, body_end);
                    i = body_end;
                }
                "style" | "textarea" => {
                    let closing = format!("</{tag}");
                    i = find_ci(bytes, tag_end, closing.as_bytes()).unwrap_or(bytes.len());
                }
                "iframe" => {
                    self.iframe(&attributes);
                    i = tag_end;
                }
                _ => i = tag_end,
            }
        }
    }

    /// Attributes of a start tag whose name ends at `from`; returns them and the offset
    /// just past the tag's `>` (or the end of the text).
    fn attributes(&self, from: usize) -> (Vec<Attribute>, usize) {
        let text = self.input.text;
        let bytes = text.as_bytes();
        let mut attributes = Vec::new();
        let mut i = from;
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                i += 1;
            }
            match bytes.get(i) {
                None => return (attributes, bytes.len()),
                Some(b'>') => return (attributes, i + 1),
                _ => {}
            }
            let name_start = i;
            while bytes
                .get(i)
                .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
            {
                i += 1;
            }
            let name = slice(text, name_start, i).to_ascii_lowercase();
            while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                i += 1;
            }
            let mut value = None;
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let start = i + 1;
                        let end = bytes[start..]
                            .iter()
                            .position(|&b| b == quote)
                            .map_or(bytes.len(), |p| p + start);
                        value = Some((decode_entities(slice(text, start, end)), start));
                        i = (end + 1).min(bytes.len());
                    }
                    Some(_) => {
                        let start = i;
                        while bytes
                            .get(i)
                            .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                        {
                            i += 1;
                        }
                        value = Some((decode_entities(slice(text, start, i)), start));
                    }
                    None => {}
                }
            }
            if name.is_empty() {
                i += 1;
            } else {
                attributes.push(Attribute { name, value });
            }
        }
    }

    fn script(&mut self, attributes: &[Attribute], body_start: usize, body_end: usize) {
        let attribute = |name: &str| {
            attributes
                .iter()
                .find(|a| a.name == name)
                .and_then(|a| a.value.as_ref())
        };
        let mut has_src = false;
        let names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
        for (url, offset) in ["src", "data-src"].into_iter().filter_map(attribute) {
            has_src = true;
            if let Some(path) = local_script_path(url) {
                self.facts.marker(
                    self.input.at(*offset),
                    Marker::LocalScript {
                        path: path.to_string(),
                    },
                );
            }
            let catalog = self.input.catalog;
            // A known host first; then a self-hosted script by its shape
            // (`/script.js` with `data-website-id`, `matomo.js`), on any host.
            let sdk = catalog
                .sdk_for_script_url(url)
                .or_else(|| catalog.sdk_for_script_shape(url, &names));
            if let Some(sdk) = sdk {
                self.facts.push(
                    self.input.at(*offset),
                    EvidenceKind::SdkPresence {
                        sdk: sdk.id.clone(),
                        via: Presence::Script,
                    },
                    format!("<script src=\"{url}\">"),
                );
            }
        }
        if has_src {
            // A script with a source ignores its body.
            return;
        }
        let script_type =
            attribute("type").map_or(String::new(), |(t, _)| t.trim().to_ascii_lowercase());
        let consent_managed =
            script_type == "text/plain" && attributes.iter().any(|a| a.name.starts_with("data-"));
        let javascript = matches!(
            script_type.as_str(),
            "" | "text/javascript"
                | "application/javascript"
                | "application/x-javascript"
                | "text/ecmascript"
                | "application/ecmascript"
                | "module"
                | "text/babel"
                | "text/jsx"
        );
        if javascript || consent_managed {
            self.inline_script(body_start, body_end);
        }
    }

    fn inline_script(&mut self, body_start: usize, body_end: usize) {
        let text = self.input.text;
        let Some(body) = text.get(body_start..body_end) else {
            return;
        };
        if body.trim().is_empty() {
            return;
        }
        if javascript::bundled_reason("inline.js", body).is_some() {
            // A minified blob inlined by a build step: not worth parsing, as for files.
            self.inline_loader(body, body_start);
            return;
        }
        // Pad the body so that offsets in it are offsets in the page: same line, same
        // column.
        let (line, column) = line_column(text, body_start);
        let mut padded = "\n".repeat(line.saturating_sub(1) as usize);
        padded.push_str(&" ".repeat(column.saturating_sub(1) as usize));
        padded.push_str(body);
        let ir = match javascript::lower_source(self.input.path, &padded, Dialect::JavaScript) {
            Ok(ir) => ir,
            Err(reason) => {
                self.facts.problem(
                    self.input.loc(line, column),
                    format!("inline script: {reason}"),
                );
                self.inline_loader(body, body_start);
                return;
            }
        };
        let script_input = FileInput::new(
            self.input.path,
            padded.as_bytes(),
            &padded,
            self.input.catalog,
        );
        let analysed = analyze::analyze(&script_input, Language::Javascript, &ir);
        // `analyze` recognises snippet globals in any script; this is the page's own
        // check, kept for globals it did not report (one presence per SDK per page).
        for evidence in &analysed.evidence {
            if let EvidenceKind::SdkPresence { sdk, .. } = &evidence.kind {
                self.snippet_sdks_seen.insert(sdk.clone());
            }
        }
        self.facts.extend(analysed);
        for (_, call) in ir.calls() {
            let receiver = call
                .receiver
                .as_deref()
                .map(|r| r.strip_prefix("window.").unwrap_or(r));
            let called = match receiver {
                None | Some("window" | "self" | "globalThis") => call.method.clone(),
                Some(receiver) => receiver.to_string(),
            };
            let root = called.split(['.', '(']).next().unwrap_or(&called);
            let Some((global, sdk)) = self.globals.iter().find(|(global, _)| global == root) else {
                continue;
            };
            if self.snippet_sdks_seen.insert(sdk.clone()) {
                self.facts.push(
                    call.at.clone(),
                    EvidenceKind::SdkPresence {
                        sdk: sdk.clone(),
                        via: Presence::Script,
                    },
                    format!("inline snippet calls {global}"),
                );
            }
        }
        self.inline_loader(body, body_start);
    }

    /// An inline loader the catalog knows by its text (a tag-manager container, a
    /// self-hosted analytics loader), when the page has no other evidence of that SDK:
    /// at the first string of its shape.
    fn inline_loader(&mut self, body: &str, body_start: usize) {
        let Some(sdk) = self.input.catalog.sdk_for_inline_loader(body) else {
            return;
        };
        if !self.snippet_sdks_seen.insert(sdk.id.clone()) {
            return;
        }
        let first = sdk
            .identifiers
            .web_snippets
            .iter()
            .filter(|s| s.matches_inline(body))
            .flat_map(|s| s.inline.iter())
            .filter_map(|marker| body.find(marker.as_str()).map(|at| (at, marker)))
            .min();
        if let Some((at, marker)) = first {
            self.facts.push(
                self.input.at(body_start + at),
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Script,
                },
                format!("inline loader contains {marker}"),
            );
        }
    }

    fn iframe(&mut self, attributes: &[Attribute]) {
        // A tag manager's `<noscript>` fallback loads its container in an iframe.
        if let Some((src, offset)) = attributes
            .iter()
            .find(|a| a.name == "src")
            .and_then(|a| a.value.as_ref())
            && let Some(sdk) = self.input.catalog.sdk_for_script_url(src)
            && self.snippet_sdks_seen.insert(sdk.id.clone())
        {
            self.facts.push(
                self.input.at(*offset),
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Script,
                },
                format!("<iframe src=\"{src}\">"),
            );
        }
        let Some((allow, offset)) = attributes
            .iter()
            .find(|a| a.name == "allow")
            .and_then(|a| a.value.as_ref())
        else {
            return;
        };
        for directive in allow.split(';') {
            let Some(feature) = directive.split_whitespace().next() else {
                continue;
            };
            let feature = feature.to_ascii_lowercase();
            for capability in &self.input.catalog.capabilities {
                if capability.web_features.contains(&feature) {
                    self.facts.push(
                        self.input.at(*offset),
                        EvidenceKind::CapabilityDeclared {
                            capability: capability.id.clone(),
                            level: Level::NONE,
                            removed: false,
                            key: feature.to_string(),
                        },
                        format!("<iframe allow=\"{feature}\">"),
                    );
                }
            }
        }
    }
}

/// The few entities that appear in URLs and attribute lists.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `text[from..to]`, or "" when a bound falls inside a multi-byte character (byte
/// scans stop on ASCII delimiters, but damaged input can start a name mid-character).
fn slice(text: &str, from: usize, to: usize) -> &str {
    text.get(from..to).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::extract::javascript::package_json::{JS_TEST_CATALOG, test_catalog};

    fn run(catalog: &Catalog, path: &str, text: &str) -> FileFacts {
        let input = FileInput::new(path, text.as_bytes(), text, catalog);
        extract(&input)
    }

    /// `sdk@line:col detail` for SDK presence, `capability@line:col` for declarations.
    fn summary(facts: &FileFacts) -> Vec<String> {
        facts
            .evidence
            .iter()
            .filter_map(|e| match &e.kind {
                EvidenceKind::SdkPresence { sdk, via } => {
                    assert_eq!(*via, Presence::Script);
                    Some(format!("{sdk}@{}:{} {}", e.at.line, e.at.column, e.detail))
                }
                EvidenceKind::CapabilityDeclared { capability, .. } => Some(format!(
                    "{capability}@{}:{} {}",
                    e.at.line, e.at.column, e.detail
                )),
                _ => None,
            })
            .collect()
    }

    const PAGE: &str = r#"<!doctype html>
<html>
<head>
  <!-- Google tag (gtag.js) -->
  <script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"></script>
  <script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
    gtag('config', 'G-TEST123');
  </script>
  <SCRIPT type="text/javascript">
    !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.queue.push(arguments)};
    }(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');
    fbq('init', '000000000');
    // fbq('track', 'Purchase');
  </SCRIPT>
  <!-- <script>ttq.load('OLD');</script> -->
  <script type="application/ld+json">{"ttq.load": "x"}</script>
  <style> .x::after { content: "<script>ttq.load('x')</script>"; } </style>
</head>
<body>
  <iframe src="https://meet.example.com" allow="microphone; geolocation 'self'; fullscreen"></iframe>
  <p>Use <code>fbq('track')</code> to track.</p>
</body>
</html>
"#;

    #[test]
    fn script_hosts_snippet_globals_and_iframe_features() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, "site/index.html", PAGE);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            summary(&facts),
            vec![
                "google-analytics@5:22 <script src=\"https://www.googletagmanager.com/gtag/js?id=G-TEST123\">",
                "google-analytics@7:5 inline snippet calls dataLayer",
                "meta-pixel@15:5 inline snippet calls fbq",
                "microphone@23:49 <iframe allow=\"microphone\">",
                "location@23:49 <iframe allow=\"geolocation\">",
            ]
        );
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].marker, Marker::WebPage);
    }

    #[test]
    fn local_scripts_are_markers_and_other_hosts_are_not() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let page = r#"<script src="../js/ga.js?v=3"></script>
<script type="module" src="/src/main.ts"></script>
<script src="https://cdn.example.com/x.js"></script>
<script src="//cdn.example.com/y.js"></script>
<script src="{{ site.baseurl }}/z.js"></script>
<script src="data:text/javascript,1"></script>"#;
        let facts = run(&catalog, "site/category/about.html", page);
        let paths: Vec<&str> = facts
            .markers
            .iter()
            .filter_map(|m| match &m.marker {
                Marker::LocalScript { path } => Some(path.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(paths, vec!["../js/ga.js", "/src/main.ts"]);
        assert!(!facts.markers.iter().any(|m| m.marker == Marker::WebPage));
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::extract::javascript::package_json::{JS_TEST_CATALOG, test_catalog};

    fn run(path: &str, text: &str) -> FileFacts {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        extract(&input)
    }

    fn sdks(facts: &FileFacts) -> Vec<(String, u32, u32)> {
        facts
            .evidence
            .iter()
            .filter_map(|e| {
                e.kind
                    .sdk()
                    .map(|sdk| (sdk.to_string(), e.at.line, e.at.column))
            })
            .collect()
    }

    #[test]
    fn only_index_html_is_a_web_page_marker() {
        assert!(run("site/about.html", "<p>hi</p>").markers.is_empty());
        assert_eq!(run("index.html", "").markers.len(), 1);
    }

    #[test]
    fn commented_out_scripts_and_snippets_count_for_nothing() {
        let facts = run(
            "a.html",
            "<!-- <script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script>\n<script>fbq('init')</script> -->\n<script>/* fbq('init') */ var fbqLabel = 'fbq(';</script>",
        );
        assert!(facts.evidence.is_empty(), "{:?}", facts.evidence);
    }

    #[test]
    fn member_call_globals_and_window_prefixed_calls() {
        let facts = run(
            "a.html",
            "<body>\n<script>\n  ttq.load('C123');\n  window.fbq('track', 'Lead');\n</script>\n</body>",
        );
        assert_eq!(
            sdks(&facts),
            vec![("tiktok-pixel".into(), 3, 3), ("meta-pixel".into(), 4, 3)]
        );
    }

    #[test]
    fn unterminated_comment_and_tags_do_not_panic() {
        for text in [
            "<!-- never closed <script>fbq('x')</script>",
            "<script src=\"https://websdk.appsflyersdk.com/x.js",
            "<script>fbq('init'",
            "<iframe allow='microphone",
            "<<<>>> < script <é=é>",
            "<script type=module>ttq.load(1)</script",
        ] {
            run("a.html", text);
        }
        assert_eq!(
            sdks(&run("a.html", "<script>fbq('init');")),
            vec![("meta-pixel".into(), 1, 9)]
        );
        assert_eq!(
            sdks(&run(
                "a.html",
                "<script src=https://websdk.appsflyersdk.com/a.js?x=1&amp;y=2>"
            )),
            vec![("appsflyer".into(), 1, 13)]
        );
    }

    #[test]
    fn consent_managed_text_plain_scripts_are_read_templates_are_not() {
        let facts = run(
            "a.html",
            "<script type=\"text/plain\" data-category=\"analytics\">gtag('config', 'G-1');</script>\n<script type=\"text/template\">fbq('init')</script>",
        );
        assert_eq!(sdks(&facts), vec![("google-analytics".into(), 1, 53)]);
    }

    fn embedded_sdks(path: &str, text: &str) -> Vec<(String, u32, u32)> {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        sdks(&extract(&input))
    }

    #[test]
    fn self_hosted_scripts_are_known_by_shape_not_by_name_alone() {
        let page = "<script defer src=\"https://stats.example.org/script.js\" data-website-id=\"1\"></script>\n<script src=\"/script.js\"></script>\n<script src=\"/js/app.js\" data-domain=\"x\"></script>\n<script src=\"//a.example.org/matomo.js\"></script>\n";
        assert_eq!(
            embedded_sdks("a.html", page),
            vec![("umami".into(), 1, 20), ("matomo".into(), 4, 14)]
        );
    }

    #[test]
    fn inline_loaders_and_noscript_iframes_once_per_page() {
        let page = "<script>\n  var s = 'x';\n  j.src = 'https://t.example.org/gtm.js?id=' + i;\n})(window, document, 'script', 'dataLayer', 'GTM-AB12');\n</script>\n<noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-AB12\"></iframe></noscript>\n";
        assert_eq!(
            embedded_sdks("a.html", page),
            vec![("google-tag-manager".into(), 3, 34)]
        );
        let iframe_only = "<noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-AB12\"></iframe></noscript>";
        assert_eq!(
            embedded_sdks("b.html", iframe_only),
            vec![("google-tag-manager".into(), 1, 24)]
        );
        // A commented-out loader is no loader.
        let commented =
            "<!-- <script>j.src = 'https://t.example.org/gtm.js?id=' + 'GTM-AB12';</script> -->";
        assert!(embedded_sdks("c.html", commented).is_empty());
    }

    #[test]
    fn inline_script_locations_are_page_locations() {
        // Lowered with the page's line and column: a parse of the padded body sees the
        // call where it is in the page.
        let text = "<html>\n  <script>\n      fbq('init', '1');</script>";
        let facts = run("a.html", text);
        assert_eq!(sdks(&facts), vec![("meta-pixel".into(), 3, 7)]);
        let same_line = "<p>x</p><script>ttq.load('1')</script>";
        assert_eq!(
            sdks(&run("a.html", same_line)),
            vec![("tiktok-pixel".into(), 1, 17)]
        );
    }
}
