"""Choice columns are filtered and searched by the words people read: a category's
filter is 等于 / 不等于 one of its labels, and searching 备用 or 工程 finds the rows
whose stored code those labels name (issue 17 item 7)."""
from __future__ import annotations

from flask_admin.contrib.sqla import filters as sqla_filters

from .conftest import text_of
from .list_helpers import view_of


def _filter_arg(app, endpoint: str, column: str, kind=sqla_filters.FilterEqual) -> str:
    view = view_of(app, endpoint)
    i = next(i for i, f in enumerate(view._filters)
             if type(f) is kind and getattr(f.column, "key", None) == column)
    return f"flt0_{i}"


def test_a_choice_filter_is_equals_a_label_not_contains_a_code(app, browser):
    view = view_of(app, "key")
    kinds = {type(f) for f in view._filters if getattr(f.column, "key", None) == "category"}
    assert kinds == {sqla_filters.FilterEqual, sqla_filters.FilterNotEqual}
    clerk = browser("clerk")
    page = text_of(clerk.get("/admin/key/"))
    assert "备用" in page
    arg = _filter_arg(app, "key", "category")
    spares = text_of(clerk.get(f"/admin/key/?{arg}=spare"))
    assert "配电房-备1" in spares and "会所活动室" not in spares


def test_search_finds_a_choice_by_its_chinese_label(app, browser):
    clerk = browser("clerk")
    page = text_of(clerk.get("/admin/key/?search=备用"))
    assert "配电房-备1" in page and "会所活动室" not in page
    mgr = browser("dept_manager")
    prices = text_of(mgr.get("/admin/service_price/?search=工程"))
    everything = text_of(mgr.get("/admin/service_price/"))
    assert prices.count('class="col-item"') >= 1
    assert prices.count('class="col-item"') < everything.count('class="col-item"')


def test_a_time_range_typed_with_zhi_filters_like_to(app, browser):
    """The Chinese picker writes "A 至 B"; the server reads it as Flask-Admin's "A to B"."""
    from i18n import local_now

    view = view_of(app, "key_checkout")
    i = next(i for i, f in enumerate(view._filters)
             if getattr(f.column, "key", None) == "out_at" and "Between" in type(f).__name__
             and "Not" not in type(f).__name__)
    now = local_now()
    lo, hi = f"{now.year - 1}-01-01 00:00:00", f"{now.year + 1}-12-31 23:59:59"
    clerk = browser("clerk")
    with_to = text_of(clerk.get(f"/admin/key_checkout/?flt0_{i}={lo} to {hi}"))
    with_zhi = text_of(clerk.get(f"/admin/key_checkout/?flt0_{i}={lo} 至 {hi}"))
    rows = with_to.count('class="col-key"')
    assert rows > 0 and with_zhi.count('class="col-key"') == rows
    # a range without any record: an unread filter would list them all
    past = "2001-01-01 00:00:00 至 2001-12-31 23:59:59"
    assert text_of(clerk.get(f"/admin/key_checkout/?flt0_{i}={past}")).count('class="col-key"') == 0
