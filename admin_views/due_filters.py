"""``?due=<name>`` on a register's list: only the rows of one dashboard due item.

The rows come from the due filter the item's provider registered
(``rules.due.due_filter``), usually its own query, so the list shows exactly the
count the dashboard says.  A name that is unknown, or belongs to another list, is
ignored (the plain list)."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from sqlalchemy.sql.elements import ClauseElement

from rules.due import DUE_FILTERS, DueFilter

from .security import current_staff


def active_filter(view: Any) -> DueFilter | None:
    """The due filter this request asks ``view``'s list for, if it is one of its own."""
    if not has_request_context():
        return None
    name = request.args.get("due")
    found = DUE_FILTERS.get(name) if isinstance(name, str) else None
    return found if found is not None and found.page == getattr(view, "endpoint", None) \
        else None


def due_narrow(view: Any, query):
    """``query`` narrowed to the rows of the requested due filter (once per request:
    the list and its count ask twice)."""
    found = active_filter(view)
    user = current_staff()
    if found is None or user is None:
        return query
    cache = g.setdefault("kefu_due_filters", {})
    if found.name not in cache:
        where = found.where(user)
        if not isinstance(where, ClauseElement):
            ids = [getattr(r, "id", r) for r in where]
            where = view.model.id.in_(ids or [0])
        cache[found.name] = where
    return query.filter(cache[found.name])


def due_url(item) -> str:
    """The dashboard link of a due item: its filtered list, else its page."""
    from flask import current_app

    from .dashboard import page_url

    found = DUE_FILTERS.get(item.filter) if item.filter else None
    if found is not None:
        admin = current_app.extensions["admin"][0]
        view = next((v for v in admin._views if v.endpoint == found.page), None)
        if view is not None and view.allowed("view"):
            return page_url(found.page, due=found.name)
    return page_url(item.page)
