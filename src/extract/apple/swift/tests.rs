use super::*;
use crate::extract::apple::plist::test_support;

fn lower_text(source: &str) -> SourceIr {
    let catalog = test_support::catalog();
    let input = FileInput::new("App/Main.swift", source.as_bytes(), source, &catalog);
    lower(&input).expect("parses")
}

use crate::extract::ir::test_render::ops_by_line as render;

fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
    ir.functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no function {name}: {:?}",
                ir.functions.iter().map(|f| &f.name).collect::<Vec<_>>()
            )
        })
}

const DELEGATE: &str = r#"import CoreLocation
@testable import BrazeKit
import struct Foundation.Date

final class LocationReporter: NSObject, CLLocationManagerDelegate {
    let manager = CLLocationManager()
    var braze: Braze?

    func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let loc = locations.last else { return }
        braze?.user.setLastKnownLocation(latitude: loc.coordinate.latitude,
                                         longitude: loc.coordinate.longitude)
    }
}
"#;

#[test]
fn imports_are_modules() {
    let ir = lower_text(DELEGATE);
    let imports: Vec<(&str, u32)> = ir
        .imports
        .iter()
        .map(|i| (i.path.as_str(), i.at.line))
        .collect();
    assert_eq!(
        imports,
        vec![("CoreLocation", 1), ("BrazeKit", 2), ("Foundation", 3)]
    );
}

#[test]
fn delegate_method_becomes_synthetic_call_and_flow_reaches_sdk_call() {
    let ir = lower_text(DELEGATE);
    let f = function(&ir, "locationManager(_:didUpdateLocations:)");
    assert_eq!(f.params, vec!["manager", "locations"]);
    assert_eq!(
        render(f),
        vec![
            "9: call#1 CLLocationManager.didUpdateLocations()",
            "9: locations = [#1]",
            "10: loc = [locations.last]",
            "11: call#2 braze?.user.setLastKnownLocation([loc.coordinate.latitude], [loc.coordinate.longitude])",
        ]
    );
    let (_, call) = ir
        .calls()
        .find(|(_, c)| c.method == "setLastKnownLocation")
        .expect("call");
    assert_eq!(
        call.args_text,
        "latitude: loc.coordinate.latitude, longitude: loc.coordinate.longitude"
    );
    assert_eq!((call.at.line, call.at.column), (11, 9));
    // The class-level property initialiser lives in `<top>`.
    assert_eq!(
        render(function(&ir, "<top>")),
        vec!["6: call#0 CLLocationManager()", "6: manager = [#0]"]
    );
}

#[test]
fn delegate_method_in_a_comment_is_nothing() {
    let source = "// func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {}\n/* braze.user.setLastKnownLocation(latitude: 1, longitude: 2) */\nlet s = \"manager.startUpdatingLocation()\"\n";
    let ir = lower_text(source);
    assert!(ir.calls().next().is_none());
    assert!(ir.functions.iter().all(|f| f.name == "<top>"));
    assert_eq!(render(function(&ir, "<top>")), vec!["3: s = []"]);
}

#[test]
fn non_delegate_first_parameter_is_a_plain_function() {
    let ir = lower_text(
        "func locate(_ store: CNContactStore, didFetch contacts: [CNContact]) { send(contacts) }\n",
    );
    let f = function(&ir, "locate");
    assert_eq!(f.params, vec!["store", "contacts"]);
    assert_eq!(render(f), vec!["1: call#0 send([contacts])", "return [#0]"]);
}

#[test]
fn trailing_closure_parameters_are_assigned_from_the_call() {
    let source = r#"func load() {
    let store = CNContactStore()
    try store.enumerateContacts(with: request) { contact, stop in
        analytics.track(name: contact.givenName)
    }
    items.map { $0.coordinate }
    fetch(completion: { [weak self] result in self?.send(result) })
}
"#;
    let ir = lower_text(source);
    assert_eq!(
        render(function(&ir, "load")),
        vec![
            "2: call#0 CNContactStore()",
            "2: store = [#0]",
            "3: call#1 store.enumerateContacts([request])",
            "3: contact,stop = [#1]",
            "4: call#2 analytics.track([contact.givenName])",
            "6: call#3 items.map()",
            "6: $0 = [#3]",
            "7: call#4 fetch()",
            "7: result = [#4]",
            "7: call#5 self.send([result])",
        ]
    );
}

#[test]
fn property_assignment_is_a_call_and_plain_assignment_is_assign() {
    let source = r#"func configure(config: Config, loc: CLLocation) {
    config.location.automaticLocationCollection = true
    Braze.shared.lastLocation = loc
    var x = 0
    x = loc.altitude
    dict["lat"] = loc.coordinate.latitude
    (a, b) = pair()
    x += loc.speed
}
"#;
    let ir = lower_text(source);
    assert_eq!(
        render(function(&ir, "configure")),
        vec![
            "2: call#0 config.location.automaticLocationCollection([])",
            "3: call#1 Braze.shared.lastLocation([loc])",
            "4: x = []",
            "5: x = [loc.altitude]",
            "6: call#2 dict.updateValue([loc.coordinate.latitude])",
            "7: call#3 pair()",
            "7: a,b = [#3]",
            "8: x = [loc.speed x]",
        ]
    );
    let (_, toggle) = ir
        .calls()
        .find(|(_, c)| c.method == "automaticLocationCollection")
        .expect("call");
    assert_eq!(toggle.args_text, "true");
}

#[test]
fn interpolation_and_dictionary_literals_are_reads_comparisons_are_dropped() {
    let source = r#"func report(loc: CLLocation) {
    let s = "at \(loc.coordinate.latitude),\(loc.coordinate.longitude)"
    let d = ["lat": lat, "location": "home", "n": 1]
    let near = loc.distance > 10
    if loc.horizontalAccuracy < 50 && enabled { send(s) }
    let label = "location"
    sdk.log(event: "location", params: d)
}
"#;
    let ir = lower_text(source);
    assert_eq!(
        render(function(&ir, "report")),
        vec![
            "2: s = [loc.coordinate.latitude loc.coordinate.longitude]",
            "3: d = [lat]",
            "4: near = []",
            "5: call#0 send([s])",
            "6: label = []",
            "7: call#1 sdk.log([], [d])",
        ]
    );
}

#[test]
fn if_let_for_and_return() {
    let source = r#"func pick() -> CLLocation? {
    if let loc = manager.location, let b = c { use(loc) }
    for l in locations { send(l.coordinate) }
    return last
}
func g() -> Int { compute(a) }
"#;
    let ir = lower_text(source);
    assert_eq!(
        render(function(&ir, "pick")),
        vec![
            "2: loc = [manager.location]",
            "2: b = [c]",
            "2: call#0 use([loc])",
            "3: l = [locations]",
            "3: call#1 send([l.coordinate])",
            "return [last]",
        ]
    );
    assert_eq!(
        render(function(&ir, "g")),
        vec!["6: call#2 compute([a])", "return [#2]"]
    );
}

#[test]
fn chained_calls_read_their_receiver() {
    let ir = lower_text(
        "func f() { AVAudioSession.sharedInstance().setCategory(.record, mode: .default) }\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "1: call#0 AVAudioSession.sharedInstance()",
            "1: call#1 AVAudioSession.sharedInstance().setCategory([], [])",
            "return [#1]"
        ]
    );
    let (_, call) = ir
        .calls()
        .find(|(_, c)| c.method == "setCategory")
        .expect("call");
    assert_eq!(call.args_text, ".record, mode: .default");
    assert_eq!(call.receiver_value.reads, vec![Read::Call(CallId(0))]);
}

#[test]
fn receivers_of_capability_apis_take_their_declared_type() {
    let source = r#"final class Finder {
    let manager = CLLocationManager()
    var fallback: CLLocationManager?
    let locationManager = CLLocationManager()
    let recognizer = UITapGestureRecognizer()

    func f(store: Store) {
        let a = manager.location
        let b = self.fallback?.location
        let c = locationManager.location
        let d = store.location
        let e = recognizer.location(in: view)
        manager.requestLocation()
    }
}
"#;
    // The real catalog: its `location` API names the `LocationManager` receiver.
    let catalog = crate::catalog::Catalog::embedded().expect("catalog");
    let input = FileInput::new("App/Finder.swift", source.as_bytes(), source, &catalog);
    let ir = lower(&input).expect("parses");
    assert_eq!(
        render(function(&ir, "f")),
        vec![
            "8: call#3 CLLocationManager.location()",
            "8: a = [#3]",
            "9: call#4 CLLocationManager.location()",
            "9: b = [#4]",
            "10: call#5 locationManager.location()",
            "10: c = [#5]",
            "11: call#6 store.location()",
            "11: d = [#6]",
            "12: call#7 recognizer.location([view])",
            "12: e = [#7]",
            "13: call#8 CLLocationManager.requestLocation()",
        ]
    );
}

#[test]
fn broken_source_still_lowers_what_is_recovered() {
    let source = "func ok() { manager.startUpdatingLocation() }\nfunc broken( { let = = }\n";
    let ir = lower_text(source);
    assert!(ir.calls().any(|(_, c)| c.method == "startUpdatingLocation"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let source = String::new()
        + "func f() { let x = "
        + &"(".repeat(3000)
        + "a"
        + &")".repeat(3000)
        + " }\n";
    // Deeper than the tree budget: refused with the reason before any recursion.
    let catalog = test_support::catalog();
    let input = FileInput::new("App/Main.swift", source.as_bytes(), &source, &catalog);
    let error = lower(&input).expect_err("refused");
    assert!(error.contains("nests deeper than"), "{error}");
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!("../../../../fixtures/flow/swift/map/CheckIn/CheckInController.swift");
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_text(text)));
}
