"""回访批次 rules (guide Part 3 ch.1 §7, ch.4): a supervisor starts a 下雨后回访 batch
after rain, which lists the units whose leak repairs (渗漏水) were completed in the
last 90 days; a holiday batch records the greeting sent for a festival (the SMS of
the butlers or the written greeting of customer service)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from i18n import local_day_end_utc, local_today
from models.base import db
from models.followup_batches import (FESTIVALS, GREETING_METHODS, FollowUpBatch,
                                     FollowUpBatchUnit)
from models.service_orders import ServiceOrder

from .errors import RuleViolation

LEAK_STARTERS = ("supervisor", "dept_manager")
LEAK_LOOKBACK = timedelta(days=90)
# Fixed-date festivals, and the lunar ones by year (春节, 重阳节).
FIXED_FESTIVALS = {"new_year": (1, 1), "labour_day": (5, 1), "children": (6, 1),
                   "teachers": (9, 10), "national_day": (10, 1)}
LUNAR_FESTIVALS = {
    "spring_festival": {2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
                        2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
                        2029: date(2029, 2, 13), 2030: date(2030, 2, 3)},
    "double_ninth": {2025: date(2025, 10, 29), 2026: date(2026, 10, 18),
                     2027: date(2027, 10, 8), 2028: date(2028, 10, 26),
                     2029: date(2029, 10, 16), 2030: date(2030, 10, 5)},
}


def festival_day(festival: str, year: int) -> date | None:
    if festival in FIXED_FESTIVALS:
        month, day = FIXED_FESTIVALS[festival]
        return date(year, month, day)
    return LUNAR_FESTIVALS.get(festival, {}).get(year)


def festivals_between(lo: date, hi: date) -> list[tuple[str, date]]:
    """Every festival of the guide's list falling in [lo, hi], by date."""
    out = [(f, d) for y in range(lo.year, hi.year + 1) for f in FESTIVALS
           if (d := festival_day(f, y)) is not None and lo <= d <= hi]
    return sorted(out, key=lambda fd: fd[1])


def leak_orders(property_id: int, rained_on: date) -> list[ServiceOrder]:
    """Leak repairs (渗漏水, the order's repair class) completed in the 90 days up to
    the rain, newest first."""
    hi = local_day_end_utc(rained_on)
    lo = local_day_end_utc(rained_on - LEAK_LOOKBACK)
    q = select(ServiceOrder).where(
        ServiceOrder.property_id == property_id, ServiceOrder.kind == "service",
        ServiceOrder.voided_at.is_(None), ServiceOrder.completed_at >= lo,
        ServiceOrder.completed_at < hi, ServiceOrder.repair_class == "leak"
    ).order_by(ServiceOrder.completed_at.desc())
    return list(db.session.execute(q).unique().scalars())


def start_batch(b: FollowUpBatch, user, today: date | None = None) -> None:
    """Check a new batch; a leak batch lists its units (one line per unit)."""
    today = today or local_today()
    if b.held_on is None or b.held_on > today:
        raise RuleViolation(_("Give the day (not in the future)."))
    if b.kind == "leak":
        if not user.has_role(*LEAK_STARTERS):
            raise RuleViolation(_("A supervisor or the department manager starts the visits "
                                  "after rain."))
        if b.held_on < today - timedelta(days=7):
            raise RuleViolation(_("Start the visits after rain within a week of the rain."))
        b.festival = b.greeting_method = None
        seen: dict[int, ServiceOrder] = {}
        for order in leak_orders(b.property_id, b.held_on):
            seen.setdefault(order.unit_id, order)
        if not seen:
            raise RuleViolation(_("No unit had a leak repair in the last 90 days: there is "
                                  "nobody to visit after the rain."))
        for unit_id, order in seen.items():
            b.units.append(FollowUpBatchUnit(property_id=b.property_id, unit_id=unit_id,
                                             service_order_id=order.id,
                                             created_by_id=user.id))
    elif b.kind == "holiday":
        if b.festival not in FESTIVALS or b.greeting_method not in GREETING_METHODS:
            raise RuleViolation(_("Choose the festival and how the greeting was sent."))
        day = festival_day(b.festival, b.held_on.year)
        if day is None or abs((b.held_on - day).days) > 7:
            raise RuleViolation(_("A holiday greeting is sent within a week of the festival."))
        dup = db.session.execute(select(FollowUpBatch.id).where(
            FollowUpBatch.property_id == b.property_id, FollowUpBatch.kind == "holiday",
            FollowUpBatch.festival == b.festival, FollowUpBatch.voided_at.is_(None),
            FollowUpBatch.held_on >= b.held_on - timedelta(days=60),
            FollowUpBatch.held_on <= b.held_on + timedelta(days=60),
            FollowUpBatch.id != (b.id or 0))).first()
        if dup:
            raise RuleViolation(_("This festival's greetings are already recorded."))
        if not (b.greeting or "").strip():
            raise RuleViolation(_("Write the greeting that was sent."))
    else:
        raise RuleViolation(_("Choose the kind of batch."))
