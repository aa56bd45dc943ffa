"""Rooms linked to people (issue 17 item 3, server side): a room's occupants and butler
as JSON for the forms, and the owner lookup limited to the chosen room that finds room
numbers, names and phone fragments — never another property's."""
from __future__ import annotations

import re

import pytest

from .helpers import staff_id
from .room_helpers import north_home, unit_id


@pytest.mark.parametrize("role, phone", [("butler", "13800000002"), ("clerk", "138****0002")])
def test_room_card_lists_the_occupants_and_the_units_butler(app, browser, role, phone):
    """The phone as the role may read it (owner files mask it for the clerk)."""
    resp = browser(role).get(f"/admin/occupant/of_unit/?unit={unit_id(app, '1-302')}")
    assert resp.status_code == 200
    card = resp.get_json()
    assert card["room"] == "1-302"
    assert [(o["name"], o["phone"], o["kind"]) for o in card["occupants"]] == \
        [("王芳", phone, "业主")]
    with app.app_context():
        assert card["butler"]["id"] == staff_id("butler") != staff_id("supervisor")
    assert resp.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("param", ["", "abc", "-1", "99999999", "1e3", "9" * 40])
def test_room_card_of_no_room_is_not_found(app, browser, param):
    resp = browser("clerk").get(f"/admin/occupant/of_unit/?unit={param}")
    assert resp.status_code == 404 and resp.get_json()["occupants"] == []


def test_room_card_of_another_property_is_not_found(app, browser):
    north_unit, _ = north_home(app)
    resp = browser("clerk").get(f"/admin/occupant/of_unit/?unit={north_unit}")
    assert resp.status_code == 404 and "钱多多" not in resp.get_data(as_text=True)


def test_room_card_needs_the_occupant_register(app, browser):
    resp = browser("courier").get(f"/admin/occupant/of_unit/?unit={unit_id(app, '1-302')}")
    assert resp.status_code in (302, 403)
    assert "王芳" not in resp.get_data(as_text=True)


def lookup(b, view: str, query: str, unit: int | None = None) -> list[str]:
    url = f"/admin/{view}/ajax/lookup/?name=owner&query={query}&offset=0&limit=10"
    if unit is not None:
        url += f"&unit={unit}"
    resp = b.get(url)
    assert resp.status_code == 200, resp.status_code
    return [label for _id, label in resp.get_json()]


OWNER_FORMS = [("valuables_deposit", "clerk"), ("custody_agreement", "butler")]


@pytest.mark.parametrize("view, role", OWNER_FORMS)
@pytest.mark.parametrize("query", ["1-302", "王芳", "00000002", "800000002"])
def test_owner_lookup_finds_room_name_and_phone_fragment(app, browser, view, role, query):
    north_home(app)
    found = lookup(browser(role), view, query)
    if role == "clerk" and query.isdigit():
        # the clerk reads phones masked: a fragment would reveal the hidden digits
        assert found == []
    else:
        assert found == ["王芳 · 1-302"]      # the other property's 1-302 is never found


@pytest.mark.parametrize("view, role", OWNER_FORMS)
def test_owner_lookup_is_limited_to_the_chosen_room(app, browser, view, role):
    clerk = browser(role)
    assert lookup(clerk, view, "王芳", unit_id(app, "1-301")) == []
    assert lookup(clerk, view, "", unit_id(app, "1-302")) == ["王芳 · 1-302"]
    assert lookup(clerk, view, "张伟", unit_id(app, "1-301")) == ["张伟 · 1-301"]
    north_unit, _ = north_home(app)
    assert lookup(clerk, view, "", north_unit) == []


@pytest.mark.parametrize("view, role", OWNER_FORMS)
def test_butler_defaults_to_a_butler_never_the_supervisor(app, browser, view, role):
    page = browser(role).get(f"/admin/{view}/new/").get_data(as_text=True)
    select = page.split('id="butler"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option[^>]*value="(\d+)"', select)
    with app.app_context():
        assert values[0] == str(staff_id("butler"))
        assert str(staff_id("supervisor")) in values      # may still be chosen


@pytest.mark.parametrize("url, role, marks", [
    ("/admin/service_order/new/", "clerk", ("customer_name", "customer_phone")),
    ("/admin/water_order/new/", "clerk", ("customer_name", "customer_phone")),
    ("/admin/public_info/new/", "clerk", ("caller_name", "caller_phone")),
    ("/admin/medicine_usage/new/", "clerk", ("recipient_name",)),
    ("/admin/valuables_deposit/new/", "clerk", ("owner", "butler")),
    ("/admin/custody_agreement/new/", "butler", ("owner", "butler")),
])
def test_forms_with_a_room_and_a_person_are_linked(app, browser, url, role, marks):
    page = browser(role).get(url).get_data(as_text=True)
    assert 'data-room-card="/admin/occupant/of_unit/"' in page
    for field in marks:
        assert re.search(rf'<[^>]*data-room-\w+="\w+"[^>]*id="{field}"|'
                         rf'<[^>]*id="{field}"[^>]*data-room-\w+="\w+"', page), field
