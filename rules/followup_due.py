"""回访 due lists and monthly rates per kind against seed 003's targets: complaints
100 % within 2 days of resolution, new residents within a month, repairs 60 % (the
服务单's own follow-up call counts), paid orders ≥200 yuan visited by a supervisor,
every 不满意 visited again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.complaints import Complaint
from models.followups import NEEDS_SECOND_VISIT, FollowUpVisit
from models.reference import Occupant
from models.service_orders import ServiceOrder
from models.staff import Staff

from . import followup_kinds
from .due import DueRow, due_filter, provides_due
from .followups import PAID_VISIT_FROM
from .scope import scoped

COMPLAINT_WITHIN = timedelta(days=2)
NEW_RESIDENT_WITHIN = timedelta(days=30)
NEW_RESIDENT_LOOKBACK = timedelta(days=92)      # older move-ins are not chased any more
LIST_LIMIT = 200


def _visited_ids(column, ids: list[int], supervisor: bool = False) -> set[int]:
    """Which of ``ids`` (complaints, orders, occupants) have a visit (by a supervisor)."""
    out: set[int] = set()
    for i in range(0, len(ids), 1000):                 # bounded IN lists
        q = select(column).where(column.in_(ids[i:i + 1000]), FollowUpVisit.voided_at.is_(None))
        if supervisor:
            q = q.join(Staff, Staff.id == FollowUpVisit.visitor_id).where(
                Staff.roles.contains("supervisor"))
        out.update(db.session.execute(q).scalars())
    return out


def _recent(user, today: date):
    """Bounded candidates, newest first; the few still to visit are picked in Python
    (a NOT EXISTS over a million visits mostly without links misleads the planners)."""
    since = today - NEW_RESIDENT_LOOKBACK
    lo = local_day_end_utc(since)
    occupants = scoped(select(Occupant.id).where(
        Occupant.voided_at.is_(None), Occupant.moved_in_on >= since), Occupant, user)
    orders = scoped(select(ServiceOrder.id).where(
        ServiceOrder.kind == "service", ServiceOrder.voided_at.is_(None),
        ServiceOrder.charge >= PAID_VISIT_FROM, ServiceOrder.completed_at >= lo),
        ServiceOrder, user)
    return occupants, orders


def _queries(user, today: date) -> dict:
    """Per section: (query of the ids still due, model)."""
    occupants, orders = _recent(user, today)
    return {
        "complaint": (scoped(select(Complaint.id).where(
            Complaint.voided_at.is_(None), Complaint.closed_at.is_(None),
            Complaint.resolved_at.is_not(None), Complaint.severity != "invalid",
            Complaint.first_visit_at.is_(None)), Complaint, user), Complaint, None),
        "new_resident": (occupants, Occupant, FollowUpVisit.occupant_id),
        "paid": (orders, ServiceOrder, FollowUpVisit.service_order_id),
        "second": (scoped(select(FollowUpVisit.id).where(
            NEEDS_SECOND_VISIT, FollowUpVisit.voided_at.is_(None)),
            FollowUpVisit, user), FollowUpVisit, None),
    }


def _due_ids(q, link, kind: str) -> tuple[list[int], int]:
    """The ids still due (the oldest ``LIST_LIMIT``) and how many there are."""
    if link is None:
        total = db.session.execute(select(func.count()).select_from(q.subquery())).scalar_one()
        return list(db.session.execute(q.order_by(q.selected_columns[0]).limit(
            LIST_LIMIT)).scalars()), total
    ids = list(db.session.execute(q).scalars())
    done = _visited_ids(link, ids, supervisor=kind == "paid")
    left = [i for i in ids if i not in done]
    return left[:LIST_LIMIT], len(left)


SECTION_TITLES = {
    "complaint": lambda: _("Complaints to visit (within 2 days of resolution)"),
    "new_resident": lambda: _("New residents to visit (within a month)"),
    "paid": lambda: _("Paid orders of 200 yuan or more to be visited by a supervisor"),
    "second": lambda: _("Dissatisfied residents waiting for a second visit"),
}


# The list of each section's rows, for its dashboard item (``?due=visit_<kind>``).
SECTION_LISTS = {"complaint": "complaint", "new_resident": "occupant", "paid": "service_order",
                 "second": "followup_visit"}


def _section_filter(kind: str):
    def where(user):
        q, model, link = _queries(user, local_today())[kind]
        if link is None:
            return model.id.in_(q)
        ids = list(db.session.execute(q).scalars())
        done = _visited_ids(link, ids, supervisor=kind == "paid")
        return [i for i in ids if i not in done]
    return where


for _kind, _page in SECTION_LISTS.items():
    due_filter(f"visit_{_kind}", _page)(_section_filter(_kind))


def _overdue(kind: str, obj, now: datetime) -> bool:
    if kind == "complaint":
        return obj.resolved_at < now - COMPLAINT_WITHIN
    if kind == "new_resident":
        return obj.moved_in_on < local_today() - NEW_RESIDENT_WITHIN
    return kind == "second"


def due_sections(user, now: datetime | None = None, rows: bool = True,
                 skip: frozenset[str] = frozenset()) -> list[dict]:
    """Every kind's section of the due page; ``rows=False``: the counts only, for the
    kinds whose count does not depend on their rows (the dashboard's), and ``skip``
    kinds not computed at all."""
    now = now or utcnow()
    out = []
    for kind, (q, model, link) in _queries(user, local_today()).items():
        ids, total = _due_ids(q, link, kind)
        found_rows: list[DueRow] = []
        if rows:
            found = db.session.execute(select(model).where(model.id.in_(ids))).unique().scalars()
            found_rows = [DueRow(kind, str(o), o, _overdue(kind, o, now))
                          for o in sorted(found, key=lambda o: o.id)]
        out.append({"id": kind, "title": SECTION_TITLES[kind](), "rows": found_rows,
                    "total": total})
    return out + followup_kinds.due_sections(user, now, skip)


@provides_due("followup_visit")
def due_items(user) -> list[tuple[str, int, str]]:
    out = []
    # the activity visits are on the dashboard through activity_record; only the
    # routine visits' count depends on their rows (computed in followup_kinds)
    for s in due_sections(user, rows=False, skip=frozenset({"activity"})):
        # a butler's week is due by Sunday: the dashboard counts only the late ones
        total = sum(r.overdue for r in s["rows"]) if s["id"] == "routine" else s["total"]
        if total:
            name = [f"visit_{s['id']}"] if s["id"] in SECTION_LISTS else []
            out.append((s["title"], total, "followup_due", *name))
    return out


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

    in_time = Complaint.first_visit_at <= Complaint.visit_due
    done_orders = and_(ServiceOrder.kind == "service", ServiceOrder.completed_at >= lo,
                       ServiceOrder.completed_at < hi)
    rows = [
        ("complaint", _("Complaints"), 100, pair(
            Complaint, Complaint.resolved_at >= lo, Complaint.resolved_at < hi,
            Complaint.severity != "invalid", done=in_time)),
        ("repair", _("Repairs and paid services"), 60, _orders_rate(user, done_orders)),
        ("paid", _("Paid orders of 200 yuan or more (supervisor)"), 100, _linked_rate(
            user, ServiceOrder, FollowUpVisit.service_order_id, True, done_orders,
            ServiceOrder.charge >= PAID_VISIT_FROM)),
        ("new_resident", _("New residents"), 100, _linked_rate(
            user, Occupant, FollowUpVisit.occupant_id, False, Occupant.moved_in_on >= first,
            Occupant.moved_in_on < nxt)),
        ("second", _("Second visits after dissatisfaction"), 100, pair(
            FollowUpVisit, FollowUpVisit.satisfaction == "dissatisfied",
            FollowUpVisit.visited_at >= lo, FollowUpVisit.visited_at < hi,
            done=FollowUpVisit.needs_second_visit.is_(False))),
    ]
    rows += followup_kinds.month_pairs(user, first, nxt)
    return [Rate(k, label, base, done, target) for k, label, target, (base, done) in rows]


def _linked_rate(user, model, link, supervisor: bool, *where) -> tuple[int, int]:
    """(how many of the month's rows, how many visited): few rows a month."""
    ids = list(db.session.execute(scoped(select(model.id).where(
        model.voided_at.is_(None), *where), model, user)).scalars())
    return len(ids), len(_visited_ids(link, ids, supervisor))


def _orders_rate(user, done_orders) -> tuple[int, int]:
    """Repairs: the order's own follow-up call counts, and so does a visit."""
    q = scoped(select(ServiceOrder.id, ServiceOrder.followup_at).where(
        ServiceOrder.voided_at.is_(None), done_orders), ServiceOrder, user)
    rows = db.session.execute(q).all()
    called = {r.id for r in rows if r.followup_at is not None}
    visited = _visited_ids(FollowUpVisit.service_order_id,
                           [r.id for r in rows if r.followup_at is None])
    return len(rows), len(called) + len(visited)
