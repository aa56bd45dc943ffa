"""托管房的管理制度: agreements, interior inspections (owner contacted first, two or
more staff, the second co-signs), vacant-home inspections and the due lists."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from audit import system_actor
from i18n import local_day_end_utc, local_now, local_today, utc_to_local
from models.base import db
from models.custody import CustodyAgreement, VacantHomeInspection
from models.keys import Key
from models.reference import Unit
from rules import custody as custody_rules
from models.staff import Staff

from .conftest import text_of
from .helpers import entries_for, property_id, staff_id
from .key_helpers import add_staff
from .custody_helpers import demo_agreement, fmt, inspection_form, inspections, unit_and_owner


# -- agreements --------------------------------------------------------------------

def agreement_form(app, **over) -> dict:
    unit, owner = unit_and_owner(app, "2-301")
    with app.app_context():
        butler = staff_id("butler")
    today = local_today()
    data = {"unit": unit, "owner": owner, "butler": butler, "purpose": "业主出差三个月",
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=90)).isoformat(),
            "power_gas_reminded": "y", "owner_confirmed": "y", "inspect_every_days": "7",
            "security_notified_at": fmt(local_now())}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_butler_records_an_agreement(app, browser):
    before = count(app, CustodyAgreement)
    resp = browser("butler").post_form("/admin/custody_agreement/new/", agreement_form(app))
    assert resp.status_code == 302, text_of(resp)[-3000:]
    assert count(app, CustodyAgreement) == before + 1
    with app.app_context():
        a = db.session.execute(select(CustodyAgreement).order_by(CustodyAgreement.id.desc())
                               ).scalars().first()
        assert a.property_id == property_id("DEMO") and a.power_gas_reminded
        # typed in local time, stored in UTC
        assert abs((utc_to_local(a.security_notified_at) - local_now()).total_seconds()) < 120


def test_agreement_needs_reminder_confirmation_and_the_units_owner(app, browser):
    butler = browser("butler")
    before = count(app, CustodyAgreement)
    resp = butler.post_form("/admin/custody_agreement/new/",
                            agreement_form(app, power_gas_reminded=None))
    assert "燃气阀门" in text_of(resp)
    resp = butler.post_form("/admin/custody_agreement/new/",
                            agreement_form(app, owner_confirmed=None))
    assert "协议须经业主确认" in text_of(resp)
    _, other_owner = unit_and_owner(app, "3-301")
    resp = butler.post_form("/admin/custody_agreement/new/",
                            agreement_form(app, owner=other_owner))
    assert "业主必须是该房屋的业主或住户" in text_of(resp)
    assert count(app, CustodyAgreement) == before


def test_agreement_key_list_is_its_custodial_keys(app, browser):
    a = demo_agreement(app)
    page = text_of(browser("butler").get(f"/admin/custody_agreement/details/?id={a.id}"))
    assert 'id="custody-key-list"' in page and "1-801托管" in page
    # a key of another category cannot be put on the list
    clerk = browser("clerk")
    with app.app_context():
        demo = property_id("DEMO")
    base = {"property": demo, "label": "2-301托管", "place": "2-301 入户门", "status": "in_use",
            "holder": "前台", "custody_agreement": a.id}
    resp = clerk.post_form("/admin/key/new/", {**base, "category": "public"})
    assert "只有类别为“托管房”的钥匙才能属于托管协议" in text_of(resp)
    resp = clerk.post_form("/admin/key/new/", {**base, "category": "custodial"})
    assert resp.status_code == 302
    with app.app_context():
        key = db.session.execute(select(Key).where(Key.label == "2-301托管")).scalar_one()
        assert key.custody_agreement_id == a.id and key.cabinet == "业主档案柜"


# -- inspections ---------------------------------------------------------------------

def test_two_person_inspection_with_prior_contact_is_done(app, browser):
    a = demo_agreement(app)
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/", inspection_form(app, a.id))
    assert resp.status_code == 302, text_of(resp)[-2000:]
    rows = inspections(app)
    assert len(rows) == before + 1
    new = rows[-1]
    with app.app_context():
        assert new.inspector_id == staff_id("butler") and new.cosigned_by_id == staff_id("clerk2")
        assert new.is_done
        [entry] = entries_for("custody_inspection", new.id)
        assert '"cosigned_by_id"' in entry.changes      # the co-signer is in history


def test_one_person_interior_inspection_is_never_done(app, browser):
    a = demo_agreement(app)
    butler = browser("butler")
    resp = butler.post_form("/admin/custody_inspection/new/",
                            inspection_form(app, a.id, cosigner_username="",
                                            cosigner_secret=""), follow_redirects=True)
    assert "入室巡查须第二名员工复核后才算完成" in text_of(resp)
    new = inspections(app)[-1]
    assert not new.is_done and new.cosigned_by_id is None
    # the inspector cannot co-sign their own inspection later either
    resp = butler.post(f"/admin/custody_inspection/cosign/?id={new.id}", {},
                       follow_redirects=True)
    assert "复核人必须是另一名员工" in text_of(resp)
    assert not inspections(app)[-1].is_done
    # another staff member signed in as themselves can
    resp = browser("clerk").post(f"/admin/custody_inspection/cosign/?id={new.id}", {},
                                 follow_redirects=True)
    assert "已复核" in text_of(resp)
    done = inspections(app)[-1]
    assert done.is_done and done.cosign_method == "session"


def test_same_person_as_cosigner_is_refused(app, browser):
    a = demo_agreement(app)
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/",
                                       inspection_form(app, a.id, cosigner_username="butler"))
    assert "复核人必须是另一名员工" in text_of(resp)
    assert len(inspections(app)) == before


def test_wrong_cosigner_pin_is_refused(app, browser):
    a = demo_agreement(app)
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/",
                                       inspection_form(app, a.id, cosigner_secret="9999"))
    assert "复核人" in text_of(resp)
    assert len(inspections(app)) == before


def test_interior_inspection_without_owner_contact_is_refused(app, browser):
    a = demo_agreement(app)
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/",
                                       inspection_form(app, a.id, owner_contacted_at="",
                                                       owner_contact_method=""))
    assert "入室巡查须事先与业主联系" in text_of(resp)
    assert len(inspections(app)) == before


def test_owner_contacted_after_the_inspection_is_refused(app, browser):
    a = demo_agreement(app)
    now = local_now()
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/", inspection_form(
        app, a.id, inspected_at=fmt(now - timedelta(hours=1)),
        owner_contacted_at=fmt(now - timedelta(minutes=10))))
    assert "必须在巡查之前联系业主" in text_of(resp)
    assert len(inspections(app)) == before


def test_exterior_check_needs_neither(app, browser):
    a = demo_agreement(app)
    resp = browser("butler").post_form("/admin/custody_inspection/new/", inspection_form(
        app, a.id, interior=None, owner_contacted_at="", owner_contact_method="",
        cosigner_username="", cosigner_secret="", reason="rain"))
    assert resp.status_code == 302
    assert inspections(app)[-1].is_done


# -- due lists -------------------------------------------------------------------------

def test_routine_winter_and_ending_due(app, browser):
    a = demo_agreement(app)        # last done inspection 10 days ago, every 7 days
    page = text_of(browser("butler").get("/admin/inspections_due/"))
    assert f'data-kind="routine" data-id="{a.id}"' in page
    assert 'id="due-ending-count">0<' in page
    # an inspection today clears it
    browser("butler").post_form("/admin/custody_inspection/new/", inspection_form(app, a.id))
    page = text_of(browser("butler").get("/admin/inspections_due/"))
    assert f'data-kind="routine" data-id="{a.id}"' not in page
    # a winter request makes it due again tomorrow, every day
    today = local_today()
    with app.app_context(), system_actor("test"):
        row = db.session.get(CustodyAgreement, a.id)
        row.winter_check_from, row.winter_check_until = today, today + timedelta(days=30)
        row.ends_on = today + timedelta(days=10)
        db.session.commit()
        user = db.session.get(Staff, staff_id("butler"))
        due_tomorrow = custody_rules.custody_due(user, today + timedelta(days=1))
        assert [r.kind for r in due_tomorrow if r.obj.id == a.id] == ["winter", "ending"]
        due_today = custody_rules.custody_due(user, today)
        assert [r.kind for r in due_today if r.obj.id == a.id] == ["ending"]


def test_vacant_home_due_until_two_inspections_this_month(app, browser):
    with app.app_context():
        vacant = db.session.execute(select(Unit).where(
            Unit.vacant.is_(True), Unit.property_id == property_id("DEMO"))
            .order_by(Unit.room)).scalars().first()
        vid = vacant.id
        # this month's, at the properties (the demo's may fall in the last one)
        month_start = local_day_end_utc(local_today().replace(day=1) - timedelta(days=1))
        done = db.session.query(VacantHomeInspection).filter(
            VacantHomeInspection.unit_id == vid,
            VacantHomeInspection.inspected_at >= month_start).count()
    butler = browser("butler")
    page = text_of(butler.get("/admin/inspections_due/"))
    assert f'data-kind="vacant" data-id="{vid}"' in page
    for _ in range(2 - done):
        resp = butler.post_form("/admin/vacant_home_inspection/new/", {
            "unit": vid, "inspected_at": fmt(local_now()), "entrance_door_ok": "y",
            "walls_ok": "y", "windows_ok": "y", "leaks_ok": "y", "intercom_ok": "y",
            "gas_meter_ok": "y"})
        assert resp.status_code == 302, text_of(resp)[-2000:]
    page = text_of(butler.get("/admin/inspections_due/"))
    assert f'data-kind="vacant" data-id="{vid}"' not in page


def test_vacant_checklist_failure_needs_findings_and_only_vacant_units(app, browser):
    with app.app_context():
        vid = db.session.execute(select(Unit.id).where(Unit.vacant.is_(True))).scalars().first()
        occupied = db.session.execute(select(Unit.id).where(Unit.vacant.is_(False))).scalars().first()
    butler = browser("butler")
    before = count(app, VacantHomeInspection)
    resp = butler.post_form("/admin/vacant_home_inspection/new/", {
        "unit": vid, "inspected_at": fmt(local_now()), "walls_ok": "y"})
    assert "请描述以下项目的问题" in text_of(resp) and "燃气表" in text_of(resp)
    resp = butler.post_form("/admin/vacant_home_inspection/new/", {
        "unit": occupied, "inspected_at": fmt(local_now()), "entrance_door_ok": "y",
        "walls_ok": "y", "windows_ok": "y", "leaks_ok": "y", "intercom_ok": "y",
        "gas_meter_ok": "y"})
    assert "该房屋不是空置房" in text_of(resp)
    assert count(app, VacantHomeInspection) == before


def test_other_propertys_staff_cannot_cosign(app, browser):
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    a = demo_agreement(app)
    before = len(inspections(app))
    resp = browser("butler").post_form("/admin/custody_inspection/new/",
                                       inspection_form(app, a.id, cosigner_username="north_clerk"))
    assert "复核人必须是同一管理处的员工" in text_of(resp)
    assert len(inspections(app)) == before


def test_courier_and_finance_cannot_see_custodial_homes(app, browser):
    for who in ("courier", "finance"):
        assert browser(who).get("/admin/custody_agreement/").status_code == 403
        assert browser(who).get("/admin/inspections_due/").status_code == 403
