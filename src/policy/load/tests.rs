//! The loader end to end: documented defaults, merging, `extends`, and every diagnostic
//! with its position.

use super::*;
use crate::catalog::CatalogFile;
use crate::policy::SdkVerdict;
use crate::policy::{
    Access, Date, Precision, RULE_NAMES, SdkSelector, Spanned, Unlisted, closest, levenshtein,
    parse_date,
};

const TEST_CATALOG: &str = r#"
categories:
  - { id: advertising, description: ads }
  - { id: attribution, description: attribution }
  - { id: analytics, description: analytics }
  - { id: engagement, description: engagement }
  - { id: session-replay, description: replay }
  - { id: audio-beacon, description: beacons }
  - { id: location-broker, description: brokers }
capabilities:
  - { id: microphone, name: Microphone, description: mic, source: test }
  - { id: location, name: Location, description: loc, source: test, levels: true }
  - { id: contacts, name: Contacts, description: contacts, source: test }
  - { id: camera, name: Camera, description: camera, source: test }
sdks:
  - { id: braze, name: Braze, vendor: Braze, category: engagement, source: test, examples: { match: [] } }
  - { id: onesignal, name: OneSignal, vendor: OneSignal, category: engagement, source: test, examples: { match: [] } }
  - { id: firebase-analytics, name: Firebase Analytics, vendor: Google, category: analytics, source: test, examples: { match: [] } }
  - { id: appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: attribution, source: test, examples: { match: [] } }
  - { id: admob, name: AdMob, vendor: Google, category: advertising, source: test, examples: { match: [] } }
  - { id: lisnr, name: LISNR, vendor: LISNR, category: audio-beacon, source: test, examples: { match: [] } }
  - { id: fullstory, name: FullStory, vendor: FullStory, category: session-replay, source: test, examples: { match: [] } }
"#;

fn catalog() -> Catalog {
    let file: CatalogFile = crate::yaml::from_str(TEST_CATALOG).expect("test catalog parses");
    Catalog::build("test".into(), file.categories, file.sdks, file.capabilities)
}

fn load(text: &str) -> Result<Policy, PolicyError> {
    load_str("privlint.yaml", text, None, &catalog())
}

fn ok(text: &str) -> Policy {
    match load(text) {
        Ok(p) => p,
        Err(e) => panic!("policy should load, got: {}", render(&e)),
    }
}

fn err(text: &str) -> PolicyError {
    load(text).expect_err("policy should be refused")
}

/// `(kind, line, column)` of every problem.
fn problem_positions(e: &PolicyError) -> Vec<(&'static str, u32, u32)> {
    e.problems
        .iter()
        .map(|p| {
            let span = p.span.as_ref().expect("problem has a span");
            (p.kind, span.line, span.column)
        })
        .collect()
}

fn render(e: &PolicyError) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, e)
        .expect("render");
    out
}

fn sdk<'c>(catalog: &'c Catalog, id: &str) -> &'c crate::catalog::SdkDef {
    catalog.sdk(id).expect("sdk in test catalog")
}

fn selectors(list: &[Spanned<SdkSelector>]) -> Vec<String> {
    list.iter()
        .map(|s| match &s.value {
            SdkSelector::Id(id) => id.clone(),
            SdkSelector::Category(c) => format!("category:{c}"),
        })
        .collect()
}

#[test]
fn minimal_policy_has_the_documented_defaults() {
    let policy = ok("version: 1\n");
    assert_eq!(policy.origin, PolicyOrigin::File("privlint.yaml".into()));
    assert_eq!(policy.sdks.unlisted.value, Unlisted::Warn);
    assert!(policy.sdks.unlisted.span.is_none());
    assert!(policy.sdks.allow.is_empty() && policy.sdks.deny.is_empty());
    assert_eq!(policy.capability("location").app.value, Access::Allow);
    assert!(policy.capability("location").max_precision.is_none());
    assert!(!policy.requires_purpose_strings());
    assert!(!policy.requires_privacy_manifest());
    let catalog = catalog();
    assert_eq!(
        policy.sdk_verdict(sdk(&catalog, "braze")),
        SdkVerdict::Unlisted(Unlisted::Warn, None)
    );
}

#[test]
fn named_capability_without_sdks_lets_no_sdk_receive_it() {
    let policy = ok(
        "version: 1\ncapabilities:\n  microphone: {}\n  contacts:\n  location: { sdks: [braze] }\n",
    );
    let catalog = catalog();
    let mic = policy.capability("microphone");
    assert_eq!(mic.app.value, Access::Allow);
    assert!(mic.sdks.is_empty());
    let err_span = policy
        .sdk_may_receive("microphone", sdk(&catalog, "braze"))
        .expect_err("no sdk may receive the microphone");
    assert_eq!(err_span.map(|s| (s.line, s.column)), Some((3, 3)));
    assert!(policy.capabilities.contains_key("contacts"));
    assert!(
        policy
            .sdk_may_receive("location", sdk(&catalog, "braze"))
            .is_ok()
    );
    assert!(
        policy
            .sdk_may_receive("location", sdk(&catalog, "onesignal"))
            .is_err()
    );
}

#[test]
fn design_example_loads_with_spans() {
    let text = r#"version: 1
extends: recommended
sdks:
  allow: [firebase-analytics, "category:attribution"]
  deny: ["category:audio-beacon", admob]
  unlisted: warn
capabilities:
  microphone: { app: allow, sdks: [] }
  location:   { app: allow, max_precision: coarse, background: deny, sdks: [braze] }
  contacts:   { app: deny }
require: { purpose_strings: true, privacy_manifest: true }
paths: { ignore: ["**/test/**", "samples/**"] }
exceptions:
  - rule: capability-flows-to-sdk
    sdk: braze
    capability: location
    paths: ["android/app/src/main/java/com/acme/geo/**"]
    reason: "Geofencing campaigns, privacy review PR-123"
    expires: 2027-06-30
"#;
    let policy = ok(text);
    assert_eq!(
        selectors(&policy.sdks.allow),
        ["firebase-analytics", "category:attribution"]
    );
    assert_eq!(
        selectors(&policy.sdks.deny),
        ["category:audio-beacon", "admob"]
    );
    let admob = policy.sdks.deny[1].span.clone().expect("span");
    assert_eq!(
        (admob.file.as_str(), admob.line, admob.column),
        ("privlint.yaml", 5, 35)
    );
    assert_eq!(&text[admob.offset..admob.offset + admob.len], "admob");
    let quoted = policy.sdks.deny[0].span.clone().expect("span");
    assert_eq!(
        &text[quoted.offset..quoted.offset + quoted.len],
        "\"category:audio-beacon\""
    );
    let location = policy.capability("location");
    assert_eq!(
        location.max_precision.map(|p| p.value),
        Some(Precision::Coarse)
    );
    assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
    assert_eq!(location.span.map(|s| (s.line, s.column)), Some((9, 3)));
    assert_eq!(policy.capability("contacts").app.value, Access::Deny);
    assert!(policy.requires_purpose_strings() && policy.requires_privacy_manifest());
    assert_eq!(policy.ignore_paths, ["**/test/**", "samples/**"]);
    let exception = &policy.exceptions[0];
    assert_eq!(exception.rule, "capability-flows-to-sdk");
    assert_eq!(exception.sdk.as_deref(), Some("braze"));
    assert_eq!(exception.capability.as_deref(), Some("location"));
    assert_eq!(
        exception.reason,
        "Geofencing campaigns, privacy review PR-123"
    );
    assert_eq!(
        exception.expires,
        Some(Date {
            year: 2027,
            month: 6,
            day: 30
        })
    );
    assert_eq!(
        exception.span.as_ref().map(|s| (s.line, s.column)),
        Some((14, 5))
    );
    // `extends: recommended` still contributes keys the file does not set.
    assert!(policy.capabilities.contains_key("microphone"));
}

#[test]
fn an_id_beats_a_category() {
    let policy = ok("version: 1\nsdks:\n  allow: [braze]\n  deny: [\"category:engagement\"]\n");
    let catalog = catalog();
    assert!(
        matches!(policy.sdk_verdict(sdk(&catalog, "braze")), SdkVerdict::Allowed(Some(s)) if s.line == 3)
    );
    assert!(
        matches!(policy.sdk_verdict(sdk(&catalog, "onesignal")), SdkVerdict::Denied(Some(s)) if s.line == 4)
    );
    let reverse = ok("version: 1\nsdks:\n  allow: [\"category:engagement\"]\n  deny: [braze]\n");
    assert!(matches!(
        reverse.sdk_verdict(sdk(&catalog, "braze")),
        SdkVerdict::Denied(_)
    ));
    assert!(matches!(
        reverse.sdk_verdict(sdk(&catalog, "onesignal")),
        SdkVerdict::Allowed(_)
    ));
}

#[test]
fn deny_beats_allow_at_equal_specificity() {
    let catalog = catalog();
    let ids = ok("version: 1\nsdks: { allow: [braze], deny: [braze] }\n");
    assert!(matches!(
        ids.sdk_verdict(sdk(&catalog, "braze")),
        SdkVerdict::Denied(_)
    ));
    let categories = ok(
        "version: 1\nsdks: { allow: [\"category:engagement\"], deny: [\"category:engagement\"] }\n",
    );
    assert!(matches!(
        categories.sdk_verdict(sdk(&catalog, "onesignal")),
        SdkVerdict::Denied(_)
    ));
}

#[test]
fn unlisted_value_is_read() {
    let policy = ok("version: 1\nsdks: { unlisted: deny }\n");
    assert_eq!(policy.sdks.unlisted.value, Unlisted::Deny);
    let catalog = catalog();
    assert!(matches!(
        policy.sdk_verdict(sdk(&catalog, "admob")),
        SdkVerdict::Unlisted(Unlisted::Deny, Some(_))
    ));
}

#[test]
fn extends_replaces_lists_unless_add() {
    let replaced = ok("version: 1\nextends: recommended\nsdks:\n  deny: [admob]\n");
    assert_eq!(selectors(&replaced.sdks.deny), ["admob"]);
    let added = ok("version: 1\nextends: recommended\nsdks:\n  deny: { add: [admob] }\n");
    assert_eq!(
        selectors(&added.sdks.deny),
        ["category:audio-beacon", "category:location-broker", "admob"]
    );
    // Inherited entries keep the preset's spans, appended ones the file's.
    assert_eq!(
        added.sdks.deny[0].span.as_ref().map(|s| s.file.as_str()),
        Some("preset:recommended")
    );
    assert_eq!(
        added.sdks.deny[2]
            .span
            .as_ref()
            .map(|s| (s.file.as_str(), s.line)),
        Some(("privlint.yaml", 4))
    );
    // `{add}` on a list nothing defines starts from the empty list.
    let fresh = ok("version: 1\nsdks:\n  allow: { add: [braze] }\n");
    assert_eq!(selectors(&fresh.sdks.allow), ["braze"]);
}

#[test]
fn extends_overrides_capabilities_key_by_key() {
    let policy =
        ok("version: 1\nextends: strict\ncapabilities:\n  location: { sdks: { add: [braze] } }\n");
    let location = policy.capability("location");
    assert_eq!(
        location.max_precision.map(|p| p.value),
        Some(Precision::Coarse)
    );
    assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
    assert_eq!(selectors(&location.sdks), ["braze"]);
    assert_eq!(
        location.span.map(|s| (s.file, s.line)),
        Some(("privlint.yaml".to_string(), 4))
    );
    let precise =
        ok("version: 1\nextends: strict\ncapabilities:\n  location: { max_precision: precise }\n");
    assert_eq!(
        precise
            .capability("location")
            .max_precision
            .map(|p| p.value),
        Some(Precision::Precise)
    );
}

#[test]
fn presets_load_and_chain() {
    let catalog = catalog();
    let recommended = load_preset("recommended", &catalog).expect("recommended loads");
    assert_eq!(
        recommended.origin,
        PolicyOrigin::DefaultPreset("recommended".into())
    );
    assert_eq!(
        selectors(&recommended.sdks.deny),
        ["category:audio-beacon", "category:location-broker"]
    );
    assert_eq!(recommended.sdks.unlisted.value, Unlisted::Warn);
    for capability in ["microphone", "contacts", "location"] {
        let rule = recommended.capabilities.get(capability).expect("named");
        assert!(rule.sdks.is_empty(), "{capability}");
        assert_eq!(
            rule.span.as_ref().map(|s| s.file.as_str()),
            Some("preset:recommended")
        );
    }
    assert!(recommended.requires_purpose_strings() && recommended.requires_privacy_manifest());

    let strict = load_preset("strict", &catalog).expect("strict loads");
    assert_eq!(strict.sdks.unlisted.value, Unlisted::Deny);
    assert_eq!(
        strict.sdks.unlisted.span.as_ref().map(|s| s.file.as_str()),
        Some("preset:strict")
    );
    let location = strict.capability("location");
    assert_eq!(
        location.max_precision.map(|p| p.value),
        Some(Precision::Coarse)
    );
    assert_eq!(location.background.map(|b| b.value), Some(Access::Deny));
    assert!(location.sdks.is_empty());
    assert_eq!(
        selectors(&strict.sdks.deny),
        selectors(&recommended.sdks.deny)
    );
    assert!(strict.requires_privacy_manifest());

    let kids = load_preset("kids", &catalog).expect("kids loads");
    assert_eq!(
        selectors(&kids.sdks.deny),
        [
            "category:audio-beacon",
            "category:location-broker",
            "category:advertising",
            "category:attribution",
            "category:session-replay"
        ]
    );
    assert!(matches!(
        kids.sdk_verdict(sdk(&catalog, "admob")),
        SdkVerdict::Denied(_)
    ));
    for capability in ["microphone", "contacts", "location", "camera"] {
        for sdk_id in ["braze", "firebase-analytics", "admob"] {
            assert!(
                kids.sdk_may_receive(capability, sdk(&catalog, sdk_id))
                    .is_err()
            );
        }
    }
    assert!(load_preset("lenient", &catalog).is_err());
}

#[test]
fn presets_load_against_the_embedded_catalog() {
    let catalog = Catalog::embedded().expect("embedded catalog loads");
    for (name, _) in presets::PRESETS {
        if let Err(e) = load_preset(name, &catalog) {
            panic!("preset {name} does not load: {}", render(&e));
        }
    }
}

#[test]
fn unknown_preset_suggests_one() {
    let e = err("version: 1\nextends: stric\n");
    assert_eq!(problem_positions(&e), [("unknown-preset", 2, 10)]);
    assert_eq!(
        e.problems[0].help.as_deref(),
        Some("did you mean `strict`?")
    );
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn extends_a_relative_file_inside_the_repository() {
    let repo = repo();
    write(
        &repo.path().join("policies/base.yaml"),
        "version: 1\nextends: kids\nsdks:\n  allow: [braze]\n",
    );
    let app = repo.path().join("apps/one/privlint.yaml");
    write(
        &app,
        "version: 1\nextends: ../../policies/base.yaml\nsdks:\n  deny: { add: [onesignal] }\n",
    );
    let policy = load_file(&app, &catalog()).expect("chain loads");
    assert_eq!(selectors(&policy.sdks.allow), ["braze"]);
    assert_eq!(
        selectors(&policy.sdks.deny).last().map(String::as_str),
        Some("onesignal")
    );
    assert_eq!(selectors(&policy.sdks.deny).len(), 6);
    let braze_span = policy.sdks.allow[0].span.as_ref().expect("span");
    let expected_display = display_path(&repo.path().join("policies/base.yaml"));
    assert_eq!(braze_span.file, expected_display);
    assert_eq!(policy.origin, PolicyOrigin::File(display_path(&app)));
}

#[test]
fn extends_paths_cannot_leave_the_repository() {
    let outer = tempfile::tempdir().expect("tempdir");
    write(&outer.path().join("outside.yaml"), "version: 1\n");
    let repo_dir = outer.path().join("repo");
    std::fs::create_dir_all(repo_dir.join(".git")).expect("mkdir");
    let catalog = catalog();
    let escape = load_str(
        "privlint.yaml",
        "version: 1\nextends: ../outside.yaml\n",
        Some(&repo_dir),
        &catalog,
    )
    .expect_err("escape refused");
    assert_eq!(problem_positions(&escape), [("extends-escape", 2, 10)]);
    let absolute = format!(
        "version: 1\nextends: {}\n",
        outer.path().join("outside.yaml").display()
    );
    let absolute = load_str("privlint.yaml", &absolute, Some(&repo_dir), &catalog)
        .expect_err("absolute refused");
    assert_eq!(absolute.problems[0].kind, "extends-escape");
    let without_dir = load_str(
        "privlint.yaml",
        "version: 1\nextends: base.yaml\n",
        None,
        &catalog,
    )
    .expect_err("no base dir");
    assert_eq!(without_dir.problems[0].kind, "extends-path");
    let missing = load_str(
        "privlint.yaml",
        "version: 1\nextends: nope.yaml\n",
        Some(&repo_dir),
        &catalog,
    )
    .expect_err("missing file");
    assert_eq!(missing.problems[0].kind, "unreadable");
}

#[cfg(unix)]
#[test]
fn extends_symlink_out_of_the_repository_is_refused() {
    let outer = tempfile::tempdir().expect("tempdir");
    write(&outer.path().join("outside.yaml"), "version: 1\n");
    let repo_dir = outer.path().join("repo");
    std::fs::create_dir_all(repo_dir.join(".git")).expect("mkdir");
    std::os::unix::fs::symlink(
        outer.path().join("outside.yaml"),
        repo_dir.join("link.yaml"),
    )
    .expect("symlink");
    let e = load_str(
        "privlint.yaml",
        "version: 1\nextends: link.yaml\n",
        Some(&repo_dir),
        &catalog(),
    )
    .expect_err("symlink escape refused");
    assert_eq!(e.problems[0].kind, "extends-escape");
}

#[test]
fn extends_cycle_is_an_error() {
    let repo = repo();
    write(&repo.path().join("a.yaml"), "version: 1\nextends: b.yaml\n");
    write(
        &repo.path().join("b.yaml"),
        "version: 1\nextends: ./a.yaml\n",
    );
    let e = load_file(&repo.path().join("a.yaml"), &catalog()).expect_err("cycle refused");
    assert_eq!(e.problems.len(), 1);
    let problem = &e.problems[0];
    assert_eq!(problem.kind, "extends-cycle");
    assert!(
        problem
            .span
            .as_ref()
            .is_some_and(|s| s.file.ends_with("b.yaml") && s.line == 2)
    );
    assert!(problem.message.contains("a.yaml → ") && problem.message.contains("b.yaml → "));
    // The same through `load_str` with the file's directory, as the CLI loads it.
    let text = std::fs::read_to_string(repo.path().join("a.yaml")).expect("read");
    let e = load_str("a.yaml", &text, Some(repo.path()), &catalog()).expect_err("cycle refused");
    assert_eq!(e.problems.len(), 1);
    assert_eq!(
        e.problems[0].message,
        "`extends` forms a cycle: a.yaml → b.yaml → a.yaml"
    );
}

#[test]
fn errors_in_an_extended_file_name_that_file() {
    let repo = repo();
    write(
        &repo.path().join("base.yaml"),
        "version: 1\nsdks:\n  deny: [brazee]\n",
    );
    let policy_path = repo.path().join("privlint.yaml");
    write(
        &policy_path,
        "version: 1\nextends: base.yaml\nsdks: { unlisted: maybe }\n",
    );
    let e = load_file(&policy_path, &catalog()).expect_err("both files have problems");
    let files: Vec<(&str, String)> = e
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.span.as_ref().map(|s| s.file.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].0, "invalid-value");
    assert!(files[0].1.ends_with("/privlint.yaml"));
    assert_eq!(files[1].0, "unknown-sdk");
    assert!(files[1].1.ends_with("/base.yaml"));
    let rendered = render(&e);
    assert!(rendered.contains("base.yaml:3:10"), "{rendered}");
    assert!(rendered.contains("privlint.yaml:3:19"), "{rendered}");
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let bomb = r#"version: 1
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"#;
    let started = std::time::Instant::now();
    let e = err(bomb);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].kind, "too-many-nodes");
    assert_eq!(e.problems[0].span.as_ref().map(|s| s.line), Some(6));
}

#[test]
fn small_aliases_are_expanded() {
    let policy = ok(
        "version: 1\nsdks:\n  allow: &mine [braze, appsflyer]\ncapabilities:\n  location: { sdks: *mine }\n",
    );
    assert_eq!(
        selectors(&policy.capability("location").sdks),
        ["braze", "appsflyer"]
    );
}

#[test]
fn a_nul_byte_is_an_error_at_its_position() {
    let e = err("version: 1\nsdks:\n  allow: [braze]\0\n  deny: [appsflyer]\n");
    assert_eq!(problem_positions(&e), [("nul-byte", 3, 17)]);
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let policy = ok("\u{feff}version: 1\nsdks:\n  allow: [braze]\n");
    assert_eq!(selectors(&policy.sdks.allow), ["braze"]);
    let e = err("\u{feff}version: 1\nsdks:\n  alow: [braze]\n");
    assert_eq!(
        e.problems[0].span.as_ref().map(|s| (s.line, s.column)),
        Some((3, 3))
    );
}

#[test]
fn deep_nesting_is_refused() {
    let block: String = (0..40).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
    let e = err(&format!("version: 1\n{block}"));
    // The label points at the first key of the mapping that is too deep.
    assert_eq!(problem_positions(&e), [("too-deep", 34, 65)]);
    // The parser may refuse deep flow nesting itself, before the builder sees it.
    let flow = format!("version: 1\nx: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let e = err(&flow);
    assert!(matches!(e.problems[0].kind, "too-deep" | "yaml-syntax"));
}

#[test]
fn duplicate_keys_are_errors() {
    let e = err("version: 1\nsdks:\n  unlisted: warn\n  allow: [braze]\n  unlisted: deny\n");
    assert_eq!(problem_positions(&e), [("duplicate-key", 5, 3)]);
    assert_eq!(
        e.problems[0].help.as_deref(),
        Some("`unlisted` is already defined at line 3:3; keep one of them")
    );
}

#[test]
fn every_error_is_collected_with_its_position() {
    let text = r#"version: 1
sdks:
  alow: [braze]
  deny: [brazee, "category:advertisin", advertising]
  unlisted: sometimes
capabilities:
  microphon: { app: allow }
  location: { app: maybe, max_precision: precise }
  contacts: { max_precision: coarse }
require: { purpose_strings: "yes" }
paths: { ignore: ["src/[oops"] }
exceptions:
  - rule: capability-flow-to-sdk
    reason: "   "
    expires: 2027-02-30
  - rule: PL999
    sdk: braze
  - sdk: braze
    reason: ok
colour: blue
"#;
    let e = err(text);
    assert_eq!(
        problem_positions(&e),
        [
            ("unknown-key", 3, 3),
            ("unknown-sdk", 4, 10),
            ("unknown-category", 4, 18),
            ("unknown-sdk", 4, 41),
            ("invalid-value", 5, 13),
            ("unknown-capability", 7, 3),
            ("invalid-value", 8, 20),
            ("not-applicable", 9, 15),
            ("wrong-type", 10, 29),
            ("bad-glob", 11, 19),
            ("unknown-rule", 13, 11),
            ("empty-reason", 14, 13),
            ("bad-date", 15, 14),
            ("missing-key", 16, 5),
            ("unknown-rule", 16, 11),
            ("missing-key", 18, 5),
            ("unknown-key", 20, 1),
        ]
    );
    let help = |i: usize| e.problems[i].help.clone().unwrap_or_default();
    assert_eq!(help(0), "did you mean `allow`?");
    assert_eq!(help(1), "did you mean `braze`?");
    assert_eq!(help(2), "did you mean `category:advertising`?");
    assert_eq!(
        help(3),
        "`advertising` is a category: write `category:advertising`"
    );
    assert_eq!(help(4), "`sdks.unlisted` is one of allow, warn, deny");
    assert_eq!(help(5), "did you mean `microphone`?");
    assert_eq!(help(10), "did you mean `capability-flows-to-sdk`?");
    assert_eq!(e.problems[13].message, "this exception has no `reason`");
    assert_eq!(e.problems[15].message, "this exception has no `rule`");
    assert!(help(16).starts_with("the keys allowed in the policy file are: version, extends"));
    assert!(e.to_string().contains("17 problems"), "{e}");
}

#[test]
fn graphical_report_shows_label_positions() {
    let e = err("version: 1\nsdks:\n  deny: [brazee]\n  unlisetd: deny\n");
    let out = render(&e);
    assert!(out.contains("privlint.yaml:3:10"), "{out}");
    assert!(out.contains("privlint.yaml:4:3"), "{out}");
    assert!(out.contains("not in the catalog"), "{out}");
    assert!(out.contains("did you mean `braze`?"), "{out}");
    assert!(out.contains("did you mean `unlisted`?"), "{out}");
    assert!(out.contains("privlint::policy::unknown-key"), "{out}");
}

#[test]
fn offsets_are_bytes_after_non_ascii_text() {
    let text =
        "# Politique de confidentialité — équipe mobile\nversion: 1\nsdks: { deny: [brazé] }\n";
    let e = err(text);
    let span = e.problems[0].span.clone().expect("span");
    assert_eq!((span.line, span.column), (3, 16));
    assert_eq!(&text[span.offset..span.offset + span.len], "brazé");
    assert!(render(&e).contains("privlint.yaml:3:16"));
}

#[test]
fn exception_rules_are_normalised_from_codes() {
    let policy = ok(
        "version: 1\nexceptions:\n  - { rule: PL301, reason: reviewed }\n  - { rule: pl502, reason: reviewed, paths: [\"a/**\"] }\n",
    );
    assert_eq!(policy.exceptions[0].rule, "capability-flows-to-sdk");
    assert_eq!(policy.exceptions[1].rule, "unused-exception");
    assert_eq!(policy.exceptions[1].paths, ["a/**"]);
    assert!(policy.exceptions[0].expires.is_none());
}

#[test]
fn exceptions_support_add_over_a_base() {
    let repo = repo();
    write(
        &repo.path().join("base.yaml"),
        "version: 1\nexceptions:\n  - { rule: denied-sdk, sdk: admob, reason: legacy }\n",
    );
    let policy = load_str(
        "privlint.yaml",
        "version: 1\nextends: base.yaml\nexceptions: { add: [{ rule: PL102, reason: new }] }\n",
        Some(repo.path()),
        &catalog(),
    )
    .expect("loads");
    let rules: Vec<&str> = policy.exceptions.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, ["denied-sdk", "unlisted-sdk"]);
}

#[test]
fn version_is_required_and_must_be_one() {
    assert_eq!(
        problem_positions(&err("sdks: { unlisted: deny }\n")),
        [("missing-version", 1, 1)]
    );
    assert_eq!(
        problem_positions(&err("version: 2\n")),
        [("unsupported-version", 1, 10)]
    );
    assert_eq!(
        problem_positions(&err("version: \"1\"\n")),
        [("unsupported-version", 1, 10)]
    );
    assert_eq!(problem_positions(&err("")), [("empty", 1, 1)]);
    assert_eq!(
        problem_positions(&err("- version\n")),
        [("wrong-type", 1, 1)]
    );
}

#[test]
fn yaml_syntax_errors_are_located() {
    let e = err("version: 1\nsdks:\n  deny: [braze\n");
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].kind, "yaml-syntax");
    assert!(e.problems[0].span.as_ref().is_some_and(|s| s.line >= 3));
    let tags = err("version: 1\nsdks: !!map { }\n");
    assert_eq!(tags.problems[0].kind, "yaml-tag");
    let two = err("version: 1\n---\nversion: 1\n");
    assert_eq!(problem_positions(&two), [("multiple-documents", 2, 1)]);
}

#[test]
fn wrong_list_shapes_are_explained() {
    let e = err("version: 1\nsdks:\n  allow: braze\n  deny: { append: [admob] }\n");
    assert_eq!(
        problem_positions(&e),
        [
            ("wrong-type", 3, 10),
            ("wrong-type", 4, 9),
            ("unknown-key", 4, 11)
        ]
    );
    assert_eq!(
        e.problems[2].help.as_deref(),
        Some("the keys allowed in `sdks.deny` {add: …} are: add")
    );
}

#[test]
fn dates_are_checked() {
    assert_eq!(
        parse_date("2028-02-29"),
        Some(Date {
            year: 2028,
            month: 2,
            day: 29
        })
    );
    assert_eq!(parse_date("2027-02-29"), None);
    assert_eq!(parse_date("2027-13-01"), None);
    assert_eq!(parse_date("2027-6-30"), None);
    assert_eq!(parse_date("2027-06-3a"), None);
    assert_eq!(parse_date("2027-06-30T00"), None);
}

#[test]
fn closest_finds_near_names() {
    assert_eq!(levenshtein("kitten", "sitting"), 3);
    assert_eq!(levenshtein("", "abc"), 3);
    assert_eq!(levenshtein("élan", "elan"), 1);
    let keys = ["purpose_strings", "privacy_manifest"];
    assert_eq!(closest("purpose-strings", keys), Some("purpose_strings"));
    assert_eq!(closest("privacy", keys), Some("privacy_manifest"));
    assert_eq!(closest("zzz", keys), None);
    assert_eq!(closest("x", ["y", "ab"]), None);
    assert_eq!(
        closest("firebase", ["firebase-analytics", "braze"]),
        Some("firebase-analytics")
    );
}

#[test]
fn rule_table_is_consistent() {
    let mut codes: Vec<&str> = RULE_NAMES.iter().map(|(c, _)| *c).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), RULE_NAMES.len());
    for (code, name) in RULE_NAMES {
        assert!(code.starts_with("PL") && code.len() == 5, "{code}");
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{name}"
        );
    }
}

#[test]
fn policy_file_is_found_upwards() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nested = dir.path().join("apps/one/src");
    std::fs::create_dir_all(&nested).expect("mkdir");
    write(&dir.path().join(".privlint.yaml"), "version: 1\n");
    let found = find_policy_file(&nested).expect("found in an ancestor");
    assert_eq!(
        found.canonicalize().expect("exists"),
        dir.path()
            .join(".privlint.yaml")
            .canonicalize()
            .expect("exists")
    );
    // Preference order within one directory, and the nearest directory wins.
    write(&dir.path().join("privlint.yaml"), "version: 1\n");
    let found = find_policy_file(&nested).expect("found");
    assert!(found.ends_with("privlint.yaml") && !found.ends_with(".privlint.yaml"));
    write(&dir.path().join("apps/privlint.yml"), "version: 1\n");
    let found = find_policy_file(&nested.join("Main.kt")).expect("found");
    assert!(found.ends_with("apps/privlint.yml"));
    // In the start directory itself, the path stays as given.
    assert_eq!(
        find_policy_file(&dir.path().join("apps")),
        Some(dir.path().join("apps/privlint.yml"))
    );
}
