"""The one write path of every screen: commit, or roll back with a clear message.

Flask-Admin's own forms end in ``RegisterView.handle_view_exception``; every custom
``@expose`` endpoint (issue, return, settle, release, co-sign, decide …) ends in
``commit()``.  Both explain a failure through ``explain_failure``, so a rule refusal,
a stale version (a concurrent or double submit), a unique-constraint race and a
database error read the same wherever they happen, nothing is half-written and
nothing becomes a 500.

Success messages are built by the write itself, *before* the commit: after it the
objects are expired, and reading them again can fail (a dropped connection) although
the change is saved — the user must then not be told that nothing was saved.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import flash, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit.listener import HistoryViolation
from models.base import db
from rules.errors import RuleViolation, StaleEdit

log = logging.getLogger(__name__)

# An IntegrityError whose constraint name is listed here is a known race (two
# requests doing the same thing at once); the message says what happened.
KNOWN_CONFLICTS: dict[str, Callable[[], str]] = {}


def known_conflict(*constraints: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register the message for a unique constraint that a double submit can hit."""

    def wrap(message: Callable[[], str]) -> Callable[[], str]:
        for name in constraints:
            KNOWN_CONFLICTS[name] = message
        return message

    return wrap


def _conflict_message(exc: IntegrityError) -> str:
    text = str(exc.orig)
    for name, message in KNOWN_CONFLICTS.items():
        if name in text:
            return message()
    return _("This record conflicts with an existing one (a value that must be unique is "
             "already used, or a required link is missing).")


def explain_failure(exc: BaseException, where: str = "") -> bool:
    """Roll back and flash what went wrong in the user's words.  True when the
    exception was explained (the caller shows the page again); False only for
    what must propagate (an HTTP abort or a redirect raised on purpose)."""
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return False
    db.session.rollback()
    _after_rollback(exc, where)
    if isinstance(exc, RuleViolation):       # refusals are routine: info, no traceback
        log.info("refused in %s: %s: %s", where, type(exc).__name__, exc)
    if isinstance(exc, StaleEdit):
        flash(str(exc), "error")
    elif isinstance(exc, StaleDataError):
        # the row's version moved between our read and our write: a concurrent or
        # double submit; the same words as a stale edit
        flash(StaleEdit.default_message(), "error")
    elif isinstance(exc, RuleViolation):
        flash(str(exc), "error")
    elif isinstance(exc, IntegrityError):
        log.info("integrity error in %s: %s", where, exc.orig)
        flash(_conflict_message(exc), "error")
    elif isinstance(exc, (SQLAlchemyError, HistoryViolation)):
        log.exception("database error in %s", where)
        flash(_("The database refused this change. Nothing was saved."), "error")
    else:
        # a bug or an unexpected value: never show its text (it may be SQL or a
        # Python message); the log has the traceback
        log.exception("unexpected error in %s", where)
        flash(_("This change could not be saved; nothing was saved. If it happens again, "
                "tell the system administrator."), "error")
    return True


def _after_rollback(exc: BaseException, where: str) -> None:
    """What a refusal keeps although the action is rolled back (a refused co-sign's
    failure count: ``credentials.CosignRefused``), committed on its own."""
    keep = getattr(exc, "after_rollback", None)
    if keep is None:
        return
    try:
        keep()
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not record what %s keeps after a refusal", where)


def commit(write: Callable[[], object], success: str | Callable[[], str] | None = None,
           where: str = "") -> bool:
    """Run ``write`` (rule checks and changes), build the ``success`` message (a
    callable is called after the write, before the commit) and commit.  On any
    failure roll back and flash the reason.  True when saved."""
    try:
        write()
        message = success() if callable(success) else success
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 — every failure becomes a message
        if not explain_failure(exc, where):
            raise
        return False
    if message:
        flash(message, "success")
    return True


def committed_in_request() -> bool:
    """Whether this request committed anything (the 500 page must not claim
    "nothing was saved" after a commit)."""
    return bool(g.get("_kefu_committed"))


@event.listens_for(Session, "after_commit")
def _note_commit(session) -> None:
    if has_request_context():
        g._kefu_committed = True
