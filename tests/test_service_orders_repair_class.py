"""The 服务单's repair class (普通维修 / 急修 / 渗漏水): chosen on the form, shown in
Chinese in the list, details and export, filtered by 等于; left empty on a new order
it is taken from the description's words (a class the desk chose is kept: the field
wins); the migration that added it back-filled existing orders from the words."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect, select

from models.base import db
from models.service_orders import ServiceOrder, repair_class_from_words
from rules import service_orders as order_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .helpers import empty_database_app, insert_row
from .order_helpers import create, order, order_form, orders

PREVIOUS_HEAD = "5597d60ee492"
HEAD = "3a6f1c8e2d57"


@pytest.mark.parametrize("desc, notes, kind, chosen, expected", [
    ("卫生间水管爆裂", None, "service", "", "normal"),
    ("紧急：水管爆裂", None, "service", "", "urgent"),
    ("墙面渗水", "已急修", "service", "", "urgent"),        # urgent before leak
    ("卫生间漏水", None, "service", None, "leak"),
    ("紧急：水管爆裂", None, "service", "normal", "normal"),  # the desk's choice wins
    ("更换灯泡", None, "service", "urgent", "urgent"),
    ("紧急送水", None, "water", "", "normal"),
])
def test_the_class_defaults_from_the_words_only_when_left_empty(desc, notes, kind, chosen,
                                                                 expected):
    o = ServiceOrder(kind=kind, description=desc, work_notes=notes, repair_class=chosen)
    order_rules.default_repair_class(o, is_created=True)
    assert o.repair_class == expected


def test_an_edit_left_empty_is_ordinary_and_a_bad_class_is_refused():
    o = ServiceOrder(kind="service", description="紧急", repair_class="")
    order_rules.default_repair_class(o, is_created=False)
    assert o.repair_class == "normal"
    with pytest.raises(RuleViolation):
        order_rules.default_repair_class(ServiceOrder(kind="service", repair_class="boiler"),
                                         is_created=True)


def test_the_class_saves_and_shows_in_chinese(app, browser):
    clerk = browser("clerk")
    form = text_of(clerk.get("/admin/service_order/new/"))
    assert "维修类别" in form and "急修" in form and "渗漏水" in form and "按服务内容判断" in form
    assert create(clerk, app, repair_class="leak",
                  description="阳台窗边进水").status_code == 302
    leak = orders(app, "service")[-1]
    assert leak.repair_class == "leak"
    assert create(clerk, app, description="紧急：入户门锁坏").status_code == 302   # left empty
    assert orders(app, "service")[-1].repair_class == "urgent"
    assert create(clerk, app, description="紧急：入户门锁坏",
                  repair_class="normal").status_code == 302
    assert orders(app, "service")[-1].repair_class == "normal"
    details = text_of(clerk.get(f"/admin/service_order/details/?id={leak.id}"))
    assert "维修类别" in details and "渗漏水" in details
    listing = text_of(clerk.get("/admin/service_order/"))
    assert "维修类别" in listing and "渗漏水" in listing
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "service_order")
    with app.test_request_context():
        idx = next(i for i, f in enumerate(view._filters)
                   if getattr(f.column, "key", "") == "repair_class"
                   and type(f).__name__ == "FilterEqual")
    filtered = text_of(clerk.get(f"/admin/service_order/?flt0_{idx}=leak"))
    numbers = set(re.findall(r"No\.(\d{6})|>(\d{6})<", filtered))
    shown = {n for pair in numbers for n in pair if n}
    assert f"{leak.serial_no:06d}" in shown
    assert not shown & {f"{o.serial_no:06d}" for o in orders(app, "service")
                        if o.repair_class != "leak"}
    # the class filter is 等于 / 不等于 one of its labels (JSON in the page)
    assert '"operation": "\\u7b49\\u4e8e"' in filtered.split("filter-groups-data")[1]
    export = browser("supervisor").get("/admin/service_order/export/csv/")
    assert export.status_code == 200
    data = export.data.decode("utf-8-sig")
    assert "维修类别" in data and "渗漏水" in data
    # editing keeps the class, and can change it
    edit = f"/admin/service_order/edit/?id={leak.id}"
    assert 'selected value="leak"' in clerk.get(edit).get_data(as_text=True)
    lines = {"lines-0-id": leak.lines[0].id, "lines-0-price": leak.lines[0].price_id}
    resp = clerk.post_form(edit, order_form(app, description="阳台窗边进水",
                                            repair_class="urgent", **lines))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert order(app, leak.id).repair_class == "urgent"
    resp = clerk.post_form(edit, order_form(app, description="阳台窗边渗水",
                                            repair_class="", **lines))
    assert resp.status_code == 302 and order(app, leak.id).repair_class == "normal"


def test_a_bad_class_from_the_form_is_a_form_error(app, browser):
    n = len(orders(app))
    resp = create(browser("clerk"), app, repair_class="boiler")
    assert resp.status_code == 200 and len(orders(app)) == n


def test_the_migration_back_fills_the_class_from_the_words(backend, templates):
    """Build the schema at the previous head, insert orders, upgrade, check."""
    from flask_migrate import downgrade, upgrade

    rows = [("service", "紧急：水管爆裂", None), ("service", "墙面渗水", None),
            ("service", "换灯泡", "顺便处理了漏水"), ("service", "漏水且紧急", None),
            ("service", "换灯泡", None), ("service", None, None), ("water", "紧急送水", None)]
    with empty_database_app(backend, templates) as app:
        with app.app_context():
            upgrade(revision=PREVIOUS_HEAD)
            assert "repair_class" not in {c["name"] for c in inspect(db.engine).get_columns(
                "service_order")}
            with db.engine.begin() as conn:
                insert_row(conn, "property", id=1, code="P", name="P")
                insert_row(conn, "building", id=1, property_id=1, name="B")
                insert_row(conn, "unit", id=1, property_id=1, building_id=1, room="1-101")
                for i, (kind, desc, notes) in enumerate(rows, start=1):
                    insert_row(conn, "service_order", id=i, property_id=1, serial_no=i,
                               kind=kind, unit_id=1, customer_name="业主", description=desc,
                               work_notes=notes)
            upgrade(revision=HEAD)
            got = dict(db.session.execute(select(ServiceOrder.id, ServiceOrder.repair_class)
                                          .order_by(ServiceOrder.id)).all())
            db.session.remove()
            assert got == {1: "urgent", 2: "leak", 3: "leak", 4: "urgent", 5: "normal",
                           6: "normal", 7: "normal"}
            # the model's function (what audit verify accepts) agrees with the migration
            assert {i: (repair_class_from_words(d, n) if k == "service" else "normal")
                    for i, (k, d, n) in enumerate(rows, start=1)} == got
            downgrade(revision=PREVIOUS_HEAD)
            assert "repair_class" not in {c["name"] for c in inspect(db.engine).get_columns(
                "service_order")}
