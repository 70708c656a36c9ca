#!/usr/bin/env bash
# One command for every benchmark: makes .venv-bench with the project and its
# peers (benchmarks/requirements.txt), runs them side by side, writes
# benchmarks/results/latest.md and benchmarks/results/waits.md. Pass --quick
# for a shorter run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_QUIET=1
[ -x .venv-bench/bin/python ] || "$PYTHON" -m venv .venv-bench
.venv-bench/bin/python -m pip install -e . -r benchmarks/requirements.txt
.venv-bench/bin/python benchmarks/run.py "$@"
.venv-bench/bin/python benchmarks/waits.py "$@"
