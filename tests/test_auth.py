"""Login, logout, lockout, safe redirects, CSRF on the login form."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import LoginState, Staff
from models.base import db, utcnow

from .conftest import DEMO_PASSWORD, Browser, csrf_from, text_of


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


# -- sessions end on the server (logout) -------------------------------------------

def test_a_cookie_copied_before_logout_neither_reads_nor_writes_after_it(app):
    b = Browser(app)
    b.login("supervisor")
    token = b.token("/admin/building/new/")
    cookie = b.client.get_cookie("session").value      # copied just before logout
    b.post("/logout", {"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/admin/building/").status_code == 302
    thief.set_cookie("session", cookie)          # exactly the copied cookie again
    resp = thief.post("/admin/building/new/", data={"csrf_token": token, "name": "盗用楼"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    with app.app_context():
        from models import Building

        assert db.session.execute(select(Building).where(Building.name == "盗用楼")).first() is None


# -- lockout under concurrency -------------------------------------------------------

def _count_checks(monkeypatch) -> list[str]:
    """Real secret checks (not the dummy ones) made by credentials.py."""
    import credentials
    from models.staff import dummy_hash, verify_secret

    checked: list[str] = []

    def counting(stored, secret):
        if stored != dummy_hash():
            checked.append(secret)
        return verify_secret(stored, secret)

    monkeypatch.setattr(credentials, "verify_secret", counting)
    return checked


def _logins_at_once(app, attempts: list[tuple[str, str]]) -> list[int]:
    """Each (username, password) posted by its own client, released together."""
    import threading

    clients = [Browser(app) for _ in attempts]
    tokens = [csrf_from(c.client.get("/login").data) for c in clients]
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = []

    def run(i: int) -> None:
        user, password = attempts[i]
        barrier.wait()
        try:
            resp = clients[i].client.post("/login", data={
                "username": user, "password": password, "csrf_token": tokens[i]})
        except Exception:  # noqa: BLE001 — TESTING propagates what would be a 500
            statuses.append(500)
        else:
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


@pytest.mark.parametrize("n", [10, 20])
def test_simultaneous_wrong_logins_check_at_most_the_limit_then_lock(app, monkeypatch, n):
    checked = _count_checks(monkeypatch)
    statuses = _logins_at_once(app, [("clerk", f"wrong-{i}") for i in range(n)])
    assert sorted(statuses) == [401] * n           # no 500 (first failures at once too)
    assert len(checked) <= app.config["LOGIN_MAX_FAILURES"]
    resp = Browser(app).login("clerk")             # the right password, after the limit
    assert resp.status_code == 401 and "锁定" in text_of(resp)


def test_wrong_and_right_password_at_once_never_check_more_than_the_limit(app, monkeypatch):
    checked = _count_checks(monkeypatch)
    statuses = _logins_at_once(app, [("clerk", f"wrong-{i}") for i in range(9)] +
                               [("clerk", DEMO_PASSWORD)])
    assert 500 not in statuses
    limit = app.config["LOGIN_MAX_FAILURES"]
    # the right one logged in only when it was among the first `limit` attempts; its
    # success starts the count over, so at most the limit again after it
    assert (302 in statuses) == (DEMO_PASSWORD in checked)
    if DEMO_PASSWORD in checked:
        assert checked.index(DEMO_PASSWORD) < limit and len(checked) <= 2 * limit
    else:
        assert len(checked) <= limit


def test_locked_unknown_and_wrong_get_the_same_answer(app, monkeypatch):
    limit = app.config["LOGIN_MAX_FAILURES"]
    wrong = Browser(app).login("clerk", "bad-password")
    for _ in range(limit):
        Browser(app).login("clerk", "bad-password")
    checked = _count_checks(monkeypatch)
    locked = Browser(app).login("clerk")
    unknown = Browser(app).login("no-such-person", DEMO_PASSWORD)
    assert checked == []                               # a locked account is not checked
    for resp in (wrong, locked, unknown):
        assert resp.status_code == 401

    def message(resp):
        return re.search(r'id="login-error">([^<]*)<', text_of(resp)).group(1)

    assert message(wrong) == message(locked) == message(unknown)


def test_wrong_cosign_pins_do_not_lock_the_victims_login(app):
    from audit import system_actor
    from admin_views.write_path import commit
    from rules.two_person import COSIGN_RULES, verify_cosigner

    from .helpers import property_id, staff_id

    rule = COSIGN_RULES["key_application_execution"]
    with app.test_request_context(), system_actor("test"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
            # refused through the one write path, which records the failure
            assert not commit(lambda: verify_cosigner(
                rule, username="clerk2", secret="0000", method="pin",
                actor_id=staff_id("clerk"), property_id=property_id("DEMO")))
        state = db.session.get(LoginState, staff_id("clerk2"))
        assert state.cosign_locked_until is not None and state.locked_until is None
    assert Browser(app).login("clerk2").status_code == 302


def test_concurrent_logins_with_a_small_pool_do_not_fail(backend, templates):
    """Each login uses the request's one connection: 8 at once on a pool of 2."""
    from .conftest import _dispose, _make_app

    app, database = _make_app(backend, templates, {"SQLALCHEMY_ENGINE_OPTIONS": {
        "pool_size": 2, "max_overflow": 0, "pool_timeout": 5}})
    try:
        users = ["clerk", "clerk2", "butler", "courier", "security", "finance",
                 "supervisor", "auditor"]
        statuses = _logins_at_once(app, [(u, "bad-password" if i % 2 else DEMO_PASSWORD)
                                         for i, u in enumerate(users)])
        assert sorted(statuses) == [302] * 4 + [401] * 4
    finally:
        _dispose(app)
        database.drop()


def test_tests_hash_with_cheap_argon2_parameters(app):
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
    assert staff.password_hash.startswith("$argon2id$") and "m=8,t=1,p=1" in staff.password_hash


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(app):
    here, elsewhere = Browser(app), Browser(app)
    here.login("clerk")
    elsewhere.login("clerk")
    resp = here.post_form("/account/secrets", {
        "current_password": DEMO_PASSWORD, "new_password": "clerk-new-pass-9",
        "confirm_password": "clerk-new-pass-9", "new_pin": "", "confirm_pin": ""})
    assert resp.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert Browser(app).login("clerk", "clerk-new-pass-9").status_code == 302


def test_a_wrong_current_password_changes_nothing_and_counts(app):
    b = Browser(app)
    b.login("clerk")
    resp = b.post_form("/account/secrets", {
        "current_password": "not-it", "new_password": "clerk-new-pass-9",
        "confirm_password": "clerk-new-pass-9", "new_pin": "", "confirm_pin": ""})
    assert resp.status_code == 400 and "用户名或密码错误" in text_of(resp)
    with app.app_context():
        from .helpers import staff_id

        assert db.session.get(LoginState, staff_id("clerk")).failed_logins == 1
    assert Browser(app).login("clerk").status_code == 302       # the old one still works
