"""辖区巡查工作流程 as small functions (guide Part 3 ch. 6):

- the manager or supervisor assigns each area to a butler; an area without an active
  butler of its property is a vacant post ("以免出现空岗");
- a patrol is made by the signed-in butler or supervisor, not in the future; each
  checklist item not in order needs a problem row naming it (问题 with its place);
- the department manager reviews every patrol daily with an opinion (the supervisor
  may deputise), never the patroller;
- due: an assigned area not patrolled today; a patrol not reviewed by the end of the
  next day; a problem open more than ``PROBLEM_OPEN_DAYS`` days (for the manager:
  "协调解决不利的问题应立即报告部门经理").
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy import inspect as sa_inspect

from audit import mark_action
from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.patrols import CHECK_ITEMS, CHECK_LABELS, PROBLEM_ITEM_LABELS, Patrol, PatrolArea, \
    PatrolProblem
from models.service_orders import DEPARTMENTS
from models.staff import Staff

from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

PROBLEM_OPEN_DAYS = 3
PATROLLER_ROLES = ("butler", "supervisor")
# Columns a review freezes: what was seen on the day (problems stay open to follow-up).
FROZEN_AFTER_REVIEW = ("patrolled_at", "area_id", "renovation", "customer_info",
                       *CHECK_ITEMS, *(f"{c}_note" for c in CHECK_ITEMS))


def check_area(area: PatrolArea) -> None:
    if not (area.name or "").strip():
        raise RuleViolation(_("Name the patrol area."))
    b = area.butler
    if b is not None:
        if not b.has_role(*PATROLLER_ROLES):
            raise RuleViolation(_("The responsible person of an area must be an area butler "
                                  "or the supervisor."))
        if b.property_id != area.property_id or not b.active:
            raise RuleViolation(_("The responsible butler must be active staff of this "
                                  "property."))


def check_patrol(p: Patrol, now: datetime | None = None) -> None:
    """Refuse a patrol the paper form would not accept (create and edit)."""
    now = now or utcnow()
    if p.reviewed_at is not None and p.id is not None:
        state = sa_inspect(p)
        if any(state.attrs[c].history.has_changes() for c in FROZEN_AFTER_REVIEW):
            raise RuleViolation(_("This patrol has been reviewed: what was seen cannot be "
                                  "changed; its problems can still be followed up."))
    if p.patrolled_at is None or p.patrolled_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of the patrol (not in the future)."))
    if p.area is None or p.area.voided_at is not None:
        raise RuleViolation(_("Choose the patrol area."))
    if p.area.property_id != p.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    for problem in p.problems:
        _check_problem(p, problem, now)
    named = {q.item for q in p.problems if q.voided_at is None}
    missing = [str(CHECK_LABELS[c]) for c in p.failed_items() if c not in named]
    if missing:
        raise RuleViolation(_("Record the problem found for each item not in order: "
                              "%(items)s.", items="、".join(missing)))


def _check_problem(p: Patrol, q: PatrolProblem, now: datetime) -> None:
    q.property_id = p.property_id
    if q.created_by_id is None:
        q.created_by_id = p.created_by_id
    q.forwarded_to = q.forwarded_to or None
    if q.item not in PROBLEM_ITEM_LABELS:
        raise RuleViolation(_("Choose the checklist item of each problem."))
    if not (q.problem or "").strip():
        raise RuleViolation(_("Describe each problem found."))
    if q.forwarded_to is not None and q.forwarded_to not in DEPARTMENTS:
        raise RuleViolation(_("Choose the department the problem was passed to."))
    if q.completed_at is not None:
        if q.completed_at > now + CLOCK_SKEW:
            raise RuleViolation(_("A problem cannot be completed in the future."))
        if p.patrolled_at is not None and q.completed_at < p.patrolled_at - CLOCK_SKEW:
            raise RuleViolation(_("A problem cannot be completed before it was found."))
        if not (q.result or "").strip():
            raise RuleViolation(_("Say how the problem was dealt with (the result)."))
    if q.tracker is not None and q.tracker.property_id != p.property_id:
        raise RuleViolation(_("The person following up must be staff of this property."))


def review(p: Patrol, user: Staff, opinion: str | None) -> None:
    """The manager's daily review (审阅); the caller commits."""
    if p.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if p.reviewed_at is not None:
        raise RuleViolation(_("This patrol has already been reviewed."))
    if p.butler_id == user.id:
        raise RuleViolation(_("The patroller cannot review their own patrol."))
    opinion = (opinion or "").strip() or None
    if opinion is None and any(q.is_open for q in p.problems):
        raise RuleViolation(_("Give your opinion on how to solve the problems found."))
    p.reviewed_by_id, p.reviewed_at, p.review_opinion = user.id, utcnow(), opinion
    mark_action(p, "review", opinion)


# -- due ---------------------------------------------------------------------------------

def _day_start(day: date) -> datetime:
    return local_day_end_utc(day - timedelta(days=1))


def _own_areas_only(user) -> bool:
    """A butler's list is their own areas; the supervisor and managers see all."""
    return not user.has_role("supervisor", "dept_manager", "property_manager",
                             "general_manager", "auditor", "admin")


def _areas(user):
    q = scoped(select(PatrolArea).where(PatrolArea.voided_at.is_(None)), PatrolArea, user)
    return q.order_by(PatrolArea.name, PatrolArea.id)


def vacant_areas(user) -> list[DueRow]:
    """Areas without an active butler (a vacant post)."""
    rows = db.session.execute(_areas(user).outerjoin(Staff, PatrolArea.butler_id == Staff.id)
                              .where(or_(PatrolArea.butler_id.is_(None),
                                         Staff.active.is_(False)))).scalars().all()
    return [DueRow("vacant", _("%(area)s: no responsible butler", area=a.name), a, True)
            for a in rows]


def areas_not_patrolled(user, today: date | None = None) -> list[DueRow]:
    """Assigned areas without a patrol today (due by the end of the day)."""
    today = today or local_today()
    patrolled = exists().where(Patrol.area_id == PatrolArea.id, Patrol.voided_at.is_(None),
                               Patrol.patrolled_at >= _day_start(today))
    q = _areas(user).join(Staff, PatrolArea.butler_id == Staff.id).where(
        Staff.active.is_(True), ~patrolled)
    if _own_areas_only(user):
        q = q.where(PatrolArea.butler_id == user.id)
    return [DueRow("patrol", _("%(area)s (%(butler)s): not patrolled today", area=a.name,
                               butler=a.butler.full_name), a, False)
            for a in db.session.execute(q).scalars()]


def _not_reviewed(user):
    return scoped(select(Patrol).where(Patrol.reviewed_at.is_(None), Patrol.voided_at.is_(None)),
                  Patrol, user)


def review_deadline_passed(today: date | None = None) -> datetime:
    """Patrols before this (UTC) were due for review by the end of yesterday."""
    return _day_start((today or local_today()) - timedelta(days=1))


def patrols_to_review(user, today: date | None = None, limit: int = 200) -> list[DueRow]:
    """Patrols waiting for the review, oldest first; late after the next day."""
    late = review_deadline_passed(today)
    q = _not_reviewed(user).order_by(Patrol.patrolled_at, Patrol.id).limit(limit)
    return [DueRow("review", str(p), p, p.patrolled_at < late)
            for p in db.session.execute(q).scalars()]


def _old_problems(user, now: datetime):
    return scoped(select(PatrolProblem).where(
        PatrolProblem.completed_at.is_(None), PatrolProblem.voided_at.is_(None),
        PatrolProblem.created_at < now - timedelta(days=PROBLEM_OPEN_DAYS)), PatrolProblem, user)


def problems_open_too_long(user, now: datetime | None = None, limit: int = 200) -> list[DueRow]:
    now = now or utcnow()
    q = _old_problems(user, now).order_by(PatrolProblem.created_at, PatrolProblem.id)
    return [DueRow("problem", _("%(problem)s (patrol %(patrol)s)", problem=row.problem,
                                patrol=str(row.patrol)), row, True)
            for row in db.session.execute(q.limit(limit)).scalars()]


def _count(q) -> int:
    return db.session.execute(q.with_only_columns(func.count()).order_by(None)).scalar() or 0


def _not_reviewed_late(user):
    return _not_reviewed(user).where(Patrol.patrolled_at < review_deadline_passed())


due_filter("patrol_areas_vacant", "patrol_area")(
    lambda user: [r.obj.id for r in vacant_areas(user)])
due_filter("patrol_areas_not_patrolled", "patrol_area")(
    lambda user: [r.obj.id for r in areas_not_patrolled(user)])
due_filter("patrols_not_reviewed", "patrol")(
    lambda user: Patrol.id.in_(_not_reviewed_late(user).with_only_columns(Patrol.id)))


@provides_due("patrol")
def due_items(user) -> list[tuple]:
    """(label, count, page[, due filter]) for the dashboard; open problems have no
    list of their own, so they keep the patrols' due page."""
    out = []
    counts = (
        (_("Patrol areas without a responsible butler"), len(vacant_areas(user)),
         "patrol_areas_vacant"),
        (_("Patrol areas not patrolled today"), len(areas_not_patrolled(user)),
         "patrol_areas_not_patrolled"),
        (_("Patrols not reviewed by the next day"), _count(_not_reviewed_late(user)),
         "patrols_not_reviewed"),
    )
    if user.has_role("dept_manager"):
        counts += ((_("Patrol problems open for more than %(n)s days", n=PROBLEM_OPEN_DAYS),
                    _count(_old_problems(user, utcnow()))),)
    for label, n, *link in counts:
        if n:
            out.append((label, n, "patrols_due", *link))
    return out
