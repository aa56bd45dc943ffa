"""报纸/杂志订阅单 and 报刊分发表: no subscription before payment; renewal due 30 days
before the end; a round's counts checked against the subscriptions (shortfall shown);
a delivered line is signed; a weekday round not recorded by its time is due; weekend
papers kept for Monday unless the owner asked; the month's 发放清单 due until confirmed."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from i18n import local_now, local_today
from models.base import db
from models.mail import Distribution, DistributionListCheck, Subscription
from models.staff import Staff
from rules import newspapers as paper_rules

from .conftest import text_of
from .helpers import entries_for, property_id, staff_id
from .mail_helpers import fmt, last_saturday, last_weekday
from .order_helpers import unit_id


def sub_form(app, **over) -> dict:
    today = local_today()
    data = {"unit": unit_id(app, "1-302"), "subscriber": "赵先生", "title": "南方都市报",
            "copies": "2", "period_from": str(today - timedelta(days=300)),
            "period_until": str(today + timedelta(days=20)), "amount": "480.00",
            "paid_at": fmt(local_now() - timedelta(days=301))}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def subs(app) -> list[Subscription]:
    with app.app_context():
        return list(db.session.execute(select(Subscription).order_by(Subscription.id)).scalars())


def rounds(app) -> list[Distribution]:
    with app.app_context():
        return list(db.session.execute(select(Distribution).order_by(Distribution.id)).scalars())


def test_no_subscription_before_payment(app, browser):
    b = browser("courier")
    before = len(subs(app))
    for over in ({"paid_at": None}, {"amount": "0"}):
        resp = b.post_form("/admin/subscription/new/", sub_form(app, **over))
        assert resp.status_code == 200 and "业户付款后方可订阅" in text_of(resp), over
    assert len(subs(app)) == before
    resp = b.post_form("/admin/subscription/new/", sub_form(app))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert subs(app)[-1].ordered_by_id == staff_id("courier")


def test_renewal_is_due_thirty_days_before_the_end(app, browser):
    b = browser("courier")
    assert b.post_form("/admin/subscription/new/", sub_form(app)).status_code == 302
    assert b.post_form("/admin/subscription/new/", sub_form(
        app, title="读者", period_until=str(local_today() + timedelta(days=90)))).status_code == 302
    with app.app_context():
        courier = db.session.get(Staff, staff_id("courier"))
        titles = [s.title for s in paper_rules.renewals_due(courier)]
    assert "南方都市报" in titles and "读者" not in titles
    assert "30 天内到期的订阅（续订）" in text_of(b.get("/admin/"))


def test_round_counts_are_checked_against_subscriptions(app, browser):
    b = browser("courier")
    assert b.post_form("/admin/subscription/new/", sub_form(app)).status_code == 302
    day = last_weekday().date()            # weekend papers wait for Monday
    resp = b.post_form("/admin/distribution/new/", {
        "day": str(day), "round": "am", "unit": unit_id(app, "1-302"), "title": "南方都市报",
        "copies": "1", "delivered_at": fmt(datetime.combine(day, time(9, 0))), "signer": "赵先生"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        short = paper_rules.shortfall(property_id("DEMO"), day, "am")
    assert (unit_id(app, "1-302"), "南方都市报", 2, 1) in short
    page = text_of(b.get("/admin/distribution/check/", query_string={"day": str(day)}))
    assert "份数少于订阅" in page and "南方都市报" in page


def test_delivered_papers_are_signed_for(app, browser):
    before = len(rounds(app))
    resp = browser("courier").post_form("/admin/distribution/new/", {
        "day": str(local_today()), "round": "am", "unit": unit_id(app, "1-302"),
        "title": "南方都市报", "copies": "1", "delivered_at": fmt(local_now()), "signer": ""})
    assert resp.status_code == 200 and "须签收" in text_of(resp)
    assert len(rounds(app)) == before


def test_a_weekday_round_not_recorded_by_its_time_is_due(app, browser):
    assert browser("courier").post_form("/admin/subscription/new/",
                                        sub_form(app)).status_code == 302
    with app.app_context():
        courier = db.session.get(Staff, staff_id("courier"))
        day = local_today() - timedelta(days=2)        # the demo round is yesterday's
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        assert paper_rules.rounds_not_recorded(courier, datetime.combine(day, time(9, 0))) == []
        assert paper_rules.rounds_not_recorded(courier, datetime.combine(day, time(10, 0))) \
            == ["am"]
        assert paper_rules.rounds_not_recorded(courier, datetime.combine(day, time(17, 30))) \
            == ["am", "pm"]
        saturday = day + timedelta(days=5 - day.weekday())
        assert paper_rules.rounds_not_recorded(courier,
                                               datetime.combine(saturday, time(18, 0))) == []


def test_weekend_papers_are_kept_for_monday_unless_the_owner_asked(app, browser):
    b = browser("courier")
    assert b.post_form("/admin/subscription/new/", sub_form(app)).status_code == 302
    saturday = last_saturday().date()
    line = {"day": str(saturday), "round": "am", "unit": unit_id(app, "1-302"),
            "title": "南方都市报", "copies": "2",
            "delivered_at": fmt(datetime.combine(saturday, time(9, 0))), "signer": "赵先生"}
    before = len(rounds(app))
    resp = b.post_form("/admin/distribution/new/", line)
    assert resp.status_code == 200 and "周末不送报" in text_of(resp)
    assert len(rounds(app)) == before
    with app.app_context():
        assert (unit_id(app, "1-302"), "南方都市报") not in \
            paper_rules.expected(property_id("DEMO"), saturday)
    # the owner asks for weekend delivery of another paper: that one goes out
    assert b.post_form("/admin/subscription/new/", sub_form(
        app, title="羊城晚报", weekend_delivery="y")).status_code == 302
    assert subs(app)[-1].weekend_delivery is True
    resp = b.post_form("/admin/distribution/new/", {**line, "title": "羊城晚报"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        due = paper_rules.expected(property_id("DEMO"), saturday)
        assert due.get((unit_id(app, "1-302"), "羊城晚报")) == 2
        assert (unit_id(app, "1-302"), "南方都市报") not in due
        assert (unit_id(app, "1-302"), "南方都市报") in \
            paper_rules.expected(property_id("DEMO"), saturday + timedelta(days=2))


def test_the_month_s_distribution_list_is_due_until_confirmed(app, browser):
    b = browser("courier")
    assert b.post_form("/admin/subscription/new/", sub_form(app)).status_code == 302
    assert "本月报刊发放清单待更新" in text_of(b.get("/admin/"))
    page = text_of(b.get("/admin/subscription/month_list/"))
    assert "南方都市报" in page and "尚未确认" in page
    assert browser("butler").post("/admin/subscription/confirm_list/").status_code == 403
    resp = b.post("/admin/subscription/confirm_list/", token_from="/admin/subscription/month_list/")
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.execute(select(DistributionListCheck)).scalars().one()
        assert row.month == local_today().replace(day=1) and row.lines >= 1
        assert row.confirmed_by_id == staff_id("courier")
        assert [e.action for e in entries_for("distribution_list_check", row.id)] == ["insert"]
        courier = db.session.get(Staff, staff_id("courier"))
        assert not paper_rules.list_update_due(courier)
        assert paper_rules.list_update_due(
            courier, (local_today().replace(day=1) + timedelta(days=32)).replace(day=1))
    assert "本月报刊发放清单待更新" not in text_of(b.get("/admin/"))
    page = text_of(b.post("/admin/subscription/confirm_list/", follow_redirects=True,
                          token_from="/admin/subscription/month_list/"))
    assert "本月发放清单已确认" in page
