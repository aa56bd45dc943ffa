"""档案借阅登记 (seed 004 2.6; guide ch.5 按密级由单位负责人批准后方可借阅): a 普通 file
is lent at once, a 重要 one after the department manager's approval, a 机密 one after
the general manager's; nothing is lent without it; the loan's secrecy is the file's;
a file not back by its due date is due; the other property's files stay out.  Plus
the owner-file due items: an occupied unit without an owner, a file incomplete a
month after moving in."""
from __future__ import annotations

from datetime import timedelta

import pytest

from i18n import local_today
from models.base import db
from models.owner_files import OwnerFileLoan
from models.reference import Occupant

from .conftest import text_of
from .owner_file_helpers import loans, occupant_id


def _set_secrecy(app, room: str, level: str) -> int:
    oid = occupant_id(app, room)
    with app.app_context():
        db.session.get(Occupant, oid).secrecy = level
        db.session.commit()
    return oid


def _apply(app, browser, who: str, oid: int, **over):
    data = {"occupant": oid, "reason": "核对产权资料",
            "due_on": (local_today() + timedelta(days=3)).isoformat(), **over}
    before = len(loans(app))
    resp = browser(who).post_form("/admin/owner_file_loan/new/", data)
    made = loans(app)[before:]
    return resp, (made[0] if made else None)


def _decide(browser, who: str, loan, decision: str = "approve"):
    return browser(who).post("/admin/approvals/decide/", {
        "table": "owner_file_loan", "id": loan.id, "decision": decision,
        "comment": "同意" if decision == "approve" else "不需要原件"})


def _lend(browser, who: str, loan):
    return browser(who).post_form(f"/admin/owner_file_loan/lend/?id={loan.id}", {})


def _state(app, loan_id: int) -> OwnerFileLoan:
    with app.app_context():
        return db.session.get(OwnerFileLoan, loan_id)


@pytest.mark.parametrize("level,approver,not_approver", [
    ("important", "dept_manager", "general_manager"),
    ("secret", "general_manager", "dept_manager"),
])
def test_a_classified_file_is_lent_only_after_its_approval(app, browser, level, approver,
                                                           not_approver):
    oid = _set_secrecy(app, "1-302", level)
    resp, loan = _apply(app, browser, "butler", oid)
    assert resp.status_code == 302 and loan is not None, text_of(resp)[-800:]
    assert loan.secrecy == level and loan.status == "pending"
    resp = _lend(browser, "clerk", loan)                     # refused: not approved
    assert "借阅未经批准，不能借出档案" in text_of(resp)
    assert _state(app, loan.id).lent_at is None
    _decide(browser, not_approver, loan)                     # the other manager cannot
    assert _state(app, loan.id).status == "pending"
    _decide(browser, approver, loan)
    assert _state(app, loan.id).status == "approved"
    assert _lend(browser, "clerk", loan).status_code == 302
    lent = _state(app, loan.id)
    assert lent.lent_at is not None and lent.status == "executed"
    assert "该档案已借出" in text_of(_lend(browser, "clerk", loan))
    resp = browser("clerk").post_form(f"/admin/owner_file_loan/take_back/?id={loan.id}", {})
    assert resp.status_code == 302 and _state(app, loan.id).returned_at is not None


def test_a_rejected_loan_is_never_lent(app, browser):
    oid = _set_secrecy(app, "1-302", "important")
    _resp, loan = _apply(app, browser, "clerk", oid)
    _decide(browser, "dept_manager", loan, "reject")
    assert _state(app, loan.id).status == "rejected"
    assert "借阅未经批准" in text_of(_lend(browser, "clerk", loan))
    assert _state(app, loan.id).lent_at is None


def test_the_borrower_cannot_approve_their_own_loan(app, browser):
    oid = _set_secrecy(app, "1-302", "important")
    _resp, loan = _apply(app, browser, "dept_manager", oid)
    _decide(browser, "dept_manager", loan)
    assert _state(app, loan.id).status == "pending"


def test_an_ordinary_file_is_lent_without_approval(app, browser):
    oid = _set_secrecy(app, "1-302", "normal")
    _resp, loan = _apply(app, browser, "butler", oid)
    assert loan.status == "approved" and loan.secrecy == "normal"
    page = text_of(browser("butler").get(f"/admin/owner_file_loan/details/?id={loan.id}"))
    assert "档案借阅登记" in page or "业主档案" in page
    assert _lend(browser, "clerk", loan).status_code == 302


@pytest.mark.parametrize("over,message", [
    ({"reason": "  "}, "请填写借阅事由"),
    ({"due_on": "2020-01-01"}, "应还日期不能早于今天"),
    ({"due_on": "2099-01-01"}, "档案最长借阅 90 天"),
])
def test_refused_loans_write_nothing(app, browser, over, message):
    oid = occupant_id(app, "1-302")
    resp, loan = _apply(app, browser, "butler", oid, **over)
    assert loan is None and message in text_of(resp)


def test_the_other_property_file_cannot_be_borrowed(app, browser):
    resp, loan = _apply(app, browser, "butler", occupant_id(app, "A-101"))
    assert loan is None and resp.status_code == 200


def test_a_file_not_back_by_its_due_date_is_due(app, browser):
    oid = _set_secrecy(app, "1-302", "normal")
    _resp, loan = _apply(app, browser, "butler", oid)
    _lend(browser, "clerk", loan)
    with app.app_context():
        db.session.get(OwnerFileLoan, loan.id).due_on = local_today() - timedelta(days=1)
        db.session.commit()
    page = text_of(browser("butler").get("/admin/owner_files_due/"))
    assert "应于" in page and f"#{loan.id}" in page
    assert "逾期未还的业主档案" in text_of(browser("butler").get("/admin/"))
    browser("clerk").post_form(f"/admin/owner_file_loan/take_back/?id={loan.id}", {})
    assert f"#{loan.id}" not in text_of(browser("butler").get("/admin/owner_files_due/"))


def test_units_without_an_owner_and_incomplete_files_are_due(app, browser):
    from models.base import utcnow

    page = text_of(browser("butler").get("/admin/owner_files_due/"))
    assert "王芳 · 1-302：档案不完整" in page            # moved in 60 days ago, no ID
    assert "张伟 · 1-301：档案不完整" not in page         # complete
    assert "已入住，无业主档案" not in page
    with app.app_context():
        occ = db.session.get(Occupant, occupant_id(app, "2-301"))
        occ.voided_at, occ.void_reason = utcnow(), "录错"
        db.session.commit()
    page = text_of(browser("butler").get("/admin/owner_files_due/"))
    assert "2-301：已入住，无业主档案" in page
    assert "A-101" not in page                            # the other property's unit
    assert "已入住但无业主档案的房号" in text_of(browser("butler").get("/admin/"))


def test_the_general_manager_finds_a_confidential_loan_waiting(app, browser):
    oid = _set_secrecy(app, "1-302", "secret")
    _apply(app, browser, "butler", oid)
    page = text_of(browser("general_manager").get("/admin/approvals/"))
    assert "的业主档案：核对产权资料" in page
    assert "核对产权资料" not in text_of(browser("dept_manager").get("/admin/approvals/"))
