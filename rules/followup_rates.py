"""Month rates of the kinds that follow another register (seed 003 篇5 4.1.2):
求助 50 % (the public-information lines of category C, 请求/求助), 活动 10 % of the
participants within 15 days, 报刊 10 % of the subscribed households."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from models.activities import ActivityRecord
from models.base import db
from models.followups import FollowUpVisit
from models.mail import Subscription
from models.public_info import PublicInfoEntry

from .scope import scoped

ACTIVITY_WITHIN = timedelta(days=15)


def _visits(user, kind: str, lo: datetime, hi: datetime):
    return scoped(select(FollowUpVisit).where(
        FollowUpVisit.kind == kind, FollowUpVisit.voided_at.is_(None),
        FollowUpVisit.visited_at >= lo, FollowUpVisit.visited_at < hi), FollowUpVisit, user)


def help_pair(user, lo: datetime, hi: datetime) -> tuple[int, int]:
    """求助: the month's category-C lines against the month's help visits."""
    base = db.session.execute(scoped(select(func.count()).select_from(PublicInfoEntry).where(
        PublicInfoEntry.voided_at.is_(None), PublicInfoEntry.category == "C",
        PublicInfoEntry.received_at >= lo, PublicInfoEntry.received_at < hi),
        PublicInfoEntry, user)).scalar_one()
    done = db.session.execute(select(func.count()).select_from(
        _visits(user, "help", lo, hi).subquery())).scalar_one()
    return int(base), min(int(base), int(done))


def activity_pair(user, lo: datetime, hi: datetime) -> tuple[int, int]:
    """活动: participants of the month's activities against their visits (linked rows
    within 15 days, plus the count typed on records made before visits were linked)."""
    from .activities import visits_done

    records = list(db.session.execute(scoped(select(ActivityRecord).where(
        ActivityRecord.voided_at.is_(None), ActivityRecord.held_at >= lo,
        ActivityRecord.held_at < hi), ActivityRecord, user)).unique().scalars())
    return (sum(r.participants for r in records),
            sum(min(r.participants, visits_done(r, in_time=True)) for r in records))


def newspaper_pair(user, first: date, nxt: date, lo: datetime, hi: datetime) -> tuple[int, int]:
    """报刊: households subscribed in the month against those visited."""
    units = set(db.session.execute(scoped(select(Subscription.unit_id).where(
        Subscription.voided_at.is_(None), Subscription.period_from < nxt,
        Subscription.period_until >= first), Subscription, user)).scalars())
    visited = {v.unit_id for v in db.session.execute(
        _visits(user, "newspaper", lo, hi)).unique().scalars()}
    return len(units), len(units & visited)
