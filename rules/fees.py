"""缴费通知单 and 欠费催缴 rules (the guide, Part 3 ch. 7): finance prints the month's
notices; the butler checks the account before delivering; money is taken by a named
collector and confirmed by finance; arrears of half a year get a written demand with
a deadline and a report to the general manager, of over a year legal action."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from audit import mark_action
from i18n import local_today
from models.base import db, utcnow
from models.fees import DELIVERY_METHODS, ArrearsCase, FeeNotice, FeeNoticeLine
from models.reference import Occupant, Unit
from models.staff import Staff

from .butler_areas import count_in_area
from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

# 物业费 per m² and month, until a property's fee schedule has a register of its own.
PROPERTY_FEE_PER_M2 = Decimal("2.50")
# Notices still not delivered on this day of the month are due.
DELIVER_BY_DAY = 10
HALF_YEAR, ONE_YEAR = 6, 12
CHECKERS = ("butler", "supervisor", "dept_manager")


def period_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


# -- 缴费通知单 ----------------------------------------------------------------------------

def generate_month(user: Staff, year: int, month: int) -> int:
    """财务部每月初打印当月《缴费通知单》: one notice per unit of the user's property
    not billed yet for the month, with 物业费 (area × rate), 水电 and 其他 (0, finance
    fills them in) and 签单服务费 (the month's sign-bill orders, rules/water.py)."""
    from .water import sign_bill_totals

    if not user.has_role("finance") or user.property_id is None:
        raise RuleViolation(_("Finance issues the fee notices of its own property."))
    period = f"{year}-{month:02d}"
    billed = set(db.session.execute(select(FeeNotice.unit_id).where(
        FeeNotice.property_id == user.property_id, FeeNotice.period == period)).scalars())
    signed = {row["unit"].id: row["total"] for row in sign_bill_totals(user, year, month)}
    owners = {o.unit_id: o for o in db.session.execute(select(Occupant).where(
        Occupant.property_id == user.property_id, Occupant.kind == "owner",
        Occupant.voided_at.is_(None)).order_by(Occupant.id.desc())).scalars()}
    now, made = utcnow(), 0
    units = db.session.execute(select(Unit).where(
        Unit.property_id == user.property_id, Unit.voided_at.is_(None)).order_by(Unit.room))
    for unit in units.scalars():
        if unit.id in billed:
            continue
        amounts = {"property_fee": _money(Decimal(unit.area_m2 or 0) * PROPERTY_FEE_PER_M2),
                   "utilities": _money(0), "sign_bill": _money(signed.get(unit.id)),
                   "other": _money(0)}
        owner = owners.get(unit.id)
        notice = FeeNotice(property_id=user.property_id, period=period, unit=unit,
                           owner_id=owner.id if owner else None, printed_at=now,
                           finance_id=user.id, created_by_id=user.id,
                           amount_due=sum(amounts.values(), Decimal("0")))
        notice.lines = [FeeNoticeLine(property_id=user.property_id, item=k, amount=v,
                                      created_by_id=user.id) for k, v in amounts.items()]
        db.session.add(notice)
        made += 1
    return made


def reprice(n: FeeNotice) -> None:
    """应收 is the sum of the lines; once the butler checked it, it stays."""
    total = sum((_money(line.amount) for line in n.lines), Decimal("0"))
    if any(line.amount is not None and line.amount < 0 for line in n.lines):
        raise RuleViolation(_("An amount cannot be negative."))
    if n.checked_at is not None and total != _money(n.amount_due):
        raise RuleViolation(_("The account of this notice was checked; its amounts can no "
                              "longer change."))
    n.amount_due = total


def check_account(n: FeeNotice, butler: Staff) -> None:
    """区域管家根据《缴费通知单》进行帐目核对."""
    if not butler.has_role(*CHECKERS):
        raise RuleViolation(_("The area butler checks the account."))
    if n.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if n.checked_at is not None:
        raise RuleViolation(_("The account of this notice was already checked."))
    n.checked_by_id, n.checked_at = butler.id, utcnow()
    mark_action(n, "fee_check")


def deliver(n: FeeNotice, method: str, at: datetime) -> None:
    """核对完毕后开始发放: never before the account check."""
    if n.checked_at is None:
        raise RuleViolation(_("Check the account before delivering the notice."))
    if n.delivered_at is not None:
        raise RuleViolation(_("This notice was already delivered."))
    if method not in DELIVERY_METHODS:
        raise RuleViolation(_("Choose how the notice was delivered."))
    if at is None or at > utcnow() + CLOCK_SKEW or at < n.checked_at - CLOCK_SKEW:
        raise RuleViolation(_("Give the time of delivery (after the check, not in the future)."))
    n.delivery_method, n.delivered_at = method, at
    mark_action(n, "deliver")


def record_payment(n: FeeNotice, amount: Decimal | None, at: datetime | None,
                   collector: Staff | None) -> None:
    """业主缴费, 管家按缴费单收取: who collected it is required."""
    if collector is None or collector.property_id != n.property_id:
        raise RuleViolation(_("Name the member of staff who collected the money."))
    if n.paid_at is not None:
        raise RuleViolation(_("A payment was already recorded on this notice."))
    if amount is None or amount <= 0:
        raise RuleViolation(_("Give the amount received."))
    if at is None or at > utcnow() + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of payment (not in the future)."))
    n.paid_amount, n.paid_at, n.collected_by_id = _money(amount), at, collector.id
    mark_action(n, "fee_payment")


def confirm_payment(n: FeeNotice, user: Staff) -> None:
    """交财务确认: only finance confirms money received."""
    if not user.has_role("finance"):
        raise RuleViolation(_("Only finance confirms a payment."))
    if n.paid_at is None:
        raise RuleViolation(_("No payment is recorded on this notice."))
    if n.confirmed_at is not None:
        raise RuleViolation(_("Finance already confirmed this payment."))
    n.confirmed_by_id, n.confirmed_at = user.id, utcnow()
    mark_action(n, "finance_receive")


def unpaid_of(unit_id: int) -> tuple:
    """A unit's notices not paid: not voided, something due, no payment."""
    return (FeeNotice.unit_id == unit_id, FeeNotice.voided_at.is_(None),
            FeeNotice.paid_at.is_(None), FeeNotice.amount_due > 0)


def unit_arrears(unit_id: int) -> tuple[Decimal, int]:
    """The unit's unpaid amount and number of unpaid months (notices not voided)."""
    q = select(func.coalesce(func.sum(FeeNotice.amount_due), 0), func.count()).where(
        *unpaid_of(unit_id))
    amount, months = db.session.execute(q).one()
    return _money(amount), int(months)


# -- 欠费催缴 -----------------------------------------------------------------------------

EXTENSION_APPROVERS = ("dept_manager", "general_manager")


def check_extension(c: ArrearsCase, user: Staff, changed: bool) -> None:
    """延长期限: only for financial hardship, granted by the department or general
    manager (the one who saves it is recorded as the approver)."""
    if not changed:
        return
    if c.extended_to is None:
        c.extension_approved_by_id = None
        return
    if c.cause != "hardship":
        raise RuleViolation(_("A deadline is extended only for an owner in financial hardship."))
    if not user.has_role(*EXTENSION_APPROVERS):
        raise RuleViolation(_("An extension needs the approval of the department manager or "
                              "the general manager."))
    c.extension_approved_by_id = user.id


def check_case(c: ArrearsCase, today: date | None = None) -> None:
    today = today or local_today()
    if c.unit is None or c.unit.property_id != c.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if c.months is None or c.months < 1 or c.amount is None or c.amount <= 0:
        raise RuleViolation(_("Give the months and amount in arrears."))
    if c.since is None or c.since > today:
        raise RuleViolation(_("Give the month the arrears began (not in the future)."))
    if c.letter_sent_at is not None and (c.letter_deadline is None
                                         or c.letter_deadline <= c.letter_sent_at.date()):
        raise RuleViolation(_("A written demand names the deadline for payment (after the "
                              "day it is sent)."))
    if c.legal_on is not None and c.months <= ONE_YEAR:
        raise RuleViolation(_("Legal action is for arrears of more than a year."))
    for a in c.attempts:
        if a.property_id is None:
            a.property_id = c.property_id
        if a.at is not None and a.at > utcnow() + CLOCK_SKEW:
            raise RuleViolation(_("A collection attempt cannot be in the future."))
        # 催缴记录: 时间, 方式, 人员, 结果 — a line without one of them proves nothing
        if a.at is None or not (a.staff_name or "").strip() or not (a.result or "").strip():
            raise RuleViolation(_("A collection attempt records when, by whom and the result."))


def due_where(today: date | None = None) -> dict[str, tuple]:
    """Each due kind's conditions (counted here, listed by the fee notice / arrears view)."""
    today = today or local_today()
    open_case = (ArrearsCase.voided_at.is_(None), ArrearsCase.settled_on.is_(None))
    return {
        "undelivered": (FeeNotice.period == period_of(today), FeeNotice.voided_at.is_(None),
                        FeeNotice.delivered_at.is_(None)),
        "cause": (*open_case, ArrearsCase.cause.is_(None)),
        "half": (*open_case, ArrearsCase.months >= HALF_YEAR,
                 (ArrearsCase.letter_sent_at.is_(None)) | (ArrearsCase.reported_at.is_(None))),
        "legal": (*open_case, ArrearsCase.months > ONE_YEAR, ArrearsCase.legal_on.is_(None)),
    }


# (kind, filter name, list page): the rows of each item, from the same conditions
DUE_FILTER_NAMES = {"undelivered": ("fee_undelivered", "fee_notice"),
                    "cause": ("arrears_cause", "arrears_case"),
                    "half": ("arrears_half_year", "arrears_case"),
                    "legal": ("arrears_legal", "arrears_case")}


def _kind_filter(kind: str):
    def where(user):
        return and_(*due_where()[kind])
    return where


for _kind, (_name, _page) in DUE_FILTER_NAMES.items():
    due_filter(_name, _page)(_kind_filter(_kind))


@provides_due("fee_notice")
def due_items(user) -> list[tuple]:
    today = local_today()
    where = due_where(today)
    out = []

    def add(kind: str, label: str) -> None:
        model = FeeNotice if kind == "undelivered" else ArrearsCase
        n = count_in_area(user, model, *where[kind])
        if n:
            name, page = DUE_FILTER_NAMES[kind]
            out.append((label, n, page, name))

    if today.day > DELIVER_BY_DAY:
        add("undelivered", _("Fee notices not delivered by day %(n)s", n=DELIVER_BY_DAY))
    add("cause", _("Arrears: contact the owner and record the cause"))
    add("half", _("Arrears of 6 months or more: written demand with a deadline and report "
                  "to the general manager"))
    add("legal", _("Arrears of over a year: consider legal action"))
    return out


# -- 收费率 ----------------------------------------------------------------------------------

def collection_rates(user, year: int, month: int) -> list[dict]:
    """The month's and the year's cumulative collection rate per butler (the one who
    checked the notices: the butler of the area), counting payments finance confirmed."""
    period, first = f"{year}-{month:02d}", f"{year}-01"
    paid = case((FeeNotice.confirmed_at.is_not(None), FeeNotice.paid_amount), else_=0)
    q = scoped(select(
        FeeNotice.checked_by_id,
        func.sum(case((FeeNotice.period == period, FeeNotice.amount_due), else_=0)),
        func.sum(case((FeeNotice.period == period, paid), else_=0)),
        func.sum(FeeNotice.amount_due), func.sum(paid)).where(
        FeeNotice.voided_at.is_(None), FeeNotice.period >= first, FeeNotice.period <= period)
        .group_by(FeeNotice.checked_by_id), FeeNotice, user)
    names = dict(db.session.execute(select(Staff.id, Staff.full_name)).all())
    rows = []
    for butler_id, due, got, due_ytd, got_ytd in db.session.execute(q):
        rows.append({"butler": names.get(butler_id, "") if butler_id else _("Not checked yet"),
                     "due": _money(due), "paid": _money(got), "rate": _rate(got, due),
                     "due_ytd": _money(due_ytd), "paid_ytd": _money(got_ytd),
                     "rate_ytd": _rate(got_ytd, due_ytd)})
    return sorted(rows, key=lambda r: r["butler"])


def _rate(got, due) -> float:
    return round(float(got or 0) * 100 / float(due), 1) if due else 0.0


def rates_per_month(user, months: int = 12) -> tuple[list[str], list[int]]:
    """Dashboard: the collection rate (%) of each of the last months' notices."""
    from .stats import recent_months

    periods = [period_of(d) for d in recent_months(months)]
    paid = case((FeeNotice.confirmed_at.is_not(None), FeeNotice.paid_amount), else_=0)
    q = scoped(select(FeeNotice.period, func.sum(FeeNotice.amount_due), func.sum(paid)).where(
        FeeNotice.voided_at.is_(None), FeeNotice.period >= periods[0],
        FeeNotice.period <= periods[-1]).group_by(FeeNotice.period), FeeNotice, user)
    got = {p: int(_rate(paid_sum, due)) for p, due, paid_sum in db.session.execute(q)}
    return periods, [got.get(p, 0) for p in periods]
