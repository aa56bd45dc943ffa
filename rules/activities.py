"""社区文化活动工作流程 as small functions (guide Part 3 ch. 9; seeds/003 回访):

- every December the department lists next year's plan (活动时间, 主题, 费用预算),
  which must hold the large activities of 儿童节, 中秋节 and 圣诞节, and the general
  manager reviews it (chain ``activity_plan``); due in December while it is missing;
- each activity's proposal reaches the general manager at least 30 days before it
  (chain ``activity_proposal``); the owners are told at least a week before by a
  重要信息 notice raised from the proposal and dispatched in time (due);
- the record keeps numbered photos and the report handed to the office; 10 % of
  the participants are visited within 15 days: 客户回访记录表 rows of kind 活动
  linked to the record (due).
"""
from __future__ import annotations

import hashlib
import math
import uuid
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_today, utc_to_local
from models.activities import (
    REQUIRED_FESTIVALS,
    ActivityPhoto,
    ActivityPlan,
    ActivityProposal,
    ActivityRecord,
)
from models.base import db, utcnow
from models.notices import ImportantNotice
from models.staff import Staff
from ops import blobs

from .due import DueRow, due_filter, provides_due
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


def raise_notice(p: ActivityProposal, user) -> ImportantNotice:
    """活动通知: a 重要信息 (community information, written notice) drafted from the
    approved proposal in one action; it goes through its own approval chain."""
    from . import notices as notice_rules

    if p.voided_at is not None or p.status != "approved":
        raise RuleViolation(_("Only an approved proposal's activity is announced."))
    if p.notice is not None and p.notice.voided_at is None and p.notice.status != "rejected":
        raise RuleViolation(_("The notice of this activity is already No.%(n)s.",
                              n=p.notice.serial_no))
    today = local_today()
    notice = ImportantNotice(
        property_id=p.property_id, title=_("Community activity: %(theme)s", theme=p.theme)[:120],
        category="community", channels="written", valid_from=today, valid_until=p.planned_on,
        content=_("%(theme)s on %(day)s.\n%(content)s", theme=p.theme, day=p.planned_on,
                  content=p.content),
        applicant_id=user.id, status="pending", current_step=0, created_by_id=user.id)
    notice_rules.check_notice(notice)
    notice_rules.number(notice)
    db.session.add(notice)
    p.notice = notice
    return notice


def notice_sent_on(p: ActivityProposal) -> date | None:
    """The day the activity's notice first went out (its earliest live dispatch)."""
    n = p.notice
    if n is None or n.voided_at is not None or n.status != "approved":
        return None
    sent = [d.sent_at for d in n.dispatches if d.voided_at is None and d.sent_at is not None]
    return utc_to_local(min(sent)).date() if sent else None


def record_owner_notice(p: ActivityProposal) -> None:
    """已通知业主: only once the proposal's 重要信息 was dispatched at least a week
    before the activity; the day recorded is that dispatch's day."""
    if p.voided_at is not None or p.status != "approved":
        raise RuleViolation(_("Only an approved proposal's activity is announced."))
    if p.owners_notified_on is not None:
        raise RuleViolation(_("The owners were already told on %(d)s.", d=p.owners_notified_on))
    day = notice_sent_on(p)
    if day is None:
        raise RuleViolation(_("Raise the activity's notice, have it approved and send it "
                              "first: the owners are told by a 重要信息 notice."))
    if (p.planned_on - day).days < NOTICE_LEAD_DAYS:
        raise RuleViolation(_("The notice went out on %(d)s, less than %(n)s days before the "
                              "activity.", d=day, n=NOTICE_LEAD_DAYS))
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
    visits = linked_visits(r) if r.id is not None else []
    if visits and min(visits) < r.held_at - CLOCK_SKEW:
        raise RuleViolation(_("The activity cannot be held after its follow-up visits."))
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
    """Approved activities of the next two weeks whose owners have not been told by
    the proposal's dispatched notice; late once less than a week is left."""
    today = today or local_today()
    q = scoped(select(ActivityProposal).where(
        ActivityProposal.status == "approved", ActivityProposal.voided_at.is_(None),
        ActivityProposal.owners_notified_on.is_(None), ActivityProposal.planned_on >= today,
        ActivityProposal.planned_on <= today + timedelta(days=2 * NOTICE_LEAD_DAYS)),
        ActivityProposal, user).order_by(ActivityProposal.planned_on)
    return [DueRow("notice", str(p), p, (p.planned_on - today).days < NOTICE_LEAD_DAYS)
            for p in db.session.execute(q).scalars()]


def visits_needed(r: ActivityRecord) -> int:
    return math.ceil(r.participants * FOLLOW_UP_SHARE)


def linked_visits(r: ActivityRecord) -> list[datetime]:
    """When the record's live 客户回访记录表 visits (kind 活动) took place."""
    from models.followups import FollowUpVisit

    return list(db.session.execute(select(FollowUpVisit.visited_at).where(
        FollowUpVisit.activity_record_id == r.id, FollowUpVisit.kind == "activity",
        FollowUpVisit.voided_at.is_(None))).scalars())


def visits_done(r: ActivityRecord, in_time: bool = False) -> int:
    """Visits of the activity: its linked visit rows (within 15 days when ``in_time``)
    plus the count typed on records made before the visits were linked."""
    limit = r.held_at + timedelta(days=FOLLOW_UP_DAYS)
    linked = [at for at in linked_visits(r) if not in_time or at <= limit]
    return len(linked) + (r.visited_count or 0)


def follow_ups_due(user, now: datetime | None = None) -> list[DueRow]:
    """Activities with fewer than 10 % of the participants visited (the linked visits
    and any count typed on old records); late after 15 days."""
    from models.followups import FollowUpVisit

    now = now or utcnow()
    linked = select(func.count()).where(
        FollowUpVisit.activity_record_id == ActivityRecord.id, FollowUpVisit.kind == "activity",
        FollowUpVisit.voided_at.is_(None)).correlate(ActivityRecord).scalar_subquery()
    # visited < ceil(10 % of participants)  ⇔  visited × 10 < participants
    q = scoped(select(ActivityRecord, linked).where(
        ActivityRecord.voided_at.is_(None),
        (ActivityRecord.visited_count + linked) * round(1 / FOLLOW_UP_SHARE)
        < ActivityRecord.participants), ActivityRecord, user).order_by(ActivityRecord.held_at)
    return [DueRow("follow_up", _("%(what)s: %(done)s of %(need)s visits", what=str(r),
                                  done=r.visited_count + n, need=visits_needed(r)),
                   r, r.held_at < now - timedelta(days=FOLLOW_UP_DAYS))
            for r, n in db.session.execute(q).unique().all()]


due_filter("activity_owners_not_told", "activity_proposal")(
    lambda user: [r.obj.id for r in notices_due(user)])
due_filter("activity_follow_ups", "activity_record")(
    lambda user: [r.obj.id for r in follow_ups_due(user)])


@provides_due("activity_record")
def due_items(user) -> list[tuple]:
    """A missing plan is no row of a list: it keeps the activities' due page."""
    out = []
    for label, rows, *name in (
            (_("Next year's community activity plan missing"), plan_missing(user)),
            (_("Activities within a week: owners not told"), notices_due(user),
             "activity_owners_not_told"),
            (_("Activities: follow-up visits (a tenth within 15 days) due"),
             follow_ups_due(user), "activity_follow_ups")):
        if rows:
            out.append((label, len(rows), "activities_due", *name))
    return out
