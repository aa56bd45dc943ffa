"""Two-person entry: a second, distinct staff member confirms with their own
credentials — on the same form (username + password or PIN) or later through a
co-sign action while signed in as themselves.

Declared per register/action as a ``CosignRule``; ``check_cosigner`` applies the
rules every co-sign shares — on the same form (``verify_cosigner``, after the
credentials) and later, signed in — so both paths admit exactly the same people:
someone else, active, of the record's property, holding the register's ``cosign``
permission in the matrix.  Wrong credentials count towards the co-signer's
lockout (``credentials``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sqlalchemy import inspect as sa_inspect

from audit import mark_action
from models.base import db, utcnow
from models.staff import Staff

from credentials import CosignRefused, check_credentials
from .errors import RuleViolation
from .matrix import permits
from .roles import ROLE_LABELS


@dataclass(frozen=True)
class CosignRule:
    name: str
    label: Any
    register: str                 # the matrix register whose "cosign" the co-signer needs
    roles: tuple[str, ...] = ()   # further: one of these roles (empty: the matrix decides)
    # user -> a SELECT of the records waiting for this co-sign that ``user`` may give
    # (not their own, their property): the dashboard's "co-signs waiting for me"
    waiting: Callable[[Any], Any] | None = None


COSIGN_RULES: dict[str, CosignRule] = {}


def declare(name: str, label: Any, register: str, roles: tuple[str, ...] = (),
            waiting: Callable[[Any], Any] | None = None) -> CosignRule:
    rule = CosignRule(name, label, register, roles, waiting)
    COSIGN_RULES[name] = rule
    return rule


def _executions_waiting(user):
    """Key copies/voids executed by one person, waiting for the second."""
    from sqlalchemy import select

    from models.keys import KeyApplication

    return select(KeyApplication).where(
        KeyApplication.property_id == user.property_id,
        KeyApplication.executed_by_id.is_not(None), KeyApplication.executed_at.is_(None),
        KeyApplication.executed_by_id != user.id, KeyApplication.voided_at.is_(None))


KEY_APPLICATION_EXECUTION = declare("key_application_execution",
                                    _l("Execution of a key copy or void"), "key_application",
                                    waiting=_executions_waiting)


def check_cosigner(rule: CosignRule, cosigner: Staff, actor_id: int | None,
                   property_id: int) -> None:
    """The one eligibility rule of a second person, whichever way they co-sign."""
    if cosigner.id == actor_id:
        raise RuleViolation(_("The second person must be someone else."))
    if not cosigner.active:
        raise RuleViolation(_("The second person is not an active staff member."))
    if cosigner.property_id != property_id:
        raise RuleViolation(_("The second person must work at the same property."))
    if not permits(cosigner, rule.register, "cosign"):
        raise RuleViolation(_("%(name)s's role does not allow co-signing this record.",
                              name=cosigner.full_name))
    if rule.roles and not cosigner.has_role(*rule.roles):
        raise RuleViolation(_("The second person must hold one of these roles: %(r)s",
                              r="、".join(str(ROLE_LABELS[r]) for r in rule.roles)))


def verify_cosigner(rule: CosignRule, *, username: str, secret: str, method: str,
                    actor_id: int | None, property_id: int) -> Staff:
    """Same-form co-sign: check the second person's credentials and eligibility."""
    if not username or not secret:
        raise RuleViolation(_("A second staff member must confirm with their username "
                              "and password or PIN."))
    result = check_credentials(username, secret, pin=(method == "pin"))
    if not result.ok:
        message = _("Second person: %(e)s", e=result.error)
        if result.failed_staff_id is not None:
            raise CosignRefused(message, result.failed_staff_id)
        raise RuleViolation(message)
    check_cosigner(rule, result.staff, actor_id, property_id)
    return result.staff


def record_cosign(record: Any, cosigner: Staff, method: str) -> None:
    """Store the co-signer on ``record``.  On an existing record the history entry
    is named ``cosign``; a record co-signed on the form that creates it carries the
    co-signer in its ``insert`` entry."""
    record.cosigned_by_id = cosigner.id
    record.cosigned_at = utcnow()
    record.cosign_method = method
    if sa_inspect(record).persistent:
        mark_action(record, "cosign")
        db.session.flush()   # its own history entry, before whatever the co-sign enables
