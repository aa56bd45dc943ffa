"""Staff administration through the real admin pages: create (home property or head
office) with a given password and PIN that must be changed at first login, edit,
deactivate (sessions end), reset, unlock, the last active admin, and secrets that
never appear on a page or in an export."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import LoginState, Staff
from models.base import db

from .conftest import DEMO_PASSWORD, DEMO_PIN, Browser, text_of
from .helpers import entries_for, property_id, staff_id

GIVEN_PW, GIVEN_PIN = "given-pass-2026", "1357"
OWN_PW, OWN_PIN = "my-own-pass-77", "8642"


def staff_form(app, **fields) -> dict:
    base = {"username": "newbie", "full_name": "新员工", "roles": ["clerk"],
            "home_property": "__None", "phone": "", "locale": "", "active": "y",
            "new_password": "", "new_pin": ""}
    base.update(fields)
    return base


def create_staff(admin: Browser, **fields):
    return admin.post_form("/admin/staff/new/", staff_form(admin.app, new_password=GIVEN_PW,
                                                           new_pin=GIVEN_PIN, **fields))


def edit_staff(admin: Browser, sid: int, **fields):
    with admin.app.app_context():
        s = db.session.get(Staff, sid)
        current = {"username": s.username, "full_name": s.full_name,
                   "roles": sorted(s.role_set),
                   "home_property": str(s.property_id) if s.property_id else "__None",
                   "phone": s.phone or "", "locale": s.locale or "",
                   "new_password": "", "new_pin": ""}
        if s.active:
            current["active"] = "y"
    current.update(fields)
    if current.get("active") is None:
        current.pop("active")
    return admin.post_form(f"/admin/staff/edit/?id={sid}", current)


def the_staff(app, username: str) -> Staff | None:
    with app.app_context():
        return db.session.execute(
            select(Staff).where(Staff.username == username)).scalar_one_or_none()


def flags(app, sid: int) -> tuple[bool, bool]:
    with app.app_context():
        st = db.session.get(LoginState, sid)
        return (st.must_change_password, st.must_change_pin) if st else (False, False)


def change_own(person: Browser, current: str, password: str = "", pin: str = ""):
    return person.post_form("/account/secrets", {
        "current_password": current, "new_password": password, "confirm_password": password,
        "new_pin": pin, "confirm_pin": pin})


@pytest.mark.parametrize("home", ["DEMO", None], ids=["property", "head-office"])
def test_admin_creates_staff_who_must_change_password_and_pin_at_first_login(app, browser,
                                                                             home):
    admin = browser("admin")
    with app.app_context():
        where = str(property_id(home)) if home else "__None"
    resp = create_staff(admin, home_property=where)
    assert resp.status_code == 302, text_of(resp)
    s = the_staff(app, "newbie")
    assert s is not None and s.active and s.role_set == {"clerk"}
    assert s.property_id == (property_id_in(app, home) if home else None)
    assert flags(app, s.id) == (True, True)
    with app.app_context():
        assert [e.action for e in entries_for("staff", s.id)] == ["insert"]

    person = Browser(app)
    resp = person.login("newbie", GIVEN_PW)
    assert resp.status_code == 302
    for url in ("/admin/", "/admin/key/", resp.headers["Location"]):
        page = person.get(url)
        assert page.status_code == 302 and page.headers["Location"].endswith("/account/secrets")
    page = person.get("/account/secrets")
    assert page.status_code == 200 and "管理员给定的密码和 PIN" in text_of(page)
    # both must be replaced; the given ones are not accepted again
    assert change_own(person, GIVEN_PW, password=OWN_PW).status_code == 400
    assert change_own(person, GIVEN_PW, password=GIVEN_PW, pin=OWN_PIN).status_code == 400
    resp = change_own(person, GIVEN_PW, password=OWN_PW, pin=OWN_PIN)
    assert resp.status_code == 302
    assert person.get("/admin/").status_code == 200          # the same session goes on
    assert flags(app, s.id) == (False, False)
    assert Browser(app).login("newbie", OWN_PW).status_code == 302


def property_id_in(app, code: str) -> int:
    with app.app_context():
        return property_id(code)


@pytest.mark.parametrize("fields, message", [
    ({"new_password": "", "new_pin": ""}, "初始密码和 PIN"),
    ({"new_password": "short", "new_pin": GIVEN_PIN}, "密码长度须为"),
    ({"new_password": GIVEN_PW, "new_pin": "12a4"}, "4 至 8 位数字"),
    ({"new_password": GIVEN_PW, "new_pin": GIVEN_PIN, "username": "clerk"}, "已经存在"),
    ({"new_password": "Newbie-2026", "new_pin": GIVEN_PIN, "username": "newbie-2026"},
     "不能与用户名相同"),
])
def test_bad_staff_input_is_a_message_and_nothing_is_written(app, browser, fields, message):
    admin = browser("admin")
    with app.app_context():
        before = db.session.query(Staff).count()
    resp = admin.post_form("/admin/staff/new/", staff_form(app, **fields))
    assert resp.status_code == 200
    assert message in text_of(resp)
    with app.app_context():
        assert db.session.query(Staff).count() == before


@pytest.mark.parametrize("who", ["auditor", "supervisor", "clerk"])
def test_only_admin_manages_staff(app, browser, who):
    b = browser(who)
    assert b.get("/admin/staff/new/").status_code == 403
    resp = b.post("/admin/staff/new/", staff_form(app, new_password=GIVEN_PW,
                                                  new_pin=GIVEN_PIN))
    assert resp.status_code == 403
    assert the_staff(app, "newbie") is None
    sid = staff_id_in(app, "clerk2")
    assert b.post(f"/admin/staff/edit/?id={sid}", {"full_name": "x"}).status_code == 403


def staff_id_in(app, username: str) -> int:
    with app.app_context():
        return staff_id(username)


def test_deactivating_ends_the_persons_open_session_and_login(app, browser):
    person = browser("courier")
    assert person.get("/admin/").status_code == 200
    sid = staff_id_in(app, "courier")
    resp = edit_staff(browser("admin"), sid, active=None)
    assert resp.status_code == 302, text_of(resp)
    assert the_staff(app, "courier").active is False
    page = person.get("/admin/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert Browser(app).login("courier").status_code == 401


def test_reset_ends_sessions_and_forces_a_change_again(app, browser):
    person = browser("butler")
    sid = staff_id_in(app, "butler")
    resp = edit_staff(browser("admin"), sid, new_password=GIVEN_PW)
    assert resp.status_code == 302, text_of(resp)
    assert person.get("/admin/").status_code == 302
    assert flags(app, sid) == (True, False)
    assert Browser(app).login("butler").status_code == 401     # the old password is gone
    fresh = Browser(app)
    fresh.login("butler", GIVEN_PW)
    assert fresh.get("/admin/").headers["Location"].endswith("/account/secrets")
    assert change_own(fresh, GIVEN_PW, password=OWN_PW).status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_unlock_lifts_a_lock_and_is_in_the_history(app, browser):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        Browser(app).login("finance", "bad-password")
    assert Browser(app).login("finance").status_code == 401
    sid = staff_id_in(app, "finance")
    resp = edit_staff(browser("admin"), sid, unlock="y")
    assert resp.status_code == 302, text_of(resp)
    assert Browser(app).login("finance").status_code == 302
    with app.app_context():
        assert entries_for("staff", sid)[-1].action == "unlock"


def test_the_last_active_admin_cannot_be_deactivated_or_lose_the_role(app, browser):
    admin = browser("admin")
    sid = staff_id_in(app, "admin")
    resp = edit_staff(admin, sid, active=None)
    assert "最后一名在职系统管理员" in text_of(resp)
    resp = edit_staff(admin, sid, roles=["auditor"])
    assert "最后一名在职系统管理员" in text_of(resp)
    s = the_staff(app, "admin")
    assert s.active and s.role_set == {"admin"}
    # with a second admin, the first may go
    assert create_staff(admin, username="admin2", roles=["admin"]).status_code == 302
    assert edit_staff(admin, sid, roles=["auditor"]).status_code == 302
    assert the_staff(app, "admin").role_set == {"auditor"}


def test_secrets_appear_on_no_page_nor_export(app, browser):
    admin = browser("admin")
    create_staff(admin, home_property=str(property_id_in(app, "DEMO")))
    sid = staff_id_in(app, "newbie")
    edit_staff(admin, sid, new_pin="9753")
    s = the_staff(app, "newbie")
    with app.app_context():
        history = entries_for("staff", sid)
    pages = {"list": "/admin/staff/", "details": f"/admin/staff/details/?id={sid}",
             "history": f"/admin/staff/history/?id={sid}",
             "as_of": f"/admin/staff/as_of/?id={sid}&entry={history[0].id}",
             "export": "/admin/staff/export/csv/",
             "register_as_of": "/admin/staff/register_as_of/?format=csv"}
    pages.update({f"log {e.id}": f"/admin/audit_log/details/?id={e.id}" for e in history})
    secrets = [s.password_hash, s.pin_hash, "$argon2", "sha256:"]
    for reader in (admin, browser("auditor")):
        for name, url in pages.items():
            resp = reader.get(url)
            assert resp.status_code == 200, (name, resp.status_code)
            body = text_of(resp)
            assert not any(x in body for x in secrets), name
    history_page = text_of(admin.get(pages["history"]))
    assert "（已更改）" in history_page and "（已设置）" in history_page
    assert DEMO_PIN not in history_page and DEMO_PASSWORD not in history_page


def test_create_user_command_checks_the_pin_and_can_force_a_change(app):
    from .helpers import run_cli

    bad = run_cli(app, "create-user", "lisi", "--role", "clerk", "--password", GIVEN_PW,
                  "--pin", "12ab")
    assert bad.exit_code != 0 and the_staff(app, "lisi") is None
    ok = run_cli(app, "create-user", "lisi", "--role", "clerk", "--password", GIVEN_PW,
                 "--pin", GIVEN_PIN, "--property", "DEMO", "--must-change")
    assert ok.exit_code == 0, ok.output
    assert flags(app, staff_id_in(app, "lisi")) == (True, True)
    person = Browser(app)
    person.login("lisi", GIVEN_PW)
    assert person.get("/admin/").headers["Location"].endswith("/account/secrets")
