"""Keys borrowed by someone who is not staff: a contractor (name, company, ID number,
phone) or an owner/occupant found by typing the room; refusals, masking per role,
return, search, export and history."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models.base import db
from models.key_borrowers import KeyCheckoutBorrower
from models.keys import KeyCheckout
from rules import matrix
from rules.matrix_groups import has_role

from .conftest import text_of
from .helpers import staff_id
from .key_helpers import desk_return, open_checkouts

CONTRACTOR = {"contractor_name": "王师傅", "contractor_company": "安达电梯维修",
              "contractor_id_number": "110101199003071234", "contractor_phone": "13912345678"}


def desk_issue_outside(b, label: str, kind: str, reason: str = "电梯年检", **fields):
    data = {"label": label, "borrower_kind": kind, "borrower_id": "", "reason": reason,
            **fields}
    return b.post("/admin/key_desk/issue/", data, token_from="/admin/key_desk/")


def outside_of(app, checkout_id: int) -> KeyCheckoutBorrower:
    with app.app_context():
        row = db.session.execute(select(KeyCheckoutBorrower).where(
            KeyCheckoutBorrower.checkout_id == checkout_id)).scalar_one()
        db.session.expunge(row)
        return row


def test_clerk_issues_a_key_to_a_contractor_and_takes_it_back(app, browser):
    clerk = browser("clerk")
    resp = desk_issue_outside(clerk, "配电房", "contractor", **CONTRACTOR)
    assert resp.status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    outside = outside_of(app, checkout.id)
    assert (outside.kind, outside.name, outside.company, outside.id_number, outside.phone) == (
        "contractor", "王师傅", "安达电梯维修", "110101199003071234", "13912345678")
    with app.app_context():
        assert checkout.borrower_id == staff_id("clerk")   # responsible: the clerk
    desk = text_of(clerk.get("/admin/key_desk/"))
    assert "王师傅" in desk and "安达电梯维修" in desk
    assert desk_return(browser("clerk2"), "配电房").status_code == 302
    assert open_checkouts(app, "配电房") == []


def test_a_contractor_names_a_responsible_staff_member(app, browser):
    with app.app_context():
        guard = staff_id("security")
    resp = desk_issue_outside(browser("clerk"), "配电房", "contractor",
                              borrower_id=str(guard), **CONTRACTOR)
    assert resp.status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    assert checkout.borrower_id == guard


@pytest.mark.parametrize("missing", ["contractor_id_number", "contractor_phone",
                                     "contractor_company", "contractor_name"])
def test_a_contractor_without_id_phone_or_company_is_refused(app, browser, missing):
    fields = {**CONTRACTOR, missing: "  "}
    resp = desk_issue_outside(browser("clerk"), "配电房", "contractor", **fields)
    page = text_of(resp)
    assert resp.status_code == 422 and "外来人员借用钥匙须登记" in page
    assert open_checkouts(app, "配电房") == []
    # the form keeps what was typed, the contractor fields shown
    assert 'value="安达电梯维修"' in page or missing == "contractor_company"
    assert 'id="kind-contractor" value="contractor" checked' in page


def test_clerk_finds_an_owner_by_typing_the_room_and_issues_the_key(app, browser):
    clerk = browser("clerk")
    found = json.loads(clerk.get("/admin/key_desk/occupants/?q=1-302").data)
    assert found and all(f["text"].startswith("1-302") for f in found)
    assert "****" in found[0]["text"]               # the clerk sees owners' phones masked
    resp = desk_issue_outside(clerk, "配电房", "occupant", reason="业主取回寄存物",
                              occupant_id=str(found[0]["id"]))
    assert resp.status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    outside = outside_of(app, checkout.id)
    assert outside.kind == "occupant" and outside.room == "1-302"
    assert outside.occupant_id == found[0]["id"]
    listed = text_of(clerk.get("/admin/key_checkout/?search=1-302"))
    assert outside.name in listed


def test_the_occupant_lookup_stays_in_the_users_property(app, browser):
    # 钱多多 owns a home of the other property (北岸): not found, not issuable.
    assert json.loads(browser("clerk").get("/admin/key_desk/occupants/?q=钱多多").data) == []
    from models.reference import Occupant

    with app.app_context():
        other = db.session.execute(select(Occupant.id).where(
            Occupant.name == "钱多多")).scalars().first()
    resp = desk_issue_outside(browser("clerk"), "配电房", "occupant", occupant_id=str(other))
    assert resp.status_code == 422 and "1-302" in text_of(resp)
    assert open_checkouts(app, "配电房") == []


def test_an_occupant_must_be_chosen(app, browser):
    resp = desk_issue_outside(browser("clerk"), "配电房", "occupant", occupant_id="")
    assert resp.status_code == 422 and open_checkouts(app, "配电房") == []


def test_spare_and_out_rules_still_apply_to_outside_borrowers(app, browser):
    resp = desk_issue_outside(browser("clerk"), "配电房-备1", "contractor", **CONTRACTOR)
    assert resp.status_code == 422 and "备用钥匙" in text_of(resp)
    resp = desk_issue_outside(browser("clerk"), "水泵房", "contractor", **CONTRACTOR)
    assert resp.status_code == 422 and "水泵房 已借出" in text_of(resp)
    with app.app_context():
        assert db.session.execute(select(KeyCheckoutBorrower)).scalars().all() == [] or all(
            o.name != "王师傅" for o in db.session.execute(select(KeyCheckoutBorrower)).scalars())


def test_list_search_details_mask_id_and_phone_for_roles_that_do_not_read_them(app, browser):
    assert desk_issue_outside(browser("clerk"), "配电房", "contractor", **CONTRACTOR
                              ).status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    for term in ("王师傅", "安达"):                      # name or company, by typing
        page = text_of(browser("clerk").get(f"/admin/key_checkout/?search={term}"))
        assert "王师傅" in page and "13912345678" in page      # the clerk reads them
    guard = browser("security")                              # sees the log, masked
    page = text_of(guard.get("/admin/key_checkout/?search=安达"))
    assert "王师傅" in page and "139****5678" in page and "13912345678" not in page
    assert "110101199003071234" not in page
    details = text_of(guard.get(f"/admin/key_checkout/details/?id={checkout.id}"))
    assert "安达电梯维修" in details and "139****5678" in details
    assert "110101199003071234" not in details and "13912345678" not in details


def test_export_and_history_show_the_contractor_masked_per_role(app, browser, monkeypatch):
    assert desk_issue_outside(browser("clerk"), "配电房", "contractor", **CONTRACTOR
                              ).status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    data = browser("property_manager").get("/admin/key_checkout/export/csv/").data.decode(
        "utf-8-sig")
    assert "王师傅" in data and "139****5678" in data and "13912345678" not in data
    data = browser("auditor").get("/admin/key_checkout/export/csv/").data.decode("utf-8-sig")
    assert "13912345678" in data and "110101199003071234" in data
    history = text_of(browser("property_manager").get(
        f"/admin/key_checkout/history/?id={checkout.id}"))
    assert "安达电梯维修" in history and "13912345678" in history
    # a history reader who may not read personal data sees them masked
    monkeypatch.setitem(matrix.PERSONAL_DATA_READERS, "key_checkout", has_role("auditor"))
    history = text_of(browser("property_manager").get(
        f"/admin/key_checkout/history/?id={checkout.id}"))
    assert "安达电梯维修" in history and "139****5678" in history
    assert "13912345678" not in history and "110101199003071234" not in history


def test_a_staff_borrower_is_unchanged(app, browser):
    from .key_helpers import desk_issue

    assert desk_issue(browser("clerk"), "配电房", borrower="security").status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    with app.app_context():
        assert db.session.get(KeyCheckout, checkout.id).outside is None
