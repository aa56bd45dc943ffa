"""公共区域巡查记录表: the patroller is the signed-in butler or supervisor; a checklist
item not in order needs its problem row; no patrol in the future; the manager (or
the supervisor deputising) reviews, never the patroller; a reviewed patrol keeps what
was seen while its problems are followed up; due: areas without a butler or not
patrolled today, patrols not reviewed by the next day, problems open more than three
days (the manager's); other roles and the other property kept out."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from audit import system_actor
from i18n import local_now, utc_to_local
from models.base import db, utcnow
from models.patrols import Patrol, PatrolArea
from models.staff import Staff
from rules import patrols as patrol_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for, property_id, staff_id
from .key_helpers import add_staff
from .patrol_helpers import area_id, patrol_form, patrols

LIGHT = {"item": "corridor_lights_ok", "problem": "3楼楼道灯不亮", "location": "1栋3楼",
         "forwarded_to": "engineering"}


def record(browser, app, who: str = "butler", **kw):
    return browser(who).post_form("/admin/patrol/new/", patrol_form(app, **kw))


def test_butler_records_a_patrol_with_a_failed_item_and_its_problem(app, browser):
    typed = local_now().replace(second=0) - timedelta(minutes=30)
    before = len(patrols(app))
    resp = record(browser, app, failed=("corridor_lights_ok",), problems=[LIGHT],
                  patrolled_at=fmt(typed), corridor_lights_ok_note="声控失灵")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    rows = patrols(app)
    assert len(rows) == before + 1
    new = rows[-1]
    assert new.corridor_lights_ok is False and new.floor_clean is True
    assert new.corridor_lights_ok_note == "声控失灵"
    [problem] = new.problems
    assert (problem.item, problem.location, problem.forwarded_to) == (
        "corridor_lights_ok", "1栋3楼", "engineering")
    assert problem.property_id == new.property_id and problem.memo_id is None
    with app.app_context():
        assert new.butler_id == staff_id("butler")
        assert utc_to_local(new.patrolled_at) == typed
        assert entries_for("patrol", new.id)[0].action == "insert"
        assert entries_for("patrol_problem", problem.id)[0].action == "insert"
    page = text_of(browser("butler").get(f"/admin/patrol/details/?id={new.id}"))
    assert "3楼楼道灯不亮" in page and "待审阅" in page


@pytest.mark.parametrize("data, message", [
    (dict(failed=("corridor_lights_ok",)), "请为每个不正常的项目登记发现的问题：楼道灯开启正常"),
    # a problem about another item does not answer for the failed one
    (dict(failed=("fire_doors_ok", "tiles_ok"), problems=[{**LIGHT, "item": "fire_doors_ok"}]),
     "地面及墙面瓷砖无破损"),
    (dict(patrolled_at=fmt(local_now() + timedelta(hours=2))), "巡查时间（不能是将来时间）"),
    (dict(failed=("corridor_lights_ok",), problems=[{**LIGHT, "problem": " "}]),
     "请描述发现的每个问题"),
])
def test_refused_patrols_write_nothing(app, browser, data, message):
    before = len(patrols(app))
    resp = record(browser, app, **data)
    assert resp.status_code == 200, resp.status_code
    assert message in text_of(resp)
    assert len(patrols(app)) == before


def test_the_manager_reviews_and_the_patroller_cannot(app, browser):
    assert record(browser, app, "supervisor", area=area_id(app, "2栋、3栋"),
                  failed=("corridor_lights_ok",), problems=[LIGHT]).status_code == 302
    new = patrols(app)[-1]
    # the supervisor may deputise for the review, but not of their own patrol
    sup = browser("supervisor")
    resp = sup.post_form(f"/admin/patrol/review/?id={new.id}", {"opinion": "自己审"})
    assert resp.status_code == 200 and "巡查人不能审阅自己的巡查记录" in text_of(resp)
    assert patrols(app)[-1].reviewed_at is None
    # a butler may not review at all (the matrix)
    butler = browser("butler")
    assert butler.get(f"/admin/patrol/review/?id={new.id}").status_code == 403
    # open problems need an opinion
    mgr = browser("dept_manager")
    resp = mgr.post_form(f"/admin/patrol/review/?id={new.id}", {"opinion": ""})
    assert "请给出解决问题的意见" in text_of(resp)
    assert patrols(app)[-1].reviewed_at is None
    resp = mgr.post_form(f"/admin/patrol/review/?id={new.id}", {"opinion": "请工程部今日更换"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    done = patrols(app)[-1]
    with app.app_context():
        assert done.reviewed_by_id == staff_id("dept_manager")
        assert utcnow() - done.reviewed_at < timedelta(minutes=1)
        assert done.review_opinion == "请工程部今日更换"
        assert entries_for("patrol", new.id)[-1].action == "review"
    # reviewed once only
    resp = mgr.post_form(f"/admin/patrol/review/?id={new.id}", {"opinion": "再审"})
    assert patrols(app)[-1].review_opinion == "请工程部今日更换"


def test_the_supervisor_deputises_for_a_butlers_patrol(app, browser):
    assert record(browser, app).status_code == 302
    new = patrols(app)[-1]
    resp = browser("supervisor").post_form(f"/admin/patrol/review/?id={new.id}",
                                           {"opinion": ""})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert patrols(app)[-1].reviewed_by_id == staff_id("supervisor")


def test_a_reviewed_patrol_keeps_what_was_seen_while_problems_are_followed_up(app, browser):
    with app.app_context():
        old = db.session.execute(select(Patrol).where(Patrol.reviewed_at.is_not(None))
                                 ).scalars().first()
        pid, problem = old.id, old.problems[0]
        base = patrol_form(app, failed=("corridor_lights_ok",),
                           patrolled_at=fmt(utc_to_local(old.patrolled_at)),
                           corridor_lights_ok_note=old.corridor_lights_ok_note,
                           renovation=old.renovation, customer_info=old.customer_info or "")
        row = {"problems-0-id": problem.id, "problems-0-item": problem.item,
               "problems-0-problem": problem.problem, "problems-0-location": problem.location,
               "problems-0-forwarded_to": problem.forwarded_to,
               "problems-0-tracker": problem.tracker_id}
    b = browser("butler")
    url = f"/admin/patrol/edit/?id={pid}"
    resp = b.post_form(url, {**base, **row, "fire_doors_ok": ""})
    assert "已审阅" in text_of(resp) and resp.status_code == 200
    resp = b.post_form(url, {**base, **row, "problems-0-result": "已更换灯具",
                             "problems-0-completed_at": fmt(local_now())})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        done = db.session.get(Patrol, pid)
        assert done.fire_doors_ok is True
        assert done.problems[0].result == "已更换灯具" and not done.problems[0].is_open


def test_due_areas_reviews_and_old_problems(app, browser):
    with app.app_context():
        mgr = db.session.get(Staff, staff_id("dept_manager"))
        butler = db.session.get(Staff, staff_id("butler"))
        assert [r.obj.name for r in patrol_rules.vacant_areas(mgr)] == ["地下车库及会所"]
        # the butler's own area is due today; the supervisor's is not on the butler's list
        assert [r.obj.name for r in patrol_rules.areas_not_patrolled(butler)] == ["1栋及中心花园"]
        assert {r.obj.name for r in patrol_rules.areas_not_patrolled(mgr)} == {
            "1栋及中心花园", "2栋、3栋"}
        assert [r.overdue for r in patrol_rules.patrols_to_review(mgr)] == [False]
        assert len(patrol_rules.problems_open_too_long(mgr)) == 1
    dash = text_of(browser("dept_manager").get("/admin/"))
    assert "没有责任管家的巡查区域" in dash and "未处理超过 3 天的巡查问题" in dash
    assert "未处理超过 3 天的巡查问题" not in text_of(browser("butler").get("/admin/"))
    # a patrol today clears the area; one from two days ago is late for review
    assert record(browser, app).status_code == 302
    assert record(browser, app, patrolled_at=fmt(local_now() - timedelta(days=2))
                  ).status_code == 302
    with app.app_context():
        mgr = db.session.get(Staff, staff_id("dept_manager"))
        assert [r.obj.name for r in patrol_rules.areas_not_patrolled(mgr)] == ["2栋、3栋"]
        assert sum(r.overdue for r in patrol_rules.patrols_to_review(mgr)) == 1
    page = text_of(browser("dept_manager").get("/admin/patrols_due/"))
    assert "次日未审阅的巡查" in text_of(browser("dept_manager").get("/admin/"))
    assert "楼道灯不亮" in page and "地下车库及会所" in page


def test_a_clerk_is_not_an_areas_butler_and_butlers_do_not_assign_areas(app, browser):
    sup = browser("supervisor")
    form = sup.get("/admin/patrol_area/new/").get_data(as_text=True)
    assert "李建国" in form and "王晓燕" not in form          # butlers offered, not clerks
    resp = sup.post_form("/admin/patrol_area/new/", {
        "name": "西门岗亭", "scope": "西门", "butler": staff_id_of(app, "butler")})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert browser("butler").get("/admin/patrol_area/new/").status_code == 403
    with app.app_context(), system_actor("test"):
        area = db.session.get(PatrolArea, area_id(app, "西门岗亭"))
        assert area.butler_id == staff_id("butler")
        area.butler_id = staff_id("clerk")
        db.session.expire(area, ["butler"])
        with pytest.raises(RuleViolation, match="区域责任人必须是区域管家或客服主管"):
            patrol_rules.check_area(area)
        db.session.rollback()


def test_roles_and_the_other_property_are_kept_out(app, browser):
    for who in ("security", "courier", "finance"):
        assert browser(who).get("/admin/patrol/").status_code == 403
    assert browser("clerk").get("/admin/patrol/new/").status_code == 403
    assert browser("dept_manager").get("/admin/patrol/new/").status_code == 403
    add_staff(app, "north_butler", {"butler"}, code="NORTH")
    nb = browser("north_butler")
    first = patrols(app)[0]
    assert "1栋及中心花园" not in text_of(nb.get("/admin/patrol/"))
    assert nb.get(f"/admin/patrol/details/?id={first.id}").status_code in (302, 404)
    before = len(patrols(app))
    resp = nb.post_form("/admin/patrol/new/", patrol_form(app))      # a DEMO area
    assert resp.status_code == 200 and len(patrols(app)) == before
    with app.app_context():
        north = db.session.get(Staff, staff_id("north_butler"))
        assert patrol_rules.vacant_areas(north) == []
        assert property_id("NORTH") != first.property_id


def staff_id_of(app, username: str) -> int:
    with app.app_context():
        return staff_id(username)
