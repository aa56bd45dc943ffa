"""The navbar's counts on every page: approvals and co-signs waiting for me, due items.

Approvals and co-signs are a few indexed queries, counted once per request.  The due
items run every register's provider (the dashboard's list), too much for every page:
their count is kept per person for ``DUE_COUNT_SECONDS`` and refreshed by each visit
to the dashboard, which computes them anyway."""
from __future__ import annotations

import time

from flask import g

from .security import current_staff

DUE_COUNT_SECONDS = 120
# (database, staff id) → (expires at, count)
_due_counts: dict[tuple[str, int], tuple[float, int]] = {}


def remember(user, approvals: int, cosigns: int, due_items: int) -> None:
    """The dashboard's own counts: this request's navbar shows them, later pages reuse
    the due count for a while."""
    _due_counts[_key(user)] = (time.monotonic() + DUE_COUNT_SECONDS, due_items)
    g.kefu_nav_counts = {"approvals": approvals, "cosigns": cosigns, "due": due_items}


def _key(user) -> tuple[str, int]:
    from flask import current_app

    return str(current_app.config.get("SQLALCHEMY_DATABASE_URI")), user.id


def _due_count(user) -> int:
    from rules import due

    expires, n = _due_counts.get(_key(user), (0.0, 0))
    if expires < time.monotonic():
        n = len(due.due_for(user))
        _due_counts[_key(user)] = (time.monotonic() + DUE_COUNT_SECONDS, n)
    return n


def nav_counts() -> dict[str, int] | None:
    """{"approvals", "cosigns", "due"} for the signed-in person (None when signed out),
    computed once per request."""
    user = current_staff()
    if user is None:
        return None
    if "kefu_nav_counts" not in g:
        g.kefu_nav_counts = {**_waiting_counts(user), "due": _due_count(user)}
    return g.kefu_nav_counts


def _waiting_counts(user) -> dict[str, int]:
    """Approvals and co-signs waiting for ``user``: computed again only after a write
    (what waits changes only when something is written; one index read instead of a
    query per approval chain and co-sign rule on every page)."""
    from rules import approvals, due

    from audit.until_write import until_next_write

    return until_next_write(
        ("waiting", user.id, user.roles, user.property_id),
        lambda: {"approvals": len(approvals.waiting_for(user)),
                 "cosigns": due.cosigns_waiting_count(user)})
