"""The dashboard's backup warning for admin and auditor (a ``rules.due`` provider):
read from ``backup_run``, so every app instance says the same."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from models.base import db, utcnow
from models.ops import BackupRun
from rules.due import provides_due


def last_backup_at() -> datetime | None:
    return db.session.execute(select(func.max(BackupRun.finished_at))
                              .where(BackupRun.ok.is_(True))).scalar()


@provides_due("staff")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    """(label, hours since the last good backup, page) when it is too old."""
    now = now or utcnow()
    last = last_backup_at()
    limit = timedelta(hours=current_app.config["KEFU_BACKUP_MAX_AGE_HOURS"])
    if last is None:
        return [(_("No backup has been taken yet"), 0, "admin")]
    if now - last > limit:
        return [(_("Last backup older than 24 hours"), int((now - last).total_seconds() // 3600),
                 "admin")]
    return []
