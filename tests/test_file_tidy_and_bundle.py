"""客户档案季度整理 (the supervisor records the quarter's check; due in the quarter's
last month until recorded; once a quarter) and 出门条月度汇订 (the month's passes in
number order, voided ones marked, the ID masked like the single print)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from i18n import local_now, local_today
from models.base import db
from models.fee_areas import OwnerFileTidy
from rules import owner_file_tidy

from .conftest import text_of
from .custody_helpers import fmt
from .exit_helpers import issue, passes

TIDY_DUE = "客户档案：本季度定期整理尚未登记"


def test_the_quarterly_tidy_is_due_in_the_quarters_last_month_until_recorded(
        app, browser, monkeypatch):
    today = local_today()
    monkeypatch.setattr(owner_file_tidy, "local_today", lambda: date(today.year, 11, 15))
    assert TIDY_DUE not in text_of(browser("supervisor").get("/admin/"))
    monkeypatch.setattr(owner_file_tidy, "local_today", lambda: date(today.year, 12, 15))
    assert TIDY_DUE in text_of(browser("supervisor").get("/admin/"))
    url = "/admin/owner_file_tidy/new/"
    assert browser("butler").get(url).status_code == 403
    sup = browser("supervisor")
    form = {"done_at": fmt(local_now() - timedelta(hours=1)), "files_checked": "40",
            "files_updated": "41", "details": "1栋全部；更新 1-301 紧急联系人"}
    assert "更新档案数不能多于检查档案数" in text_of(sup.post_form(url, form))
    assert "请填写检查时间" in text_of(sup.post_form(
        url, {**form, "files_updated": "3", "done_at": fmt(local_now() + timedelta(days=2))}))
    resp = sup.post_form(url, {**form, "files_updated": "3"})
    assert resp.status_code == 302, text_of(resp)[-800:]
    with app.app_context():
        rows = db.session.execute(select(OwnerFileTidy).where(
            OwnerFileTidy.quarter == owner_file_tidy.quarter_of(local_today()))).scalars().all()
        assert [(r.quarter, r.files_checked, r.files_updated) for r in rows] == \
            [(owner_file_tidy.quarter_of(local_today()), 40, 3)]
    if local_today().month == 12:
        assert TIDY_DUE not in text_of(browser("supervisor").get("/admin/"))
    assert "客户档案已整理" in text_of(browser("dept_manager").post_form(
        url, {**form, "files_updated": "0"}))


def test_the_quarter_follows_the_check_time():
    assert owner_file_tidy.quarter_of(date(2026, 3, 31)) == "2026-Q1"
    assert owner_file_tidy.quarter_of(date(2026, 4, 1)) == "2026-Q2"
    assert owner_file_tidy.quarter_of(date(2026, 12, 1)) == "2026-Q4"


def test_the_monthly_bundle_lists_passes_in_number_order_voided_marked_masked(app, browser):
    clerk = browser("clerk")
    for _ in range(3):
        assert issue(clerk, app).status_code == 302
    made = [p for p in passes(app) if p.holder_name == "钱师傅"][-3:]
    sup = browser("supervisor")
    resp = sup.post_form(f"/admin/exit_pass/void/?id={made[1].id}", {"reason": "开错房号"})
    assert resp.status_code == 302
    month = f"{local_now():%Y-%m}"
    page = text_of(sup.get(f"/admin/exit_pass/bundle/?month={month}"))
    numbers = [p.number for p in made]
    spots = [page.index(f'data-no="{n}"') for n in numbers]
    assert spots == sorted(spots)
    row = page[spots[1]:page.index("</tr>", spots[1])]
    assert "pass-row voided" in page[page.rindex("<tr", 0, spots[1]):spots[1]]
    assert "作废" in row and "开错房号" in row
    assert "110105198503034321" in page                  # the clerk's side reads it
    guard = text_of(browser("security").get(f"/admin/exit_pass/bundle/?month={month}"))
    assert "110105198503034321" not in guard and "4321" in guard
    other = text_of(sup.get("/admin/exit_pass/bundle/?month=2020-01"))
    assert 'data-no="' not in other
