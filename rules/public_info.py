"""公共信息记录表 rules: what a line must hold, and the open matters the desk
follows up (the guide: the first receiver tracks a question until it is answered;
the desk summarises the day's public information)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_to_utc, local_today
from models.base import db, utcnow
from models.public_info import INFO_CATEGORIES, PublicInfoEntry
from models.service_orders import ServiceOrder

from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

# A forwarded or unanswered matter still open after this is overdue.
OPEN_FOR = timedelta(hours=24)


def check_entry(entry: PublicInfoEntry, now: datetime | None = None) -> None:
    """Refuse a line the paper form would not accept."""
    now = now or utcnow()
    if not (entry.reason or "").strip():
        raise RuleViolation(_("Record what the caller said (the reason)."))
    if entry.category not in INFO_CATEGORIES:
        raise RuleViolation(_("Choose the category: A complaint, B enquiry, C suggestion or "
                              "request, D other."))
    if entry.received_at is None or entry.received_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the date and time of the call (not in the future)."))
    if entry.completed_at is not None:
        if entry.completed_at > now + CLOCK_SKEW:
            raise RuleViolation(_("A call or completion cannot be in the future."))
        if entry.completed_at < entry.received_at - CLOCK_SKEW:
            raise RuleViolation(_("Completion cannot be before the call was received."))
        if not (entry.completion or "").strip():
            raise RuleViolation(_("Say how the matter was completed."))
    person = entry.forwarded_to_person
    if person is not None and person.property_id != entry.property_id:
        raise RuleViolation(_("The information receiver must work at this property."))
    if entry.unit is not None and entry.unit.property_id != entry.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if entry.work_order_no is not None:
        found = db.session.execute(select(func.count()).select_from(ServiceOrder).where(
            ServiceOrder.property_id == entry.property_id,
            ServiceOrder.serial_no == entry.work_order_no)).scalar()
        if not found:
            raise RuleViolation(_("There is no service order No.%(n)s at this property.",
                                  n=entry.work_order_no))


def _open(user):
    """Lines not completed (served by the partial index ``ix_public_info_open``)."""
    return scoped(select(PublicInfoEntry).where(
        PublicInfoEntry.voided_at.is_(None), PublicInfoEntry.completed_at.is_(None)),
        PublicInfoEntry, user)


def open_matters(user, now: datetime | None = None, limit: int = 200) -> list[DueRow]:
    """Lines not completed yet, oldest first; overdue when open for more than a day."""
    now = now or utcnow()
    q = _open(user).order_by(PublicInfoEntry.received_at, PublicInfoEntry.id).limit(limit)
    return [DueRow("open", str(e), e, e.received_at < now - OPEN_FOR)
            for e in db.session.execute(q).scalars()]


@provides_due("public_info")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    now = now or utcnow()
    late = db.session.execute(_open(user).where(
        PublicInfoEntry.received_at < now - OPEN_FOR).with_only_columns(func.count())).scalar()
    if not late:
        return []
    return [(_("Public information not completed after a day"), late,
             "public_info", "public_info_late")]


@due_filter("public_info_late", "public_info")
def late_where(user):
    """Lines open for more than a day (the list scopes them)."""
    from sqlalchemy import and_

    return and_(PublicInfoEntry.voided_at.is_(None), PublicInfoEntry.completed_at.is_(None),
                PublicInfoEntry.received_at < utcnow() - OPEN_FOR)


# -- 每日汇总 ----------------------------------------------------------------------------------

@dataclass
class DaySummary:
    day: date
    per_category: dict[str, int] = field(default_factory=dict)
    open: int = 0
    completed: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_category.values())


def daily_summary(user, first: date) -> list[DaySummary]:
    """Each local day of the month of ``first`` (up to today): lines per category, open
    and completed (voided lines left out).  One grouped count per day, on the
    (property, received_at) index."""
    nxt = min(date(first.year + first.month // 12, first.month % 12 + 1, 1),
              local_today() + timedelta(days=1))
    out = []
    day = first
    while day < nxt:
        lo = local_to_utc(datetime.combine(day, time.min))
        hi = local_to_utc(datetime.combine(day + timedelta(days=1), time.min))
        q = scoped(select(PublicInfoEntry.category, func.count(),
                          func.count(PublicInfoEntry.completed_at)).where(
            PublicInfoEntry.voided_at.is_(None), PublicInfoEntry.received_at >= lo,
            PublicInfoEntry.received_at < hi), PublicInfoEntry, user).group_by(
            PublicInfoEntry.category)
        row = DaySummary(day, {c: 0 for c in INFO_CATEGORIES})
        for category, n, done in db.session.execute(q):
            row.per_category[category] = n
            row.completed += done
            row.open += n - done
        out.append(row)
        day += timedelta(days=1)
    return out


def summary_totals(days: list[DaySummary]) -> DaySummary:
    total = DaySummary(days[0].day if days else date.today(),
                       {c: sum(d.per_category.get(c, 0) for d in days) for c in INFO_CATEGORIES})
    total.open = sum(d.open for d in days)
    total.completed = sum(d.completed for d in days)
    return total


# -- the dated paper form -----------------------------------------------------------------

DAY_PRINT_LIMIT = 500        # a busy desk logs ~100 lines a day; more would not print


def day_lines(user, day: date) -> list[PublicInfoEntry]:
    """The lines of one local day in time order (voided lines left out), for the dated
    公共信息记录表 print."""
    lo = local_to_utc(datetime.combine(day, time.min))
    hi = local_to_utc(datetime.combine(day + timedelta(days=1), time.min))
    q = scoped(select(PublicInfoEntry).where(
        PublicInfoEntry.voided_at.is_(None), PublicInfoEntry.received_at >= lo,
        PublicInfoEntry.received_at < hi), PublicInfoEntry, user).order_by(
        PublicInfoEntry.received_at, PublicInfoEntry.id).limit(DAY_PRINT_LIMIT)
    return list(db.session.execute(q).unique().scalars())
