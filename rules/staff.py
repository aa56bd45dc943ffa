"""Rules for managing staff: who may be given which property and roles, what a
password or PIN must look like, the last active admin, and secrets the admin
gives (to be replaced by the person at their next login)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from audit import mark_action
from models.base import db
from models.staff import LoginState, Staff

from credentials import upsert_state
from .errors import RuleViolation
from .roles import ROLES

PASSWORD_MIN, PASSWORD_MAX = 8, 200
PIN_RE = re.compile(r"^\d{4,8}$")


def check_roles(roles: frozenset[str] | set[str]) -> None:
    """Known roles only, at least one."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise RuleViolation(_("Unknown roles: %(r)s", r=", ".join(sorted(unknown))))
    if not roles:
        raise RuleViolation(_("Give the staff member at least one role."))


def check_home_property(actor: Staff, property_id: int | None) -> None:
    """A head-office admin places staff anywhere (or at head office); an admin of a
    property only at that property."""
    if actor.is_head_office:
        return
    if property_id != actor.property_id:
        raise RuleViolation(_("You may only record data for your own property."))


def check_new_password(password: str, username: str) -> None:
    if not PASSWORD_MIN <= len(password or "") <= PASSWORD_MAX:
        raise RuleViolation(_("A password has %(a)s to %(b)s characters.",
                              a=PASSWORD_MIN, b=PASSWORD_MAX))
    if password.strip().lower() == (username or "").strip().lower():
        raise RuleViolation(_("The password must not be the username."))


def check_new_pin(pin: str) -> None:
    if not PIN_RE.match(pin or ""):
        raise RuleViolation(_("A PIN has 4 to 8 digits."))


def _is_active_admin(active: bool, roles: frozenset[str]) -> bool:
    return bool(active) and "admin" in roles


def check_last_admin(staff: Staff, was_active: bool, old_roles: frozenset[str]) -> None:
    """Someone must be able to manage staff: the last active admin can be neither
    deactivated nor stripped of the admin role."""
    if not _is_active_admin(was_active, old_roles) or \
            _is_active_admin(staff.active, staff.role_set):
        return
    candidates = db.session.execute(select(Staff.roles).where(
        Staff.id != staff.id, Staff.active.is_(True),
        Staff.roles.like("%admin%"))).scalars()
    if any("admin" in roles.split() for roles in candidates):   # space-separated text
        return
    raise RuleViolation(_("The last active admin cannot be deactivated or lose the "
                          "admin role."))


def check_initial_secrets(password: str | None, pin: str | None) -> None:
    """A new staff member starts with both a password and a PIN (co-signs need the PIN)."""
    if not (password and pin):
        raise RuleViolation(_("A new staff member needs an initial password and PIN."))


def give_secrets(staff: Staff, password: str | None, pin: str | None) -> None:
    """The admin sets a password and/or PIN; the person must replace each at their
    next login.  Ends the person's sessions (``Staff.set_password``)."""
    if password:
        check_new_password(password, staff.username)
        staff.set_password(password)
    if pin:
        check_new_pin(pin)
        staff.set_pin(pin)
    if not (password or pin):
        return
    if staff.id is None:
        db.session.flush()   # the new row's id, for its login_state row
    _flag_must_change(staff.id, bool(password), bool(pin), True)


def _flag_must_change(staff_id: int, password: bool, pin: bool, value: bool) -> None:
    """Set the must-change flag of the password and/or PIN to ``value``."""
    flags = {name: value for name, wanted in (("must_change_password", password),
                                               ("must_change_pin", pin)) if wanted}
    upsert_state(staff_id, flags)


def must_change(staff_id: int) -> tuple[bool, bool]:
    """(password, PIN) the person still has to replace."""
    row = db.session.execute(select(LoginState.must_change_password,
                                    LoginState.must_change_pin)
                             .where(LoginState.staff_id == staff_id)).first()
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def change_own_secrets(staff: Staff, password: str | None, pin: str | None) -> None:
    """The person replaces their password and/or PIN; the flags for what was
    replaced clear.  Ends every other session of theirs."""
    needs_pw, needs_pin = must_change(staff.id)
    if needs_pw and not password:
        raise RuleViolation(_("Choose a new password."))
    if needs_pin and not pin:
        raise RuleViolation(_("Choose a new PIN."))
    if not (password or pin):
        raise RuleViolation(_("Enter a new password or a new PIN."))
    if password:
        check_new_password(password, staff.username)
        if staff.check_password(password):
            raise RuleViolation(_("Choose a password different from the current one."))
        staff.set_password(password)
    if pin:
        check_new_pin(pin)
        if staff.check_pin(pin):
            raise RuleViolation(_("Choose a PIN different from the current one."))
        staff.set_pin(pin)
    _flag_must_change(staff.id, bool(password), bool(pin), False)


def unlock(staff: Staff) -> None:
    """Lift the login and co-sign locks; recorded as an ``unlock`` history entry of
    the staff member (the counters themselves are not a register)."""
    upsert_state(staff.id, {"failed_logins": 0, "locked_until": None,
                            "cosign_failures": 0, "cosign_locked_until": None})
    mark_action(staff, "unlock")
    flag_modified(staff, "session_epoch")   # an UPDATE, so the entry is written


def end_sessions_on_logout(staff: Staff) -> None:
    """Logging out ends every session of the person (a copied cookie included)."""
    staff.end_sessions()
    mark_action(staff, "logout")
