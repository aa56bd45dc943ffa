"""What every register inherits from ``RegisterView``: void instead of delete,
stale-edit refusal, property scoping, and clear errors instead of 500s."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import Building, Unit
from audit import system_actor
from models.base import db

from .conftest import text_of
from .helpers import building_named, entries_for, property_id, staff_id


def make_building(app, name: str, code: str = "DEMO") -> int:
    from audit import system_actor

    with app.app_context(), system_actor("test"):
        b = Building(property_id=property_id(code), name=name, floors=6)
        db.session.add(b)
        db.session.commit()
        return b.id


# -- void instead of delete ------------------------------------------------------

def test_void_needs_a_reason(app, browser):
    bid = make_building(app, "作废测试楼")
    resp = browser("dept_manager").post_form(f"/admin/building/void/?id={bid}", {"reason": ""})
    assert resp.status_code == 200 and "必填" in text_of(resp)
    with app.app_context():
        assert db.session.get(Building, bid).voided_at is None


def test_voided_rows_stay_listed_marked_and_cannot_be_edited(app, browser):
    bid = make_building(app, "作废后仍显示")
    mgr = browser("dept_manager")
    assert mgr.post_form(f"/admin/building/void/?id={bid}", {"reason": "录入错误"}).status_code == 302
    listing = text_of(mgr.get("/admin/building/?search=作废后仍显示"))
    assert "作废后仍显示" in listing and "void-badge" in listing and "录入错误" in listing
    details = text_of(mgr.get(f"/admin/building/details/?id={bid}"))
    assert 'id="void-banner"' in details
    with app.app_context():
        demo = property_id("DEMO")
    resp = mgr.post_form(f"/admin/building/edit/?id={bid}",
                         {"name": "偷偷改名", "property": demo}, follow_redirects=True)
    assert "已作废的记录不能修改" in text_of(resp)
    with app.app_context():
        assert db.session.get(Building, bid).name == "作废后仍显示"
    again = mgr.get(f"/admin/building/void/?id={bid}", follow_redirects=True)
    assert "该记录已作废" in text_of(again)


def test_delete_is_refused_even_for_admin_and_not_offered(app, browser):
    bid = make_building(app, "不能删除")
    adm = browser("admin")
    assert adm.post("/admin/building/delete/", {"id": bid}).status_code == 403
    resp = adm.post("/admin/building/action/", {"action": "delete", "rowid": bid})
    assert resp.status_code in (302, 200)
    with app.app_context():
        assert db.session.get(Building, bid) is not None
    assert 'value="delete"' not in text_of(adm.get("/admin/building/"))


# -- optimistic concurrency ------------------------------------------------------

def test_a_stale_edit_is_refused_and_the_first_edit_survives(app, browser):
    bid = make_building(app, "并发楼")
    with app.app_context():
        demo = property_id("DEMO")
    first, second = browser("supervisor"), browser("dept_manager")
    url = f"/admin/building/edit/?id={bid}"
    form_a = first.open_form(url)
    form_b = second.open_form(url)          # both opened the same version
    assert first.post_form(url, {"name": "并发楼-甲", "property": demo},
                           hidden=form_a).status_code == 302
    resp = second.post_form(url, {"name": "并发楼-乙", "property": demo}, hidden=form_b)
    assert resp.status_code == 200
    assert "已有其他人修改" in text_of(resp)
    with app.app_context():
        assert db.session.get(Building, bid).name == "并发楼-甲"
        assert [e.action for e in entries_for("building", bid)] == ["insert", "update"]


def test_the_version_seen_travels_with_each_form(app, browser):
    """The version a user saw is a hidden input of their own form: opening another
    record's form in between (a colleague, another tab) must not change it."""
    a, b = make_building(app, "版本甲楼"), make_building(app, "版本乙楼")
    with app.app_context():
        demo = property_id("DEMO")
    sup, mgr = browser("supervisor"), browser("dept_manager")
    url_a, url_b = f"/admin/building/edit/?id={a}", f"/admin/building/edit/?id={b}"
    form_a = sup.open_form(url_a)
    assert form_a.get("version_seen") == "1"
    assert mgr.post_form(url_b, {"name": "版本乙楼-1", "property": demo}).status_code == 302
    assert mgr.open_form(url_b).get("version_seen") == "2"       # opened after the edit
    resp = sup.post_form(url_a, {"name": "版本甲楼-改", "property": demo}, hidden=form_a)
    assert resp.status_code == 302, "an edit of A was refused because B's form was opened"
    # and a form posted without its version is refused, not waved through
    resp = sup.post_form(url_a, {"name": "版本甲楼-无版本", "property": demo,
                                 "version_seen": ""})
    assert resp.status_code == 200 and "已有其他人修改" in text_of(resp)
    with app.app_context():
        assert db.session.get(Building, a).name == "版本甲楼-改"


def test_the_database_refuses_an_update_from_a_stale_read(app):
    """Between loading and saving, the version column still guards the row."""
    bid = make_building(app, "版本楼")
    with app.app_context():
        from audit import system_actor

        with system_actor("test"), Session(db.engine) as a, Session(db.engine) as b:
            row_a = a.get(Building, bid)
            row_b = b.get(Building, bid)
            row_b.name = "B 先保存"
            b.commit()
            row_a.name = "A 后保存"
            with pytest.raises(StaleDataError):
                a.commit()
        assert db.session.get(Building, bid).name == "B 先保存"


# -- property scoping -------------------------------------------------------------

def test_staff_never_see_or_touch_another_propertys_rows(app, browser):
    north = make_building(app, "北岸1栋", code="NORTH")
    clerk = browser("clerk")
    assert "北岸1栋" not in text_of(clerk.get("/admin/building/"))
    resp = clerk.get(f"/admin/building/details/?id={north}", follow_redirects=True)
    assert "北岸1栋" not in text_of(resp) and "记录不存在" in text_of(resp)
    sup = browser("supervisor")
    resp = sup.get(f"/admin/building/edit/?id={north}", follow_redirects=True)
    assert "记录不存在" in text_of(resp)
    mgr = browser("dept_manager")
    resp = mgr.post(f"/admin/building/void/?id={north}", {"reason": "跨区作废"},
                    follow_redirects=True)
    assert "记录不存在" in text_of(resp)
    with app.app_context():
        assert db.session.get(Building, north).voided_at is None
    # ajax lookups for the unit form only offer the user's own property's buildings
    lookup = sup.get("/admin/unit/ajax/lookup/?name=building&query=北岸")
    assert lookup.status_code == 200 and lookup.get_json() == []
    # and a posted id from another property is rejected, nothing written
    with app.app_context():
        before = db.session.execute(select(Unit.id)).all()
    resp = sup.post_form("/admin/unit/new/", {"building": north, "room": "N-101"})
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.execute(select(Unit.id)).all() == before
    # while one of the user's own buildings is accepted (the same ajax field)
    own = make_building(app, "本区新楼")
    resp = sup.post_form("/admin/unit/new/", {"building": own, "room": "X-101"})
    assert resp.status_code == 302
    with app.app_context():
        unit = db.session.execute(select(Unit).where(Unit.room == "X-101")).scalar_one()
        assert unit.building_id == own and unit.property_id == property_id("DEMO")
    # head office sees both
    assert "北岸1栋" in text_of(browser("auditor").get("/admin/building/"))


def test_a_property_cannot_be_chosen_outside_ones_own(app, browser):
    with app.app_context():
        north = property_id("NORTH")
    resp = browser("supervisor").post_form("/admin/building/new/",
                                           {"property": north, "name": "越权楼"})
    assert resp.status_code == 200
    with app.app_context():
        assert building_named("越权楼") is None


def test_ajax_lookup_limit_is_capped(app, browser):
    for i in range(30):
        make_building(app, f"批量楼{i:02d}")
    resp = browser("supervisor").get("/admin/unit/ajax/lookup/?name=building&query=批量&limit=1000")
    assert resp.status_code == 200 and len(resp.get_json()) == 20


# -- bad input: clear errors, never 500 ----------------------------------------------

@pytest.mark.parametrize("url", [
    "/admin/building/details/?id=1,2", "/admin/building/details/?id=abc",
    "/admin/building/edit/?id=1;drop", "/admin/building/?page=-5", "/admin/building/?page=abc",
    "/admin/building/?sort=99", "/admin/building/?flt0_0=zzz", "/admin/building/void/?id=",
])
def test_bad_query_strings_do_not_500(app, browser, url):
    assert browser("dept_manager").get(url).status_code < 500


def test_required_fields_get_form_errors_and_nothing_is_written(app, browser):
    with app.app_context():
        count = db.session.query(Building).count()
    resp = browser("supervisor").post_form("/admin/building/new/", {"name": ""})
    assert resp.status_code == 200 and "必填" in text_of(resp)
    with app.app_context():
        assert db.session.query(Building).count() == count


def test_lists_cap_the_count_and_give_the_exact_number_on_request(app, browser):
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "building")
    view.count_cap = 2                     # the demo has 3 buildings at DEMO
    sup = browser("supervisor")
    page = text_of(sup.get("/admin/building/"))
    assert "(2+)" in page and 'id="exact-count-link"' in page
    assert all(f"{i}栋" in page for i in (1, 2, 3))        # the rows are all there
    page = text_of(sup.get("/admin/building/?exact=1"))
    assert "(3)" in page and 'id="exact-count-link"' not in page
    page = text_of(sup.get("/admin/building/?search=2栋"))
    assert "(1)" in page and "2栋" in page and "3栋" not in page


def test_the_cached_menu_follows_a_role_change(app, browser):
    """The navigation bar is rendered once per user, roles, language and page
    (admin_views/menu.py); a role change must show the new menu at once."""
    from models.staff import Staff

    clerk = browser("clerk")
    assert "公共信息记录表" in text_of(clerk.get("/admin/key_desk/"))
    with app.app_context(), system_actor("test"):
        db.session.get(Staff, staff_id("clerk")).role_set = {"security"}
        db.session.commit()
    page = text_of(clerk.get("/admin/key_desk/"))       # the same page: security uses it too
    assert "公共信息记录表" not in page
    assert clerk.get("/admin/public_info/").status_code == 403
