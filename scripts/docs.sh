#!/usr/bin/env bash
# Build the documentation site with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_QUIET=1 NO_MKDOCS_2_WARNING=1
[ -x .venv-docs/bin/python ] || "$PYTHON" -m venv .venv-docs
.venv-docs/bin/python -m pip install -e ".[docs]"
.venv-docs/bin/mkdocs build --strict --site-dir site
