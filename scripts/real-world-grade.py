#!/usr/bin/env python3
"""Grade privlint against hand-written ground truth for public apps.

Usage: scripts/real-world-grade.py PRIVLINT APPS_DIR [TRUTH_DIR]

Each `TRUTH_DIR/<name>.toml` (default docs/real-world/truth) describes one public app,
written by reading its manifests, build files and sources *before* running privlint. The
app must be checked out at the given commit in `APPS_DIR/<name>` (its code never enters
this repository); apps that are not checked out are listed as skipped.

For each app, privlint's inventory (JSON) is compared with the truth:
- SDKs: recall of `sdks`, and every reported SDK not in `sdks` is a false SDK;
- capabilities (declared or used): recall and false capabilities;
- ties of kind flow and sdk-api ("sdk capability kind"): recall and false ties
  (auto-collect and sdk-permission ties follow from catalog facts and are not graded);
- traps: names that must not be reported as SDKs;
- units (optional): how many app units the app is; another count is both a miss and a
  false finding (one site split per folder, or two apps merged).
Prints a Markdown table and the totals; exits 1 when anything is missed or false.
"""
import json
import pathlib
import subprocess
import sys
import tomllib

GRADED_TIES = {"flow", "sdk-api"}


def inventory(privlint, app_dir):
    out = subprocess.run(
        [privlint, "inventory", str(app_dir), "--format", "json"],
        capture_output=True, text=True, env={"NO_COLOR": "1", "CI": "true", "PATH": "/usr/bin:/bin"},
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"privlint exited {out.returncode}: {out.stderr.strip()[:400]}")
    doc = json.loads(out.stdout)
    sdks, caps, ties = set(), set(), set()
    for app in doc["apps"]:
        sdks.update(s["id"] for s in app["sdks"])
        caps.update(c["id"] for c in app["capabilities"] if c["declared"] or c["used"])
        ties.update(
            f'{t["sdk"]} {t["capability"]} {t["kind"]}' for t in app["ties"] if t["kind"] in GRADED_TIES
        )
    return sdks, caps, ties, len(doc["apps"])


def fmt(items):
    return ", ".join(sorted(items)) if items else "—"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    privlint, apps = sys.argv[1], pathlib.Path(sys.argv[2])
    truth_dir = pathlib.Path(sys.argv[3] if len(sys.argv) > 3 else "docs/real-world/truth")
    totals = {"sdk": [0, 0], "cap": [0, 0], "tie": [0, 0], "false_sdk": 0, "false_cap": 0, "false_tie": 0, "units": [0, 0]}
    print("| app | SDKs found / truth | capabilities found / truth | ties found / truth | missed | false |")
    print("|---|---|---|---|---|---|")
    skipped, bad = [], False
    for path in sorted(truth_dir.glob("*.toml")):
        truth = tomllib.loads(path.read_text())
        app_dir = apps / path.stem
        if not app_dir.is_dir():
            skipped.append(path.stem)
            continue
        sdks, caps, ties, units = inventory(privlint, app_dir)
        want_sdks, want_caps = set(truth["sdks"]), set(truth["capabilities"])
        want_ties = set(truth.get("ties", []))
        missed = (want_sdks - sdks) | (want_caps - caps) | (want_ties - ties)
        false = (sdks - want_sdks) | (caps - want_caps) | (ties - want_ties)
        false |= sdks & set(truth.get("traps", []))
        if "units" in truth:
            totals["units"][1] += 1
            totals["units"][0] += units == truth["units"]
        if "units" in truth and units != truth["units"]:
            missed.add(f'units {truth["units"]}')
            false.add(f"units {units}")
        for key, want, got in (("sdk", want_sdks, sdks), ("cap", want_caps, caps), ("tie", want_ties, ties)):
            totals[key][0] += len(want & got)
            totals[key][1] += len(want)
        totals["false_sdk"] += len(sdks - want_sdks)
        totals["false_cap"] += len(caps - want_caps)
        totals["false_tie"] += len(ties - want_ties)
        bad |= bool(missed or false)
        print(
            f"| {path.stem} ({truth['repo']} @ {truth['commit']}) "
            f"| {len(want_sdks & sdks)} / {len(want_sdks)} | {len(want_caps & caps)} / {len(want_caps)} "
            f"| {len(want_ties & ties)} / {len(want_ties)} | {fmt(missed)} | {fmt(false)} |"
        )

    def rate(pair):
        return f"{pair[0]}/{pair[1]} ({100 * pair[0] / pair[1]:.0f} %)" if pair[1] else "n/a"

    print()
    print(f"SDK recall {rate(totals['sdk'])}, false SDKs {totals['false_sdk']}; "
          f"capability recall {rate(totals['cap'])}, false capabilities {totals['false_cap']}; "
          f"tie recall {rate(totals['tie'])}, false ties {totals['false_tie']}; "
          f"unit counts right {rate(totals['units'])}")
    if skipped:
        print(f"Not checked out (skipped): {', '.join(skipped)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
