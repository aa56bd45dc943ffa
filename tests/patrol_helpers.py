"""Patrol areas, the patrol form and its rows (patrol tests and the browser journey)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.patrols import CHECK_ITEMS, Patrol, PatrolArea

from .custody_helpers import fmt


def area_id(app, name: str = "1栋及中心花园") -> int:
    with app.app_context():
        return db.session.execute(select(PatrolArea.id).where(PatrolArea.name == name)).scalar_one()


def patrol_form(app, failed: tuple[str, ...] = (), problems: list[dict] | None = None,
                **over) -> dict:
    """The create form as a browser posts it: every item ticked (in order) except
    ``failed``; ``problems`` as inline rows (item, problem, location, …)."""
    data = {"area": area_id(app), "patrolled_at": fmt(local_now() - timedelta(minutes=20)),
            "renovation": "1-801 装修中，无违规", "customer_info": ""}
    for c in CHECK_ITEMS:
        if c not in failed:
            data[c] = "y"
    for i, row in enumerate(problems or []):
        for k, v in row.items():
            data[f"problems-{i}-{k}"] = v
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def patrols(app) -> list[Patrol]:
    with app.app_context():
        rows = list(db.session.execute(select(Patrol).order_by(Patrol.id)).scalars())
        db.session.expunge_all()       # problems are loaded with them (selectin)
        return rows
