"""投诉记录汇总 for the dashboard (guide ch.3: 每月统计, 每季度绘制统计图): this
month's complaints by class × nature, and complaints per quarter by class, counted
by the database over the (property, received_at) index."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from i18n import local_day_end_utc, local_today
from models.base import db
from models.complaints import (CATEGORY_LABELS, COMPLAINT_CATEGORIES, SEVERITIES,
                               SEVERITY_LABELS, Complaint)

from .scope import scoped
from .stats import month_bounds_utc, per_bucket


def _month_start_utc(first: date):
    return local_day_end_utc(first - timedelta(days=1))


def by_class_and_severity(user, first: date | None = None) -> tuple[list, list, list]:
    """This month's complaints: one bar per class, stacked by nature."""
    first = first or local_today().replace(day=1)
    lo, hi = month_bounds_utc([first])
    q = scoped(select(Complaint.category, Complaint.severity, func.count()).where(
        Complaint.voided_at.is_(None), Complaint.received_at >= lo, Complaint.received_at < hi)
        .group_by(Complaint.category, Complaint.severity), Complaint, user)
    counts = {(c, s): n for c, s, n in db.session.execute(q)}
    series = [{"label": str(SEVERITY_LABELS[s]),
               "data": [counts.get((c, s), 0) for c in COMPLAINT_CATEGORIES]} for s in SEVERITIES]
    totals = [sum(counts.get((c, s), 0) for s in SEVERITIES) for c in COMPLAINT_CATEGORIES]
    return [str(CATEGORY_LABELS[c]) for c in COMPLAINT_CATEGORIES], totals, series


def quarter_firsts(n: int) -> list[date]:
    """First days of the last ``n`` local quarters, oldest first."""
    today = local_today()
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    out = [first]
    for _i in range(n - 1):
        m = first.month - 3
        first = date(first.year - (m < 1), (m - 1) % 12 + 1, 1)
        out.append(first)
    return out[::-1]


def per_quarter(user, quarters: int = 4) -> tuple[list, list, list]:
    """Complaints per quarter, stacked by class."""
    firsts = quarter_firsts(quarters)
    nxt = date(firsts[-1].year + (firsts[-1].month > 9), (firsts[-1].month + 2) % 12 + 1, 1)
    bounds = [_month_start_utc(d) for d in [*firsts, nxt]]
    series = [{"label": str(CATEGORY_LABELS[c]),
               "data": per_bucket(Complaint, Complaint.received_at, user, bounds,
                                  Complaint.voided_at.is_(None), Complaint.category == c)}
              for c in COMPLAINT_CATEGORIES]
    totals = [sum(s["data"][i] for s in series) for i in range(quarters)]
    return [f"{d.year} Q{(d.month - 1) // 3 + 1}" for d in firsts], totals, series
