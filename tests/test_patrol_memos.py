"""开联络单 from a patrol problem: the memo form comes pre-filled from the problem, the
memo and the problem are linked both ways (history on both), the problem shows the
memo's state as it is received and answered, one memo per problem, never for a
problem of another property."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.memos import InternalMemo
from models.patrols import PatrolProblem

from .complaint_helpers import memo_form, rows
from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for
from .key_helpers import add_staff
from .patrol_helpers import patrol_form, patrols

LIGHT = {"item": "corridor_lights_ok", "problem": "5楼楼道灯不亮", "location": "1栋5楼",
         "forwarded_to": "engineering"}
MEMO = "/admin/internal_memo/"


def problem_of_new_patrol(app, browser) -> PatrolProblem:
    resp = browser("butler").post_form("/admin/patrol/new/", patrol_form(
        app, failed=("corridor_lights_ok",), problems=[LIGHT]))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return patrols(app)[-1].problems[0]


def problem(app, pk: int) -> PatrolProblem:
    with app.app_context():
        row = db.session.get(PatrolProblem, pk)
        db.session.expunge_all()
        return row


def test_a_memo_opened_from_a_problem_links_both_ways_and_shows_its_state(app, browser):
    p = problem_of_new_patrol(app, browser)
    clerk = browser("clerk")
    details = f"/admin/patrol/details/?id={p.patrol_id}"
    page = clerk.get(details).get_data(as_text=True)
    url = f"{MEMO}new/?patrol_problem={p.id}"
    assert url.replace("&", "&amp;") in page or url in page          # 开联络单
    form = clerk.get(url).get_data(as_text=True)
    assert "5楼楼道灯不亮" in form and "1栋5楼" in form
    resp = clerk.post_form(url, memo_form(content="巡查发现：5楼楼道灯不亮（1栋5楼）"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    memo = rows(app, InternalMemo)[-1]
    assert (memo.link_table, memo.link_id) == ("patrol_problem", p.id)
    linked = problem(app, p.id)
    assert linked.memo_id == memo.id
    with app.app_context():
        assert [e.action for e in entries_for("patrol_problem", p.id)][-1] == "memo_sent"
        assert entries_for("internal_memo", memo.id)[0].action == "insert"
    page = text_of(clerk.get(details))
    assert memo.number in page and "已发出，未接收" in page
    assert "开联络单" not in page                                   # one memo per problem
    assert f"/admin/patrol/details/?id={p.patrol_id}" in clerk.get(
        f"{MEMO}details/?id={memo.id}").get_data(as_text=True)
    # the receiving department acknowledges, then answers: the problem follows
    with app.app_context():
        from models.staff import Staff
        from rules import memos as memo_rules

        m = db.session.get(InternalMemo, memo.id)
        memo_rules.acknowledge(m, db.session.execute(select(Staff).where(
            Staff.username == "general_manager")).scalar_one())
        db.session.commit()
    assert "已接收，未回复" in text_of(clerk.get(details))


def test_a_second_memo_or_a_problem_of_another_property_is_refused(app, browser):
    p = problem_of_new_patrol(app, browser)
    clerk = browser("clerk")
    url = f"{MEMO}new/?patrol_problem={p.id}"
    assert clerk.post_form(url, memo_form()).status_code == 302
    before = len(rows(app, InternalMemo))
    resp = clerk.post_form(MEMO + "new/", memo_form(source_problem=str(p.id)))
    assert resp.status_code == 200 and "该巡查问题已有内部联络单" in text_of(resp)
    assert len(rows(app, InternalMemo)) == before
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    other = problem_of_new_patrol(app, browser)
    resp = browser("north_clerk").post_form(MEMO + "new/", memo_form(
        source_problem=str(other.id)))
    assert resp.status_code == 200 and "该巡查问题不属于您的物业" in text_of(resp)
    assert len(rows(app, InternalMemo)) == before and problem(app, other.id).memo_id is None


def test_a_completed_problem_gets_no_memo(app, browser):
    done = dict(LIGHT, result="已更换灯泡", completed_at=fmt(local_now() - timedelta(minutes=5)))
    resp = browser("butler").post_form("/admin/patrol/new/", patrol_form(
        app, failed=("corridor_lights_ok",), problems=[done]))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    p = patrols(app)[-1].problems[0]
    resp = browser("clerk").post_form(MEMO + "new/", memo_form(source_problem=str(p.id)))
    assert resp.status_code == 200 and "该巡查问题已完成" in text_of(resp)
