use super::*;
use crate::catalog::Catalog;
use crate::extract::ir::{CallIr, FunctionIr, Read};

fn lower_java(source: &str) -> SourceIr {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(
        "app/src/main/java/com/acme/Main.java",
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
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn call<'a>(f: &'a FunctionIr, method: &str) -> &'a CallIr {
    f.ops
        .iter()
        .find_map(|op| match op {
            Op::Call(c) if c.method == method => Some(c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no call {method}: {:#?}", f.ops))
}

fn assigns(f: &FunctionIr) -> Vec<(Vec<String>, Vec<Read>)> {
    f.ops
        .iter()
        .filter_map(|op| match op {
            Op::Assign(a) => Some((a.targets.clone(), a.value.reads.clone())),
            _ => None,
        })
        .collect()
}

fn v(name: &str, members: &[&str]) -> Read {
    Read::Var {
        name: name.to_string(),
        members: members.iter().map(|m| m.to_string()).collect(),
    }
}

#[test]
fn imports_and_qualified_references() {
    let ir = lower_java(
        r#"package com.acme;
import com.braze.Braze;
import com.appsflyer.*;
import static com.appsflyer.AppsFlyerLib.getInstance;
class A {
    void f() {
        com.appsflyer.AppsFlyerLib.getInstance().logLocation(this, 1.0, 2.0);
        com.braze.Braze b = new com.braze.Braze();
    }
}
"#,
    );
    let got: Vec<(&str, bool, u32)> = ir
        .imports
        .iter()
        .map(|i| (i.path.as_str(), i.qualified_reference, i.at.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("com.braze.Braze", false, 2),
            ("com.appsflyer.*", false, 3),
            ("com.appsflyer.AppsFlyerLib.getInstance", false, 4),
            ("com.appsflyer.AppsFlyerLib", true, 7),
            ("com.braze.Braze", true, 8),
        ]
    );
    assert_eq!(ir.imports[3].bindings, Vec::<String>::new());
    assert_eq!(ir.imports[2].bindings, vec!["getInstance"]);
    let f = function(&ir, "f");
    let get = call(f, "getInstance");
    assert!(get.receiver_value.reads.is_empty());
    let log = call(f, "logLocation");
    assert_eq!(
        log.receiver.as_deref(),
        Some("com.appsflyer.AppsFlyerLib.getInstance()")
    );
    assert_eq!(log.args_text, "this, 1.0, 2.0");
    assert_eq!(log.at.line, 7);
    let ctor = call(f, "Braze");
    assert_eq!(ctor.receiver.as_deref(), Some("com.braze"));
}

#[test]
fn functions_fields_and_initializers() {
    let ir = lower_java(
        r#"class A {
    private FusedLocationProviderClient fused = LocationServices.getFusedLocationProviderClient(this);
    static { init(); }
    { other(); }
    A(int a) { super(a); }
    int f(Location loc) { return loc.getLatitude() > 0 ? 1 : 2; }
}
"#,
    );
    let names: Vec<&str> = ir.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["<top>", "fused", "static", "init", "A", "f"]);
    let fused = function(&ir, "fused");
    let get = call(fused, "getFusedLocationProviderClient");
    assert_eq!(get.receiver.as_deref(), Some("LocationServices"));
    assert_eq!(
        assigns(fused),
        vec![(vec!["fused".to_string()], vec![Read::Call(get.id)])]
    );
    assert_eq!(function(&ir, "A").params, vec!["a"]);
    let f = function(&ir, "f");
    assert_eq!(f.params, vec!["loc"]);
    assert!(matches!(f.ops.last(), Some(Op::Return(v)) if v.reads.is_empty()));
}

#[test]
fn anonymous_class_and_lambda_callbacks() {
    let ir = lower_java(
        r#"class A {
    void f() {
        fused.getLastLocation().addOnSuccessListener(this, new OnSuccessListener<Location>() {
            @Override
            public void onSuccess(Location location) {
                Braze.getInstance(ctx).getCurrentUser().setLastKnownLocation(location.getLatitude(), location.getLongitude(), null, null);
            }
        });
        fused.getLastLocation().addOnSuccessListener(loc -> AppsFlyerLib.getInstance().logLocation(ctx, loc.getLatitude(), loc.getLongitude()));
    }
}
"#,
    );
    let f = function(&ir, "f");
    let calls: Vec<&CallIr> = f
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(c) => Some(c),
            _ => None,
        })
        .collect();
    let listeners: Vec<&&CallIr> = calls
        .iter()
        .filter(|c| c.method == "addOnSuccessListener")
        .collect();
    assert_eq!(listeners.len(), 2);
    let get_last = calls
        .iter()
        .find(|c| c.method == "getLastLocation")
        .expect("getLastLocation");
    assert_eq!(get_last.receiver.as_deref(), Some("fused"));
    assert_eq!(
        listeners[0].receiver_value.reads,
        vec![Read::Call(get_last.id)]
    );
    let ctor = call(f, "OnSuccessListener");
    assert_eq!(listeners[0].args[1].reads, vec![Read::Call(ctor.id)]);
    let bound = assigns(f);
    assert_eq!(
        bound[0],
        (
            vec!["location".to_string()],
            vec![Read::Call(listeners[0].id)]
        )
    );
    assert_eq!(
        bound[1],
        (vec!["loc".to_string()], vec![Read::Call(listeners[1].id)])
    );
    let set = call(f, "setLastKnownLocation");
    let lat = call(f, "getLatitude");
    assert_eq!(lat.receiver_value.reads, vec![v("location", &[])]);
    assert_eq!(set.args[0].reads, vec![Read::Call(lat.id)]);
    assert_eq!(
        set.args_text,
        "location.getLatitude(), location.getLongitude(), null, null"
    );
    let log = call(f, "logLocation");
    assert_eq!(log.receiver.as_deref(), Some("AppsFlyerLib.getInstance()"));
    // The body of the lambda comes after its binding.
    let bind_index = f
        .ops
        .iter()
        .position(|op| matches!(op, Op::Assign(a) if a.targets == ["loc"]))
        .expect("binding");
    let log_index = f
        .ops
        .iter()
        .position(|op| matches!(op, Op::Call(c) if c.method == "logLocation"))
        .expect("logLocation");
    assert!(bind_index < log_index);
}

#[test]
fn assignments_loops_comparisons_and_strings() {
    let ir = lower_java(
        r#"class A {
    void f(Location loc, String route) {
        this.config.location = loc;
        double[] q = new double[2];
        q[0] = loc.latitude;
        String s = "lat=" + loc.latitude + route;
        total += loc.altitude;
        for (Location p : points) { send(p); }
        if (loc != null && !flag) { report(loc.accuracy > 3); }
        Chartboost.setLocation("main_menu"); // AppsFlyerLib.getInstance().logLocation(a, b, c)
        String t = "AppsFlyerLib.getInstance().logLocation(ctx, 1, 2)";
    }
}
"#,
    );
    let f = function(&ir, "f");
    let set = call(f, "location");
    assert_eq!(set.receiver.as_deref(), Some("this.config"));
    assert_eq!(set.receiver_value.reads, vec![v("this", &["config"])]);
    assert_eq!(set.args[0].reads, vec![v("loc", &[])]);
    let bound = assigns(f);
    assert!(bound.contains(&(vec!["q".into()], vec![v("q", &[]), v("loc", &["latitude"])])));
    assert!(bound.contains(&(
        vec!["s".into()],
        vec![v("loc", &["latitude"]), v("route", &[])]
    )));
    assert!(bound.contains(&(
        vec!["total".into()],
        vec![v("loc", &["altitude"]), v("total", &[])]
    )));
    assert!(bound.contains(&(vec!["p".into()], vec![v("points", &[])])));
    assert!(call(f, "report").args[0].reads.is_empty());
    let methods: Vec<&str> = f
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(c) => Some(c.method.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(methods, vec!["location", "send", "report", "setLocation"]);
    assert!(call(f, "setLocation").args[0].reads.is_empty());
}

#[test]
fn read_fills_its_buffer_argument_from_the_receiver() {
    let ir = lower_java(
        r#"class A { void f(AudioRecord recorder, InputStream in) {
    short[] buffer = new short[256];
    int n = recorder.read(buffer, 0, buffer.length);
    read(other);
    in.read(bytes.data);
} }
"#,
    );
    let f = function(&ir, "f");
    let read = call(f, "read");
    assert_eq!(read.receiver.as_deref(), Some("recorder"));
    let fills: Vec<_> = f
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Assign(a) if a.targets == ["buffer"] => Some(a),
            _ => None,
        })
        .collect();
    // The declaration, then the fill at the argument, from the call and the old value.
    assert_eq!(fills.len(), 2);
    assert_eq!(
        fills[1].value.reads,
        vec![Read::Call(read.id), v("buffer", &[])]
    );
    assert_eq!((fills[1].at.line, fills[1].at.column), (3, 27));
    // A bare `read(x)` has no receiver to fill from; `bytes.data` is not a variable.
    let targets: Vec<Vec<String>> = assigns(f).into_iter().map(|(t, _)| t).collect();
    assert!(!targets.contains(&vec!["other".to_string()]));
    assert!(!targets.contains(&vec!["bytes.data".to_string()]));
}

#[test]
fn count_field_of_a_call_result_reads_nothing() {
    let ir = lower_java(
        "class A { void f(Cursor c) { send(c.getColumnNames().length); send(c.getExtras().data); } }",
    );
    let f = function(&ir, "f");
    let sends: Vec<&CallIr> = f
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(c) if c.method == "send" => Some(c),
            _ => None,
        })
        .collect();
    assert!(sends[0].args[0].reads.is_empty());
    let extras = call(f, "getExtras");
    assert_eq!(sends[1].args[0].reads, vec![Read::Call(extras.id)]);
}

/// Lower and analyze a file: its flow evidence as (sdk, capability, sink line).
fn flows(source: &str) -> Vec<(String, String, u32)> {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(
        "app/src/main/java/com/acme/Main.java",
        source.as_bytes(),
        source,
        &catalog,
    );
    let ir = lower(&input).expect("parses");
    let facts = crate::extract::analyze::analyze(&input, crate::catalog::Language::Java, &ir);
    facts
        .evidence
        .iter()
        .filter_map(|e| match &e.kind {
            crate::model::EvidenceKind::Flow {
                sdk, capability, ..
            } => Some((sdk.clone(), capability.clone(), e.at.line)),
            _ => None,
        })
        .collect()
}

#[test]
fn microphone_buffer_flows_to_analytics_through_arithmetic() {
    let got = flows(
        r#"import android.media.AudioRecord;
import com.google.firebase.analytics.FirebaseAnalytics;
class A {
    void f() {
        AudioRecord recorder = new AudioRecord(MediaRecorder.AudioSource.MIC, 16000, 16, 2, 512);
        short[] buffer = new short[512];
        int n = recorder.read(buffer, 0, buffer.length);
        int peak = Math.abs(buffer[0]);
        firebaseAnalytics.setUserProperty("peak", String.valueOf(peak));
    }
}
"#,
    );
    assert_eq!(
        got,
        vec![("firebase-analytics".into(), "microphone".into(), 9)]
    );
}

#[test]
fn cursor_get_count_is_a_count_not_the_contacts() {
    let got = flows(
        r#"import android.provider.ContactsContract;
import com.google.firebase.analytics.FirebaseAnalytics;
class A {
    void f() {
        Cursor cursor = getContentResolver().query(ContactsContract.Contacts.CONTENT_URI, null, null, null, null);
        Bundle params = new Bundle();
        params.putInt("count", cursor.getCount());
        firebaseAnalytics.logEvent("imported", params);
        Bundle names = new Bundle();
        names.putString("first", cursor.getString(0));
        firebaseAnalytics.logEvent("first_contact", names);
    }
}
"#,
    );
    assert_eq!(
        got,
        vec![("firebase-analytics".into(), "contacts".into(), 11)]
    );
}

#[test]
fn every_prefix_lowers_without_panicking() {
    let source = "import static com.a.B.c;\nclass A { void f(Location l) { \
                      com.appsflyer.AppsFlyerLib.getInstance().logLocation(this, l.getLatitude(), 0); \
                      x.y = \"é\"; run(v -> send(v)); new B<C>() { void m(D d) {} }; } }\n";
    let catalog = Catalog::embedded().expect("catalog");
    for (end, _) in source.char_indices() {
        let text = &source[..end];
        let input = FileInput::new("Prefix.java", text.as_bytes(), text, &catalog);
        assert!(lower(&input).is_ok());
    }
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!(
        "../../../../fixtures/flow/java/map/app/src/main/java/com/acme/finder/MainActivity.java"
    );
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_java(text)));
}
