"""Shared by the exit-pass, move-out and fee tests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.exit_pass import ExitPass, MoveOut
from models.reference import Occupant

from .custody_helpers import fmt
from .order_helpers import unit_id


def owner_id(app, room: str) -> int:
    with app.app_context():
        return db.session.execute(select(Occupant.id).join(Occupant.unit).where(
            Occupant.kind == "owner").where(Occupant.unit.has(room=room))).scalars().first()


def pass_form(app, room: str = "1-302", **over) -> dict:
    data = {"purpose": "construction", "unit": unit_id(app, room), "company": "宏达装修队",
            "holder_name": "钱师傅", "id_number": "110105198503034321",
            "items-0-name": "切割机", "items-0-quantity": "1",
            "items-1-name": "废旧木板（捆）", "items-1-quantity": "3",
            "gate": "main", "plate": "粤B88888", "owner": owner_id(app, room),
            "confirm_called_at": fmt(local_now() - timedelta(minutes=5)),
            "confirm_result": "agreed"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def passes(app) -> list[ExitPass]:
    with app.app_context():
        rows = list(db.session.execute(select(ExitPass).order_by(ExitPass.id)).scalars())
        for r in rows:
            _ = r.items, r.unit, r.public_info
            db.session.expunge(r)
        return rows


def move_outs(app) -> list[MoveOut]:
    with app.app_context():
        rows = list(db.session.execute(select(MoveOut).order_by(MoveOut.id)).scalars())
        for r in rows:
            db.session.expunge(r)
        return rows


def issue(b, app, **over):
    return b.post_form("/admin/exit_pass/new/", pass_form(app, **over))


def mark(b, pass_id: int, version=None):
    data = {"id": str(pass_id)}
    if version is not None:
        data["version"] = str(version)
    return b.post("/admin/exit_pass_gate/mark/", data, token_from="/admin/exit_pass_gate/")
