"""客户回访记录表 rules (guide ch.4, ch.1 §7, ch.2; seed 003 篇2/篇5): what a visit
links to by kind, when it is due, refusals (before the event, 不满意 without a
description, a 重大 complaint visited by someone other than a manager), the
supervisor's review, and the due lists and monthly rates per kind."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from audit import mark_action
from i18n import utc_to_local
from models.base import utcnow
from models.followups import RATINGS, VISIT_KINDS, VISIT_METHODS, FollowUpVisit

from .errors import RuleViolation
from .scope import CLOCK_SKEW

# kind → what it must link to
LINK_REQUIRED = {"complaint": "complaint", "repair": "service_order",
                 "urgent_repair": "service_order", "special": "service_order",
                 "new_resident": "occupant"}
# kinds that follow a batch (下雨后回访, 节日) or an activity (社区文化活动记录表)
BATCH_OF_KIND = {"leak": "leak", "holiday": "holiday"}
# kind → days after the event the visit is due (seed 003 篇2, guide ch.2)
DUE_DAYS = {"complaint": 2, "repair": 3, "urgent_repair": 1, "new_resident": 30, "first_aid": 3,
            "help": 5, "special": 5, "other": 5, "activity": 15, "newspaper": 15, "leak": 3}
REVIEWERS = ("supervisor", "dept_manager")
MAJOR_VISITORS = ("property_manager", "general_manager")
PAID_VISIT_FROM = 200                      # 收费 ≥200 元 由主管回访


def event_of(v: FollowUpVisit) -> datetime | date | None:
    """When the visited matter happened: resolution, completion or moving in."""
    if v.kind == "complaint" and v.complaint is not None:
        return v.complaint.resolved_at
    if v.service_order is not None:
        return v.service_order.completed_at
    if v.kind == "new_resident" and v.occupant is not None:
        return v.occupant.moved_in_on
    if v.kind == "activity" and v.activity_record is not None:
        return v.activity_record.held_at
    if v.kind == "leak" and v.batch is not None:
        return v.batch.held_on
    return None


def check_links(v: FollowUpVisit) -> None:
    """A leak or holiday visit belongs to its batch (a leak one to a unit of it); an
    activity visit names its activity record."""
    want = BATCH_OF_KIND.get(v.kind)
    if want and (v.batch is None or v.batch.kind != want or v.batch.voided_at is not None):
        raise RuleViolation(_("A leak or holiday visit belongs to its batch (start the "
                              "batch first)."))
    if v.kind not in BATCH_OF_KIND and v.batch is not None:
        raise RuleViolation(_("Only leak and holiday visits belong to a batch."))
    if v.kind == "leak":
        units = {u.unit_id: u for u in v.batch.units if u.voided_at is None}
        if v.unit is None and len(units) == 1:
            v.unit = next(iter(units.values())).unit
        if v.unit is None or v.unit.id not in units:
            raise RuleViolation(_("Choose a unit of the batch: a leak visit is to a unit "
                                  "with a leak repair."))
    if v.kind == "activity":
        if v.activity_record is None or v.activity_record.voided_at is not None:
            raise RuleViolation(_("An activity visit names the activity record it follows."))
    elif v.activity_record is not None:
        raise RuleViolation(_("Only an activity visit names an activity record."))
    for linked in (v.batch, v.activity_record):
        if linked is not None and linked.property_id != v.property_id:
            raise RuleViolation(_("You may only record data for your own property."))


def check_visit(v: FollowUpVisit, user, now: datetime | None = None) -> None:
    now = now or utcnow()
    if v.kind not in VISIT_KINDS or v.method not in VISIT_METHODS or v.satisfaction not in RATINGS:
        raise RuleViolation(_("Choose the kind, the method and the satisfaction."))
    for r in (v.quality, v.effect):
        if r is not None and r not in RATINGS:
            raise RuleViolation(_("Choose the kind, the method and the satisfaction."))
    need = LINK_REQUIRED.get(v.kind)
    if need and getattr(v, need) is None:
        raise RuleViolation(_("This kind of visit must name what it follows up (the "
                              "complaint, the service order or the occupant)."))
    for linked in (v.complaint, v.service_order, v.occupant, v.unit, v.second_visit_of):
        if linked is not None and linked.property_id != v.property_id:
            raise RuleViolation(_("You may only record data for your own property."))
    if v.visited_at is None or v.visited_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of the visit (not in the future)."))
    check_links(v)
    if v.kind == "complaint" and v.complaint is not None and v.complaint.resolved_at is None:
        raise RuleViolation(_("A complaint is visited after it is resolved."))
    if v.service_order is not None and v.service_order.completed_at is None:
        raise RuleViolation(_("A service order is visited after it is completed."))
    event = event_of(v)
    if isinstance(event, datetime) and v.visited_at < event - CLOCK_SKEW:
        raise RuleViolation(_("A visit cannot be before the matter it follows up."))
    if isinstance(event, date) and not isinstance(event, datetime) \
            and utc_to_local(v.visited_at).date() < event:
        raise RuleViolation(_("A visit cannot be before the matter it follows up."))
    if v.satisfaction == "dissatisfied" and not (v.shortcomings or "").strip():
        raise RuleViolation(_("Describe what the resident is not satisfied with."))
    if v.kind == "complaint" and v.complaint is not None and v.complaint.severity == "major" \
            and not user.has_role(*MAJOR_VISITORS):
        raise RuleViolation(_("A major complaint is visited by the property manager or the "
                              "general manager."))
    if v.second_visit_of is not None and v.second_visit_of.satisfaction != "dissatisfied":
        raise RuleViolation(_("A second visit follows a visit where the resident was not "
                              "satisfied."))
    if v.unit is None:
        linked = v.complaint or v.service_order or v.occupant
        v.unit = getattr(linked, "unit", None)
    v.due_on = due_on(v)
    v.needs_second_visit = v.satisfaction == "dissatisfied"
    if v.second_visit_of is not None:
        v.second_visit_of.needs_second_visit = False
    if v.complaint is not None and (v.complaint.first_visit_at is None
                                    or v.visited_at < v.complaint.first_visit_at):
        v.complaint.first_visit_at = v.visited_at


def due_on(v: FollowUpVisit) -> date | None:
    event = event_of(v)
    days = DUE_DAYS.get(v.kind)
    if event is None or days is None:
        return None
    day = utc_to_local(event).date() if isinstance(event, datetime) else event
    return day + timedelta(days=days)


def review(v: FollowUpVisit, user, comment: str, now: datetime | None = None) -> None:
    """客服中心审核 of a visit record."""
    if v.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if not user.has_role(*REVIEWERS):
        raise RuleViolation(_("Only a supervisor or the department manager reviews visits."))
    if v.reviewed_at is not None:
        raise RuleViolation(_("This visit has already been reviewed."))
    if not (comment or "").strip():
        raise RuleViolation(_("Write the review comment."))
    v.reviewed_at, v.reviewed_by_id, v.review_comment = now or utcnow(), user.id, comment.strip()
    mark_action(v, "review")


def after_void(v: FollowUpVisit) -> None:
    """A voided visit no longer counts: its first visit may need a second visit again,
    and its complaint's first visit is the earliest one left."""
    from sqlalchemy import func, select

    from models.base import db

    first = v.second_visit_of
    if first is not None and first.voided_at is None and first.satisfaction == "dissatisfied":
        others = db.session.execute(select(func.count()).select_from(FollowUpVisit).where(
            FollowUpVisit.second_visit_of_id == first.id, FollowUpVisit.id != v.id,
            FollowUpVisit.voided_at.is_(None))).scalar_one()
        first.needs_second_visit = not others
    v.needs_second_visit = False
    if v.complaint is not None:
        v.complaint.first_visit_at = db.session.execute(select(func.min(
            FollowUpVisit.visited_at)).where(FollowUpVisit.complaint_id == v.complaint_id,
                                              FollowUpVisit.id != v.id,
                                              FollowUpVisit.voided_at.is_(None))).scalar()
