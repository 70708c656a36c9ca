#!/usr/bin/env bash
# Build the sdist and wheel, check them, and install the wheel alone in a
# fresh environment to see that it imports and its command runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_QUIET=1
[ -x .venv-build/bin/python ] || "$PYTHON" -m venv .venv-build
.venv-build/bin/python -m pip install build twine
rm -rf dist
.venv-build/bin/python -m build --outdir dist . >/dev/null
.venv-build/bin/twine check --strict dist/*
wheel=$(ls dist/*.whl)
contents=$(.venv-build/bin/python -m zipfile -l "$wheel")
grep -q "leonardo_async/py.typed" <<<"$contents" || { echo "the wheel has no py.typed" >&2; exit 1; }
if grep -q "tests/" <<<"$contents"; then echo "the wheel contains tests" >&2; exit 1; fi
rm -rf .venv-wheel
"$PYTHON" -m venv .venv-wheel
.venv-wheel/bin/python -m pip install "$wheel"
(cd /tmp && "$OLDPWD/.venv-wheel/bin/python" -c 'import leonardo_async, sys; print("imported", leonardo_async.__version__)')
.venv-wheel/bin/leonardo-async --help >/dev/null
echo "package ok: $(ls dist)"
