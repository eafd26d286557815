//! docs/rules.md is generated from the rule registry; this test keeps it fresh.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use privlint::rules::RULES;

fn render() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rule registry (`src/rules/`); `privlint explain ID` prints the same text.\nCodes and names are stable: they never change meaning.\n\n| code | name | default severity | summary |\n|---|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    for r in RULES {
        out.push('\n');
        out.push_str(&r.docs.replacen("# ", "## ", 1).replace("\n## ", "\n### "));
    }
    out
}

#[test]
fn rules_doc_is_generated_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let expected = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run UPDATE_DOCS=1 cargo test --test docs"
    );
}
