use super::*;
use crate::extract::analyze::summary::{OutCall, SinkHit};

fn at(path: &str, line: u32) -> Location {
    Location::new(path, line, 1)
}

fn carried(carrier: Carrier) -> Carried {
    Carried {
        carrier,
        steps: Vec::new(),
    }
}

fn function(name: &str, params: &[&str], path: &str) -> FunctionSummary {
    FunctionSummary {
        name: name.into(),
        params: params.iter().map(|p| p.to_string()).collect(),
        at: at(path, 1),
        returns: Vec::new(),
        sinks: Vec::new(),
        calls: Vec::new(),
    }
}

/// `tracker.js`: `track(name, props)` sends `props` to PostHog.
fn tracker(path: &str) -> FileSummary {
    let mut track = function("track", &["name", "props"], path);
    track.sinks.push(SinkHit {
        carried: carried(Carrier::Param(1)),
        sdk: "posthog".into(),
        sdk_name: "PostHog".into(),
        argument: 1,
        at: at(path, 3),
        call: "posthog.capture".into(),
    });
    FileSummary {
        language: Language::Javascript,
        imports: vec![("posthog-js".into(), vec!["posthog".into()])],
        functions: vec![track],
    }
}

/// A caller that reads the location and passes it to `track` imported from `from`.
fn caller(path: &str, from: &str) -> FileSummary {
    let mut report = function("report", &[], path);
    report.calls.push(OutCall {
        receiver: None,
        method: "track".into(),
        args: vec![
            Vec::new(),
            vec![Carried {
                carrier: Carrier::Source {
                    capability: "location".into(),
                },
                steps: vec![Step {
                    at: at(path, 2),
                    message: "`getCurrentPosition` reads the location".into(),
                }],
            }],
        ],
        at: at(path, 4),
    });
    FileSummary {
        language: Language::Javascript,
        imports: vec![(from.into(), vec!["track".into()])],
        functions: vec![report],
    }
}

fn run(files: &[(&str, FileSummary)]) -> Vec<Evidence> {
    let files: Vec<SummaryFile> = files
        .iter()
        .map(|(path, summary)| SummaryFile { path, summary })
        .collect();
    flows(&files, &[])
}

#[test]
fn an_imported_wrapper_is_a_sink_for_its_caller_with_every_hop_in_the_chain() {
    let found = run(&[
        ("src/lib/tracker.js", tracker("src/lib/tracker.js")),
        ("src/page.js", caller("src/page.js", "./lib/tracker")),
    ]);
    let [flow] = &found[..] else {
        panic!("one flow: {found:?}")
    };
    assert_eq!(flow.at, at("src/lib/tracker.js", 3));
    let EvidenceKind::Flow { chain, .. } = &flow.kind else {
        panic!("a flow")
    };
    let steps: Vec<String> = chain
        .iter()
        .map(|s| format!("{}:{} {}", s.at.path, s.at.line, s.message))
        .collect();
    assert_eq!(
        steps,
        vec![
            "src/page.js:2 `getCurrentPosition` reads the location",
            "src/page.js:4 passed to `track` as `props`",
            "src/lib/tracker.js:3 passed to `posthog.capture` of PostHog",
        ]
    );
}

#[test]
fn a_same_named_function_in_a_module_not_imported_is_not_followed() {
    let found = run(&[
        ("src/lib/tracker.js", tracker("src/lib/tracker.js")),
        ("src/page.js", caller("src/page.js", "./lib/console")),
    ]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_app_root_alias_resolves_by_path_suffix_and_a_known_flow_is_not_repeated() {
    let files = [
        (
            "src/sharedHelpers/tracking.ts",
            tracker("src/sharedHelpers/tracking.ts"),
        ),
        (
            "src/page.js",
            caller("src/page.js", "sharedHelpers/tracking"),
        ),
    ];
    let found = run(&files);
    assert_eq!(found.len(), 1);
    let summaries: Vec<SummaryFile> = files
        .iter()
        .map(|(path, summary)| SummaryFile { path, summary })
        .collect();
    assert!(flows(&summaries, &found).is_empty());
}
