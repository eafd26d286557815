#!/usr/bin/env python3
"""privlint against ripgrep and semgrep on real app trees, as whole processes.

Usage: scripts/bench-real.py PRIVLINT APPS_DIR [APP ...]
  ROUNDS=5        alternating rounds per app (privlint, ripgrep, semgrep, privlint, …)
  SEMGREP=0       leave semgrep out (it is by far the slowest)
  NAMED_FILE=1    also time a named-file (pre-commit) run on one source file of each app

Each app folder under APPS_DIR is scanned as it is (check the apps out yourself at the
commits docs/real-world/truth/*.toml give; their code never enters this repository).
ripgrep searches the same literal set privlint's prefilter uses (`catalog --literals`,
fixed strings, case-sensitive like the prefilter), semgrep runs the catalog exported as rules
(`catalog --export semgrep`). Every command runs under GNU time (`/usr/bin/time -f`), in
alternating rounds so that a drifting machine affects all tools alike; the table gives
medians, and the ratios are medians of the per-round ratios.
"""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROUNDS = int(os.environ.get("ROUNDS", "5"))
SEMGREP = os.environ.get("SEMGREP", "1") == "1"
NAMED_FILE = os.environ.get("NAMED_FILE", "1") == "1"
SOURCE_EXTENSIONS = (".kt", ".java", ".swift", ".m", ".ts", ".tsx", ".js", ".dart", ".rs")


def timed(argv, cwd=None):
    """(wall s, cpu s, peak RSS MiB) of one run of argv, measured by GNU time."""
    with tempfile.NamedTemporaryFile("r") as report:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", report.name, *argv],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        if done.returncode > 1:
            raise SystemExit(f"{argv[0]} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
        wall, user, system, rss = report.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss) / 1024


def one_source_file(app):
    for path in sorted(app.rglob("*")):
        if path.suffix in SOURCE_EXTENSIONS and path.is_file() and "node_modules" not in path.parts:
            return path.relative_to(app)
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    privlint = str(pathlib.Path(sys.argv[1]).resolve())
    apps_dir = pathlib.Path(sys.argv[2])
    names = sys.argv[3:] or sorted(p.name for p in apps_dir.iterdir() if p.is_dir())
    work = pathlib.Path(tempfile.mkdtemp())
    literals, rules = work / "literals.txt", work / "rules.yaml"
    literals.write_text(subprocess.run([privlint, "catalog", "--literals"], capture_output=True, text=True).stdout)
    rules.write_text(subprocess.run([privlint, "catalog", "--export", "semgrep"], capture_output=True, text=True).stdout)
    tools = {
        "privlint": lambda app: [privlint, "scan", str(app), "--format", "json", "--fail-on", "never"],
        "ripgrep": lambda app: ["rg", "-F", "-c", "-f", str(literals), str(app)],
    }
    if SEMGREP:
        tools["semgrep"] = lambda app: [
            "semgrep", "scan", "--metrics=off", "--disable-version-check", "--quiet", "--json",
            "--timeout", "0", "--jobs", str(os.cpu_count()), "--config", str(rules), str(app)]
    header = "| app | files | privlint wall s | ripgrep wall s | privlint / ripgrep | privlint cpu / ripgrep cpu |"
    header += " semgrep wall s | semgrep / privlint |" if SEMGREP else ""
    header += " named file wall s | privlint peak MiB |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    all_ratios = []
    for name in names:
        app = apps_dir / name
        files = sum(1 for p in app.rglob("*") if p.is_file())
        for tool in tools.values():
            timed(tool(app))  # warm-up round: page cache and first-run effects
        runs = {t: [] for t in tools}
        for _ in range(ROUNDS):
            for tool, argv in tools.items():
                runs[tool].append(timed(argv(app)))
        med = {t: tuple(statistics.median(r[i] for r in runs[t]) for i in range(3)) for t in tools}
        wall_ratio = statistics.median(p[0] / max(g[0], 1e-3) for p, g in zip(runs["privlint"], runs["ripgrep"]))
        cpu_ratio = statistics.median(p[1] / max(g[1], 1e-3) for p, g in zip(runs["privlint"], runs["ripgrep"]))
        all_ratios.append(wall_ratio)
        row = f"| {name} | {files} | {med['privlint'][0]:.2f} | {med['ripgrep'][0]:.2f} | {wall_ratio:.2f}x | {cpu_ratio:.2f}x |"
        if SEMGREP:
            sg_ratio = statistics.median(s[0] / max(p[0], 1e-3) for s, p in zip(runs["semgrep"], runs["privlint"]))
            row += f" {med['semgrep'][0]:.2f} | {sg_ratio:.1f}x |"
        named = "—"
        source = one_source_file(app) if NAMED_FILE else None
        if source is not None:
            argv = [privlint, "scan", str(source), "--format", "json", "--fail-on", "never"]
            named = f"{statistics.median(timed(argv, cwd=app)[0] for _ in range(ROUNDS)):.2f}"
        row += f" {named} | {med['privlint'][2]:.0f} |"
        print(row, flush=True)
    if all_ratios:
        print(f"\nmedian privlint / ripgrep wall ratio over {len(all_ratios)} apps: "
              f"{statistics.median(all_ratios):.2f}x ({ROUNDS} alternating rounds each, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
