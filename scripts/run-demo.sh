#!/usr/bin/env bash
# Newcomer command 1: set up, migrate the embedded SQLite database, load demo data
# (one login per role, password demo-pass-2026) and serve on http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/flask --app app db upgrade
.venv/bin/flask --app app demo-data
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}"
