"""出门条: the desk issues a numbered pass only after the owner's phone confirmation,
logged in the 公共信息记录表; valid until the end of the next local day; printed in
two copies; security releases it once at its own property, never void or expired;
a concurrent double release reads as a stale edit; security sees the ID number
masked but the last 4 digits; an occupant moving out needs a move-out first."""
from __future__ import annotations

import threading
from datetime import timedelta

from audit import system_actor
from i18n import local_day_end_utc, utc_to_local
from models.base import db, utcnow
from models.exit_pass import ExitPass
from models.staff import Staff
from rules import exit_pass as pass_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .exit_helpers import issue, mark, pass_form, passes
from .helpers import entries_for, staff_id
from .key_helpers import add_staff


def test_clerk_issues_a_numbered_pass_after_the_owners_call(app, browser):
    before = passes(app)
    resp = issue(browser("clerk"), app)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    new = passes(app)[-1]
    assert new.pass_no == max(p.pass_no for p in before) + 1          # per property, no gap
    with app.app_context():
        assert new.issuer_id == staff_id("clerk") == new.confirm_called_by_id
        local_issue = utc_to_local(new.issued_at).date()
        assert new.valid_until == local_day_end_utc(local_issue + timedelta(days=1))
        assert [i.name for i in new.items] == ["切割机", "废旧木板（捆）"]
        info = new.public_info                     # the call in the public information log
        assert info.unit_id == new.unit_id and info.caller_name
        assert "切割机" in info.reason and "钱师傅" in info.reason
        assert entries_for("exit_pass", new.id)[0].action == "insert"
    page = text_of(browser("clerk").get(f"/admin/exit_pass/details/?id={new.id}"))
    assert "110105198503034321" in page and "已开具" in page


def test_refused_passes_write_nothing_and_take_no_number(app, browser):
    b = browser("clerk")
    before = len(passes(app))
    cases = [
        (pass_form(app, confirm_result=""), "开具出门条前须与业主电话确认"),
        (pass_form(app, confirm_called_at=""), "开具出门条前须与业主电话确认"),
        (pass_form(app, confirm_result="refused"), "业主电话中未同意放行"),
        (pass_form(app, purpose="move_out"), "住户迁出须先填写该房号的住户搬出登记表"),
        (pass_form(app, **{"items-0-name": "", "items-1-name": ""}), "请填写所携带物品及数量"),
    ]
    for data, message in cases:
        resp = b.post_form("/admin/exit_pass/new/", data)
        assert resp.status_code == 200, (message, resp.status_code)
        assert message in text_of(resp), message
    assert len(passes(app)) == before
    last = passes(app)[-1].pass_no
    assert issue(b, app).status_code == 302
    assert passes(app)[-1].pass_no == last + 1                      # no number was lost


def test_print_has_two_copies_on_one_sheet(app, browser):
    p = passes(app)[-1]
    page = text_of(browser("clerk").get(f"/admin/exit_pass/print/?id={p.id}"))
    assert page.count('class="copy-part"') == 2
    assert "客服部联" in page and "保安部联" in page
    assert "返回保安部存档" in page and "有效期为壹天" in page and p.number in page


def test_security_reads_only_the_last_four_digits(app, browser):
    assert issue(browser("clerk"), app).status_code == 302
    p = passes(app)[-1]
    sec = browser("security")
    for url in (f"/admin/exit_pass/details/?id={p.id}", "/admin/exit_pass/",
                f"/admin/exit_pass_gate/?no={p.pass_no}", f"/admin/exit_pass/print/?id={p.id}"):
        page = text_of(sec.get(url))
        assert "110105198503034321" not in page and "110" + "*" not in page, url
        assert "**************4321" in page, url


def test_security_releases_a_pass_once(app, browser):
    assert issue(browser("clerk"), app).status_code == 302
    p = passes(app)[-1]
    sec = browser("security")
    assert mark(sec, p.id, p.version).status_code == 302
    used = passes(app)[-1]
    with app.app_context():
        assert used.guard_id == staff_id("security") and used.checked_at is not None
        assert [e.action for e in entries_for("exit_pass", p.id)] == ["insert", "gate_release"]
    resp = mark(sec, p.id, used.version)
    page = text_of(sec.get(f"/admin/exit_pass_gate/?no={p.pass_no}"))
    assert resp.status_code == 302 and "该出门条已于" in page and "不得再次放行" in page
    assert passes(app)[-1].checked_at == used.checked_at


def test_the_gate_refuses_expired_void_other_property_and_other_roles(app, browser):
    clerk = browser("clerk")
    for _i in range(2):
        assert issue(clerk, app).status_code == 302
    expired, void = passes(app)[-2:]
    with app.app_context(), system_actor("test"):
        db.session.get(ExitPass, expired.id).valid_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert browser("supervisor").post_form(f"/admin/exit_pass/void/?id={void.id}",
                                           {"reason": "车辆改期"}).status_code == 302
    sec = browser("security")
    mark(sec, expired.id)
    assert "过期" in text_of(sec.get("/admin/exit_pass_gate/"))
    mark(sec, void.id)
    assert "已作废" in text_of(sec.get("/admin/exit_pass_gate/"))
    assert issue(clerk, app).status_code == 302
    fresh = passes(app)[-1]
    assert mark(clerk, fresh.id).status_code == 403                 # only security
    assert mark(browser("supervisor"), fresh.id).status_code == 403
    add_staff(app, "north_guard", {"security"}, code="NORTH")
    north = browser("north_guard")
    mark(north, fresh.id)
    assert all(p.checked_at is None for p in passes(app)[-3:])
    with app.app_context():                     # the rule itself, without the matrix
        row = db.session.get(ExitPass, fresh.id)
        clerk_user = db.session.get(Staff, staff_id("clerk"))
        guard = db.session.get(Staff, staff_id("north_guard"))
        for user, words in ((clerk_user, "只有保安"), (guard, "其他管理处")):
            try:
                pass_rules.mark_used(row, user, None)
            except RuleViolation as exc:
                assert words in str(exc)
            else:
                raise AssertionError(words)
        db.session.rollback()


def test_two_guards_releasing_at_once_one_wins_the_other_reads_stale(app, browser, monkeypatch):
    assert issue(browser("clerk"), app).status_code == 302
    p = passes(app)[-1]
    add_staff(app, "guard2", {"security"})
    clients = [browser("security"), browser("guard2")]
    for c in clients:                                   # tokens fetched before the race
        c._cached_token("/admin/exit_pass_gate/")
    barrier = threading.Barrier(2, timeout=20)
    real = pass_rules.mark_used

    def racing(*args, **kw):
        real(*args, **kw)
        barrier.wait()             # both checked and changed in memory; nobody wrote yet

    monkeypatch.setattr(pass_rules, "mark_used", racing)
    codes: list[int] = []

    def post(c) -> None:
        codes.append(mark(c, p.id, p.version).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [302, 302], codes                   # no 500
    pages = [text_of(c.get("/admin/exit_pass_gate/")) for c in clients]
    stale = [pg for pg in pages if "已有其他人修改了它" in pg]
    done = [pg for pg in pages if "物品已放行" in pg]
    assert len(stale) == 1 and len(done) == 1, [pg[:0] for pg in pages]
    assert passes(app)[-1].checked_at is not None


def test_due_lists_passes_issued_today_not_yet_released(app, browser):
    assert issue(browser("clerk"), app).status_code == 302
    assert "今日开具尚未放行的出门条" in text_of(browser("clerk").get("/admin/"))


def test_voiding_a_used_pass_is_refused(app, browser):
    assert issue(browser("clerk"), app).status_code == 302
    p = passes(app)[-1]
    assert mark(browser("security"), p.id, p.version).status_code == 302
    resp = browser("supervisor").post_form(f"/admin/exit_pass/void/?id={p.id}",
                                           {"reason": "误开"})
    assert "已在门岗放行，不能作废" in text_of(resp)
    assert passes(app)[-1].voided_at is None
