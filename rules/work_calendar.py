"""Working days and per-register serial numbers, for registers whose deadlines count
working days (a 重大 complaint: a reply in 3, solved in 7) and whose paper forms are
numbered per property (complaints, internal memos)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from i18n import local_to_utc, utc_to_local
from models.base import db
from models.complaints import WorkCalendarDay



def calendar(property_id: int, first: date, last: date) -> dict[date, bool]:
    """Exceptions between two days: a holiday (False) or an extra working day (True)."""
    rows = db.session.execute(select(WorkCalendarDay.day, WorkCalendarDay.working).where(
        WorkCalendarDay.property_id == property_id, WorkCalendarDay.voided_at.is_(None),
        WorkCalendarDay.day.between(first, last))).all()
    return {r.day: r.working for r in rows}


def add_working_days(property_id: int, start: datetime, days: int) -> datetime:
    """``start`` (UTC) moved ``days`` working days on at the same local time of day:
    Monday–Friday unless the calendar marks a holiday, plus its extra working days."""
    local = utc_to_local(start)
    exceptions = calendar(property_id, local.date(), local.date() + timedelta(days=days * 3 + 30))
    d, counted = local.date(), 0
    while counted < days:
        d += timedelta(days=1)
        if exceptions.get(d, d.weekday() < 5):
            counted += 1
    return local_to_utc(datetime.combine(d, local.time()))


