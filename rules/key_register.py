"""The key register's record checks (钥匙登记表, 钥匙申请表, 备用钥匙使用授权, 抽查记录),
apart from issue and return (``rules/keys.py``): plain functions the views call, so each
refusal can be tested without a request."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from i18n import local_today
from models.base import db
from models.keys import Key
from models.staff import Staff

from .errors import RuleViolation
from .keys import open_checkout

CUSTODY_CABINET = "业主档案柜"


def check_key(key: Key) -> None:
    """A key has a unique label in its property; a copy and its agreement stay in it."""
    key.label = (key.label or "").strip()
    if not key.label:
        raise RuleViolation(_("The key needs a label (the lock's name)."))
    if key.spare_of is not None:
        if key.spare_of.id == key.id:
            raise RuleViolation(_("A key cannot be a copy of itself."))
        if key.spare_of.property_id != key.property_id:
            raise RuleViolation(_("A copy belongs to the same property as its original."))
    if key.custody_agreement is not None:
        if key.category != "custodial":
            raise RuleViolation(_("Only a key of category \"custodial home\" belongs to a "
                                  "custody agreement."))
        if key.custody_agreement.property_id != key.property_id:
            raise RuleViolation(_("The agreement belongs to another property."))
        key.cabinet = key.cabinet or CUSTODY_CABINET
    if key.category == "spare" and key.status == "in_use":
        key.status = "spare"
    clash = db.session.execute(select(Key.id).where(
        Key.property_id == key.property_id, Key.label == key.label,
        Key.id != (key.id or 0))).first()
    if clash:
        raise RuleViolation(_("Label %(label)s is already used by another key of this "
                              "property.", label=key.label))


def check_key_void(key: Key) -> None:
    """A key that is out comes back before it is voided."""
    if open_checkout(key) is not None:
        raise RuleViolation(_("Key %(label)s is out; it must be returned before it is "
                              "voided.", label=key.label))


def desk_property(user: Staff) -> int:
    """Keys are issued at one property's desk (head office has none)."""
    if user.property_id is None:
        raise RuleViolation(_("Keys are issued at a property's desk."))
    return user.property_id


def require_key(key: Key | None) -> Key:
    """The key a label names, or the clerk's refusal."""
    if key is None:
        raise RuleViolation(_("No key with this label in the register."))
    return key


def application_property(keys: Iterable[Key], user: Staff) -> int:
    """钥匙申请表: at least one key, not void, all of one property the user may record."""
    keys = list(keys)
    if not keys:
        raise RuleViolation(_("Name at least one key."))
    props = {k.property_id for k in keys}
    if len(props) != 1:
        raise RuleViolation(_("All keys of one application belong to one property."))
    property_id = props.pop()
    if not user.can_see_property(property_id):
        raise RuleViolation(_("You may only record data for your own property."))
    for key in keys:
        if key.voided_at is not None:
            raise RuleViolation(_("Key %(label)s is already void.", label=key.label))
    return property_id


def check_spare_authorisation(key: Key | None) -> None:
    """备用钥匙使用授权 names a spare key."""
    if key is None or not key.is_spare:
        raise RuleViolation(_("Authorisation is needed for spare keys only."))


def check_spot_check(checked_on: date | None, today: date | None = None) -> None:
    """抽查记录 is dated today or earlier."""
    if checked_on and checked_on > (today or local_today()):
        raise RuleViolation(_("A spot check cannot be dated in the future."))
