"""The generic co-sign engine (rules/two_person.py) beyond the key execution:
a required role, and the same-form check counting towards lockout."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.base import db
from models.staff import LoginState, Staff
from rules.errors import RuleViolation
from rules.two_person import COSIGN_RULES, CosignRule, check_cosigner, verify_cosigner

from .conftest import DEMO_PASSWORD, DEMO_PIN
from .helpers import property_id, staff_id


def staff(username: str) -> Staff:
    return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def test_a_rule_can_require_a_role_of_the_second_person(app):
    rule = CosignRule("test_supervisor_rule", "test", roles=("supervisor",))
    with app.test_request_context():
        demo = property_id("DEMO")
        with pytest.raises(RuleViolation, match="复核人须具有以下角色之一"):
            check_cosigner(rule, staff("clerk2"), staff_id("clerk"), demo)
        check_cosigner(rule, staff("supervisor"), staff_id("clerk"), demo)   # no error


def test_same_form_cosign_checks_password_or_pin_on_the_server(app):
    rule = COSIGN_RULES["key_application_execution"]
    with app.test_request_context():
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        ok = verify_cosigner(rule, username="clerk2", secret=DEMO_PIN, method="pin",
                             actor_id=clerk, property_id=demo)
        assert ok.username == "clerk2"
        ok = verify_cosigner(rule, username="clerk2", secret=DEMO_PASSWORD, method="password",
                             actor_id=clerk, property_id=demo)
        assert ok.username == "clerk2"
        # the PIN is not accepted as the password, nor the password as the PIN
        with pytest.raises(RuleViolation):
            verify_cosigner(rule, username="clerk2", secret=DEMO_PIN, method="password",
                            actor_id=clerk, property_id=demo)
        with pytest.raises(RuleViolation):
            verify_cosigner(rule, username="clerk2", secret=DEMO_PASSWORD, method="pin",
                            actor_id=clerk, property_id=demo)
        db.session.rollback()
        state = db.session.get(LoginState, staff_id("clerk2"))
        assert state.cosign_failures == 2      # both failures counted, despite the rollback
        assert state.failed_logins == 0        # co-sign failures never lock the login
