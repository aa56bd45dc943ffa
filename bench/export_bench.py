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
import time
from pathlib import Path

from common import Client, backend_name, database, sa_url, serve
from list_bench import build

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
    with database(args.pg, args.reuse) as url:
        if not args.reuse:
            build(sa_url(url), args.rows, ("key_checkout",))
        # one worker, so the worker measured is the one that exports
        with serve(url, 1, "--timeout", "3600") as (base, proc):
            client = Client(base)
            client.login("auditor")
            client.get("/admin/key_checkout/")
            print(f"{backend_name(url)}: key checkout log export, gunicorn 1 worker "
                  f"(worker peak before: {worker_peak_mb(proc.pid):.0f} MB)")
            for kind in ("csv", "xlsx"):
                ttfb, total, size, head = download(client,
                                                   f"/admin/key_checkout/export/{kind}/")
                extra = ", BOM " + ("yes" if head.startswith(BOM) else "NO") \
                    if kind == "csv" else ""
                print(f"  {kind:<4} first byte {ttfb * 1000:7.0f} ms   total {total:6.1f} s   "
                      f"{size / 1e6:7.1f} MB   worker peak {worker_peak_mb(proc.pid):5.0f} MB"
                      f"{extra}", flush=True)


if __name__ == "__main__":
    main()
