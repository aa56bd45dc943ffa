"""Series for the dashboard's charts, bucketed in local (property) days/months.

``CHARTS`` lists them: (matrix register whose "view" is needed, title, function
``fn(user) -> (labels, values)``).  A register adds its chart with one line."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, case, func, select

from i18n import local_day_end_utc, local_today
from models.base import db
from models.keys import KeyCheckout

from .scope import scoped


def per_bucket(model: Any, column: Any, user: Any, bounds: list[datetime], *where: Any,
               value: Any = 1) -> list[int]:
    """``value`` summed over the rows in each [bounds[i], bounds[i+1]) of ``column``
    (UTC bounds of local days or months), counted by the database in one range
    scan: a year of a million-row register is not loaded into Python."""
    sums = [func.coalesce(func.sum(case((and_(column >= lo, column < hi), value), else_=0)), 0)
            for lo, hi in pairwise(bounds)]
    q = scoped(select(*sums).where(column >= bounds[0], column < bounds[-1], *where),
               model, user)
    return [int(v) for v in db.session.execute(q).one()]


def day_bounds(first: date, days: int) -> list[datetime]:
    """UTC instants where each local day from ``first`` starts, and the last one ends."""
    return [local_day_end_utc(first + timedelta(days=i - 1)) for i in range(days + 1)]


def month_bounds_utc(firsts: list[date]) -> list[datetime]:
    """UTC instants where each local month of ``firsts`` starts, and the last one ends."""
    nxt = (firsts[-1] + timedelta(days=32)).replace(day=1)
    return [local_day_end_utc(d - timedelta(days=1)) for d in [*firsts, nxt]]


def key_checkouts_per_day(user, days: int = 30) -> tuple[list[str], list[int]]:
    first = local_today() - timedelta(days=days - 1)
    labels = [first + timedelta(days=i) for i in range(days)]
    counts = per_bucket(KeyCheckout, KeyCheckout.out_at, user, day_bounds(first, days),
                        KeyCheckout.voided_at.is_(None))
    return [d.strftime("%m-%d") for d in labels], counts


def water_used_per_month(user, months: int = 12) -> tuple[list[str], list[int]]:
    from .water import used_per_month

    pairs = used_per_month(user, months)
    return [m for m, _n in pairs], [n for _m, n in pairs]


def recent_months(n: int, last: date | None = None) -> list[date]:
    """First days of the ``n`` local months up to ``last``'s (this month's unless
    given), oldest first."""
    first = (last or local_today()).replace(day=1)
    out = [first]
    for _i in range(n - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def service_orders_per_month(user, months: int = 12) -> tuple[list[str], list[int]]:
    """Orders raised per local month (voided ones left out), service and water alike."""
    from models.service_orders import ORDER_KINDS, ServiceOrder

    firsts = recent_months(months)
    counts = per_bucket(ServiceOrder, ServiceOrder.created_at, user, month_bounds_utc(firsts),
                        ServiceOrder.kind.in_(ORDER_KINDS), ServiceOrder.voided_at.is_(None))
    return [d.strftime("%Y-%m") for d in firsts], counts


def _charts():
    from flask_babel import lazy_gettext as _l

    from .complaint_stats import by_class_and_severity, per_quarter

    return [("key_checkout", _l("Key checkouts per day"), key_checkouts_per_day),
            ("water_order", _l("Bottled water used per month (buckets)"), water_used_per_month),
            ("service_order", _l("Service orders per month"), service_orders_per_month),
            ("fee_notice", _l("Fee collection rate per month (per cent)"), fee_collection_rates),
            ("complaint", _l("Complaints this month by class and nature"),
             by_class_and_severity),
            ("complaint", _l("Complaints per quarter by class"), per_quarter)]


def fee_collection_rates(user, months: int = 12) -> tuple[list[str], list[int]]:
    from .fees import rates_per_month

    return rates_per_month(user, months)


def charts_for(user) -> list[dict]:
    """The charts ``user`` may see, each kept until the next write: a chart sums a
    month or a year of its register (a year of fee notices, 24,000 at 2,000 units:
    13–16 ms of the home page on PostgreSQL) and changes only when something is
    written — or when the day, whose buckets it draws, changes (in the key)."""
    from flask_babel import get_locale

    from audit.until_write import until_next_write

    from .matrix import permits

    out = []
    today, locale = local_today(), str(get_locale())
    for register, title, fn in _charts():
        if permits(user, register, "view"):
            key = ("chart", fn.__name__, user.id, user.property_id, user.roles, today, locale)
            labels, values, *series = until_next_write(key, lambda: fn(user))
            out.append({"id": f"chart-{fn.__name__.replace('_', '-')}",
                        "title": str(title), "labels": labels, "data": values,
                        "series": series[0] if series else None})
    return out
