use super::tokens::token_receiver_text;
use super::*;
use crate::extract::apple::plist::test_support;

fn lower_text(source: &str) -> SourceIr {
    let catalog = test_support::catalog();
    let input = FileInput::new("App/AppDelegate.m", source.as_bytes(), source, &catalog);
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

const APP: &str = r#"#import <AppsFlyerLib/AppsFlyerLib.h>
#import "AppDelegate.h"
@import CoreLocation;
// #import <BrazeKit/BrazeKit.h>

@implementation AppDelegate

- (void)locationManager:(CLLocationManager *)manager didUpdateLocations:(NSArray<CLLocation *> *)locations {
    CLLocation *loc = [locations lastObject];
    [[AppsFlyerLib shared] logLocation:loc.coordinate.longitude latitude:loc.coordinate.latitude];
    self.tracker.lastLocation = loc;
    NSDictionary *d = @{@"lat": @(loc.coordinate.latitude), @"location": @"home"};
    if (loc != nil) { return; }
}

@end
"#;

#[test]
fn imports_from_all_three_forms() {
    let ir = lower_text(APP);
    let imports: Vec<(&str, u32)> = ir
        .imports
        .iter()
        .map(|i| (i.path.as_str(), i.at.line))
        .collect();
    assert_eq!(
        imports,
        vec![("AppsFlyerLib", 1), ("AppDelegate", 2), ("CoreLocation", 3)]
    );
}

#[test]
fn delegate_method_message_sends_and_property_assignment() {
    let ir = lower_text(APP);
    let f = function(&ir, "locationManager:didUpdateLocations:");
    assert_eq!(f.params, vec!["manager", "locations"]);
    assert_eq!(
        render(f),
        vec![
            "8: call#0 CLLocationManager.didUpdateLocations()",
            "8: locations = [#0]",
            "9: call#1 locations.lastObject()",
            "9: loc = [#1]",
            "10: call#2 AppsFlyerLib.shared()",
            "10: call#3 AppsFlyerLib.shared().logLocation([loc.coordinate.longitude], [loc.coordinate.latitude])",
            "11: call#4 self.tracker.lastLocation([loc])",
            "12: d = [loc.coordinate.latitude]",
        ]
    );
    let (_, send) = ir
        .calls()
        .find(|(_, c)| c.method == "logLocation")
        .expect("send");
    assert_eq!(
        send.args_text,
        "loc.coordinate.longitude latitude:loc.coordinate.latitude"
    );
    assert_eq!(send.receiver_value.reads, vec![Read::Call(CallId(2))]);
    assert_eq!((send.at.line, send.at.column), (10, 5));
}

#[test]
fn blocks_are_inlined_with_their_parameters() {
    let source = r#"void load(CNContactStore *store) {
    [store enumerateContactsWithFetchRequest:req error:nil usingBlock:^(CNContact *contact, BOOL *stop) {
        [names addObject:contact.givenName];
    }];
    dispatch_async(dispatch_get_main_queue(), ^{ [manager startUpdatingLocation]; });
}
"#;
    let ir = lower_text(source);
    let f = function(&ir, "load");
    assert_eq!(f.params, vec!["store"]);
    assert_eq!(
        render(f),
        vec![
            "2: call#0 store.enumerateContactsWithFetchRequest([req], [])",
            "2: contact,stop = [#0]",
            "3: call#1 names.addObject([contact.givenName])",
            "5: call#2 dispatch_get_main_queue()",
            "5: call#3 dispatch_async([#2])",
            "5: call#4 manager.startUpdatingLocation()",
        ]
    );
}

#[test]
fn comments_and_strings_are_nothing() {
    let source = "/* - (void)locationManager:(CLLocationManager *)m didUpdateLocations:(NSArray *)l { [[AppsFlyerLib shared] logLocation:1 latitude:2]; } */\nNSString *s = @\"[manager startUpdatingLocation]\";\n";
    let ir = lower_text(source);
    assert!(ir.calls().next().is_none(), "{:?}", ir.functions);
    assert!(ir.imports.is_empty());
}

#[test]
fn nonnull_macros_do_not_break_the_tree() {
    let source = "NS_ASSUME_NONNULL_BEGIN\n@interface Tracker () <CLLocationManagerDelegate>\n@property (nonatomic, strong) CLLocationManager *manager;\n@end\n@implementation Tracker\n- (void)locationManager:(CLLocationManager *)m didUpdateLocations:(NSArray *)locations API_AVAILABLE(ios(8.0)) {\n    [sdk send:locations];\n}\n@end\nNS_ASSUME_NONNULL_END\n";
    let ir = lower_text(source);
    let f = function(&ir, "locationManager:didUpdateLocations:");
    assert_eq!(
        render(f),
        vec![
            "6: call#0 CLLocationManager.didUpdateLocations()",
            "6: locations = [#0]",
            "7: call#1 sdk.send([locations])"
        ]
    );
}

#[test]
fn damaged_regions_fall_back_to_token_sends_and_imports() {
    // `@weakify` style macros and stray tokens damage the tree.
    let source = "#import <Foundation/Foundation.h>\n@implementation X\n- (void)go {\n    @weakify(self) ~~ ### [[AppsFlyerLib shared] logLocation:lon latitude:self.lat]; }}}\n#import <AppsFlyerLib/AppsFlyerLib.h>\n";
    let ir = lower_text(source);
    let calls: Vec<String> = ir
        .calls()
        .map(|(_, c)| {
            format!(
                "{}.{} {}",
                c.receiver.as_deref().unwrap_or("-"),
                c.method,
                c.at.line
            )
        })
        .collect();
    assert!(
        calls.contains(&"AppsFlyerLib.shared().logLocation 4".to_string()),
        "{calls:?}"
    );
    let (_, send) = ir
        .calls()
        .find(|(_, c)| c.method == "logLocation")
        .expect("send");
    assert_eq!(send.args.len(), 2, "{:?}", send.args);
    assert_eq!(
        ir.calls()
            .filter(|(_, c)| c.method == "logLocation")
            .count(),
        1
    );
    let modules: Vec<&str> = ir.imports.iter().map(|i| i.path.as_str()).collect();
    assert!(modules.contains(&"AppsFlyerLib"), "{modules:?}");
}

#[test]
fn subscript_stores_compound_assignments_and_typed_receivers() {
    let source = r#"@interface T ()
@property (nonatomic, strong) CLLocationManager *manager;
@end
@implementation T
- (void)go:(CLLocation *)loc {
    NSMutableDictionary *d = [NSMutableDictionary dictionary];
    d[@"lat"] = @(loc.coordinate.latitude);
    total += loc.speed;
    CLLocation *here = self.manager.location;
    [_manager requestLocation];
    self.manager = nil;
}
@end
"#;
    // The real catalog: its `location` API names the `LocationManager` receiver.
    let catalog = crate::catalog::Catalog::embedded().expect("catalog");
    let input = FileInput::new("T.m", source.as_bytes(), source, &catalog);
    let ir = lower(&input).expect("parses");
    assert_eq!(
        render(function(&ir, "go")),
        vec![
            "6: call#0 NSMutableDictionary.dictionary()",
            "6: d = [#0]",
            "7: call#1 d.setObject([loc.coordinate.latitude])",
            "8: total = [loc.speed total]",
            "9: call#2 CLLocationManager.location()",
            "9: here = [#2]",
            "10: call#3 CLLocationManager.requestLocation()",
            "11: call#4 self.manager([])",
        ]
    );
}

#[test]
fn delegate_methods_are_named_by_full_selector_so_setters_never_call_them() {
    let ir = lower_text(APP);
    assert!(ir.functions.iter().all(|f| f.name != "locationManager"));
    assert!(
        ir.functions
            .iter()
            .any(|f| f.name == "locationManager:didUpdateLocations:")
    );
}

#[test]
fn for_in_assigns_the_item() {
    let ir = lower_text(
        "void f(NSArray *locations) {\n    for (CLLocation *loc in locations) { [sdk send:loc]; }\n}\n",
    );
    assert_eq!(
        render(function(&ir, "f")),
        vec!["2: loc = [locations]", "2: call#0 sdk.send([loc])"]
    );
}

#[test]
fn module_names() {
    assert_eq!(module_of("<UIKit/UIKit.h>").as_deref(), Some("UIKit"));
    assert_eq!(module_of("\"Pods/Header.h\"").as_deref(), Some("Pods"));
    assert_eq!(
        module_of("\"AppDelegate.h\"").as_deref(),
        Some("AppDelegate")
    );
    assert_eq!(
        module_of("FirebaseCore.Private").as_deref(),
        Some("FirebaseCore")
    );
    assert_eq!(module_of("<>"), None);
}

#[test]
fn garbage_never_panics() {
    for text in [
        "[",
        "[[[",
        "[a b:",
        "@\"",
        "/*",
        "é[é ü:ö]",
        "- (void)x:(",
        "#import",
        "[a.b.c d:[e f] g:^{ [h i]; }]",
    ] {
        let _ = lower_text(text);
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let source = String::new()
        + "void f() { x = "
        + &"[a b:".repeat(2000)
        + "c"
        + &"]".repeat(2000)
        + "; }\n";
    // Extraction threads have 128 MiB stacks (src/scan.rs); a test thread has 2 MiB.
    std::thread::Builder::new()
        .stack_size(128 << 20)
        .spawn(move || {
            let _ = lower_text(&source);
        })
        .expect("spawn")
        .join()
        .expect("no overflow");
}

/// The token pass on its own, as it runs inside ERROR nodes.
#[test]
fn token_pass_lowers_nested_sends_with_arguments() {
    let source = "x ~~ [[AppsFlyerLib shared] logLocation:loc.coordinate.longitude latitude:[self lat]]; a[0] = 1; @[b];";
    let masked = mask_comments_and_strings(source);
    let mut lowerer = Lowerer {
        path: "a.m",
        source,
        masked: &masked,
        call_ids: CallIds::default(),
        ir: SourceIr::default(),
        apis: CapabilityApis::default(),
        declared_types: HashMap::new(),
        lowered_sends: HashSet::new(),
        depth: 0,
        too_deep: false,
    };
    let mut ops = Vec::new();
    lowerer.token_sends(0, source.len(), &mut ops);
    let f = FunctionIr {
        name: "t".into(),
        params: Vec::new(),
        ops,
        at: Location::new("a.m", 1, 1),
    };
    assert_eq!(
        render(&f),
        vec![
            "1: call#0 AppsFlyerLib.shared()",
            "1: call#1 self.lat()",
            "1: call#2 AppsFlyerLib.shared().logLocation([loc.coordinate.longitude], [#1])",
        ]
    );
}

#[test]
fn receiver_text_of_token_sends() {
    assert_eq!(token_receiver_text("[[A b] c]"), "A.b().c()");
    assert_eq!(
        token_receiver_text("[self.manager location]"),
        "self.manager.location()"
    );
    assert_eq!(token_receiver_text("["), "");
}

/// The whole IR of a representative file (the `map` flow fixture), as a snapshot.
#[test]
fn ir_of_the_map_fixture() {
    let text = include_str!("../../../../fixtures/flow/objc/map/CheckIn/CheckInController.m");
    insta::assert_snapshot!(crate::extract::ir::test_render::source(&lower_text(text)));
}
