use super::macros::format_captures;
use super::*;
use crate::extract::flutter::pubspec::test_catalog;
use crate::extract::ir::FunctionIr;

fn try_lower(text: &str) -> Result<SourceIr, String> {
    let catalog = test_catalog();
    let input = FileInput::new("src-tauri/src/main.rs", text.as_bytes(), text, &catalog);
    lower(&input)
}

fn lower_text(text: &str) -> SourceIr {
    try_lower(text).expect("lowering succeeds")
}

fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
    ir.functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
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

fn render_ops(function: &FunctionIr) -> Vec<String> {
    function
        .ops
        .iter()
        .map(|op| match op {
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
            Op::Assign(a) => format!(
                "{} = {} @{}:{}",
                a.targets.join(","),
                render_value(&a.value),
                a.at.line,
                a.at.column
            ),
            Op::Return(v) => format!("return {}", render_value(v)),
        })
        .collect()
}

#[test]
fn use_trees_and_extern_crates() {
    let ir = lower_text(
        "use posthog_rs::{Client, Event as PhEvent, self};\nuse tauri_plugin_geolocation::*;\nuse ::serde::Serialize;\nextern crate posthog_rs as ph;\n",
    );
    let imports: Vec<_> = ir
        .imports
        .iter()
        .map(|i| {
            (
                i.path.as_str(),
                i.bindings.join(","),
                i.at.line,
                i.at.column,
            )
        })
        .collect();
    assert_eq!(
        imports,
        vec![
            ("posthog_rs::Client", "Client".to_string(), 1, 1),
            ("posthog_rs::Event", "PhEvent".to_string(), 1, 1),
            ("posthog_rs", "posthog_rs".to_string(), 1, 1),
            ("tauri_plugin_geolocation::*", String::new(), 2, 1),
            ("::serde::Serialize", "Serialize".to_string(), 3, 1),
            ("posthog_rs", "ph".to_string(), 4, 1),
        ]
    );
    assert!(ir.imports.iter().all(|i| !i.qualified_reference));
}

#[test]
fn position_flows_through_let_try_and_await_to_the_sink() {
    let ir = lower_text(
        r#"
async fn share(app: AppHandle, client: &Client) -> Result<(), String> {
    let position = app.geolocation().get_current_position(None).map_err(|e| e.to_string())?;
    let mut event = posthog_rs::Event::new("moved", "device");
    event.insert_prop("lat", position.coords.latitude).ok();
    client.capture(event).await.map_err(|e| e.to_string())
}
"#,
    );
    let share = function(&ir, "share");
    assert_eq!(share.params, vec!["app", "client"]);
    assert_eq!(
        render_ops(share),
        vec![
            "#0 app[app].geolocation() @3:20",
            "#1 app.geolocation()[#0].get_current_position([]) @3:20",
            "#2 app.geolocation().get_current_position(None)[#1].map_err([]) @3:20",
            "e = [#2] @3:73",
            "#3 e[e].to_string() @3:77",
            "position = [#2] @3:5",
            "#4 posthog_rs::Event[].new([] []) @4:21",
            "event = [#4] @4:5",
            "#5 event[event].insert_prop([] [position.coords.latitude]) @5:5",
            "#6 event.insert_prop(\"lat\",position.coords.latitude)[#5].ok() @5:5",
            "#7 client[client].capture([event]) @6:5",
            "#8 client.capture(event).await[#7].map_err([]) @6:5",
            "e = [#8] @6:41",
            "#9 e[e].to_string() @6:45",
            "return [#8]",
        ]
    );
    let references: Vec<_> = ir
        .imports
        .iter()
        .filter(|i| i.qualified_reference)
        .map(|i| (i.path.as_str(), i.at.line, i.at.column))
        .collect();
    assert_eq!(references, vec![("posthog_rs::Event::new", 4, 21)]);
}

#[test]
fn path_calls_split_receiver_and_method() {
    let ir = lower_text(
        "fn main() {\n    tauri::Builder::default()\n        .plugin(tauri_plugin_geolocation::init())\n        .run(ctx);\n    let p = Geolocation::get_current_position(opts);\n    helper(p);\n}\n",
    );
    assert_eq!(
        render_ops(function(&ir, "main")),
        vec![
            "#0 tauri::Builder[].default() @2:5",
            "#1 tauri_plugin_geolocation[].init() @3:17",
            "#2 tauri::Builder::default()[#0].plugin([#1]) @2:5",
            "#3 tauri::Builder::default().plugin(tauri_plugin_geolocation::init())[#2].run([ctx]) @2:5",
            "#4 Geolocation[].get_current_position([opts]) @5:13",
            "p = [#4] @5:5",
            "#5 helper([p]) @6:5",
        ]
    );
    let references: Vec<_> = ir
        .imports
        .iter()
        .filter(|i| i.qualified_reference)
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(
        references,
        vec!["tauri::Builder::default", "tauri_plugin_geolocation::init"]
    );
}

#[test]
fn format_macros_read_arguments_and_inline_captures() {
    let ir = lower_text(
        r#"fn f(lat: f64, pos: Position) {
    let a = format!("{}", lat);
    let b = format!("{lat:.4} {{literal}} {0}", pos.coords.longitude);
    println!("{b}");
    let c = json!({"lat": pos.coords.latitude, "n": count(x)});
    let d = vec![lat; 3];
}
"#,
    );
    assert_eq!(
        render_ops(function(&ir, "f")),
        vec![
            "a = [lat] @2:5",
            "b = [pos.coords.longitude,lat] @3:5",
            "c = [pos.coords.latitude,x] @5:5",
            "d = [lat] @6:5",
        ]
    );
}

#[test]
fn struct_literals_tuples_and_destructuring() {
    let ir = lower_text(
        r#"fn f(p: Position) -> Payload {
    let Payload { lat, lon: longitude } = make(p);
    let (a, _b) = (p.coords.latitude, 1);
    let payload = Payload { lat: p.coords.latitude, lon, ..Default::default() };
    payload
}
"#,
    );
    assert_eq!(
        render_ops(function(&ir, "f")),
        vec![
            "#0 make([p]) @2:43",
            "lat,longitude = [#0] @2:5",
            "a,_b = [p.coords.latitude] @3:5",
            "#1 Default[].default() @4:60",
            "payload = [p.coords.latitude,lon,#1] @4:5",
            "return [payload]",
        ]
    );
}

#[test]
fn control_flow_patterns_and_comparisons() {
    let ir = lower_text(
        r#"fn f(rx: Receiver<Position>) {
    if let Some(pos) = last_known() { send(pos.coords.latitude); }
    for update in rx.iter() { send(update); }
    match watch() {
        Ok(p) if p.coords.accuracy < 10.0 => send(p),
        _ => {}
    }
    let near = distance(a, b) < 5.0 && ok;
    total += delta;
    state.last = pos;
    cache[0] = pos;
}
"#,
    );
    assert_eq!(
        render_ops(function(&ir, "f")),
        vec![
            "#0 last_known() @2:24",
            "pos = [#0] @2:8",
            "#1 send([pos.coords.latitude]) @2:39",
            "#2 rx[rx].iter() @3:19",
            "update = [#2] @3:5",
            "#3 send([update]) @3:31",
            "#4 watch() @4:11",
            "p = [#4] @5:9",
            "#5 send([p]) @5:46",
            "#6 distance([a] [b]) @8:16",
            "near = [] @8:5",
            "total = [delta,total] @9:5",
            "#7 state[state].last([pos]) @10:5",
            "cache = [pos,cache] @11:5",
        ]
    );
}

#[test]
fn impl_trait_nested_functions_and_closures() {
    let ir = lower_text(
        r#"const KEY: &str = env!("KEY");
struct Tracker;
impl Tracker {
    fn track(&self, pos: Position) -> u32 {
        fn inner(x: u32) -> u32 { x }
        let f = |q: u32| { return q; };
        return inner(1);
    }
}
trait Report { fn report(&self) { log(self); } fn required(&self); }
mod nested { pub fn deep() { go(); } }
"#,
    );
    let names: Vec<_> = ir.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["<top>", "inner", "track", "report", "deep"]);
    assert_eq!(render_ops(&ir.functions[0]), vec!["KEY = [] @1:7"]);
    assert_eq!(function(&ir, "track").params, vec!["self", "pos"]);
    assert_eq!(
        render_ops(function(&ir, "track")),
        vec!["f = [] @6:9", "#0 inner([]) @7:16", "return [#0]"]
    );
    assert_eq!(render_ops(function(&ir, "inner")), vec!["return [x]"]);
    assert_eq!(function(&ir, "track").at.line, 4);
}

#[test]
fn comments_and_strings_produce_nothing() {
    let ir = lower_text(
        "// client.capture(position)\n/* posthog_rs::client(\"k\") */\nfn f() { let s = \"posthog_rs::client(key)\"; }\n",
    );
    assert!(ir.imports.is_empty());
    assert_eq!(render_ops(function(&ir, "f")), vec!["s = [] @3:10"]);
}

#[test]
fn syntax_errors_are_reported_with_position() {
    let error = try_lower("fn main() {\n    let x = ;\n}\n").expect_err("invalid");
    assert!(
        error.starts_with("Rust syntax not understood at 2:"),
        "{error}"
    );
}

#[test]
fn deep_bracket_nesting_is_refused_before_parsing() {
    let deep = format!("fn f() {{ {}1{} }}", "(".repeat(600), ")".repeat(600));
    let error = try_lower(&deep).expect_err("too deep");
    assert!(
        error.starts_with("nesting too deep to parse safely"),
        "{error}"
    );
    // Brackets inside strings, comments and char literals do not count.
    let quoted = format!(
        "fn f() {{ let s = \"{}\"; let c = '('; /* {} */ }}\n// {}\n",
        "(".repeat(600),
        "[".repeat(600),
        "{".repeat(600)
    );
    assert!(try_lower(&quoted).is_ok());
    let raw = format!("fn f() {{ let s = r#\"{}\"#; }}", "(".repeat(600));
    assert!(try_lower(&raw).is_ok());
}

#[test]
fn nesting_just_under_the_limit_fits_a_worker_stack() {
    let nested = format!(
        "fn f() {{ let x = {}a{}; }}",
        "(".repeat(MAX_BRACKET_NESTING - 2),
        ")".repeat(MAX_BRACKET_NESTING - 2)
    );
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(s, || try_lower(&nested).map(|ir| ir.functions.len()))
            .expect("spawn")
            .join()
            .expect("no stack overflow")
    });
    assert_eq!(result, Ok(2));
    for (kind, open, close) in [("braces", "{", "}"), ("calls", "f(", ")")] {
        let nested = format!(
            "fn f() {{ let x = {}1{}; }}",
            open.repeat(MAX_BRACKET_NESTING - 2),
            close.repeat(MAX_BRACKET_NESTING - 2)
        );
        assert!(try_lower(&nested).is_ok(), "{kind}");
    }
}

#[test]
fn long_prefix_operator_runs_are_refused() {
    let text = format!("fn f() {{ let x = {}1; }}", "- ".repeat(MAX_PREFIX_RUN + 1));
    let error = try_lower(&text).expect_err("too deep");
    assert!(error.contains("operators in a row"), "{error}");
    let fine = format!(
        "fn f() {{ let x = {}1; }}\n// {}\n",
        "-".repeat(10),
        "-".repeat(1000)
    );
    assert!(try_lower(&fine).is_ok());
}

#[test]
fn format_capture_parsing() {
    let names: Vec<String> = format_captures("{a} {b:?} {} {0} {{c}} {d.e} {_f:>8}")
        .into_iter()
        .map(|r| match r {
            Read::Var { name, .. } => name,
            Read::Call(_) => String::new(),
        })
        .collect();
    assert_eq!(names, vec!["a", "b", "_f"]);
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
    let text = include_str!("../../../../fixtures/tauri/geo-analytics/src-tauri/src/main.rs");
    let full = lower_text(text);
    assert!(full.calls().any(|(_, c)| c.method == "insert_prop"));
    let failures = prefixes(text).filter(|p| try_lower(p).is_err()).count();
    assert!(failures > 0, "most prefixes are not valid Rust");
}

/// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
use crate::extract::test_flows as flows;

#[test]
fn declared_modules_are_first_party_imports() {
    let ir =
        try_lower("mod diary;\nuse diary::capture;\nuse posthog_rs::Event;\n").expect("lowered");
    let paths: Vec<&str> = ir.imports.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["self::diary", "self::diary::capture", "posthog_rs::Event"]
    );
}

#[test]
fn local_capture_function_is_not_the_posthog_sink() {
    let body = "fn f(app: AppHandle) {\n\
            let end = app.geolocation().get_current_position(None).unwrap();\n\
            capture(&format!(\"{}\", end.coords.latitude));\n\
            }\n";
    let imported = format!("mod diary;\nuse diary::capture;\nuse posthog_rs::Event;\n{body}");
    let local = format!("use posthog_rs::Event;\nfn capture(_: &str) {{}}\n{body}");
    let sdk = format!("use posthog_rs::{{capture, Event}};\n{body}");
    let kind = crate::walk::FileKind::Rust;
    assert_eq!(flows(kind, "src/lib.rs", &imported), vec![]);
    assert_eq!(flows(kind, "src/lib.rs", &local), vec![]);
    assert_eq!(
        flows(kind, "src/lib.rs", &sdk),
        vec![("posthog".to_string(), "location".to_string(), 4)]
    );
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!("../../../../fixtures/flow/rust/map/src-tauri/src/lib.rs");
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_text(text)));
}
