#!/usr/bin/env bash
# Newcomer command 2: set up and run the whole test suite.
# SQLite always; PostgreSQL too when one is reachable (KEFU_TEST_PG_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres); real-browser tests when Debian's
# chromium is installed.  Extra arguments go to pytest.  The tests run on every
# core (pytest-xdist; KEFU_TEST_WORKERS=0 runs them in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# worksteal: a worker that runs out of tests takes pending ones from the other (the
# long generated walks no longer finish alone at the end: 414 s → 393 s).
exec .venv/bin/python -m pytest -n "${KEFU_TEST_WORKERS:-auto}" --dist worksteal "$@"
