"""Counting and ordering pieces of the big lists' query: a count that stops at a
cap (shown "10000+"), and an order turned round to read a deep page from the end."""
from __future__ import annotations


class CappedCount(int):
    """A row count that stopped at the cap: shown as "10000+", pages as 10000."""

    capped = True

    def __str__(self) -> str:
        return f"{int(self) - 1}+"


class CappedCountQuery:
    """Wraps Flask-Admin's count query.  Filters and joins pass through; ``scalar``
    counts at most ``cap + 1`` rows (an index-only ``LIMIT`` scan instead of an
    exact ``count(*)`` over millions of rows), unless the user asked for the exact
    number."""

    def __init__(self, query, cap: int | None):
        self._q = query
        self._cap = cap

    def __getattr__(self, name: str):
        attr = getattr(self._q, name)
        if not callable(attr):
            return attr

        def passthrough(*args, **kwargs):
            result = attr(*args, **kwargs)
            return CappedCountQuery(result, self._cap) if hasattr(result, "with_entities") \
                else result

        return passthrough

    def scalar(self):
        from sqlalchemy import func, literal_column

        if self._cap is None:
            return self._q.scalar()
        inner = self._q.with_entities(literal_column("1")).limit(self._cap + 1).subquery()
        n = self._q.session.query(func.count()).select_from(inner).scalar()
        return CappedCount(n) if n > self._cap else n


def reversed_order(query):
    """``query`` ordered the other way: every ORDER BY term flipped.  Both databases
    place NULLs at one end of an ascending order and at the other end of a
    descending one (SQLite: first, then last; PostgreSQL: last, then first), so the
    flipped order is exactly the reverse row sequence, NULLs included."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.elements import UnaryExpression

    def flip(term):
        if isinstance(term, UnaryExpression) and term.modifier is operators.desc_op:
            return term.element.asc()
        if isinstance(term, UnaryExpression) and term.modifier is operators.asc_op:
            return term.element.desc()
        if isinstance(term, UnaryExpression) and term.modifier is not None:
            raise ValueError(f"cannot reverse the order term {term}")   # NULLS FIRST/LAST
        return term.desc()

    return query.order_by(None).order_by(*[flip(t) for t in query._order_by_clauses])
