"""出门条 and 住户搬出登记表 rules (the guide, Part 3 ch. 8): the desk issues a pass
only after the owner confirmed the release by phone, and logs that call in the
公共信息记录表 (房号, 客户姓名, 搬出物品); an occupant's move-out is registered in
advance, a tenant's with the owner's consent; security releases a pass at the gate
once, at its own property, before the pass expires (有效期壹天)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from audit import mark_action
from i18n import local_day_end_utc, local_today, utc_to_local
from models.base import db, utcnow
from models.exit_pass import (CALL_RESULTS, GATES, PURPOSES, ExitPass, MoveOut)
from models.public_info import PublicInfoEntry
from models.staff import Staff

from .due import due_filter, provides_due
from .errors import RuleViolation, StaleEdit
from .scope import CLOCK_SKEW, scoped
from .sequence import next_number

# A phone confirmation older than this does not cover a pass issued now.
CONFIRMATION_FRESH = timedelta(hours=12)


def valid_until(issued_at: datetime) -> datetime:
    """有效期壹天: the end of the local day after the day of issue, in UTC."""
    return local_day_end_utc(utc_to_local(issued_at).date() + timedelta(days=1))


def mask_id_number(value: str | None) -> str:
    """An ID number as security reads it: every character starred but the last 4."""
    text = value or ""
    return "*" * max(0, len(text) - 4) + text[-4:]


def _own_unit(record, unit) -> None:
    if unit is None:
        raise RuleViolation(_("Choose the unit."))
    if unit.property_id != record.property_id:
        raise RuleViolation(_("You may only record data for your own property."))


def _check_call(called_at: datetime | None, result: str | None, now: datetime,
                missing: str) -> None:
    if called_at is None or not result:
        raise RuleViolation(missing)
    if result not in CALL_RESULTS:
        raise RuleViolation(missing)
    if called_at > now + CLOCK_SKEW:
        raise RuleViolation(_("The phone confirmation cannot be in the future."))
    if result != "agreed":
        raise RuleViolation(_("The owner did not agree to the release on the phone; no pass "
                              "can be issued."))


# -- 住户搬出登记表 -----------------------------------------------------------------------

def check_move_out(m: MoveOut, user: Staff, is_created: bool, now: datetime | None = None) -> None:
    """Refuse a move-out the paper form would not accept."""
    now = now or utcnow()
    _own_unit(m, m.unit)
    if m.occupant is None or m.occupant.unit_id != m.unit.id:
        raise RuleViolation(_("Choose the occupant of this unit who moves out."))
    if m.planned_on is None:
        raise RuleViolation(_("Give the planned moving-out date."))
    if is_created and m.planned_on < local_today():
        raise RuleViolation(_("A move-out is registered in advance: the planned date cannot "
                              "be in the past."))
    if not (m.goods or "").strip():
        raise RuleViolation(_("List the goods to be moved out."))
    if m.occupant.kind == "tenant":
        _check_call(m.owner_called_at, m.owner_call_result, now,
                    _("A tenant moves out only with the owner's consent: record the call to "
                      "the owner (when and the answer)."))
        if m.owner_called_by_id is None:
            m.owner_called_by_id = user.id
    if is_created:
        m.clerk_id = user.id
        m.serial_no = next_number("move_out", m.property_id, MoveOut.serial_no)


# -- 出门条 --------------------------------------------------------------------------------

def check_pass(p: ExitPass, now: datetime | None = None) -> None:
    """Refuse a pass the paper form would not accept (before it is issued)."""
    now = now or utcnow()
    _own_unit(p, p.unit)
    if p.purpose not in PURPOSES:
        raise RuleViolation(_("Choose what the pass is for."))
    if p.gate not in GATES:
        raise RuleViolation(_("Choose the gate the goods leave by."))
    if not (p.holder_name or "").strip() or not (p.id_number or "").strip():
        raise RuleViolation(_("Give the name and ID number of the person carrying the goods."))
    lines = [i for i in p.items if (i.name or "").strip()]
    if not lines:
        raise RuleViolation(_("List the goods and their quantities."))
    if any(i.quantity is None or i.quantity <= 0 for i in lines):
        raise RuleViolation(_("Each item needs a quantity of at least 1."))
    if p.owner is None or p.owner.unit_id != p.unit.id or p.owner.kind != "owner":
        raise RuleViolation(_("Choose the owner of this unit who confirmed the release."))
    _check_call(p.confirm_called_at, p.confirm_result, now,
                _("Phone the owner and record the confirmation (when and the answer) before "
                  "issuing the pass."))
    if p.confirm_called_at < now - CONFIRMATION_FRESH:
        raise RuleViolation(_("The owner's confirmation is older than 12 hours; phone again."))
    if p.purpose == "move_out":
        m = p.move_out
        if m is None or m.voided_at is not None or m.unit_id != p.unit.id:
            raise RuleViolation(_("An occupant moving out needs a move-out registration "
                                  "(住户搬出登记表) of this unit first."))
    elif p.move_out is not None and p.move_out.unit_id != p.unit.id:
        raise RuleViolation(_("The move-out registration is of another unit."))


def goods_text(p: ExitPass) -> str:
    return "、".join(str(i) for i in p.items if (i.name or "").strip())


def issue(p: ExitPass, user: Staff, now: datetime | None = None) -> None:
    """Number and date the pass, sign it by ``user`` and log the owner's call in the
    公共信息记录表 (the guide: 房号, 客户姓名, 搬出物品)."""
    now = now or utcnow()
    check_pass(p, now)
    p.issued_at = now
    p.valid_until = valid_until(now)
    p.issuer_id = user.id
    p.confirm_called_by_id = user.id
    p.pass_no = next_number("exit_pass", p.property_id, ExitPass.pass_no)
    entry = PublicInfoEntry(
        property_id=p.property_id, received_at=p.confirm_called_at, unit_id=p.unit.id,
        caller_name=p.owner.name, caller_phone=p.owner.phone,
        reason=_("Owner confirmed the release of goods: %(goods)s (carried by %(name)s)",
                 goods=goods_text(p), name=p.holder_name),
        category="D", receiver_id=user.id, completed_at=now,
        completion=_("Exit pass No.%(n)s issued.", n=p.number), created_by_id=user.id)
    db.session.add(entry)
    p.public_info = entry


def check_void(p: ExitPass) -> None:
    if p.checked_at is not None:
        raise RuleViolation(_("This pass was used at the gate; it cannot be voided."))


def mark_used(p: ExitPass, guard: Staff, version_seen: int | None,
              now: datetime | None = None) -> None:
    """Security releases the goods at the gate: own property, once, before expiry."""
    now = now or utcnow()
    if guard is None or not guard.has_role("security"):
        raise RuleViolation(_("Only security staff release goods at the gate."))
    if guard.property_id != p.property_id:
        raise RuleViolation(_("This pass is of another property."))
    if p.voided_at is not None:
        raise RuleViolation(_("This pass is void: do not let the goods out."))
    if p.checked_at is not None:
        raise RuleViolation(_("This pass was already used at %(at)s: do not let the goods out "
                              "again.", at=f"{utc_to_local(p.checked_at):%Y-%m-%d %H:%M}"))
    if now >= p.valid_until:
        raise RuleViolation(_("This pass expired at %(at)s: the desk must issue a new one.",
                              at=f"{utc_to_local(p.valid_until):%Y-%m-%d %H:%M}"))
    if version_seen is not None and version_seen != p.version:
        raise StaleEdit(p)
    p.guard_id = guard.id
    p.checked_at = now
    mark_action(p, "gate_release")


# -- due ------------------------------------------------------------------------------------

def today_bounds() -> tuple[datetime, datetime]:
    today = local_today()
    return local_day_end_utc(today - timedelta(days=1)), local_day_end_utc(today)


def open_passes(user, now: datetime | None = None):
    """Passes not used nor void, still valid (served by ``ix_exit_pass_open``)."""
    now = now or utcnow()
    return scoped(select(ExitPass).where(
        ExitPass.checked_at.is_(None), ExitPass.voided_at.is_(None),
        ExitPass.issued_at >= now - timedelta(days=2), ExitPass.valid_until > now),
        ExitPass, user)


@due_filter("exit_pass_unchecked", "exit_pass")
def unchecked_today(user):
    """Passes issued today not yet checked at the gate (the list scopes them)."""
    from sqlalchemy import and_

    lo, hi = today_bounds()
    return and_(ExitPass.checked_at.is_(None), ExitPass.voided_at.is_(None),
                ExitPass.issued_at >= lo, ExitPass.issued_at < hi)


@due_filter("move_out_today", "move_out")
def moves_today(user):
    """Move-outs planned for today (counted below, listed by the move-out view)."""
    return and_(MoveOut.voided_at.is_(None), MoveOut.planned_on == local_today())


@provides_due("exit_pass")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    """Passes issued today not yet checked at the gate; move-outs scheduled today."""
    lo, hi = today_bounds()
    out = []
    passes = db.session.execute(scoped(select(func.count()).select_from(ExitPass).where(
        unchecked_today(user)), ExitPass, user)).scalar()
    if passes:
        out.append((_("Exit passes issued today not yet checked at the gate"), passes,
                    "exit_pass", "exit_pass_unchecked"))
    moves = db.session.execute(scoped(select(func.count()).select_from(MoveOut).where(
        moves_today(user)), MoveOut, user)).scalar()
    if moves:
        out.append((_("Move-outs scheduled today"), moves, "move_out", "move_out_today"))
    return out
