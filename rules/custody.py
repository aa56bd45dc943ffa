"""托管房的管理制度 as small functions: what an agreement must record, when an
inspection counts as done, and the due lists.

- an agreement records the owner's confirmation and that the owner was reminded
  to switch off power and close the gas valve; its owner lives in its unit;
- an interior inspection needs the owner contacted beforehand (when, how) and two
  or more staff — the second co-signs; until then it is pending, not done;
- due: routine inspections every ``inspect_every_days``; every day while a winter
  air-conditioning request is active; agreements ending within 14 days; vacant
  homes with fewer than two inspections this month.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.custody import (VACANT_CHECKLIST, VACANT_CHECKLIST_LABELS, CustodyAgreement,
                            CustodyInspection, VacantHomeInspection)
from models.reference import Unit
from models.staff import Staff

from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .due import DueRow, due_filter, provides_due
from .two_person import check_cosigner, declare, record_cosign

ENDING_SOON_DAYS = 14
VACANT_CHECKS_PER_MONTH = 2

def _interiors_waiting(user):
    """Interior inspections by one person, waiting for the second's co-sign."""
    return select(CustodyInspection).where(
        CustodyInspection.property_id == user.property_id,
        CustodyInspection.interior.is_(True), CustodyInspection.cosigned_by_id.is_(None),
        CustodyInspection.inspector_id != user.id, CustodyInspection.voided_at.is_(None))


CUSTODY_INSPECTION = declare("custody_inspection", _l("Custodial-home interior inspection"),
                             "custody_inspection", waiting=_interiors_waiting)


def check_agreement(a: CustodyAgreement) -> None:
    if a.owner is not None and a.owner.unit_id != (a.unit.id if a.unit else a.unit_id):
        raise RuleViolation(_("The owner must be an owner or occupant of this unit."))
    if a.starts_on and a.ends_on and a.ends_on < a.starts_on:
        raise RuleViolation(_("The custody period ends before it starts."))
    if a.butler is not None and not a.butler.has_role("butler", "supervisor"):
        raise RuleViolation(_("The responsible person must be an area butler."))
    if not a.power_gas_reminded:
        raise RuleViolation(_("Record that the owner was reminded to switch off the power "
                              "and close the gas valve."))
    if not a.owner_confirmed:
        raise RuleViolation(_("The owner must confirm the agreement."))
    if (a.winter_check_from is None) != (a.winter_check_until is None):
        raise RuleViolation(_("A winter check request needs both its first and last day."))
    if a.winter_check_from and a.winter_check_until < a.winter_check_from:
        raise RuleViolation(_("The winter check request ends before it starts."))
    if not a.inspect_every_days or a.inspect_every_days < 1:
        raise RuleViolation(_("Routine inspections need an interval of at least one day."))


def check_inspection(i: CustodyInspection, now: datetime | None = None) -> None:
    now = now or utcnow()
    a = i.agreement
    if a is None or a.voided_at is not None:
        raise RuleViolation(_("Choose a valid custody agreement."))
    if i.inspected_at is None or i.inspected_at > now + CLOCK_SKEW:
        raise RuleViolation(_("The inspection time cannot be in the future."))
    if i.interior:
        if i.owner_contacted_at is None or not i.owner_contact_method:
            raise RuleViolation(_("An interior inspection needs the owner contacted "
                                  "beforehand: record when and how."))
        if i.owner_contacted_at >= i.inspected_at:
            raise RuleViolation(_("The owner must be contacted before the inspection, "
                                  "not after it."))
    if i.key_checkout is not None:
        key = i.key_checkout.key
        if key is None or key.custody_agreement_id != a.id:
            raise RuleViolation(_("The key checkout must be of a key of this agreement."))


def check_vacant_inspection(v: VacantHomeInspection, now: datetime | None = None) -> None:
    """空置房巡查: a vacant unit, not in the future, and every failed item described."""
    if v.unit is not None and not v.unit.vacant:
        raise RuleViolation(_("This unit is not vacant."))
    if v.inspected_at and v.inspected_at > (now or utcnow()) + CLOCK_SKEW:
        raise RuleViolation(_("The inspection time cannot be in the future."))
    failed = [str(VACANT_CHECKLIST_LABELS[c]) for c in VACANT_CHECKLIST if not getattr(v, c)]
    if failed and not (v.findings or "").strip():
        raise RuleViolation(_("Describe what is wrong with: %(items)s.",
                              items="、".join(failed)))


def cosign_later(i: CustodyInspection, cosigner: Staff) -> None:
    """The second person confirms afterwards, signed in as themselves."""
    if i.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if i.is_cosigned:
        raise RuleViolation(_("This inspection is already co-signed."))
    check_cosigner(CUSTODY_INSPECTION, cosigner, i.inspector_id, i.property_id)
    record_cosign(i, cosigner, "session")


# -- due lists ------------------------------------------------------------------------

def _done_filter():
    return (CustodyInspection.voided_at.is_(None),
            or_(CustodyInspection.interior.is_(False),
                CustodyInspection.cosigned_by_id.is_not(None)))


def custody_due(user, today: date | None = None) -> list[DueRow]:
    today = today or local_today()
    agreements = db.session.execute(scoped(
        select(CustodyAgreement).where(CustodyAgreement.voided_at.is_(None),
                                       CustodyAgreement.starts_on <= today,
                                       CustodyAgreement.ends_on >= today),
        CustodyAgreement, user).order_by(CustodyAgreement.id)).scalars().all()
    if not agreements:
        return []
    last = dict(db.session.execute(
        select(CustodyInspection.agreement_id, func.max(CustodyInspection.inspected_at))
        .where(CustodyInspection.agreement_id.in_([a.id for a in agreements]), *_done_filter())
        .group_by(CustodyInspection.agreement_id)).all())
    start_of_today = local_day_end_utc(today - timedelta(days=1))
    rows: list[DueRow] = []
    for a in agreements:
        seen = last.get(a.id)
        if a.winter_active_on(today) and (seen is None or seen < start_of_today):
            rows.append(DueRow("winter", _("Daily winter check not done today"), a))
        elif seen is None or seen < local_day_end_utc(today - timedelta(days=a.inspect_every_days)):
            rows.append(DueRow("routine", _("Last inspection: %(d)s", d=seen.date() if seen
                                               else _("never")), a))
        if (a.ends_on - today).days <= ENDING_SOON_DAYS:
            rows.append(DueRow("ending", _("Ends on %(d)s", d=a.ends_on), a))
    return rows


def vacant_due(user, today: date | None = None) -> list[DueRow]:
    today = today or local_today()
    month_start = local_day_end_utc(today.replace(day=1) - timedelta(days=1))
    units = db.session.execute(scoped(
        select(Unit).where(Unit.vacant.is_(True), Unit.voided_at.is_(None)), Unit, user)
        .order_by(Unit.room)).scalars().all()
    if not units:
        return []
    counts = dict(db.session.execute(
        select(VacantHomeInspection.unit_id, func.count())
        .where(VacantHomeInspection.unit_id.in_([u.id for u in units]),
               VacantHomeInspection.voided_at.is_(None),
               VacantHomeInspection.inspected_at >= month_start)
        .group_by(VacantHomeInspection.unit_id)).all())
    return [DueRow("vacant", _("%(n)s of %(m)s inspections this month",
                           n=counts.get(u.id, 0), m=VACANT_CHECKS_PER_MONTH), u)
            for u in units if counts.get(u.id, 0) < VACANT_CHECKS_PER_MONTH]


def _agreements_of(kind: str):
    def rows(user) -> list:
        return [r.obj for r in custody_due(user) if r.kind == kind]
    return rows


for _kind in ("routine", "winter", "ending"):
    due_filter(f"custody_{_kind}", "custody_agreement")(_agreements_of(_kind))


@provides_due("custody_agreement")
def due_items(user) -> list[tuple[str, int, str]]:
    """(label, count, endpoint) for a dashboard."""
    rows = custody_due(user) + vacant_due(user)
    out = []
    for kind, label in (("routine", _("Custodial homes: routine inspection due")),
                        ("winter", _("Custodial homes: daily winter check due")),
                        ("ending", _("Custody agreements ending soon")),
                        ("vacant", _("Vacant homes: inspection due this month"))):
        n = sum(1 for r in rows if r.kind == kind)
        if n:
            out.append((label, n, "inspections_due",
                        *((f"custody_{kind}",) if kind != "vacant" else ())))
    return out


