"""钥匙登记表 and 抽查记录: labels unique per property, the printable register as of
a date, voiding a key that is out, the spot-check reminder."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from audit import system_actor
from models.base import db, utcnow
from models.keys import Key, KeySpotCheck

from .conftest import text_of
from i18n import local_today

from .helpers import entries_for, property_id
from .key_helpers import desk_issue, get_key, key_id


def new_key(b, label: str, **extra):
    with b.app.app_context():
        demo = property_id("DEMO")
    data = {"property": demo, "label": label, "place": "测试位置", "category": "public",
            "status": "in_use", "holder": "前台", **extra}
    return b.post_form("/admin/key/new/", data)


def test_clerk_registers_a_key_and_labels_are_unique_within_a_property(app, browser):
    clerk = browser("clerk")
    assert new_key(clerk, "地库设备间").status_code == 302
    resp = new_key(clerk, "地库设备间")
    assert resp.status_code == 200 and "已被本管理处的另一把钥匙使用" in text_of(resp)
    with app.app_context():
        assert db.session.query(Key).filter(Key.label == "地库设备间").count() == 1
    # the same label in another property is another lock: allowed (NORTH has 配电房 too)
    assert key_id(app, "配电房", "NORTH") != key_id(app, "配电房", "DEMO")


def test_status_void_cannot_be_typed_in(app, browser):
    resp = new_key(browser("clerk"), "偷偷作废", status="void")
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.execute(select(Key).where(Key.label == "偷偷作废")).first() is None


def test_a_key_that_is_out_cannot_be_voided(app, browser):
    kid = key_id(app, "水泵房")             # out in the demo
    resp = browser("dept_manager").post_form(f"/admin/key/void/?id={kid}",
                                             {"reason": "锁坏了"}, follow_redirects=True)
    assert "须先归还才能作废" in text_of(resp)
    with app.app_context():
        assert db.session.get(Key, kid).voided_at is None


def test_printable_register_as_of_a_date(app, browser):
    assert new_key(browser("clerk"), "今天新配").status_code == 302
    mgr = browser("dept_manager")
    today = text_of(mgr.get(f"/admin/key/print/?as_of={local_today().isoformat()}"))
    assert "今天新配" in today and "配电房" in today
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    before = text_of(mgr.get(f"/admin/key/print/?as_of={yesterday}"))
    assert "今天新配" not in before and "配电房" not in before   # demo keys made today
    assert "北岸 A 座配电房" not in today                          # own property only
    assert mgr.get("/admin/key/print/?as_of=not-a-date").status_code == 400   # not a day


def test_printable_register_shows_what_a_key_was_then(app, browser):
    """A key renamed later still prints under its old place for the earlier moment."""
    kid = key_id(app, "管理处办公室")
    with app.app_context(), system_actor("test"):
        db.session.get(Key, kid).place = "管理处二楼"
        db.session.commit()
    from audit.history import snapshots_as_of

    with app.app_context():
        now = utcnow()
        snaps = snapshots_as_of("key", now)
        assert snaps[str(kid)]["place"] == "管理处二楼"
        first = entries_for("key", kid)[0]
        then = snapshots_as_of("key", first.created_at)
        assert then[str(kid)]["place"] == "管理处一楼"


def test_spot_check_reminder_and_only_property_manager_records(app, browser):
    pm = browser("property_manager")
    page = text_of(pm.get("/admin/key_spot_check/"))
    assert 'id="spot-check-status"' in page and "alert-success" in page   # 20 days ago
    with app.app_context(), system_actor("test"):
        for row in db.session.query(KeySpotCheck):
            row.checked_on = local_today() - timedelta(days=40)
        db.session.commit()
    page = text_of(pm.get("/admin/key_spot_check/"))
    assert "应进行抽查了" in page
    assert browser("clerk").get("/admin/key_spot_check/new/").status_code == 403
    resp = pm.post_form("/admin/key_spot_check/new/", {
        "checked_on": local_today().isoformat(), "keys_checked": "10",
        "discrepancies": "会所活动室挂钩号不符"})
    assert resp.status_code == 302
    assert "应进行抽查了" not in text_of(pm.get("/admin/key_spot_check/"))
    future = (local_today() + timedelta(days=3)).isoformat()
    resp = pm.post_form("/admin/key_spot_check/new/", {"checked_on": future, "keys_checked": "1"},
                        follow_redirects=True)
    assert "抽查日期不能晚于今天" in text_of(resp)


def test_key_details_show_whereabouts_and_history_link(app, browser):
    desk_issue(browser("clerk"), "配电房", borrower="butler", reason="查看电表")
    page = text_of(browser("dept_manager").get(f"/admin/key/details/?id={key_id(app, '配电房')}"))
    assert "查看电表" in page and 'id="history-link"' in page
    clerk_page = text_of(browser("clerk").get(f"/admin/key/details/?id={key_id(app, '配电房')}"))
    assert 'id="history-link"' not in clerk_page
    assert browser("clerk").get(f"/admin/key/history/?id={key_id(app, '配电房')}").status_code == 403


# -- a spare stays a spare unless a manager says otherwise --------------------------

def edit_key(b, label: str, **over):
    """Post the key's edit form the way a browser would: its current values, changed."""
    key = get_key(b.app, label)
    data = {"property": key.property_id, "label": key.label, "place": key.place,
            "category": key.category, "cabinet": key.cabinet or "", "hook": key.hook or "",
            "status": key.status, "holder": key.holder or "",
            "spare_of": key.spare_of_id or "", "custody_agreement": "", "notes": "", **over}
    return b.post_form(f"/admin/key/edit/?id={key.id}", data, follow_redirects=True)


SPARE_EDITS = {
    "category_and_status": {"category": "public", "status": "in_use"},   # the attack
    "status": {"status": "in_use"},
    "category": {"category": "public"},
    "spare_of_cleared": {"spare_of": ""},
}


@pytest.mark.parametrize("edit", list(SPARE_EDITS), ids=list(SPARE_EDITS))
def test_a_clerk_cannot_take_a_key_out_of_the_spare_rule(app, browser, edit):
    """Edit 配电房-备1 to 公共设施 / 在用 (or loose its original), then issue it without
    the general manager: refused on the form, nothing changed, still a spare."""
    before = get_key(app, "配电房-备1")
    clerk = browser("clerk")
    page = text_of(edit_key(clerk, "配电房-备1", **SPARE_EDITS[edit]))
    assert "钥匙 配电房-备1 是备用钥匙：只有物业部经理或项目总经理可以修改" in page
    after = get_key(app, "配电房-备1")
    assert (after.category, after.status, after.spare_of_id, after.version) == \
        (before.category, before.status, before.spare_of_id, before.version)
    resp = desk_issue(clerk, "配电房-备1")
    assert resp.status_code == 422 and "项目总经理" in text_of(resp)


def test_a_clerk_may_still_edit_a_spares_other_fields(app, browser):
    page = text_of(edit_key(browser("clerk"), "配电房-备1", hook="02"))
    assert "是备用钥匙" not in page
    after = get_key(app, "配电房-备1")
    assert after.hook == "02" and after.category == "spare" and after.spare_of_id is not None


@pytest.mark.parametrize("manager", ["property_manager", "general_manager"])
def test_a_manager_may_take_a_key_out_of_the_spare_rule(app, browser, manager):
    edit_key(browser(manager), "配电房-备1", category="public", status="in_use", spare_of="")
    after = get_key(app, "配电房-备1")
    assert (after.category, after.status, after.spare_of_id) == ("public", "in_use", None)
    assert desk_issue(browser("clerk"), "配电房-备1").status_code == 302
