"""The outside-borrower migration on a database that already has key checkouts (and
their history): ``audit verify`` stays OK, and the new table's rows are verified too."""
from __future__ import annotations

from sqlalchemy import select, text

from audit import system_actor
from audit.verify import verify
from models.base import db
from models.key_borrowers import KeyCheckoutBorrower
from models.keys import Key, KeyCheckout
from models.reference import Property
from models.staff import Staff
from rules.keys import issue_key, return_key

from .helpers import empty_database_app, run_cli

BEFORE = "5d1e7c3a9b42"          # the head before key_checkout_borrower


def _checkouts_before_the_migration() -> None:
    """Keys issued and returned to staff through the rules, with history, on the old
    schema (no query there loads a checkout, so the new table is not read)."""
    with system_actor("test"):
        prop = Property(code="OLD", name="旧库小区", address="-", phone="-")
        db.session.add(prop)
        db.session.flush()
        clerk = Staff(username="oldclerk", full_name="老前台", property_id=prop.id, active=True,
                      password_hash="x")
        clerk.role_set = {"clerk"}
        guard = Staff(username="oldguard", full_name="老保安", property_id=prop.id, active=True,
                      password_hash="x")
        guard.role_set = {"security"}
        keys = [Key(property_id=prop.id, label=f"旧钥匙{i}", place="管理处", category="public",
                    status="in_use", holder="前台") for i in range(2)]
        db.session.add_all([clerk, guard, *keys])
        db.session.flush()
        done = issue_key(keys[0], guard, "巡查", clerk)
        return_key(done, clerk)
        issue_key(keys[1], guard, "巡查", clerk)
        db.session.commit()


def test_audit_verify_is_ok_after_the_migration_on_a_database_with_checkouts(
        backend, templates):
    with empty_database_app(backend, templates) as app:
        assert run_cli(app, "db", "upgrade", BEFORE).exit_code == 0
        with app.app_context():
            _checkouts_before_the_migration()
        assert run_cli(app, "db", "upgrade").exit_code == 0
        with app.app_context():
            res = verify(db.engine)
            assert res.ok, res.problems
            assert db.session.query(KeyCheckout).count() == 2
            # a contractor borrows the returned key after the migration: verified too
            with system_actor("test"):
                clerk = db.session.execute(select(Staff).where(
                    Staff.username == "oldclerk")).scalar_one()
                key = db.session.execute(select(Key).where(Key.label == "旧钥匙0")).scalar_one()
                issue_key(key, None, "维修", clerk, outside=KeyCheckoutBorrower(
                    kind="contractor", name="王师傅", company="安达", id_number="110101",
                    phone="139"))
                db.session.commit()
            assert verify(db.engine).ok
            # an ID number changed outside the app is caught
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE key_checkout_borrower SET id_number = 'x'"))
            tampered = verify(db.engine)
            assert not tampered.ok
            assert any("key_checkout_borrower" in p for p in tampered.problems)
