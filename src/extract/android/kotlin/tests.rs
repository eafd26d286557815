use super::*;
use crate::catalog::Catalog;
use crate::extract::ir::{CallIr, FunctionIr};

fn lower_kt(source: &str) -> SourceIr {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(
        "app/src/main/java/com/acme/Main.kt",
        source.as_bytes(),
        source,
        &catalog,
    );
    lower(&input).expect("parses")
}

fn function<'a>(ir: &'a SourceIr, name: &str) -> &'a FunctionIr {
    ir.functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}: {:?}", names(ir)))
}

fn names(ir: &SourceIr) -> Vec<&str> {
    ir.functions.iter().map(|f| f.name.as_str()).collect()
}

fn calls(f: &FunctionIr) -> Vec<&CallIr> {
    f.ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn call<'a>(f: &'a FunctionIr, method: &str) -> &'a CallIr {
    calls(f)
        .into_iter()
        .find(|c| c.method == method)
        .unwrap_or_else(|| panic!("no call {method} in {}: {:#?}", f.name, f.ops))
}

fn v(name: &str, members: &[&str]) -> Read {
    Read::Var {
        name: name.to_string(),
        members: members.iter().map(|m| m.to_string()).collect(),
    }
}

fn assigns(f: &FunctionIr) -> Vec<(&[String], &[Read])> {
    f.ops
        .iter()
        .filter_map(|op| match op {
            Op::Assign(a) => Some((a.targets.as_slice(), a.value.reads.as_slice())),
            _ => None,
        })
        .collect()
}

#[test]
fn imports_plain_wildcard_alias_and_qualified_references() {
    let ir = lower_kt(
        r#"package com.acme
import com.google.firebase.analytics.FirebaseAnalytics
import com.braze.*
import com.appsflyer.AppsFlyerLib as AF
fun f() {
    com.appsflyer.AppsFlyerLib.getInstance().start(this)
}
"#,
    );
    let got: Vec<(&str, &[String], bool, u32)> = ir
        .imports
        .iter()
        .map(|i| {
            (
                i.path.as_str(),
                i.bindings.as_slice(),
                i.qualified_reference,
                i.at.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "com.google.firebase.analytics.FirebaseAnalytics",
                &["FirebaseAnalytics".to_string()][..],
                false,
                2
            ),
            ("com.braze.*", &[][..], false, 3),
            (
                "com.appsflyer.AppsFlyerLib",
                &["AF".to_string()][..],
                false,
                4
            ),
            ("com.appsflyer.AppsFlyerLib", &[][..], true, 6),
        ]
    );
    let f = function(&ir, "f");
    let get_instance = call(f, "getInstance");
    assert_eq!(
        get_instance.receiver.as_deref(),
        Some("com.appsflyer.AppsFlyerLib")
    );
    assert!(get_instance.receiver_value.reads.is_empty());
    let start = call(f, "start");
    assert_eq!(
        start.receiver.as_deref(),
        Some("com.appsflyer.AppsFlyerLib.getInstance()")
    );
    assert_eq!(
        start.receiver_value.reads,
        vec![Read::Call(get_instance.id)]
    );
    assert_eq!(start.at.line, 6);
    assert_eq!(start.at.column, 46);
}

#[test]
fn functions_members_and_top() {
    let ir = lower_kt(
        r#"val top = compute()
class A(val x: Int) {
    private val fused = LocationServices.getFusedLocationProviderClient(this)
    init { setup() }
    constructor(s: String) : this(1) { other(s) }
    fun f(a: Int, b: String) = a + 1
    companion object { fun g() {} }
    val lazyOne by lazy { make() }
}
"#,
    );
    assert_eq!(
        names(&ir),
        vec![
            "<top>",
            "top",
            "fused",
            "init",
            "constructor",
            "f",
            "g",
            "lazyOne"
        ]
    );
    let fused = function(&ir, "fused");
    let get = call(fused, "getFusedLocationProviderClient");
    assert_eq!(get.receiver.as_deref(), Some("LocationServices"));
    assert_eq!(get.args_text, "this");
    assert_eq!(
        assigns(fused),
        vec![(&["fused".to_string()][..], &[Read::Call(get.id)][..])]
    );
    let f = function(&ir, "f");
    assert_eq!(f.params, vec!["a", "b"]);
    assert!(matches!(&f.ops[..], [Op::Return(v)] if v.reads == vec![v_("a")]));
    assert_eq!(function(&ir, "constructor").params, vec!["s"]);
    assert_eq!(call(function(&ir, "init"), "setup").receiver, None);
    // `lazy { make() }` is a builder lambda: `make` runs before `lazy` and feeds it.
    let lazy_one = function(&ir, "lazyOne");
    let make = call(lazy_one, "make");
    let lazy = call(lazy_one, "lazy");
    assert_eq!(lazy.args[0].reads, vec![Read::Call(make.id)]);
}

fn v_(name: &str) -> Read {
    v(name, &[])
}

#[test]
fn callback_lambda_binds_parameter_to_call() {
    let ir = lower_kt(
        r#"fun track() {
    fused.lastLocation.addOnSuccessListener { loc ->
        analytics.logEvent("where", bundleOf("lat" to loc.latitude))
    }
    fused.lastLocation.addOnSuccessListener { send(it.longitude) }
}
"#,
    );
    let f = function(&ir, "track");
    let ops = &f.ops;
    let Op::Call(last_location) = &ops[0] else {
        panic!("{ops:#?}")
    };
    assert_eq!(last_location.method, "lastLocation");
    assert_eq!(last_location.receiver.as_deref(), Some("fused"));
    assert_eq!(last_location.receiver_value.reads, vec![v_("fused")]);
    assert!(last_location.args.is_empty());
    let Op::Call(listener) = &ops[1] else {
        panic!("{ops:#?}")
    };
    assert_eq!(listener.method, "addOnSuccessListener");
    assert_eq!(listener.receiver.as_deref(), Some("fused.lastLocation"));
    assert_eq!(
        listener.receiver_value.reads,
        vec![Read::Call(last_location.id)]
    );
    let Op::Assign(param) = &ops[2] else {
        panic!("{ops:#?}")
    };
    assert_eq!(param.targets, vec!["loc"]);
    assert_eq!(param.value.reads, vec![Read::Call(listener.id)]);
    let bundle = call(f, "bundleOf");
    assert_eq!(bundle.args[0].reads, vec![v("loc", &["latitude"])]);
    let log = call(f, "logEvent");
    assert_eq!(log.receiver.as_deref(), Some("analytics"));
    assert_eq!(log.args[0].reads, vec![]);
    assert_eq!(log.args[1].reads, vec![Read::Call(bundle.id)]);
    assert_eq!(
        log.args_text,
        "\"where\", bundleOf(\"lat\" to loc.latitude)"
    );
    // `{ send(it.longitude) }`: implicit `it` is bound.
    let second_listener = calls(f)
        .into_iter()
        .filter(|c| c.method == "addOnSuccessListener")
        .nth(1)
        .expect("second listener");
    assert!(assigns(f).contains(&(
        &["it".to_string()][..],
        &[Read::Call(second_listener.id)][..]
    )));
    assert_eq!(call(f, "send").args[0].reads, vec![v("it", &["longitude"])]);
}

#[test]
fn scope_and_builder_lambdas_feed_the_call() {
    let ir = lower_kt(
        r#"fun f(loc: Location) {
    val b = Bundle().apply { putDouble("lat", loc.latitude) }
    firebase.logEvent("e", b)
    firebase.logEvent("e2") { param("lng", loc.longitude) }
    loc.let { l -> sdk.send(l.latitude) }
}
"#,
    );
    let f = function(&ir, "f");
    let put = call(f, "putDouble");
    assert_eq!(put.receiver, None);
    let apply = call(f, "apply");
    assert_eq!(apply.receiver.as_deref(), Some("Bundle()"));
    assert!(apply.args[0].reads.contains(&Read::Call(put.id)));
    assert!(assigns(f).contains(&(&["b".to_string()][..], &[Read::Call(apply.id)][..])));
    let param = call(f, "param");
    let second = calls(f)
        .into_iter()
        .filter(|c| c.method == "logEvent")
        .nth(1)
        .expect("second logEvent");
    assert_eq!(second.args.len(), 2);
    assert_eq!(second.args_text, "\"e2\"");
    assert!(second.args[1].reads.contains(&Read::Call(param.id)));
    // `loc.let { l -> … }` binds `l` to the receiver's value before the body.
    assert!(assigns(f).contains(&(&["l".to_string()][..], &[v_("loc")][..])));
    assert_eq!(call(f, "send").args[0].reads, vec![v("l", &["latitude"])]);
}

#[test]
fn object_literals_and_sam_constructors_are_callbacks_of_the_enclosing_call() {
    let ir = lower_kt(
        r#"fun f() {
    client.requestLocationUpdates(request, object : LocationCallback() {
        override fun onLocationResult(result: LocationResult) {
            Braze.getInstance(ctx).currentUser?.setLastKnownLocation(result.lastLocation.latitude, 0.0)
        }
    }, Looper.getMainLooper())
    task.addOnSuccessListener(OnSuccessListener { where -> track(where) })
}
"#,
    );
    let f = function(&ir, "f");
    let updates = call(f, "requestLocationUpdates");
    assert_eq!(updates.args.len(), 3);
    assert!(updates.args[1].reads.is_empty());
    assert!(assigns(f).contains(&(&["result".to_string()][..], &[Read::Call(updates.id)][..])));
    let set = call(f, "setLastKnownLocation");
    assert_eq!(
        set.receiver.as_deref(),
        Some("Braze.getInstance(ctx).currentUser")
    );
    // `lastLocation` is a catalog API name: lowered as a call on `result`.
    let read = calls(f)
        .into_iter()
        .find(|c| c.method == "lastLocation")
        .expect("lastLocation read");
    assert_eq!(read.receiver_value.reads, vec![v_("result")]);
    assert_eq!(set.args[0].reads, vec![Read::Call(read.id)]);
    let listener = call(f, "addOnSuccessListener");
    assert!(assigns(f).contains(&(&["where".to_string()][..], &[Read::Call(listener.id)][..])));
}

#[test]
fn assignments_templates_and_comparisons() {
    let ir = lower_kt(
        r#"fun f(loc: Location, route: String) {
    OneSignal.Location.isShared = true
    val s = "at ${loc.latitude} $route!"
    var total = 0
    total += loc.altitude
    map["lat"] = loc.latitude
    val (a, b) = pair
    if (loc != null && loc.accuracy > 10) { report(loc.accuracy > 3) }
    for (p in points) { send(p) }
    return s
}
"#,
    );
    let f = function(&ir, "f");
    let shared = call(f, "isShared");
    assert_eq!(shared.receiver.as_deref(), Some("OneSignal.Location"));
    assert_eq!(shared.args_text, "true");
    assert!(shared.args[0].reads.is_empty());
    let assigned = assigns(f);
    assert!(assigned.contains(&(
        &["s".to_string()][..],
        &[v("loc", &["latitude"]), v_("route")][..]
    )));
    assert!(assigned.contains(&(
        &["total".to_string()][..],
        &[v("loc", &["altitude"]), v_("total")][..]
    )));
    assert!(assigned.contains(&(
        &["map".to_string()][..],
        &[v_("map"), v("loc", &["latitude"])][..]
    )));
    assert!(assigned.contains(&(&["a".to_string(), "b".to_string()][..], &[v_("pair")][..])));
    assert!(assigned.contains(&(&["p".to_string()][..], &[v_("points")][..])));
    assert!(call(f, "report").args[0].reads.is_empty());
    assert!(matches!(f.ops.last(), Some(Op::Return(v)) if v.reads == vec![v_("s")]));
}

#[test]
fn comments_and_strings_produce_nothing() {
    let ir = lower_kt(
        r#"// AppsFlyerLib.getInstance().logLocation(ctx, 1.0, 2.0)
/* com.appsflyer.AppsFlyerLib.getInstance() */
fun f() {
    val s = "AppsFlyerLib.getInstance().logLocation(ctx, 1.0, 2.0)"
    Chartboost.setLocation("main_menu")
}
"#,
    );
    assert!(ir.imports.is_empty());
    let f = function(&ir, "f");
    let methods: Vec<&str> = calls(f).iter().map(|c| c.method.as_str()).collect();
    assert_eq!(methods, vec!["setLocation"]);
    assert!(call(f, "setLocation").args[0].reads.is_empty());
}

#[test]
fn recovers_around_errors() {
    let ir = lower_kt(
        r#"fun ok() { sdk.track(loc.latitude) }
fun broken() {
    val x = )
    other.call(y)
}
"#,
    );
    assert_eq!(names(&ir), vec!["<top>", "ok", "broken"]);
    assert_eq!(
        call(function(&ir, "ok"), "track").args[0].reads,
        vec![v("loc", &["latitude"])]
    );
    assert_eq!(call(function(&ir, "broken"), "call").at.line, 4);
    // The grammar wraps a one-line companion body in an ERROR node.
    let ir = lower_kt("class B {\n    companion object { fun g() { inside() } }\n}\n");
    assert_eq!(names(&ir), vec!["<top>", "g"]);
    assert_eq!(call(function(&ir, "g"), "inside").receiver, None);
}

#[test]
fn read_fills_its_buffer_argument_from_the_receiver() {
    let ir = lower_kt(
        r#"fun f(recorder: AudioRecord) {
    val buffer = ShortArray(256)
    val n = recorder.read(buffer, 0, buffer.size)
    read(other)
}
"#,
    );
    let f = function(&ir, "f");
    let read = call(f, "read");
    assert_eq!(read.receiver.as_deref(), Some("recorder"));
    let buffer = ["buffer".to_string()];
    let fill = f
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Assign(a) if a.targets == buffer => Some(a),
            _ => None,
        })
        .nth(1)
        .expect("buffer is filled");
    assert_eq!(fill.value.reads, vec![Read::Call(read.id), v_("buffer")]);
    assert_eq!((fill.at.line, fill.at.column), (3, 27));
    assert!(
        !assigns(f)
            .iter()
            .any(|(targets, _)| targets == &["other".to_string()])
    );
}

#[test]
fn count_member_of_a_call_result_reads_nothing() {
    let ir = lower_kt(
        r#"fun f(names: List<String>) {
    send(names.distinct().size)
    send(names.first().length)
    send(names.first().uppercase())
    send(names.size)
}
"#,
    );
    let f = function(&ir, "f");
    let sends: Vec<&CallIr> = calls(f)
        .into_iter()
        .filter(|c| c.method == "send")
        .collect();
    assert_eq!(sends.len(), 4);
    assert!(sends[0].args[0].reads.is_empty());
    assert!(sends[1].args[0].reads.is_empty());
    let uppercase = call(f, "uppercase");
    assert_eq!(sends[2].args[0].reads, vec![Read::Call(uppercase.id)]);
    // On a variable path the member stays: the analysis drops it.
    assert_eq!(sends[3].args[0].reads, vec![v("names", &["size"])]);
}

#[test]
fn every_prefix_lowers_without_panicking() {
    let source = "import com.appsflyer.AppsFlyerLib as AF\nfun f(l: Location) {\n    \
                      val s = \"é $l ${l.latitude}\"\n    x.apply { put(1) }.let { it }\n    \
                      client.lastLocation.addOnSuccessListener { a -> AF.getInstance().logLocation(a) }\n}\n";
    let catalog = Catalog::embedded().expect("catalog");
    for (end, _) in source.char_indices() {
        let text = &source[..end];
        let input = FileInput::new("Prefix.kt", text.as_bytes(), text, &catalog);
        assert!(lower(&input).is_ok());
    }
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!(
        "../../../../fixtures/flow/kotlin/map/app/src/main/java/com/acme/checkin/MainActivity.kt"
    );
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_kt(text)));
}
