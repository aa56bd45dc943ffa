"""Series for the dashboard's charts, bucketed in local (property) days/months.

``CHARTS`` lists them: (matrix register whose "view" is needed, title, function
``fn(user) -> (labels, values)``).  A register adds its chart with one line."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from i18n import local_day_end_utc, local_today, utc_to_local
from models.base import db
from models.keys import KeyCheckout

from .scope import scoped


def key_checkouts_per_day(user, days: int = 30) -> tuple[list[str], list[int]]:
    today = local_today()
    first = today - timedelta(days=days - 1)
    q = select(KeyCheckout.out_at).where(KeyCheckout.out_at >= local_day_end_utc(
        first - timedelta(days=1)), KeyCheckout.voided_at.is_(None))
    q = scoped(q, KeyCheckout, user)
    counts = Counter(utc_to_local(t).date() for t in db.session.execute(q).scalars())
    labels = [(first + timedelta(days=i)) for i in range(days)]
    return [d.strftime("%m-%d") for d in labels], [counts.get(d, 0) for d in labels]


def water_used_per_month(user, months: int = 12) -> tuple[list[str], list[int]]:
    from .water import used_per_month

    pairs = used_per_month(user, months)
    return [m for m, _n in pairs], [n for _m, n in pairs]


def recent_months(n: int) -> list[date]:
    """First days of the last ``n`` local months, oldest first (this month last)."""
    first = local_today().replace(day=1)
    out = [first]
    for _i in range(n - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def service_orders_per_month(user, months: int = 12) -> tuple[list[str], list[int]]:
    """Orders raised per local month (voided ones left out), service and water alike."""
    from models.service_orders import ServiceOrder

    firsts = recent_months(months)
    q = scoped(select(ServiceOrder.created_at).where(
        ServiceOrder.created_at >= local_day_end_utc(firsts[0] - timedelta(days=1)),
        ServiceOrder.voided_at.is_(None)), ServiceOrder, user)
    counts = Counter(utc_to_local(t).strftime("%Y-%m") for t in db.session.execute(q).scalars())
    keys = [d.strftime("%Y-%m") for d in firsts]
    return keys, [counts.get(k, 0) for k in keys]


def _charts():
    from flask_babel import lazy_gettext as _l

    return [("key_checkout", _l("Key checkouts per day"), key_checkouts_per_day),
            ("water_order", _l("Bottled water used per month (buckets)"), water_used_per_month),
            ("service_order", _l("Service orders per month"), service_orders_per_month)]


def charts_for(user) -> list[dict]:
    from .matrix import permits

    out = []
    for register, title, fn in _charts():
        if permits(user, register, "view"):
            labels, values = fn(user)
            out.append({"id": f"chart-{fn.__name__.replace('_', '-')}",
                        "title": str(title), "labels": labels, "data": values})
    return out
