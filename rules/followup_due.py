"""回访 due lists and monthly rates per kind against seed 003's targets: complaints
100 % within 2 days of resolution, new residents within a month, repairs 60 % (the
服务单's own follow-up call counts), paid orders ≥200 yuan visited by a supervisor,
every 不满意 visited again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select

from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.complaints import Complaint
from models.followups import FollowUpVisit
from models.reference import Occupant
from models.service_orders import ServiceOrder
from models.staff import Staff

from .due import DueRow
from .followups import PAID_VISIT_FROM, second_visit_missing
from .scope import scoped

COMPLAINT_WITHIN = timedelta(days=2)
NEW_RESIDENT_WITHIN = timedelta(days=30)
NEW_RESIDENT_LOOKBACK = timedelta(days=92)      # older move-ins are not chased any more
LIST_LIMIT = 200


def _visited(**link):
    (col, value), = link.items()
    return exists().where(getattr(FollowUpVisit, col) == value, FollowUpVisit.voided_at.is_(None))


def _supervisor_visited():
    return exists().where(FollowUpVisit.service_order_id == ServiceOrder.id,
                          FollowUpVisit.voided_at.is_(None),
                          FollowUpVisit.visitor_id == Staff.id,
                          Staff.roles.contains("supervisor"))


def _queries(user, today: date) -> dict:
    since = today - NEW_RESIDENT_LOOKBACK
    return {
        "complaint": scoped(select(Complaint).where(
            Complaint.voided_at.is_(None), Complaint.resolved_at.is_not(None),
            ~_visited(complaint_id=Complaint.id)), Complaint, user),
        "new_resident": scoped(select(Occupant).where(
            Occupant.voided_at.is_(None), Occupant.moved_in_on >= since,
            ~_visited(occupant_id=Occupant.id)), Occupant, user),
        "paid": scoped(select(ServiceOrder).where(
            ServiceOrder.voided_at.is_(None), ServiceOrder.kind == "service",
            ServiceOrder.completed_at.is_not(None), ServiceOrder.charge >= PAID_VISIT_FROM,
            ~_supervisor_visited()), ServiceOrder, user),
        "second": scoped(select(FollowUpVisit).where(
            FollowUpVisit.voided_at.is_(None), FollowUpVisit.satisfaction == "dissatisfied",
            second_visit_missing()), FollowUpVisit, user),
    }


SECTION_TITLES = {
    "complaint": lambda: _("Complaints to visit (within 2 days of resolution)"),
    "new_resident": lambda: _("New residents to visit (within a month)"),
    "paid": lambda: _("Paid orders of 200 yuan or more to be visited by a supervisor"),
    "second": lambda: _("Dissatisfied residents waiting for a second visit"),
}


def _overdue(kind: str, obj, now: datetime) -> bool:
    if kind == "complaint":
        return obj.resolved_at < now - COMPLAINT_WITHIN
    if kind == "new_resident":
        return obj.moved_in_on < local_today() - NEW_RESIDENT_WITHIN
    return kind == "second"


def due_sections(user, now: datetime | None = None) -> list[dict]:
    now = now or utcnow()
    out = []
    for kind, q in _queries(user, local_today()).items():
        total = db.session.execute(q.with_only_columns(func.count())).scalar_one()
        rows = [DueRow(kind, str(o), o, _overdue(kind, o, now))
                for o in db.session.execute(q.limit(LIST_LIMIT)).unique().scalars()]
        out.append({"id": kind, "title": SECTION_TITLES[kind](), "rows": rows, "total": total})
    return out


def due_items(user) -> list[tuple[str, int, str]]:
    return [(s["title"], s["total"], "followup_due.index") for s in due_sections(user)
            if s["total"]]


@dataclass
class Rate:
    kind: str
    label: str
    base: int
    done: int
    target: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.base) if self.base else None

    @property
    def met(self) -> bool:
        return self.percent is None or self.percent >= self.target


def month_rates(user, first: date) -> list[Rate]:
    """The month's rate per kind: of what happened in the month, how much was visited."""
    nxt = (first + timedelta(days=32)).replace(day=1)
    lo, hi = local_day_end_utc(first - timedelta(days=1)), local_day_end_utc(nxt - timedelta(days=1))

    def pair(model, *where, done) -> tuple[int, int]:
        q = scoped(select(func.count(), func.coalesce(func.sum(
            case((done, 1), else_=0)), 0)).select_from(model).where(
                model.voided_at.is_(None), *where), model, user)
        base, n = db.session.execute(q).one()
        return int(base), int(n)

    in_time = exists().where(FollowUpVisit.complaint_id == Complaint.id,
                             FollowUpVisit.voided_at.is_(None),
                             FollowUpVisit.visited_at <= Complaint.visit_due)
    repair_done = or_(ServiceOrder.followup_at.is_not(None),
                      _visited(service_order_id=ServiceOrder.id))
    done_orders = and_(ServiceOrder.kind == "service", ServiceOrder.completed_at >= lo,
                       ServiceOrder.completed_at < hi)
    rows = [
        ("complaint", _("Complaints"), 100, pair(
            Complaint, Complaint.resolved_at >= lo, Complaint.resolved_at < hi, done=in_time)),
        ("repair", _("Repairs and paid services"), 60, pair(ServiceOrder, done_orders,
                                                           done=repair_done)),
        ("paid", _("Paid orders of 200 yuan or more (supervisor)"), 100, pair(
            ServiceOrder, done_orders, ServiceOrder.charge >= PAID_VISIT_FROM,
            done=_supervisor_visited())),
        ("new_resident", _("New residents"), 100, pair(
            Occupant, Occupant.moved_in_on >= first, Occupant.moved_in_on < nxt,
            done=_visited(occupant_id=Occupant.id))),
        ("second", _("Second visits after dissatisfaction"), 100, pair(
            FollowUpVisit, FollowUpVisit.satisfaction == "dissatisfied",
            FollowUpVisit.visited_at >= lo, FollowUpVisit.visited_at < hi,
            done=~second_visit_missing())),
    ]
    return [Rate(k, label, base, done, target) for k, label, target, (base, done) in rows]
