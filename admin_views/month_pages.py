"""Deep pages of a list in newest-month-first order, started at their month.

Page 1000 of the fee notices skips 19,980 rows; read with ``OFFSET`` the database
walks every one of them in the order index (~2.5 ms on PostgreSQL, and more with
every month the register grows, for years).  The database keeps how many rows each
building has in each month (``models.fees.FeeNoticeMonth``, by triggers): the page's
month and the rows before it are read from those counts (a few hundred small rows),
and the page is that month's rows from there on — the same rows, in the same order.

Only for the plain list in its default order, of the whole property or a butler's
area (whose buildings the counts know); a search, a filter, one unit's rows or a
due item's read the list as usual.
"""
from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, func, select

from models.base import db
from rules import butler_areas
from rules.scope import scoped

from .list_count import CappedCount
from .security import current_staff

FIRST_MONTHS = 32           # months read first (page 1000 of a butler of 1,000 units: 20)


def month_start(model: Any, user: Any, skipped: int,
                buildings: Any = None) -> tuple[int, int] | None:
    """(the month holding row ``skipped`` of the list newest month first, how many rows
    come before that month), from ``model``'s counts of ``user``'s property (head
    office: every property) and, given ``buildings`` (a SELECT of building ids), of
    those buildings only; ``None`` past the last row.  The counts are read newest
    month first, a few months at a time, four times as many each time after."""
    q = scoped(_months(model), model, user)
    if buildings is not None:
        q = q.where(model.__table__.c.building_id.in_(buildings))
    params: dict[str, Any] = {"below": NO_MONTH, "months": FIRST_MONTHS}
    before, connection = 0, db.session.connection()
    while True:
        rows = connection.execute(q, params).all()     # Core rows: no ORM result
        for month, rows_in_month in rows:
            if before + rows_in_month > skipped:
                return month, before
            before += int(rows_in_month)
        if len(rows) < params["months"]:
            return None
        params["below"], params["months"] = rows[-1][0], params["months"] * 4


NO_MONTH = 999_999          # later than every month (YYYYMM)


@functools.cache
def _months(model: Any) -> Any:
    """Months' counts older than ``:below``, newest first, ``:months`` of them (built
    once: the statement and its parts cost ~0.3 ms a page to build again)."""
    c = model.__table__.c                    # the table's columns: a Core statement
    q = select(c.period_no, func.sum(c.notices)).where(c.period_no < bindparam("below"))
    return q.group_by(c.period_no).order_by(c.period_no.desc()).limit(bindparam("months"))


class MonthPagesMixin:
    """Reads options ``month_counts`` (the counts' model), ``month_column`` (the list's
    default order, newest first) and ``month_pages_from`` (rows skipped before a page
    starts at its month: above it the counts cost less than the walk)."""

    month_counts: Any = None
    month_column: str = "period_no"
    month_pages_from: int = 2_000

    def _page_start(self, query, skipped: int, count, narrowed, sort_column):
        """(``query`` from the page's month on, rows to skip there), or ``None``."""
        if self.month_counts is None or skipped < self.month_pages_from or narrowed \
                or sort_column is not None or not isinstance(count, CappedCount):
            return None
        key = self.narrow_key()  # type: ignore[attr-defined]
        user = current_staff()
        if key is None or user is None:
            return None
        buildings = None
        if key:                              # narrowed: only a butler's area is counted
            if len(key) != 2 or key[0] != "area":
                return None
            buildings = butler_areas.own_buildings(user)
        found = month_start(self.month_counts, user, skipped, buildings)
        if found is None:
            return None
        month, before = found
        return query.filter(getattr(self.model, self.month_column) <= month), \
            skipped - before  # type: ignore[attr-defined]
