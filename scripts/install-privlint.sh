#!/usr/bin/env bash
# Installs privlint VERSION into DEST/bin the fastest way that exists, for the GitHub
# Action (action.yml) and anyone scripting an install:
#   1. the release binary for this OS/arch, checked against its published SHA-256;
#   2. else the PyPI wheel (`pip install privlint==VERSION` into DEST/venv);
#   3. else `cargo install` (from --source DIR when given, else crates.io).
# A checksum that does not match stops the install (exit 1): a corrupt or tampered
# download never falls back to anything. Only a release without an asset for this
# platform (HTTP 404) moves on to pip, and only a failed pip to cargo.
# Prints the installed binary's path as the last line of stdout.
#
# usage: install-privlint.sh VERSION DEST [--source DIR]
# env:   PRIVLINT_DOWNLOAD_BASE  release download URL, default
#                                https://github.com/privlint/privlint/releases/download
#                                (https only; plain http only to 127.0.0.1/localhost)
#        PRIVLINT_TARGET         override the detected Rust target triple
set -euo pipefail
shopt -s extglob

usage() {
  echo "usage: install-privlint.sh VERSION DEST [--source DIR]" >&2
  exit 2
}
[ "$#" -ge 2 ] || usage
version="${1#v}"
dest="$2"
shift 2
source_dir=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --source) [ "$#" -ge 2 ] || usage; source_dir="$2"; shift 2 ;;
    *) usage ;;
  esac
done
case "$version" in
  "" | *[!0-9A-Za-z.+-]*) echo "install-privlint: invalid version '$version'" >&2; exit 2 ;;
esac
base="${PRIVLINT_DOWNLOAD_BASE:-https://github.com/privlint/privlint/releases/download}"
base="${base%/}"
case "$base" in
  https://*) ;;
  http://127.0.0.1[:/]* | http://localhost[:/]*) ;;
  *) echo "install-privlint: refusing a non-https download base: $base" >&2; exit 2 ;;
esac

say() { echo "install-privlint: $*" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The Rust target triple of this machine, as the release assets are named.
detect_target() {
  local os arch
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      [ "$arch" = x86_64 ] || return 1
      echo "x86_64-pc-windows-msvc" ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

# Fetch URL to FILE. Exit status: 0 done, 4 not found (404), 1 any other failure.
fetch() {
  local status
  status="$(curl --silent --show-error --location --retry 3 --connect-timeout 20 \
    --output "$2" --write-out '%{http_code}' "$1")" || return 1
  case "$status" in
    200) return 0 ;;
    404) return 4 ;;
    *) say "GET $1: HTTP $status"; return 1 ;;
  esac
}

# 0 installed, 4 no asset for this platform/version, 1 failed (checksum included).
install_release_binary() {
  local target exe="" asset expected actual fetched
  if [ -n "${PRIVLINT_TARGET:-}" ]; then
    target="$PRIVLINT_TARGET"
  elif ! target="$(detect_target)"; then
    say "no release binary for $(uname -s) $(uname -m)"
    return 4
  fi
  case "$target" in *windows*) exe=".exe" ;; esac
  asset="privlint-$target$exe"

  fetched=0
  fetch "$base/v$version/$asset.sha256" "$work/$asset.sha256" || fetched=$?
  if [ "$fetched" -eq 0 ]; then
    fetch "$base/v$version/$asset" "$work/$asset" || fetched=$?
  fi
  if [ "$fetched" -eq 4 ]; then
    say "release v$version has no $asset"
    return 4
  elif [ "$fetched" -ne 0 ]; then
    say "could not download $asset"
    return 1
  fi
  expected="$(awk 'NR == 1 {print tolower($1)}' "$work/$asset.sha256")"
  actual="$(sha256_of "$work/$asset")"
  if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]]; then
    say "ERROR: $asset.sha256 holds no SHA-256 checksum"
    return 1
  fi
  if [ "$actual" != "$expected" ]; then
    say "ERROR: checksum mismatch for $asset: expected $expected, got $actual"
    return 1
  fi
  mkdir -p "$dest/bin"
  chmod +x "$work/$asset"
  mv "$work/$asset" "$dest/bin/privlint$exe"
  say "installed the release binary $asset (sha256 $actual)"
  echo "$dest/bin/privlint$exe"
}

install_wheel() {
  local python
  python="$(command -v python3 || command -v python || true)"
  if [ -z "$python" ]; then
    say "no Python to install the wheel with"
    return 1
  fi
  "$python" -m venv "$dest/venv" >&2 || return 1
  local bin="$dest/venv/bin"
  [ -d "$bin" ] || bin="$dest/venv/Scripts"
  # --only-binary: a wheel for this platform or nothing (an sdist would compile).
  "$bin/python" -m pip install --disable-pip-version-check --quiet --only-binary=:all: \
    "privlint==$version" >&2 || { rm -rf "$dest/venv"; return 1; }
  say "installed privlint $version from PyPI"
  if [ -x "$bin/privlint" ]; then echo "$bin/privlint"; else echo "$bin/privlint.exe"; fi
}

install_with_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    say "no cargo to build privlint with"
    return 1
  fi
  if [ -n "$source_dir" ]; then
    cargo install --locked --root "$dest/cargo" --path "$source_dir" >&2 || return 1
  else
    cargo install --locked --root "$dest/cargo" privlint --version "=$version" >&2 || return 1
  fi
  say "built privlint $version with cargo install"
  echo "$dest/cargo/bin/privlint"
}

# A previous install of the same version (restored by actions/cache) is used as it is.
for previous in "$dest/bin/privlint" "$dest/bin/privlint.exe"; do
  # `privlint --version` prints "privlint 0.1.0 (catalog …)".
  if [ -x "$previous" ] && [[ "$("$previous" --version 2>/dev/null)" == "privlint $version"?(" "*) ]]; then
    say "privlint $version is already installed in $dest"
    echo "$previous"
    exit 0
  fi
done

released=0
install_release_binary || released=$?
case "$released" in
  0) exit 0 ;;
  4) ;;
  *) exit 1 ;; # fail closed: no fallback after a bad download
esac
say "trying pip install privlint==$version"
if install_wheel; then
  exit 0
fi
say "no wheel either: falling back to cargo install (this compiles; minutes)"
install_with_cargo || {
  say "ERROR: could not install privlint $version"
  exit 1
}
