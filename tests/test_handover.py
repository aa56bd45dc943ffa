"""交接班记录表: the outgoing clerk enters the handover, the incoming one co-signs with
their own PIN (on the form or later, signed in); keys, deposits, service-order numbers
and charged orders are computed from the registers and snapshotted; each refusal of
the guide writes nothing; a co-signed handover is never edited; open matters carry
over; shift ends without a co-signed handover are due; prints; roles and property."""
from __future__ import annotations

from datetime import timedelta

import pytest

from i18n import local_now, utc_to_local
from models.base import db, utcnow
from models.handover import ShiftHandover
from models.staff import Staff
from rules import handover as handover_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .custody_helpers import fmt
from .handover_helpers import (URL, expected_keys, form_errors, handover_form, handovers,
                               with_matter, without_carried, carried)
from .helpers import entries_for, staff_id
from .key_helpers import add_staff


def sid(app, username: str) -> int:
    with app.app_context():
        return staff_id(username)


def test_outgoing_enters_and_incoming_cosigns_on_the_same_form(app, browser):
    resp = browser("clerk").post_form(URL + "new/", with_matter(
        handover_form(app), "电梯异响，已约维保 明早 9 点", orally_handed="y",
        butler=sid(app, "butler")))
    assert resp.status_code == 302, form_errors(resp)
    h = handovers(app)[-1]
    assert h.outgoing_id == sid(app, "clerk") and h.incoming_id == sid(app, "clerk2")
    assert h.cosigned_by_id == sid(app, "clerk2") and h.cosign_method == "pin"
    assert h.keys_expected == expected_keys(app) == h.keys_counted
    assert set(h.sections) >= {"keys", "deposits", "orders", "finance"}
    assert h.sections["keys"]["out"][0]["key"] == "水泵房"          # the open checkout
    assert any("1-302寄存" in r for r in h.sections["deposits"]["rows"])
    assert [(m.text, m.butler_id, m.orally_handed) for m in h.matters] == [
        ("3-801 投诉夜间车辆乱停，待保安回复", sid(app, "butler"), True),    # carried over
        ("电梯异响，已约维保 明早 9 点", sid(app, "butler"), True)]
    with app.app_context():
        assert [e.action for e in entries_for("shift_handover", h.id)] == ["insert"]
    page = text_of(browser("clerk").get(URL + f"details/?id={h.id}"))
    assert "已签字" in page and "水泵房" in page and "钥匙交接" in page
    # the stored snapshot (JSON) reads as section titles and lines in the history
    history = text_of(browser("auditor").get(URL + f"history/?id={h.id}"))
    assert "1-302寄存" in history and "rows&#34;" not in history and "rows&quot;" not in history


def test_without_the_cosign_it_waits_and_only_the_incoming_person_signs(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(
        app, cosign=False)).status_code == 302
    h = handovers(app)[-1]
    assert h.cosigned_by_id is None
    page = text_of(browser("clerk").get(URL))
    assert "等待接班人签字" in page
    assert "等待接班人签字" in text_of(browser("clerk").get(URL + f"details/?id={h.id}"))
    # in the incoming person's co-signs waiting list, not in others'
    assert f"{URL}details/?id={h.id}" in browser("clerk2").get("/admin/").get_data(as_text=True)
    assert f"{URL}details/?id={h.id}" not in browser("butler").get("/admin/").get_data(
        as_text=True)
    for who in ("clerk", "butler"):     # the outgoing person, another desk person
        browser(who).post(URL + f"cosign/?id={h.id}", {})
        assert handovers(app)[-1].cosigned_by_id is None, who
    resp = browser("clerk2").post(URL + f"cosign/?id={h.id}", {})
    assert resp.status_code == 302
    done = handovers(app)[-1]
    assert done.cosigned_by_id == sid(app, "clerk2") and done.cosign_method == "session"
    with app.app_context():
        assert [e.action for e in entries_for("shift_handover", h.id)] == ["insert", "cosign"]


@pytest.mark.parametrize("over,message", [
    ({"incoming": "SELF"}, "接班人不能是交班人本人"),
    ({"keys_counted": "OFF"}, "请说明差异"),
    ({"deposits_checked": None}, "件物品在寄存中"),
    ({"shift": "night", "charged_orders_handed": None}, "夜班下班前须将收费服务单交财务部"),
    ({"handed_over_at": "FUTURE"}, "交班时间不能是将来时间"),
    ({"cosigner_username": "butler"}, "只有交接班记录上的接班人"),
    ({"DROP_CARRIED": True}, "上一班的未完成事项“3-801 投诉夜间车辆乱停，待保安回复”没有交接"),
])
def test_refusals_are_form_messages_and_write_nothing(app, browser, over, message):
    values = {"SELF": str(sid(app, "clerk")), "OFF": str(expected_keys(app) - 1),
              "FUTURE": fmt(local_now() + timedelta(hours=2))}
    data = handover_form(app, **{k: values.get(v, v) for k, v in over.items()
                                 if k != "DROP_CARRIED"})
    if over.get("DROP_CARRIED"):                   # the carried line replaced by another
        data["matters-0-text"] = "今日无其他事项"
    if over.get("deposits_checked", "") is None:
        data.pop("deposits_checked", None)
    if "charged_orders_handed" in over:
        data.pop("charged_orders_handed", None)
    before = len(handovers(app))
    resp = browser("clerk").post_form(URL + "new/", data)
    assert resp.status_code == 200, (resp.status_code, resp.location)
    assert message in text_of(resp), form_errors(resp)
    assert len(handovers(app)) == before


def test_a_key_difference_with_its_explanation_is_accepted(app, browser):
    resp = browser("clerk").post_form(URL + "new/", handover_form(
        app, keys_counted=str(expected_keys(app) - 1), key_discrepancy="配电房钥匙工程部借出未登记"))
    assert resp.status_code == 302, form_errors(resp)
    assert handovers(app)[-1].key_discrepancy == "配电房钥匙工程部借出未登记"


@pytest.mark.parametrize("case,message", [
    ("inactive", "inactive_clerk 不是在职员工"), ("north", "接班人必须是本管理处的员工"),
])
def test_incoming_inactive_or_of_another_property_is_refused(app, browser, case, message):
    """Refused by the rule (the form's choices do not even offer them)."""
    other = add_staff(app, f"{case}_clerk", {"clerk"}, code="NORTH" if case == "north" else "DEMO")
    with app.app_context():
        person = db.session.get(Staff, other)
        person.active = case != "inactive"
        db.session.commit()
        clerk = db.session.get(Staff, sid(app, "clerk"))
        h = ShiftHandover(property_id=clerk.property_id, outgoing_id=clerk.id, shift="day",
                          handed_over_at=utcnow())
        with pytest.raises(RuleViolation, match=message):
            handover_rules.check_incoming(h, person)
        db.session.rollback()
    before = len(handovers(app))
    resp = browser("clerk").post_form(URL + "new/", handover_form(app, incoming=str(other)))
    assert resp.status_code == 200 and len(handovers(app)) == before


def test_no_edit_after_the_cosign_only_void(app, browser):
    b = browser("clerk")
    assert b.post_form(URL + "new/", handover_form(app, cosign=False)).status_code == 302
    h = handovers(app)[-1]
    resp = b.post_form(URL + f"edit/?id={h.id}", handover_form(app, cosign=False,
                                                               duty_log="补充：电梯维保完成"))
    assert resp.status_code == 302, form_errors(resp)
    assert handovers(app)[-1].duty_log == "补充：电梯维保完成"      # before the co-sign: fine
    assert browser("clerk2").post(URL + f"cosign/?id={h.id}", {}).status_code == 302
    resp = b.post_form(URL + f"edit/?id={h.id}", handover_form(app, cosign=False,
                                                               duty_log="事后改写"))
    assert "已签字，不能修改" in text_of(resp)
    assert handovers(app)[-1].duty_log == "补充：电梯维保完成"
    assert browser("clerk").post(URL + f"void/?id={h.id}", {"reason": "重复"}).status_code == 403
    assert browser("supervisor").post_form(URL + f"void/?id={h.id}",
                                           {"reason": "重复"}).status_code == 302
    assert handovers(app)[-1].voided_at is not None


def test_open_matters_carry_over_until_closed(app, browser):
    data = with_matter(with_matter(handover_form(app), "电梯异响待维保"), "快递已转交业主",
                       status="closed")
    assert browser("clerk").post_form(URL + "new/", data).status_code == 302
    page = browser("clerk2").get(URL + "new/").get_data(as_text=True)
    assert "电梯异响待维保" in page and "快递已转交业主" not in page
    data = without_carried(handover_form(app, incoming=str(sid(app, "clerk")),
                                         cosigner_username="clerk"))
    data.update({k: v for k, v in carried(app, "clerk2").items()})
    data = {k: ("closed" if v == "open" and "电梯异响待维保" == data.get(k.replace("status", "text"))
                else v) for k, v in data.items()}
    assert browser("clerk2").post_form(URL + "new/", data).status_code == 302
    assert "电梯异响待维保" not in browser("clerk").get(URL + "new/").get_data(as_text=True)


def test_a_shift_end_without_a_cosigned_handover_is_due(app, browser):
    now = utcnow()
    from sqlalchemy import select

    from audit import system_actor

    with app.app_context(), system_actor("test"):
        # the demo's handover, co-signed half an hour before the template was built,
        # lies near a shift end for three hours after one (every evening from 20:00):
        # voided here, so the last two shift ends are the test's own at any hour
        for old in db.session.execute(select(ShiftHandover)).scalars():
            old.voided_at, old.void_reason = now, "test"
        db.session.commit()
    with app.app_context():
        clerk = db.session.get(Staff, sid(app, "clerk"))
        missing = handover_rules.missing_handovers(clerk, now)
    assert len(missing) == 2                       # the last day and night shift ends
    assert "交班未签字的班次" in text_of(browser("clerk").get("/admin/"))
    shift, end = missing[-1]
    at = fmt(utc_to_local(end) - timedelta(minutes=10))
    assert browser("clerk").post_form(URL + "new/", handover_form(
        app, cosign=False, shift=shift, handed_over_at=at)).status_code == 302
    with app.app_context():                        # waiting for the co-sign: still due
        clerk = db.session.get(Staff, sid(app, "clerk"))
        assert len(handover_rules.missing_handovers(clerk, now)) == 2
    h = handovers(app)[-1]
    assert browser("clerk2").post(URL + f"cosign/?id={h.id}", {}).status_code == 302
    with app.app_context():
        clerk = db.session.get(Staff, sid(app, "clerk"))
        assert handover_rules.missing_handovers(clerk, now) == missing[:-1]


def test_printable_handover_and_month_bundle(app, browser):
    def bundle() -> str:
        return browser("clerk").get(URL + "month/", query_string={
            "month": f"{local_now():%Y-%m}"}).get_data(as_text=True)

    before = bundle().count('class="handover"')
    assert browser("clerk").post_form(URL + "new/", handover_form(
        app, duty_log="月底装订测试")).status_code == 302
    h = handovers(app)[-1]
    page = text_of(browser("clerk").get(URL + f"print/?id={h.id}"))
    assert "交接班记录表" in page and "水泵房" in page and "接班人签字" in page
    after = bundle()
    assert after.count('class="handover"') == before + 1 and "月底装订测试" in after
    assert browser("clerk").get(URL + "month/?month=2026-13").status_code == 400


def test_search_by_duty_log(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(
        app, duty_log="地库积水已抽干")).status_code == 302
    for term in ("积水", "地库积水已抽干"):
        assert "地库积水已抽干" in text_of(browser("clerk").get(URL, query_string={"search": term}))
    assert "地库积水已抽干" not in text_of(browser("clerk").get(URL,
                                                             query_string={"search": "无此"}))


def test_roles_and_other_property_are_kept_out(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(app)).status_code == 302
    h = handovers(app)[-1]
    for who in ("security", "courier", "finance"):
        assert browser(who).get(URL).status_code == 403, who
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    north = browser("north_clerk")
    assert "白班平稳" not in text_of(north.get(URL))
    assert north.get(URL + f"print/?id={h.id}").status_code == 404


def test_another_register_adds_a_section_through_the_registry(app, browser):
    """The hook the notice register (重要信息) uses: a section of its own, snapshotted
    and checked like the built-in ones."""
    from rules.handover_sections import SECTIONS, section

    def refuse(h, data):
        if data["rows"] and not (h.incident_note or "").strip():
            raise RuleViolation("有未落实的重要信息，请在备注说明")

    @section("notices_test", "未落实重要信息", refuse)
    def notices(h, user):
        return {"rows": ["停水通知 3 栋未送达"]}

    try:
        resp = browser("clerk").post_form(URL + "new/", handover_form(app))
        assert "有未落实的重要信息" in text_of(resp)
        resp = browser("clerk").post_form(URL + "new/", handover_form(app, incident_note="已交管家"))
        assert resp.status_code == 302
        assert handovers(app)[-1].sections["notices_test"]["rows"] == ["停水通知 3 栋未送达"]
    finally:
        SECTIONS[:] = [s for s in SECTIONS if s.name != "notices_test"]


def test_handovers_are_listed_newest_first_in_local_time(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(app)).status_code == 302
    h = handovers(app)[-1]
    with app.app_context():
        shown = f"{utc_to_local(h.handed_over_at):%Y-%m-%d %H:%M}"
    page = text_of(browser("clerk").get(URL))
    assert shown in page and "交接班记录表" in page
