"""One scoping rule for views and rules: a property's staff see their property, head
office sees all, and without a user nothing is visible."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Staff
from models.keys import Key
from models.base import db
from rules.scope import scoped

from .helpers import staff_id


def _count(q) -> int:
    return db.session.execute(select(func.count()).select_from(q.subquery())).scalar_one()


def test_scoped_by_property_all_for_head_office_nothing_without_a_user(app):
    with app.app_context():
        everything = _count(select(Key))
        clerk = db.session.get(Staff, staff_id("clerk"))
        auditor = db.session.get(Staff, staff_id("auditor"))
        own = _count(scoped(select(Key), Key, clerk))
        assert 0 < own < everything                    # two demo properties
        assert _count(scoped(select(Key), Key, auditor)) == everything
        assert _count(scoped(select(Key), Key, None)) == 0
        # the same rule for Flask-Admin's ORM queries
        assert scoped(db.session.query(Key), Key, None).count() == 0
        assert scoped(db.session.query(Key), Key, clerk).count() == own
