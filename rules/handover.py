"""交接班管理制度: what a handover must hold and who signs it.

- The outgoing person (signed in) enters it; the incoming person — someone else,
  active, of the same property, of the desk — co-signs with their own PIN or
  password, on the form or later signed in.  Until then it shows 等待接班人签字 and
  does not count (a shift end without a co-signed handover is due).
- The computed sections (``rules.handover_sections.SECTIONS``) are snapshotted at
  entry and checked: keys counted against those expected (a difference explained),
  deposits checked while anything is held, the night shift's charged orders handed.
- Nothing changes after the co-sign: it is voided instead.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from i18n import local_to_utc, utc_to_local
from models.base import db, utcnow
from models.handover import SHIFTS, HandoverMatter, ShiftHandover
from models.staff import Staff

from .due import provides_due
from .errors import RuleViolation
from .handover_sections import (SECTIONS, SHIFT_TIMES, check, compute, keys_at_desk,  # noqa: F401
                                section)
from .handover_times import shift_times
from .scope import CLOCK_SKEW, scoped
from .two_person import check_cosigner, declare, record_cosign

HANDOVER_ROLES = ("clerk", "butler", "supervisor", "dept_manager")
SHIFT_HANDOVER = declare("shift_handover", _l("Shift handover: the incoming person signs"),
                         "shift_handover", roles=HANDOVER_ROLES,
                         waiting=lambda user: waiting_query(user))
# A handover this close to a shift end (before or after) is that shift's handover.
NEAR_SHIFT_END = timedelta(hours=3)
# Shift ends looked at for the due list.
DUE_WINDOW = timedelta(hours=24)


def check_incoming(h: ShiftHandover, incoming: Staff | None) -> None:
    """The incoming person, as the paper form's 接班人 must be."""
    if incoming is None:
        raise RuleViolation(_("Choose the incoming person."))
    if incoming.id == h.outgoing_id:
        raise RuleViolation(_("The incoming person cannot be the outgoing person."))
    if not incoming.active:
        raise RuleViolation(_("%(name)s is not an active staff member.",
                              name=incoming.full_name))
    if incoming.property_id != h.property_id:
        raise RuleViolation(_("The incoming person must work at this property."))
    check_cosigner(SHIFT_HANDOVER, incoming, h.outgoing_id, h.property_id)


def check_handover(h: ShiftHandover, user: Staff, now: datetime | None = None) -> None:
    """Fill the snapshot of the computed sections and refuse what the form must not hold."""
    now = now or utcnow()
    if h.shift not in SHIFTS:
        raise RuleViolation(_("Choose the shift: day or night."))
    if h.handed_over_at is None or h.handed_over_at > now + CLOCK_SKEW:
        raise RuleViolation(_("The handover time cannot be in the future."))
    if h.reported_at is not None and h.reported_at > now + CLOCK_SKEW:
        raise RuleViolation(_("The time reported to the superior cannot be in the future."))
    check_incoming(h, h.incoming)
    for m in h.matters:
        m.property_id = h.property_id
        if not (m.text or "").strip():
            raise RuleViolation(_("Describe each open matter, or remove the empty line."))
        if m.butler is not None and m.butler.property_id != h.property_id:
            raise RuleViolation(_("You may only record data for your own property."))
        m.status = m.status if m.status in ("open", "closed") else "open"
    if h.id is None:
        check_carried(h, user)
    data = compute(h, user)
    check(h, data)
    h.sections_json = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def check_editable(h: ShiftHandover) -> None:
    """A co-signed handover is the record both people signed: void it, never edit it."""
    if h.is_cosigned:
        raise RuleViolation(_("This handover is co-signed and cannot be changed; void it "
                              "and enter a new one."))


def check_cosign(h: ShiftHandover, cosigner: Staff) -> None:
    """Only the incoming person named on the handover signs it, once."""
    if h.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if h.is_cosigned:
        raise RuleViolation(_("This handover is already co-signed."))
    check_cosigner(SHIFT_HANDOVER, cosigner, h.outgoing_id, h.property_id)
    incoming_id = h.incoming.id if h.incoming is not None else h.incoming_id
    if cosigner.id != incoming_id:
        raise RuleViolation(_("Only the incoming person named on the handover (%(name)s) "
                              "signs it.", name=h.incoming.full_name if h.incoming else ""))


def cosign(h: ShiftHandover, cosigner: Staff, method: str) -> None:
    check_cosign(h, cosigner)
    record_cosign(h, cosigner, method)


# -- carried-over matters -------------------------------------------------------------------

def previous_open_matters(user) -> list[HandoverMatter]:
    """The open matters of the latest co-signed handover: the next one starts with them."""
    q = scoped(select(ShiftHandover.id).where(ShiftHandover.voided_at.is_(None),
                                              ShiftHandover.cosigned_by_id.is_not(None)),
               ShiftHandover, user).order_by(ShiftHandover.handed_over_at.desc(),
                                             ShiftHandover.id.desc()).limit(1)
    last = db.session.execute(q).scalar()
    if last is None:
        return []
    return list(db.session.execute(select(HandoverMatter).where(
        HandoverMatter.handover_id == last, HandoverMatter.status == "open",
        HandoverMatter.voided_at.is_(None)).order_by(HandoverMatter.id)).scalars())


def check_carried(h: ShiftHandover, user) -> None:
    """Open matters of the last signed handover stay on the next one until closed (the
    form pre-fills them; marking one 已完成 closes it)."""
    texts = {(m.text or "").strip() for m in h.matters}
    for m in previous_open_matters(user):
        if m.text.strip() not in texts:
            raise RuleViolation(_("The open matter '%(text)s' of the last handover is "
                                  "missing: keep it, and mark it closed once done.",
                                  text=m.text))


# -- due -------------------------------------------------------------------------------------

def shift_ends(now: datetime, window: timedelta = DUE_WINDOW,
               property_id: int | None = None) -> list[tuple[str, datetime]]:
    """(shift, end in UTC) of the property's shift ends in (now - window, now]."""
    local = utc_to_local(now)
    out = []
    for shift, (_start, end_t) in shift_times(property_id).items():
        for d in range(-2, 1):
            end = local_to_utc(datetime.combine(local.date() + timedelta(days=d), end_t))
            if now - window < end <= now:
                out.append((shift, end))
    return sorted(out, key=lambda x: x[1])


def missing_handovers(user, now: datetime | None = None) -> list[tuple[str, datetime]]:
    """Shift ends of the last day with no co-signed handover of that shift near them."""
    now = now or utcnow()
    if user.property_id is None:
        return []
    missing = []
    for shift, end in shift_ends(now, property_id=user.property_id):
        found = db.session.execute(select(func.count()).select_from(ShiftHandover).where(
            ShiftHandover.property_id == user.property_id, ShiftHandover.shift == shift,
            ShiftHandover.voided_at.is_(None), ShiftHandover.cosigned_by_id.is_not(None),
            ShiftHandover.handed_over_at.between(end - NEAR_SHIFT_END,
                                                 end + NEAR_SHIFT_END))).scalar()
        if not found:
            missing.append((shift, end))
    return missing


def waiting_query(user):
    """Handovers waiting for ``user`` to co-sign as the incoming person."""
    return select(ShiftHandover).where(ShiftHandover.incoming_id == user.id,
                                       ShiftHandover.cosigned_by_id.is_(None),
                                       ShiftHandover.voided_at.is_(None))


@provides_due("shift_handover")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    items = []
    missing = missing_handovers(user, now)
    if missing:
        items.append((_("Shift ends without a co-signed handover"), len(missing),
                      "shift_handover"))
    return items


# the handover's other due items live beside their rules: late handovers, reads
from . import handover_reads, handover_times  # noqa: E402,F401
