"""Forms and rows shared by the complaint, memo and follow-up visit tests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db, utcnow
from models.complaints import Complaint
from models.followups import FollowUpVisit
from models.memos import InternalMemo

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import property_id, staff_id
from .order_helpers import unit_id


def complaint_form(app, **over) -> dict:
    data = {"received_at": fmt(local_now() - timedelta(hours=1)), "channel": "phone",
            "unit": unit_id(app, "1-302"), "complainant": "赵先生", "phone": "13612345678",
            "content": "电梯经常停运，影响出行", "category": "engineering",
            "severity": "minor"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def rows(app, model) -> list:
    with app.app_context():
        return list(db.session.execute(select(model).order_by(model.id)).scalars())


def one(app, model, pk: int):
    with app.app_context():
        row = db.session.get(model, pk)
        db.session.expunge(row)
        return row


def log_complaint(b, app, **over) -> Complaint:
    resp = b.post_form("/admin/complaint/new/", complaint_form(app, **over))
    assert resp.status_code == 302, text_of(resp)[-2000:]
    return rows(app, Complaint)[-1]


def resolved_complaint(b, app, hours_ago: int = 3, **over) -> Complaint:
    """A complaint received and resolved in the past (with its handling)."""
    return log_complaint(b, app, received_at=fmt(local_now() - timedelta(hours=hours_ago + 1)),
                         handling="已派工程部维修", resolved_at=fmt(local_now()
                                                             - timedelta(hours=hours_ago)),
                         **over)


def visit_form(**over) -> dict:
    data = {"kind": "complaint", "visited_at": fmt(local_now() - timedelta(minutes=5)),
            "method": "phone", "satisfaction": "satisfied"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def visit(b, complaint_id: int, **over):
    return b.post_form("/admin/followup_visit/new/", visit_form(complaint=complaint_id, **over))


def memo_form(**over) -> dict:
    data = {"from_department": "customer_service", "to_department": "engineering",
            "sent_at": fmt(local_now() - timedelta(minutes=10)), "content": "请派人检修电梯",
            "recipient_name": "工程部刘师傅"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def north_complaint(app) -> int:
    """A complaint of the other property (NORTH), made directly."""
    from rules import complaints

    with app.app_context():
        c = Complaint(property_id=property_id("NORTH"), received_at=utcnow(), channel="phone",
                      complainant="北岸业主", content="北岸小区的投诉内容", category="environment",
                      severity="minor", receiver_id=staff_id("clerk"))
        complaints.set_deadlines(c)
        complaints.number(c)
        db.session.add(c)
        db.session.commit()
        return c.id


__all__ = ["FollowUpVisit", "InternalMemo", "fmt"]
