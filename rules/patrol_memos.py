"""开联络单 from a 发现问题 row of the 公共区域巡查记录表 (guide ch.6: 对于巡查出现的问题
客服部需主动与相关部门联系协调解决，并对处理结果进行最终跟踪).

The memo is pre-filled from the problem and linked both ways: the memo names the
problem (``link_table``/``link_id``), the problem its memo (``memo_id``), so the
patrol shows the memo's state (sent, received, answered).  One memo per problem,
an open problem of a patrol that counts, of the memo's own property.
"""
from __future__ import annotations

from flask_babel import gettext as _

from audit import mark_action
from models.memos import InternalMemo
from models.patrols import PatrolProblem

from .errors import RuleViolation

LINK_TABLE = "patrol_problem"


def memo_text(p: PatrolProblem) -> str:
    """事由 of the memo, from the problem and where it is."""
    where = f"（{p.location}）" if p.location else ""
    area = p.patrol.area.name if p.patrol is not None and p.patrol.area is not None else ""
    return _("Patrol problem in %(area)s: %(problem)s%(where)s", area=area,
             problem=p.problem, where=where)


def check_problem(p: PatrolProblem | None, memo: InternalMemo) -> PatrolProblem:
    if p is None or p.property_id != memo.property_id or p.voided_at is not None \
            or p.patrol is None or p.patrol.voided_at is not None:
        raise RuleViolation(_("That patrol problem is not at your property."))
    if p.memo_id is not None:
        raise RuleViolation(_("This patrol problem already has its internal memo."))
    if p.completed_at is not None:
        raise RuleViolation(_("This patrol problem is already completed."))
    return p


def link(memo: InternalMemo, p: PatrolProblem | None) -> None:
    """Link a new memo and its problem both ways (the problem's history says so)."""
    p = check_problem(p, memo)
    memo.link_table, memo.link_id = LINK_TABLE, p.id
    p.memo = memo
    if not p.forwarded_to:
        p.forwarded_to = memo.to_department
    mark_action(p, "memo_sent")


def memo_state(m: InternalMemo | None) -> str:
    """What the problem row shows of its memo."""
    if m is None:
        return ""
    if m.voided_at is not None:
        return _("Memo void")
    if m.replied_at is not None:
        return _("Answered")
    if m.received_at is not None:
        return _("Received, not answered")
    return _("Sent, not received")


def problem_of(memo: InternalMemo) -> PatrolProblem | None:
    from models.base import db

    if memo.link_table != LINK_TABLE or memo.link_id is None:
        return None
    return db.session.get(PatrolProblem, memo.link_id)
