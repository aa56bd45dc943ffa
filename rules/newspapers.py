"""报纸/杂志订阅单 and 报刊分发表 (the guide, Part 2; seed 003 4.1.1, 4.3.1, 4.3.7):
a subscription is placed only after the resident has paid; renewal is due 30 days
before it ends; papers go out twice on weekdays (before 9:30 and before 17:00), each
round's counts checked against the subscriptions (a shortfall: chase the postman);
papers are not delivered at weekends but kept for Monday, unless the owner asked for
weekend delivery on the subscription; the month's distribution list (发放清单) is
updated from the subscriptions each month, due from the 1st until it is confirmed."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_now, local_today
from models.base import db, utcnow
from models.mail import ROUNDS, Distribution, DistributionListCheck, Subscription

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

RENEW_WITHIN = timedelta(days=30)
ROUND_BY = {"am": time(9, 30), "pm": time(17, 0)}


def check_subscription(sub: Subscription, now: datetime | None = None) -> None:
    now = now or utcnow()
    if sub.unit is not None and sub.unit.property_id != sub.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if not (sub.title or "").strip() or not (sub.subscriber or "").strip():
        raise RuleViolation(_("Give the subscriber and the title."))
    if sub.copies is None or sub.copies < 1:
        raise RuleViolation(_("At least one copy."))
    if sub.period_from is None or sub.period_until is None or \
            sub.period_until < sub.period_from:
        raise RuleViolation(_("The subscription period must end after it starts."))
    if sub.amount is None or sub.amount <= 0 or sub.paid_at is None:
        raise RuleViolation(_("The resident pays first: record the amount and the time of "
                              "payment before subscribing."))
    if sub.paid_at > now + CLOCK_SKEW:
        raise RuleViolation(_("The payment time cannot be in the future."))


@due_filter("subscription_renewal", "subscription")
def renewals_due(user, today: date | None = None) -> list[Subscription]:
    today = today or local_today()
    q = scoped(select(Subscription).where(
        Subscription.voided_at.is_(None), Subscription.period_until >= today,
        Subscription.period_until <= today + RENEW_WITHIN), Subscription, user)
    return list(db.session.execute(q.order_by(Subscription.period_until)).scalars())


def check_distribution(row: Distribution, now: datetime | None = None) -> None:
    now = now or utcnow()
    if row.unit is not None and row.unit.property_id != row.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if row.round not in ROUNDS:
        raise RuleViolation(_("Choose the round: morning or afternoon."))
    if row.copies is None or row.copies < 1:
        raise RuleViolation(_("At least one copy."))
    if row.day is None or row.day > local_today():
        raise RuleViolation(_("The day of the round cannot be in the future."))
    if row.day.weekday() >= 5 and not _weekend_asked(row):
        raise RuleViolation(_("Papers are not delivered at weekends but kept for Monday, "
                              "unless the owner asked for weekend delivery on the "
                              "subscription."))
    if row.delivered_at is not None:
        if row.delivered_at > now + CLOCK_SKEW:
            raise RuleViolation(_("The delivery time cannot be in the future."))
        if not (row.signer or "").strip():
            raise RuleViolation(_("Papers delivered are signed for: give the signer."))


def _active(property_id: int, day: date):
    return (Subscription.property_id == property_id, Subscription.voided_at.is_(None),
            Subscription.paid_at.is_not(None), Subscription.period_from <= day,
            Subscription.period_until >= day)


def _weekend_asked(row: Distribution) -> bool:
    """The unit's subscription to the title, on the round's day, asks for weekend
    delivery (业主要求周末送报)."""
    unit_id = row.unit.id if row.unit is not None else row.unit_id     # not flushed yet
    return bool(db.session.execute(select(func.count()).select_from(Subscription).where(
        *_active(row.property_id, row.day), Subscription.unit_id == unit_id,
        Subscription.title == row.title, Subscription.weekend_delivery.is_(True))).scalar())


def expected(property_id: int, day: date) -> dict[tuple[int, str], int]:
    """Copies due per (unit, title) on ``day`` from the paid subscriptions (at
    weekends only those whose owner asked for weekend delivery)."""
    q = select(Subscription.unit_id, Subscription.title, func.sum(Subscription.copies)).where(
        *_active(property_id, day))
    if day.weekday() >= 5:
        q = q.where(Subscription.weekend_delivery.is_(True))
    rows = db.session.execute(q.group_by(Subscription.unit_id, Subscription.title))
    return {(u, t): int(n) for u, t, n in rows}


def shortfall(property_id: int, day: date, round_: str) -> list[tuple[int, str, int, int]]:
    """(unit id, title, copies due, copies recorded) where the round fell short."""
    due = expected(property_id, day)
    got = dict(((u, t), int(n)) for u, t, n in db.session.execute(select(
        Distribution.unit_id, Distribution.title, func.sum(Distribution.copies)).where(
        Distribution.property_id == property_id, Distribution.day == day,
        Distribution.round == round_, Distribution.voided_at.is_(None))
        .group_by(Distribution.unit_id, Distribution.title)))
    return [(u, t, n, got.get((u, t), 0)) for (u, t), n in sorted(due.items())
            if got.get((u, t), 0) < n]


def rounds_not_recorded(user, now_local: datetime | None = None) -> list[str]:
    """Today's rounds past their time with nothing recorded (while papers are due);
    at weekends only the papers of owners who asked for weekend delivery are."""
    now_local = now_local or local_now()
    day = now_local.date()
    if user.property_id is None or not expected(user.property_id, day):
        return []
    out = []
    for rnd in ROUNDS:
        if now_local.time() < ROUND_BY[rnd]:
            continue
        done = db.session.execute(select(func.count()).select_from(Distribution).where(
            Distribution.property_id == user.property_id, Distribution.day == day,
            Distribution.round == rnd, Distribution.voided_at.is_(None))).scalar()
        if not done:
            out.append(rnd)
    return out


@provides_due("subscription")
def due_items(user) -> list[tuple[str, int, str]]:
    out = []
    renew = renewals_due(user)
    if renew:
        out.append((_("Subscriptions ending within 30 days (renewal)"), len(renew),
                    "subscription", "subscription_renewal"))
    missing = rounds_not_recorded(user)
    if missing:
        out.append((_("Newspaper round not recorded by its time"), len(missing),
                    "distribution"))
    if list_update_due(user):
        out.append((_("This month's newspaper distribution list to update"), 1,
                    "subscription"))
    now = local_now()
    if user.property_id is not None:
        short = [r for rnd in ROUNDS if now.time() >= ROUND_BY[rnd] and rnd not in missing
                 for r in shortfall(user.property_id, now.date(), rnd)]
        if short:
            out.append((_("Newspapers short of the subscriptions (chase the postman)"),
                        len(short), "distribution"))
    return out


# -- the month's distribution list (发放清单) ---------------------------------------------

def month_list(property_id: int, today: date | None = None) -> list[Subscription]:
    """This month's 发放清单: every paid subscription running in the month."""
    today = today or local_today()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    q = select(Subscription).where(
        Subscription.property_id == property_id, Subscription.voided_at.is_(None),
        Subscription.paid_at.is_not(None), Subscription.period_from <= last,
        Subscription.period_until >= first)
    return list(db.session.execute(q.order_by(Subscription.unit_id, Subscription.title))
                .scalars())


def list_confirmed(property_id: int, month: date) -> DistributionListCheck | None:
    return db.session.execute(select(DistributionListCheck).where(
        DistributionListCheck.property_id == property_id,
        DistributionListCheck.month == month,
        DistributionListCheck.voided_at.is_(None))).scalar()


def list_update_due(user, today: date | None = None) -> bool:
    """From the 1st of each month until this month's list is confirmed."""
    today = today or local_today()
    return user.property_id is not None and \
        list_confirmed(user.property_id, today.replace(day=1)) is None


def confirm_list(user, today: date | None = None) -> DistributionListCheck:
    """The month's list checked against the subscriptions and confirmed."""
    today = today or local_today()
    if user.property_id is None:
        raise RuleViolation(_("The distribution list is kept at a property; head office "
                              "cannot confirm it."))
    month = today.replace(day=1)
    if list_confirmed(user.property_id, month) is not None:
        raise RuleViolation(_("This month's distribution list is already confirmed."))
    subs = month_list(user.property_id, today)
    row = DistributionListCheck(property_id=user.property_id, month=month,
                                confirmed_by_id=user.id, confirmed_at=utcnow(),
                                lines=len(subs), copies=sum(s.copies for s in subs),
                                created_by_id=user.id)
    db.session.add(row)
    return row
