"""History: every write is recorded with actor, before/after and reason, in the
same transaction; the hash chain proves nothing was altered."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from audit.listener import HistoryViolation
from models import AuditEntry, Building
from models.base import db

from .helpers import (audit_count, building_named, changes, entries_for, property_id, run_cli,
                      snapshot, staff_id)
from .helpers import _tamper
from .conftest import owner_engine


def create_building(b, name: str, app) -> int:
    with app.app_context():
        demo = property_id("DEMO")
    resp = b.post_form("/admin/building/new/", {"property": demo, "name": name, "floors": "9"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    with app.app_context():
        return building_named(name).id


def test_create_update_void_are_recorded_with_actor_values_and_reason(app, browser):
    sup = browser("supervisor")
    bid = create_building(sup, "历史测试楼", app)

    with app.app_context():
        demo = property_id("DEMO")
    resp = sup.post_form(f"/admin/building/edit/?id={bid}",
                         {"name": "历史测试楼二", "floors": "9", "property": demo})
    assert resp.status_code == 302

    mgr = browser("dept_manager")
    resp = mgr.post_form(f"/admin/building/void/?id={bid}", {"reason": "重复登记"})
    assert resp.status_code == 302

    with app.app_context():
        sup_id, mgr_id = staff_id("supervisor"), staff_id("dept_manager")
        ins, upd, void = entries_for("building", bid)
        assert (ins.action, upd.action, void.action) == ("insert", "update", "void")
        assert ins.actor_id == sup_id and ins.actor_name == "supervisor"
        assert ins.client_addr == "127.0.0.1"
        assert changes(ins)["name"] == [None, "历史测试楼"]
        assert snapshot(ins)["floors"] == 9 and snapshot(ins)["property_id"] == demo
        assert changes(upd) == {"name": ["历史测试楼", "历史测试楼二"]}
        assert upd.actor_id == sup_id
        assert void.actor_id == mgr_id and void.reason == "重复登记"
        assert changes(void)["void_reason"] == [None, "重复登记"]
        assert snapshot(void)["voided_at"] is not None
        assert ins.property_id == demo
        assert len({ins.tx_id, upd.tx_id, void.tx_id}) == 3


def test_a_failed_write_leaves_no_history(app, browser):
    sup = browser("supervisor")
    create_building(sup, "唯一楼", app)
    with app.app_context():
        before = audit_count()
        demo = property_id("DEMO")
    resp = sup.post_form("/admin/building/new/", {"property": demo, "name": "唯一楼"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "冲突" in html  # a clear message …
    assert "INSERT" not in html and "UNIQUE" not in html.upper().replace("UNIQUE\">", "")  # … no SQL
    with app.app_context():
        assert audit_count() == before


def test_secrets_are_kept_in_history_only_as_digests(app):
    with app.app_context():
        from models import Staff

        staff = db.session.get(Staff, staff_id("clerk"))
        old_hash = staff.password_hash
        staff.set_password("another-password-9")
        db.session.commit()
        entry = entries_for("staff", staff.id)[-1]
        assert old_hash not in entry.changes and staff.password_hash not in entry.snapshot
        assert changes(entry)["password_hash"][1].startswith("sha256:")


def test_orm_cannot_delete_or_bulk_change_audited_rows(app):
    with app.app_context():
        b = db.session.execute(select(Building)).scalars().first()
        db.session.delete(b)
        with pytest.raises(HistoryViolation):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(HistoryViolation):
            db.session.execute(update(Building).values(name="x"))
        db.session.rollback()
        entry = db.session.execute(select(AuditEntry)).scalars().first()
        entry.reason = "tampered"
        with pytest.raises(HistoryViolation):
            db.session.flush()
        db.session.rollback()


def test_audit_verify_passes_on_an_untouched_chain(app):
    result = run_cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "live rows match" in result.output


@pytest.mark.parametrize("kind, statements, bad", [
    ("changed", ["UPDATE audit_log SET reason = 'nothing happened' WHERE id = 5"], 5),
    ("changed snapshot", ["UPDATE audit_log SET snapshot = replace(snapshot, '1', '2') WHERE id = 7"], 7),
    ("removed", ["DELETE FROM audit_log WHERE id = 4"], 5),
    ("reordered", ["UPDATE audit_log SET id = -3 WHERE id = 3",
                   "UPDATE audit_log SET id = 3 WHERE id = 6",
                   "UPDATE audit_log SET id = 6 WHERE id = -3"], 3),
    ("rehashed", ["UPDATE audit_log SET reason = 'x', hash = 'f' || substr(hash, 2) WHERE id = 8"], 8),
])
def test_audit_verify_fails_and_names_the_first_bad_entry(app, kind, statements, bad):
    _tamper(app, *statements)
    result = run_cli(app, "audit", "verify")
    assert result.exit_code != 0, f"{kind}: {result.output}"
    assert f"first bad entry #{bad}" in result.output, result.output


def test_audit_verify_catches_a_register_row_changed_with_raw_sql(app):
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE building SET name = '改名' WHERE id = 1"))
    result = run_cli(app, "audit", "verify")
    assert result.exit_code != 0 and "building row 1 differs" in result.output


def test_audit_verify_catches_a_row_inserted_with_raw_sql(app):
    with app.app_context():
        demo = property_id("DEMO")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO building (property_id, name, version, created_at) "
                "VALUES (:p, '黑户楼', 1, CURRENT_TIMESTAMP)"), {"p": demo})
    result = run_cli(app, "audit", "verify")
    assert result.exit_code != 0 and "has no history" in result.output


def test_audit_verify_anchor_catches_a_truncated_tail(app):
    head = run_cli(app, "audit", "head").output.strip()
    last_id = int(head.split(":")[0])
    assert run_cli(app, "audit", "verify", "--anchor", head).exit_code == 0
    _tamper(app, f"DELETE FROM audit_log WHERE id = {last_id}")
    result = run_cli(app, "audit", "verify", "--no-rows", "--anchor", head)
    assert result.exit_code != 0 and "anchor" in result.output


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET reason = 'x' WHERE id = 1",
    "DELETE FROM audit_log WHERE id = 1",
    "TRUNCATE audit_log",
])
def test_postgresql_refuses_update_delete_truncate_on_history(app, backend, sql):
    if backend != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite relies on the ORM guard "
                    "and on verification")
    import sqlalchemy.exc

    with app.app_context():
        for role in ("origin", "replica"):      # even the owner (only it may set the role)
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
                with owner_engine(app).begin() as conn:
                    conn.execute(text(f"SET LOCAL session_replication_role = {role}"))
                    conn.execute(text(sql))
        assert audit_count() > 0
