"""班次时间 per property and the late handover (seed 001 4.2.1: 交接双方必须提前十分钟
交接完工作).

A property's 白班 starts at ``day_starts`` and ends when 夜班 starts (``night_starts``);
without a ``ShiftSetting`` row the guide's desk works 08:00–20:00 / 20:00–08:00 and a
handover is done 10 minutes before the shift ends.  A handover is late when it was
handed over or co-signed (both people signed: the moment it counts) after
shift end − ``lead_minutes``; supervisors see the late ones of the last week.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import NamedTuple

from flask import g, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from audit.until_write import until_next_write
from i18n import local_to_utc, utc_to_local
from models.base import db, utcnow
from models.handover import ShiftHandover, ShiftSetting

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped

DEFAULT_TIMES: dict[str, tuple[time, time]] = {"day": (time(8, 0), time(20, 0)),
                                               "night": (time(20, 0), time(8, 0))}
DEFAULT_LEAD_MINUTES = 10
MAX_LEAD_MINUTES = 120
LATE_WINDOW = timedelta(days=7)          # late handovers supervisors see on the dashboard
LATE_READERS = ("supervisor", "dept_manager")


class ShiftTimes(NamedTuple):
    """A property's shift setting as plain values (kept between requests)."""
    day_starts: time
    night_starts: time
    lead_minutes: int


def setting_of(property_id: int | None) -> ShiftTimes | None:
    """The property's setting: kept until the next write (every handover list row
    asks; read once a request it was a query on every page), and for the request."""
    if property_id is None:
        return None
    cache = g.setdefault("_shift_settings", {}) if has_request_context() else {}
    if property_id not in cache:
        def read() -> ShiftTimes | None:
            s = db.session.execute(select(ShiftSetting).where(
                ShiftSetting.property_id == property_id,
                ShiftSetting.voided_at.is_(None))).scalar()
            return None if s is None else ShiftTimes(s.day_starts, s.night_starts,
                                                     s.lead_minutes)
        cache[property_id] = until_next_write(("shift_setting", property_id), read) \
            if has_app_context() else read()
    return cache[property_id]


def shift_times(property_id: int | None) -> dict[str, tuple[time, time]]:
    """{"day": (start, end), "night": (start, end)} in local time of day."""
    s = setting_of(property_id)
    if s is None:
        return dict(DEFAULT_TIMES)
    return {"day": (s.day_starts, s.night_starts), "night": (s.night_starts, s.day_starts)}


def lead_of(property_id: int | None) -> timedelta:
    s = setting_of(property_id)
    return timedelta(minutes=DEFAULT_LEAD_MINUTES if s is None else s.lead_minutes)


def current_shift(property_id: int | None, now: datetime | None = None) -> str:
    """The shift running now at the property (the form's default)."""
    start, end = shift_times(property_id)["day"]
    t = utc_to_local(now or utcnow()).time()
    return "day" if start <= t < end else "night"


def check_setting(s: ShiftSetting) -> None:
    if s.day_starts is None or s.night_starts is None:
        raise RuleViolation(_("Give the start times of the day and the night shift."))
    if s.day_starts == s.night_starts:
        raise RuleViolation(_("The day and the night shift cannot start at the same time."))
    if s.lead_minutes is None or not 0 <= s.lead_minutes <= MAX_LEAD_MINUTES:
        raise RuleViolation(_("The handover is done 0 to 120 minutes before the shift "
                              "ends."))
    taken = db.session.execute(select(ShiftSetting.id).where(
        ShiftSetting.property_id == s.property_id, ShiftSetting.id != (s.id or 0),
        ShiftSetting.voided_at.is_(None))).first()
    if taken:
        raise RuleViolation(_("This property already has its shift times: change them."))
    if has_request_context():
        g.pop("_shift_settings", None)


def shift_end(h: ShiftHandover) -> datetime:
    """The end (UTC) of the handover's shift nearest to its handover time."""
    end_t = shift_times(h.property_id)[h.shift if h.shift in DEFAULT_TIMES else "day"][1]
    local = utc_to_local(h.handed_over_at)
    ends = [datetime.combine(local.date() + timedelta(days=d), end_t) for d in (-1, 0, 1)]
    return local_to_utc(min(ends, key=lambda e: abs(e - local)))


def minutes_late(h: ShiftHandover, now: datetime | None = None) -> int | None:
    """Minutes past shift end − lead at which the handover was done (handed over or
    co-signed, whichever came last; still waiting: now), or None when in time."""
    if h.handed_over_at is None or h.voided_at is not None:
        return None
    deadline = shift_end(h) - lead_of(h.property_id)
    done = max(h.handed_over_at, h.cosigned_at or now or utcnow())
    if done <= deadline:
        return None
    return max(1, int((done - deadline).total_seconds() // 60))


@due_filter("handover_late", "shift_handover")
def late_handovers(user, now: datetime | None = None) -> list[ShiftHandover]:
    """Co-signed handovers of the last week that were done late."""
    now = now or utcnow()
    q = scoped(select(ShiftHandover).where(
        ShiftHandover.voided_at.is_(None), ShiftHandover.cosigned_by_id.is_not(None),
        ShiftHandover.handed_over_at >= now - LATE_WINDOW), ShiftHandover, user)
    rows = db.session.execute(q.order_by(ShiftHandover.handed_over_at)).scalars().all()
    return [h for h in rows if minutes_late(h, now) is not None]


@provides_due("shift_handover")
def late_due(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    if not user.has_role(*LATE_READERS):
        return []
    n = len(late_handovers(user, now))
    return [(_("Handovers done late in the last 7 days"), n, "shift_handover",
             "handover_late")] if n else []
