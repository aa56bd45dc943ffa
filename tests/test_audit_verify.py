"""Verifying the history chain while the desk keeps working, and "verify now" as a
background job with a progress/result page."""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from audit import jobs, system_actor
from audit.verify import verify
from models.audit import AuditCheckpoint, AuditEntry, AuditVerifyJob
from models.base import db
from models.staff import Staff
from rules.keys import find_key, issue_key, open_checkout, return_key

from .conftest import text_of
from .helpers import property_id, run_cli
from .helpers import _tamper

DESK = (("clerk", "配电房"), ("clerk2", "消防控制室"), ("clerk", "1栋天台门"))


def _clerk_at_the_desk(app, clerk_name: str, label: str, stop: threading.Event,
                       done: list[int], errors: list[str]) -> None:
    """Issue and return one key over and over through the rules and the ORM, as the
    desk does (so every write has its history), until ``stop`` is set."""
    with app.app_context(), system_actor(clerk_name):
        try:
            pid = property_id("DEMO")
            clerk = db.session.execute(select(Staff).where(Staff.username == clerk_name)).scalar_one()
            borrower = db.session.execute(select(Staff).where(Staff.username == "security")
                                          ).scalar_one()
            while not stop.is_set():
                key = find_key(pid, label)
                checkout = open_checkout(key)
                if checkout is None:
                    issue_key(key, borrower, "夜班巡查", clerk)
                else:
                    return_key(checkout, clerk)
                db.session.commit()
                done.append(1)
        except Exception as exc:  # noqa: BLE001 — reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.session.remove()


def test_verify_passes_while_clerks_write_and_still_catches_a_raw_change(app):
    """Before verification read one snapshot, a row committed between reading the
    chain and reading the rows was reported as written or changed outside the app."""
    stop, done, errors = threading.Event(), [], []
    writers = [threading.Thread(target=_clerk_at_the_desk,
                                args=(app, name, label, stop, done, errors))
               for name, label in DESK]
    for w in writers:
        w.start()
    try:
        with app.app_context():
            deadline = time.monotonic() + 10
            while len(done) < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            results = []
            for _ in range(10):
                before = len(done)
                res = verify(db.engine)
                results.append((res.ok, len(done) - before, res.problems[:2]))
            # a real change behind the app's back, while the clerks keep writing
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE building SET name = '改名' WHERE id = 1"))
            tampered = verify(db.engine)
    finally:
        stop.set()
        for w in writers:
            w.join(30)
    assert not errors, errors
    assert sum(n for _, n, _ in results) >= 10, "the clerks barely wrote during the runs"
    assert all(ok for ok, _, _ in results), results
    assert not tampered.ok
    assert any("building row 1 differs" in p for p in tampered.problems), tampered.problems
    assert not any("key_checkout" in p for p in tampered.problems), tampered.problems


# -- "verify now": a background job with a progress/result page ------------------

JOB_URL = re.compile(r"/admin/audit_chain/job/\?id=(\d+)$")


def start_verify(b):
    """POST "verify now" as the page's form does; the job page's URL."""
    resp = b.post("/admin/audit_chain/verify/", {}, token_from="/admin/audit_chain/")
    assert resp.status_code == 302, resp.status_code
    assert JOB_URL.search(resp.headers["Location"]), resp.headers["Location"]
    return resp.headers["Location"]


def wait_for_result(b, url: str, timeout: float = 60) -> str:
    """The job page once it stops refreshing itself (the job has finished)."""
    deadline = time.monotonic() + timeout
    while True:
        page = text_of(b.get(url))
        if 'http-equiv="refresh"' not in page:
            return page
        assert time.monotonic() < deadline, "the verification did not finish"
        time.sleep(0.05)


@pytest.fixture
def paused_verify(monkeypatch):
    """The job's verification stops after its first progress report until released."""
    reached, release = threading.Event(), threading.Event()
    real = jobs.verify

    def verify_then_wait(engine, check_rows=True, progress=None):
        def report(*args):
            progress(*args)
            if not reached.is_set():
                reached.set()
                release.wait(30)
        return real(engine, check_rows=check_rows, progress=report)

    monkeypatch.setattr(jobs, "verify", verify_then_wait)
    yield reached, release
    release.set()


def test_verify_now_runs_in_the_background_with_progress_then_result(app, browser,
                                                                    paused_verify):
    reached, release = paused_verify
    aud = browser("auditor")
    assert "历史链尚未校验过" in text_of(aud.get("/admin/audit_chain/"))
    url = start_verify(aud)
    assert reached.wait(30), "the job thread did not start"
    with app.app_context():
        total = db.session.execute(select(func.max(AuditEntry.id))).scalar()
    page = text_of(aud.get(url))
    assert '<meta http-equiv="refresh" content="3">' in page and "<script>" not in page
    assert f"正在校验……已检查历史记录 {total} / {total} 条" in page
    assert "由 auditor 于" in page
    assert 'id="verify-running"' in text_of(aud.get("/admin/audit_chain/"))
    # a second "verify now" while it runs is refused and shows the running one
    again = aud.post("/admin/audit_chain/verify/", {}, token_from="/admin/audit_chain/",
                     follow_redirects=True)
    assert "已有一次校验正在进行，请等待其结果。" in text_of(again)
    assert again.request.full_path == url
    release.set()
    page = wait_for_result(aud, url)
    assert f"历史记录校验通过：{total} 条记录完好，截至 #{total}。" in page
    assert "行在用数据与历史记录一致" in page
    with app.app_context():
        job = db.session.execute(select(AuditVerifyJob)).scalar_one()
        cp = db.session.execute(select(AuditCheckpoint)).scalar_one()
        assert job.active is None and job.finished_at and job.checkpoint_id == cp.id
        assert (cp.ok, cp.head_id, cp.run_by) == (True, total, "web: auditor")
    aud.post("/lang", {"lang": "en"})
    page = text_of(aud.get(url))
    assert f"History verified: {total} entries intact up to #{total}." in page
    assert "Started by auditor at" in page and "历史记录" not in page


def test_verify_now_reports_tampering_and_the_command_line_records_its_run(app, browser):
    aud = browser("auditor")
    _tamper(app, "UPDATE audit_log SET reason = 'x' WHERE id = 5")
    page = wait_for_result(aud, start_verify(aud))
    assert "历史记录校验失败，问题记录 #5" in page and "alert-danger" in page
    assert run_cli(app, "audit", "verify").exit_code == 1
    with app.app_context():
        runs = db.session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars().all()
        assert [(r.ok, r.bad_entry_id) for r in runs] == [(False, 5), (False, 5)]
        assert runs[0].run_by == "web: auditor" and runs[1].run_by.startswith("cli")
    page = text_of(aud.get("/admin/audit_chain/"))
    assert "校验失败" in page


def test_only_the_history_role_starts_or_sees_a_verification(app, browser):
    url = start_verify(browser("auditor"))
    for name in ("clerk", "dept_manager", "admin"):
        b = browser(name)
        assert b.post("/admin/audit_chain/verify/", {}).status_code == 403
        assert b.get(url).status_code == 403
        assert b.get("/admin/audit_chain/").status_code == 403
    aud = browser("auditor")
    wait_for_result(aud, url)
    for missing in ("?id=999", "?id=x", ""):
        assert aud.get(f"/admin/audit_chain/job/{missing}").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditVerifyJob)).scalar() == 1


def test_a_job_whose_worker_died_does_not_block_the_next(app, browser):
    """Started 2026-11-29 16:30 UTC (00:30 the next day in Shanghai) and silent since."""
    with app.app_context():
        started = datetime(2026, 11, 29, 16, 30)
        db.session.add(AuditVerifyJob(started_at=started, started_by="auditor", active=True,
                                      heartbeat_at=started, entries_total=10,
                                      entries_checked=3, rows_checked=0))
        db.session.commit()
        old = db.session.execute(select(AuditVerifyJob.id)).scalar_one()
    aud = browser("auditor")
    page = text_of(aud.get(f"/admin/audit_chain/job/?id={old}"))
    assert "本次校验已中断" in page and "http-equiv" not in page
    assert "2026年11月30日 00:30:00" in page
    assert 'id="verify-running"' not in text_of(aud.get("/admin/audit_chain/"))
    page = wait_for_result(aud, start_verify(aud))
    assert "历史记录校验通过" in page
    with app.app_context():
        stale = db.session.get(AuditVerifyJob, old)
        assert stale.active is None and stale.error == "interrupted"
