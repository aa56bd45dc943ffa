"""``audit verify`` after an upgrade that added columns to tables with history.

A migration that adds a column does not rewrite history, so the last snapshot of
every older row lacks it.  These tests write such a row exactly as before the
upgrade (history that does not know the column yet), then check that verification
stays quiet while the new column is empty and still reports a value put there, or
any other change, outside the app.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

import audit.listener as listener
from audit import system_actor
from audit.verify import only_columns_added_since, verify
from models.base import db
from models.followups import FollowUpVisit
from models.mail import Subscription

from .conftest import owner_engine


def _write_as_before_the_upgrade(monkeypatch, model, column: str) -> int:
    """Touch one row of ``model`` through the app while history does not know
    ``column`` (as on the schema before the migration that added it)."""
    real = listener.audited_columns

    def without(mapper):
        cols = real(mapper)
        return [c for c in cols if not (mapper.class_ is model and c == column)]

    monkeypatch.setattr(listener, "audited_columns", without)
    row = db.session.execute(select(model).order_by(model.id)).scalars().first()
    assert row is not None, f"demo data has no {model.__tablename__} row"
    with system_actor("test"):
        row.notes = (row.notes or "") + "。"
        db.session.commit()
    monkeypatch.setattr(listener, "audited_columns", real)
    return row.id


def test_an_added_empty_column_is_not_a_change_outside_the_app(app, monkeypatch):
    with app.app_context():
        row_id = _write_as_before_the_upgrade(monkeypatch, Subscription, "weekend_delivery")
        res = verify(db.engine)
        assert res.ok, res.problems
        with owner_engine(app).begin() as conn:
            conn.execute(text("UPDATE subscription SET weekend_delivery = :v WHERE id = :i"),
                         {"v": True, "i": row_id})
        res = verify(db.engine)
        assert not res.ok
        assert any(f"subscription row {row_id}" in p for p in res.problems), res.problems


def test_an_old_column_changed_is_still_reported_after_the_upgrade(app, monkeypatch):
    with app.app_context():
        row_id = _write_as_before_the_upgrade(monkeypatch, Subscription, "weekend_delivery")
        with owner_engine(app).begin() as conn:
            conn.execute(text("UPDATE subscription SET copies = copies + 1 WHERE id = :i"),
                         {"i": row_id})
        res = verify(db.engine)
        assert any(f"subscription row {row_id}" in p for p in res.problems), res.problems


@pytest.mark.parametrize("live, ok", [
    ({"id": 1, "notes": "a", "batch_id": None}, True),      # added, still empty
    ({"id": 1, "notes": "a", "batch_id": 7}, False),        # added and set outside the app
    ({"id": 1, "notes": "b", "batch_id": None}, False),     # an old column changed
    ({"id": 1, "batch_id": None}, False),                   # an old column gone
])
def test_only_empty_added_columns_are_tolerated(live, ok):
    from sqlalchemy import inspect

    stored = '{"id":1,"notes":"a"}'
    assert only_columns_added_since(inspect(FollowUpVisit), live, stored) is ok


def test_a_back_filled_repair_class_is_not_a_change_outside_the_app(app, monkeypatch):
    """The migration that added ``service_order.repair_class`` filled it from the
    order's words (``ServiceOrder.__backfilled__``): that value passes, another is
    reported."""
    from models.service_orders import ServiceOrder

    with app.app_context():
        real = listener.audited_columns
        monkeypatch.setattr(listener, "audited_columns", lambda mapper: [
            c for c in real(mapper)
            if not (mapper.class_ is ServiceOrder and c == "repair_class")])
        worded, plain = db.session.execute(select(ServiceOrder).where(
            ServiceOrder.kind == "service").order_by(ServiceOrder.id).limit(2)).scalars()
        with system_actor("test"):
            worded.work_notes, plain.work_notes = "紧急上门，已急修", "更换灯泡"
            db.session.commit()
        monkeypatch.setattr(listener, "audited_columns", real)
        ids = worded.id, plain.id

        def set_class(row_id: int, value: str) -> None:
            with owner_engine(app).begin() as conn:
                conn.execute(text("UPDATE service_order SET repair_class = :v WHERE id = :i"),
                             {"v": value, "i": row_id})

        set_class(ids[0], "urgent")            # what the back-fill wrote
        set_class(ids[1], "normal")
        res = verify(db.engine)
        assert res.ok, res.problems
        set_class(ids[0], "leak")              # not what the back-fill wrote
        set_class(ids[1], "urgent")
        res = verify(db.engine)
        for row_id in ids:
            assert any(f"service_order row {row_id} " in p for p in res.problems), res.problems


@pytest.mark.parametrize("live_class, ok", [("urgent", True), ("normal", True),
                                            ("leak", False)])
def test_a_back_filled_column_accepts_only_its_value(live_class, ok):
    from sqlalchemy import inspect

    from models.service_orders import ServiceOrder

    stored = '{"description":"紧急","id":1,"kind":"service"}'
    live = {"id": 1, "kind": "service", "description": "紧急", "repair_class": live_class}
    assert only_columns_added_since(inspect(ServiceOrder), live, stored) is ok
