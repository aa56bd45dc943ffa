"""The app's PostgreSQL role cannot touch history; history is anchored outside
the database.  Rewriting the chain with recomputed hashes as the owner passes
plain verification, and fails against the external anchor file or the signed
checkpoints."""
from __future__ import annotations

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from models.base import db

from .conftest import PG_APP_ROLE, owner_engine
from .helpers import audit_count, run_cli
from .ops_helpers import rewrite_chain_from

KEY = "anchor-key-from-the-environment"


@pytest.mark.parametrize("sql", [
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
    "UPDATE audit_log SET reason = 'x' WHERE id = 1",
    "DELETE FROM audit_log WHERE id = 1",
    "TRUNCATE audit_log",
    "UPDATE audit_checkpoint SET ok = true",
    "DELETE FROM stored_blob",
    "UPDATE alembic_version SET version_num = 'x'",
    "ALTER TABLE building ADD COLUMN x integer",
    "DROP TABLE building",
    "CREATE TABLE extra (id integer)",
    "CREATE TRIGGER t BEFORE INSERT ON building FOR EACH ROW "
    "EXECUTE FUNCTION audit_log_refuse_change()",
])
def test_the_app_role_cannot_alter_tables_disable_triggers_or_change_history(app, backend,
                                                                              sql):
    if backend != "postgresql" or not PG_APP_ROLE:
        pytest.skip("database roles are PostgreSQL's (and KEFU_TEST_PG_APP_ROLE is on)")
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == PG_APP_ROLE[0]
        with pytest.raises(sqlalchemy.exc.DBAPIError,
                           match="permission denied|must be owner|must be superuser"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
        assert audit_count() > 0
        # what it may do: insert history (every write of the suite does)
        with db.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(1)"))
    # the owner still can (migrations run as the owner)
    with owner_engine(app).connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() != PG_APP_ROLE[0]


def test_grant_app_role_command_refuses_sqlite(app, backend):
    if backend != "sqlite":
        pytest.skip("the PostgreSQL path runs in the fixtures (ops.pgroles.grant)")
    result = run_cli(app, "db", "grant-app-role", "kefu_app")
    assert result.exit_code != 0 and "PostgreSQL" in result.output


def test_plain_verify_passes_a_rewritten_chain(app):
    """The attack the anchors are for: nothing configured, the rewrite goes unseen."""
    rewrite_chain_from(app, 5)
    assert run_cli(app, "audit", "verify", "--no-rows").exit_code == 0


def test_the_anchor_file_catches_a_chain_rewritten_with_recomputed_hashes(app, tmp_path):
    anchor = tmp_path / "anchors" / "kefu-history.log"
    app.config["KEFU_ANCHOR_FILE"] = str(anchor)
    first = run_cli(app, "audit", "verify")
    assert first.exit_code == 0, first.output
    head = run_cli(app, "audit", "head").output.strip()
    line = anchor.read_text().splitlines()[-1].split()
    assert line[1] == head and line[2] == "-"        # no key: no MAC
    rewrite_chain_from(app, 5)
    result = run_cli(app, "audit", "verify", "--no-rows")     # no --anchor given
    assert result.exit_code == 1 and "differs from the exported anchor" in result.output
    # the anchor file is only appended to by a successful verification
    assert anchor.read_text().count("\n") == 1


def test_signed_checkpoints_catch_a_rewrite_and_a_forged_checkpoint(app):
    app.config["KEFU_ANCHOR_KEY"] = KEY
    assert run_cli(app, "audit", "verify").exit_code == 0
    assert run_cli(app, "audit", "verify").exit_code == 0      # checks the first one
    with owner_engine(app).begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_checkpoint (verified_at, ok, entries, head_id, head_hash, "
            "rows_checked, seconds, run_by, hmac) SELECT verified_at, ok, entries, head_id, "
            "head_hash, rows_checked, seconds, run_by, "
            "CASE WHEN hmac LIKE 'f%' THEN 'e' ELSE 'f' END || substr(hmac, 2) "   # always differs
            "FROM audit_checkpoint WHERE id = 1"))
    forged = run_cli(app, "audit", "verify", "--no-rows")
    assert forged.exit_code == 1 and "HMAC does not match" in forged.output
    rewrite_chain_from(app, 5)
    result = run_cli(app, "audit", "verify", "--no-rows")
    assert result.exit_code == 1
    assert "differs from the head of a signed checkpoint" in result.output


def test_an_edited_anchor_file_is_reported(app, tmp_path):
    anchor = tmp_path / "anchor.log"
    app.config.update(KEFU_ANCHOR_FILE=str(anchor), KEFU_ANCHOR_KEY=KEY)
    assert run_cli(app, "audit", "verify").exit_code == 0
    at, head, mac = anchor.read_text().split()
    assert len(mac) == 64
    rewrite_chain_from(app, 5)
    new_head = run_cli(app, "audit", "head").output.strip()
    anchor.write_text(f"{at} {new_head} {mac}\n")           # the attacker cannot sign it
    result = run_cli(app, "audit", "verify", "--no-rows")
    assert result.exit_code == 1 and "anchor's HMAC does not match" in result.output
