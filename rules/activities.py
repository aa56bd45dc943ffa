"""社区文化活动工作流程 as small functions (guide Part 3 ch. 9; seeds/003 回访):

- every December the department lists next year's plan (活动时间, 主题, 费用预算),
  which must hold the large activities of 儿童节, 中秋节 and 圣诞节, and the general
  manager reviews it (chain ``activity_plan``); due in December while it is missing;
- each activity's proposal reaches the general manager at least 30 days before it
  (chain ``activity_proposal``); the owners are told at least a week before (due);
- the record keeps numbered photos and the report handed to the office; 10 % of
  the participants are visited within 15 days (due).
"""
from __future__ import annotations

import hashlib
import math
import uuid
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_today
from models.activities import (
    REQUIRED_FESTIVALS,
    ActivityPhoto,
    ActivityPlan,
    ActivityProposal,
    ActivityRecord,
)
from models.base import db, utcnow
from models.staff import Staff
from ops import blobs

from .due import DueRow, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .valuables import read_photo

PROPOSAL_LEAD_DAYS = 30
NOTICE_LEAD_DAYS = 7
FOLLOW_UP_DAYS = 15
FOLLOW_UP_SHARE = 0.10



def check_plan(plan: ActivityPlan) -> None:
    if plan.year is None or not 2000 <= plan.year <= 2200:
        raise RuleViolation(_("Give the year of the plan."))
    for line in plan.lines:
        line.property_id = plan.property_id
        if line.created_by_id is None:
            line.created_by_id = plan.created_by_id
        if not (line.theme or "").strip() or line.planned_on is None:
            raise RuleViolation(_("Each activity needs its date and theme."))
        if line.planned_on.year != plan.year:
            raise RuleViolation(_("Every activity of the %(year)s plan falls in %(year)s.",
                                  year=plan.year))
        if line.budget is None or line.budget < 0:
            raise RuleViolation(_("A budget cannot be negative."))
    themes = " ".join(line.theme or "" for line in plan.lines)
    missing = [f for f in REQUIRED_FESTIVALS if f not in themes]
    if missing:
        raise RuleViolation(_("The year's plan must hold the large activities of 儿童节, "
                              "中秋节 and 圣诞节; missing: %(m)s.", m="、".join(missing)))
    dup = db.session.execute(select(func.count()).select_from(ActivityPlan).where(
        ActivityPlan.property_id == plan.property_id, ActivityPlan.year == plan.year,
        ActivityPlan.voided_at.is_(None), ActivityPlan.status != "rejected",
        ActivityPlan.id != (plan.id or 0))).scalar()
    if dup:
        raise RuleViolation(_("There is already a plan for %(year)s; withdraw it first.",
                              year=plan.year))


def check_proposal(p: ActivityProposal, today: date | None = None) -> None:
    today = today or local_today()
    if not (p.theme or "").strip() or not (p.content or "").strip():
        raise RuleViolation(_("Give the theme and the content of the activity."))
    if p.planned_on is None or (p.planned_on - today).days < PROPOSAL_LEAD_DAYS:
        raise RuleViolation(_("A proposal is submitted at least %(n)s days before the "
                              "activity (the earliest date now is %(d)s).",
                              n=PROPOSAL_LEAD_DAYS,
                              d=today + timedelta(days=PROPOSAL_LEAD_DAYS)))
    if p.budget is None or p.budget < 0:
        raise RuleViolation(_("A budget cannot be negative."))
    p.submitted_at = utcnow()


def record_owner_notice(p: ActivityProposal, day: date | None = None) -> None:
    """已通知业主: the day the owners were told (the notice register links here later)."""
    day = day or local_today()
    if p.voided_at is not None or p.status != "approved":
        raise RuleViolation(_("Only an approved proposal's activity is announced."))
    if p.owners_notified_on is not None:
        raise RuleViolation(_("The owners were already told on %(d)s.", d=p.owners_notified_on))
    if day > p.planned_on:
        raise RuleViolation(_("The activity has already taken place."))
    p.owners_notified_on = day


def check_record(r: ActivityRecord, now: datetime | None = None) -> None:
    now = now or utcnow()
    if r.held_at is None or r.held_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time the activity was held (not in the future)."))
    if r.proposal is not None:
        if r.proposal.property_id != r.property_id:
            raise RuleViolation(_("You may only record data for your own property."))
        if r.proposal.status != "approved" or r.proposal.voided_at is not None:
            raise RuleViolation(_("The activity's proposal must be approved by the general "
                                  "manager."))
    if r.participants is None or r.participants < 0 or r.visited_count is None \
            or r.visited_count < 0:
        raise RuleViolation(_("Participants and visits are counted from zero."))
    if r.visited_count > r.participants:
        raise RuleViolation(_("More participants visited than took part."))
    if r.report_submitted_at is not None:
        if r.report_submitted_at > now + CLOCK_SKEW:
            raise RuleViolation(_("The report cannot be handed in in the future."))
        if r.report_submitted_at < r.held_at - CLOCK_SKEW:
            raise RuleViolation(_("The report cannot be handed in before the activity."))


def add_photo(r: ActivityRecord, upload, user: Staff, **back) -> ActivityPhoto:
    """Number the photo (1, 2, … per record) and store it as deposits' photos are
    (ops/blobs.py: in the database by default, where every app instance sees it)."""
    if r.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    data, ctype, ext = read_photo(upload)
    last = db.session.execute(select(func.max(ActivityPhoto.seq_no)).where(
        ActivityPhoto.record_id == r.id)).scalar() or 0
    name = f"{uuid.uuid4().hex}{ext}"
    blobs.store().put(name, data, ctype)          # every instance sees it (ops/blobs.py)
    photo = ActivityPhoto(property_id=r.property_id, record_id=r.id, seq_no=last + 1,
                          stored_name=name, original_name=(upload.filename or "")[:200],
                          content_type=ctype, size_bytes=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), created_by_id=user.id,
                          **back)
    db.session.add(photo)
    return photo


# -- due ---------------------------------------------------------------------------------

def plan_missing(user, today: date | None = None) -> list[DueRow]:
    """In December: next year's plan not filed (or rejected)."""
    today = today or local_today()
    if today.month != 12 or user.property_id is None:
        return []
    found = db.session.execute(scoped(select(func.count()).select_from(ActivityPlan).where(
        ActivityPlan.year == today.year + 1, ActivityPlan.voided_at.is_(None),
        ActivityPlan.status != "rejected"), ActivityPlan, user)).scalar()
    return [] if found else [DueRow("plan", _("The %(year)s community activity plan",
                                              year=today.year + 1), None, today.day > 15)]


def notices_due(user, today: date | None = None) -> list[DueRow]:
    """Approved activities within a week whose owners have not been told."""
    today = today or local_today()
    q = scoped(select(ActivityProposal).where(
        ActivityProposal.status == "approved", ActivityProposal.voided_at.is_(None),
        ActivityProposal.owners_notified_on.is_(None), ActivityProposal.planned_on >= today,
        ActivityProposal.planned_on <= today + timedelta(days=NOTICE_LEAD_DAYS)),
        ActivityProposal, user).order_by(ActivityProposal.planned_on)
    return [DueRow("notice", str(p), p, (p.planned_on - today).days < NOTICE_LEAD_DAYS)
            for p in db.session.execute(q).scalars()]


def visits_needed(r: ActivityRecord) -> int:
    return math.ceil(r.participants * FOLLOW_UP_SHARE)


def follow_ups_due(user, now: datetime | None = None) -> list[DueRow]:
    """Activities of the last 15 days (and late ones) with fewer than 10 % of the
    participants visited; late after 15 days."""
    now = now or utcnow()
    # visited < ceil(10 % of participants)  ⇔  visited × 10 < participants
    q = scoped(select(ActivityRecord).where(
        ActivityRecord.voided_at.is_(None),
        ActivityRecord.visited_count * round(1 / FOLLOW_UP_SHARE) < ActivityRecord.participants),
        ActivityRecord, user).order_by(ActivityRecord.held_at)
    return [DueRow("follow_up", _("%(what)s: %(done)s of %(need)s visits", what=str(r),
                                  done=r.visited_count, need=visits_needed(r)),
                   r, r.held_at < now - timedelta(days=FOLLOW_UP_DAYS))
            for r in db.session.execute(q).scalars()]


@provides_due("activity_record")
def due_items(user) -> list[tuple[str, int, str]]:
    out = []
    for label, rows in ((_("Next year's community activity plan missing"), plan_missing(user)),
                        (_("Activities within a week: owners not told"), notices_due(user)),
                        (_("Activities: follow-up visits (a tenth within 15 days) due"),
                         follow_ups_due(user))):
        if rows:
            out.append((label, len(rows), "activities_due"))
    return out
