#!/usr/bin/env bash
# Create .venv (once) and install the project with its test extras.
# Needs only Python 3.11+ (set PYTHON=/path/to/python3.11 to choose one).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" - <<'PYCHECK'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python 3.11+ is needed, this is {sys.version.split()[0]} (set PYTHON=…)")
PYCHECK
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
