"""钥匙申请表 through its chain (dept_manager → property_manager), "my approvals",
and the co-signed execution by the desk.  Each rule of rules/approvals.py and
rules/two_person.py has a test here that fails without it."""
from __future__ import annotations

from sqlalchemy import select

from models.base import db
from models.keys import Key, KeyApplication
from models.staff import LoginState
from models.workflow import ApprovalDecision

from .conftest import DEMO_PASSWORD, DEMO_PIN, text_of
from .helpers import entries_for, property_id, staff_id
from .key_helpers import (add_staff, application, decide, desk_issue, file_application,
                          get_key, key_id)
from .key_helpers import approved_application, execute

T = "key_application"


# -- filing ------------------------------------------------------------------------

def test_butler_files_a_copy_application_through_the_form(app, browser):
    butler = browser("butler")
    k1, k2 = key_id(app, "配电房"), key_id(app, "水泵房")
    resp = butler.client.post("/admin/key_application/new/", data={
        "csrf_token": butler.token("/admin/key_application/new/"), "kind": "copy",
        "reason": "work_need", "keys": [str(k1), str(k2)], "copies": "2",
        "detail": "工程部需要"})
    assert resp.status_code == 302, text_of(resp)[:2000]
    with app.app_context():
        appl = db.session.execute(select(KeyApplication).where(
            KeyApplication.detail == "工程部需要")).scalar_one()
        assert appl.applicant_id == staff_id("butler") and appl.status == "pending"
        assert sorted(k.label for k in appl.keys) == ["水泵房", "配电房"]
        assert appl.property_id == property_id("DEMO")
    mine = text_of(butler.get("/admin/approvals/"))
    assert "配电房、水泵房" in mine or "水泵房、配电房" in mine     # my requests, with state


def test_an_application_needs_a_key_of_ones_own_property(app, browser):
    butler = browser("butler")
    north = key_id(app, "配电房", "NORTH")
    with app.app_context():
        before = db.session.query(KeyApplication).count()
    resp = butler.client.post("/admin/key_application/new/", data={
        "csrf_token": butler.token("/admin/key_application/new/"), "kind": "copy",
        "reason": "work_need", "keys": [str(north)], "copies": "1"})
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.query(KeyApplication).count() == before


# -- the chain ---------------------------------------------------------------------

def test_my_approvals_shows_each_step_to_its_role_in_turn(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    row = f'data-table="{T}" data-id="{aid}"'
    assert row in text_of(browser("dept_manager").get("/admin/approvals/"))
    assert row not in text_of(browser("property_manager").get("/admin/approvals/"))
    decide(browser("dept_manager"), T, aid, comment="同意")
    assert row not in text_of(browser("dept_manager").get("/admin/approvals/"))
    assert row in text_of(browser("property_manager").get("/admin/approvals/"))
    decide(browser("property_manager"), T, aid)
    assert application(app, aid).status == "approved"
    assert row not in text_of(browser("property_manager").get("/admin/approvals/"))
    with app.app_context():
        steps = db.session.execute(select(ApprovalDecision).where(
            ApprovalDecision.request_id == aid).order_by(ApprovalDecision.step_index)).scalars()
        assert [(d.step_name, d.actor_id, d.comment) for d in steps] == [
            ("review", staff_id("dept_manager"), "同意"),
            ("approve", staff_id("property_manager"), None)]


def test_each_approval_says_who_is_next(app, browser):
    """The hand-off is visible: step 1 of 2 names the next approver's role; the last
    step says the request is approved."""
    aid = file_application(app, "butler", ["1栋天台门"])
    page = text_of(decide(browser("dept_manager"), T, aid))
    assert "已审批第 1 步（共 2 步），等待物业部经理审批。" in page and "：已批准。" not in page
    page = text_of(decide(browser("property_manager"), T, aid))
    assert "：已批准。" in page and "已审批第" not in page


def test_applicant_cannot_approve_own_request(app, browser):
    aid = file_application(app, "dept_manager", ["1栋天台门"])
    page = decide(browser("dept_manager"), T, aid)
    assert "申请人不能审批自己的申请" in text_of(page)
    assert application(app, aid).current_step == 0
    row = f'data-table="{T}" data-id="{aid}"'
    assert row not in text_of(browser("dept_manager").get("/admin/approvals/"))


def test_same_person_cannot_decide_two_steps(app, browser):
    add_staff(app, "both_mgr", {"dept_manager", "property_manager"})
    aid = file_application(app, "butler", ["1栋天台门"])
    both = browser("both_mgr")
    decide(both, T, aid)
    assert application(app, aid).current_step == 1
    page = decide(both, T, aid)
    assert "您已审批过该申请的前一步" in text_of(page)
    a = application(app, aid)
    assert a.status == "pending" and a.current_step == 1


def test_wrong_role_cannot_approve(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    for who in ("supervisor", "general_manager"):
        page = decide(browser(who), T, aid)
        assert "这一步须由以下角色审批" in text_of(page), who
    clerk = browser("clerk")          # no approve right on the page at all
    resp = clerk.post("/admin/approvals/decide/", {"table": T, "id": aid,
                                                   "decision": "approve"})
    assert resp.status_code == 403
    assert application(app, aid).current_step == 0


def test_approval_out_of_order_is_refused(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    page = decide(browser("property_manager"), T, aid)     # step 2 before step 1
    assert "这一步须由以下角色审批" in text_of(page)
    a = application(app, aid)
    assert a.status == "pending" and a.current_step == 0


def test_another_propertys_manager_cannot_decide(app, browser):
    add_staff(app, "north_mgr", {"dept_manager"}, code="NORTH")
    aid = file_application(app, "butler", ["1栋天台门"])
    assert f'data-id="{aid}"' not in text_of(browser("north_mgr").get("/admin/approvals/"))
    page = decide(browser("north_mgr"), T, aid)
    assert "找不到该申请" in text_of(page)
    assert application(app, aid).current_step == 0


def test_rejection_needs_a_comment_ends_the_request_and_a_new_one_can_be_filed(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    mgr = browser("dept_manager")
    assert "请填写驳回理由" in text_of(decide(mgr, T, aid, "reject"))
    assert application(app, aid).status == "pending"
    decide(mgr, T, aid, "reject", comment="天台门不需要再配")
    assert application(app, aid).status == "rejected"
    page = decide(browser("property_manager"), T, aid)
    assert "该申请已不在等待审批" in text_of(page)
    assert "已驳回" in text_of(browser("butler").get("/admin/approvals/"))
    again = file_application(app, "butler", ["1栋天台门"])
    assert application(app, again).status == "pending"


def test_withdraw_only_by_applicant_or_dept_manager(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    resp = browser("clerk").post_form(f"/admin/key_application/void/?id={aid}",
                                      {"reason": "不是我的"}, follow_redirects=True)
    assert "只有申请人或客服部经理可以撤回" in text_of(resp)
    assert application(app, aid).voided_at is None
    resp = browser("butler").post_form(f"/admin/key_application/void/?id={aid}",
                                       {"reason": "不需要了"})
    assert resp.status_code == 302 and application(app, aid).voided_at is not None
    assert f'data-id="{aid}"' not in text_of(browser("dept_manager").get("/admin/approvals/"))


# -- execution, co-signed ------------------------------------------------------------

def test_execution_before_final_approval_is_refused(app, browser):
    aid = file_application(app, "butler", ["1栋天台门"])
    decide(browser("dept_manager"), T, aid)           # one step of two
    page = execute(browser("clerk"), aid)
    assert "尚未最终批准" in text_of(page)
    assert application(app, aid).executed_at is None


def test_execution_without_cosigner_is_refused(app, browser):
    aid = approved_application(app, browser)
    page = execute(browser("clerk"), aid, cosigner="", secret="")
    assert "须由第二名员工输入其用户名和密码或 PIN 确认" in text_of(page)
    assert application(app, aid).executed_at is None


def test_cosigner_cannot_be_the_executor(app, browser):
    aid = approved_application(app, browser)
    page = execute(browser("clerk"), aid, cosigner="clerk")
    assert "复核人必须是另一名员工" in text_of(page)
    a = application(app, aid)
    assert a.executed_at is None and a.cosigned_by_id is None


def test_wrong_cosigner_password_is_an_error_and_counts_towards_lockout(app, browser):
    aid = approved_application(app, browser)
    clerk = browser("clerk")
    for _ in range(3):                      # LOGIN_MAX_FAILURES is 3 in testing
        page = execute(clerk, aid, cosigner="clerk2", secret="0000")
        assert "复核人" in text_of(page)
    assert application(app, aid).executed_at is None
    with app.app_context():
        state = db.session.get(LoginState, staff_id("clerk2"))
        assert state is not None and state.cosign_locked_until is not None
    # now even the right PIN is refused: clerk2 is locked
    page = execute(clerk, aid, cosigner="clerk2", secret=DEMO_PIN)
    assert "锁定" in text_of(page)
    assert application(app, aid).executed_at is None


def test_cosigner_of_another_property_is_refused(app, browser):
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    aid = approved_application(app, browser)
    page = execute(browser("clerk"), aid, cosigner="north_clerk")
    assert "复核人必须是同一管理处的员工" in text_of(page)
    assert application(app, aid).executed_at is None


def test_inactive_cosigner_is_refused(app, browser):
    from audit import system_actor
    from models.staff import Staff

    aid = approved_application(app, browser)
    with app.app_context(), system_actor("test"):
        db.session.get(Staff, staff_id("clerk2")).active = False
        db.session.commit()
    page = execute(browser("clerk"), aid, cosigner="clerk2")
    assert "复核人" in text_of(page)
    assert application(app, aid).executed_at is None


def test_copy_executed_with_cosigner_creates_the_new_keys_once(app, browser):
    aid = approved_application(app, browser, copies=2)
    clerk = browser("clerk")
    page = execute(clerk, aid, cosigner="clerk2", secret=DEMO_PASSWORD, method="password")
    assert "申请已执行" in text_of(page)
    a = application(app, aid)
    assert a.status == "executed" and a.cosigned_by_id is not None
    with app.app_context():
        assert a.cosigned_by_id == staff_id("clerk2") and a.executed_by_id == staff_id("clerk")
        original = key_id(app, "1栋天台门")
        copies = db.session.execute(select(Key).where(Key.spare_of_id == original)
                                    .order_by(Key.label)).scalars().all()
        assert [k.label for k in copies] == ["1栋天台门-副1", "1栋天台门-副2"]
        assert all(k.status == "spare" and k.property_id == property_id("DEMO")
                   for k in copies)
    # a copy is a spare key: the desk issues it only with the general manager's
    # authorisation
    resp = desk_issue(clerk, "1栋天台门-副1")
    assert resp.status_code == 422 and "项目总经理" in text_of(resp)
    # executing twice is refused, and creates nothing more
    page = execute(clerk, aid)
    assert "已执行过" in text_of(page)
    with app.app_context():
        assert db.session.query(Key).filter(Key.spare_of_id == original).count() == 2


def test_void_application_marks_the_key_and_its_spares_void(app, browser):
    aid = approved_application(app, browser, labels=("配电房",), kind="void", reason="invalid")
    page = execute(browser("clerk"), aid, cosigner="clerk2")
    assert "申请已执行" in text_of(page)
    for label in ("配电房", "配电房-备1"):
        k = get_key(app, label)
        assert k.status == "void" and k.voided_at is not None, label
    assert desk_issue(browser("clerk"), "配电房").status_code == 422


def test_cosign_later_signed_in_as_oneself(app, browser):
    aid = approved_application(app, browser)
    clerk = browser("clerk")
    page = execute(clerk, aid, later=True)
    assert "须第二名员工复核后才生效" in text_of(page)
    a = application(app, aid)
    assert a.status == "approved" and a.executed_at is None and a.executed_by_id is not None
    details = text_of(clerk.get(f"/admin/key_application/details/?id={aid}"))
    assert 'id="cosign-pending"' in details and 'id="cosign-form"' not in details
    # the executor cannot co-sign their own execution
    resp = clerk.post(f"/admin/key_application/cosign/?id={aid}", {}, follow_redirects=True)
    assert "复核人必须是另一名员工" in text_of(resp)
    with app.app_context():
        original = key_id(app, "1栋天台门")
        assert db.session.query(Key).filter(Key.spare_of_id == original).count() == 0
    second = browser("clerk2")
    assert 'id="cosign-form"' in text_of(second.get(f"/admin/key_application/details/?id={aid}"))
    resp = second.post(f"/admin/key_application/cosign/?id={aid}", {}, follow_redirects=True)
    assert "已复核，申请已执行" in text_of(resp)
    a = application(app, aid)
    assert a.status == "executed" and a.cosign_method == "session"
    with app.app_context():
        assert a.cosigned_by_id == staff_id("clerk2")
        assert db.session.query(Key).filter(Key.spare_of_id == original).count() == 1


def test_history_shows_every_step_with_its_actor(app, browser):
    aid = approved_application(app, browser)
    execute(browser("clerk"), aid, cosigner="clerk2")
    with app.app_context():
        entries = entries_for(T, aid)
        got = [(e.action, e.actor_id) for e in entries]
        assert got == [
            ("insert", None),                            # filed by the test helper
            ("approve", staff_id("dept_manager")),
            ("approve", staff_id("property_manager")),
            ("cosign", staff_id("clerk")),
            ("execute", staff_id("clerk")),
        ]
        cosign = entries[3]
        assert '"cosigned_by_id"' in cosign.changes and str(staff_id("clerk2")) in cosign.changes
    page = text_of(browser("dept_manager").get(f"/admin/key_application/history/?id={aid}"))
    for action in ("已批准", "复核", "已执行"):
        assert f">{action}<" in page
    assert 'id="approval-steps"' in text_of(
        browser("auditor").get(f"/admin/key_application/details/?id={aid}"))
