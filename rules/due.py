"""What is due, for the 待办 dashboard: every register declares its own due items
and co-signs waiting; this module only collects them for a user.

A due provider is ``fn(user) -> [(label, count, page)]`` marked with
``@provides_due("<matrix register>")`` in its register's rules module: a user sees
its items when they may view that register.  ``page`` is a page key (the name of
the view that lists the matter, e.g. ``"key_desk"``), never a Flask endpoint: the
admin side turns it into a link (``admin_views.dashboard.page_url``).

A provider may add a fourth element, the name of a *due filter*: a function
``fn(user) -> SQL clause on the model, or the rows' ids`` registered with
``@due_filter("<name>", "<list page>")`` beside it, usually from the provider's own
query.  The dashboard then links the item to that list showing exactly those rows
(``?due=<name>``, applied by the list view).

A co-sign waits for a second person when its rule (``rules.two_person``) has a
``waiting`` query, declared beside the register's other rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from models.base import db
from models.loading import without_eager_joins

from .matrix import permits

DueProvider = Callable[[Any], list]

# (matrix register, provider), in the order the dashboard lists them
PROVIDERS: list[tuple[str, DueProvider]] = []


def provides_due(register: str) -> Callable[[DueProvider], DueProvider]:
    """Mark ``fn`` as a due provider shown to those who may view ``register``."""

    def mark(fn: DueProvider) -> DueProvider:
        if all(f is not fn for _r, f in PROVIDERS):
            PROVIDERS.append((register, fn))
        return fn

    return mark


@dataclass(frozen=True)
class DueFilter:
    """Rows of a due item, for its list: ``where(user)`` is a clause on the list's
    model or the ids of its rows; ``page`` is the list's view name."""
    name: str
    page: str
    where: Callable[[Any], Any]


DUE_FILTERS: dict[str, DueFilter] = {}


def due_filter(name: str, page: str) -> Callable[[Callable], Callable]:
    """Register ``fn(user)`` as the rows of the due items naming ``name``."""

    def mark(fn: Callable) -> Callable:
        DUE_FILTERS[name] = DueFilter(name, page, fn)
        return fn

    return mark


@dataclass
class DueRow:
    """One line of a register's own due page: its kind, the text shown, the record it
    is about (for the link) and whether it is already late."""
    kind: str
    text: str
    obj: Any = None
    overdue: bool = False


@dataclass
class DueItem:
    """One line of the dashboard: a count of what is due, linking to ``page``."""
    label: str
    count: int
    page: str
    args: dict = field(default_factory=dict)
    filter: str | None = None            # a DUE_FILTERS name: the list of exactly these rows


def due_for(user) -> list[DueItem]:
    """Every due item ``user`` may see.  The providers count and test rows; they load
    them without their relations (``without_eager_joins``)."""
    items = []
    with without_eager_joins():
        for register, provider in PROVIDERS:
            if permits(user, register, "view"):
                for label, count, page, *name in provider(user):
                    items.append(DueItem(str(label), count, page,
                                         filter=name[0] if name else None))
    return items


# -- co-signs waiting for me -------------------------------------------------------------

def cosigns_waiting(user) -> list[tuple[str, Any]]:
    """(register, record) for records pending a second person that ``user`` may
    co-sign: not their own, same property.  One query per co-sign rule that
    declares what waits (``two_person.declare(..., waiting=…)``)."""
    from .two_person import COSIGN_RULES

    if user.property_id is None:
        return []
    out = []
    for rule in COSIGN_RULES.values():
        if rule.waiting is not None and permits(user, rule.register, "cosign"):
            # no eager joins: the dashboard reads a few of these rows' relations
            q = rule.waiting(user).options(lazyload("*"))
            out += [(rule.register, r) for r in db.session.execute(q).scalars()]
    return out


def cosigns_waiting_count(user) -> int:
    """How many records :func:`cosigns_waiting` would list: one statement adding a
    count per rule, no rows loaded (the navbar shows it on every page)."""
    from .two_person import COSIGN_RULES

    if user.property_id is None:
        return 0
    counts = [select(func.count()).select_from(rule.waiting(user).order_by(None).subquery())
              .scalar_subquery()
              for rule in COSIGN_RULES.values()
              if rule.waiting is not None and permits(user, rule.register, "cosign")]
    if not counts:
        return 0
    return db.session.execute(select(sum(counts[1:], counts[0]))).scalar() or 0   # one statement
