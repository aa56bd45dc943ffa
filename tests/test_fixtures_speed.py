"""The test fixtures' shortcuts keep every test's database fresh.

``conftest._may_change`` decides whether a PostgreSQL database is kept for the next
test instead of being copied again from the template: it must count every
statement that may change a database, and only plain reads as reads.
"""
from __future__ import annotations

import pytest

from .conftest import _may_change, _may_change_more_than_rows


@pytest.mark.parametrize("statement", [
    "INSERT INTO memo (id) VALUES (1)",
    "UPDATE staff SET active = false",
    "DELETE FROM key_checkout",
    "  \n(insert into x values (1))",
    "WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved",
    "SELECT nextval('memo_id_seq')",
    "SELECT setval('memo_id_seq', 5)",
    "SELECT * INTO copy_of_memo FROM memo",
    "EXPLAIN ANALYZE DELETE FROM memo",
    "ANALYZE memo",
    "VACUUM memo",
    "CREATE TABLE t (id int)",
    "ALTER TABLE memo ADD COLUMN x int",
    "DROP TABLE memo",
    "TRUNCATE memo",
    "GRANT SELECT ON memo TO someone",
    "COPY memo FROM STDIN",
    "LOCK TABLE memo",
    "CALL something()",
    "DO $$ BEGIN DELETE FROM memo; END $$",
    "",
])
def test_anything_but_a_plain_read_counts_as_a_change(statement):
    assert _may_change(statement), statement


@pytest.mark.parametrize("statement", [
    "SELECT memo.id FROM memo WHERE memo.id = %(id)s",
    "select count(*) from staff",
    "EXPLAIN SELECT key_checkout.id FROM key_checkout ORDER BY key_checkout.id",
    "SHOW standard_conforming_strings",
    "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT sa_1", "RELEASE SAVEPOINT sa_1",
    "SET TIME ZONE 'UTC'",
])
def test_plain_reads_do_not(statement):
    assert not _may_change(statement), statement


@pytest.mark.parametrize("statement", [
    "INSERT INTO memo (id) VALUES (1)",
    "UPDATE staff SET active = false",
    "DELETE FROM key_checkout",
    "SELECT nextval('memo_id_seq')",
    "SELECT setval('memo_id_seq', 5)",
])
def test_row_writes_and_sequences_are_put_back_by_rows(statement):
    """A database only these changed is put back by rewriting its rows."""
    assert _may_change(statement) and not _may_change_more_than_rows(statement)


@pytest.mark.parametrize("statement", [
    "WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved",
    "SELECT * INTO copy_of_memo FROM memo",
    "EXPLAIN ANALYZE DELETE FROM memo",
    "ANALYZE memo", "VACUUM memo", "CREATE TABLE t (id int)",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
    "DROP TABLE memo", "TRUNCATE memo", "GRANT SELECT ON memo TO someone",
    "COPY memo FROM STDIN", "LOCK TABLE memo", "CALL something()",
    "DO $$ BEGIN DELETE FROM memo; END $$", "SELECT lo_unlink(5)", "",
])
def test_anything_more_than_rows_gets_a_new_copy(statement):
    assert _may_change_more_than_rows(statement), statement


def test_rows_put_back_are_the_templates_rows_sequences_and_triggers(app, templates):
    """After a test that changed rows and a sequence, the refill by rows leaves the
    database as a fresh copy would be: rows, sequence values, trigger states."""
    from sqlalchemy import text

    from models.base import db
    from tests.conftest import _dispose

    database = app.extensions["kefu_test_db"]
    if database.backend != "postgresql":
        pytest.skip("SQLite is always refilled by a file copy")
    queries = {
        "name": "SELECT full_name FROM staff WHERE username = 'clerk'",
        "staff": "SELECT count(*) FROM staff",
        "history": "SELECT count(*) FROM audit_log",
        "triggers": "SELECT string_agg(tgname::text || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger "
                    "WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal",
    }

    def state() -> dict:
        with app.app_context():
            found = {k: db.session.execute(text(q)).scalar() for k, q in queries.items()}
            found["next id"] = db.session.execute(text("SELECT nextval('staff_id_seq')")).scalar()
            db.session.rollback()
            return found

    fresh = state()
    with app.app_context():
        db.session.execute(text("UPDATE staff SET full_name = 'changed' WHERE username = 'clerk'"))
        db.session.execute(text("SELECT nextval('staff_id_seq')"))
        db.session.commit()
    _dispose(app)
    database.rows_only = True
    database.refill(templates)
    after = state()
    assert after["name"] != "changed"
    fresh.pop("next id"), after.pop("next id")      # both took one: compare the rest
    assert after == fresh


def test_the_tables_a_row_write_names_are_the_ones_put_back():
    from .conftest import _table_writes

    for statement, table in (("INSERT INTO memo (id) VALUES (1)", "memo"),
                             ('UPDATE "staff" SET active = false', "staff"),
                             ("DELETE FROM key_checkout", "key_checkout"),
                             ("INSERT INTO audit_log(id) VALUES (2)", "audit_log")):
        _table_writes.pop(table, None)
        assert not _may_change_more_than_rows(statement)
        assert table in _table_writes, statement
