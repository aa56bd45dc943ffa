"""``flask backup``: a copy of the database, its checksum and its history head.

SQLite through its online backup API (a consistent copy while clerks write; WAL
readers block no writer); PostgreSQL through ``pg_dump -Fc`` (one snapshot).
Beside ``kefu-YYYYmmdd-HHMMSS.<ext>`` go ``….sha256`` (``sha256sum`` format)
and ``….head`` (``ID:HASH`` of the newest history entry when the copy began: the
copy contains it, so ``backup check`` verifies the restored chain against it).
Each run is recorded in ``backup_run`` (the dashboard's "last backup" warning, the
same for every app instance).  Old copies are pruned: the newest of each of the
last N days and of each of the last M months are kept.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL, Engine

from models.audit import AuditEntry
from models.ops import BackupRun

NAME_RE = re.compile(r"^kefu-(\d{8})-(\d{6})\.(sqlite3|dump)$")


@dataclass
class Backup:
    path: Path
    sha256: str
    head: str
    size: int


def history_head(engine: Engine) -> str:
    """``ID:HASH`` of the newest history entry (as ``audit head`` prints it)."""
    with engine.connect() as conn:
        row = conn.execute(select(AuditEntry.id, AuditEntry.hash)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    return f"{row[0]}:{row[1]}" if row else "0:" + "0" * 64


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that
    carries it (not on a command line other users can read in ``ps``)."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _copy_sqlite(url: URL, target: Path) -> None:
    src = sqlite3.connect(url.database, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)         # online backup API: one consistent copy
    finally:
        dst.close()
        src.close()


def _dump_postgresql(url: URL, target: Path) -> None:
    conninfo, env = libpq(url)
    done = subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(target),
                           "--dbname", conninfo], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise RuntimeError(f"pg_dump failed: {done.stderr.strip()[:500]}")


def take(engine: Engine, folder: Path, now: datetime | None = None) -> Backup:
    """Write the copy, its checksum and its head into ``folder``."""
    now = now or datetime.now(timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    url = engine.url
    pg = url.get_backend_name() == "postgresql"
    target = folder / f"kefu-{now:%Y%m%d-%H%M%S}.{'dump' if pg else 'sqlite3'}"
    head = history_head(engine)          # before the copy: the copy contains it
    tmp = target.with_name(target.name + ".part")
    (_dump_postgresql if pg else _copy_sqlite)(url, tmp)
    tmp.replace(target)
    digest = file_sha256(target)
    target.with_name(target.name + ".sha256").write_text(f"{digest}  {target.name}\n")
    target.with_name(target.name + ".head").write_text(head + "\n")
    return Backup(target, digest, head, target.stat().st_size)


def record(engine: Engine, ok: bool, path: str, run_by: str, backup: Backup | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(BackupRun.__table__.insert().values(
            finished_at=datetime.now(timezone.utc).replace(tzinfo=None), ok=ok,
            path=path[:500], size_bytes=backup.size if backup else 0,
            sha256=backup.sha256 if backup else None, head=backup.head if backup else None,
            run_by=run_by[:120]))


def prune(folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete copies beyond the newest per day (last ``keep_daily`` days that have
    one) and per month (last ``keep_monthly`` months); returns what was deleted."""
    copies = sorted((p for p in folder.iterdir() if NAME_RE.match(p.name)),
                    key=lambda p: p.name, reverse=True)
    keep: set[Path] = set(copies[:1])
    days: dict[str, Path] = {}
    months: dict[str, Path] = {}
    for p in copies:
        day = NAME_RE.match(p.name).group(1)
        days.setdefault(day, p)
        months.setdefault(day[:6], p)
    keep.update(list(days.values())[:keep_daily])
    keep.update(list(months.values())[:keep_monthly])
    gone = []
    for p in copies:
        if p not in keep:
            for extra in (p, p.with_name(p.name + ".sha256"), p.with_name(p.name + ".head")):
                extra.unlink(missing_ok=True)
            gone.append(p)
    return gone
