"""收费率确认 (the guide, Part 3 ch. 7: 每月由管家汇总当月费用收取比率和累计比率，并与
财务部核实确认签字，并作为当月考核标准): the customer-service side prepares the month's
figures (a snapshot of ``rules.fees.collection_rates``), finance co-signs them; a month
still unconfirmed after the 5th of the next month is due."""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, literal, select, union_all

from i18n import local_today
from models.base import db, utcnow
from models.fee_areas import FeeRateConfirmation
from models.fees import FeeNotice

from .due import provides_due
from .errors import RuleViolation
from .fees import collection_rates, period_of
from .scope import scoped
from .stats import recent_months
from .two_person import check_cosigner, declare, record_cosign

# The month's figures are confirmed by this day of the next month.
CONFIRM_BY_DAY = 5
PREPARERS = ("butler", "supervisor", "dept_manager")


def _waiting(user: Any):
    return select(FeeRateConfirmation).where(
        FeeRateConfirmation.property_id == user.property_id,
        FeeRateConfirmation.cosigned_at.is_(None), FeeRateConfirmation.voided_at.is_(None),
        FeeRateConfirmation.prepared_by_id != user.id)


FEE_RATE_COSIGN = declare("fee_rate_confirmation",
                          _l("Monthly collection rate: finance confirms"),
                          "fee_rate_confirmation", roles=("finance",), waiting=_waiting)


def prepare(user: Any, year: int, month: int) -> FeeRateConfirmation:
    """The month's rates per butler, frozen as prepared, waiting for finance."""
    if not user.has_role(*PREPARERS) or user.property_id is None:
        raise RuleViolation(_("The customer-service side prepares the collection rate."))
    first = date(year, month, 1)
    if first > local_today():
        raise RuleViolation(_("The collection rate of a future month cannot be prepared."))
    period = period_of(first)
    existing = db.session.execute(select(FeeRateConfirmation.id).where(
        FeeRateConfirmation.property_id == user.property_id,
        FeeRateConfirmation.period == period, FeeRateConfirmation.voided_at.is_(None))).first()
    if existing is not None:
        raise RuleViolation(_("The collection rate of %(p)s was already prepared.", p=period))
    rows = collection_rates(user, year, month)
    figures = json.dumps([{k: (str(v) if not isinstance(v, (int, float)) else v)
                           for k, v in r.items()} for r in rows], ensure_ascii=False)
    c = FeeRateConfirmation(property_id=user.property_id, period=period, figures=figures,
                            prepared_by_id=user.id, prepared_at=utcnow(),
                            created_by_id=user.id)
    db.session.add(c)
    return c


def cosign(c: FeeRateConfirmation, user: Any) -> None:
    """财务部核实确认签字: someone of finance, not the preparer, once."""
    if c.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if c.cosigned_at is not None:
        raise RuleViolation(_("Finance already confirmed this collection rate."))
    if not user.has_role("finance"):
        raise RuleViolation(_("Only finance confirms the collection rate."))
    check_cosigner(FEE_RATE_COSIGN, user, c.prepared_by_id, c.property_id)
    record_cosign(c, user, "session")


def unconfirmed_months(user: Any, today: date | None = None) -> list[str]:
    """Months with notices whose confirmation was due (5th of the next month) and is
    not co-signed, over the last year."""
    today = today or local_today()
    last = today.replace(day=1) - timedelta(days=1)          # the previous month
    if today.day <= CONFIRM_BY_DAY:
        last = last.replace(day=1) - timedelta(days=1)
    periods = months_with_notices(user, [period_of(d) for d in recent_months(12, last)])
    done = set(db.session.execute(scoped(select(FeeRateConfirmation.period).where(
        FeeRateConfirmation.voided_at.is_(None), FeeRateConfirmation.cosigned_at.is_not(None),
        FeeRateConfirmation.period.in_(periods or {""})), FeeRateConfirmation, user)).scalars())
    return sorted(periods - done)


def months_with_notices(user: Any, months: list[str]) -> set[str]:
    """Which of ``months`` have a notice (not void) ``user`` may see: one index probe
    each.  (Their distinct periods read every notice of the year: 24,000 at 2,000
    units, 14 ms of the home page on PostgreSQL.)"""
    probes = [select(literal(m)).where(exists(scoped(select(FeeNotice.id).where(
        FeeNotice.period == m, FeeNotice.voided_at.is_(None)), FeeNotice, user)))
        for m in months]
    return set(db.session.execute(union_all(*probes)).scalars()) if probes else set()


@provides_due("fee_rate_confirmation")
def due_items(user: Any) -> list[tuple[str, int, str]]:
    months = unconfirmed_months(user)
    if not months:
        return []
    return [(_("Collection rate not confirmed by finance by the %(n)sth of the next month",
               n=CONFIRM_BY_DAY), len(months), "fee_rate_confirmation")]

