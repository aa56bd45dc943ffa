"""The key rules of the guide (钥匙使用管理制度), as small functions the views call.

- a key that is out, lost, damaged or void cannot be issued; the database's
  partial unique index makes "out" airtight under concurrency;
- a spare key is issued only against an approved, unused general-manager
  authorisation for that key; a copy of another key (``spare_of``) is a spare
  whatever its category or status, and only a manager takes a key out of the
  spare rule (``check_spare_edit``);
- a return cannot be earlier than the checkout;
- an application is executed once, after final approval, with a co-signer:
  a copy creates the new key rows, a void marks the key and its spares void.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from audit import mark_action
from models.base import db, utcnow
from models.keys import (KEY_STATUS_LABELS, NOT_ISSUABLE, Key, KeyCheckout,
                         SpareKeyAuthorisation)
from models.staff import Staff

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped


def find_key(property_id: int, label: str) -> Key | None:
    return db.session.execute(
        select(Key).where(Key.property_id == property_id, Key.label == (label or "").strip())
    ).scalar_one_or_none()


def open_checkout(key: Key) -> KeyCheckout | None:
    return db.session.execute(
        select(KeyCheckout).where(KeyCheckout.key_id == key.id,
                                  KeyCheckout.returned_at.is_(None),
                                  KeyCheckout.voided_at.is_(None))
    ).scalar_one_or_none()


def usable_authorisation(key: Key) -> SpareKeyAuthorisation | None:
    return db.session.execute(
        select(SpareKeyAuthorisation).where(
            SpareKeyAuthorisation.key_id == key.id,
            SpareKeyAuthorisation.status == "approved",
            SpareKeyAuthorisation.used_at.is_(None),
            SpareKeyAuthorisation.voided_at.is_(None)).order_by(SpareKeyAuthorisation.id)
    ).scalars().first()


def check_issuable(key: Key | None, authorisation: SpareKeyAuthorisation | None = None
                   ) -> SpareKeyAuthorisation | None:
    """Raise when ``key`` may not be issued; return the spare authorisation to use."""
    if key is None:
        raise RuleViolation(_("No key with this label in the register."))
    if key.voided_at is not None or key.status in NOT_ISSUABLE:
        raise RuleViolation(_("Key %(label)s cannot be issued: it is %(status)s.",
                              label=key.label, status=_status_text(key)))
    if open_checkout(key) is not None:
        raise RuleViolation(_("Key %(label)s is already out.", label=key.label))
    if key.is_spare:
        auth = authorisation or usable_authorisation(key)
        if auth is None or auth.key_id != key.id or auth.status != "approved" \
                or auth.used_at is not None or auth.voided_at is not None:
            raise RuleViolation(_("Key %(label)s is a spare key: it can only be issued with "
                                  "the general manager's authorisation for this use.",
                                  label=key.label))
        return auth
    return None


# Who may take a key out of the spare rule by editing it (the guide: spares are
# used only with the general manager's authorisation; the property manager
# approves copies).  Anyone else goes through a key application.
SPARE_EDITORS = ("property_manager", "general_manager")


def _before(key: Key, name: str) -> Any:
    """The value ``name`` had when ``key`` was loaded (before the form filled it)."""
    history = sa_inspect(key).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(key, name)


def _spare_of_now(key: Key) -> int | None:
    """The original ``key`` is a copy of after the edit (forms set the relationship)."""
    history = sa_inspect(key).attrs.spare_of.history
    if history.added or history.deleted:
        return key.spare_of.id if key.spare_of is not None else None
    return key.spare_of_id


def check_spare_edit(key: Key, editor: Staff) -> None:
    """Refuse an edit of an existing key that takes it out of the spare rule —
    category or status changed away from spare, or its ``spare_of`` cleared or
    changed — unless a manager makes it: otherwise a clerk could relabel a spare
    and issue it without the general manager's authorisation."""
    if not sa_inspect(key).persistent or editor.has_role(*SPARE_EDITORS):
        return
    old_spare_of = _before(key, "spare_of_id")
    if (_before(key, "category") == "spare" and key.category != "spare") \
            or (_before(key, "status") == "spare" and key.status != "spare") \
            or (old_spare_of is not None and _spare_of_now(key) != old_spare_of):
        raise RuleViolation(_("Key %(label)s is a spare key: only the property manager or the "
                              "general manager may change its category, its status or the "
                              "key it is a copy of.", label=_before(key, "label")))


def _status_text(key: Key) -> str:
    if key.voided_at is not None:
        return str(KEY_STATUS_LABELS["void"])
    return str(KEY_STATUS_LABELS.get(key.status, key.status))


def fill_checkout(checkout: KeyCheckout, clerk: Staff) -> None:
    """Complete and check a new checkout (whatever form it came from)."""
    auth = check_issuable(checkout.key, checkout.spare_authorisation)
    if checkout.borrower is not None and not checkout.borrower.active:
        raise RuleViolation(_("The borrower is not an active staff member."))
    if not (checkout.reason or "").strip():
        raise RuleViolation(_("Say why the key is needed."))
    checkout.property_id = checkout.key.property_id
    checkout.issued_by_id = clerk.id
    checkout.out_at = checkout.out_at or utcnow()
    checkout.returned_at = None
    checkout.received_by_id = None
    if auth is not None:
        checkout.spare_authorisation = auth
        auth.used_at = checkout.out_at
        mark_action(auth, "use")


def check_contractor(name: str | None, company: str | None, id_number: str | None,
                     phone: str | None) -> None:
    """An outside person (外来人员) borrows a key only with a name, a company, an ID
    number and a phone: the desk must know whom to chase for the key."""
    given = {"name": name, "company": company, "id_number": id_number, "phone": phone}
    words = {"name": _("name"), "company": _("company"), "id_number": _("ID number"),
             "phone": _("phone")}
    missing = [str(words[k]) for k, v in given.items() if not (v or "").strip()]
    if missing:
        raise RuleViolation(_("A contractor borrowing a key must give: %(missing)s.",
                              missing="、".join(missing)))


def issue_key(key: Key | None, borrower: Staff | None, reason: str, clerk: Staff,
              authorisation: SpareKeyAuthorisation | None = None,
              outside: Any = None) -> KeyCheckout:
    """Issue ``key``; the caller commits (an IntegrityError there means already out).

    ``outside`` (a ``KeyCheckoutBorrower``): a contractor or an owner/occupant has the
    key; ``borrower`` is then the staff member responsible, by default the clerk."""
    if outside is not None:
        borrower = borrower or clerk
        if outside.kind == "contractor":
            check_contractor(outside.name, outside.company, outside.id_number, outside.phone)
    if borrower is None:
        raise RuleViolation(_("Choose who borrows the key."))
    check_issuable(key, authorisation)
    if outside is not None and outside.occupant is not None \
            and outside.occupant.property_id != key.property_id:
        raise RuleViolation(_("Choose an owner or occupant of this property."))
    checkout = KeyCheckout(key=key, key_id=key.id, borrower=borrower,
                           borrower_id=borrower.id, reason=(reason or "").strip(),
                           spare_authorisation=authorisation, created_by_id=clerk.id)
    fill_checkout(checkout, clerk)
    if outside is not None:
        outside.property_id = key.property_id
        outside.created_by_id = clerk.id
        checkout.outside = outside
    db.session.add(checkout)
    label = key.label          # read now: after a failed flush the session must roll back
    try:
        db.session.flush()
    except IntegrityError:
        raise RuleViolation(_("Key %(label)s is already out.", label=label)) from None
    return checkout


def return_key(checkout: KeyCheckout | None, clerk: Staff, at: datetime | None = None) -> None:
    if checkout is None or checkout.voided_at is not None:
        raise RuleViolation(_("This key is not out."))
    if checkout.returned_at is not None:
        raise RuleViolation(_("This key was already returned."))
    at = at or utcnow()
    if at < checkout.out_at:
        raise RuleViolation(_("The return time cannot be before the checkout time."))
    checkout.returned_at = at
    checkout.received_by_id = clerk.id
    mark_action(checkout, "return")


SPOT_CHECK_DAYS = 31         # the guide: the property manager checks at least monthly
LONG_OUT_HOURS = 12          # a key out longer than a shift


def last_spot_check(user):
    """(date of the latest spot check of the user's property or None, overdue?)."""
    from sqlalchemy import func

    from i18n import local_today
    from models.keys import KeySpotCheck

    q = select(func.max(KeySpotCheck.checked_on)).where(KeySpotCheck.voided_at.is_(None))
    q = scoped(q, KeySpotCheck, user)
    last = db.session.execute(q).scalar()
    return last, last is None or (local_today() - last).days > SPOT_CHECK_DAYS


def keys_out(user) -> list[KeyCheckout]:
    q = select(KeyCheckout).where(KeyCheckout.returned_at.is_(None),
                                  KeyCheckout.voided_at.is_(None))
    q = scoped(q, KeyCheckout, user)
    return list(db.session.execute(q.order_by(KeyCheckout.out_at)).scalars())


@due_filter("keys_out", "key_checkout")
def keys_out_ids(user) -> list[int]:
    return [c.id for c in keys_out(user)]


@due_filter("keys_out_long", "key_checkout")
def keys_out_long(user) -> list[KeyCheckout]:
    """Keys out for more than ``LONG_OUT_HOURS`` hours."""
    from datetime import timedelta

    return [c for c in keys_out(user) if utcnow() - c.out_at > timedelta(hours=LONG_OUT_HOURS)]


@provides_due("key_checkout")
def due_items(user) -> list[tuple]:
    out = keys_out(user)
    items: list[tuple] = []
    if out:
        items.append((_("Keys out now"), len(out), "key_desk", "keys_out"))
    long_out = keys_out_long(user)
    if long_out:
        items.append((_("Keys out for more than %(h)s hours", h=LONG_OUT_HOURS), len(long_out),
                      "key_desk", "keys_out_long"))
    return items


@provides_due("key_spot_check")
def spot_check_due(user) -> list[tuple[str, int, str]]:
    _last, overdue = last_spot_check(user)
    return [(_("Key spot check overdue (at least monthly)"), 1,
             "key_spot_check")] if overdue else []
