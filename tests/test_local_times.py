"""Every date-time a person types or sees is local (Asia/Shanghai); storage is UTC.

- the parser (``admin_views.fields.parse_local_datetime``) reads the usual Chinese
  forms and refuses the rest with a message that says the format;
- every create form of every register with a date-time field (walked from the
  admin's views) shows "now" at the property, and saves what it shows as UTC;
- an edit form shows the stored UTC value as local time and an unchanged re-save
  does not move it;
- typed values are saved exactly; bad ones give a form message and write nothing.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import DateTime, func, select
from sqlalchemy import inspect as sa_inspect

import i18n
from admin_views.fields import BAD_MOMENT, format_local_datetime, parse_local_datetime
from models.base import db
from models.custody import CustodyInspection, VacantHomeInspection
from models.medicine import MedicineUsage
from models.reference import Unit
from models.valuables import ValuablesDeposit
from models.service_orders import ServiceOrder as WaterOrder
from tests.conftest import Browser, text_of
from tests.helpers import endpoints_for, property_id
from tests.test_custody import demo_agreement, inspection_form
from tests.test_medicine import batch, issue_form
from tests.test_valuables import deposit_form, post_deposit

OFFSET = timedelta(hours=8)                 # Asia/Shanghai, no summer time
# A past early-morning moment: local 04:55 is the previous day 20:55 in UTC.
KNOWN = datetime.combine(datetime.now().date() - timedelta(days=2), time(4, 55))
ROLES = ["clerk", "butler", "security", "finance", "supervisor", "dept_manager",
         "property_manager", "general_manager", "admin"]


# -- the parser ------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2026-11-30 9:30", datetime(2026, 11, 30, 9, 30)),
    ("2026-11-30 09:30:00", datetime(2026, 11, 30, 9, 30)),
    ("2026-11-30 15:00:07", datetime(2026, 11, 30, 15, 0, 7)),
    ("2026/11/30 09:30", datetime(2026, 11, 30, 9, 30)),
    ("2026/11/30 9:30", datetime(2026, 11, 30, 9, 30)),
    ("11-30 9:30", datetime(2031, 11, 30, 9, 30)),             # this year
    ("11/30 9:30", datetime(2031, 11, 30, 9, 30)),
    ("2026-11-30T09:30", datetime(2026, 11, 30, 9, 30)),       # <input type=datetime-local>
    ("2026-11-30T09:30:15", datetime(2026, 11, 30, 9, 30, 15)),
    ("  2026-11-30   9:30  ", datetime(2026, 11, 30, 9, 30)),
    ("2026-11-30 9：30", datetime(2026, 11, 30, 9, 30)),        # a Chinese IME's colon
    ("2026年11月30日 9:30", datetime(2026, 11, 30, 9, 30)),
    ("2026年11月30日9点30分", datetime(2026, 11, 30, 9, 30)),
    ("2026-11-30 09:30:00.250000", datetime(2026, 11, 30, 9, 30, 0, 250000)),
    ("0001-12-31 22:11:23", datetime(1, 12, 31, 22, 11, 23)),  # the year check is YearRange's
])
def test_parser_accepts_the_usual_forms(text, expected):
    assert parse_local_datetime(text, this_year=2031) == expected


@pytest.mark.parametrize("text", [
    "", "abc", "2026-11-30", "9:30", "2026-11-30 25:00", "2026-02-30 09:00",
    "2026-13-01 09:00", "2026-11-30 9", "2026-11-30 9:3", "20261-11-30 09:00",
    "2026-11-30 09:30 +08:00", "2026-11-30T09:30Z", "30/11/2026 09:30",
])
def test_parser_refuses_with_the_format(text):
    with pytest.raises(ValueError) as err:
        parse_local_datetime(text, this_year=2026)
    assert str(err.value) == str(BAD_MOMENT)


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 30, 9, 30), datetime(2026, 11, 30, 9, 30, 5),
    datetime(2026, 11, 30, 9, 30, 5, 120000)])
def test_shown_values_read_back_exactly(value):
    assert parse_local_datetime(format_local_datetime(value), 2026) == value


def test_the_format_message_is_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert "年-月-日" in str(BAD_MOMENT)


# -- the forms, generically -------------------------------------------------------------

class _FormValues(HTMLParser):
    """The values of the admin form as a browser would submit them untouched."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.datetimes: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "admin-form" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "y"
            elif kind not in ("submit", "file", "button"):
                self.values.setdefault(name, a.get("value") or "")
            if "data-kefu-datetime" in a:
                self.datetimes.add(name)
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_values(html: str) -> _FormValues:
    parser = _FormValues()
    parser.feed(html)
    return parser


def _datetime_columns(model) -> list[str]:
    return [c.key for c in sa_inspect(model).column_attrs
            if isinstance(c.columns[0].type, DateTime)]


def _datetime_views():
    from admin_views import VIEWS

    return [(endpoint, model) for _cls, model, _n, _c, endpoint in VIEWS
            if model is not None and _datetime_columns(model)]


@pytest.fixture(scope="module")
def reach(shared_app):
    return {u: endpoints_for(shared_app, u) for u in ROLES}


def _who(reach, endpoint: str, action: str) -> str | None:
    return next((u for u, eps in reach.items() if f"{endpoint}.{action}" in eps), None)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(i18n, "local_now", lambda: KNOWN)
    return KNOWN


def _rows(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar()


@pytest.mark.parametrize("endpoint,model", _datetime_views(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_create_form_shows_and_saves_local_now(shared_app, reach, frozen, endpoint,
                                                    model):
    who = _who(reach, endpoint, "create_view")
    if who is None:
        pytest.skip(f"no role creates {endpoint}")
    b = Browser(shared_app)
    assert b.login(who).status_code == 302
    url = f"/admin/{endpoint}/new/"
    page = text_of(b.get(url))
    shown = form_values(page)
    on_form = [c for c in _datetime_columns(model) if c in shown.values]
    if not on_form:
        pytest.skip(f"{endpoint}: no date-time field on the create form")
    # every date-time field is the local one (text box, never rewritten by a picker)
    assert set(on_form) <= shown.datetimes, on_form
    assert 'data-role="datetimepicker"' not in page
    defaulted = [c for c in on_form if shown.values[c]]
    for name in defaulted:
        assert shown.values[name] == f"{KNOWN:%Y-%m-%d %H:%M}", (name, shown.values[name])
    before = _rows(shared_app, model)
    resp = b.client.post(url, data=shown.values)
    if resp.status_code == 302:          # the form was complete as shown
        with shared_app.app_context():
            row = db.session.execute(select(model).order_by(model.id.desc())).scalars().first()
            for name in defaulted:
                assert getattr(row, name) == KNOWN - OFFSET, name
    else:                                # other fields are missing: the moments survive
        assert _rows(shared_app, model) == before
        again = form_values(text_of(resp))
        for name in on_form:
            assert again.values[name] == shown.values[name], name
        assert str(BAD_MOMENT) not in text_of(resp)


@pytest.mark.parametrize("endpoint,model", _datetime_views(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_edit_form_shows_local_time_and_an_unchanged_save_keeps_it(
        shared_app, reach, endpoint, model):
    who = _who(reach, endpoint, "edit_view")
    if who is None:
        pytest.skip(f"no role edits {endpoint}")
    b = Browser(shared_app)
    assert b.login(who).status_code == 302
    columns = _datetime_columns(model)
    with shared_app.app_context():
        user_property = property_id("DEMO")
        q = select(model)
        if hasattr(model, "property_id"):
            q = q.where(model.property_id == user_property)
        if hasattr(model, "voided_at"):
            q = q.where(model.voided_at.is_(None))
        rows = db.session.execute(q.order_by(model.id)).scalars().all()
        row = next((r for r in rows if any(getattr(r, c) for c in columns)), None)
        if row is None:
            pytest.skip(f"{endpoint}: no record with a date-time in the demo data")
        stored = {c: getattr(row, c) for c in columns}
        row_id = row.id
    url = f"/admin/{endpoint}/edit/?id={row_id}"
    resp = b.get(url)
    if resp.status_code != 200:
        pytest.skip(f"{endpoint}: record not editable ({resp.status_code})")
    shown = form_values(text_of(resp))
    checked = [c for c in columns if c in shown.values and stored[c] is not None]
    if not checked:
        pytest.skip(f"{endpoint}: no stored date-time on the edit form")
    for name in checked:
        assert shown.values[name] == format_local_datetime(stored[name] + OFFSET), name
    resp = b.client.post(url, data=shown.values)
    assert str(BAD_MOMENT) not in text_of(resp)
    with shared_app.app_context():
        again = db.session.get(model, row_id)
        for name in checked:
            assert getattr(again, name) == stored[name], name


# -- the four registers of the report, saved as shown ----------------------------------

def _shown_moment(b, url: str, field: str) -> str:
    return form_values(text_of(b.get(url))).values[field]


def _latest(app, model):
    with app.app_context():
        row = db.session.execute(select(model).order_by(model.id.desc())).scalars().first()
        db.session.expunge(row)
        return row


def test_medicine_issue_saves_the_moment_on_the_form(app, browser, frozen):
    b = browser("clerk")
    url = "/admin/medicine_usage/new/"
    shown = _shown_moment(b, url, "issued_at")
    assert shown == f"{KNOWN:%Y-%m-%d %H:%M}"
    resp = b.post_form(url, issue_form(batch(app, "医用纱布").id, issued_at=shown))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert _latest(app, MedicineUsage).issued_at == KNOWN - OFFSET
    listed = text_of(b.get("/admin/medicine_usage/"))
    assert f"{KNOWN:%Y-%m-%d %H:%M}" in listed
    # details and the export say the same local moment (the export used to say UTC)
    row_id = _latest(app, MedicineUsage).id
    assert f"{KNOWN:%Y-%m-%d %H:%M:%S}" in text_of(
        b.get(f"/admin/medicine_usage/details/?id={row_id}"))
    exported = text_of(browser("supervisor").get("/admin/medicine_usage/export/csv/"))
    assert f"{KNOWN:%Y-%m-%d %H:%M:%S}," in exported
    assert f"{KNOWN - OFFSET:%Y-%m-%d %H:%M}" not in exported


def test_valuables_deposit_saves_the_moment_on_the_form(app, browser, frozen):
    b = browser("butler")
    shown = _shown_moment(b, "/admin/valuables_deposit/new/", "deposited_at")
    assert shown == f"{KNOWN:%Y-%m-%d %H:%M}"
    resp = post_deposit(b, deposit_form(app, deposited_at=shown))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert _latest(app, ValuablesDeposit).deposited_at == KNOWN - OFFSET


def test_custodial_inspection_saves_the_moment_on_the_form(app, browser, frozen):
    b = browser("butler")
    url = "/admin/custody_inspection/new/"
    shown = _shown_moment(b, url, "inspected_at")
    assert shown == f"{KNOWN:%Y-%m-%d %H:%M}"
    data = inspection_form(app, demo_agreement(app).id, inspected_at=shown,
                           owner_contacted_at=f"{KNOWN - timedelta(hours=2):%Y-%m-%d %H:%M}")
    resp = b.post_form(url, data)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    row = _latest(app, CustodyInspection)
    assert row.inspected_at == KNOWN - OFFSET
    assert row.owner_contacted_at == KNOWN - timedelta(hours=2) - OFFSET


def test_vacant_home_inspection_saves_the_moment_on_the_form(app, browser, frozen):
    b = browser("butler")
    url = "/admin/vacant_home_inspection/new/"
    shown = form_values(text_of(b.get(url))).values
    assert shown["inspected_at"] == f"{KNOWN:%Y-%m-%d %H:%M}"
    with app.app_context():
        unit = db.session.execute(select(Unit.id).where(
            Unit.vacant.is_(True), Unit.property_id == property_id("DEMO"))
            .order_by(Unit.room)).scalars().first()
    resp = b.post_form(url, {**{k: v for k, v in shown.items() if k != "csrf_token"},
                             "unit": unit})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert _latest(app, VacantHomeInspection).inspected_at == KNOWN - OFFSET


# -- typed values -----------------------------------------------------------------------

@pytest.mark.parametrize("typed,local", [
    ("2026-11-28 9:30", datetime(2026, 11, 28, 9, 30)),
    ("2026-11-28 09:30:00", datetime(2026, 11, 28, 9, 30)),
    ("2026/11/28 09:30", datetime(2026, 11, 28, 9, 30)),
    ("2026/11/28 9:30", datetime(2026, 11, 28, 9, 30)),
    ("11-28 9:30", datetime(KNOWN.year, 11, 28, 9, 30)),
    ("2026-11-28T09:30", datetime(2026, 11, 28, 9, 30)),
    ("2026-11-28 15:00", datetime(2026, 11, 28, 15, 0)),
])
def test_typed_moments_are_saved_exactly(app, browser, monkeypatch, typed, local):
    monkeypatch.setattr(i18n, "local_now", lambda: datetime(2026, 11, 29, 12, 0))
    b = browser("clerk")
    before = _rows(app, WaterOrder)
    resp = b.post_form("/admin/water_order/new/", _water_order(app, appointment_at=typed))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert _rows(app, WaterOrder) == before + 1
    assert _latest(app, WaterOrder).appointment_at == local - OFFSET


@pytest.mark.parametrize("typed,message", [
    ("0001-12-31 22:11:23", "请填写 1900 至 2200 年之间的日期。"),
    ("2201-01-01 09:00", "请填写 1900 至 2200 年之间的日期。"),
    ("2026-11-30", "年-月-日"),
    ("2026-13-01 09:00", "年-月-日"),
    ("明天上午", "年-月-日"),
])
def test_bad_moments_get_a_form_message_and_nothing_is_written(app, browser, typed, message):
    b = browser("clerk")
    before = _rows(app, WaterOrder)
    resp = b.post_form("/admin/water_order/new/", _water_order(app, appointment_at=typed))
    assert resp.status_code == 200
    assert message in text_of(resp)
    assert _rows(app, WaterOrder) == before
    # the typed text is shown back as typed, for correction
    assert form_values(text_of(resp)).values["appointment_at"] == typed


def test_an_emptied_required_moment_is_refused_not_now(app, browser):
    b = browser("clerk")
    before = _rows(app, MedicineUsage)
    resp = b.post_form("/admin/medicine_usage/new/",
                       issue_form(batch(app, "医用纱布").id, issued_at=""))
    assert resp.status_code == 200
    assert _rows(app, MedicineUsage) == before


def _water_order(app, **over) -> dict:
    from tests.test_custody import unit_and_owner
    from models.water import WaterStock

    unit, _owner = unit_and_owner(app, "2-301")
    with app.app_context():
        stock = db.session.execute(select(WaterStock.id).where(
            WaterStock.property_id == property_id("DEMO"))).scalars().first()
    data = {"unit": unit, "customer_name": "黄磊", "water_stock": stock, "water_qty": "1"}
    data.update(over)
    return data
