"""Create forms opened from another record ("转为投诉", "回访", "发联络单"): the
linked record named in the query string, loaded scoped like any list, fills the
form.  A small shared helper so each view keeps only its field mapping."""
from __future__ import annotations

from typing import Any

from flask import request

from models.base import db
from rules.scope import scoped

from .base import current_staff
from .params import parse_id


def linked(model: Any, arg: str) -> Any:
    """The record of ``model`` whose id is in ``request.args[arg]``, if visible."""
    pk = parse_id(request.args.get(arg))
    if pk is None:
        return None
    q = scoped(db.session.query(model).filter(model.id == pk), model, current_staff())
    if hasattr(model, "voided_at"):
        q = q.filter(model.voided_at.is_(None))
    return q.one_or_none()


def fill(form: Any, **values: Any) -> None:
    """Set fields of a GET form that exist and were not typed."""
    if request.method != "GET":
        return
    for name, value in values.items():
        field = getattr(form, name, None)
        if field is not None and value is not None:
            field.data = value
