"""信件、报刊管理制度 as small functions (the guide, Part 2; seed 003 4.1–4.3, 5):

- special mail (快件、包裹、包裹单、EMS、挂号信、重要信件) is delivered only against the
  resident's signature; never before it was received; a return names its reason
  (无人认领 / 房号不详 / 投递错误);
- on weekdays the courier takes mail in; at weekends the duty clerk takes it in on the
  owner's behalf (代收) and hands it to the courier on Monday morning;
- express and EMS are delivered within 10 minutes of receipt on weekdays;
- the quick entry logs a batch of tracking numbers, all or nothing;
- the month's sheets are filed on the 10th of the next month.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from audit import mark_action
from i18n import local_now, local_to_utc, local_today, utc_to_local
from models.base import db, utcnow
from models.mail import (FAST_KINDS, MAIL_KINDS, RETURN_REASONS, SPECIAL_KINDS, MailArchive,
                         MailItem)
from models.reference import Unit

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .sequence import next_number

EXPRESS_WITHIN = timedelta(minutes=10)
HANDOVER_BY = time(10, 0)          # Monday morning: weekend items handed to the courier
ARCHIVE_DAY = 10                   # 每月10号将上月《报刊签收表》和《邮件代收记录表》入档
QUICK_MAX_LINES = 200
TRACKING = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,39}")


def is_weekend(moment_utc: datetime) -> bool:
    return utc_to_local(moment_utc).weekday() >= 5


def take_in(item: MailItem, user) -> None:
    """The receiver of a new item: the courier on weekdays; the duty clerk only at
    weekends, on the owner's behalf (代收)."""
    item.received_by_id = user.id
    weekend = item.received_at is not None and is_weekend(item.received_at)
    if not user.has_role("courier"):
        if not weekend:
            raise RuleViolation(_("On weekdays the courier takes in mail; the desk takes it "
                                  "in on the owner's behalf only at weekends."))
    item.proxy_receipt = weekend and not user.has_role("courier")


def check_item(item: MailItem, now: datetime | None = None) -> None:
    """Refuse a line the 邮件签收表 would not accept."""
    now = now or utcnow()
    if item.kind not in MAIL_KINDS:
        raise RuleViolation(_("Choose the kind of mail."))
    if item.received_at is None or item.received_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time the mail was received (not in the future)."))
    if item.unit is not None and item.unit.property_id != item.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if item.kind != "ordinary" and not (item.tracking_no or "").strip() \
            and not (item.recipient_name or "").strip():
        raise RuleViolation(_("Give the tracking number or the recipient."))
    if item.delivered_at is not None:
        if item.delivered_at < item.received_at - CLOCK_SKEW:
            raise RuleViolation(_("Mail cannot be delivered before it was received."))
        if item.delivered_at > now + CLOCK_SKEW:
            raise RuleViolation(_("The delivery time cannot be in the future."))
        if item.kind in SPECIAL_KINDS and not (item.signer or "").strip():
            raise RuleViolation(_("Express, parcels, EMS, registered and important letters "
                                  "are delivered only against the resident's signature: "
                                  "give the signer."))
    if item.returned_at is not None:
        if item.delivered_at is not None:
            raise RuleViolation(_("A delivered item cannot also be returned."))
        if item.return_reason not in RETURN_REASONS:
            raise RuleViolation(_("Say why the item is returned: unclaimed, room unknown or "
                                  "delivered here by mistake."))
        if item.returned_at < item.received_at - CLOCK_SKEW or \
                item.returned_at > now + CLOCK_SKEW:
            raise RuleViolation(_("The return time must be after receipt and not in the "
                                  "future."))
    elif item.return_reason:
        raise RuleViolation(_("Give the time the item was returned."))
    if item.handed_to_courier_at is not None and \
            item.handed_to_courier_at < item.received_at - CLOCK_SKEW:
        raise RuleViolation(_("An item cannot be handed over before it was received."))
    _check_tracking_free(item)


def _check_tracking_free(item: MailItem) -> None:
    if not item.tracking_no or not item.is_open:
        return
    q = select(MailItem.serial_no).where(
        MailItem.property_id == item.property_id, MailItem.tracking_no == item.tracking_no,
        MailItem.delivered_at.is_(None), MailItem.returned_at.is_(None),
        MailItem.voided_at.is_(None))
    if item.id is not None:
        q = q.where(MailItem.id != item.id)
    other = db.session.execute(q.limit(1)).scalar()
    if other is not None:
        raise RuleViolation(_("Tracking number %(no)s is already logged (No.%(n)s) and not yet "
                              "delivered.", no=item.tracking_no, n=other))


def number(item: MailItem) -> None:
    item.serial_no = next_number("mail_item", item.property_id, MailItem.serial_no)


def stamp_delivery(item: MailItem, user, was_delivered: bool) -> None:
    """Whoever records the delivery is its 送达人."""
    if item.delivered_at is not None and not was_delivered:
        item.delivered_by_id = user.id
        mark_action(item, "deliver")
    elif item.delivered_at is None:
        item.delivered_by_id = None


def deliver(item: MailItem, user, signer: str | None) -> None:
    """送达: now, by ``user``, signed by ``signer`` (required for special mail)."""
    item.delivered_at = utcnow()
    item.signer = (signer or "").strip() or None
    check_item(item)
    stamp_delivery(item, user, False)


def send_back(item: MailItem, reason: str | None) -> None:
    """退还: now, with its reason."""
    item.returned_at = utcnow()
    item.return_reason = reason or None
    check_item(item)
    mark_action(item, "return")


def hand_over(item: MailItem) -> None:
    """A weekend item handed to the courier (周一早上与信报收发员做好交接)."""
    if not item.proxy_receipt or item.handed_to_courier_at is not None:
        raise RuleViolation(_("Only weekend items not yet handed over are handed to the "
                              "courier."))
    item.handed_to_courier_at = utcnow()
    mark_action(item, "hand_over")


# -- quick entry ---------------------------------------------------------------------------

def parse_lines(text: str, rooms: dict[str, int]) -> list[tuple[str, str | None, int | None]]:
    """(tracking number, recipient, unit id) per non-blank line: the number first, then
    optionally the recipient and the room (``SF1234567890 王女士 1-302``)."""
    out = []
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not lines:
        raise RuleViolation(_("Type or scan at least one tracking number, one per line."))
    if len(lines) > QUICK_MAX_LINES:
        raise RuleViolation(_("At most %(n)s numbers at a time.", n=QUICK_MAX_LINES))
    seen: set[str] = set()
    for ln in lines:
        tokens = ln.replace(",", " ").replace("，", " ").split()
        no = tokens[0]
        if not TRACKING.fullmatch(no):
            raise RuleViolation(_("“%(no)s” is not a tracking number (4–40 letters, digits or "
                                  "dashes).", no=no[:40]))
        if no.upper() in seen:
            raise RuleViolation(_("Tracking number %(no)s is in the list twice.", no=no))
        seen.add(no.upper())
        unit_id, names = None, []
        for tok in tokens[1:]:
            if tok in rooms and unit_id is None:
                unit_id = rooms[tok]
            else:
                names.append(tok)
        out.append((no, " ".join(names)[:60] or None, unit_id))
    return out


def quick_entry(user, kind: str, carrier: str | None, text: str,
                received_local: datetime | None = None) -> list[MailItem]:
    """Log every line as one item, or none: the caller commits."""
    if user.property_id is None:
        raise RuleViolation(_("Mail is logged at a property; head office cannot log it."))
    if kind not in MAIL_KINDS:
        raise RuleViolation(_("Choose the kind of mail."))
    rooms = dict(db.session.execute(select(Unit.room, Unit.id).where(
        Unit.property_id == user.property_id, Unit.voided_at.is_(None))).all())
    received = local_to_utc(received_local or local_now())
    items = []
    with db.session.no_autoflush:
        for no, name, unit_id in parse_lines(text, rooms):
            item = MailItem(property_id=user.property_id, received_at=received, kind=kind,
                            carrier=(carrier or "").strip()[:40] or None, tracking_no=no,
                            recipient_name=name, unit_id=unit_id, created_by_id=user.id)
            take_in(item, user)
            check_item(item)
            number(item)
            mark_action(item, "quick_entry")
            db.session.add(item)
            items.append(item)
    return items


# -- due --------------------------------------------------------------------------------

def _open_q(user):
    return scoped(select(MailItem).where(
        MailItem.delivered_at.is_(None), MailItem.returned_at.is_(None),
        MailItem.voided_at.is_(None)), MailItem, user)


def is_late(item: MailItem, now: datetime | None = None) -> bool:
    """Express or EMS received on a weekday and still not delivered after 10 minutes
    (shown red in the list)."""
    now = now or utcnow()
    return (item.kind in FAST_KINDS and item.is_open and not is_weekend(item.received_at)
            and now - item.received_at >= EXPRESS_WITHIN)


def handover_due_at(item: MailItem) -> datetime | None:
    """Monday 10:00 after a weekend item was taken in (local → UTC), else None."""
    if not item.proxy_receipt:
        return None
    day = utc_to_local(item.received_at).date()
    monday = day + timedelta(days=7 - day.weekday())
    return local_to_utc(datetime.combine(monday, HANDOVER_BY))


def late_express(user, now: datetime | None = None) -> list[MailItem]:
    now = now or utcnow()
    q = _open_q(user).where(MailItem.kind.in_(FAST_KINDS),
                            MailItem.received_at <= now - EXPRESS_WITHIN)
    return [m for m in db.session.execute(q.order_by(MailItem.received_at).limit(500))
            .scalars() if is_late(m, now)]


def weekend_not_handed(user, now: datetime | None = None) -> list[MailItem]:
    now = now or utcnow()
    q = _open_q(user).where(MailItem.proxy_receipt.is_(True),
                            MailItem.handed_to_courier_at.is_(None))
    return [m for m in db.session.execute(q.order_by(MailItem.received_at).limit(500))
            .scalars() if handover_due_at(m) <= now]


def archive_due(user, today: date | None = None) -> bool:
    """From the 10th, last month's sheets not yet filed."""
    today = today or local_today()
    if user.property_id is None or today.day < ARCHIVE_DAY:
        return False
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return not db.session.execute(select(func.count()).select_from(MailArchive).where(
        MailArchive.property_id == user.property_id, MailArchive.month == month,
        MailArchive.voided_at.is_(None))).scalar()


def archive(user, today: date | None = None) -> MailArchive:
    today = today or local_today()
    if user.property_id is None:
        raise RuleViolation(_("Mail is filed at a property; head office cannot file it."))
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if not archive_due(user, max(today, today.replace(day=ARCHIVE_DAY))):
        raise RuleViolation(_("Last month's mail sheets are already filed."))
    row = MailArchive(property_id=user.property_id, month=month, archived_by_id=user.id,
                      archived_at=utcnow(), created_by_id=user.id)
    db.session.add(row)
    return row


due_filter("mail_late_express", "mail_item")(late_express)
due_filter("mail_weekend", "mail_item")(weekend_not_handed)


@provides_due("mail_item")
def due_items(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    now = now or utcnow()
    out = []
    late = late_express(user, now)
    if late:
        out.append((_("Express or EMS not delivered within 10 minutes"), len(late),
                    "mail_item", "mail_late_express"))
    waiting = weekend_not_handed(user, now)
    if waiting:
        out.append((_("Weekend mail not handed to the courier on Monday morning"),
                    len(waiting), "mail_item", "mail_weekend"))
    if archive_due(user, utc_to_local(now).date()):
        out.append((_("Last month's mail sheets to file (on the 10th)"), 1,
                    "mail_item"))
    return out
