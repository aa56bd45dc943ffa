"""住户搬出登记表: numbered, registered in advance by the desk; a tenant only with
the owner's phone consent; the unit's arrears from the fee register shown on it;
an exit pass for an occupant moving out only with a registration of the unit;
move-outs scheduled today are due."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from audit import system_actor
from i18n import local_now, local_today
from models.base import db
from models.fees import FeeNotice
from models.reference import Occupant, Unit

from .conftest import text_of
from .custody_helpers import fmt
from .exit_helpers import issue, move_outs, owner_id, passes
from .helpers import entries_for, property_id, staff_id
from .order_helpers import unit_id


def form(app, room: str = "1-302", **over) -> dict:
    data = {"unit": unit_id(app, room), "occupant": owner_id(app, room),
            "planned_on": (local_today() + timedelta(days=2)).isoformat(),
            "phone": "13911112222", "reason": "购置新房", "goods": "家具、电器约 30 件"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def add_tenant(app, room: str) -> int:
    with app.app_context(), system_actor("test"):
        unit = db.session.execute(select(Unit).where(Unit.room == room)).scalar_one()
        t = Occupant(property_id=unit.property_id, unit_id=unit.id, name="租户小孙",
                     kind="tenant", phone="13700001111")
        db.session.add(t)
        db.session.commit()
        return t.id


def test_clerk_registers_a_move_out_in_advance(app, browser):
    before = move_outs(app)
    resp = browser("clerk").post_form("/admin/move_out/new/", form(app))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    new = move_outs(app)[-1]
    assert new.serial_no == max(m.serial_no for m in before) + 1
    with app.app_context():
        assert new.clerk_id == staff_id("clerk")
        assert entries_for("move_out", new.id)[0].action == "insert"
    resp = browser("clerk").post_form("/admin/move_out/new/", form(
        app, planned_on=(local_today() - timedelta(days=1)).isoformat()))
    assert "计划搬出日期不能早于今天" in text_of(resp)
    assert len(move_outs(app)) == len(before) + 1


def test_a_tenant_moves_out_only_with_the_owners_consent(app, browser):
    tenant = add_tenant(app, "2-302")
    b = browser("clerk")
    base = form(app, "2-302", occupant=tenant)
    before = len(move_outs(app))
    resp = b.post_form("/admin/move_out/new/", base)
    assert "租户搬出须经业主同意" in text_of(resp)
    resp = b.post_form("/admin/move_out/new/", {**base, "owner_called_at": fmt(local_now()),
                                                "owner_call_result": "refused"})
    assert "业主电话中未同意放行" in text_of(resp)
    assert len(move_outs(app)) == before
    resp = b.post_form("/admin/move_out/new/", {**base, "owner_called_at": fmt(local_now()),
                                                "owner_call_result": "agreed"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert move_outs(app)[-1].owner_called_by_id == staff_id("clerk")


def test_an_exit_pass_for_moving_out_needs_the_units_registration(app, browser):
    b = browser("clerk")
    resp = issue(b, app, room="1-302", purpose="move_out")
    assert "住户迁出须先填写该房号的住户搬出登记表" in text_of(resp)
    other = [m for m in move_outs(app) if m.voided_at is None][0]        # 3-301's (demo)
    resp = issue(b, app, room="1-302", purpose="move_out", move_out=other.id)
    assert "住户迁出须先填写该房号的住户搬出登记表" in text_of(resp)
    assert b.post_form("/admin/move_out/new/", form(app)).status_code == 302
    mine = move_outs(app)[-1]
    resp = issue(b, app, room="1-302", purpose="move_out", move_out=mine.id)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert passes(app)[-1].move_out_id == mine.id


def test_arrears_of_the_unit_show_on_the_move_out(app, browser):
    with app.app_context():
        unpaid = db.session.execute(select(FeeNotice).where(
            FeeNotice.property_id == property_id("DEMO"), FeeNotice.paid_at.is_(None),
            FeeNotice.amount_due > 0)).scalars().first()
        room, due = unpaid.unit.room, unpaid.amount_due
    b = browser("clerk")
    assert b.post_form("/admin/move_out/new/", form(app, room)).status_code == 302
    page = text_of(b.get(f"/admin/move_out/details/?id={move_outs(app)[-1].id}"))
    assert "move-out-arrears" in page and f"¥{due}" in page


def test_move_outs_scheduled_today_are_due(app, browser):
    b = browser("clerk")
    assert "今日计划搬出的住户" not in text_of(b.get("/admin/"))
    assert b.post_form("/admin/move_out/new/", form(
        app, planned_on=local_today().isoformat())).status_code == 302
    assert "今日计划搬出的住户" in text_of(b.get("/admin/"))


def test_security_and_finance_cannot_register(app, browser):
    for role in ("security", "finance", "butler"):
        resp = browser(role).post("/admin/move_out/new/", form(app), token_from="/admin/")
        assert resp.status_code == 403, role
