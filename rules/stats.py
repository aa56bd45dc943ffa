"""Series for the dashboard's charts, bucketed in local (property) days/months.

``CHARTS`` lists them: (matrix register whose "view" is needed, title, function
``fn(user) -> (labels, values)``).  A register adds its chart with one line."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from i18n import local_day_end_utc, local_today, utc_to_local
from models.base import db
from models.keys import KeyCheckout


def key_checkouts_per_day(user, days: int = 30) -> tuple[list[str], list[int]]:
    today = local_today()
    first = today - timedelta(days=days - 1)
    q = select(KeyCheckout.out_at).where(KeyCheckout.out_at >= local_day_end_utc(
        first - timedelta(days=1)), KeyCheckout.voided_at.is_(None))
    if not user.is_head_office:
        q = q.where(KeyCheckout.property_id == user.property_id)
    counts = Counter(utc_to_local(t).date() for t in db.session.execute(q).scalars())
    labels = [(first + timedelta(days=i)) for i in range(days)]
    return [d.strftime("%m-%d") for d in labels], [counts.get(d, 0) for d in labels]


def _charts():
    from flask_babel import lazy_gettext as _l

    return [("key_checkout", _l("Key checkouts per day"), key_checkouts_per_day)]


def charts_for(user) -> list[dict]:
    from .matrix import permits

    out = []
    for register, title, fn in _charts():
        if permits(user, register, "view"):
            labels, values = fn(user)
            out.append({"id": f"chart-{fn.__name__.replace('_', '-')}",
                        "title": str(title), "labels": labels, "data": values})
    return out
