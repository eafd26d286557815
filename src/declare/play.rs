//! The Google Play Console Data safety CSV: the five columns the console exports and
//! imports, one row per question and response. Unknown answers stay blank (the
//! console asks for them); the review notes say which.

use super::{Declaration, StoreData};

const HEADER: &str = "Question ID (machine readable),Response ID (machine readable),Response value,Answer requirement,Human-friendly question label";

pub(super) fn data_safety_csv(declaration: &Declaration, data: &StoreData) -> String {
    let mut rows = vec![HEADER.to_string()];
    let mut row = |question: &str, response: &str, value: &str, requirement: &str, label: &str| {
        rows.push(
            [question, response, value, requirement, label]
                .iter()
                .map(|f| field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
    };
    let entries: Vec<_> = declaration
        .entries
        .iter()
        .filter_map(|e| e.data.play.as_ref().map(|p| (e, p)))
        .collect();
    row(
        "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA",
        "",
        if entries.is_empty() { "false" } else { "true" },
        "REQUIRED",
        "Does your app collect or share any of the required user data types?",
    );
    if !entries.is_empty() {
        row(
            "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT",
            "",
            "",
            "MAYBE_REQUIRED",
            "Is all of the user data collected by your app encrypted in transit?",
        );
    }
    let yes = |b: bool| if b { "true" } else { "" };
    for (entry, play) in &entries {
        let name = &entry.data.name;
        row(
            &play.group,
            &play.response,
            "true",
            "MULTIPLE_CHOICE",
            &format!("Data types/{name}"),
        );
        let usage =
            |question: &str| format!("PSL_DATA_USAGE_RESPONSES:{}:{question}", play.response);
        let sharing = usage("PSL_DATA_USAGE_COLLECTION_AND_SHARING");
        row(
            &sharing,
            "PSL_DATA_USAGE_ONLY_COLLECTED",
            "true",
            "MULTIPLE_CHOICE",
            &format!("Usage ({name})/Collected or shared?/Collected"),
        );
        row(
            &sharing,
            "PSL_DATA_USAGE_ONLY_SHARED",
            yes(entry.shared),
            "MULTIPLE_CHOICE",
            &format!("Usage ({name})/Collected or shared?/Shared"),
        );
        row(
            &usage("PSL_DATA_USAGE_EPHEMERAL"),
            "",
            "",
            "MAYBE_REQUIRED",
            &format!("Usage ({name})/Processed ephemerally?"),
        );
        for (response, label) in [
            ("PSL_DATA_USAGE_USER_CONTROL_REQUIRED", "Required"),
            ("PSL_DATA_USAGE_USER_CONTROL_OPTIONAL", "Optional"),
        ] {
            row(
                &usage("DATA_USAGE_USER_CONTROL"),
                response,
                "",
                "SINGLE_CHOICE",
                &format!("Usage ({name})/Required or optional?/{label}"),
            );
        }
        let mut questions = vec![(
            "DATA_USAGE_COLLECTION_PURPOSE",
            "Why is this data collected?",
        )];
        if entry.shared {
            questions.push(("DATA_USAGE_SHARING_PURPOSE", "Why is this data shared?"));
        }
        for (question, asked) in questions {
            let mut seen = Vec::new();
            for purpose in &data.purposes {
                if seen.contains(&purpose.play) {
                    continue;
                }
                seen.push(purpose.play.clone());
                row(
                    &usage(question),
                    &purpose.play,
                    yes(entry.purposes.contains(&purpose.id.as_str())),
                    "MULTIPLE_CHOICE",
                    &format!("Usage ({name})/{asked}/{}", purpose.id),
                );
            }
        }
    }
    let mut text = rows.join("\n");
    text.push('\n');
    text
}

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub(super) fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
