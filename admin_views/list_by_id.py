"""A list page's rows read by id: few matches, deep pages, and a page among a known
few thousand matches on PostgreSQL.

Reads option ``few_matches`` (declared in base.py); the rows are
loaded with ``_lean`` and scoped with ``scoped_query`` (list_query.py, scoping.py).
"""
from __future__ import annotations

import json

from models.base import db


class ByIdMixin:
    """Ids first, then the page's rows: the list's order is walked (or sorted) on ids
    alone and only the page's 20 rows are joined to what the list shows."""

    def _few_matches(self, query) -> list[int] | None:
        """The ids matching ``query`` when there are at most ``few_matches``."""
        ids = _ids(query.with_entities(self.model.id).order_by(None)
                   .limit(self.few_matches + 1))
        return ids if len(ids) <= self.few_matches else None

    def _id_among(self, ids: list[int]):
        """``id IN ids`` with the ids as one parameter, ``id IN (SELECT value FROM
        json_each(:ids))`` (SQLite's few-matches page; PostgreSQL pages few matches
        with ``_bounded_page``).  Bound one by one, the 1,900 matches of a
        month's filter cost 5 ms of SQLAlchemy expanding them, for a statement never
        the same."""
        from sqlalchemy import bindparam, func, select

        each = func.json_each(bindparam("few_ids", json.dumps(ids))).table_valued("value")
        return self.model.id.in_(select(each.c.value))

    def _bounded_page(self, query, skipped: int, size: int) -> list | None:
        """The page's rows among at most a few thousand matches (the count says so,
        or a code's ids are known), on PostgreSQL: the matches are read first, with
        the search's and filters' own indexes (``WITH … AS MATERIALIZED``), then
        sorted, and the page's rows loaded in the same statement.  Given ``id =
        ANY(2,500 ids) ORDER BY received_at`` the planner expects the matches spread
        over the time index and walks it from the newest row, testing each; a
        tracking-number prefix's matches were received together years ago, and the
        walk read 870,000 rows (128 ms).  (Reading the few ids first and then these
        by id cost two queries and the planning of a 1,800-id array: 2 ms more; the
        page's ids and then its rows, a round trip and a statement: ~0.5 ms.)
        ``None`` when the order is not on the register's own columns (then the
        usual query)."""
        from sqlalchemy import select

        keys = self._own_order(query)
        if keys is None:
            return None
        keys = [(clause.label(f"k{i}"), desc_) for i, (clause, desc_) in enumerate(keys)]
        matches = (query.with_entities(self.model.id.label("row_id"), *(k for k, _d in keys))
                   .limit(None).offset(None).order_by(None)
                   .cte("matches").prefix_with("MATERIALIZED"))
        order = [matches.c[k.name].desc() if d else matches.c[k.name] for k, d in keys]
        page = (select(matches.c.row_id.label("page_id")).order_by(*order).offset(skipped)
                .limit(size).subquery("page"))
        return self._rows_of_page(page, query)

    def _own_order(self, query) -> list[tuple] | None:
        """``query``'s order as (column, descending) pairs, or ``None`` when a key is
        not one of the register's own columns (a related row's name: its join is
        part of ``query`` only)."""
        from sqlalchemy.sql import operators
        from sqlalchemy.sql.elements import UnaryExpression

        table = self.model.__table__
        keys = []
        for clause in query._order_by_clauses:
            desc_ = False
            if isinstance(clause, UnaryExpression) and clause.modifier in (
                    operators.desc_op, operators.asc_op):
                desc_, clause = clause.modifier is operators.desc_op, clause.element
            if getattr(clause, "table", None) is not table:
                return None
            keys.append((clause, desc_))
        return keys

    def _load_page(self, query) -> list:
        """Deferred join: the page's ids come from the filtered, sorted id-only query
        (an index walk; a deep page no longer drags the eager joins through every
        skipped row), and only those rows are loaded with their relations — in one
        statement, the ids as its subquery, when the order is on the register's own
        columns (then re-sorting the 20 rows needs no join; the ids read first and
        sent back cost a round trip and a statement: ~0.5 ms of a deep page)."""
        if self._own_order(query) is None:
            return self._rows_by_ids(_ids(query.with_entities(self.model.id)))
        page = query.with_entities(self.model.id.label("page_id")).subquery("page")
        return self._rows_of_page(page, query)

    def _rows_of_page(self, page, query) -> list:
        """The rows whose ids ``page`` (a subquery of ``page_id``) holds, with what the
        list shows of them, in ``query``'s order — its keys are the register's own
        columns, so re-sorting the page's 20 rows needs no join."""
        rows = (self.scoped_query().join(page, self.model.id == page.c.page_id)
                .order_by(*query._order_by_clauses))
        return self._lean(rows).all()

    def _rows_by_ids(self, ids: list[int]) -> list:
        """The rows of ``ids``, in that order, with what the list shows of them.  The
        ids come from this list's own query: its property scope is kept, its
        narrowing is not repeated (a butler's area is a thousand-unit array to send
        and plan again: 0.7 ms a page)."""
        if not ids:
            return []
        rows = self._lean(self.scoped_query().filter(self.model.id.in_(ids)))
        by_id = {r.id: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]


def _ids(query) -> list[int]:
    """An id-only query's ids, read on the session's connection: no ORM rows
    (1,800 ids: 0.95 -> 0.65 ms)."""
    return db.session.connection().execute(query.statement).scalars().all()
