use super::*;
use crate::extract::ir::Read;

fn lower_as(path: &str, text: &str) -> SourceIr {
    let catalog = crate::extract::javascript::package_json::test_catalog("{}");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    lower(&input, path.ends_with(".ts") || path.ends_with(".tsx")).expect("lowered")
}

fn reads(value: &ValueIr) -> String {
    value
        .reads
        .iter()
        .map(|r| match r {
            Read::Var { name, members } => std::iter::once(name.as_str())
                .chain(members.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("."),
            Read::Call(CallId(id)) => format!("#{id}"),
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// One line per op: `#id recv.method(a, b) @line`, `x, y = reads @line`, `return reads`.
fn ops(ir: &SourceIr, function: &str) -> Vec<String> {
    let f = ir
        .functions
        .iter()
        .find(|f| f.name == function)
        .unwrap_or_else(|| panic!("no function {function}: {:?}", names(ir)));
    f.ops
        .iter()
        .map(|op| match op {
            Op::Call(c) => format!(
                "#{} {}{}({}) @{}",
                c.id.0,
                c.receiver
                    .as_ref()
                    .map(|r| format!("{r}."))
                    .unwrap_or_default(),
                c.method,
                c.args.iter().map(reads).collect::<Vec<_>>().join(", "),
                c.at.line
            ),
            Op::Assign(a) => format!(
                "{} = {} @{}",
                a.targets.join(", "),
                reads(&a.value),
                a.at.line
            ),
            Op::Return(v) => format!("return {}", reads(v)),
        })
        .collect()
}

fn names(ir: &SourceIr) -> Vec<String> {
    ir.functions.iter().map(|f| f.name.clone()).collect()
}

fn imports(ir: &SourceIr) -> Vec<String> {
    ir.imports
        .iter()
        .map(|i| format!("{} [{}] @{}", i.path, i.bindings.join(","), i.at.line))
        .collect()
}

#[test]
fn esm_imports_record_their_bindings() {
    let ir = lower_as(
        "a.js",
        "import analytics from '@segment/analytics-react-native';\n\
             import * as Location from 'expo-location';\n\
             import { track as t, init } from \"mixpanel\";\n\
             import Def, { named } from 'both';\n\
             import 'side-effect';\n",
    );
    assert_eq!(
        imports(&ir),
        vec![
            "@segment/analytics-react-native [analytics] @1",
            "expo-location [Location] @2",
            "mixpanel [t,init] @3",
            "both [Def,named] @4",
            "side-effect [] @5",
        ]
    );
}

#[test]
fn require_dynamic_import_and_export_from_are_imports() {
    let ir = lower_as(
        "a.js",
        "const appsFlyer = require('react-native-appsflyer');\n\
             const { logEvent } = require('firebase/analytics').default;\n\
             async function later() { const m = await import('posthog-js'); }\n\
             export { x } from 'reexported';\n\
             export * from 'everything';\n\
             require('bare').init();\n",
    );
    assert_eq!(
        imports(&ir),
        vec![
            "react-native-appsflyer [appsFlyer] @1",
            "firebase/analytics [logEvent] @2",
            "posthog-js [m] @3",
            "reexported [] @4",
            "everything [] @5",
            "bare [] @6",
        ]
    );
    assert_eq!(ops(&ir, "<top>"), vec!["#0 require('bare').init() @6"]);
}

#[test]
fn typescript_import_equals_require() {
    let ir = lower_as("a.ts", "import Branch = require('react-native-branch');\n");
    assert_eq!(imports(&ir), vec!["react-native-branch [Branch] @1"]);
}

#[test]
fn awaited_location_flows_through_object_literal_into_track_call() {
    let ir = lower_as(
        "src/App.tsx",
        "import * as Location from 'expo-location';\n\
             export async function report(): Promise<void> {\n\
             \x20 const pos = await Location.getCurrentPositionAsync({ accuracy: Location.Accuracy.High });\n\
             \x20 const { coords } = pos;\n\
             \x20 analytics.track('seen', { lat: coords.latitude, lng: pos.coords?.longitude });\n\
             }\n",
    );
    assert_eq!(
        ops(&ir, "report"),
        vec![
            "#0 Location.getCurrentPositionAsync(Location.Accuracy.High) @3",
            "pos = #0 @3",
            "coords = pos @4",
            "#1 analytics.track(, coords.latitude|pos.coords.longitude) @5",
        ]
    );
    let call = ir.calls().next().unwrap().1;
    assert_eq!(call.receiver.as_deref(), Some("Location"));
    assert_eq!(call.args_text, "{ accuracy: Location.Accuracy.High }");
    assert_eq!(call.at.column, 21);
}

#[test]
fn then_callbacks_are_inline_with_their_parameters_assigned() {
    let ir = lower_as(
        "a.js",
        "navigator.geolocation.getCurrentPosition(function (pos) {\n\
             \x20 gtag('event', 'near', { lat: pos.coords.latitude });\n\
             }, (err) => console.log(err));\n\
             Location.getCurrentPositionAsync().then(({ coords }) => send(`${coords.latitude}`));\n",
    );
    assert_eq!(
        ops(&ir, "<top>"),
        vec![
            "#0 navigator.geolocation.getCurrentPosition(, ) @1",
            "pos = #0 @1",
            "#1 gtag(, , pos.coords.latitude) @2",
            "err = #0 @3",
            "#2 console.log(err) @3",
            "#3 Location.getCurrentPositionAsync() @4",
            "#4 Location.getCurrentPositionAsync().then() @4",
            "coords = #4 @4",
            "#5 send(coords.latitude) @4",
        ]
    );
    let then = ir.calls().find(|(_, c)| c.method == "then").unwrap().1;
    assert_eq!(reads(&then.receiver_value), "#3");
    assert_eq!(names(&ir), vec!["<top>"]);
}

#[test]
fn functions_methods_and_arrows_are_their_own_functions() {
    let ir = lower_as(
        "a.jsx",
        "function a(x) { return x.y; }\n\
             const b = async ({ id }, [first], ...rest) => id;\n\
             class Tracker extends Base {\n\
             \x20 field = makeField();\n\
             \x20 onPress = () => this.send();\n\
             \x20 send(v = 1) { sdk.log(v); }\n\
             }\n\
             const handlers = { onTap(e) {}, onHold: function () {} };\n\
             export default () => <View onPress={() => track(loc)} />;\n",
    );
    assert_eq!(
        names(&ir),
        vec![
            "<top>",
            "a",
            "b",
            "Tracker.onPress",
            "Tracker.send",
            "onTap",
            "onHold",
            "default"
        ]
    );
    let a = &ir.functions[1];
    assert_eq!(a.params, vec!["x"]);
    assert_eq!(ops(&ir, "a"), vec!["return x.y"]);
    assert_eq!(ir.functions[2].params, vec!["id", "first", "rest"]);
    assert_eq!(ops(&ir, "b"), vec!["return id"]);
    assert_eq!(ir.functions[4].params, vec!["v"]);
    assert_eq!(ops(&ir, "Tracker.send"), vec!["#2 sdk.log(v) @6"]);
    assert_eq!(
        ops(&ir, "<top>"),
        vec!["#0 makeField() @4", "this.field = #0 @4", "handlers =  @8"]
    );
    // The JSX handler is inline in the component: it sees the component's variables.
    assert_eq!(ops(&ir, "default"), vec!["#3 track(loc) @9", "return "]);
}

#[test]
fn new_member_assignment_and_comparisons() {
    let ir = lower_as(
        "a.js",
        "const client = new Segment.Client(key, { flushAt: 1 });\n\
             client.userLocation = pos.coords;\n\
             if (pos.coords.accuracy < 100 && !hidden) { ok(pos.coords.accuracy > 5); }\n\
             const label = pos ? `at ${pos.coords.latitude}` : 'none';\n\
             const kind = typeof pos;\n",
    );
    assert_eq!(
        ops(&ir, "<top>"),
        vec![
            "#0 Segment.Client(key, ) @1",
            "client = #0 @1",
            "#1 client.userLocation(pos.coords) @2",
            "#2 ok() @3",
            "label = pos.coords.latitude @4",
            "kind =  @5",
        ]
    );
    let call = ir.calls().nth(1).unwrap().1;
    assert_eq!(call.args_text, "pos.coords");
}

#[test]
fn subscripts_spreads_and_chains() {
    let ir = lower_as(
        "a.js",
        "payload['lat'] = loc.coords[\"latitude\"];\n\
             send({ ...payload, extra }, list[i].name);\n\
             AppsFlyer.getInstance().logEvent('e', data);\n",
    );
    assert_eq!(
        ops(&ir, "<top>"),
        vec![
            "payload = payload|loc.coords.latitude @1",
            "#0 send(payload|extra, list.name) @2",
            "#1 AppsFlyer.getInstance() @3",
            "#2 AppsFlyer.getInstance().logEvent(, data) @3",
        ]
    );
}

#[test]
fn comments_and_strings_produce_nothing() {
    let ir = lower_as(
        "a.js",
        "// fbq('track', 'Purchase');\n/* gtag('event') */\nconst s = \"fbq('init')\";\n",
    );
    assert_eq!(ops(&ir, "<top>"), vec!["s =  @3"]);
    assert!(ir.imports.is_empty());
}

#[test]
fn immediately_invoked_function_binds_its_arguments() {
    let ir = lower_as(
        "a.js",
        "!function (f, b) { if (f.fbq) return; f.fbq = queue; }(window, document);\n",
    );
    assert_eq!(
        ops(&ir, "<top>"),
        vec!["f, b = window|document @1", "#0 f.fbq(queue) @1"]
    );
}

#[test]
fn callbacks_returning_values_do_not_return_from_the_enclosing_function() {
    let ir = lower_as(
        "a.ts",
        "function outer(): number {\n  items.map((x: Item) => { return x.id; });\n  return 1;\n}\n",
    );
    assert_eq!(
        ops(&ir, "outer"),
        vec!["#0 items.map() @2", "x = #0 @2", "return "]
    );
}

#[test]
fn typescript_casts_are_transparent() {
    let ir = lower_as(
        "a.ts",
        "const p = (await getPos() as Position)!;\nconst q = <Position>other;\nsink(p satisfies Position, q);\n",
    );
    assert_eq!(
        ops(&ir, "<top>"),
        vec![
            "#0 getPos() @1",
            "p = #0 @1",
            "q = other @2",
            "#1 sink(p, q) @3"
        ]
    );
}

#[test]
fn tsx_is_chosen_for_tsx_files() {
    assert_eq!(Dialect::for_path("a/App.tsx", true), Dialect::Tsx);
    assert_eq!(Dialect::for_path("a/app.ts", true), Dialect::TypeScript);
    assert_eq!(Dialect::for_path("a/app.jsx", false), Dialect::JavaScript);
    let ir = lower_as(
        "App.tsx",
        "export const App = () => <Button onPress={() => Analytics.track('tap')} />;\n",
    );
    assert_eq!(ops(&ir, "App"), vec!["#0 Analytics.track() @1", "return "]);
}

#[test]
fn minified_and_bundled_files_are_skipped() {
    assert!(
        bundled_reason("web/vendor/gtag.min.js", "x")
            .is_some_and(|r| r.starts_with(SKIPPED_PREFIX))
    );
    let long_line = format!("var a = 1;\n{}\n", "x".repeat(MAX_LINE_BYTES + 1));
    assert_eq!(
        bundled_reason("dist/main.js", &long_line).as_deref(),
        Some("skipped: minified or bundled code (line of 10001 bytes)")
    );
    assert_eq!(bundled_reason("src/a.js", "const a = 1;\n"), None);
    let catalog = crate::extract::javascript::package_json::test_catalog("{}");
    let input = FileInput::new("dist/main.js", long_line.as_bytes(), &long_line, &catalog);
    assert!(lower(&input, false).is_err());
}

#[test]
fn deep_nesting_and_broken_code_do_not_panic() {
    // Deeper than the tree budget: refused with the reason, never cut silently.
    let catalog = crate::extract::javascript::package_json::test_catalog("{}");
    let deep = format!("x = {}1{};", "[\n".repeat(5000), "]\n".repeat(5000));
    let sum = format!("y = {};", vec!["a"; 3000].join(" +\n"));
    for (path, text) in [("deep.js", &deep), ("sum.js", &sum)] {
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        let error = lower(&input, false).expect_err("refused");
        assert!(error.contains("nests deeper than"), "{error}");
    }
    let ir = lower_as("sum.js", &format!("y = {};", vec!["a"; 300].join(" +\n")));
    assert_eq!(ir.functions.len(), 1);
    let broken = lower_as(
        "broken.js",
        "const a = ;\nfunction f( {\n}\nanalytics.track(pos);\n",
    );
    assert!(broken.calls().any(|(_, c)| c.method == "track"));
}

/// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
use crate::extract::test_flows as flows;

#[test]
fn first_party_analytics_wrapper_is_not_an_sdk_sink() {
    let source = "import { analytics } from './lib/analytics';\n\
            navigator.geolocation.getCurrentPosition((p) => {\n\
              analytics.track('stamp', { lat: p.coords.latitude });\n\
            });\n";
    assert_eq!(
        flows(crate::walk::FileKind::TypeScript, "src/main.ts", source),
        vec![]
    );
    // The same call on the Segment SDK is a flow.
    let sdk = source.replace("'./lib/analytics'", "'@segment/analytics-next'");
    assert_eq!(
        flows(crate::walk::FileKind::TypeScript, "src/main.ts", &sdk),
        vec![("segment".to_string(), "location".to_string(), 3)]
    );
}

#[test]
fn generic_collection_verbs_need_a_receiver_naming_the_sdk() {
    let source = "import mixpanel from 'mixpanel-browser';\n\
            navigator.geolocation.getCurrentPosition((p) => {\n\
              const params = new URLSearchParams();\n\
              params.set('lat', p.coords.latitude);\n\
              mixpanel.set('lat', p.coords.latitude);\n\
            });\n";
    assert_eq!(
        flows(crate::walk::FileKind::JavaScript, "src/main.js", source),
        vec![("mixpanel".to_string(), "location".to_string(), 5)]
    );
}

#[test]
fn this_method_call_hops_into_the_class_method() {
    let source = "import posthog from 'posthog-js';\n\
            class Tracker {\n\
              report(coords) {\n\
                posthog.capture('fix', { lat: coords.latitude });\n\
              }\n\
              start() {\n\
                navigator.geolocation.getCurrentPosition((p) => this.report(p.coords));\n\
              }\n\
            }\n";
    assert_eq!(
        flows(crate::walk::FileKind::JavaScript, "src/tracker.js", source),
        vec![("posthog".to_string(), "location".to_string(), 4)]
    );
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!("../../../../fixtures/flow/javascript/map/src/trail.js");
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_as(
        "src/trail.js",
        text
    )));
}
