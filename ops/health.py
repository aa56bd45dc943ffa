"""``/healthz`` for the load balancer and monitoring: 200 when the database answers
and its schema is at the migrations' head, 503 otherwise.  No login, no data —
only "ok" or which of the two failed."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, jsonify
from sqlalchemy import text

from models.base import db

bp = Blueprint("health", __name__)
log = logging.getLogger("kefu.health")


@lru_cache(maxsize=1)
def expected_revision() -> str:
    from .restore_check import migrations_head

    return migrations_head()


@bp.get("/healthz")
def healthz():
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 — unreachable, or not migrated at all
        log.warning("healthz: database unreachable", exc_info=True)
        db.session.rollback()
        return _answer("database unreachable", 503)
    finally:
        db.session.remove()
    if revision != expected_revision():
        return _answer("schema not at the migrations' head", 503)
    return _answer("ok", 200)


def _answer(status: str, code: int):
    resp = jsonify(status=status)
    resp.status_code = code
    resp.headers["Cache-Control"] = "no-store"
    return resp
