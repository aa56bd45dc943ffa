"""交接班: the property's own shift times (set by its managers, used by the handover's
due items and sections), the late handover (seed 001 4.2.1: done 10 minutes before
the shift ends, flagged on the list, the record and the supervisors' dashboard), and
已阅 (交接班管理制度: everyone of the desk reads the handover; once each; a handover
no supervisor read within a day is due)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from i18n import local_to_utc, utc_to_local
from models.base import db, utcnow
from models.handover import HandoverRead, ShiftHandover, ShiftSetting
from models.staff import Staff
from rules import handover as handover_rules
from rules import handover_reads, handover_times

from .conftest import text_of
from .custody_helpers import fmt
from .handover_helpers import URL, form_errors, handover_form, handovers
from .helpers import entries_for, property_id, staff_id

SETTINGS = "/admin/shift_setting/"


def user(username: str) -> Staff:
    return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def set_times(app, browser, who="dept_manager", day="07:00", night="19:00", lead="10",
              url=SETTINGS + "new/"):
    with app.app_context():
        demo = str(property_id("DEMO"))
    return browser(who).post_form(url, {
        "property": demo, "day_starts": day, "night_starts": night, "lead_minutes": lead})


def test_the_managers_set_the_propertys_shift_times_and_the_due_items_use_them(app, browser):
    assert browser("clerk").get(SETTINGS + "new/").status_code == 403
    assert browser("supervisor").get(SETTINGS + "new/").status_code == 403
    with app.app_context():                                     # the demo's 08:00 / 20:00
        s = db.session.execute(select(ShiftSetting)).scalar_one()
    edit = SETTINGS + f"edit/?id={s.id}"
    assert browser("supervisor").get(edit).status_code == 403
    resp = set_times(app, browser, url=edit, day="07:00", night="07:00")
    assert resp.status_code == 200 and "白班和夜班的开始时间不能相同" in text_of(resp)
    resp = set_times(app, browser, url=edit)
    assert resp.status_code == 302, form_errors(resp)
    resp = set_times(app, browser, who="admin")                  # one row per property
    assert resp.status_code == 200 and "本物业已设置班次时间" in text_of(resp)
    with app.app_context():
        s = db.session.execute(select(ShiftSetting)).scalar_one()
        assert (s.day_starts, s.night_starts, s.lead_minutes) == (time(7), time(19), 10)
        assert entries_for("shift_setting", s.id)[-1].action == "update"
        # two days on: the demo's handover (co-signed half an hour before the
        # template was built) is near none of these shift ends at any hour
        now = utcnow() + timedelta(days=2)
        ends = handover_rules.shift_ends(now, property_id=property_id("DEMO"))
        assert {utc_to_local(end).time() for _s, end in ends} == {time(7), time(19)}
        missing = handover_rules.missing_handovers(user("clerk"), now)
        assert {utc_to_local(end).time() for _s, end in missing} == {time(7), time(19)}
        # the other property keeps the guide's 08:00 / 20:00
        assert {utc_to_local(e).time() for _s, e in handover_rules.shift_ends(
            now, property_id=property_id("NORTH"))} == {time(8), time(20)}


def late_case(app, cosigned: time, lead: int | None = None) -> int | None:
    """A day-shift handover at 19:45 local, co-signed at ``cosigned``."""
    with app.app_context():
        if lead is not None:
            db.session.execute(select(ShiftSetting)).scalar_one().lead_minutes = lead
            db.session.flush()
        day = utc_to_local(utcnow()).date() - timedelta(days=1)
        h = ShiftHandover(property_id=property_id("DEMO"), shift="day",
                          handed_over_at=local_to_utc(datetime.combine(day, time(19, 45))),
                          cosigned_at=local_to_utc(datetime.combine(day, cosigned)))
        late = handover_times.minutes_late(h)
        db.session.rollback()
        return late


def test_a_handover_done_after_ten_minutes_before_the_shift_end_is_late(app):
    assert late_case(app, time(19, 48)) is None              # before 19:50
    assert late_case(app, time(19, 55)) == 5
    assert late_case(app, time(19, 55), lead=0) is None      # the property's own rule


def test_a_late_handover_is_flagged_on_the_list_the_record_and_the_dashboard(app, browser):
    with app.app_context():
        shift, end = handover_rules.missing_handovers(user("clerk"), utcnow())[-1]
        before = len(handover_times.late_handovers(user("supervisor")))
    at = fmt(utc_to_local(end) - timedelta(minutes=20))       # typed in time, signed now
    resp = browser("clerk").post_form(URL + "new/", handover_form(
        app, shift=shift, handed_over_at=at))
    assert resp.status_code == 302, form_errors(resp)
    h = handovers(app)[-1]
    with app.app_context():
        assert len(handover_times.late_handovers(user("supervisor"))) == before + 1
    assert "迟交" in text_of(browser("clerk").get(URL + f"details/?id={h.id}"))
    assert 'data-late=' in browser("clerk").get(URL).get_data(as_text=True)
    assert "近 7 天迟交的交接班" in text_of(browser("supervisor").get("/admin/"))
    assert "近 7 天迟交的交接班" not in text_of(browser("clerk").get("/admin/"))


def test_the_desk_acknowledges_reading_a_handover_once(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(app)).status_code == 302
    h = handovers(app)[-1]
    read = URL + f"read/?id={h.id}"

    def reads() -> list[HandoverRead]:
        with app.app_context():
            return list(db.session.execute(select(HandoverRead).where(
                HandoverRead.handover_id == h.id)).scalars())

    page = browser("butler").get(URL + f"details/?id={h.id}").get_data(as_text=True)
    assert 'id="read-form"' in page
    assert browser("butler").post(read, {}).status_code == 302
    [r] = reads()
    with app.app_context():
        assert r.staff_id == staff_id("butler") and r.property_id == h.property_id
        assert entries_for("handover_read", r.id)[0].action == "insert"
    html = browser("clerk").get(URL + f"details/?id={h.id}").get_data(as_text=True)
    panel = html[html.index('id="handover-reads"'):]
    panel = panel[:panel.index("</ul>")]
    assert "李建国" in panel and f"{utc_to_local(r.read_at):%H:%M}" in panel    # local time
    browser("butler").post(read, {})                        # once per person
    for who in ("clerk", "clerk2", "auditor"):               # the two who signed; no desk role
        browser(who).post(read, {})
    assert len(reads()) == 1
    with app.app_context():
        from rules.errors import RuleViolation

        for who, message in (("butler", "已确认阅读过"), ("clerk2", "无需再确认已阅")):
            try:
                handover_reads.check_read(db.session.get(ShiftHandover, h.id), user(who))
            except RuleViolation as exc:
                assert message in str(exc)
            else:
                raise AssertionError(who)


def test_a_waiting_handover_is_not_read_yet(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(
        app, cosign=False)).status_code == 302
    h = handovers(app)[-1]
    browser("butler").post(URL + f"read/?id={h.id}", {})
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(HandoverRead).where(
            HandoverRead.handover_id == h.id)).scalar() == 0


def test_a_handover_no_supervisor_read_within_a_day_is_due(app, browser):
    assert browser("clerk").post_form(URL + "new/", handover_form(app)).status_code == 302
    h = handovers(app)[-1]
    later = utcnow() + timedelta(hours=25)

    def due(now) -> int:
        with app.app_context():
            items = handover_reads.read_due(user("supervisor"), now)
            return items[0][1] if items else 0

    assert due(utcnow()) == 0                               # not a day yet
    waiting = due(later)
    assert waiting >= 1
    with app.app_context():
        assert handover_reads.read_due(user("clerk"), later) == []     # the supervisors'
    assert browser("butler").post(URL + f"read/?id={h.id}", {}).status_code == 302
    assert due(later) == waiting                            # a butler's read does not count
    assert browser("supervisor").post(URL + f"read/?id={h.id}", {}).status_code == 302
    assert due(later) == waiting - 1


def test_the_handover_list_reads_the_shift_times_again_only_after_a_write(app, browser):
    """Every row of the handover list asks the property's shift times (is it late?):
    they are kept until the next write — not a query on every page — and a change
    by the managers shows on the next page."""
    import re

    from .helpers import statements_during

    clerk = browser("clerk")
    clerk.get(URL)
    again = [st for st, _p in statements_during(app, lambda: clerk.get(URL))]
    assert not any("FROM shift_setting" in st for st in again), again
    with app.app_context():
        shift, end = handover_rules.missing_handovers(user("clerk"), utcnow())[-1]
    at = fmt(utc_to_local(end) - timedelta(minutes=20))       # typed in time, signed now
    assert clerk.post_form(URL + "new/", handover_form(
        app, shift=shift, handed_over_at=at)).status_code == 302
    h = handovers(app)[-1]

    def minutes_late() -> int:
        page = clerk.get(URL).get_data(as_text=True)
        row = page[page.index(f"details/?id={h.id}&"):]
        return int(re.search(r'data-late="(\d+)"', row[:row.index("</tr>")]).group(1))

    late = minutes_late()
    with app.app_context():
        s = db.session.execute(select(ShiftSetting)).scalar_one()
    assert set_times(app, browser, url=SETTINGS + f"edit/?id={s.id}", day="08:00",
                     night="20:00", lead="0").status_code == 302
    # still waiting (late until now): done 10 minutes before the end no longer counts
    assert 9 <= late - minutes_late() <= 11
