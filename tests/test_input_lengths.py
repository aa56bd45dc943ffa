"""Text longer than its column: a form message and nothing written, on both
databases (PostgreSQL refuses it with a 500 otherwise; SQLite stores it).

Generated from the registers: every create form's length-limited text fields carry
``maxlength`` and refuse one character more with a message.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import KeyCheckout
from models.base import db
from rules.lengths import string_limits
from tests.conftest import Browser, hidden_inputs, text_of
from tests.helpers import endpoints_for
from tests.key_helpers import desk_issue

CREATORS = ["clerk", "butler", "supervisor", "dept_manager", "property_manager",
            "general_manager", "security", "finance", "admin"]


def _register_views():
    from admin_views import VIEWS

    return [(endpoint, model) for _cls, model, _name, _cat, endpoint in VIEWS
            if model is not None and string_limits(model)]


def _tag(html: str, name: str) -> str | None:
    m = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    return m.group(0) if m else None


@pytest.fixture(scope="module")
def creators(shared_app):
    return {u: endpoints_for(shared_app, u) for u in CREATORS}


@pytest.mark.parametrize("endpoint,model", _register_views(), ids=lambda v: getattr(v, "__name__", v))
def test_create_form_limits_every_text_field(shared_app, creators, endpoint, model):
    who = next((u for u, reach in creators.items() if f"{endpoint}.create_view" in reach), None)
    if who is None:
        pytest.skip(f"no role creates {endpoint}")
    b = Browser(shared_app)
    assert b.login(who).status_code == 302
    url = f"/admin/{endpoint}/new/"
    form = b.client.get(url)
    page = text_of(form)
    hidden = hidden_inputs(form.get_data(as_text=True))            # a create form's hidden inputs do not change
    with shared_app.app_context():
        before = db.session.execute(select(func.count()).select_from(model)).scalar()
    checked = 0
    for field, limit in string_limits(model).items():
        tag = _tag(page, field)
        if tag is None:                      # not on this form
            continue
        assert f'maxlength="{limit}"' in tag, f"{field}: {tag}"
        resp = b.post_form(url, {field: "长" * (limit + 1)}, hidden=hidden)
        assert resp.status_code == 200, f"{field}: {resp.status_code}"
        assert f"最多 {limit} 个字符" in text_of(resp), field
        with shared_app.app_context():
            assert db.session.execute(select(func.count()).select_from(model)).scalar() == before
        checked += 1
    if checked == 0:
        pytest.skip(f"{endpoint}: no length-limited text field on the create form")


def test_key_desk_reason_too_long_is_a_message(app, browser):
    clerk = browser("clerk")
    page = text_of(clerk.get("/admin/key_desk/"))
    assert 'maxlength="200"' in _tag(page, "reason")
    resp = desk_issue(clerk, "配电房", reason="修" * 201)
    assert resp.status_code == 422
    assert "过长" in text_of(resp) and "200" in text_of(resp)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(KeyCheckout).where(
            KeyCheckout.returned_at.is_(None), KeyCheckout.reason.like("修修修%"))).scalar() == 0
    assert desk_issue(clerk, "配电房", reason="修" * 200).status_code == 302
