"""Checking a staff member's password or PIN, with lockout.

Used by the login page and by two-person co-signing: a wrong co-signer password
counts towards the co-signer's lockout exactly like a failed login.  The counters
are written in their own short transaction, so they stick even when the action
that asked for the credentials is refused and rolled back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from models.base import db, utcnow
from models.staff import DUMMY_HASH, LoginState, Staff, verify_secret


@dataclass
class CredentialResult:
    staff: Staff | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _locked_until(staff_id: int):
    return db.session.execute(
        select(LoginState.locked_until).where(LoginState.staff_id == staff_id)
    ).scalar_one_or_none()


def check_credentials(username: str, secret: str, *, pin: bool = False) -> CredentialResult:
    """Verify ``secret`` (password, or PIN when ``pin``) for ``username``.

    Messages never say whether the username exists."""
    generic = _("Wrong username or PIN.") if pin else _("Wrong username or password.")
    staff = db.session.execute(
        select(Staff).where(Staff.username == (username or "").strip())
    ).scalar_one_or_none()
    if staff is None:
        verify_secret(DUMMY_HASH, secret or "")  # same cost as a real check
        return CredentialResult(None, generic)
    now = utcnow()
    locked = _locked_until(staff.id)
    if locked and locked > now:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        return CredentialResult(None, _("This account is locked after repeated failures. "
                                        "Try again in %(n)s minutes.", n=minutes))
    stored = staff.pin_hash if pin else staff.password_hash
    if not verify_secret(stored, secret or "") or not staff.active:
        _record(staff.id, failed=True)
        return CredentialResult(None, generic)
    _record(staff.id, failed=False)
    return CredentialResult(staff)


def _record(staff_id: int, failed: bool) -> None:
    """Update the counters in a transaction of their own."""
    cfg = current_app.config
    addr = request.remote_addr if has_request_context() else None
    now = utcnow()
    with db.engine.begin() as conn:
        exists = conn.execute(select(LoginState.failed_logins)
                              .where(LoginState.staff_id == staff_id)).first()
        if exists is None:
            conn.execute(insert(LoginState).values(staff_id=staff_id, failed_logins=0))
        table = update(LoginState).where(LoginState.staff_id == staff_id)
        if not failed:
            conn.execute(table.values(failed_logins=0, locked_until=None, last_login_at=now))
            return
        conn.execute(table.values(failed_logins=LoginState.failed_logins + 1,
                                  last_failure_addr=addr))
        count = conn.execute(select(LoginState.failed_logins)
                             .where(LoginState.staff_id == staff_id)).scalar_one()
        if count >= cfg["LOGIN_MAX_FAILURES"]:
            conn.execute(table.values(
                failed_logins=0,
                locked_until=now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])))
