"""The owner file's derived fields (业主基本情况登记表, spec F): 缴费情况 from the fee
registers (缴费通知单 not yet paid, an open 欠费催缴 case) and 物业使用/维修养护情况
from the unit's latest 服务单.

Nothing here is stored on the file: each part is read when the file is shown, and
only for a person the role matrix lets view the register it comes from (``None``
otherwise: the page leaves the section out), from the rows of the person's own
property (``scoped``) and, for a butler, of their own buildings (like the fee
registers' own lists).  Read-only: nothing here writes or commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from models.base import db
from models.fees import ArrearsCase, FeeNotice
from models.service_orders import ServiceOrder

from .butler_areas import limit_to_area
from .fees import unpaid_of
from .service_order_due import state_of
from .matrix import permits
from .scope import scoped

RECENT_ORDERS = 5


@dataclass(frozen=True)
class OpenCase:
    """An 欠费催缴 case not settled."""

    id: int
    months: int
    amount: Decimal


@dataclass(frozen=True)
class FeeStanding:
    """缴费情况.  A part the person may not view is ``None``."""

    unpaid_count: int | None
    unpaid_total: Decimal | None
    open_cases: list[OpenCase] | None


@dataclass(frozen=True)
class RecentOrder:
    """One line of 物业使用/维修养护情况; ``state`` is ``settled``, ``done`` or ``open``
    (the service-order list's own states)."""

    id: int
    number: str
    created_at: datetime
    description: str
    state: str


@dataclass(frozen=True)
class DerivedFields:
    fees: FeeStanding | None
    orders: list[RecentOrder] | None
    order_count: int = 0
    voided_orders: int = 0      # listed too behind the link, marked voided


def fee_standing(user: Any, unit_id: int) -> FeeStanding | None:
    """The unit's notices not yet paid (count, total due: ``rules.fees.unpaid_of``, as
    the move-out's arrears) and its open arrears cases; ``None`` for a person
    who may view neither register."""
    sees_notices = permits(user, "fee_notice", "view")
    sees_cases = permits(user, "arrears_case", "view")
    if not (sees_notices or sees_cases):
        return None
    count = total = cases = None
    if sees_notices:
        q = scoped(select(func.count(), func.coalesce(func.sum(FeeNotice.amount_due), 0))
                   .select_from(FeeNotice).where(*unpaid_of(unit_id)), FeeNotice, user)
        count, total = db.session.execute(limit_to_area(q, FeeNotice.unit_id, user)).one()
        count, total = int(count), Decimal(total or 0).quantize(Decimal("0.01"))
    if sees_cases:
        q = scoped(select(ArrearsCase.id, ArrearsCase.months, ArrearsCase.amount).where(
            ArrearsCase.unit_id == unit_id, ArrearsCase.voided_at.is_(None),
            ArrearsCase.settled_on.is_(None)), ArrearsCase, user)
        q = limit_to_area(q, ArrearsCase.unit_id, user).order_by(ArrearsCase.since,
                                                                 ArrearsCase.id)
        cases = [OpenCase(*row) for row in db.session.execute(q)]
    return FeeStanding(count, total, cases)


def recent_orders(user: Any, unit_id: int, limit: int = RECENT_ORDERS
                  ) -> tuple[list[RecentOrder], int, int] | None:
    """The unit's latest service orders (newest first, voided ones left out), how
    many it has and how many were voided (its list, behind the link, shows those
    too); ``None`` for a person who may not view service orders."""
    if not permits(user, "service_order", "view"):
        return None
    of_unit = (ServiceOrder.unit_id == unit_id, ServiceOrder.kind == "service")
    q = scoped(select(ServiceOrder.id, ServiceOrder.serial_no, ServiceOrder.created_at,
                      ServiceOrder.description, ServiceOrder.kind, ServiceOrder.settled_at,
                      ServiceOrder.completed_at, ServiceOrder.delivered_at)
               .where(*of_unit, ServiceOrder.voided_at.is_(None)), ServiceOrder, user)
    rows = db.session.execute(q.order_by(ServiceOrder.created_at.desc(),
                                         ServiceOrder.id.desc()).limit(limit)).all()
    orders = [RecentOrder(r.id, f"{r.serial_no:06d}" if r.serial_no else "", r.created_at,
                          r.description or "", state_of(r))
              for r in rows]
    # count(voided_at) counts the voided ones
    listed, voided = db.session.execute(scoped(
        select(func.count(), func.count(ServiceOrder.voided_at)).select_from(ServiceOrder)
        .where(*of_unit), ServiceOrder, user)).one()
    return orders, int(listed) - int(voided), int(voided)


def derived_fields(user: Any, unit_id: int | None) -> DerivedFields:
    """缴费情况 and 物业使用/维修养护情况 of a file's unit, as ``user`` may see them."""
    if unit_id is None:
        return DerivedFields(None, None)
    found = recent_orders(user, unit_id)
    orders, count, voided = found if found is not None else (None, 0, 0)
    return DerivedFields(fee_standing(user, unit_id), orders, count, voided)
