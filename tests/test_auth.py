"""Login, logout, lockout, safe redirects, CSRF on the login form."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import LoginState, Staff
from models.base import db, utcnow

from .conftest import Browser, csrf_from, text_of


def test_login_page_is_chinese_and_has_the_documented_fields(app):
    resp = app.test_client().get("/login")
    html = text_of(resp)
    assert resp.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert "用户名" in html and "密码" in html and "登录" in html


def test_demo_login_reaches_the_admin_panel(app):
    b = Browser(app)
    resp = b.login("clerk")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")
    assert b.get("/admin/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(app):
    b = Browser(app)
    resp = b.login("clerk", "wrong-password")
    assert resp.status_code == 401
    assert "用户名或密码错误" in text_of(resp)
    assert b.get("/admin/").status_code == 302  # still anonymous → login


def test_unknown_user_gets_the_same_message(app):
    resp = Browser(app).login("nobody-here", "whatever-pass")
    assert resp.status_code == 401 and "用户名或密码错误" in text_of(resp)


def test_login_without_csrf_token_is_rejected(app):
    resp = app.test_client().post("/login", data={"username": "clerk", "password": "x"})
    assert resp.status_code == 400


def test_repeated_failures_lock_the_account_even_for_the_right_password(app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    b = Browser(app)
    for _ in range(limit):
        assert b.login("clerk", "bad-password").status_code == 401
    resp = b.login("clerk")  # right password, but locked
    assert resp.status_code == 401
    assert "锁定" in text_of(resp)
    # Once the lock expires the right password works again.
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        state = db.session.get(LoginState, staff.id)
        state.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert b.login("clerk").status_code == 302


def test_a_success_resets_the_failure_count(app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    b = Browser(app)
    for _ in range(limit - 1):
        b.login("clerk", "bad-password")
    assert b.login("clerk").status_code == 302
    b2 = Browser(app)
    for _ in range(limit - 1):
        b2.login("clerk", "bad-password")
    assert b2.login("clerk").status_code == 302  # not locked: the count restarted


def test_inactive_staff_cannot_log_in(app):
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "courier")).scalar_one()
        staff.active = False
        db.session.commit()
    assert Browser(app).login("courier").status_code == 401


@pytest.mark.parametrize("target", [
    "https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com",
    "javascript:alert(1)", "http:/evil.example.com", " //evil.example.com",
])
def test_login_next_cannot_redirect_off_site(app, target):
    resp = Browser(app).login("clerk", next=target)
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.endswith("/admin/")


def test_login_next_keeps_a_local_path(app):
    resp = Browser(app).login("clerk", next="/admin/unit/?page=1")
    assert resp.headers["Location"].endswith("/admin/unit/?page=1")


def test_anonymous_admin_request_redirects_to_login_with_next(app):
    resp = app.test_client().get("/admin/unit/")
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"] and "next=" in resp.headers["Location"]


def test_logout_needs_post_with_csrf_and_ends_the_session(app):
    b = Browser(app)
    b.login("clerk")
    assert b.client.get("/logout").status_code == 405
    assert b.client.post("/logout").status_code == 400  # no CSRF token
    resp = b.post("/logout")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert b.get("/admin/").status_code == 302


def test_password_change_ends_existing_sessions(app):
    b = Browser(app)
    b.login("clerk")
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        staff.set_password("a-new-password-1")
        db.session.commit()
    assert b.get("/admin/").status_code == 302


def test_passwords_and_pins_are_stored_hashed(app):
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
    assert staff.password_hash.startswith("$argon2")
    assert staff.pin_hash.startswith("$argon2")
    assert "demo-pass" not in staff.password_hash
    assert csrf_from('<input name="csrf_token" type="hidden" value="abc">') == "abc"
