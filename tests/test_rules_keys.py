"""Key register record checks (rules/key_register.py) as plain functions, no request."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models.base import db
from models.custody import CustodyAgreement
from models.keys import Key, KeyCheckout
from models.staff import Staff
from rules import key_register
from rules import keys as key_rules
from rules.errors import RuleViolation

TODAY = date(2026, 11, 30)


def _key(**over) -> Key:
    values = {"id": 1, "label": "1-302 入户门", "place": "1-302", "category": "public",
              "status": "in_use", "property_id": 1}
    values.update(over)
    return Key(**values)


@pytest.mark.parametrize("over, message", [
    ({"label": "  "}, "needs a label"),
    ({"label": None}, "needs a label"),
    ({"spare_of": _key(id=1)}, "copy of itself"),
    ({"spare_of": _key(id=9, property_id=2)}, "same property as its original"),
    ({"custody_agreement": CustodyAgreement(property_id=1)}, "custodial home"),
    ({"category": "custodial", "custody_agreement": CustodyAgreement(property_id=2)},
     "agreement belongs to another property"),
])
def test_a_key_record_is_refused(over, message):
    with pytest.raises(RuleViolation, match=message):
        key_register.check_key(_key(**over))


def test_a_key_label_is_unique_in_its_property_and_normalised(app):
    with app.app_context():
        taken = db.session.execute(select(Key).where(Key.voided_at.is_(None))).scalars().first()
        with pytest.raises(RuleViolation, match="已被本管理处的另一把钥匙使用"):
            key_register.check_key(_key(id=None, label=f" {taken.label} ",
                                        property_id=taken.property_id))
        spare = _key(id=None, label="全新的锁 X9", category="spare", status="in_use",
                     property_id=taken.property_id)
        key_register.check_key(spare)
        assert spare.label == "全新的锁 X9" and spare.status == "spare"
        custodial = _key(id=None, label="托管 Y1", category="custodial",
                         property_id=taken.property_id,
                         custody_agreement=CustodyAgreement(property_id=taken.property_id))
        key_register.check_key(custodial)
        assert custodial.cabinet == key_register.CUSTODY_CABINET
        db.session.rollback()


def test_a_key_that_is_out_is_not_voided(app):
    with app.app_context():
        out = db.session.execute(select(KeyCheckout).where(
            KeyCheckout.returned_at.is_(None), KeyCheckout.voided_at.is_(None))).scalars().first()
        assert out is not None
        with pytest.raises(RuleViolation, match="须先归还才能作废"):
            key_register.check_key_void(out.key)
        at_desk = db.session.execute(select(Key).where(Key.id != out.key_id)).scalars().first()
        if key_rules.open_checkout(at_desk) is None:
            key_register.check_key_void(at_desk)


@pytest.mark.parametrize("property_id, refused", [(None, True), (3, False)])
def test_keys_are_issued_at_a_property_desk(property_id, refused):
    user = Staff(username="u", property_id=property_id)
    if refused:
        with pytest.raises(RuleViolation, match="issued at a property's desk"):
            key_register.desk_property(user)
    else:
        assert key_register.desk_property(user) == property_id


def test_a_label_names_a_key():
    with pytest.raises(RuleViolation, match="No key with this label"):
        key_register.require_key(None)
    k = _key()
    assert key_register.require_key(k) is k


@pytest.mark.parametrize("keys, user_property, message", [
    ([], 1, "at least one key"),
    ([_key(property_id=1), _key(id=2, property_id=2)], None, "belong to one property"),
    ([_key(property_id=2)], 1, "your own property"),
    ([_key(voided_at=TODAY)], 1, "already void"),
    ([_key(), _key(id=2)], 1, None),
    ([_key(property_id=2)], None, None),
])
def test_an_application_names_live_keys_of_one_property(keys, user_property, message):
    user = Staff(username="u", property_id=user_property)
    if message:
        with pytest.raises(RuleViolation, match=message):
            key_register.application_property(keys, user)
    else:
        assert key_register.application_property(keys, user) == keys[0].property_id


@pytest.mark.parametrize("key, refused", [
    (None, True), (_key(category="public"), True), (_key(category="spare"), False),
    (_key(spare_of_id=5), False)])
def test_authorisation_is_for_spare_keys(key, refused):
    if refused:
        with pytest.raises(RuleViolation, match="spare keys only"):
            key_register.check_spare_authorisation(key)
    else:
        key_register.check_spare_authorisation(key)


@pytest.mark.parametrize("days, refused", [(1, True), (0, False), (-40, False), (None, False)])
def test_a_spot_check_is_not_dated_in_the_future(days, refused):
    checked_on = None if days is None else TODAY + timedelta(days=days)
    if refused:
        with pytest.raises(RuleViolation, match="cannot be dated in the future"):
            key_register.check_spot_check(checked_on, today=TODAY)
    else:
        key_register.check_spot_check(checked_on, today=TODAY)


@pytest.mark.parametrize("checkout", [None, KeyCheckout(voided_at=TODAY)])
def test_a_return_needs_an_open_checkout(checkout):
    with pytest.raises(RuleViolation, match="This key is not out"):
        key_rules.return_key(checkout, Staff(id=1, username="u"))
