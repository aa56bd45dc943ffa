"""The generic co-sign engine (rules/two_person.py) beyond the key execution:
a required role, the same-form check counting towards lockout, and the matrix's
``cosign`` permission applied to every same-form co-sign of every register."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from admin_views.write_path import commit
from models.base import db
from models.staff import LoginState, Staff
from rules.errors import RuleViolation
from rules.two_person import COSIGN_RULES, CosignRule, check_cosigner, verify_cosigner

from .conftest import DEMO_PASSWORD, DEMO_PIN, text_of
from .helpers import property_id, staff_id


def staff(username: str) -> Staff:
    return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def test_a_rule_can_require_a_role_of_the_second_person(app):
    rule = CosignRule("test_supervisor_rule", "test", "key_application", roles=("supervisor",))
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
        db.session.rollback()
        # through the one write path: the action is rolled back, the failure sticks
        assert not commit(lambda: verify_cosigner(
            rule, username="clerk2", secret=DEMO_PIN, method="password", actor_id=clerk,
            property_id=demo))
        assert not commit(lambda: verify_cosigner(
            rule, username="clerk2", secret=DEMO_PASSWORD, method="pin", actor_id=clerk,
            property_id=demo))
        db.session.rollback()
        state = db.session.get(LoginState, staff_id("clerk2"))
        assert state.cosign_failures == 2      # both failures counted, despite the rollback
        assert state.failed_logins == 0        # co-sign failures never lock the login


# -- the matrix's "cosign" decides who may be the second person, on every path -------

def _same_form_cosign(app, browser, register: str, cosigner: str) -> tuple[str, bool]:
    """Co-sign on the same form as ``cosigner`` (PIN); (page text, was anything written)."""
    from models.custody import CustodyInspection

    from .key_helpers import application
    from .custody_helpers import demo_agreement, inspection_form
    from .key_helpers import approved_application, execute
    from .valuables_helpers import deposits, large_deposit, release, third_party

    if register == "key_application":
        aid = approved_application(app, browser)
        page = execute(browser("clerk"), aid, cosigner=cosigner)
        a = application(app, aid)
        return text_of(page), a.executed_at is not None or a.cosigned_by_id is not None
    if register == "custody_inspection":
        agreement = demo_agreement(app)
        with app.app_context():
            before = db.session.query(CustodyInspection).count()
        resp = browser("butler").post_form("/admin/custody_inspection/new/", inspection_form(
            app, agreement.id, cosigner_username=cosigner), follow_redirects=True)
        with app.app_context():
            return text_of(resp), db.session.query(CustodyInspection).count() != before
    d = large_deposit(app, browser)
    page = release(browser("clerk"), d.id, **third_party(app, cosigner_username=cosigner))
    after = deposits(app)[-1]
    return text_of(page), after.released_at is not None or after.cosigned_by_id is not None


@pytest.mark.parametrize("register,cosigner", [
    ("key_application", "finance"),
    ("custody_inspection", "courier"),
    ("custody_inspection", "finance"),
    ("valuables_deposit", "finance"),
    ("valuables_deposit", "courier"),
])
def test_same_form_cosigner_needs_the_registers_cosign_permission(app, browser, register,
                                                                   cosigner):
    """The same roles a signed-in co-sign refuses (403) are refused on the form too."""
    from rules.matrix import permits

    with app.app_context():
        assert not permits(staff(cosigner), register, "cosign")
    text, written = _same_form_cosign(app, browser, register, cosigner)
    with app.app_context():
        name = staff(cosigner).full_name
    assert f"{name} 的角色无权复核此记录" in text
    assert not written


@pytest.mark.parametrize("register,cosigner", [
    ("key_application", "security"),
    ("custody_inspection", "security"),
    ("valuables_deposit", "butler"),
])
def test_a_permitted_role_still_cosigns_on_the_form(app, browser, register, cosigner):
    text, written = _same_form_cosign(app, browser, register, cosigner)
    assert written and "无权复核" not in text


def test_the_applicant_is_not_the_second_person_of_the_execution(app, browser):
    from .key_helpers import application
    from .key_helpers import approved_application, execute

    aid = approved_application(app, browser)            # filed by the butler
    page = execute(browser("clerk"), aid, cosigner="butler")
    assert "申请人不能担任执行的复核人" in text_of(page)
    a = application(app, aid)
    assert a.executed_at is None and a.cosigned_by_id is None
    # nor later, signed in
    execute(browser("clerk"), aid, cosigner="", secret="", later=True)
    butler = browser("butler")
    details = text_of(butler.get(f"/admin/key_application/details/?id={aid}"))
    assert 'id="cosign-pending"' in details and 'id="cosign-form"' not in details
    resp = butler.post(f"/admin/key_application/cosign/?id={aid}", {}, follow_redirects=True)
    assert "申请人不能担任执行的复核人" in text_of(resp)
    assert application(app, aid).executed_at is None
