"""Loading without eager joins for code that reads many registers' rows for counts.

Most models load their relations with the row (``lazy="joined"``): right for a
details page, dear where rows are only counted or tested — the dashboard's due
providers load rows of twenty registers, each a join of up to a dozen tables that
PostgreSQL plans afresh (2–3 ms a statement, ~45 ms of the home page).  Within
``without_eager_joins()`` every ORM select loads its rows alone; a relation read
later loads on use (a statement of its own), so results are the same."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, lazyload


@contextmanager
def without_eager_joins() -> Iterator[None]:
    """Within: the request's ORM selects load no relation with their rows."""
    before = g.get("kefu_no_eager_joins", False)
    g.kefu_no_eager_joins = True
    try:
        yield
    finally:
        g.kefu_no_eager_joins = before


@event.listens_for(Session, "do_orm_execute")
def _rows_alone(state) -> None:
    if state.is_select and not state.is_column_load \
            and has_app_context() and g.get("kefu_no_eager_joins"):
        state.statement = state.statement.options(lazyload("*"))
