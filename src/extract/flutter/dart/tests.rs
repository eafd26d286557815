use super::*;
use crate::extract::flutter::pubspec::test_catalog;
use crate::extract::ir::FunctionIr;

fn lower_text(text: &str) -> SourceIr {
    let catalog = test_catalog();
    let input = FileInput::new("lib/main.dart", text.as_bytes(), text, &catalog);
    lower(&input).expect("lowering succeeds")
}

fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
    ir.functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// A compact rendering of ops, for exact assertions.
fn render(function: &FunctionIr) -> Vec<String> {
    function.ops.iter().map(render_op).collect()
}

fn render_value(value: &ValueIr) -> String {
    let reads: Vec<String> = value
        .reads
        .iter()
        .map(|r| match r {
            Read::Var { name, members } if members.is_empty() => name.clone(),
            Read::Var { name, members } => format!("{name}.{}", members.join(".")),
            Read::Call(id) => format!("#{}", id.0),
        })
        .collect();
    format!("[{}]", reads.join(","))
}

fn render_op(op: &Op) -> String {
    match op {
        Op::Call(c) => {
            let args: Vec<String> = c.args.iter().map(render_value).collect();
            format!(
                "#{} {}{}({}) @{}:{}",
                c.id.0,
                c.receiver
                    .as_ref()
                    .map(|r| format!("{r}{}.", render_value(&c.receiver_value)))
                    .unwrap_or_default(),
                c.method,
                args.join(" "),
                c.at.line,
                c.at.column
            )
        }
        Op::Assign(a) => format!("{} = {}", a.targets.join(","), render_value(&a.value)),
        Op::Return(v) => format!("return {}", render_value(v)),
    }
}

#[test]
fn imports_with_alias_and_show() {
    let ir = lower_text(
        "import 'package:geolocator/geolocator.dart' as geo show Geolocator;\nimport \"package:firebase_analytics/firebase_analytics.dart\";\nexport 'src/x.dart';\n",
    );
    let imports: Vec<_> = ir
        .imports
        .iter()
        .map(|i| {
            (
                i.path.as_str(),
                i.bindings.clone(),
                i.at.line,
                i.qualified_reference,
            )
        })
        .collect();
    assert_eq!(
        imports,
        vec![
            (
                "package:geolocator/geolocator.dart",
                vec!["geo".to_string()],
                1,
                false
            ),
            (
                "package:firebase_analytics/firebase_analytics.dart",
                vec![],
                2,
                false
            ),
        ]
    );
}

#[test]
fn awaited_position_flows_into_named_map_argument() {
    let ir = lower_text(
        "Future<void> report() async {\n  final pos = await Geolocator.getCurrentPosition();\n  await FirebaseAnalytics.instance.logEvent(\n    name: 'visit',\n    parameters: {'lat': pos.latitude, 'lon': pos.longitude},\n  );\n}\n",
    );
    let report = function(&ir, "report");
    assert_eq!(
        render(report),
        vec![
            "#0 Geolocator[Geolocator].getCurrentPosition() @2:21",
            "pos = [#0]",
            "#1 FirebaseAnalytics.instance[FirebaseAnalytics.instance].logEvent([] [pos.latitude,pos.longitude]) @3:9",
        ]
    );
    let Some(Op::Call(log)) = report.ops.get(2) else {
        panic!("call expected")
    };
    assert_eq!(
        log.args_text,
        "name: 'visit', parameters: {'lat': pos.latitude, 'lon': pos.longitude},"
    );
    assert_eq!(report.at.line, 1);
    assert!(report.params.is_empty());
    // `<top>` comes first and is empty here.
    assert_eq!(ir.functions[0].name, "<top>");
    assert!(ir.functions[0].ops.is_empty());
}

#[test]
fn listen_and_then_callbacks_are_inline() {
    let ir = lower_text(
        "void track() {\n  Geolocator.getPositionStream().listen((Position pos) {\n    analytics.logEvent(name: 'p', parameters: {'lat': pos.latitude});\n  });\n  Geolocator.getLastKnownPosition().then((p) => send(p?.latitude));\n}\n",
    );
    assert_eq!(
        render(function(&ir, "track")),
        vec![
            "#0 Geolocator[Geolocator].getPositionStream() @2:3",
            "#1 Geolocator.getPositionStream()[#0].listen([]) @2:3",
            "pos = [#1]",
            "#2 analytics[analytics].logEvent([] [pos.latitude]) @3:5",
            "#3 Geolocator[Geolocator].getLastKnownPosition() @5:3",
            "#4 Geolocator.getLastKnownPosition()[#3].then([]) @5:3",
            "p = [#4]",
            "#5 send([p.latitude]) @5:49",
        ]
    );
}

#[test]
fn string_interpolation_reads_variables_and_members() {
    let ir = lower_text(
        "void f(Position pos, double lat) {\n  final s = 'at $lat, ${pos.longitude} ok';\n  final raw = r'no $lat';\n  log(\"${where()} $s\");\n}\n",
    );
    let f = function(&ir, "f");
    assert_eq!(f.params, vec!["pos", "lat"]);
    assert_eq!(
        render(f),
        vec![
            "s = [lat,pos.longitude]",
            "raw = []",
            "#0 where() @4:10",
            "#1 log([#0,s]) @4:3",
        ]
    );
}

#[test]
fn cascades_are_calls_on_the_target() {
    let ir = lower_text(
        "void f() {\n  analytics\n    ..setUserId(id)\n    ..logEvent(name: 'a', parameters: {'q': pos.latitude})\n    ..consent.update(x)\n    ..enabled = true;\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 analytics[analytics].setUserId([id]) @3:7",
            "#1 analytics[analytics].logEvent([] [pos.latitude]) @4:7",
            "#2 analytics.consent[analytics].update([x]) @5:7",
            "#3 analytics[analytics].enabled([]) @6:7",
        ]
    );
}

#[test]
fn property_assignment_is_a_call_and_plain_assignment_assigns() {
    let ir = lower_text(
        "void f() {\n  config.location.value = pos;\n  x = pos.latitude;\n  y += z;\n  m['k'] = v;\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 config.location[config.location].value([pos]) @2:3",
            "x = [pos.latitude]",
            "y = [z,y]",
            "m = [v,m]",
        ]
    );
}

#[test]
fn comparisons_are_dropped_but_their_calls_kept() {
    let ir = lower_text(
        "void f() {\n  final ok = pos != null && pos.accuracy < 10;\n  if (await Geolocator.isLocationServiceEnabled() == true) { go(); }\n  final c = flag ? a.b : other;\n  final n = !pos.isMocked;\n  final t = pos is Position;\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "ok = []",
            "#0 Geolocator[Geolocator].isLocationServiceEnabled() @3:13",
            "#1 go() @3:62",
            "c = [a.b,other]",
            "n = []",
            "t = []",
        ]
    );
}

#[test]
fn functions_methods_constructors_and_closures() {
    let ir = lower_text(
        "final analytics = FirebaseAnalytics.instance;\nclass Tracker {\n  Tracker({required this.client, Position? start}) : _last = start { init(); }\n  factory Tracker.empty() => Tracker(client: null);\n  String get label => _last.toString();\n  set last(Position p) { _last = p; }\n  Map<String, Object> toMap(Position p) {\n    void inner(int q) { print(q); }\n    return {'lat': p.latitude};\n  }\n}\n",
    );
    let names: Vec<_> = ir.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "<top>",
            "Tracker",
            "Tracker.empty",
            "label",
            "last",
            "inner",
            "toMap"
        ]
    );
    assert_eq!(
        render(&ir.functions[0]),
        vec!["analytics = [FirebaseAnalytics.instance]"]
    );
    let ctor = function(&ir, "Tracker");
    assert_eq!(ctor.params, vec!["client", "start"]);
    assert_eq!(render(ctor), vec!["_last = [start]", "#0 init() @3:70"]);
    assert_eq!(
        render(function(&ir, "Tracker.empty")),
        vec!["#1 Tracker([]) @4:30", "return [#1]"]
    );
    assert_eq!(
        render(function(&ir, "label")),
        vec!["#2 _last[_last].toString() @5:23", "return [#2]"]
    );
    assert_eq!(render(function(&ir, "last")), vec!["_last = [p]"]);
    assert_eq!(render(function(&ir, "inner")), vec!["#3 print([q]) @8:25"]);
    assert_eq!(render(function(&ir, "toMap")), vec!["return [p.latitude]"]);
}

#[test]
fn closure_returns_do_not_return_from_the_function() {
    let ir = lower_text(
        "int f() {\n  list.forEach((e) { return e; });\n  final g = (x) => x.y;\n  return 1;\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 list[list].forEach([]) @2:3",
            "e = [#0]",
            "g = []",
            "return []"
        ]
    );
}

#[test]
fn for_in_and_patterns_assign() {
    let ir = lower_text(
        "Future<void> f() async {\n  await for (final p in Geolocator.getPositionStream()) {\n    send(p.latitude);\n  }\n  final (lat, lon) = pair(p);\n  final Position(:latitude, longitude: lng) = p;\n  for (var i = 0; i < n; i++) { go(i); }\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 Geolocator[Geolocator].getPositionStream() @2:25",
            "p = [#0]",
            "#1 send([p.latitude]) @3:5",
            "#2 pair([p]) @5:22",
            "lat,lon = [#2]",
            "latitude,lng = [p]",
            "i = []",
            "#3 go([i]) @7:33",
        ]
    );
}

#[test]
fn comments_and_strings_produce_nothing() {
    let ir = lower_text(
        "// Geolocator.getCurrentPosition();\n/* FirebaseAnalytics.instance.logEvent() */\nvoid f() {\n  Navigator.pushNamed(context, '/location');\n  final s = 'Geolocator.getCurrentPosition()';\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 Navigator[Navigator].pushNamed([context] []) @4:3",
            "s = []"
        ]
    );
    assert!(ir.imports.is_empty());
}

#[test]
fn constructors_generics_and_index_reads() {
    let ir = lower_text(
        "void f() {\n  final a = new Payload(pos.latitude);\n  final b = const Foo.named(x);\n  final g = Foo<int>.named(y);\n  final c = list.map<int>((e) => e.x);\n  final d = m['lat']!;\n  final e = [pos.latitude, 1];\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "#0 Payload([pos.latitude]) @2:13",
            "a = [#0]",
            "#1 Foo[].named([x]) @3:13",
            "b = [#1]",
            "#2 Foo[].named([y]) @4:13",
            "g = [#2]",
            "#3 list[list].map([]) @5:13",
            "e = [#3]",
            "c = [#3]",
            "d = [m]",
            "e = [pos.latitude]",
        ]
    );
}

#[test]
fn damaged_input_still_lowers() {
    let ir = lower_text(
        "void f() {\n  final = ;\n  analytics.logEvent(name: 'x', parameters: {'a': pos.latitude});\n}\n",
    );
    let methods: Vec<_> = ir
        .calls()
        .map(|(f, c)| (f.name.as_str(), c.method.as_str()))
        .collect();
    assert_eq!(methods, vec![("f", "logEvent")]);
}

#[test]
fn very_deep_nesting_is_refused_not_overflowed() {
    let depth = 5000;
    let text = format!(
        "void f() {{ x = {}1{}; }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let catalog = test_catalog();
    let input = FileInput::new("lib/deep.dart", text.as_bytes(), &text, &catalog);
    // Run on a thread with the small stack rayon workers get.
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(s, || lower(&input))
            .expect("spawn")
            .join()
            .expect("no overflow")
    });
    let error = result.expect_err("too deep");
    assert!(error.contains("nests deeper than"), "{error}");
}

/// Every prefix of a real file (cut on char boundaries): never a panic.
fn prefixes(text: &str) -> impl Iterator<Item = &str> {
    (0..=text.len())
        .step_by(5)
        .filter(|&end| text.is_char_boundary(end))
        .map(|end| &text[..end])
}

#[test]
fn truncated_inputs_never_panic() {
    let text = include_str!("../../../../fixtures/flutter/ads-analytics/lib/main.dart");
    let full = lower_text(text);
    assert!(full.calls().any(|(_, c)| c.method == "logEvent"));
    for prefix in prefixes(text) {
        let catalog = test_catalog();
        let input = FileInput::new("lib/main.dart", prefix.as_bytes(), prefix, &catalog);
        assert!(lower(&input).is_ok());
    }
}

/// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
use crate::extract::test_flows as flows;

#[test]
fn generic_set_on_an_app_object_is_not_a_mixpanel_sink() {
    let source = "import 'package:geolocator/geolocator.dart';\n\
            import 'package:mixpanel_flutter/mixpanel_flutter.dart';\n\
            void f(Mixpanel mixpanel, RunLog log) {\n\
              Geolocator.getPositionStream().listen((p) {\n\
                log.set('fix', p.latitude);\n\
                mixpanel.getPeople().set('fix', p.latitude);\n\
              });\n\
            }\n";
    assert_eq!(
        flows(crate::walk::FileKind::Dart, "lib/main.dart", source),
        vec![("mixpanel".to_string(), "location".to_string(), 6)]
    );
}

#[test]
fn contact_count_is_not_a_flow_but_a_name_is() {
    let source = "import 'package:firebase_analytics/firebase_analytics.dart';\n\
            import 'package:flutter_contacts/flutter_contacts.dart';\n\
            Future<void> f() async {\n\
              final all = await FlutterContacts.getContacts();\n\
              await FirebaseAnalytics.instance.logEvent(name: 'n', parameters: {'n': all.length});\n\
              await FirebaseAnalytics.instance.logEvent(name: 'first', parameters: {'who': '${all.first.displayName}'});\n\
            }\n";
    assert_eq!(
        flows(crate::walk::FileKind::Dart, "lib/main.dart", source),
        vec![("firebase-analytics".to_string(), "contacts".to_string(), 6)]
    );
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!("../../../../fixtures/flow/dart/map/lib/main.dart");
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_text(text)));
}
