#!/usr/bin/env bash
# Builds the pip-installable wheel (maturin, `bindings = "bin"`), installs it into a fresh
# virtual environment with no Rust toolchain on PATH, and runs scans with the installed
# `privlint`. Cargo runs offline when the registry cache is warm (CARGO_NET_OFFLINE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/build"
"$work/build/bin/pip" install --disable-pip-version-check --quiet "maturin>=1.5,<2"
"$work/build/bin/maturin" build --release --quiet --manifest-path "$root/Cargo.toml" --out "$work/dist"

python3 -m venv "$work/use"
"$work/use/bin/pip" install --disable-pip-version-check --quiet --no-index "$work"/dist/privlint-*.whl
privlint="$work/use/bin/privlint"
# The installed binary must not depend on anything from the build environment.
env -i PATH=/usr/bin:/bin "$privlint" --version

env -i PATH=/usr/bin:/bin "$privlint" scan "$root/fixtures/android/clean" --format concise
set +e
out="$(env -i PATH=/usr/bin:/bin "$privlint" scan "$root/fixtures/android/denied-sdk" --format concise)"
code=$?
set -e
echo "$out"
if [ "$code" -ne 1 ] || ! grep -q '^PL101 ' <<<"$out"; then
  echo "wheel-smoke: expected exit 1 with a PL101 finding, got exit $code" >&2
  exit 1
fi
echo "wheel-smoke: ok"
