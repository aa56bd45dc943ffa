"""Choices of relationship fields that are not simply "every visible row": each a
no-argument factory, called when a form is built, that scopes by the signed-in staff
member.  Views name them in ``form_choices`` (``RegisterView._scope_form``)."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select

from i18n import local_today
from models.base import db
from models.keys import Key
from models.medicine import MedicineBatch
from models.staff import Staff
from rules.scope import scoped

from .base import current_staff


def staff_with_role(*roles: str) -> Callable[[], list[Any]]:
    """Active staff of the user's property holding one of ``roles`` (butlers, …)."""
    def factory() -> list[Staff]:
        q = scoped(db.session.query(Staff).filter(Staff.active.is_(True)), Staff,
                   current_staff()).order_by(Staff.full_name)
        return [s for s in q if s.has_role(*roles)]
    return factory


def butlers_first() -> list[Staff]:
    """责任管家: area butlers first (the default is a butler, never the supervisor), then
    supervisors who may stand in."""
    staff = staff_with_role("butler", "supervisor")()
    return sorted(staff, key=lambda s: (not s.has_role("butler"), s.full_name))


def usable_keys():
    """Keys an application may name: not void."""
    q = db.session.query(Key).filter(Key.voided_at.is_(None), Key.status != "void")
    return scoped(q, Key, current_staff()).order_by(Key.label)


def spare_keys():
    """Keys whose use needs the general manager's authorisation."""
    q = db.session.query(Key).filter(Key.voided_at.is_(None), Key.is_spare)
    return scoped(q, Key, current_staff()).order_by(Key.label)


def issuable_batches() -> list[MedicineBatch]:
    """Medicine batches in stock and in date, earliest expiry first: an expired batch is
    not offered (the rule still refuses one, with the date it expired)."""
    q = select(MedicineBatch).where(MedicineBatch.voided_at.is_(None),
                                    MedicineBatch.quantity > 0,
                                    MedicineBatch.expires_on >= local_today())
    q = scoped(q, MedicineBatch, current_staff())
    return db.session.execute(q.order_by(MedicineBatch.expires_on,
                                         MedicineBatch.id)).scalars().all()
