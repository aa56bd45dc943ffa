"""The computed sections of a 交接班记录表: what the desk holds at the moment of the
handover, read from the other registers (never retyped) and kept as a snapshot.

A section is a provider ``fn(handover, user) -> dict`` (JSON-able, with ``rows``: the
lines printed under its title) and an optional ``check(handover, data)`` raising
``RuleViolation``.  Another register adds its own section from its own module::

    from rules.handover_sections import section

    @section("notices", _l("Important information not yet carried out"))
    def unfulfilled_notices(handover, user):
        return {"rows": [...], "count": n}

The order of ``SECTIONS`` is the order on the form, the details page and the print.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from i18n import local_to_utc, utc_to_local
from models.base import db
from models.keys import NOT_ISSUABLE, Key, KeyCheckout
from models.service_orders import ServiceOrder

from .errors import RuleViolation
from .handover_times import DEFAULT_TIMES, shift_times

# 白班 / 夜班 when a property has no setting of its own (rules.handover_times).
SHIFT_TIMES: dict[str, tuple[time, time]] = DEFAULT_TIMES

Provider = Callable[[Any, Any], dict]
Check = Callable[[Any, dict], None]


@dataclass(frozen=True)
class Section:
    name: str
    title: Any
    provide: Provider
    check: Check | None = None


SECTIONS: list[Section] = []


def section(name: str, title: Any, check: Check | None = None) -> Callable[[Provider], Provider]:
    """Declare ``fn`` as the provider of a handover section (replacing one of that name)."""
    def wrap(fn: Provider) -> Provider:
        SECTIONS[:] = [s for s in SECTIONS if s.name != name]
        SECTIONS.append(Section(name, title, fn, check))
        return fn
    return wrap


def shift_window(shift: str, at: datetime,
                 property_id: int | None = None) -> tuple[datetime, datetime]:
    """(start, end) in UTC of the ``shift`` whose end is nearest to ``at`` (UTC), in the
    property's shift times."""
    times = shift_times(property_id)
    start_t, end_t = times.get(shift, times["day"])
    local = utc_to_local(at)
    ends = [datetime.combine(local.date() + timedelta(days=d), end_t) for d in (-1, 0, 1)]
    end = min(ends, key=lambda e: abs(e - local))
    hours = (datetime.combine(local.date(), end_t) - datetime.combine(local.date(), start_t))
    length = hours if hours > timedelta(0) else hours + timedelta(days=1)
    return local_to_utc(end - length), local_to_utc(end)


def _local(value: datetime | None) -> str:
    return f"{utc_to_local(value):%Y-%m-%d %H:%M}" if value else ""


# -- 钥匙交接 -------------------------------------------------------------------------------

def _check_keys(h, data: dict) -> None:
    if h.keys_counted is None or h.keys_counted < 0:
        raise RuleViolation(_("Count the keys at the desk and enter the number."))
    if h.keys_counted != data["expected"] and not (h.key_discrepancy or "").strip():
        raise RuleViolation(_("%(counted)s keys counted but %(expected)s expected at the desk: "
                              "explain the difference.", counted=h.keys_counted,
                              expected=data["expected"]))


@section("keys", _l("Key handover"), _check_keys)
def keys_at_desk(h, user) -> dict:
    """Issuable keys of the register minus the open checkouts (钥匙使用管理制度 §4)."""
    usable = (Key.property_id == h.property_id, Key.voided_at.is_(None),
              Key.status.not_in(NOT_ISSUABLE))
    total = db.session.execute(select(func.count()).select_from(Key).where(*usable)).scalar()
    out = db.session.execute(select(KeyCheckout).join(Key, KeyCheckout.key_id == Key.id).where(
        *usable, KeyCheckout.returned_at.is_(None), KeyCheckout.voided_at.is_(None))
        .order_by(KeyCheckout.out_at)).scalars().all()
    h.keys_expected = total - len(out)
    rows = [_("%(key)s — out to %(who)s since %(at)s (%(reason)s)", key=c.key.label,
              who=c.borrower_name, at=_local(c.out_at), reason=c.reason) for c in out]
    return {"expected": h.keys_expected, "total": total, "rows": rows,
            "out": [{"checkout": c.id, "key": c.key.label, "borrower": c.borrower_name,
                     "out_at": _local(c.out_at)} for c in out]}


# -- 寄存物品交接 -----------------------------------------------------------------------------

def _check_deposits(h, data: dict) -> None:
    if data["rows"] and not h.deposits_checked:
        raise RuleViolation(_("%(n)s items are in custody: check them and tick "
                              "'deposits checked'.", n=len(data["rows"])))


@section("deposits", _l("Deposited items handover"), _check_deposits)
def deposits_held(h, user) -> dict:
    """Deposits not released and customer-deposited keys (rules.valuables.in_custody)."""
    from .valuables import in_custody

    deposits, keys = in_custody(user)
    rows = [_("Deposit %(d)s since %(at)s", d=str(d), at=_local(d.deposited_at))
            for d in deposits if d.property_id == h.property_id]
    rows += [_("Deposited key %(k)s", k=k.label) for k in keys if k.property_id == h.property_id]
    return {"rows": rows}


# -- 服务单统计 ------------------------------------------------------------------------------

@section("orders", _l("Service orders of the shift"))
def orders_of_shift(h, user) -> dict:
    """The shift's service-order numbers and the missing ones (缺号, gap report); the
    outgoing person follows the missing numbers up."""
    from .service_orders import gap_report, serial_range

    start, end = shift_window(h.shift, h.handed_over_at, h.property_id)
    end = max(end, h.handed_over_at)
    lo, hi = serial_range(h.property_id, start, end)
    h.order_no_from, h.order_no_to = lo, hi
    if lo is None:
        return {"from": None, "to": None, "missing": [], "voided": [],
                "rows": [_("No service orders were raised in this shift.")]}
    report = gap_report(h.property_id, lo, hi)
    voided = [r.serial_no for r in report["voided"]]
    rows = [_("Nos. %(lo)s–%(hi)s", lo=lo, hi=hi)]
    if report["missing"] or voided:
        rows.append(_("Missing: %(m)s; voided: %(v)s — followed up by %(who)s",
                      m=", ".join(map(str, report["missing"])) or "—",
                      v=", ".join(map(str, voided)) or "—",
                      who=h.outgoing.full_name if h.outgoing else ""))
    return {"from": lo, "to": hi, "missing": report["missing"], "voided": voided, "rows": rows}


# -- 收费服务单交财务 --------------------------------------------------------------------------

def _check_finance(h, data: dict) -> None:
    if h.shift == "night" and not h.charged_orders_handed:
        raise RuleViolation(_("The night shift hands the charged service orders to finance "
                              "before leaving: tick 'charged orders handed to finance'."))


@section("finance", _l("Charged service orders handed to finance"), _check_finance)
def charged_orders(h, user) -> dict:
    start, end = shift_window(h.shift, h.handed_over_at, h.property_id)
    end = max(end, h.handed_over_at)
    orders = db.session.execute(select(ServiceOrder).where(
        ServiceOrder.property_id == h.property_id, ServiceOrder.voided_at.is_(None),
        ServiceOrder.charge > 0, ServiceOrder.settled_at >= start,
        ServiceOrder.settled_at <= end).order_by(ServiceOrder.serial_no)).scalars().all()
    total = sum((o.charge for o in orders), 0)
    rows = [_("%(n)s charged orders, %(total)s yuan: %(nos)s", n=len(orders), total=total,
              nos=", ".join(o.number for o in orders))] if orders else \
        [_("No charged service orders in this shift.")]
    return {"orders": [o.serial_no for o in orders], "total": str(total), "rows": rows}


def compute(h, user) -> dict[str, dict]:
    """Every section as of now, with its title in the reader's language."""
    out = {}
    for s in SECTIONS:
        data = s.provide(h, user)
        data["title"] = str(s.title)
        out[s.name] = data
    return out


def check(h, data: dict[str, dict]) -> None:
    for s in SECTIONS:
        if s.check is not None and s.name in data:
            s.check(h, data[s.name])
