"""Real-browser journey of one staff member's life: the admin creates them, they
log in and must choose their own password and PIN, work, are reset (and must
change again), and are deactivated — their open session ends at once."""
from __future__ import annotations

from sqlalchemy import select

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401

GIVEN_PW, GIVEN_PIN = "given-pass-2026", "1357"


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")


def choose_own(page, current: str, password: str = "", pin: str = "") -> None:
    page.wait_for_selector("#change-form")
    page.fill("#current_password", current)
    page.fill("#new_password", password)
    page.fill("#confirm_password", password)
    page.fill("#new_pin", pin)
    page.fill("#confirm_pin", pin)
    page.click("#change-form button[type=submit]")
    page.wait_for_selector("#current-user")


def save_staff_form(page) -> None:
    page.click("form.admin-form input[type=submit]:not([name])")
    page.wait_for_selector(".alert-success")


def staff_id(app, username: str) -> int:
    from models import Staff
    from models.base import db

    with app.app_context():
        return db.session.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def test_one_staff_members_life_from_creation_to_deactivation(new_page, live_server):
    admin = new_page()
    login(admin, "admin")
    admin.goto("/admin/staff/new/")
    admin.fill("#username", "zhangsan")
    admin.fill("#full_name", "张三")
    admin.select_option("#roles", ["supervisor"], force=True)
    admin.select_option("#home_property", label="翠湖花园管理处 (DEMO)", force=True)
    admin.fill("#new_password", GIVEN_PW)
    admin.fill("#new_pin", GIVEN_PIN)
    save_staff_form(admin)

    # first login: forced to the change page, whatever page is asked for
    person = new_page()
    sign_in(person, "zhangsan", GIVEN_PW)
    person.wait_for_selector("#must-change")
    person.goto("/admin/building/")
    person.wait_for_selector("#must-change")
    choose_own(person, GIVEN_PW, "zhangsan-own-1", "8642")

    # works
    person.goto("/admin/building/new/")
    person.fill("#name", "张三的测试楼")
    person.fill("#floors", "6")
    person.click("form.admin-form input[type=submit]:not([name])")
    person.wait_for_selector("text=张三的测试楼")

    # the admin resets the password: the open session ends, the next login must change
    sid = staff_id(live_server.app, "zhangsan")
    admin.goto(f"/admin/staff/edit/?id={sid}")
    admin.fill("#new_password", GIVEN_PW)
    save_staff_form(admin)
    person.goto("/admin/building/")
    person.wait_for_selector("#login-form")
    sign_in(person, "zhangsan", GIVEN_PW)
    person.wait_for_selector("#must-change")
    choose_own(person, GIVEN_PW, "zhangsan-own-2")
    person.goto("/admin/building/")
    person.wait_for_selector("text=张三的测试楼")

    # the admin deactivates: the open session ends at its next request, login refused
    admin.goto(f"/admin/staff/edit/?id={sid}")
    admin.uncheck("#active")
    save_staff_form(admin)
    person.reload()
    person.wait_for_selector("#login-form")
    sign_in(person, "zhangsan", "zhangsan-own-2")
    assert "用户名或密码错误" in person.text_content("#login-error")
    person.goto("/admin/")
    person.wait_for_selector("#login-form")
