#!/usr/bin/env bash
# Newcomer command 2: set up and run the whole test suite.
# SQLite always; PostgreSQL too when one is reachable (KEFU_TEST_PG_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres); real-browser tests when Debian's
# chromium is installed.  Extra arguments go to pytest.  The tests run on every
# core (pytest-xdist; KEFU_TEST_WORKERS=0 runs them in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n "${KEFU_TEST_WORKERS:-auto}" "$@"
