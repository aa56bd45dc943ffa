"""保存当前筛选 (issue 17 item 7): a person saves a list's search, filters and sort
under a name, sees it as a link on that list only, removes it; nobody else sees it;
only the list's own arguments are stored; CSRF; malformed input is a message or a
400 and nothing is written.  Through the real app, on both databases."""
from __future__ import annotations

import html as htmllib
from urllib.parse import urlencode

from flask_admin.contrib.sqla import filters as sqla_filters
from sqlalchemy import func, select

from models.base import db
from models.saved_filters import SavedFilter

from .conftest import text_of
from .helpers import staff_id
from .list_helpers import view_of

SAVE, REMOVE, LIST = "/admin/saved_filter/save/", "/admin/saved_filter/remove/", \
    "/admin/public_info/"


def category_arg(app) -> str:
    view = view_of(app, "public_info")
    i = next(i for i, f in enumerate(view._filters)
             if type(f) is sqla_filters.FilterEqual and getattr(f.column, "key", None) == "category")
    with app.test_request_context():
        return next(k for k, (idx, _f) in view._filter_args.items() if idx == i)


def query(app) -> str:
    return urlencode({"search": "噪音", f"flt0_{category_arg(app)}": "A", "sort": "0",
                      "desc": "1"})


def saved(app, **where) -> list[SavedFilter]:
    with app.app_context():
        q = select(SavedFilter).where(*(getattr(SavedFilter, k) == v for k, v in where.items()))
        rows = list(db.session.execute(q).scalars())
        for r in rows:
            db.session.expunge(r)
        return rows


def count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(SavedFilter)).scalar()


def test_a_clerk_saves_the_current_filter_and_applies_it_in_one_click(app, browser):
    clerk = browser("clerk")
    q = query(app)
    page = text_of(clerk.get(f"{LIST}?{q}&page=1"))
    # the save form carries the list's own arguments (not the page number)
    assert 'id="saved-filter-form"' in page and "保存当前筛选" in page
    assert f'name="query" value="{htmllib.escape(q)}"' in page
    resp = clerk.post(SAVE, {"view": "public_info", "query": q, "name": " 投诉 类 "})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{LIST}?{q}")
    [row] = saved(app, name="投诉 类")
    with app.app_context():
        clerk_id = staff_id("clerk")
    assert row.staff_id == clerk_id and row.view == "public_info" and row.query == q
    page = text_of(clerk.get(LIST))
    assert f'href="{LIST}?{htmllib.escape(q)}">投诉 类</a>' in page
    # the same name again: the newer search replaces the older one
    clerk.post(SAVE, {"view": "public_info", "query": "search=%E6%BC%8F%E6%B0%B4",
                      "name": "投诉 类"})
    [row] = saved(app, name="投诉 类")
    assert row.query == "search=%E6%BC%8F%E6%B0%B4"


def test_saved_filters_are_per_person_and_per_list(app, browser):
    browser("clerk").post(SAVE, {"view": "public_info", "query": query(app),
                                 "name": "只给我看"})
    assert "只给我看" in text_of(browser("clerk").get(LIST))
    assert "只给我看" not in text_of(browser("butler").get(LIST))
    assert "只给我看" not in text_of(browser("supervisor").get(LIST))
    assert "只给我看" not in text_of(browser("clerk").get("/admin/key_checkout/"))


def test_removing_is_for_the_owner_only_and_keeps_the_row(app, browser):
    browser("clerk").post(SAVE, {"view": "public_info", "query": query(app), "name": "待删"})
    [row] = saved(app, name="待删")
    butler = browser("butler")
    resp = butler.post(REMOVE, {"id": str(row.id)})
    assert resp.status_code == 302
    assert "没有这个属于您的筛选" in text_of(butler.get("/admin/"))
    assert saved(app, name="待删")[0].removed_at is None
    resp = browser("clerk").post(REMOVE, {"id": str(row.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(LIST)
    assert saved(app, name="待删")[0].removed_at is not None     # soft delete
    assert "待删" not in text_of(browser("clerk").get(LIST))


def test_only_the_lists_own_arguments_are_stored(app, browser):
    clerk = browser("clerk")
    before = count(app)
    for bad in ("url=https://evil.example/", "page=3", "flt0_999=x", "sort=99",
                "page_size=7", "desc=2", "search=a%00b", "search=" + "x" * 300,
                "x" * 1200):
        resp = clerk.post(SAVE, {"view": "public_info", "query": bad, "name": "坏"})
        assert resp.status_code == 400, bad
    assert "只能保存本列表的搜索、筛选和排序" in text_of(
        clerk.post(SAVE, {"view": "public_info", "query": "page=3", "name": "坏"}))
    for view in ("nope", "", "saved_filter", "dashboard"):
        assert clerk.post(SAVE, {"view": view, "query": "", "name": "坏"}).status_code == 400
    # a list the person may not read is no list for them
    assert browser("courier").post(SAVE, {"view": "public_info", "query": "",
                                          "name": "坏"}).status_code == 400
    assert count(app) == before


def test_a_name_is_required_and_short(app, browser):
    clerk = browser("clerk")
    before = count(app)
    for name in ("", "   ", "名" * 41):
        resp = clerk.post(SAVE, {"view": "public_info", "query": "search=a", "name": name})
        assert resp.status_code == 302
        assert "请给筛选起一个 1 至 40 个字的名称" in text_of(clerk.get(LIST + "?search=a"))
    assert count(app) == before


def test_csrf_and_roles(app, browser):
    clerk = browser("clerk")
    resp = clerk.client.post(SAVE, data={"view": "public_info", "query": "", "name": "无令牌"})
    assert resp.status_code == 400 and not saved(app, name="无令牌")
    # the auditor reads lists and never writes, so keeps no saved filters
    auditor = browser("auditor")
    assert 'id="saved-filter-form"' not in text_of(auditor.get(LIST))
    assert auditor.post(SAVE, {"view": "public_info", "query": "",
                               "name": "审计"}).status_code == 403
    assert browser("clerk").post(REMOVE, {"id": "2147483648"}).status_code == 302
