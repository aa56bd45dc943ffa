"""``flask backup`` and ``flask backup check``: a copy taken while clerks write
restores, is at the migrations' head and verifies against its saved head; the
checksum and head catch a damaged copy; retention; the dashboard's warning."""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Building
from models.base import db, utcnow
from models.ops import BackupRun
from ops.backup import prune
from ops.restore_check import row_counts

from .conftest import text_of
from .helpers import run_cli
from .ops_helpers import owner_url, writing_clerks


def _backup(app, folder: Path) -> Path:
    result = run_cli(app, "backup", "--to", str(folder))
    assert result.exit_code == 0, result.output
    return Path(result.output.split()[1])


def _check(app, file: Path):
    return run_cli(app, "backup", "check", str(file), "--server", owner_url(app))


def test_backup_while_clerks_write_restores_and_verifies(app, tmp_path):
    with app.app_context():
        before = db.session.execute(select(func.count(Building.id))).scalar()
    stop, done, errors = threading.Event(), [], []
    threads = writing_clerks(app, 3, stop, done, errors)
    try:
        while len(done) < 10:
            threading.Event().wait(0.01)
        during = _backup(app, tmp_path)
        mid = len(done)
        while len(done) < mid + 10:                # still writing after the copy
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors
    assert {p.name for p in tmp_path.iterdir()} == {during.name, during.name + ".sha256",
                                                    during.name + ".head"}
    result = _check(app, during)
    assert result.exit_code == 0, result.output
    assert "verify against the saved head" in result.output

    # quiet now: a second copy restores exactly what the database holds
    with app.app_context():
        live = row_counts(db.engine)
        after = db.session.execute(select(func.count(Building.id))).scalar()
    assert after >= before + 20
    quiet = _backup(app, tmp_path / "quiet")
    assert _check(app, quiet).exit_code == 0
    restored = _restored_counts(app, quiet)
    assert restored == live
    with app.app_context():
        runs = db.session.execute(select(BackupRun).order_by(BackupRun.id)).scalars().all()
    assert [r.ok for r in runs] == [True, True] and runs[0].head.startswith(
        during.with_name(during.name + ".head").read_text().strip().split(":")[0] + ":")


def _restored_counts(app, file: Path) -> dict[str, int]:
    """Row counts of a restored copy (the check's own restore, kept open here)."""
    from sqlalchemy.engine import make_url

    from ops import restore_check

    seen: dict[str, int] = {}
    real = restore_check.row_counts

    def keep(engine):
        seen.update(real(engine))
        return seen

    restore_check.row_counts = keep
    try:
        with app.app_context():
            assert restore_check.check(file, make_url(owner_url(app))).ok
    finally:
        restore_check.row_counts = real
    return seen


@pytest.mark.parametrize("damage", ["file", "head"])
def test_backup_check_refuses_a_damaged_copy_or_a_wrong_head(app, tmp_path, damage):
    file = _backup(app, tmp_path)
    if damage == "file":
        data = bytearray(file.read_bytes())
        data[len(data) // 2] ^= 0xFF
        file.write_bytes(bytes(data))
        expected = "checksum"
    else:
        head = file.with_name(file.name + ".head")
        hid = head.read_text().split(":")[0]
        head.write_text(f"{hid}:{'0' * 64}\n")
        expected = "anchor"
    result = _check(app, file)
    assert result.exit_code == 1 and expected in result.output, result.output


def test_prune_keeps_the_newest_per_day_and_per_month(tmp_path):
    names = []
    for day in range(0, 100):           # two copies a day, 100 days back from 2026-11-30
        d = (utcnow().replace(2026, 11, 30) - timedelta(days=day)).strftime("%Y%m%d")
        for t in ("010000", "130000"):
            names.append(f"kefu-{d}-{t}.sqlite3")
            for suffix in ("", ".sha256", ".head"):
                (tmp_path / (names[-1] + suffix)).write_text("x")
    gone = prune(tmp_path, keep_daily=7, keep_monthly=3)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3")
    days = [f"202611{d:02d}" for d in range(24, 31)]
    assert [n for n in kept if n[5:13] in days] == [f"kefu-{d}-130000.sqlite3" for d in days]
    # newest of each of the last 3 months: November's is today's; October, September
    assert set(kept) - {f"kefu-{d}-130000.sqlite3" for d in days} == {
        "kefu-20261031-130000.sqlite3", "kefu-20260930-130000.sqlite3"}
    assert len(gone) == 200 - len(kept)
    assert not any((tmp_path / (p.name + ".head")).exists() for p in gone)


def _add_run(app, hours_ago: float, ok: bool = True) -> None:
    with app.app_context():
        db.session.add(BackupRun(finished_at=utcnow() - timedelta(hours=hours_ago), ok=ok,
                                 path="/srv/backups/x", size_bytes=1, run_by="test"))
        db.session.commit()


def test_dashboard_warns_admin_and_auditor_when_the_last_backup_is_old(app, browser):
    for who in ("admin", "auditor"):
        assert "尚未做过备份" in text_of(browser(who).get("/admin/"))
    assert "尚未做过备份" not in text_of(browser("clerk").get("/admin/"))
    _add_run(app, 30)
    _add_run(app, 1, ok=False)           # a failed run is no backup
    for who in ("admin", "auditor"):
        page = text_of(browser(who).get("/admin/"))
        assert "最近备份超过 24 小时" in page and "尚未做过备份" not in page
    assert "最近备份超过 24 小时" not in text_of(browser("supervisor").get("/admin/"))
    _add_run(app, 2)
    assert "最近备份" not in text_of(browser("admin").get("/admin/"))
