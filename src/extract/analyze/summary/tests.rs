use super::*;
use crate::catalog::Catalog;
use crate::extract::FileInput;

fn summary(path: &str, text: &str) -> FileSummary {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    let (language, ir) = match path.rsplit('.').next() {
        Some("kt") => (
            Language::Kotlin,
            crate::extract::android::kotlin::lower(&input),
        ),
        _ => (
            Language::Javascript,
            crate::extract::javascript::lower::lower(&input, false),
        ),
    };
    *super::super::analyze(&input, language, &ir.expect("lowered"))
        .summary
        .expect("summary")
}

fn function<'s>(summary: &'s FileSummary, name: &str) -> &'s FunctionSummary {
    summary
        .functions
        .iter()
        .find(|f| f.name == name)
        .expect("function")
}

#[test]
fn a_wrapper_parameter_reaches_the_sdk_call_at_its_argument_index() {
    let s = summary(
        "src/tracker.js",
        "import posthog from 'posthog-js';\n\
         export function track(name, properties) {\n\
           posthog.capture(name, { ...properties, app: 'x' });\n\
         }\n",
    );
    let hits: Vec<(Carrier, usize, &str)> = function(&s, "track")
        .sinks
        .iter()
        .map(|h| (h.carried.carrier.clone(), h.argument, h.sdk.as_str()))
        .collect();
    assert_eq!(
        hits,
        vec![
            (Carrier::Param(0), 0, "posthog"),
            (Carrier::Param(1), 1, "posthog")
        ]
    );
}

#[test]
fn a_capability_read_and_a_parameter_reach_the_return_value() {
    let s = summary(
        "src/where.js",
        "export function here() {\n\
           const p = navigator.geolocation.getCurrentPosition();\n\
           return p;\n\
         }\n\
         export function pick(a, b) { return b.coords; }\n\
         export function size(a) { return a.length; }\n",
    );
    let here = function(&s, "here");
    assert!(matches!(
        &here.returns[..],
        [Carried { carrier: Carrier::Source { capability }, .. }] if capability == "location"
    ));
    assert_eq!(
        function(&s, "pick")
            .returns
            .iter()
            .map(|c| c.carrier.clone())
            .collect::<Vec<_>>(),
        vec![Carrier::Param(1)]
    );
    assert!(
        function(&s, "size").returns.is_empty(),
        "a count is no data"
    );
}

#[test]
fn a_field_written_from_a_capability_read_is_a_source_for_its_readers() {
    let s = summary(
        "src/service.js",
        "export class Service {\n\
           start() { navigator.geolocation.watchPosition((p) => { this.last = p.coords; }); }\n\
           current() { return this.last; }\n\
         }\n",
    );
    let current = function(&s, "Service.current");
    let [carried] = &current.returns[..] else {
        panic!("one carried value: {:?}", current.returns)
    };
    assert!(matches!(carried.carrier, Carrier::Field { .. }));
    let messages: Vec<&str> = carried.steps.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(messages.last(), Some(&"stored in field `last`"));
}

#[test]
fn calls_it_cannot_resolve_keep_what_their_arguments_carry() {
    let s = summary(
        "app/Model.kt",
        "class Model(private val tracker: Tracker) {\n\
             fun search(query: String) {\n\
                 val place = locations.lastPlace()\n\
                 tracker.track(query, place)\n\
             }\n\
         }\n",
    );
    let search = function(&s, "search");
    let calls: Vec<(Option<&str>, &str)> = search
        .calls
        .iter()
        .map(|c| (c.receiver.as_deref(), c.method.as_str()))
        .collect();
    assert_eq!(
        calls,
        vec![(Some("locations"), "lastPlace"), (Some("tracker"), "track")]
    );
    let track = &search.calls[1];
    assert_eq!(track.args[0][0].carrier, Carrier::Param(0));
    assert_eq!(track.args[1][0].carrier, Carrier::Result(0));
}
