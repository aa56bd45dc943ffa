"""Copy and void applications of keys, after their approval chain: the desk
executes with a second person (now, on the same form, or later by co-sign);
copies are registered as new keys.  Issuing and returning keys is ``rules.keys``."""
from __future__ import annotations


from flask_babel import gettext as _
from sqlalchemy import select

from audit import mark_action
from models.base import db, utcnow
from models.keys import (Key, KeyApplication)
from models.staff import Staff

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped
from .two_person import KEY_APPLICATION_EXECUTION, check_cosigner, record_cosign

from .keys import open_checkout


def check_executable(application: KeyApplication) -> None:
    if application.voided_at is not None:
        raise RuleViolation(_("This application is void."))
    if application.status == "executed" or application.executed_at is not None:
        raise RuleViolation(_("This application was already executed."))
    if application.status != "approved":
        raise RuleViolation(_("This application cannot be executed before its final approval."))


def execute_pending_cosign(application: KeyApplication, clerk: Staff) -> None:
    """The desk records the execution of an approved application; it waits,
    visibly pending, for a second person to co-sign (``cosign_execution``)."""
    check_executable(application)
    if application.executed_by_id is not None:
        raise RuleViolation(_("This execution is already waiting for a co-signer."))
    application.executed_by_id = clerk.id
    mark_action(application, "execute_pending")


def execute_with_cosigner(application: KeyApplication, clerk: Staff, cosigner: Staff,
                          method: str = "password") -> list[Key]:
    """The desk executes an approved application now, with a co-signer already
    verified on the same form."""
    check_executable(application)
    check_execution_cosigner(application, cosigner, clerk.id)
    record_cosign(application, cosigner, method)
    return execute_application(application, clerk)


def check_execution_cosigner(application: KeyApplication, cosigner: Staff,
                             executor_id: int | None) -> None:
    """The second person of an execution: the shared co-sign rule, and not the
    applicant — who asked for the copy or void cannot also vouch for carrying it out."""
    check_cosigner(KEY_APPLICATION_EXECUTION, cosigner, executor_id, application.property_id)
    if cosigner.id == application.applicant_id:
        raise RuleViolation(_("The applicant cannot be the second person of the execution."))


def cosign_execution(application: KeyApplication, cosigner: Staff) -> list[Key]:
    """Later co-sign by a second person signed in as themselves."""
    check_executable(application)
    if application.executed_by_id is None:
        raise RuleViolation(_("Nothing is waiting for a co-signer on this application."))
    check_execution_cosigner(application, cosigner, application.executed_by_id)
    record_cosign(application, cosigner, "session")
    return execute_application(application, application.executed_by)


def execute_application(application: KeyApplication, clerk: Staff) -> list[Key]:
    """Carry out an approved, co-signed application once; returns the keys created
    or voided."""
    check_executable(application)
    if not application.is_cosigned:
        raise RuleViolation(_("Execution needs a second staff member to co-sign."))
    now = utcnow()
    touched: list[Key] = []
    for item in application.items:
        key = item.key
        if application.kind == "copy":
            touched.extend(_make_copies(application, key, clerk))
        else:
            for k in [key, *spares_of(key)]:
                if k.voided_at is None:
                    if open_checkout(k) is not None:
                        raise RuleViolation(_("Key %(label)s is out; it must be returned "
                                              "before it is voided.", label=k.label))
                    k.status = "void"
                    k.voided_at = now
                    k.voided_by_id = clerk.id
                    k.void_reason = _("Voided by key application #%(n)s",
                                      n=application.id)
                    touched.append(k)
    application.status = "executed"
    application.executed_at = now
    application.executed_by_id = clerk.id
    mark_action(application, "execute")
    return touched


def spares_of(key: Key) -> list[Key]:
    return list(db.session.execute(select(Key).where(Key.spare_of_id == key.id)).scalars())


def _make_copies(application: KeyApplication, key: Key, clerk: Staff) -> list[Key]:
    """New key rows labelled ``<label>-副<n>``, linked to the original; a copy made
    because the original was lost or damaged marks the original so."""
    if key.voided_at is not None or key.status == "void":
        raise RuleViolation(_("Key %(label)s is void; a void key cannot be copied.",
                              label=key.label))
    if application.reason in ("lost", "damaged") and key.status in ("in_use", "spare"):
        key.status = application.reason
    made = []
    taken = set(db.session.execute(
        select(Key.label).where(Key.property_id == key.property_id,
                                Key.label.like(f"{key.label}-副%"))).scalars())
    n = 1
    for _i in range(max(1, application.copies)):
        while f"{key.label}-副{n}" in taken:
            n += 1
        label = f"{key.label}-副{n}"
        taken.add(label)
        copy = Key(property_id=key.property_id, label=label, place=key.place,
                   category=key.category, cabinet=key.cabinet, hook=key.hook,
                   status="spare", holder=key.holder,       # a copy is a spare
                   spare_of_id=key.id, created_by_id=clerk.id,
                   notes=_("Copy made by key application #%(n)s", n=application.id))
        db.session.add(copy)
        made.append(copy)
    return made


# -- due items ---------------------------------------------------------------------


@due_filter("key_application_to_execute", "key_application")
def approved_awaiting_execution(user) -> list[KeyApplication]:
    """Fully approved key copies/voids the desk has not carried out yet (nor started:
    one started waits for its co-signer, in the co-signs list)."""
    q = select(KeyApplication).where(KeyApplication.status == "approved",
                                     KeyApplication.executed_by_id.is_(None),
                                     KeyApplication.executed_at.is_(None),
                                     KeyApplication.voided_at.is_(None))
    return list(db.session.execute(scoped(q, KeyApplication, user)
                                   .order_by(KeyApplication.id)).scalars())


@provides_due("key_application")
def execution_due(user) -> list[tuple[str, int, str]]:
    n = len(approved_awaiting_execution(user))
    return [(_("Approved key applications waiting for execution"), n, "key_application",
             "key_application_to_execute")] \
        if n else []
