"""Export of a million-row register: time to first byte, total time, peak memory.

Serves the app with gunicorn (1 worker, so the worker measured is the one that
exports) on a database from ``list_bench.py`` (``--reuse URL``) or a new one with
N key checkouts, logs in as the auditor and downloads the key checkout log as CSV
and as XLSX.  Peak memory is the worker's VmHWM (peak resident set since it
started) read from /proc after each download; the CSV is checked for its UTF-8 BOM.

    .venv/bin/python bench/export_bench.py --rows 1000000
    .venv/bin/python bench/export_bench.py --reuse sqlite:////tmp/…/bench.sqlite3
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
INSTANCE = tempfile.mkdtemp(prefix="kefu-export-")
os.environ.setdefault("KEFU_INSTANCE_DIR", INSTANCE)
os.environ.setdefault("SECRET_KEY", "bench")

from list_bench import Client, build, free_port  # noqa: E402

BOM = b"\xef\xbb\xbf"


def worker_peak_mb(master: int) -> float:
    """Largest VmHWM among the gunicorn master's children, in MB."""
    peak = 0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def download(client: Client, path: str) -> tuple[float, float, int, bytes]:
    t0 = time.perf_counter()
    with client.opener.open(client.base + path, timeout=3600) as r:
        first = r.read(1)
        ttfb = time.perf_counter() - t0
        size, head = 1, first
        while True:
            chunk = r.read(1 << 16)
            if not chunk:
                break
            if len(head) < 64:
                head += chunk[:64]
            size += len(chunk)
    return ttfb, time.perf_counter() - t0, size, head


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg")
    ap.add_argument("--reuse", metavar="URL")
    args = ap.parse_args()
    dbname = None
    if args.reuse:
        url = args.reuse
    elif args.pg:
        import psycopg

        dbname = f"kefu_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{dbname}"')
        url = args.pg.rsplit("/", 1)[0] + "/" + dbname
    else:
        url = f"sqlite:///{INSTANCE}/bench.sqlite3"
    proc = None
    try:
        if not args.reuse:
            build(url.replace("postgresql://", "postgresql+psycopg://"), args.rows,
                  ("key_checkout",))
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
               "WEB_CONCURRENCY": "1", "KEFU_CONFIG": "default", "SECRET_KEY": "bench"}
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                 "--timeout", "3600", "--access-logfile", "/dev/null",
                                 "app:app"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        client = Client(base)
        client.login("auditor", "demo-pass-2026")
        client.get("/admin/key_checkout/")
        idle = worker_peak_mb(proc.pid)
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{backend}: key checkout log export, gunicorn 1 worker "
              f"(worker peak before: {idle:.0f} MB)")
        for kind in ("csv", "xlsx"):
            ttfb, total, size, head = download(client, f"/admin/key_checkout/export/{kind}/")
            extra = ""
            if kind == "csv":
                extra = ", BOM " + ("yes" if head.startswith(BOM) else "NO")
            print(f"  {kind:<4} first byte {ttfb * 1000:7.0f} ms   total {total:6.1f} s   "
                  f"{size / 1e6:7.1f} MB   worker peak {worker_peak_mb(proc.pid):5.0f} MB{extra}",
                  flush=True)
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        if dbname:
            import psycopg

            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
