"""``flask backup check FILE``: the restore drill.

A copy nobody has restored is a hope, not a backup.  The check restores the file
into a scratch database (a temporary SQLite file; a new PostgreSQL database on
the same server, created and dropped by the connecting role — the owner role,
which may create databases), then proves three things: the checksum beside the
file matches, the schema is at the migrations' head, and the history verifies
(chain and live rows) against the head saved with the copy.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, Engine

from config import BASE_DIR
from models.base import Base

from .backup import file_sha256, libpq


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    revision: str | None = None
    entries: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def migrations_head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the models (what a restore must bring back)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in Base.metadata.sorted_tables if t.name in present}


def _scratch_sqlite(file: Path, workdir: Path) -> tuple[Engine, callable]:
    copy = workdir / "restore.sqlite3"
    shutil.copyfile(file, copy)
    return create_engine(f"sqlite:///{copy}"), lambda: None


def _scratch_postgresql(file: Path, server: URL) -> tuple[Engine, callable]:
    name = f"kefu_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = server.set(database=name)
    conninfo, env = libpq(target)
    # no owners, no grants: the scratch database belongs to the checking role, which
    # need not be (or be a member of) the owner and the app role
    done = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                           "-d", conninfo,
                           str(file)], env=env, capture_output=True, text=True)
    engine = create_engine(target)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    if done.returncode != 0:
        drop()
        raise RuntimeError(f"pg_restore failed: {done.stderr.strip()[:500]}")
    return engine, drop


def check(file: Path, server: URL) -> CheckResult:
    """Restore ``file`` into a scratch database next to ``server`` and check it."""
    from audit.anchor import check_checkpoints
    from audit.verify import verify

    res = CheckResult()
    sums = file.with_name(file.name + ".sha256")
    head_file = file.with_name(file.name + ".head")
    if not sums.is_file() or sums.read_text().split()[0] != file_sha256(file):
        res.problems.append("the checksum beside the file is missing or does not match")
        return res
    if not head_file.is_file():
        res.problems.append("the history head beside the file is missing")
        return res
    hid, hhash = head_file.read_text().strip().split(":", 1)
    with tempfile.TemporaryDirectory(prefix="kefu-restore-") as workdir:
        try:
            if file.suffix == ".dump":
                engine, drop = _scratch_postgresql(file, server)
            else:
                engine, drop = _scratch_sqlite(file, Path(workdir))
        except Exception as exc:  # noqa: BLE001 — a copy that does not restore fails the check
            res.problems.append(f"the copy does not restore: {str(exc)[:500]}")
            return res
        try:
            with engine.connect() as conn:
                res.revision = conn.execute(text("SELECT version_num FROM alembic_version")
                                            ).scalar()
            if res.revision != migrations_head():
                res.problems.append(f"schema at {res.revision}, the migrations' head is "
                                    f"{migrations_head()}")
            found = verify(engine, check_rows=True, anchor=(int(hid), hhash))
            check_checkpoints(engine, found)
            res.entries = found.entries
            res.problems += found.problems
            res.rows = row_counts(engine)
        finally:
            engine.dispose()
            drop()
    return res
