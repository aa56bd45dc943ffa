"""The role matrix: register × action → predicate.

This table is the whole answer to "who may do what".  Every Flask-Admin endpoint
and every custom endpoint of every view is mapped to one of ``ACTIONS`` and
checked against it on the server (``admin_views.base``); the tests are generated
from it.  A register or action missing here is denied.
"""
from __future__ import annotations

from typing import Any

from .predicates import Predicate, has_role, never
from .roles import MANAGERS

ACTIONS = ("view", "create", "edit", "void", "approve", "cosign", "export", "history")

admin = has_role("admin")
auditor = has_role("auditor")
managers = has_role(*MANAGERS)
desk = has_role("clerk", "butler", "supervisor", "dept_manager")
all_staff = has_role("clerk", "butler", "courier", "security", "finance", *MANAGERS,
                     "auditor", "admin")
# Who may read occupants' contact details (personal data, DESIGN.md "Owner files").
personal_data_readers = has_role("clerk", "butler", "finance", *MANAGERS, "auditor")

REFERENCE = {
    "view": all_staff,
    "create": has_role("supervisor", "dept_manager", "admin"),
    "edit": has_role("supervisor", "dept_manager", "admin"),
    "void": has_role("dept_manager", "admin"),
    "export": managers | auditor | admin,
    "history": managers | auditor | admin,
}

MATRIX: dict[str, dict[str, Predicate]] = {
    "property": {
        "view": all_staff,
        "create": admin,
        "edit": admin,
        "void": admin,
        "export": auditor | admin,
        "history": auditor | admin,
    },
    "building": dict(REFERENCE),
    "unit": dict(REFERENCE),
    "occupant": {
        "view": personal_data_readers,
        "create": desk,
        "edit": desk,
        "void": has_role("supervisor", "dept_manager"),
        "export": has_role("dept_manager", "auditor"),
        "history": managers | auditor,
    },
    "staff": {
        "view": admin | auditor,
        "create": admin,
        "edit": admin,
        "void": admin,
        "export": admin | auditor,
        "history": admin | auditor,
    },
    # The global audit log: read-only for everyone, by construction.
    "audit_log": {
        "view": auditor | admin | has_role("dept_manager", "property_manager", "general_manager"),
        "export": auditor,
        "history": auditor,
    },
}


def permits(user: Any, register: str, action: str, obj: Any = None) -> bool:
    """True when ``user`` may perform ``action`` on ``register`` (and on ``obj``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    pred = MATRIX.get(register, {}).get(action, never)
    return pred(user, obj)
