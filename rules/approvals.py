"""Approval chains as data, and the one function that moves a request along.

A chain is an ordered tuple of steps, each naming the role that may act.  The
workflow is the same for every chain (Frappe-style, as data):

    state      action    → next state              who
    pending    approve   → pending (next step) / approved (last step)   the step's role
    pending    reject    → rejected (final; file a new request)         the step's role

These hold for every step of every chain, with no switch to turn them off:
the approver holds the step's role, is not the applicant, has not decided an
earlier step of the same request, and works at the request's property.

Declaring a chain for a new register is one ``declare(...)`` call below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from audit import mark_action
from models.base import db, utcnow
from models.workflow import ApprovalDecision

from .errors import RuleViolation
from .predicates import has_role, is_applicant, predicate


@dataclass(frozen=True)
class Step:
    """One decision; ``role`` decides it, or any role in ``also`` (a step that
    either of two managers may decide, e.g. an important notice)."""
    name: str
    role: str
    label: Any
    also: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.also)

    def held_by(self, user) -> str | None:
        """The step's role ``user`` acts in, or None."""
        return next((r for r in self.roles if user.has_role(r)), None)


@dataclass(frozen=True)
class Chain:
    name: str
    label: Any
    register: str                      # matrix register whose "approve" is needed too
    steps: tuple[Step, ...]
    on_approved: Callable[[Any], None] | None = field(default=None, compare=False)


TRANSITIONS = (
    # (state, action, next state when more steps remain, next state after the last step)
    ("pending", "approve", "pending", "approved"),
    ("pending", "reject", "rejected", "rejected"),
)
# Withdrawing (voiding) a request: who may, and from which states.  Executed
# requests are history and stay as they are.
WITHDRAWABLE_STATES = ("pending", "approved")

CHAINS: dict[str, Chain] = {}


def declare(name: str, label: Any, register: str, *steps: Step,
            on_approved: Callable[[Any], None] | None = None) -> Chain:
    chain = Chain(name, label, register, tuple(steps), on_approved)
    CHAINS[name] = chain
    return chain


# -- the guide's chains ---------------------------------------------------------------

KEY_APPLICATION = declare(
    "key_application", _l("Key copy or void application"), "key_application",
    Step("review", "dept_manager", _l("Department manager review")),
    Step("approve", "property_manager", _l("Property manager approval")),
)
SPARE_KEY_USE = declare(
    "spare_key_use", _l("Spare key use"), "spare_key_authorisation",
    Step("authorise", "general_manager", _l("General manager authorisation")),
)
# 社区文化活动工作流程: the year's plan and each activity's proposal (rules/activities.py)
ACTIVITY_PLAN = declare(
    "activity_plan", _l("Community activity annual plan"), "activity_plan",
    Step("review", "general_manager", _l("General manager review")),
)
ACTIVITY_PROPOSAL = declare(
    "activity_proposal", _l("Community activity proposal"), "activity_proposal",
    Step("approve", "general_manager", _l("General manager approval")),
)
# 档案借阅: by the file's secrecy level (guide ch.5 按密级由单位负责人批准; seed 004 2.6)
FILE_LOAN_IMPORTANT = declare(
    "file_loan_important", _l("Borrowing an important owner file"), "owner_file_loan",
    Step("approve", "dept_manager", _l("Department manager approval")),
)
FILE_LOAN_SECRET = declare(
    "file_loan_secret", _l("Borrowing a confidential owner file"), "owner_file_loan",
    Step("approve", "general_manager", _l("General manager approval")),
)
# 重要信息: 报客服部经理、总办或总经理批准 — one step, either manager decides it.
IMPORTANT_NOTICE = declare(
    "important_notice", _l("Important notice"), "important_notice",
    Step("approve", "dept_manager", _l("Approval by the department or general manager"),
         also=("general_manager",)),
)

COMPLAINT_LOSS = declare(
    "complaint_loss", _l("Nonconformity report (complaint loss over 500 yuan)"),
    "complaint_loss_report",
    Step("analyse", "dept_manager", _l("Department manager analysis")),
    Step("approve", "general_manager", _l("General manager approval")),
)


# -- predicates --------------------------------------------------------------------------

def chain_of(req: Any) -> Chain:
    return CHAINS[type(req).__chain__]


def waiting_step(req: Any) -> str | None:
    """After an approval that leaves steps to go: "step n of m approved, waiting for
    <role>" — the hand-off the decider should see; ``None`` when the chain ended."""
    if req.status != "pending":
        return None
    chain = chain_of(req)
    return _("Step %(n)s of %(total)s approved; now waiting for the %(role)s.",
             n=req.current_step, total=len(chain.steps),
             role=_roles_label(chain.steps[req.current_step]))


def current_step(req: Any) -> Step | None:
    chain = chain_of(req)
    if req.status != "pending" or req.current_step >= len(chain.steps):
        return None
    return chain.steps[req.current_step]


@predicate
def holds_current_step_role(user, req) -> bool:
    step = current_step(req) if req is not None else None
    return step is not None and step.held_by(user) is not None


def decisions_of(req: Any) -> list[ApprovalDecision]:
    return list(db.session.execute(
        select(ApprovalDecision)
        .where(ApprovalDecision.request_table == req.__table__.name,
               ApprovalDecision.request_id == req.id)
        .order_by(ApprovalDecision.step_index)).scalars())


@predicate
def decided_earlier_step(user, req) -> bool:
    return any(d.actor_id == user.id for d in decisions_of(req))


can_withdraw = is_applicant | has_role("dept_manager")


def check_withdraw(user, req) -> None:
    """Raise unless ``user`` may withdraw (void) ``req`` now."""
    if not can_withdraw(user, req):
        raise RuleViolation(_("Only the applicant or the department manager can withdraw "
                              "this request."))
    if req.status not in WITHDRAWABLE_STATES or getattr(req, "executed_at", None):
        raise RuleViolation(_("This request can no longer be withdrawn."))


def why_not(user, req) -> str | None:
    """The reason ``user`` may not decide ``req`` now, or None when they may."""
    from .matrix import permits

    step = current_step(req)
    if step is None:
        return _("This request is no longer waiting for approval.")
    if not user.can_see_property(req.property_id):
        return _("This request belongs to another property.")
    if not holds_current_step_role(user, req):
        return _("This step needs the role: %(role)s.", role=_roles_label(step))
    if is_applicant(user, req):
        return _("Applicants cannot approve their own requests.")
    if decided_earlier_step(user, req):
        return _("You already decided an earlier step of this request; another person "
                 "must decide this one.")
    if not permits(user, chain_of(req).register, "approve", req):
        return _("Your role does not allow this.")
    return None


def _role_label(role: str) -> str:
    from .roles import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))


def _roles_label(step: Step) -> str:
    """"物业部经理" or, for a step either role decides, "客服部经理 / 总经理"."""
    return " / ".join(_role_label(r) for r in step.roles)


def decide(req: Any, user: Any, decision: str, comment: str | None) -> ApprovalDecision:
    """Approve or reject the current step; the caller commits."""
    if decision not in ("approve", "reject"):
        raise RuleViolation(_("Unknown decision."))
    reason = why_not(user, req)
    if reason:
        raise RuleViolation(reason)
    comment = (comment or "").strip() or None
    if decision == "reject" and not comment:
        raise RuleViolation(_("Say why the request is rejected."))
    chain, step = chain_of(req), current_step(req)
    row = ApprovalDecision(
        property_id=req.property_id, chain=chain.name, request_table=req.__table__.name,
        request_id=req.id, step_index=req.current_step, step_name=step.name, role=step.held_by(user),
        decision=decision, comment=comment, actor_id=user.id, decided_at=utcnow())
    db.session.add(row)
    last = req.current_step + 1 >= len(chain.steps)
    for state, action, more, final in TRANSITIONS:
        if state == req.status and action == decision:
            req.status = final if last else more
            break
    if decision == "approve" and not last:
        req.current_step += 1
    if req.status != "pending":
        req.decided_at = row.decided_at
    mark_action(req, decision, comment)
    try:
        db.session.flush()
    except IntegrityError:
        raise RuleViolation(_("Someone else decided this step at the same moment; "
                              "reload to see the request's state.")) from None
    if req.status == "approved" and chain.on_approved:
        chain.on_approved(req)
    return row


def request_models() -> list[type]:
    """Every mapped model that carries a chain (for "my approvals")."""
    from models.base import Base

    return [m.class_ for m in Base.registry.mappers
            if getattr(m.class_, "__chain__", "") in CHAINS]


def waiting_for(user) -> list[Any]:
    """Requests whose current step ``user`` may decide, oldest first."""
    out = []
    for model in request_models():
        chain = CHAINS[model.__chain__]
        steps = [i for i, s in enumerate(chain.steps) if s.held_by(user)]
        if not steps:
            continue
        q = select(model).where(model.status == "pending", model.current_step.in_(steps),
                                model.applicant_id != user.id, model.voided_at.is_(None))
        if not user.is_head_office:
            q = q.where(model.property_id == user.property_id)
        # no eager joins: a request's joined relationships pull in its record's
        # (a loss report's complaint, that complaint's unit, staff, public-information
        # line …) and at a million complaints SQLite planned that as a scan (2.2 s on
        # every page of a department manager, for the navbar's count)
        q = q.options(lazyload("*"))
        for req in db.session.execute(q.order_by(model.id)).scalars():
            if why_not(user, req) is None:
                out.append(req)
    return out


def requests_of(user) -> list[Any]:
    """The user's own requests, newest first."""
    out = []
    for model in request_models():
        q = select(model).where(model.applicant_id == user.id).order_by(model.id.desc())
        out.extend(db.session.execute(q.options(lazyload("*")).limit(50)).scalars())
    return out


def in_progress(req: Any) -> bool:
    """Still the applicant's concern: waiting for a decision, or approved and not yet
    carried out (a record with an ``executed_at`` that is still empty)."""
    if req.voided_at is not None:
        return False
    return req.status == "pending" or (
        req.status == "approved" and getattr(req, "executed_at", False) is None)


def progress_text(req: Any) -> str:
    """Where an application in progress stands, in words for its applicant."""
    step = current_step(req)
    if step is not None:
        return str(step.label)
    return _("Approved, waiting for the desk to execute") if in_progress(req) else ""
