"""Checking a staff member's password or PIN, with lockout.

Used by the login page and, later, by two-person co-signing: a wrong co-signer
password counts towards the co-signer's lockout exactly like a failed login.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select, update

from models.base import db, utcnow
from models.staff import DUMMY_HASH, LoginState, Staff, verify_secret


@dataclass
class CredentialResult:
    staff: Staff | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _state(staff: Staff) -> LoginState:
    state = db.session.get(LoginState, staff.id)
    if state is None:
        state = LoginState(staff_id=staff.id, failed_logins=0)
        db.session.add(state)
        db.session.flush()
    return state


def check_credentials(username: str, secret: str, *, pin: bool = False) -> CredentialResult:
    """Verify ``secret`` (password, or PIN when ``pin``) for ``username``.

    The caller commits: failures are counted even when the surrounding action is
    refused.  Messages never say whether the username exists."""
    generic = _("Wrong username or password.") if not pin else _("Wrong username or PIN.")
    staff = db.session.execute(
        select(Staff).where(Staff.username == (username or "").strip())
    ).scalar_one_or_none()
    if staff is None:
        verify_secret(DUMMY_HASH, secret or "")  # same cost as a real check
        return CredentialResult(None, generic)
    state = _state(staff)
    now = utcnow()
    if state.locked_until and state.locked_until > now:
        minutes = max(1, int((state.locked_until - now).total_seconds() // 60) + 1)
        return CredentialResult(None, _("This account is locked after repeated failures. "
                                        "Try again in %(n)s minutes.", n=minutes))
    stored = staff.pin_hash if pin else staff.password_hash
    if not verify_secret(stored, secret or "") or not staff.active:
        _record_failure(staff)
        return CredentialResult(None, generic)
    state.failed_logins = 0
    state.locked_until = None
    state.last_login_at = now
    return CredentialResult(staff)


def _record_failure(staff: Staff) -> None:
    cfg = current_app.config
    db.session.execute(
        update(LoginState).where(LoginState.staff_id == staff.id)
        .values(failed_logins=LoginState.failed_logins + 1,
                last_failure_addr=request.remote_addr if request else None)
    )
    state = db.session.get(LoginState, staff.id)
    db.session.refresh(state)
    if state.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        state.locked_until = utcnow() + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        state.failed_logins = 0
