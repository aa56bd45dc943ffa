"""Commands of the README: create-user, demo-data, db upgrade/downgrade."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from models import Staff
from models.base import db
from models.search import include_object

from .conftest import Browser
from .helpers import empty_database_app, run_cli


def test_create_user_with_roles_and_property_can_log_in(app):
    result = run_cli(app, "create-user", "wangfang", "--role", "clerk", "--role", "butler",
                     "--password", "secret-pass-1", "--property", "DEMO", "--name", "王芳")
    assert result.exit_code == 0, result.output
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "wangfang")).scalar_one()
        assert staff.role_set == {"clerk", "butler"} and staff.full_name == "王芳"
        assert staff.home_property.code == "DEMO"
    assert Browser(app).login("wangfang", "secret-pass-1").status_code == 302


def test_create_user_rejects_bad_input(app):
    assert run_cli(app, "create-user", "x1", "--role", "wizard", "--password",
                   "secret-pass-1").exit_code != 0
    assert run_cli(app, "create-user", "x2", "--role", "clerk", "--password",
                   "short").exit_code != 0
    assert run_cli(app, "create-user", "x3", "--role", "clerk", "--password", "secret-pass-1",
                   "--property", "NOPE").exit_code != 0
    with app.app_context():
        assert db.session.execute(select(Staff).where(Staff.username.like("x%"))).first() is None


def test_demo_data_is_repeatable_and_history_stays_valid(app):
    with app.app_context():
        before = db.session.query(Staff).count()
    result = run_cli(app, "demo-data", "--password", "other-pass-22")
    assert result.exit_code == 0 and "clerk" in result.output
    with app.app_context():
        assert db.session.query(Staff).count() == before
    assert Browser(app).login("clerk", "other-pass-22").status_code == 302
    assert run_cli(app, "audit", "verify").exit_code == 0


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], diff


def test_db_upgrade_builds_an_empty_database_and_downgrade_removes_it(backend, templates):
    with empty_database_app(backend, templates) as app:
        assert run_cli(app, "db", "upgrade").exit_code == 0
        with app.app_context():
            tables = set(inspect(db.engine).get_table_names())
            assert {"audit_log", "property", "staff", "building", "unit", "occupant"} <= tables
            assert db.session.query(Staff).count() == 0
        assert run_cli(app, "audit", "verify").exit_code == 0  # empty chain is valid
        assert run_cli(app, "db", "downgrade", "base").exit_code == 0
        with app.app_context():
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
