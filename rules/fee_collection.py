"""Collecting the money (the guide, Part 3 ch. 7):

- 外单位取费: 需外单位取费的，由各区域管家联系好取费时间、地点、联系人、电话 — an
  arrangement names all four or none; 交回财务后为业主送回收据或发票 — the receipt goes
  back only after finance confirmed the money, and money collected is handed to finance
  the same day (a payment still unconfirmed after the day it was taken is due), as is a
  collection whose agreed time has passed without a payment.
- 欠费大户、半年以上未缴纳: 客户部经理、项目总经理亲自上门拜访 — the visit is a
  collection attempt of kind 上门 logged by a manager; due until it is.
- 异议 / 异议处理: 业主对费用有异议的，由区域管家到财务部核实 — a notice with the owner's
  objection recorded is due for those who handle it (the area butler, finance and
  the managers who edit notices) until its handling is written down.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_

from audit import mark_action
from i18n import local_day_end_utc, local_today
from models.base import utcnow
from models.fees import ArrearsAttempt, ArrearsCase, FeeNotice

from .butler_areas import count_in_area
from .due import due_filter, provides_due
from .errors import RuleViolation
from .matrix import permits
from .scope import CLOCK_SKEW

# 欠费大户: unpaid at least this much (yuan) — the guide names no figure; about a year
# of 物业费 of a 150 m² home at rules.fees.PROPERTY_FEE_PER_M2.
LARGE_DEBT = Decimal("5000")
VISIT_MONTHS = 6                     # 半年以上未缴纳
VISITORS = ("dept_manager", "property_manager", "general_manager")


def check_pickup(n: FeeNotice) -> None:
    """外单位取费 names its time, place, contact and phone, all four or none."""
    parts = (n.pickup_at, (n.pickup_place or "").strip(), (n.pickup_contact or "").strip(),
             (n.pickup_phone or "").strip())
    if any(parts) and not all(parts):
        raise RuleViolation(_("A collection from an outside company needs its time, place, "
                              "contact and phone."))


def check_receipt(n: FeeNotice) -> None:
    """交回财务后为业主送回收据或发票: never before finance confirmed the money."""
    if n.receipt_returned_at is None:
        return
    if n.confirmed_at is None:
        raise RuleViolation(_("The receipt or invoice goes back to the owner only after "
                              "finance has confirmed the money."))
    if n.receipt_returned_at < n.confirmed_at - CLOCK_SKEW \
            or n.receipt_returned_at > utcnow() + CLOCK_SKEW:
        raise RuleViolation(_("The time the receipt was returned must be after finance's "
                              "confirmation and not in the future."))


def is_large(c: ArrearsCase) -> bool:
    return (c.amount or 0) >= LARGE_DEBT or (c.months or 0) >= VISIT_MONTHS


def manager_visit(c: ArrearsCase, user: Any, at: datetime | None, result: str) -> None:
    """客户部经理、项目总经理亲自上门拜访: logged as a 上门 attempt by the manager."""
    if not user.has_role(*VISITORS):
        raise RuleViolation(_("The visit to a large debtor is made by the department "
                              "manager or the general manager."))
    if c.voided_at is not None or c.settled_on is not None:
        raise RuleViolation(_("This arrears case is closed."))
    if at is None or at > utcnow() + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of the visit (not in the future)."))
    result = (result or "").strip()
    if not result:
        raise RuleViolation(_("Write down what the visit found and what was agreed."))
    c.attempts.append(ArrearsAttempt(property_id=c.property_id, at=at, method="visit",
                                     staff_name=user.full_name[:60], result=result[:200],
                                     created_by_id=user.id))
    c.visited_at = at
    mark_action(c, "manager_visit")


def due_where(now: datetime | None = None) -> dict[str, tuple]:
    """Each due kind's conditions (counted here, listed by the fee notice / arrears view)."""
    now = now or utcnow()
    today_start = local_day_end_utc(local_today() - timedelta(days=1))
    return {
        "pickup": (FeeNotice.voided_at.is_(None), FeeNotice.pickup_at < now,
                   FeeNotice.paid_at.is_(None)),
        "handin": (FeeNotice.voided_at.is_(None), FeeNotice.paid_at < today_start,
                   FeeNotice.confirmed_at.is_(None)),
        "visit": (ArrearsCase.voided_at.is_(None), ArrearsCase.settled_on.is_(None),
                  ArrearsCase.visited_at.is_(None),
                  (ArrearsCase.amount >= LARGE_DEBT) | (ArrearsCase.months >= VISIT_MONTHS)),
        # models.fees.OBJECTION_OPEN: counted in its partial index
        "objection": (FeeNotice.objection.is_not(None), FeeNotice.objection_handling.is_(None),
                      FeeNotice.voided_at.is_(None)),
    }


def _count(user: Any, model: Any, kind: str) -> int:
    return count_in_area(user, model, *due_where()[kind])


due_filter("fee_pickup_missed", "fee_notice")(lambda user: and_(*due_where()["pickup"]))
due_filter("fee_not_handed_in", "fee_notice")(lambda user: and_(*due_where()["handin"]))
due_filter("arrears_visit", "arrears_case")(lambda user: and_(*due_where()["visit"]))
due_filter("fee_objection", "fee_notice")(lambda user: and_(*due_where()["objection"]))


@provides_due("fee_notice")
def pickup_due(user: Any) -> list[tuple]:
    out = []
    missed = _count(user, FeeNotice, "pickup")
    if missed:
        out.append((_("Collections from outside companies past their time, not collected"),
                    missed, "fee_notice", "fee_pickup_missed"))
    late = _count(user, FeeNotice, "handin")
    if late:
        out.append((_("Money collected but not handed to finance the same day"), late,
                    "fee_notice", "fee_not_handed_in"))
    return out


@provides_due("arrears_case")
def visit_due(user: Any) -> list[tuple]:
    n = _count(user, ArrearsCase, "visit")
    if not n:
        return []
    return [(_("Large or half-year arrears: the department manager or general manager "
               "visits the owner"), n, "arrears_case", "arrears_visit")]


@provides_due("fee_notice")
def objection_due(user: Any) -> list[tuple]:
    """异议 not yet 处理 (到财务部核实): for those who may write the handling down, a
    butler for the units of their own area (as their list shows them)."""
    if not permits(user, "fee_notice", "edit"):
        return []
    n = _count(user, FeeNotice, "objection")
    if not n:
        return []
    return [(_("Fee notices with an owner's objection not yet handled (check with finance)"),
             n, "fee_notice", "fee_objection")]


def pay_by(period: str):
    """The due date printed on a notice: the last day of its month (the guide names
    none; the month's notices are delivered by rules.fees.DELIVER_BY_DAY)."""
    from calendar import monthrange
    from datetime import date

    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, monthrange(year, month)[1])
