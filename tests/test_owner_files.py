"""业主基本情况登记表 and 业主电话联络表: the owner file's personal columns are shown
only to the roles that keep or supervise files (butler, managers, auditor) and masked
for the clerk and finance — in the list, details, family lines, history, the file as
it was, the register as of a day, exports and the phone list — and the edit form of
a masked role neither shows nor overwrites them.  Every unmasked opening is logged
for the auditor, in a log nobody can edit.  Couriers, security and the admin do not
open owner files at all; the other property's files stay out."""
from __future__ import annotations

import pytest

from rules.roles import ROLES

from .conftest import text_of
from .order_helpers import unit_id
from .owner_file_helpers import (CHILD_PHONE, EMERGENCY, EMERGENCY_MASKED, ID_NUMBER, KEPT_OUT,
                                 MASKED, PHONE, PHONE_MASKED, READERS, accesses, occupant_id)

KEEP = {"name": "张伟", "kind": "owner", "fee_cycle": "quarter", "id_type": "id_card",
        "title_filed": "y", "title_filed_on": "", "emergency_name": "张强"}
HISTORY_ROLES = ("supervisor", "dept_manager", "property_manager", "general_manager",
                 "auditor")
EXPORTERS = ("dept_manager", "auditor")


def _pages(oid: int) -> dict[str, str]:
    return {"list": "/admin/occupant/",
            "details": f"/admin/occupant/details/?id={oid}",
            "history": f"/admin/occupant/history/?id={oid}",
            "as_of": f"/admin/occupant/as_of/?id={oid}",
            "register_as_of": "/admin/occupant/register_as_of/",
            "phones": "/admin/occupant/phones/",
            "export": "/admin/occupant/export/csv/",
            "register_csv": "/admin/occupant/register_as_of/?format=csv",
            "phones_csv": "/admin/occupant/phones/?format=csv"}


def _allowed(role: str, page: str) -> bool:
    if role in KEPT_OUT:
        return False
    if page in ("history", "as_of"):
        return role in HISTORY_ROLES
    if page.endswith("csv") or page == "export":
        return role in EXPORTERS
    return True


@pytest.mark.parametrize("role", ROLES)
def test_personal_columns_by_role_on_every_page(app, browser, role):
    assert sorted(READERS + MASKED + KEPT_OUT) == sorted(ROLES)      # every role decided
    b = browser(role)
    for page, url in _pages(occupant_id(app, "1-301")).items():
        resp = b.get(url)
        if not _allowed(role, page):
            assert resp.status_code in (302, 403), (page, resp.status_code)
            continue
        assert resp.status_code == 200, (page, resp.status_code)
        body = resp.data.decode("utf-8-sig")
        assert "张伟" in body, page
        unmasked = role in READERS and (page in ("list", "details", "history", "as_of",
                                                  "register_as_of", "phones")
                                         or role in EXPORTERS)
        if unmasked:
            assert PHONE in body, page
        else:
            assert PHONE not in body and PHONE_MASKED in body, (role, page)
        if page in ("details", "export", "phones", "phones_csv"):
            assert (EMERGENCY in body) is unmasked, (role, page)
            assert unmasked or EMERGENCY_MASKED in body, (role, page)
        if page in ("details", "export"):
            assert (ID_NUMBER in body) is unmasked, (role, page)
        if page == "details":
            assert (CHILD_PHONE in body) is unmasked, (role, page)
            assert "张小宇" in body


def test_other_property_files_stay_out(app, browser):
    north = occupant_id(app, "A-101")
    b = browser("butler")
    assert "钱多多" not in text_of(b.get("/admin/occupant/"))
    assert "钱多多" not in text_of(b.get(f"/admin/occupant/details/?id={north}",
                                         follow_redirects=True))
    assert "钱多多" not in text_of(b.get("/admin/occupant/phones/"))
    assert "钱多多" in text_of(browser("auditor").get("/admin/occupant/phones/"))


def test_a_masked_role_edits_a_file_without_seeing_or_losing_its_personal_data(app, browser):
    from models.base import db
    from models.reference import Occupant

    oid = occupant_id(app, "1-301")
    clerk = browser("clerk")
    page = text_of(clerk.get(f"/admin/occupant/edit/?id={oid}"))
    assert "张伟" in page
    for secret in (PHONE, EMERGENCY, ID_NUMBER, CHILD_PHONE):
        assert secret not in page
    assert 'name="phone"' not in page and 'name="id_number"' not in page
    resp = clerk.post_form(f"/admin/occupant/edit/?id={oid}", {
        **KEEP, "unit": unit_id(app, "1-301"), "paper_location": "业主档案柜 A-02",
        "secrecy": "important", "phone": "13000000000"})
    assert resp.status_code == 302, text_of(resp)[-800:]
    with app.app_context():
        occ = db.session.get(Occupant, oid)
        assert occ.paper_location == "业主档案柜 A-02"
        assert occ.phone == PHONE and occ.emergency_phone == EMERGENCY
        assert len([m for m in occ.family if m.voided_at is None]) == 2
    assert 'name="phone"' in text_of(browser("butler").get(f"/admin/occupant/edit/?id={oid}"))


def test_the_butler_opens_a_file_and_the_auditor_sees_it(app, browser):
    oid = occupant_id(app, "1-301")
    before = accesses(app)
    browser("clerk").get(f"/admin/occupant/details/?id={oid}")          # masked: not logged
    assert accesses(app) == before
    browser("butler").get(f"/admin/occupant/details/?id={oid}")
    browser("dept_manager").get("/admin/occupant/export/csv/")
    browser("butler").get("/admin/occupant/phones/")
    new = accesses(app)[len(before):]
    assert new == [("butler", "details", oid), ("dept_manager", "export", None),
                   ("butler", "phone_list", None)]
    log = text_of(browser("auditor").get("/admin/owner_file_access/"))
    assert "李建国" in log and "张伟" in log and "详情页" in log
    assert browser("clerk").get("/admin/owner_file_access/").status_code == 403
    assert browser("butler").get("/admin/owner_file_access/").status_code == 403


@pytest.mark.parametrize("role", ("auditor", "dept_manager", "general_manager", "admin"))
def test_the_access_log_cannot_be_written(app, browser, role):
    b = browser(role)
    for url in ("/admin/owner_file_access/new/", "/admin/owner_file_access/edit/?id=1",
                "/admin/owner_file_access/void/?id=1", "/admin/owner_file_access/history/?id=1"):
        assert b.get(url).status_code in (403, 404), (role, url)
    resp = b.post("/admin/owner_file_access/new/", {"staff": "1", "kind": "details"})
    assert resp.status_code in (403, 404)


def test_family_lines_feed_the_birthday_list(app, browser):
    from i18n import local_today

    month = f"{local_today():%Y-%m}"
    page = text_of(browser("clerk").get(f"/admin/occupant/birthdays/?month={month}"))
    assert "张小宇" in page and "李梅" in page and "1-301" in page
    assert CHILD_PHONE not in page
    assert browser("butler").get("/admin/occupant/birthdays/?month=2026-13").status_code == 400


def test_the_butler_creates_a_file_with_family_and_a_keeper(app, browser):
    from sqlalchemy import select

    from models.base import db
    from models.reference import Occupant
    from tests.helpers import entries_for, staff_id

    b = browser("butler")
    with app.app_context():
        butler = staff_id("butler")
    resp = b.post_form("/admin/occupant/new/", {
        "unit": unit_id(app, "2-801"), "name": "钱小姐", "kind": "tenant",
        "phone": "13611112222", "fee_cycle": "month", "secrecy": "normal",
        "keeper": butler, "family-0-name": "钱先生", "family-0-relation": "父亲",
        "family-0-birthday": "1960-05-06", "family-0-phone": "13611113333"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        occ = db.session.execute(select(Occupant).where(Occupant.name == "钱小姐")).scalar_one()
        assert occ.keeper_id == butler and occ.fee_cycle == "month" and occ.id_type is None
        [member] = occ.family
        assert member.property_id == occ.property_id and member.phone == "13611113333"
        oid, member_id = occ.id, member.id
    # a change of keeper is recorded in the file's history
    resp = b.post_form(f"/admin/occupant/edit/?id={oid}", {
        "unit": unit_id(app, "2-801"), "name": "钱小姐", "kind": "tenant", "phone": "13611112222",
        "fee_cycle": "month", "secrecy": "normal", "keeper": staff_id_of(app, "clerk"),
        "family-0-id": member_id, "family-0-name": "钱先生", "family-0-relation": "父亲",
        "family-0-birthday": "1960-05-06", "family-0-phone": "13611113333"})
    assert resp.status_code == 302, text_of(resp)[-800:]
    with app.app_context():
        assert "keeper_id" in entries_for("occupant", oid)[-1].changes
    page = text_of(browser("supervisor").get(f"/admin/occupant/history/?id={oid}"))
    assert "档案管理人" in page and "王晓燕" in page


def staff_id_of(app, username: str) -> int:
    from tests.helpers import staff_id

    with app.app_context():
        return staff_id(username)


@pytest.mark.parametrize("role,unmasked", [("admin", False), ("auditor", True),
                                           ("dept_manager", True)])
def test_the_global_log_masks_owner_files_and_family_lines_by_the_same_rule(app, browser, role,
                                                                             unmasked):
    from sqlalchemy import select

    from models.audit import AuditEntry
    from models.base import db
    from models.owner_files import OccupantFamilyMember

    with app.app_context():
        member = db.session.execute(select(OccupantFamilyMember.id).where(
            OccupantFamilyMember.phone == CHILD_PHONE)).scalar_one()
        eid = db.session.execute(select(AuditEntry.id).where(
            AuditEntry.table_name == "occupant_family_member",
            AuditEntry.row_id == str(member))).scalars().first()
    page = text_of(browser(role).get(f"/admin/audit_log/details/?id={eid}"))
    assert "张小宇" in page
    assert (CHILD_PHONE in page) is unmasked and (unmasked or "139****0099" in page)


def test_a_head_office_export_is_logged_for_every_property(app, browser):
    from sqlalchemy import func, select

    from models.base import db
    from models.owner_files import OwnerFileAccess
    from models.reference import Property

    before = len(accesses(app))
    data = browser("auditor").get("/admin/occupant/export/csv/").data.decode("utf-8-sig")
    assert PHONE in data and "钱多多" in data
    new = accesses(app)[before:]
    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(Property)).scalar()
        props = db.session.execute(select(OwnerFileAccess.property_id)
                                   .order_by(OwnerFileAccess.id.desc()).limit(n)).scalars()
        assert sorted(props) == sorted(db.session.execute(select(Property.id)).scalars())
    assert new == [("auditor", "export", None)] * n


def test_a_masked_role_finds_a_file_by_the_whole_number_only(app, browser):
    fragment = "/admin/occupant/?search=800000"            # the hidden middle digits
    assert "张伟" not in text_of(browser("clerk").get(fragment))
    assert "张伟" in text_of(browser("butler").get(fragment))
    assert "张伟" in text_of(browser("clerk").get(f"/admin/occupant/?search={PHONE}"))
    assert "张伟" in text_of(browser("clerk").get("/admin/occupant/?search=1-301"))


def test_an_exports_scope_is_logged_in_words(app, browser):
    """The access log names what an export covered (its search, its filters) in
    words, never the raw query string; one without either covered all files."""
    from sqlalchemy import select

    from models.base import db
    from models.owner_files import OwnerFileAccess

    def last_scope() -> str:
        with app.app_context():
            return db.session.execute(select(OwnerFileAccess.scope)
                                      .order_by(OwnerFileAccess.id.desc()).limit(1)).scalar()

    manager = browser("dept_manager")
    assert manager.get("/admin/occupant/export/csv/?search=张&flt0_0=1&name=x").status_code == 200
    assert last_scope() == "搜索“张”; 筛选条件 1 个"
    assert manager.get("/admin/occupant/export/csv/").status_code == 200
    assert last_scope() == "全部档案"
