""""Verify now" as a background job.

A full verification takes minutes at millions of entries, longer than a web
request may last.  The request only starts a job (a row in ``audit_verify_job``)
and a thread in the same process that runs ``verify`` and records the checkpoint,
as the command line does; the job's row carries its progress, so any worker or
instance can show it.  One job runs at a time (a unique ``active`` flag); a job
whose worker died stops reporting progress and is taken as interrupted.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from models.audit import AuditVerifyJob
from models.base import utcnow

from .anchor import verify_anchored as verify   # with the external anchor, if any
from .verify import record_checkpoint

# progress is written at most this often (seconds) ...
PROGRESS_EVERY = 1.0
# ... so a running job silent for this long lost its worker
STALE_AFTER = timedelta(minutes=5)

JOBS = AuditVerifyJob.__table__


class JobRunning(Exception):
    """Another verification is running; ``job_id`` names it."""

    def __init__(self, job_id: int | None):
        super().__init__(job_id)
        self.job_id = job_id


def is_stale(job: AuditVerifyJob, now=None) -> bool:
    """A job still marked running whose progress stopped (its worker is gone)."""
    return bool(job.active) and job.heartbeat_at < (now or utcnow()) - STALE_AFTER


def running_job(session: Session) -> AuditVerifyJob | None:
    """The job running now, if any (one whose worker died does not count)."""
    return session.execute(select(AuditVerifyJob).where(
        AuditVerifyJob.active.is_(True),
        AuditVerifyJob.heartbeat_at >= utcnow() - STALE_AFTER)).scalar()


def _running_id(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(JOBS.c.id).where(JOBS.c.active.is_(True))).scalar()


def create_job(engine: Engine, started_by: str) -> int:
    """Insert a running job; raise ``JobRunning`` while another one runs.  A stale
    one is first closed as interrupted, so a dead worker blocks nobody."""
    now = utcnow()
    try:
        with engine.begin() as conn:
            conn.execute(update(JOBS).where(JOBS.c.active.is_(True),
                                            JOBS.c.heartbeat_at < now - STALE_AFTER)
                         .values(active=None, finished_at=now, error="interrupted"))
            return conn.execute(JOBS.insert().values(
                started_at=now, started_by=started_by[:120], active=True, heartbeat_at=now,
                entries_total=0, entries_checked=0, rows_checked=0)).inserted_primary_key[0]
    except IntegrityError:
        raise JobRunning(_running_id(engine)) from None


def run_job(engine: Engine, job_id: int, run_by: str) -> None:
    """Verify (chain and live rows), record the checkpoint, close the job."""
    last = 0.0

    def progress(entries: int, total: int, rows: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY:
            return
        last = time.monotonic()
        try:
            with engine.begin() as conn:
                conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(
                    heartbeat_at=utcnow(), entries_total=total, entries_checked=entries,
                    rows_checked=rows))
        except SQLAlchemyError:     # a busy database delays the report, not the check
            logging.getLogger(__name__).warning("job %s: progress not saved", job_id,
                                                exc_info=True)

    done: dict = {"error": "failed"}
    try:
        res = verify(engine, check_rows=True, progress=progress)
        done = {"checkpoint_id": record_checkpoint(engine, res, run_by), "error": None,
                "entries_total": res.entries, "entries_checked": res.entries,
                "rows_checked": res.rows_checked}
    finally:
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(
                active=None, finished_at=now, heartbeat_at=now, **done))


def start_in_background(app: Flask, job_id: int, run_by: str) -> threading.Thread:
    """Run the job in a daemon thread of this process, with its own app context."""

    def work() -> None:
        from models.base import db

        with app.app_context():
            try:
                run_job(db.engine, job_id, run_by)
            except Exception:  # the job row says "failed"; the log says why
                app.logger.exception("history verification job %s failed", job_id)

    thread = threading.Thread(target=work, name=f"audit-verify-{job_id}", daemon=True)
    thread.start()
    return thread
