"""投诉记录汇总表 and the quarterly analysis (guide ch.3 五: 整理客户投诉清单, 进行月度
客户投诉资料统计…按季度进行客户投诉资料分析…汇报给上级领导).

The month's summary counts the month's complaints by class × nature and lists each
with its state; it is due from the 20th and late after the 28th until the
department manager confirms it.  The quarter's analysis lists the repeats: a unit
complaining twice or more in the quarter (marked where the class repeats too).
The counts are read from the register whenever the summary is shown or printed.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from audit import mark_action
from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.complaints import (COMPLAINT_CATEGORIES, SEVERITIES, SUMMARY_KINDS, Complaint,
                               ComplaintSummary)

from .due import provides_due
from .errors import RuleViolation
from .scope import scoped

DUE_FROM_DAY, DUE_BY_DAY = 20, 28         # 每月 20 日起待办, 28 日前提交
CONFIRMERS = ("dept_manager",)
DUE_READERS = ("supervisor", "dept_manager")


def quarter_first(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def period_first(kind: str, d: date) -> date:
    return quarter_first(d) if kind == "quarter" else d.replace(day=1)


def period_end(kind: str, first: date) -> date:
    """The first day after the period."""
    months = 3 if kind == "quarter" else 1
    m = first.month - 1 + months
    return date(first.year + m // 12, m % 12 + 1, 1)


def complaints_of(property_id: int, kind: str, first: date) -> list[Complaint]:
    lo = local_day_end_utc(first - timedelta(days=1))
    hi = local_day_end_utc(period_end(kind, first) - timedelta(days=1))
    return list(db.session.execute(select(Complaint).where(
        Complaint.property_id == property_id, Complaint.voided_at.is_(None),
        Complaint.received_at >= lo, Complaint.received_at < hi)
        .order_by(Complaint.received_at, Complaint.id)).scalars())


def state_of(c: Complaint) -> str:
    if c.closed_at is not None:
        return _("Closed")
    if c.resolved_at is not None:
        return _("Resolved, not closed")
    return _("Open")


def table(complaints: list[Complaint]) -> dict:
    """{"cells": {(class, nature): n}, "rows": per class totals, "total": n}."""
    cells = defaultdict(int)
    for c in complaints:
        cells[(c.category, c.severity)] += 1
    return {"cells": dict(cells),
            "class_totals": {k: sum(cells[(k, s)] for s in SEVERITIES)
                             for k in COMPLAINT_CATEGORIES},
            "severity_totals": {s: sum(cells[(k, s)] for k in COMPLAINT_CATEGORIES)
                                for s in SEVERITIES},
            "total": len(complaints)}


def repeats(complaints: list[Complaint]) -> list[dict]:
    """Units that complained twice or more; each complaint flagged when its class
    repeats at that unit."""
    by_unit: dict[int, list[Complaint]] = defaultdict(list)
    for c in complaints:
        if c.unit_id is not None:
            by_unit[c.unit_id].append(c)
    out = []
    for group in by_unit.values():
        if len(group) < 2:
            continue
        classes = defaultdict(int)
        for c in group:
            classes[c.category] += 1
        out.append({"unit": group[0].unit, "complaints": group,
                    "same_class": {c.id for c in group if classes[c.category] > 1}})
    return sorted(out, key=lambda r: (-len(r["complaints"]), str(r["unit"])))


def check_summary(s: ComplaintSummary, today: date | None = None) -> None:
    """A started month or quarter, once per property."""
    today = today or local_today()
    if s.kind not in SUMMARY_KINDS or s.period_start is None:
        raise RuleViolation(_("Choose a monthly summary or a quarterly analysis and its "
                              "period."))
    s.period_start = period_first(s.kind, s.period_start)
    if s.period_start > today:
        raise RuleViolation(_("The period has not started yet."))
    if s.confirmed_at is not None and s.id is not None:
        raise RuleViolation(_("This summary is confirmed and cannot be changed."))
    taken = db.session.execute(select(ComplaintSummary.id).where(
        ComplaintSummary.property_id == s.property_id, ComplaintSummary.kind == s.kind,
        ComplaintSummary.period_start == s.period_start,
        ComplaintSummary.id != (s.id or 0))).first()
    if taken:
        raise RuleViolation(_("This period already has its summary."))


def confirm(s: ComplaintSummary, user, now: datetime | None = None) -> None:
    """The department manager confirms (submits) the summary."""
    if s.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if not user.has_role(*CONFIRMERS):
        raise RuleViolation(_("Only the department manager confirms the complaint "
                              "summary."))
    if s.confirmed_at is not None:
        raise RuleViolation(_("This summary is already confirmed."))
    s.confirmed_at, s.confirmed_by_id = now or utcnow(), user.id
    mark_action(s, "confirm")


def _confirmed(user, kind: str, first: date) -> bool:
    return db.session.execute(scoped(select(ComplaintSummary.id).where(
        ComplaintSummary.kind == kind, ComplaintSummary.period_start == first,
        ComplaintSummary.voided_at.is_(None), ComplaintSummary.confirmed_at.is_not(None)),
        ComplaintSummary, user)).first() is not None


def months_due(user, today: date | None = None) -> list[tuple[date, bool]]:
    """(month, late) of the month summaries due: this month's from the 20th, last
    month's until confirmed."""
    today = today or local_today()
    this = today.replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    out = []
    if not _confirmed(user, "month", last):
        out.append((last, True))
    if today.day >= DUE_FROM_DAY and not _confirmed(user, "month", this):
        out.append((this, today.day > DUE_BY_DAY))
    return out


def quarter_due(user, today: date | None = None) -> date | None:
    """Last quarter's analysis, due in the first month of the next until confirmed."""
    today = today or local_today()
    this = quarter_first(today)
    if today.month != this.month:
        return None
    last = quarter_first(this - timedelta(days=1))
    return None if _confirmed(user, "quarter", last) else last


@provides_due("complaint_summary")
def due_items(user, today: date | None = None) -> list[tuple[str, int, str]]:
    if not user.has_role(*DUE_READERS) or user.property_id is None:
        return []
    items = []
    months = months_due(user, today)
    if months:
        items.append((_("Monthly complaint summaries to confirm (by the 28th)"), len(months),
                      "complaint_summary"))
    if quarter_due(user, today) is not None:
        items.append((_("Quarterly complaint analysis to confirm"), 1, "complaint_summary"))
    return items
