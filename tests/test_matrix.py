"""The role matrix, enforced on the server for every endpoint of every view.

Generated from ``rules.matrix`` and from the app's URL map: every URL rule of every
admin view — Flask-Admin's own (list, details, create, edit, delete, actions,
ajax lookup and update, export) and every custom ``@expose`` — is requested by
every role.  Allowed exactly where the matrix says; 403 elsewhere; anonymous
users are sent to the login page.  Every Chinese page a role is shown here is also
read for English words (``test_translations_walk``'s check, one request for both).
A new endpoint is covered without editing this file, and one without a matrix
action is refused for everyone.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from admin_views.base import ENDPOINT_ACTIONS, SecureViewMixin
from models import Property, Staff
from models.base import db
from rules.matrix import ACTIONS, MATRIX, permits
from rules.roles import ROLES

from .conftest import Browser, csrf_from
from .page_text import SKIP_ENDPOINTS, english_in, visible

VIEW_REGISTERS = sorted(MATRIX)
_browsers: dict = {}


def admin_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, SecureViewMixin)
            and getattr(v, "register", "")]


def view_rules(app, view):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(view.endpoint + "."):
            fn = rule.endpoint.split(".", 1)[1]
            if fn == "static":
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield fn, method, rule.rule.replace("<export_type>", "csv")


def register_model(app, register: str):
    for view in admin_views(app):
        if view.register == register and getattr(view, "model", None) is not None:
            return view.model
    return None


def sample_id(register: str) -> int:
    """A row of the demo property (visible to its staff and to head office)."""
    from flask import current_app

    demo = db.session.execute(select(Property).where(Property.code == "DEMO")).scalar_one()
    model = register_model(current_app, register)
    if model is None:          # a plain page (e.g. my approvals): no record
        return 0
    if model is Property:
        return demo.id
    q = select(model.id).where(model.property_id == demo.id).order_by(model.id).limit(1)
    return db.session.execute(q).scalar_one()


def browser_for(app, role):
    key = (id(app), role)
    if key not in _browsers:
        b = Browser(app)
        if role != "anonymous":
            assert b.login(role).status_code == 302
        _browsers[key] = b
    return _browsers[key]


def call(b: Browser, view, fn, method, url, row_id):
    ajax_name = next(iter(getattr(view, "_form_ajax_refs", {}) or {}), "x")
    query = f"?id={row_id}&name={ajax_name}&query=a"
    if method == "GET":
        return b.client.get(url + query)
    # A signed-in POST reuses the token its session's CSRF secret gave before:
    # rendering the dashboard before every POST just to read one cost most of
    # this file's time.  The secret is checked each time, so a token is never stale.
    token = csrf_from(b.client.get("/login").data) if b.username is None \
        else b._cached_token("/admin/")
    return b.client.post(url + query, data={"csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("register", VIEW_REGISTERS)
def test_every_endpoint_obeys_the_matrix(shared_app, role, register):
    app = shared_app
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == role)).scalar_one()
        db.session.expunge(staff)
        row_id = sample_id(register)
    views = [v for v in admin_views(app) if v.register == register]
    assert views, f"no view for register {register}"
    b = browser_for(app, role)
    checked = 0
    english: dict[str, list[str]] = {}
    for view in views:
        for fn, method, url in view_rules(app, view):
            action = view.endpoint_action(fn)
            allowed = bool(action) and any(permits(staff, register, a)
                                           for a in action.split("|"))
            resp = call(b, view, fn, method, url, row_id)
            where = f"{role} {method} {url} ({fn} → {action})"
            if allowed:
                assert resp.status_code != 403 and resp.status_code < 500, \
                    f"{where}: expected allowed, got {resp.status_code}"
            else:
                assert resp.status_code == 403, f"{where}: expected 403, got {resp.status_code}"
            checked += 1
            # the page this role sees is Chinese (test_translations_walk reads the
            # pages of views outside the matrix, and every English page)
            if method == "GET" and resp.status_code == 200 and resp.mimetype == "text/html" \
                    and fn not in SKIP_ENDPOINTS:
                words = english_in("\n".join(visible(resp.get_data(as_text=True)).text))
                if words:
                    english[url] = sorted(set(words))
    assert not english, "English on a Chinese page:\n" + "\n".join(
        f"{u}: {w}" for u, w in sorted(english.items()))
    # model views have at least list/details/create/edit/delete/export/void/history
    assert checked >= (2 if all(getattr(v, 'model', None) is None for v in views) else 10)


@pytest.mark.parametrize("register", VIEW_REGISTERS)
def test_anonymous_is_sent_to_login_everywhere(shared_app, register):
    app = shared_app
    with app.app_context():
        row_id = sample_id(register)
    b = browser_for(app, "anonymous")
    for view in [v for v in admin_views(app) if v.register == register]:
        for fn, method, url in view_rules(app, view):
            resp = call(b, view, fn, method, url, row_id)
            assert resp.status_code == 302 and "/login" in resp.headers["Location"], \
                f"anonymous {method} {url}: {resp.status_code}"


def test_every_exposed_endpoint_has_a_matrix_action(shared_app):
    """Fail closed: an @expose without @requires(...) is refused, and listed here."""
    unmapped = []
    for view in admin_views(shared_app):
        for fn, _method, _url in view_rules(shared_app, view):
            if view.endpoint_action(fn) is None and fn != "delete_view" \
                    and fn not in view.disabled_endpoints:
                unmapped.append(f"{view.endpoint}.{fn}")
    assert unmapped == []


def test_delete_is_never_allowed_and_auditor_never_writes():
    assert ENDPOINT_ACTIONS["delete_view"] is None
    for register, actions in MATRIX.items():
        assert set(actions) <= set(ACTIONS), register

    class FakeAuditor:
        is_authenticated = True
        id = 1

        def has_role(self, *roles):
            return "auditor" in roles

    for register in MATRIX:
        for action in ("create", "edit", "void", "approve", "cosign"):
            assert not permits(FakeAuditor(), register, action), (register, action)
        assert permits(FakeAuditor(), register, "view"), register


def test_hand_checked_corners_of_the_matrix(shared_app):
    """A few cells spelled out, so a wrong matrix cannot pass by agreeing with itself."""
    app = shared_app
    expect = [
        ("clerk", "/admin/building/new/", 403),
        ("clerk", "/admin/occupant/new/", 200),
        ("courier", "/admin/occupant/", 403),
        ("auditor", "/admin/unit/new/", 403),
        ("auditor", "/admin/audit_log/", 200),
        ("auditor", "/admin/unit/export/csv/", 200),
        ("admin", "/admin/staff/new/", 200),
        ("supervisor", "/admin/staff/", 403),
        ("clerk", "/admin/audit_log/", 403),
        ("finance", "/admin/unit/export/csv/", 403),
    ]
    for role, url, status in expect:
        assert browser_for(app, role).get(url).status_code == status, (role, url)
