"""Due items as data: providers are registered by their rules modules, name pages
(views), never Flask endpoints, and every page they name exists; rules never end
their caller's transaction."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_login import login_user

from models.base import db
from models.staff import Staff
from rules import due
from rules.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent
ENDPOINT = re.compile(r"""["'][a-z_]+\.(?:index|[a-z_]+_view)["']""")


def test_rules_name_no_endpoint_and_never_roll_back():
    for path in (ROOT / "rules").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not ENDPOINT.findall(text), (path.name, ENDPOINT.findall(text))
        assert "rollback(" not in text, path.name


def test_every_register_with_due_items_registers_a_provider(app):
    registers = {r for r, _fn in due.PROVIDERS}
    assert {"key_checkout", "key_spot_check", "custody_agreement", "valuables_deposit",
            "medicine_item", "water_stock", "service_order", "finance",
            "public_info"} <= registers


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("admin",)])
def test_every_due_page_and_cosign_link_resolves(app, role):
    from admin_views.dashboard import page_url

    with app.test_request_context("/admin/"):
        user = db.session.execute(db.select(Staff).where(Staff.username == role)).scalar_one()
        login_user(user)
        for item in due.due_for(user):
            assert page_url(item.page).startswith("/admin/"), item
        for register, rec in due.cosigns_waiting(user):
            assert page_url(register, id=rec.id).startswith("/admin/")


def test_views_raise_no_rule_of_their_own():
    """Refusals are rules (rules/), testable without a request; views only call them."""
    for path in (ROOT / "admin_views").glob("*.py"):
        assert "RuleViolation(" not in path.read_text(encoding="utf-8"), path.name
