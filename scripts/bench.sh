#!/usr/bin/env bash
# privlint benchmark: privlint scan vs ripgrep (same literal set) vs semgrep (same
# knowledge, exported by privlint) on a deterministic synthetic monorepo.
#
#   scripts/bench.sh                 # ~20,000 files / ~400 MB, scaling 1× 2× 4×
#   SIZE=small scripts/bench.sh      # ~2,000 files / ~40 MB (quick run)
#   FILES=5000 MB=100 scripts/bench.sh
#
# Environment:
#   SIZE=small|full   presets for FILES/MB (default full)
#   FILES, MB         tree size (override SIZE)
#   SCALES="1 2 4"    tree-size multiples for the scaling runs ("" to skip)
#   SEMGREP=1|0       run semgrep (default 1; it is by far the slowest step)
#   SEMGREP_FILES     run semgrep on a tree of this many files instead (MB scaled
#                     alike) and report its throughput; default: the main tree
#   WORK=DIR          where trees and outputs go (default: a fresh temp dir, removed)
#   PRIVLINT=PATH     binary to measure (default: cargo build --release)
#
# Needs: python3, GNU time (/usr/bin/time), ripgrep (`cargo install ripgrep` or
# `apt-get install ripgrep`), semgrep (`pip install semgrep`). Runs offline.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

case "${SIZE:-full}" in
  small) files_default=2000; mb_default=40 ;;
  full) files_default=20000; mb_default=400 ;;
  *) echo "SIZE must be small or full" >&2; exit 2 ;;
esac
FILES="${FILES:-$files_default}"
MB="${MB:-$mb_default}"
SCALES="${SCALES-1 2 4}"
SEMGREP="${SEMGREP:-1}"

for tool in python3 /usr/bin/time rg; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (see the header of $0)" >&2; exit 2; }
done
if [ "$SEMGREP" = 1 ] && ! command -v semgrep >/dev/null; then
  echo "missing: semgrep (pip install semgrep), or run with SEMGREP=0" >&2
  exit 2
fi

if [ -z "${PRIVLINT:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
  PRIVLINT="$repo/target/release/privlint"
fi

if [ -n "${WORK:-}" ]; then
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
cd "$WORK"

# measure NAME CMD...: runs CMD under GNU time; appends "NAME wall cpu rss_mib" to results.
measure() {
  local name="$1"
  shift
  local rc=0
  /usr/bin/time -v -o "time.$name" "$@" >"out.$name" 2>"err.$name" || rc=$?
  # privlint exits 1 when findings exist, rg 1 when nothing matched: both are results.
  if [ "$rc" -gt 1 ]; then
    echo "$name failed with exit $rc:" >&2
    tail -n 20 "err.$name" >&2
    exit 1
  fi
  python3 - "$name" "time.$name" >>results <<'EOF'
import re, sys
name, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def field(label):
    m = re.search(re.escape(label) + r":\s*(.+)", text)
    return m.group(1).strip() if m else "0"
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
print(f"{name} {secs:.3f} {cpu:.2f} {rss:.1f}")
EOF
  tail -n 1 results
}

tree_mb() { du -sm "$1" | cut -f1; }

: >results
echo "== generating tree: $FILES files, ~$MB MB"
python3 "$here/bench-gen.py" tree "$FILES" "$MB" 7
echo "tree: $(find tree -type f | wc -l) files, $(tree_mb tree) MB on disk"

"$PRIVLINT" catalog --literals >literals.txt
"$PRIVLINT" catalog --export semgrep >rules.yaml
echo "literals: $(wc -l <literals.txt); semgrep rules: $(grep -c '^  - id:' rules.yaml)"

# Warm the page cache so every tool reads from memory.
cat $(find tree -type f) >/dev/null 2>&1 || find tree -type f -exec cat {} + >/dev/null

echo "== full tree"
measure privlint "$PRIVLINT" scan tree --format json --fail-on never
# Fixed strings, case-sensitive: the same matching the prefilter does.
measure ripgrep rg -F -f literals.txt -c tree
if [ "$SEMGREP" = 1 ]; then
  sg_tree=tree
  if [ -n "${SEMGREP_FILES:-}" ]; then
    sg_mb=$(python3 -c "print($MB * $SEMGREP_FILES / $FILES)")
    python3 "$here/bench-gen.py" sgtree "$SEMGREP_FILES" "$sg_mb" 7 >/dev/null
    sg_tree=sgtree
    measure privlint_sgtree "$PRIVLINT" scan sgtree --format json --fail-on never
  fi
  measure semgrep semgrep scan --metrics=off --disable-version-check --quiet --json \
    --timeout 0 --jobs "$(nproc)" --config rules.yaml "$sg_tree"
fi

echo "== one file (pre-commit): the binary's floor and the named-file case"
one_file="$(find tree -name '*.kt' | sort | sed -n 1p)"
mkdir -p single && cp "$one_file" single/
measure one_file_alone "$PRIVLINT" scan single --format json --fail-on never
measure one_file_in_tree bash -c "cd tree && '$PRIVLINT' scan '${one_file#tree/}' --format json --fail-on never"

echo "== determinism: --threads 1 vs default"
"$PRIVLINT" scan tree --format json --fail-on never --threads 1 >threads1.json || true
if cmp -s threads1.json out.privlint; then
  echo "identical output with --threads 1 and the default"
  echo "determinism identical" >>results
else
  echo "OUTPUT DIFFERS between --threads 1 and the default" >&2
  echo "determinism DIFFERENT" >>results
fi

if [ -n "$SCALES" ]; then
  echo "== scaling"
  for s in $SCALES; do
    python3 "$here/bench-gen.py" "tree$s" $((FILES * s)) $((MB * s)) 7 >/dev/null
    cat $(find "tree$s" -type f) >/dev/null 2>&1 || true
    measure "privlint_x$s" "$PRIVLINT" scan "tree$s" --format json --fail-on never
    measure "ripgrep_x$s" rg -F -f literals.txt -c "tree$s"
    rm -rf "tree$s"
  done
fi

echo
echo "== summary (wall s, cpu s, peak RSS MiB)"
python3 - "$(tree_mb tree)" <<'EOF'
import sys
mb = float(sys.argv[1])
rows, other = {}, []
for line in open("results"):
    parts = line.split()
    if len(parts) == 4:
        rows[parts[0]] = tuple(map(float, parts[1:]))
    else:
        other.append(line.strip())
print(f"{'run':<22}{'wall s':>9}{'cpu s':>9}{'RSS MiB':>9}")
for name, (w, c, r) in rows.items():
    print(f"{name:<22}{w:>9.3f}{c:>9.2f}{r:>9.1f}")
p, g = rows.get("privlint"), rows.get("ripgrep")
if p and g:
    print(f"privlint / ripgrep wall: {p[0] / g[0]:.2f}x (target <= 1.5x); privlint {mb / p[0]:.0f} MB/s")
s = rows.get("semgrep")
if s and p:
    base = rows.get("privlint_sgtree", p)
    print(f"semgrep / privlint wall: {s[0] / base[0]:.1f}x (target >= 30x)")
if p:
    print(f"privlint peak RSS: {p[2]:.0f} MiB (target <= 256)")
one = rows.get("one_file_alone")
if one:
    print(f"one-file run: {one[0] * 1000:.0f} ms alone (target <= 50 ms)")
scales = sorted((int(k.split("_x")[1]), v) for k, v in rows.items() if k.startswith("privlint_x"))
if scales:
    base = scales[0][1][0] / scales[0][0]
    print("scaling (wall per unit of tree, 1.00 = linear): " +
          ", ".join(f"{s}x: {v[0] / s / base:.2f}" for s, v in scales))
for line in other:
    print(line)
EOF
