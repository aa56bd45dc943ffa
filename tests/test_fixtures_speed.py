"""The test fixtures' shortcuts keep every test's database fresh.

``conftest._may_change`` decides whether a PostgreSQL database is kept for the next
test instead of being copied again from the template: it must count every
statement that may change a database, and only plain reads as reads.
"""
from __future__ import annotations

import pytest

from .conftest import _may_change


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
