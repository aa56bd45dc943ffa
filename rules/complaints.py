"""客户投诉处理记录表 rules (seed 002 §7, seed 003 篇4, guide ch.3): severity and its
deadlines, who may call a complaint invalid, what closing needs (handling, a
follow-up visit, the owner's satisfaction, a manager's visit for a 重大 one, the
approved 不合格品/服务记录处理单 for a loss over 500 yuan), and what is due."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from audit import mark_action
from models.base import db, utcnow
from models.complaints import (COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, SEVERITIES, Complaint,
                               ComplaintLossReport)
from models.followups import FollowUpVisit

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .sequence import next_number
from .work_calendar import add_working_days

MINOR_WITHIN = timedelta(hours=24)            # 轻微: 24 小时内处理完毕
MEMO_WITHIN = timedelta(minutes=30)           # 30 分钟内将投诉处理单送达相关部门
REPLY_DAYS_DEFAULT, REPLY_DAYS_MAX = 2, 7     # 承诺一两天，一般不超过一周
MAJOR_REPLY_WORKING_DAYS, MAJOR_RESOLVE_WORKING_DAYS = 3, 7
FOLLOWUP_WITHIN = timedelta(days=2)           # 100 % within 2 days of handling
LOSS_CHAIN_OVER = Decimal("500")
CLASSIFIERS = ("supervisor", "dept_manager")  # 无效投诉由主管判定
CLOSERS = ("supervisor", "dept_manager")
MAJOR_VISITORS = ("property_manager", "general_manager")


def check_source_line(entry, complaint: Complaint) -> None:
    """转为投诉: a category-A public-information line of the complaint's property,
    not voided, turned into one complaint at most."""
    if entry is None or entry.property_id != complaint.property_id or entry.voided_at:
        raise RuleViolation(_("That public-information line is not at your property."))
    if entry.category != "A":
        raise RuleViolation(_("Only a category-A (complaint) line becomes a complaint."))
    taken = db.session.execute(select(Complaint.id).where(
        Complaint.public_info_id == entry.id)).first()
    if taken:
        raise RuleViolation(_("This line has already been turned into a complaint."))


def number(complaint: Complaint) -> None:
    complaint.complaint_no = next_number("complaint", complaint.property_id,
                                         Complaint.complaint_no)


def _not_future(value: datetime | None, now: datetime) -> None:
    if value is not None and value > now + CLOCK_SKEW:
        raise RuleViolation(_("Times of a complaint cannot be in the future."))


def check_complaint(c: Complaint, user, severity_changed: bool,
                    now: datetime | None = None) -> None:
    """Refuse what the paper form would not accept; classify and set the deadlines."""
    now = now or utcnow()
    if not (c.content or "").strip() or not (c.complainant or "").strip():
        raise RuleViolation(_("Record who complained and what the complaint is."))
    if c.channel not in COMPLAINT_CHANNELS or c.category not in COMPLAINT_CATEGORIES \
            or c.severity not in SEVERITIES:
        raise RuleViolation(_("Choose the channel, the class and the nature of the complaint."))
    if c.received_at is None:
        raise RuleViolation(_("Give the date and time the complaint was received."))
    for value in (c.received_at, c.first_reply_at, c.resolved_at, c.manager_visited_at):
        _not_future(value, now)
    for value in (c.first_reply_at, c.resolved_at):
        if value is not None and value < c.received_at - CLOCK_SKEW:
            raise RuleViolation(_("A reply or resolution cannot be before the complaint was "
                                  "received."))
    if c.resolved_at is not None and not (c.handling or "").strip():
        raise RuleViolation(_("Say how the complaint was handled before recording it as "
                              "resolved."))
    if c.unit is not None and c.unit.property_id != c.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if c.loss_amount is not None and c.loss_amount < 0:
        raise RuleViolation(_("The loss cannot be negative."))
    if c.severity in ("invalid", "unable") and not (c.severity_reason or "").strip():
        raise RuleViolation(_("Explain why the complaint is invalid or cannot be handled "
                              "for now."))
    if severity_changed:
        if c.severity == "invalid" and not user.has_role(*CLASSIFIERS):
            raise RuleViolation(_("Only a supervisor or the department manager may judge a "
                                  "complaint invalid."))
        c.classified_by_id, c.classified_at = user.id, now
    c.reasonable = c.severity != "invalid"
    if c.reply_days is not None and not 1 <= c.reply_days <= REPLY_DAYS_MAX:
        raise RuleViolation(_("The promised reply is 1 to 7 days."))
    set_deadlines(c)
    if c.severity == "major" and (severity_changed or c.reported_to_gm_at is None):
        report_to_gm(c, now)


def report_to_gm(c: Complaint, now: datetime) -> None:
    """重大: reported to the general manager now; becoming 重大 again (re-classified)
    is a new report, so an earlier acknowledgement no longer counts."""
    c.reported_to_gm_at = now
    c.gm_acknowledged_at = c.gm_acknowledged_by_id = None


def set_deadlines(c: Complaint) -> None:
    """答复期限 and 解决期限 from the nature of the complaint; when its memo and its
    follow-up visit are due (stored, so the due lists compare columns)."""
    c.reply_due = c.resolve_due = None
    c.memo_due = c.received_at + MEMO_WITHIN if c.severity == "important" else None
    c.visit_due = c.resolved_at + FOLLOWUP_WITHIN if c.resolved_at is not None else None
    if c.severity == "minor":
        c.resolve_due = c.owner_deadline or c.received_at + MINOR_WITHIN
    elif c.severity == "important":
        c.reply_due = c.received_at + timedelta(days=c.reply_days or REPLY_DAYS_DEFAULT)
        c.resolve_due = c.owner_deadline
    elif c.severity == "major":
        c.reply_due = add_working_days(c.property_id, c.received_at, MAJOR_REPLY_WORKING_DAYS)
        c.resolve_due = add_working_days(c.property_id, c.received_at,
                                         MAJOR_RESOLVE_WORKING_DAYS)


def visits_of(c: Complaint) -> list[FollowUpVisit]:
    return list(db.session.execute(select(FollowUpVisit).where(
        FollowUpVisit.complaint_id == c.id, FollowUpVisit.voided_at.is_(None))
        .order_by(FollowUpVisit.visited_at, FollowUpVisit.id)).scalars())


def loss_approved(c: Complaint) -> bool:
    return bool(db.session.execute(select(exists().where(
        ComplaintLossReport.complaint_id == c.id, ComplaintLossReport.voided_at.is_(None),
        ComplaintLossReport.status == "approved"))).scalar())


def needs_loss_chain(c: Complaint) -> bool:
    return c.loss_amount is not None and c.loss_amount > LOSS_CHAIN_OVER


def check_close(c: Complaint, user) -> None:
    """结案: handled, visited, the owner satisfied, and the manager's part done."""
    if c.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if c.closed_at is not None:
        raise RuleViolation(_("This complaint is already closed."))
    if not user.has_role(*CLOSERS):
        raise RuleViolation(_("Only a supervisor or the department manager may close a "
                              "complaint."))
    if c.severity != "invalid" and (not (c.handling or "").strip() or c.resolved_at is None):
        raise RuleViolation(_("Record the handling and when the complaint was resolved "
                              "before closing it."))
    visits = visits_of(c)
    if c.severity != "invalid" and not visits:
        raise RuleViolation(_("A complaint is closed only after a follow-up visit."))
    if visits and visits[-1].satisfaction == "dissatisfied":
        raise RuleViolation(_("The owner is not satisfied: the complaint stays open for "
                              "further handling and a second visit."))
    if c.severity == "major" and not any(v.visitor.has_role(*MAJOR_VISITORS) for v in visits):
        raise RuleViolation(_("A major complaint is closed only after a follow-up by the "
                              "property manager or the general manager."))
    if needs_loss_chain(c) and not loss_approved(c):
        raise RuleViolation(_("The loss is over 500 yuan: the nonconformity report must be "
                              "approved before the complaint is closed."))


def close(c: Complaint, user, now: datetime | None = None) -> None:
    check_close(c, user)
    c.closed_at, c.closed_by_id = now or utcnow(), user.id
    c.owner_confirmed = True
    mark_action(c, "close")


def acknowledge_major(c: Complaint, user, now: datetime | None = None) -> None:
    """The general manager has read the report of a 重大 complaint."""
    if c.severity != "major" or c.voided_at is not None:
        raise RuleViolation(_("Only a major complaint is reported to the general manager."))
    if not user.has_role("general_manager"):
        raise RuleViolation(_("Only the general manager acknowledges a major complaint."))
    if c.gm_acknowledged_at is not None:
        raise RuleViolation(_("The general manager has already acknowledged it."))
    c.gm_acknowledged_at, c.gm_acknowledged_by_id = now or utcnow(), user.id
    mark_action(c, "acknowledge")


def check_loss_report(r: ComplaintLossReport) -> None:
    c = r.complaint
    if c is None or c.voided_at is not None or c.property_id != r.property_id:
        raise RuleViolation(_("Choose a complaint of your property."))
    if not needs_loss_chain(c):
        raise RuleViolation(_("A nonconformity report is filed for a loss over 500 yuan."))
    for value in (r.nonconformity, r.cause_analysis, r.corrective_action, r.responsible):
        if not (value or "").strip():
            raise RuleViolation(_("Fill in the nonconformity, the cause, the corrective "
                                  "action and who is responsible."))


# -- due -----------------------------------------------------------------------------------

def _open(user, *where):
    return scoped(select(func.count()).select_from(Complaint).where(
        Complaint.voided_at.is_(None), Complaint.closed_at.is_(None), *where), Complaint, user)


def due_where(now: datetime | None = None) -> dict[str, tuple]:
    """Each due kind's conditions on open complaints (counted here, listed by the view)."""
    now = now or utcnow()
    approved = exists().where(ComplaintLossReport.complaint_id == Complaint.id,
                              ComplaintLossReport.voided_at.is_(None),
                              ComplaintLossReport.status == "approved")
    return {
        "reply": (Complaint.first_reply_at.is_(None), Complaint.reply_due < now),
        "resolve": (Complaint.resolved_at.is_(None), Complaint.resolve_due < now),
        "memo": (Complaint.memo_due < now, or_(
            Complaint.memo_sent_at.is_(None), Complaint.memo_sent_at > Complaint.memo_due)),
        "visit": (Complaint.visit_due < now, Complaint.first_visit_at.is_(None)),
        "loss": (Complaint.loss_amount > LOSS_CHAIN_OVER, ~approved),
        "gm": (Complaint.severity == "major", Complaint.gm_acknowledged_at.is_(None)),
    }


def due_counts(user, now: datetime | None = None) -> dict[str, int]:
    return {k: db.session.execute(_open(user, *where)).scalar_one()
            for k, where in due_where(now).items()}


def _kind_filter(kind: str):
    def where(user):
        from sqlalchemy import and_

        return and_(Complaint.voided_at.is_(None), Complaint.closed_at.is_(None),
                    *due_where()[kind])
    return where


for _kind in ("reply", "resolve", "memo", "visit", "loss", "gm"):
    due_filter(f"complaint_{_kind}", "complaint")(_kind_filter(_kind))


DUE_LABELS = {
    "reply": lambda: _("Complaints past their reply deadline"),
    "resolve": lambda: _("Complaints past their resolution deadline"),
    "memo": lambda: _("Important complaints without a memo within 30 minutes"),
    "visit": lambda: _("Complaints not visited within 2 days of resolution"),
    "loss": lambda: _("Complaints with a loss over 500 yuan awaiting the approved report"),
    "gm": lambda: _("Major complaints not yet acknowledged by the general manager"),
}


@provides_due("complaint")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    return [(DUE_LABELS[k](), n, "complaint", f"complaint_{k}")
            for k, n in due_counts(user, now).items() if n]
