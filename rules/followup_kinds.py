"""回访 due lists and monthly rates of the remaining kinds (guide Part 3 ch.1 §7,
ch.2, ch.4; seed 003 篇5):

- 维修: 20 % of the day's completed repairs visited that day (at most 3 days later);
- 急修: visited within 24 hours of completion;
- 下雨后回访: every unit of a batch started after rain, within 3 days;
- 日常: each butler visits 3 households a week (due until Sunday);
- 节日: a greeting batch for each festival of the guide's list;
- 特约 (专项服务, not repairs) 100 %, 求助 50 %, 活动 and 报刊 10 % within 15 days.

The 服务单's own follow-up call counts as a visit of its order.  急修 and 渗漏水 are the
order's repair class (``ServiceOrder.repair_class``), not words in its text: the
field wins (an order whose text says 紧急 but is classed normal is not an urgent
repair, and one classed urgent is, whatever its text)."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_day_end_utc, local_today, utc_to_local
from models.base import db, utcnow
from models.followup_batches import FESTIVAL_LABELS, FollowUpBatch, FollowUpBatchUnit
from models.followups import FollowUpVisit
from models.service_orders import ServiceOrder
from models.staff import Staff

from .due import DueRow
from .followup_batches import festivals_between
from .scope import scoped

REPAIR_SAMPLE = 0.20
REPAIR_SAMPLE_DAYS = 3
URGENT_WITHIN = timedelta(hours=24)
LEAK_WITHIN_DAYS = 3
ROUTINE_PER_WEEK = 3
SPECIAL_WITHIN_DAYS = 5
HOLIDAY_AHEAD = 3
LIST_LIMIT = 200


def _orders(user, lo: datetime, hi: datetime, *where) -> list[tuple[int, datetime]]:
    q = scoped(select(ServiceOrder.id, ServiceOrder.completed_at).where(
        ServiceOrder.kind == "service", ServiceOrder.voided_at.is_(None),
        ServiceOrder.completed_at >= lo, ServiceOrder.completed_at < hi, *where),
        ServiceOrder, user)
    return [tuple(r) for r in db.session.execute(q)]


def first_visits(ids: list[int]) -> dict[int, datetime]:
    """Each order's earliest visit: its own follow-up call or a linked visit."""
    out: dict[int, datetime] = {}
    for i in range(0, len(ids), 1000):
        chunk = ids[i:i + 1000]
        for oid, at in db.session.execute(select(ServiceOrder.id, ServiceOrder.followup_at).where(
                ServiceOrder.id.in_(chunk), ServiceOrder.followup_at.is_not(None))):
            out[oid] = at
        for oid, at in db.session.execute(select(
                FollowUpVisit.service_order_id, func.min(FollowUpVisit.visited_at)).where(
                FollowUpVisit.service_order_id.in_(chunk), FollowUpVisit.voided_at.is_(None)
                ).group_by(FollowUpVisit.service_order_id)):
            out[oid] = min(at, out.get(oid, at))
    return out


def _repair_day(orders, visits, day: date) -> tuple[int, int, int]:
    """(completed that day, needed, visited in time) for one day's repairs."""
    mine = [(i, at) for i, at in orders if utc_to_local(at).date() == day]
    limit = local_day_end_utc(day + timedelta(days=REPAIR_SAMPLE_DAYS))
    done = sum(1 for i, _at in mine if i in visits and visits[i] < limit)
    return len(mine), math.ceil(len(mine) * REPAIR_SAMPLE), done


def repair_sample_due(user, today: date) -> list[DueRow]:
    lo = local_day_end_utc(today - timedelta(days=REPAIR_SAMPLE_DAYS + 1))
    orders = _orders(user, lo, local_day_end_utc(today),
                     ServiceOrder.department == "engineering")
    visits = first_visits([i for i, _ in orders])
    out = []
    for back in range(REPAIR_SAMPLE_DAYS, -1, -1):
        day = today - timedelta(days=back)
        n, need, done = _repair_day(orders, visits, day)
        if done < need:
            out.append(DueRow("repair_sample", _(
                "%(day)s: %(done)s of %(need)s repairs visited (a fifth of %(n)s completed)",
                day=day, done=done, need=need, n=n), day, day < today))
    return out


def urgent_due(user, now: datetime) -> tuple[list[DueRow], int]:
    orders = _orders(user, now - timedelta(days=7), now, ServiceOrder.repair_class == "urgent")
    visits = first_visits([i for i, _ in orders])
    left = sorted((at, i) for i, at in orders if i not in visits)
    found = {o.id: o for o in db.session.execute(select(ServiceOrder).where(
        ServiceOrder.id.in_([i for _, i in left[:LIST_LIMIT]]))).unique().scalars()}
    return [DueRow("urgent", str(found[i]), found[i], at < now - URGENT_WITHIN)
            for at, i in left[:LIST_LIMIT]], len(left)


def _visited_units(batch_ids: list[int]) -> set[tuple[int, int]]:
    if not batch_ids:
        return set()
    return set(db.session.execute(select(FollowUpVisit.batch_id, FollowUpVisit.unit_id).where(
        FollowUpVisit.batch_id.in_(batch_ids), FollowUpVisit.voided_at.is_(None))).all())


def _leak_lines(user, lo: date, hi: date) -> list[FollowUpBatchUnit]:
    q = scoped(select(FollowUpBatchUnit).join(FollowUpBatch).where(
        FollowUpBatch.kind == "leak", FollowUpBatch.voided_at.is_(None),
        FollowUpBatchUnit.voided_at.is_(None), FollowUpBatch.held_on >= lo,
        FollowUpBatch.held_on <= hi), FollowUpBatchUnit, user)
    return list(db.session.execute(q.order_by(FollowUpBatchUnit.id)).unique().scalars())


def leak_due(user, today: date) -> list[DueRow]:
    lines = _leak_lines(user, today - timedelta(days=30), today)
    done = _visited_units(sorted({ln.batch_id for ln in lines}))
    return [DueRow("leak", f"{ln.batch.held_on} · {ln}", ln,
                   ln.batch.held_on + timedelta(days=LEAK_WITHIN_DAYS) < today)
            for ln in lines if (ln.batch_id, ln.unit_id) not in done]


def butlers(user) -> list[Staff]:
    q = scoped(select(Staff).where(Staff.active.is_(True), Staff.roles.contains("butler")),
               Staff, user)
    return [s for s in db.session.execute(q.order_by(Staff.id)).scalars()
            if s.has_role("butler")]


def routine_counts(user, monday: date, end: date) -> dict[int, int]:
    q = scoped(select(FollowUpVisit.visitor_id, func.count()).where(
        FollowUpVisit.kind == "routine", FollowUpVisit.voided_at.is_(None),
        FollowUpVisit.visited_at >= local_day_end_utc(monday - timedelta(days=1)),
        FollowUpVisit.visited_at < local_day_end_utc(end)), FollowUpVisit, user)
    return dict(db.session.execute(q.group_by(FollowUpVisit.visitor_id)).all())


def routine_due(user, today: date) -> list[DueRow]:
    monday = today - timedelta(days=today.weekday())
    counts = routine_counts(user, monday, today)
    return [DueRow("routine", _("%(who)s: %(n)s of %(need)s households visited this week",
                                who=s.full_name, n=counts.get(s.id, 0), need=ROUTINE_PER_WEEK),
                   s, today.weekday() == 6)
            for s in butlers(user) if counts.get(s.id, 0) < ROUTINE_PER_WEEK]


def _holiday_batches(user, lo: date, hi: date) -> list[FollowUpBatch]:
    q = scoped(select(FollowUpBatch).where(
        FollowUpBatch.kind == "holiday", FollowUpBatch.voided_at.is_(None),
        FollowUpBatch.held_on >= lo - timedelta(days=7),
        FollowUpBatch.held_on <= hi + timedelta(days=7)), FollowUpBatch, user)
    return list(db.session.execute(q).unique().scalars())


def _greeted(batches, festival: str, day: date) -> bool:
    return any(b.festival == festival and abs((b.held_on - day).days) <= 7 for b in batches)


def holiday_due(user, today: date) -> list[DueRow]:
    wanted = festivals_between(today - timedelta(days=7), today + timedelta(days=HOLIDAY_AHEAD))
    batches = _holiday_batches(user, today - timedelta(days=7), today + timedelta(days=7))
    return [DueRow("holiday", f"{day} {FESTIVAL_LABELS[f]}", f, day < today)
            for f, day in wanted if not _greeted(batches, f, day)]


def special_due(user, now: datetime) -> tuple[list[DueRow], int]:
    """专项服务 (not repairs): every one visited (or called) within 5 days."""
    orders = _orders(user, now - timedelta(days=30), now,
                     ServiceOrder.department != "engineering")
    visits = first_visits([i for i, _ in orders])
    left = sorted((at, i) for i, at in orders if i not in visits)
    found = {o.id: o for o in db.session.execute(select(ServiceOrder).where(
        ServiceOrder.id.in_([i for _, i in left[:LIST_LIMIT]]))).unique().scalars()}
    return [DueRow("special", str(found[i]), found[i],
                   at < now - timedelta(days=SPECIAL_WITHIN_DAYS))
            for at, i in left[:LIST_LIMIT]], len(left)


SECTION_TITLES = {
    "repair_sample": lambda: _("Repairs: a fifth of each day's completed repairs visited that "
                               "day (at most 3 days later)"),
    "urgent": lambda: _("Urgent repairs to visit within 24 hours"),
    "leak": lambda: _("Units with leak repairs to visit after rain"),
    "routine": lambda: _("Butlers' routine visits: 3 households a week"),
    "holiday": lambda: _("Festivals without a greeting batch"),
    "special": lambda: _("Special services to visit (all of them, within 5 days)"),
    "activity": lambda: _("Activities: a tenth of the participants within 15 days"),
}


def due_sections(user, now: datetime | None = None,
                 skip: frozenset[str] = frozenset()) -> list[dict]:
    """The sections of the remaining kinds, but those in ``skip``."""
    from .activities import follow_ups_due

    now, today = now or utcnow(), local_today()
    found = {"repair_sample": lambda: repair_sample_due(user, today),
             "urgent": lambda: urgent_due(user, now),
             "leak": lambda: leak_due(user, today), "routine": lambda: routine_due(user, today),
             "holiday": lambda: holiday_due(user, today),
             "special": lambda: special_due(user, now),
             "activity": lambda: follow_ups_due(user, now)}
    out = []
    for kind, compute in found.items():
        if kind in skip:
            continue
        rows = compute()
        rows, total = rows if isinstance(rows, tuple) else (rows, len(rows))
        out.append({"id": kind, "title": SECTION_TITLES[kind](), "rows": rows, "total": total})
    return out


def month_pairs(user, first: date, nxt: date) -> list[tuple[str, str, int, tuple[int, int]]]:
    """(kind, label, target %, (base, done)) of the month for the remaining kinds."""
    from .followup_rates import activity_pair, help_pair, newspaper_pair

    today = local_today()
    lo, hi = local_day_end_utc(first - timedelta(days=1)), local_day_end_utc(nxt - timedelta(1))
    repairs = _orders(user, lo, hi, ServiceOrder.department == "engineering")
    visits = first_visits([i for i, _ in repairs])
    in3 = sum(1 for i, at in repairs if i in visits and visits[i] < local_day_end_utc(
        utc_to_local(at).date() + timedelta(days=REPAIR_SAMPLE_DAYS)))
    urgent = _orders(user, lo, hi, ServiceOrder.repair_class == "urgent")
    uv = first_visits([i for i, _ in urgent])
    special = _orders(user, lo, hi, ServiceOrder.department != "engineering")
    sv = first_visits([i for i, _ in special])
    lines = _leak_lines(user, first, nxt - timedelta(days=1))
    done_units = _visited_units(sorted({ln.batch_id for ln in lines}))
    last = min(nxt - timedelta(days=1), today)
    fests = festivals_between(first, last)
    batches = _holiday_batches(user, first, last)
    return [
        ("repair_sample", _("Repairs visited within 3 days (a fifth sampled)"), 20,
         (len(repairs), in3)),
        ("urgent_repair", _("Urgent repairs (within 24 hours)"), 100,
         (len(urgent), sum(1 for i, at in urgent if i in uv and uv[i] <= at + URGENT_WITHIN))),
        ("leak", _("Units visited after rain"), 100,
         (len(lines), sum(1 for ln in lines if (ln.batch_id, ln.unit_id) in done_units))),
        ("routine", _("Butlers' routine visits (3 a week)"), 100, _routine_pair(user, first, last)),
        ("holiday", _("Festival greetings"), 100,
         (len(fests), sum(1 for f, d in fests if _greeted(batches, f, d)))),
        ("special", _("Special services"), 100, (len(special), sum(1 for i, _ in special
                                                                    if i in sv))),
        ("help", _("Help given"), 50, help_pair(user, lo, hi)),
        ("activity", _("Activities (participants, within 15 days)"), 10,
         activity_pair(user, lo, hi)),
        ("newspaper", _("Newspaper subscribers"), 10, newspaper_pair(user, first, nxt, lo, hi)),
    ]


def _routine_pair(user, first: date, last: date) -> tuple[int, int]:
    """3 a week per butler, over the weeks begun in the month (up to today)."""
    staff = butlers(user)
    base = done = 0
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        counts = routine_counts(user, monday, monday + timedelta(days=6))
        base += ROUTINE_PER_WEEK * len(staff)
        done += sum(min(ROUTINE_PER_WEEK, counts.get(s.id, 0)) for s in staff)
        monday += timedelta(days=7)
    return base, done

