"""待办 dashboard: approvals and co-signs waiting for me, due items that appear when
due and go when done, and the charts' data."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from audit import system_actor
from i18n import local_today
from models.base import db
from models.keys import KeySpotCheck
from rules.roles import ROLES

from .conftest import text_of
from .key_helpers import desk_issue, desk_return
from .key_helpers import approved_application, execute


def dashboard(b) -> str:
    resp = b.get("/admin/")
    assert resp.status_code == 200
    return text_of(resp)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lands_on_the_dashboard(app, browser, role):
    page = dashboard(browser(role))
    assert 'id="dashboard"' in page and "今日待办" in page


def test_keys_out_is_due_until_returned(app, browser):
    clerk = browser("clerk")
    page = dashboard(clerk)
    assert 'data-page="key_desk"' in page          # 水泵房 is out in the demo
    desk_return(clerk, "水泵房")
    assert 'data-page="key_desk"' not in dashboard(clerk)
    desk_issue(clerk, "配电房")
    assert 'data-page="key_desk"' in dashboard(clerk)


def test_spot_check_due_appears_and_goes(app, browser):
    pm = browser("property_manager")
    assert 'data-page="key_spot_check"' not in dashboard(pm)
    with app.app_context(), system_actor("test"):
        for row in db.session.execute(select(KeySpotCheck)).scalars():
            row.checked_on = local_today() - timedelta(days=45)
        db.session.commit()
    assert 'data-page="key_spot_check"' in dashboard(pm)
    # not on a courier's dashboard: they cannot see spot checks
    assert 'key_spot_check' not in dashboard(browser("courier"))
    pm.post_form("/admin/key_spot_check/new/", {"checked_on": local_today().isoformat(),
                                                "keys_checked": "12"})
    assert 'data-page="key_spot_check"' not in dashboard(pm)


def test_approvals_waiting_follow_the_chain(app, browser):
    assert "钥匙复制/作废申请" in dashboard(browser("dept_manager"))
    assert "钥匙复制/作废申请" not in dashboard(browser("property_manager"))


def test_cosign_waiting_for_the_second_person(app, browser):
    aid = approved_application(app, browser)
    execute(browser("clerk"), aid, later=True)
    page = dashboard(browser("clerk2"))
    assert 'class="list-group-item cosign-waiting" data-register="key_application"' in page
    assert "cosign-waiting" not in dashboard(browser("clerk"))      # not one's own
    browser("clerk2").post(f"/admin/key_application/cosign/?id={aid}", {})
    assert "cosign-waiting" not in dashboard(browser("clerk2"))


def test_key_checkouts_chart_counts_today(app, browser):
    page = dashboard(browser("clerk"))
    data = json.loads(re.search(r"id=\"chart-key-checkouts-per-day\"[^>]*data-chart='([^']+)'", page)
                      .group(1).replace("&#34;", '"'))
    assert len(data["labels"]) == 30 and data["labels"][-1] == local_today().strftime("%m-%d")
    before = data["values"][-1]
    assert before >= 2                                     # the demo's two checkouts
    desk_issue(browser("clerk"), "配电房")
    page = dashboard(browser("clerk"))
    data = json.loads(re.search(r"id=\"chart-key-checkouts-per-day\"[^>]*data-chart='([^']+)'", page)
                      .group(1).replace("&#34;", '"'))
    assert data["values"][-1] == before + 1
    assert "/static/vendor/chart.umd.min.js" in page       # served locally, no CDN


def _chart(page: str, chart_id: str) -> dict:
    import html

    m = re.search(rf"id=\"{chart_id}\"[^>]*data-chart='([^']+)'", page)
    assert m, f"no chart {chart_id}"
    return json.loads(html.unescape(m.group(1)))


def test_water_and_service_order_charts_count_this_month(app, browser):
    """Buckets delivered and orders raised this month, per month; a new delivered
    water order moves both bars of the current month."""
    from tests.order_helpers import deliver, raise_order

    clerk = browser("clerk")
    page = text_of(clerk.get("/admin/"))
    water, orders = (_chart(page, "chart-water-used-per-month"),
                     _chart(page, "chart-service-orders-per-month"))
    assert len(water["labels"]) == 12 and water["labels"] == orders["labels"]
    o = raise_order(app, browser, water_qty="3")
    assert deliver(browser("security"), o.id, empties_returned="3").status_code == 302
    page = text_of(clerk.get("/admin/"))
    assert _chart(page, "chart-water-used-per-month")["values"][-1] == water["values"][-1] + 3
    assert _chart(page, "chart-service-orders-per-month")["values"][-1] == \
        orders["values"][-1] + 1
    # security may see water but not the key log: no key chart for them
    guard = text_of(browser("security").get("/admin/"))
    assert "chart-water-used-per-month" in guard


def test_an_approved_application_waits_visibly_until_executed(app, browser):
    """Issue 17 item 8: fully approved is not done — the desk sees it to execute,
    the applicant sees it waiting for the desk, and the execute panel comes first."""
    aid = approved_application(app, browser)
    clerk, butler = browser("clerk"), browser("butler")
    assert 'data-page="key_application"' in dashboard(clerk)
    assert "已批准待执行的钥匙申请" in dashboard(clerk)
    assert "已批准，等待前台执行" in dashboard(butler)        # the applicant's card
    details = text_of(clerk.get(f"/admin/key_application/details/?id={aid}"))
    assert details.index('id="execute-panel"') < details.index("<table")
    execute(clerk, aid)
    assert 'data-page="key_application"' not in dashboard(clerk)
    assert "已批准，等待前台执行" not in dashboard(butler)
