"""What is due, for the 待办 dashboard: every register declares its own due items
and co-signs waiting; this module only collects them for a user.

A provider is ``fn(user) -> [(label, count, endpoint)]`` registered with the
matrix register whose "view" a user needs to see it.  Adding a register's due
items is one line in ``DUE_PROVIDERS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

from sqlalchemy import select

from models.base import db

from .matrix import permits

# (matrix register, "module:function")
DUE_PROVIDERS: list[tuple[str, str]] = [
    ("key_checkout", "rules.keys:due_items"),
    ("key_spot_check", "rules.keys:spot_check_due"),
    ("custody_agreement", "rules.custody:due_items"),
    ("valuables_deposit", "rules.valuables:due_items"),
    ("medicine_item", "rules.medicine:due_items"),
    ("water_stock", "rules.water:due_items"),
    ("service_order", "rules.service_orders:due_items"),
    ("finance", "rules.service_orders:finance_due_items"),
    ("public_info", "rules.public_info:due_items"),
    ("complaint", "rules.complaints:due_items"),
    ("internal_memo", "rules.memos:due_items"),
    ("followup_visit", "rules.followup_due:due_items"),
]


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
    label: str
    count: int
    endpoint: str
    args: dict


def _load(ref: str) -> Callable[[Any], list]:
    module, fn = ref.split(":")
    return getattr(import_module(module), fn)


def due_for(user) -> list[DueItem]:
    items = []
    for register, ref in DUE_PROVIDERS:
        if permits(user, register, "view"):
            for label, count, endpoint in _load(ref)(user):
                items.append(DueItem(str(label), count, endpoint, {}))
    return items


# -- co-signs waiting for me -------------------------------------------------------------

def cosigns_waiting(user) -> list[tuple[str, Any, str]]:
    """(what, record, endpoint of its details) for records pending a second person
    that ``user`` may co-sign: not their own, same property."""
    from models.custody import CustodyInspection
    from models.keys import KeyApplication

    out = []
    if user.property_id is None:
        return out
    if permits(user, "key_application", "cosign"):
        q = select(KeyApplication).where(
            KeyApplication.property_id == user.property_id,
            KeyApplication.executed_by_id.is_not(None), KeyApplication.executed_at.is_(None),
            KeyApplication.executed_by_id != user.id, KeyApplication.voided_at.is_(None))
        out += [("key_application", r, "key_application.details_view")
                for r in db.session.execute(q).scalars()]
    if permits(user, "custody_inspection", "cosign"):
        q = select(CustodyInspection).where(
            CustodyInspection.property_id == user.property_id,
            CustodyInspection.interior.is_(True), CustodyInspection.cosigned_by_id.is_(None),
            CustodyInspection.inspector_id != user.id, CustodyInspection.voided_at.is_(None))
        out += [("custody_inspection", r, "custody_inspection.details_view")
                for r in db.session.execute(q).scalars()]
    return out
