"""钥匙领用登记表 and the desk: issue by label, return by label, and the rules that
stop a key being issued when it must not be."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from audit import system_actor
from models.base import db, utcnow
from models.keys import KeyCheckout, SpareKeyAuthorisation
from rules import keys as key_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .helpers import entries_for, race, staff_id
from .key_helpers import (decide, desk_issue, desk_return, get_key, key_id, open_checkouts,
                          set_key)


def test_clerk_issues_and_returns_a_key_by_label(app, browser):
    clerk = browser("clerk")
    resp = desk_issue(clerk, " 配电房 ", borrower="security", reason="配电房月度检查")
    assert resp.status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    with app.app_context():
        assert checkout.issued_by_id == staff_id("clerk")
        assert checkout.borrower_id == staff_id("security")
        assert checkout.reason == "配电房月度检查"
        [entry] = entries_for("key_checkout", checkout.id)
        assert entry.action == "insert" and entry.actor_id == staff_id("clerk")
    desk = text_of(clerk.get("/admin/key_desk/"))
    assert 'data-key="配电房"' in desk                      # listed as out, with how long
    resp = desk_return(browser("clerk2"), "配电房")
    assert resp.status_code == 302
    assert open_checkouts(app, "配电房") == []
    with app.app_context():
        row = db.session.get(KeyCheckout, checkout.id)
        assert row.received_by_id == staff_id("clerk2") and row.returned_at >= row.out_at
        assert [e.action for e in entries_for("key_checkout", checkout.id)] == ["insert", "return"]


def test_a_key_that_is_out_cannot_be_issued_again(app, browser):
    # The demo has 水泵房 out with security.
    resp = desk_issue(browser("clerk2"), "水泵房", borrower="butler")
    assert resp.status_code == 422 and "水泵房 已借出" in text_of(resp)
    assert len(open_checkouts(app, "水泵房")) == 1


@pytest.mark.parametrize("status", ["lost", "damaged"])
def test_lost_or_damaged_keys_cannot_be_issued(app, browser, status):
    set_key(app, "配电房", status=status)
    resp = desk_issue(browser("clerk"), "配电房")
    word = {"lost": "丢失", "damaged": "损坏"}[status]
    assert resp.status_code == 422 and f"状态为“{word}”" in text_of(resp)
    assert open_checkouts(app, "配电房") == []


def test_void_keys_stay_listed_and_can_never_be_issued(app, browser):
    kid = key_id(app, "会所活动室")
    mgr = browser("dept_manager")
    assert mgr.post_form(f"/admin/key/void/?id={kid}", {"reason": "锁已更换"}).status_code == 302
    assert get_key(app, "会所活动室").status == "void"
    listing = text_of(mgr.get("/admin/key/?search=会所活动室"))
    assert "会所活动室" in listing and 'data-status="void"' in listing
    resp = desk_issue(browser("clerk"), "会所活动室")
    assert resp.status_code == 422 and "作废" in text_of(resp)
    # Nor through the checkout register's own create form.
    resp = browser("clerk").post_form("/admin/key_checkout/new/",
                                      {"key": kid, "borrower": 1, "reason": "x"},
                                      follow_redirects=True)
    assert open_checkouts(app, "会所活动室") == []


def test_the_create_form_obeys_the_same_rules(app, browser):
    clerk = browser("clerk")
    with app.app_context():
        security = staff_id("security")
    kid = key_id(app, "水泵房")       # already out
    resp = clerk.post_form("/admin/key_checkout/new/",
                           {"key": kid, "borrower": security, "reason": "再借一次"},
                           follow_redirects=True)
    assert "已借出" in text_of(resp)
    assert len(open_checkouts(app, "水泵房")) == 1
    kid = key_id(app, "配电房")
    resp = clerk.post_form("/admin/key_checkout/new/",
                           {"key": kid, "borrower": security, "reason": "检修"})
    assert resp.status_code == 302
    [c] = open_checkouts(app, "配电房")
    with app.app_context():
        assert c.issued_by_id == staff_id("clerk")


def test_double_issue_is_refused_by_the_database_itself(app):
    """Two open checkouts of one key cannot exist even when the check is bypassed."""
    kid = key_id(app, "配电房")
    with app.app_context(), system_actor("test"):
        clerk = staff_id("clerk")
        for _ in range(2):
            db.session.add(KeyCheckout(property_id=get_key(app, "配电房").property_id,
                                       key_id=kid, borrower_id=clerk, reason="x",
                                       issued_by_id=clerk, out_at=utcnow()))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_clerks_issuing_the_same_key_at_once_one_wins(app, monkeypatch):
    """Both clerks pass the "is it out?" check before either writes; the partial
    unique index still lets exactly one checkout through."""
    kid = key_id(app, "消防控制室")
    n = 4
    barrier = threading.Barrier(n, timeout=20)
    real_open = key_rules.open_checkout

    def racing_open_checkout(key):
        found = real_open(key)
        barrier.wait()             # everyone has checked; nobody has written yet
        return found

    monkeypatch.setattr(key_rules, "open_checkout", racing_open_checkout)

    def clerk_issues(i: int) -> None:
        from models.keys import Key
        from models.staff import Staff

        key = db.session.get(Key, kid)
        clerk = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        key_rules.issue_key(key, clerk, f"并发 {i}", clerk)

    results = race(app, n, clerk_issues)
    assert [r for r, _ in results].count("ok") == 1, results
    assert all(r == "ok" or (r == "refused" and "已借出" in m) for r, m in results), results
    assert len(open_checkouts(app, "消防控制室")) == 1


def test_return_cannot_be_before_checkout(app, browser):
    assert desk_issue(browser("clerk"), "配电房").status_code == 302
    [c] = open_checkouts(app, "配电房")
    with app.app_context(), system_actor("test"):
        row = db.session.get(KeyCheckout, c.id)
        with pytest.raises(RuleViolation, match="不能早于"):
            key_rules.return_key(row, row.issued_by, at=row.out_at - timedelta(minutes=5))
        db.session.rollback()
        # The database refuses it too (check constraint), whatever the code path.
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE key_checkout SET returned_at = :t WHERE id = :id"),
                               {"t": c.out_at - timedelta(hours=1), "id": c.id})
        db.session.rollback()
    assert len(open_checkouts(app, "配电房")) == 1


def test_spare_key_only_with_general_manager_authorisation(app, browser):
    clerk = browser("clerk")
    resp = desk_issue(clerk, "配电房-备1")
    assert resp.status_code == 422 and "项目总经理" in text_of(resp)
    with app.app_context():
        auth_id = db.session.execute(select(SpareKeyAuthorisation.id)).scalar_one()
    # Someone other than the general manager cannot authorise it.
    decide(browser("dept_manager"), "spare_key_authorisation", auth_id)
    assert desk_issue(clerk, "配电房-备1").status_code == 422
    page = decide(browser("general_manager"), "spare_key_authorisation", auth_id)
    assert "已批准" in text_of(page)
    assert desk_issue(clerk, "配电房-备1", reason="主钥匙未还，紧急检修").status_code == 302
    [c] = open_checkouts(app, "配电房-备1")
    assert c.spare_authorisation_id == auth_id
    with app.app_context():
        assert db.session.get(SpareKeyAuthorisation, auth_id).used_at is not None
    # One authorisation, one use.
    assert desk_return(clerk, "配电房-备1").status_code == 302
    resp = desk_issue(clerk, "配电房-备1")
    assert resp.status_code == 422 and "项目总经理" in text_of(resp)


def test_keys_at_the_desk_and_keys_out_are_counted(app, browser):
    page = text_of(browser("clerk").get("/admin/key_desk/"))
    assert 'id="keys-out-count">1<' in page           # 水泵房 in the demo
    before = int(page.split('id="keys-at-desk-count">')[1].split("<")[0])
    desk_issue(browser("clerk"), "配电房")
    page = text_of(browser("clerk").get("/admin/key_desk/"))
    assert 'id="keys-out-count">2<' in page
    assert f'id="keys-at-desk-count">{before - 1}<' in page


def test_other_property_keys_are_invisible_at_the_desk(app, browser):
    # NORTH also has a key called 配电房; the DEMO clerk's desk finds only its own.
    desk_issue(browser("clerk"), "配电房")
    [c] = open_checkouts(app, "配电房")
    assert c.key_id == key_id(app, "配电房", "DEMO")
    north_key = key_id(app, "配电房", "NORTH")
    assert browser("clerk").get(f"/admin/key/details/?id={north_key}").status_code == 302


def test_the_desk_and_its_errors_in_english(app, browser):
    clerk = browser("clerk")
    clerk.post("/lang", {"lang": "en"})
    page = text_of(clerk.get("/admin/key_desk/"))
    assert "Issue a key" in page and "Keys out now" in page and "Key desk" in page
    resp = desk_issue(clerk, "水泵房", borrower="butler")
    assert resp.status_code == 422 and "Key 水泵房 is already out." in text_of(resp)
    approvals = text_of(clerk.get("/admin/approvals/"))
    assert "My requests" in approvals


def test_checkout_log_search_by_key_borrower_and_reason(app, browser):
    desk_issue(browser("clerk"), "配电房", borrower="butler", reason="更换灯管")
    mgr = browser("dept_manager")
    by_name = text_of(mgr.get("/admin/key_checkout/?search=李建国"))       # the butler
    assert "更换灯管" in by_name and "夜间巡查水泵" not in by_name
    by_key = text_of(mgr.get("/admin/key_checkout/?search=水泵"))
    assert "夜间巡查水泵" in by_key and "更换灯管" not in by_key
    by_reason = text_of(mgr.get("/admin/key_checkout/?search=灯管"))
    assert "更换灯管" in by_reason
    both = text_of(mgr.get("/admin/key_checkout/?search=李建国 灯管"))    # terms AND
    assert "更换灯管" in both
    none = text_of(mgr.get("/admin/key_checkout/?search=不存在的词"))
    assert "更换灯管" not in none and "夜间巡查水泵" not in none


def test_a_copy_stays_a_spare_whatever_its_category_and_status(app, browser):
    """Even with its category and status changed behind the desk's back, a key that
    is a copy of another (spare_of) is issued only with the general manager's
    authorisation — which can still be given for it."""
    set_key(app, "配电房-备1", category="public", status="in_use")
    clerk = browser("clerk")
    resp = desk_issue(clerk, "配电房-备1")
    assert resp.status_code == 422 and "项目总经理" in text_of(resp)
    assert open_checkouts(app, "配电房-备1") == []
    with app.app_context():
        auth_id = db.session.execute(select(SpareKeyAuthorisation.id)).scalar_one()
    decide(browser("general_manager"), "spare_key_authorisation", auth_id)
    assert desk_issue(clerk, "配电房-备1", reason="紧急检修").status_code == 302
    [c] = open_checkouts(app, "配电房-备1")
    assert c.spare_authorisation_id == auth_id
    # the authorisation form offers it among the spare keys
    page = text_of(browser("clerk").get("/admin/spare_key_authorisation/new/"))
    assert "配电房-备1" in page
