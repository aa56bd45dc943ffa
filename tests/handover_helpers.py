"""Shift handovers (交接班记录表): the form as the outgoing clerk fills it, the rows."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.handover import ShiftHandover
from models.staff import Staff

from .conftest import DEMO_PIN
from .custody_helpers import fmt
from .helpers import staff_id

URL = "/admin/shift_handover/"


def expected_keys(app, username: str = "clerk") -> int:
    """Keys expected at the desk now, as the rule computes them."""
    from models.base import utcnow
    from rules.handover_sections import keys_at_desk

    with app.app_context():
        user = db.session.get(Staff, staff_id(username))
        h = ShiftHandover(property_id=user.property_id, shift="day", handed_over_at=utcnow())
        with db.session.no_autoflush:
            return keys_at_desk(h, user)["expected"]


def handover_form(app, cosign: bool = True, **over) -> dict:
    """A day-shift handover from clerk to clerk2, keys counted right, deposits checked,
    co-signed on the form by clerk2's PIN (``cosign=False``: to be signed later)."""
    with app.app_context():
        incoming = staff_id("clerk2")
    data = {"shift": "day", "handed_over_at": fmt(local_now() - timedelta(minutes=5)),
            "incoming": incoming, "duty_log": "白班平稳，2-302 报修已派工",
            "keys_counted": str(expected_keys(app)), "deposits_checked": "y",
            "charged_orders_handed": "y", "cosign_method": "pin"}
    data.update(carried(app, "clerk"))
    if cosign:
        data.update({"cosigner_username": "clerk2", "cosigner_secret": DEMO_PIN})
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def carried(app, username: str) -> dict:
    """The open matters the create form comes pre-filled with, as a browser posts them."""
    from rules.handover import previous_open_matters

    with app.app_context():
        user = db.session.get(Staff, staff_id(username))
        out = {}
        for i, m in enumerate(previous_open_matters(user)):
            out.update({f"matters-{i}-text": m.text, f"matters-{i}-status": "open",
                        f"matters-{i}-butler": str(m.butler_id or "__None"),
                        f"matters-{i}-public_info": str(m.public_info_id or "__None")})
            if m.orally_handed:
                out[f"matters-{i}-orally_handed"] = "y"
        return out


def with_matter(data: dict, text: str, status: str = "open", **over) -> dict:
    """``data`` with one more open-matter line (after the carried ones)."""
    i = len([k for k in data if k.startswith("matters-") and k.endswith("-text")])
    data = dict(data)
    data.update({f"matters-{i}-text": text, f"matters-{i}-status": status,
                 **{f"matters-{i}-{k}": v for k, v in over.items()}})
    return data


def without_carried(data: dict) -> dict:
    return {k: v for k, v in data.items() if not k.startswith("matters-")}


def handovers(app) -> list[ShiftHandover]:
    with app.app_context():
        rows = list(db.session.execute(select(ShiftHandover).order_by(ShiftHandover.id))
                    .scalars())
        for r in rows:
            _ = r.matters, r.sections
            db.session.expunge(r)
        return rows


def form_errors(resp) -> list[str]:
    """The messages a refused form shows (flash and field errors), for failing asserts."""
    import re

    html = resp.get_data(as_text=True)
    blocks = re.findall(r'class="(?:alert|invalid-feedback|help-block)[^"]*"[^>]*>(.*?)</div>',
                        html, re.S)
    return [" ".join(re.sub(r"<[^>]+>|&times;", " ", b).split()) for b in blocks]
