"""Personal data on screen: roles outside the register's personal-data readers see
phones and ID numbers masked in lists, details, a record's history, the record as
it was and the register as of a day — as exports already do."""
from __future__ import annotations

import pytest

from rules import matrix

from .conftest import text_of
from .order_helpers import orders

PHONE = "13800000007"          # the demo drain order's customer
MASKED = "138****0007"


def _drain(app):
    return next(o for o in orders(app, "service") if o.description == "厨房下水道堵塞")


def test_security_sees_customer_phones_masked_the_clerk_in_full(app, browser):
    url = f"/admin/service_order/details/?id={_drain(app).id}"
    for who, shown, hidden in (("security", MASKED, PHONE), ("clerk", PHONE, MASKED)):
        page = text_of(browser(who).get(url))
        assert shown in page and hidden not in page, who


CALLER, CALLER_MASKED = "13900000011", "139****0011"     # a demo 公共信息记录表 caller


def _call(app):
    from sqlalchemy import select

    from models.base import db
    from models.public_info import PublicInfoEntry

    with app.app_context():
        return db.session.execute(select(PublicInfoEntry.id).where(
            PublicInfoEntry.caller_phone == CALLER)).scalar_one()


@pytest.fixture
def manager_without_the_right(monkeypatch):
    """The department manager, made a non-reader of the public information log's
    personal data (every role with its history screens reads it today)."""
    monkeypatch.setitem(matrix.PERSONAL_DATA_READERS, "public_info", matrix.auditor)


def test_every_screen_masks_for_a_non_reader(app, browser, manager_without_the_right):
    rid = _call(app)
    mgr = browser("dept_manager")
    urls = ("/admin/public_info/", f"/admin/public_info/details/?id={rid}",
            f"/admin/public_info/history/?id={rid}", f"/admin/public_info/as_of/?id={rid}",
            "/admin/public_info/register_as_of/")
    for url in urls:
        page = text_of(mgr.get(url))
        assert CALLER_MASKED in page and CALLER not in page, url
    aud = browser("auditor")
    for url in urls:
        assert CALLER in text_of(aud.get(url)), url


def test_the_register_as_of_a_day_in_csv_masks_by_the_export_rule(app, browser):
    """The supervisor reads phones on screen but exports them masked."""
    sup, mgr = browser("supervisor"), browser("dept_manager")
    url = "/admin/public_info/register_as_of/"
    assert CALLER in text_of(sup.get(url))
    data = sup.get(url + "?format=csv").data.decode("utf-8-sig")
    assert CALLER_MASKED in data and CALLER not in data
    assert CALLER in mgr.get(url + "?format=csv").data.decode("utf-8-sig")


def test_the_global_log_masks_personal_data_for_the_admin(app, browser):
    """The admin reads the history log but not residents' phones; the auditor does."""
    from sqlalchemy import select

    from models.audit import AuditEntry
    from models.base import db

    rid = _call(app)
    with app.app_context():
        eid = db.session.execute(select(AuditEntry.id).where(
            AuditEntry.table_name == "public_info", AuditEntry.row_id == str(rid))
        ).scalars().first()
    url = f"/admin/audit_log/details/?id={eid}"
    page = text_of(browser("admin").get(url))
    assert CALLER_MASKED in page and CALLER not in page
    assert CALLER in text_of(browser("auditor").get(url))
