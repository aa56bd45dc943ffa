"""报纸/杂志订阅单 and 报刊分发表: no subscription before payment; renewal due 30 days
before the end; a round's counts checked against the subscriptions (shortfall shown);
a delivered line is signed; a weekday round not recorded by its time is due."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from i18n import local_now, local_today
from models.base import db
from models.mail import Distribution, Subscription
from models.staff import Staff
from rules import newspapers as paper_rules

from .conftest import text_of
from .helpers import property_id, staff_id
from .mail_helpers import fmt, last_weekday
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
