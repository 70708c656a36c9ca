#!/usr/bin/env bash
# The whole test suite and every check, from a fresh clone, with only Python
# 3.10+ and the package registries. Two environments: .venv has the newest
# aiohttp; .venv-compat has the newest aiohttp that aioresponses can mock.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "Python 3.10 or newer is needed (PYTHON=$PYTHON)" >&2
    exit 1
}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_QUIET=1

venv() {  # venv DIR EXTRAS: create DIR if needed and install the project into it
    [ -x "$1/bin/python" ] || "$PYTHON" -m venv "$1"
    "$1/bin/python" -m pip install --upgrade pip
    "$1/bin/python" -m pip install -e ".[$2]"
}

echo "== installing (.venv: newest aiohttp; .venv-compat: aiohttp for aioresponses)"
venv .venv test
venv .venv-compat test,compat
.venv/bin/python -c 'import aiohttp; print("  .venv        aiohttp", aiohttp.__version__)'
.venv-compat/bin/python -c 'import aiohttp; print("  .venv-compat aiohttp", aiohttp.__version__)'

echo "== ruff check";          .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy --strict";       .venv/bin/mypy --strict leonardo_async tests/typecheck_public_api.py

# coverage runs pytest (not pytest-cov) so that it measures the package from
# the start: the pytest plugin entry point imports it before pytest-cov starts.
rm -f .coverage .coverage.*
echo "== pytest, newest aiohttp (aioresponses tests deselected: it cannot mock this aiohttp)"
.venv/bin/python -m coverage run --parallel-mode -m pytest -m "not aioresponses"
echo "== pytest, aiohttp for aioresponses (everything)"
.venv-compat/bin/python -m coverage run --parallel-mode -m pytest
echo "== coverage of the package, branches included (at least 95%)"
.venv/bin/python -m coverage combine -q
.venv/bin/python -m coverage report

# The other supported Pythons this machine has (pyenv's or on PATH): the
# suite again on each, newest aiohttp; a version the machine lacks is skipped.
for version in 3.10 3.12 3.13; do
    python=""
    if command -v pyenv >/dev/null 2>&1; then  # pyenv's own, not its shims
        python=$(ls -d "$(pyenv root)/versions/$version".*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    [ -n "$python" ] || python=$(command -v "python$version" || true)
    if [ -z "$python" ] || ! "$python" -c 'import sys' >/dev/null 2>&1; then
        echo "== Python $version: not on this machine, skipped"
        continue
    fi
    echo "== pytest on Python $("$python" -c 'import platform; print(platform.python_version())')"
    dir=".venv-py$version"
    [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install --upgrade pip
    "$dir/bin/python" -m pip install -e ".[test]"
    "$dir/bin/python" -m pytest -q -m "not aioresponses" -p no:cacheprovider
done
