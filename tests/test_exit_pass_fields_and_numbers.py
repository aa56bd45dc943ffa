"""出门条 and 住户搬出登记表, what tests/test_exit_pass.py and tests/test_move_out.py
leave out: each property numbers its passes and move-outs 1, 2, … without gaps,
also when two clerks submit at the same moment; the clerk, the supervisor and the
department manager issue a pass signed by themselves, no other role; 出门地点,
车牌号码 and 单位 are kept and shown on the details and on both printed copies;
exports mask the ID number and the phone for managers without the export right to
personal data; security reads a move-out's phone masked; 费用结清核对 and
钥匙/门禁卡交回 are recorded, shown and kept in the history."""
from __future__ import annotations

import html
import re
import threading

import pytest
from sqlalchemy import select

from demo_data import DEMO_NAMES
from models.base import db
from models.exit_pass import ExitPass, MoveOut
from rules import exit_pass as pass_rules
from rules.personal_data import mask_personal

from .conftest import text_of
from .exit_helpers import issue, move_outs, pass_form, passes
from .helpers import changes, entries_for, property_id, staff_id
from .key_helpers import add_staff
from .room_helpers import north_home
from .test_move_out import form as move_out_form

NORTH_ROOM = "北1-101"          # a room number no DEMO unit has (the form helpers look rooms up)
EXPORTERS = ("supervisor", "dept_manager", "property_manager", "general_manager", "auditor")
UNMASKED_EXPORTERS = {"dept_manager", "auditor"}      # rules.matrix.unmasked_exports
ISSUERS = ("clerk", "supervisor", "dept_manager")      # the matrix's front_desk
NOT_ISSUERS = ("butler", "courier", "security", "finance", "property_manager",
               "general_manager", "auditor", "admin")
DETAIL_ROW_RE = re.compile(r"<td>\s*<b>(.*?)</b>\s*</td>\s*<td>\s*(.*?)\s*</td>", re.S)


def detail_rows(page: str) -> dict[str, str]:
    """A details page's table as {label: value} (text, whitespace collapsed)."""
    return {html.unescape(label).strip():
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
            for label, value in DETAIL_ROW_RE.findall(page)}


def printed_copies(page: str) -> list[str]:
    """The two copies of a printed pass, each as its own piece of the page."""
    return page.split('class="copy-part"')[1:]


def numbers(app, model, column, code: str) -> list[int]:
    with app.app_context():
        return list(db.session.execute(select(column).where(
            model.property_id == property_id(code)).order_by(column)).scalars())


def north_desk(app) -> None:
    """A unit with its owner and a clerk at the other property (NORTH)."""
    north_home(app, room=NORTH_ROOM)
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")


def register_move_out(b, app, **over):
    return b.post_form("/admin/move_out/new/", move_out_form(app, **over))


# -- 1. numbering ------------------------------------------------------------------------

def _numbered_in_turn(app, browser, model, column, submit) -> None:
    """DEMO and NORTH submit in turn, twice: each property's numbers go on from its
    own last one (NORTH from 1), without gaps."""
    north_desk(app)
    demo_before = numbers(app, model, column, "DEMO")
    assert demo_before == list(range(1, len(demo_before) + 1))
    assert numbers(app, model, column, "NORTH") == []
    demo, north = browser("clerk"), browser("north_clerk")
    for _round in range(2):                                # interleaved: DEMO, NORTH, …
        for b, room in ((demo, None), (north, NORTH_ROOM)):
            resp = submit(b, room)
            assert resp.status_code == 302, text_of(resp)[-1500:]
    last = len(demo_before)
    assert numbers(app, model, column, "DEMO") == demo_before + [last + 1, last + 2]
    assert numbers(app, model, column, "NORTH") == [1, 2]


def test_each_property_numbers_its_passes_from_one_without_gaps(app, browser):
    _numbered_in_turn(app, browser, ExitPass, ExitPass.pass_no,
                      lambda b, room: issue(b, app, **({"room": room} if room else {})))
    first_north = [p for p in passes(app) if p.unit.room == NORTH_ROOM][0]
    page = text_of(browser("north_clerk").get(f"/admin/exit_pass/details/?id={first_north.id}"))
    assert detail_rows(page)["出门条编号"] == "000001"
    assert "000001" in first_north.public_info.completion         # the public-info line


def test_each_property_numbers_its_move_outs_from_one_without_gaps(app, browser):
    _numbered_in_turn(app, browser, MoveOut, MoveOut.serial_no,
                      lambda b, room: register_move_out(b, app, **({"room": room} if room else {})))


@pytest.mark.parametrize("register", ["exit_pass", "move_out"])
def test_two_clerks_submitting_at_once_get_consecutive_numbers(app, browser, monkeypatch,
                                                                register):
    model, column = (ExitPass, ExitPass.pass_no) if register == "exit_pass" \
        else (MoveOut, MoveOut.serial_no)
    url = f"/admin/{register}/new/"
    data = pass_form(app) if register == "exit_pass" else move_out_form(app)
    before = numbers(app, model, column, "DEMO")
    clients = [browser("clerk"), browser("clerk2")]
    hidden = [c.open_form(url) for c in clients]           # forms opened before the race
    barrier = threading.Barrier(2, timeout=20)
    real = pass_rules.next_number

    def racing(*args, **kw):
        barrier.wait()             # both checked their form; both ask for a number now
        return real(*args, **kw)

    monkeypatch.setattr(pass_rules, "next_number", racing)
    codes: list[int] = []

    def post(i: int) -> None:
        codes.append(clients[i].post_form(url, data, hidden=hidden[i]).status_code)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [302, 302], codes                     # both saved, no 500
    last = len(before)
    assert numbers(app, model, column, "DEMO") == before + [last + 1, last + 2]
    with app.app_context():
        made = db.session.execute(select(model).where(column > last)).scalars().all()
        signed = {p.issuer_id if register == "exit_pass" else p.clerk_id for p in made}
        assert signed == {staff_id("clerk"), staff_id("clerk2")}


# -- 2. who issues ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ISSUERS)
def test_the_clerk_supervisor_and_dept_manager_issue_signed_by_themselves(app, browser, role):
    b = browser(role)
    with app.app_context():
        someone_else = staff_id("general_manager")
    # an issuer sent with the form is not taken: the pass is signed by who is signed in
    resp = b.post_form("/admin/exit_pass/new/", pass_form(app, issuer=someone_else,
                                                          issuer_id=someone_else))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    new = passes(app)[-1]
    with app.app_context():
        assert new.issuer_id == new.confirm_called_by_id == staff_id(role)
        assert new.public_info.receiver_id == staff_id(role)
    assert detail_rows(text_of(b.get(f"/admin/exit_pass/details/?id={new.id}")))["签发人"] \
        == f"{DEMO_NAMES[role]} ({role})"
    for copy in printed_copies(text_of(b.get(f"/admin/exit_pass/print/?id={new.id}"))):
        assert DEMO_NAMES[role] in copy


def test_other_roles_cannot_issue_a_pass(app, browser):
    before = len(passes(app))
    for role in NOT_ISSUERS:
        b = browser(role)
        assert b.get("/admin/exit_pass/new/").status_code == 403, role
        resp = b.post("/admin/exit_pass/new/", pass_form(app), token_from="/admin/")
        assert resp.status_code == 403, role
    assert len(passes(app)) == before


# -- 3. gate, plate, company -------------------------------------------------------------

def test_gate_plate_and_company_are_kept_and_shown_on_details_and_both_copies(app, browser):
    b = browser("clerk")
    resp = issue(b, app, gate="north", plate="粤A7F309", company="顺达搬家公司")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    new = passes(app)[-1]
    assert (new.gate, new.plate, new.company) == ("north", "粤A7F309", "顺达搬家公司")
    rows = detail_rows(text_of(b.get(f"/admin/exit_pass/details/?id={new.id}")))
    assert rows["出门地点"] == "北门"
    assert rows["车牌号码"] == "粤A7F309"
    assert rows["单位（施工方、搬家公司）或房号"] == "顺达搬家公司"
    copies = printed_copies(text_of(b.get(f"/admin/exit_pass/print/?id={new.id}")))
    assert len(copies) == 2
    for copy in copies:
        assert "北门" in copy and "粤A7F309" in copy and "顺达搬家公司" in copy
        assert "正门" not in copy

    # no company: the unit is the 单位; another gate; no plate
    resp = issue(b, app, gate="garage", plate="", company="")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    bare = passes(app)[-1]
    assert (bare.gate, bare.plate or "", bare.company or "") == ("garage", "", "")
    assert detail_rows(text_of(b.get(f"/admin/exit_pass/details/?id={bare.id}")))["出门地点"] \
        == "车库出口"
    for copy in printed_copies(text_of(b.get(f"/admin/exit_pass/print/?id={bare.id}"))):
        assert "车库出口" in copy and "1-302" in copy and "粤A7F309" not in copy


# -- 4. exports and masking --------------------------------------------------------------

@pytest.mark.parametrize("role", EXPORTERS)
def test_exports_mask_id_number_and_phone_without_the_export_right(app, browser, role):
    with app.app_context():
        id_number = db.session.execute(select(ExitPass.id_number).where(
            ExitPass.property_id == property_id("DEMO"))).scalars().first()
        phone = db.session.execute(select(MoveOut.phone).where(
            MoveOut.property_id == property_id("DEMO"), MoveOut.phone.is_not(None))
        ).scalars().first()
    assert id_number and phone
    b = browser(role)
    for url, value in (("/admin/exit_pass/export/csv/", id_number),
                       ("/admin/move_out/export/csv/", phone)):
        resp = b.get(url)
        assert resp.status_code == 200, (role, url)
        data = resp.data.decode("utf-8-sig")
        if role in UNMASKED_EXPORTERS:
            assert value in data, (role, url)
        else:
            assert value not in data and mask_personal(value) in data, (role, url)


def test_roles_without_the_export_right_get_403(app, browser):
    for role in ("clerk", "butler", "security", "finance", "courier"):
        for url in ("/admin/exit_pass/export/csv/", "/admin/move_out/export/csv/"):
            assert browser(role).get(url).status_code == 403, (role, url)


def test_security_reads_the_move_out_phone_masked(app, browser):
    m = [m for m in move_outs(app) if m.phone][0]
    sec = browser("security")
    for url in ("/admin/move_out/", f"/admin/move_out/details/?id={m.id}"):
        resp = sec.get(url)
        assert resp.status_code == 200, url             # the matrix lets security view
        page = text_of(resp)
        assert m.phone not in page and mask_personal(m.phone) in page, url
    rows = detail_rows(text_of(sec.get(f"/admin/move_out/details/?id={m.id}")))
    assert rows["联系电话"] == mask_personal(m.phone)
    # the clerk serves the occupant: the same page shows the number
    rows = detail_rows(text_of(browser("clerk").get(f"/admin/move_out/details/?id={m.id}")))
    assert rows["联系电话"] == m.phone


# -- 5. fees settled, keys returned ------------------------------------------------------

def test_fees_checked_and_keys_returned_are_recorded_shown_and_in_the_history(app, browser):
    b = browser("clerk")
    resp = register_move_out(b, app, fees_checked="y")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    m = move_outs(app)[-1]
    assert (m.fees_checked, m.keys_returned) == (True, False)
    url = f"/admin/move_out/details/?id={m.id}"
    rows = detail_rows(text_of(b.get(url)))
    assert (rows["费用结清核对"], rows["钥匙/门禁卡交回"]) == ("是", "否")

    # the keys come back on the day: ticked on the form, kept, shown, in the history
    edit = f"/admin/move_out/edit/?id={m.id}"
    resp = b.post_form(edit, move_out_form(app, fees_checked="y", keys_returned="y",
                                           planned_on=m.planned_on.isoformat()))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    m = move_outs(app)[-1]
    assert (m.fees_checked, m.keys_returned) == (True, True)
    rows = detail_rows(text_of(b.get(url)))
    assert (rows["费用结清核对"], rows["钥匙/门禁卡交回"]) == ("是", "是")
    with app.app_context():
        entries = entries_for("move_out", m.id)
        assert [e.action for e in entries] == ["insert", "update"]
        assert entries[0].row_id == str(m.id)
        changed = changes(entries[1])
    assert "keys_returned" in changed and "fees_checked" not in changed, changed
    history = text_of(browser("supervisor").get(f"/admin/move_out/history/?id={m.id}"))
    assert "钥匙/门禁卡交回" in history
