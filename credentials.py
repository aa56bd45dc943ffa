"""Checking a staff member's password or PIN, with lockout.

Used by the login page and by two-person co-signing.  Logging in and co-signing
have separate counters (``LoginState``): wrong co-sign PINs typed by a colleague
never lock the victim's login.

An attempt is counted *before* the secret is checked, with one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n``, PostgreSQL and
SQLite ≥ 3.35): however many attempts arrive at once, at most
``LOGIN_MAX_FAILURES`` of them are checked before the lock, and no two first
attempts collide on the row.  A success resets the counter.  Counters are written
on the request's own session (no second pooled connection).

It lives beside ``auth.py``, not in ``rules/``: the login page's attempts are
committed here, before the slow check, which no rule may do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import and_, case, null, select
from sqlalchemy.dialects import postgresql, sqlite

from models.base import db, utcnow
from models.staff import LoginState, Staff, dummy_hash, verify_secret

from rules.errors import RuleViolation

LOGIN, COSIGN = "login", "cosign"
# purpose → (attempt counter, lock) columns of login_state
_COLUMNS = {LOGIN: ("failed_logins", "locked_until"),
            COSIGN: ("cosign_failures", "cosign_locked_until")}


@dataclass
class CredentialResult:
    staff: Staff | None
    error: str | None = None
    # a refused co-sign: whose failure the caller records after rolling its action back
    failed_staff_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def refusal_message(pin: bool) -> str:
    """One message for a wrong secret, an unknown username, an inactive or a locked
    account: the page never tells which usernames exist or are locked."""
    cfg = current_app.config
    if pin:
        return _("Wrong username or PIN. After %(n)s failures in a row the account is "
                 "locked for %(m)s minutes.", n=cfg["LOGIN_MAX_FAILURES"],
                 m=cfg["LOGIN_LOCKOUT_MINUTES"])
    return _("Wrong username or password. After %(n)s failures in a row the account is "
             "locked for %(m)s minutes.", n=cfg["LOGIN_MAX_FAILURES"],
             m=cfg["LOGIN_LOCKOUT_MINUTES"])


def upsert_state(staff_id: int, values: dict[str, Any], returning: tuple[str, ...] = (),
                 first: dict[str, Any] | None = None):
    """Insert (with ``first``, default ``values``) or update ``staff_id``'s
    login_state row in one statement: no duplicate-key error when two requests
    create it at once."""
    table = LoginState.__table__
    dialect = db.session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(staff_id=staff_id, **(values if first is None else first)) \
        .on_conflict_do_update(index_elements=[table.c.staff_id], set_=values)
    if returning:
        return db.session.execute(stmt.returning(*(table.c[c] for c in returning))).one()
    db.session.execute(stmt)
    return None


def count_attempt(staff_id: int, purpose: str) -> tuple[int, datetime | None]:
    """Count one attempt; (attempts so far, lock).  An expired lock starts over."""
    table = LoginState.__table__
    counter, lock = (table.c[c] for c in _COLUMNS[purpose])
    expired = and_(lock.isnot(None), lock <= utcnow())
    return tuple(upsert_state(staff_id, {
        counter.key: case((expired, 1), else_=counter + 1),
        lock.key: case((expired, null()), else_=lock),
    }, returning=(counter.key, lock.key), first={counter.key: 1}))


def _record_failure(staff_id: int, purpose: str, attempts: int) -> None:
    """Lock once the limit is reached (an existing lock stays as it is); a failed
    login also keeps the address it came from."""
    cfg = current_app.config
    table = LoginState.__table__
    lock = table.c[_COLUMNS[purpose][1]]
    values: dict[Any, Any] = {}
    if purpose == LOGIN:
        values[table.c.last_failure_addr] = request.remote_addr if has_request_context() else None
    if attempts >= cfg["LOGIN_MAX_FAILURES"]:
        until = utcnow() + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        values[lock] = case((lock.is_(None), until), else_=lock)
    if values:
        db.session.execute(table.update().where(table.c.staff_id == staff_id).values(values))


def _reset(staff_id: int, purpose: str) -> None:
    counter, lock = _COLUMNS[purpose]
    values: dict[str, Any] = {counter: 0, lock: None}
    if purpose == LOGIN:
        values["last_login_at"] = utcnow()
    upsert_state(staff_id, values)


def check_credentials(username: str, secret: str, *, pin: bool = False,
                      purpose: str = COSIGN) -> CredentialResult:
    """Verify ``secret`` (password, or PIN when ``pin``) for ``username``.

    ``LOGIN`` (the login page, nothing else pending in the session) commits the
    counted attempt before the slow check, so concurrent attempts each see it.
    ``COSIGN`` runs inside the action's transaction: the attempt is counted there
    (the row stays locked until the action ends); a failure names the staff member
    (``failed_staff_id``): the caller refuses the action with ``CosignRefused``, whose
    ``after_rollback`` the write path runs once it has rolled the action back, and
    commits, so the failure sticks.  Rules never roll back the caller's session."""
    generic = refusal_message(pin)
    staff = db.session.execute(
        select(Staff).where(Staff.username == (username or "").strip())
    ).scalar_one_or_none()
    if staff is None:
        verify_secret(dummy_hash(), secret or "")  # same cost as a real check
        return CredentialResult(None, generic)
    staff_id, stored = staff.id, (staff.pin_hash if pin else staff.password_hash)
    active = staff.active
    attempts, locked_until = count_attempt(staff_id, purpose)
    if purpose == LOGIN:
        db.session.commit()
    locked = attempts > current_app.config["LOGIN_MAX_FAILURES"] or \
        (locked_until is not None and locked_until > utcnow())
    if not locked and active and verify_secret(stored, secret or ""):
        _reset(staff_id, purpose)
        if purpose == LOGIN:
            db.session.commit()
        return CredentialResult(db.session.get(Staff, staff_id))
    if locked or not active:
        verify_secret(dummy_hash(), secret or "")  # the same time as a wrong secret
    if purpose == COSIGN:
        return CredentialResult(None, generic, failed_staff_id=staff_id)
    _record_failure(staff_id, purpose, attempts)
    db.session.commit()
    return CredentialResult(None, generic)


def record_cosign_failure(staff_id: int) -> None:
    """Count a refused co-sign on its own, after the action was rolled back (the
    attempt counted inside it went with it); locks at the limit.  The caller commits."""
    attempts, _lock = count_attempt(staff_id, COSIGN)
    _record_failure(staff_id, COSIGN, attempts)


class CosignRefused(RuleViolation):
    """A wrong co-sign secret.  The action is refused and rolled back by the caller
    (the write path); ``after_rollback`` then records the failure, so it sticks."""

    def __init__(self, message: str, staff_id: int):
        super().__init__(message)
        self.staff_id = staff_id

    def after_rollback(self) -> None:
        record_cosign_failure(self.staff_id)
