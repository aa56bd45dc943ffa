"""The one write path: a double or concurrent submit of every custom endpoint gets the
stale-edit message (never a 500) and writes nothing; a commit is never followed by
"nothing was saved"; unexpected errors never show their text."""
from __future__ import annotations

import contextlib
import re
from typing import Callable

import pytest
from flask import has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models.base import db

from .conftest import Browser, text_of
from .helpers import audit_count
from .key_helpers import desk_issue, key_id, desk_return, open_checkouts
from .order_helpers import orders
from .custody_helpers import demo_agreement, inspection_form, inspections
from .key_helpers import approved_application, execute
from .valuables_helpers import deposits, release
from .order_helpers import deliver, raise_order

STALE = "已有其他人修改了它"


@contextlib.contextmanager
def competing_commit(app, table: str):
    """As soon as the request has read a ``table`` row, another transaction commits a
    change to it (what the winning request of a double submit does), through a
    separate connection — before the request writes anything, so SQLite's single
    writer does not make the other transaction wait."""
    bumped: list[int] = []

    def loaded(session, instance) -> None:
        if getattr(instance, "__tablename__", None) != table or instance.id in bumped \
                or not has_request_context() or request.method != "POST":
            return                  # the form's GET before the submit reads it too
        with db.engine.connect() as other:
            other.execute(text(f"UPDATE {table} SET version = version + 1 WHERE id = :i"),
                          {"i": instance.id})
            other.commit()
        bumped.append(instance.id)

    event.listen(Session, "loaded_as_persistent", loaded)
    try:
        yield bumped
    finally:
        event.remove(Session, "loaded_as_persistent", loaded)


def _desk_return(app, browser) -> tuple[Browser, Callable]:
    clerk = browser("clerk")
    assert desk_issue(clerk, "配电房").status_code == 302
    return clerk, lambda: desk_return(clerk, "配电房")


def _register_return(app, browser) -> tuple[Browser, Callable]:
    clerk = browser("clerk")
    assert desk_issue(clerk, "配电房").status_code == 302
    [checkout] = open_checkouts(app, "配电房")
    return clerk, lambda: clerk.post(f"/admin/key_checkout/return/?id={checkout.id}", {})


def _follow_up(app, browser) -> tuple[Browser, Callable]:
    clerk = browser("clerk")
    demo = [o for o in orders(app, "service") if o.completed_at][0]
    return clerk, lambda: clerk.post_form(f"/admin/service_order/follow_up/?id={demo.id}", {
        "sat_quality": "satisfied", "sat_timeliness": "fair", "sat_attitude": "satisfied"})


def _drain_order(app):
    return next(o for o in orders(app, "service") if o.description == "厨房下水道堵塞")


def _settle(app, browser) -> tuple[Browser, Callable]:
    clerk = browser("clerk")
    o = _drain_order(app)
    return clerk, lambda: clerk.post_form(f"/admin/service_order/settle/?id={o.id}",
                                          {"method": "cash"})


def _finance_receive(app, browser) -> tuple[Browser, Callable]:
    o = _drain_order(app)
    resp = browser("clerk").post_form(f"/admin/service_order/settle/?id={o.id}",
                                      {"method": "cash"})
    assert resp.status_code == 302
    fin = browser("finance")
    return fin, lambda: fin.post("/admin/finance/receive/", {"id": o.id})


def _custody_cosign(app, browser) -> tuple[Browser, Callable]:
    butler = browser("butler")
    resp = butler.post_form("/admin/custody_inspection/new/", inspection_form(
        app, demo_agreement(app).id, cosigner_username="", cosigner_secret=""))
    assert resp.status_code == 302
    new = inspections(app)[-1]
    clerk = browser("clerk")
    return clerk, lambda: clerk.post(f"/admin/custody_inspection/cosign/?id={new.id}", {})


def _water_delivery(app, browser) -> tuple[Browser, Callable]:
    o = raise_order(app, browser)
    guard = browser("security")
    return guard, lambda: deliver(guard, o.id)


def _valuables_release(app, browser) -> tuple[Browser, Callable]:
    d = deposits(app)[0]
    clerk = browser("clerk")
    return clerk, lambda: release(clerk, d.id, release_to="owner")


def _key_execution(app, browser) -> tuple[Browser, Callable]:
    aid = approved_application(app, browser)
    clerk = browser("clerk")
    return clerk, lambda: execute(clerk, aid)


def _void(app, browser) -> tuple[Browser, Callable]:
    d = deposits(app)[0]
    manager = browser("dept_manager")
    return manager, lambda: manager.post_form(f"/admin/valuables_deposit/void/?id={d.id}",
                                     {"reason": "录错业主"})


# endpoint → (its set-up, the table of the row a double submit races for)
ENDPOINTS = {
    "key desk return": (_desk_return, "key_checkout"),
    "key register return": (_register_return, "key_checkout"),
    "service order settle": (_settle, "service_order"),
    "service order follow-up": (_follow_up, "service_order"),
    "finance receives cash": (_finance_receive, "service_order"),
    "custody inspection co-sign": (_custody_cosign, "custody_inspection"),
    "water delivery": (_water_delivery, "service_order"),
    "valuables release": (_valuables_release, "valuables_deposit"),
    "key application execute": (_key_execution, "key_application"),
    "void": (_void, "valuables_deposit"),
}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_the_losing_submit_gets_the_stale_message(app, browser, name):
    set_up, table = ENDPOINTS[name]
    who, submit = set_up(app, browser)
    with app.app_context():
        before = audit_count()
    with competing_commit(app, table) as bumped:
        resp = submit()
    assert bumped, "the endpoint read no row of the table: the test proves nothing"
    assert resp.status_code < 500
    if resp.status_code == 302:                 # the message is on the next page
        resp = who.get(resp.headers["Location"])
    assert STALE in text_of(resp), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(resp)))[:3000]
    with app.app_context():
        assert audit_count() == before          # nothing written, not even history
        assert db.session.execute(text(f"SELECT version FROM {table} WHERE id = :i"),
                                  {"i": bumped[0]}).scalar() is not None


def test_after_the_commit_the_answer_needs_no_database(app, browser):
    """A connection lost right after the commit: the key is out and the desk is told
    so (the message was built before the commit), not "nothing was saved"."""
    clerk = browser("clerk")
    committed: list[bool] = []

    def on_commit(_conn) -> None:
        committed.append(True)

    def refuse(_conn, _cur, statement, *_a) -> None:
        if committed:
            raise OperationalError(statement, {}, Exception("server closed the connection"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        resp = desk_issue(clerk, "配电房")
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
        event.remove(engine, "commit", on_commit)
    assert committed and resp.status_code == 302
    assert len(open_checkouts(app, "配电房")) == 1
    page = text_of(clerk.get("/admin/key_desk/"))
    assert "钥匙 配电房 已借给" in page


def test_a_failure_after_the_commit_does_not_claim_nothing_was_saved(app, browser,
                                                                     monkeypatch):
    from admin_views.keys import KeyDeskView

    clerk = browser("clerk")
    token = clerk.token("/admin/key_desk/")

    def broken(self, *a, **kw):
        raise RuntimeError("the response could not be built")

    monkeypatch.setattr(KeyDeskView, "get_url", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        from tests.helpers import staff_id

        bid = staff_id("security")
    resp = clerk.client.post("/admin/key_desk/issue/", data={
        "label": "配电房", "borrower_id": bid, "reason": "巡检", "csrf_token": token})
    assert resp.status_code == 500
    body = text_of(resp)
    assert "您的更改已保存" in body and "没有写入" not in body and "未保存" not in body
    assert len(open_checkouts(app, "配电房")) == 1
    # a 500 before any commit still says nothing was saved
    monkeypatch.setattr(KeyDeskView, "_page", broken)
    resp = clerk.client.get("/admin/key_desk/")
    assert resp.status_code == 500 and "您的更改已保存" not in text_of(resp)


def test_unexpected_errors_never_show_their_text(app, browser, monkeypatch):
    from admin_views.keys import KeyCheckoutView

    def boom(self, form, model, is_created):
        raise ValueError("date value out of range (internal detail)")

    monkeypatch.setattr(KeyCheckoutView, "validate_rules", boom)
    clerk = browser("clerk")
    with app.app_context():
        from tests.helpers import staff_id

        bid = staff_id("security")
        before = audit_count()
    resp = clerk.post_form("/admin/key_checkout/new/", {
        "key": key_id(app, "配电房"), "borrower": bid, "reason": "巡检"})
    assert resp.status_code == 200
    body = text_of(resp)
    assert "internal detail" not in body and "out of range" not in body
    assert "此次更改未能保存" in body
    with app.app_context():
        assert audit_count() == before
