"""Stateless instances, health and logs: deposit photos uploaded before they moved
into the database are copied in by the migration and served by any instance;
``/healthz``; one log line per request with its id; refusals at info, errors with
their traceback."""
from __future__ import annotations

import json
import logging

from sqlalchemy import text

from models.base import db
from models.ops import StoredBlob

from .conftest import owner_engine, text_of
from .helpers import run_cli
from .key_helpers import desk_issue
from .ops_helpers import owner_url
from .valuables_helpers import large_deposit, png_bytes


def test_photos_from_the_upload_folder_move_into_the_database(app, browser, tmp_path):
    from app import create_app

    d = large_deposit(app, browser)
    photo = d.photos[0]
    with app.app_context():
        db.engine.dispose()
    owner = create_app("testing", {"SQLALCHEMY_DATABASE_URI": owner_url(app),
                                   "KEFU_UPLOAD_DIR": str(tmp_path)})
    try:
        assert run_cli(owner, "db", "downgrade", "810b38f86810-1").exit_code == 0
        # as before the move: the file on this instance's disk, no row
        (tmp_path / "deposits").mkdir()
        (tmp_path / "deposits" / photo.stored_name).write_bytes(png_bytes())
        assert run_cli(owner, "db", "upgrade").exit_code == 0
    finally:
        with owner.app_context():
            db.engine.dispose()
    (tmp_path / "deposits" / photo.stored_name).unlink()      # another instance's disk
    with app.app_context():
        assert db.session.get(StoredBlob, photo.stored_name).data == png_bytes()
    resp = browser("clerk").get(f"/admin/valuables_deposit/photo/?id={photo.id}")
    assert resp.status_code == 200 and resp.data == png_bytes()


def test_a_photo_whose_bytes_changed_is_not_served(app, browser):
    d = large_deposit(app, browser)
    with owner_engine(app).begin() as conn:
        conn.execute(text("UPDATE stored_blob SET data = :d"), {"d": png_bytes(extra=10)})
    assert browser("clerk").get(
        f"/admin/valuables_deposit/photo/?id={d.photos[0].id}").status_code == 404


def test_healthz_needs_no_login_and_says_only_ok(app):
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and json.loads(resp.data) == {"status": "ok"}
    assert resp.headers["Cache-Control"] == "no-store"


def test_healthz_503_when_the_schema_is_not_at_head(app):
    with owner_engine(app).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'e5a7c3d91f20'"))
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and b"schema" in resp.data


def test_healthz_503_when_the_database_is_unreachable(app, monkeypatch):
    from ops import health

    def down(*_a, **_k):
        raise ConnectionRefusedError("no database")

    monkeypatch.setattr(health, "text", down)
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and json.loads(resp.data) == {
        "status": "database unreachable"}


def _lines(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_one_log_line_per_request_with_id_user_endpoint_status_time(app, browser, caplog):
    caplog.set_level(logging.INFO)
    clerk = browser("clerk")
    resp = clerk.get("/admin/key_desk/", headers={"X-Request-ID": "nginx-0123456789ab"})
    assert resp.headers["X-Request-ID"] == "nginx-0123456789ab"
    line = _lines(caplog, "kefu.request")[-1].getMessage()
    assert line.startswith("rid=nginx-0123456789ab user=clerk GET /admin/key_desk/ "
                           "endpoint=key_desk.index status=200 ms="), line
    caplog.clear()
    resp = app.test_client().get("/healthz", headers={"X-Request-ID": "bad id; drop"})
    rid = resp.headers["X-Request-ID"]
    assert len(rid) == 16 and rid != "bad id; drop"
    assert [r.getMessage().split()[:2] for r in _lines(caplog, "kefu.request")] == [
        [f"rid={rid}", "user=-"]]


def test_refusals_are_logged_at_info_and_errors_with_their_traceback(app, browser, caplog,
                                                                     monkeypatch):
    caplog.set_level(logging.INFO)
    clerk = browser("clerk")
    assert desk_issue(clerk, "配电房").status_code == 302
    desk_issue(clerk, "配电房")                   # already out: refused by the rule
    refused = [r for r in caplog.records if r.getMessage().startswith("refused in")]
    assert refused and refused[-1].levelno == logging.INFO and not refused[-1].exc_info

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "health.healthz", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False       # as in production (restored per test)
    caplog.clear()
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 500 and "a bug" not in text_of(resp)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info and errors[0].getMessage().startswith(
        f"rid={resp.headers['X-Request-ID']} user=- unhandled error in GET /healthz")
    assert _lines(caplog, "kefu.request")[-1].getMessage().split()[5] == "status=500"


def test_a_worker_freezes_the_app_and_collects_young_objects_less_often():
    """gunicorn.conf.py's post_worker_init: the loaded app out of the collector's
    sight, and the young generation collected every 20,000 new objects, not 700 (a
    list page makes ~100,000: 0.4–0.6 ms a page)."""
    import gc
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)                       # Python's own
    try:
        conf["post_worker_init"](None)
        assert gc.get_threshold() == conf["GC_THRESHOLDS"] == (20_000, 20, 100)
        assert gc.get_freeze_count() > 0
        assert conf["worker_class"] == "gthread"
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
